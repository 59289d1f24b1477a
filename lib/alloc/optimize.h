/*
 * optimize.h - the result of an allocation (behind gpuarb_result), shared by
 * optimize.c and explain.c (which fill it), result.c (its free and
 * accessors) and result_write.c (which serialises it).
 */
#ifndef GPUARB_OPTIMIZE_H
#define GPUARB_OPTIMIZE_H

#include "base/internal.h"
#include "catalog/catalog.h" /* ga_catsrc */
#include "alloc/spec.h" /* GA_OBJ_* */

typedef struct ga_alloc_row {
    int32_t w;               /* workload index */
    int32_t offer;           /* catalog offer index */
    char *workload;          /* owned copies: a result outlives spec and catalog */
    char *provider, *region, *zone, *instance_type, *gpu;
    int32_t gpus_per_instance;
    int32_t count;
    int32_t spot;
    double price_hour;       /* list price of the market per instance */
    double unit_cost;        /* per-hour cost per instance (spot: effective) */
} ga_alloc_row;

/* One alternative (trust.c): workload w alone on provider in one market. */
typedef struct ga_alt_row {
    int32_t w;
    int32_t spot;
    char *provider;
    double cph;              /* its cost per hour; -1 when it has no plan */
    double extra;            /* $/h above the plan's own for the workload */
    char *reason;
} ga_alt_row;
/* One change of a delta plan (delta.c): per workload, offer and market. */
typedef struct ga_change {
    char *workload, *provider, *region, *zone, *instance_type;
    int32_t spot;
    int64_t launch, keep, terminate;
    double launch_cost;
} ga_change;

typedef struct ga_wl_row {
    char *name;
    int32_t gpus;
    double cost_per_hour;
    double egress_cost;
    double throughput;
    double hours;            /* work-based: the hours its work takes; 0 else */
    double work_cost;        /* work-based: what the work costs in all */
    char *team, *project;    /* attribution labels (copies); NULL = none */
} ga_wl_row;

struct gpuarb_result {
    int32_t status;          /* gpuarb_solve_status */
    int32_t objective;       /* GA_OBJ_* */
    double horizon_hours;
    double cost_per_hour, total_cost, egress_cost, throughput;
    double mip_gap, bound, solve_ms;
    int32_t bound_known;     /* time limit without a plan: is bound proven? */
    int32_t nomem;           /* a diagnostic could not be stored: the call
                                ends in GPUARB_ERR_NOMEM, never a shortened
                                explanation */
    int32_t has_baseline;
    char *baseline_provider;
    double baseline_cph, baseline_total, savings_pct;
    double baseline_tput;    /* the baseline plan's throughput */
    double tput_gain_pct;    /* max_throughput: 100 (throughput / baseline_tput
                                - 1); savings_pct is then not reported */
    ga_alloc_row *rows;
    size_t n_rows;
    ga_wl_row *wl;
    size_t n_wl;
    char **diag;
    size_t n_diag;
    /* solver statistics (reported in JSON under "stats") */
    int32_t mip_cols, mip_rows;
    int32_t offers_in, classes, columns;
    int64_t nodes;
    int32_t method;          /* GA_METHOD_* */
    /* issue 7 (trust.c): warnings, price sources, alternatives */
    char **warn;
    size_t n_warn;
    ga_catsrc *src;          /* owned copies; source and date may be NULL */
    size_t n_src;
    ga_alt_row *alt;
    size_t n_alt;
    int32_t explained;       /* opts.explain: "alternatives" is written */
    /* delta plans: a current fleet was given */
    int32_t delta;
    double churn_cost;       /* launch cost of the changes (in the
                                objective, not in total_cost) */
    ga_change *changes;
    size_t n_changes;
};

enum { GA_METHOD_NONE = 0, GA_METHOD_DECOMPOSED = 1, GA_METHOD_MIP = 2 };

/* Append a diagnostic sentence (copied).  Returns -1 on allocation failure. */
int ga_result_diag(gpuarb_result *r, const char *fmt, ...) GA_PRINTF(2, 3);

#endif
