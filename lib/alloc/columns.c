/*
 * columns.c - step 2 of the allocation pipeline: the columns of one view
 * (class x market a workload may use, priced by cost.c), grouped by region
 * where a region ties the workload (gang or egress), reduced before the
 * model is materialised: dominated columns dropped (across providers
 * without share caps, within each provider and market with them: both
 * exact), shapes larger than max_gpus dropped, gang regions that can never
 * win pruned (under caps only for a region of the same provider); the
 * memory estimate of the view's MIP against the budget; and the evaluation
 * of an integer plan against every constraint of the view (GPU counts,
 * gangs, capacity, budget, and the share caps, which count GPUs).  Wraps no
 * dependency.  Invariants: a workload's columns are contiguous and each
 * group's are too; the problem borrows the base.  Statuses: GPUARB_OK,
 * GPUARB_ERR_NOMEM, GPUARB_ERR_LIMIT (ga_model_check).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "alloc/cost.h"
#include "catalog/catalog.h"

void ga_prob_free(prob *p)
{
    free(p->c);
    free(p->g);
    free(p->w_c0);
    free(p->w_nc);
    free(p->w_g0);
    free(p->w_ng);
    free(p->w_top);
    memset(p, 0, sizeof *p);
}

int ga_model_ok(const ga_workload *w, const ga_offer *o)
{
    if (w->n_models) {
        size_t i;
        for (i = 0; i < w->n_models; i++)
            if (w->models[i] == o->gpu)
                break;
        if (i == w->n_models)
            return 0;
    }
    if (w->min_gpu_memory_gb > 0 && o->gpu_memory_gb + 1e-9 < w->min_gpu_memory_gb)
        return 0;
    if (w->gpus_per_node > 0 && o->gpu_count != w->gpus_per_node)
        return 0;
    return 1;
}

/* Per-instance per-hour cost of offer o for workload w in a market; -1 if
 * that market cannot be used. */
double ga_unit_cost(const ga_workload *w, const ga_offer *o, int spot)
{
    if (!spot)
        return o->price >= 0 ? o->price : -1;
    if (o->spot < 0)
        return -1;
    return ga_spot_cost(o->spot, o->rate, w->checkpoint_minutes, w->restart_minutes);
}

double ga_work_floor(const ga_workload *w)
{
    return w->work_gpu_hours > 0 && w->deadline_hours > 0 ? w->work_gpu_hours / w->deadline_hours
                                                          : 0;
}

/* Append a column; -1 on allocation failure, -2 when the columns alone
 * (doubled by the growth) would take half the memory budget: a model
 * that size is past the budget whatever solves it. */
static int push_col(prob *p, const gcol *c)
{
    if (p->n_c == p->cap_c && p->b->lim.mem_bytes > 0 &&
        2.0 * (double)(p->n_c + 1) * sizeof *c > p->b->lim.mem_bytes / 2)
        return -2;
    if (ga_grow((void **)&p->c, &p->cap_c, p->n_c + 1, sizeof *c))
        return -1;
    p->c[p->n_c++] = *c;
    return 0;
}

/* Drop the columns of [c0, c0+nc) that a cheaper unlimited column makes
 * useless.  Column a dominates column b when a is unlimited, has the same
 * market and the same speed (throughput per GPU), gpc(a) divides gpc(b),
 * and m * unit(a) <= unit(b) with m = gpc(b) / gpc(a).
 *
 * Claim: when every column of the range is interchangeable for the
 * constraints that see it, dropping every dominated column leaves the
 * optimum unchanged.  Proof: take an optimal plan x that uses b.  Move
 * x_b instances of b to m * x_b more instances of a (if a is dropped too,
 * follow the chain to its last link: the smallest dominating shape is
 * never dominated itself, and m multiplies along the chain).  Then
 *   - the workload's GPU count is unchanged (m * gpc(a) = gpc(b)), so its
 *     minimum, maximum and the link rows still hold;
 *   - capacity: a is unlimited and b's use only shrinks;
 *   - cost per hour does not rise, so the objective (min_cost) and the
 *     budget row hold; throughput is unchanged (same speed, same GPUs),
 *     so the max_throughput objective and its throughput floor hold;
 *   - the spot share: same market, same GPUs;
 *   - the provider share: unchanged when a has b's provider, which "by_prov"
 *     demands, and is always so within one region group (a region belongs
 *     to one provider), where the gang and egress rows are unchanged too.
 * So the new plan is feasible and no worse.  Without by_prov, a workload no
 * region ties may move GPUs to another provider: exact only when no
 * provider cap is active (or when the view asks for a restriction).
 *
 * Sorts by (provider if by_prov, market, speed, GPU count, unit) and keeps,
 * per GPU count, the columns up to the first unlimited one; then drops
 * those a smaller divisor beats.  Returns the new column count (kept
 * columns stay in their original order). */
typedef struct domkey {
    int32_t prov, spot, gpc, idx, unlimited;
    double run_speed;     /* the speed when runs must share it, else 0 */
    double lam;           /* a gang's interruption rate per instance: runs
                             share it */
    double speed, unit;
} domkey;

static int cmp_domkey(const void *x, const void *y)
{
    const domkey *a = x, *b = y;
    if (a->prov != b->prov)
        return a->prov - b->prov;
    if (a->spot != b->spot)
        return a->spot - b->spot;
    if (a->run_speed != b->run_speed)
        return a->run_speed < b->run_speed ? -1 : 1;
    if (a->lam != b->lam)
        return a->lam < b->lam ? -1 : 1;
    if (a->gpc != b->gpc)
        return a->gpc - b->gpc;
    if (a->unit != b->unit)
        return a->unit < b->unit ? -1 : 1;
    if (a->speed != b->speed)
        return a->speed > b->speed ? -1 : 1; /* faster first among equals */
    if (a->unlimited != b->unlimited)
        return b->unlimited - a->unlimited; /* unlimited first among equals */
    return a->idx - b->idx;
}

/* by_prov: see above.  any_speed (min_cost, where throughput is only
 * reported): a may also be slower than b when it is strictly cheaper (then
 * b is in no optimal plan at all); at equal cost a must be at least as
 * fast, so a tie never trades throughput away. */
static int32_t drop_dominated(prob *p, int32_t c0, int32_t nc, int by_prov, int any_speed)
{
    if (nc < 2 || p->b->delta)
        return nc; /* delta plans: a running column beats a cheaper one */
    gcol *c = p->c + c0;
    const base *b = p->b;
    domkey *d = ga_mallocarray((size_t)nc, sizeof(domkey));
    unsigned char *dead = ga_calloc((size_t)nc, 1);
    if (!d || !dead) {
        free(d);
        free(dead);
        return nc; /* reduction is optional */
    }
    for (int32_t i = 0; i < nc; i++) {
        d[i].prov = by_prov ? b->cls[c[i].k].prov : 0;
        d[i].spot = c[i].spot;
        d[i].gpc = c[i].gpc;
        d[i].idx = i;
        d[i].unlimited = b->cls[c[i].k].cap < 0;
        d[i].speed = c[i].tput / c[i].gpc;
        d[i].run_speed = any_speed ? 0 : d[i].speed;
        d[i].lam = c[i].lam;
        d[i].unit = c[i].unit;
    }
    qsort(d, (size_t)nc, sizeof *d, cmp_domkey);
    /* best unlimited unit (and its speed) per GPU count within each run */
    int32_t gpcs[32];
    double best[32], bspeed[32];
    for (int32_t i = 0; i < nc;) {
        int32_t j = i, ng = 0;
        while (j < nc && d[j].prov == d[i].prov && d[j].spot == d[i].spot &&
               d[j].run_speed == d[i].run_speed && d[j].lam == d[i].lam)
            j++;
        /* runs of equal gpc inside [i, j): cheapest, then fastest, first;
         * everything after the first unlimited column is dearer, or as
         * dear and no faster */
        for (int32_t t = i; t < j;) {
            int32_t u = t, seen_unlimited = 0;
            double bu = -1, bs = 0;
            while (u < j && d[u].gpc == d[t].gpc) {
                if (seen_unlimited)
                    dead[d[u].idx] = 1;
                else if (d[u].unlimited) {
                    seen_unlimited = 1;
                    bu = d[u].unit;
                    bs = d[u].speed;
                }
                u++;
            }
            if (bu >= 0 && ng < 32) {
                gpcs[ng] = d[t].gpc;
                bspeed[ng] = bs;
                best[ng++] = bu;
            }
            t = u;
        }
        /* a smaller unlimited shape whose copies are no dearer (and no
         * slower), or strictly cheaper; never in a gang on spot, where m
         * copies add m times the interruption rate of one (SPEC section
         * 2's gang formula) */
        for (int32_t t = i; t < j && d[i].lam == 0; t++) {
            if (dead[d[t].idx])
                continue;
            for (int32_t q = 0; q < ng; q++) {
                if (gpcs[q] >= d[t].gpc || d[t].gpc % gpcs[q] != 0)
                    continue;
                double copies = (double)(d[t].gpc / gpcs[q]) * best[q];
                if ((bspeed[q] >= d[t].speed && copies <= d[t].unit + 1e-12) ||
                    copies < d[t].unit) {
                    dead[d[t].idx] = 1;
                    break;
                }
            }
        }
        i = j;
    }
    int32_t k = 0;
    for (int32_t i = 0; i < nc; i++)
        if (!dead[i])
            c[k++] = c[i];
    free(d);
    free(dead);
    return k;
}

/* Close the group of workload wi holding columns [gstart, p->n_c): reduce
 * it (reduce: 0 not at all, 1 within each provider, 2 across providers;
 * see drop_dominated), then record it (reg -1: a workload no region ties). */
static int close_group(prob *p, int32_t wi, int32_t reg, int32_t gstart, int reduce)
{
    const base *b = p->b;
    const gpuarb_spec *s = b->spec;
    const ga_workload *w = &s->w[wi];
    int32_t nc = (int32_t)p->n_c - gstart;
    if (nc <= 0)
        return 0;
    /* a work-based workload pays by speed: a slower column never
     * dominates a faster one there */
    if (reduce)
        nc = drop_dominated(p, gstart, nc, reduce == 1,
                            p->objective == GA_OBJ_MIN_COST && !(w->work_gpu_hours > 0));
    p->n_c = (size_t)(gstart + nc);
    if (ga_grow((void **)&p->g, &p->cap_g, p->n_g + 1, sizeof(ggrp)))
        return -1;
    ggrp *g = &p->g[p->n_g];
    g->w = wi;
    g->reg = reg;
    g->zone = w->same_zone ? b->cls[p->c[gstart].k].zone : -1;
    g->lam = 0;
    for (int32_t j = gstart; j < gstart + nc; j++)
        g->lam |= p->c[j].lam > 0;
    g->c0 = gstart;
    g->nc = nc;
    g->egress = 0;
    if (w->has_data && reg >= 0)
        g->egress = ga_egress(w->data_provider, w->data_region, w->data_gb,
                              b->prov_name[b->reg_prov[reg]], b->reg_name[reg], s->egress_same,
                              s->egress_other);
    for (int32_t j = gstart; j < gstart + nc; j++)
        p->c[j].grp = (int32_t)p->n_g;
    p->n_g++;
    return 0;
}

/* Keep the groups of workload wi (the last ones of p) whose drop[] is 0,
 * moving their columns down so that both stay contiguous. */
static void keep_groups(prob *p, int32_t wi, const unsigned char *drop)
{
    int32_t g0 = p->w_g0[wi], ng = (int32_t)p->n_g - g0, keep_g = 0;
    size_t c_out = (size_t)p->w_c0[wi];
    for (int32_t gi = 0; gi < ng; gi++) {
        ggrp g = p->g[g0 + gi];
        if (drop[gi])
            continue;
        memmove(p->c + c_out, p->c + g.c0, sizeof(gcol) * (size_t)g.nc);
        g.c0 = (int32_t)c_out;
        for (int32_t j = 0; j < g.nc; j++)
            p->c[c_out + (size_t)j].grp = g0 + keep_g;
        c_out += (size_t)g.nc;
        p->g[g0 + keep_g++] = g;
    }
    p->n_c = c_out;
    p->n_g = (size_t)(g0 + keep_g);
}

/* min_cost gangs: drop the regions that can never beat the best region
 * built from unlimited offers only.  Such a region U serves the workload
 * without touching shared capacity, so a region whose cheapest plan costs
 * more in total and no less per hour (the budget) is never needed.  Works
 * on the workload's groups, which are the last ones of p.  Returns -1 on
 * allocation failure. */
static int prune_gang_regions(prob *p, int32_t wi)
{
    const ga_workload *w = &p->b->spec->w[wi];
    int32_t g0 = p->w_g0[wi], ng = (int32_t)p->n_g - g0, top = p->w_top[wi];
    if (ng < 2 || w->min_gpus == 0 || top > DP_MAX_GPUS || p->b->delta)
        return 0;
    double *tot = ga_mallocarray((size_t)ng, sizeof(double));
    int32_t *cols = ga_mallocarray((p->n_c - (size_t)p->w_c0[wi] + 1), sizeof(int32_t));
    if (!tot || !cols) {
        free(tot);
        free(cols);
        return -1;
    }
    double u_tot = INF_COST, u_cph = INF_COST;
    for (int32_t gi = 0; gi < ng; gi++) {
        const ggrp *g = &p->g[g0 + gi];
        tot[gi] = INF_COST;
        for (int pass = 0; pass < 2; pass++) {
            /* pass 0: every column; pass 1: unlimited columns only */
            int32_t n = 0;
            for (int32_t j = g->c0; j < g->c0 + g->nc; j++)
                if (pass == 0 || p->b->cls[p->c[j].k].cap < 0)
                    cols[n++] = j;
            if (pass == 1 && n == 0)
                continue;
            knap_t q;
            int rc = ga_knap_solve(p, cols, n, top, NULL, &q);
            if (rc) {
                /* past the deadline or over the budget: keep every region */
                ga_knap_free(&q);
                free(tot);
                free(cols);
                return rc == -1 ? -1 : 0;
            }
            double best = INF_COST;
            for (int32_t k = w->min_gpus; k <= top; k++)
                best = GA_MIN(best, q.K[k]);
            ga_knap_free(&q);
            if (best >= INF_COST)
                continue;
            if (pass == 0) {
                tot[gi] = best + g->egress;
            } else if (best + g->egress < u_tot) {
                u_tot = best + g->egress;
                u_cph = best / p->H;
            }
        }
    }
    /* keep a region unless it is beaten on both counts; cols, no longer
     * needed, holds the flags (a group has at least one column, so there
     * are at least ng ints of room) */
    unsigned char *drop = (unsigned char *)cols;
    for (int32_t gi = 0; gi < ng; gi++) {
        double cph = (tot[gi] - p->g[g0 + gi].egress) / p->H;
        drop[gi] = tot[gi] >= INF_COST ||
                   (u_tot < INF_COST && tot[gi] > u_tot * (1 + 1e-9) + 1e-9 &&
                    cph >= u_cph * (1 - 1e-9) - 1e-9);
    }
    keep_groups(p, wi, drop);
    free(tot);
    free(cols);
    return 0;
}


/* The knapsack of group g's columns (unlimited ones only when unl) for
 * exact GPU totals 0..top, capacities ignored; the columns are listed
 * into cols.  *none is set when unl and the group has no unlimited column.
 * Returns ga_knap_solve's code (q freed unless 0). */
static int group_costs(const prob *p, const ggrp *g, int unl, int32_t top, int32_t *cols,
                       knap_t *q, int *none)
{
    int32_t n = 0;
    for (int32_t j = g->c0; j < g->c0 + g->nc; j++)
        if (!unl || p->b->cls[p->c[j].k].cap < 0)
            cols[n++] = j;
    *none = n == 0;
    int rc = ga_knap_solve(p, cols, n, top, NULL, q);
    if (rc)
        ga_knap_free(q);
    return rc;
}

/* min_cost gangs under share caps: the pruning above may move a gang to
 * another provider or change its GPU count, which the caps count, so here
 * a region B is dropped only for a region A of the same provider with
 *   (a) for every GPU count k in [min_gpus, top] that B can field at all
 *       (its cheapest k-GPU plan, capacities ignored: a lower bound on
 *       any k-GPU plan of B), A fields exactly k GPUs from unlimited
 *       offers at no more per hour, and no more in total with egress;
 *   (b) one market for all the workload's columns when the spot cap is
 *       active (then A's GPUs are in B's market).
 * Proof: a plan that puts the gang in B with k GPUs becomes, with A's
 * unlimited k-GPU plan instead, a plan with the same GPUs per provider and
 * per market (so both caps hold), the same workload GPU count, one region,
 * no capacity used, no more cost per hour (budget) and no more total cost.
 * A is chosen among two candidates per provider (its cheapest region from
 * unlimited offers at min_gpus in total and per hour), which are always
 * kept, so no chain of drops can remove every witness.  Exact for plans of
 * at most top GPUs per workload: all of them when max_gpus is set (top is
 * max_gpus then); otherwise top is the "most GPUs worth buying" bound the
 * MIP and prune_gang_regions already rely on.  Returns -1 on
 * allocation failure; past the deadline it drops nothing. */
static int prune_gang_regions_capped(prob *p, int32_t wi)
{
    const base *b = p->b;
    const gpuarb_spec *s = b->spec;
    const ga_workload *w = &s->w[wi];
    int32_t g0 = p->w_g0[wi], ng = (int32_t)p->n_g - g0, top = p->w_top[wi], lo = w->min_gpus;
    if (ng < 2 || lo <= 0 || top > DP_MAX_GPUS || top < lo || p->b->delta)
        return 0;
    if (s->max_spot_share >= 0 && s->max_spot_share < 1 && !p->v.drop_sshare)
        for (int32_t j = p->w_c0[wi]; j < (int32_t)p->n_c; j++)
            if (p->c[j].spot != p->c[p->w_c0[wi]].spot)
                return 0;
    size_t T = (size_t)top + 1, np = (size_t)(b->n_prov ? b->n_prov : 1);
    int32_t *cand = ga_mallocarray(2 * np, sizeof(int32_t));
    double *ctot = ga_mallocarray(2 * np, sizeof(double));
    double *cvec = ga_mallocarray(2 * np * T, sizeof(double));
    unsigned char *drop = ga_calloc((size_t)ng, 1);
    int32_t *cols = ga_mallocarray((p->n_c - (size_t)p->w_c0[wi] + 1), sizeof(int32_t));
    int rc = -1, krc;
    if (!cand || !ctot || !cvec || !drop || !cols)
        goto out;
    for (size_t i = 0; i < 2 * np; i++) {
        cand[i] = -1;
        ctot[i] = INF_COST;
    }
    /* the candidates: per provider, the least total (slot 0) and the least
     * per hour (slot 1) at min_gpus from unlimited offers */
    for (int32_t gi = 0; gi < ng; gi++) {
        const ggrp *g = &p->g[g0 + gi];
        knap_t q;
        int none;
        if ((krc = group_costs(p, g, 1, top, cols, &q, &none)))
            goto stop;
        int32_t pv = b->reg_prov[g->reg];
        double key[2] = {q.K[lo] + g->egress, q.K[lo]};
        for (int slot = 0; slot < 2 && !none; slot++) {
            size_t c = 2 * (size_t)pv + (size_t)slot;
            if (q.K[lo] < INF_COST && key[slot] < ctot[c]) {
                ctot[c] = key[slot];
                cand[c] = gi;
                memcpy(cvec + c * T, q.K, sizeof(double) * T);
            }
        }
        ga_knap_free(&q);
    }
    for (int32_t gi = 0; gi < ng; gi++) {
        const ggrp *g = &p->g[g0 + gi];
        int32_t pv = b->reg_prov[g->reg];
        if (cand[2 * pv] < 0 || cand[2 * pv] == gi || cand[2 * pv + 1] == gi)
            continue;
        knap_t q;
        int none;
        if ((krc = group_costs(p, g, 0, top, cols, &q, &none)))
            goto stop;
        for (int slot = 0; slot < 2 && !drop[gi]; slot++) {
            size_t c = 2 * (size_t)pv + (size_t)slot;
            const double *A = cvec + c * T;
            double eA = p->g[g0 + cand[c]].egress;
            int beaten = 1;
            for (int32_t k = lo; k <= top && beaten; k++) {
                if (q.K[k] >= INF_COST)
                    continue;
                if (!(A[k] <= q.K[k] && A[k] + eA <= q.K[k] + g->egress))
                    beaten = 0;
            }
            drop[gi] = (unsigned char)beaten;
        }
        ga_knap_free(&q);
    }
    keep_groups(p, wi, drop);
    rc = 0;
    goto out;
stop:
    /* past the deadline or over the budget: keep every region */
    rc = krc == -1 ? -1 : 0;
out:
    free(cand);
    free(ctot);
    free(cvec);
    free(drop);
    free(cols);
    return rc;
}

/* Workload wi, whose columns are the last group of p (a workload no region
 * ties): drop its columns of more GPUs per instance than max_gpus, which
 * no plan can use, unless that leaves none (the infeasibility explanations
 * read them then). */
static void filter_max_gpus(prob *p, int32_t wi)
{
    const ga_workload *w = &p->b->spec->w[wi];
    size_t c0 = (size_t)p->w_c0[wi];
    if (w->max_gpus < 0 || p->n_g == 0 || p->n_c == c0)
        return;
    int fits = 0;
    for (size_t j = c0; j < p->n_c; j++)
        fits |= p->c[j].gpc <= w->max_gpus;
    if (!fits)
        return;
    size_t k = c0;
    for (size_t j = c0; j < p->n_c; j++)
        if (p->c[j].gpc <= w->max_gpus)
            p->c[k++] = p->c[j];
    p->g[p->n_g - 1].nc = (int32_t)(k - c0);
    p->n_c = k;
}

/* 1 if two workloads get the same columns (GPU counts and data aside):
 * same acceptable models, memory, shape, market rule, spot cost inputs and
 * throughput table. */
static int same_columns(const ga_workload *a, const ga_workload *b)
{
    if (a->n_models != b->n_models || a->min_gpu_memory_gb != b->min_gpu_memory_gb ||
        a->gpus_per_node != b->gpus_per_node || a->spot != b->spot ||
        a->checkpoint_minutes != b->checkpoint_minutes ||
        a->restart_minutes != b->restart_minutes || a->n_tput != b->n_tput ||
        a->tput_table != b->tput_table || (a->work_gpu_hours > 0) != (b->work_gpu_hours > 0))
        return 0;
    for (size_t i = 0; i < a->n_models; i++)
        if (a->models[i] != b->models[i])
            return 0;
    for (size_t i = 0; i < a->n_tput; i++)
        if (a->tput_models[i] != b->tput_models[i] || a->tput[i] != b->tput[i])
            return 0;
    return 1;
}

/* Least $/h per GPU of workload wi's columns; INF_COST if it has none. */
static double least_per_gpu(const prob *p, int32_t wi, int32_t n_c)
{
    double m = INF_COST;
    for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + n_c; j++)
        m = GA_MIN(m, p->c[j].unit / p->c[j].gpc);
    return m;
}

/* w_top[wi], the most GPUs worth buying for workload wi (its columns are
 * the last ones of p), as a bound no optimal plan of the view exceeds:
 *  - max_gpus when the workload has one;
 *  - max_throughput: the budget buys at most budget x max(gpc / unit) GPUs;
 *  - min_cost without share caps: min + (largest node - 1), since costs are
 *    never negative and a plan with more GPUs sheds a whole instance and
 *    stays feasible (capacity, budget, gang, egress all no worse);
 *  - min_cost with a share cap: extra GPUs elsewhere can bring a cap's
 *    fraction down, so no count is safe a priori; set_tops() derives one
 *    from a known plan's cost.  Until then (or without one) min + 64 x the
 *    largest node, and p->restricted says that the view's bound is the
 *    restricted model's, not the spec's. */
static void set_top(prob *p, int32_t wi)
{
    const gpuarb_spec *s = p->b->spec;
    const ga_workload *w = &s->w[wi];
    int32_t maxg = 1, n_c = (int32_t)p->n_c - p->w_c0[wi];
    double gpd = 0; /* most GPUs per $/h */
    int free_gpus = 0;
    for (int32_t j = p->w_c0[wi]; j < (int32_t)p->n_c; j++) {
        maxg = GA_MAX(maxg, p->c[j].gpc);
        if (p->c[j].unit > 0)
            gpd = GA_MAX(gpd, p->c[j].gpc / p->c[j].unit);
        else
            free_gpus = 1;
    }
    double top;
    if (w->max_gpus >= 0) {
        top = w->max_gpus;
    } else if (p->objective == GA_OBJ_MAX_THROUGHPUT && s->budget_per_hour >= 0) {
        if (free_gpus || n_c == 0) {
            top = n_c ? 1e7 : w->min_gpus;
            p->restricted |= n_c > 0;
        } else {
            /* 1e-12 relative: a budget of exactly k prices buys k */
            top = floor(s->budget_per_hour * gpd * (1 + 1e-12));
        }
    } else if (p->shares) {
        /* room to dilute: the other workloads' GPUs (their max, else their
         * min) over the tightest cap, so that this workload alone can
         * bring any provider's or spot's fraction under it */
        double other = 0, cap = 1;
        for (size_t u = 0; u < s->n_w; u++)
            if (u != (size_t)wi)
                other += s->w[u].max_gpus >= 0 ? s->w[u].max_gpus : s->w[u].min_gpus;
        if (s->max_provider_share >= 0 && s->max_provider_share < 1 && !p->v.drop_pshare)
            cap = GA_MIN(cap, s->max_provider_share);
        if (s->max_spot_share >= 0 && s->max_spot_share < 1 && !p->v.drop_sshare)
            cap = GA_MIN(cap, s->max_spot_share);
        double dilute = cap > 0 ? ceil(other / cap) + maxg : 0;
        /* a work-based workload gets room to dilute only: its own range
         * (below) is what its cost allows, and every GPU more multiplies
         * the MIP's levels */
        top = (double)w->min_gpus + (w->work_gpu_hours > 0 ? dilute : GA_MAX(64.0 * maxg, dilute));
        p->restricted = 1;
    } else {
        top = (double)w->min_gpus + maxg - 1;
    }
    if (w->work_gpu_hours > 0 && w->max_gpus < 0) {
        /* a plan's cost for the work is W P f / T: dropping an instance
         * whose price per throughput is at least the plan's P / T (one
         * always is) lowers neither P / T nor a gang's f, nor the budget;
         * so an optimal plan exists from which no instance can be dropped
         * without going under min_gpus or the deadline's throughput
         * floor: fewer than min + the largest node's GPUs, or throughput
         * under floor + the fastest instance's, whose GPUs number at most
         * that over the slowest speed per GPU */
        double tmax = 0, smin = INF_COST;
        for (int32_t j = p->w_c0[wi]; j < (int32_t)p->n_c; j++) {
            tmax = GA_MAX(tmax, p->c[j].tput);
            smin = GA_MIN(smin, p->c[j].tput / p->c[j].gpc);
        }
        double by_t = n_c && smin > 0 ? ceil((ga_work_floor(w) + tmax) / smin) : 0;
        top = GA_MAX(top, GA_MAX((double)w->min_gpus + maxg - 1, by_t));
    }
    if (top > 1e8) {
        top = 1e8;
        p->restricted = 1;
    }
    p->w_top[wi] = (int32_t)GA_MAX(top, (double)w->min_gpus);
}

/* min_cost with a share cap and the total cost C of a plan known feasible
 * for the view (v->has_cost_cap): every GPU of workload w costs at least
 * H x pw per horizon, pw its least $/h per GPU, egress is never negative,
 * and every other workload u needs min_u GPUs at H x pu at least; an
 * optimal plan costs at most C, so its GPUs of w number at most
 *     (C - sum_{u != w} H pu min_u) / (H pw).
 * Workloads with max_gpus keep it.  With a free GPU (pw = 0) no count
 * follows and the view stays restricted. */
static void set_tops(prob *p, const view *v)
{
    const gpuarb_spec *s = p->b->spec;
    if (!(p->shares && p->objective == GA_OBJ_MIN_COST && v->has_cost_cap))
        return;
    double need = 0; /* sum over workloads of H pu min_u (work: 0) */
    for (size_t u = 0; u < s->n_w; u++) {
        double pu = least_per_gpu(p, (int32_t)u, p->w_nc[u]);
        if (s->w[u].min_gpus > 0 && pu < INF_COST && !(s->w[u].work_gpu_hours > 0))
            need += p->H * pu * s->w[u].min_gpus;
    }
    int restricted = 0;
    for (size_t wi = 0; wi < s->n_w; wi++) {
        const ga_workload *w = &s->w[wi];
        if (w->max_gpus >= 0 || p->w_nc[wi] == 0)
            continue;
        if (w->work_gpu_hours > 0) {
            /* its cost is not H x $/h: set_top's range, a restriction
             * under the caps */
            restricted = 1;
            continue;
        }
        double pw = least_per_gpu(p, (int32_t)wi, p->w_nc[wi]);
        double own = p->H * pw * w->min_gpus;
        double room = v->cost_cap - (need - own);
        double top = p->H * pw > 0 ? room / (p->H * pw) : INF_COST;
        /* rounding slack: a bound one GPU too loose is still a bound */
        top = floor(top * (1 + 1e-9)) + 1;
        if (!(top <= 1e8)) {
            top = 1e8;
            restricted = 1;
        }
        p->w_top[wi] = (int32_t)GA_MAX(top, (double)w->min_gpus);
    }
    p->restricted = restricted;
}

gpuarb_status ga_prob_build(gpuarb_ctx *ctx, const base *b, const view *v, prob *p)
{
    int pc; /* push_col's failure */
    int32_t *reps = NULL; /* region-free workloads whose columns can be reused */
    gcol *repcols = NULL; /* their columns, before the max_gpus filter */
    size_t n_repcols = 0, cap_repcols = 0;
    int32_t *rep_c0 = NULL, *rep_nc = NULL; /* by workload, into repcols */
    unsigned char *shape_ok = NULL; /* ga_model_ok per shape, for one workload */
    size_t n_reps = 0;
    const gpuarb_spec *s = b->spec;
    memset(p, 0, sizeof *p);
    p->b = b;
    p->v = *v;
    p->objective = v->min_cost ? GA_OBJ_MIN_COST : s->objective;
    p->H = s->horizon_hours;
    p->shares = (s->max_provider_share >= 0 && s->max_provider_share < 1 && !v->drop_pshare) ||
                (s->max_spot_share >= 0 && s->max_spot_share < 1 && !v->drop_sshare);
    /* full dominance when no share cap is active (or the view asks for a
     * restriction); otherwise within each provider, which is exact under
     * the caps (drop_dominated) and, in a region group, the same thing */
    int reduce = !p->shares || v->reduce;
    int group_reduce = reduce ? 2 : 1;
    size_t nw = s->n_w;
    p->w_c0 = ga_calloc(nw, sizeof(int32_t));
    p->w_nc = ga_calloc(nw, sizeof(int32_t));
    p->w_g0 = ga_calloc(nw, sizeof(int32_t));
    p->w_ng = ga_calloc(nw, sizeof(int32_t));
    p->w_top = ga_calloc(nw, sizeof(int32_t));
    reps = ga_mallocarray((nw ? nw : 1), sizeof(int32_t));
    shape_ok = ga_mallocarray((size_t)(b->n_shape ? b->n_shape : 1), 1);
    rep_c0 = ga_calloc(nw ? nw : 1, sizeof(int32_t));
    rep_nc = ga_calloc(nw ? nw : 1, sizeof(int32_t));
    if (!p->w_c0 || !p->w_nc || !p->w_g0 || !p->w_ng || !p->w_top || !reps || !shape_ok ||
        !rep_c0 || !rep_nc)
        goto nomem;
    for (size_t wi = 0; wi < nw; wi++) {
        const ga_workload *w = &s->w[wi];
        /* a workload no region ties: regions are interchangeable for it */
        int region_free = !w->same_region && !(w->has_data && w->data_gb > 0);
        p->w_c0[wi] = (int32_t)p->n_c;
        p->w_g0[wi] = (int32_t)p->n_g;
        int32_t cur_reg = -1, cur_zone = -1;
        int32_t gstart = (int32_t)p->n_c;
        int32_t rep = -1;
        for (size_t r = 0; region_free && r < n_reps && rep < 0; r++)
            if (same_columns(w, &s->w[reps[r]]))
                rep = reps[r];
        if (rep >= 0) {
            /* same columns as an earlier workload, already reduced (before
             * its own max_gpus filter) */
            for (int32_t j = rep_c0[rep]; j < rep_c0[rep] + rep_nc[rep]; j++) {
                gcol c = repcols[j];
                c.w = (int32_t)wi;
                if ((pc = push_col(p, &c)))
                    goto fail_col;
            }
        } else if (region_free) {
            reps[n_reps++] = (int32_t)wi;
        }
        int fits = 0; /* some acceptable shape fits within max_gpus */
        for (int32_t sh = 0; sh < b->n_shape && rep < 0; sh++) {
            const ga_offer *so = &b->cat->v[b->shape_rep[sh]];
            shape_ok[sh] = (unsigned char)ga_model_ok(w, so);
            fits |= shape_ok[sh] && (w->max_gpus < 0 || so->gpu_count <= w->max_gpus);
        }
        /* an instance of more GPUs than max_gpus is in no plan: drop such
         * shapes (exact), unless nothing else is left, when the columns
         * stay for the infeasibility explanations to read; a region-free
         * workload filters its columns after they are saved for reuse */
        for (int32_t sh = 0; sh < b->n_shape && rep < 0 && fits && w->max_gpus >= 0 &&
                             !region_free; sh++)
            if (b->cat->v[b->shape_rep[sh]].gpu_count > w->max_gpus)
                shape_ok[sh] = 0;
        for (size_t kk = 0; kk < b->n_cls && rep < 0; kk++) {
            int32_t k = b->cls_by_reg[kk];
            int32_t reg = b->cls[k].reg;
            if (v->only_prov >= 0 && b->reg_prov[reg] != v->only_prov) {
                kk = (size_t)b->reg_c0[reg + 1] - 1; /* another provider's region */
                continue;
            }
            /* a same_zone gang's groups are zones (classes are listed by
             * region, then zone) */
            int32_t zone = w->same_zone ? b->cls[k].zone : -1;
            if ((reg != cur_reg || zone != cur_zone) && !region_free) {
                if (cur_reg >= 0 && close_group(p, (int32_t)wi, cur_reg, gstart, group_reduce))
                    goto nomem;
                gstart = (int32_t)p->n_c;
            }
            cur_reg = reg;
            cur_zone = zone;
            const oclass *cl = &b->cls[k];
            if (v->only_prov >= 0 && cl->prov != v->only_prov)
                continue;
            if (cl->cap == 0)
                continue;
            if (!shape_ok[cl->shape])
                continue;
            const ga_offer *o = &b->cat->v[cl->rep];
            for (int spot = 0; spot <= 1; spot++) {
                if (spot && (v->ondemand_only || w->spot == GA_SPOT_NEVER))
                    continue;
                if (!spot && w->spot == GA_SPOT_ONLY)
                    continue;
                double u = ga_unit_cost(w, o, spot);
                if (u < 0)
                    continue;
                gcol c;
                c.w = (int32_t)wi;
                c.k = k;
                c.spot = spot;
                c.gpc = o->gpu_count;
                c.grp = -1;
                c.unit = u;
                c.lam = 0;
                if (spot && w->same_region) {
                    /* a gang: list price here, the gang's multiplier on
                     * top (knapsack.c, mip.c, verify.c) */
                    c.unit = o->spot;
                    c.lam = o->rate;
                }
                c.tput = o->gpu_count * ga_workload_tput(w, o->gpu);
                if ((pc = push_col(p, &c)))
                    goto fail_col;
            }
        }
        if (close_group(p, (int32_t)wi, region_free ? -1 : cur_reg, gstart,
                        rep < 0 ? group_reduce : 0))
            goto nomem;
        if (region_free && rep < 0) {
            /* keep the reduced columns for the workloads that reuse them */
            size_t n = p->n_c - (size_t)p->w_c0[wi];
            if (ga_grow((void **)&repcols, &cap_repcols, n_repcols + n + 1, sizeof(gcol)))
                goto nomem;
            if (n)
                memcpy(repcols + n_repcols, p->c + p->w_c0[wi], n * sizeof(gcol));
            rep_c0[wi] = (int32_t)n_repcols;
            rep_nc[wi] = (int32_t)n;
            n_repcols += n;
        }
        if (region_free)
            filter_max_gpus(p, (int32_t)wi);
        /* the most GPUs worth buying for this workload (see set_tops) */
        set_top(p, (int32_t)wi);
        if (w->same_region && p->objective == GA_OBJ_MIN_COST && !(w->work_gpu_hours > 0) &&
            (reduce ? prune_gang_regions(p, (int32_t)wi)
                    : prune_gang_regions_capped(p, (int32_t)wi)))
            goto nomem;
        p->w_nc[wi] = (int32_t)p->n_c - p->w_c0[wi];
        p->w_ng[wi] = (int32_t)p->n_g - p->w_g0[wi];
    }
    free(reps);
    set_tops(p, v);
    free(shape_ok);
    free(repcols);
    free(rep_c0);
    free(rep_nc);
    return GPUARB_OK;
fail_col:
    if (pc == -2) {
        double n = (double)p->n_c;
        free(reps);
        free(shape_ok);
        free(repcols);
        free(rep_c0);
        free(rep_nc);
        ga_prob_free(p);
        return ga_error(ctx, GPUARB_ERR_LIMIT, s->source, 0, 0, NULL,
                        "the model needs more than %.0f columns, over the memory budget of %.0f "
                        "MiB (memory_limit_mib) before it is even solved; narrow the catalog or "
                        "raise memory_limit_mib",
                        n, b->lim.mem_bytes / 1048576.0);
    }
nomem:
    free(reps);
    free(shape_ok);
    free(repcols);
    free(rep_c0);
    free(rep_nc);
    ga_prob_free(p);
    return ga_nomem(ctx);
}

/* ---- the memory budget ---- */

void ga_model_size(const prob *p, int stage, ga_model_size_t *z)
{
    const base *b = p->b;
    const gpuarb_spec *s = b->spec;
    memset(z, 0, sizeof *z);
    double nc = (double)p->n_c, nz_cols = 0, nnz = 0, rows = 0;
    /* z columns and their link rows (nc(group) + 1 entries each) */
    for (size_t g = 0; g < p->n_g; g++)
        if (p->g[g].egress > 0 || s->w[p->g[g].w].same_region) {
            nz_cols++;
            rows++;
            nnz += p->g[g].nc + 1;
        }
    /* GPU count per workload (every x column once) and the gang rows (one
     * entry per z column, counted above as z columns) */
    rows += (double)s->n_w;
    nnz += nc;
    for (size_t wi = 0; wi < s->n_w; wi++)
        if (s->w[wi].same_region && p->w_ng[wi] > 0) {
            rows++;
            nnz += p->w_ng[wi];
        }
    /* shared capacity: at most one row per capped class, one entry per
     * capped column */
    if (!p->v.drop_capshare) {
        double capped = 0;
        for (size_t j = 0; j < p->n_c; j++)
            capped += b->cls[p->c[j].k].cap >= 0;
        rows += GA_MIN(capped, (double)b->n_cls);
        nnz += capped;
    }
    if (s->budget_per_hour >= 0 && !p->v.drop_budget) {
        rows++;
        nnz += nc;
    }
    /* where a gang link's M is large, mip.c adds a two-entry link per
     * capacity-limited column: counted for every capped column of a
     * region group (an upper estimate) */
    for (size_t g = 0; g < p->n_g; g++)
        if (s->w[p->g[g].w].same_region)
            for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++)
                if (b->cls[p->c[j].k].cap >= 0) {
                    rows++;
                    nnz += 2;
                }
    /* the share caps as mip.c writes them: a total-GPU column T with its
     * row (every x column once), one row per provider over its own
     * columns plus T, and the spot row over the spot columns plus T */
    int pshare = s->max_provider_share >= 0 && s->max_provider_share < 1 && !p->v.drop_pshare;
    int sshare = s->max_spot_share >= 0 && s->max_spot_share < 1 && !p->v.drop_sshare;
    if (pshare || sshare) {
        nz_cols++;
        rows++;
        nnz += nc + 1;
    }
    if (pshare) {
        rows += b->n_prov;
        nnz += nc + b->n_prov;
    }
    if (sshare) {
        rows++;
        nnz += nc + 1;
    }
    if (stage == 1) {
        rows++;
        nnz += nc;
    }
    /* a workload with levels (mip.c): a y and a P column per level, the
     * level, rate, throughput and price rows, a link per level, P in the
     * budget */
    for (size_t wi = 0; wi < s->n_w; wi++) {
        if (!ga_level_kind(p, (int32_t)wi))
            continue;
        double *lv = NULL;
        int32_t n = 1;
        int rc = ga_levels(p, (int32_t)wi, &lv, &n);
        if (rc)
            /* past the limit the MIP refuses it; out of memory, its own
             * count fails the same way when it is built */
            n = rc == -4 ? GA_LEVELS_MAX : 1;
        free(lv);
        nz_cols += 2.0 * n;
        rows += 4.0 + n;
        nnz += 6.0 * n + 3.0 * p->w_nc[wi] + 1;
    }
    z->cols = nc + nz_cols;
    z->rows = rows;
    z->nnz = nnz;
    z->bytes = GA_MIP_BYTES_NNZ * nnz + GA_MIP_BYTES_COL * z->cols + GA_MIP_BYTES_ROW * rows +
               sizeof(gcol) * nc;
}

gpuarb_status ga_model_check(gpuarb_ctx *ctx, const prob *p, int stage)
{
    const base *b = p->b;
    if (!(b->lim.mem_bytes > 0))
        return GPUARB_OK;
    ga_model_size_t z;
    ga_model_size(p, stage, &z);
    if (z.bytes <= b->lim.mem_bytes)
        return GPUARB_OK;
    return ga_error(ctx, GPUARB_ERR_LIMIT, b->spec->source, 0, 0, NULL,
                    "the model needs about %.0f MiB for %.0f columns, %.0f rows and %.0f "
                    "nonzeros, over the memory budget of %.0f MiB (memory_limit_mib); narrow "
                    "the catalog or raise memory_limit_mib",
                    ceil(z.bytes / 1048576.0), z.cols, z.rows, z.nnz,
                    b->lim.mem_bytes / 1048576.0);
}
