/*
 * solve.c - solving one view exactly: the per-workload DP when its plan
 * meets the shared constraints, otherwise the MIP started from the best
 * plan at hand; with share caps, the R0 (caps dropped), R1 (reduced) and F
 * (full) stages that keep the model small when the caps do not bind.
 * Wraps no dependency (the MIP through mip.c).  Invariants: every reported
 * bound is valid for the view; a plan is called optimal only when proven
 * within the tolerance asked for.  Statuses: GPUARB_OK (any solve outcome),
 * GPUARB_ERR_NOMEM, GPUARB_ERR_SOLVER.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "alloc/optimize.h"
#include "numeric/lp.h"

gpuarb_status ga_solve_view(gpuarb_ctx *ctx, const prob *p, double time_ms, const ga_tol *tol,
                            const double *hint, sol *out)
{
    const gpuarb_spec *s = p->b->spec;
    memset(out, 0, sizeof *out);
    out->x = ga_calloc(p->n_c ? p->n_c : 1, sizeof(double));
    if (!out->x)
        return ga_nomem(ctx);
    double t0 = ga_now_ms();
    /* quick infeasibility: a workload that needs GPUs but has no column */
    for (size_t wi = 0; wi < s->n_w; wi++) {
        if (s->w[wi].min_gpus > 0 && p->w_nc[wi] == 0) {
            out->status = GPUARB_SOLVE_INFEASIBLE;
            return GPUARB_OK;
        }
    }
    if (p->n_c == 0) {
        /* nothing can be bought: the empty plan is the only plan */
        ga_evaluate(p, out->x, &out->e);
        out->status = out->e.feasible ? GPUARB_SOLVE_OPTIMAL : GPUARB_SOLVE_INFEASIBLE;
        out->method = GA_METHOD_DECOMPOSED;
        return GPUARB_OK;
    }
    double lower = 0;
    if (p->objective == GA_OBJ_MIN_COST) {
        /* 1. every workload alone: exact, and a lower bound together */
        int too_big = 0, infeasible = 0;
        for (size_t wi = 0; wi < s->n_w && !infeasible; wi++) {
            double v = ga_dp_workload(p, (int32_t)wi, NULL, out->x);
            if (v == -2)
                return ga_nomem(ctx);
            if (v == -1 || v == -3) /* -3: past the deadline, no DP answer */
                too_big = 1;
            else if (v >= INF_COST)
                infeasible = 1;
            else
                lower += v;
        }
        if (infeasible) {
            out->status = GPUARB_SOLVE_INFEASIBLE;
            return GPUARB_OK;
        }
        if (!too_big && !infeasible) {
            ga_evaluate(p, out->x, &out->e);
            if (out->e.feasible) {
                out->status = GPUARB_SOLVE_OPTIMAL;
                out->bound = out->e.total;
                out->gap = 0;
                out->method = GA_METHOD_DECOMPOSED;
                return GPUARB_OK;
            }
        }
    }
    /* 2. the MIP, started from the caller's plan or a greedy one */
    double *start = NULL;
    if (hint) {
        memcpy(out->x, hint, sizeof(double) * p->n_c);
        plan_eval e;
        ga_evaluate(p, out->x, &e);
        if (e.feasible)
            start = out->x;
    }
    if (!start && p->objective == GA_OBJ_MIN_COST) {
        for (size_t j = 0; j < p->n_c; j++)
            out->x[j] = 0;
        if (ga_greedy(p, out->x)) {
            plan_eval e;
            ga_evaluate(p, out->x, &e);
            if (e.feasible)
                start = out->x;
        }
    }
    double *startcopy = NULL;
    if (start) {
        startcopy = ga_mallocarray((p->n_c ? p->n_c : 1), sizeof(double));
        if (!startcopy)
            return ga_nomem(ctx);
        memcpy(startcopy, start, sizeof(double) * p->n_c);
    }
    ga_mip_out mo;
    memset(&mo, 0, sizeof mo);
    double left = time_ms > 0 ? time_ms - (ga_now_ms() - t0) : 0;
    if (time_ms > 0 && left < 1)
        left = 1;
    gpuarb_status st = ga_alloc_mip_run(ctx, p, 0, 0, startcopy, left, tol, out, &mo);
    free(startcopy);
    if (st)
        return st;
    out->method = GA_METHOD_MIP;
    switch (mo.status) {
    case GA_MIP_OPTIMAL:
        out->status = GPUARB_SOLVE_OPTIMAL;
        break;
    case GA_MIP_FEASIBLE:
        out->status = GPUARB_SOLVE_FEASIBLE;
        break;
    case GA_MIP_INFEASIBLE:
        out->status = GPUARB_SOLVE_INFEASIBLE;
        return GPUARB_OK;
    case GA_MIP_UNBOUNDED:
        out->status = GPUARB_SOLVE_INFEASIBLE;
        return GPUARB_OK;
    default:
        out->status = GPUARB_SOLVE_TIME_LIMIT;
        out->bound = mo.bound;
        out->bound_known = mo.has_bound;
        /* the per-workload optima still bound the cost from below (costs
         * are never negative, so workloads the DP skipped only lower it;
         * 0 is then a valid if empty bound) */
        if (p->objective == GA_OBJ_MIN_COST) {
            out->bound_known = 1;
            if (lower > out->bound)
                out->bound = lower;
        }
        return GPUARB_OK;
    }
    out->bound = mo.bound;
    if (p->objective == GA_OBJ_MIN_COST) {
        /* the decomposition's bound is valid too; keep the tighter */
        if (lower > out->bound)
            out->bound = lower;
    }
    if (p->objective == GA_OBJ_MAX_THROUGHPUT && out->status != GPUARB_SOLVE_TIME_LIMIT) {
        /* 3. ties go to the cheaper plan */
        plan_eval e1;
        ga_evaluate(p, out->x, &e1);
        double *keep = ga_mallocarray((p->n_c ? p->n_c : 1), sizeof(double));
        if (!keep)
            return ga_nomem(ctx);
        memcpy(keep, out->x, sizeof(double) * p->n_c);
        double left2 = time_ms > 0 ? time_ms - (ga_now_ms() - t0) : 0;
        ga_mip_out mo2;
        memset(&mo2, 0, sizeof mo2);
        if (time_ms <= 0 || left2 > 1) {
            st = ga_alloc_mip_run(ctx, p, 1, e1.tput, keep, left2, tol, out, &mo2);
            if (st) {
                free(keep);
                return st;
            }
        }
        if (!(mo2.status == GA_MIP_OPTIMAL || mo2.status == GA_MIP_FEASIBLE))
            memcpy(out->x, keep, sizeof(double) * p->n_c);
        free(keep);
    }
    ga_evaluate(p, out->x, &out->e);
    if (p->objective == GA_OBJ_MIN_COST) {
        if (out->status == GPUARB_SOLVE_OPTIMAL)
            out->bound = GA_MIN(out->bound, out->e.total);
        out->gap = out->e.total > 1e-12 ? GA_MAX(0.0, (out->e.total - out->bound) / out->e.total) : 0;
    } else {
        if (out->status == GPUARB_SOLVE_OPTIMAL)
            out->bound = GA_MAX(out->bound, out->e.tput);
        out->gap = out->bound > 1e-12 ? GA_MAX(0.0, (out->bound - out->e.tput) / out->bound) : 0;
    }
    if (out->gap < 1e-9)
        out->gap = 0;
    return GPUARB_OK;
}

void ga_sol_free(sol *s)
{
    free(s->x);
    s->x = NULL;
}

/* 1 if plan a (on pa's columns) is at least as good as plan b's figures. */
static int same_value(int32_t objective, const plan_eval *a, const plan_eval *b)
{
    double tt = 1e-9 * (1 + fabs(b->total));
    if (objective == GA_OBJ_MAX_THROUGHPUT && a->tput < b->tput - 1e-9 * (1 + fabs(b->tput)))
        return 0;
    return a->total <= b->total + tt;
}

/* Copy plan x of view pa onto the columns of pb, which must hold every
 * column of pa (pa is pb with dominated columns dropped: same order). */
static void map_plan(const prob *pa, const double *x, const prob *pb, double *y)
{
    size_t j = 0;
    for (size_t i = 0; i < pb->n_c; i++) {
        y[i] = 0;
        if (j < pa->n_c && pa->c[j].w == pb->c[i].w && pa->c[j].k == pb->c[i].k &&
            pa->c[j].spot == pb->c[i].spot)
            y[i] = x[j++];
    }
}

/* What is left of time_ms (0: no limit) since t0, at least 1 ms. */
static double left_ms(double time_ms, double t0)
{
    return time_ms > 0 ? GA_MAX(1.0, time_ms - (ga_now_ms() - t0)) : 0;
}

/* Build view vw and solve it with what is left of time_ms since t0 (taken
 * after the build).  On failure both p and s are freed. */
static gpuarb_status build_solve(gpuarb_ctx *ctx, const base *b, const view *vw, double time_ms,
                                 double t0, const ga_tol *tol, prob *p, sol *s)
{
    gpuarb_status st = ga_prob_build(ctx, b, vw, p);
    if (st)
        return st;
    if ((st = ga_solve_view(ctx, p, left_ms(time_ms, t0), tol, NULL, s))) {
        ga_sol_free(s);
        ga_prob_free(p);
    }
    return st;
}

/* Solve view v exactly.  With share caps active, three steps keep the
 * model small in the common case where the caps do not bind:
 *   R0: the view without share caps (so dominance is exact): a bound, and
 *       the answer when its plan happens to meet the caps;
 *   R1: the reduced view with the caps: a good plan, optimal when it is as
 *       good as R0's;
 *   F:  the full view with the caps, started from R1's plan.
 * On return *P and *S hold the problem and solution the result comes from
 * (the caller frees both). */
gpuarb_status ga_solve_exact(gpuarb_ctx *ctx, const base *b, const view *v, double time_ms,
                             const ga_tol *tol, prob *P, sol *S)
{
    const gpuarb_spec *s = b->spec;
    int shares = (s->max_provider_share >= 0 && s->max_provider_share < 1 && !v->drop_pshare) ||
                 (s->max_spot_share >= 0 && s->max_spot_share < 1 && !v->drop_sshare);
    int32_t objective = v->min_cost ? GA_OBJ_MIN_COST : s->objective;
    double t0 = ga_now_ms();
    gpuarb_status st;
    memset(S, 0, sizeof *S);
    memset(P, 0, sizeof *P);
    if (!shares) {
        if ((st = ga_prob_build(ctx, b, v, P)))
            return st;
        return ga_solve_view(ctx, P, time_ms, tol, NULL, S);
    }
    /* R0 */
    view v0 = *v;
    v0.drop_pshare = v0.drop_sshare = 1;
    prob p0;
    sol s0;
    if ((st = build_solve(ctx, b, &v0, time_ms, t0, tol, &p0, &s0)))
        return st;
    if (s0.status == GPUARB_SOLVE_INFEASIBLE || s0.status == GPUARB_SOLVE_TIME_LIMIT) {
        /* the caps can only make it worse */
        *P = p0;
        *S = s0;
        return GPUARB_OK;
    }
    plan_eval e0 = s0.e;
    double bound0 = s0.bound;
    int r0_optimal = s0.status == GPUARB_SOLVE_OPTIMAL;
    p0.v = *v; /* judge R0's plan with the caps */
    plan_eval ec;
    ga_evaluate(&p0, s0.x, &ec);
    if (ec.feasible) {
        *P = p0;
        *S = s0;
        return GPUARB_OK;
    }
    ga_sol_free(&s0);
    ga_prob_free(&p0);
    /* R1 */
    view v1 = *v;
    v1.reduce = 1;
    prob p1;
    sol s1;
    if ((st = build_solve(ctx, b, &v1, time_ms, t0, tol, &p1, &s1)))
        return st;
    int have1 = s1.status == GPUARB_SOLVE_OPTIMAL || s1.status == GPUARB_SOLVE_FEASIBLE;
    if (have1 && r0_optimal && same_value(objective, &s1.e, &e0)) {
        s1.status = GPUARB_SOLVE_OPTIMAL;
        s1.gap = 0;
        s1.bound = objective == GA_OBJ_MAX_THROUGHPUT ? s1.e.tput : s1.e.total;
        *P = p1;
        *S = s1;
        return GPUARB_OK;
    }
    /* F */
    prob pf;
    sol sf;
    if ((st = ga_prob_build(ctx, b, v, &pf))) {
        ga_sol_free(&s1);
        ga_prob_free(&p1);
        return st;
    }
    double *hint = NULL;
    if (have1 && (hint = ga_mallocarray((pf.n_c ? pf.n_c : 1), sizeof(double))))
        map_plan(&p1, s1.x, &pf, hint);
    st = ga_solve_view(ctx, &pf, left_ms(time_ms, t0), tol, hint, &sf);
    free(hint);
    if (st) {
        ga_sol_free(&sf);
        ga_prob_free(&pf);
        ga_sol_free(&s1);
        ga_prob_free(&p1);
        return st;
    }
    int havef = sf.status == GPUARB_SOLVE_OPTIMAL || sf.status == GPUARB_SOLVE_FEASIBLE;
    if (sf.status == GPUARB_SOLVE_OPTIMAL || sf.status == GPUARB_SOLVE_INFEASIBLE ||
        (havef && (!have1 || same_value(objective, &sf.e, &s1.e))) || !have1) {
        /* F's bound is valid; R0's too: keep the tighter */
        if (havef && sf.status == GPUARB_SOLVE_FEASIBLE) {
            if (objective == GA_OBJ_MIN_COST) {
                sf.bound = GA_MAX(sf.bound, bound0);
                sf.gap = sf.e.total > 1e-12 ? GA_MAX(0.0, (sf.e.total - sf.bound) / sf.e.total) : 0;
            } else {
                sf.bound = GA_MIN(sf.bound, e0.tput);
                sf.gap = sf.bound > 1e-12 ? GA_MAX(0.0, (sf.bound - sf.e.tput) / sf.bound) : 0;
            }
        }
        ga_sol_free(&s1);
        ga_prob_free(&p1);
        *P = pf;
        *S = sf;
        return GPUARB_OK;
    }
    /* F ran out of time with nothing better: R1's plan, with R0's bound */
    double fb = sf.bound;
    int fb_ok = sf.status == GPUARB_SOLVE_FEASIBLE || sf.status == GPUARB_SOLVE_TIME_LIMIT;
    ga_sol_free(&sf);
    ga_prob_free(&pf);
    s1.status = GPUARB_SOLVE_FEASIBLE;
    if (objective == GA_OBJ_MIN_COST) {
        s1.bound = fb_ok ? GA_MAX(fb, bound0) : bound0;
        s1.bound = GA_MIN(s1.bound, s1.e.total);
        s1.gap = s1.e.total > 1e-12 ? (s1.e.total - s1.bound) / s1.e.total : 0;
    } else {
        s1.bound = fb_ok ? GA_MIN(fb, e0.tput) : e0.tput;
        s1.bound = GA_MAX(s1.bound, s1.e.tput);
        s1.gap = s1.bound > 1e-12 ? (s1.bound - s1.e.tput) / s1.bound : 0;
    }
    *P = p1;
    *S = s1;
    return GPUARB_OK;
}
