/*
 * delta.h - delta plans from the fleet that runs now (delta.c): the fleet
 * (a spec's `current:` list, a fleet file, or the JSON plan of an earlier
 * run), its resolution onto a base's offer classes, and the launch cost
 * of a plan: every instance beyond those running on the same workload,
 * offer class and market is launched and pays move_hours of its market's
 * list price.
 */
#ifndef GPUARB_DELTA_H
#define GPUARB_DELTA_H

#include "alloc/alloc.h"
#include "io/docread.h"

typedef struct ga_fleet_row {
    char *workload, *provider, *region, *zone, *instance_type; /* owned; zone "" if none */
    int32_t spot;
    int64_t count;
} ga_fleet_row;

struct gpuarb_fleet {
    char *source;
    ga_fleet_row *v;
    size_t n;
};

/* Read a fleet from n: a list of rows, a mapping with `current:` or with
 * `allocations:` (a plan of gpuarb optimize; its other keys are ignored).
 * Rows are appended to *f.  Errors at the row and key. */
gpuarb_status ga_fleet_read(ga_rd *r, const ga_doc_node *n, gpuarb_fleet *f);
/* Read the list of rows of a spec's `current:` key. */
gpuarb_status ga_fleet_read_rows(ga_rd *r, const ga_doc_node *n, gpuarb_fleet *f);
/* A deep copy (NULL on NOMEM). */
gpuarb_fleet *ga_fleet_copy(const gpuarb_fleet *f);

/* The fleet resolved onto a base: per (workload, class, market) the
 * instances running and the launch cost of one more. */
typedef struct ga_cur {
    int32_t w, k, spot;
    int64_t count;
} ga_cur;

struct ga_delta {
    ga_cur *v;            /* sorted by (w, k, spot) */
    size_t n;
    const gpuarb_fleet *fleet;
    int32_t *row_w;       /* per fleet row: workload index or -1 */
    int32_t *row_offer;   /* per fleet row: catalog offer or -1 */
};

/* Resolve spec's fleet onto b (which must outlive d).  GPUARB_OK or NOMEM. */
gpuarb_status ga_delta_build(gpuarb_ctx *ctx, const base *b, const gpuarb_fleet *fleet,
                             ga_delta *d);
void ga_delta_free(ga_delta *d);
/* Instances running on column j of p (0 without a fleet) and the launch
 * cost of one more (0 without a fleet). */
int64_t ga_delta_col(const prob *p, size_t j, double *launch);
/* The launch cost of plan x (p->n_c counts). */
double ga_delta_churn(const prob *p, const double *x);
/* Instances of workload w running now on catalog offer o in a market (0
 * for a NULL d). */
int64_t ga_delta_running(const ga_delta *d, int32_t w, int32_t o, int32_t spot);
/* The changes of result r's plan (its rows) from the fleet: per workload,
 * offer and market, what is launched, kept and terminated; only rows that
 * launch or terminate something are listed.  GPUARB_OK or NOMEM. */
gpuarb_status ga_delta_changes(gpuarb_ctx *ctx, const base *b, gpuarb_result *r);

#endif
