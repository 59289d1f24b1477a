/*
 * pack_vec_bp.c - branch and price for small multi-dimensional packings
 * (at most BP_MAX items, at most 64 node types), the exact phase of
 * pack_vec.c.
 *
 * Master (set partitioning over node contents): a column is a pair (S, t),
 * a set S of items that fits a node of type t in every dimension, with
 * cost c_t; an "unplaced" variable u_i per item with a penalty; rows
 *   sum_{(S,t) : i in S} x + u_i = 1            every item i
 *   sum_{(S,t)} x <= count_t                      every type with a count
 *   sum x <= N                                    (phase B only)
 * The penalties put placement first, priority rank by rank (an item of
 * rank r weighs (S+1)(n+1)^r, S the largest objective of a packing), so
 * one objective carries SPEC section 4's order.  min_nodes runs phase A
 * (every column costs 1, so bounds round up) and, when the usable types
 * differ in price, phase B (column cost c_t with at most N* nodes, N* from
 * phase A): the cheapest packing among those with the fewest nodes.  Prices
 * that are whole numbers of cents (of 10^-k, k <= 4) are counted in units of
 * their greatest common divisor, so every packing's value is whole and LP
 * bounds round up in every phase (one price: min_cost is min_nodes).
 *
 * The restricted master is solved by our own revised simplex with an
 * explicit basis inverse (numeric/dense.c: Gauss-Jordan and eta updates),
 * started at every tree node from the identity basis of the u and slack
 * variables, so nothing leaks between nodes.  Pricing, per type, is an
 * exact depth-first search for the item set of largest dual value that
 * fits (a multi-dimensional knapsack), over the node's components (items
 * joined by "together" branches), skipping pairs of a "apart" branch,
 * items whose allowed types exclude t and items forced out.  Branching,
 * in this order: Ryan-Foster on the pair whose joint value is nearest
 * 1/2 (together first: a dive); an item split across types (that type
 * first, then every other); an item split between placed and unplaced.
 * A node is pruned when its LP value (rounded up in phase A) reaches the
 * incumbent.  Every pivot and search node is charged to the work budget;
 * a search cut short proves nothing but keeps its best packing.
 *
 * No dependency.  Returns 1 (the packing is optimal), 0 (not proven),
 * -1 (memory).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numeric/dense.h"
#include "pack/pack_vec.h"

#define D GA_PACK_DIMS
#define BP_MAX_COLS 60000
#define BP_MAX_LEVELS 3
#define EPS 1e-9
#define INT_EPS 1e-7

typedef struct bcol {
    uint64_t mask;
    int32_t type;
} bcol;

/* Branching state of a tree node. */
typedef struct bstate {
    uint64_t tog[BP_MAX];   /* items that must share i's node (i included) */
    uint64_t apart[BP_MAX]; /* items that must not share i's node */
    uint64_t tmask[BP_MAX]; /* types i may be on */
    uint64_t unpl;          /* items forced unplaced */
    uint64_t mustp;         /* items forced placed */
} bstate;

typedef struct bp {
    vctx *c;
    const ga_vec_problem *vp;
    int n, nt, m;
    int32_t limrow[64];     /* row of type t's count, -1 none */
    int caprow;             /* -1 none */
    double b[BP_MAX + 66];  /* right-hand sides */
    double ccost[64];
    double pen[BP_MAX];
    double bigm;
    int integral;
    bcol *col;
    size_t ncol, capcol;
    bstate st;
    /* simplex */
    int64_t *basis;         /* variable ids */
    double *binv, *xb, *pi, *u, *work, *bmat;
    /* incumbent */
    bcol best[BP_MAX];
    int nbest;
    double best_val;
    int aborted, unproven;
    double w[BP_MAX][BP_MAX];  /* branching scratch: joint values of pairs */
    double wt[BP_MAX][64];     /* and of items on types */
    double xu[BP_MAX];         /* values of the u variables */
    bcol cols[BP_MAX];         /* an integral LP solution's columns */
} bp;

/* Variable ids: >= 0 pool columns; -1-i the u of item i; -1-n-r the
 * slack of row r. */
static int var_col(const bp *B, int64_t id, int32_t *rows)
{
    int k = 0;
    if (id >= 0) {
        const bcol *p = &B->col[id];
        for (uint64_t m = p->mask; m; m &= m - 1)
            rows[k++] = __builtin_ctzll(m);
        if (B->limrow[p->type] >= 0)
            rows[k++] = B->limrow[p->type];
        if (B->caprow >= 0)
            rows[k++] = B->caprow;
    } else if (id >= -(int64_t)B->n) {
        rows[k++] = (int32_t)(-1 - id);
    } else {
        rows[k++] = (int32_t)(-1 - B->n - id);
    }
    return k;
}

static double var_cost(const bp *B, int64_t id)
{
    if (id >= 0)
        return B->ccost[B->col[id].type];
    if (id >= -(int64_t)B->n) {
        int i = (int)(-1 - id);
        return B->st.mustp >> i & 1 ? B->bigm : B->pen[i];
    }
    return 0;
}

static int col_allowed(const bp *B, const bcol *p)
{
    const bstate *s = &B->st;
    if (p->mask & s->unpl)
        return 0;
    for (uint64_t m = p->mask; m; m &= m - 1) {
        int i = __builtin_ctzll(m);
        if ((s->tog[i] & p->mask) != s->tog[i] || (s->apart[i] & p->mask) ||
            !(s->tmask[i] >> p->type & 1))
            return 0;
    }
    return 1;
}

static int add_col(bp *B, uint64_t mask, int32_t type)
{
    if (B->ncol >= BP_MAX_COLS) {
        B->unproven = B->aborted = 1;
        return 0;
    }
    if (ga_grow((void **)&B->col, &B->capcol, B->ncol + 1, sizeof *B->col) != 0)
        return -1;
    B->col[B->ncol].mask = mask;
    B->col[B->ncol].type = type;
    B->ncol++;
    return 0;
}

static int refactor(bp *B)
{
    int m = B->m;
    int32_t rows[BP_MAX + 2];
    memset(B->bmat, 0, (size_t)m * m * sizeof *B->bmat);
    for (int k = 0; k < m; k++) {
        int nr = var_col(B, B->basis[k], rows);
        for (int r = 0; r < nr; r++)
            B->bmat[(size_t)rows[r] * m + k] = 1.0;
    }
    if (ga_dense_invert((size_t)m, B->bmat, (size_t)m, B->binv, (size_t)m, B->work, 1e-11) !=
        GA_LA_OK)
        return -1;
    for (int k = 0; k < m; k++) {
        double v = 0;
        for (int r = 0; r < m; r++)
            v += B->binv[(size_t)k * m + r] * B->b[r];
        B->xb[k] = v < 0 && v > -1e-9 ? 0 : v;
    }
    return 0;
}

/* Best column of type t for the duals: the item set of largest dual value
 * that fits, by depth-first search over the allowed components. */
typedef struct pr {
    int nc;
    uint64_t cm[BP_MAX];     /* component masks, by value descending */
    double val[BP_MAX];
    int64_t sz[BP_MAX][D];
    uint64_t conf[BP_MAX];   /* items a component must not meet */
    double suf[BP_MAX + 1];
    const int64_t *cap;
    double bestv;
    uint64_t bestm;
    int64_t nodes;
} pr;

static void pr_dfs(pr *P, int k, uint64_t mask, const int64_t *load, double v)
{
    P->nodes++;
    if (v > P->bestv) {
        P->bestv = v;
        P->bestm = mask;
    }
    if (P->nodes > 2000000)
        return;
    for (int j = k; j < P->nc; j++) {
        if (v + P->suf[j] <= P->bestv + EPS)
            return;
        if (P->conf[j] & mask)
            continue;
        int64_t nl[D];
        int ok = 1;
        for (int d = 0; d < D && ok; d++)
            ok = (nl[d] = load[d] + P->sz[j][d]) <= P->cap[d];
        if (!ok)
            continue;
        pr_dfs(P, j + 1, mask | P->cm[j], nl, v + P->val[j]);
    }
}

/* Price every type; add the columns of negative reduced cost.  Returns
 * the number added, or -1 (memory). */
static int price(bp *B)
{
    const ga_vec_problem *vp = B->vp;
    const bstate *s = &B->st;
    int added = 0;
    pr P;
    for (int t = 0; t < B->nt; t++) {
        if (B->c->left0[t] == 0)
            continue;
        double fixed = B->ccost[t];
        if (B->limrow[t] >= 0)
            fixed -= B->pi[B->limrow[t]];
        if (B->caprow >= 0)
            fixed -= B->pi[B->caprow];
        /* components allowed on t with positive value */
        P.nc = 0;
        uint64_t seen = 0;
        for (int i = 0; i < B->n; i++) {
            if (seen >> i & 1)
                continue;
            uint64_t cm = s->tog[i];
            seen |= cm;
            if (cm & s->unpl)
                continue;
            double v = 0;
            int64_t sz[D] = {0, 0, 0, 0};
            uint64_t conf = 0;
            int ok = 1;
            for (uint64_t m = cm; m; m &= m - 1) {
                int j = __builtin_ctzll(m);
                v += B->pi[j];
                conf |= s->apart[j];
                if (!(s->tmask[j] >> t & 1))
                    ok = 0;
                for (int d = 0; d < D; d++)
                    sz[d] += vp->size[j][d];
            }
            for (int d = 0; d < D && ok; d++)
                ok = sz[d] <= vp->types[t].cap[d];
            if (!ok || v <= EPS)
                continue;
            /* insert by value descending (ties: lower item first) */
            int at = P.nc++;
            while (at > 0 && P.val[at - 1] < v) {
                P.cm[at] = P.cm[at - 1];
                P.val[at] = P.val[at - 1];
                memcpy(P.sz[at], P.sz[at - 1], sizeof P.sz[at]);
                P.conf[at] = P.conf[at - 1];
                at--;
            }
            P.cm[at] = cm;
            P.val[at] = v;
            memcpy(P.sz[at], sz, sizeof sz);
            P.conf[at] = conf;
        }
        P.suf[P.nc] = 0;
        for (int j = P.nc - 1; j >= 0; j--)
            P.suf[j] = P.suf[j + 1] + P.val[j];
        P.cap = vp->types[t].cap;
        /* a column must beat the threshold to enter */
        P.bestv = fixed + EPS * 10;
        P.bestm = 0;
        P.nodes = 0;
        int64_t zero[D] = {0, 0, 0, 0};
        pr_dfs(&P, 0, 0, zero, 0);
        if (ga_budget_spend(&B->c->budget, P.nodes / 2 + 1) || P.nodes > 2000000) {
            B->aborted = 1;
            return added;
        }
        if (P.bestm) {
            if (add_col(B, P.bestm, t) != 0)
                return -1;
            if (B->aborted)
                return added;
            added++;
        }
    }
    return added;
}

/* Solve the node's LP.  Returns 0 (optimal; *z its value), 1 (aborted),
 * -1 (memory or a singular basis: treated as not proven). */
static int lp_solve(bp *B, double *z)
{
    int m = B->m;
    for (int r = 0; r < m; r++) {
        B->basis[r] = r < B->n ? -1 - r : -1 - B->n - r;
        B->xb[r] = B->b[r];
    }
    memset(B->binv, 0, (size_t)m * m * sizeof *B->binv);
    for (int r = 0; r < m; r++)
        B->binv[(size_t)r * m + r] = 1;
    int since = 0, degen = 0;
    int32_t rows[BP_MAX + 2];
    for (int64_t iter = 0;; iter++) {
        if (ga_budget_spend(&B->c->budget, (int64_t)m * m / 8 + (int64_t)B->ncol / 4 + 1) ||
            iter > 200000) {
            B->aborted = 1;
            return 1;
        }
        for (int r = 0; r < m; r++)
            B->pi[r] = 0;
        for (int k = 0; k < m; k++) {
            double cb = var_cost(B, B->basis[k]);
            if (cb == 0)
                continue;
            for (int r = 0; r < m; r++)
                B->pi[r] += cb * B->binv[(size_t)k * m + r];
        }
        int bland = degen > 50;
        int64_t q = INT64_MIN;
        double bestrc = -EPS * 10;
        /* u and slack variables, then the pool */
        for (int64_t id = -1; id >= -(int64_t)B->n - m && !(bland && q != INT64_MIN); id--) {
            if (id < -(int64_t)B->n) {
                int r = (int)(-1 - B->n - id);
                if (r < B->n)
                    continue; /* item rows have no slack */
            }
            int nr = var_col(B, id, rows);
            double rc = var_cost(B, id);
            for (int k = 0; k < nr; k++)
                rc -= B->pi[rows[k]];
            if (rc < bestrc) {
                bestrc = rc;
                q = id;
            }
        }
        for (size_t j = 0; j < B->ncol && !(bland && q != INT64_MIN); j++) {
            if (!col_allowed(B, &B->col[j]))
                continue;
            int nr = var_col(B, (int64_t)j, rows);
            double rc = var_cost(B, (int64_t)j);
            for (int k = 0; k < nr; k++)
                rc -= B->pi[rows[k]];
            if (rc < bestrc) {
                bestrc = rc;
                q = (int64_t)j;
            }
        }
        if (q == INT64_MIN) {
            size_t before = B->ncol;
            int a = price(B);
            if (a < 0)
                return -1;
            if (B->aborted)
                return 1;
            if (a == 0) {
                double v = 0;
                for (int k = 0; k < m; k++)
                    v += var_cost(B, B->basis[k]) * B->xb[k];
                *z = v;
                return 0;
            }
            q = (int64_t)before; /* the first new column enters */
        }
        /* skip if q is already basic (numerical noise) */
        int basic = 0;
        for (int k = 0; k < m && !basic; k++)
            basic = B->basis[k] == q;
        if (basic) {
            B->unproven = 1;
            B->aborted = 1;
            return 1;
        }
        int nr = var_col(B, q, rows);
        for (int k = 0; k < m; k++) {
            double v = 0;
            for (int x = 0; x < nr; x++)
                v += B->binv[(size_t)k * m + rows[x]];
            B->u[k] = v;
        }
        int r = -1;
        double ratio = 0;
        for (int k = 0; k < m; k++) {
            if (B->u[k] <= 1e-9)
                continue;
            double t = B->xb[k] / B->u[k];
            if (r < 0 || t < ratio - 1e-12 ||
                (t <= ratio + 1e-12 &&
                 (bland ? B->basis[k] < B->basis[r] : B->u[k] > B->u[r]))) {
                r = k;
                ratio = t;
            }
        }
        if (r < 0) {
            B->unproven = B->aborted = 1; /* unbounded: cannot happen */
            return 1;
        }
        if (ratio < 0)
            ratio = 0;
        degen = ratio <= 1e-12 ? degen + 1 : 0;
        for (int k = 0; k < m; k++)
            if (k != r)
                B->xb[k] -= ratio * B->u[k];
        B->xb[r] = ratio;
        ga_dense_eta_update((size_t)m, B->binv, B->u, (size_t)r);
        B->basis[r] = q;
        if (++since >= 40) {
            since = 0;
            if (refactor(B) != 0) {
                B->unproven = B->aborted = 1;
                return 1;
            }
        }
    }
}

static double packing_value(const bp *B, const bcol *cols, int k)
{
    double v = 0;
    uint64_t placed = 0;
    for (int x = 0; x < k; x++) {
        v += B->ccost[cols[x].type];
        placed |= cols[x].mask;
    }
    for (int i = 0; i < B->n; i++)
        if (!(placed >> i & 1))
            v += B->pen[i];
    return v;
}

static int pruned(const bp *B, double z)
{
    if (B->nbest < 0)
        return 0;
    if (B->integral)
        return ceil(z - 1e-6) >= B->best_val - 0.5;
    return z >= B->best_val - 1e-9 * fmax(1, fabs(B->best_val));
}

static int node(bp *B, int depth)
{
    if (B->aborted)
        return 0;
    double z;
    int r = lp_solve(B, &z);
    if (r < 0)
        return -1;
    if (r > 0)
        return 0;
    int m = B->m, n = B->n;
    /* a forced-placed item still on its penalty: no packing here */
    for (int k = 0; k < m; k++) {
        int64_t id = B->basis[k];
        if (id < 0 && id >= -(int64_t)n && (B->st.mustp >> (-1 - id) & 1) && B->xb[k] > INT_EPS)
            return 0;
    }
    if (pruned(B, z))
        return 0;
    /* integral? */
    int frac = 0;
    double *xu = B->xu;
    for (int i = 0; i < n; i++)
        xu[i] = 0;
    for (int k = 0; k < m; k++) {
        double x = B->xb[k];
        if (x > INT_EPS && x < 1 - INT_EPS)
            frac = 1;
        int64_t id = B->basis[k];
        if (id < 0 && id >= -(int64_t)n)
            xu[-1 - id] = x;
    }
    if (!frac) {
        bcol *cols = B->cols;
        int kc = 0;
        for (int k = 0; k < m; k++)
            if (B->basis[k] >= 0 && B->xb[k] > 0.5)
                cols[kc++] = B->col[B->basis[k]];
        double v = packing_value(B, cols, kc);
        if (B->nbest < 0 || v < B->best_val - 1e-9 * fmax(1, fabs(B->best_val))) {
            memcpy(B->best, cols, (size_t)kc * sizeof *cols);
            B->nbest = kc;
            B->best_val = v;
        }
        return 0;
    }
    if (depth > 2000) {
        B->unproven = 1;
        return 0;
    }
    /* Ryan-Foster: the pair whose joint value is nearest 1/2 */
    static const int none = -1;
    int bi = none, bj = none, bt = none, kind = 0;
    double bd = 2;
    double (*w)[BP_MAX] = B->w;
    double (*wt)[64] = B->wt;
    memset(B->w, 0, sizeof B->w);
    memset(B->wt, 0, sizeof B->wt);
    for (int k = 0; k < m; k++) {
        int64_t id = B->basis[k];
        if (id < 0 || B->xb[k] <= INT_EPS)
            continue;
        uint64_t mask = B->col[id].mask;
        for (uint64_t a = mask; a; a &= a - 1) {
            int i = __builtin_ctzll(a);
            wt[i][B->col[id].type] += B->xb[k];
            for (uint64_t b2 = a & (a - 1); b2; b2 &= b2 - 1)
                w[i][__builtin_ctzll(b2)] += B->xb[k];
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double f = w[i][j];
            if (f > INT_EPS && f < 1 - INT_EPS && fabs(f - 0.5) < bd) {
                bd = fabs(f - 0.5);
                bi = i;
                bj = j;
                kind = 1;
            }
        }
    if (!kind)
        for (int i = 0; i < n && !kind; i++)
            for (int t = 0; t < B->nt; t++) {
                double f = wt[i][t];
                if (f > INT_EPS && f < 1 - INT_EPS) {
                    bi = i;
                    bt = t;
                    kind = 2;
                    break;
                }
            }
    if (!kind)
        for (int i = 0; i < n; i++)
            if (xu[i] > INT_EPS && xu[i] < 1 - INT_EPS) {
                bi = i;
                kind = 3;
                break;
            }
    if (!kind) {
        B->unproven = 1;
        return 0;
    }
    bstate *save = ga_malloc(sizeof *save);
    if (!save)
        return -1;
    *save = B->st;
    bstate *s = &B->st;
    int rc = 0;
    if (kind == 1) {
        /* together */
        uint64_t u = s->tog[bi] | s->tog[bj], ap = 0, tm = ~(uint64_t)0;
        for (uint64_t a = u; a; a &= a - 1) {
            int x = __builtin_ctzll(a);
            ap |= s->apart[x];
            tm &= s->tmask[x];
        }
        if (!(ap & u) && tm && !(u & s->unpl)) {
            for (uint64_t a = u; a; a &= a - 1) {
                int x = __builtin_ctzll(a);
                s->tog[x] = u;
                s->apart[x] = ap;
                s->tmask[x] = tm;
            }
            for (uint64_t a = ap; a; a &= a - 1)
                s->apart[__builtin_ctzll(a)] |= u;
            rc = node(B, depth + 1);
        }
        B->st = *save;
        if (rc < 0) {
            free(save);
            return rc;
        }
        /* apart */
        for (uint64_t a = s->tog[bi]; a; a &= a - 1)
            s->apart[__builtin_ctzll(a)] |= s->tog[bj];
        for (uint64_t a = s->tog[bj]; a; a &= a - 1)
            s->apart[__builtin_ctzll(a)] |= s->tog[bi];
        rc = node(B, depth + 1);
    } else if (kind == 2) {
        for (uint64_t a = s->tog[bi]; a; a &= a - 1)
            s->tmask[__builtin_ctzll(a)] &= (uint64_t)1 << bt;
        rc = node(B, depth + 1);
        B->st = *save;
        if (rc < 0) {
            free(save);
            return rc;
        }
        for (uint64_t a = s->tog[bi]; a; a &= a - 1)
            s->tmask[__builtin_ctzll(a)] &= ~((uint64_t)1 << bt);
        rc = node(B, depth + 1);
    } else {
        for (uint64_t a = s->tog[bi]; a; a &= a - 1)
            s->mustp |= (uint64_t)1 << __builtin_ctzll(a);
        rc = node(B, depth + 1);
        B->st = *save;
        if (rc < 0) {
            free(save);
            return rc;
        }
        s->unpl |= s->tog[bi];
        rc = node(B, depth + 1);
    }
    B->st = *save;
    free(save);
    return rc;
}

/* One branch-and-price run for the phase set up in B, from the incumbent
 * B->best. */
static int run(bp *B)
{
    for (int i = 0; i < B->n; i++) {
        B->st.tog[i] = (uint64_t)1 << i;
        B->st.apart[i] = 0;
        B->st.tmask[i] = B->nt >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << B->nt) - 1);
    }
    B->st.unpl = B->st.mustp = 0;
    B->bigm = 0;
    for (int i = 0; i < B->n; i++)
        B->bigm += B->pen[i];
    for (int t = 0; t < B->nt; t++)
        B->bigm += B->ccost[t] * B->n;
    B->bigm = (B->bigm + 1) * 1000;
    if (B->nbest >= 0)
        B->best_val = packing_value(B, B->best, B->nbest);
    return node(B, 0);
}

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Prices in a common unit: when every usable type's price is a whole
 * number of 10^-k (k <= 4), unit[t] = price / g in whole units, g their
 * greatest common divisor, so every packing's value is a whole number
 * and LP bounds round up.  0 when the prices have no such unit. */
static int cost_units(const vctx *c, double *unit)
{
    for (int k = 0; k <= 4; k++) {
        double sc = pow(10, k);
        int64_t g = 0;
        int ok = 1;
        for (size_t t = 0; t < c->nt && ok; t++) {
            double v = c->vp->types[t].cost * sc;
            if (v > 1e12 || fabs(v - nearbyint(v)) > 1e-6 * fmax(1, v))
                ok = 0;
            else if (c->left0[t] != 0)
                g = gcd64(g, (int64_t)llround(v));
        }
        if (!ok)
            continue;
        if (g == 0)
            g = 1;
        for (size_t t = 0; t < c->nt; t++)
            unit[t] = (double)(llround(c->vp->types[t].cost * sc) / g);
        return 1;
    }
    return 0;
}

int ga_vec_bp(vctx *c, vsol *s)
{
    const ga_vec_problem *vp = c->vp;
    if (c->n > BP_MAX || c->nt > 64 || c->n == 0 || (c->limited && c->nlev > BP_MAX_LEVELS))
        return 0;
    bp *B = ga_calloc(1, sizeof *B);
    if (!B)
        return -1;
    B->c = c;
    B->vp = vp;
    B->n = (int)c->n;
    B->nt = (int)c->nt;
    int n = B->n, rc = 0;
    /* rows: items, then a count row per type whose count could bind */
    B->m = n;
    double unit[64];
    int allint = cost_units(c, unit);
    double cmax = 0;
    for (int t = 0; t < B->nt; t++) {
        B->limrow[t] = -1;
        if (c->left0[t] >= 0 && c->left0[t] < n) {
            B->limrow[t] = B->m;
            B->b[B->m++] = (double)c->left0[t];
        }
        double ct = allint ? unit[t] : vp->types[t].cost;
        if (ct > cmax)
            cmax = ct;
    }
    for (int i = 0; i < n; i++)
        B->b[i] = 1;
    B->caprow = -1;
    int mm = B->m + 1;
    B->basis = ga_mallocarray((size_t)mm, sizeof *B->basis);
    B->binv = ga_mallocarray((size_t)mm * mm, sizeof *B->binv);
    B->bmat = ga_mallocarray((size_t)mm * mm, sizeof *B->bmat);
    B->work = ga_mallocarray((size_t)2 * mm * mm, sizeof *B->work);
    B->xb = ga_mallocarray((size_t)mm, sizeof *B->xb);
    B->pi = ga_mallocarray((size_t)mm, sizeof *B->pi);
    B->u = ga_mallocarray((size_t)mm, sizeof *B->u);
    if (!B->basis || !B->binv || !B->bmat || !B->work || !B->xb || !B->pi || !B->u) {
        rc = -1;
        goto out;
    }
    /* the incumbent: the caller's packing */
    B->nbest = 0;
    for (int32_t k = 0; k < s->nn && k < BP_MAX; k++) {
        uint64_t mask = 0;
        for (int32_t x = 0; x < s->nd[k].n; x++)
            mask |= (uint64_t)1 << s->nd[k].it[x];
        if (!mask)
            continue;
        B->best[B->nbest].mask = mask;
        B->best[B->nbest].type = s->nd[k].type;
        B->nbest++;
        if (add_col(B, mask, s->nd[k].type) != 0) {
            rc = -1;
            goto out;
        }
    }
    /* phase A */
    int min_nodes = vp->objective == GPUARB_PACK_MIN_NODES;
    double S = min_nodes ? n : n * cmax;
    double w = 1;
    for (int i = 0; i < n; i++) {
        w = 1;
        for (int r = 0; c->limited && r < c->rank[i]; r++)
            w *= n + 1;
        B->pen[i] = (S + 1) * w;
    }
    for (int t = 0; t < B->nt; t++)
        B->ccost[t] = min_nodes ? 1 : allint ? unit[t] : vp->types[t].cost;
    B->integral = min_nodes || allint;
    rc = run(B);
    int proven = rc == 0 && !B->aborted && !B->unproven;
    /* phase B: the cheapest among the packings with the fewest nodes */
    double lo = -1, hi = -1;
    for (int t = 0; t < B->nt; t++)
        if (c->left0[t] != 0) {
            double x = vp->types[t].cost;
            lo = lo < 0 || x < lo ? x : lo;
            hi = hi < 0 || x > hi ? x : hi;
        }
    if (rc == 0 && proven && min_nodes && hi > lo && B->nbest > 0) {
        B->caprow = B->m;
        B->b[B->m++] = B->nbest;
        S = n * cmax;
        for (int i = 0; i < n; i++) {
            w = 1;
            for (int r = 0; c->limited && r < c->rank[i]; r++)
                w *= n + 1;
            B->pen[i] = (S + 1) * w;
        }
        for (int t = 0; t < B->nt; t++)
            B->ccost[t] = allint ? unit[t] : vp->types[t].cost;
        B->integral = allint;
        rc = run(B);
        proven = rc == 0 && !B->aborted && !B->unproven;
    }
    if (rc < 0)
        goto out;
    /* the incumbent back into s when it differs */
    vsol ns;
    memset(&ns, 0, sizeof ns);
    for (int k = 0; k < B->nbest && rc == 0; k++) {
        int32_t v = ga_vec_open_node(&ns, B->best[k].type);
        if (v < 0) {
            rc = -1;
            break;
        }
        for (uint64_t a = B->best[k].mask; a; a &= a - 1) {
            int i = __builtin_ctzll(a);
            if (ga_vec_node_push(&ns.nd[v], i, vp->size[i]) != 0) {
                rc = -1;
                break;
            }
        }
    }
    if (rc == 0 && (ga_vec_better(c, &ns, s) || !ga_vec_better(c, s, &ns))) {
        ga_vec_sol_free(s);
        *s = ns;
    } else {
        ga_vec_sol_free(&ns);
    }
    if (rc == 0)
        rc = proven;
out:
    free(B->col);
    free(B->basis);
    free(B->binv);
    free(B->bmat);
    free(B->work);
    free(B->xb);
    free(B->pi);
    free(B->u);
    free(B);
    return rc;
}
