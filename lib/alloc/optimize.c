/*
 * optimize.c - SPEC section 2's allocation: which offers, how many, in which
 * market, for every workload, at least cost (or most throughput within the
 * budget).  It owns the model and its reductions; the MIP itself is solved
 * through lp.h (GLPK), and the result is serialised by result_write.c.
 * This file is the driver; the steps live in classes.c (1), columns.c (2),
 * knapsack.c (3), mip.c and solve.c (4), explain.c (5), the result object
 * in result.c.
 *
 * Pipeline:
 *   1. offers that pass the provider/region globs are merged into classes of
 *      identical offers (same place, GPU, count, memory, prices, rate; zones
 *      and instance names aside), capacities added;
 *   2. each workload gets columns (class x market) that it may use, priced by
 *      cost.c; dominated columns are dropped before the model is built (a
 *      cheaper-or-equal, at-least-as-fast unlimited column of the same
 *      place and market whose GPU count divides theirs; under share caps
 *      only within one provider and market, where the caps' GPU counts do
 *      not move), and the model is sized against memory_limit_mib before
 *      anything of it is allocated (columns.c);
 *   3. min_cost: every workload is solved alone, exactly, by dynamic
 *      programming (bounded knapsack per region, fixed egress charge per
 *      region).  The sum of those optima is a lower bound on the joint
 *      problem; when the combined plan also meets the shared constraints
 *      (capacity, budget, share caps) it is optimal and GLPK is never called;
 *   4. otherwise the MIP is built and solved by GLPK's branch and cut,
 *      started from a greedy plan (workloads solved in turn on the capacity
 *      left), with the time limit; max_throughput solves for throughput and
 *      then for cost at that throughput (ties go to the cheaper plan);
 *   5. the baseline (one provider, on demand) is the same pipeline on a
 *      restricted view; infeasible specs are explained by re-solving with one
 *      constraint family dropped at a time.
 * Every plan (DP, greedy, each stage's MIP) passes the verifier (verify.c)
 * before it is kept or reported; the whole call, stages, baseline and
 * explanations, runs inside one deadline with explicit shares (solve.c),
 * and a plan in hand is never dropped for a time limit.
 * Invariants: the spec and catalog are read-only; every figure in the result
 * is recomputed from the integer plan and the catalog's prices, never taken
 * from the solver's floating-point objective; "optimal" is proven with no
 * gap tolerance (GA_OPT_GAP).  Statuses: GPUARB_OK (any solve outcome),
 * GPUARB_ERR_ARG, GPUARB_ERR_NOMEM (also when a sentence of the result
 * could not be stored), GPUARB_ERR_LIMIT (the memory budget),
 * GPUARB_ERR_SOLVER, and the loaders'
 * statuses when the caller passes no catalog: the spec's references are
 * then loaded by the catalog layer (catalog_ref.c), never opened here.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "alloc/cost.h"
#include "alloc/optimize.h"
#include "alloc/trust.h"
#include "alloc/progress.h"
#include "alloc/delta.h"
#include "catalog/catalog.h"
#include "catalog/gpumodel.h"
#include "numeric/lp.h"

/* Turn the integer plan into rows: a class's count is spread over its
 * member offers in catalog order, within each member's capacity left. */
static gpuarb_status fill_rows(gpuarb_ctx *ctx, const prob *p, const sol *sv, gpuarb_result *r)
{
    const base *b = p->b;
    const gpuarb_spec *s = b->spec;
    const gpuarb_catalog *cat = b->cat;
    size_t rows_cap = 0;
    double *gf = NULL;
    int64_t *left = ga_mallocarray((cat->n ? cat->n : 1), sizeof(int64_t));
    r->wl = ga_calloc(s->n_w ? s->n_w : 1, sizeof(ga_wl_row));
    if (!left || !r->wl) {
        free(left);
        return ga_nomem(ctx);
    }
    r->n_wl = s->n_w;
    for (size_t i = 0; i < cat->n; i++)
        left[i] = cat->v[i].capacity;
    for (size_t wi = 0; wi < s->n_w; wi++)
        if (!(r->wl[wi].name = ga_strdup(s->w[wi].name)) ||
            (s->w[wi].team && !(r->wl[wi].team = ga_strdup(s->w[wi].team))) ||
            (s->w[wi].project && !(r->wl[wi].project = ga_strdup(s->w[wi].project))))
            goto nomem;
    /* a gang's multiplier (SPEC section 2): its spot instances' rates */
    gf = ga_calloc(s->n_w ? s->n_w : 1, sizeof(double));
    if (!gf)
        goto nomem;
    for (size_t j = 0; j < p->n_c; j++)
        if (sv->x[j] > 0.5)
            gf[p->c[j].w] += floor(sv->x[j] + 0.5) * p->c[j].lam;
    for (size_t wi = 0; wi < s->n_w; wi++) {
        const ga_workload *w = &s->w[wi];
        gf[wi] = w->same_region ? ga_gang_factor(gf[wi], w->checkpoint_minutes,
                                                 w->restart_minutes)
                                : 1.0;
        if (gf[wi] < 0)
            gf[wi] = 1; /* never: the plan passed the verifier */
    }
    /* egress per workload */
    for (size_t g = 0; g < p->n_g; g++) {
        int used = 0;
        for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++)
            used |= sv->x[j] > 0.5;
        if (used)
            r->wl[p->g[g].w].egress_cost += p->g[g].egress;
    }
    for (size_t j = 0; j < p->n_c; j++) {
        int64_t cnt = (int64_t)(sv->x[j] + 0.5);
        if (cnt <= 0)
            continue;
        const gcol *c = &p->c[j];
        const oclass *cl = &b->cls[c->k];
        ga_wl_row *wr = &r->wl[c->w];
        double unit = c->unit * gf[c->w];
        wr->gpus += (int32_t)(cnt * c->gpc);
        wr->cost_per_hour += cnt * unit;
        wr->throughput += cnt * c->tput;
        /* delta plans: the member offers running now come first (pass 0),
         * up to what runs there, so kept instances stay where they are */
        for (int32_t pass = b->delta ? 0 : 1, mi = 0; pass < 2 && cnt > 0;
             mi = mi + 1 < cl->n_members ? mi + 1 : (pass++, 0)) {
            int32_t oi = b->members[cl->first_member + mi];
            int64_t take = cnt;
            if (left[oi] >= 0)
                take = GA_MIN(take, left[oi]);
            if (pass == 0)
                take = GA_MIN(take, ga_delta_running(b->delta, c->w, oi, c->spot));
            else if (mi == cl->n_members - 1)
                take = cnt; /* capacities were summed: cannot run short */
            if (take <= 0)
                continue;
            if (left[oi] >= 0)
                left[oi] -= take;
            cnt -= take;
            const ga_offer *o = &cat->v[oi];
            ga_alloc_row *same = NULL; /* pass 1 may add to pass 0's row */
            for (size_t t = r->n_rows; t-- > 0 && b->delta && !same;)
                if (r->rows[t].w == c->w && r->rows[t].spot == c->spot &&
                    r->rows[t].offer == oi)
                    same = &r->rows[t];
            if (same) {
                same->count += (int32_t)take;
                continue;
            }
            if (ga_grow((void **)&r->rows, &rows_cap, r->n_rows + 1, sizeof(ga_alloc_row)))
                goto nomem;
            ga_alloc_row *a = &r->rows[r->n_rows];
            memset(a, 0, sizeof *a);
            r->n_rows++;
            a->w = c->w;
            a->workload = ga_strdup(s->w[c->w].name);
            a->provider = ga_strdup(o->provider);
            a->region = ga_strdup(o->region);
            a->zone = ga_strdup(o->zone ? o->zone : "");
            a->instance_type = ga_strdup(o->instance_type);
            a->gpu = ga_strdup(ga_gpumodel_at(o->gpu)->name);
            if (!a->workload || !a->provider || !a->region || !a->zone || !a->instance_type || !a->gpu)
                goto nomem;
            a->gpus_per_instance = o->gpu_count;
            a->offer = oi;
            a->count = (int32_t)take;
            a->spot = c->spot;
            a->price_hour = c->spot ? o->spot : o->price;
            a->unit_cost = unit;
        }
    }
    for (size_t wi = 0; wi < s->n_w; wi++) {
        ga_wl_row *wr = &r->wl[wi];
        if (s->w[wi].work_gpu_hours > 0 && wr->throughput > 0) {
            wr->hours = s->w[wi].work_gpu_hours / wr->throughput;
            wr->work_cost = wr->hours * wr->cost_per_hour;
        }
    }
    free(gf);
    free(left);
    return GPUARB_OK;
nomem:
    free(gf);
    free(left);
    return ga_nomem(ctx);
}

/* Name the work-based workloads whose deadline no plan can meet: the
 * throughput it needs above the most its offers give within its GPU range
 * (the fastest speed per GPU times its most GPUs).  1 if any. */
static int explain_deadlines(const prob *p, gpuarb_result *r)
{
    const gpuarb_spec *s = p->b->spec;
    int any = 0;
    for (size_t wi = 0; wi < s->n_w; wi++) {
        const ga_workload *w = &s->w[wi];
        double need = ga_work_floor(w), speed = 0;
        if (!(need > 0) || p->w_nc[wi] == 0)
            continue;
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++)
            speed = GA_MAX(speed, p->c[j].tput / p->c[j].gpc);
        double most = speed * p->w_top[wi];
        if (most < need * (1 - 1e-9)) {
            ga_result_diag(r, "workload '%s' needs throughput %.6g (work_gpu_hours %.6g / "
                              "deadline_hours %.6g) but its offers give at most %.6g with %d "
                              "GPUs",
                           w->name, need, w->work_gpu_hours, w->deadline_hours, most,
                           (int)p->w_top[wi]);
            any = 1;
        }
    }
    return any;
}

void gpuarb_optimize_opts_init(gpuarb_optimize_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->time_limit_s = -1;
    o->mip_gap = 0;
    o->abs_gap = 0; /* "optimal" is proven to a relative gap of GA_OPT_GAP */
    o->memory_limit_mib = -1;
}

/* The baseline before the deadline (b->lim's): the providers share what
 * is left of it equally, in turn.  min_cost: the cheapest plan on one
 * provider, on demand.  max_throughput (SPEC section 3): the plan of most
 * throughput on one provider, on demand, within the same budget, ties to
 * the cheaper; the comparison is then throughput_gain_pct. */
static gpuarb_status compute_baseline(gpuarb_ctx *ctx, const base *b, const ga_tol *tol,
                                      gpuarb_result *r)
{
    int maxt = b->spec->objective == GA_OBJ_MAX_THROUGHPUT;
    double best = INF_COST, best_cph = 0, best_tput = 0, best_churn = 0;
    int32_t best_p = -1;
    int not_proven = 0;
    /* one provider holds every GPU: a provider cap below 1 rules out every
     * plan that has any, so there is no baseline to search for */
    int needs_gpus = 0;
    for (size_t wi = 0; wi < b->spec->n_w; wi++)
        needs_gpus |= b->spec->w[wi].min_gpus > 0;
    if (needs_gpus && b->spec->max_provider_share >= 0 && b->spec->max_provider_share < 1)
        return GPUARB_OK;
    for (int32_t q = 0; q < b->n_prov; q++) {
        if (b->lim.deadline_ms > 0 && ga_now_ms() >= b->lim.deadline_ms) {
            /* no time left: no more providers tried (the per-workload
             * optimum alone can take long); what was found stands */
            ga_result_diag(r, "baseline: the time limit ended after %d of %d providers were "
                              "tried", (int)q, (int)b->n_prov);
            not_proven = 1;
            if (best_p < 0)
                return GPUARB_OK;
            break;
        }
        /* min_cost: "the cheapest single-provider plan"; max_throughput:
         * the spec's own objective on one provider */
        view v = {.only_prov = q, .ondemand_only = 1, .min_cost = !maxt};
        prob p;
        sol sv;
        double d_q = ga_stage_deadline(b, 0, 1.0 / (double)(b->n_prov - q));
        gpuarb_status st = ga_solve_exact(ctx, b, &v, d_q, tol, &p, &sv);
        if (st) {
            ga_sol_free(&sv);
            ga_prob_free(&p);
            return st;
        }
        int plan = sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE;
        double tt = 1e-9 * GA_MAX(1.0, best_tput);
        /* delta plans: chosen by total + launches (sv.e.total holds both),
         * reported as SPEC's total like the plan's */
        int cheaper = sv.e.total < best + best_churn - 1e-9;
        int wins = maxt ? best_p < 0 || sv.e.tput > best_tput + tt ||
                              (sv.e.tput >= best_tput - tt && cheaper)
                        : cheaper;
        if (plan && wins) {
            best = sv.e.total - sv.e.churn;
            best_churn = sv.e.churn;
            best_cph = sv.e.cph;
            best_tput = sv.e.tput;
            best_p = q;
            not_proven = sv.status != GPUARB_SOLVE_OPTIMAL;
        }
        ga_sol_free(&sv);
        ga_prob_free(&p);
    }
    if (best_p < 0)
        return GPUARB_OK;
    r->has_baseline = 1;
    if (!(r->baseline_provider = ga_strdup(b->prov_name[best_p])))
        return ga_nomem(ctx);
    r->baseline_cph = best_cph;
    r->baseline_total = best;
    r->baseline_tput = best_tput;
    r->savings_pct = best > 0 ? 100.0 * (1.0 - r->total_cost / best) : 0.0;
    r->tput_gain_pct = best_tput > 0 ? 100.0 * (r->throughput / best_tput - 1.0) : 0.0;
    if (b->delta && best + best_churn > 0) /* delta plans: launches counted on both sides */
        r->savings_pct = 100.0 * (1.0 - (r->total_cost + r->churn_cost) / (best + best_churn));
    if (not_proven)
        ga_result_diag(r, maxt ? "baseline: the time limit ended before the single-provider "
                                 "plan was proven of most throughput"
                               : "baseline: the time limit ended before the single-provider "
                                 "plan was proven cheapest");
    return GPUARB_OK;
}

/* max_throughput's "infeasible" is cross-checked by the plain feasibility
 * question: least cost under the same constraints and budget.  GLPK can
 * call a model with counts in the millions next to throughput factors of
 * 1e-6 infeasible when it is not (tests/diffcheck.py, seed 17, case 257:
 * a gang without max_gpus, $0.0001/h offers, a provider cap).  A plan found
 * there replaces the verdict: FEASIBLE, its throughput not proven best,
 * with the bound every plan obeys, budget x the most throughput per $/h of
 * any column (dominance keeps the column of best ratio).  *p and *sv are
 * replaced; *crossed says so. */
static gpuarb_status cross_check_infeasible(gpuarb_ctx *ctx, const base *b, const view *v,
                                            double deadline, const ga_tol *tol, prob *p, sol *sv,
                                            int *crossed)
{
    double ratio = 0;
    int free_col = 0;
    for (size_t j = 0; j < p->n_c; j++) {
        if (p->c[j].unit > 0)
            ratio = GA_MAX(ratio, p->c[j].tput / p->c[j].unit);
        else if (p->c[j].tput > 0)
            free_col = 1;
    }
    view vc = *v;
    vc.min_cost = 1;
    prob pc;
    sol sc;
    memset(&sc, 0, sizeof sc);
    gpuarb_status st = ga_solve_exact(ctx, b, &vc, deadline, tol, &pc, &sc);
    if (st) {
        ga_sol_free(&sc);
        ga_prob_free(&pc);
        return st;
    }
    if (sc.status != GPUARB_SOLVE_OPTIMAL && sc.status != GPUARB_SOLVE_FEASIBLE) {
        ga_sol_free(&sc);
        ga_prob_free(&pc);
        return GPUARB_OK;
    }
    ga_sol_free(sv);
    ga_prob_free(p);
    *p = pc;
    *sv = sc;
    sv->status = GPUARB_SOLVE_FEASIBLE;
    sv->proven = 0;
    double budget = b->spec->budget_per_hour;
    if (!free_col && budget >= 0 && ratio > 0) {
        sv->bound = GA_MAX(budget * ratio, sv->e.tput);
        sv->gap = sv->bound > 0 ? (sv->bound - sv->e.tput) / sv->bound : 0;
    } else {
        sv->bound = sv->e.tput; /* no finite bound is known: the gap is unknown */
        sv->gap = 1;
    }
    *crossed = 1;
    return GPUARB_OK;
}

gpuarb_status gpuarb_optimize(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                              const gpuarb_catalog *catalog, const gpuarb_optimize_opts *opts,
                              gpuarb_result **out)
{
    if (!spec || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "gpuarb_optimize: NULL argument");
    *out = NULL;
    gpuarb_optimize_opts dflt;
    gpuarb_optimize_opts_init(&dflt);
    if (!opts)
        opts = &dflt;
    if (opts->size < sizeof *opts) /* the first version's size (gpuarb.h's ABI rule) */
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "gpuarb_optimize: opts.size %u is below the %u bytes of "
                        "gpuarb_optimize_opts (use gpuarb_optimize_opts_init)",
                        (unsigned)opts->size, (unsigned)sizeof *opts);
    if (!(opts->mip_gap >= 0 && opts->mip_gap < 1))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "mip_gap must be in [0, 1)");
    if (!(opts->abs_gap >= 0 && isfinite(opts->abs_gap)))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "abs_gap must be >= 0 and finite");
    ga_tol tol = {opts->mip_gap, opts->abs_gap};
    gpuarb_catalog *owned = NULL;
    gpuarb_status st;
    if (!catalog) {
        /* the spec's references, loaded by the catalog layer */
        size_t n_refs = spec->catalog_builtin ? 0 : spec->n_catalogs;
        if ((st = ga_catalog_load_refs(ctx, spec->catalogs, n_refs, &owned)))
            return st;
        catalog = owned;
    }
    double t0 = ga_now_ms();
    double limit_s = opts->time_limit_s >= 0 ? opts->time_limit_s : spec->time_limit_s;
    double time_ms = limit_s * 1000.0;
    gpuarb_result *r = ga_calloc(1, sizeof *r);
    base b;
    memset(&b, 0, sizeof b);
    ga_delta delta;
    memset(&delta, 0, sizeof delta);
    prob p;
    memset(&p, 0, sizeof p);
    sol sv;
    memset(&sv, 0, sizeof sv);
    if (!r) {
        st = ga_nomem(ctx);
        goto done;
    }
    r->objective = spec->objective;
    r->horizon_hours = spec->horizon_hours;
    r->offers_in = (int32_t)GA_MIN(catalog->n, (size_t)INT32_MAX);
    double mem_mib = opts->memory_limit_mib >= 0 ? opts->memory_limit_mib : spec->memory_limit_mib;
    ga_progress prog;
    ga_progress_init(&prog, opts->progress, opts->progress_arg,
                     spec->objective == GA_OBJ_MAX_THROUGHPUT);
    ga_limits lim = {time_ms > 0 ? t0 + time_ms : 0, mem_mib * 1048576.0,
                     opts->progress ? &prog : NULL};
    if ((st = ga_trust_check_spec(ctx, spec, catalog, r))) /* issue 7: unknown providers */
        goto done;
    if ((st = ga_base_build(ctx, spec, catalog, &lim, &b)))
        goto done;
    r->classes = (int32_t)b.n_cls;
    if (spec->current) {
        /* delta plans: the fleet running now, resolved onto the classes */
        if ((st = ga_delta_build(ctx, &b, spec->current, &delta)))
            goto done;
        b.delta = &delta;
        r->delta = 1;
    }
    view v = {.only_prov = -1};
    /* the main solve leaves a share of the deadline to the baseline */
    double d_main = ga_stage_deadline(&b, 0, opts->skip_baseline ? 1.0 : 0.85);
    if ((st = ga_solve_exact(ctx, &b, &v, d_main, &tol, &p, &sv)))
        goto done;
    int crossed = 0;
    if (sv.status == GPUARB_SOLVE_INFEASIBLE && spec->objective == GA_OBJ_MAX_THROUGHPUT &&
        (st = cross_check_infeasible(ctx, &b, &v, d_main, &tol, &p, &sv, &crossed)))
        goto done;
    if (sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE) {
        /* the last line of defence: a plan that fails the verifier against
         * the spec is never reported */
        plan_eval e;
        if ((st = ga_verify(ctx, &p, sv.x, &e)))
            goto done;
        if (!e.feasible) {
            st = ga_error(ctx, GPUARB_ERR_SOLVER, NULL, 0, 0, NULL,
                          "internal error: the solver's plan fails the spec's constraints; "
                          "no plan is reported");
            goto done;
        }
        sv.e = e;
    }
    if (opts->write_model) {
        /* the model of the spec: every column, every constraint; with a
         * share cap the GPU ranges come from the plan's cost (columns.c) */
        ga_mip *m = NULL;
        mipmap mm = {0};
        prob pm;
        view vm = v;
        if (spec->objective == GA_OBJ_MIN_COST &&
            (sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE)) {
            vm.has_cost_cap = 1;
            vm.cost_cap = sv.e.total;
        }
        if ((st = ga_prob_build(ctx, &b, &vm, &pm)))
            goto done;
        if ((st = ga_alloc_mip_build(ctx, &pm, 0, 0, &m, &mm))) {
            ga_prob_free(&pm);
            goto done;
        }
        st = ga_mip_write_lp(ctx, m, opts->write_model);
        ga_mip_free(m);
        ga_mipmap_free(&mm);
        ga_prob_free(&pm);
        if (st)
            goto done;
    }
    r->columns = (int32_t)p.n_c;
    r->status = sv.status;
    r->method = sv.method;
    r->mip_cols = sv.mip_cols;
    r->mip_rows = sv.mip_rows;
    r->nodes = sv.nodes;
    if (sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE) {
        r->cost_per_hour = sv.e.cph;
        r->egress_cost = sv.e.egress;
        r->total_cost = sv.e.total - sv.e.churn; /* SPEC's total; churn apart */
        r->churn_cost = sv.e.churn;
        r->throughput = sv.e.tput;
        r->mip_gap = sv.gap;
        r->bound = sv.bound;
        if ((st = fill_rows(ctx, &p, &sv, r)))
            goto done;
        if (b.delta && (st = ga_delta_changes(ctx, &b, r)))
            goto done;
        double dist = spec->objective == GA_OBJ_MIN_COST ? sv.e.total - sv.bound
                                                         : sv.bound - sv.e.tput;
        int within_tol = sv.gap > 0 && ((tol.rel > 0 && sv.gap <= tol.rel * (1 + 1e-9)) ||
                                        (tol.abs_cost > 0 && spec->objective == GA_OBJ_MIN_COST &&
                                         dist <= tol.abs_cost * (1 + 1e-9)));
        if (sv.status == GPUARB_SOLVE_FEASIBLE && crossed)
            ga_result_diag(r, "the throughput solve found no plan (numerics: offers of very "
                              "different prices or speeds), but one exists: this plan is the "
                              "cheapest under the same constraints; its throughput is not "
                              "proven best (no plan reaches more than %.10g)", sv.bound);
        else if (sv.status == GPUARB_SOLVE_FEASIBLE && within_tol)
            ga_result_diag(r, "stopped at the tolerance asked for: the plan is at most %.4g "
                              "from the proven bound %.10g (relative gap %.3g); not proven "
                              "optimal", dist, sv.bound, sv.gap);
        else if (sv.status == GPUARB_SOLVE_FEASIBLE && sv.gap > 0)
            ga_result_diag(r, "time limit: the plan is within %.3g%% of the proven bound %.10g",
                           100.0 * sv.gap, sv.bound);
        else if (sv.status == GPUARB_SOLVE_FEASIBLE)
            ga_result_diag(r, "the throughput is proven best, but the cheapest plan with it "
                              "was not proven (time limit or solver tolerance)");
    } else if (sv.status == GPUARB_SOLVE_INFEASIBLE) {
        if (!explain_deadlines(&p, r) && !ga_explain_workloads(&p, r))
            if ((st = ga_explain_families(ctx, &b, &v, ga_stage_deadline(&b, 0, 1.0), &tol, r)))
                goto done;
        if (sv.range_only) {
            int32_t most = 0;
            for (size_t wi = 0; wi < spec->n_w; wi++)
                if (spec->w[wi].max_gpus < 0)
                    most = GA_MAX(most, p.w_top[wi]);
            ga_result_diag(r, "infeasible within the GPU counts searched: with a share cap, "
                              "extra GPUs of a workload without max_gpus can lower a "
                              "provider's or spot's fraction, and no plan exists with up to "
                              "%ld GPUs for each such workload; beyond that it is not proven",
                           (long)most);
        }
    } else {
        r->bound = sv.bound;
        r->bound_known = sv.bound_known;
        if (!sv.bound_known)
            ga_result_diag(r, "time limit: no feasible plan was found in %.3g s", limit_s);
        else if (spec->objective == GA_OBJ_MIN_COST)
            ga_result_diag(r, "time limit: no feasible plan was found in %.3g s; no plan can "
                              "cost less than %.10g", limit_s, sv.bound);
        else
            ga_result_diag(r, "time limit: no feasible plan was found in %.3g s; no plan can "
                              "reach more throughput than %.10g", limit_s, sv.bound);
    }
    r->solve_ms = ga_now_ms() - t0;
    if (opts->progress && (sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE))
        ga_progress_note(&prog, spec->objective == GA_OBJ_MAX_THROUGHPUT ? sv.e.tput : sv.e.total,
                         sv.bound, 1);
    if (!opts->skip_baseline && (r->status == GPUARB_SOLVE_OPTIMAL || r->status == GPUARB_SOLVE_FEASIBLE)) {
        if ((st = compute_baseline(ctx, &b, &tol, r)))
            goto done;
    }
    if ((st = ga_trust_annotate(ctx, &b, opts->explain, &tol, r))) /* issue 7 */
        goto done;
done:
    ga_sol_free(&sv);
    ga_prob_free(&p);
    ga_base_free(&b);
    ga_delta_free(&delta);
    gpuarb_catalog_free(owned);
    if (!st && r->nomem)
        st = ga_nomem(ctx); /* a sentence of the result was lost */
    if (st) {
        gpuarb_result_free(r);
        return st;
    }
    *out = r;
    return GPUARB_OK;
}
