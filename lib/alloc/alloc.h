/*
 * alloc.h - the allocation solver's internal types and functions, shared by
 * classes.c (offer classes), columns.c (columns, dominance, evaluation),
 * knapsack.c (per-workload DP), mip.c (the MIP), solve.c (solving a view),
 * explain.c (infeasibility) and optimize.c (the driver).  Never installed.
 */
#ifndef GPUARB_ALLOC_H
#define GPUARB_ALLOC_H

#include <math.h>

#include "base/internal.h"
#include "alloc/spec.h"
#include "catalog/catalog.h"
#include "numeric/lp.h"

/* "No plan" in cost comparisons: true infinity, outside the range of any
 * finite cost (inputs are bounded and finite), never an in-band value. */
#define INF_COST HUGE_VAL
/* Largest GPU count the per-workload dynamic programme handles; larger
 * workloads go straight to the MIP. */
#define DP_MAX_GPUS 65536
#define DP_MAX_WORK 60000000.0

/* ---- classes of identical offers (classes.c) ---- */

typedef struct oclass {
    int32_t rep;          /* representative offer (first in catalog order) */
    int32_t first_member; /* index into base.members */
    int32_t n_members;
    int32_t prov, reg;    /* interned ids */
    int32_t shape;        /* id of (GPU model, GPU count, memory): what
                             ga_model_ok looks at */
    int32_t zone;         /* interned (provider, region, zone) when some
                             workload has same_zone (then a class is one
                             zone's: zones split classes), else 0 */
    int64_t cap;          /* -1 unlimited */
} oclass;

/* What one optimize call may spend: a wall-clock deadline and a memory
 * budget for the model, both carried through every phase (classes,
 * columns, DP, MIP, baseline, explanations). */
typedef struct ga_progress ga_progress; /* progress.c */
typedef struct ga_delta ga_delta;       /* delta.c: the fleet running now */

typedef struct ga_limits {
    double deadline_ms;   /* ga_now_ms() value at which to stop; 0: none */
    double mem_bytes;     /* memory budget of the model; 0: none */
    ga_progress *prog;    /* the caller's progress callback, or NULL */
} ga_limits;

typedef struct base {
    const gpuarb_spec *spec;
    ga_limits lim;
    const gpuarb_catalog *cat;
    oclass *cls;
    size_t n_cls;
    int32_t *members;     /* offer indices grouped by class */
    char **prov_name;     /* borrowed from the catalog, by prov id */
    int32_t n_prov;
    int32_t *reg_prov;    /* region id -> provider id */
    const char **reg_name;/* region id -> region name (borrowed) */
    int32_t n_reg;
    int32_t *cls_by_reg;  /* classes ordered by region id */
    int32_t *reg_c0;      /* region r's classes: cls_by_reg[reg_c0[r] ..
                             reg_c0[r + 1]) */
    int32_t *shape_rep;   /* shape id -> an offer of that shape */
    int32_t n_shape;
    int32_t split_zones;  /* some workload has same_zone: classes are
                             per zone, ordered by (region, zone) */
    int32_t n_zone;
    const ga_delta *delta;/* delta plans: the fleet running now, or NULL */
} base;

/* qsort has no context argument in C11: sort (key, index) pairs instead. */
typedef struct kpair {
    int64_t key;
    int32_t idx;
} kpair;

/* qsort order of kpair: by key, then index. */
int ga_cmp_kpair(const void *a, const void *b);
/* Classes of the offers of cat that pass spec's globs; b borrows both. */
gpuarb_status ga_base_build(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                            const gpuarb_catalog *cat, const ga_limits *lim, base *b);
void ga_base_free(base *b);

/* ---- a view and its columns (columns.c) ---- */

typedef struct view {
    int32_t only_prov;        /* -1 = all providers */
    int32_t ondemand_only;
    int32_t drop_budget, drop_pshare, drop_sshare, drop_capshare;
    int32_t reduce;           /* drop dominated columns even with share caps:
                                 then the view is a restriction, not exact */
    int32_t min_cost;         /* solve for least cost whatever the objective */
    int32_t has_cost_cap;     /* cost_cap is the total cost of a plan known
                                 to meet every constraint of the view */
    double cost_cap;          /* lets min_cost bound w_top under share caps */
} view;

typedef struct gcol {
    int32_t w, k, spot, gpc, grp;
    double unit;   /* $/h per instance: the spot formula's effective price,
                      except in a gang, whose price is the market's list
                      price and whose multiplier depends on the whole gang
                      (SPEC section 2; ga_gang_factor) */
    double tput;   /* per instance: gpc x throughput factor */
    double lam;    /* what an instance adds to its gang's interruption rate
                      (the offer's rate on spot in a gang), else 0 */
} gcol;


typedef struct ggrp {
    int32_t w, reg;
    int32_t zone;  /* same_zone workloads: the zone id of its classes, else -1 */
    int32_t lam;   /* 1 if a column of the group has lam > 0 */
    double egress; /* one-time $ if the workload uses this region */
    int32_t c0, nc;/* its columns [c0, c0 + nc) */
} ggrp;

typedef struct prob {
    const base *b;
    view v;
    int32_t objective;
    double H;
    gcol *c;
    size_t n_c, cap_c;
    ggrp *g;
    size_t n_g, cap_g;
    int32_t *w_c0, *w_nc, *w_g0, *w_ng; /* per workload ranges */
    int32_t *w_top;                     /* most GPUs worth buying, per workload */
    int32_t shares;                     /* a share cap is active in this view */
    int32_t restricted;                 /* some w_top is a restriction, not a
                                           proven bound: the model's bound is
                                           not the view's */
    const unsigned char *col_off;       /* NULL, or 1 where a column is held at
                                           0 (a gang fixed to one region after
                                           the solver's tolerance let it span
                                           two; see solve.c) */
} prob;

typedef struct plan_eval {
    double cph, egress, total, tput;
    double work;           /* what work-based workloads cost (in total) */
    double churn;          /* delta plans: launch cost, included in total */
    int feasible;          /* meets every constraint of the view */
} plan_eval;

/* The columns and groups of view v over base b (v->reduce, share caps and
 * the objective decide which reductions are exact). */
gpuarb_status ga_prob_build(gpuarb_ctx *ctx, const base *b, const view *v, prob *p);
void ga_prob_free(prob *p);
/* 1 if offer o has a GPU model, memory and shape workload w accepts. */
int ga_model_ok(const ga_workload *w, const ga_offer *o);
/* Per-instance per-hour cost of o for w in a market; -1 if unusable. */
double ga_unit_cost(const ga_workload *w, const ga_offer *o, int spot);
/* The throughput a work-based workload needs (work / deadline); 0 without
 * a deadline. */
double ga_work_floor(const ga_workload *w);

/* ---- the plan verifier (verify.c) ---- */

/* Figures of plan x (p->n_c instance counts) computed from the catalog
 * offers, and whether x is an integer plan that meets every constraint of
 * the spec the view keeps (GPU counts, shapes, markets, globs, gangs,
 * capacity, budget, share caps in GPUs).  GPUARB_OK whatever the verdict;
 * GPUARB_ERR_NOMEM (e zeroed, never "infeasible") on allocation failure. */
gpuarb_status ga_verify(gpuarb_ctx *ctx, const prob *p, const double *x, plan_eval *e);
/* ga_verify, and when x fails, the repairs of a solver's tolerances: each
 * gang spread over regions keeps its best region; then, if still
 * infeasible, the best feasible plan one instance smaller.  e is the
 * verdict on the (possibly changed) x. */
gpuarb_status ga_repair(gpuarb_ctx *ctx, const prob *p, double *x, plan_eval *e);
/* 1 if plan a beats plan b under objective: throughput first (max
 * throughput), then cost, each by more than 1e-9 relative. */
int ga_plan_better(int32_t objective, const plan_eval *a, const plan_eval *b);

/* The memory budget (b->lim.mem_bytes) against the MIP of a view: its size
 * counted from the columns, as mip.c builds it, before anything of it is
 * allocated.  Bytes per nonzero, column and row of GLPK 5.0 at the peak of
 * a solve (our builder's triplets and names, glp_prob's row and column
 * lists, the presolver's copy, branch and cut's arrays), measured on
 * synthetic models of 1-3 M nonzeros, 0.1-0.3 M columns and 1-50 k rows and
 * rounded up (bench/README.md, "memory budget"). */
#define GA_MIP_BYTES_NNZ 220.0
#define GA_MIP_BYTES_COL 450.0
#define GA_MIP_BYTES_ROW 400.0

typedef struct ga_model_size_t {
    double cols, rows, nnz;
    double bytes;          /* estimated peak bytes of building and solving it */
} ga_model_size_t;

/* Size of the MIP of p at stage (see ga_alloc_mip_build). */
void ga_model_size(const prob *p, int stage, ga_model_size_t *z);
/* GPUARB_OK when that MIP fits b->lim.mem_bytes (or no budget is set);
 * otherwise GPUARB_ERR_LIMIT with a message naming the sizes and the
 * budget.  Call it before building the MIP. */
gpuarb_status ga_model_check(gpuarb_ctx *ctx, const prob *p, int stage);

/* ---- per-workload knapsack DP (knapsack.c) ---- */

typedef struct knap_t {
    int32_t top;
    double *K;             /* K[k]: least cost of exactly k GPUs; INF if none */
    int32_t n_items;
    struct knap_item {
        int32_t col, mult, wt; /* mult units of column col, wt GPUs */
        double cost;           /* what they cost (launches included) */
    } *it;
    unsigned char *keep;   /* n_items x (top + 1) */
    /* a gang on spot (a column with lam > 0) or a work-based workload:
     * the cost of k GPUs is not a sum over instances but
     * H P / (1 - L (c/2 + r)), or W P / ((1 - L (c/2 + r)) T) for work W,
     * P the prices, L the gang's spot rates and T the throughput summed.
     * The DP keeps, per k, the plans no other beats on all of P, L and T
     * (a Pareto front), which is exact because the cost rises with P and
     * L and falls with T, and the deadline only asks T to be large
     * enough.  Plans are chains of entries in pool; best[k] is K[k]'s
     * entry (-1: none). */
    struct knap_ent {
        double lam, P, T;
        int32_t prev, item;
    } *pool;
    size_t n_pool, cap_pool;
    int32_t *best;
} knap_t;

/* Bounded knapsack over columns cols[0..n) with exact GPU totals
 * 0..top within class capacities cap (NULL: unlimited); 0, or -1 on
 * NOMEM, -3 past p->b->lim.deadline_ms, -4 when its table would take
 * more than a quarter of p->b->lim.mem_bytes. */
int ga_knap_solve(const prob *p, const int32_t *cols, int32_t n, int32_t top,
                  const int64_t *cap, knap_t *q);
/* Add the knapsack's plan for exactly k GPUs to x. */
void ga_knap_take(const knap_t *q, int32_t k, double *x);
void ga_knap_free(knap_t *q);
/* Least total cost of workload wi alone (plan into x); INF_COST if none,
 * -1 if too large for the DP (or its table for the memory budget), -2 on
 * allocation failure, -3 when p->b->lim.deadline_ms has passed (the clock
 * is read every few thousand steps: "no DP answer", x holds no plan). */
double ga_dp_workload(const prob *p, int32_t wi, const int64_t *cap, double *x);
/* Workloads in decreasing size, each alone on the capacity left: 1 if a
 * plan was found (evaluate() says whether it meets budget and caps). */
int ga_greedy(const prob *p, double *x);

/* ---- the MIP (mip.c) and solving a view (solve.c) ---- */

typedef struct mipmap {
    int32_t *zcol;        /* group -> MIP column or -1 */
    int32_t tcol;         /* the share caps' total-GPU column or -1 */
    int32_t e0;           /* delta plans: the first launch-excess column */
    int32_t n_cols;
    /* per workload whose cost is not a sum over instances (a gang with
     * spot columns, a work-based workload; ga_level_kind): the (rate,
     * throughput) levels lv[2 l], lv[2 l + 1] for l in [lv0[w], lv0[w] +
     * nlv[w]), a binary y per level from column ycol[w] on, then a price
     * column P per level */
    int32_t *ycol, *nlv, *lv0;
    double *lv;
} mipmap;

/* Most levels of one workload in the MIP. */
#define GA_LEVELS_MAX 4096
/* 1 if workload wi's cost in p is not a sum over its instances: a gang
 * with spot columns that add to its rate, or a work-based workload. */
int ga_level_kind(const prob *p, int32_t wi);
/* The distinct (interruption rate, throughput) pairs workload wi's plans
 * can reach within its columns' bounds (for a gang, within one of its
 * regions), rates under the gang formula's limit and, for work, throughput
 * that meets the deadline; into *lv as pairs (caller frees).  0, -1 on
 * allocation failure, -4 past GA_LEVELS_MAX. */
int ga_levels(const prob *p, int32_t wi, double **lv, int32_t *n);
void ga_mipmap_free(mipmap *mm);

/* When the solver may stop: relative gap, and absolute gap in dollars over
 * the horizon (cost objectives only).  A plan is reported optimal only
 * when proven to GA_OPT_GAP whatever these say (else feasible, true gap). */
#define GA_OPT_GAP 1e-9
/* The most a plan proven by GLPK may differ, relatively, from GLPK's own
 * incumbent value: the rounding of values GLPK takes as integral (its
 * integrality tolerance, GA_INT_TOL).  Both are printed in the result's
 * "tolerances" (result_write.c) and documented in gpuarb(1). */
#define GA_ROUND_TOL 1e-6
#define GA_INT_TOL 1e-5
#define GA_FEAS_TOL 1e-7
typedef struct ga_tol {
    double rel, abs_cost;
} ga_tol;

typedef struct sol {
    int32_t status;       /* gpuarb_solve_status */
    double *x;            /* p->n_c counts */
    plan_eval e;
    double bound, gap;
    int32_t bound_known;  /* for a time limit without a plan */
    int32_t proven;       /* max_throughput: the cheapest plan at this
                             throughput was proven (ties to the cheaper) */
    int32_t method;
    int32_t mip_cols, mip_rows;
    int64_t nodes;
    int32_t range_only;   /* infeasible only within the restricted GPU
                             ranges of a share-capped view (prob.restricted):
                             the result says so */
} sol;

/* The MIP of p: stage 0 the spec's objective, stage 1 least cost at
 * throughput >= tfloor; mm maps groups to region columns. */
gpuarb_status ga_alloc_mip_build(gpuarb_ctx *ctx, const prob *p, int stage, double tfloor,
                                 ga_mip **out, mipmap *mm);
/* Build and solve one stage (from start when not NULL) until the absolute
 * deadline (ga_now_ms() time, 0: none); the rounded plan goes to out->x
 * when the solver has one. */
gpuarb_status ga_alloc_mip_run(gpuarb_ctx *ctx, const prob *p, int stage, double tfloor,
                               const double *start, double deadline, const ga_tol *tol, sol *out,
                               ga_mip_out *mo);
/* Solve the view p until deadline: DP when exact, otherwise the MIP
 * (started from hint or the greedy plan); every plan reported is verified,
 * and a plan in hand is never dropped for a time limit. */
gpuarb_status ga_solve_view(gpuarb_ctx *ctx, const prob *p, double deadline, const ga_tol *tol,
                            const double *hint, sol *out);
/* Solve view v through the R0/R1/F stages when share caps are active, all
 * before deadline (absolute; 0: none, and never past b->lim.deadline_ms);
 * *P and *S receive the problem and solution (caller frees both). */
gpuarb_status ga_solve_exact(gpuarb_ctx *ctx, const base *b, const view *v, double deadline,
                             const ga_tol *tol, prob *P, sol *S);
/* The deadline of a stage that may use frac of what is left of deadline
 * (both absolute, 0: none), never past b->lim.deadline_ms. */
double ga_stage_deadline(const base *b, double deadline, double frac);
void ga_sol_free(sol *s);

/* ---- infeasibility explanations (explain.c) ---- */

/* Name the workloads that cannot be met even alone; 1 if any. */
int ga_explain_workloads(const prob *p, gpuarb_result *r);
/* Name the constraint families whose removal alone makes it feasible. */
gpuarb_status ga_explain_families(gpuarb_ctx *ctx, const base *b, const view *v0,
                                  double deadline, const ga_tol *tol, gpuarb_result *r);

#endif
