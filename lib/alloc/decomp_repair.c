/*
 * decomp_repair.c - the Lagrangian repair of the decomposition (decomp.c):
 * from the plans every workload prices at the best multipliers, which may
 * together break the shared rows, one workload at a time moves to its plan
 * with the broken rows priced high, the move that removes the most
 * violation per unit of reduced cost first, until the plans meet every row;
 * then an improvement pass in which each workload takes the cheapest of
 * three plans that keeps every row.  The plan found is the decomposition's
 * first incumbent.  Here too: the row activities and objective of one
 * workload's plan, and the violation of a row excess.
 *
 * Wraps no dependency.  Invariants: a plan is reported only after
 * ga_verify found it feasible.  Returns 0, or -1 on allocation failure.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/decomp_priv.h"

/* Row activities of plan x minus their right-hand sides (> 0: violated). */
static void row_excess(const dec *d, const double *x, double *ex)
{
    const prob *p = d->p;
    const base *b = p->b;
    double G = 0, S = 0;
    for (int32_t r = 0; r < d->R; r++)
        ex[r] = -d->rows[r].rhs;
    for (size_t j = 0; j < p->n_c; j++) {
        if (x[j] < 0.5)
            continue;
        const gcol *c = &p->c[j];
        G += x[j] * c->gpc;
        if (c->spot)
            S += x[j] * c->gpc;
        int32_t r = d->prov_row[b->cls[c->k].prov];
        if (r >= 0)
            ex[r] += x[j] * c->gpc;
        if (d->budget_row >= 0)
            ex[d->budget_row] += x[j] * c->unit;
        if (d->cap_row[c->k] >= 0)
            ex[d->cap_row[c->k]] += x[j];
    }
    for (int32_t r = 0; r < d->R; r++)
        if (d->rows[r].type == ROW_PROV)
            ex[r] -= d->ps * G;
    if (d->spot_row >= 0)
        ex[d->spot_row] = S - d->ss * G;
}

/* Workload wi's share of the row activities of plan x (into a, R values). */
static void wl_rows(const dec *d, int32_t wi, const double *x, double *a)
{
    const prob *p = d->p;
    const base *b = p->b;
    double G = 0;
    for (int32_t r = 0; r < d->R; r++)
        a[r] = 0;
    for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
        if (x[j] < 0.5)
            continue;
        const gcol *c = &p->c[j];
        G += x[j] * c->gpc;
        int32_t r = d->prov_row[b->cls[c->k].prov];
        if (r >= 0)
            a[r] += x[j] * c->gpc;
        if (d->spot_row >= 0 && c->spot)
            a[d->spot_row] += x[j] * c->gpc;
        if (d->budget_row >= 0)
            a[d->budget_row] += x[j] * c->unit;
        if (d->cap_row[c->k] >= 0)
            a[d->cap_row[c->k]] += x[j];
    }
    for (int32_t r = 0; r < d->R; r++)
        if (d->rows[r].type == ROW_PROV)
            a[r] -= d->ps * G;
    if (d->spot_row >= 0)
        a[d->spot_row] -= d->ss * G;
}

/* Objective of workload wi's plan x (group charges included). */
static double wl_obj(const dec *d, int32_t wi, const double *x)
{
    const prob *p = d->p;
    double v = 0;
    for (int32_t g = p->w_g0[wi]; g < p->w_g0[wi] + p->w_ng[wi]; g++) {
        int used = 0;
        for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++)
            if (x[j] > 0.5) {
                v += d->obj[j] * x[j];
                used = 1;
            }
        if (used)
            v += d->gcharge[g];
    }
    if (p->objective != GA_OBJ_MAX_THROUGHPUT)
        v += ga_dec_wl_churn(p, wi, x);
    return v;
}

/* Total violation of excess vector ex, in objective units. */
static double violation(const dec *d, const double *ex)
{
    double v = 0;
    for (int32_t r = 0; r < d->R; r++)
        if (ex[r] > 1e-9)
            v += ex[r] * d->rows[r].scale;
    return v;
}

/* Lagrangian repair: from the plans priced at lam, one workload at a time
 * moves to its best plan with the broken rows priced high, the one that
 * removes the most violation per unit of reduced cost, until the plans
 * together meet every row.  (Raising the multipliers for all workloads
 * at once moves every identical workload together and cycles.)  A plan
 * of the view found goes to inc when better.  0, -1 NOMEM. */
int ga_dec_repair(gpuarb_ctx *ctx, dec *d, const double *lam0, double deadline, double *inc,
                  plan_eval *ie, int *have)
{
    const prob *p = d->p;
    size_t nw = p->b->spec->n_w, nc = p->n_c ? p->n_c : 1;
    int32_t R = d->R;
    double *lam = ga_mallocarray((size_t)R + 1, sizeof(double));
    double *ex = ga_mallocarray((size_t)R + 1, sizeof(double));
    double *ex2 = ga_mallocarray((size_t)R + 1, sizeof(double));
    double *a0 = ga_mallocarray((size_t)R + 1, sizeof(double));
    double *a1 = ga_mallocarray((size_t)R + 1, sizeof(double));
    double *x = ga_calloc(nc, sizeof(double));
    double *alt = ga_calloc(nc, sizeof(double));
    double *rc0 = ga_mallocarray(nc, sizeof(double));
    kpair *cand = ga_mallocarray(nw ? nw : 1, sizeof(kpair));
    double *xs = NULL;
    int rc = 0;
    if (!lam || !ex || !ex2 || !a0 || !a1 || !x || !alt || !rc0 || !cand) {
        rc = -1;
        goto out;
    }
    ga_dec_reduced_costs(d, lam0);
    for (size_t wi = 0; wi < nw; wi++) {
        double lb;
        int e = ga_dec_price(d, (int32_t)wi, &lb, x, NULL);
        if (e || lb >= INF_COST) {
            rc = e == -1 ? -1 : 0;
            goto out;
        }
    }
    memcpy(rc0, d->rc, sizeof(double) * p->n_c);
    if (!(xs = ga_mallocarray(nc, sizeof(double)))) { /* the plans at lam0 */
        rc = -1;
        goto out;
    }
    memcpy(xs, x, sizeof(double) * p->n_c);
    int found = 0;
    for (size_t step = 0; step < 200; step++) {
        if (deadline > 0 && ga_now_ms() >= deadline)
            break;
        row_excess(d, x, ex);
        double v0 = violation(d, ex);
        if (v0 <= 0) {
            plan_eval pe;
            if (ga_verify(ctx, p, x, &pe)) {
                rc = -1;
                goto out;
            }
            found = pe.feasible;
            break;
        }
        /* the broken rows, and those at their limit (a move onto them
         * would break them), priced at ten times their scale above lam0 */
        for (int32_t r = 0; r < R; r++)
            lam[r] = lam0[r] + (ex[r] > -1e-9 ? 10 * d->rows[r].scale : 0);
        ga_dec_reduced_costs(d, lam);
        /* every workload on a broken row gets its alternative (alt holds
         * them all: each writes only its own columns), ranked by cost per
         * violation removed; then they move in that order while a move
         * still removes violation from the rows as they are by then */
        size_t n_k = 0;
        for (size_t wi = 0; wi < nw; wi++) {
            wl_rows(d, (int32_t)wi, x, a0);
            int touches = 0;
            for (int32_t r = 0; r < R && !touches; r++)
                touches = ex[r] > 1e-9 && a0[r] > 1e-9;
            if (!touches)
                continue;
            double lb;
            int e = ga_dec_price(d, (int32_t)wi, &lb, alt, NULL);
            if (e == -1) {
                rc = -1;
                goto out;
            }
            if (e || lb >= INF_COST)
                continue;
            wl_rows(d, (int32_t)wi, alt, a1);
            for (int32_t r = 0; r < R; r++)
                ex2[r] = ex[r] - a0[r] + a1[r];
            double gain = v0 - violation(d, ex2);
            if (gain <= 1e-9)
                continue;
            double dc = 0;
            for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++)
                dc += rc0[j] * (alt[j] - x[j]);
            cand[n_k].key = (int64_t)llround(GA_MIN(9e15, 1e6 * GA_MAX(dc, 0.0) / gain));
            cand[n_k++].idx = (int32_t)wi;
        }
        if (n_k == 0)
            break;
        qsort(cand, n_k, sizeof *cand, ga_cmp_kpair);
        /* only the moves about as good as the best one this round: the
         * dearer ones wait for the rows as these moves leave them */
        int64_t worst = cand[0].key + cand[0].key / 2 + 1;
        for (size_t t = 0; t < n_k && v0 > 0 && cand[t].key <= worst; t++) {
            int32_t wi = cand[t].idx;
            wl_rows(d, wi, x, a0);
            wl_rows(d, wi, alt, a1);
            for (int32_t r = 0; r < R; r++)
                ex2[r] = ex[r] - a0[r] + a1[r];
            double v1 = violation(d, ex2);
            if (v1 >= v0 - 1e-9)
                continue;
            memcpy(ex, ex2, sizeof(double) * (size_t)R);
            v0 = v1;
            for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++)
                x[j] = alt[j];
        }
    }
    /* improvement: each workload in turn takes the cheapest (true
     * objective) of three plans that keeps every row: its plan at lam0,
     * its plan with the rows at their limit priced high, and its plan at
     * its own prices; passes repeat until no workload moves */
    double *xt = NULL;
    if (found && !(xt = ga_calloc(nc, sizeof(double)))) {
        rc = -1;
        goto out;
    }
    if (found) {
        for (int32_t r = 0; r < R; r++)
            lam[r] = 0;
        ga_dec_reduced_costs(d, lam);
        for (size_t wi = 0; wi < nw && rc == 0; wi++) {
            double lb;
            int e = ga_dec_price(d, (int32_t)wi, &lb, xt, NULL);
            if (e == -1)
                rc = -1;
            else if (e || lb >= INF_COST)
                memcpy(xt + p->w_c0[wi], xs + p->w_c0[wi], sizeof(double) * (size_t)p->w_nc[wi]);
        }
    }
    for (int pass = 0; found && rc == 0 && pass < 8; pass++) {
        if (deadline > 0 && ga_now_ms() >= deadline)
            break;
        int moved = 0;
        row_excess(d, x, ex);
        for (int32_t r = 0; r < R; r++)
            lam[r] = lam0[r] + (ex[r] > -1e-9 ? 10 * d->rows[r].scale : 0);
        ga_dec_reduced_costs(d, lam);
        for (size_t wi = 0; wi < nw && rc == 0; wi++) {
            double lb;
            int e = ga_dec_price(d, (int32_t)wi, &lb, alt, NULL);
            if (e == -1)
                rc = -1;
            else if (e || lb >= INF_COST)
                memcpy(alt + p->w_c0[wi], x + p->w_c0[wi], sizeof(double) * (size_t)p->w_nc[wi]);
        }
        for (size_t wi = 0; wi < nw && rc == 0; wi++) {
            const double *cands[3] = {xs, alt, xt};
            double cur = wl_obj(d, (int32_t)wi, x);
            int bc = -1;
            double bo = cur - 1e-9 * GA_MAX(1.0, fabs(cur));
            wl_rows(d, (int32_t)wi, x, a0);
            for (int c = 0; c < 3; c++) {
                double o = wl_obj(d, (int32_t)wi, cands[c]);
                if (!(o < bo))
                    continue;
                wl_rows(d, (int32_t)wi, cands[c], a1);
                int ok = 1;
                for (int32_t r = 0; r < R && ok; r++)
                    ok = ex[r] - a0[r] + a1[r] <= 1e-9;
                if (ok) {
                    bo = o;
                    bc = c;
                }
            }
            if (bc < 0)
                continue;
            wl_rows(d, (int32_t)wi, cands[bc], a1);
            for (int32_t r = 0; r < R; r++)
                ex[r] += a1[r] - a0[r];
            for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++)
                x[j] = cands[bc][j];
            moved = 1;
        }
        if (!moved)
            break;
    }
    free(xt);
    if (rc)
        goto out;
    if (found) {
        plan_eval pe;
        if (ga_verify(ctx, p, x, &pe)) {
            rc = -1;
            goto out;
        }
        if (pe.feasible && (!*have || ga_plan_better(p->objective, &pe, ie))) {
            memcpy(inc, x, sizeof(double) * p->n_c);
            *ie = pe;
            *have = 1;
        }
    }
out:
    free(xs);
    free(lam);
    free(ex);
    free(ex2);
    free(a0);
    free(a1);
    free(x);
    free(alt);
    free(rc0);
    free(cand);
    return rc;
}
