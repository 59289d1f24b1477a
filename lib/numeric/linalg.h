/*
 * linalg.h - dense linear algebra in our own types: the only door to BLAS
 * and LAPACK (lib/numeric/linalg.c is the one file that includes cblas.h
 * and lapacke.h).  Callers (the RL policy, the forecaster) never see a
 * BLAS or LAPACK type.
 *
 * Conventions, as in BLAS: matrices are row-major arrays of double with
 * explicit dimensions and a leading dimension (the distance between the
 * starts of two rows, at least the row length and at least 1).  An m x n
 * matrix A is stored so that A(i,j) = a[i * lda + j].  Vectors are
 * contiguous.  Every dimension and leading dimension must fit in an int
 * (BLAS and LAPACK take int sizes); larger values give GA_LA_ERR_ARG
 * before anything is touched.  Pointers may be NULL only for arrays with
 * no elements.  Zero sizes are valid and do what the formula says (an
 * empty product adds nothing, so C := beta C).
 *
 * gemv, gemm, axpy and dot never allocate (the RL inference path relies on
 * it); OpenBLAS keeps its own preallocated buffers.  lstsq and lu_solve
 * allocate small pivot or singular-value arrays with ga_malloc, and LAPACKE
 * allocates its row-major copies and workspace: a failure of either is
 * GA_LA_ERR_NOMEM.  Nothing here changes OpenBLAS's thread count (a
 * process-wide setting that belongs to the host; OPENBLAS_NUM_THREADS
 * governs it).  Results of gemv/gemm may differ in the last bits from a
 * naive loop (OpenBLAS reorders sums); code whose figures must not move
 * (the packing bound) uses numeric/dense.h instead.
 */
#ifndef GPUARB_LINALG_H
#define GPUARB_LINALG_H

#include <stddef.h>

typedef enum ga_la_status {
    GA_LA_OK = 0,
    GA_LA_ERR_ARG = 1,      /* NULL array, leading dimension too small, a size
                             * past INT_MAX, or (lstsq, lu_solve) a NaN or Inf
                             * entry */
    GA_LA_ERR_NOMEM = 2,    /* an allocation (ours or LAPACKE's) failed */
    GA_LA_SINGULAR = 3,     /* the matrix is singular or numerically so */
    GA_LA_NOCONV = 4        /* the SVD of a least-squares solve did not converge */
} ga_la_status;

typedef enum ga_la_trans {
    GA_LA_NOTRANS = 0,      /* op(A) = A */
    GA_LA_TRANS = 1         /* op(A) = A^T */
} ga_la_trans;

/* Stable name of a status ("GA_LA_SINGULAR"); never NULL. */
const char *ga_la_status_name(ga_la_status st);

/* y := alpha op(A) x + beta y.  A is stored m x n (lda >= max(1, n)); with
 * GA_LA_NOTRANS x has n entries and y m, with GA_LA_TRANS x has m and y n.
 * beta == 0 sets y without reading it.  No allocation. */
ga_la_status ga_gemv(ga_la_trans ta, size_t m, size_t n, double alpha, const double *a,
                     size_t lda, const double *x, double beta, double *y);

/* C := alpha op(A) op(B) + beta C, with op(A) m x k, op(B) k x n, C m x n
 * (ldc >= max(1, n)).  A is stored m x k (lda >= max(1, k)) or, with
 * GA_LA_TRANS, k x m (lda >= max(1, m)); B likewise k x n or n x k.
 * beta == 0 sets C without reading it.  No allocation. */
ga_la_status ga_gemm(ga_la_trans ta, ga_la_trans tb, size_t m, size_t n, size_t k,
                     double alpha, const double *a, size_t lda, const double *b, size_t ldb,
                     double beta, double *c, size_t ldc);

/* y := alpha x + y over n entries.  No allocation. */
ga_la_status ga_axpy(size_t n, double alpha, const double *x, double *y);

/* *out := x . y over n entries (0 when n is 0).  No allocation. */
ga_la_status ga_dot(size_t n, const double *x, const double *y, double *out);

/* Least squares: the x (n x nrhs) minimising ||A x - B||_2 column by
 * column, by LAPACK's SVD-based dgelsd, which also copes with rank
 * deficiency and m < n: it returns the minimum-norm solution among all
 * minimisers.  Singular values at most rcond times the largest count as
 * zero (rcond < 0: machine precision).  A (m x n, lda >= max(1, n)) is
 * destroyed.  B has max(m, n) rows of nrhs (ldb >= max(1, nrhs)): on entry
 * its first m rows are the right-hand sides, on GA_LA_OK its first n rows
 * are x.  *rank (may be NULL) receives the effective rank; a rank below
 * min(m, n) means the solution is one of many and callers that need a
 * unique fit must treat it as an error.  Returns GA_LA_OK, GA_LA_ERR_ARG,
 * GA_LA_ERR_NOMEM or GA_LA_NOCONV. */
ga_la_status ga_lstsq(size_t m, size_t n, size_t nrhs, double *a, size_t lda, double *b,
                      size_t ldb, double rcond, size_t *rank);

/* Solve A X = B for square A (n x n, lda >= max(1, n)) by LU with partial
 * pivoting (LAPACK dgetrf/dgetrs; the same as dgesv plus a condition check
 * between the two).  A is overwritten by its LU factors.  B is n x nrhs
 * (ldb >= max(1, nrhs)) and receives X.  GA_LA_SINGULAR when a pivot is
 * exactly zero or the reciprocal condition number (1-norm, LAPACK's dgecon
 * estimate) is below machine precision; B is then unchanged. */
ga_la_status ga_lu_solve(size_t n, size_t nrhs, double *a, size_t lda, double *b, size_t ldb);

#endif
