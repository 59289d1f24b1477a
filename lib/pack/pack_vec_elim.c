/*
 * pack_vec_elim.c - the node-elimination search of the multi-dimensional
 * packer (pack_vec.c): empty one node into a pool and move the pool's
 * items into the other nodes by insertions, swaps and ejection chains
 * under a tabu rule, every node within its capacity throughout, until the
 * pool is empty (one node fewer) or the attempt's iterations run out;
 * nodes are tried least filled first, then in random order, until the
 * lower bound is met or the budget is spent.
 *
 * No dependency.  Invariants: the packing handed back is always complete
 * and feasible (a failed attempt leaves it as it was); work is charged to
 * the packer's deterministic budget and its seeded rng.  Returns 0, or -1
 * when memory runs out.
 */
#include <stdlib.h>
#include <string.h>

#include "pack/pack_vec.h"

#define D GA_PACK_DIMS

/* ---------------------------------------------------------------------
 * Node elimination (a consistent neighbourhood search, after Buljubasic
 * and Vasquez's for two-dimensional vector packing): empty one node into
 * a pool of unassigned items and, every node always within its capacity,
 * move pool items in until the pool is empty.  Moves, each scored by the
 * change of the pool's weight (an item weighs its summed share of the
 * largest capacity of every dimension, so big items leave the pool
 * first): insert a pool item; swap one pool item for one or two node
 * items; swap two pool items for one node item; an ejection chain that
 * moves a node item to another node to make room for a pool item.  The
 * best move is taken even when it makes the pool heavier; an item pushed
 * out of a node may not return to it for a few iterations (tabu), unless
 * that empties the pool.
 * --------------------------------------------------------------------- */
static double node_fill(const vctx *c, const vnode *v)
{
    double f = 0;
    for (int32_t x = 0; x < v->n; x++)
        f += c->meas[v->it[x]];
    return f;
}

typedef struct elim {
    vctx *c;
    vsol w;              /* the working packing */
    int32_t *pool;
    int32_t np;
    double *wt;          /* per item */
    int64_t *tabu_until; /* per item */
    int32_t *tabu_node;  /* per item */
} elim;

/* Would node v, without items y and z (-1 = none) and with x and x2 (-1 =
 * none), fit its type? */
static int fits_swap(const vctx *c, const vnode *v, int32_t y, int32_t z, int32_t x, int32_t x2)
{
    const ga_vec_problem *vp = c->vp;
    const int64_t *cap = vp->types[v->type].cap;
    for (int d = 0; d < D; d++) {
        int64_t l = v->load[d];
        if (y >= 0)
            l -= vp->size[y][d];
        if (z >= 0)
            l -= vp->size[z][d];
        if (x >= 0)
            l += vp->size[x][d];
        if (x2 >= 0)
            l += vp->size[x2][d];
        if (l > cap[d])
            return 0;
    }
    return 1;
}

static int node_remove_item(vnode *v, int32_t item, const int64_t *sz)
{
    for (int32_t q = 0; q < v->n; q++)
        if (v->it[q] == item) {
            ga_vec_node_remove_at(v, q, sz);
            return 1;
        }
    return 0;
}

typedef struct move {
    int kind;            /* 0 none, 1 insert, 2 swap, 3 chain */
    int32_t pa, pb;      /* pool positions in (pb -1: one) */
    int32_t node;
    int32_t y, z;        /* node items out (-1 none) */
    int32_t dest;        /* chain: node that takes y */
    double delta;
} move;

static int is_tabu(const elim *E, int32_t item, int32_t node, int64_t it)
{
    return E->tabu_node[item] == node && E->tabu_until[item] > it;
}

/* Consider m: keep it in *best when lower, ties by a fair coin toss
 * among equals. */
static void consider(elim *E, move *best, const move *m, uint64_t *ties)
{
    if (best->kind == 0 || m->delta < best->delta - 1e-12) {
        *best = *m;
        *ties = 1;
    } else if (m->delta < best->delta + 1e-12 && ga_rng_below(&E->c->rng, ++*ties) == 0) {
        *best = *m;
    }
}

static int eliminate(vctx *c, vsol *s, int32_t k, int64_t max_iter, elim *E)
{
    const ga_vec_problem *vp = c->vp;
    if (ga_vec_sol_copy(&E->w, s) != 0)
        return -1;
    vsol *w = &E->w;
    E->np = 0;
    for (int32_t x = 0; x < w->nd[k].n; x++)
        E->pool[E->np++] = w->nd[k].it[x];
    free(w->nd[k].it);
    w->nd[k] = w->nd[--w->nn];
    for (int32_t q = 0; q < E->np; q++)
        E->tabu_until[E->pool[q]] = 0;
    int rc = 0;
    for (int64_t it = 1; it <= max_iter && E->np > 0; it++) {
        int64_t work = 0;
        move best;
        memset(&best, 0, sizeof best);
        uint64_t ties = 0;
        for (int32_t a = 0; a < E->np; a++) {
            int32_t x = E->pool[a];
            for (int32_t b = 0; b < w->nn; b++) {
                vnode *v = &w->nd[b];
                int tabu = is_tabu(E, x, b, it);
                work += v->n + 1;
                if (fits_swap(c, v, -1, -1, x, -1)) {
                    if (tabu && E->np > 1)
                        continue;
                    move m = {1, a, -1, b, -1, -1, -1, -E->wt[x]};
                    consider(E, &best, &m, &ties);
                    continue;
                }
                for (int32_t q = 0; q < v->n; q++) {
                    int32_t y = v->it[q];
                    if (!tabu && fits_swap(c, v, y, -1, x, -1)) {
                        move m = {2, a, -1, b, y, -1, -1, E->wt[y] - E->wt[x]};
                        consider(E, &best, &m, &ties);
                        /* chain: y to another node */
                        for (int32_t e = 0; e < w->nn; e++) {
                            if (e == b || is_tabu(E, y, e, it) ||
                                !fits_swap(c, &w->nd[e], -1, -1, y, -1))
                                continue;
                            move mc = {3, a, -1, b, y, -1, e, -E->wt[x]};
                            consider(E, &best, &mc, &ties);
                            break;
                        }
                        work += w->nn / 4 + 1;
                    }
                    if (tabu)
                        continue;
                    for (int32_t r = q + 1; r < v->n; r++) {
                        int32_t z = v->it[r];
                        if (!fits_swap(c, v, y, z, x, -1))
                            continue;
                        move m = {2, a, -1, b, y, z, -1, E->wt[y] + E->wt[z] - E->wt[x]};
                        consider(E, &best, &m, &ties);
                    }
                    work += v->n;
                    for (int32_t a2 = a + 1; a2 < E->np; a2++) {
                        int32_t x2 = E->pool[a2];
                        if (is_tabu(E, x2, b, it) || !fits_swap(c, v, y, -1, x, x2))
                            continue;
                        move m = {2, a, a2, b, y, -1, -1, E->wt[y] - E->wt[x] - E->wt[x2]};
                        consider(E, &best, &m, &ties);
                    }
                    work += E->np;
                }
            }
        }
        if (ga_budget_spend(&c->budget, work / 4 + 1) || best.kind == 0)
            break;
        /* apply: items in, items out */
        vnode *v = &w->nd[best.node];
        int32_t x = E->pool[best.pa], x2 = best.pb >= 0 ? E->pool[best.pb] : -1;
        if (best.y >= 0)
            node_remove_item(v, best.y, vp->size[best.y]);
        if (best.z >= 0)
            node_remove_item(v, best.z, vp->size[best.z]);
        if (ga_vec_node_push(v, x, vp->size[x]) != 0 ||
            (x2 >= 0 && ga_vec_node_push(v, x2, vp->size[x2]) != 0)) {
            rc = -1;
            break;
        }
        /* remove x (and x2) from the pool: higher position first */
        if (best.pb > best.pa) {
            E->pool[best.pb] = E->pool[--E->np];
            E->pool[best.pa] = E->pool[--E->np];
        } else {
            E->pool[best.pa] = E->pool[--E->np];
        }
        if (best.kind == 3) {
            if (ga_vec_node_push(&w->nd[best.dest], best.y, vp->size[best.y]) != 0) {
                rc = -1;
                break;
            }
        } else {
            int32_t out[2] = {best.y, best.z};
            for (int q = 0; q < 2; q++) {
                if (out[q] < 0)
                    continue;
                E->pool[E->np++] = out[q];
                E->tabu_node[out[q]] = best.node;
                E->tabu_until[out[q]] = it + 3 + (int64_t)ga_rng_below(&c->rng, 8);
            }
        }
    }
    int result = 0;
    if (rc == 0 && E->np == 0) {
        ga_vec_sol_free(s);
        *s = *w;
        memset(w, 0, sizeof *w);
        result = 1;
    }
    ga_vec_sol_free(w);
    return rc ? -1 : result;
}

/* Drop nodes until the bound is met or the budget is spent: every node is
 * a candidate, least filled first, then in random order; a pass that
 * empties none doubles the iterations each attempt may take (6 such
 * passes in a row end it). */
int ga_vec_improve(vctx *c, vsol *s, int64_t lb)
{
    elim E;
    memset(&E, 0, sizeof E);
    E.c = c;
    size_t n = c->n;
    E.pool = ga_mallocarray(n + 1, sizeof *E.pool);
    E.wt = ga_mallocarray(n + 1, sizeof *E.wt);
    E.tabu_until = ga_calloc(n + 1, sizeof *E.tabu_until);
    E.tabu_node = ga_mallocarray(n + 1, sizeof *E.tabu_node);
    int32_t *cand = ga_mallocarray(n + 1, sizeof *cand);
    double *fill = ga_mallocarray(n + 1, sizeof *fill);
    int rc = 0;
    if (!E.pool || !E.wt || !E.tabu_until || !E.tabu_node || !cand || !fill) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        double v = 0;
        for (int d = 0; d < D; d++)
            if (c->R[d] > 0)
                v += (double)c->vp->size[i][d] / c->R[d];
        E.wt[i] = v + 1e-6;
        E.tabu_node[i] = -1;
    }
    int64_t iters = 100 + (int64_t)n;
    int pass = 0;
    while (s->nn > lb && !c->budget.stopped) {
        int32_t nn = s->nn;
        for (int32_t k = 0; k < nn; k++) {
            cand[k] = k;
            fill[k] = node_fill(c, &s->nd[k]);
        }
        if (pass == 0) {
            for (int32_t a = 1; a < nn; a++) {
                int32_t x = cand[a], b = a;
                while (b > 0 && fill[cand[b - 1]] > fill[x]) {
                    cand[b] = cand[b - 1];
                    b--;
                }
                cand[b] = x;
            }
        } else {
            for (int32_t a = nn - 1; a > 0; a--) {
                int32_t b = (int32_t)ga_rng_below(&c->rng, (uint64_t)a + 1);
                int32_t t = cand[a];
                cand[a] = cand[b];
                cand[b] = t;
            }
        }
        int progress = 0;
        for (int32_t a = 0; a < nn && !c->budget.stopped; a++) {
            int r = eliminate(c, s, cand[a], iters, &E);
            if (r < 0) {
                rc = -1;
                goto out;
            }
            if (r == 1) {
                progress = 1;
                break;
            }
        }
        if (progress) {
            pass = 0;
        } else {
            /* without a time limit the ticks never end it: 6 fruitless
             * passes (the last with 32 times the first's iterations) do */
            if (++pass > 6)
                break;
            iters *= 2;
        }
    }
out:
    free(E.pool);
    free(E.wt);
    free(E.tabu_until);
    free(E.tabu_node);
    free(cand);
    free(fill);
    return rc;
}
