/*
 * spec.h - the validated in-memory optimize spec (SPEC section 2) behind the
 * public gpuarb_spec handle.  spec.c builds it from a ga_doc tree; solvers
 * read it and never see YAML or JSON.
 */
#ifndef GPUARB_SPEC_H
#define GPUARB_SPEC_H

#include "base/internal.h"
#include "catalog/catalog.h" /* ga_catalog_ref */

enum { GA_OBJ_MIN_COST = 0, GA_OBJ_MAX_THROUGHPUT = 1 };
/* work_gpu_hours at most: a million GPUs for a thousand hours */
#define GA_LIM_WORK_GPU_HOURS 1e9

enum { GA_SPOT_NEVER = 0, GA_SPOT_ALLOW = 1, GA_SPOT_ONLY = 2 };

typedef struct ga_globs {
    char **allow;  size_t n_allow;    /* empty = everything allowed */
    char **deny;   size_t n_deny;
    int32_t *allow_at, *deny_at;      /* line, column of each entry (pairs); NULL
                                         when built without a document */
} ga_globs;

typedef struct ga_workload {
    char *name;
    int32_t line, col;        /* position of the workload's map in the spec */
    int32_t gpus;             /* exact count, or -1 when min/max are used */
    int32_t min_gpus;         /* >= 0; equals gpus when exact */
    int32_t max_gpus;         /* -1 = unbounded; equals gpus when exact */
    int32_t *models;          /* acceptable GPU model indices; n_models = 0: any */
    size_t n_models;
    double min_gpu_memory_gb; /* 0 = no minimum */
    int32_t gpus_per_node;    /* 0 = any */
    int32_t same_region;      /* 0/1: a gang in one (provider, region); also
                                 set by same_zone */
    int32_t same_zone;        /* 0/1: a gang in one (provider, region, zone) */
    int32_t spot;             /* GA_SPOT_* */
    double checkpoint_minutes;/* default 60 */
    double restart_minutes;   /* default 5 */
    int32_t *tput_models;     /* model index -> factor; models not named: 1.0,
                                 or the model table's speed with tput_table */
    double *tput;
    size_t n_tput;
    int32_t tput_table;       /* throughput: table */
    double work_gpu_hours;    /* > 0: a job of this many GPU-hours at speed
                                 1.0, paid for the hours it runs; 0: none */
    double deadline_hours;    /* work must end within it; -1 = none */
    int32_t has_data;
    char *data_provider, *data_region;
    double data_gb;
    char *team, *project;     /* cost attribution labels; NULL = none (issue 13) */
    double move_hours;        /* delta plans: hours of price per launch; 0.25 */
} ga_workload;

struct gpuarb_spec {
    char *source;             /* file name or "<string>" */
    char *base_dir;           /* folder for relative catalog paths */
    int32_t objective;        /* GA_OBJ_* */
    double horizon_hours;     /* default 1 */
    double budget_per_hour;   /* -1 = none */
    double time_limit_s;      /* default 10 */
    double memory_limit_mib;  /* default GA_DEFAULT_MEMORY_MIB */
    int32_t catalog_builtin;  /* 1 = builtin (the default) */
    ga_catalog_ref *catalogs; /* when not builtin (loc.source = source) */
    size_t n_catalogs;
    ga_globs providers, regions;
    double max_provider_share;/* -1 = none; else (0, 1] */
    double max_spot_share;    /* -1 = none; else [0, 1] */
    double egress_same;       /* default 0.02 */
    double egress_other;      /* default 0.09 */
    ga_workload *w;
    size_t n_w;
    gpuarb_fleet *current;    /* delta plans: the fleet running now, or NULL */
};

/* Throughput factor of model for workload w (1.0 unless named). */
double ga_workload_tput(const ga_workload *w, int32_t model);
/* 1 if name passes the allow/deny globs. */
int ga_globs_allow(const ga_globs *g, const char *name);

#endif
