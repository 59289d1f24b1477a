/*
 * explain.c - why a spec is infeasible: workloads that cannot be met even
 * alone (no offer passes a filter, capacity short, GPU counts that the
 * instance sizes cannot make, no region big enough for a gang), else the
 * constraint families (budget, provider share, spot share, shared capacity)
 * whose removal alone makes it feasible, found by re-solving without each.
 * Wraps no dependency.  Invariants: the sentences go to the result's
 * diagnostics; a failed allocation while explaining marks the result
 * (gpuarb_result.nomem) so that the call ends in GPUARB_ERR_NOMEM: an
 * explanation is never silently shortened.
 * Statuses: GPUARB_OK, GPUARB_ERR_NOMEM, GPUARB_ERR_SOLVER.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "alloc/optimize.h"
#include "catalog/catalog.h"

static const char *spot_word(int32_t s)
{
    return s == GA_SPOT_ONLY ? "only" : s == GA_SPOT_ALLOW ? "allow" : "never";
}

/* Why a workload has no column: count the offers that survive each filter. */
static void explain_no_offer(const base *b, const ga_workload *w, gpuarb_result *r)
{
    const gpuarb_spec *s = b->spec;
    size_t n_place = 0, n_model = 0, n_shape = 0, n_market = 0, n_cap0 = 0;
    for (size_t i = 0; i < b->cat->n; i++) {
        const ga_offer *o = &b->cat->v[i];
        if (!ga_globs_allow(&s->providers, o->provider) || !ga_globs_allow(&s->regions, o->region))
            continue;
        n_place++;
        ga_workload tmp = *w;
        tmp.gpus_per_node = 0;
        if (!ga_model_ok(&tmp, o))
            continue;
        n_model++;
        if (w->gpus_per_node > 0 && o->gpu_count != w->gpus_per_node)
            continue;
        n_shape++;
        int ok = 0;
        for (int spot = 0; spot <= 1; spot++) {
            if (spot && w->spot == GA_SPOT_NEVER)
                continue;
            if (!spot && w->spot == GA_SPOT_ONLY)
                continue;
            if (ga_unit_cost(w, o, spot) >= 0)
                ok = 1;
        }
        n_market += ok;
        n_cap0 += ok && o->capacity == 0;
    }
    if (n_place == 0)
        ga_result_diag(r, "workload '%s': no offer of the catalog is in an allowed provider and region",
                       w->name);
    else if (n_model == 0)
        ga_result_diag(r, "workload '%s': none of the %zu offers in allowed places has an acceptable "
                          "GPU model%s", w->name, n_place,
                       w->min_gpu_memory_gb > 0 ? " and memory" : "");
    else if (n_shape == 0)
        ga_result_diag(r, "workload '%s': %zu offers have an acceptable GPU but none has "
                          "gpus_per_node = %d", w->name, n_model, (int)w->gpus_per_node);
    else if (n_market == 0)
        ga_result_diag(r, "workload '%s': %zu offers match but none can be bought with spot: %s%s",
                       w->name, n_shape, spot_word(w->spot),
                       w->spot == GA_SPOT_ONLY ? " (no usable spot market: none, or interruptions "
                                                 "too frequent for the checkpoint interval)" : "");
    else if (n_cap0 == n_market)
        ga_result_diag(r, "workload '%s': %zu offers match but every one has capacity 0 (no "
                          "instance can be obtained)", w->name, n_market);
    else
        ga_result_diag(r, "workload '%s': no offer matches", w->name);
}

/* Each workload alone: name those that cannot be met at all. */
int ga_explain_workloads(const prob *p, gpuarb_result *r)
{
    const gpuarb_spec *s = p->b->spec;
    int found = 0;
    double *x = ga_calloc(p->n_c ? p->n_c : 1, sizeof(double));
    if (!x) {
        r->nomem = 1;
        return 1;
    }
    for (size_t wi = 0; wi < s->n_w; wi++) {
        const ga_workload *w = &s->w[wi];
        if (w->min_gpus == 0)
            continue;
        if (p->w_nc[wi] == 0) {
            explain_no_offer(p->b, w, r);
            found = 1;
            continue;
        }
        /* capacity in GPUs of its columns (classes counted once) */
        double avail = 0;
        int unlimited = 0, gcd = 0;
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
            int64_t cap = p->b->cls[p->c[j].k].cap;
            int a = gcd, bb = p->c[j].gpc;
            while (bb) {
                int t = a % bb;
                a = bb;
                bb = t;
            }
            gcd = a;
            if (cap < 0)
                unlimited = 1;
            else if (j == p->w_c0[wi] || p->c[j - 1].k != p->c[j].k)
                avail += (double)cap * p->c[j].gpc; /* a class's columns are adjacent */
        }
        if (!unlimited && avail < w->min_gpus) {
            ga_result_diag(r, "workload '%s' needs %d GPUs but the matching offers' capacity is "
                              "%.0f GPUs: short by %.0f", w->name, (int)w->min_gpus, avail,
                           w->min_gpus - avail);
            found = 1;
            continue;
        }
        if (w->same_region) {
            /* a gang lives in one group (a region; a zone for same_zone):
             * the most GPUs any one group's capacity holds */
            double most = 0;
            int open = 0;
            for (int32_t g = p->w_g0[wi]; g < p->w_g0[wi] + p->w_ng[wi] && !open; g++) {
                double in = 0;
                for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++) {
                    int64_t cap = p->b->cls[p->c[j].k].cap;
                    if (cap < 0)
                        open = 1;
                    else if (j == p->g[g].c0 || p->c[j - 1].k != p->c[j].k)
                        in += (double)cap * p->c[j].gpc;
                }
                most = GA_MAX(most, in);
            }
            if (!open && most < w->min_gpus) {
                const char *unit = w->same_zone ? "zone" : "region";
                ga_result_diag(r, "workload '%s' needs %d GPUs in one %s (%s) but the most any "
                                  "%s's capacity holds is %.0f GPUs", w->name, (int)w->min_gpus,
                               unit, w->same_zone ? "same_zone" : "same_region", unit, most);
                found = 1;
                continue;
            }
        }
        double v = p->w_top[wi] <= DP_MAX_GPUS ? ga_dp_workload(p, (int32_t)wi, NULL, x) : -1;
        /* -1 too large, -3 deadline: no sentence, not a verdict */
        if (v == -2)
            r->nomem = 1;
        if (v >= INF_COST) {
            if (w->max_gpus >= 0 && gcd > 1 && (w->min_gpus + gcd - 1) / gcd * gcd > w->max_gpus)
                ga_result_diag(r, "workload '%s' asks for %s%d GPUs but its matching offers come "
                                  "in multiples of %d GPUs per instance", w->name,
                               w->gpus >= 0 ? "exactly " : "at most ", (int)w->max_gpus, gcd);
            else if (w->same_zone)
                ga_result_diag(r, "workload '%s' needs %d GPUs in one zone (same_zone) but no "
                                  "single zone has that many matching GPUs", w->name,
                               (int)w->min_gpus);
            else if (w->same_region)
                ga_result_diag(r, "workload '%s' needs %d GPUs in one region (same_region) but no "
                                  "single region has that many matching GPUs", w->name,
                               (int)w->min_gpus);
            else
                ga_result_diag(r, "workload '%s' cannot get %d GPUs from its matching offers",
                               w->name, (int)w->min_gpus);
            found = 1;
        }
    }
    free(x);
    return found;
}

gpuarb_status ga_explain_families(gpuarb_ctx *ctx, const base *b, const view *v0,
                                  double deadline, const ga_tol *tol, gpuarb_result *r)
{
    const gpuarb_spec *s = b->spec;
    struct {
        int active;
        view v;
    } fam[4];
    memset(fam, 0, sizeof fam);
    fam[0].active = s->budget_per_hour >= 0;
    fam[1].active = s->max_provider_share >= 0 && s->max_provider_share < 1;
    fam[2].active = s->max_spot_share >= 0 && s->max_spot_share < 1;
    fam[3].active = 1;
    for (int f = 0; f < 4; f++) {
        fam[f].v = *v0;
        fam[f].v.reduce = 0;
        if (f == 0)
            fam[f].v.drop_budget = 1;
        if (f == 1)
            fam[f].v.drop_pshare = 1;
        if (f == 2)
            fam[f].v.drop_sshare = 1;
        if (f == 3)
            fam[f].v.drop_capshare = 1;
    }
    int named = 0, n_left = 0;
    for (int f = 0; f < 4; f++)
        n_left += fam[f].active;
    for (int f = 0; f < 4; f++) {
        if (!fam[f].active)
            continue;
        prob p;
        sol sv;
        /* the re-solves share what is left of the deadline equally */
        double d_f = ga_stage_deadline(b, deadline, 1.0 / n_left--);
        gpuarb_status st = ga_solve_exact(ctx, b, &fam[f].v, d_f, tol, &p, &sv);
        if (st) {
            ga_sol_free(&sv);
            ga_prob_free(&p);
            return st;
        }
        if (sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE) {
            named = 1;
            if (f == 0)
                ga_result_diag(r, "budget_per_hour %.2f is below the cheapest plan that meets the "
                                  "other constraints (%.2f per hour)", s->budget_per_hour, sv.e.cph);
            else if (f == 1)
                ga_result_diag(r, "constraints.max_provider_share %.3g cannot be met: without it "
                                  "the cheapest plan puts more than that fraction of its GPUs on "
                                  "one provider, and no mix of providers fits the other "
                                  "constraints",
                               s->max_provider_share);
            else if (f == 2)
                ga_result_diag(r, "constraints.max_spot_share %.3g (a fraction of the plan's GPUs) "
                                  "cannot be met together with the other constraints", s->max_spot_share);
            else {
                /* name the classes the relaxed plan overbooks */
                int64_t *used = ga_calloc(b->n_cls ? b->n_cls : 1, sizeof(int64_t));
                if (used) {
                    for (size_t j = 0; j < p.n_c; j++)
                        used[p.c[j].k] += (int64_t)(sv.x[j] + 0.5);
                    int said = 0;
                    for (size_t k = 0; k < b->n_cls && said < 5; k++) {
                        const oclass *c = &b->cls[k];
                        if (c->cap >= 0 && used[k] > c->cap) {
                            const ga_offer *o = &b->cat->v[c->rep];
                            ga_result_diag(r, "capacity: %s %s %s has %lld instances but the "
                                              "workloads sharing it need %lld: short by %lld "
                                              "instances (%lld GPUs)", o->provider, o->region,
                                           o->instance_type, (long long)c->cap,
                                           (long long)used[k], (long long)(used[k] - c->cap),
                                           (long long)((used[k] - c->cap) * o->gpu_count));
                            said++;
                        }
                    }
                    if (!said)
                        ga_result_diag(r, "capacity shared between workloads is too small for "
                                          "all of them together");
                    free(used);
                } else {
                    r->nomem = 1;
                }
            }
        }
        ga_sol_free(&sv);
        ga_prob_free(&p);
    }
    if (!named)
        ga_result_diag(r, "no single constraint explains the infeasibility: several bind together "
                          "(budget, share caps, capacity, exact GPU counts)");
    return GPUARB_OK;
}
