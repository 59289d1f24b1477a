/*
 * pack_bounds.c - lower bounds on the number of bins of a one-dimensional
 * instance (ga_bpp, weights sorted non-increasing, 1 <= w <= C): the
 * continuous bound L1, Martello and Toth's L2, the Fekete-Schepers bound
 * from dual feasible functions composed with L2's thresholds, and a
 * Martello-Toth style reduction whose fixed bins lift any of them (L3).
 * No dependency; pure functions on the caller's arrays.  Invariants: every
 * value returned is a valid lower bound (integer arithmetic only; the
 * loaders keep C < 2^31 and n <= GA_PACK_MAX_ITEMS so no sum overflows).
 * Allocation failure is reported as -1 / *oom = 1, never as a bound.
 */
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

/* Distinct weights in non-increasing order with prefix counts and sums:
 * pc[i], ps[i] = count and weight of the items with the i largest distinct
 * weights. */
typedef struct distinct {
    int64_t *v;
    int64_t *pc, *ps;
    size_t d;
} distinct;

static int distinct_build(const ga_bpp *p, distinct *ds)
{
    memset(ds, 0, sizeof *ds);
    size_t d = 0;
    for (size_t i = 0; i < p->n; i++)
        if (i == 0 || p->w[i] != p->w[i - 1])
            d++;
    ds->v = ga_calloc(d + 1, sizeof *ds->v);
    ds->pc = ga_calloc(d + 1, sizeof *ds->pc);
    ds->ps = ga_calloc(d + 1, sizeof *ds->ps);
    if (!ds->v || !ds->pc || !ds->ps) {
        free(ds->v);
        free(ds->pc);
        free(ds->ps);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (i == 0 || p->w[i] != p->w[i - 1]) {
            ds->v[k] = p->w[i];
            ds->pc[k + 1] = ds->pc[k];
            ds->ps[k + 1] = ds->ps[k];
            k++;
        }
        ds->pc[k] += 1;
        ds->ps[k] += p->w[i];
    }
    ds->d = d;
    return 0;
}

static void distinct_free(distinct *ds)
{
    free(ds->v);
    free(ds->pc);
    free(ds->ps);
}

/* Number of distinct values strictly greater than x. */
static size_t n_gt(const distinct *ds, int64_t x)
{
    return ga_desc_count_gt(ds->v, ds->d, x);
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    if (a <= 0)
        return 0;
    return (a + b - 1) / b;
}

int64_t ga_bpp_l1(const ga_bpp *p)
{
    return ceil_div(p->total, p->C);
}

/* L2 for one threshold K (0 <= K <= C/2). */
static int64_t l2_at(const distinct *ds, int64_t C, int64_t K)
{
    int64_t half = C / 2; /* w > half  <=>  2w > C */
    size_t i1 = n_gt(ds, C - K), ih = n_gt(ds, half), i3 = n_gt(ds, K - 1);
    int64_t n1 = ds->pc[i1];
    int64_t n2 = ds->pc[ih] - n1;
    int64_t s2 = ds->ps[ih] - ds->ps[i1];
    int64_t s3 = ds->ps[i3] - ds->ps[ih];
    return n1 + n2 + ceil_div(s3 - (n2 * C - s2), C);
}

static int64_t l2_distinct(const distinct *ds, int64_t C)
{
    /* every K gives a valid bound; past 65,536 distinct weights only an
     * even spread of them is tried, so the bound stays linear */
    size_t stride = ds->d > 65536 ? ds->d / 65536 : 1;
    int64_t best = l2_at(ds, C, 0);
    for (size_t i = 0; i < ds->d; i += stride) {
        if (2 * ds->v[i] > C)
            continue;
        int64_t b = l2_at(ds, C, ds->v[i]);
        if (b > best)
            best = b;
    }
    return best;
}

int64_t ga_bpp_l2(const ga_bpp *p)
{
    if (p->n == 0)
        return 0;
    distinct ds;
    if (distinct_build(p, &ds) != 0)
        return ga_bpp_l1(p);
    int64_t b = l2_distinct(&ds, p->C);
    distinct_free(&ds);
    int64_t l1 = ga_bpp_l1(p);
    return b > l1 ? b : l1;
}

/* The Fekete-Schepers function u^(k) scaled by k*C: for a weight v of a
 * bin of capacity C, returns k*v when (k+1)v is a multiple of C, otherwise
 * floor((k+1)v/C)*C.  Summing it over the items and dividing by k*C gives
 * a valid bound (u^(k) is dual feasible). */
static int64_t fs_u(int64_t v, int64_t C, int64_t k)
{
    int64_t t = (k + 1) * v;
    if (t % C == 0)
        return k * v;
    return (t / C) * C;
}

static int64_t ldff_distinct(const distinct *ds, int64_t C, int32_t kmax)
{
    /* threshold candidates: 0 and the distinct weights <= C/2, thinned to
     * at most 64, and fewer still when thresholds x kmax x distinct
     * weights would pass 2e7 steps: the bound runs before any phase that
     * watches the deadline, so its work must not grow past linear */
    if ((double)kmax * (double)(ds->d + 1) > 1e7)
        kmax = (int32_t)GA_MAX(1.0, 1e7 / (double)(ds->d + 1));
    size_t first_small = n_gt(ds, C / 2);
    size_t n_small = ds->d - first_small;
    double steps = (double)kmax * (double)(ds->d + 1);
    size_t want = steps * 65 <= 2e7 ? 64 : (size_t)(2e7 / steps);
    if (want < 1)
        want = 1;
    size_t stride = n_small > want ? n_small / want : 1;
    int64_t best = 0;
    for (size_t e = 0; e <= n_small; e = e == 0 ? 1 : e + stride) {
        /* e = 0: no threshold; else the e-th smallest distinct weight */
        int64_t eps = e == 0 ? 0 : ds->v[ds->d - e];
        for (int64_t k = 1; k <= kmax; k++) {
            int64_t tot = 0;
            for (size_t i = 0; i < ds->d; i++) {
                int64_t v = ds->v[i], c = ds->pc[i + 1] - ds->pc[i], g;
                if (v > C - eps)
                    g = k * C;
                else if (v < eps)
                    g = 0;
                else
                    g = fs_u(v, C, k);
                tot += c * g;
            }
            int64_t b = ceil_div(tot, k * C);
            if (b > best)
                best = b;
        }
    }
    return best;
}

int64_t ga_bpp_ldff(const ga_bpp *p, int32_t kmax)
{
    if (p->n == 0)
        return 0;
    distinct ds;
    if (distinct_build(p, &ds) != 0)
        return ga_bpp_l1(p);
    if (kmax < 1)
        kmax = 1;
    int64_t b = ldff_distinct(&ds, p->C, kmax);
    distinct_free(&ds);
    return b;
}

/* Union-find "next free index at or after i" (forward) and "at or before"
 * (backward) over the sorted items. */
static size_t uf_find(size_t *par, size_t i)
{
    size_t r = i;
    while (par[r] != r)
        r = par[r];
    while (par[i] != r) {
        size_t nx = par[i];
        par[i] = r;
        i = nx;
    }
    return r;
}

int64_t ga_bpp_reduce(const ga_bpp *p, int32_t *fixed)
{
    size_t n = p->n;
    for (size_t i = 0; i < n; i++)
        fixed[i] = -1;
    if (n == 0)
        return 0;
    /* fw over 0..n (n = none), bw over 0..n with index i+1 meaning item i
     * and 0 meaning none */
    size_t *fw = ga_calloc(n + 1, sizeof *fw), *bw = ga_calloc(n + 1, sizeof *bw);
    if (!fw || !bw) {
        free(fw);
        free(bw);
        return -1;
    }
    for (size_t i = 0; i <= n; i++)
        fw[i] = bw[i] = i;
    int64_t nb = 0;
    const int64_t *w = p->w;
    int64_t C = p->C;
    for (size_t j = uf_find(fw, 0); j < n; j = uf_find(fw, j + 1)) {
        int64_t r = C - w[j];
        /* the largest free item other than j that fits beside it (free
         * items before j are candidates too: j may be one left over) */
        size_t k = uf_find(fw, ga_desc_count_gt(w, n, r));
        if (k == j)
            k = uf_find(fw, j + 1);
        int take = 0; /* 1: {j}, 2: {j,k} */
        if (k >= n) {
            take = 1;
        } else if (w[k] == r) {
            take = 2;
        } else {
            /* the two smallest free items other than j (bw holds index+1,
             * 0 = none) */
            size_t a = uf_find(bw, n);
            if (a && a - 1 == j)
                a = uf_find(bw, a - 1);
            size_t b = a ? uf_find(bw, a - 1) : 0;
            if (b && b - 1 == j)
                b = uf_find(bw, b - 1);
            if (!b || w[a - 1] + w[b - 1] > r)
                take = 2; /* at most one other item fits beside j */
        }
        if (take == 0)
            continue;
        fixed[j] = (int32_t)nb;
        fw[j] = j + 1;
        bw[j + 1] = j;
        if (take == 2) {
            fixed[k] = (int32_t)nb;
            fw[k] = k + 1;
            bw[k + 1] = k;
        }
        nb++;
    }
    free(fw);
    free(bw);
    return nb;
}

int64_t ga_bpp_lower_bound(const ga_bpp *p, int *oom)
{
    *oom = 0;
    if (p->n == 0)
        return 0;
    distinct ds;
    if (distinct_build(p, &ds) != 0) {
        *oom = 1;
        return ga_bpp_l1(p);
    }
    int64_t lb = ga_bpp_l1(p);
    int64_t b = l2_distinct(&ds, p->C);
    if (b > lb)
        lb = b;
    int32_t kmax = ds.d > 2000 ? 4 : 20;
    b = ldff_distinct(&ds, p->C, kmax);
    if (b > lb)
        lb = b;
    distinct_free(&ds);

    /* L3: the bins the reduction fixes plus a bound on the rest */
    int32_t *fixed = ga_mallocarray(p->n, sizeof *fixed);
    int64_t *rest = ga_mallocarray(p->n, sizeof *rest);
    if (!fixed || !rest) {
        free(fixed);
        free(rest);
        *oom = 1;
        return lb;
    }
    int64_t nf = ga_bpp_reduce(p, fixed);
    if (nf > 0) {
        ga_bpp q = {rest, 0, p->C, 0};
        for (size_t i = 0; i < p->n; i++)
            if (fixed[i] < 0) {
                rest[q.n++] = p->w[i];
                q.total += p->w[i];
            }
        int64_t r = 0;
        if (q.n > 0 && distinct_build(&q, &ds) == 0) {
            r = ga_bpp_l1(&q);
            b = l2_distinct(&ds, q.C);
            if (b > r)
                r = b;
            b = ldff_distinct(&ds, q.C, kmax);
            if (b > r)
                r = b;
            distinct_free(&ds);
        } else if (q.n > 0) {
            r = ga_bpp_l1(&q);
        }
        if (nf + r > lb)
            lb = nf + r;
    }
    free(fixed);
    free(rest);
    return lb;
}
