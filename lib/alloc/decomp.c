/*
 * decomp.c - the allocation when shared rows bind: Lagrangian relaxation of
 * the rows that tie workloads together (each provider's share cap, the spot
 * share cap, the budget, a class capacity two or more workloads may draw
 * on), with each workload priced by its exact dynamic programme at costs
 * shifted by the multipliers (knapsack.c's bounded knapsack per region
 * group; regions with a one-time egress charge combined by a second DP).
 *
 * The multipliers come from a box-step cutting-plane method (Marsten's
 * BOXSTEP; the disaggregated model is the dual of the Dantzig-Wolfe master):
 * every plan priced adds the cut theta_w <= obj(x) + lambda . A x, the model
 * max sum theta_w - lambda . b is solved inside a box around the best point
 * (GLPK through lp.h, continuous), and the box doubles after an improving
 * step and halves after one that does not improve.  Every value reported as
 * a bound is L(lambda) evaluated by the DPs, never the model's prediction,
 * so it is valid at any point of the iteration.
 *
 * Then: a MIP restricted to the columns of the generated plans gives a first
 * plan (cost UB); with the gap delta = UB - L, a workload plan whose reduced
 * cost exceeds its own minimum by more than delta is in no plan better than
 * UB (the reduced costs of the other workloads are at least their minima and
 * the multiplied rows are <= 0 in any feasible plan), so every column whose
 * cheapest plan using it, and every GPU count whose cheapest plan, exceeds
 * that is fixed at 0 (prob.col_off, prob.w_top); the incumbent always
 * survives.  The MIP over what is left, started from the incumbent, gives
 * the plan and its proof; its bound and L are both bounds for the view.
 *
 * Wraps no dependency (GLPK through lp.h, the MIP through solve.c).
 * Invariants: every plan reported passed the verifier (ga_solve_view);
 * fixing uses lower bounds only, with a slack of 1e-7 relative, so it never
 * removes a plan as good as the incumbent.  Statuses: GPUARB_OK,
 * GPUARB_ERR_NOMEM, GPUARB_ERR_SOLVER, GPUARB_ERR_LIMIT.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/decomp.h"
#include "alloc/decomp_priv.h"
#include "alloc/delta.h"
#include "alloc/progress.h"
#include "numeric/lp.h"

/* Largest ng x T^2 of the region DP of a workload with egress; above it
 * the workload is priced by a relaxation (egress charged once, at its
 * least), which is still a lower bound. */
#define DEC_F_WORK 4e7
#define DEC_MAX_ITERS 400

static void dec_free(dec *d)
{
    free(d->sc);
    free(d->obj);
    free(d->gcharge);
    free(d->cap);
    free(d->rows);
    free(d->prov_row);
    free(d->cap_row);
    free(d->cuts);
    free(d->nz_var);
    free(d->nz_val);
    free(d->seen);
    free(d->acc);
    free(d->cols);
    free(d->rc);
    free(d->used);
    memset(d, 0, sizeof *d);
}

static int pshare_on(const prob *p)
{
    const gpuarb_spec *s = p->b->spec;
    return s->max_provider_share >= 0 && s->max_provider_share < 1 && !p->v.drop_pshare;
}

static int sshare_on(const prob *p)
{
    const gpuarb_spec *s = p->b->spec;
    return s->max_spot_share >= 0 && s->max_spot_share < 1 && !p->v.drop_sshare;
}

static int budget_on(const prob *p)
{
    return p->b->spec->budget_per_hour >= 0 && !p->v.drop_budget;
}

/* Per class: how many workloads have a column on it (capped at 2). */
static int shared_caps(const prob *p, unsigned char *two)
{
    const base *b = p->b;
    int32_t *last = ga_mallocarray(b->n_cls ? b->n_cls : 1, sizeof(int32_t));
    if (!last)
        return -1;
    for (size_t k = 0; k < b->n_cls; k++) {
        last[k] = -1;
        two[k] = 0;
    }
    for (size_t j = 0; j < p->n_c; j++) {
        int32_t k = p->c[j].k;
        if (b->cls[k].cap < 0 || p->v.drop_capshare || (p->col_off && p->col_off[j]))
            continue;
        if (last[k] >= 0 && last[k] != p->c[j].w)
            two[k] = 1;
        last[k] = p->c[j].w;
    }
    free(last);
    return 0;
}

int ga_decomp_applies(const prob *p)
{
    /* delta plans price launches inside the knapsack, which max_throughput's
     * pricing (by throughput) must not see */
    if (p->b->delta && p->objective == GA_OBJ_MAX_THROUGHPUT)
        return 0;
    /* gangs on spot and work-based workloads are priced by the knapsack's
     * fronts, which multiply a plan's whole price by the gang's factor (or
     * the work's hours): a multiplier's charge would be multiplied with it,
     * and the Lagrangian bound would no longer be a bound.  The MIP, whose
     * levels price them exactly, keeps them. */
    const gpuarb_spec *s = p->b->spec;
    for (size_t wi = 0; wi < s->n_w; wi++)
        if (s->w[wi].work_gpu_hours > 0)
            return 0;
    for (size_t j = 0; j < p->n_c; j++)
        if (p->c[j].lam > 0)
            return 0;
    return pshare_on(p) || sshare_on(p) || budget_on(p);
}

/* Objective of column j in the problem the decomposition minimises. */
static double col_obj(const prob *p, size_t j)
{
    return p->objective == GA_OBJ_MAX_THROUGHPUT ? -p->c[j].tput : p->H * p->c[j].unit;
}

static gpuarb_status dec_init(gpuarb_ctx *ctx, const prob *p, dec *d)
{
    const base *b = p->b;
    const gpuarb_spec *s = b->spec;
    memset(d, 0, sizeof *d);
    d->p = p;
    size_t nc = p->n_c ? p->n_c : 1, ncl = b->n_cls ? b->n_cls : 1;
    d->sc = ga_mallocarray(nc, sizeof(gcol));
    d->obj = ga_mallocarray(nc, sizeof(double));
    d->rc = ga_mallocarray(nc, sizeof(double));
    d->cols = ga_mallocarray(nc, sizeof(int32_t));
    d->used = ga_calloc(nc, 1);
    d->gcharge = ga_mallocarray(p->n_g ? p->n_g : 1, sizeof(double));
    d->cap = ga_mallocarray(ncl, sizeof(int64_t));
    d->prov_row = ga_mallocarray((size_t)(b->n_prov ? b->n_prov : 1), sizeof(int32_t));
    d->cap_row = ga_mallocarray(ncl, sizeof(int32_t));
    unsigned char *two = ga_mallocarray(ncl, 1);
    size_t max_rows = (size_t)b->n_prov + 2 + b->n_cls;
    d->rows = ga_mallocarray(max_rows, sizeof(drow));
    if (!d->sc || !d->obj || !d->rc || !d->cols || !d->used || !d->gcharge || !d->cap || !d->prov_row ||
        !d->cap_row || !two || !d->rows || shared_caps(p, two)) {
        free(two);
        dec_free(d);
        return ga_nomem(ctx);
    }
    double per_gpu = 1e-9, per_usd = 1e-9, per_inst = 1e-9;
    for (size_t j = 0; j < p->n_c; j++) {
        d->obj[j] = col_obj(p, j);
        d->sc[j] = p->c[j];
        per_gpu = GA_MAX(per_gpu, fabs(d->obj[j]) / p->c[j].gpc);
        per_inst = GA_MAX(per_inst, fabs(d->obj[j]));
        if (p->c[j].unit > 0)
            per_usd = GA_MAX(per_usd, fabs(d->obj[j]) / p->c[j].unit);
    }
    for (size_t g = 0; g < p->n_g; g++)
        d->gcharge[g] = p->objective == GA_OBJ_MAX_THROUGHPUT ? 0 : p->g[g].egress;
    for (size_t k = 0; k < b->n_cls; k++) {
        d->cap[k] = b->cls[k].cap;
        d->cap_row[k] = -1;
    }
    d->spot_row = d->budget_row = d->mvar = -1;
    for (int32_t q = 0; q < b->n_prov; q++)
        d->prov_row[q] = -1;
    if (pshare_on(p)) {
        d->ps = s->max_provider_share;
        for (int32_t q = 0; q < b->n_prov; q++) {
            d->prov_row[q] = d->R;
            d->rows[d->R++] = (drow){ROW_PROV, q, 0, per_gpu};
        }
    }
    if (sshare_on(p)) {
        d->ss = s->max_spot_share;
        d->spot_row = d->R;
        d->rows[d->R++] = (drow){ROW_SPOT, 0, 0, per_gpu};
    }
    if (budget_on(p)) {
        d->budget_row = d->R;
        d->rows[d->R++] = (drow){ROW_BUDGET, 0, s->budget_per_hour, per_usd};
    }
    for (size_t k = 0; k < b->n_cls; k++)
        if (two[k]) {
            d->cap_row[k] = d->R;
            d->rows[d->R++] = (drow){ROW_CAP, (int32_t)k, (double)b->cls[k].cap, per_inst};
        }
    free(two);
    d->nvar = d->R + (pshare_on(p) ? 1 : 0);
    if (pshare_on(p))
        d->mvar = d->R;
    d->acc = ga_calloc((size_t)d->nvar + 1, sizeof(double));
    if (!d->acc) {
        dec_free(d);
        return ga_nomem(ctx);
    }
    d->sp = *p;
    d->sp.c = d->sc;
    d->sp.H = 1;
    return GPUARB_OK;
}

/* Reduced costs of every column at multipliers lam (R values). */
void ga_dec_reduced_costs(dec *d, const double *lam)
{
    const prob *p = d->p;
    const base *b = p->b;
    double M = 0;
    for (int32_t r = 0; r < d->R; r++)
        if (d->rows[r].type == ROW_PROV)
            M += lam[r];
    for (size_t j = 0; j < p->n_c; j++) {
        const gcol *c = &p->c[j];
        double v = d->obj[j];
        if (d->mvar >= 0) {
            int32_t r = d->prov_row[b->cls[c->k].prov];
            v += c->gpc * ((r >= 0 ? lam[r] : 0) - d->ps * M);
        }
        if (d->spot_row >= 0)
            v += lam[d->spot_row] * c->gpc * ((c->spot ? 1.0 : 0.0) - d->ss);
        if (d->budget_row >= 0)
            v += lam[d->budget_row] * c->unit;
        if (d->cap_row[c->k] >= 0)
            v += lam[d->cap_row[c->k]];
        d->rc[j] = v;
        d->sc[j].unit = v;
    }
}

/* The knapsack of group g's usable columns at the reduced costs. */
static int group_knap(dec *d, int32_t g, int32_t top, knap_t *q)
{
    const prob *p = d->p;
    const ggrp *gr = &p->g[g];
    int32_t n = 0;
    for (int32_t j = gr->c0; j < gr->c0 + gr->nc; j++)
        if (!(p->col_off && p->col_off[j]))
            d->cols[n++] = j;
    int rc = ga_knap_solve(&d->sp, d->cols, n, top, d->cap, q);
    if (rc)
        ga_knap_free(q);
    return rc;
}

/* Least of a[k - gpc] over k in [lo, top] with k >= gpc. */
static double least_shift(const double *a, int32_t lo, int32_t top, int32_t gpc)
{
    double m = INF_COST;
    for (int32_t k = GA_MAX(lo, gpc); k <= top; k++)
        m = GA_MIN(m, a[k - gpc]);
    return m;
}

/* Fix columns of group g (K: least reduced cost of exactly k GPUs of the
 * rest, the group's charge e added when charged) and counts (Mk). */
static void fix_cols(dec *d, int32_t g, const double *K, double e, int32_t lo, int32_t top,
                     wfix *f)
{
    const prob *p = d->p;
    const ggrp *gr = &p->g[g];
    for (int32_t j = gr->c0; j < gr->c0 + gr->nc; j++) {
        if (p->col_off && p->col_off[j])
            continue;
        double v = d->rc[j] + e + least_shift(K, lo, top, p->c[j].gpc);
        if (!(v <= f->limit))
            f->off[j] = 1;
    }
}

static int32_t top_of(const double *Mk, int32_t lo, int32_t top, double limit)
{
    for (int32_t k = top; k > lo; k--)
        if (Mk[k] <= limit)
            return k;
    return lo;
}

/* ga_dec_price()'s one knapsack over the columns d->cols[0..n) of the groups
 * g0..g0+ng-1, charging e once when any GPU is taken: *lb and x as ga_dec_price()
 * sets them; with f, each group's columns are fixed at charge e, or at the
 * group's own one-time charge with own_charge. */
static int price_knap(dec *d, int32_t n, int32_t g0, int32_t ng, int32_t lo, int32_t top,
                      double e, int own_charge, double *lb, double *x, wfix *f)
{
    size_t T = (size_t)top + 1;
    knap_t q;
    int rc = ga_knap_solve(&d->sp, d->cols, n, top, d->cap, &q);
    if (rc) {
        ga_knap_free(&q);
        return rc;
    }
    double best = INF_COST;
    int32_t kb = -1;
    for (int32_t k = lo; k <= top; k++) {
        double v = q.K[k] + (k > 0 ? e : 0);
        if (q.K[k] < INF_COST && v < best) {
            best = v;
            kb = k;
        }
    }
    *lb = best;
    if (kb >= 0)
        ga_knap_take(&q, kb, x);
    if (f) {
        f->limit += best;
        double *Mk = ga_mallocarray(T, sizeof(double));
        if (!Mk) {
            ga_knap_free(&q);
            return -1;
        }
        for (size_t k = 0; k < T; k++)
            Mk[k] = q.K[k] + (k > 0 ? e : 0);
        for (int32_t g = g0; g < g0 + ng; g++)
            fix_cols(d, g, q.K, own_charge ? d->gcharge[g] : e, lo, top, f);
        f->top = top_of(Mk, lo, top, f->limit);
        free(Mk);
    }
    ga_knap_free(&q);
    return 0;
}

/* Price workload wi at the reduced costs set by ga_dec_reduced_costs(): *lb a
 * lower bound on its least reduced cost (INF_COST: no plan), x its plan
 * (wi's columns; none when *lb is INF_COST).  With f, the bound *lb is
 * computed first and f->limit is taken as relative to it (f->limit +=
 * *lb), then columns and counts past it are fixed.  0, -1 on allocation
 * failure, -3 past the base's deadline. */
int ga_dec_price(dec *d, int32_t wi, double *lb, double *x, wfix *f)
{
    const prob *p = d->p;
    const ga_workload *w = &p->b->spec->w[wi];
    int32_t lo = w->min_gpus, top = p->w_top[wi];
    int32_t g0 = p->w_g0[wi], ng = p->w_ng[wi];
    for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++)
        x[j] = 0;
    *lb = INF_COST;
    if (top < lo)
        return 0;
    size_t T = (size_t)top + 1;
    int charged = 0;
    for (int32_t g = g0; g < g0 + ng; g++)
        charged |= d->gcharge[g] > 0;
    if (ng == 0) {
        if (lo == 0)
            *lb = 0;
        if (f)
            f->top = lo;
        return 0;
    }
    if (w->same_region) {
        /* one region: the best region group, or nothing when lo is 0 */
        double best = lo == 0 ? 0 : INF_COST;
        int32_t gb = -1, kb = 0;
        double *Ks = NULL, *Mk = NULL;
        if (f) {
            Ks = ga_mallocarray((size_t)ng * T, sizeof(double));
            Mk = ga_mallocarray(T, sizeof(double));
            if (!Ks || !Mk) {
                free(Ks);
                free(Mk);
                return -1;
            }
            for (size_t k = 0; k < T; k++)
                Mk[k] = k == 0 && lo == 0 ? 0 : INF_COST;
        }
        for (int32_t g = g0; g < g0 + ng; g++) {
            knap_t q;
            int rc = group_knap(d, g, top, &q);
            if (rc) {
                free(Ks);
                free(Mk);
                return rc;
            }
            double e = d->gcharge[g];
            for (int32_t k = GA_MAX(lo, 1); k <= top; k++)
                if (q.K[k] < INF_COST && q.K[k] + e < best) {
                    best = q.K[k] + e;
                    gb = g;
                    kb = k;
                }
            if (f) {
                memcpy(Ks + (size_t)(g - g0) * T, q.K, sizeof(double) * T);
                for (int32_t k = GA_MAX(lo, 1); k <= top; k++)
                    Mk[k] = GA_MIN(Mk[k], q.K[k] + e);
            }
            ga_knap_free(&q);
        }
        *lb = best;
        if (gb >= 0) {
            knap_t q;
            int rc = group_knap(d, gb, top, &q);
            if (rc) {
                free(Ks);
                free(Mk);
                return rc;
            }
            ga_knap_take(&q, kb, x);
            ga_knap_free(&q);
        }
        if (f) {
            f->limit += best;
            for (int32_t g = g0; g < g0 + ng; g++)
                fix_cols(d, g, Ks + (size_t)(g - g0) * T, d->gcharge[g], GA_MAX(lo, 1), top, f);
            f->top = top_of(Mk, lo, top, f->limit);
        }
        free(Ks);
        free(Mk);
        return 0;
    }
    if (!charged || ng == 1) {
        /* regions do not matter (or one region): one knapsack over all */
        int32_t n = 0;
        for (int32_t g = g0; g < g0 + ng; g++)
            for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++)
                if (!(p->col_off && p->col_off[j]))
                    d->cols[n++] = j;
        return price_knap(d, n, g0, ng, lo, top, ng == 1 ? d->gcharge[g0] : 0, 0, lb, x, f);
    }
    /* regions with one-time charges: F[k] over groups, or the relaxation
     * that charges the least of them once when the DP is too large */
    if ((double)ng * (double)T * (double)T > DEC_F_WORK) {
        int32_t n = 0;
        double emin = INF_COST;
        for (int32_t g = g0; g < g0 + ng; g++) {
            emin = GA_MIN(emin, d->gcharge[g]);
            for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++)
                if (!(p->col_off && p->col_off[j]))
                    d->cols[n++] = j;
        }
        return price_knap(d, n, g0, ng, lo, top, emin, 1, lb, x, f);
    }
    double *F = ga_mallocarray(T, sizeof(double)), *Fn = ga_mallocarray(T, sizeof(double));
    int32_t *choice = ga_mallocarray(T * (size_t)ng, sizeof(int32_t));
    if (!F || !Fn || !choice) {
        free(F);
        free(Fn);
        free(choice);
        return -1;
    }
    int rc = 0;
    F[0] = 0;
    for (size_t k = 1; k < T; k++)
        F[k] = INF_COST;
    for (int32_t gi = 0; gi < ng && !rc; gi++) {
        knap_t q;
        if ((rc = group_knap(d, g0 + gi, top, &q)))
            break;
        double e = d->gcharge[g0 + gi];
        int32_t *ch = choice + (size_t)gi * T;
        for (size_t k = 0; k < T; k++) {
            Fn[k] = F[k];
            ch[k] = 0;
            for (size_t j = 1; j <= k; j++) {
                if (q.K[j] >= INF_COST || F[k - j] >= INF_COST)
                    continue;
                double v = F[k - j] + e + q.K[j];
                if (v < Fn[k]) {
                    Fn[k] = v;
                    ch[k] = (int32_t)j;
                }
            }
        }
        memcpy(F, Fn, sizeof(double) * T);
        ga_knap_free(&q);
    }
    int32_t kb = -1;
    double best = INF_COST;
    for (int32_t k = lo; k <= top && !rc; k++)
        if (F[k] < best) {
            best = F[k];
            kb = k;
        }
    if (!rc) {
        *lb = best;
        for (int32_t gi = ng - 1, k = kb; gi >= 0 && k > 0 && !rc; gi--) {
            int32_t j = choice[(size_t)gi * T + k];
            if (j == 0)
                continue;
            knap_t q;
            if ((rc = group_knap(d, g0 + gi, top, &q)) == 0) {
                ga_knap_take(&q, j, x);
                ga_knap_free(&q);
            }
            k -= j;
        }
    }
    if (!rc && f) {
        f->limit += best;
        for (int32_t g = g0; g < g0 + ng; g++)
            fix_cols(d, g, F, 0, lo, top, f);
        f->top = top_of(F, lo, top, f->limit);
    }
    free(F);
    free(Fn);
    free(choice);
    return rc;
}

/* Launch cost of workload wi's plan x (delta plans; 0 otherwise). */
double ga_dec_wl_churn(const prob *p, int32_t wi, const double *x)
{
    double sum = 0;
    for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi] && p->b->delta; j++) {
        if (x[j] < 0.5)
            continue;
        double L;
        double extra = x[j] - (double)ga_delta_col(p, (size_t)j, &L);
        if (extra > 0)
            sum += extra * L;
    }
    return sum;
}

/* 64-bit FNV-1a over (workload, column, count) of a plan. */
static uint64_t plan_hash(const prob *p, int32_t wi, const double *x)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uint32_t)wi;
    for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
        if (x[j] < 0.5)
            continue;
        uint64_t v = ((uint64_t)(uint32_t)j << 32) ^ (uint64_t)(int64_t)(x[j] + 0.5);
        for (int i = 0; i < 8; i++) {
            h ^= (v >> (8 * i)) & 0xff;
            h *= 1099511628211ULL;
        }
    }
    return h ? h : 1;
}

/* Insert h into the set; 1 if it was new, 0 if seen, -1 on NOMEM. */
static int seen_insert(dec *d, uint64_t h)
{
    if (2 * (d->n_seen + 1) > d->cap_seen) {
        size_t nc = d->cap_seen ? 2 * d->cap_seen : 1024;
        uint64_t *t = ga_calloc(nc, sizeof(uint64_t));
        if (!t)
            return -1;
        for (size_t i = 0; i < d->cap_seen; i++) {
            if (!d->seen[i])
                continue;
            size_t at = (size_t)(d->seen[i] % nc);
            while (t[at])
                at = (at + 1) % nc;
            t[at] = d->seen[i];
        }
        free(d->seen);
        d->seen = t;
        d->cap_seen = nc;
    }
    size_t at = (size_t)(h % d->cap_seen);
    while (d->seen[at]) {
        if (d->seen[at] == h)
            return 0;
        at = (at + 1) % d->cap_seen;
    }
    d->seen[at] = h;
    d->n_seen++;
    return 1;
}

/* Add the cut of workload wi's plan x (when new).  0 or -1 on NOMEM. */
static int add_cut(dec *d, int32_t wi, const double *x)
{
    const prob *p = d->p;
    const base *b = p->b;
    int n = seen_insert(d, plan_hash(p, wi, x));
    if (n <= 0)
        return n;
    double objv = 0, G = 0, S = 0;
    for (int32_t v = 0; v < d->nvar; v++)
        d->acc[v] = 0;
    for (int32_t g = p->w_g0[wi]; g < p->w_g0[wi] + p->w_ng[wi]; g++) {
        int used = 0;
        for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++) {
            double c = x[j];
            if (c < 0.5)
                continue;
            const gcol *cl = &p->c[j];
            used = 1;
            objv += d->obj[j] * c;
            G += c * cl->gpc;
            if (cl->spot)
                S += c * cl->gpc;
            int32_t r = d->prov_row[b->cls[cl->k].prov];
            if (r >= 0)
                d->acc[r] += c * cl->gpc;
            if (d->budget_row >= 0)
                d->acc[d->budget_row] += c * cl->unit;
            if (d->cap_row[cl->k] >= 0)
                d->acc[d->cap_row[cl->k]] += c;
        }
        if (used)
            objv += d->gcharge[g];
    }
    if (p->objective != GA_OBJ_MAX_THROUGHPUT)
        objv += ga_dec_wl_churn(p, wi, x);
    if (d->mvar >= 0)
        d->acc[d->mvar] = -d->ps * G;
    if (d->spot_row >= 0)
        d->acc[d->spot_row] = S - d->ss * G;
    if (ga_grow((void **)&d->cuts, &d->cap_cuts, d->n_cuts + 1, sizeof(dcut)))
        return -1;
    size_t need = d->n_nz + (size_t)d->nvar;
    size_t cap2 = d->cap_nz;
    if (ga_grow((void **)&d->nz_var, &d->cap_nz, need, sizeof(int32_t)) ||
        ga_grow((void **)&d->nz_val, &cap2, need, sizeof(double)))
        return -1;
    if (cap2 != d->cap_nz) {
        /* both arrays keep the same capacity */
        size_t c = GA_MAX(cap2, d->cap_nz);
        if (ga_grow((void **)&d->nz_var, &d->cap_nz, c, sizeof(int32_t)) ||
            ga_grow((void **)&d->nz_val, &cap2, c, sizeof(double)))
            return -1;
    }
    dcut *ct = &d->cuts[d->n_cuts++];
    ct->w = wi;
    ct->obj = objv;
    ct->nz0 = (int32_t)d->n_nz;
    ct->nnz = 0;
    for (int32_t v = 0; v < d->nvar; v++)
        if (d->acc[v] != 0) {
            d->nz_var[d->n_nz] = v;
            d->nz_val[d->n_nz++] = d->acc[v];
            ct->nnz++;
        }
    return 0;
}

/* The cutting-plane model in the box [blo, bhi]: maximise sum theta_w -
 * lam . b.  On GPUARB_OK *ok says whether it solved; lam receives the
 * point, *pred the model's value there. */
static gpuarb_status solve_model(gpuarb_ctx *ctx, dec *d, const double *blo, const double *bhi,
                                 double deadline, double *lam, double *pred, int *ok)
{
    const prob *p = d->p;
    size_t nw = p->b->spec->n_w;
    *ok = 0;
    ga_mip *m = ga_mip_new(1);
    int32_t *idx = ga_mallocarray((size_t)d->nvar + 2 + (size_t)d->R, sizeof(int32_t));
    double *val = ga_mallocarray((size_t)d->nvar + 2 + (size_t)d->R, sizeof(double));
    double *xx = ga_calloc((size_t)d->nvar + nw + 1, sizeof(double));
    gpuarb_status st = GPUARB_OK;
    if (!m || !idx || !val || !xx)
        goto nomem;
    for (int32_t r = 0; r < d->R; r++)
        if (ga_mip_add_col(m, -d->rows[r].rhs, blo[r], bhi[r], 0, NULL) < 0)
            goto nomem;
    if (d->mvar >= 0) {
        if (ga_mip_add_col(m, 0, -GA_INF, GA_INF, 0, NULL) < 0)
            goto nomem;
        int32_t n = 0;
        for (int32_t r = 0; r < d->R; r++)
            if (d->rows[r].type == ROW_PROV) {
                idx[n] = r;
                val[n++] = -1;
            }
        idx[n] = d->mvar;
        val[n++] = 1;
        if (ga_mip_add_row(m, n, idx, val, 0, 0, NULL) < 0)
            goto nomem;
    }
    for (size_t w = 0; w < nw; w++)
        if (ga_mip_add_col(m, 1, -GA_INF, GA_INF, 0, NULL) < 0)
            goto nomem;
    for (size_t c = 0; c < d->n_cuts; c++) {
        const dcut *ct = &d->cuts[c];
        int32_t n = 0;
        idx[n] = d->nvar + ct->w;
        val[n++] = 1;
        for (int32_t t = 0; t < ct->nnz; t++) {
            idx[n] = d->nz_var[ct->nz0 + t];
            val[n++] = -d->nz_val[ct->nz0 + t];
        }
        if (ga_mip_add_row(m, n, idx, val, -GA_INF, ct->obj, NULL) < 0)
            goto nomem;
    }
    ga_mip_opts o;
    memset(&o, 0, sizeof o);
    o.time_limit_ms = deadline > 0 ? GA_MAX(1.0, deadline - ga_now_ms()) : 0;
    ga_mip_out mo;
    memset(&mo, 0, sizeof mo);
    mo.x = xx;
    st = ga_mip_solve(ctx, m, &o, &mo);
    if (st == GPUARB_ERR_SOLVER) {
        st = GPUARB_OK; /* the bound so far stands; the method stops */
    } else if (!st && (mo.status == GA_MIP_OPTIMAL)) {
        for (int32_t r = 0; r < d->R; r++)
            lam[r] = GA_MIN(bhi[r], GA_MAX(blo[r], xx[r]));
        *pred = mo.obj;
        *ok = 1;
    }
    goto out;
nomem:
    st = ga_nomem(ctx);
out:
    ga_mip_free(m);
    free(idx);
    free(val);
    free(xx);
    return st;
}

/* L(lam) by pricing every workload; plans into x, cuts added.  *L is
 * INF_COST... never: -INF_COST when a workload has no plan at all. */
static int evaluate(dec *d, const double *lam, double *x, double *L, double deadline)
{
    const prob *p = d->p;
    size_t nw = p->b->spec->n_w;
    ga_dec_reduced_costs(d, lam);
    double sum = 0;
    for (size_t wi = 0; wi < nw; wi++) {
        if (deadline > 0 && ga_now_ms() >= deadline)
            return -3;
        double lb;
        int rc = ga_dec_price(d, (int32_t)wi, &lb, x, NULL);
        if (rc)
            return rc;
        if (lb >= INF_COST)
            return -5; /* a workload alone has no plan */
        sum += lb;
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++)
            if (x[j] > 0.5)
                d->used[j] = 1;
        if (add_cut(d, (int32_t)wi, x))
            return -1;
    }
    for (int32_t r = 0; r < d->R; r++)
        sum -= lam[r] * d->rows[r].rhs;
    *L = sum;
    return 0;
}

/* Reduced-cost fixing at multipliers lam: off[j] = 1 for every column
 * whose cheapest plan has a reduced cost more than gap above its
 * workload's least (and p's own col_off), tops[] the largest GPU count
 * within it.  When inc is a plan, a column of it that would be fixed
 * makes the call fail (-6; rounding): it must survive.  0, -1 NOMEM, or
 * another code of ga_dec_price() when nothing may be fixed. */
static int fix_set(dec *d, const double *lam, double gap, unsigned char *off, int32_t *tops,
                   const double *inc, int32_t *kept)
{
    const prob *p = d->p;
    const gpuarb_spec *s = p->b->spec;
    double *x = ga_mallocarray(p->n_c ? p->n_c : 1, sizeof(double));
    if (!x)
        return -1;
    for (size_t j = 0; j < p->n_c; j++)
        off[j] = p->col_off ? p->col_off[j] : 0;
    ga_dec_reduced_costs(d, lam);
    int rc = 0;
    for (size_t wi = 0; wi < s->n_w && !rc; wi++) {
        wfix f = {gap, off, p->w_top[wi]};
        double lb;
        rc = ga_dec_price(d, (int32_t)wi, &lb, x, &f);
        if (!rc && lb >= INF_COST)
            rc = -5;
        tops[wi] = GA_MAX(f.top, s->w[wi].min_gpus);
    }
    free(x);
    for (size_t j = 0; j < p->n_c && !rc && inc; j++)
        if (inc[j] > 0.5 && off[j] && !(p->col_off && p->col_off[j]))
            rc = -6;
    *kept = 0;
    for (size_t j = 0; j < p->n_c; j++)
        *kept += !off[j];
    return rc;
}

/* The view's objective of a plan, as the decomposition minimises it. */
static double minobj(const prob *p, const plan_eval *e)
{
    return p->objective == GA_OBJ_MAX_THROUGHPUT ? -e->tput : e->total;
}

gpuarb_status ga_decomp_solve(gpuarb_ctx *ctx, const prob *p, double deadline, const ga_tol *tol,
                              const double *hint, sol *out, ga_decomp_stats *stats)
{
    const gpuarb_spec *s = p->b->spec;
    int maxt = p->objective == GA_OBJ_MAX_THROUGHPUT;
    ga_decomp_stats dummy;
    if (!stats)
        stats = &dummy;
    memset(stats, 0, sizeof *stats);
    memset(out, 0, sizeof *out);
    double t0 = ga_now_ms();
    dec d;
    gpuarb_status st = dec_init(ctx, p, &d);
    if (st)
        return st;
    size_t nc = p->n_c ? p->n_c : 1;
    int32_t R = d.R;
    double *lam = ga_calloc((size_t)R + 1, sizeof(double));
    double *best_lam = ga_calloc((size_t)R + 1, sizeof(double));
    double *delta = ga_mallocarray((size_t)R + 1, sizeof(double));
    double *blo = ga_mallocarray((size_t)R + 1, sizeof(double));
    double *bhi = ga_mallocarray((size_t)R + 1, sizeof(double));
    double *x = ga_calloc(nc, sizeof(double));
    double *inc = ga_calloc(nc, sizeof(double));
    unsigned char *off = ga_calloc(nc, 1);
    int32_t *tops = ga_mallocarray(s->n_w ? s->n_w : 1, sizeof(int32_t));
    sol sh, sx;
    memset(&sh, 0, sizeof sh);
    memset(&sx, 0, sizeof sx);
    if (!lam || !best_lam || !delta || !blo || !bhi || !x || !inc || !off || !tops) {
        st = ga_nomem(ctx);
        goto done;
    }
    for (int32_t r = 0; r < R; r++)
        delta[r] = d.rows[r].scale;
    /* the incumbent: the hint when it is a plan of the view */
    plan_eval ie;
    memset(&ie, 0, sizeof ie);
    int have_inc = 0;
    if (hint) {
        memcpy(inc, hint, sizeof(double) * p->n_c);
        if ((st = ga_verify(ctx, p, inc, &ie)))
            goto done;
        have_inc = ie.feasible;
    }
    /* 1. the Lagrangian dual, in a share of the time */
    double d_dual = ga_stage_deadline(p->b, deadline, 0.4);
    double Lbest = -INF_COST;
    int have_L = 0;
    int break_now = 0;
    for (int it = 0; it < DEC_MAX_ITERS && !break_now; it++) {
        double L = 0;
        int rc = evaluate(&d, lam, x, &L, d_dual);
        if (rc == -1) {
            st = ga_nomem(ctx);
            goto done;
        }
        if (rc == -5) {
            /* a workload has no plan even alone: the MIP says infeasible */
            break;
        }
        if (rc)
            break; /* the deadline */
        stats->iters++;
        if (!p->restricted && p->b->lim.prog) {
            double bnd = L > Lbest || !have_L ? L : Lbest;
            if (ga_progress_note(p->b->lim.prog,
                                 have_inc ? (maxt ? ie.tput : ie.total) : NAN, maxt ? -bnd : bnd,
                                 0))
                break_now = 1;
        }
        if (!have_L || L > Lbest) {
            if (have_L)
                for (int32_t r = 0; r < R; r++)
                    delta[r] = GA_MIN(delta[r] * 2, 1e4 * d.rows[r].scale);
            Lbest = L;
            have_L = 1;
            memcpy(best_lam, lam, sizeof(double) * (size_t)R);
        } else {
            for (int32_t r = 0; r < R; r++)
                delta[r] *= 0.5;
        }
        if (R == 0)
            break;
        if (have_inc && Lbest >= minobj(p, &ie) - GA_OPT_GAP * GA_MAX(1.0, fabs(Lbest)))
            break;
        for (int32_t r = 0; r < R; r++) {
            blo[r] = GA_MAX(0.0, best_lam[r] - delta[r]);
            bhi[r] = best_lam[r] + delta[r];
        }
        double pred;
        int ok;
        if ((st = solve_model(ctx, &d, blo, bhi, d_dual, lam, &pred, &ok)))
            goto done;
        if (!ok)
            break;
        if (pred <= Lbest + 1e-9 * GA_MAX(1.0, fabs(Lbest)))
            break; /* the model's best in the box is the center: optimal */
    }
    stats->cuts = (int32_t)d.n_cuts;
    stats->lagr_bound = maxt ? -Lbest : Lbest;
    stats->dual_ms = ga_now_ms() - t0;
    /* 2. a first plan: the MIP over the columns whose cheapest plan is
     * within a small gap of their workload's Lagrangian optimum (the
     * columns of the plans priced, and the incumbent's, always), the gap
     * widened eightfold while no plan comes out */
    double t1 = ga_now_ms();
    if (have_L && ga_dec_repair(ctx, &d, best_lam, ga_stage_deadline(p->b, deadline, 0.1), inc,
                                &ie, &have_inc)) {
        st = ga_nomem(ctx);
        goto done;
    }
    if (have_L) {
        double hgap = 1e-9 * GA_MAX(1.0, fabs(Lbest));
        for (int round = 0; round < 2; round++) {
            int32_t kept;
            int rc = fix_set(&d, best_lam, hgap, off, tops, NULL, &kept);
            if (rc == -1) {
                st = ga_nomem(ctx);
                goto done;
            }
            if (rc)
                break;
            for (size_t j = 0; j < p->n_c; j++)
                if (d.used[j] || (have_inc && inc[j] > 0.5))
                    off[j] = p->col_off ? p->col_off[j] : 0;
            prob qh = *p;
            qh.col_off = off;
            double dh = ga_stage_deadline(p->b, deadline, 0.25);
            ga_sol_free(&sh);
            if ((st = ga_solve_view(ctx, &qh, dh, tol, have_inc ? inc : NULL, &sh)))
                goto done;
            int gotp = sh.status == GPUARB_SOLVE_OPTIMAL || sh.status == GPUARB_SOLVE_FEASIBLE;
            if (gotp && (!have_inc || ga_plan_better(p->objective, &sh.e, &ie))) {
                memcpy(inc, sh.x, sizeof(double) * p->n_c);
                ie = sh.e;
                have_inc = 1;
            }
            if (gotp)
                break;
            hgap *= 8;
        }
    }
    stats->heur_ms = ga_now_ms() - t1;
    /* 3. reduced-cost fixing against the incumbent */
    double t2 = ga_now_ms();
    prob q = *p;
    int fixed = 0;
    if (have_L && have_inc) {
        double gap = minobj(p, &ie) - Lbest;
        gap += 1e-7 * GA_MAX(1.0, fabs(minobj(p, &ie)));
        int32_t kept;
        int rc = fix_set(&d, best_lam, gap, off, tops, inc, &kept);
        if (rc == -1) {
            st = ga_nomem(ctx);
            goto done;
        }
        if (rc == 0) {
            q.col_off = off;
            q.w_top = tops;
            fixed = 1;
            stats->cols_kept = kept;
        }
    }
    if (!fixed)
        stats->cols_kept = (int32_t)p->n_c;
    stats->fix_ms = ga_now_ms() - t2;
    /* 4. the MIP over what is left, from the incumbent */
    double t3 = ga_now_ms();
    if ((st = ga_solve_view(ctx, &q, ga_stage_deadline(p->b, deadline, 1.0), tol,
                            have_inc ? inc : NULL, &sx)))
        goto done;
    stats->mip_ms = ga_now_ms() - t3;
    *out = sx;
    memset(&sx, 0, sizeof sx);
    int got = out->status == GPUARB_SOLVE_OPTIMAL || out->status == GPUARB_SOLVE_FEASIBLE;
    if (have_inc && (!got || ga_plan_better(p->objective, &ie, &out->e))) {
        memcpy(out->x, inc, sizeof(double) * p->n_c);
        out->e = ie;
        if (got && out->status == GPUARB_SOLVE_OPTIMAL)
            out->status = GPUARB_SOLVE_FEASIBLE; /* cannot happen: kept safe */
        else
            out->status = GPUARB_SOLVE_FEASIBLE;
        out->proven = 0;
        got = 1;
    }
    if (got) {
        /* the Lagrangian bound holds for the view unless its GPU ranges
         * are a guess (prob.restricted) */
        if (have_L && !p->restricted) {
            if (maxt) {
                double ub = -Lbest;
                out->bound = out->bound_known ? GA_MIN(out->bound, ub) : ub;
                out->bound = GA_MAX(out->bound, out->e.tput);
            } else {
                out->bound = out->bound_known ? GA_MAX(out->bound, Lbest) : Lbest;
                out->bound = GA_MIN(out->bound, out->e.total);
            }
            out->bound_known = 1;
        }
        if (out->bound_known) {
            double g = maxt ? (out->bound > 1e-12 ? (out->bound - out->e.tput) / out->bound : 0)
                            : (out->e.total > 1e-12 ? (out->e.total - out->bound) / out->e.total
                                                    : 0);
            out->gap = g <= GA_OPT_GAP ? 0 : g;
            if (out->gap == 0 && (!maxt || out->proven))
                out->status = GPUARB_SOLVE_OPTIMAL;
        }
    } else if (have_L && !p->restricted && out->status == GPUARB_SOLVE_TIME_LIMIT) {
        double bnd = maxt ? -Lbest : Lbest;
        out->bound = out->bound_known ? (maxt ? GA_MIN(out->bound, bnd) : GA_MAX(out->bound, bnd))
                                      : bnd;
        out->bound_known = 1;
    }
done:
    ga_sol_free(&sh);
    ga_sol_free(&sx);
    free(lam);
    free(best_lam);
    free(delta);
    free(blo);
    free(bhi);
    free(x);
    free(inc);
    free(off);
    free(tops);
    dec_free(&d);
    return st;
}
