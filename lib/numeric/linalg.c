/*
 * linalg.c - the linear-algebra boundary (numeric/linalg.h): the only file
 * that includes cblas.h and lapacke.h (OpenBLAS 0.3.21 and LAPACKE on
 * Debian 12; linked with -llapacke -lopenblas).  It wraps cblas_dgemv,
 * cblas_dgemm, cblas_daxpy, cblas_ddot, LAPACKE_dgelsd and
 * LAPACKE_dgetrf/dgecon/dgetrs behind our own row-major types.
 *
 * Invariants: every size and leading dimension is checked (within int,
 * leading dimension at least the row length and at least 1, arrays
 * non-NULL when not empty) before BLAS or LAPACK sees it, so neither ever
 * reaches its own error handler (xerbla prints); empty outputs return at
 * once, and an empty inner dimension only scales the output by beta
 * (written here: BLAS implementations differ there); gemv, gemm, axpy and
 * dot allocate nothing; OpenBLAS's thread count is never changed.  lstsq
 * and lu_solve refuse NaN and Inf entries themselves (GA_LA_ERR_ARG);
 * LAPACKE's negative infos (an argument it refused, which our checks
 * should make impossible) also become GA_LA_ERR_ARG, its memory errors
 * GA_LA_ERR_NOMEM.  Returns the ga_la_status codes of linalg.h.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "base/internal.h"
#include "numeric/linalg.h"

const char *ga_la_status_name(ga_la_status st)
{
    switch (st) {
    case GA_LA_OK:
        return "GA_LA_OK";
    case GA_LA_ERR_ARG:
        return "GA_LA_ERR_ARG";
    case GA_LA_ERR_NOMEM:
        return "GA_LA_ERR_NOMEM";
    case GA_LA_SINGULAR:
        return "GA_LA_SINGULAR";
    case GA_LA_NOCONV:
        return "GA_LA_NOCONV";
    }
    return "GA_LA_UNKNOWN";
}

/* A size BLAS and LAPACK can take (their int). */
static int fits_int(size_t v)
{
    return v <= (size_t)INT_MAX;
}

/* A stored rows x cols matrix with leading dimension ld: valid sizes, and
 * a pointer unless it is empty. */
static int mat_ok(const double *p, size_t rows, size_t cols, size_t ld)
{
    if (!fits_int(rows) || !fits_int(cols) || !fits_int(ld))
        return 0;
    if (ld < cols || ld < 1)
        return 0;
    return p || rows == 0 || cols == 0;
}

/* Every entry of a stored rows x cols matrix is finite (LAPACK would
 * otherwise spread NaN through the answer; LAPACKE's own check can be
 * switched off by the environment, so this one does not rely on it). */
static int all_finite(const double *p, size_t rows, size_t cols, size_t ld)
{
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++)
            if (!isfinite(p[i * ld + j]))
                return 0;
    return 1;
}

static int vec_ok(const double *p, size_t n)
{
    return fits_int(n) && (p || n == 0);
}

static int trans_ok(ga_la_trans t)
{
    return t == GA_LA_NOTRANS || t == GA_LA_TRANS;
}

static enum CBLAS_TRANSPOSE cblas_trans(ga_la_trans t)
{
    return t == GA_LA_TRANS ? CblasTrans : CblasNoTrans;
}

/* out := beta out for a rows x cols block: an empty inner dimension.
 * Reference BLAS's dgemv returns without touching y when its x is empty,
 * so the formula's answer is written here, the same for every BLAS. */
static void scale_only(size_t rows, size_t cols, double beta, double *out, size_t ld)
{
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++)
            out[i * ld + j] = beta == 0.0 ? 0.0 : beta * out[i * ld + j];
}

/* LAPACKE's info to our status (positive infos are handled by callers). */
static ga_la_status lapacke_status(lapack_int info)
{
    if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
        return GA_LA_ERR_NOMEM;
    return info < 0 ? GA_LA_ERR_ARG : GA_LA_OK;
}

ga_la_status ga_gemv(ga_la_trans ta, size_t m, size_t n, double alpha, const double *a,
                     size_t lda, const double *x, double beta, double *y)
{
    if (!trans_ok(ta) || !mat_ok(a, m, n, lda))
        return GA_LA_ERR_ARG;
    size_t nx = ta == GA_LA_TRANS ? m : n, ny = ta == GA_LA_TRANS ? n : m;
    if (!vec_ok(x, nx) || !vec_ok(y, ny))
        return GA_LA_ERR_ARG;
    if (ny == 0)
        return GA_LA_OK;
    if (nx == 0) {
        scale_only(ny, 1, beta, y, 1);
        return GA_LA_OK;
    }
    cblas_dgemv(CblasRowMajor, cblas_trans(ta), (int)m, (int)n, alpha, a, (int)lda, x, 1, beta,
                y, 1);
    return GA_LA_OK;
}

ga_la_status ga_gemm(ga_la_trans ta, ga_la_trans tb, size_t m, size_t n, size_t k,
                     double alpha, const double *a, size_t lda, const double *b, size_t ldb,
                     double beta, double *c, size_t ldc)
{
    if (!trans_ok(ta) || !trans_ok(tb))
        return GA_LA_ERR_ARG;
    int at = ta == GA_LA_TRANS, bt = tb == GA_LA_TRANS;
    if (!mat_ok(a, at ? k : m, at ? m : k, lda) || !mat_ok(b, bt ? n : k, bt ? k : n, ldb) ||
        !mat_ok(c, m, n, ldc))
        return GA_LA_ERR_ARG;
    if (m == 0 || n == 0)
        return GA_LA_OK;
    if (k == 0) {
        scale_only(m, n, beta, c, ldc);
        return GA_LA_OK;
    }
    cblas_dgemm(CblasRowMajor, cblas_trans(ta), cblas_trans(tb), (int)m, (int)n, (int)k, alpha,
                a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
    return GA_LA_OK;
}

ga_la_status ga_axpy(size_t n, double alpha, const double *x, double *y)
{
    if (!vec_ok(x, n) || !vec_ok(y, n))
        return GA_LA_ERR_ARG;
    if (n == 0)
        return GA_LA_OK;
    cblas_daxpy((int)n, alpha, x, 1, y, 1);
    return GA_LA_OK;
}

ga_la_status ga_dot(size_t n, const double *x, const double *y, double *out)
{
    if (!out || !vec_ok(x, n) || !vec_ok(y, n))
        return GA_LA_ERR_ARG;
    *out = n ? cblas_ddot((int)n, x, 1, y, 1) : 0.0;
    return GA_LA_OK;
}

ga_la_status ga_lstsq(size_t m, size_t n, size_t nrhs, double *a, size_t lda, double *b,
                      size_t ldb, double rcond, size_t *rank)
{
    size_t rows_b = m > n ? m : n, mn = m < n ? m : n;
    if (!mat_ok(a, m, n, lda) || !mat_ok(b, rows_b, nrhs, ldb) || !all_finite(a, m, n, lda) ||
        !all_finite(b, m, nrhs, ldb))
        return GA_LA_ERR_ARG;
    if (rank)
        *rank = 0;
    if (nrhs == 0)
        return GA_LA_OK;
    if (mn == 0) {
        /* no equations or no unknowns: x = 0 (the minimum-norm solution) */
        for (size_t i = 0; i < n; i++)
            memset(b + i * ldb, 0, nrhs * sizeof *b);
        return GA_LA_OK;
    }
    double *s = ga_mallocarray(mn, sizeof *s);
    if (!s)
        return GA_LA_ERR_NOMEM;
    lapack_int r = 0;
    lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n,
                                     (lapack_int)nrhs, a, (lapack_int)lda, b, (lapack_int)ldb, s,
                                     rcond, &r);
    free(s);
    if (info > 0)
        return GA_LA_NOCONV;
    ga_la_status st = lapacke_status(info);
    if (st == GA_LA_OK && rank)
        *rank = (size_t)r;
    return st;
}

ga_la_status ga_lu_solve(size_t n, size_t nrhs, double *a, size_t lda, double *b, size_t ldb)
{
    if (!mat_ok(a, n, n, lda) || !mat_ok(b, n, nrhs, ldb) || !all_finite(a, n, n, lda) ||
        !all_finite(b, n, nrhs, ldb))
        return GA_LA_ERR_ARG;
    if (n == 0)
        return GA_LA_OK;
    lapack_int *ipiv = ga_mallocarray(n, sizeof *ipiv);
    if (!ipiv)
        return GA_LA_ERR_NOMEM;
    double anorm = LAPACKE_dlange(LAPACK_ROW_MAJOR, '1', (lapack_int)n, (lapack_int)n, a,
                                  (lapack_int)lda);
    ga_la_status st = GA_LA_OK;
    lapack_int info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)n, a,
                                     (lapack_int)lda, ipiv);
    if (info > 0) {
        st = GA_LA_SINGULAR;
        goto done;
    }
    if ((st = lapacke_status(info)) != GA_LA_OK)
        goto done;
    double rc = 0;
    info = LAPACKE_dgecon(LAPACK_ROW_MAJOR, '1', (lapack_int)n, a, (lapack_int)lda, anorm, &rc);
    if ((st = lapacke_status(info)) != GA_LA_OK)
        goto done;
    if (!(rc >= DBL_EPSILON)) {
        st = GA_LA_SINGULAR;
        goto done;
    }
    if (nrhs > 0) {
        info = LAPACKE_dgetrs(LAPACK_ROW_MAJOR, 'N', (lapack_int)n, (lapack_int)nrhs, a,
                              (lapack_int)lda, ipiv, b, (lapack_int)ldb);
        st = lapacke_status(info);
    }
done:
    free(ipiv);
    return st;
}
