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
#include "alloc/cost.h"
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

/* (rate, throughput) pairs, ordered for merging. */
static int cmp_pair(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0])
        return (x[0] > y[0]) - (x[0] < y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* A sum of rates or throughputs on a grid of 1e-9, so that the same sum
 * reached in two orders (0.1 + 0.2 and 0.3) is one level; the MIP's rows
 * hold to 1e-7 and its costs to 1e-6 relative, far above the snap. */
static double snap(double v)
{
    return nearbyint(v * 1e9) / 1e9;
}

/* Sort the n pairs of v and merge equal ones; the new n. */
static size_t merge_pairs(double *v, size_t n)
{
    qsort(v, n, 2 * sizeof(double), cmp_pair);
    size_t k = n ? 1 : 0;
    for (size_t i = 1; i < n; i++) {
        const double *a = v + 2 * (k - 1), *b = v + 2 * i;
        if (b[0] != a[0] || b[1] != a[1]) {
            v[2 * k] = b[0];
            v[2 * k + 1] = b[1];
            k++;
        }
    }
    return k;
}

int ga_level_kind(const prob *p, int32_t wi)
{
    const ga_workload *w = &p->b->spec->w[wi];
    if (w->work_gpu_hours > 0)
        return 1;
    if (!w->same_region)
        return 0;
    for (int32_t g = p->w_g0[wi]; g < p->w_g0[wi] + p->w_ng[wi]; g++)
        if (p->g[g].lam)
            return 1;
    return 0;
}

/* The pairs columns [c0, c0 + nc) reach, appended to *v (n pairs, cap
 * doubles).  0, -1 on allocation failure, -4 past the limit. */
static int reach(const prob *p, const ga_workload *w, int32_t c0, int32_t nc, double **v,
                 size_t *n, size_t *cap)
{
    int work = w->work_gpu_hours > 0;
    size_t b0 = *n, cnt = 1;
    if (ga_grow((void **)v, cap, 2 * (b0 + 1), sizeof(double)))
        return -1;
    (*v)[2 * b0] = (*v)[2 * b0 + 1] = 0;
    for (int32_t j = c0; j < c0 + nc; j++) {
        double lam = p->c[j].lam, t = work ? p->c[j].tput : 0, ub = col_ub(p, (size_t)j);
        if ((!(lam > 0) && !(t > 0)) || ub < 1)
            continue;
        size_t old = cnt;
        for (size_t i = 0; i < old; i++)
            for (double k = 1; k <= ub; k++) {
                double L = snap((*v)[2 * (b0 + i)] + k * lam);
                double T = snap((*v)[2 * (b0 + i) + 1] + k * t);
                if (lam > 0 && ga_gang_factor(L, w->checkpoint_minutes, w->restart_minutes) < 0)
                    break;
                if (cnt >= 8 * (size_t)GA_LEVELS_MAX)
                    return -4;
                if (ga_grow((void **)v, cap, 2 * (b0 + cnt + 1), sizeof(double)))
                    return -1;
                (*v)[2 * (b0 + cnt)] = L;
                (*v)[2 * (b0 + cnt) + 1] = T;
                cnt++;
            }
        cnt = merge_pairs(*v + 2 * b0, cnt);
        if (cnt > GA_LEVELS_MAX)
            return -4;
    }
    *n = b0 + cnt;
    return 0;
}

int ga_levels(const prob *p, int32_t wi, double **lv, int32_t *n)
{
    const ga_workload *w = &p->b->spec->w[wi];
    double *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc = 0;
    *lv = NULL;
    *n = 0;
    if (w->same_region) {
        /* a gang lives in one region: the union of each region's pairs */
        for (int32_t g = p->w_g0[wi]; g < p->w_g0[wi] + p->w_ng[wi] && !rc; g++)
            rc = reach(p, w, p->g[g].c0, p->g[g].nc, &v, &cnt, &cap);
    } else {
        rc = reach(p, w, p->w_c0[wi], p->w_nc[wi], &v, &cnt, &cap);
    }
    if (!rc) {
        cnt = merge_pairs(v, cnt);
        if (w->work_gpu_hours > 0) {
            /* no throughput, no progress; and the deadline */
            size_t k = 0;
            double floor_t = ga_work_floor(w) * (1 - 1e-12);
            for (size_t i = 0; i < cnt; i++)
                if (v[2 * i + 1] > 0 && v[2 * i + 1] >= floor_t) {
                    v[2 * k] = v[2 * i];
                    v[2 * k + 1] = v[2 * i + 1];
                    k++;
                }
            cnt = k;
        }
        if (cnt > GA_LEVELS_MAX)
            rc = -4;
    }
    if (rc) {
        free(v);
        return rc;
    }
    *lv = v;
    *n = (int32_t)cnt;
    return 0;
}

void ga_mipmap_free(mipmap *mm)
{
    free(mm->zcol);
    free(mm->ycol);
    free(mm->nlv);
    free(mm->lv0);
    free(mm->lv);
    mm->zcol = mm->ycol = mm->nlv = mm->lv0 = NULL;
    mm->lv = NULL;
}

/* The levels of every workload ga_level_kind names into mm (nlv[w] = 0
 * elsewhere); *total their sum.  GPUARB_OK, NOMEM, or LIMIT. */
static gpuarb_status map_levels(gpuarb_ctx *ctx, const prob *p, mipmap *mm, size_t *total)
{
    const gpuarb_spec *s = p->b->spec;
    size_t nw = s->n_w ? s->n_w : 1, cap = 0;
    *total = 0;
    mm->ycol = ga_mallocarray(nw, sizeof(int32_t));
    mm->nlv = ga_calloc(nw, sizeof(int32_t));
    mm->lv0 = ga_calloc(nw, sizeof(int32_t));
    if (!mm->ycol || !mm->nlv || !mm->lv0)
        return ga_nomem(ctx);
    for (size_t wi = 0; wi < s->n_w; wi++) {
        mm->ycol[wi] = -1;
        if (!ga_level_kind(p, (int32_t)wi) || p->w_nc[wi] == 0)
            continue;
        double *v;
        int32_t n;
        int rc = ga_levels(p, (int32_t)wi, &v, &n);
        if (rc == -1)
            return ga_nomem(ctx);
        if (rc == -4)
            return ga_error(ctx, GPUARB_ERR_LIMIT, s->source, s->w[wi].line, s->w[wi].col, NULL,
                            "workload '%s' (a gang on spot or a work-based workload) can reach "
                            "more than %d distinct (interruption rate, throughput) levels: too "
                            "many for the MIP that its shared constraints need; narrow its "
                            "offers (gpu, gpus_per_node, max_gpus) or its throughput table",
                            s->w[wi].name, GA_LEVELS_MAX);
        if (n == 0) {
            free(v);
            continue; /* no plan reaches the deadline: the GPU rows say so */
        }
        if (ga_grow((void **)&mm->lv, &cap, 2 * (*total + (size_t)n), sizeof(double))) {
            free(v);
            return ga_nomem(ctx);
        }
        memcpy(mm->lv + 2 * *total, v, 2 * sizeof(double) * (size_t)n);
        free(v);
        mm->lv0[wi] = (int32_t)*total;
        mm->nlv[wi] = n;
        *total += (size_t)n;
    }
    return GPUARB_OK;
}

/* Per dollar of price at level l of workload wi: what the objective pays
 * (horizon hours, or the work's hours) and what the budget counts. */
static double level_obj(const prob *p, const mipmap *mm, int32_t wi, int32_t l)
{
    const ga_workload *w = &p->b->spec->w[wi];
    const double *v = mm->lv + 2 * (size_t)(mm->lv0[wi] + l);
    double f = w->same_region ? ga_gang_factor(v[0], w->checkpoint_minutes, w->restart_minutes)
                              : 1.0;
    return w->work_gpu_hours > 0 ? w->work_gpu_hours * f / v[1] : p->H * f;
}

static double level_rate(const prob *p, const mipmap *mm, int32_t wi, int32_t l)
{
    const ga_workload *w = &p->b->spec->w[wi];
    const double *v = mm->lv + 2 * (size_t)(mm->lv0[wi] + l);
    return w->same_region ? ga_gang_factor(v[0], w->checkpoint_minutes, w->restart_minutes) : 1.0;
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
 * share x T), so they cost O(columns) nonzeros, not providers x columns.
 * A gang with spot columns in a region (SPEC section 2: every instance
 * costs its price / (1 - L (c/2 + r)), L the interruption rates of its spot
 * instances summed) is modelled exactly by the rates L_l it can reach:
 * one binary y_l per level (sum y_l = z, the region's indicator), the
 * rates summed over its spot columns equal to sum L_l y_l, and its list
 * prices P = sum P_l with P_l <= M y_l; P_l costs 1 / (1 - L_l (c/2 + r))
 * per dollar in the objective and the budget, and its x columns nothing. */
gpuarb_status ga_alloc_mip_build(gpuarb_ctx *ctx, const prob *p, int stage, double tfloor,
                                 ga_mip **out, mipmap *mm)
{
    const gpuarb_spec *s = p->b->spec;
    const base *b = p->b;
    gpuarb_status st0 = ga_model_check(ctx, p, stage); /* the memory budget, first */
    if (st0)
        return st0;
    int maximize = p->objective == GA_OBJ_MAX_THROUGHPUT && stage == 0;
    memset(mm, 0, sizeof *mm);
    size_t n_lv = 0;
    gpuarb_status stl = map_levels(ctx, p, mm, &n_lv);
    if (stl) {
        ga_mipmap_free(mm);
        return stl;
    }
    ga_mip *m = ga_mip_new(maximize);
    int32_t *idx = NULL;
    double *val = NULL;
    size_t nn = p->n_c + p->n_g + n_lv + 1;
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
        /* a gang's spot region pays through its P columns */
        double obj = maximize ? c->tput : mm->nlv[c->w] ? 0 : p->H * c->unit;
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
    /* y and P columns: a workload's level and its prices there */
    for (size_t wi = 0; wi < s->n_w; wi++) {
        int32_t nl = mm->nlv[wi];
        if (!nl)
            continue;
        double M = 0;
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++)
            M += col_ub(p, (size_t)j) * p->c[j].unit;
        for (int32_t l = 0; l < nl; l++) {
            snprintf(nm, sizeof nm, "y_w%d_l%d", (int)wi, (int)l);
            int32_t c = ga_mip_add_col(m, 0, 0, 1, 1, nm);
            if (c < 0)
                goto nomem;
            if (l == 0)
                mm->ycol[wi] = c;
        }
        for (int32_t l = 0; l < nl; l++) {
            snprintf(nm, sizeof nm, "P_w%d_l%d", (int)wi, (int)l);
            if (ga_mip_add_col(m, maximize ? 0 : level_obj(p, mm, (int32_t)wi, l), 0, M, 0, nm) <
                0)
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
    /* a workload's level: one (or none, for a gang without GPUs); its
     * spot instances' rates and its throughput sum to the level's; its
     * prices are the level's P, each at most M while its level is chosen */
    for (size_t wi = 0; wi < s->n_w; wi++) {
        const ga_workload *w = &s->w[wi];
        int32_t nl = mm->nlv[wi], y0 = mm->ycol[wi], n = 0;
        int work = w->work_gpu_hours > 0;
        if (!nl) {
            if (work && p->w_nc[wi] > 0) {
                /* no plan meets the deadline: no instance at all */
                for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
                    idx[n] = j;
                    val[n++] = 1;
                }
                snprintf(nm, sizeof nm, "deadline_w%d", (int)wi);
                if (ga_mip_add_row(m, n, idx, val, 0, 0, nm) < 0)
                    goto nomem;
            }
            continue;
        }
        const double *lv = mm->lv + 2 * (size_t)mm->lv0[wi];
        for (int32_t l = 0; l < nl; l++) {
            idx[n] = y0 + l;
            val[n++] = 1;
        }
        snprintf(nm, sizeof nm, "level_w%d", (int)wi);
        if (ga_mip_add_row(m, n, idx, val, work ? 1 : 0, 1, nm) < 0)
            goto nomem;
        for (int pass = 0; pass < 2; pass++) {
            /* pass 0: the gang's spot rates; pass 1: the throughput */
            if (pass == 1 && !work)
                break;
            n = 0;
            for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
                double a = pass ? p->c[j].tput : p->c[j].lam;
                if (a > 0) {
                    idx[n] = j;
                    val[n++] = a;
                }
            }
            if (n == 0)
                continue;
            for (int32_t l = 0; l < nl; l++)
                if (lv[2 * l + pass] != 0) {
                    idx[n] = y0 + l;
                    val[n++] = -lv[2 * l + pass];
                }
            snprintf(nm, sizeof nm, "%s_w%d", pass ? "tput" : "rate", (int)wi);
            if (ga_mip_add_row(m, n, idx, val, 0, 0, nm) < 0)
                goto nomem;
        }
        n = 0;
        double M = 0;
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
            idx[n] = j;
            val[n++] = -p->c[j].unit;
            M += col_ub(p, (size_t)j) * p->c[j].unit;
        }
        for (int32_t l = 0; l < nl; l++) {
            idx[n] = y0 + nl + l;
            val[n++] = 1;
        }
        snprintf(nm, sizeof nm, "price_w%d", (int)wi);
        if (ga_mip_add_row(m, n, idx, val, 0, 0, nm) < 0)
            goto nomem;
        /* work: a plan of throughput T pays between the least and the
         * most price per throughput of its columns times T, which keeps
         * the LP from putting the price on a level it does not choose */
        double rmin = INF_COST, rmax = 0;
        for (int32_t j = p->w_c0[wi]; work && j < p->w_c0[wi] + p->w_nc[wi]; j++) {
            rmin = GA_MIN(rmin, p->c[j].unit / p->c[j].tput);
            rmax = GA_MAX(rmax, p->c[j].unit / p->c[j].tput);
        }
        for (int32_t l = 0; l < nl; l++) {
            int32_t i2[2] = {y0 + nl + l, y0 + l};
            double v2[2] = {1, -(work ? GA_MIN(M, rmax * lv[2 * l + 1]) : M)};
            snprintf(nm, sizeof nm, "plink_w%d_l%d", (int)wi, (int)l);
            if (ga_mip_add_row(m, 2, i2, v2, -GA_INF, 0, nm) < 0)
                goto nomem;
            if (work && rmin > 0) {
                v2[1] = -rmin * lv[2 * l + 1] * (1 - 1e-9);
                snprintf(nm, sizeof nm, "pfloor_w%d_l%d", (int)wi, (int)l);
                if (ga_mip_add_row(m, 2, i2, v2, 0, GA_INF, nm) < 0)
                    goto nomem;
            }
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
        int32_t n = 0;
        for (size_t j = 0; j < p->n_c; j++) {
            if (mm->nlv[p->c[j].w])
                continue; /* paid through the workload's P columns */
            idx[n] = (int32_t)j;
            val[n++] = p->c[j].unit;
        }
        for (size_t wi = 0; wi < s->n_w; wi++)
            for (int32_t l = 0; l < mm->nlv[wi]; l++) {
                idx[n] = mm->ycol[wi] + mm->nlv[wi] + l;
                val[n++] = level_rate(p, mm, (int32_t)wi, l);
            }
        if (ga_mip_add_row(m, n, idx, val, -GA_INF, s->budget_per_hour, "budget") < 0)
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
    ga_mipmap_free(mm);
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
    /* a workload's level: the one its plan's rates and throughput sum to */
    const gpuarb_spec *s = p->b->spec;
    for (size_t wi = 0; wi < s->n_w; wi++) {
        int32_t nl = mm->nlv[wi];
        if (!nl)
            continue;
        double L = 0, T = 0, P = 0;
        int used = 0;
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
            L += x[j] * p->c[j].lam;
            T += x[j] * p->c[j].tput;
            P += x[j] * p->c[j].unit;
            used |= x[j] > 0.5;
        }
        if (!used)
            continue;
        if (s->w[wi].work_gpu_hours <= 0)
            T = 0;
        const double *lv = mm->lv + 2 * (size_t)mm->lv0[wi];
        int32_t lb = 0;
        for (int32_t l = 1; l < nl; l++)
            if (fabs(lv[2 * l] - L) + fabs(lv[2 * l + 1] - T) <
                fabs(lv[2 * lb] - L) + fabs(lv[2 * lb + 1] - T))
                lb = l;
        start[mm->ycol[wi] + lb] = 1;
        start[mm->ycol[wi] + nl + lb] = P;
    }
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
        ga_mipmap_free(&mm);
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
    ga_mipmap_free(&mm);
    return st;
}
