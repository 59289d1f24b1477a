/*
 * mip.c - step 4 of the allocation pipeline: the MIP of one view (instance
 * counts, region indicators where egress or a gang needs them, GPU counts,
 * gangs, links, shared capacity, budget, the share caps in GPUs, and the
 * throughput floor of max_throughput's second stage) and one run of it,
 * started from a plan when one is given.  Wraps GLPK through lp.h only.
 * Invariants: the rows are built from the view alone; the integer plan is
 * rounded from the solver's values, never its objective.  Statuses:
 * GPUARB_OK (any solve outcome), GPUARB_ERR_NOMEM, GPUARB_ERR_SOLVER.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "numeric/lp.h"

/* stage 0: the objective of the spec; stage 1 (max_throughput only): least
 * cost subject to throughput >= tfloor. */
gpuarb_status ga_alloc_mip_build(gpuarb_ctx *ctx, const prob *p, int stage, double tfloor,
                                 ga_mip **out, mipmap *mm)
{
    const gpuarb_spec *s = p->b->spec;
    const base *b = p->b;
    gpuarb_status st0 = ga_model_check(ctx, p, stage); /* the memory budget, first */
    if (st0)
        return st0;
    int maximize = p->objective == GA_OBJ_MAX_THROUGHPUT && stage == 0;
    ga_mip *m = ga_mip_new(maximize);
    int32_t *idx = NULL;
    double *val = NULL;
    size_t nn = p->n_c + p->n_g + 1;
    mm->zcol = ga_mallocarray((p->n_g ? p->n_g : 1), sizeof(int32_t));
    idx = ga_mallocarray(nn, sizeof(int32_t));
    val = ga_mallocarray(nn, sizeof(double));
    if (!m || !mm->zcol || !idx || !val)
        goto nomem;
    char nm[64];
    /* x columns: instance counts */
    for (size_t j = 0; j < p->n_c; j++) {
        const gcol *c = &p->c[j];
        double ub = ceil((double)p->w_top[c->w] / c->gpc);
        if (b->cls[c->k].cap >= 0)
            ub = GA_MIN(ub, (double)b->cls[c->k].cap);
        double obj = maximize ? c->tput : p->H * c->unit;
        snprintf(nm, sizeof nm, "x_w%d_o%d_%s", (int)c->w, (int)b->cls[c->k].rep,
                 c->spot ? "spot" : "od");
        if (ga_mip_add_col(m, obj, 0, ub, 1, nm) != (int32_t)j)
            goto nomem;
    }
    /* z columns: region used, where it matters (egress or a gang) */
    for (size_t g = 0; g < p->n_g; g++) {
        const ggrp *gr = &p->g[g];
        mm->zcol[g] = -1;
        if (gr->egress > 0 || s->w[gr->w].same_region) {
            snprintf(nm, sizeof nm, "z_w%d_r%d", (int)gr->w, (int)gr->reg);
            mm->zcol[g] = ga_mip_add_col(m, maximize ? 0 : gr->egress, 0, 1, 1, nm);
            if (mm->zcol[g] < 0)
                goto nomem;
        }
    }
    mm->n_cols = ga_mip_cols(m);
    /* GPU count per workload */
    for (size_t wi = 0; wi < s->n_w; wi++) {
        const ga_workload *w = &s->w[wi];
        int32_t n = 0;
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
            idx[n] = j;
            val[n++] = p->c[j].gpc;
        }
        double hi = w->max_gpus >= 0 ? w->max_gpus : GA_INF;
        snprintf(nm, sizeof nm, "gpus_w%d", (int)wi);
        if (ga_mip_add_row(m, n, idx, val, w->min_gpus, hi, nm) < 0)
            goto nomem;
        /* gang: one region */
        if (w->same_region && p->w_ng[wi] > 0) {
            n = 0;
            for (int32_t g = p->w_g0[wi]; g < p->w_g0[wi] + p->w_ng[wi]; g++) {
                idx[n] = mm->zcol[g];
                val[n++] = 1;
            }
            snprintf(nm, sizeof nm, "gang_w%d", (int)wi);
            if (ga_mip_add_row(m, n, idx, val, w->min_gpus > 0 ? 1 : 0, 1, nm) < 0)
                goto nomem;
        }
    }
    /* link: GPUs in a region only if the region is used */
    for (size_t g = 0; g < p->n_g; g++) {
        const ggrp *gr = &p->g[g];
        if (mm->zcol[g] < 0)
            continue;
        int32_t n = 0;
        double capg = 0;
        for (int32_t j = gr->c0; j < gr->c0 + gr->nc; j++) {
            idx[n] = j;
            val[n++] = p->c[j].gpc;
            int64_t cap = b->cls[p->c[j].k].cap;
            capg += cap >= 0 ? (double)cap * p->c[j].gpc : 1e18;
        }
        double M = GA_MIN((double)p->w_top[gr->w], capg);
        idx[n] = mm->zcol[g];
        val[n++] = -M;
        snprintf(nm, sizeof nm, "link_w%d_r%d", (int)gr->w, (int)gr->reg);
        if (ga_mip_add_row(m, n, idx, val, -GA_INF, 0, nm) < 0)
            goto nomem;
    }
    /* capacity shared across workloads */
    {
        int32_t *first = ga_mallocarray((b->n_cls ? b->n_cls : 1), sizeof(int32_t));
        int32_t *cnt = ga_calloc(b->n_cls ? b->n_cls : 1, sizeof(int32_t));
        int32_t *next = ga_mallocarray((p->n_c ? p->n_c : 1), sizeof(int32_t));
        if (!first || !cnt || !next) {
            free(first);
            free(cnt);
            free(next);
            goto nomem;
        }
        for (size_t k = 0; k < b->n_cls; k++)
            first[k] = -1;
        for (size_t j = p->n_c; j-- > 0;) {
            int32_t k = p->c[j].k;
            next[j] = first[k];
            first[k] = (int32_t)j;
            cnt[k]++;
        }
        int fail = 0;
        for (size_t k = 0; k < b->n_cls && !fail; k++) {
            if (b->cls[k].cap < 0 || cnt[k] < 2 || p->v.drop_capshare)
                continue;
            int32_t n = 0;
            for (int32_t j = first[k]; j >= 0; j = next[j]) {
                idx[n] = j;
                val[n++] = 1;
            }
            snprintf(nm, sizeof nm, "cap_o%d", (int)b->cls[k].rep);
            if (ga_mip_add_row(m, n, idx, val, -GA_INF, (double)b->cls[k].cap, nm) < 0)
                fail = 1;
        }
        free(first);
        free(cnt);
        free(next);
        if (fail)
            goto nomem;
    }
    /* budget */
    if (s->budget_per_hour >= 0 && !p->v.drop_budget && p->n_c) {
        for (size_t j = 0; j < p->n_c; j++) {
            idx[j] = (int32_t)j;
            val[j] = p->c[j].unit;
        }
        if (ga_mip_add_row(m, (int32_t)p->n_c, idx, val, -GA_INF, s->budget_per_hour, "budget") < 0)
            goto nomem;
    }
    /* provider share, in GPUs: gpus(p) - share * gpus(all) <= 0 */
    if (s->max_provider_share >= 0 && s->max_provider_share < 1 && !p->v.drop_pshare && p->n_c) {
        double sh = s->max_provider_share;
        unsigned char *present = ga_calloc((size_t)(b->n_prov ? b->n_prov : 1), 1);
        if (!present)
            goto nomem;
        for (size_t j = 0; j < p->n_c; j++)
            present[b->cls[p->c[j].k].prov] = 1;
        for (int32_t q = 0; q < b->n_prov; q++) {
            if (!present[q])
                continue;
            for (size_t j = 0; j < p->n_c; j++) {
                idx[j] = (int32_t)j;
                val[j] = (b->cls[p->c[j].k].prov == q ? 1 - sh : -sh) * p->c[j].gpc;
            }
            snprintf(nm, sizeof nm, "share_p%d", (int)q);
            if (ga_mip_add_row(m, (int32_t)p->n_c, idx, val, -GA_INF, 0, nm) < 0) {
                free(present);
                goto nomem;
            }
        }
        free(present);
    }
    /* spot share, in GPUs: gpus(spot) - share * gpus(all) <= 0 */
    if (s->max_spot_share >= 0 && s->max_spot_share < 1 && !p->v.drop_sshare && p->n_c) {
        double sh = s->max_spot_share;
        int32_t n = 0;
        int any_spot = 0;
        for (size_t j = 0; j < p->n_c; j++) {
            idx[n] = (int32_t)j;
            val[n++] = (p->c[j].spot ? 1 - sh : -sh) * p->c[j].gpc;
            any_spot |= p->c[j].spot;
        }
        if (any_spot && ga_mip_add_row(m, n, idx, val, -GA_INF, 0, "spot_share") < 0)
            goto nomem;
    }
    /* stage 1: keep the best throughput, minimise cost */
    if (stage == 1) {
        for (size_t j = 0; j < p->n_c; j++) {
            idx[j] = (int32_t)j;
            val[j] = p->c[j].tput;
        }
        double tol = 1e-7 * GA_MAX(1.0, fabs(tfloor));
        if (ga_mip_add_row(m, (int32_t)p->n_c, idx, val, tfloor - tol, GA_INF, "throughput_floor") < 0)
            goto nomem;
    }
    free(idx);
    free(val);
    *out = m;
    return GPUARB_OK;
nomem:
    free(idx);
    free(val);
    ga_mip_free(m);
    free(mm->zcol);
    mm->zcol = NULL;
    return ga_nomem(ctx);
}

/* Fill the z part of a MIP start from the x part. */
static void start_with_z(const prob *p, const mipmap *mm, const double *x, double *start)
{
    memcpy(start, x, sizeof(double) * p->n_c);
    for (int32_t j = (int32_t)p->n_c; j < mm->n_cols; j++)
        start[j] = 0;
    for (size_t j = 0; j < p->n_c; j++)
        if (x[j] > 0.5 && mm->zcol[p->c[j].grp] >= 0)
            start[mm->zcol[p->c[j].grp]] = 1;
}

gpuarb_status ga_alloc_mip_run(gpuarb_ctx *ctx, const prob *p, int stage, double tfloor,
                               const double *start, double time_ms, const ga_tol *tol, sol *out,
                               ga_mip_out *mo)
{
    ga_mip *m = NULL;
    mipmap mm = {0};
    gpuarb_status st = ga_alloc_mip_build(ctx, p, stage, tfloor, &m, &mm);
    if (st)
        return st;
    out->mip_cols = ga_mip_cols(m);
    out->mip_rows = ga_mip_rows(m);
    double *xx = ga_calloc((size_t)mm.n_cols + 1, sizeof(double));
    if (!xx) {
        ga_mip_free(m);
        free(mm.zcol);
        return ga_nomem(ctx);
    }
    if (start) {
        start_with_z(p, &mm, start, xx);
        ga_mip_set_start(m, xx);
    }
    int cost_objective = p->objective == GA_OBJ_MIN_COST || stage == 1;
    ga_mip_opts o = {time_ms, tol->rel, cost_objective ? tol->abs_cost : 0, 1};
    mo->x = xx;
    st = ga_mip_solve(ctx, m, &o, mo);
    if (!st && (mo->status == GA_MIP_OPTIMAL || mo->status == GA_MIP_FEASIBLE))
        for (size_t j = 0; j < p->n_c; j++)
            out->x[j] = floor(xx[j] + 0.5);
    out->nodes += mo->nodes;
    free(xx);
    mo->x = NULL;
    ga_mip_free(m);
    free(mm.zcol);
    return st;
}
