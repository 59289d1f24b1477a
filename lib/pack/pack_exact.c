/*
 * pack_exact.c - exact one-dimensional packing by bin completion (after
 * Korf 2002/2003, written for this library): to decide whether K bins
 * suffice, bins are filled one at a time, each around the largest item
 * left, trying every maximal, undominated completion whose waste keeps the
 * total waste within K*C - sum(w).  Equal weights are branched on once;
 * a completion is dominated when one outside item can replace one or two
 * of its items (Martello-Toth dominance).  A Fenwick tree over the free
 * items gives the weight still available, so hopeless completions are cut
 * early.  No dependency; no recursion (explicit stacks), so the depth of
 * the search does not touch the C stack.  Invariants: a packing is only
 * replaced by a feasible one with fewer bins; "finished" is only reported
 * when the search space was exhausted.  Returns 1 (search finished: sol
 * optimal), 0 (budget ended it), -1 (allocation failure).
 */
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

typedef struct bc {
    const int64_t *w;
    size_t n;
    int64_t C;
    unsigned char *used;    /* by a closed or current bin */
    int64_t *fen;           /* Fenwick tree of free weight, 1-based */
    int64_t free_total;
    size_t free_count;
    size_t big_free;        /* free items with 2w > C */
    /* bin levels */
    size_t *first;          /* the bin's largest item */
    size_t *cstart, *cn;    /* its completion in cs[cstart .. cstart+cn) */
    size_t *nx;             /* scan position of the completion search */
    int64_t *sum;           /* weight of the completion */
    int64_t *waste_before;
    size_t *cs;
    int64_t nodes;
} bc;

static void fen_add(bc *b, size_t i, int64_t v)
{
    for (size_t x = i + 1; x <= b->n; x += x & (~x + 1))
        b->fen[x] += v;
}

/* Free weight at positions < i. */
static int64_t fen_prefix(const bc *b, size_t i)
{
    int64_t s = 0;
    for (size_t x = i; x > 0; x -= x & (~x + 1))
        s += b->fen[x];
    return s;
}

static void take(bc *b, size_t i)
{
    b->used[i] = 1;
    fen_add(b, i, -b->w[i]);
    b->free_total -= b->w[i];
    b->free_count--;
    if (2 * b->w[i] > b->C)
        b->big_free--;
}

static void give(bc *b, size_t i)
{
    b->used[i] = 0;
    fen_add(b, i, b->w[i]);
    b->free_total += b->w[i];
    b->free_count++;
    if (2 * b->w[i] > b->C)
        b->big_free++;
}

/* Smallest free weight, or -1 when no item is free. */
static int64_t smallest_free(const bc *b)
{
    for (size_t i = b->n; i-- > 0;)
        if (!b->used[i])
            return b->w[i];
    return -1;
}

/* Is the completion cs[st .. st+k) of a bin with residual slack dominated:
 * does a free item x replace one item a (w(a) < w(x) <= w(a) + slack) or
 * two items a, b (w(a)+w(b) <= w(x) <= w(a)+w(b)+slack)? */
static int dominated(const bc *b, size_t st, size_t k, int64_t slack)
{
    int64_t lastw = -1;
    for (size_t i = 0; i < b->n; i++) {
        if (b->used[i] || b->w[i] == lastw)
            continue;
        int64_t x = b->w[i];
        lastw = x;
        for (size_t p = 0; p < k; p++) {
            int64_t a = b->w[b->cs[st + p]];
            if (a < x && x <= a + slack)
                return 1;
            for (size_t q = p + 1; q < k; q++) {
                int64_t ab = a + b->w[b->cs[st + q]];
                if (ab <= x && x <= ab + slack)
                    return 1;
            }
        }
    }
    return 0;
}

#define NX_START ((size_t)-1)
#define NX_DONE ((size_t)-2)

/* Advance the completion search of level L to its next maximal,
 * undominated completion with sum >= need; its items are taken (marked
 * used) until the next call, which first releases the last of them.
 * Returns 1 with a completion, 0 when exhausted (or the budget ended). */
static int next_completion(bc *b, size_t L, int64_t R, int64_t need, ga_budget *budget)
{
    size_t st = b->cstart[L];
    if (b->nx[L] == NX_DONE)
        return 0;
    if (b->nx[L] == NX_START) {
        b->nx[L] = b->first[L] + 1;
        int64_t sm = smallest_free(b);
        if (sm < 0 || sm > R) {
            /* nothing fits beside the first item: the only completion */
            b->nx[L] = NX_DONE;
            return need <= 0;
        }
    } else if (b->cn[L] > 0) {
        /* resume after a yielded completion: release its last item */
        size_t last = b->cs[st + b->cn[L] - 1];
        give(b, last);
        b->sum[L] -= b->w[last];
        b->cn[L]--;
        b->nx[L] = last + 1;
    }
    for (;;) {
        /* a node scans part of the item list: ticks grow with n, as
         * measured on BPPLIB (bench/README.md) */
        if (++b->nodes % 64 == 0 && ga_budget_spend(budget, 64 * (1 + (int64_t)b->n / 128)))
            return 0;
        size_t k = b->cn[L];
        size_t lo = k ? b->cs[st + k - 1] + 1 : b->first[L] + 1;
        size_t i = b->nx[L];
        int64_t res = R - b->sum[L];
        int64_t avail = b->free_total - fen_prefix(b, i);
        size_t cand = b->n;
        if (b->sum[L] + avail >= need) {
            for (; i < b->n; i++) {
                if (b->used[i] || b->w[i] > res)
                    continue;
                if (i > lo && b->w[i] == b->w[i - 1] && !b->used[i - 1])
                    continue; /* equal weight already branched on */
                cand = i;
                break;
            }
        }
        if (cand < b->n) {
            b->cs[st + k] = cand;
            b->cn[L] = k + 1;
            b->sum[L] += b->w[cand];
            take(b, cand);
            b->nx[L] = cand + 1;
            int64_t sm = smallest_free(b);
            int64_t left = R - b->sum[L];
            if (sm >= 0 && sm <= left)
                continue; /* something still fits: go deeper */
            if (b->sum[L] >= need && !dominated(b, st, k + 1, left))
                return 1;
            give(b, cand);
            b->sum[L] -= b->w[cand];
            b->cn[L] = k;
            continue; /* next candidate at this inner level */
        }
        if (k == 0) {
            b->nx[L] = NX_DONE;
            return 0;
        }
        size_t last = b->cs[st + k - 1];
        give(b, last);
        b->sum[L] -= b->w[last];
        b->cn[L] = k - 1;
        b->nx[L] = last + 1;
    }
}

int ga_bpp_exact(const ga_bpp *p, ga_bpp_sol *sol, int64_t lb, ga_budget *budget)
{
    size_t n = p->n;
    if (n == 0 || sol->nbins <= lb)
        return 1;
    bc b;
    memset(&b, 0, sizeof b);
    b.w = p->w;
    b.n = n;
    b.C = p->C;
    b.used = ga_calloc(n, 1);
    b.fen = ga_calloc(n + 1, sizeof *b.fen);
    b.first = ga_mallocarray(n, sizeof *b.first);
    b.cstart = ga_mallocarray(n + 1, sizeof *b.cstart);
    b.cn = ga_mallocarray(n, sizeof *b.cn);
    b.nx = ga_mallocarray(n, sizeof *b.nx);
    b.sum = ga_mallocarray(n, sizeof *b.sum);
    b.waste_before = ga_mallocarray(n + 1, sizeof *b.waste_before);
    b.cs = ga_mallocarray(n, sizeof *b.cs);
    int rc = -1;
    if (!b.used || !b.fen || !b.first || !b.cstart || !b.cn || !b.nx || !b.sum ||
        !b.waste_before || !b.cs)
        goto out;
    rc = 1;
    /* decide K = nbins-1, then lower, until infeasible or lb */
    while (sol->nbins > lb) {
        int64_t K = sol->nbins - 1;
        int64_t W = K * p->C - p->total;
        if (W < 0)
            break; /* K bins cannot hold the weight: sol is optimal */
        memset(b.used, 0, n);
        memset(b.fen, 0, (n + 1) * sizeof *b.fen);
        b.free_total = 0;
        b.free_count = n;
        b.big_free = 0;
        for (size_t i = 0; i < n; i++) {
            fen_add(&b, i, p->w[i]);
            b.free_total += p->w[i];
            if (2 * p->w[i] > p->C)
                b.big_free++;
        }
        /* open level 0 */
        size_t L = 0;
        b.first[0] = 0;
        take(&b, 0);
        b.cstart[0] = 0;
        b.cn[0] = 0;
        b.nx[0] = NX_START;
        b.sum[0] = 0;
        b.waste_before[0] = 0;
        int found = 0, stopped = 0;
        for (;;) {
            int64_t R = p->C - p->w[b.first[L]];
            int64_t need = R - (W - b.waste_before[L]);
            if (next_completion(&b, L, R, need, budget)) {
                if (b.free_count == 0) {
                    found = 1;
                    break;
                }
                int64_t waste = R - b.sum[L];
                size_t bins_left = (size_t)K - (L + 1);
                if (bins_left == 0 || b.big_free > bins_left)
                    continue; /* try the next completion */
                /* open level L+1 around the largest free item */
                size_t j = 0;
                while (b.used[j])
                    j++;
                L++;
                b.first[L] = j;
                take(&b, j);
                b.cstart[L] = b.cstart[L - 1] + b.cn[L - 1];
                b.cn[L] = 0;
                b.nx[L] = NX_START;
                b.sum[L] = 0;
                b.waste_before[L] = b.waste_before[L - 1] + waste;
                continue;
            }
            if (budget->stopped) {
                stopped = 1;
                break;
            }
            /* level L exhausted: release its first item, back to L-1,
             * whose completion the next call releases */
            give(&b, b.first[L]);
            if (L == 0)
                break;
            L--;
        }
        if (found) {
            for (size_t l = 0; l <= L; l++) {
                sol->bin[b.first[l]] = (int32_t)l;
                for (size_t t = 0; t < b.cn[l]; t++)
                    sol->bin[b.cs[b.cstart[l] + t]] = (int32_t)l;
            }
            sol->nbins = (int64_t)L + 1;
            continue;
        }
        if (stopped)
            rc = 0;
        break;
    }
out:
    free(b.used);
    free(b.fen);
    free(b.first);
    free(b.cstart);
    free(b.cn);
    free(b.nx);
    free(b.sum);
    free(b.waste_before);
    free(b.cs);
    return rc;
}
