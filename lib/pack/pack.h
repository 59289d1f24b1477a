/*
 * pack.h - the packing module's private interface (SPEC section 4).
 *
 * The public handles gpuarb_pack_problem and gpuarb_pack_result are defined
 * here.  The module is split by layer:
 *   pack_problem.c the problem handle: add_node_type/add_item, counts,
 *                  option defaults
 *   pack_solve.c   gpuarb_pack_solve: integer scaling, unfit items,
 *                  routing to pack_1d.c or pack_vec.c, building the result
 *   pack_limits.c  the time limit and memory budget of a solve, settled
 *                  and checked before any work
 *   pack_result.c  the result handle and its accessors
 *   pack_write.c   the JSON and table writers
 *   pack_bpp.c     the BPPLIB text reader
 *   pack_spec.c    the YAML/JSON pack spec validator (walks a ga_doc tree)
 *   pack_bounds.c  lower bounds for one-dimensional packing
 *   pack_heur.c    one-dimensional constructive heuristics (FFD, BFD, MBS)
 *   pack_ls.c      one-dimensional improvement (consistent neighbourhood
 *                  search on a partial packing)
 *   pack_cg.c      the column-generation (Gilmore-Gomory) LP bound with its
 *                  own small dense simplex (no LP library involved) and the
 *                  LP-rounding heuristic
 *   pack_exact.c   one-dimensional branch and bound
 *   pack_1d.c      the one-dimensional pipeline that strings these together
 *   pack_vec.c     multi-dimensional, variable-sized packing
 * Solvers work on integers: sizes are scaled per dimension so that every
 * comparison is exact.  Nothing here parses or prints except the loaders
 * and writers named above.
 */
#ifndef GPUARB_PACK_H
#define GPUARB_PACK_H

#include "base/internal.h"
#include "base/budget.h"
#include "base/clock.h"
#include "base/rng.h"
#include "base/strmap.h"

/* Dimensions: the three of SPEC section 4 and the abstract size of a BPP
 * instance. */
#define GA_PACK_DIMS 4
enum { GA_DIM_GPUS = 0, GA_DIM_CPUS = 1, GA_DIM_MEM = 2, GA_DIM_SIZE = 3 };

enum { GA_PACK_KIND_SPEC = 0, GA_PACK_KIND_BPP = 1 };

/* Bounds on what a problem may hold (documented in the man page). */
#define GA_PACK_MAX_ITEMS ((int64_t)20000000)
#define GA_PACK_MAX_TYPES 10000
#define GA_PACK_MAX_VALUE 1e15
/* A time limit at or above this many milliseconds (10^9 ms, about 11.6
 * days), infinity included, means "none", like 0. */
#define GA_PACK_MAX_TIME_MS 1e9
/* The time limit when neither the call nor the spec sets one. */
#define GA_PACK_DEFAULT_TIME_MS 10000.0

typedef struct ga_pack_type {
    char *name;
    double cap[GA_PACK_DIMS];
    double cost;       /* per hour; -1 = not given */
    int64_t count;     /* -1 = unlimited */
} ga_pack_type;

/* A group of identical items (a spec entry with count, or one add_item). */
typedef struct ga_pack_group {
    char *name;        /* NULL: items are named by their 0-based index */
    double size[GA_PACK_DIMS];
    int64_t count;
    int64_t first;     /* index of the group's first item */
    int32_t priority;  /* SPEC section 4: higher is placed first; 0 default */
    int32_t count_line, count_col; /* the spec's count value; 0 = none */
} ga_pack_group;

struct gpuarb_pack_problem {
    char *source;
    int32_t kind;                  /* GA_PACK_KIND_* */
    ga_pack_type *types;
    size_t n_types, cap_types;
    ga_strset type_names;          /* types[i].name, for the duplicate check */
    ga_pack_group *groups;
    size_t n_groups, cap_groups;
    int64_t n_items;
    /* BPP instances keep their weights flat (one group per item would
     * cost ~60 bytes an item). */
    int64_t *bpp_w;
    size_t bpp_n;
    int64_t bpp_cap;
    /* settings named by a spec; -1 = not given */
    int32_t objective;
    int32_t algorithm;
    double time_limit_ms;
    double memory_limit_mib;       /* -1 = not given */
};

/* ---------------------------------------------------------------------
 * What one solve may spend.  gpuarb_pack_solve settles both limits once,
 * when it starts, and every phase of every route draws on them: the clock
 * of each work budget stops at the one deadline, and a phase whose memory
 * is optional (the column-generation bound) runs only when it fits in
 * what the budget has left.
 * --------------------------------------------------------------------- */
typedef struct ga_pack_limits {
    double limit_ms;      /* the time limit; 0 = none */
    double deadline_ms;   /* ga_now_ms() at which phases stop; 0 = none */
    double mem_bytes;     /* memory budget of the solve; 0 = none */
    double mem_base;      /* bytes the solve reserves for its per-item and
                             per-node arrays (ga_pack_mem_estimate) */
} ga_pack_limits;

/* Settle the limits of a solve starting at t0 (pack_limits.c): the call's
 * options, else the spec's settings, else the defaults.  GPUARB_ERR_ARG
 * for a NaN or negative option (other than -1), GPUARB_ERR_LIMIT when the
 * problem's estimated memory is past the budget (at the spec's count). */
gpuarb_status ga_pack_settle_limits(gpuarb_ctx *ctx, const gpuarb_pack_problem *p,
                                    const gpuarb_pack_opts *opts, double t0,
                                    ga_pack_limits *lim);
/* A work budget with ticks_per_ms ticks per millisecond of the limit (or
 * no tick limit without one) whose clock stops at lim's deadline. */
void ga_pack_budget_init(ga_budget *b, const ga_pack_limits *lim, int64_t ticks_per_ms);
/* The clock alone: 1 (and the budget stopped by the clock) once b's
 * deadline has passed.  For phases whose work is not counted in ticks. */
static inline int ga_pack_past_deadline(ga_budget *b)
{
    if (b->stopped)
        return 1;
    if (b->deadline_ms > 0 && ga_now_ms() >= b->deadline_ms) {
        b->stopped = b->by_clock = 1;
        return 1;
    }
    return 0;
}
/* Bytes the memory budget has left for an optional phase (a huge number
 * without a budget). */
double ga_pack_mem_left(const ga_pack_limits *lim);

/* ---------------------------------------------------------------------
 * One-dimensional core.  Weights are integers 1..C; the callers drop
 * zero-size items before and put them back after.
 * --------------------------------------------------------------------- */

/* A 1D instance sorted by non-increasing weight: w[0] >= w[1] >= ... */
typedef struct ga_bpp {
    const int64_t *w;     /* n weights, sorted non-increasing, 1 <= w <= C */
    size_t n;
    int64_t C;
    int64_t total;        /* sum of w */
} ga_bpp;

/* A packing of a ga_bpp: bin[i] is the bin of item i (0..nbins-1). */
typedef struct ga_bpp_sol {
    int32_t *bin;
    int64_t nbins;
} ga_bpp_sol;

/* Bounds (pack_bounds.c). */
/* In v[0..n), sorted non-increasing, how many values exceed x (the first
 * index whose value is <= x), by binary search.  Inline: the local search
 * calls it in its innermost loop. */
static inline size_t ga_desc_count_gt(const int64_t *v, size_t n, int64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] > x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int64_t ga_bpp_l1(const ga_bpp *p);
int64_t ga_bpp_l2(const ga_bpp *p);
/* Fekete-Schepers dual-feasible-function bound, composed with the
 * threshold functions of L2; kmax limits the family. */
int64_t ga_bpp_ldff(const ga_bpp *p, int32_t kmax);
/* Martello-Toth style reduction: items in bins it fixes (set fixed[i] to
 * the fixed bin's number, -1 otherwise) are in some optimal packing.
 * Returns the number of bins fixed, or -1 on allocation failure. */
int64_t ga_bpp_reduce(const ga_bpp *p, int32_t *fixed);
/* The best of the above bounds, including the reduction (L3 style). */
int64_t ga_bpp_lower_bound(const ga_bpp *p, int *oom);

/* Constructive heuristics (pack_heur.c).  sol->bin must hold n entries.
 * Return 0 or -1 on allocation failure. */
int ga_bpp_ffd(const ga_bpp *p, ga_bpp_sol *sol);
/* budget may be NULL; with one, best fit watches its deadline (not its
 * ticks, so the deterministic budget is unchanged) and gives up past it
 * with sol->nbins = 0 (no packing) and the budget stopped by the clock. */
int ga_bpp_bfd(const ga_bpp *p, ga_bpp_sol *sol, ga_budget *budget);
/* Minimum bin slack (Gupta-Ho, with Fleszar-Hindi's fixed first item):
 * fills one bin at a time, around the largest item left, with the subset
 * of least slack; the subset searches spend at most a quarter of the
 * budget (plus a greedy fill per bin): once that share or the budget is
 * gone, each bin takes a greedy fill.  Every search is charged. */
int ga_bpp_mbs(const ga_bpp *p, ga_bpp_sol *sol, ga_budget *budget);

/* The subset of w[0..m-1] (sorted non-increasing; suf[i] = sum of w[i..])
 * with the largest sum <= R: an iterative depth-first search over
 * sub-multisets (equal weights tried once per level), stopped once the
 * slack is <= stop_slack or after node_cap nodes.  A node costs O(log m)
 * (binary searches, never a scan), so callers charge nodes as work; its
 * first descent is the greedy fill, so node_cap >= the items a bin can
 * hold gives at least that.  best[] (m entries)
 * receives the chosen positions, cur[] (m entries) is scratch; *nodes is
 * increased by the nodes visited.  Returns the number of positions. */
size_t ga_subset_fill(const int64_t *w, const int64_t *suf, size_t m, int64_t R,
                      int64_t stop_slack, size_t *cur, size_t *best, int64_t node_cap,
                      int64_t *nodes);

/* Improvement (pack_ls.c): try to lower sol->nbins towards target.
 * Returns 0 or -1 on allocation failure; sol is always a valid packing. */
int ga_bpp_improve(const ga_bpp *p, ga_bpp_sol *sol, int64_t target, uint64_t seed,
                   ga_budget *budget);

/* Column-generation LP bound (pack_cg.c): returns a valid lower bound
 * (0 if none could be computed: too many distinct weights, or the budget
 * ended first, or its memory is more than mem_left bytes), or -1 on
 * allocation failure.  sol (may be NULL) seeds the
 * master with its bins and receives a better packing when rounding the LP
 * solution and packing the residual finds one. */
int64_t ga_bpp_cg(const ga_bpp *p, ga_budget *budget, double mem_left, ga_bpp_sol *sol);

/* Branch and bound (pack_exact.c): searches for a packing with fewer bins
 * than sol->nbins, never fewer than lb.  Returns 1 if the search finished
 * (sol is then optimal), 0 if the budget ended it, -1 on allocation
 * failure. */
int ga_bpp_exact(const ga_bpp *p, ga_bpp_sol *sol, int64_t lb, ga_budget *budget);

/* Algorithms (values of gpuarb_pack_algorithm). */
enum {
    GA_ALGO_AUTO = 0,
    GA_ALGO_FFD = 1,
    GA_ALGO_BFD = 2,
    GA_ALGO_LOCAL = 3,
    GA_ALGO_EXACT = 4
};

typedef struct ga_bpp_report {
    int64_t nbins;
    int64_t lower_bound;
    int32_t optimal;      /* 1 if nbins is proven optimal */
    int32_t by_clock;     /* 1 if the wall clock cut a phase short */
} ga_bpp_report;

/* The 1D pipeline (pack_1d.c) on raw weights in any order (each 1..C):
 * bin_of[i] receives item i's bin; bins are numbered by their largest
 * item's position in non-increasing weight order, so the output does not
 * depend on internal phases. */
gpuarb_status ga_bpp_solve(gpuarb_ctx *ctx, const int64_t *w, size_t n, int64_t C,
                           int32_t algorithm, const ga_pack_limits *lim, uint64_t seed,
                           int32_t *bin_of, ga_bpp_report *rep);

/* ---------------------------------------------------------------------
 * Multi-dimensional core (pack_vec.c).  Sizes are integers per dimension.
 * --------------------------------------------------------------------- */
typedef struct ga_vec_type {
    int64_t cap[GA_PACK_DIMS];
    double cost;          /* >= 0 (0 when not given) */
    int64_t count;        /* -1 = unlimited */
} ga_vec_type;

typedef struct ga_vec_problem {
    size_t n;                       /* items */
    const int64_t (*size)[GA_PACK_DIMS];
    size_t n_types;
    const ga_vec_type *types;
    int32_t objective;              /* 0 min_nodes, 1 min_cost */
    const int32_t *prio;            /* per item priority; NULL = all 0 */
} ga_vec_problem;

typedef struct ga_vec_report {
    int64_t nodes;
    double cost;
    int64_t lower_bound;            /* on nodes */
    double cost_lower_bound;        /* on cost; -1 if none */
    int32_t optimal;
    int32_t by_clock;
} ga_vec_report;

/* Pack the items: node_of[i] is item i's node or -1 (no node left:
 * count limits), node_type[k] the type of node k (array of n entries).
 * Items that fit no type must have been removed by the caller. */
gpuarb_status ga_vec_solve(gpuarb_ctx *ctx, const ga_vec_problem *vp, int32_t algorithm,
                           const ga_pack_limits *lim, uint64_t seed, int32_t *node_of,
                           int32_t *node_type, ga_vec_report *rep);

/* ---------------------------------------------------------------------
 * Loaders.
 * --------------------------------------------------------------------- */
gpuarb_status ga_pack_problem_new(gpuarb_ctx *ctx, int32_t kind, const char *source,
                                  gpuarb_pack_problem **out);
gpuarb_status ga_pack_add_type(gpuarb_ctx *ctx, gpuarb_pack_problem *p, const char *name,
                               const double *cap, double cost, int64_t count);
gpuarb_status ga_pack_add_group(gpuarb_ctx *ctx, gpuarb_pack_problem *p, const char *name,
                                const double *size, int64_t count);

/* ---------------------------------------------------------------------
 * Shared by the problem, solve, result and writer files.
 * --------------------------------------------------------------------- */

/* Names of the GA_DIM_* dimensions, as spelled in specs and output. */
extern const char *const ga_pack_dim_names[GA_PACK_DIMS];

/* A result's copy of a problem group, for item names. */
typedef struct ga_pack_rgroup {
    char *name;          /* NULL: items named by index */
    int64_t first, count;
} ga_pack_rgroup;

struct gpuarb_pack_result {
    int32_t kind, status, objective, algorithm, clock_limited;
    int64_t n_items, nodes, lower_bound;
    double cost, cost_lb, solve_ms;
    int has_cost;              /* some used node type has a cost */
    char **type_names;
    size_t n_types;
    ga_pack_rgroup *groups;
    size_t n_groups;
    int32_t *node_type;        /* per node */
    int64_t *node_start;       /* nodes + 1 offsets into node_items */
    int32_t *node_items;       /* placed items grouped by node, ascending */
    double (*node_used)[GA_PACK_DIMS];
    int32_t *item_node;        /* per item; -1 = unplaced */
    int64_t n_unplaced;
    int64_t *unplaced;         /* item indices, ascending */
    char **reasons;            /* per unplaced item */
};

/* The group holding item j (0 <= j < r->n_items), or NULL if the result
 * has no groups (BPP instances: items are named by index). */
const ga_pack_rgroup *ga_pack_result_group(const gpuarb_pack_result *r, int64_t j);

#endif
