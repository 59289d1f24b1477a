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
#include "alloc/delta.h"
#include "alloc/progress.h"
#include "numeric/lp.h"

/* The largest big-M whose indicator GLPK's integrality tolerance (1e-5)
 * cannot turn into a tenth of a GPU. */
#define GA_BIG_M_SAFE 1e4

/* Upper bound on the instances of column j: the workload's GPU range and
 * the class's capacity. */
static double col_ub(const prob *p, size_t j)
{
    const gcol *c = &p->c[j];
    if (p->col_off && p->col_off[j])
        return 0;
    double ub = ceil((double)p->w_top[c->w] / c->gpc);
    int64_t cap = p->b->cls[c->k].cap;
    if (cap >= 0)
        ub = GA_MIN(ub, (double)cap);
    return ub;
}

/* stage 0: the objective of the spec; stage 1 (max_throughput only): least
 * cost subject to throughput >= tfloor.
 * Rows: GPUs per workload; gang (one region); links x <= M z per region
 * with M the region's own GPU range (the workload's w_top and the region's
 * capacity in GPUs), plus, where M reaches GA_BIG_M_SAFE, x_j <= ub_j z for
 * each capacity-limited column whose own bound is tighter (a region indicator of 1e-6 passes GLPK's
 * integrality tolerance of 1e-5, so M must be as small as the data allow;
 * the verifier catches the rest); shared capacity; budget; the share caps
 * through one total-GPU column T (T = sum of GPUs; GPUs of provider q <=
 * share x T), so they cost O(columns) nonzeros, not providers x columns. */
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
    mm->tcol = -1;
    mm->zcol = ga_mallocarray((p->n_g ? p->n_g : 1), sizeof(int32_t));
    idx = ga_mallocarray(nn, sizeof(int32_t));
    val = ga_mallocarray(nn, sizeof(double));
    if (!m || !mm->zcol || !idx || !val)
        goto nomem;
    char nm[64];
    /* x columns: instance counts */
    for (size_t j = 0; j < p->n_c; j++) {
        const gcol *c = &p->c[j];
        double ub = col_ub(p, j);
        double obj = maximize ? c->tput : p->H * c->unit;
        double launch;
        if (!maximize && ga_delta_col(p, j, &launch) == 0)
            obj += launch; /* delta plans: every instance here is launched */
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
            capg += col_ub(p, (size_t)j) * p->c[j].gpc;
        }
        double M = GA_MAX(1.0, GA_MIN((double)p->w_top[gr->w], capg));
        idx[n] = mm->zcol[g];
        val[n++] = -M;
        snprintf(nm, sizeof nm, "link_w%d_r%d", (int)gr->w, (int)gr->reg);
        if (ga_mip_add_row(m, n, idx, val, -GA_INF, 0, nm) < 0)
            goto nomem;
        /* where M x GLPK's integrality tolerance (1e-5) nears a GPU, a
         * region indicator that rounds to 0 could still carry an instance:
         * there, each capacity-limited column gets its own tighter link
         * (elsewhere they would only slow the LP down) */
        for (int32_t j = gr->c0; j < gr->c0 + gr->nc && M >= GA_BIG_M_SAFE; j++) {
            double ub = col_ub(p, (size_t)j);
            if (b->cls[p->c[j].k].cap < 0 || ub * p->c[j].gpc >= M)
                continue;
            int32_t i2[2] = {j, mm->zcol[g]};
            double v2[2] = {1, -ub};
            snprintf(nm, sizeof nm, "link_w%d_c%d", (int)gr->w, (int)j);
            if (ga_mip_add_row(m, 2, i2, v2, -GA_INF, 0, nm) < 0)
                goto nomem;
        }
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
    /* share caps, in GPUs, against the total T: T - sum gpc x = 0, then
     * gpus(provider q) - share T <= 0 and gpus(spot) - share T <= 0 */
    int pshare = s->max_provider_share >= 0 && s->max_provider_share < 1 && !p->v.drop_pshare;
    int sshare = s->max_spot_share >= 0 && s->max_spot_share < 1 && !p->v.drop_sshare;
    if ((pshare || sshare) && p->n_c) {
        int32_t tcol = ga_mip_add_col(m, 0, 0, GA_INF, 0, "gpus_total");
        if (tcol < 0)
            goto nomem;
        mm->tcol = tcol;
        mm->n_cols = ga_mip_cols(m);
        for (size_t j = 0; j < p->n_c; j++) {
            idx[j] = (int32_t)j;
            val[j] = -p->c[j].gpc;
        }
        idx[p->n_c] = tcol;
        val[p->n_c] = 1;
        if (ga_mip_add_row(m, (int32_t)p->n_c + 1, idx, val, 0, 0, "gpus_total") < 0)
            goto nomem;
        /* per provider: its columns, listed by a counting sort */
        int32_t *start = ga_calloc((size_t)b->n_prov + 1, sizeof(int32_t));
        int32_t *order = ga_mallocarray(p->n_c, sizeof(int32_t));
        if (!start || !order) {
            free(start);
            free(order);
            goto nomem;
        }
        for (size_t j = 0; j < p->n_c; j++)
            start[b->cls[p->c[j].k].prov + 1]++;
        for (int32_t q = 0; q < b->n_prov; q++)
            start[q + 1] += start[q];
        for (size_t j = 0; j < p->n_c; j++)
            order[start[b->cls[p->c[j].k].prov]++] = (int32_t)j;
        for (int32_t q = b->n_prov; q > 0; q--)
            start[q] = start[q - 1];
        start[0] = 0;
        int fail = 0;
        for (int32_t q = 0; pshare && q < b->n_prov && !fail; q++) {
            int32_t n = 0;
            for (int32_t t = start[q]; t < start[q + 1]; t++) {
                idx[n] = order[t];
                val[n++] = p->c[order[t]].gpc;
            }
            if (n == 0)
                continue;
            idx[n] = tcol;
            val[n++] = -s->max_provider_share;
            snprintf(nm, sizeof nm, "share_p%d", (int)q);
            if (ga_mip_add_row(m, n, idx, val, -GA_INF, 0, nm) < 0)
                fail = 1;
        }
        free(start);
        free(order);
        if (fail)
            goto nomem;
        if (sshare) {
            int32_t n = 0;
            for (size_t j = 0; j < p->n_c; j++)
                if (p->c[j].spot) {
                    idx[n] = (int32_t)j;
                    val[n++] = p->c[j].gpc;
                }
            idx[n] = tcol;
            val[n++] = -s->max_spot_share;
            if (n > 1 && ga_mip_add_row(m, n, idx, val, -GA_INF, 0, "spot_share") < 0)
                goto nomem;
        }
    }
    /* delta plans: on a column with instances running, the launched ones
     * are the excess e >= x - running, each at the launch cost (delta.c) */
    mm->e0 = ga_mip_cols(m);
    for (size_t j = 0; j < p->n_c && !maximize && p->b->delta; j++) {
        double launch;
        int64_t running = ga_delta_col(p, j, &launch);
        if (running <= 0 || !(launch > 0))
            continue;
        snprintf(nm, sizeof nm, "launch_%d", (int)j);
        int32_t e = ga_mip_add_col(m, launch, 0, GA_INF, 0, nm);
        int32_t i2[2] = {(int32_t)j, e};
        double v2[2] = {1, -1};
        if (e < 0 || ga_mip_add_row(m, 2, i2, v2, -GA_INF, (double)running, nm) < 0)
            goto nomem;
    }
    mm->n_cols = ga_mip_cols(m);
    /* stage 1: keep the best throughput, minimise cost */
    if (stage == 1) {
        for (size_t j = 0; j < p->n_c; j++) {
            idx[j] = (int32_t)j;
            val[j] = p->c[j].tput;
        }
        /* the floor's slack absorbs rounding, never a whole instance of
         * the slowest column (throughput factors may be as small as 1e-6,
         * so a relative 1e-7 of the total could drop one) */
        double tol = 1e-7 * GA_MAX(1.0, fabs(tfloor));
        for (size_t j = 0; j < p->n_c; j++)
            if (p->c[j].tput > 0)
                tol = GA_MIN(tol, 0.25 * p->c[j].tput);
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
    double total = 0;
    for (size_t j = 0; j < p->n_c; j++) {
        if (x[j] > 0.5 && mm->zcol[p->c[j].grp] >= 0)
            start[mm->zcol[p->c[j].grp]] = 1;
        total += x[j] * p->c[j].gpc;
    }
    if (mm->tcol >= 0)
        start[mm->tcol] = total;
    /* the launch excess columns, in the order mip_build added them */
    int32_t e = mm->e0;
    for (size_t j = 0; j < p->n_c && e < mm->n_cols; j++) {
        double launch;
        int64_t running = ga_delta_col(p, j, &launch);
        if (running <= 0 || !(launch > 0))
            continue;
        start[e++] = GA_MAX(0.0, x[j] - (double)running);
    }
}

gpuarb_status ga_alloc_mip_run(gpuarb_ctx *ctx, const prob *p, int stage, double tfloor,
                               const double *start, double deadline, const ga_tol *tol, sol *out,
                               ga_mip_out *mo)
{
    if (deadline > 0 && ga_now_ms() >= deadline) {
        /* no time left: not even the model is built (GLPK cannot be
         * stopped inside its presolver or its first factorisation) */
        memset(mo, 0, sizeof *mo);
        mo->status = GA_MIP_NOSOLUTION;
        return GPUARB_OK;
    }
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
    /* the model is built: the solver gets what is left (at least 1 ms) */
    double time_ms = deadline > 0 ? GA_MAX(1.0, deadline - ga_now_ms()) : 0;
    ga_mip_opts o;
    memset(&o, 0, sizeof o);
    o.time_limit_ms = time_ms;
    o.mip_gap = tol->rel;
    o.abs_gap = cost_objective ? tol->abs_cost : 0;
    o.cuts = 1;
    o.mem_limit_mib = p->b->lim.mem_bytes / 1048576.0; /* GLPK within the budget */
    if (p->b->lim.prog) {
        /* progress: the objective is the spec's only in stage 0, and the
         * bound is the view's only when the model is not a restriction */
        o.progress = ga_progress_mip;
        o.progress_arg = p->b->lim.prog;
        o.progress_bound = stage == 0 && !p->restricted && !p->col_off && !p->v.reduce;
        o.progress_inc = stage == 0;
    }
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
