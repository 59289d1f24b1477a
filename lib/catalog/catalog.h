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

/* Append a copy of o (strings duplicated).  Returns GPUARB_ERR_NOMEM. */
gpuarb_status ga_catalog_push(gpuarb_ctx *ctx, gpuarb_catalog *cat, const ga_offer *o);
gpuarb_status ga_catalog_new(gpuarb_ctx *ctx, gpuarb_catalog **out);

#define GA_DEFAULT_INTERRUPTION_RATE 0.05

#endif
