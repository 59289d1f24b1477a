/*
 * pack_1d.c - the one-dimensional packing pipeline: sort, bound, build,
 * improve, bound harder, search.  It strings together pack_bounds.c
 * (L1, L2, the Fekete-Schepers bound, reduction), pack_heur.c (FFD, BFD,
 * minimum bin slack), pack_ls.c (consistent neighbourhood search),
 * pack_cg.c (column-generation bound and LP rounding) and pack_exact.c
 * (bin completion), and stops as soon as the packing meets the bound.
 * The local search runs briefly before the LP bound (whose time would
 * otherwise be lost when L2 is not tight) and then restarts from the FFD,
 * BFD and MBS packings and the best one in turn, with fresh seeds.
 * No dependency.  Invariants: weights are 1..C (the caller removes zero
 * sizes and rejects items larger than C); the packing returned is always
 * complete and feasible; bins are numbered by the sorted position of their
 * largest item, so equal inputs give equal output whatever phase found the
 * packing; the work budget is deterministic (ticks derived from the time
 * limit), the wall clock only a safety net.  Returns GPUARB_OK or
 * GPUARB_ERR_NOMEM.
 */
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

/* Work units per millisecond of time limit.  Calibrated on the BPPLIB
 * runs in bench/bench_pack.c so that the deterministic budget usually
 * ends before the wall clock does (see bench/README.md). */
#define TICKS_PER_MS 30000

/* Instances beyond these sizes skip the expensive phases. */
#define MBS_MAX_ITEMS 20000
#define LS_MAX_ITEMS 200000
#define EXACT_MAX_ITEMS 5000

typedef struct witem {
    uint32_t key;   /* C - w: ascending key = descending weight */
    uint32_t idx;
} witem;

/* Sort (weight desc, index asc) by LSD radix sort on C - w (stable, so
 * equal weights keep index order): one counting pass per 16 bits of C. */
static int sort_desc(const int64_t *w, size_t n, int64_t C, int64_t *ws, uint32_t *idx)
{
    witem *a = ga_mallocarray(n, sizeof *a), *b = ga_mallocarray(n, sizeof *b);
    size_t *cnt = ga_mallocarray(65537, sizeof *cnt);
    if (!a || !b || !cnt) {
        free(a);
        free(b);
        free(cnt);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        a[i].key = (uint32_t)(C - w[i]);
        a[i].idx = (uint32_t)i;
    }
    for (int shift = 0; shift < 32 && ((uint64_t)C >> shift) > 0; shift += 16) {
        memset(cnt, 0, 65537 * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            cnt[((a[i].key >> shift) & 0xffff) + 1]++;
        for (size_t k = 0; k < 65536; k++)
            cnt[k + 1] += cnt[k];
        for (size_t i = 0; i < n; i++)
            b[cnt[(a[i].key >> shift) & 0xffff]++] = a[i];
        witem *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++) {
        ws[i] = C - (int64_t)a[i].key;
        idx[i] = a[i].idx;
    }
    free(a);
    free(b);
    free(cnt);
    return 0;
}

/* Renumber the bins of sol by the position of their first (largest) item. */
static int canonical(ga_bpp_sol *sol, size_t n)
{
    if (sol->nbins <= 0)
        return 0;
    int32_t *map = ga_mallocarray((size_t)sol->nbins, sizeof *map);
    if (!map)
        return -1;
    for (int64_t b = 0; b < sol->nbins; b++)
        map[b] = -1;
    int32_t next = 0;
    for (size_t i = 0; i < n; i++)
        if (map[sol->bin[i]] < 0)
            map[sol->bin[i]] = next++;
    for (size_t i = 0; i < n; i++)
        sol->bin[i] = map[sol->bin[i]];
    sol->nbins = next;
    free(map);
    return 0;
}

static void keep_better(ga_bpp_sol *best, const ga_bpp_sol *cand, size_t n)
{
    if (cand->nbins > 0 && cand->nbins < best->nbins) {
        memcpy(best->bin, cand->bin, n * sizeof *best->bin);
        best->nbins = cand->nbins;
    }
}

/* The local search on sol with a share of the budget, charged to it. */
static int run_ls(const ga_bpp *p, ga_bpp_sol *sol, int64_t lb, uint64_t seed,
                  ga_budget *budget, int64_t share)
{
    ga_budget sub = *budget;
    if (share > budget->ticks_left)
        share = budget->ticks_left;
    sub.ticks_left = share;
    int rc = ga_bpp_improve(p, sol, lb, seed, &sub);
    budget->ticks_left -= share - (sub.ticks_left > 0 ? sub.ticks_left : 0);
    if (sub.by_clock)
        budget->stopped = budget->by_clock = 1;
    if (budget->ticks_left <= 0)
        budget->stopped = 1;
    return rc;
}

gpuarb_status ga_bpp_solve(gpuarb_ctx *ctx, const int64_t *w, size_t n, int64_t C,
                           int32_t algorithm, const ga_pack_limits *lim, uint64_t seed,
                           int32_t *bin_of, ga_bpp_report *rep)
{
    memset(rep, 0, sizeof *rep);
    if (n == 0)
        return GPUARB_OK;
    int64_t *ws = ga_mallocarray(n, sizeof *ws);
    uint32_t *idx = ga_mallocarray(n, sizeof *idx);
    int32_t *b1 = ga_mallocarray(n, sizeof *b1), *b2 = NULL, *b3 = NULL;
    gpuarb_status st = GPUARB_ERR_NOMEM;
    if (!ws || !idx || !b1 || sort_desc(w, n, C, ws, idx) != 0)
        goto out;
    ga_bpp p = {ws, n, C, 0};
    for (size_t i = 0; i < n; i++)
        p.total += ws[i];

    /* the ticks derive from the limit; the clock stops every phase at the
     * solve's one deadline (set by the caller before it sorted anything) */
    ga_budget budget;
    ga_pack_budget_init(&budget, lim, TICKS_PER_MS);

    int oom = 0;
    int64_t lb;
    if (algorithm == GA_ALGO_FFD || algorithm == GA_ALGO_BFD) {
        lb = ga_bpp_l2(&p); /* cheap: the constructive verbs stay fast */
    } else {
        lb = ga_bpp_lower_bound(&p, &oom);
        if (oom)
            goto out;
    }
    ga_bpp_sol best = {b1, 0};
    if (algorithm == GA_ALGO_BFD) {
        if (ga_bpp_bfd(&p, &best, NULL) != 0)
            goto out;
    } else if (ga_bpp_ffd(&p, &best) != 0) {
        goto out;
    }
    if (algorithm != GA_ALGO_FFD && algorithm != GA_ALGO_BFD && best.nbins > lb) {
        b2 = ga_mallocarray(n, sizeof *b2);
        b3 = ga_mallocarray(n, sizeof *b3);
        if (!b2 || !b3)
            goto out;
        ga_bpp_sol cand = {b2, 0}, mbs = {b3, 0};
        if (ga_bpp_bfd(&p, &cand, &budget) != 0)
            goto out;
        keep_better(&best, &cand, n);
        if (best.nbins > lb && n <= MBS_MAX_ITEMS) {
            if (ga_bpp_mbs(&p, &mbs, &budget) != 0)
                goto out;
            keep_better(&best, &mbs, n);
        }
        /* local search, first with a small share of the budget: when the
         * bound is not tight, this time is lost until the column-generation
         * bound below proves the incumbent */
        if (best.nbins > lb && n <= LS_MAX_ITEMS) {
            /* half from the first-fit packing, half from the best one */
            int64_t share = GA_MIN(budget.ticks_left / 8, 4000000 + 20000 * (int64_t)n);
            if (ga_bpp_ffd(&p, &cand) != 0 ||
                run_ls(&p, &cand, lb, seed, &budget, share / 2) != 0)
                goto out;
            keep_better(&best, &cand, n);
            if (best.nbins > lb && run_ls(&p, &best, lb, seed + 17, &budget, share / 2) != 0)
                goto out;
        }
        /* a stronger bound before searching longer */
        if (best.nbins > lb && !budget.stopped) {
            int64_t cgb = ga_bpp_cg(&p, &budget, ga_pack_mem_left(lim), &best);
            if (cgb < 0)
                goto out;
            if (cgb > lb)
                lb = cgb;
        }
        /* more local search, restarted from the first-fit, best-fit and
         * minimum-bin-slack packings and from the best one in turn, with
         * fresh seeds: where the search starts matters more than how long
         * it runs */
        if (best.nbins > lb && !budget.stopped && n <= LS_MAX_ITEMS) {
            int64_t share = algorithm == GA_ALGO_EXACT ? budget.ticks_left / 4
                            : algorithm == GA_ALGO_LOCAL || n > EXACT_MAX_ITEMS
                                ? budget.ticks_left
                                : budget.ticks_left * 3 / 4;
            int64_t stop_at = budget.ticks_left - share;
            for (int round = 0; round < 16 && best.nbins > lb && !budget.stopped &&
                                budget.ticks_left > stop_at;
                 round++) {
                int64_t avail = budget.ticks_left - stop_at;
                int64_t sh = round < 15 ? GA_MAX(avail / 3, GA_MIN(avail, 1000000)) : avail;
                int start = round % 4;
                if (start == 2 && mbs.nbins == 0)
                    start = 3;
                int rc = start == 0   ? ga_bpp_ffd(&p, &cand)
                         : start == 1 ? ga_bpp_bfd(&p, &cand, &budget)
                                      : 0;
                if (rc != 0)
                    goto out;
                if (start == 1 && cand.nbins == 0)
                    break; /* best fit gave up at the deadline */
                if (start >= 2) {
                    const ga_bpp_sol *src = start == 2 ? &mbs : &best;
                    memcpy(cand.bin, src->bin, n * sizeof *cand.bin);
                    cand.nbins = src->nbins;
                }
                if (run_ls(&p, &cand, lb, seed + 1 + (uint64_t)round, &budget, sh) != 0)
                    goto out;
                keep_better(&best, &cand, n);
            }
        }
        if (best.nbins > lb && !budget.stopped && algorithm != GA_ALGO_LOCAL &&
            n <= EXACT_MAX_ITEMS) {
            int r = ga_bpp_exact(&p, &best, lb, &budget);
            if (r < 0)
                goto out;
            if (r == 1)
                lb = best.nbins; /* the search space is exhausted */
        }
    }
    if (canonical(&best, n) != 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        bin_of[idx[i]] = best.bin[i];
    rep->nbins = best.nbins;
    rep->lower_bound = lb;
    rep->optimal = best.nbins <= lb;
    rep->by_clock = budget.by_clock;
    st = GPUARB_OK;
out:
    free(ws);
    free(idx);
    free(b1);
    free(b2);
    free(b3);
    if (st != GPUARB_OK)
        return ga_nomem(ctx);
    return st;
}
