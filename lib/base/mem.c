/*
 * mem.c - checked allocation: every array allocation goes through a count x
 * size check (NULL on overflow, as on failure; callers report
 * GPUARB_ERR_NOMEM), zero-size requests still return a unique pointer, and
 * gpuarb_free releases what the public API hands out.  No state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

void gpuarb_free(void *ptr)
{
    free(ptr);
}

void *ga_malloc(size_t n)
{
    return malloc(n ? n : 1);
}

void *ga_calloc(size_t count, size_t size)
{
    if (count == 0 || size == 0)
        return calloc(1, 1);
    if (count > SIZE_MAX / size)
        return NULL; /* checked here, not left to the C library */
    return calloc(count, size);
}

void *ga_mallocarray(size_t count, size_t size)
{
    return ga_reallocarray(NULL, count, size);
}

void *ga_reallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t n = count * size;
    return realloc(p, n ? n : 1);
}

char *ga_strdup(const char *s)
{
    return s ? ga_strndup(s, strlen(s)) : NULL;
}

char *ga_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int ga_grow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return -1;
        c *= 2;
    }
    void *q = ga_reallocarray(*p, c, sz);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}
