/*
 * pack_limits.c - what one gpuarb_pack_solve may spend: the time limit and
 * the memory budget, settled once when the solve starts (the call's
 * options, then the spec's settings, then the defaults) and checked before
 * any per-item work.  The memory a solve needs grows with its items and
 * node types; it is estimated from the counts (an upper bound of what the
 * arrays of the largest route hold at their peak, calibrated against the
 * peak resident set in bench/bench_pack.c), and a problem past the budget
 * ends in GPUARB_ERR_LIMIT naming the spec line and column whose count
 * asked for it.  Optional phases with memory of their own (the
 * column-generation bound) ask ga_pack_mem_left first.
 *
 * Time: a limit of 0, or at or above GA_PACK_MAX_TIME_MS (infinity
 * included), is "none"; NaN or a negative value other than -1 ("the
 * spec's") in the options is GPUARB_ERR_ARG, as is any of these for the
 * memory budget.  Every conversion of milliseconds to ticks happens here,
 * on values below GA_PACK_MAX_TIME_MS, so none can overflow.
 * No dependency.  Returns GPUARB_OK, GPUARB_ERR_ARG or GPUARB_ERR_LIMIT.
 */
#include <math.h>
#include <stdio.h>

#include "base/clock.h"
#include "pack/pack.h"

/* Bytes per item, per node type and per item group at the peak of a solve
 * (see the file comment), about twice what was measured (bench/README.md:
 * at most ~120 bytes an item for BPP instances and ~200 for specs, whose
 * items may take the vector route, with its segment tree, three copies of
 * a packing and the node-elimination pool, or be unplaced, each with its
 * reason). */
#define MEM_PER_ITEM_SPEC 400.0
#define MEM_PER_ITEM_BPP 200.0
#define MEM_PER_TYPE 256.0
#define MEM_PER_GROUP 96.0
#define MEM_FIXED (4.0 * 1048576.0)

void ga_pack_budget_init(ga_budget *b, const ga_pack_limits *lim, int64_t ticks_per_ms)
{
    /* limit_ms < GA_PACK_MAX_TIME_MS (1e9) and ticks_per_ms is a few tens
     * of thousands: the product stays far below 2^63 */
    int64_t ticks = lim->limit_ms > 0 ? (int64_t)(lim->limit_ms * (double)ticks_per_ms)
                                      : INT64_MAX / 4;
    ga_budget_init(b, 0, ticks);
    b->deadline_ms = lim->deadline_ms;
}

double ga_pack_mem_left(const ga_pack_limits *lim)
{
    if (lim->mem_bytes <= 0)
        return 1e18;
    double left = lim->mem_bytes - lim->mem_base;
    return left > 0 ? left : 0;
}

/* The estimate of a problem's solve, in bytes. */
static double mem_estimate(const gpuarb_pack_problem *p)
{
    if (p->kind == GA_PACK_KIND_BPP)
        return MEM_FIXED + MEM_PER_ITEM_BPP * (double)p->bpp_n;
    return MEM_FIXED + MEM_PER_ITEM_SPEC * (double)p->n_items +
           MEM_PER_TYPE * (double)p->n_types + MEM_PER_GROUP * (double)p->n_groups;
}

/* An option value: -1 means "the spec's"; NaN and other negatives are
 * misuse. */
static gpuarb_status check_opt(gpuarb_ctx *ctx, const char *name, double v)
{
    if (isnan(v) || (v < 0 && v != -1))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "opts.%s must be -1 (the spec's), 0 (none) or a positive number, "
                        "got %g",
                        name, v);
    return GPUARB_OK;
}

/* The error for a problem past the memory budget: at the count that asked
 * for the most items (a spec's items[i].count), else at the problem. */
static gpuarb_status over_budget(gpuarb_ctx *ctx, const gpuarb_pack_problem *p, double need,
                                 double budget_mib, const char *whose)
{
    const ga_pack_group *g = NULL;
    size_t gi = 0;
    for (size_t i = 0; i < p->n_groups; i++)
        if (!g || p->groups[i].count > g->count) {
            g = &p->groups[i];
            gi = i;
        }
    char key[48] = "";
    int32_t line = 0, col = 0;
    int64_t n = p->kind == GA_PACK_KIND_BPP ? (int64_t)p->bpp_n : p->n_items;
    if (p->kind == GA_PACK_KIND_BPP) {
        line = 1; /* the BPPLIB item count is the first number */
        col = 1;
    } else if (g && g->count_line > 0) {
        line = g->count_line;
        col = g->count_col;
        snprintf(key, sizeof key, "items[%zu].count", gi);
    }
    if (g && g->count > 1 && g->count < n && p->kind != GA_PACK_KIND_BPP)
        return ga_error(ctx, GPUARB_ERR_LIMIT, p->source, line, col, key[0] ? key : NULL,
                        "count %lld makes %lld items, which need about %.0f MiB to pack: "
                        "past the memory budget of %.0f MiB (%s)",
                        (long long)g->count, (long long)n, need / 1048576.0, budget_mib,
                        whose);
    return ga_error(ctx, GPUARB_ERR_LIMIT, p->source, line, col, key[0] ? key : NULL,
                    "%lld items need about %.0f MiB to pack: past the memory budget of "
                    "%.0f MiB (%s)",
                    (long long)n, need / 1048576.0, budget_mib, whose);
}

gpuarb_status ga_pack_settle_limits(gpuarb_ctx *ctx, const gpuarb_pack_problem *p,
                                    const gpuarb_pack_opts *opts, double t0,
                                    ga_pack_limits *lim)
{
    gpuarb_status st;
    if (opts && ((st = check_opt(ctx, "time_limit_ms", opts->time_limit_ms)) ||
                 (st = check_opt(ctx, "memory_limit_mib", opts->memory_limit_mib))))
        return st;
    double limit = opts && opts->time_limit_ms >= 0 ? opts->time_limit_ms
                   : p->time_limit_ms >= 0          ? p->time_limit_ms
                                                    : GA_PACK_DEFAULT_TIME_MS;
    if (!(limit < GA_PACK_MAX_TIME_MS))
        limit = 0;
    const char *whose = "the call's memory_limit_mib";
    double mib = opts && opts->memory_limit_mib >= 0 ? opts->memory_limit_mib : -1;
    if (mib < 0) {
        mib = p->memory_limit_mib;
        whose = "the spec's memory_limit_mib";
    }
    if (mib < 0) {
        mib = GA_DEFAULT_MEMORY_MIB;
        whose = "the default; memory_limit_mib raises it";
    }
    if (!(mib < GA_MAX_MEMORY_MIB))
        mib = 0;
    lim->limit_ms = limit;
    lim->mem_bytes = mib * 1048576.0;
    lim->mem_base = mem_estimate(p);
    if (lim->mem_bytes > 0 && lim->mem_base > lim->mem_bytes)
        return over_budget(ctx, p, lim->mem_base, mib, whose);
    /* Phases stop a little before the limit so that the result, built
     * after them, still fits in it: 2 % of the limit and 0.2 microseconds
     * per item, never more than half of the limit. */
    lim->deadline_ms = 0;
    if (limit > 0) {
        double n = p->kind == GA_PACK_KIND_BPP ? (double)p->bpp_n : (double)p->n_items;
        double reserve = fmin(limit / 2, 0.02 * limit + 2e-4 * n);
        lim->deadline_ms = t0 + limit - reserve;
    }
    return GPUARB_OK;
}
