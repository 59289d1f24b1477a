/*
 * share.h - the fractional-GPU cluster of share.c and the replay of
 * share_replay.c.  Private to lib/mig.
 */
#ifndef GPUARB_SHARE_H
#define GPUARB_SHARE_H

#include "base/internal.h"
#include "base/rng.h"

#define GA_SHARE_MAX_GPUS 64
#define GA_SHARE_MAX_MODELS 64

enum {
    GA_SHARE_POL_RANDOM = 0,
    GA_SHARE_POL_BESTFIT,
    GA_SHARE_POL_DOTPROD,
    GA_SHARE_POL_PACKING,
    GA_SHARE_POL_FGD,
    GA_SHARE_POL_AUTO,
    GA_SHARE_POL_COUNT
};
extern const char *const ga_share_policy_names[];

/* A pod: k GPUs of milli thousandths each (k 1 and milli < 1000: a share),
 * CPU milli-cores, memory MiB, allowed models as a bit mask (0: any). */
typedef struct ga_share_pod {
    int32_t k, milli;
    int64_t cpu, mem;
    uint64_t mask;
} ga_share_pod;

typedef struct ga_share_node {
    int32_t model, ngpu;
    int64_t cpu_cap, cpu_free, mem_cap, mem_free;
    uint32_t version;              /* bumped on every change */
    int32_t gsum, gmax, gfull;     /* free GPU: total, largest, whole GPUs */
    int32_t frag_ok;
    uint32_t frag_epoch;           /* the cluster's epoch when frag was computed */
    double frag;                   /* F_n(M) of the current state when frag_ok */
    int16_t gfree[GA_SHARE_MAX_GPUS];
} ga_share_node;

/* A class of the target workload and its weight (popularity). */
typedef struct ga_share_cls {
    int32_t k, milli;
    int64_t cpu;
    uint64_t mask;
    double w;
} ga_share_cls;

/* A pod shape (the part of a pod that FGD's score depends on) and, per
 * node, its last computed change of fragmentation: valid while the node's
 * version is stamp - 1 and the shape's epoch is the cluster's. */
typedef struct ga_share_shape {
    int32_t k, milli;
    int64_t cpu;
    uint64_t mask;
    uint32_t epoch;
    uint32_t *stamp;
    double *delta;
    uint64_t *gm;                  /* the GPUs FGD picks there */
    /* nodes that may still take the shape, ascending: free resources only
     * shrink, so a node that cannot (model, CPU, GPU) never can again */
    int32_t *cand;
    size_t ncand, seen;            /* seen: nodes considered so far */
} ga_share_shape;

typedef struct ga_share_cluster {
    int32_t policy;
    ga_rng rng;
    char *models[GA_SHARE_MAX_MODELS];
    int32_t nmodels;
    ga_share_node *nodes;
    size_t n, cap;
    ga_share_cls *cls;
    size_t ncls, clscap;
    double wsum;
    uint32_t epoch;                /* bumped when the target workload changes */
    ga_share_shape *shapes;        /* pod shapes seen by fgd/auto */
    size_t nshapes, shapecap;
    int32_t *shape_tab;            /* open addressing: shape index + 1 */
    size_t shape_tab_n;            /* its size, a power of two */
    size_t shape_nodes;            /* nodes the shapes' arrays hold */
    int64_t gpus;                  /* GPUs in the cluster */
    int64_t allocated;             /* thousandths of GPU allocated */
    int32_t explicit_target;       /* the caller gave the target workload */
    double auto_dot;
    double auto_tol;               /* auto: weight of the dot-product term */
    int32_t oom;                   /* memory ran out inside ga_share_place */
    /* per model (index model + 1; 0 = no model): the classes that may run on
     * it, by CPU descending, with prefix weight sums; built for epoch */
    struct ga_share_view {
        uint32_t epoch;
        int32_t built;
        int32_t n;
        int32_t *cls;              /* class indices */
        double *wpre;              /* wpre[i] = weight of cls[0..i) */
        double wout;               /* weight of classes that may not run on it */
        /* suffix tables (the classes cls[lo..n), those whose CPU fits when
         * lo is the first that fits): share classes by per-GPU milli and
         * whole-GPU classes by k, as cumulative weights */
        int32_t nm, nk;
        int32_t *ms;               /* distinct share milli, ascending */
        int32_t *ks;               /* distinct whole k, ascending */
        double *sw;                /* sw[lo * (nm + 1) + j]: milli < ms[j] */
        double *kw;                /* kw[lo * (nk + 1) + j]: k < ks[j] */
    } view[GA_SHARE_MAX_MODELS + 1];
} ga_share_cluster;

/* The public handle is the cluster itself (first member). */
struct gpuarb_share_cluster {
    ga_share_cluster c;
};

ga_share_cluster *ga_share_new(int32_t policy, uint64_t seed);
void ga_share_free(ga_share_cluster *c);
/* The id of a model name (n bytes), interned when add; -1 unknown (add 0),
 * -2 too many models, -3 out of memory. */
int32_t ga_share_model_id(ga_share_cluster *c, const char *name, size_t n, int add);
/* 0, or -1 out of memory. */
int ga_share_add_node(ga_share_cluster *c, int32_t model, int32_t gpus, int64_t cpu, int64_t mem);
/* Add weight to p's class of the target workload; 0 or -1 out of memory. */
int ga_share_add_class(ga_share_cluster *c, const ga_share_pod *p, double weight);
/* Keep the most popular classes until they cover share (0..1] of the
 * weight (the FGD simulator's popularity threshold). */
void ga_share_trim_classes(ga_share_cluster *c, double share);
/* Place p: the node index (and *gmask its GPUs), -1 when it fits nowhere,
 * -2 when memory ran out (nothing placed). */
int64_t ga_share_place(ga_share_cluster *c, const ga_share_pod *p, uint64_t *gmask);
/* Recompute a node's summaries (gsum, gmax, gfull) after a change. */
void ga_share_rehash(ga_share_node *nd);
const char *ga_share_reason(const ga_share_cluster *c, const ga_share_pod *p);

#endif
