/*
 * pack_cg.c - the Gilmore-Gomory column-generation bound for
 * one-dimensional packing, with its own dense revised simplex (no LP
 * library: the master has one row per distinct weight and stays small;
 * its Gauss-Jordan and eta-update kernels are in numeric/dense.c),
 * and two primal heuristics: a dive (pack_cg_dive.c: fix the LP's columns, re-solve the
 * master over the residual demands, back up a step with the doubtful
 * column forbidden when the residual's bound shows the dive cannot beat
 * the incumbent), then, when the dive fails, rounding the LP solution
 * down and packing the residual items with the local search of pack_ls.c.
 *
 * Master: min sum_p x_p  s.t.  sum_p a_ip x_p >= d_i,  x >= 0, over
 * patterns p (feasible bin contents), plus zero-cost "exchange" columns
 * e_j - e_i (a larger item i may stand in for a smaller j), which make the
 * duals non-increasing in the weight order without changing the LP value,
 * and surplus columns -e_i.  Pricing is a bounded knapsack solved by depth
 * first branch and bound with Dantzig's bound.
 *
 * Invariants: the bound returned is always valid whatever the numerics:
 * it is Farley's bound d.pi / K(pi) for the current duals pi (clipped at
 * 0), where K(pi) is the knapsack optimum or, when the knapsack search was
 * cut short, an upper bound on it; it is rounded up only after subtracting
 * a tolerance of 1e-6.  Work is charged to the shared budget; every loop is
 * bounded.  Returns a bound (>= 0; 0 = none computed) or -1 when an
 * allocation fails.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numeric/dense.h"
#include "pack/pack.h"
#include "pack/pack_cg.h"

#define CG_MAX_ROWS 1000
#define CG_MAX_COLS 40000
#define CG_TOL 1e-9
#define KTOP 8 /* cardinality bound: used when at most KTOP more items fit */

static void cg_free(cg *c)
{
    free(c->dp);
    free(c->dead);
    free(c->kind);
    free(c->start);
    free(c->rows);
    free(c->coef);
    free(c->basis);
    free(c->inbasis);
    free(c->binv);
    free(c->xb);
    free(c->pi);
    free(c->u);
    free(c->kord);
    free(c->kcnt);
    free(c->kbest);
    free(c->kub);
    free(c->ktop);
    free(c->ksmin);
    free(c->hash);
    free(c->dpv);
    free(c->dpbits);
    free(c->chrow);
    free(c->chcnt);
}

static uint64_t pat_hash(const int32_t *rows, const double *coef, size_t k)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t j = 0; j < k; j++) {
        h ^= (uint64_t)rows[j] * 0x9e3779b97f4a7c15ULL + (uint64_t)coef[j];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Append a column (rows ascending).  Returns its index, or -1. */
ptrdiff_t ga_cg_add_col(cg *c, int32_t kind, const int32_t *rows, const double *coef, size_t k)
{
    if (c->ncol >= CG_MAX_COLS || c->nnz + k > c->max_nnz)
        return -1;
    uint64_t h = 0;
    if (kind == COL_PATTERN) {
        h = pat_hash(rows, coef, k);
        for (size_t j = 0; j < c->ncol; j++)
            if (c->kind[j] == COL_PATTERN && c->hash[j] == h) {
                size_t a = c->start[j], b = c->start[j + 1];
                if (b - a == k && memcmp(c->rows + a, rows, k * sizeof *rows) == 0 &&
                    memcmp(c->coef + a, coef, k * sizeof *coef) == 0)
                    return (ptrdiff_t)j; /* already there */
            }
    }
    if (c->ncol + 1 >= c->capcol) {
        size_t cap = c->capcol ? c->capcol * 2 : 256;
        int32_t *kd = ga_reallocarray(c->kind, cap, sizeof *kd);
        if (!kd)
            return -2;
        c->kind = kd;
        size_t *st = ga_reallocarray(c->start, cap + 1, sizeof *st);
        if (!st)
            return -2;
        c->start = st;
        unsigned char *ib = ga_reallocarray(c->inbasis, cap, 1);
        if (!ib)
            return -2;
        c->inbasis = ib;
        uint64_t *hs = ga_reallocarray(c->hash, cap, sizeof *hs);
        if (!hs)
            return -2;
        c->hash = hs;
        c->capcol = cap;
    }
    if (c->nnz + k > c->capnnz) {
        size_t cap = c->capnnz ? c->capnnz * 2 : 1024;
        while (cap < c->nnz + k)
            cap *= 2;
        int32_t *r = ga_reallocarray(c->rows, cap, sizeof *r);
        if (!r)
            return -2;
        c->rows = r;
        double *v = ga_reallocarray(c->coef, cap, sizeof *v);
        if (!v)
            return -2;
        c->coef = v;
        c->capnnz = cap;
    }
    size_t j = c->ncol++;
    c->kind[j] = kind;
    c->hash[j] = h;
    c->inbasis[j] = 0;
    c->start[j] = c->nnz;
    memcpy(c->rows + c->nnz, rows, k * sizeof *rows);
    memcpy(c->coef + c->nnz, coef, k * sizeof *coef);
    c->nnz += k;
    c->start[j + 1] = c->nnz;
    return (ptrdiff_t)j;
}

/* May column j enter the basis?  Pricing that finds a forbidden column
 * again finds nothing new. */
static int col_live(const cg *c, size_t j)
{
    return j >= c->ndead || !c->dead[j];
}

static double col_cost(const cg *c, size_t j)
{
    return c->kind[j] == COL_PATTERN ? 1.0 : 0.0;
}

/* Rebuild B^-1 from the basis columns by Gauss-Jordan with partial
 * pivoting (numeric/dense.c); then x_B = B^-1 d'.  Returns 0, or -1 if B
 * is singular. */
int ga_cg_refactor(cg *c, double *work)
{
    size_t m = c->m;
    /* work: m x 2m augmented [B | I] */
    for (size_t i = 0; i < m * 2 * m; i++)
        work[i] = 0.0;
    for (size_t k = 0; k < m; k++) {
        size_t j = (size_t)c->basis[k];
        for (size_t t = c->start[j]; t < c->start[j + 1]; t++)
            work[(size_t)c->rows[t] * 2 * m + k] = c->coef[t];
        work[k * 2 * m + m + k] = 1.0;
    }
    if (ga_dense_gj_invert_aug(m, work, 1e-12) != GA_LA_OK)
        return -1;
    /* rows of [I | B^-1]: row k of B^-1 belongs to basis position k */
    for (size_t k = 0; k < m; k++)
        memcpy(c->binv + k * m, work + k * 2 * m + m, m * sizeof *c->binv);
    for (size_t k = 0; k < m; k++) {
        double v = 0;
        for (size_t i = 0; i < m; i++)
            v += c->binv[k * m + i] * c->dp[i];
        c->xb[k] = v < 0 && v > -1e-9 ? 0.0 : v;
    }
    c->pivots_since_refactor = 0;
    return 0;
}

static void compute_pi(cg *c)
{
    size_t m = c->m;
    for (size_t i = 0; i < m; i++)
        c->pi[i] = 0.0;
    for (size_t k = 0; k < m; k++) {
        double cb = col_cost(c, (size_t)c->basis[k]);
        if (cb == 0.0)
            continue;
        const double *row = c->binv + k * m;
        for (size_t i = 0; i < m; i++)
            c->pi[i] += cb * row[i];
    }
}

static double reduced_cost(const cg *c, size_t j)
{
    double r = col_cost(c, j);
    for (size_t t = c->start[j]; t < c->start[j + 1]; t++)
        r -= c->pi[c->rows[t]] * c->coef[t];
    return r;
}

/* Optimise the restricted master.  Returns 0 optimal, 1 budget, -1 error
 * (singular basis or unbounded: should not happen). */
static int simplex(cg *c, double *work, ga_budget *budget)
{
    size_t m = c->m;
    int degenerate_run = 0;
    for (;;) {
        if (ga_budget_spend(budget, (int64_t)(m * m / 96 + c->nnz / 24 + 1)))
            return 1;
        compute_pi(c);
        /* entering column: Dantzig, or Bland after a degenerate run */
        ptrdiff_t q = -1;
        double best = -CG_TOL;
        int bland = degenerate_run > 30;
        for (size_t j = 0; j < c->ncol; j++) {
            if (c->inbasis[j] || !col_live(c, j))
                continue;
            double r = reduced_cost(c, j);
            if (r < best) {
                best = r;
                q = (ptrdiff_t)j;
                if (bland)
                    break;
            }
        }
        if (q < 0)
            return 0;
        /* u = B^-1 a_q */
        for (size_t k = 0; k < m; k++) {
            double v = 0;
            const double *row = c->binv + k * m;
            for (size_t t = c->start[q]; t < c->start[q + 1]; t++)
                v += row[c->rows[t]] * c->coef[t];
            c->u[k] = v;
        }
        /* ratio test; ties go to the larger pivot (Bland: lower column) */
        ptrdiff_t r = -1;
        double ratio = 0;
        for (size_t k = 0; k < m; k++) {
            if (c->u[k] <= 1e-9)
                continue;
            double t = c->xb[k] / c->u[k];
            if (r < 0 || t < ratio - 1e-12 ||
                (t <= ratio + 1e-12 &&
                 (bland ? c->basis[k] < c->basis[r] : c->u[k] > c->u[r]))) {
                r = (ptrdiff_t)k;
                ratio = t;
            }
        }
        if (r < 0)
            return -1;
        if (ratio < 0)
            ratio = 0;
        degenerate_run = ratio <= 1e-12 ? degenerate_run + 1 : 0;
        /* update x_B and B^-1 */
        for (size_t k = 0; k < m; k++)
            if ((ptrdiff_t)k != r)
                c->xb[k] -= ratio * c->u[k];
        c->xb[r] = ratio;
        ga_dense_eta_update(m, c->binv, c->u, (size_t)r);
        c->inbasis[c->basis[r]] = 0;
        c->basis[r] = (int32_t)q;
        c->inbasis[q] = 1;
        if (++c->pivots_since_refactor >= 100 && ga_cg_refactor(c, work) != 0)
            return -1;
    }
}

/* ---------------------------------------------------------------------
 * Pricing: max sum pi_i a_i, sum s_i a_i <= C, 0 <= a_i <= d_i.
 * --------------------------------------------------------------------- */
/* Add the pattern whose count of row r is prow[r] (0 or less: unused) as
 * a column; prow[m..2m) and pcoef[0..m) are scratch for its sparse form
 * (rows ascending).  Returns what ga_cg_add_col returns. */
static ptrdiff_t add_pattern(cg *c, int32_t *prow, double *pcoef)
{
    int32_t *rr = prow + c->m;
    size_t kk = 0;
    for (size_t r = 0; r < c->m; r++)
        if (prow[r] > 0) {
            rr[kk] = (int32_t)r;
            pcoef[kk] = prow[r];
            kk++;
        }
    return ga_cg_add_col(c, COL_PATTERN, rr, pcoef, kk);
}

typedef struct kp_out {
    double best;        /* best value found */
    double ub;          /* upper bound on the optimum (== best if exact) */
    int64_t nodes;
} kp_out;

/* Dantzig bound from position k of the ratio order with capacity cap. */
static double dantzig(const cg *c, size_t nk, size_t k, int64_t cap)
{
    double v = 0;
    for (; k < nk && cap > 0; k++) {
        size_t i = (size_t)c->kord[k];
        int64_t take = c->kub[k];
        if (take * c->s[i] <= cap) {
            v += (double)take * c->pi[i];
            cap -= take * c->s[i];
        } else {
            v += c->pi[i] * (double)cap / (double)c->s[i];
            cap = 0;
        }
    }
    return v;
}

/* Cardinality bound from position k: at most cap / (smallest weight left)
 * more items fit, worth at most the sum of that many of the largest duals
 * left; +inf when more than KTOP could fit. */
static double card_bound(const cg *c, size_t k, int64_t cap)
{
    int64_t L = c->ksmin[k] > 0 ? cap / c->ksmin[k] : KTOP + 1;
    if (L >= KTOP)
        return 1e300;
    return c->ktop[k * (KTOP + 1) + (size_t)L];
}

/* Fill ksmin and ktop for the ratio order kord[0..nk). */
static void card_prepare(cg *c, size_t nk)
{
    double *top = c->ktop;
    c->ksmin[nk] = INT64_MAX;
    for (size_t j = 0; j <= KTOP; j++)
        top[nk * (KTOP + 1) + j] = 0;
    double vals[KTOP];
    for (size_t k = nk; k-- > 0;) {
        size_t i = (size_t)c->kord[k];
        c->ksmin[k] = c->s[i] < c->ksmin[k + 1] ? c->s[i] : c->ksmin[k + 1];
        /* the largest KTOP values of position k+1 on, plus kub copies of
         * pi_i: merge two descending lists */
        const double *nx = top + (k + 1) * (KTOP + 1);
        double prev[KTOP];
        for (size_t j = 0; j < KTOP; j++)
            prev[j] = nx[j + 1] - nx[j];
        int64_t copies = c->kub[k] < KTOP ? c->kub[k] : KTOP;
        size_t a = 0, used = 0;
        for (size_t j = 0; j < KTOP; j++) {
            if (used < (size_t)copies && (a >= KTOP || c->pi[i] >= prev[a])) {
                vals[j] = c->pi[i];
                used++;
            } else {
                vals[j] = prev[a++];
            }
        }
        double *cur = top + k * (KTOP + 1);
        cur[0] = 0;
        for (size_t j = 0; j < KTOP; j++)
            cur[j + 1] = cur[j] + vals[j];
    }
}

static int cmp_ratio_desc(const cg *c, int32_t a, int32_t b)
{
    /* pi_a/s_a > pi_b/s_b  <=>  pi_a*s_b > pi_b*s_a */
    double l = c->pi[a] * (double)c->s[b], r = c->pi[b] * (double)c->s[a];
    if (l != r)
        return l > r ? -1 : 1;
    return a < b ? -1 : 1;
}

/* Collect up to max_new columns with value > 1 + tol (the best first). */
static int price(cg *c, int64_t node_cap, kp_out *ko, int32_t *prow, double *pcoef,
                 int max_new, int *n_new)
{
    size_t nk = 0;
    for (size_t i = 0; i < c->m; i++)
        if (c->pi[i] > 1e-12)
            c->kord[nk++] = (int32_t)i;
    /* insertion sort by ratio (nk <= CG_MAX_ROWS) */
    for (size_t a = 1; a < nk; a++) {
        int32_t x = c->kord[a];
        size_t b = a;
        while (b > 0 && cmp_ratio_desc(c, x, c->kord[b - 1]) < 0) {
            c->kord[b] = c->kord[b - 1];
            b--;
        }
        c->kord[b] = x;
    }
    for (size_t k = 0; k < nk; k++) {
        size_t i = (size_t)c->kord[k];
        int64_t u = c->C / c->s[i];
        c->kub[k] = u < c->d[i] ? u : c->d[i];
    }
    ko->best = 0;
    ko->nodes = 0;
    *n_new = 0;
    if (nk == 0) {
        ko->ub = 0;
        return 0;
    }
    card_prepare(c, nk);
    ko->ub = dantzig(c, nk, 0, c->C);
    if (card_bound(c, 0, c->C) < ko->ub)
        ko->ub = card_bound(c, 0, c->C);
    /* depth-first: kcnt[k] = copies of kord[k] taken */
    size_t k = 0;
    int64_t cap = c->C;
    double val = 0;
    int cut = 0;
    for (;;) {
        /* descend greedily from level k, unless the bound prunes */
        if (k < nk) {
            double ub = dantzig(c, nk, k, cap), cb = card_bound(c, k, cap);
            ub = val + (cb < ub ? cb : ub);
            if (ub > ko->best + 1e-12) {
                size_t i = (size_t)c->kord[k];
                int64_t t = cap / c->s[i];
                if (t > c->kub[k])
                    t = c->kub[k];
                c->kcnt[k] = t;
                cap -= t * c->s[i];
                val += (double)t * c->pi[i];
                k++;
                if (++ko->nodes >= node_cap) {
                    cut = 1;
                    break;
                }
                continue;
            }
        } else {
            if (val > ko->best + 1e-12) {
                ko->best = val;
                memcpy(c->kbest, c->kcnt, nk * sizeof *c->kbest);
            }
            if (val > 1.0 + CG_TOL && *n_new < max_new) {
                /* record as a column (rows ascending) */
                for (size_t r = 0; r < c->m; r++)
                    prow[r] = -1;
                for (size_t t = 0; t < nk; t++)
                    if (c->kcnt[t] > 0)
                        prow[c->kord[t]] = (int32_t)c->kcnt[t];
                ptrdiff_t j = add_pattern(c, prow, pcoef);
                if (j == -2)
                    return -1;
                if (j >= 0 && col_live(c, (size_t)j))
                    (*n_new)++;
            }
        }
        /* backtrack: lower the deepest positive count above level k */
        int moved = 0;
        while (k > 0) {
            k--;
            if (k + 1 <= nk && c->kcnt[k] > 0) {
                size_t i = (size_t)c->kord[k];
                c->kcnt[k]--;
                cap += c->s[i];
                val -= c->pi[i];
                k++;
                /* zero the levels below before descending again */
                moved = 1;
                break;
            }
            /* undo this level entirely */
        }
        if (!moved)
            break;
    }
    if (!cut)
        ko->ub = ko->best;
    return 0;
}

/* Pricing by dynamic programming over the capacity: the bounded items are
 * split into binary chunks (1, 2, 4, ... copies) and a 0/1 knapsack runs
 * over them, one bit per (chunk, capacity) remembering the choice.  With
 * granularity g > 1 the weights are rounded down to multiples of g (and
 * the capacity too): every real pattern stays feasible, so the optimum is
 * an upper bound on the true one, and exact when the pattern it picks
 * fits for real.  Returns 1 when that pattern does not fit (the caller
 * then searches for columns by branch and bound), 0 otherwise, -1 on
 * allocation failure. */
static int price_dp(cg *c, kp_out *ko, int32_t *prow, double *pcoef, int *n_new)
{
    int64_t g = c->gran;
    size_t nch = 0;
    for (size_t i = 0; i < c->m; i++) {
        if (c->pi[i] <= 1e-12)
            continue;
        int64_t u = c->C / c->s[i];
        if (u > c->d[i])
            u = c->d[i];
        for (int64_t k = 1; u > 0; k *= 2) {
            int64_t t = k < u ? k : u;
            c->chrow[nch] = (int32_t)i;
            c->chcnt[nch] = t;
            nch++;
            u -= t;
        }
    }
    int64_t C = c->C / g;
    for (int64_t x = 0; x <= C; x++)
        c->dpv[x] = 0;
    for (size_t h = 0; h < nch; h++) {
        uint64_t *bits = c->dpbits + h * c->words;
        memset(bits, 0, c->words * sizeof *bits);
        int64_t wt = c->chcnt[h] * (c->s[c->chrow[h]] / g);
        double val = (double)c->chcnt[h] * c->pi[c->chrow[h]];
        for (int64_t x = C; x >= wt; x--) {
            double v = c->dpv[x - wt] + val;
            if (v > c->dpv[x] + 1e-15) {
                c->dpv[x] = v;
                bits[x >> 6] |= (uint64_t)1 << (x & 63);
            }
        }
    }
    ko->nodes = (int64_t)(nch * (size_t)(C + 1) / 30);
    ko->best = 0;
    ko->ub = c->dpv[C];
    *n_new = 0;
    if (ko->ub <= 1.0 + CG_TOL)
        return 0;
    for (size_t r = 0; r < c->m; r++)
        prow[r] = 0;
    int64_t x = C, real = 0;
    for (size_t h = nch; h-- > 0;) {
        const uint64_t *bits = c->dpbits + h * c->words;
        if (bits[x >> 6] >> (x & 63) & 1) {
            prow[c->chrow[h]] += (int32_t)c->chcnt[h];
            x -= c->chcnt[h] * (c->s[c->chrow[h]] / g);
            real += c->chcnt[h] * c->s[c->chrow[h]];
        }
    }
    double value = ko->ub;
    if (real > c->C) {
        /* the grid's pattern is over the real capacity by a little: drop
         * the copy that restores it at the least loss, then fill up */
        int64_t excess = real - c->C;
        ptrdiff_t drop = -1;
        for (size_t r = 0; r < c->m; r++)
            if (prow[r] > 0 && c->s[r] >= excess &&
                (drop < 0 || c->pi[r] < c->pi[drop]))
                drop = (ptrdiff_t)r;
        if (drop < 0)
            return 1;
        prow[drop]--;
        real -= c->s[drop];
        value -= c->pi[drop];
        for (size_t r = 0; r < c->m; r++) {
            while (c->pi[r] > 1e-12 && prow[r] < c->d[r] && real + c->s[r] <= c->C) {
                prow[r]++;
                real += c->s[r];
                value += c->pi[r];
            }
        }
        if (value <= 1.0 + CG_TOL)
            return 1;
    }
    ko->best = value;
    ptrdiff_t j = add_pattern(c, prow, pcoef);
    if (j == -2)
        return -1;
    if (j >= 0 && col_live(c, (size_t)j))
        *n_new = 1;
    return 0;
}

/* Price at c->pi: the dynamic programme on a coarse grid, refined while
 * its optimum does not fit for real, then branch and bound if even the
 * finest grid fails (the grid's value stays a valid upper bound).  New
 * columns are those worth more than 1 at c->pi. */
static int price_all(cg *c, kp_out *ko, int32_t *prow, double *pcoef, int *n_new,
                     ga_budget *budget)
{
    int64_t g0 = c->gran, dpn = 0;
    int prc;
    /* every grid is charged as it is priced, so a refinement (up to 3e7
     * cells) never runs past the deadline unseen */
    for (;;) {
        prc = price_dp(c, ko, prow, pcoef, n_new);
        dpn += ko->nodes;
        int spent = ga_budget_spend(budget, ko->nodes * 2 / 3 + (int64_t)c->m);
        if (prc != 1 || c->gran <= c->gran_min || spent)
            break;
        c->gran = c->gran / 4 > c->gran_min ? c->gran / 4 : c->gran_min;
    }
    c->gran = g0;
    if (prc < 0)
        return -1;
    if (prc == 1 && !budget->stopped) {
        double coarse = ko->ub;
        if (price(c, 200000, ko, prow, pcoef, 8, n_new) != 0)
            return -1;
        if (coarse < ko->ub)
            ko->ub = coarse;
        ga_budget_spend(budget, ko->nodes * 2 / 3);
        dpn += ko->nodes;
    }
    ko->nodes = dpn;
    return 0;
}

static int64_t ceil_tol(double v)
{
    double f = ceil(v - 1e-6);
    return f < 0 ? 0 : (int64_t)f;
}

/* Column generation from the current basis to the LP optimum, or until
 * the bound reaches target, or the budget ends.  pic, pir (m) and prow
 * (2m), pcoef (m) are scratch.  Returns the best Farley bound rounded up
 * (>= 0) for the demands c->d, or -1 when an allocation fails; *zout is
 * the restricted master's last value. */
int64_t ga_cg_loop(cg *c, double *work, double *pic, double *pir, int32_t *prow,
                   double *pcoef, int64_t target, ga_budget *budget, double *zout)
{
    size_t m = c->m;
    int64_t best_lb = 0;
    double best_farley = 0;
    int have_center = 0;
    for (int iter = 0; iter < 5000; iter++) {
        int st = simplex(c, work, budget);
        if (st < 0) {
            /* numerical trouble: rebuild and carry on once */
            if (ga_cg_refactor(c, work) != 0)
                break;
            st = simplex(c, work, budget);
            if (st < 0)
                break;
        }
        if (st == 1)
            break;
        compute_pi(c);
        for (size_t i = 0; i < m; i++) {
            if (c->pi[i] < 0)
                c->pi[i] = 0;
            pir[i] = c->pi[i];
        }
        double z = 0;
        for (size_t k = 0; k < m; k++)
            if (c->kind[c->basis[k]] == COL_PATTERN)
                z += c->xb[k];
        *zout = z;
        /* dual smoothing (Wentges): price at a point between the best
         * duals so far and the master's; if that finds nothing that helps
         * the master, price at the master's duals */
        int n_new = 0, smoothed = have_center;
        for (int pass = 0; pass < 2; pass++) {
            if (smoothed)
                for (size_t i = 0; i < m; i++)
                    c->pi[i] = 0.5 * pic[i] + 0.5 * pir[i];
            else
                memcpy(c->pi, pir, m * sizeof *c->pi);
            size_t before = c->ncol;
            kp_out ko;
            int rc = price_all(c, &ko, prow, pcoef, &n_new, budget);
            if (rc < 0)
                return -1;
            double dpi = 0;
            for (size_t i = 0; i < m; i++)
                dpi += (double)c->d[i] * c->pi[i];
            double farley = dpi / (ko.ub > 1.0 ? ko.ub : 1.0);
            if (farley > best_farley) {
                best_farley = farley;
                memcpy(pic, c->pi, m * sizeof *pic);
                have_center = 1;
            }
            if (!smoothed)
                break;
            /* do the new columns price out at the master's duals? */
            int helps = 0;
            for (size_t j = before; j < c->ncol && !helps; j++) {
                double r = 1.0;
                for (size_t t = c->start[j]; t < c->start[j + 1]; t++)
                    r -= pir[c->rows[t]] * c->coef[t];
                helps = r < -CG_TOL;
            }
            if (helps)
                break;
            smoothed = 0; /* mispricing: once more at the master's duals */
        }
        int64_t lb = ceil_tol(best_farley);
        if (lb > best_lb)
            best_lb = lb;
        if (best_lb >= target)
            break;
        if (n_new == 0)
            break; /* the master is optimal: its duals price nothing out */
        /* the LP value cannot round up beyond ceil(z) */
        if (ceil_tol(z) <= best_lb)
            break;
        if (budget->stopped)
            break;
    }
    return best_lb;
}

/* ---------------------------------------------------------------------
 * Driver.
 * --------------------------------------------------------------------- */
/* Residual rounding: take floor(x_p) copies of each pattern (never more
 * than the demand), pack the rest with FFD and the local search, and keep
 * the result if it beats sol.  Returns 0 or -1. */
static int round_lp(const cg *c, const ga_bpp *p, ga_bpp_sol *sol, int64_t target,
                    ga_budget *budget)
{
    size_t m = c->m, n = p->n;
    int64_t *left = ga_mallocarray(m, sizeof *left);
    int32_t *bin = ga_mallocarray(n, sizeof *bin);
    int64_t *rw = ga_mallocarray(n, sizeof *rw);
    int32_t *rid = ga_mallocarray(n, sizeof *rid);
    int32_t *rbin = ga_mallocarray(n, sizeof *rbin);
    size_t *first = ga_mallocarray(m + 1, sizeof *first);
    int rc = -1;
    if (!left || !bin || !rw || !rid || !rbin || !first)
        goto out;
    /* items of row i are positions first[i] .. first[i+1]-1 of p->w */
    {
        size_t i = 0;
        for (size_t r = 0; r < m; r++) {
            first[r] = i;
            while (i < n && p->w[i] == c->s[r])
                i++;
            left[r] = c->d[r];
        }
        first[m] = n;
    }
    int64_t nb = 0;
    for (size_t k = 0; k < m; k++) {
        size_t j = (size_t)c->basis[k];
        if (c->kind[j] != COL_PATTERN)
            continue;
        int64_t copies = (int64_t)floor(c->xb[k] + 1e-9);
        for (int64_t t = 0; t < copies; t++) {
            int any = 0;
            for (size_t e = c->start[j]; e < c->start[j + 1]; e++) {
                size_t r = (size_t)c->rows[e];
                for (int64_t a = 0; a < (int64_t)c->coef[e] && left[r] > 0; a++) {
                    size_t pos = first[r] + (size_t)(c->d[r] - left[r]);
                    bin[pos] = (int32_t)nb;
                    left[r]--;
                    any = 1;
                }
            }
            if (any)
                nb++;
        }
    }
    /* the residual, in weight order */
    ga_bpp q = {rw, 0, p->C, 0};
    for (size_t r = 0; r < m; r++)
        for (int64_t a = 0; a < left[r]; a++) {
            size_t pos = first[r] + (size_t)(c->d[r] - left[r]) + (size_t)a;
            rw[q.n] = p->w[pos];
            rid[q.n] = (int32_t)pos;
            q.total += p->w[pos];
            q.n++;
        }
    ga_bpp_sol rs = {rbin, 0};
    if (ga_bpp_ffd(&q, &rs) != 0)
        goto out;
    if (nb + rs.nbins > target && q.n > 0) {
        /* a quarter of what is left: the caller searches on afterwards */
        ga_budget sub = *budget;
        sub.ticks_left = budget->ticks_left / 4;
        int r = ga_bpp_improve(&q, &rs, target - nb, 7, &sub);
        budget->ticks_left -= budget->ticks_left / 4 - (sub.ticks_left > 0 ? sub.ticks_left : 0);
        if (sub.by_clock)
            budget->stopped = budget->by_clock = 1;
        if (r != 0)
            goto out;
    }
    if (nb + rs.nbins < sol->nbins) {
        for (size_t t = 0; t < q.n; t++)
            bin[rid[t]] = (int32_t)(nb + rbin[t]);
        memcpy(sol->bin, bin, n * sizeof *bin);
        sol->nbins = nb + rs.nbins;
    }
    rc = 0;
out:
    free(left);
    free(bin);
    free(rw);
    free(rid);
    free(rbin);
    free(first);
    return rc;
}

/* The sizes ga_bpp_cg allocates by: m distinct weights (rows), the
 * binary chunks of their demands, and the finest DP grid memory allows. */
typedef struct cg_size {
    size_t m, nch;
    int64_t gran_min, Cg;
    double fixed;          /* bytes of everything but the column entries */
    double want_nnz;       /* column entries it may use at most */
} cg_size;

static int cg_sizes(const ga_bpp *p, cg_size *z)
{
    memset(z, 0, sizeof *z);
    size_t m = 0, nch = 0;
    int64_t run = 0;
    for (size_t i = 0; i < p->n; i++) {
        run++;
        if (i + 1 < p->n && p->w[i + 1] == p->w[i])
            continue;
        m++;
        int64_t u = p->C / p->w[i];
        if (u > run)
            u = run;
        for (int64_t k = 1; u > 0; k *= 2)
            u -= k < u ? k : u, nch++;
        run = 0;
    }
    if (m == 0 || m > CG_MAX_ROWS)
        return 0;
    double cells = (double)nch * (double)(p->C + 1);
    int64_t gmin = 1;
    while (cells / (double)gmin > 3e7)
        gmin *= 2;
    z->m = m;
    z->nch = nch;
    z->gran_min = gmin;
    z->Cg = p->C / gmin;
    double words = (double)((size_t)(z->Cg + 64) / 64);
    double md = (double)m, n = (double)p->n;
    /* the basis inverse and the simplex scratch (24 m^2), the per-row
     * arrays, the DP, up to 65,536 column slots, O(n) for the row map,
     * the incumbent's patterns and the rounding with its local search,
     * and the dive's own arrays */
    z->fixed = 24 * md * md + 400 * (md + 1) + 8 * (double)(z->Cg + 1) +
               (double)nch * (8 * words + 12) + 65536.0 * 29 + 160 * (n + 1) +
               /* the dive's states to back up to, its tabu list and scratch */
               8.0 * (DIVE_DEPTH + 1) * (md + 2) + 4.0 * DIVE_TABU + 32 * (md + n);
    /* a pattern holds at most min(m, C / lightest) rows */
    double k = fmin(md, (double)(p->C / p->w[p->n - 1]) + 1);
    z->want_nnz = (double)CG_MAX_COLS * k + 4 * md + n;
    return 1;
}

int64_t ga_bpp_cg(const ga_bpp *p, ga_budget *budget, double mem_left, ga_bpp_sol *sol)
{
    if (p->n == 0)
        return 0;
    /* rows: distinct weights; the memory budget caps the column entries,
     * and the bound is skipped when not even the initial columns, the
     * incumbent's patterns and a few thousand more fit */
    cg_size sz;
    if (!cg_sizes(p, &sz))
        return 0;
    size_t m = sz.m;
    double nnz_room = (mem_left - sz.fixed) / 24;
    if (nnz_room < 4 * (double)m + (double)p->n + 4096)
        return 0;
    int64_t *s = ga_mallocarray(m, sizeof *s), *d = ga_calloc(m, sizeof *d);
    int32_t *rowof = ga_mallocarray(p->n, sizeof *rowof);
    cg c;
    memset(&c, 0, sizeof c);
    double *work = NULL, *pic = NULL, *pir = NULL;
    int32_t *prow = NULL;
    double *pcoef = NULL;
    int64_t result = -1;
    if (!s || !d || !rowof)
        goto out;
    {
        size_t r = 0;
        for (size_t i = 0; i < p->n; i++) {
            if (i > 0 && p->w[i] != p->w[i - 1])
                r++;
            s[r] = p->w[i];
            d[r]++;
            rowof[i] = (int32_t)r;
        }
    }
    c.m = m;
    c.max_nnz = (size_t)fmin(nnz_room, sz.want_nnz);
    c.s = s;
    c.d = d;
    c.C = p->C;
    c.dp = ga_mallocarray(m, sizeof *c.dp);
    c.basis = ga_mallocarray(m, sizeof *c.basis);
    c.binv = ga_mallocarray(m * m, sizeof *c.binv);
    c.xb = ga_mallocarray(m, sizeof *c.xb);
    c.pi = ga_mallocarray(m, sizeof *c.pi);
    c.u = ga_mallocarray(m, sizeof *c.u);
    c.kord = ga_mallocarray(m, sizeof *c.kord);
    c.kcnt = ga_calloc(m, sizeof *c.kcnt);
    c.kbest = ga_calloc(m, sizeof *c.kbest);
    c.kub = ga_calloc(m, sizeof *c.kub);
    c.ktop = ga_calloc((m + 1) * (KTOP + 1), sizeof *c.ktop);
    c.ksmin = ga_calloc(m + 1, sizeof *c.ksmin);
    work = ga_mallocarray(2 * m * m, sizeof *work);
    prow = ga_mallocarray(2 * m, sizeof *prow);
    pcoef = ga_mallocarray(m, sizeof *pcoef);
    pic = ga_mallocarray(m, sizeof *pic);
    pir = ga_mallocarray(m, sizeof *pir);
    if (!c.dp || !c.basis || !c.binv || !c.xb || !c.pi || !c.u || !c.kord || !c.kcnt ||
        !c.kbest || !c.kub || !c.ktop || !c.ksmin || !work || !prow || !pcoef || !pic || !pir)
        goto out;
    {
        size_t nch = 0;
        for (size_t i = 0; i < m; i++) {
            int64_t u = p->C / s[i];
            if (u > d[i])
                u = d[i];
            for (int64_t k = 1; u > 0; k *= 2)
                u -= k < u ? k : u, nch++;
        }
        /* exact DP when (chunks x capacity) stays modest, else a coarser
         * grid whose optimum still bounds the knapsack from above */
        double cells = (double)nch * (double)(p->C + 1);
        c.gran = 1;
        while (cells / (double)c.gran > 4e6)
            c.gran *= 2;
        /* the finest grid a refinement may use: 3e7 cells */
        c.gran_min = 1;
        while (cells / (double)c.gran_min > 3e7)
            c.gran_min *= 2;
        int64_t Cg = p->C / c.gran_min;
        c.words = (size_t)(Cg + 64) / 64;
        c.nch_cap = nch;
        c.dpv = ga_mallocarray((size_t)(Cg + 1), sizeof *c.dpv);
        c.dpbits = ga_mallocarray(nch * c.words, sizeof *c.dpbits);
        c.chrow = ga_mallocarray(nch, sizeof *c.chrow);
        c.chcnt = ga_mallocarray(nch, sizeof *c.chcnt);
        if (!c.dpv || !c.dpbits || !c.chrow || !c.chcnt)
            goto out;
    }
    for (size_t i = 0; i < m; i++)
        c.dp[i] = (double)d[i] + 1e-7 * (double)(1 + (i * 7919) % 101) / 101.0;
    /* initial basis: single-weight patterns */
    for (size_t i = 0; i < m; i++) {
        int32_t r = (int32_t)i;
        int64_t a = p->C / s[i];
        if (a > d[i])
            a = d[i];
        double v = (double)a;
        ptrdiff_t j = ga_cg_add_col(&c, COL_PATTERN, &r, &v, 1);
        if (j < 0)
            goto out;
        c.basis[i] = (int32_t)j;
        c.inbasis[j] = 1;
    }
    /* exchange columns e_{i+1} - e_i and surplus columns -e_i */
    for (size_t i = 0; i + 1 < m; i++) {
        int32_t rr[2] = {(int32_t)i, (int32_t)(i + 1)};
        double vv[2] = {-1.0, 1.0};
        if (ga_cg_add_col(&c, COL_EXCHANGE, rr, vv, 2) < 0)
            goto out;
    }
    for (size_t i = 0; i < m; i++) {
        int32_t r = (int32_t)i;
        double v = -1.0;
        if (ga_cg_add_col(&c, COL_SURPLUS, &r, &v, 1) < 0)
            goto out;
    }
    /* the incumbent's bins as patterns */
    if (sol && sol->nbins > 0) {
        int32_t *cnt = ga_calloc(m, sizeof *cnt);
        int32_t *order = ga_mallocarray(p->n, sizeof *order);
        size_t *bstart = ga_calloc((size_t)sol->nbins + 1, sizeof *bstart);
        if (!cnt || !order || !bstart) {
            free(cnt);
            free(order);
            free(bstart);
            goto out;
        }
        for (size_t i = 0; i < p->n; i++)
            bstart[sol->bin[i] + 1]++;
        for (int64_t b = 0; b < sol->nbins; b++)
            bstart[b + 1] += bstart[b];
        for (size_t i = 0; i < p->n; i++)
            order[bstart[sol->bin[i]]++] = (int32_t)i;
        for (int64_t b = sol->nbins; b > 0; b--)
            bstart[b] = bstart[b - 1];
        bstart[0] = 0;
        int oom = 0;
        for (int64_t b = 0; b < sol->nbins && !oom; b++) {
            size_t kk = 0;
            for (size_t t = bstart[b]; t < bstart[b + 1]; t++)
                cnt[rowof[order[t]]]++;
            for (size_t t = bstart[b]; t < bstart[b + 1]; t++) {
                int32_t r = rowof[order[t]];
                if (cnt[r] > 0) {
                    prow[kk] = r;
                    pcoef[kk] = cnt[r];
                    kk++;
                    cnt[r] = 0;
                }
            }
            /* rows ascending: the bin's items are in weight order already */
            if (ga_cg_add_col(&c, COL_PATTERN, prow, pcoef, kk) == -2)
                oom = 1;
        }
        free(cnt);
        free(order);
        free(bstart);
        if (oom)
            goto out;
    }
    if (ga_cg_refactor(&c, work) != 0) {
        result = 0;
        goto out;
    }
    int64_t target = sol && sol->nbins > 0 ? sol->nbins : INT64_MAX;
    double z = 0;
    int64_t best_lb = ga_cg_loop(&c, work, pic, pir, prow, pcoef, target, budget, &z);
    if (best_lb < 0)
        goto out;
    if (sol && best_lb < sol->nbins && !budget->stopped) {
        /* the dive first, with half of what is left: on instances with
         * the round-up property it usually ends the search; the rounding's
         * local search after it only when it did not */
        ga_budget sub = *budget;
        sub.ticks_left = budget->ticks_left / 2;
        int drc = ga_cg_dive(&c, d, p, sol, best_lb, work, pic, pir, prow, pcoef, &sub);
        budget->ticks_left -= budget->ticks_left / 2 - (sub.ticks_left > 0 ? sub.ticks_left : 0);
        if (sub.by_clock)
            budget->stopped = budget->by_clock = 1;
        if (drc != 0)
            goto out;
        if (sol->nbins > best_lb && !budget->stopped) {
            /* the dive moved the master's demands: the rounding takes the
             * root solution again */
            int64_t r0 = ga_cg_resolve(&c, d, NULL, 0, sol->nbins, work, pic, pir, prow, pcoef,
                                       budget);
            if (r0 == -1)
                goto out;
            if (r0 >= 0 && !budget->stopped && round_lp(&c, p, sol, best_lb, budget) != 0)
                goto out;
        }
    }
    result = best_lb;
out:
    cg_free(&c);
    free(work);
    free(pic);
    free(pir);
    free(prow);
    free(pcoef);
    free(s);
    free(d);
    free(rowof);
    return result;
}
