/*
 * knapsack.c - step 3 of the allocation pipeline: the exact per-workload
 * optimum by dynamic programming (a bounded knapsack over exact GPU totals,
 * per region when a gang or egress ties the workload to regions; a gang
 * with instances on spot and a work-based workload by a Pareto front over
 * price, interruption rate and throughput, as SPEC section 2's gang
 * formula and the work's hours need), and the
 * greedy plan built from it (workloads solved in turn on the capacity left)
 * that starts the MIP.  Wraps no dependency.  Invariants: costs are never
 * negative; INF_COST means "no plan"; instances above DP_MAX_GPUS or
 * DP_MAX_WORK are left to the MIP (-1).  Returns -2 (not a status) on
 * allocation failure; callers turn it into GPUARB_ERR_NOMEM; -3 when the
 * base's deadline (b->lim.deadline_ms) has passed: the clock is read when
 * a knapsack starts and every DP_CLOCK_STEPS cell updates, so a stop costs
 * at most a few milliseconds past the deadline.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "alloc/cost.h"
#include "alloc/delta.h"

/* Cell updates between two looks at the clock (about 0.1 ms of work). */
#define DP_CLOCK_STEPS 65536

/* 1 when the deadline of p's base has passed. */
static int past_deadline(const prob *p)
{
    double d = p->b->lim.deadline_ms;
    return d > 0 && ga_now_ms() >= d;
}

void ga_knap_free(knap_t *q)
{
    free(q->K);
    free(q->it);
    free(q->keep);
    free(q->pool);
    free(q->best);
    memset(q, 0, sizeof *q);
}

/* Most entries of a front knapsack's pool (32 bytes each): past it the
 * workload is left to the MIP, like a knapsack over DP_MAX_GPUS. */
#define FRONT_POOL_MAX ((size_t)1 << 21)

/* A front: pool indices of plans none of which beats another on all of
 * P, lam and T. */
typedef struct front {
    int32_t *e;
    int32_t n, cap;
} front;

/* 1 if entry a is at least as good as (lam, P, T) on all three. */
static int ent_covers(const struct knap_ent *a, double lam, double P, double T)
{
    return a->lam <= lam + 1e-15 && a->P <= P + 1e-12 * GA_MAX(1.0, P) &&
           a->T >= T - 1e-12 * GA_MAX(1.0, T);
}

/* Put (lam, P, T) into front f unless an entry covers it; drop the entries
 * it covers.  0, -1 on allocation failure, -4 at FRONT_POOL_MAX. */
static int front_add(knap_t *q, front *f, double lam, double P, double T, int32_t prev,
                     int32_t item)
{
    for (int32_t t = 0; t < f->n; t++)
        if (ent_covers(&q->pool[f->e[t]], lam, P, T))
            return 0; /* no better than what is there */
    if (q->n_pool >= FRONT_POOL_MAX)
        return -4;
    if (ga_grow((void **)&q->pool, &q->cap_pool, q->n_pool + 1, sizeof *q->pool))
        return -1;
    int32_t id = (int32_t)q->n_pool++;
    struct knap_ent *ne = &q->pool[id];
    ne->lam = lam;
    ne->P = P;
    ne->T = T;
    ne->prev = prev;
    ne->item = item;
    int32_t k = 0;
    for (int32_t t = 0; t < f->n; t++) {
        const struct knap_ent *e = &q->pool[f->e[t]];
        if (e->lam >= lam && e->P >= P && e->T <= T)
            continue; /* beaten on all three */
        f->e[k++] = f->e[t];
    }
    f->n = k;
    if (f->n == f->cap) {
        size_t cap = (size_t)f->cap;
        if (ga_grow((void **)&f->e, &cap, (size_t)f->n + 1, sizeof(int32_t)))
            return -1;
        f->cap = (int32_t)cap;
    }
    f->e[f->n++] = id;
    return 0;
}

/* The cost of a plan with prices P, gang rate lam and throughput T for
 * workload w (knap_t): over the horizon, or for the work; INF_COST when
 * not allowed (a gang's denominator <= 0.1, a deadline missed). */
static double front_cost(const prob *p, const ga_workload *w, const struct knap_ent *e)
{
    double f = w->same_region ? ga_gang_factor(e->lam, w->checkpoint_minutes, w->restart_minutes)
                              : 1.0;
    if (f < 0)
        return INF_COST;
    if (w->work_gpu_hours > 0) {
        /* the work's hours: work / T; the deadline: T >= work / deadline */
        if (!(e->T > 0) || e->T < ga_work_floor(w) * (1 - 1e-12))
            return INF_COST;
        return w->work_gpu_hours * e->P * f / e->T;
    }
    return p->H * e->P * f;
}

/* The knapsack of a gang on spot or a work-based workload (knap_t): q's
 * items are set; fills K and best.  Same codes as ga_knap_solve. */
static int knap_front(const prob *p, const ga_workload *w, int32_t top, knap_t *q)
{
    size_t T = (size_t)top + 1;
    int work = w->work_gpu_hours > 0;
    front *fr = ga_calloc(T, sizeof(front));
    q->best = ga_mallocarray(T, sizeof(int32_t));
    int rc = 0;
    if (!fr || !q->best) {
        free(fr);
        return -1;
    }
    if (ga_grow((void **)&q->pool, &q->cap_pool, 1, sizeof *q->pool)) {
        free(fr);
        return -1;
    }
    memset(&q->pool[0], 0, sizeof q->pool[0]);
    q->pool[0].prev = q->pool[0].item = -1;
    q->n_pool = 1;
    if (!(fr[0].e = ga_mallocarray(1, sizeof(int32_t)))) {
        free(fr);
        return -1;
    }
    fr[0].e[0] = 0;
    fr[0].n = fr[0].cap = 1;
    size_t steps = 0;
    for (int32_t i = 0; i < q->n_items && !rc; i++) {
        const gcol *c = &p->c[q->it[i].col];
        int32_t wt = q->it[i].wt;
        double dl = q->it[i].mult * c->lam, dP = q->it[i].mult * c->unit;
        double dT = work ? q->it[i].mult * c->tput : 0;
        for (int32_t k = top; k >= wt && !rc; k--) {
            const front *src = &fr[k - wt];
            if ((steps += (size_t)src->n + 1) >= DP_CLOCK_STEPS) {
                steps = 0;
                if (past_deadline(p))
                    rc = -3;
            }
            for (int32_t t = 0; t < src->n && !rc; t++) {
                int32_t from = src->e[t];
                double lam = q->pool[from].lam + dl;
                if (dl > 0 &&
                    ga_gang_factor(lam, w->checkpoint_minutes, w->restart_minutes) < 0)
                    continue; /* the gang's denominator is <= 0.1 */
                rc = front_add(q, &fr[k], lam, q->pool[from].P + dP, q->pool[from].T + dT, from,
                               i);
            }
        }
        if (!rc && p->b->lim.mem_bytes > 0 &&
            (double)q->n_pool * sizeof *q->pool > p->b->lim.mem_bytes / 4)
            rc = -4;
    }
    for (size_t k = 0; k < T; k++) {
        q->K[k] = INF_COST;
        q->best[k] = -1;
        for (int32_t t = 0; !rc && t < fr[k].n; t++) {
            double v = front_cost(p, w, &q->pool[fr[k].e[t]]);
            if (v < q->K[k] - 1e-12 * GA_MAX(1.0, v)) {
                q->K[k] = v;
                q->best[k] = fr[k].e[t];
            }
        }
        free(fr[k].e);
    }
    free(fr);
    return rc;
}

/* Bounded knapsack over columns cols[0..n) (indices into p->c) with exact
 * GPU totals 0..top.  cap[k] is the class capacity left (-1 unlimited).
 * Returns 0, -1 on allocation failure, -3 past the deadline, -4 when its
 * table would take more than a quarter of the memory budget. */
int ga_knap_solve(const prob *p, const int32_t *cols, int32_t n, int32_t top,
                  const int64_t *cap, knap_t *q)
{
    memset(q, 0, sizeof *q);
    q->top = top;
    if (past_deadline(p))
        return -3;
    size_t T = (size_t)top + 1;
    q->K = ga_mallocarray(T, sizeof(double));
    size_t max_items = (size_t)n * 64 + 1; /* two price segments per column */
    q->it = ga_mallocarray(max_items, sizeof *q->it);
    if (!q->K || !q->it)
        return -1;
    int gang = 0, launches = 0;
    const ga_workload *w = n ? &p->b->spec->w[p->c[cols[0]].w] : NULL;
    for (int32_t j = 0; j < n; j++) {
        const gcol *c = &p->c[cols[j]];
        int64_t m = top / c->gpc;
        if (cap && cap[c->k] >= 0)
            m = GA_MIN(m, cap[c->k]);
        if (c->lam > 0) {
            /* a gang on spot: past 0.9 / (lam (c/2 + r)) instances of
             * this column alone its denominator is under 0.1 */
            double a = ga_loss_hours(w->checkpoint_minutes, w->restart_minutes);
            gang = 1;
            if (a > 0)
                m = GA_MIN(m, (int64_t)(0.9 / (a * c->lam)) + 1);
        }
        /* delta plans (delta.c): the instances running now cost their
         * price, the ones beyond them the launch cost more; a convex price,
         * so the DP fills the cheaper segment first */
        double launch;
        int64_t running = GA_MIN(m, ga_delta_col(p, (size_t)cols[j], &launch));
        if (launch > 0 && m > running)
            launches = 1;
        for (int seg = 0; seg < 2; seg++) {
            int64_t left = seg == 0 ? (launch > 0 ? running : m) : (launch > 0 ? m - running : 0);
            for (int64_t part = 1; left > 0; part *= 2) {
                int64_t take = GA_MIN(part, left);
                q->it[q->n_items].col = cols[j];
                q->it[q->n_items].mult = (int32_t)take;
                q->it[q->n_items].wt = (int32_t)(take * c->gpc);
                q->it[q->n_items].cost = (int32_t)take * c->unit * p->H +
                                         (seg == 1 ? (double)take * launch : 0);
                q->n_items++;
                left -= take;
            }
        }
    }
    if (gang || (w && w->work_gpu_hours > 0)) {
        /* the fronts price a plan by its (rate, price, throughput) sums
         * and know no launch cost: with launches to pay, such a workload
         * is the MIP's (too large for the DP, as past the memory share) */
        if (launches)
            return -4;
        return knap_front(p, w, top, q);
    }
    if (p->b->lim.mem_bytes > 0 && (double)q->n_items * (double)T > p->b->lim.mem_bytes / 4)
        return -4;
    q->keep = ga_calloc(q->n_items ? (size_t)q->n_items : 1, T);
    if (!q->keep)
        return -1;
    q->K[0] = 0;
    for (size_t k = 1; k < T; k++)
        q->K[k] = INF_COST;
    size_t steps = 0;
    for (int32_t i = 0; i < q->n_items; i++) {
        if ((steps += T) >= DP_CLOCK_STEPS) {
            steps = 0;
            if (past_deadline(p))
                return -3;
        }
        int32_t wt = q->it[i].wt;
        double cost = q->it[i].cost;
        unsigned char *kp = q->keep + (size_t)i * T;
        for (int32_t k = top; k >= wt; k--) {
            double cand = q->K[k - wt] + cost;
            if (cand < q->K[k] - 1e-12) {
                q->K[k] = cand;
                kp[k] = 1;
            }
        }
    }
    return 0;
}

void ga_knap_take(const knap_t *q, int32_t k, double *x)
{
    if (q->best) {
        /* a gang's plan: the chain of its entries */
        for (int32_t e = q->best[k]; e >= 0 && q->pool[e].item >= 0; e = q->pool[e].prev)
            x[q->it[q->pool[e].item].col] += q->it[q->pool[e].item].mult;
        return;
    }
    size_t T = (size_t)q->top + 1;
    for (int32_t i = q->n_items - 1; i >= 0 && k > 0; i--) {
        if (q->keep[(size_t)i * T + k]) {
            x[q->it[i].col] += q->it[i].mult;
            k -= q->it[i].wt;
        }
    }
}

/* The knapsack of one region group's columns (listed into cols, which
 * holds at least gr->nc).  Returns 0, or -1 on allocation failure and -3
 * past the deadline, with q already freed. */
static int group_knap(const prob *p, const ggrp *gr, int32_t *cols, int32_t top,
                      const int64_t *cap, knap_t *q)
{
    for (int32_t j = 0; j < gr->nc; j++)
        cols[j] = gr->c0 + j;
    int rc = ga_knap_solve(p, cols, gr->nc, top, cap, q);
    if (rc)
        ga_knap_free(q);
    return rc;
}

/* ga_dp_workload's code for a knapsack's failure rc. */
static double dp_fail(int rc)
{
    return rc == -3 ? -3.0 : rc == -4 ? -1.0 : -2.0;
}

/* Least total cost (horizon cost + egress) of workload w alone, with class
 * capacities cap (-1 unlimited); writes the plan into x (indexed like p->c,
 * only w's columns touched).  Returns the cost, INF_COST when infeasible,
 * -1 when the instance is too large for the DP, -2 on allocation failure,
 * -3 past the deadline (x then holds no plan). */
double ga_dp_workload(const prob *p, int32_t wi, const int64_t *cap, double *x)
{
    const ga_workload *w = &p->b->spec->w[wi];
    int32_t lo = w->min_gpus, top = p->w_top[wi];
    int32_t c0 = p->w_c0[wi], nc = p->w_nc[wi];
    for (int32_t j = c0; j < c0 + nc; j++)
        x[j] = 0;
    if (lo == 0)
        return 0.0; /* nothing to buy: min_cost never buys optional GPUs */
    if (nc == 0 || top < lo)
        return INF_COST;
    if (top > DP_MAX_GPUS)
        return -1;
    int32_t g0 = p->w_g0[wi], ng = p->w_ng[wi];
    int any_egress = 0;
    for (int32_t g = g0; g < g0 + ng; g++)
        if (p->g[g].egress > 0)
            any_egress = 1;
    /* a work-based workload pays work / T for the plan as a whole: spread
     * over regions its cost is not a sum of the regions' (the MIP's) */
    if (w->work_gpu_hours > 0 && !w->same_region && any_egress)
        return -1;
    int32_t *cols = ga_mallocarray((size_t)nc, sizeof(int32_t));
    if (!cols)
        return -2;
    double best = INF_COST;
    if (!w->same_region && !any_egress) {
        /* no region structure: one knapsack over every column */
        for (int32_t j = 0; j < nc; j++)
            cols[j] = c0 + j;
        knap_t q;
        int rc = ga_knap_solve(p, cols, nc, top, cap, &q);
        if (rc) {
            ga_knap_free(&q);
            free(cols);
            return dp_fail(rc);
        }
        int32_t kbest = -1;
        for (int32_t k = lo; k <= top; k++)
            if (q.K[k] < best - 1e-12) {
                best = q.K[k];
                kbest = k;
            }
        if (kbest >= 0)
            ga_knap_take(&q, kbest, x);
        ga_knap_free(&q);
    } else if (w->same_region) {
        int32_t gbest = -1, kbest = -1;
        for (int32_t g = g0; g < g0 + ng; g++) {
            const ggrp *gr = &p->g[g];
            knap_t q;
            int rc = group_knap(p, gr, cols, top, cap, &q);
            if (rc) {
                free(cols);
                return dp_fail(rc);
            }
            for (int32_t k = lo; k <= top; k++) {
                double v = q.K[k] + gr->egress;
                if (q.K[k] < INF_COST && v < best - 1e-12) {
                    best = v;
                    gbest = g;
                    kbest = k;
                }
            }
            ga_knap_free(&q);
        }
        if (gbest >= 0) {
            knap_t q;
            int rc = group_knap(p, &p->g[gbest], cols, top, cap, &q);
            if (rc) {
                free(cols);
                return dp_fail(rc);
            }
            ga_knap_take(&q, kbest, x);
            ga_knap_free(&q);
        }
    } else {
        /* regions with a one-time egress charge: F[r][k] over regions */
        if ((double)ng * (top + 1.0) * (top + 1.0) > DP_MAX_WORK) {
            free(cols);
            return -1;
        }
        size_t T = (size_t)top + 1;
        double *F = ga_mallocarray(T, sizeof(double)), *Fn = ga_mallocarray(T, sizeof(double));
        int32_t *choice = ga_mallocarray(T * (size_t)ng, sizeof(int32_t));
        double **Ks = ga_calloc((size_t)ng, sizeof(double *));
        if (!F || !Fn || !choice || !Ks) {
            free(F);
            free(Fn);
            free(choice);
            free(Ks);
            free(cols);
            return -2;
        }
        int fail = 0; /* a knapsack's failure code */
        F[0] = 0;
        for (size_t k = 1; k < T; k++)
            F[k] = INF_COST;
        for (int32_t gi = 0; gi < ng && !fail; gi++) {
            const ggrp *gr = &p->g[g0 + gi];
            knap_t q;
            if ((fail = group_knap(p, gr, cols, top, cap, &q)))
                break;
            int32_t *ch = choice + (size_t)gi * T;
            for (size_t k = 0; k < T; k++) {
                Fn[k] = F[k];
                ch[k] = 0;
                for (size_t j = 1; j <= k; j++) {
                    if (q.K[j] >= INF_COST || F[k - j] >= INF_COST)
                        continue;
                    double v = F[k - j] + gr->egress + q.K[j];
                    if (v < Fn[k] - 1e-12) {
                        Fn[k] = v;
                        ch[k] = (int32_t)j;
                    }
                }
            }
            memcpy(F, Fn, sizeof(double) * T);
            ga_knap_free(&q);
        }
        int32_t kbest = -1;
        if (!fail) {
            for (int32_t k = lo; k <= top; k++)
                if (F[k] < best - 1e-12) {
                    best = F[k];
                    kbest = k;
                }
        }
        if (!fail && kbest >= 0) {
            int32_t k = kbest;
            for (int32_t gi = ng - 1; gi >= 0 && !fail; gi--) {
                int32_t j = choice[(size_t)gi * T + k];
                if (j == 0)
                    continue;
                knap_t q;
                if ((fail = group_knap(p, &p->g[g0 + gi], cols, top, cap, &q)) == 0) {
                    ga_knap_take(&q, j, x);
                    ga_knap_free(&q);
                }
                k -= j;
            }
        }
        free(F);
        free(Fn);
        free(choice);
        free(Ks);
        if (fail) {
            free(cols);
            return dp_fail(fail);
        }
    }
    free(cols);
    return best;
}

/* Greedy plan: workloads in decreasing size, each solved alone on the
 * capacity the earlier ones left.  Under a provider cap each provider may
 * hold at most share x (sum of min_gpus) GPUs, which is no more than the
 * cap allows of any plan (a plan has at least that many GPUs): a workload
 * whose plan would pass a provider's allowance is solved again without
 * that provider.  Returns 1 if it found a plan (which may still break the
 * budget or the spot cap: ga_evaluate() says). */
int ga_greedy(const prob *p, double *x)
{
    const base *b = p->b;
    const gpuarb_spec *s = b->spec;
    size_t nw = s->n_w, np = (size_t)(b->n_prov ? b->n_prov : 1);
    int pcap = s->max_provider_share >= 0 && s->max_provider_share < 1 && !p->v.drop_pshare;
    int64_t *cap = ga_mallocarray((b->n_cls ? b->n_cls : 1), sizeof(int64_t));
    int64_t *eff = ga_mallocarray((b->n_cls ? b->n_cls : 1), sizeof(int64_t));
    int64_t *allow = ga_calloc(np, sizeof(int64_t)), *add = ga_calloc(np, sizeof(int64_t));
    kpair *order = ga_mallocarray((nw ? nw : 1), sizeof(kpair));
    int ok = 1;
    if (!cap || !eff || !allow || !add || !order) {
        ok = 0;
        goto out;
    }
    for (size_t k = 0; k < b->n_cls; k++)
        cap[k] = eff[k] = b->cls[k].cap;
    if (pcap) {
        double total = 0;
        for (size_t wi = 0; wi < nw; wi++)
            total += s->w[wi].min_gpus;
        for (size_t q = 0; q < np; q++)
            allow[q] = (int64_t)floor(s->max_provider_share * total + 1e-9);
    }
    for (size_t wi = 0; wi < nw; wi++) {
        order[wi].key = -(int64_t)s->w[wi].min_gpus;
        order[wi].idx = (int32_t)wi;
    }
    qsort(order, nw, sizeof *order, ga_cmp_kpair);
    for (size_t t = 0; t < nw && ok; t++) {
        int32_t wi = order[t].idx, j0 = p->w_c0[wi], j1 = j0 + p->w_nc[wi];
        for (;;) {
            double v = ga_dp_workload(p, wi, eff, x);
            if (v < 0 || v >= INF_COST) {
                ok = 0;
                break;
            }
            if (!pcap)
                break;
            for (int32_t j = j0; j < j1; j++)
                if (x[j] > 0.5)
                    add[b->cls[p->c[j].k].prov] += (int64_t)(x[j] + 0.5) * p->c[j].gpc;
            int over = 0;
            for (int32_t j = j0; j < j1; j++) {
                int32_t q = b->cls[p->c[j].k].prov;
                if (add[q] > allow[q]) {
                    eff[p->c[j].k] = 0; /* this provider is full for wi */
                    over = 1;
                }
            }
            for (int32_t j = j0; j < j1; j++) {
                int32_t q = b->cls[p->c[j].k].prov;
                if (!over)
                    allow[q] -= add[q];
                add[q] = 0;
            }
            if (!over)
                break;
        }
        for (int32_t j = j0; j < j1; j++) {
            if (x[j] > 0.5 && cap[p->c[j].k] >= 0)
                cap[p->c[j].k] -= (int64_t)(x[j] + 0.5);
        }
        for (int32_t j = j0; j < j1; j++)
            eff[p->c[j].k] = cap[p->c[j].k];
    }
out:
    free(cap);
    free(eff);
    free(allow);
    free(add);
    free(order);
    return ok;
}
