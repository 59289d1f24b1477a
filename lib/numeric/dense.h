/*
 * dense.h - small dense kernels in plain C, without BLAS: Gauss-Jordan
 * inversion and the product-form (eta) update of an inverse when one
 * column of the matrix is replaced.  They serve the column-generation
 * simplex of pack_cg.c, whose bound and packings must come out the same
 * on every machine and BLAS build, so the arithmetic is written out here
 * in a fixed order (no library reorders the sums).
 *
 * Matrices are row-major arrays of double, as in numeric/linalg.h, whose
 * status codes these functions share.  Nothing here allocates.
 */
#ifndef GPUARB_DENSE_H
#define GPUARB_DENSE_H

#include <stddef.h>

#include "numeric/linalg.h"

/* Gauss-Jordan with partial pivoting on the augmented n x 2n row-major
 * matrix aug = [A | I]: on GA_LA_OK it holds [I | A^-1].  Returns
 * GA_LA_SINGULAR (aug then partly reduced) when the largest candidate
 * pivot of a column is below tiny in magnitude.  n == 0 is GA_LA_OK. */
ga_la_status ga_dense_gj_invert_aug(size_t n, double *aug, double tiny);

/* inv := A^-1 for A n x n (lda >= n), through ga_dense_gj_invert_aug on
 * work (2 n^2 doubles, caller-owned).  inv has leading dimension ldinv >= n.
 * Returns GA_LA_OK, GA_LA_SINGULAR, or GA_LA_ERR_ARG (a leading dimension
 * below n, or NULL arrays with n > 0). */
ga_la_status ga_dense_invert(size_t n, const double *a, size_t lda, double *inv, size_t ldinv,
                             double *work, double tiny);

/* Eta update: binv (n x n, row-major, leading dimension n) is B^-1; u is
 * B^-1 a for a new column a that replaces column r of B (u[r] != 0, which
 * the caller's ratio test guarantees).  On return binv is the inverse of
 * the new matrix: row r is divided by u[r], then every other row k with
 * u[k] != 0 loses u[k] times row r. */
void ga_dense_eta_update(size_t n, double *binv, const double *u, size_t r);

#endif
