/*
 * glpk_host.h - a host program that uses GLPK itself, for the tests that
 * check the library leaves a host's GLPK state alone (test_lp, test_chaos;
 * issue 14, finding 7).  The host's problem: max x + y  s.t.  x + 2y <= 4,
 * 3x + y <= 6,  x, y >= 0; by hand both rows bind: x = 8/5, y = 6/5,
 * objective 14/5.  Header only (static): include it once per test program,
 * after cmocka and glpk.h.
 */
#ifndef GPUARB_TESTS_GLPK_HOST_H
#define GPUARB_TESTS_GLPK_HOST_H

/* Lines GLPK wrote to the host's terminal hook. */
static int host_lines;

static int host_term(void *info, const char *s)
{
    (void)s;
    (*(int *)info)++;
    return 1; /* counted, not printed */
}

static glp_prob *host_problem(void)
{
    glp_prob *P = glp_create_prob();
    glp_set_obj_dir(P, GLP_MAX);
    glp_add_rows(P, 2);
    glp_add_cols(P, 2);
    glp_set_row_bnds(P, 1, GLP_UP, 0, 4);
    glp_set_row_bnds(P, 2, GLP_UP, 0, 6);
    for (int j = 1; j <= 2; j++) {
        glp_set_col_bnds(P, j, GLP_LO, 0, 0);
        glp_set_obj_coef(P, j, 1);
    }
    int ia[] = {0, 1, 1, 2, 2}, ja[] = {0, 1, 2, 1, 2};
    double ar[] = {0, 1, 2, 3, 1};
    glp_load_matrix(P, 4, ia, ja, ar);
    return P;
}

/* The host solves its problem with full terminal output: the hand answer,
 * and the output reaches the host's own hook. */
static void host_solves(glp_prob *P)
{
    assert_int_equal(glp_get_num_rows(P), 2);
    assert_int_equal(glp_get_num_cols(P), 2);
    glp_smcp sp;
    glp_init_smcp(&sp);
    sp.msg_lev = GLP_MSG_ALL;
    glp_std_basis(P);
    int before = host_lines;
    assert_int_equal(glp_simplex(P, &sp), 0);
    assert_int_equal(glp_get_status(P), GLP_OPT);
    assert_true(host_lines > before);
    assert_float_equal(glp_get_obj_val(P), 14.0 / 5, 1e-9);
    assert_float_equal(glp_get_col_prim(P, 1), 8.0 / 5, 1e-9);
    assert_float_equal(glp_get_col_prim(P, 2), 6.0 / 5, 1e-9);
}

#endif
