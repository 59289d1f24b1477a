/*
 * strmap.c - string map and set (strmap.h): FNV-1a hashing, open
 * addressing with linear probing in a power-of-two table kept at most half
 * full.  Keys are borrowed, never copied or freed.  No dependency, no
 * global state; allocation failure is reported as -1 with the map intact.
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/strmap.h"

/* FNV-1a: simple and good enough for keys a user typed. */
static size_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

static int rehash(ga_strmap *m, size_t cap)
{
    ga_strmap_entry *slot = ga_calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slot[i].key)
            continue;
        size_t j = str_hash(m->slot[i].key) & (cap - 1);
        while (slot[j].key)
            j = (j + 1) & (cap - 1);
        slot[j] = m->slot[i];
    }
    free(m->slot);
    m->slot = slot;
    m->cap = cap;
    return 0;
}

int ga_strmap_add(ga_strmap *m, const char *key, ga_strmap_entry **entry)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        if (cap < m->cap || rehash(m, cap))
            return -1;
    }
    size_t j = str_hash(key) & (m->cap - 1);
    while (m->slot[j].key) {
        if (strcmp(m->slot[j].key, key) == 0) {
            if (entry)
                *entry = &m->slot[j];
            return 0;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->slot[j].key = key;
    m->n++;
    if (entry)
        *entry = &m->slot[j];
    return 1;
}

ga_strmap_entry *ga_strmap_get(const ga_strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    size_t j = str_hash(key) & (m->cap - 1);
    while (m->slot[j].key) {
        if (strcmp(m->slot[j].key, key) == 0)
            return &m->slot[j];
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

void ga_strmap_free(ga_strmap *m)
{
    free(m->slot);
    memset(m, 0, sizeof *m);
}

int ga_strset_add(ga_strset *s, const char *str, const char **found)
{
    ga_strmap_entry *e;
    int r = ga_strmap_add(s, str, &e);
    if (r == 0 && found)
        *found = e->key;
    return r;
}

void ga_strset_free(ga_strset *s)
{
    ga_strmap_free(s);
}
