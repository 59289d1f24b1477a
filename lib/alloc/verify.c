/*
 * verify.c - the plan verifier: every plan the allocation reports is an
 * integer plan checked here, exactly, against the spec and the view, with
 * figures computed from the catalog offers themselves (prices through
 * cost.c, capacities summed over a class's member offers, egress from the
 * data's place), never from a solver's objective or a column's cached
 * price.  It checks integrality, each workload's GPU count (min, max, exact),
 * GPU model, memory and gpus_per_node, the market (spot rule, the view's
 * on-demand restriction), the provider and region globs, a gang's single
 * (provider, region) or, with same_zone, its single zone, a gang's cost by
 * SPEC section 2's gang formula (its spot instances' rates summed, every
 * instance's list price divided by 1 - L (c/2 + r), a denominator <= 0.1
 * not allowed), a work-based workload's cost for the hours its work takes
 * (work / throughput, within its deadline), capacities summed over
 * workloads, the budget (every workload's rate at once) and both
 * share caps counted in GPUs.  It also repairs the one defect a solver's
 * tolerances can leave in an integer plan: a gang spread over two regions
 * (a region indicator of 1e-6 counts as 0 for an integrality tolerance of
 * 1e-5), by keeping its best single region, and a budget or cap met only
 * within the solver's feasibility tolerance, by the best plan one instance
 * smaller.  Wraps no dependency.
 * Statuses: GPUARB_OK (whatever the verdict), GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "alloc/delta.h"
#include "alloc/cost.h"
#include "catalog/catalog.h"

/* Instances a plan value stands for; -1 if it is not a non-negative
 * integer (a solver's 2.9999999 is rounded by the caller, not here). */
static int64_t count_of(double v)
{
    if (!isfinite(v) || v < -1e-9 || v > 1e15)
        return -1;
    double r = floor(v + 0.5);
    if (fabs(v - r) > 1e-9)
        return -1;
    return (int64_t)r;
}

/* Capacity of class k from its member offers: -1 if any is unlimited. */
static int64_t class_capacity(const base *b, size_t k)
{
    const oclass *cl = &b->cls[k];
    int64_t sum = 0;
    for (int32_t m = 0; m < cl->n_members; m++) {
        int64_t c = b->cat->v[b->members[cl->first_member + m]].capacity;
        if (c < 0)
            return -1;
        sum += c;
    }
    return sum;
}

gpuarb_status ga_verify(gpuarb_ctx *ctx, const prob *p, const double *x, plan_eval *e)
{
    const base *b = p->b;
    const gpuarb_spec *s = b->spec;
    const view *v = &p->v;
    memset(e, 0, sizeof *e);
    e->feasible = 1;
    size_t nw = s->n_w;
    int64_t spot_gpus = 0, all_gpus = 0;
    int64_t *prov_gpus = ga_calloc((size_t)(b->n_prov ? b->n_prov : 1), sizeof(int64_t));
    int64_t *used = ga_calloc(b->n_cls ? b->n_cls : 1, sizeof(int64_t));
    int64_t *gpus = ga_calloc(nw ? nw : 1, sizeof(int64_t));
    /* per workload: its first region used, and whether it used another */
    int32_t *reg1 = ga_mallocarray(nw ? nw : 1, sizeof(int32_t));
    unsigned char *multi = ga_calloc(nw ? nw : 1, 1);
    /* (workload, region) pairs that pay egress, once each */
    unsigned char *paid = ga_calloc((nw ? nw : 1) * (size_t)(b->n_reg ? b->n_reg : 1), 1);
    /* per gang: its spot instances' interruption rates summed, its list
     * prices summed, its first zone */
    double *glam = ga_calloc(nw ? nw : 1, sizeof(double));
    double *gprice = ga_calloc(nw ? nw : 1, sizeof(double));
    double *gtput = ga_calloc(nw ? nw : 1, sizeof(double));
    int32_t *zone1 = ga_mallocarray(nw ? nw : 1, sizeof(int32_t));
    if (!prov_gpus || !used || !gpus || !reg1 || !multi || !paid || !glam || !gprice || !zone1 ||
        !gtput) {
        free(gtput);
        free(glam);
        free(gprice);
        free(zone1);
        free(prov_gpus);
        free(used);
        free(gpus);
        free(reg1);
        free(multi);
        free(paid);
        memset(e, 0, sizeof *e);
        return ga_nomem(ctx);
    }
    for (size_t wi = 0; wi < nw; wi++)
        reg1[wi] = zone1[wi] = -1;
    for (size_t j = 0; j < p->n_c; j++) {
        int64_t n = count_of(x[j]);
        if (n < 0) {
            e->feasible = 0;
            continue;
        }
        if (n == 0)
            continue;
        const gcol *c = &p->c[j];
        const oclass *cl = &b->cls[c->k];
        const ga_workload *w = &s->w[c->w];
        const ga_offer *o = &b->cat->v[cl->rep];
        /* what the workload and the view accept, from the offer itself */
        if (!ga_model_ok(w, o) || !ga_globs_allow(&s->providers, o->provider) ||
            !ga_globs_allow(&s->regions, o->region) ||
            (v->only_prov >= 0 && cl->prov != v->only_prov) ||
            (c->spot && (w->spot == GA_SPOT_NEVER || v->ondemand_only)) ||
            (!c->spot && w->spot == GA_SPOT_ONLY))
            e->feasible = 0;
        double unit = ga_unit_cost(w, o, c->spot);
        if (unit < 0) {
            e->feasible = 0;
            unit = 0;
        }
        int64_t g = n * o->gpu_count;
        if (w->same_region) {
            /* a gang: SPEC section 2's formula over the whole gang, below */
            gprice[c->w] += (double)n * (c->spot ? o->spot : o->price);
            if (c->spot)
                glam[c->w] += (double)n * o->rate;
        } else {
            gprice[c->w] += (double)n * unit;
        }
        gtput[c->w] += (double)g * ga_workload_tput(w, o->gpu);
        if (w->same_zone) {
            if (zone1[c->w] < 0)
                zone1[c->w] = cl->zone;
            else if (zone1[c->w] != cl->zone)
                multi[c->w] = 1;
        }
        e->tput += (double)g * ga_workload_tput(w, o->gpu);
        prov_gpus[cl->prov] += g;
        if (c->spot)
            spot_gpus += g;
        all_gpus += g;
        gpus[c->w] += g;
        if (v->drop_capshare) {
            /* relaxed: each column alone within its class's capacity */
            int64_t cap = class_capacity(b, (size_t)c->k);
            if (cap >= 0 && n > cap)
                e->feasible = 0;
        }
        used[c->k] += n;
        if (reg1[c->w] < 0)
            reg1[c->w] = cl->reg;
        else if (reg1[c->w] != cl->reg)
            multi[c->w] = 1;
        size_t pr = (size_t)c->w * (size_t)b->n_reg + (size_t)cl->reg;
        if (!paid[pr]) {
            paid[pr] = 1;
            if (w->has_data)
                e->egress += ga_egress(w->data_provider, w->data_region, w->data_gb, o->provider,
                                       o->region, s->egress_same, s->egress_other);
        }
    }
    double cph_h = 0; /* per hour, of the workloads paid by the horizon */
    for (size_t wi = 0; wi < nw; wi++) {
        const ga_workload *w = &s->w[wi];
        double f = 1;
        if (w->same_region) {
            f = ga_gang_factor(glam[wi], w->checkpoint_minutes, w->restart_minutes);
            if (f < 0) {
                e->feasible = 0; /* the gang's denominator is <= 0.1 */
                f = 1;
            }
        }
        double rate = gprice[wi] * f;
        e->cph += rate;
        if (!(w->work_gpu_hours > 0)) {
            cph_h += rate;
            continue;
        }
        /* work: it runs work / T hours at this rate, within the deadline */
        if (!(gtput[wi] > 0) || gtput[wi] < ga_work_floor(w) * (1 - 1e-9)) {
            e->feasible = 0;
            continue;
        }
        e->work += w->work_gpu_hours * rate / gtput[wi];
    }
    e->churn = ga_delta_churn(p, x); /* delta plans: launches (delta.c) */
    e->total = p->H * cph_h + e->work + e->egress + e->churn;
    for (size_t wi = 0; wi < nw; wi++) {
        const ga_workload *w = &s->w[wi];
        if (gpus[wi] < w->min_gpus || (w->max_gpus >= 0 && gpus[wi] > w->max_gpus))
            e->feasible = 0;
        if (w->same_region && multi[wi])
            e->feasible = 0;
    }
    if (!v->drop_capshare)
        for (size_t k = 0; k < b->n_cls; k++) {
            int64_t cap = used[k] ? class_capacity(b, k) : -1;
            if (cap >= 0 && used[k] > cap)
                e->feasible = 0;
        }
    /* the budget is a sum of prices: 1e-9 relative absorbs its rounding */
    if (s->budget_per_hour >= 0 && !v->drop_budget &&
        e->cph > s->budget_per_hour + 1e-9 * GA_MAX(1.0, e->cph))
        e->feasible = 0;
    /* GPU counts are integers: the tolerance only absorbs the rounding of
     * share x GPUs (0.6 x 10 may be 5.9999999) */
    double gtol = 1e-9 * GA_MAX(1.0, (double)all_gpus);
    if (s->max_provider_share >= 0 && !v->drop_pshare)
        for (int32_t q = 0; q < b->n_prov; q++)
            if ((double)prov_gpus[q] > s->max_provider_share * (double)all_gpus + gtol)
                e->feasible = 0;
    if (s->max_spot_share >= 0 && !v->drop_sshare &&
        (double)spot_gpus > s->max_spot_share * (double)all_gpus + gtol)
        e->feasible = 0;
    free(gtput);
    free(glam);
    free(gprice);
    free(zone1);
    free(prov_gpus);
    free(used);
    free(gpus);
    free(reg1);
    free(multi);
    free(paid);
    return GPUARB_OK;
}

/* 1 if plan a beats plan b under the view's objective. */
static int better(const prob *p, const plan_eval *a, const plan_eval *b)
{
    if (p->objective == GA_OBJ_MAX_THROUGHPUT) {
        if (a->tput > b->tput + 1e-9 * GA_MAX(1.0, b->tput))
            return 1;
        if (a->tput < b->tput - 1e-9 * GA_MAX(1.0, b->tput))
            return 0;
    }
    return a->total < b->total - 1e-9 * GA_MAX(1.0, b->total);
}

gpuarb_status ga_repair(gpuarb_ctx *ctx, const prob *p, double *x, plan_eval *e)
{
    gpuarb_status st = ga_verify(ctx, p, x, e);
    if (st || e->feasible)
        return st;
    const gpuarb_spec *s = p->b->spec;
    double *y = ga_mallocarray(p->n_c ? p->n_c : 1, sizeof(double));
    double *best = ga_mallocarray(p->n_c ? p->n_c : 1, sizeof(double));
    if (!y || !best) {
        free(y);
        free(best);
        return ga_nomem(ctx);
    }
    /* each gang spread over regions keeps the one region that gives the
     * best plan (feasible first), the other gangs as they are */
    for (size_t wi = 0; wi < s->n_w && !st; wi++) {
        if (!s->w[wi].same_region)
            continue;
        int32_t g0 = p->w_g0[wi], ng = p->w_ng[wi], n_used = 0;
        for (int32_t g = g0; g < g0 + ng; g++)
            for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++)
                if (x[j] > 0.5) {
                    n_used++;
                    break;
                }
        if (n_used < 2)
            continue;
        plan_eval be;
        memset(&be, 0, sizeof be);
        int have = 0;
        for (int32_t keep = g0; keep < g0 + ng && !st; keep++) {
            int any = 0;
            memcpy(y, x, sizeof(double) * p->n_c);
            for (int32_t g = g0; g < g0 + ng; g++)
                for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++) {
                    if (g != keep)
                        y[j] = 0;
                    else
                        any |= x[j] > 0.5;
                }
            if (!any)
                continue;
            plan_eval ye;
            if ((st = ga_verify(ctx, p, y, &ye)))
                break;
            if (!have || (ye.feasible && !be.feasible) ||
                (ye.feasible == be.feasible && better(p, &ye, &be))) {
                have = 1;
                be = ye;
                memcpy(best, y, sizeof(double) * p->n_c);
            }
        }
        if (have && !st)
            memcpy(x, best, sizeof(double) * p->n_c);
    }
    /* still infeasible (a budget or cap met only within the solver's
     * tolerance): the best plan one instance smaller, if any is feasible */
    if (!st && (st = ga_verify(ctx, p, x, e)) == GPUARB_OK && !e->feasible) {
        int have = 0;
        plan_eval be;
        memset(&be, 0, sizeof be);
        for (size_t j = 0; j < p->n_c && !st; j++) {
            if (!(x[j] >= 0.5))
                continue;
            memcpy(y, x, sizeof(double) * p->n_c);
            y[j] = floor(x[j] + 0.5) - 1;
            plan_eval ye;
            if ((st = ga_verify(ctx, p, y, &ye)))
                break;
            if (ye.feasible && (!have || better(p, &ye, &be))) {
                have = 1;
                be = ye;
                memcpy(best, y, sizeof(double) * p->n_c);
            }
        }
        if (have && !st)
            memcpy(x, best, sizeof(double) * p->n_c);
    }
    free(y);
    free(best);
    if (st)
        return st;
    return ga_verify(ctx, p, x, e);
}

int ga_plan_better(int32_t objective, const plan_eval *a, const plan_eval *b)
{
    if (objective == GA_OBJ_MAX_THROUGHPUT) {
        double t = 1e-9 * GA_MAX(1.0, fabs(b->tput));
        if (a->tput > b->tput + t)
            return 1;
        if (a->tput < b->tput - t)
            return 0;
    }
    return a->total < b->total - 1e-9 * GA_MAX(1.0, fabs(b->total));
}
