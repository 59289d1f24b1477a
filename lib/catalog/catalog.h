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
    int32_t rate_given;     /* 1: the catalog gave rate; 0: the default */
} ga_offer;

/* Where one provider's prices in a catalog come from, and their date. */
typedef struct ga_catsrc {
    char *provider;         /* lower case */
    char *source;           /* file, or upstream repository and commit */
    char *date;             /* "YYYY-MM-DD", or NULL when unknown */
} ga_catsrc;

struct gpuarb_catalog {
    ga_offer *v;
    size_t n, cap;
    ga_catsrc *src;         /* one per (provider, source), in first-seen order */
    size_t n_src, cap_src;
};

/* Record that provider's prices come from source (copied) dated date (NULL:
 * unknown); a pair already recorded is not added twice.  GPUARB_ERR_NOMEM. */
gpuarb_status ga_catalog_add_source(gpuarb_ctx *ctx, gpuarb_catalog *cat, const char *provider,
                                    const char *source, const char *date);
/* Add src's sources to dst (those of providers dst holds offers of, or all
 * when all is 1). */
gpuarb_status ga_catalog_copy_sources(gpuarb_ctx *ctx, gpuarb_catalog *dst,
                                      const gpuarb_catalog *src, int all);
/* The source record of provider in cat (the first), or NULL. */
const ga_catsrc *ga_catalog_source_of(const gpuarb_catalog *cat, const char *provider);
/* Days since 1970-01-01 of "YYYY-MM-DD" (a real calendar date), or -1. */
int64_t ga_date_days(const char *date);
/* Today in days since 1970-01-01: the date set on ctx, else the clock's. */
int64_t ga_ctx_today(const gpuarb_ctx *ctx);
void ga_catalog_free_sources(gpuarb_catalog *cat);
/* The share of one GPU an instance type really sells when sources list it
 * as a whole GPU (Azure NVv4: 1/8, 1/4, 1/2 of an MI25); 1 otherwise. */
double ga_part_gpu_share(const char *instance_type);

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
