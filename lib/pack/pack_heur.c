/*
 * pack_heur.c - constructive heuristics for one-dimensional packing on a
 * ga_bpp (weights sorted non-increasing): first-fit decreasing in
 * O(n log n) with a max-segment tree over bins, best-fit decreasing with a
 * treap keyed by (residual, bin), and minimum bin slack (one bin at a time,
 * least slack first); the work budget they share is lib/base/budget.c.
 * No dependency.  Invariants: a returned packing is always feasible and its
 * bins are numbered 0..nbins-1 without gaps; equal inputs give equal
 * packings (ties go to the lowest bin number).  Functions return 0, or -1
 * when an allocation fails (the packing is then untouched or complete).
 */
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

/* ---------------------------------------------------------------------
 * First fit decreasing: leaves hold each bin's residual (unopened bins C),
 * inner nodes the maximum below them; the leftmost leaf with residual >= w
 * is the first bin that fits.
 * --------------------------------------------------------------------- */
int ga_bpp_ffd(const ga_bpp *p, ga_bpp_sol *sol)
{
    size_t n = p->n;
    sol->nbins = 0;
    if (n == 0)
        return 0;
    size_t size = 1;
    while (size < n)
        size <<= 1;
    /* residuals fit 32 bits: the loaders keep C < 2^31 */
    int32_t *t = ga_mallocarray(2 * size, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < 2 * size; i++)
        t[i] = (int32_t)p->C;
    int64_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t w = (int32_t)p->w[i];
        size_t x = 1;
        while (x < size)
            x = t[2 * x] >= w ? 2 * x : 2 * x + 1;
        size_t b = x - size;
        if ((int64_t)b >= nb)
            nb = (int64_t)b + 1;
        sol->bin[i] = (int32_t)b;
        t[x] -= w;
        for (x >>= 1; x; x >>= 1) {
            int32_t m = t[2 * x] > t[2 * x + 1] ? t[2 * x] : t[2 * x + 1];
            if (t[x] == m)
                break;
            t[x] = m;
        }
    }
    free(t);
    sol->nbins = nb;
    return 0;
}

/* ---------------------------------------------------------------------
 * Best fit decreasing: a treap of open bins keyed by (residual, bin).
 * Priorities come from a fixed hash of the bin number (deterministic).
 * --------------------------------------------------------------------- */
typedef struct tnode {
    int64_t res;
    int32_t bin, l, r;
    uint32_t pri;
} tnode;

static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static int key_less(const tnode *a, int64_t res, int32_t bin)
{
    return a->res < res || (a->res == res && a->bin < bin);
}

/* Split tree t into keys < (res, bin) and >= (res, bin). */
static void t_split(tnode *nd, int32_t t, int64_t res, int32_t bin, int32_t *l, int32_t *r)
{
    if (t < 0) {
        *l = *r = -1;
        return;
    }
    if (key_less(&nd[t], res, bin)) {
        t_split(nd, nd[t].r, res, bin, &nd[t].r, r);
        *l = t;
    } else {
        t_split(nd, nd[t].l, res, bin, l, &nd[t].l);
        *r = t;
    }
}

static int32_t t_merge(tnode *nd, int32_t a, int32_t b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    if (nd[a].pri > nd[b].pri) {
        nd[a].r = t_merge(nd, nd[a].r, b);
        return a;
    }
    nd[b].l = t_merge(nd, a, nd[b].l);
    return b;
}

static int32_t t_insert(tnode *nd, int32_t root, int32_t x)
{
    int32_t l, r;
    t_split(nd, root, nd[x].res, nd[x].bin, &l, &r);
    return t_merge(nd, t_merge(nd, l, x), r);
}

static int32_t t_erase(tnode *nd, int32_t root, int32_t x)
{
    int32_t l, m, r;
    t_split(nd, root, nd[x].res, nd[x].bin, &l, &m);
    /* m's leftmost node is x; split it off */
    t_split(nd, m, nd[x].res, nd[x].bin + 1, &m, &r);
    nd[x].l = nd[x].r = -1;
    return t_merge(nd, l, r);
}

/* Smallest key with res >= w, or -1. */
static int32_t t_lower(const tnode *nd, int32_t t, int64_t w)
{
    int32_t best = -1;
    while (t >= 0) {
        if (nd[t].res >= w) {
            best = t;
            t = nd[t].l;
        } else {
            t = nd[t].r;
        }
    }
    return best;
}

int ga_bpp_bfd(const ga_bpp *p, ga_bpp_sol *sol, ga_budget *budget)
{
    size_t n = p->n;
    sol->nbins = 0;
    if (n == 0)
        return 0;
    tnode *nd = ga_mallocarray(n, sizeof *nd);
    if (!nd)
        return -1;
    int32_t root = -1, nb = 0;
    for (size_t i = 0; i < n; i++) {
        if (budget && (i & 4095) == 4095 && ga_pack_past_deadline(budget)) {
            free(nd);
            sol->nbins = 0;
            return 0;
        }
        int64_t w = p->w[i];
        int32_t x = t_lower(nd, root, w);
        if (x < 0) {
            x = nb++;
            nd[x].bin = x;
            nd[x].res = p->C - w;
            nd[x].l = nd[x].r = -1;
            nd[x].pri = hash32((uint32_t)x + 0x9e3779b9U);
            root = t_insert(nd, root, x);
        } else {
            root = t_erase(nd, root, x);
            nd[x].res -= w;
            root = t_insert(nd, root, x);
        }
        sol->bin[i] = x;
    }
    free(nd);
    sol->nbins = nb;
    return 0;
}

/* ---------------------------------------------------------------------
 * Minimum bin slack.  The free items stay in an array sorted
 * non-increasing; each bin takes the largest free item and the subset of
 * the others that leaves the least slack (a depth-first search over the
 * multiset, equal weights tried once, cut at slack 0 or when its work cap
 * is spent).
 *
 * The search finds each level's next candidate by binary search: the first
 * item at or after a position that fits the room left.  Stepping past the
 * other copies of a weight just tried is a binary search too, so a node
 * costs O(log m) however many items are too large or repeated; every probe
 * is counted as work, and the work is what the callers charge.
 * --------------------------------------------------------------------- */

/* First position in [from, m) whose weight is <= x (m if none). */
static size_t first_le(const int64_t *w, size_t from, size_t m, int64_t x)
{
    size_t lo = from, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w[mid] > x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t ga_subset_fill(const int64_t *w, const int64_t *suf, size_t m, int64_t R,
                      int64_t stop_slack, size_t *cur, size_t *best, int64_t node_cap,
                      int64_t *nodes)
{
    int64_t best_slack = R, res = R;
    size_t nbest = 0, L = 0, next = 0;
    for (;;) {
        /* the level's next candidate: the first item at or after next
         * that fits (next is past every copy of the weight tried last) */
        size_t i = first_le(w, next, m, res);
        if (i < m && best_slack > stop_slack && *nodes < node_cap &&
            res - suf[i] < best_slack) {
            (*nodes)++;
            cur[L++] = i;
            res -= w[i];
            if (res < best_slack) {
                best_slack = res;
                nbest = L;
                memcpy(best, cur, L * sizeof *cur);
            }
            next = i + 1;
            continue;
        }
        if (L == 0)
            break;
        L--;
        res += w[cur[L]];
        /* past the other copies of w[cur[L]]: the first lighter item */
        next = first_le(w, cur[L] + 1, m, w[cur[L]] - 1);
    }
    return nbest;
}

int ga_bpp_mbs(const ga_bpp *p, ga_bpp_sol *sol, ga_budget *budget)
{
    size_t n = p->n;
    sol->nbins = 0;
    if (n == 0)
        return 0;
    int64_t *fw = ga_mallocarray(n, sizeof *fw), *suf = ga_mallocarray(n + 1, sizeof *suf);
    size_t *fidx = ga_mallocarray(n, sizeof *fidx);
    size_t *cur = ga_mallocarray(n, sizeof *cur), *best = ga_mallocarray(n, sizeof *best);
    unsigned char *take = ga_calloc(n, 1);
    int rc = -1;
    if (!fw || !suf || !fidx || !cur || !best || !take)
        goto done;
    size_t m = n;
    int64_t rest = 0;
    for (size_t i = 0; i < n; i++) {
        fw[i] = p->w[i];
        fidx[i] = i;
        rest += fw[i];
    }
    /* MBS's share of the budget: a quarter of what is left, spread over
     * the bins still to fill (estimated from the weight left).  Each
     * search gets at least what a greedy fill needs, so the packing is
     * always complete; once the share or the budget is gone, every bin
     * takes a greedy fill. */
    int64_t share = budget->ticks_left / 4;
    int32_t nb = 0;
    while (m > 0) {
        suf[m] = 0;
        for (size_t i = m; i-- > 1;)
            suf[i] = suf[i + 1] + fw[i];
        int64_t R = p->C - fw[0];
        /* a greedy fill is the search's first descent: one node per item
         * it takes, at most R / (smallest weight) of them */
        int64_t greedy = GA_MIN((int64_t)m, R / fw[m - 1] + 1);
        int64_t bins_left = (rest + p->C - 1) / p->C;
        int64_t cap = greedy;
        if (!budget->stopped && share > 0)
            cap = GA_MAX(greedy, GA_MIN(20000, share / GA_MAX(1, bins_left)));
        int64_t nodes = 0;
        size_t nbest = ga_subset_fill(fw + 1, suf + 1, m - 1, R, 0, cur, best, cap, &nodes);
        /* a node costs O(log m) (two binary searches at most); the suffix
         * sums and the compaction below touch every free item */
        int64_t charge = nodes + (int64_t)m / 8 + 1;
        share -= charge;
        ga_budget_spend(budget, charge);
        sol->bin[fidx[0]] = nb;
        take[0] = 1;
        rest -= fw[0];
        for (size_t k = 0; k < nbest; k++) {
            size_t pos = best[k] + 1;
            sol->bin[fidx[pos]] = nb;
            take[pos] = 1;
            rest -= fw[pos];
        }
        nb++;
        size_t o = 0;
        for (size_t i = 0; i < m; i++) {
            if (take[i]) {
                take[i] = 0;
                continue;
            }
            fw[o] = fw[i];
            fidx[o] = fidx[i];
            o++;
        }
        m = o;
    }
    sol->nbins = nb;
    rc = 0;
done:
    free(fw);
    free(suf);
    free(fidx);
    free(cur);
    free(best);
    free(take);
    return rc;
}
