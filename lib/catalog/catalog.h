/*
 * catalog.h - the in-memory catalog behind the public gpuarb_catalog handle.
 */
#ifndef GPUARB_CATALOG_H
#define GPUARB_CATALOG_H

#include "base/internal.h"

typedef struct ga_offer {
    char *provider, *region, *zone, *instance_type; /* owned; zone "" if none */
    int32_t gpu;            /* index into the GPU model table */
    int32_t gpu_count;      /* >= 1 */
    int32_t line;           /* source line, 0 = builtin */
    double gpu_memory_gb;   /* > 0 */
    double vcpus, memory_gb;        /* -1 unknown */
    double price;           /* on demand per instance, -1 = none */
    double spot;            /* -1 = no spot market */
    double rate;            /* interruption_rate, default 0.05 */
    int64_t capacity;       /* -1 = unlimited */
} ga_offer;

struct gpuarb_catalog {
    ga_offer *v;
    size_t n, cap;
};

/* Append a copy of o (strings duplicated).  Returns GPUARB_ERR_NOMEM, or
 * GPUARB_ERR_LIMIT past GA_LIM_OFFERS (io/limits.h) offers. */
gpuarb_status ga_catalog_push(gpuarb_ctx *ctx, gpuarb_catalog *cat, const ga_offer *o);
gpuarb_status ga_catalog_new(gpuarb_ctx *ctx, gpuarb_catalog **out);
/* gpuarb_catalog_load appending to cat, which may hold the offers of
 * earlier files, and stopping at the row that would make it hold more than
 * max_offers: GPUARB_ERR_LIMIT at that row, with *over = 1 (0 for every
 * other outcome), before reading further.  On error cat keeps the offers
 * added so far (the caller frees it). */
gpuarb_status ga_catalog_load_into(gpuarb_ctx *ctx, const char *path, int32_t format,
                                   const char *provider, size_t max_offers, int *over,
                                   gpuarb_catalog *cat);

#define GA_DEFAULT_INTERRUPTION_RATE 0.05

/* A parsed catalog reference (catalog_ref.c): "builtin", a native CSV path
 * or "skypilot:PROVIDER:PATH". */
typedef struct ga_catalog_ref {
    int32_t builtin;  /* 1 = the built-in snapshot (path and provider NULL) */
    char *path;       /* resolved against the base folder */
    char *provider;   /* NULL for native CSV; lower case for "skypilot:..." */
    ga_loc loc;       /* where a document names it (line 0: an argument) */
} ga_catalog_ref;

/* Parse text into *out (which owns its strings; free with
 * ga_catalog_ref_free).  Relative paths are resolved against base_dir
 * (NULL or "": as given).  at and key place errors in a document
 * (GPUARB_ERR_INPUT); at NULL means an argument (GPUARB_ERR_ARG).  No I/O. */
gpuarb_status ga_catalog_ref_parse(gpuarb_ctx *ctx, const char *text, const char *base_dir,
                                   const ga_loc *at, const char *key, ga_catalog_ref *out);
void ga_catalog_ref_free(ga_catalog_ref *ref);
/* 1 if text is the reference to the built-in snapshot ("builtin"). */
int ga_catalog_ref_is_builtin(const char *text);
/* Load the catalog ref names; an unreadable file is reported at ref->loc
 * when the reference has a position. */
gpuarb_status ga_catalog_ref_load(gpuarb_ctx *ctx, const ga_catalog_ref *ref,
                                  gpuarb_catalog **out);
/* Load refs[0..n) merged in order into one new catalog; n = 0: builtin.
 * At most GA_LIM_OFFERS offers in all: the file that crosses the limit
 * stops at the row that crosses it, and the error is placed where the
 * document lists that file (GPUARB_ERR_LIMIT). */
gpuarb_status ga_catalog_load_refs(gpuarb_ctx *ctx, const ga_catalog_ref *refs, size_t n,
                                   gpuarb_catalog **out);
/* The same with a smaller limit (tests); max_offers > GA_LIM_OFFERS is
 * GA_LIM_OFFERS. */
gpuarb_status ga_catalog_load_refs_max(gpuarb_ctx *ctx, const ga_catalog_ref *refs, size_t n,
                                       size_t max_offers, gpuarb_catalog **out);

#endif
