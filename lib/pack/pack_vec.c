/*
 * pack_vec.c - multi-dimensional packing onto node types of different
 * sizes and prices (vector and variable-sized bin packing), for the
 * min_nodes and min_cost objectives, with per-type count limits.
 *
 * Items are ordered by their largest share of the largest capacity of any
 * type (max_d s_d / R_d, ties by the sum of shares): the dimension that
 * binds first decides.  Constructive heuristics: item-oriented first fit
 * or best fit decreasing, and a node-oriented greedy that opens, for each
 * new node, the type whose greedy fill is best (most packed share for
 * min_nodes, least cost per packed share for min_cost); for min_cost also
 * one packing per node type.  Improvement: a node-elimination search (pack_vec_elim.c) that
 * empties the least-filled node into a pool and swaps pool items into the
 * other nodes (tabu on item and node) until the pool is empty, and for
 * min_cost merging two nodes into one cheaper type; finally every node gets
 * the cheapest type that holds it.  Exact: a depth-first branch and bound
 * over items for small problems.  Lower bounds: per dimension, L1 and L2 on
 * the largest capacity; for cost, the cheapest price per unit of each
 * dimension and the cheapest type each item fits.
 *
 * No dependency.  Invariants: every node's load fits its type; count
 * limits are never exceeded (items beyond them get node -1); equal input
 * and seed give equal output; work is charged to a deterministic budget.
 * Returns GPUARB_OK or GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack_vec.h"

#define D GA_PACK_DIMS
#define VEC_TICKS_PER_MS 20000
#define SIM_WINDOW 4000


void ga_vec_sol_free(vsol *s)
{
    for (int32_t k = 0; k < s->nn; k++)
        free(s->nd[k].it);
    free(s->nd);
    memset(s, 0, sizeof *s);
}

int ga_vec_node_push(vnode *v, int32_t item, const int64_t *sz)
{
    if (v->n == v->cap) {
        size_t cap = (size_t)v->cap;
        if (ga_grow((void **)&v->it, &cap, (size_t)v->n + 1, sizeof *v->it) != 0)
            return -1;
        v->cap = (int32_t)cap;
    }
    v->it[v->n++] = item;
    for (int d = 0; d < D; d++)
        v->load[d] += sz[d];
    return 0;
}

void ga_vec_node_remove_at(vnode *v, int32_t pos, const int64_t *sz)
{
    v->it[pos] = v->it[--v->n];
    for (int d = 0; d < D; d++)
        v->load[d] -= sz[d];
}

int32_t ga_vec_open_node(vsol *s, int32_t type)
{
    if (s->nn == s->capn) {
        size_t cap = (size_t)s->capn;
        if (ga_grow((void **)&s->nd, &cap, (size_t)s->nn + 1, sizeof *s->nd) != 0)
            return -1;
        s->capn = (int32_t)cap;
    }
    vnode *v = &s->nd[s->nn];
    memset(v, 0, sizeof *v);
    v->type = type;
    return s->nn++;
}

/* Items placed per priority rank into cnt[nlev]. */
static void placed_levels(const vctx *c, const vsol *s, int64_t *cnt)
{
    memset(cnt, 0, (size_t)c->nlev * sizeof *cnt);
    for (int32_t k = 0; k < s->nn; k++)
        for (int32_t x = 0; x < s->nd[k].n; x++)
            cnt[c->rank[s->nd[k].it[x]]]++;
}

int ga_vec_better(const vctx *c, const vsol *a, const vsol *b)
{
    if (c->limited) {
        vctx *m = (vctx *)c; /* the scratch counts only */
        placed_levels(c, a, m->lev_a);
        placed_levels(c, b, m->lev_b);
        for (int32_t l = c->nlev - 1; l >= 0; l--)
            if (m->lev_a[l] != m->lev_b[l])
                return m->lev_a[l] > m->lev_b[l];
    }
    double ca = ga_vec_sol_cost(c, a), cb = ga_vec_sol_cost(c, b);
    if (c->vp->objective == GPUARB_PACK_MIN_COST) {
        if (fabs(ca - cb) > 1e-9 * fmax(1, fabs(cb)))
            return ca < cb;
        return a->nn < b->nn;
    }
    if (a->nn != b->nn)
        return a->nn < b->nn;
    return ca < cb - 1e-9 * fmax(1, fabs(cb));
}

int ga_vec_sol_copy(vsol *dst, const vsol *src)
{
    ga_vec_sol_free(dst);
    if (src->nn == 0)
        return 0;
    dst->nd = ga_calloc((size_t)src->nn, sizeof *dst->nd);
    if (!dst->nd)
        return -1;
    dst->capn = src->nn;
    for (int32_t k = 0; k < src->nn; k++) {
        vnode *v = &dst->nd[k];
        *v = src->nd[k];
        v->it = ga_mallocarray((size_t)src->nd[k].n + 1, sizeof *v->it);
        if (!v->it) {
            dst->nn = k;
            return -1;
        }
        memcpy(v->it, src->nd[k].it, (size_t)src->nd[k].n * sizeof *v->it);
        v->cap = src->nd[k].n + 1;
        dst->nn = k + 1;
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Bounds
 * --------------------------------------------------------------------- */
static int cmp_i64_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Bounds over the items items[0..m) (items NULL: all c->n of them). */
static int64_t node_bound(const vctx *c, const int32_t *items, size_t m_items, int *oom)
{
    const ga_vec_problem *vp = c->vp;
    int64_t lb = m_items > 0;
    int64_t *w = ga_mallocarray(c->n + 1, sizeof *w);
    if (!w) {
        *oom = 1;
        return lb;
    }
    for (int d = 0; d < D; d++) {
        int64_t cmax = 0;
        for (size_t t = 0; t < c->nt; t++)
            if (c->left0[t] != 0 && vp->types[t].cap[d] > cmax)
                cmax = vp->types[t].cap[d];
        if (cmax <= 0 || cmax >= ((int64_t)1 << 62))
            continue;
        size_t m = 0;
        int64_t tot = 0;
        for (size_t q = 0; q < m_items; q++) {
            size_t i = items ? (size_t)items[q] : q;
            if (vp->size[i][d] > 0) {
                w[m++] = vp->size[i][d];
                tot += vp->size[i][d];
            }
        }
        if (m == 0)
            continue;
        qsort(w, m, sizeof *w, cmp_i64_desc);
        ga_bpp p = {w, m, cmax, tot};
        int64_t b = ga_bpp_l2(&p);
        if (b > lb)
            lb = b;
    }
    free(w);
    return lb;
}

/* A bound on cost: per dimension d, every item pays at least the
 * cheapest price per unit of d among the types it fits (a node of type t
 * holds at most cap_td of d and costs c_t), summed over the items; and
 * every item needs a node of some type it fits.  Count limits are
 * relaxed.  Item x type work is capped: past it, the price per unit is
 * taken over all types. */
static double cost_bound(const vctx *c, const int32_t *items, size_t m_items)
{
    const ga_vec_problem *vp = c->vp;
    const int64_t inf = (int64_t)1 << 62;
    int per_item = (double)c->n * (double)c->nt <= 2e7;
    double sum[D] = {0, 0, 0, 0}, best = 0;
    double global[D];
    for (int d = 0; d < D; d++) {
        global[d] = -1;
        for (size_t t = 0; t < c->nt; t++) {
            int64_t cap = vp->types[t].cap[d];
            if (c->left0[t] == 0 || cap <= 0)
                continue;
            double r = cap >= inf ? 0 : vp->types[t].cost / (double)cap;
            if (global[d] < 0 || r < global[d])
                global[d] = r;
        }
    }
    int64_t zero[D] = {0, 0, 0, 0};
    for (size_t q = 0; q < m_items; q++) {
        size_t i = items ? (size_t)items[q] : q;
        double rate[D] = {-1, -1, -1, -1}, cheapest = -1;
        if (per_item) {
            for (size_t t = 0; t < c->nt; t++) {
                if (c->left0[t] == 0 || !ga_vec_fits_add(zero, vp->size[i], vp->types[t].cap))
                    continue;
                double ct = vp->types[t].cost;
                if (cheapest < 0 || ct < cheapest)
                    cheapest = ct;
                for (int d = 0; d < D; d++) {
                    int64_t cap = vp->types[t].cap[d];
                    if (vp->size[i][d] == 0 || cap <= 0)
                        continue;
                    double r = cap >= inf ? 0 : ct / (double)cap;
                    if (rate[d] < 0 || r < rate[d])
                        rate[d] = r;
                }
            }
        }
        for (int d = 0; d < D; d++) {
            double r = per_item ? rate[d] : global[d];
            if (r > 0)
                sum[d] += r * (double)vp->size[i][d];
        }
        if (cheapest > best)
            best = cheapest;
    }
    for (int d = 0; d < D; d++)
        if (sum[d] > best)
            best = sum[d];
    /* summing many rates in floating point: stay a hair below */
    return best * (1 - 1e-12);
}

/* ---------------------------------------------------------------------
 * Constructive heuristics
 * --------------------------------------------------------------------- */

/* Score of opening type t for the unassigned items (in order) starting at
 * position from: simulate a greedy fill.  Lower is better. */
static double type_score(vctx *c, const unsigned char *done, size_t from, int32_t t)
{
    const ga_vec_problem *vp = c->vp;
    int64_t load[D] = {0, 0, 0, 0};
    double packed = 0;
    size_t seen = 0, window = c->budget.stopped || c->n > 20000 ? 64 : SIM_WINDOW;
    for (size_t k = from; k < c->n && seen < window; k++) {
        int32_t i = c->ord[k];
        if (done[i])
            continue;
        seen++;
        if (ga_vec_fits_add(load, vp->size[i], vp->types[t].cap)) {
            for (int d = 0; d < D; d++)
                load[d] += vp->size[i][d];
            packed += c->meas[i] + 1e-9;
        }
    }
    ga_budget_spend(&c->budget, (int64_t)seen / 4 + 1);
    if (packed <= 0)
        return 1e300;
    if (vp->objective == GPUARB_PACK_MIN_COST)
        return vp->types[t].cost / packed - packed * 1e-12;
    return -packed;
}

/* Choose the type for a new node that must hold item i. */
static int32_t choose_type(vctx *c, const unsigned char *done, size_t from, int32_t i,
                           const int64_t *left, int32_t only)
{
    int32_t best = -1;
    double bs = 0;
    int64_t zero[D] = {0, 0, 0, 0};
    for (size_t t = 0; t < c->nt; t++) {
        if (left[t] == 0 || (only >= 0 && (int32_t)t != only))
            continue;
        if (!ga_vec_fits_add(zero, c->vp->size[i], c->vp->types[t].cap))
            continue;
        double s = type_score(c, done, from, (int32_t)t);
        if (best < 0 || s < bs) {
            best = (int32_t)t;
            bs = s;
        }
    }
    return best;
}

/* A new node for item i (at position q of c->ord) of the type choose_type
 * picks, counted against left.  Returns its index, -1 when no type takes
 * i, -2 when out of memory. */
static int32_t open_for(vctx *c, vsol *s, const unsigned char *done, size_t q, int32_t i,
                        int64_t *left, int32_t only)
{
    int32_t t = choose_type(c, done, q, i, left, only);
    if (t < 0)
        return -1;
    int32_t k = ga_vec_open_node(s, t);
    if (k < 0)
        return -2;
    if (left[t] > 0)
        left[t]--;
    return k;
}

/* Best fit for item i: the open node it leaves the least slack in (summed
 * over the dimensions, each relative to c->R), among all open nodes while
 * the budget lasts and they are few, then only the last 64, so large
 * problems stay O(n).  -1 if none fits. */
static int32_t best_fit(vctx *c, const vsol *s, int32_t i)
{
    const ga_vec_problem *vp = c->vp;
    int32_t pick = -1;
    double pick_slack = 0;
    int32_t k0 = c->budget.stopped || s->nn > 4096 ? GA_MAX(0, s->nn - 64) : 0;
    for (int32_t k = k0; k < s->nn; k++) {
        const vnode *v = &s->nd[k];
        const int64_t *cap = vp->types[v->type].cap;
        if (!ga_vec_fits_add(v->load, vp->size[i], cap))
            continue;
        double slack = 0;
        for (int d = 0; d < D; d++)
            if (c->R[d] > 0 && cap[d] < ((int64_t)1 << 62))
                slack += (double)(cap[d] - v->load[d] - vp->size[i][d]) / c->R[d];
        if (pick < 0 || slack < pick_slack) {
            pick = k;
            pick_slack = slack;
        }
    }
    ga_budget_spend(&c->budget, (s->nn - k0) / 8 + 1);
    return pick;
}

/* First fit over many nodes: a segment tree over the nodes holding, per
 * dimension, the largest residual below each tree node.  A subtree whose
 * maxima do not all reach the item's sizes cannot hold it; leaves are
 * exact, so the leftmost leaf reached is the first node that fits.
 * Unopened leaves hold -1 and never fit. */
typedef struct fftree {
    int64_t (*t)[D];
    size_t size;
} fftree;

static int dominates(const int64_t *r, const int64_t *s)
{
    for (int d = 0; d < D; d++)
        if (r[d] < s[d])
            return 0;
    return 1;
}

static int ff_init(fftree *f, size_t n)
{
    f->size = 1;
    while (f->size < n)
        f->size <<= 1;
    f->t = ga_mallocarray(2 * f->size, sizeof *f->t);
    if (!f->t)
        return -1;
    for (size_t x = 0; x < 2 * f->size; x++)
        for (int d = 0; d < D; d++)
            f->t[x][d] = -1;
    return 0;
}

/* Leftmost node that holds s, or -1; *visits counts tree nodes seen. */
static int32_t ff_find(const fftree *f, const int64_t *s, int64_t *visits)
{
    size_t stack[2 * 64], top = 0;
    stack[top++] = 1;
    while (top) {
        size_t x = stack[--top];
        (*visits)++;
        if (!dominates(f->t[x], s))
            continue;
        if (x >= f->size)
            return (int32_t)(x - f->size);
        stack[top++] = 2 * x + 1;
        stack[top++] = 2 * x;
    }
    return -1;
}

static void ff_set(fftree *f, int32_t k, const int64_t *load, const int64_t *cap)
{
    size_t x = f->size + (size_t)k;
    for (int d = 0; d < D; d++)
        f->t[x][d] = cap[d] - load[d];
    for (x >>= 1; x; x >>= 1)
        for (int d = 0; d < D; d++)
            f->t[x][d] = GA_MAX(f->t[2 * x][d], f->t[2 * x + 1][d]);
}

/* mode 0: first fit (segment tree), 1: best fit (least remaining share), 2: node at a
 * time.  only >= 0 restricts new nodes to one type.  Items that find no
 * node (count limits) are left out. */
static int construct(vctx *c, vsol *s, int mode, int32_t only)
{
    const ga_vec_problem *vp = c->vp;
    size_t n = c->n;
    unsigned char *done = ga_calloc(n + 1, 1);
    int64_t *left = ga_mallocarray(c->nt + 1, sizeof *left);
    if (!done || !left) {
        free(done);
        free(left);
        return -1;
    }
    memcpy(left, c->left0, c->nt * sizeof *left);
    int rc = 0;
    if (mode == 2) {
        size_t from = 0;
        for (;;) {
            while (from < n && done[c->ord[from]])
                from++;
            if (from >= n)
                break;
            int32_t i = c->ord[from];
            int32_t k = open_for(c, s, done, from, i, left, only);
            if (k == -1) {
                done[i] = 2; /* no node can take it */
                continue;
            }
            if (k < 0) {
                rc = -1;
                break;
            }
            vnode *v = &s->nd[k];
            int32_t t = v->type;
            size_t seen = 0, window = c->budget.stopped ? 256 : n;
            for (size_t q = from; q < n && seen < window; q++) {
                int32_t j = c->ord[q];
                if (!done[j])
                    seen++;
                if (done[j] || !ga_vec_fits_add(v->load, vp->size[j], vp->types[t].cap))
                    continue;
                if (ga_vec_node_push(v, j, vp->size[j]) != 0) {
                    rc = -1;
                    break;
                }
                done[j] = 1;
            }
            ga_budget_spend(&c->budget, (int64_t)(n - from) / 4 + 1);
            if (rc)
                break;
        }
    } else {
        /* first fit (mode 0) through the tree, or best fit */
        fftree ft = {0};
        if (mode == 0 && ff_init(&ft, n) != 0) {
            free(done);
            free(left);
            return -1;
        }
        for (size_t q = 0; q < n && rc == 0; q++) {
            int32_t i = c->ord[q];
            int32_t pick;
            if (mode == 0) {
                int64_t visits = 0;
                pick = ff_find(&ft, vp->size[i], &visits);
                ga_budget_spend(&c->budget, visits / 4 + 1);
            } else {
                pick = best_fit(c, s, i);
            }
            if (pick < 0) {
                pick = open_for(c, s, done, q, i, left, only);
                if (pick == -1)
                    continue;
                if (pick < 0) {
                    rc = -1;
                    break;
                }
            }
            vnode *v = &s->nd[pick];
            if (ga_vec_node_push(v, i, vp->size[i]) != 0)
                rc = -1;
            if (mode == 0)
                ff_set(&ft, pick, v->load, vp->types[v->type].cap);
            done[i] = 1;
        }
        free(ft.t);
    }
    free(done);
    free(left);
    return rc;
}

/* Give every node the cheapest type that holds it (counts respected). */
static void downsize(vctx *c, vsol *s)
{
    const ga_vec_problem *vp = c->vp;
    int64_t *left = ga_mallocarray(c->nt + 1, sizeof *left);
    if (!left)
        return;
    memcpy(left, c->left0, c->nt * sizeof *left);
    for (int32_t k = 0; k < s->nn; k++)
        if (left[s->nd[k].type] > 0)
            left[s->nd[k].type]--;
    for (int32_t k = 0; k < s->nn; k++) {
        vnode *v = &s->nd[k];
        if (left[v->type] >= 0)
            left[v->type]++;
        int32_t best = v->type;
        for (size_t t = 0; t < c->nt; t++) {
            if (left[t] == 0)
                continue;
            int64_t zero[D] = {0, 0, 0, 0};
            if (!ga_vec_fits_add(zero, v->load, vp->types[t].cap))
                continue;
            if (vp->types[t].cost < vp->types[best].cost - 1e-12)
                best = (int32_t)t;
        }
        v->type = best;
        if (left[best] > 0)
            left[best]--;
    }
    free(left);
}

/* min_cost: merge two nodes into one node of a type cheaper than both. */
static int merge_pairs(vctx *c, vsol *s)
{
    const ga_vec_problem *vp = c->vp;
    int64_t *left = ga_mallocarray(c->nt + 1, sizeof *left);
    if (!left)
        return -1;
    int changed = 1;
    while (changed && !c->budget.stopped) {
        changed = 0;
        memcpy(left, c->left0, c->nt * sizeof *left);
        for (int32_t k = 0; k < s->nn; k++)
            if (left[s->nd[k].type] > 0)
                left[s->nd[k].type]--;
        for (int32_t a = 0; a < s->nn && !changed && !c->budget.stopped; a++)
            for (int32_t b = a + 1; b < s->nn && !changed && !c->budget.stopped; b++) {
                ga_budget_spend(&c->budget, (int64_t)c->nt + 1);
                vnode *A = &s->nd[a], *B = &s->nd[b];
                double have = vp->types[A->type].cost + vp->types[B->type].cost;
                for (size_t t = 0; t < c->nt; t++) {
                    int64_t avail = left[t];
                    if (avail >= 0 && (int32_t)t == A->type)
                        avail++;
                    if (avail >= 0 && (int32_t)t == B->type)
                        avail++;
                    if (avail == 0 || !ga_vec_fits_add(A->load, B->load, vp->types[t].cap))
                        continue;
                    if (vp->types[t].cost < have - 1e-9 * fmax(1, have)) {
                        for (int32_t x = 0; x < B->n; x++)
                            if (ga_vec_node_push(A, B->it[x], vp->size[B->it[x]]) != 0) {
                                free(left);
                                return -1;
                            }
                        A->type = (int32_t)t;
                        free(B->it);
                        s->nd[b] = s->nd[--s->nn];
                        changed = 1;
                        break;
                    }
                }
            }
    }
    free(left);
    return 0;
}

/* ---------------------------------------------------------------------
 * Driver
 * --------------------------------------------------------------------- */
static int cmp_ord(vctx *c, int32_t a, int32_t b)
{
    if (c->limited && c->rank[a] != c->rank[b])
        return c->rank[a] > c->rank[b] ? -1 : 1;
    if (c->meas[a] != c->meas[b])
        return c->meas[a] > c->meas[b] ? -1 : 1;
    return a < b ? -1 : 1;
}

static int sort_items(vctx *c)
{
    const ga_vec_problem *vp = c->vp;
    c->meas = ga_mallocarray(c->n + 1, sizeof *c->meas);
    c->ord = ga_mallocarray(c->n + 1, sizeof *c->ord);
    int32_t *tmp = ga_mallocarray(c->n + 1, sizeof *tmp);
    if (!c->meas || !c->ord || !tmp) {
        free(tmp);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++) {
        double mx = 0, sum = 0;
        for (int d = 0; d < D; d++) {
            if (c->R[d] <= 0)
                continue;
            double sh = (double)vp->size[i][d] / c->R[d];
            sum += sh;
            if (sh > mx)
                mx = sh;
        }
        c->meas[i] = mx + 1e-3 * sum;
        c->ord[i] = (int32_t)i;
    }
    /* bottom-up merge sort: stable and O(n log n) */
    for (size_t width = 1; width < c->n; width *= 2) {
        for (size_t lo = 0; lo < c->n; lo += 2 * width) {
            size_t mid = GA_MIN(lo + width, c->n), hi = GA_MIN(lo + 2 * width, c->n);
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                tmp[k++] = cmp_ord(c, c->ord[a], c->ord[b]) <= 0 ? c->ord[a++] : c->ord[b++];
            while (a < mid)
                tmp[k++] = c->ord[a++];
            while (b < hi)
                tmp[k++] = c->ord[b++];
        }
        memcpy(c->ord, tmp, c->n * sizeof *tmp);
    }
    free(tmp);
    return 0;
}

/* Canonical output: nodes ordered by their lowest item index. */
static int emit(const vctx *c, const vsol *s, int32_t *node_of, int32_t *node_type,
                ga_vec_report *rep)
{
    size_t n = c->n;
    for (size_t i = 0; i < n; i++)
        node_of[i] = -1;
    for (int32_t k = 0; k < s->nn; k++)
        for (int32_t x = 0; x < s->nd[k].n; x++)
            node_of[s->nd[k].it[x]] = k;
    int32_t *map = ga_mallocarray((size_t)s->nn + 1, sizeof *map);
    if (!map)
        return -1;
    for (int32_t k = 0; k < s->nn; k++)
        map[k] = -1;
    int32_t next = 0;
    for (size_t i = 0; i < n; i++)
        if (node_of[i] >= 0 && map[node_of[i]] < 0)
            map[node_of[i]] = next++;
    for (int32_t k = 0; k < s->nn; k++)
        if (map[k] >= 0)
            node_type[map[k]] = s->nd[k].type;
    for (size_t i = 0; i < n; i++)
        if (node_of[i] >= 0)
            node_of[i] = map[node_of[i]];
    rep->nodes = next;
    rep->cost = 0;
    for (int32_t k = 0; k < next; k++)
        rep->cost += c->vp->types[node_type[k]].cost;
    free(map);
    return 0;
}

/* Count limits: place what is left unplaced where it fits (an open node,
 * else a new node of the cheapest type with count left), highest priority
 * first and smallest first within a priority; then let an unplaced item
 * take the place of a placed one of lower priority.  Returns 0 or -1. */
static int place_unplaced(vctx *c, vsol *s)
{
    const ga_vec_problem *vp = c->vp;
    size_t n = c->n;
    unsigned char *on = ga_calloc(n + 1, 1);
    int64_t *left = ga_mallocarray(c->nt + 1, sizeof *left);
    if (!on || !left) {
        free(on);
        free(left);
        return -1;
    }
    memcpy(left, c->left0, c->nt * sizeof *left);
    for (int32_t k = 0; k < s->nn; k++) {
        if (left[s->nd[k].type] > 0)
            left[s->nd[k].type]--;
        for (int32_t x = 0; x < s->nd[k].n; x++)
            on[s->nd[k].it[x]] = 1;
    }
    int rc = 0;
    int64_t zero[D] = {0, 0, 0, 0};
    /* c->ord is by rank, then measure descending: walk each rank backwards */
    for (size_t q = n; q-- > 0 && rc == 0;) {
        int32_t i = c->ord[q];
        if (on[i])
            continue;
        ga_budget_spend(&c->budget, s->nn + (int64_t)c->nt + 1);
        int32_t pick = -1;
        for (int32_t k = 0; k < s->nn && pick < 0; k++)
            if (ga_vec_fits_add(s->nd[k].load, vp->size[i], vp->types[s->nd[k].type].cap))
                pick = k;
        if (pick < 0) {
            int32_t t = -1;
            for (size_t u = 0; u < c->nt; u++)
                if (left[u] != 0 && ga_vec_fits_add(zero, vp->size[i], vp->types[u].cap) &&
                    (t < 0 || vp->types[u].cost < vp->types[t].cost))
                    t = (int32_t)u;
            if (t >= 0) {
                if ((pick = ga_vec_open_node(s, t)) < 0) {
                    rc = -1;
                    break;
                }
                if (left[t] > 0)
                    left[t]--;
            }
        }
        if (pick < 0) {
            /* swap out a placed item of lower priority (the lowest, then
             * the largest) whose room takes i */
            int32_t bk = -1, bx = -1;
            for (int32_t k = 0; k < s->nn; k++) {
                vnode *v = &s->nd[k];
                const int64_t *cap = vp->types[v->type].cap;
                for (int32_t x = 0; x < v->n; x++) {
                    int32_t y = v->it[x];
                    if (c->rank[y] >= c->rank[i])
                        continue;
                    int ok = 1;
                    for (int d = 0; d < D && ok; d++)
                        ok = v->load[d] - vp->size[y][d] + vp->size[i][d] <= cap[d];
                    if (!ok)
                        continue;
                    if (bk < 0 || c->rank[y] < c->rank[s->nd[bk].it[bx]] ||
                        (c->rank[y] == c->rank[s->nd[bk].it[bx]] &&
                         c->meas[y] > c->meas[s->nd[bk].it[bx]])) {
                        bk = k;
                        bx = x;
                    }
                }
            }
            if (bk >= 0) {
                int32_t y = s->nd[bk].it[bx];
                ga_vec_node_remove_at(&s->nd[bk], bx, vp->size[y]);
                on[y] = 0;
                pick = bk;
            }
        }
        if (pick >= 0) {
            if (ga_vec_node_push(&s->nd[pick], i, vp->size[i]) != 0)
                rc = -1;
            on[i] = 1;
        }
    }
    /* drop nodes the swaps emptied */
    for (int32_t k = 0; k < s->nn;)
        if (s->nd[k].n == 0) {
            free(s->nd[k].it);
            s->nd[k] = s->nd[--s->nn];
        } else {
            k++;
        }
    free(on);
    free(left);
    return rc;
}

/* Within each priority rank of c->ord, reverse the order (smallest
 * first): with count limits, small items first place more of them. */
static void reverse_within_ranks(vctx *c)
{
    size_t a = 0;
    while (a < c->n) {
        size_t b = a;
        while (b < c->n && c->rank[c->ord[b]] == c->rank[c->ord[a]])
            b++;
        for (size_t x = a, y = b - 1; x < y; x++, y--) {
            int32_t t = c->ord[x];
            c->ord[x] = c->ord[y];
            c->ord[y] = t;
        }
        a = b;
    }
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Ranks of the items' priorities (0 = lowest) and their number. */
static int rank_items(vctx *c)
{
    const ga_vec_problem *vp = c->vp;
    c->rank = ga_calloc(c->n + 1, sizeof *c->rank);
    if (!c->rank)
        return -1;
    c->nlev = 1;
    if (!vp->prio || c->n == 0)
        goto scratch;
    int32_t *v = ga_mallocarray(c->n, sizeof *v);
    if (!v)
        return -1;
    memcpy(v, vp->prio, c->n * sizeof *v);
    qsort(v, c->n, sizeof *v, cmp_i32);
    size_t u = 0;
    for (size_t i = 0; i < c->n; i++)
        if (u == 0 || v[i] != v[u - 1])
            v[u++] = v[i];
    for (size_t i = 0; i < c->n; i++) {
        size_t lo = 0, hi = u;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (v[mid] < vp->prio[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        c->rank[i] = (int32_t)lo;
    }
    c->nlev = (int32_t)u;
    free(v);
scratch:
    c->lev_a = ga_calloc((size_t)c->nlev, sizeof *c->lev_a);
    c->lev_b = ga_calloc((size_t)c->nlev, sizeof *c->lev_b);
    return c->lev_a && c->lev_b ? 0 : -1;
}

static void vctx_free(vctx *c)
{
    free(c->left0);
    free(c->meas);
    free(c->ord);
    free(c->rank);
    free(c->lev_a);
    free(c->lev_b);
}

/* Is the packing's cost the least among packings with as many nodes?
 * Sure when every usable type costs the same, or every node has the
 * cheapest usable type, or the cost meets the cost bound. */
static int cost_tie_proven(const vctx *c, const vsol *s, double clb)
{
    double lo = -1, hi = -1;
    for (size_t t = 0; t < c->nt; t++) {
        if (c->left0[t] == 0)
            continue;
        double x = c->vp->types[t].cost;
        if (lo < 0 || x < lo)
            lo = x;
        if (hi < 0 || x > hi)
            hi = x;
    }
    if (hi <= lo)
        return 1;
    double cost = ga_vec_sol_cost(c, s);
    if (cost <= (double)s->nn * lo * (1 + 1e-12))
        return 1;
    return clb >= 0 && cost <= clb + 1e-9 * fmax(1, clb);
}

/* Run fn(c, s) on 1/part of the ticks c's budget has left, then charge
 * what it spent (a clock stop carries over). */
static int budget_share(vctx *c, int64_t part, int (*fn)(vctx *, vsol *), vsol *s)
{
    ga_budget keep = c->budget, sub = c->budget;
    if (sub.ticks_left > 0)
        sub.ticks_left /= part;
    c->budget = sub;
    int r = fn(c, s);
    int64_t spent = sub.ticks_left - c->budget.ticks_left;
    int by_clock = c->budget.by_clock;
    c->budget = keep;
    ga_budget_spend(&c->budget, spent);
    if (by_clock)
        c->budget.stopped = c->budget.by_clock = 1;
    return r;
}

gpuarb_status ga_vec_solve(gpuarb_ctx *ctx, const ga_vec_problem *vp, int32_t algorithm,
                           const ga_pack_limits *lim, uint64_t seed, int32_t *node_of,
                           int32_t *node_type, ga_vec_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->cost_lower_bound = -1;
    vctx c;
    memset(&c, 0, sizeof c);
    c.vp = vp;
    c.n = vp->n;
    c.nt = vp->n_types;
    ga_rng_seed(&c.rng, seed, 0x632be59bd9b4e019ULL);
    ga_pack_budget_init(&c.budget, lim, VEC_TICKS_PER_MS);
    vsol best, cur;
    memset(&best, 0, sizeof best);
    memset(&cur, 0, sizeof cur);
    int oom = 0;
    int32_t *placed = NULL;
    c.left0 = ga_mallocarray(c.nt + 1, sizeof *c.left0);
    if (!c.left0)
        goto nomem;
    for (size_t t = 0; t < c.nt; t++) {
        c.left0[t] = vp->types[t].count;
        if (c.left0[t] >= 0)
            c.limited = 1;
        for (int d = 0; d < D; d++) {
            int64_t cap = vp->types[t].cap[d];
            if (c.left0[t] != 0 && cap < ((int64_t)1 << 62) && (double)cap > c.R[d])
                c.R[d] = (double)cap;
        }
    }
    if (rank_items(&c) != 0 || sort_items(&c) != 0)
        goto nomem;
    int64_t lb = node_bound(&c, NULL, c.n, &oom);
    if (oom)
        goto nomem;

    /* constructive phase: with count limits also smallest first */
    int modes[3] = {algorithm == GPUARB_PACK_BFD ? 1 : 0, 2, 1};
    int n_modes = algorithm == GPUARB_PACK_FFD || algorithm == GPUARB_PACK_BFD ? 1 : 3;
    int n_orders = c.limited && n_modes > 1 ? 2 : 1;
    int have = 0;
    for (int o = 0; o < n_orders; o++) {
        if (o == 1)
            reverse_within_ranks(&c);
        for (int mi = 0; mi < n_modes; mi++) {
            if (mi > 0 && (c.budget.stopped || (modes[mi] == 2 && c.n > 20000)))
                continue;
            ga_vec_sol_free(&cur);
            if (construct(&c, &cur, modes[mi], -1) != 0)
                goto nomem;
            downsize(&c, &cur);
            if (!have || ga_vec_better(&c, &cur, &best))
                if (ga_vec_sol_copy(&best, &cur) != 0)
                    goto nomem;
            have = 1;
        }
        if (o == 1)
            reverse_within_ranks(&c);
    }
    if (n_modes > 1 && vp->objective == GPUARB_PACK_MIN_COST && c.nt > 1) {
        /* one packing per node type, then cheaper types where they fit */
        for (size_t t = 0; t < c.nt && !c.budget.stopped && c.n <= 20000; t++) {
            if (c.left0[t] == 0)
                continue;
            ga_vec_sol_free(&cur);
            if (construct(&c, &cur, 2, (int32_t)t) != 0)
                goto nomem;
            if (ga_vec_placed_count(&cur) < (int64_t)c.n)
                continue;
            downsize(&c, &cur);
            if (ga_vec_better(&c, &cur, &best))
                if (ga_vec_sol_copy(&best, &cur) != 0)
                    goto nomem;
        }
    }
    int optimal = 0;
    if (algorithm != GPUARB_PACK_FFD && algorithm != GPUARB_PACK_BFD) {
        if (c.limited && ga_vec_placed_count(&best) < (int64_t)c.n) {
            if (ga_vec_sol_copy(&cur, &best) != 0 || place_unplaced(&c, &cur) != 0)
                goto nomem;
            downsize(&c, &cur);
            if (ga_vec_better(&c, &cur, &best))
                if (ga_vec_sol_copy(&best, &cur) != 0)
                    goto nomem;
        }
        /* small problems: branch and price first; proven, nothing else runs */
        int bp_tried = 0;
        if (algorithm != GPUARB_PACK_LOCAL && c.n <= BP_MAX && c.nt <= 64) {
            /* at most half of what is left, so the searches below still
             * run when it cannot finish */
            int r = budget_share(&c, 2, ga_vec_bp, &best);
            if (r < 0)
                goto nomem;
            optimal = r == 1;
            bp_tried = 1;
        }
        double clb_all = cost_bound(&c, NULL, c.n);
        int at_bound = vp->objective == GPUARB_PACK_MIN_COST
                           ? ga_vec_sol_cost(&c, &best) <= clb_all + 1e-9 * fmax(1, clb_all)
                           : best.nn <= lb;
        if (!optimal && !c.limited && !at_bound && !c.budget.stopped) {
            /* the dive gets half of what is left; the local search the rest */
            if (ga_vec_sol_copy(&cur, &best) != 0)
                goto nomem;
            int r = budget_share(&c, 2, ga_vec_dive, &cur);
            if (r < 0)
                goto nomem;
            downsize(&c, &cur);
            if (ga_vec_better(&c, &cur, &best))
                if (ga_vec_sol_copy(&best, &cur) != 0)
                    goto nomem;
        }
        if (!optimal && ga_vec_placed_count(&best) == (int64_t)c.n && best.nn > lb) {
            if (ga_vec_sol_copy(&cur, &best) != 0 || ga_vec_improve(&c, &cur, lb) != 0)
                goto nomem;
            downsize(&c, &cur);
            if (ga_vec_better(&c, &cur, &best))
                if (ga_vec_sol_copy(&best, &cur) != 0)
                    goto nomem;
        }
        if (!optimal && vp->objective == GPUARB_PACK_MIN_COST) {
            if (ga_vec_sol_copy(&cur, &best) != 0 || merge_pairs(&c, &cur) != 0)
                goto nomem;
            downsize(&c, &cur);
            if (ga_vec_better(&c, &cur, &best))
                if (ga_vec_sol_copy(&best, &cur) != 0)
                    goto nomem;
        }
        double clb0 = cost_bound(&c, NULL, c.n);
        int all = ga_vec_placed_count(&best) == (int64_t)c.n;
        int proven = all && (vp->objective == GPUARB_PACK_MIN_COST
                                 ? ga_vec_sol_cost(&c, &best) <= clb0 + 1e-9 * fmax(1, clb0)
                                 : best.nn <= lb && cost_tie_proven(&c, &best, clb0));
        if (!optimal && !proven && !bp_tried && algorithm != GPUARB_PACK_LOCAL &&
            !c.budget.stopped && !c.limited) {
            int r = ga_vec_exact(&c, &best, lb);
            if (r < 0)
                goto nomem;
            optimal = r == 1;
        }
    }
    /* bounds over what is placed */
    placed = ga_mallocarray(c.n + 1, sizeof *placed);
    if (!placed)
        goto nomem;
    size_t np = 0;
    for (int32_t k = 0; k < best.nn; k++)
        for (int32_t x = 0; x < best.nd[k].n; x++)
            placed[np++] = best.nd[k].it[x];
    qsort(placed, np, sizeof *placed, cmp_i32);
    lb = node_bound(&c, placed, np, &oom);
    if (oom)
        goto nomem;
    double clb = cost_bound(&c, placed, np);
    if (optimal) {
        /* proven: the packing's own value is the tightest bound */
        if (best.nn > lb)
            lb = best.nn;
        double cost = ga_vec_sol_cost(&c, &best);
        if (vp->objective == GPUARB_PACK_MIN_COST && cost > clb)
            clb = cost;
    } else if (np == c.n) {
        if (vp->objective == GPUARB_PACK_MIN_NODES)
            optimal = best.nn <= lb && cost_tie_proven(&c, &best, clb);
        else
            optimal = ga_vec_sol_cost(&c, &best) <= clb + 1e-9 * fmax(1, clb);
    }
    if (emit(&c, &best, node_of, node_type, rep) != 0)
        goto nomem;
    rep->lower_bound = lb;
    rep->cost_lower_bound = clb;
    rep->optimal = optimal;
    rep->by_clock = c.budget.by_clock;
    ga_vec_sol_free(&best);
    ga_vec_sol_free(&cur);
    free(placed);
    vctx_free(&c);
    return GPUARB_OK;
nomem:
    ga_vec_sol_free(&best);
    ga_vec_sol_free(&cur);
    free(placed);
    vctx_free(&c);
    return ga_nomem(ctx);
}
