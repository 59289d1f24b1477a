/*
 * mem.h - checked allocation (mem.c).  Every allocation of n elements goes
 * through a helper that checks n x size for overflow.
 */
#ifndef GPUARB_BASE_MEM_H
#define GPUARB_BASE_MEM_H

#include <stddef.h>

/* NULL on overflow or failure (callers report GPUARB_ERR_NOMEM); a request
 * of 0 bytes still returns a unique pointer. */
void *ga_malloc(size_t n);
void *ga_mallocarray(size_t count, size_t size);
void *ga_calloc(size_t count, size_t size);
void *ga_reallocarray(void *p, size_t count, size_t size);
char *ga_strdup(const char *s);
char *ga_strndup(const char *s, size_t n);
/* Grow *p (holding *cap elements of size sz) to at least need elements;
 * 0 or -1 (overflow or no memory: *p and *cap unchanged). */
int ga_grow(void **p, size_t *cap, size_t need, size_t sz);

#endif
