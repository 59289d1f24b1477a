/*
 * test_limits.c - the resource limits of the inputs issue 11 added (issue 12,
 * "Resource limits"): a job trace, a forecast series, SIM.yaml, a Gavel
 * throughput table and a spot availability trace.  Each test goes past one
 * limit and expects a clear error (status, position, the limit in the
 * message), returned at once: a file past its size limit is refused from its
 * size before a byte is read (the files here are sparse, so a 512 MiB one
 * costs nothing), and a document too deep or with aliases is refused by the
 * shared reader.  The limits of specs and catalogs (size, offers, nesting,
 * aliases, solver time) are tested where they live: test_doc.c, test_spec.c,
 * test_catalog_ref.c, test_optimize.c and tests/cli.sh.  The numbers are the
 * ones gpuarb(1) LIMITS documents; a change to one must change both.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/gpuarb-limits-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    return rmdir(dir);
}

/* A sparse file of `size` bytes (reads as zeros) at dir/name; the path in buf. */
static const char *sparse(char *buf, size_t n, const char *name, off_t size)
{
    snprintf(buf, n, "%s/%s", dir, name);
    int fd = open(buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, size), 0);
    close(fd);
    return buf;
}

#define MIB ((off_t)1 << 20)

static void trace_file_past_512_mib(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    char p[128];
    gpuarb_trace *t = NULL;
    sparse(p, sizeof p, "big.csv", 512 * MIB + 1);
    tu_assert_error(ctx, gpuarb_trace_load(ctx, p, GPUARB_TRACE_NATIVE, NULL, &t),
                    GPUARB_ERR_LIMIT, 1, 1,
                    "file of 536870913 bytes is larger than the limit of 536870912 bytes");
    assert_null(t);
    unlink(p);
}

static void gavel_throughputs_past_16_mib(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    char p[128];
    gpuarb_trace *t = NULL;
    sparse(p, sizeof p, "thr.json", 16 * MIB + 1);
    tu_assert_error(ctx, gpuarb_trace_load(ctx, "tests/data/sim/small.trace", GPUARB_TRACE_GAVEL,
                                           p, &t),
                    GPUARB_ERR_LIMIT, 1, 1, "larger than the limit of 16777216 bytes");
    assert_null(t);
    unlink(p);
}

static void series_file_past_256_mib(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    char p[128];
    gpuarb_forecast_result *r = NULL;
    sparse(p, sizeof p, "series.csv", 256 * MIB + 1);
    tu_assert_error(ctx, gpuarb_forecast_load(ctx, p, NULL, &r), GPUARB_ERR_LIMIT, 1, 1,
                    "larger than the limit of 268435456 bytes");
    assert_null(r);
    unlink(p);
}

static void sim_yaml_past_16_mib(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    char p[128];
    gpuarb_sim_config *c = NULL;
    sparse(p, sizeof p, "sim.yaml", 16 * MIB + 1);
    tu_assert_error(ctx, gpuarb_sim_config_load(ctx, p, &c), GPUARB_ERR_LIMIT, 1, 1,
                    "larger than the limit of 16777216 bytes");
    assert_null(c);
    unlink(p);
}

static void spot_trace_past_16_mib(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    char p[128];
    gpuarb_spot_trace *t = NULL;
    sparse(p, sizeof p, "avail.json", 16 * MIB + 1);
    tu_assert_error(ctx, gpuarb_spot_trace_load(ctx, p, &t), GPUARB_ERR_LIMIT, 1, 1,
                    "larger than the limit of 16777216 bytes");
    assert_null(t);
    unlink(p);
}

/* 70 nested flow sequences: the 65th opens at column 65 (counted: one '['
 * per column after "a: " would shift it, so the text starts with them). */
static void sim_yaml_and_spot_json_nesting(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    char deep[160];
    memset(deep, '[', 70);
    memset(deep + 70, ']', 70);
    deep[140] = '\n';
    deep[141] = '\0';
    gpuarb_sim_config *c = NULL;
    tu_assert_error(ctx, gpuarb_sim_config_parse(ctx, deep, strlen(deep), "sim.yaml", NULL, &c),
                    GPUARB_ERR_LIMIT, 1, 65, "nesting deeper than 64");
    assert_null(c);
    gpuarb_spot_trace *t = NULL;
    tu_assert_error(ctx, gpuarb_spot_trace_parse(ctx, deep, strlen(deep), "a.json", &t),
                    GPUARB_ERR_LIMIT, 1, 65, "nesting deeper than 64");
    assert_null(t);
}

/* An anchor in SIM.yaml is refused where it stands (line 1, column 23, the
 * '&'), before any alias could expand. */
static void sim_yaml_aliases(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char *y = "provisioning_delay_s: &d 100\ndecision_interval_s: *d\n";
    gpuarb_sim_config *c = NULL;
    tu_assert_error(ctx, gpuarb_sim_config_parse(ctx, y, strlen(y), "sim.yaml", NULL, &c),
                    GPUARB_ERR_LIMIT, 1, 23, "anchors and aliases are not supported");
    assert_null(c);
}

/* What bounds a simulation's running time: decisions = max_days x 86400 /
 * decision_interval_s, so both are bounded (at most 100000 days, at least
 * 1 s); past either is bad input at its key. */
static void sim_time_bounds(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = NULL;
    const char *a = "limits:\n  max_days: 100001\n";
    tu_assert_error(ctx, gpuarb_sim_config_parse(ctx, a, strlen(a), "s.yaml", NULL, &c),
                    GPUARB_ERR_INPUT, 2, 13, "");
    assert_string_equal(gpuarb_errpath(ctx), "limits.max_days");
    const char *b = "decision_interval_s: 0.5\n";
    tu_assert_error(ctx, gpuarb_sim_config_parse(ctx, b, strlen(b), "s.yaml", NULL, &c),
                    GPUARB_ERR_INPUT, 1, 22, "");
    assert_string_equal(gpuarb_errpath(ctx), "decision_interval_s");
    const char *m = "limits: {max_nodes: 100001}\n";
    tu_assert_error(ctx, gpuarb_sim_config_parse(ctx, m, strlen(m), "s.yaml", NULL, &c),
                    GPUARB_ERR_INPUT, 1, 21, "");
    assert_null(c);
}

/* fuzz/fuzz_trace.c's first timeout: a job submitted 2,113 years after the
 * other made the default pool (a decision every 300 s) step through 222
 * million idle intervals, 9 s here and a libFuzzer timeout under ASan.  The
 * number of steps is bounded (1e8) and checked before any work. */
static void sim_span_is_bounded(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char *csv = "job_id,submit_s,duration_s,gpus\na,66666661000,0,2\nb,10,500,1\n";
    gpuarb_trace *t = NULL;
    gpuarb_sim_config *cfg = NULL;
    gpuarb_sim_result *r = NULL;
    assert_int_equal(gpuarb_trace_parse(ctx, csv, strlen(csv), "t", GPUARB_TRACE_NATIVE, NULL, 0,
                                        &t),
                     GPUARB_OK);
    assert_int_equal(gpuarb_sim_config_default(ctx, &cfg), GPUARB_OK);
    /* (66666661000 - 0 + 400 days) / 300 s = 2.2e8 intervals */
    tu_assert_error(ctx, gpuarb_simulate(ctx, cfg, t, "threshold:up=0,idle=0", 1, &r),
                    GPUARB_ERR_LIMIT, 0, 0,
                    "make 2.22e+08 decision intervals and spot ticks, more than the limit of 1e+08");
    assert_null(r);
    /* the same jobs in a window that leaves the far one out run as before */
    gpuarb_trace *w = NULL;
    assert_int_equal(gpuarb_trace_window(ctx, t, 0, 1e6, &w), GPUARB_OK);
    assert_int_equal(gpuarb_simulate(ctx, cfg, w, "threshold:up=0,idle=0", 1, &r), GPUARB_OK);
    gpuarb_sim_summary m = {.size = sizeof m};
    assert_int_equal(gpuarb_sim_result_summary(r, &m), GPUARB_OK);
    assert_int_equal(m.jobs_done, 1);
    gpuarb_sim_result_free(r);
    gpuarb_trace_free(w);
    gpuarb_sim_config_free(cfg);
    gpuarb_trace_free(t);
}

/* fuzz/fuzz_trace_gavel.c's timeout: a 19-GPU job no threshold:up=0,idle=0
 * pool could start kept the policy buying and releasing a node at every
 * decision for the whole horizon (400 days, 115,201 decisions); each launch
 * reallocated the GPU map of every node ever launched, a copy of up to 1.8 MB
 * a launch under ASan.  The map now grows with the node array.  Under
 * `make check-asan` this test did not finish before the fix. */
static void a_pool_that_churns_nodes_finishes(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char *csv = "job_id,submit_s,duration_s,gpus\na,0,0,3\nb,12,0,4\nc,30.5,5.26,19\n";
    gpuarb_trace *t = NULL;
    gpuarb_sim_config *cfg = NULL;
    gpuarb_sim_result *r = NULL;
    assert_int_equal(gpuarb_trace_parse(ctx, csv, strlen(csv), "t", GPUARB_TRACE_NATIVE, NULL, 0,
                                        &t),
                     GPUARB_OK);
    assert_int_equal(gpuarb_sim_config_default(ctx, &cfg), GPUARB_OK);
    assert_int_equal(gpuarb_simulate(ctx, cfg, t, "threshold:up=0,idle=0", 1, &r), GPUARB_OK);
    gpuarb_sim_summary m = {.size = sizeof m};
    assert_int_equal(gpuarb_sim_result_summary(r, &m), GPUARB_OK);
    assert_int_equal(m.jobs, 3);
    assert_int_equal(m.jobs_done, 2); /* the 19-GPU job never gets 3 nodes idle at once */
    /* the run ends at the horizon: the last arrival (30.5 s) plus 400 days */
    assert_true(m.sim_hours >= 400 * 24 && m.sim_hours < 400 * 24 + 1);
    gpuarb_sim_result_free(r);
    gpuarb_sim_config_free(cfg);
    gpuarb_trace_free(t);
}

/* The work a forecast, a spot replay or a tuning does is bounded by its
 * options: horizon <= 100000, origins <= 1000, starts <= 100000, and a
 * tuning by its budget of simulations. */
static void work_options_are_bounded(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    double y[48];
    for (int i = 0; i < 48; i++)
        y[i] = i % 24;
    gpuarb_forecast_opts o;
    gpuarb_forecast_opts_init(&o);
    gpuarb_forecast_result *r = NULL;
    o.horizon = 100001;
    tu_assert_error(ctx, gpuarb_forecast_run(ctx, y, 48, &o, &r), GPUARB_ERR_ARG, 0, 0,
                    "1 to 100000 steps");
    o.horizon = 1;
    o.origins = 1001;
    tu_assert_error(ctx, gpuarb_forecast_run(ctx, y, 48, &o, &r), GPUARB_ERR_ARG, 0, 0,
                    "0 to 1000 origins");
    assert_null(r);

    gpuarb_spot_trace *t = NULL;
    assert_int_equal(gpuarb_spot_trace_load(ctx, "tests/data/spot/always.json", &t), GPUARB_OK);
    gpuarb_spot_opts so;
    gpuarb_spot_opts_init(&so);
    so.job_hours = 2;
    so.deadline_hours = 4;
    so.starts = 100001;
    gpuarb_spot_summary m = {.size = sizeof m};
    assert_int_equal(gpuarb_spot_run(ctx, t, &so, &m), GPUARB_ERR_ARG);
    gpuarb_spot_trace_free(t);

    gpuarb_sim_config *cfg = NULL;
    gpuarb_trace *tr = NULL;
    const char *csv = "job_id,submit_s,duration_s,gpus\na,0,100,1\n";
    assert_int_equal(gpuarb_sim_config_default(ctx, &cfg), GPUARB_OK);
    assert_int_equal(gpuarb_trace_parse(ctx, csv, strlen(csv), "t", GPUARB_TRACE_NATIVE, NULL, 0,
                                        &tr),
                     GPUARB_OK);
    gpuarb_tune_opts to;
    gpuarb_tune_opts_init(&to);
    to.seeds = 1000000; /* a million seeds a candidate: past a budget of 120 */
    char *best = NULL;
    const gpuarb_trace *trs[1] = {tr};
    tu_assert_error(ctx, gpuarb_tune(ctx, cfg, trs, 1, "threshold", &to, &best, NULL),
                    GPUARB_ERR_ARG, 0, 0, "does not pay for one candidate");
    assert_null(best);
    gpuarb_trace_free(tr);
    gpuarb_sim_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_TEST(trace_file_past_512_mib),
        TU_TEST(gavel_throughputs_past_16_mib),
        TU_TEST(series_file_past_256_mib),
        TU_TEST(sim_yaml_past_16_mib),
        TU_TEST(spot_trace_past_16_mib),
        TU_TEST(sim_yaml_and_spot_json_nesting),
        TU_TEST(sim_yaml_aliases),
        TU_TEST(sim_time_bounds),
        TU_TEST(sim_span_is_bounded),
        TU_TEST(a_pool_that_churns_nodes_finishes),
        TU_TEST(work_options_are_bounded),
    };
    return cmocka_run_group_tests_name("limits", tests, make_dir, remove_dir);
}
