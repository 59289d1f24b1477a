/*
 * pack_vec_exact.c - the exact search of the multi-dimensional packer
 * (pack_vec.c) for problems of at most EXACT_MAX items: a depth-first
 * branch and bound over the items in their measure order, each item put on
 * an open node it fits (skipping a node whose type and load equal one
 * already tried) or on a new node of each type with count left.  A branch
 * is cut when the capacity still free, plus the largest capacity per
 * dimension (nodes) or the cheapest price per unit (cost), cannot beat the
 * best packing; the caller's packing is the first incumbent when it places
 * every item.  Every node visited is charged to the work budget.  No
 * dependency.  Returns 1 when the search finished (the packing is then
 * optimal), 0 when it was cut short, -1 when an allocation failed; the
 * caller's packing is replaced only by a better complete one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack_vec.h"

#define D GA_PACK_DIMS

typedef struct xs {
    vctx *c;
    int32_t node_type[EXACT_MAX];
    int64_t load[EXACT_MAX][D];
    int32_t assign[EXACT_MAX];      /* by position in ord */
    int32_t nn;
    int64_t left[64];
    double cost;
    /* best */
    int32_t best_assign[EXACT_MAX];
    int32_t best_type[EXACT_MAX];
    int32_t best_nn;
    double best_cost;
    int have_best;
    int aborted;
    int64_t rem[D];                 /* weight of items not yet placed */
    double rate[D];                 /* cheapest cost per unit */
    int64_t cmax[D];
    int64_t lb;
    double cost_lb;
} xs;

static int xs_better(const xs *x, int32_t nn, double cost)
{
    if (!x->have_best)
        return 1;
    if (x->c->vp->objective == GPUARB_PACK_MIN_COST) {
        if (cost < x->best_cost - 1e-9 * fmax(1, x->best_cost))
            return 1;
        if (cost > x->best_cost + 1e-9 * fmax(1, x->best_cost))
            return 0;
        return nn < x->best_nn;
    }
    if (nn != x->best_nn)
        return nn < x->best_nn;
    return cost < x->best_cost - 1e-9 * fmax(1, x->best_cost);
}

/* A bound on the best completion: can it still beat the incumbent? */
static int xs_promising(const xs *x)
{
    if (!x->have_best)
        return 1;
    const ga_vec_problem *vp = x->c->vp;
    int64_t extra = 0;
    double extra_cost = 0;
    for (int d = 0; d < D; d++) {
        if (x->rem[d] == 0)
            continue;
        int64_t freecap = 0;
        for (int32_t k = 0; k < x->nn; k++) {
            int64_t cap = vp->types[x->node_type[k]].cap[d];
            if (cap >= ((int64_t)1 << 62)) {
                freecap = (int64_t)1 << 62;
                break;
            }
            freecap += cap - x->load[k][d];
        }
        int64_t need = x->rem[d] - freecap;
        if (need <= 0)
            continue;
        if (x->cmax[d] > 0 && x->cmax[d] < ((int64_t)1 << 62)) {
            int64_t e = (need + x->cmax[d] - 1) / x->cmax[d];
            if (e > extra)
                extra = e;
        }
        if ((double)need * x->rate[d] > extra_cost)
            extra_cost = (double)need * x->rate[d];
    }
    int32_t nn = x->nn + (int32_t)extra;
    double cost = x->cost + extra_cost;
    if (vp->objective == GPUARB_PACK_MIN_COST)
        return cost < x->best_cost - 1e-9 * fmax(1, x->best_cost) ||
               (cost <= x->best_cost + 1e-9 * fmax(1, x->best_cost) && nn < x->best_nn);
    return nn < x->best_nn || (nn == x->best_nn && cost < x->best_cost - 1e-9);
}

static void xs_dfs(xs *x, size_t pos)
{
    vctx *c = x->c;
    const ga_vec_problem *vp = c->vp;
    if (x->aborted)
        return;
    if (ga_budget_spend(&c->budget, 1)) {
        x->aborted = 1;
        return;
    }
    if (pos == c->n) {
        if (xs_better(x, x->nn, x->cost)) {
            x->have_best = 1;
            x->best_nn = x->nn;
            x->best_cost = x->cost;
            memcpy(x->best_assign, x->assign, sizeof x->assign);
            memcpy(x->best_type, x->node_type, sizeof x->node_type);
        }
        return;
    }
    if (!xs_promising(x))
        return;
    int32_t i = c->ord[pos];
    const int64_t *s = vp->size[i];
    for (int d = 0; d < D; d++)
        x->rem[d] -= s[d];
    /* existing nodes; skip one equal (type, load) to another tried */
    for (int32_t k = 0; k < x->nn; k++) {
        const int64_t *cap = vp->types[x->node_type[k]].cap;
        if (!ga_vec_fits_add(x->load[k], s, cap))
            continue;
        int dup = 0;
        for (int32_t k2 = 0; k2 < k && !dup; k2++)
            dup = x->node_type[k2] == x->node_type[k] &&
                  memcmp(x->load[k2], x->load[k], sizeof x->load[k]) == 0;
        if (dup)
            continue;
        for (int d = 0; d < D; d++)
            x->load[k][d] += s[d];
        x->assign[pos] = k;
        xs_dfs(x, pos + 1);
        for (int d = 0; d < D; d++)
            x->load[k][d] -= s[d];
    }
    /* a new node of each type */
    if (x->nn < EXACT_MAX) {
        for (size_t t = 0; t < c->nt; t++) {
            if (x->left[t] == 0)
                continue;
            int64_t zero[D] = {0, 0, 0, 0};
            if (!ga_vec_fits_add(zero, s, vp->types[t].cap))
                continue;
            int32_t k = x->nn++;
            x->node_type[k] = (int32_t)t;
            memcpy(x->load[k], s, sizeof x->load[k]);
            x->cost += vp->types[t].cost;
            if (x->left[t] > 0)
                x->left[t]--;
            x->assign[pos] = k;
            xs_dfs(x, pos + 1);
            if (x->left[t] >= 0 && c->left0[t] >= 0)
                x->left[t]++;
            x->cost -= vp->types[t].cost;
            x->nn--;
        }
    }
    for (int d = 0; d < D; d++)
        x->rem[d] += s[d];
}

int ga_vec_exact(vctx *c, vsol *s, int64_t lb)
{
    if (c->n > EXACT_MAX || c->nt > 64)
        return 0;
    xs *x = ga_calloc(1, sizeof *x);
    if (!x)
        return -1;
    x->c = c;
    x->lb = lb;
    memcpy(x->left, c->left0, c->nt * sizeof *x->left);
    for (size_t i = 0; i < c->n; i++)
        for (int d = 0; d < D; d++)
            x->rem[d] += c->vp->size[i][d];
    for (int d = 0; d < D; d++) {
        x->rate[d] = -1;
        for (size_t t = 0; t < c->nt; t++) {
            if (c->left0[t] == 0)
                continue;
            int64_t cap = c->vp->types[t].cap[d];
            if (cap > x->cmax[d])
                x->cmax[d] = cap;
            double r = cap >= ((int64_t)1 << 62) ? 0 : cap > 0 ? c->vp->types[t].cost / (double)cap
                                                                : -1;
            if (r >= 0 && (x->rate[d] < 0 || r < x->rate[d]))
                x->rate[d] = r;
        }
        if (x->rate[d] < 0)
            x->rate[d] = 0;
    }
    /* the incumbent, when it places everything */
    if (ga_vec_placed_count(s) == (int64_t)c->n && s->nn <= EXACT_MAX) {
        x->have_best = 1;
        x->best_nn = s->nn;
        x->best_cost = ga_vec_sol_cost(c, s);
        x->best_nn = s->nn;
        int32_t *pos = ga_mallocarray(c->n + 1, sizeof *pos);
        if (!pos) {
            free(x);
            return -1;
        }
        for (size_t q = 0; q < c->n; q++)
            pos[c->ord[q]] = (int32_t)q;
        for (int32_t k = 0; k < s->nn; k++) {
            x->best_type[k] = s->nd[k].type;
            for (int32_t t = 0; t < s->nd[k].n; t++)
                x->best_assign[pos[s->nd[k].it[t]]] = k;
        }
        free(pos);
    }
    double before = x->have_best ? x->best_cost : 0;
    int32_t before_nn = x->have_best ? x->best_nn : 0;
    int had = x->have_best;
    xs_dfs(x, 0);
    int finished = !x->aborted;
    int rc = finished;
    if (x->have_best && (!had || x->best_nn != before_nn || x->best_cost != before)) {
        /* rebuild s from the best assignment */
        vsol ns;
        memset(&ns, 0, sizeof ns);
        for (int32_t k = 0; k < x->best_nn; k++)
            if (ga_vec_open_node(&ns, x->best_type[k]) < 0)
                rc = -1;
        for (size_t q = 0; q < c->n && rc >= 0; q++) {
            int32_t i = c->ord[q];
            if (ga_vec_node_push(&ns.nd[x->best_assign[q]], i, c->vp->size[i]) != 0)
                rc = -1;
        }
        if (rc >= 0) {
            ga_vec_sol_free(s);
            *s = ns;
        } else {
            ga_vec_sol_free(&ns);
        }
    }
    free(x);
    return rc;
}

