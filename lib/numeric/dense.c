/*
 * dense.c - plain-C dense kernels (numeric/dense.h): Gauss-Jordan
 * inversion with partial pivoting and the eta update of an inverse, moved
 * here from pack_cg.c's simplex unchanged in arithmetic, so the
 * column-generation bound and every BPPLIB figure stay the same.  No
 * dependency (no BLAS: its kernels reorder sums, and the packing figures
 * must not depend on the BLAS build).
 *
 * Invariants: loops run in a fixed order; the pivot of each column is the
 * first row of largest magnitude at or below the diagonal; nothing
 * allocates.  Returns GA_LA_OK, GA_LA_SINGULAR (a pivot below the caller's
 * tolerance) or GA_LA_ERR_ARG (ga_dense_invert's argument checks).
 */
#include <math.h>
#include <string.h>

#include "numeric/dense.h"

ga_la_status ga_dense_gj_invert_aug(size_t n, double *aug, double tiny)
{
    size_t w = 2 * n;
    for (size_t col = 0; col < n; col++) {
        size_t piv = col;
        double best = fabs(aug[col * w + col]);
        for (size_t r = col + 1; r < n; r++) {
            double v = fabs(aug[r * w + col]);
            if (v > best) {
                best = v;
                piv = r;
            }
        }
        if (best < tiny)
            return GA_LA_SINGULAR;
        if (piv != col)
            for (size_t t = 0; t < w; t++) {
                double tmp = aug[col * w + t];
                aug[col * w + t] = aug[piv * w + t];
                aug[piv * w + t] = tmp;
            }
        double inv = 1.0 / aug[col * w + col];
        for (size_t t = 0; t < w; t++)
            aug[col * w + t] *= inv;
        for (size_t r = 0; r < n; r++) {
            if (r == col)
                continue;
            double f = aug[r * w + col];
            if (f == 0.0)
                continue;
            for (size_t t = 0; t < w; t++)
                aug[r * w + t] -= f * aug[col * w + t];
        }
    }
    return GA_LA_OK;
}

ga_la_status ga_dense_invert(size_t n, const double *a, size_t lda, double *inv, size_t ldinv,
                             double *work, double tiny)
{
    if (n == 0)
        return GA_LA_OK;
    if (!a || !inv || !work || lda < n || ldinv < n)
        return GA_LA_ERR_ARG;
    size_t w = 2 * n;
    for (size_t i = 0; i < n; i++) {
        memcpy(work + i * w, a + i * lda, n * sizeof *work);
        for (size_t j = 0; j < n; j++)
            work[i * w + n + j] = i == j ? 1.0 : 0.0;
    }
    ga_la_status st = ga_dense_gj_invert_aug(n, work, tiny);
    if (st != GA_LA_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        memcpy(inv + i * ldinv, work + i * w + n, n * sizeof *inv);
    return GA_LA_OK;
}

void ga_dense_eta_update(size_t n, double *binv, const double *u, size_t r)
{
    double ur = u[r];
    double *rowr = binv + r * n;
    for (size_t i = 0; i < n; i++)
        rowr[i] /= ur;
    for (size_t k = 0; k < n; k++) {
        if (k == r || u[k] == 0.0)
            continue;
        double f = u[k];
        double *rowk = binv + k * n;
        for (size_t i = 0; i < n; i++)
            rowk[i] -= f * rowr[i];
    }
}
