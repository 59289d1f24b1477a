/*
 * solve.c - solving one view exactly: the per-workload DP when its plan
 * meets the shared constraints, otherwise the MIP started from the best
 * plan at hand; with share caps, the R0 (caps dropped), R1 (reduced) and F
 * (full) stages that keep the model small when the caps do not bind.
 * Every stage runs inside one absolute deadline with an explicit share of
 * what is left (R0 a half, R1 a quarter of the rest, F the rest; max_throughput's
 * stage 0 three quarters and its tie-break the rest), and every plan found
 * (greedy, DP, R0, R1) is handed to the next stage and kept for the
 * result, so a time limit never discards a plan in hand.
 * Wraps no dependency (the MIP through mip.c).  Invariants: every plan
 * reported has passed the verifier (verify.c); every reported bound is
 * valid for the view (a restricted model's bound never is: prob.restricted);
 * a plan is called optimal only when proven to a relative gap of GA_OPT_GAP,
 * whatever tolerance the solver was given.  Statuses: GPUARB_OK (any solve
 * outcome), GPUARB_ERR_NOMEM, GPUARB_ERR_SOLVER.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "alloc/decomp.h"
#include "alloc/progress.h"
#include "alloc/optimize.h"
#include "numeric/lp.h"

double ga_stage_deadline(const base *b, double deadline, double frac)
{
    if (ga_progress_stopped(b->lim.prog))
        return ga_now_ms(); /* the caller asked to stop: every stage ends */
    double d = deadline;
    if (b->lim.deadline_ms > 0 && (d <= 0 || b->lim.deadline_ms < d))
        d = b->lim.deadline_ms;
    if (d <= 0)
        return 0;
    double now = ga_now_ms();
    /* past the deadline: the deadline itself, and the stage runs no MIP
     * (ga_alloc_mip_run), only what gives a plan at once */
    if (d <= now)
        return d;
    return now + GA_MAX(1.0, (d - now) * frac);
}

/* 1 if GLPK proved its incumbent optimal with no gap tolerance and the
 * verified plan is that incumbent: the two values differ only by the
 * rounding of values GLPK takes as integers (its integrality tolerance is
 * 1e-5), 1e-6 relative at most here.  The proof is then the plan's: GLPK
 * prunes a node only when its bound is within a relative 1e-9 of the
 * incumbent (tol_obj, lp.c); the rounding adds at most 1e-6 relative
 * between GLPK's incumbent and the plan printed, and the result states both
 * (result_write.c, "tolerances"). */
static int glpk_proved(const ga_mip_out *mo, double value, double rel, double abs_gap)
{
    return mo->status == GA_MIP_OPTIMAL && rel == 0 && abs_gap == 0 &&
           fabs(value - mo->obj) <= GA_ROUND_TOL * GA_MAX(1.0, fabs(value));
}

/* The relative gap of s's plan to s->bound (0 below GA_OPT_GAP). */
static double gap_of(int32_t objective, const sol *s)
{
    double g;
    if (objective == GA_OBJ_MIN_COST)
        g = s->e.total > 1e-12 ? (s->e.total - s->bound) / s->e.total : 0;
    else
        g = s->bound > 1e-12 ? (s->bound - s->e.tput) / s->bound : 0;
    return g <= GA_OPT_GAP ? 0 : g;
}


/* GLPK counts a value within 1e-5 of an integer as integral, so a region
 * indicator of 1e-6 can carry M x 1e-6 GPUs of a gang into a second region
 * where M, the region's GPU range, is large (offers at a hundredth of a
 * cent an hour under a budget).  When the rounded plan spans regions and
 * the verifier's repair cannot save it, the view is split on the first
 * gang that spans: one subproblem per region of that gang, the gang's other
 * regions held at 0 (col_off), each solved by ga_solve_view (which splits
 * again if another gang leaks).  The regions cover every plan of the view,
 * so the best subproblem plan is the view's optimum when every subproblem
 * was proven (optimal, or infeasible over its full ranges), and the best of
 * the subproblem bounds is a bound.  *split says whether it applied. */
static gpuarb_status split_gang(gpuarb_ctx *ctx, const prob *p, const double *raw,
                                double deadline, const ga_tol *tol, sol *out, int *split)
{
    const gpuarb_spec *s = p->b->spec;
    int maxt = p->objective == GA_OBJ_MAX_THROUGHPUT;
    *split = 0;
    int32_t gw = -1;
    for (size_t wi = 0; wi < s->n_w && gw < 0; wi++) {
        if (!s->w[wi].same_region)
            continue;
        int used = 0;
        for (int32_t g = p->w_g0[wi]; g < p->w_g0[wi] + p->w_ng[wi]; g++) {
            int any = 0;
            for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++)
                any |= raw[j] > 0.5;
            used += any;
        }
        if (used > 1)
            gw = (int32_t)wi;
    }
    if (gw < 0)
        return GPUARB_OK;
    *split = 1;
    unsigned char *off = ga_mallocarray(p->n_c ? p->n_c : 1, 1);
    if (!off)
        return ga_nomem(ctx);
    int have = 0, exact = 1, bk = 1;
    double bound = maxt ? -INF_COST : INF_COST;
    gpuarb_status st = GPUARB_OK;
    for (int32_t g = p->w_g0[gw]; g < p->w_g0[gw] + p->w_ng[gw] && !st; g++) {
        for (size_t j = 0; j < p->n_c; j++)
            off[j] = p->col_off && p->col_off[j];
        for (int32_t h = p->w_g0[gw]; h < p->w_g0[gw] + p->w_ng[gw]; h++)
            if (h != g)
                for (int32_t j = p->g[h].c0; j < p->g[h].c0 + p->g[h].nc; j++)
                    off[j] = 1;
        prob q = *p;
        q.col_off = off;
        sol sub;
        if ((st = ga_solve_view(ctx, &q, deadline, tol, NULL, &sub))) {
            ga_sol_free(&sub);
            break;
        }
        out->nodes += sub.nodes;
        if (sub.status == GPUARB_SOLVE_OPTIMAL || sub.status == GPUARB_SOLVE_FEASIBLE) {
            if (!have || ga_plan_better(p->objective, &sub.e, &out->e)) {
                memcpy(out->x, sub.x, sizeof(double) * p->n_c);
                out->e = sub.e;
                out->proven = sub.proven;
            } else if (!ga_plan_better(p->objective, &out->e, &sub.e)) {
                out->proven &= sub.proven;
            }
            have = 1;
        }
        if (sub.status == GPUARB_SOLVE_FEASIBLE || sub.status == GPUARB_SOLVE_TIME_LIMIT ||
            (sub.status == GPUARB_SOLVE_INFEASIBLE && sub.range_only))
            exact = 0;
        if (sub.status != GPUARB_SOLVE_INFEASIBLE) {
            if (sub.status == GPUARB_SOLVE_TIME_LIMIT && !sub.bound_known)
                bk = 0;
            else
                bound = maxt ? GA_MAX(bound, sub.bound) : GA_MIN(bound, sub.bound);
        }
        ga_sol_free(&sub);
    }
    free(off);
    if (st)
        return st;
    if (!have) {
        out->status = exact ? GPUARB_SOLVE_INFEASIBLE : GPUARB_SOLVE_TIME_LIMIT;
        out->range_only = 0;
        out->bound_known = bk && !exact;
        out->bound = bound;
        return GPUARB_OK;
    }
    out->bound_known = 1;
    out->bound = bk ? (maxt ? GA_MAX(bound, out->e.tput) : GA_MIN(bound, out->e.total))
                    : (maxt ? out->e.tput : out->e.total);
    out->gap = bk ? gap_of(p->objective, out) : 0;
    out->status = exact && bk && out->gap == 0 && (out->proven || !maxt)
                      ? GPUARB_SOLVE_OPTIMAL
                      : GPUARB_SOLVE_FEASIBLE;
    if (!bk && out->status == GPUARB_SOLVE_FEASIBLE)
        out->gap = 0;
    return GPUARB_OK;
}

/* A throughput no plan of p exceeds, from the budget alone: every $/h buys
 * at most max(tput / unit).  0 if there is none (a free column). */
static int budget_tput_bound(const prob *p, double *bound)
{
    const gpuarb_spec *s = p->b->spec;
    if (s->budget_per_hour < 0 || p->v.drop_budget)
        return 0;
    double best = 0;
    for (size_t j = 0; j < p->n_c; j++) {
        if (!(p->c[j].unit > 0))
            return 0;
        best = GA_MAX(best, p->c[j].tput / p->c[j].unit);
    }
    *bound = s->budget_per_hour * best * (1 + 1e-12);
    return 1;
}

gpuarb_status ga_solve_view(gpuarb_ctx *ctx, const prob *p, double deadline, const ga_tol *tol,
                            const double *hint, sol *out)
{
    const gpuarb_spec *s = p->b->spec;
    gpuarb_status st;
    memset(out, 0, sizeof *out);
    out->x = ga_calloc(p->n_c ? p->n_c : 1, sizeof(double));
    if (!out->x)
        return ga_nomem(ctx);
    /* quick infeasibility: a workload that needs GPUs but has no column */
    for (size_t wi = 0; wi < s->n_w; wi++) {
        if (s->w[wi].min_gpus > 0 && p->w_nc[wi] == 0) {
            out->status = GPUARB_SOLVE_INFEASIBLE;
            return GPUARB_OK;
        }
    }
    if (p->n_c == 0) {
        /* nothing can be bought: the empty plan is the only plan */
        if ((st = ga_verify(ctx, p, out->x, &out->e)))
            return st;
        out->status = out->e.feasible ? GPUARB_SOLVE_OPTIMAL : GPUARB_SOLVE_INFEASIBLE;
        out->proven = 1;
        out->method = GA_METHOD_DECOMPOSED;
        return GPUARB_OK;
    }
    double lower = 0;
    if (p->objective == GA_OBJ_MIN_COST) {
        /* 1. every workload alone: exact, and a lower bound together (a
         * workload the DP skipped adds 0: costs are never negative) */
        int too_big = 0, infeasible = 0;
        for (size_t wi = 0; wi < s->n_w && !infeasible; wi++) {
            double v = ga_dp_workload(p, (int32_t)wi, NULL, out->x);
            if (v == -2)
                return ga_nomem(ctx);
            if (v < 0)
                too_big = 1; /* -1 too large, -3 stopped at the deadline */
            else if (v >= INF_COST)
                infeasible = 1;
            else
                lower += v;
        }
        if (infeasible) {
            out->status = GPUARB_SOLVE_INFEASIBLE;
            return GPUARB_OK;
        }
        if (!too_big) {
            if ((st = ga_verify(ctx, p, out->x, &out->e)))
                return st;
            if (out->e.feasible) {
                out->status = GPUARB_SOLVE_OPTIMAL;
                out->proven = 1;
                out->bound = out->e.total;
                out->gap = 0;
                out->method = GA_METHOD_DECOMPOSED;
                return GPUARB_OK;
            }
        }
    }
    /* 2. the MIP, started from the caller's plan or a greedy one; the
     * start is kept: it is the answer if the MIP ends with nothing better */
    double *start = ga_calloc(p->n_c, sizeof(double));
    if (!start)
        return ga_nomem(ctx);
    plan_eval se;
    memset(&se, 0, sizeof se);
    int have_start = 0;
    if (hint) {
        memcpy(start, hint, sizeof(double) * p->n_c);
        if ((st = ga_verify(ctx, p, start, &se)))
            goto fail;
        have_start = se.feasible;
    }
    if (!have_start && p->objective == GA_OBJ_MIN_COST) {
        memset(start, 0, sizeof(double) * p->n_c);
        if (ga_greedy(p, start)) {
            if ((st = ga_verify(ctx, p, start, &se)))
                goto fail;
            have_start = se.feasible;
        }
    }
    int maxt = p->objective == GA_OBJ_MAX_THROUGHPUT;
    double d0 = ga_stage_deadline(p->b, deadline, maxt ? 0.75 : 1.0);
    ga_mip_out mo;
    memset(&mo, 0, sizeof mo);
    if ((st = ga_alloc_mip_run(ctx, p, 0, 0, have_start ? start : NULL, d0, tol, out, &mo)))
        goto fail;
    out->method = GA_METHOD_MIP;
    int have = 0;
    if (mo.status == GA_MIP_OPTIMAL || mo.status == GA_MIP_FEASIBLE) {
        /* the solver's plan, rounded, counts only once verified */
        double *raw = ga_mallocarray(p->n_c, sizeof(double));
        if (!raw) {
            st = ga_nomem(ctx);
            goto fail;
        }
        memcpy(raw, out->x, sizeof(double) * p->n_c);
        if (!(st = ga_repair(ctx, p, out->x, &out->e)))
            have = out->e.feasible;
        int split = 0;
        if (!st && !have)
            st = split_gang(ctx, p, raw, deadline, tol, out, &split);
        free(raw);
        if (st)
            goto fail;
        if (split) {
            /* the split's plan, bound and status are the view's; a start in
             * hand still wins when it is better */
            int got = out->status == GPUARB_SOLVE_OPTIMAL || out->status == GPUARB_SOLVE_FEASIBLE;
            if (have_start && (!got || ga_plan_better(p->objective, &se, &out->e))) {
                memcpy(out->x, start, sizeof(double) * p->n_c);
                out->e = se;
                out->status = GPUARB_SOLVE_FEASIBLE;
                out->proven = 0;
                double b = out->bound;
                int bk = out->bound_known;
                out->bound = maxt ? out->e.tput : out->e.total;
                if (bk)
                    out->bound = maxt ? GA_MAX(b, out->bound) : GA_MIN(b, out->bound);
                out->bound_known = 1;
                out->gap = bk ? gap_of(p->objective, out) : 0;
            }
            if (p->objective == GA_OBJ_MIN_COST && out->bound_known &&
                (out->status == GPUARB_SOLVE_OPTIMAL || out->status == GPUARB_SOLVE_FEASIBLE))
                out->bound = GA_MIN(out->e.total, GA_MAX(out->bound, lower));
            free(start);
            return GPUARB_OK;
        }
    }
    if (have_start && (!have || ga_plan_better(p->objective, &se, &out->e))) {
        memcpy(out->x, start, sizeof(double) * p->n_c);
        out->e = se;
        have = 1;
    }
    /* the bound: the MIP's unless the model is a restriction, and for
     * min_cost the decomposition's */
    int mip_bound = !p->restricted &&
                    (mo.status == GA_MIP_OPTIMAL || mo.status == GA_MIP_FEASIBLE ||
                     (mo.status == GA_MIP_NOSOLUTION && mo.has_bound));
    if (p->objective == GA_OBJ_MIN_COST) {
        out->bound = lower;
        out->bound_known = 1;
        if (mip_bound && mo.bound > out->bound)
            out->bound = mo.bound;
    } else if (mip_bound) {
        out->bound = mo.bound;
        out->bound_known = 1;
    } else {
        out->bound_known = budget_tput_bound(p, &out->bound);
    }
    if (!have) {
        free(start);
        if (mo.status == GA_MIP_INFEASIBLE || mo.status == GA_MIP_UNBOUNDED) {
            /* a restricted model's infeasibility holds within its GPU
             * ranges only: reported as such (sol.range_only), never as a
             * time limit that did not happen */
            out->status = GPUARB_SOLVE_INFEASIBLE;
            out->range_only = p->restricted;
        } else {
            out->status = GPUARB_SOLVE_TIME_LIMIT;
        }
        return GPUARB_OK;
    }
    out->status = GPUARB_SOLVE_FEASIBLE;
    int bvalid = out->bound_known;
    if (!bvalid) {
        /* no bound at all: report the plan's own value, never "optimal" */
        out->bound = maxt ? out->e.tput : out->e.total;
        out->bound_known = 1;
    }
    if (have && glpk_proved(&mo, maxt ? out->e.tput : out->e.total, tol->rel,
                            maxt ? 0 : tol->abs_cost) &&
        (maxt ? out->e.tput >= mo.obj - 1e-6 * GA_MAX(1.0, mo.obj)
              : out->e.total <= mo.obj + 1e-6 * GA_MAX(1.0, mo.obj))) {
        /* GLPK's proof covers the plan it found (see glpk_proved) */
        out->bound = maxt ? out->e.tput : out->e.total;
        bvalid = out->bound_known = 1;
    }
    /* a solver bound on the wrong side of a verified plan is its
     * tolerance: the plan wins */
    if (maxt)
        out->bound = GA_MAX(out->bound, out->e.tput);
    else
        out->bound = GA_MIN(out->bound, out->e.total);
    out->gap = bvalid ? gap_of(p->objective, out) : 0;
    out->proven = !maxt;
    if (maxt && bvalid && out->gap == 0) {
        /* 3. ties go to the cheaper plan: least cost at this throughput */
        ga_mip_out mo2;
        memset(&mo2, 0, sizeof mo2);
        memcpy(start, out->x, sizeof(double) * p->n_c);
        se = out->e;
        sol s2;
        memset(&s2, 0, sizeof s2);
        s2.x = out->x;
        double d1 = ga_stage_deadline(p->b, deadline, 1.0);
        if ((st = ga_alloc_mip_run(ctx, p, 1, se.tput, start, d1, tol, &s2, &mo2)))
            goto fail;
        out->nodes += s2.nodes;
        int ok2 = 0;
        if (mo2.status == GA_MIP_OPTIMAL || mo2.status == GA_MIP_FEASIBLE) {
            plan_eval e2;
            if ((st = ga_repair(ctx, p, out->x, &e2)))
                goto fail;
            ok2 = e2.feasible && e2.tput >= se.tput - 1e-9 * GA_MAX(1.0, se.tput) &&
                  e2.total <= se.total;
            if (ok2)
                out->e = e2;
        }
        if (!ok2)
            memcpy(out->x, start, sizeof(double) * p->n_c);
        /* proven when the second stage proved its least cost exactly */
        out->proven = ok2 && !p->restricted && glpk_proved(&mo2, out->e.total, tol->rel,
                                                            tol->abs_cost);
    }
    if (bvalid && out->gap == 0 && out->proven)
        out->status = GPUARB_SOLVE_OPTIMAL;
    free(start);
    return GPUARB_OK;
fail:
    free(start);
    return st;
}

void ga_sol_free(sol *s)
{
    free(s->x);
    s->x = NULL;
}

/* Copy plan x of view pa onto the columns of pb (matched by workload,
 * class and market; columns pb lacks are dropped, so the copy may fail
 * the verifier, which its user runs). */
static gpuarb_status map_plan(gpuarb_ctx *ctx, const prob *pa, const double *x, const prob *pb,
                              double *y)
{
    const base *b = pa->b;
    int32_t *pos = ga_mallocarray(2 * (b->n_cls ? b->n_cls : 1), sizeof(int32_t));
    if (!pos)
        return ga_nomem(ctx);
    for (size_t k = 0; k < 2 * b->n_cls; k++)
        pos[k] = -1;
    for (size_t i = 0; i < pb->n_c; i++)
        y[i] = 0;
    for (size_t wi = 0; wi < b->spec->n_w; wi++) {
        int32_t a0 = pb->w_c0[wi], an = pb->w_nc[wi];
        for (int32_t i = a0; i < a0 + an; i++)
            pos[2 * pb->c[i].k + pb->c[i].spot] = i;
        for (int32_t j = pa->w_c0[wi]; j < pa->w_c0[wi] + pa->w_nc[wi]; j++) {
            int32_t i = pos[2 * pa->c[j].k + pa->c[j].spot];
            if (i >= 0)
                y[i] = x[j];
        }
        for (int32_t i = a0; i < a0 + an; i++)
            pos[2 * pb->c[i].k + pb->c[i].spot] = -1;
    }
    free(pos);
    return GPUARB_OK;
}

/* A stage of ga_solve_exact: its problem, its solution, and whether its
 * plan meets every constraint of the caller's view. */
typedef struct stage {
    prob p;
    sol s;
    int built, plan;
} stage;

static void stage_free(stage *t)
{
    if (t->built) {
        ga_sol_free(&t->s);
        ga_prob_free(&t->p);
    }
    t->built = t->plan = 0;
}

/* Build view vw and solve it (from hint on pa's columns when not NULL)
 * until deadline; t->plan says whether its plan meets view v. */
static gpuarb_status run_stage(gpuarb_ctx *ctx, const base *b, const view *vw, const view *v,
                               double deadline, const ga_tol *tol, const stage *from, stage *t)
{
    memset(t, 0, sizeof *t);
    gpuarb_status st = ga_prob_build(ctx, b, vw, &t->p);
    if (st)
        return st;
    t->built = 1;
    double *hint = NULL;
    if (from && from->plan) {
        if (!(hint = ga_mallocarray(t->p.n_c ? t->p.n_c : 1, sizeof(double))))
            return ga_nomem(ctx);
        if ((st = map_plan(ctx, &from->p, from->s.x, &t->p, hint))) {
            free(hint);
            return st;
        }
    }
    /* the full view under share caps: the Lagrangian decomposition, from
     * GA_DECOMP_MIN_WORKLOADS workloads (below, GLPK alone is faster: its
     * set-up cost is paid once, not per cutting-plane step) */
    if (t->p.shares && !vw->reduce && b->spec->n_w >= GA_DECOMP_MIN_WORKLOADS &&
        ga_decomp_applies(&t->p))
        st = ga_decomp_solve(ctx, &t->p, deadline, tol, hint, &t->s, NULL);
    else
        st = ga_solve_view(ctx, &t->p, deadline, tol, hint, &t->s);
    free(hint);
    if (st)
        return st;
    if (t->s.status == GPUARB_SOLVE_OPTIMAL || t->s.status == GPUARB_SOLVE_FEASIBLE) {
        /* judge the plan by the caller's view (R0 drops the caps) */
        view keep = t->p.v;
        t->p.v = *v;
        plan_eval e;
        st = ga_verify(ctx, &t->p, t->s.x, &e);
        t->p.v = keep;
        if (st)
            return st;
        t->plan = e.feasible;
        if (e.feasible)
            t->s.e = e;
    }
    return GPUARB_OK;
}

/* Solve view v exactly.  With share caps active, three steps keep the
 * model small in the common case where the caps do not bind:
 *   R0: the view without share caps (so dominance is exact): a bound, and
 *       the answer when its plan happens to meet the caps;
 *   R1: the reduced view with the caps (a restriction): a good plan,
 *       optimal when it reaches R0's bound;
 *   F:  the full view with the caps, started from the best plan so far,
 *       its GPU ranges bounded by that plan's cost (see columns.c).
 * On return *P and *S hold the problem and solution the result comes from
 * (the caller frees both). */
gpuarb_status ga_solve_exact(gpuarb_ctx *ctx, const base *b, const view *v, double deadline,
                             const ga_tol *tol, prob *P, sol *S)
{
    const gpuarb_spec *s = b->spec;
    int shares = (s->max_provider_share >= 0 && s->max_provider_share < 1 && !v->drop_pshare) ||
                 (s->max_spot_share >= 0 && s->max_spot_share < 1 && !v->drop_sshare);
    int32_t objective = v->min_cost ? GA_OBJ_MIN_COST : s->objective;
    int maxt = objective == GA_OBJ_MAX_THROUGHPUT;
    gpuarb_status st;
    memset(S, 0, sizeof *S);
    memset(P, 0, sizeof *P);
    if (!shares) {
        if ((st = ga_prob_build(ctx, b, v, P)))
            return st;
        return ga_solve_view(ctx, P, ga_stage_deadline(b, deadline, 1.0), tol, NULL, S);
    }
    stage t[4]; /* R0, R1, F, F again with a tighter GPU range */
    memset(t, 0, sizeof t);
    int chosen = -1;
    /* R0 */
    view v0 = *v;
    v0.drop_pshare = v0.drop_sshare = 1;
    double d0 = ga_stage_deadline(b, deadline, 0.5);
    if ((st = run_stage(ctx, b, &v0, v, d0, tol, NULL, &t[0])))
        goto out;
    /* R0 overran its share (GLPK's set-up cannot be interrupted): R1 would
     * take the exact stage's time, so the exact stage comes next */
    int skip_r1 = d0 > 0 && ga_now_ms() > d0 + 1.0;
    if (t[0].s.status == GPUARB_SOLVE_INFEASIBLE) {
        chosen = 0; /* the caps can only make it worse */
        goto out;
    }
    /* R0's bound holds for the view: R0 is a relaxation of it */
    int bk = t[0].s.status != GPUARB_SOLVE_TIME_LIMIT || t[0].s.bound_known;
    double bound = t[0].s.bound;
    if (t[0].plan && t[0].s.status == GPUARB_SOLVE_OPTIMAL) {
        chosen = 0;
        goto out;
    }
    /* R1, started from R0's plan when it meets the caps */
    view v1 = *v;
    v1.reduce = 1;
    if (!skip_r1 && (st = run_stage(ctx, b, &v1, v, ga_stage_deadline(b, deadline, 0.25), tol,
                                    t[0].plan ? &t[0] : NULL, &t[1])))
        goto out;
    int best = t[1].plan ? 1 : t[0].plan ? 0 : -1;
    if (t[0].plan && t[1].plan && ga_plan_better(objective, &t[0].s.e, &t[1].s.e))
        best = 0;
    if (best >= 0 && bk && t[0].s.proven) {
        /* R0's optimum is a bound; a plan that reaches it is optimal (with
         * max_throughput, R0's least cost at that throughput too) */
        const plan_eval *e = &t[best].s.e, *e0 = &t[0].s.e;
        int reached = maxt ? e->tput >= bound - GA_OPT_GAP * GA_MAX(1.0, bound) &&
                                 e->total <= e0->total + GA_OPT_GAP * GA_MAX(1.0, e0->total)
                           : e->total <= bound + GA_OPT_GAP * GA_MAX(1.0, bound);
        if (t[0].s.status == GPUARB_SOLVE_OPTIMAL && reached) {
            chosen = best;
            t[best].s.status = GPUARB_SOLVE_OPTIMAL;
            t[best].s.bound = maxt ? e->tput : e->total;
            t[best].s.gap = 0;
            goto out;
        }
    }
    /* F, from the best plan so far; for min_cost its cost bounds the GPU
     * ranges; a restricted F that finds a plan is rebuilt once from it */
    for (int f = 2; f <= 3; f++) {
        view vf = *v;
        if (objective == GA_OBJ_MIN_COST && best >= 0) {
            vf.has_cost_cap = 1;
            vf.cost_cap = t[best].s.e.total;
        }
        if (f == 3 && !(t[2].p.restricted && vf.has_cost_cap))
            break;
        if ((st = run_stage(ctx, b, &vf, v, ga_stage_deadline(b, deadline, 1.0), tol,
                            best >= 0 ? &t[best] : NULL, &t[f])))
            goto out;
        /* F's plan when no worse: its proof is the one that counts */
        if (t[f].plan && (best < 0 || !ga_plan_better(objective, &t[best].s.e, &t[f].s.e)))
            best = f;
        if (!t[f].p.restricted && (t[f].s.status != GPUARB_SOLVE_TIME_LIMIT ||
                                   t[f].s.bound_known)) {
            /* an unrestricted F's bound is the view's: keep the tighter */
            if (t[f].s.status == GPUARB_SOLVE_INFEASIBLE) {
                if (best < 0) {
                    chosen = f;
                    goto out;
                }
            } else if (!bk) {
                bound = t[f].s.bound;
                bk = 1;
            } else {
                bound = maxt ? GA_MIN(bound, t[f].s.bound) : GA_MAX(bound, t[f].s.bound);
            }
        }
    }
    if (best < 0) {
        /* no plan: the last stage that ran, with the best bound known */
        chosen = t[3].built ? 3 : 2;
        if (t[chosen].s.status == GPUARB_SOLVE_INFEASIBLE && t[chosen].s.range_only)
            goto out; /* infeasible within the searched ranges */
        t[chosen].s.status = GPUARB_SOLVE_TIME_LIMIT;
        t[chosen].s.bound = bound;
        t[chosen].s.bound_known = bk;
        goto out;
    }
    chosen = best;
    sol *r = &t[best].s;
    if (bk) {
        r->bound = maxt ? GA_MAX(bound, r->e.tput) : GA_MIN(bound, r->e.total);
    } else {
        r->bound = maxt ? r->e.tput : r->e.total;
        if (maxt)
            r->bound_known = budget_tput_bound(&t[best].p, &r->bound);
    }
    r->gap = bk ? gap_of(objective, r) : 0;
    int proven = bk && r->gap == 0 &&
                 (!maxt || (best >= 2 && r->proven && !t[best].p.restricted &&
                            t[best].s.status == GPUARB_SOLVE_OPTIMAL));
    r->status = proven ? GPUARB_SOLVE_OPTIMAL : GPUARB_SOLVE_FEASIBLE;
out:
    for (int i = 0; i < 4; i++) {
        if (i == chosen && !st) {
            *P = t[i].p;
            *S = t[i].s;
            P->v = *v;
            continue;
        }
        stage_free(&t[i]);
    }
    return st;
}
