/*
 * mig.h - MIG profile tables, the per-GPU exact slot solver, the cross-GPU
 * placer (gpuarb mig place) and the fractional-GPU cluster with its
 * replay (gpuarb share replay).  Private to lib/mig.
 *
 * The slot model (NVIDIA MIG User Guide, `nvidia-smi mig -lgipp`): a GPU has
 * `slots` memory slices on one axis (8 on A100/H100/H200/B200, 4 on A30 and
 * RTX PRO 6000 Blackwell) and `compute` compute slices (7 or 4).  A profile
 * instance occupies memory_slots consecutive slots starting at one of the
 * profile's start slots (a bit mask); instances never overlap, at most
 * max_instances of one profile exist, and the compute slices in use never
 * exceed `compute`.
 */
#ifndef GPUARB_MIG_H
#define GPUARB_MIG_H

#include "base/internal.h"

#define GA_MIG_SLOTS 8        /* widest slot axis */
#define GA_MIG_MAX_PROFILES 12

typedef struct ga_mig_profile {
    const char *name;         /* NVIDIA's, e.g. "1g.10gb" */
    int32_t id;               /* nvidia-smi profile id; -1 not known */
    int32_t compute;          /* compute slices ("Ng") */
    int32_t size;             /* memory slots */
    int32_t max_instances;
    double memory_gib;        /* as nvidia-smi prints it */
    uint32_t starts;          /* bit s: may start at slot s */
} ga_mig_profile;

typedef struct ga_mig_table {
    const char *model;        /* canonical model name (gpumodel.c) */
    const char *const *names; /* other spellings, NULL-terminated */
    int32_t slots, compute;
    double memory_gb;         /* whole GPU */
    int32_t nprofiles;
    const ga_mig_profile *profiles;
    const char *note;         /* where the rows come from, what is unconfirmed */
} ga_mig_table;

int32_t ga_mig_table_count(void);
const ga_mig_table *ga_mig_table_at(int32_t i);
/* The table of a model name (canonical, alias, or any spelling the GPU model
 * table knows), or NULL when the model has none. */
const ga_mig_table *ga_mig_table_find(const char *model);
/* Index of a profile in t by name (exact, case-insensitive), or -1. */
int32_t ga_mig_profile_find(const ga_mig_table *t, const char *name);

/* ---- the per-GPU exact solver ---- */

/* One instance on a GPU. */
typedef struct ga_mig_inst {
    int32_t profile;          /* index into the table */
    int32_t start;            /* slot */
} ga_mig_inst;

/* 1 when profile p may start at s given the occupied mask used. */
int ga_mig_fits_at(const ga_mig_table *t, int32_t p, int32_t s, uint32_t used);
/* Check a whole layout: starts legal, no overlap, per-profile counts and
 * compute within bounds.  0 when valid; else -1 with *bad the first
 * offending instance and *why a static reason. */
int ga_mig_layout_check(const ga_mig_table *t, const ga_mig_inst *v, int32_t n, int32_t *bad,
                        const char **why);
/* The largest profile (by memory slots, then compute) that could still be
 * created in the free slots of a layout, as size * 8 + compute (so larger
 * is less fragmented); 0 when none.  count[p] = instances of profile p. */
int32_t ga_mig_largest_free(const ga_mig_table *t, uint32_t used, const int32_t *count,
                            int32_t compute_used);

/* Exact layout for fixed instances plus new ones.  fixed[0..nfixed) stay
 * where they are except those whose bit is set in movable (they may be
 * re-placed); add[0..nadd) are profile indices to create.  On success (1)
 * out[0..nfixed) holds the fixed instances' starts and out[nfixed..) the
 * new ones', chosen so that the largest profile still creatable is as large
 * as possible (ties: fewest moved instances, then the lowest starts in
 * order).  0 when no layout exists. */
int ga_mig_solve_gpu(const ga_mig_table *t, const ga_mig_inst *fixed, int32_t nfixed,
                     uint32_t movable, const int32_t *add, int32_t nadd, int32_t *out);

/* ---- mig place: problem and result ---- */

enum { GA_MP_MIG = 0, GA_MP_SHARE = 1 };

typedef struct ga_mp_gpu {
    char *name;
    int32_t model;                /* gpumodel index */
    const ga_mig_table *t;        /* NULL: not MIG-capable */
    double memory_gb;
    int32_t ninst;                /* existing instances */
    ga_mig_inst inst[GA_MIG_SLOTS];
} ga_mp_gpu;

typedef struct ga_mp_req {
    char *name;
    int32_t kind;                 /* GA_MP_MIG or GA_MP_SHARE */
    char *profile;                /* MIG */
    int32_t model;                /* gpumodel index the request is limited to; -1 any */
    int32_t priority;
    int32_t milli;                /* SHARE: fraction in thousandths (1000 = whole GPU) */
    double fraction, memory_gb;   /* SHARE (memory_gb 0: not given) */
    int32_t line, col;            /* the profile's or the memory's value: */
    int32_t mline, mcol;          /* checked once every GPU is known */
    int32_t item;                 /* index in the spec's requests list */
} ga_mp_req;

struct gpuarb_mig_problem {
    char *source;
    ga_mp_gpu *gpus;
    size_t ngpus, gcap;
    ga_mp_req *reqs;
    size_t nreqs, rcap;
    int32_t spread;               /* objective: spread instead of min_gpus */
    int32_t allow_moves;
};

typedef struct ga_mp_place {
    int32_t req;                  /* request index */
    int32_t gpu;                  /* -1 unplaced */
    int32_t profile, start;       /* MIG */
    const char *reason;           /* unplaced: static text */
} ga_mp_place;

typedef struct ga_mp_move {
    int32_t gpu, profile, from, to;
} ga_mp_move;

struct gpuarb_mig_result {
    const gpuarb_mig_problem *p;  /* copied fields below; p itself is not kept */
    char **gpu_names;             /* owned copies */
    char **req_names;
    const ga_mig_table **tables;  /* per GPU */
    ga_mp_req *reqs;              /* copies (names point into req_names) */
    size_t ngpus, nreqs;
    ga_mp_place *place;           /* per request, in canonical order */
    ga_mp_move *moves;
    size_t nmoves;
    int32_t *changed;             /* per GPU: 1 the layout changes */
    int32_t *used;                /* per GPU: 1 holds something afterwards */
    ga_mig_inst *final_inst;      /* per GPU GA_MIG_SLOTS entries */
    int32_t *final_n;
    int32_t *mode;                /* per GPU: 0 idle, 1 MIG, 2 shared */
    gpuarb_mig_summary sum;
};

/* ---- fractional cluster (share) ---- */

typedef struct ga_share_cluster ga_share_cluster;

#endif
