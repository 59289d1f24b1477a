/*
 * pack_vec_dive.c - a column-generation diving heuristic for
 * multi-dimensional packings without count limits (pack_vec.c calls it
 * before its local search).
 *
 * Master (set covering over the items still free): a column is an item
 * set that fits a node of type t, cost 1 (min_nodes) or c_t (min_cost);
 * each item also has an artificial single column of a large cost, so the
 * identity basis is feasible.  The restricted master is solved by a
 * revised simplex with an explicit inverse (numeric/dense.c); pricing per
 * type is a depth-first search over the items of positive dual, best
 * dual per unit of size first, capped in nodes (a heuristic pricer: the
 * LP value is not a bound and is never reported as one).  Each dive step
 * solves the LP, fixes every column at (nearly) 1, or else the largest
 * one, as a node of the packing, and drops the columns that meet its
 * items.  Items the dive leaves go to first-fit nodes.  The pool starts
 * with the caller's packing, so the LP's first solution is no worse than
 * it.  Work is charged to the budget; out of budget, the dive stops and
 * the caller keeps its own packing.
 *
 * No dependency.  Returns 1 (a packing better than *s replaced it), 0,
 * or -1 (memory).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numeric/dense.h"
#include "pack/pack_vec.h"

#define D GA_PACK_DIMS
#define DV_EPS 1e-9
#define DV_PRICE_NODES 4000
#define DV_MAX_ROWS 1500
#define DV_COLS_PER_ROUND 1

typedef struct dcol {
    int32_t type;
    int32_t n;
    int32_t *it;      /* items (problem indices) */
    int alive;
} dcol;

typedef struct dive {
    vctx *c;
    const ga_vec_problem *vp;
    /* rows: the free items */
    int32_t m;
    int32_t *row_item; /* row -> item */
    int32_t *item_row; /* item -> row, -1 fixed */
    double big;
    /* pool */
    dcol *col;
    size_t ncol, capcol;
    /* simplex: basis ids >= 0 pool columns, -1-r the artificial of row r,
     * -1-m-r the surplus of row r */
    int64_t *basis;
    double *binv, *xb, *pi, *u, *work, *bmat;
    /* pricing scratch */
    int32_t *cand;
    double *key;
    int32_t *cur, *bestset;
    unsigned char *used; /* per row: taken by a column of this round */
    int32_t ncur, nbest;
    double bestv;
    int64_t nodes;
} dive;

static double col_cost(const dive *V, int64_t id)
{
    if (id >= 0)
        return V->vp->objective == GPUARB_PACK_MIN_COST ? V->vp->types[V->col[id].type].cost
                                                          : 1.0;
    if (id >= -(int64_t)V->m)
        return V->big;
    return 0;
}

/* rows of variable id into rows[], coefficients into val[]; count */
static int32_t var_rows(const dive *V, int64_t id, int32_t *rows, double *val)
{
    if (id >= 0) {
        const dcol *p = &V->col[id];
        int32_t k = 0;
        for (int32_t q = 0; q < p->n; q++) {
            int32_t r = V->item_row[p->it[q]];
            if (r >= 0) {
                rows[k] = r;
                val[k++] = 1;
            }
        }
        return k;
    }
    if (id >= -(int64_t)V->m) {
        rows[0] = (int32_t)(-1 - id);
        val[0] = 1;
    } else {
        rows[0] = (int32_t)(-1 - V->m - id);
        val[0] = -1;
    }
    return 1;
}

static int add_col(dive *V, int32_t type, const int32_t *items, int32_t n)
{
    if (ga_grow((void **)&V->col, &V->capcol, V->ncol + 1, sizeof *V->col) != 0)
        return -1;
    dcol *p = &V->col[V->ncol];
    p->it = ga_mallocarray((size_t)n + 1, sizeof *p->it);
    if (!p->it)
        return -1;
    memcpy(p->it, items, (size_t)n * sizeof *items);
    p->n = n;
    p->type = type;
    p->alive = 1;
    V->ncol++;
    return 0;
}

static void pr_dfs(dive *V, int32_t nc, int32_t k, int64_t *load, const int64_t *cap, double v,
                   const double *suf)
{
    const ga_vec_problem *vp = V->vp;
    if (++V->nodes > DV_PRICE_NODES)
        return;
    if (v > V->bestv) {
        V->bestv = v;
        V->nbest = V->ncur;
        memcpy(V->bestset, V->cur, (size_t)V->ncur * sizeof *V->cur);
    }
    for (int32_t j = k; j < nc; j++) {
        if (v + suf[j] <= V->bestv + DV_EPS)
            return;
        int32_t i = V->cand[j];
        if (!ga_vec_fits_add(load, vp->size[i], cap))
            continue;
        for (int d = 0; d < D; d++)
            load[d] += vp->size[i][d];
        V->cur[V->ncur++] = i;
        pr_dfs(V, nc, j + 1, load, cap, v + V->pi[V->item_row[i]], suf);
        V->ncur--;
        for (int d = 0; d < D; d++)
            load[d] -= vp->size[i][d];
        if (V->nodes > DV_PRICE_NODES)
            return;
    }
}

/* Price each type; add the columns of negative reduced cost.  Returns the
 * number added or -1. */
static int price(dive *V, double *suf)
{
    const ga_vec_problem *vp = V->vp;
    vctx *c = V->c;
    int added = 0;
    /* several disjoint columns per type and round: each search skips the
     * items the type's earlier columns of this round took */
    for (size_t tr = 0; tr < c->nt * DV_COLS_PER_ROUND; tr++) {
        size_t t = tr / DV_COLS_PER_ROUND;
        if (tr % DV_COLS_PER_ROUND == 0)
            for (int32_t r = 0; r < V->m; r++)
                V->used[r] = 0;
        const int64_t *cap = vp->types[t].cap;
        double cost = vp->objective == GPUARB_PACK_MIN_COST ? vp->types[t].cost : 1.0;
        int32_t nc = 0;
        int64_t zero[D] = {0, 0, 0, 0};
        for (int32_t r = 0; r < V->m; r++) {
            int32_t i = V->row_item[r];
            if (V->used[r] || V->pi[r] <= DV_EPS || !ga_vec_fits_add(zero, vp->size[i], cap))
                continue;
            double sh = 0;
            for (int d = 0; d < D; d++)
                if (cap[d] < ((int64_t)1 << 62) && cap[d] > 0)
                    sh += (double)vp->size[i][d] / (double)cap[d];
            V->key[i] = V->pi[r] / (sh + 1e-9);
            /* insertion by key descending (ties: lower item) */
            int32_t at = nc++;
            while (at > 0 && V->key[V->cand[at - 1]] < V->key[i]) {
                V->cand[at] = V->cand[at - 1];
                at--;
            }
            V->cand[at] = i;
        }
        suf[nc] = 0;
        for (int32_t j = nc - 1; j >= 0; j--)
            suf[j] = suf[j + 1] + V->pi[V->item_row[V->cand[j]]];
        V->bestv = cost + 10 * DV_EPS;
        V->nbest = 0;
        V->ncur = 0;
        V->nodes = 0;
        int64_t load[D] = {0, 0, 0, 0};
        pr_dfs(V, nc, 0, load, cap, 0, suf);
        ga_budget_spend(&c->budget, V->nodes + nc / 4 + 1);
        if (V->nbest > 0) {
            if (add_col(V, (int32_t)t, V->bestset, V->nbest) != 0)
                return -1;
            for (int32_t q = 0; q < V->nbest; q++)
                V->used[V->item_row[V->bestset[q]]] = 1;
            added++;
        } else {
            tr = (t + 1) * DV_COLS_PER_ROUND - 1; /* next type */
        }
    }
    return added;
}

/* Solve the LP over the live columns.  0 solved, 1 out of budget or
 * numerically stuck, -1 memory. */
static int lp(dive *V, double *suf, int32_t *rows, double *val)
{
    int32_t m = V->m;
    for (int32_t r = 0; r < m; r++) {
        V->basis[r] = -1 - r;
        V->xb[r] = 1;
    }
    memset(V->binv, 0, (size_t)m * m * sizeof *V->binv);
    for (int32_t r = 0; r < m; r++)
        V->binv[(size_t)r * m + r] = 1;
    int since = 0, degen = 0;
    int64_t cap_iter = 50000;
    for (int64_t iter = 0; iter < cap_iter; iter++) {
        int bland = degen > 300; /* Bland's rule against cycling */
        if (ga_budget_spend(&V->c->budget, (int64_t)m * m / 32 + (int64_t)V->ncol / 4 + 1))
            return 1;
        for (int32_t r = 0; r < m; r++)
            V->pi[r] = 0;
        for (int32_t k = 0; k < m; k++) {
            double cb = col_cost(V, V->basis[k]);
            if (cb == 0)
                continue;
            const double *row = V->binv + (size_t)k * m;
            for (int32_t r = 0; r < m; r++)
                V->pi[r] += cb * row[r];
        }
        int64_t q = INT64_MIN;
        double best = -1e-9;
        for (int32_t r = 0; r < m && !(bland && q != INT64_MIN); r++)
            if (V->pi[r] < best) { /* surplus: reduced cost pi_r */
                best = V->pi[r];
                q = -1 - (int64_t)m - r;
            }
        for (size_t j = 0; j < V->ncol && !(bland && q != INT64_MIN); j++) {
            if (!V->col[j].alive)
                continue;
            int32_t nr = var_rows(V, (int64_t)j, rows, val);
            double rc = col_cost(V, (int64_t)j);
            for (int32_t k = 0; k < nr; k++)
                rc -= V->pi[rows[k]];
            if (rc < best) {
                best = rc;
                q = (int64_t)j;
            }
        }
        if (q == INT64_MIN) {
            size_t before = V->ncol;
            int a = price(V, suf);
            if (a < 0)
                return -1;
            if (a == 0)
                return 0;
            q = INT64_MIN; /* the most negative new column enters */
            best = 0;
            for (size_t j = before; j < V->ncol; j++) {
                int32_t nr = var_rows(V, (int64_t)j, rows, val);
                double rc = col_cost(V, (int64_t)j);
                for (int32_t k = 0; k < nr; k++)
                    rc -= V->pi[rows[k]];
                if (q == INT64_MIN || rc < best) {
                    best = rc;
                    q = (int64_t)j;
                }
            }
        }
        int32_t nr = var_rows(V, q, rows, val);
        for (int32_t k = 0; k < m; k++) {
            const double *row = V->binv + (size_t)k * m;
            double v = 0;
            for (int32_t x = 0; x < nr; x++)
                v += row[rows[x]] * val[x];
            V->u[k] = v;
        }
        int32_t r = -1;
        double ratio = 0;
        for (int32_t k = 0; k < m; k++) {
            if (V->u[k] <= 1e-9)
                continue;
            double t = V->xb[k] / V->u[k];
            if (r < 0 || t < ratio - 1e-12 ||
                (t <= ratio + 1e-12 &&
                 (bland ? V->basis[k] < V->basis[r] : V->u[k] > V->u[r]))) {
                r = k;
                ratio = t;
            }
        }
        if (r < 0)
            return 1; /* unbounded: cannot happen, numerically stuck */
        if (ratio < 0)
            ratio = 0;
        degen = ratio <= 1e-12 ? degen + 1 : 0;
        for (int32_t k = 0; k < m; k++)
            if (k != r)
                V->xb[k] -= ratio * V->u[k];
        V->xb[r] = ratio;
        ga_dense_eta_update((size_t)m, V->binv, V->u, (size_t)r);
        V->basis[r] = q;
        if (++since >= 50) {
            since = 0;
            memset(V->bmat, 0, (size_t)m * m * sizeof *V->bmat);
            for (int32_t k = 0; k < m; k++) {
                int32_t n2 = var_rows(V, V->basis[k], rows, val);
                for (int32_t x = 0; x < n2; x++)
                    V->bmat[(size_t)rows[x] * m + k] = val[x];
            }
            if (ga_dense_invert((size_t)m, V->bmat, (size_t)m, V->binv, (size_t)m, V->work,
                                1e-11) != GA_LA_OK)
                return 1;
            for (int32_t k = 0; k < m; k++) {
                double v = 0;
                for (int32_t x = 0; x < m; x++)
                    v += V->binv[(size_t)k * m + x];
                V->xb[k] = v;
            }
        }
    }
    /* tailing off: dive from the LP as it stands */
    return 0;
}

int ga_vec_dive(vctx *c, vsol *s)
{
    const ga_vec_problem *vp = c->vp;
    size_t n = c->n;
    if (n == 0 || n > DV_MAX_ROWS || c->limited)
        return 0;
    dive V;
    memset(&V, 0, sizeof V);
    V.c = c;
    V.vp = vp;
    int rc = 0;
    vsol ns;
    memset(&ns, 0, sizeof ns);
    size_t mm = n;
    V.row_item = ga_mallocarray(n, sizeof *V.row_item);
    V.item_row = ga_mallocarray(n, sizeof *V.item_row);
    V.basis = ga_mallocarray(mm, sizeof *V.basis);
    V.binv = ga_mallocarray(mm * mm, sizeof *V.binv);
    V.bmat = ga_mallocarray(mm * mm, sizeof *V.bmat);
    V.work = ga_mallocarray(2 * mm * mm, sizeof *V.work);
    V.xb = ga_mallocarray(mm, sizeof *V.xb);
    V.pi = ga_mallocarray(mm, sizeof *V.pi);
    V.u = ga_mallocarray(mm, sizeof *V.u);
    V.cand = ga_mallocarray(n, sizeof *V.cand);
    V.key = ga_mallocarray(n, sizeof *V.key);
    V.cur = ga_mallocarray(n, sizeof *V.cur);
    V.bestset = ga_mallocarray(n, sizeof *V.bestset);
    V.used = ga_calloc(n + 1, 1);
    double *suf = ga_mallocarray(n + 1, sizeof *suf);
    int32_t *rows = ga_mallocarray(n + 1, sizeof *rows);
    double *val = ga_mallocarray(n + 1, sizeof *val);
    if (!V.row_item || !V.item_row || !V.basis || !V.binv || !V.bmat || !V.work || !V.xb ||
        !V.pi || !V.u || !V.cand || !V.key || !V.cur || !V.bestset || !V.used || !suf || !rows || !val) {
        rc = -1;
        goto out;
    }
    double cmax = 1;
    for (size_t t = 0; t < c->nt; t++)
        cmax = fmax(cmax, vp->types[t].cost);
    V.big = 10 * (vp->objective == GPUARB_PACK_MIN_COST ? cmax : 1.0);
    for (size_t i = 0; i < n; i++) {
        V.row_item[i] = (int32_t)i;
        V.item_row[i] = (int32_t)i;
    }
    V.m = (int32_t)n;
    for (int32_t k = 0; k < s->nn; k++)
        if (s->nd[k].n > 0 && add_col(&V, s->nd[k].type, s->nd[k].it, s->nd[k].n) != 0) {
            rc = -1;
            goto out;
        }
    while (V.m > 0) {
        int r = lp(&V, suf, rows, val);
        if (r < 0) {
            rc = -1;
            goto out;
        }
        if (r > 0)
            break; /* budget: the caller keeps its packing */
        /* fix the columns at 1, else the largest */
        int fixed = 0;
        int64_t pick = -1;
        double px = 0;
        for (int32_t k = 0; k < V.m; k++) {
            int64_t id = V.basis[k];
            if (id < 0 || !V.col[id].alive)
                continue;
            if (V.xb[k] > px + 1e-12) {
                px = V.xb[k];
                pick = id;
            }
        }
        if (pick < 0)
            break;
        for (int32_t k = 0; k <= V.m; k++) {
            int64_t id = k < V.m ? V.basis[k] : pick;
            if (id < 0 || !V.col[id].alive)
                continue;
            if (k < V.m && V.xb[k] < 1 - 1e-6)
                continue;
            if (k == V.m && fixed)
                break;
            /* all its items still free? */
            dcol *p = &V.col[id];
            int ok = 1;
            for (int32_t q = 0; q < p->n && ok; q++)
                ok = V.item_row[p->it[q]] >= 0;
            if (!ok)
                continue;
            int32_t nd = ga_vec_open_node(&ns, p->type);
            if (nd < 0) {
                rc = -1;
                goto out;
            }
            for (int32_t q = 0; q < p->n; q++) {
                if (ga_vec_node_push(&ns.nd[nd], p->it[q], vp->size[p->it[q]]) != 0) {
                    rc = -1;
                    goto out;
                }
                V.item_row[p->it[q]] = -1;
            }
            fixed++;
        }
        if (!fixed)
            break;
        /* renumber the rows; drop the columns that meet a fixed item */
        int32_t m2 = 0;
        for (int32_t r2 = 0; r2 < V.m; r2++) {
            int32_t i = V.row_item[r2];
            if (V.item_row[i] < 0)
                continue;
            V.row_item[m2] = i;
            V.item_row[i] = m2++;
        }
        V.m = m2;
        for (size_t j = 0; j < V.ncol; j++) {
            dcol *p = &V.col[j];
            if (!p->alive)
                continue;
            for (int32_t q = 0; q < p->n; q++)
                if (V.item_row[p->it[q]] < 0) {
                    p->alive = 0;
                    break;
                }
        }
    }
    if (V.m > 0) {
        /* what the dive left: first fit into new nodes of the type that
         * holds most of it */
        for (int32_t r2 = 0; r2 < V.m; r2++) {
            int32_t i = V.row_item[r2];
            int32_t pick = -1;
            for (int32_t k = 0; k < ns.nn && pick < 0; k++)
                if (ga_vec_fits_add(ns.nd[k].load, vp->size[i], vp->types[ns.nd[k].type].cap))
                    pick = k;
            if (pick < 0) {
                int64_t zero[D] = {0, 0, 0, 0};
                int32_t t = -1;
                for (size_t u = 0; u < c->nt; u++)
                    if (c->left0[u] != 0 && ga_vec_fits_add(zero, vp->size[i], vp->types[u].cap) &&
                        (t < 0 || vp->types[u].cost < vp->types[t].cost))
                        t = (int32_t)u;
                if (t < 0 || (pick = ga_vec_open_node(&ns, t)) < 0) {
                    rc = t < 0 ? 0 : -1;
                    goto out;
                }
            }
            if (ga_vec_node_push(&ns.nd[pick], i, vp->size[i]) != 0) {
                rc = -1;
                goto out;
            }
        }
    }
    if (ga_vec_better(c, &ns, s)) {
        ga_vec_sol_free(s);
        *s = ns;
        memset(&ns, 0, sizeof ns);
        rc = 1;
    }
out:
    ga_vec_sol_free(&ns);
    for (size_t j = 0; j < V.ncol; j++)
        free(V.col[j].it);
    free(V.col);
    free(V.row_item);
    free(V.item_row);
    free(V.basis);
    free(V.binv);
    free(V.bmat);
    free(V.work);
    free(V.xb);
    free(V.pi);
    free(V.u);
    free(V.cand);
    free(V.key);
    free(V.cur);
    free(V.bestset);
    free(V.used);
    free(suf);
    free(rows);
    free(val);
    return rc;
}
