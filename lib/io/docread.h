/*
 * docread.h - the one reader that turns a ga_doc tree (doc.h) into a
 * validated struct: typed getters and a mapping walker that share one
 * wording for every error and name its source, line, column and key path.
 *
 * Usage (a validator for {name: STR, gpus: INT, spot: never|allow}):
 *
 *     enum { K_NAME, K_GPUS, K_SPOT };
 *     static const ga_rd_field KEYS[] = {
 *         {"name", GA_RD_REQUIRED}, {"gpus", 0}, {"spot", 0}, {NULL, 0}};
 *     ga_rd r;
 *     ga_rd_init(&r, ctx, doc.source);
 *     ga_rd_map m;
 *     int k;
 *     const ga_doc_node *v;
 *     gpuarb_status st = ga_rd_map_begin(&r, doc.root, KEYS, NULL, &m);
 *     while (!st && !(st = ga_rd_map_next(&r, &m, &k, &v)) && k >= 0) {
 *         switch (k) {   // the key path now ends in the key: "gpus"
 *         case K_NAME: st = ga_rd_string(&r, v, &name); break;
 *         case K_GPUS: st = ga_rd_int32(&r, v, 1, 1000, &gpus); break;
 *         case K_SPOT: st = ga_rd_enum(&r, v, SPOT_NAMES, &spot); break;
 *         }
 *     }
 *     // st: the first error in document order, or a missing "name"
 *
 * Rules every format gets from it: keys are visited in document order and
 * the first error stops the walk; an unknown key is an error at the key
 * with the nearest known key (by edit distance) as a hint; a missing
 * required key is an error at the mapping; null means absent for optional
 * keys (the walker skips them) while a required key's null reaches the
 * getter and is a type error there.  Errors are GPUARB_ERR_INPUT unless a
 * caller says otherwise.
 */
#ifndef GPUARB_DOCREAD_H
#define GPUARB_DOCREAD_H

#include "io/doc.h"

/* A reader: where errors go and the key path of the value being read
 * ("workloads[2].gpus"; "" at the top).  Paths longer than GA_PATH_MAX - 1
 * are cut, never an error. */
typedef struct ga_rd {
    gpuarb_ctx *ctx;
    const char *source;      /* borrowed */
    char path[GA_PATH_MAX];
    size_t len;              /* strlen(path) */
} ga_rd;

void ga_rd_init(ga_rd *r, gpuarb_ctx *ctx, const char *source);

/* Extend the path by ".key" (just "key" at the top) or "[i]"; each returns
 * a mark for ga_rd_pop, which restores the path as it was. */
size_t ga_rd_push_key(ga_rd *r, const char *key);
size_t ga_rd_push_index(ga_rd *r, size_t i);
void ga_rd_pop(ga_rd *r, size_t mark);

/* Record an error at n (or at line:col) under the current path; return st
 * (GPUARB_ERR_INPUT for ga_rd_fail). */
gpuarb_status ga_rd_fail(ga_rd *r, const ga_doc_node *n, const char *fmt, ...) GA_PRINTF(3, 4);
gpuarb_status ga_rd_fail_at(ga_rd *r, gpuarb_status st, int32_t line, int32_t col,
                            const char *fmt, ...) GA_PRINTF(5, 6);
/* "expected WANT, found a string ('eight')" at n. */
gpuarb_status ga_rd_wrong_type(ga_rd *r, const ga_doc_node *n, const char *want);
/* n must be of kind k ("expected a list, found ..." otherwise). */
gpuarb_status ga_rd_kind(ga_rd *r, const ga_doc_node *n, ga_doc_kind k);

/* ---- typed getters: each checks kind and range and reports at n ---- */

/* A non-empty string; *out is borrowed from the tree. */
gpuarb_status ga_rd_string(ga_rd *r, const ga_doc_node *n, const char **out);
/* A list of non-empty strings, copied: *out gets an array of n->n strings
 * (owned by the caller, as are the copies); *count counts the copies made,
 * also when an item fails. */
gpuarb_status ga_rd_strings(ga_rd *r, const ga_doc_node *n, char ***out, size_t *count);
/* true or false -> 1 or 0. */
gpuarb_status ga_rd_bool(ga_rd *r, const ga_doc_node *n, int32_t *out);
/* An integer (written without fraction or exponent) in [lo, hi]. */
gpuarb_status ga_rd_int(ga_rd *r, const ga_doc_node *n, int64_t lo, int64_t hi, int64_t *out);
gpuarb_status ga_rd_int32(ga_rd *r, const ga_doc_node *n, int32_t lo, int32_t hi, int32_t *out);

/* The interval a number must lie in: a lower end always, an upper end
 * only when has_hi; each end closed unless its _open flag is set. */
typedef struct ga_rd_range {
    double lo, hi;
    int32_t lo_open, hi_open, has_hi;
} ga_rd_range;
#define GA_RD_AT_LEAST(lo) (&(const ga_rd_range){(lo), 0, 0, 0, 0})     /* [lo, inf) */
#define GA_RD_ABOVE(lo) (&(const ga_rd_range){(lo), 0, 1, 0, 0})        /* (lo, inf) */
#define GA_RD_CLOSED(lo, hi) (&(const ga_rd_range){(lo), (hi), 0, 0, 1}) /* [lo, hi] */
#define GA_RD_ABOVE_UPTO(lo, hi) (&(const ga_rd_range){(lo), (hi), 1, 0, 1}) /* (lo, hi] */
gpuarb_status ga_rd_number(ga_rd *r, const ga_doc_node *n, const ga_rd_range *range,
                           double *out);

/* One of names (NULL-terminated): *out = its index.  A near miss gets a
 * "did you mean" hint. */
gpuarb_status ga_rd_enum(ga_rd *r, const ga_doc_node *n, const char *const *names,
                         int32_t *out);
/* A "version" value: an integer equal to supported. */
gpuarb_status ga_rd_version(ga_rd *r, const ga_doc_node *n, int32_t supported);

/* ---- mappings ---- */

enum { GA_RD_REQUIRED = 1 };
#define GA_RD_MAX_FIELDS 32

/* One known key; tables end with {NULL, 0}. */
typedef struct ga_rd_field {
    const char *name;
    int32_t flags;           /* GA_RD_REQUIRED */
} ga_rd_field;

typedef struct ga_rd_map {
    const ga_doc_node *map;
    const ga_rd_field *fields;
    size_t nfields;
    size_t next;             /* next pair to visit */
    size_t mark;             /* path length at the mapping */
    /* the value of each field visited so far; NULL while absent (an
     * optional field's null stays NULL) */
    const ga_doc_node *at[GA_RD_MAX_FIELDS];
} ga_rd_map;

/* Start walking n, which must be a mapping (otherwise "expected WANT, found
 * ..."; want NULL = "a mapping").  The path stays at the mapping. */
gpuarb_status ga_rd_map_begin(ga_rd *r, const ga_doc_node *n, const ga_rd_field *fields,
                              const char *want, ga_rd_map *m);
/* The next key in document order: *k its index in the table and *v its
 * value, with the path extended by the key until the next call.  Optional
 * keys whose value is null are skipped.  At the end *k = -1, the path is
 * back at the mapping, and a missing required key is an error at the
 * mapping (path "mapping.key").  An unknown key is an error at the key. */
gpuarb_status ga_rd_map_next(ga_rd *r, ga_rd_map *m, int *k, const ga_doc_node **v);
/* The whole walk: ga_rd_map_begin, then fn(arg, k, v) for every key until
 * fn or the walk fails.  *m keeps the values seen (m->at) for checks
 * across keys. */
typedef gpuarb_status (*ga_rd_field_fn)(void *arg, int k, const ga_doc_node *v);
gpuarb_status ga_rd_map_each(ga_rd *r, const ga_doc_node *n, const ga_rd_field *fields,
                             const char *want, ga_rd_map *m, ga_rd_field_fn fn, void *arg);

#endif
