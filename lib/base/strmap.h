/*
 * strmap.h - a hash map from borrowed NUL-terminated strings to an int64
 * and a pointer (strmap.c), and the string set that is such a map with the
 * values unused.  Insertion is amortised O(1), so duplicate checks over n
 * names take linear time.
 *
 *     ga_strmap m = GA_STRMAP_INIT;
 *     ga_strmap_entry *e;
 *     int added = ga_strmap_add(&m, name, &e);   // 1 new, 0 present, -1 no memory
 *     if (added == 1) e->num = index;            // else e->num is the first index
 *     ...
 *     ga_strmap_free(&m);
 */
#ifndef GPUARB_BASE_STRMAP_H
#define GPUARB_BASE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ga_strmap_entry {
    const char *key; /* borrowed: must outlive the map; NULL = empty slot */
    int64_t num;     /* values, 0 / NULL when added */
    void *ptr;
} ga_strmap_entry;

/* Open addressing, linear probing, load factor at most 1/2; an all-zero
 * struct is an empty map. */
typedef struct ga_strmap {
    ga_strmap_entry *slot;
    size_t cap, n;
} ga_strmap;

#define GA_STRMAP_INIT {NULL, 0, 0}

/* Add key (borrowed) if absent.  Returns 1 added, 0 already present, -1 out
 * of memory (the map is unchanged).  *entry (if entry is not NULL) gets the
 * key's entry, valid until the next add. */
int ga_strmap_add(ga_strmap *m, const char *key, ga_strmap_entry **entry);
/* The key's entry, or NULL. */
ga_strmap_entry *ga_strmap_get(const ga_strmap *m, const char *key);
void ga_strmap_free(ga_strmap *m);

/* A set of borrowed strings: a map whose values are unused. */
typedef ga_strmap ga_strset;

/* 1 added, 0 already present (*found gets the stored pointer when found is
 * not NULL), -1 out of memory. */
int ga_strset_add(ga_strset *s, const char *str, const char **found);
void ga_strset_free(ga_strset *s);

#endif
