/*
 * pack_cg_dive.c - the diving heuristic on the column-generation master of
 * pack_cg.c: fix the patterns the LP holds at 1 or more, re-solve the
 * master over the residual demands (restarted with the patterns that no
 * longer fit forbidden), try first-fit decreasing on each residual, back
 * up a step with the doubtful column forbidden when the residual's bound
 * shows the dive cannot beat the incumbent, and restart from the root with
 * a tabu list.  On instances with the integer round-up property a packing
 * in ceil(z_LP) bins found this way is optimal by the bound pack_cg.c
 * already computed.
 *
 * Wraps no dependency.  Invariants: the master's demands are restored on
 * success; work is charged to the budget given; every loop is bounded
 * (DIVE_RUNS, DIVE_DEPTH, DIVE_TABU).  Returns 0, or -1 when an
 * allocation fails.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack_cg.h"

/* Restart the master over the demands d: columns listed in tabu, the
 * exchange columns (with residual demands they make the master weaker
 * than the pattern LP the pricing bounds) and patterns holding more of a
 * weight than is left may not enter; rows left empty get a demand of
 * minus the perturbation, so their surplus columns start the basis and
 * their duals are 0; the other rows start from a single-weight column
 * within their demand.  Then column generation until the bound reaches
 * target.  Returns the bound (>= 0), -1 on allocation failure, -2 when
 * the master could not be restarted. */
int64_t ga_cg_resolve(cg *c, const int64_t *d, const int32_t *tabu, size_t ntabu,
                      int64_t target, double *work, double *pic, double *pir,
                      int32_t *prow, double *pcoef, ga_budget *budget)
{
    size_t m = c->m;
    unsigned char *dd = ga_reallocarray(c->dead, c->ncol ? c->ncol : 1, 1);
    if (!dd)
        return -1;
    c->dead = dd;
    c->ndead = c->ncol;
    for (size_t j = 0; j < c->ncol; j++) {
        dd[j] = c->kind[j] == COL_EXCHANGE;
        if (c->kind[j] == COL_PATTERN)
            for (size_t e = c->start[j]; e < c->start[j + 1] && !dd[j]; e++)
                dd[j] = c->coef[e] > (double)d[c->rows[e]];
    }
    for (size_t t = 0; t < ntabu; t++)
        dd[tabu[t]] = 1;
    memset(c->inbasis, 0, c->ncol);
    for (size_t i = 0; i < m; i++) {
        double pert = 1e-7 * (double)(1 + (i * 7919) % 101) / 101.0;
        ptrdiff_t j;
        if (d[i] == 0) {
            c->dp[i] = -pert;
            j = (ptrdiff_t)(2 * m - 1 + i); /* the surplus column of row i */
            if (c->kind[j] != COL_SURPLUS || c->rows[c->start[j]] != (int32_t)i)
                return -2;
        } else {
            c->dp[i] = (double)d[i] + pert;
            int32_t r = (int32_t)i;
            int64_t a = c->C / c->s[i];
            double v = (double)(a < d[i] ? a : d[i]);
            j = ga_cg_add_col(c, COL_PATTERN, &r, &v, 1);
            if (j == -2)
                return -1;
            if (j < 0)
                return -2;
            if ((size_t)j < c->ndead)
                dd[j] = 0; /* a tabu single-weight column still starts */
        }
        c->basis[i] = (int32_t)j;
        c->inbasis[j] = 1;
    }
    if (ga_cg_refactor(c, work) != 0)
        return -2;
    double z = 0;
    return ga_cg_loop(c, work, pic, pir, prow, pcoef, target, budget, &z);
}

/* Diving on the master: take every pattern at 1 or more in the LP
 * solution as many whole times as it holds (or, when none does, one copy
 * of the largest), take those items out of the demands, re-solve the
 * master over the residual (resolve above), and repeat until nothing is
 * left, trying first-fit decreasing on each residual on the way.  A dive
 * ends as soon as the bins taken plus the residual's bound cannot beat
 * sol; the column taken at that step that the LP held least of is then forbidden and the next
 * dive starts again from the root (a tabu restart, at most DIVE_RUNS).
 * Most BPPLIB instances have the integer round-up property, so a packing
 * in ceil(z_LP) bins found this way is optimal by the bound already
 * computed.  d (the master's demands) is restored on success.  Returns 0
 * or -1. */
int ga_cg_dive(cg *c, int64_t *d, const ga_bpp *p, ga_bpp_sol *sol, int64_t lb,
               double *work, double *pic, double *pir, int32_t *prow, double *pcoef,
               ga_budget *budget)
{
    size_t m = c->m, n = p->n;
    int64_t *d0 = ga_mallocarray(m, sizeof *d0);
    int32_t *bin = ga_mallocarray(n, sizeof *bin);
    int64_t *rw = ga_mallocarray(n, sizeof *rw);
    int32_t *rid = ga_mallocarray(n, sizeof *rid);
    int32_t *rbin = ga_mallocarray(n, sizeof *rbin);
    size_t *first = ga_mallocarray(m + 1, sizeof *first);
    int64_t *take = ga_mallocarray(m, sizeof *take);
    int64_t *dt = ga_mallocarray(m, sizeof *dt);
    int32_t *tabu = ga_mallocarray(DIVE_TABU, sizeof *tabu);
    int64_t *sd = ga_mallocarray((DIVE_DEPTH + 1) * m, sizeof *sd);
    int64_t *snb = ga_mallocarray(DIVE_DEPTH + 1, sizeof *snb);
    int32_t *nfail = ga_calloc(DIVE_DEPTH + 1, sizeof *nfail);
    size_t ntabu = 0, level = 0;
    int rc = -1;
    if (!d0 || !bin || !rw || !rid || !rbin || !first || !take || !dt || !tabu || !sd || !snb ||
        !nfail)
        goto out;
    memcpy(d0, d, m * sizeof *d0);
    {
        size_t i = 0;
        for (size_t r = 0; r < m; r++) {
            first[r] = i;
            while (i < n && p->w[i] == c->s[r])
                i++;
        }
        first[m] = n;
    }
    for (int run = 0; run < DIVE_RUNS && sol->nbins > lb && !budget->stopped; run++) {
        int64_t nb = 0, left_items = 0, left_w = 0;
        int32_t step_col = -1;
        int failed = 0;
        if (run == 0) {
            memcpy(d, d0, m * sizeof *d);
        } else {
            /* back up to the state before step `level` */
            memcpy(d, sd + level * m, m * sizeof *d);
            nb = snb[level];
        }
        for (size_t r = 0; r < m; r++)
            left_items += d[r], left_w += d[r] * c->s[r];
        if (run > 0) {
            int64_t r0 = ga_cg_resolve(c, d, tabu, ntabu, sol->nbins - nb, work, pic, pir, prow,
                                       pcoef, budget);
            if (r0 == -1)
                goto out;
            if (r0 == -2 || budget->stopped)
                break;
            if (nb + r0 >= sol->nbins)
                failed = 1; /* the forbidden columns cut off every better packing here */
        }
        /* each step takes at least one item, so n steps at most */
        size_t step = level;
        for (; !failed && step <= n && left_items > 0 && sol->nbins > lb; step++) {
            if (step <= DIVE_DEPTH) {
                memcpy(sd + step * m, d, m * sizeof *d);
                snb[step] = nb;
            }
            /* candidates: columns of the LP solution that take something
             * from what is left and leave a residual whose first bound
             * (its total over the capacity) still lets the dive beat sol;
             * every whole copy at once when they all pass together, else
             * one copy of the largest */
            size_t kbig = m, kany = m;
            double xbig = 0, xany = 0;
            int64_t bulk_w = 0, bulk_bins = 0;
            memcpy(dt, d, m * sizeof *dt);
            for (size_t k = 0; k < m; k++) {
                size_t j = (size_t)c->basis[k];
                take[k] = 0;
                if (c->kind[j] != COL_PATTERN || c->xb[k] <= 1e-6)
                    continue;
                int64_t one = 0;
                for (size_t e = c->start[j]; e < c->start[j + 1]; e++) {
                    int64_t r = c->rows[e], a = (int64_t)c->coef[e];
                    one += (a < d[r] ? a : d[r]) * c->s[r];
                }
                if (one == 0)
                    continue;
                if (c->xb[k] > xany)
                    xany = c->xb[k], kany = k;
                if (nb + 1 + (left_w - one + p->C - 1) / p->C < sol->nbins && c->xb[k] > xbig)
                    xbig = c->xb[k], kbig = k;
                int64_t copies = (int64_t)floor(c->xb[k] + 1e-6);
                for (int64_t t = 0; t < copies; t++) {
                    int64_t got = 0;
                    for (size_t e = c->start[j]; e < c->start[j + 1]; e++) {
                        int64_t r = c->rows[e], a = (int64_t)c->coef[e];
                        int64_t g = a < dt[r] ? a : dt[r];
                        dt[r] -= g;
                        got += g * c->s[r];
                    }
                    if (got > 0)
                        take[k]++, bulk_w += got, bulk_bins++;
                }
            }
            if (bulk_bins == 0 ||
                nb + bulk_bins + (left_w - bulk_w + p->C - 1) / p->C >= sol->nbins) {
                for (size_t k = 0; k < m; k++)
                    take[k] = 0;
                if (kbig == m) {
                    /* no column of the solution can start a better packing */
                    step_col = kany < m ? c->basis[kany] : -1;
                    failed = 1;
                    break;
                }
                take[kbig] = 1;
            }
            /* the column of this step a failure forbids: the one the LP
             * holds least of */
            step_col = -1;
            double xlow = 0;
            for (size_t k = 0; k < m; k++) {
                size_t j = (size_t)c->basis[k];
                if (take[k] > 0 && (step_col < 0 || c->xb[k] < xlow))
                    step_col = (int32_t)j, xlow = c->xb[k];
                for (int64_t t = 0; t < take[k]; t++) {
                    int took = 0;
                    for (size_t e = c->start[j]; e < c->start[j + 1]; e++) {
                        size_t r = (size_t)c->rows[e];
                        for (int64_t a = 0; a < (int64_t)c->coef[e] && d[r] > 0; a++) {
                            bin[first[r] + (size_t)(d0[r] - d[r])] = (int32_t)nb;
                            d[r]--;
                            left_items--;
                            left_w -= c->s[r];
                            took = 1;
                        }
                    }
                    if (took)
                        nb++;
                }
            }
            if (left_items == 0)
                break;
            /* the residual by first-fit decreasing */
            ga_bpp q = {rw, 0, p->C, 0};
            for (size_t r = 0; r < m; r++)
                for (int64_t a = 0; a < d[r]; a++) {
                    size_t pos = first[r] + (size_t)(d0[r] - d[r]) + (size_t)a;
                    rw[q.n] = p->w[pos];
                    rid[q.n] = (int32_t)pos;
                    q.total += p->w[pos];
                    q.n++;
                }
            ga_bpp_sol rs = {rbin, 0};
            if (ga_bpp_ffd(&q, &rs) != 0)
                goto out;
            if (nb + rs.nbins < sol->nbins) {
                for (size_t t = 0; t < q.n; t++)
                    bin[rid[t]] = (int32_t)(nb + rbin[t]);
                memcpy(sol->bin, bin, n * sizeof *bin);
                sol->nbins = nb + rs.nbins;
                if (sol->nbins <= lb)
                    break;
            }
            if (nb + (left_w + p->C - 1) / p->C >= sol->nbins) {
                failed = 1;
                break;
            }
            int64_t rlb = ga_cg_resolve(c, d, tabu, ntabu, sol->nbins - nb, work, pic, pir, prow,
                                        pcoef, budget);
            if (rlb == -1)
                goto out;
            if (rlb < 0 || budget->stopped)
                break;
            if (nb + rlb >= sol->nbins) {
                failed = 1;
                break;
            }
        }
        if (left_items == 0) {
            if (nb < sol->nbins) {
                memcpy(sol->bin, bin, n * sizeof *bin);
                sol->nbins = nb;
            } else {
                failed = 1;
            }
        }
        if (!failed)
            break;
        if (ntabu == DIVE_TABU)
            break;
        if (step_col >= 0)
            tabu[ntabu++] = step_col;
        /* limited backtracking: retry the step that failed with its column
         * forbidden, twice at most per level, then one level up */
        size_t at = step < DIVE_DEPTH ? step : DIVE_DEPTH;
        if (step_col < 0 && at > 0)
            at--; /* the state itself failed: its parent's choice was wrong */
        while (at > 0 && nfail[at] >= 2)
            at--;
        if (at == 0 && nfail[0] >= DIVE_TABU)
            break;
        nfail[at]++;
        for (size_t l = at + 1; l <= DIVE_DEPTH; l++)
            nfail[l] = 0;
        level = at;
    }
    memcpy(d, d0, m * sizeof *d);
    rc = 0;
out:
    free(d0);
    free(bin);
    free(rw);
    free(rid);
    free(rbin);
    free(first);
    free(take);
    free(dt);
    free(tabu);
    free(sd);
    free(snb);
    free(nfail);
    return rc;
}
