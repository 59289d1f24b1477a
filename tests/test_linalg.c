/*
 * test_linalg.c - the linear-algebra boundary (lib/numeric/linalg.c) and
 * the plain-C dense kernels (lib/numeric/dense.c).  Every expected value
 * was computed by hand and is written out next to its case:
 *   - a 2x3 by 3x2 product, with transposes, alpha/beta and padded
 *     leading dimensions;
 *   - an overdetermined 4x2 least-squares line fit solved through its
 *     normal equations, a rank-deficient and an underdetermined case
 *     (minimum-norm answers);
 *   - a 3x3 LU solve with a chosen x, a singular and a numerically
 *     singular matrix;
 *   - 2x2 and 3x3 inverses by Gauss-Jordan (one needs a row exchange) and
 *     an eta update checked against the inverse of the updated matrix;
 *   - zero sizes and argument checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <string.h>

#include "numeric/dense.h"
#include "numeric/linalg.h"

#define TOL 1e-12

static void assert_near(double got, double want, double tol)
{
    if (fabs(got - want) > tol * fmax(1.0, fabs(want)))
        fail_msg("got %.17g, want %.17g", got, want);
}

static void assert_vec(const double *got, const double *want, size_t n, double tol)
{
    for (size_t i = 0; i < n; i++)
        assert_near(got[i], want[i], tol);
}

/* A = [1 2 3; 4 5 6], B = [7 8; 9 10; 11 12].
 * AB = [1*7+2*9+3*11  1*8+2*10+3*12; 4*7+5*9+6*11  4*8+5*10+6*12]
 *    = [58 64; 139 154]. */
static const double A23[6] = {1, 2, 3, 4, 5, 6};
static const double B32[6] = {7, 8, 9, 10, 11, 12};
static const double AT32[6] = {1, 4, 2, 5, 3, 6};   /* A^T, 3x2 */
static const double BT23[6] = {7, 9, 11, 8, 10, 12}; /* B^T, 2x3 */
static const double AB[4] = {58, 64, 139, 154};

static void gemm_plain(void **state)
{
    (void)state;
    double c[4] = {-1, -1, -1, -1}; /* beta 0: never read */
    assert_int_equal(ga_gemm(GA_LA_NOTRANS, GA_LA_NOTRANS, 2, 2, 3, 1.0, A23, 3, B32, 2, 0.0, c,
                             2),
                     GA_LA_OK);
    assert_vec(c, AB, 4, TOL);
}

static void gemm_transposes(void **state)
{
    (void)state;
    /* (AB)^T = B^T A^T = [58 139; 64 154] */
    static const double abt[4] = {58, 139, 64, 154};
    static const struct {
        ga_la_trans ta, tb;
        const double *a;
        size_t lda;
        const double *b;
        size_t ldb;
        const double *want;
    } cases[] = {
        /* op(A^T) op(B^T) = A B */
        {GA_LA_TRANS, GA_LA_TRANS, AT32, 2, BT23, 3, AB},
        /* A^T stored, B plain; B^T stored, A plain */
        {GA_LA_TRANS, GA_LA_NOTRANS, AT32, 2, B32, 2, AB},
        {GA_LA_NOTRANS, GA_LA_TRANS, A23, 3, BT23, 3, AB},
        {GA_LA_NOTRANS, GA_LA_NOTRANS, BT23, 3, AT32, 2, abt},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double c[4];
        assert_int_equal(ga_gemm(cases[k].ta, cases[k].tb, 2, 2, 3, 1.0, cases[k].a, cases[k].lda,
                                 cases[k].b, cases[k].ldb, 0.0, c, 2),
                         GA_LA_OK);
        assert_vec(c, cases[k].want, 4, TOL);
    }
}

static void gemm_alpha_beta_padding(void **state)
{
    (void)state;
    /* A with leading dimension 4 (the pad holds junk), C with 3. */
    const double a[8] = {1, 2, 3, 99, 4, 5, 6, 99};
    double c[6] = {1, 1, 77, 1, 1, 77};
    /* C := 2 AB + 1 C = [117 129; 279 309]; the pad column stays 77 */
    assert_int_equal(ga_gemm(GA_LA_NOTRANS, GA_LA_NOTRANS, 2, 2, 3, 2.0, a, 4, B32, 2, 1.0, c, 3),
                     GA_LA_OK);
    const double want[6] = {117, 129, 77, 279, 309, 77};
    assert_vec(c, want, 6, TOL);
}

static void gemv_cases(void **state)
{
    (void)state;
    /* A x with x = [1 0 -1]: [1-3, 4-6] = [-2 -2] */
    const double x[3] = {1, 0, -1};
    double y[2] = {-5, -5};
    assert_int_equal(ga_gemv(GA_LA_NOTRANS, 2, 3, 1.0, A23, 3, x, 0.0, y), GA_LA_OK);
    const double w1[2] = {-2, -2};
    assert_vec(y, w1, 2, TOL);
    /* A^T [1 1] = column sums [5 7 9] */
    const double ones[2] = {1, 1};
    double z[3];
    assert_int_equal(ga_gemv(GA_LA_TRANS, 2, 3, 1.0, A23, 3, ones, 0.0, z), GA_LA_OK);
    const double w2[3] = {5, 7, 9};
    assert_vec(z, w2, 3, TOL);
    /* 2 A x + 3 [1 2] = [-4+3, -4+6] = [-1 2] */
    double y2[2] = {1, 2};
    assert_int_equal(ga_gemv(GA_LA_NOTRANS, 2, 3, 2.0, A23, 3, x, 3.0, y2), GA_LA_OK);
    const double w3[2] = {-1, 2};
    assert_vec(y2, w3, 2, TOL);
}

static void axpy_dot(void **state)
{
    (void)state;
    const double x[3] = {1, 2, 3};
    double y[3] = {10, 20, 30};
    assert_int_equal(ga_axpy(3, 2.0, x, y), GA_LA_OK);
    const double want[3] = {12, 24, 36};
    assert_vec(y, want, 3, TOL);
    const double v[3] = {4, 5, 6};
    double d = -1;
    assert_int_equal(ga_dot(3, x, v, &d), GA_LA_OK); /* 4 + 10 + 18 */
    assert_near(d, 32, TOL);
    assert_int_equal(ga_dot(0, NULL, NULL, &d), GA_LA_OK);
    assert_near(d, 0, TOL);
}

static void zero_sizes(void **state)
{
    (void)state;
    double c[2] = {2, 4};
    /* m = 0: nothing to write; NULL arrays are fine when empty */
    assert_int_equal(ga_gemm(GA_LA_NOTRANS, GA_LA_NOTRANS, 0, 2, 3, 1.0, NULL, 3, B32, 2, 0.0,
                             NULL, 2),
                     GA_LA_OK);
    /* k = 0: the empty product adds nothing, so C := 0.5 C = [1 2] */
    assert_int_equal(ga_gemm(GA_LA_NOTRANS, GA_LA_NOTRANS, 1, 2, 0, 1.0, NULL, 1, NULL, 2, 0.5, c,
                             2),
                     GA_LA_OK);
    assert_near(c[0], 1, TOL);
    assert_near(c[1], 2, TOL);
    /* gemv with n = 0: y := beta y = 3 [1 2] */
    double y[2] = {1, 2};
    assert_int_equal(ga_gemv(GA_LA_NOTRANS, 2, 0, 1.0, NULL, 1, NULL, 3.0, y), GA_LA_OK);
    assert_near(y[0], 3, TOL);
    assert_near(y[1], 6, TOL);
    assert_int_equal(ga_axpy(0, 1.0, NULL, NULL), GA_LA_OK);
    size_t rank = 9;
    assert_int_equal(ga_lstsq(0, 0, 1, NULL, 1, NULL, 1, -1, &rank), GA_LA_OK);
    assert_int_equal(rank, 0);
    assert_int_equal(ga_lu_solve(0, 1, NULL, 1, NULL, 1), GA_LA_OK);
    double inv[1];
    assert_int_equal(ga_dense_invert(0, NULL, 0, inv, 0, NULL, 1e-12), GA_LA_OK);
}

static void argument_checks(void **state)
{
    (void)state;
    double c[4];
    /* leading dimension below the row length */
    assert_int_equal(ga_gemm(GA_LA_NOTRANS, GA_LA_NOTRANS, 2, 2, 3, 1.0, A23, 2, B32, 2, 0.0, c,
                             2),
                     GA_LA_ERR_ARG);
    assert_int_equal(ga_gemm(GA_LA_NOTRANS, GA_LA_NOTRANS, 2, 2, 3, 1.0, A23, 3, B32, 2, 0.0, c,
                             1),
                     GA_LA_ERR_ARG);
    /* sizes past BLAS's int are refused before BLAS sees them */
    size_t big = (size_t)INT_MAX + 1;
    assert_int_equal(ga_gemv(GA_LA_NOTRANS, 1, big, 1.0, A23, big, A23, 0.0, c), GA_LA_ERR_ARG);
    assert_int_equal(ga_axpy(big, 1.0, A23, c), GA_LA_ERR_ARG);
    /* NULL where there are elements; an unknown transpose flag */
    assert_int_equal(ga_gemv(GA_LA_NOTRANS, 2, 3, 1.0, NULL, 3, A23, 0.0, c), GA_LA_ERR_ARG);
    assert_int_equal(ga_gemv((ga_la_trans)7, 2, 3, 1.0, A23, 3, A23, 0.0, c), GA_LA_ERR_ARG);
    assert_int_equal(ga_dot(3, A23, B32, NULL), GA_LA_ERR_ARG);
    /* NaN and Inf are refused before LAPACK sees them */
    double a[4] = {1, NAN, 0, 1}, b[2] = {1, 1};
    assert_int_equal(ga_lu_solve(2, 1, a, 2, b, 1), GA_LA_ERR_ARG);
    double a2[4] = {1, 0, 0, 1}, b2[2] = {INFINITY, 1};
    assert_int_equal(ga_lstsq(2, 2, 1, a2, 2, b2, 1, -1, NULL), GA_LA_ERR_ARG);
    assert_string_equal(ga_la_status_name(GA_LA_SINGULAR), "GA_LA_SINGULAR");
}

/* Least squares of the m x 2 row-major a against one right-hand side b
 * (max(m, 2) rows): the rank and the solution x[0..1] in b, to 1e-12. */
static void lstsq_is(size_t m, double *a, double *b, size_t want_rank, const double x[2])
{
    size_t rank = 0;
    assert_int_equal(ga_lstsq(m, 2, 1, a, 2, b, 1, -1, &rank), GA_LA_OK);
    assert_int_equal(rank, want_rank);
    assert_near(b[0], x[0], 1e-12);
    assert_near(b[1], x[1], 1e-12);
}

/* Fit y = c0 + c1 t to (0,1) (1,3) (2,4) (3,7).  Normal equations:
 * A^T A = [4 6; 6 14], A^T y = [15, 0+3+8+21 = 32]; det 20, so
 * c0 = (14*15 - 6*32) / 20 = 0.9 and c1 = (4*32 - 6*15) / 20 = 1.9
 * (residuals 0.1 0.2 -0.7 0.4 are orthogonal to both columns). */
static void lstsq_overdetermined(void **state)
{
    (void)state;
    double a[8] = {1, 0, 1, 1, 1, 2, 1, 3};
    double b[4] = {1, 3, 4, 7};
    const double x[2] = {0.9, 1.9};
    lstsq_is(4, a, b, 2, x);
}

/* Two right-hand sides with a padded B: the second is 2y - 1 (so
 * c0 = 2*0.9 - 1 = 0.8, c1 = 3.8). */
static void lstsq_two_rhs(void **state)
{
    (void)state;
    double a[8] = {1, 0, 1, 1, 1, 2, 1, 3};
    double b[12] = {1, 1, -9, 3, 5, -9, 4, 7, -9, 7, 13, -9};
    assert_int_equal(ga_lstsq(4, 2, 2, a, 2, b, 3, -1, NULL), GA_LA_OK);
    assert_near(b[0], 0.9, 1e-12);
    assert_near(b[1], 0.8, 1e-12);
    assert_near(b[3], 1.9, 1e-12);
    assert_near(b[4], 3.8, 1e-12);
}

/* [1 1; 1 1; 1 1] x ~ [1 2 3]: every x with x1 + x2 = 2 (the mean) is a
 * minimiser; the minimum-norm one is [1 1], and the rank is 1. */
static void lstsq_rank_deficient(void **state)
{
    (void)state;
    double a[6] = {1, 1, 1, 1, 1, 1};
    double b[3] = {1, 2, 3};
    const double x[2] = {1, 1};
    lstsq_is(3, a, b, 1, x);
}

/* [1 2] x = 5: minimum norm x = A^T (A A^T)^-1 5 = [1 2] * 5/5 = [1 2]. */
static void lstsq_underdetermined(void **state)
{
    (void)state;
    double a[2] = {1, 2};
    double b[2] = {5, 0}; /* max(m, n) = 2 rows */
    const double x[2] = {1, 2};
    lstsq_is(1, a, b, 1, x);
}

/* A = [2 1 1; 4 -6 0; -2 7 2], x = [1 2 3]:
 * b = [2+2+3, 4-12+0, -2+14+6] = [7 -8 18]. */
static void lu_solve_known_x(void **state)
{
    (void)state;
    double a[9] = {2, 1, 1, 4, -6, 0, -2, 7, 2};
    double b[3] = {7, -8, 18};
    assert_int_equal(ga_lu_solve(3, 1, a, 3, b, 1), GA_LA_OK);
    const double x[3] = {1, 2, 3};
    assert_vec(b, x, 3, 1e-12);
}

/* Row 2 = 2 * row 1: exactly singular; B is left as it was. */
static void lu_solve_singular(void **state)
{
    (void)state;
    double a[9] = {1, 2, 3, 2, 4, 6, 1, 0, 1};
    double b[3] = {1, 2, 3};
    assert_int_equal(ga_lu_solve(3, 1, a, 3, b, 1), GA_LA_SINGULAR);
    assert_near(b[0], 1, 0);
    assert_near(b[1], 2, 0);
    assert_near(b[2], 3, 0);
    /* [1 1; 1 1+e], e = 2^-52: det e, ||A||_1 ~ 2, ||A^-1||_1 ~ 2/e, so
     * rcond ~ e/4, below machine precision: numerically singular. */
    double e = ldexp(1.0, -52);
    double a2[4] = {1, 1, 1, 1 + e};
    double b2[2] = {2, 2};
    assert_int_equal(ga_lu_solve(2, 1, a2, 2, b2, 1), GA_LA_SINGULAR);
}

/* [4 7; 2 6]^-1 = 1/10 [6 -7; -2 4]. */
static void dense_invert_2x2(void **state)
{
    (void)state;
    const double a[4] = {4, 7, 2, 6};
    double inv[4], work[8];
    assert_int_equal(ga_dense_invert(2, a, 2, inv, 2, work, 1e-12), GA_LA_OK);
    const double want[4] = {0.6, -0.7, -0.2, 0.4};
    assert_vec(inv, want, 4, 1e-15);
    /* [0 2; 1 1] needs a row exchange: det -2, inverse -1/2 [1 -2; -1 0] */
    const double p[4] = {0, 2, 1, 1};
    assert_int_equal(ga_dense_invert(2, p, 2, inv, 2, work, 1e-12), GA_LA_OK);
    const double wp[4] = {-0.5, 1, 0.5, 0};
    assert_vec(inv, wp, 4, 1e-15);
}

/* A cyclic permutation: its inverse is its transpose.  Stored with
 * leading dimension 4 (padding ignored). */
static void dense_invert_permutation(void **state)
{
    (void)state;
    const double a[12] = {0, 1, 0, 9, 0, 0, 1, 9, 1, 0, 0, 9};
    double inv[9], work[18];
    assert_int_equal(ga_dense_invert(3, a, 4, inv, 3, work, 1e-12), GA_LA_OK);
    const double want[9] = {0, 0, 1, 1, 0, 0, 0, 1, 0};
    assert_vec(inv, want, 9, 0);
}

static void dense_invert_singular(void **state)
{
    (void)state;
    const double a[9] = {1, 2, 3, 2, 4, 6, 1, 0, 1};
    double inv[9], work[18];
    assert_int_equal(ga_dense_invert(3, a, 3, inv, 3, work, 1e-12), GA_LA_SINGULAR);
    assert_int_equal(ga_dense_invert(3, a, 2, inv, 3, work, 1e-12), GA_LA_ERR_ARG);
}

/* B = I; column 1 becomes a = [1 2 0], so u = B^-1 a = a and the new
 * B = [1 1 0; 0 2 0; 0 0 1], whose inverse is [1 -1/2 0; 0 1/2 0; 0 0 1]
 * (check: B times it is I).  The eta update must give exactly that, and
 * so must Gauss-Jordan on the new B. */
static void dense_eta_update(void **state)
{
    (void)state;
    double binv[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    const double u[3] = {1, 2, 0};
    ga_dense_eta_update(3, binv, u, 1);
    const double want[9] = {1, -0.5, 0, 0, 0.5, 0, 0, 0, 1};
    assert_vec(binv, want, 9, 0);
    const double bnew[9] = {1, 1, 0, 0, 2, 0, 0, 0, 1};
    double inv[9], work[18];
    assert_int_equal(ga_dense_invert(3, bnew, 3, inv, 3, work, 1e-12), GA_LA_OK);
    assert_vec(inv, want, 9, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gemm_plain),
        cmocka_unit_test(gemm_transposes),
        cmocka_unit_test(gemm_alpha_beta_padding),
        cmocka_unit_test(gemv_cases),
        cmocka_unit_test(axpy_dot),
        cmocka_unit_test(zero_sizes),
        cmocka_unit_test(argument_checks),
        cmocka_unit_test(lstsq_overdetermined),
        cmocka_unit_test(lstsq_two_rhs),
        cmocka_unit_test(lstsq_rank_deficient),
        cmocka_unit_test(lstsq_underdetermined),
        cmocka_unit_test(lu_solve_known_x),
        cmocka_unit_test(lu_solve_singular),
        cmocka_unit_test(dense_invert_2x2),
        cmocka_unit_test(dense_invert_permutation),
        cmocka_unit_test(dense_invert_singular),
        cmocka_unit_test(dense_eta_update),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
