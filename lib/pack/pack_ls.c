/*
 * pack_ls.c - improvement phase for one-dimensional packing: a consistent
 * neighbourhood search on partial packings, after the idea of Buljubasic
 * and Vasquez (2016), written for this library.  To go from m+1 bins to m,
 * the three least-loaded bins are emptied into a pool S, leaving m-2 bins;
 * the search then makes S lighter until it splits into two bins.  Two
 * neighbourhoods alternate: a tabu search that swaps up to two items of a
 * bin with up to two items of S, and a descent that refills one bin with
 * the heaviest subset of its items and S that fits.  When 40 tabu rounds
 * pass without a lighter pool, the attempt restarts with the least-loaded
 * bin and two others drawn at random emptied instead.  No dependency.
 * Invariants: the packing handed in is only replaced by a complete,
 * feasible packing with fewer bins; every choice is deterministic given
 * the seed (ties are broken by a seeded xorshift generator); work is
 * charged to the shared budget.  Returns 0, or -1 when an allocation fails
 * (the packing is then intact).
 */
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

#ifndef LS_STALE
#define LS_STALE 40 /* tabu rounds without a lighter pool before a restart */
#endif

typedef struct lsbin {
    int32_t *it;   /* items */
    int32_t n, cap;
    int64_t load;
} lsbin;

typedef struct ls {
    const int64_t *w;
    size_t n;
    int64_t C;
    lsbin *b;
    int32_t nb;            /* bins in the partial packing */
    int32_t *S;            /* pool, sorted by non-increasing weight */
    int32_t ns;
    int64_t wS;
    int32_t *where;        /* bin of each item, -1 = in S */
    int64_t *tabu_until;   /* item may not re-enter tabu_bin before then */
    int32_t *tabu_bin;
    /* singles and pairs of S, sorted by non-increasing weight */
    int64_t *qw;
    int32_t *qa, *qb;      /* qb = -1 for a single */
    size_t nq, capq;
    ga_rng rng;
    int64_t iter;
    /* scratch for subset searches (n entries each) */
    int64_t *tw, *tsuf;
    int32_t *tid;
    size_t *tcur, *tbest;
    unsigned char *tmark;
} ls;

static int bin_push(lsbin *b, int32_t item, int64_t wt)
{
    if (b->n == b->cap) {
        size_t cap = (size_t)b->cap;
        if (ga_grow((void **)&b->it, &cap, (size_t)b->n + 1, sizeof *b->it) != 0)
            return -1;
        b->cap = (int32_t)cap;
    }
    b->it[b->n++] = item;
    b->load += wt;
    return 0;
}

static void bin_remove_at(lsbin *b, int32_t pos, int64_t wt)
{
    b->it[pos] = b->it[--b->n];
    b->load -= wt;
}

static void pool_insert(ls *s, int32_t item)
{
    int32_t k = s->ns++;
    while (k > 0 && s->w[s->S[k - 1]] < s->w[item]) {
        s->S[k] = s->S[k - 1];
        k--;
    }
    s->S[k] = item;
    s->wS += s->w[item];
    s->where[item] = -1;
}

static void pool_remove(ls *s, int32_t item)
{
    int32_t k = 0;
    while (s->S[k] != item)
        k++;
    memmove(s->S + k, s->S + k + 1, (size_t)(s->ns - k - 1) * sizeof *s->S);
    s->ns--;
    s->wS -= s->w[item];
}

/* Rebuild the sorted list of singles and pairs of S (pairs only of
 * distinct positions). */
static int build_q(ls *s)
{
    size_t need = (size_t)s->ns + (size_t)s->ns * (size_t)(s->ns - 1) / 2;
    if (need > s->capq) {
        size_t c = need * 2;
        int64_t *qw = ga_reallocarray(s->qw, c, sizeof *qw);
        if (!qw)
            return -1;
        s->qw = qw;
        int32_t *qa = ga_reallocarray(s->qa, c, sizeof *qa);
        if (!qa)
            return -1;
        s->qa = qa;
        int32_t *qb = ga_reallocarray(s->qb, c, sizeof *qb);
        if (!qb)
            return -1;
        s->qb = qb;
        s->capq = c;
    }
    size_t m = 0;
    for (int32_t i = 0; i < s->ns; i++) {
        s->qw[m] = s->w[s->S[i]];
        s->qa[m] = s->S[i];
        s->qb[m] = -1;
        m++;
        for (int32_t j = i + 1; j < s->ns; j++) {
            s->qw[m] = s->w[s->S[i]] + s->w[s->S[j]];
            s->qa[m] = s->S[i];
            s->qb[m] = s->S[j];
            m++;
        }
    }
    s->nq = m;
    /* insertion-friendly: shell sort by weight, descending, ties by items */
    for (size_t gap = m / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < m; i++) {
            int64_t w0 = s->qw[i];
            int32_t a0 = s->qa[i], b0 = s->qb[i];
            size_t j = i;
            while (j >= gap && (s->qw[j - gap] < w0 ||
                                (s->qw[j - gap] == w0 && s->qa[j - gap] > a0))) {
                s->qw[j] = s->qw[j - gap];
                s->qa[j] = s->qa[j - gap];
                s->qb[j] = s->qb[j - gap];
                j -= gap;
            }
            s->qw[j] = w0;
            s->qa[j] = a0;
            s->qb[j] = b0;
        }
    return 0;
}

static int is_tabu(const ls *s, int32_t item, int32_t bin)
{
    return s->tabu_bin[item] == bin && s->tabu_until[item] > s->iter;
}

/* The heaviest q with weight <= cap that is not tabu for bin; -1 if none. */
static ptrdiff_t best_q(const ls *s, int64_t cap, int32_t bin, int aspire_to)
{
    for (size_t k = ga_desc_count_gt(s->qw, s->nq, cap); k < s->nq; k++) {
        int t = is_tabu(s, s->qa[k], bin) || (s->qb[k] >= 0 && is_tabu(s, s->qb[k], bin));
        if (!t || aspire_to)
            return (ptrdiff_t)k;
        /* a tabu q may still be the best when it empties the pool enough
         * to succeed; the caller asks again with aspire_to set */
    }
    return -1;
}

typedef struct move {
    int32_t bin;
    int32_t p0, p1;     /* positions in the bin, -1 = none */
    ptrdiff_t q;        /* index into the q list */
    int64_t delta;      /* change of w(S) */
    int32_t dn;         /* change of |S| */
} move;

/* One tabu step: apply the best non-tabu swap.  Returns 1 if a move was
 * made, 0 if none exists. */
static int tabu_step(ls *s, int32_t tenure, int64_t *work)
{
    move best = {-1, -1, -1, -1, 0, 0};
    int64_t nties = 0, evals = 0;
    for (int32_t bi = 0; bi < s->nb; bi++) {
        lsbin *b = &s->b[bi];
        int64_t slack = s->C - b->load;
        for (int32_t x = -1; x < b->n; x++) {
            int64_t wx = x >= 0 ? s->w[b->it[x]] : 0;
            for (int32_t y = x < 0 ? -1 : x + 1; y < b->n; y++) {
                if (x < 0 && y >= 0)
                    break; /* p = {} only once */
                int64_t wp = wx + (y >= 0 ? s->w[b->it[y]] : 0);
                int64_t cap = slack + wp;
                evals++;
                ptrdiff_t q = best_q(s, cap, bi, 0);
                if (q < 0) {
                    /* aspiration: a tabu move that makes S fit */
                    q = best_q(s, cap, bi, 1);
                    if (q < 0 || s->wS - s->qw[q] + wp > s->C)
                        continue;
                }
                int64_t delta = wp - s->qw[q];
                int32_t dn = (x >= 0) + (y >= 0) - 1 - (s->qb[q] >= 0);
                if (best.bin < 0 || delta < best.delta ||
                    (delta == best.delta && dn > best.dn)) {
                    best = (move){bi, x, y, q, delta, dn};
                    nties = 1;
                } else if (delta == best.delta && dn == best.dn) {
                    nties++;
                    if (ga_rng_below(&s->rng, (uint64_t)nties) == 0)
                        best = (move){bi, x, y, q, delta, dn};
                }
            }
        }
    }
    *work = evals * 3 / 4 + (int64_t)s->nq / 8 + 1;
    if (best.bin < 0)
        return 0;
    lsbin *b = &s->b[best.bin];
    int32_t out0 = best.p0 >= 0 ? b->it[best.p0] : -1;
    int32_t out1 = best.p1 >= 0 ? b->it[best.p1] : -1;
    int32_t in0 = s->qa[best.q], in1 = s->qb[best.q];
    /* remove higher position first so the lower stays valid */
    if (best.p1 >= 0)
        bin_remove_at(b, best.p1, s->w[out1]);
    if (best.p0 >= 0)
        bin_remove_at(b, best.p0, s->w[out0]);
    pool_remove(s, in0);
    if (in1 >= 0)
        pool_remove(s, in1);
    /* capacity for pushes was reserved when the bins were built */
    bin_push(b, in0, s->w[in0]);
    s->where[in0] = best.bin;
    if (in1 >= 0) {
        bin_push(b, in1, s->w[in1]);
        s->where[in1] = best.bin;
    }
    int32_t outs[2] = {out0, out1};
    for (int k = 0; k < 2; k++) {
        if (outs[k] < 0)
            continue;
        pool_insert(s, outs[k]);
        s->tabu_bin[outs[k]] = best.bin;
        s->tabu_until[outs[k]] = s->iter + tenure + (int64_t)ga_rng_below(&s->rng, 4);
    }
    return 1;
}

/* Collect items (ids) into the scratch arrays sorted by non-increasing
 * weight with suffix sums; returns the count. */
static size_t gather(ls *s, const int32_t *ids, size_t k, size_t m)
{
    for (size_t j = 0; j < k; j++) {
        int32_t id = ids[j];
        size_t pos = m++;
        while (pos > 0 && s->tw[pos - 1] < s->w[id]) {
            s->tw[pos] = s->tw[pos - 1];
            s->tid[pos] = s->tid[pos - 1];
            pos--;
        }
        s->tw[pos] = s->w[id];
        s->tid[pos] = id;
    }
    return m;
}

static void suffix(ls *s, size_t m)
{
    s->tsuf[m] = 0;
    for (size_t i = m; i-- > 0;)
        s->tsuf[i] = s->tsuf[i + 1] + s->tw[i];
}

/* Descent move: refill bin bi with the heaviest subset of its items and S
 * that fits.  Returns 1 if the bin got heavier. */
static int refill(ls *s, int32_t bi, ga_budget *budget)
{
    lsbin *b = &s->b[bi];
    size_t m = gather(s, b->it, (size_t)b->n, 0);
    m = gather(s, s->S, (size_t)s->ns, m);
    suffix(s, m);
    int64_t nodes = 0;
    size_t k = ga_subset_fill(s->tw, s->tsuf, m, s->C, 0, s->tcur, s->tbest, 4000, &nodes);
    ga_budget_spend(budget, nodes + (int64_t)m);
    int64_t sum = 0;
    for (size_t j = 0; j < k; j++)
        sum += s->tw[s->tbest[j]];
    if (sum <= b->load)
        return 0;
    for (size_t j = 0; j < m; j++)
        s->tmark[j] = 0;
    for (size_t j = 0; j < k; j++)
        s->tmark[s->tbest[j]] = 1;
    /* old contents to S, then the chosen subset into the bin */
    for (int32_t x = 0; x < b->n; x++)
        pool_insert(s, b->it[x]);
    b->n = 0;
    b->load = 0;
    for (size_t j = 0; j < m; j++) {
        if (!s->tmark[j])
            continue;
        int32_t id = s->tid[j];
        pool_remove(s, id);
        if (bin_push(b, id, s->w[id]) != 0) {
            pool_insert(s, id); /* out of memory: leave it in S */
            continue;
        }
        s->where[id] = bi;
    }
    return 1;
}

/* Can S be split into two bins?  On success, the subset for the first
 * bin is marked in tmark over the gathered S (tid). */
static int two_bins(ls *s, ga_budget *budget, size_t *m_out)
{
    if (s->wS > 2 * s->C)
        return 0;
    size_t m = gather(s, s->S, (size_t)s->ns, 0);
    *m_out = m;
    for (size_t j = 0; j < m; j++)
        s->tmark[j] = 0;
    if (s->wS <= s->C)
        return 1;
    suffix(s, m);
    int64_t nodes = 0, need = s->wS - s->C;
    size_t k = ga_subset_fill(s->tw, s->tsuf, m, s->C, s->C - need, s->tcur, s->tbest, 20000,
                              &nodes);
    ga_budget_spend(budget, nodes + (int64_t)m);
    int64_t sum = 0;
    for (size_t j = 0; j < k; j++)
        sum += s->tw[s->tbest[j]];
    if (sum < need)
        return 0;
    for (size_t j = 0; j < k; j++)
        s->tmark[s->tbest[j]] = 1;
    return 1;
}

static void ls_free(ls *s)
{
    if (s->b)
        for (int32_t i = 0; i < s->nb; i++)
            free(s->b[i].it);
    free(s->b);
    free(s->S);
    free(s->where);
    free(s->tabu_until);
    free(s->tabu_bin);
    free(s->qw);
    free(s->qa);
    free(s->qb);
    free(s->tw);
    free(s->tsuf);
    free(s->tid);
    free(s->tcur);
    free(s->tbest);
    free(s->tmark);
}

/* Build the partial packing from sol: the two least-loaded bins go to S. */
static int ls_load(ls *s, const ga_bpp_sol *sol, int64_t attempt)
{
    int64_t nbins = sol->nbins;
    int64_t *load = ga_calloc((size_t)nbins, sizeof *load);
    int32_t *cnt = ga_calloc((size_t)nbins, sizeof *cnt);
    if (!load || !cnt) {
        free(load);
        free(cnt);
        return -1;
    }
    for (size_t i = 0; i < s->n; i++) {
        load[sol->bin[i]] += s->w[i];
        cnt[sol->bin[i]]++;
    }
    /* the three least-loaded bins (ties: higher number) go to S; later
     * attempts keep the least loaded and draw the other two at random */
    int64_t e[3] = {-1, -1, -1};
    for (int64_t k = 0; k < nbins; k++) {
        int64_t c = k;
        for (int j = 0; j < 3; j++) {
            if (e[j] < 0 || load[c] <= load[e[j]]) {
                int64_t t = e[j];
                e[j] = c;
                c = t;
                if (c < 0)
                    break;
            }
        }
    }
    if (attempt > 0 && nbins > 3) {
        for (int j = 1; j < 3; j++) {
            int64_t c;
            do
                c = (int64_t)ga_rng_below(&s->rng, (uint64_t)nbins);
            while (c == e[0] || (j == 2 && c == e[1]));
            e[j] = c;
        }
    }
    int32_t *map = ga_mallocarray((size_t)nbins, sizeof *map);
    if (!map) {
        free(load);
        free(cnt);
        return -1;
    }
    s->nb = 0;
    for (int64_t k = 0; k < nbins; k++)
        map[k] = (k == e[0] || k == e[1] || k == e[2]) ? -1 : s->nb++;
    s->b = ga_calloc((size_t)s->nb + 1, sizeof *s->b);
    int rc = s->b ? 0 : -1;
    for (int64_t k = 0; k < nbins && rc == 0; k++) {
        if (map[k] < 0)
            continue;
        lsbin *b = &s->b[map[k]];
        /* room for two swapped-in items beyond any count it reaches:
         * a bin never holds more than n items */
        b->cap = cnt[k] + 4;
        b->it = ga_mallocarray((size_t)b->cap, sizeof *b->it);
        if (!b->it)
            rc = -1;
    }
    if (rc == 0) {
        s->ns = 0;
        s->wS = 0;
        for (size_t i = 0; i < s->n; i++) {
            int32_t m = map[sol->bin[i]];
            if (m < 0) {
                pool_insert(s, (int32_t)i);
            } else {
                s->b[m].it[s->b[m].n++] = (int32_t)i;
                s->b[m].load += s->w[i];
                s->where[i] = m;
            }
        }
    }
    free(map);
    free(load);
    free(cnt);
    return rc;
}

/* Grow every bin's item array so a tabu step can push two items. */
static int ensure_room(ls *s)
{
    for (int32_t i = 0; i < s->nb; i++) {
        lsbin *b = &s->b[i];
        if (b->n + 2 > b->cap) {
            size_t cap = (size_t)b->cap;
            if (ga_grow((void **)&b->it, &cap, (size_t)b->n + 2, sizeof *b->it) != 0)
                return -1;
            b->cap = (int32_t)cap;
        }
    }
    return 0;
}

/* Store the partial packing plus S split by tmark (over tid[0..m-1])
 * into two bins. */
static void ls_store(const ls *s, ga_bpp_sol *sol, size_t m)
{
    for (int32_t i = 0; i < s->nb; i++)
        for (int32_t k = 0; k < s->b[i].n; k++)
            sol->bin[s->b[i].it[k]] = i;
    int32_t nb = s->nb;
    int used0 = 0, used1 = 0;
    for (size_t j = 0; j < m; j++)
        if (s->tmark[j])
            used0 = 1;
        else
            used1 = 1;
    int32_t b0 = nb, b1 = nb + used0;
    for (size_t j = 0; j < m; j++)
        sol->bin[s->tid[j]] = s->tmark[j] ? b0 : b1;
    sol->nbins = nb + used0 + used1;
}

int ga_bpp_improve(const ga_bpp *p, ga_bpp_sol *sol, int64_t target, uint64_t seed,
                   ga_budget *budget)
{
    if (p->n == 0 || sol->nbins <= target || sol->nbins < 2)
        return 0;
    ls s;
    memset(&s, 0, sizeof s);
    s.w = p->w;
    s.n = p->n;
    s.C = p->C;
    ga_rng_seed(&s.rng, seed, 0x2545f4914f6cdd1dULL);
    size_t n = p->n;
    s.S = ga_mallocarray(n, sizeof *s.S);
    s.where = ga_mallocarray(n, sizeof *s.where);
    s.tabu_until = ga_calloc(n, sizeof *s.tabu_until);
    s.tabu_bin = ga_mallocarray(n, sizeof *s.tabu_bin);
    s.tw = ga_mallocarray(n, sizeof *s.tw);
    s.tsuf = ga_mallocarray(n + 1, sizeof *s.tsuf);
    s.tid = ga_mallocarray(n, sizeof *s.tid);
    s.tcur = ga_mallocarray(n, sizeof *s.tcur);
    s.tbest = ga_mallocarray(n, sizeof *s.tbest);
    s.tmark = ga_malloc(n);
    if (!s.S || !s.where || !s.tabu_until || !s.tabu_bin || !s.tw || !s.tsuf || !s.tid ||
        !s.tcur || !s.tbest || !s.tmark) {
        ls_free(&s);
        return -1;
    }
    int rc = 0;
    int64_t attempt = 0;
    while (sol->nbins > target && sol->nbins >= 3 && !budget->stopped) {
        for (size_t i = 0; i < n; i++) {
            s.tabu_bin[i] = -1;
            s.tabu_until[i] = 0;
        }
        if (ls_load(&s, sol, attempt) != 0) {
            rc = -1;
            break;
        }
        int32_t tenure = 3 + (int32_t)(s.ns / 3);
        size_t m = 0;
        int success = two_bins(&s, budget, &m);
        int64_t round = 0, best_wS = s.wS, stale = 0;
        while (!success && !budget->stopped && stale < LS_STALE) {
            /* descent to a local optimum of the refill neighbourhood */
            int improved = 1;
            while (improved && !success && !budget->stopped) {
                improved = 0;
                for (int32_t bi = 0; bi < s.nb && !budget->stopped; bi++)
                    if (refill(&s, bi, budget)) {
                        improved = 1;
                        if ((success = two_bins(&s, budget, &m)) != 0)
                            break;
                    }
            }
            if (success || budget->stopped)
                break;
            /* tabu search for a while */
            int64_t steps = 50 + (int64_t)s.nb + 20 * (round % 5);
            for (int64_t t = 0; t < steps && !success; t++) {
                if (ensure_room(&s) != 0 || build_q(&s) != 0) {
                    rc = -1;
                    break;
                }
                if (budget->stopped)
                    break;
                s.iter++;
                int64_t work = 0;
                int moved = tabu_step(&s, tenure, &work);
                ga_budget_spend(budget, work);
                if (!moved)
                    break;
                success = two_bins(&s, budget, &m);
                if (s.wS < best_wS) {
                    best_wS = s.wS;
                    stale = -1;
                }
            }
            if (rc != 0)
                break;
            round++;
            stale++;
        }
        if (rc == 0 && success)
            ls_store(&s, sol, m);
        for (int32_t i = 0; i < s.nb; i++)
            free(s.b[i].it);
        free(s.b);
        s.b = NULL;
        s.nb = 0;
        if (rc != 0)
            break;
        attempt = success ? 0 : attempt + 1;
    }
    ls_free(&s);
    return rc;
}
