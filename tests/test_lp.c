/*
 * test_lp.c - lp.c seen from a host program that uses GLPK itself.
 *
 * The host keeps its own glp_prob, terminal hook and error hook in its
 * thread's GLPK environment; the library's guarded calls, normal or ending
 * in a GLPK fatal error, must leave all three as they were, and must leave
 * no environment behind in a thread that had none.  A failing GLPK
 * environment set-up (mocked with --wrap) must be an error, not an abort.
 *
 * The host's problem: max x + y  s.t.  x + 2y <= 4,  3x + y <= 6,  x, y >= 0.
 * By hand: both rows bind at the optimum, x = 8/5, y = 6/5, objective 14/5.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glpk.h>

#include "testutil.h"
#include "glpk_host.h"

#include "numeric/lp.h"

static gpuarb_ctx *ctx;

/* lp.o's calls to glp_init_env() come here (-Wl,--wrap=glp_init_env in the
 * Makefile); GLPK's own internal calls do not.  init_calls_left > 0: that
 * many calls reach GLPK, then one reports failure (2, as GLPK does when its
 * malloc fails). */
int __real_glp_init_env(void);
int __wrap_glp_init_env(void);
static int init_calls_left = -1;

int __wrap_glp_init_env(void)
{
    if (init_calls_left == 0) {
        init_calls_left = -1;
        return 2;
    }
    if (init_calls_left > 0)
        init_calls_left--;
    return __real_glp_init_env();
}

/* The host's start: its problem, and its terminal hook counting lines. */
static glp_prob *host_begin(void)
{
    host_lines = 0;
    glp_prob *P = host_problem();
    glp_term_hook(host_term, &host_lines);
    return P;
}


/* min x  s.t.  x >= 2, x integer in [0, 10]; colname NULL or a name. */
static ga_mip *small_mip(const char *colname)
{
    ga_mip *m = ga_mip_new(0);
    assert_non_null(m);
    assert_int_equal(ga_mip_add_col(m, 1, 0, 10, 1, colname), 0);
    int32_t col = 0;
    double one = 1;
    assert_int_equal(ga_mip_add_row(m, 1, &col, &one, 2, GA_INF, NULL), 0);
    return m;
}

static gpuarb_status solve(ga_mip *m, double *x)
{
    ga_mip_out out;
    memset(&out, 0, sizeof out);
    out.x = x;
    ga_mip_opts o = {1000, 0, 0, 1};
    gpuarb_status st = ga_mip_solve(ctx, m, &o, &out);
    if (st == GPUARB_OK)
        assert_int_equal(out.status, GA_MIP_OPTIMAL);
    return st;
}

/* GLPK rejects names longer than 255 characters with a fatal error. */
static ga_mip *fatal_mip(void)
{
    static char longname[300];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    return small_mip(longname);
}

/* The library solves the small MIP to its optimum, x = 2. */
static void small_mip_solves(const char *name)
{
    ga_mip *m = small_mip(name);
    double x[1];
    assert_int_equal(solve(m, x), GPUARB_OK);
    assert_float_equal(x[0], 2.0, 1e-9);
    ga_mip_free(m);
}

/* A GLPK fatal error inside the library is an error status. */
static void fatal_mip_fails(void)
{
    ga_mip *m = fatal_mip();
    double x[1];
    assert_int_equal(solve(m, x), GPUARB_ERR_SOLVER);
    ga_mip_free(m);
}

static void no_environment_is_left_behind(void **state)
{
    (void)state;
    small_mip_solves("x");
    fatal_mip_fails();
    /* 0: the thread had no environment, so the library freed its own */
    assert_int_equal(glp_init_env(), 0);
    glp_free_env();
}

static void host_hook_and_problem_survive_a_solve(void **state)
{
    (void)state;
    glp_prob *P = host_begin();
    small_mip_solves("x");
    host_solves(P);
    glp_delete_prob(P);
    glp_free_env();
}

static void host_problem_survives_a_fatal_error(void **state)
{
    (void)state;
    glp_prob *P = host_begin();
    ga_mip *m = fatal_mip();
    double x[1];
    assert_int_equal(solve(m, x), GPUARB_ERR_SOLVER);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "fatal error"));
    /* writing the model needs no GLPK: the name GLPK rejects is not valid in
     * the LP format either, so the column is written as x_1 */
    char path[64];
    snprintf(path, sizeof path, "/tmp/gpuarb_test_lp_%ld.lp", (long)getpid());
    assert_int_equal(ga_mip_write_lp(ctx, m, path), GPUARB_OK);
    char *text = tu_slurp(path, NULL);
    remove(path);
    assert_non_null(strstr(text, " x_1 >= 2\n"));
    assert_null(strstr(text, "xxxxxxxxxx"));
    free(text);
    ga_mip_free(m);
    /* GLPK's error message went to the library's hook, not the host's */
    assert_int_equal(host_lines, 0);
    host_solves(P);
    /* and the library still solves afterwards */
    small_mip_solves(NULL);
    host_solves(P);
    glp_delete_prob(P);
    glp_free_env();
}

static jmp_buf host_jb;
static int host_errors;

static void host_error(void *info)
{
    (void)info;
    host_errors++;
    longjmp(host_jb, 1);
}

/* The host's own error hook is still the one GLPK calls after the
 * library's guarded call failed (else GLPK would abort() the test). */
static void host_error_hook_survives_a_fatal_error(void **state)
{
    (void)state;
    host_errors = 0;
    glp_prob *P = host_begin();
    glp_error_hook(host_error, NULL);
    fatal_mip_fails();
    assert_int_equal(host_errors, 0);
    if (setjmp(host_jb) == 0) {
        char longname[300];
        memset(longname, 'y', sizeof longname - 1);
        longname[sizeof longname - 1] = '\0';
        glp_set_col_name(P, 1, longname);
        fail_msg("GLPK accepted a 299-character name");
    }
    assert_int_equal(host_errors, 1);
    assert_true(host_lines > 0); /* GLPK's message went to the host's hook */
    /* after its own fatal error the host drops its environment, as GLPK says */
    glp_free_env();
}

/* GLPK would print "GLPK initialization failed" and abort() on the next
 * call after a failed set-up: the library must stop at the failure. */
static void failed_environment_set_up_is_reported(void **state)
{
    (void)state;
    ga_mip *m = small_mip("x");
    double x[1];
    init_calls_left = 0;
    assert_int_equal(solve(m, x), GPUARB_ERR_NOMEM);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "GLPK"));
    assert_int_equal(init_calls_left, -1);
    /* no GLPK call made an environment behind the failed set-up */
    assert_int_equal(glp_init_env(), 0);
    glp_free_env();
    /* a host with its own environment: the helper thread's set-up fails */
    glp_prob *P = host_begin();
    init_calls_left = 1;
    assert_int_equal(solve(m, x), GPUARB_ERR_NOMEM);
    assert_int_equal(init_calls_left, -1);
    host_solves(P);
    /* and once set-up works again, so does solving */
    assert_int_equal(solve(m, x), GPUARB_OK);
    assert_float_equal(x[0], 2.0, 1e-9);
    ga_mip_free(m);
    host_solves(P);
    glp_delete_prob(P);
    glp_free_env();
}

/* max sum x_j  s.t.  x_i + x_j <= 1 for every pair i < j, 0 <= x <= 1
 * integer: a clique, so by hand the optimum is 1 and the LP relaxation's
 * bound is n/2 (every x = 1/2).  n columns, n(n-1)/2 rows. */
static ga_mip *clique_mip(int32_t n)
{
    ga_mip *m = ga_mip_new(1);
    assert_non_null(m);
    for (int32_t j = 0; j < n; j++)
        assert_int_equal(ga_mip_add_col(m, 1, 0, 1, 1, NULL), j);
    double one[2] = {1, 1};
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = i + 1; j < n; j++) {
            int32_t col[2] = {i, j};
            assert_true(ga_mip_add_row(m, 2, col, one, -GA_INF, 1, NULL) >= 0);
        }
    return m;
}

/* A deadline that has passed before GLPK could start: no solve, and the
 * offered start comes back as the plan (it used to be thrown away). */
static void time_out_before_the_relaxation_keeps_the_start(void **state)
{
    (void)state;
    ga_mip *m = clique_mip(6);
    double start[6] = {0, 0, 1, 0, 0, 0}, x[6];
    assert_int_equal(ga_mip_set_start(m, start), 0);
    ga_mip_out out;
    memset(&out, 0, sizeof out);
    out.x = x;
    ga_mip_opts o = {0.5, 0, 0, 1}; /* positional: mem_limit_mib 0 = none */
    assert_int_equal(ga_mip_solve(ctx, m, &o, &out), GPUARB_OK);
    assert_int_equal(out.status, GA_MIP_FEASIBLE);
    assert_int_equal(out.has_bound, 0);
    assert_float_equal(out.obj, 1.0, 1e-9);
    for (int j = 0; j < 6; j++)
        assert_float_equal(x[j], start[j], 0);
    ga_mip_free(m);

    /* without a start there is nothing to return */
    m = clique_mip(6);
    memset(&out, 0, sizeof out);
    out.x = x;
    assert_int_equal(ga_mip_solve(ctx, m, &o, &out), GPUARB_OK);
    assert_int_equal(out.status, GA_MIP_NOSOLUTION);
    assert_int_equal(out.has_bound, 0);
    ga_mip_free(m);
}

/* With time enough the same models solve to the hand optimum, 1. */
static void clique_solves_to_one(void **state)
{
    (void)state;
    ga_mip *m = clique_mip(6);
    double x[6];
    ga_mip_out out;
    memset(&out, 0, sizeof out);
    out.x = x;
    ga_mip_opts o = {10000, 0, 0, 1, 256};
    assert_int_equal(ga_mip_solve(ctx, m, &o, &out), GPUARB_OK);
    assert_int_equal(out.status, GA_MIP_OPTIMAL);
    assert_int_equal(out.has_bound, 1);
    assert_float_equal(out.obj, 1.0, 1e-9);
    double sum = 0;
    for (int j = 0; j < 6; j++)
        sum += x[j];
    assert_float_equal(sum, 1.0, 1e-9);
    ga_mip_free(m);
}

/* GLPK past the memory budget: GPUARB_ERR_LIMIT naming the budget, never
 * an abort (GLPK's own reaction to glp_mem_limit is glp_error).  The clique
 * on 300 columns has 44,850 rows and 89,700 nonzeros: our copy of it takes
 * about 5 MiB and GLPK needs several MiB more, so a budget of 6 MiB
 * leaves GLPK 1 MiB and is passed inside GLPK; 1 MiB is passed before
 * GLPK starts. */
static void memory_budget_is_a_limit_error(void **state)
{
    (void)state;
    ga_mip *m = clique_mip(300);
    double *x = tu_alloc(300, sizeof(double));
    ga_mip_out out;
    memset(&out, 0, sizeof out);
    out.x = x;
    ga_mip_opts o = {60000, 0, 0, 1, 6};
    assert_int_equal(ga_mip_solve(ctx, m, &o, &out), GPUARB_ERR_LIMIT);
    assert_string_equal(gpuarb_errmsg(ctx),
                        "the model needs more than the memory budget of 6 MiB (memory_limit_mib)");
    o.mem_limit_mib = 1;
    assert_int_equal(ga_mip_solve(ctx, m, &o, &out), GPUARB_ERR_LIMIT);
    assert_string_equal(gpuarb_errmsg(ctx),
                        "the model needs more than the memory budget of 1 MiB (memory_limit_mib)");
    /* no environment is left behind, and a host's would be untouched */
    assert_int_equal(glp_init_env(), 0);
    glp_free_env();
    free(x);
    ga_mip_free(m);
}

/* The LP file reads back into GLPK as the same problem.  By hand:
 * min x + 2y (+ 5, a comment in the file)  s.t.  1 <= x + y <= 3 (a range
 * row),  x - z = 0 with z free,  x integer in [0, 10], y >= 0: the optimum
 * is x = 1, y = 0, z = 1, objective 1 without the constant.  GLPK writes a
 * range row with an auxiliary column ~r_1, so 4 columns come back. */
static void written_model_reads_back(void **state)
{
    (void)state;
    ga_mip *m = ga_mip_new(0);
    assert_int_equal(ga_mip_add_col(m, 1, 0, 10, 1, "x"), 0);
    assert_int_equal(ga_mip_add_col(m, 2, 0, GA_INF, 0, NULL), 1);
    assert_int_equal(ga_mip_add_col(m, 0, -GA_INF, GA_INF, 0, "z"), 2);
    ga_mip_set_obj_const(m, 5);
    int32_t c1[] = {0, 1}, c2[] = {0, 2};
    double v1[] = {1, 1}, v2[] = {1, -1};
    assert_int_equal(ga_mip_add_row(m, 2, c1, v1, 1, 3, "range"), 0);
    assert_int_equal(ga_mip_add_row(m, 2, c2, v2, 0, 0, "link"), 1);
    char path[64];
    snprintf(path, sizeof path, "/tmp/gpuarb_test_lp_%ld.lp", (long)getpid());
    assert_int_equal(ga_mip_write_lp(ctx, m, path), GPUARB_OK);
    ga_mip_free(m);
    glp_term_out(GLP_OFF);
    glp_prob *P = glp_create_prob();
    assert_int_equal(glp_read_lp(P, NULL, path), 0);
    remove(path);
    assert_int_equal(glp_get_num_rows(P), 2);
    assert_int_equal(glp_get_num_cols(P), 4);
    glp_iocp ip;
    glp_init_iocp(&ip);
    ip.presolve = GLP_ON;
    ip.msg_lev = GLP_MSG_OFF;
    assert_int_equal(glp_intopt(P, &ip), 0);
    assert_int_equal(glp_mip_status(P), GLP_OPT);
    assert_float_equal(glp_mip_obj_val(P), 1.0, 1e-9);
    glp_create_index(P);
    assert_float_equal(glp_mip_col_val(P, glp_find_col(P, "x")), 1.0, 1e-9);
    assert_float_equal(glp_mip_col_val(P, glp_find_col(P, "z")), 1.0, 1e-9);
    glp_delete_prob(P);
    glp_free_env();
    /* a model without columns is written too (GLPK reads it back) */
    m = ga_mip_new(1);
    assert_int_equal(ga_mip_write_lp(ctx, m, path), GPUARB_OK);
    ga_mip_free(m);
    glp_term_out(GLP_OFF);
    P = glp_create_prob();
    assert_int_equal(glp_read_lp(P, NULL, path), 0);
    remove(path);
    glp_delete_prob(P);
    glp_free_env();
}

/* The shared fixture; its context is also kept in ctx for the helpers. */
static int setup(void **state)
{
    int rc = tu_setup(state);
    ctx = rc == 0 ? ((fixture *)*state)->ctx : NULL;
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_environment_is_left_behind),
        cmocka_unit_test(host_hook_and_problem_survive_a_solve),
        cmocka_unit_test(host_problem_survives_a_fatal_error),
        cmocka_unit_test(host_error_hook_survives_a_fatal_error),
        cmocka_unit_test(failed_environment_set_up_is_reported),
        cmocka_unit_test(time_out_before_the_relaxation_keeps_the_start),
        cmocka_unit_test(clique_solves_to_one),
        cmocka_unit_test(memory_budget_is_a_limit_error),
        cmocka_unit_test(written_model_reads_back),
    };
    return cmocka_run_group_tests_name("lp", tests, setup, tu_teardown);
}
