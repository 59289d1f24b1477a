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

/* ---- simulate: cost by team and project ------------------------------- */

/* tests/data/sim/catalog.csv: one made-up 2-GPU node at $3.60/h on demand
 * ($0.001 a second, $0.0005 a GPU-second), $0.36/h spot. */
#define SIMCAT "catalog: tests/data/sim/catalog.csv\noffer: {provider: test, instance_type: n2}\n"
#define ONE_NODE SIMCAT "markets: [ondemand]\nprovisioning_delay_s: 100\ndecision_interval_s: 60\n" \
                 "min_billed_s: 0\nwait_penalty_per_gpu_hour: 1.8\nlimits: {max_nodes: %d}\n"

static gpuarb_sim_result *simulate(const char *yaml, const char *csv, const char *policy,
                                   uint64_t seed)
{
    gpuarb_sim_config *c = NULL;
    gpuarb_trace *t = NULL;
    gpuarb_sim_result *r = NULL;
    if (gpuarb_sim_config_parse(ctx, yaml, strlen(yaml), "sim.yaml", NULL, &c))
        fail_msg("config: %s", gpuarb_errfull(ctx));
    if (gpuarb_trace_parse(ctx, csv, strlen(csv), "t.csv", GPUARB_TRACE_NATIVE, NULL, 0, &t))
        fail_msg("trace: %s", gpuarb_errfull(ctx));
    if (gpuarb_simulate(ctx, c, t, policy, seed, &r))
        fail_msg("simulate: %s", gpuarb_errfull(ctx));
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
    return r;
}

static char *sim_json(const gpuarb_sim_result *r)
{
    char *json = NULL;
    assert_int_equal(gpuarb_sim_result_to_json(ctx, r, &json), GPUARB_OK);
    return json;
}

/* test_sim.c's hand-worked run (test_order_and_billing): one node, up at
 * t=100; a (2 GPUs, 1000 s, team ml, project llm) runs 100..1100, b (1 GPU,
 * 500 s, team infra, no project) 1100..1600; billed 1600 s = $1.60.
 *   ml:    2 GPUs x 1000 s x $0.0005 = $1.00, 2000 GPU-s = 0.555556 GPU-h
 *   infra: 1 GPU x 500 s x $0.0005   = $0.25,  500 GPU-s = 0.138889 GPU-h
 *   idle:  the 100 s start-up on 2 GPUs (200 GPU-s, $0.10) and the GPU
 *          beside b (500 GPU-s, $0.25): $0.35, 700 GPU-s = 0.194444 GPU-h
 * 1.00 + 0.25 + 0.35 = 1.60; 2000 + 500 + 700 = 3200 GPU-s paid. */
static void sim_cost_by_team_by_hand(void **state)
{
    (void)state;
    char yaml[512];
    snprintf(yaml, sizeof yaml, ONE_NODE, 1);
    gpuarb_sim_result *r = simulate(yaml,
                                    "job_id,submit_s,duration_s,gpus,team,project\n"
                                    "a,0,1000,2,ml,llm\nb,10,500,1,infra,\n",
                                    "threshold:up=0,idle=0", 0);
    gpuarb_sim_summary sum = {.size = sizeof sum};
    assert_int_equal(gpuarb_sim_result_summary(r, &sum), GPUARB_OK);
    assert_float_equal(sum.cost, 1.60, 1e-12);
    char *json = sim_json(r);
    has(json, "\"by_team\": [{\"team\": \"infra\", \"cost\": 0.25, \"gpu_hours\": 0.13888888888888");
    has(json, "\"jobs\": 1, \"idle\": false}, {\"team\": \"ml\", \"cost\": 1.0, "
              "\"gpu_hours\": 0.5555555555555");
    has(json, "\"jobs\": 1, \"idle\": false}, {\"team\": null, \"cost\": 0.35, "
              "\"gpu_hours\": 0.1944444444444");
    has(json, "\"jobs\": 0, \"idle\": true}], \"by_project\": [{\"project\": \"llm\", "
              "\"cost\": 1.0, ");
    has(json, "{\"project\": null, \"cost\": 0.25, ");
    gpuarb_free(json);
    char *table = NULL;
    assert_int_equal(gpuarb_sim_result_to_table(ctx, r, &table), GPUARB_OK);
    has(table, "\nCOST BY TEAM                                $    GPU-HOURS     JOBS\n"
               "  infra                                  0.25       0.1389        1\n"
               "  ml                                     1.00       0.5556        1\n"
               "  (idle: paid, no job)                   0.35       0.1944        0\n"
               "  total                                  1.60       0.8889        2\n");
    has(table, "  llm                                    1.00       0.5556        1\n"
               "  (none)                                 0.25       0.1389        1\n");
    has(table, "cost: 1.6\n");
    gpuarb_free(table);
    gpuarb_sim_result_free(r);
}

/* A job larger than a node holds whole nodes; a fractional job its share.
 * 3 GPUs on 2-GPU nodes: the decision at 0 buys 2 nodes, up at 100, the
 * job runs 100..1100; billed 2 x 1100 s = $2.20.  It holds 2 nodes = 4
 * GPUs: 4000 GPU-s = $2.00 (though it is busy on 3); idle $0.20, 400
 * GPU-s.  A 500-milli job of 1000 s alone: one node, billed 1100 s =
 * $1.10; it holds half a GPU: 500 GPU-s x $0.0005 = $0.25; idle $0.85. */
static void sim_cost_of_spans_and_shares(void **state)
{
    (void)state;
    char yaml[512];
    snprintf(yaml, sizeof yaml, ONE_NODE, 2);
    gpuarb_sim_result *r = simulate(yaml, "job_id,submit_s,duration_s,gpus,team\nbig,0,1000,3,x\n",
                                    "threshold:up=0,idle=0", 0);
    char *json = sim_json(r);
    has(json, "\"cost\": 2.2,");
    has(json, "\"by_team\": [{\"team\": \"x\", \"cost\": 2.0, \"gpu_hours\": 1.1111111111111");
    has(json, "{\"team\": null, \"cost\": 0.2, \"gpu_hours\": 0.1111111111111");
    gpuarb_free(json);
    gpuarb_sim_result_free(r);
    r = simulate(yaml, "job_id,submit_s,duration_s,gpus,gpu_milli,team\nf,0,1000,1,500,y\n",
                 "threshold:up=0,idle=0", 0);
    json = sim_json(r);
    has(json, "\"cost\": 1.1,");
    has(json, "\"by_team\": [{\"team\": \"y\", \"cost\": 0.25, \"gpu_hours\": 0.1388888888888");
    has(json, "{\"team\": null, \"cost\": 0.85, ");
    gpuarb_free(json);
    gpuarb_sim_result_free(r);
}

/* Sums the rows of the list after key in a simulation's JSON: their costs
 * (rounded to 6 decimals each) and GPU-hours against the totals. */
static void rows_add_up(const char *json, const char *key, const gpuarb_sim_summary *sum,
                        int want_rows)
{
    const char *p = strstr(json, key);
    assert_non_null(p);
    const char *end = strchr(p, ']');
    double cost = 0, gh = 0;
    long jobs = 0;
    int rows = 0;
    for (const char *q = p; (q = strstr(q, "\"cost\": ")) && q < end; q++, rows++) {
        cost += strtod(q + 8, NULL);
        gh += strtod(strstr(q, "\"gpu_hours\": ") + 13, NULL);
        jobs += strtol(strstr(q, "\"jobs\": ") + 8, NULL, 10);
    }
    assert_float_equal(cost, sum->cost, 1e-5);
    assert_float_equal(gh, sum->gpu_hours_paid, 1e-9 * sum->gpu_hours_paid);
    assert_int_equal(jobs, 300);
    assert_int_equal(rows, want_rows);
}

/* Over a busier run with spot preemptions (rate 2 per hour), restarts and
 * several teams, each grouping's rows add up to cost and gpu_hours_paid,
 * and a trace without labels puts every job in one unlabelled row. */
static void sim_rows_add_up(void **state)
{
    (void)state;
    const char *yaml = SIMCAT "markets: [ondemand, spot]\nprovisioning_delay_s: 120\n"
                              "decision_interval_s: 60\nspot_interruption_rate: 2\n"
                              "restart_s: 300\nlimits: {max_nodes: 6}\n";
    static const char *const teams[] = {"ml", "infra", "", "search"};
    size_t cap = 64 * 1024, n = 0;
    char *csv = tu_alloc(cap, 1), *plain = tu_alloc(cap, 1);
    size_t np = 0;
    n += (size_t)snprintf(csv + n, cap - n, "job_id,submit_s,duration_s,gpus,gpu_milli,team,project\n");
    np += (size_t)snprintf(plain + np, cap - np, "job_id,submit_s,duration_s,gpus,gpu_milli\n");
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 300; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int gpus = 1 + (int)(x % 5), milli = x % 7 == 0 ? 250 : 1000;
        if (milli < 1000)
            gpus = 1;
        double submit = i * 37.0, dur = 200 + (double)(x >> 40 & 4095);
        n += (size_t)snprintf(csv + n, cap - n, "j%d,%g,%g,%d,%d,%s,%s\n", i, submit, dur, gpus,
                              milli, teams[x >> 20 & 3], (x >> 30 & 1) ? "p1" : "");
        np += (size_t)snprintf(plain + np, cap - np, "j%d,%g,%g,%d,%d\n", i, submit, dur, gpus,
                               milli);
    }
    for (int t = 0; t < 2; t++) {
        gpuarb_sim_result *r = simulate(yaml, t ? plain : csv, "threshold:spot=1", 7);
        gpuarb_sim_summary sum = {.size = sizeof sum};
        assert_int_equal(gpuarb_sim_result_summary(r, &sum), GPUARB_OK);
        assert_true(sum.preemptions > 0); /* the spot path is exercised */
        char *json = sim_json(r);
        rows_add_up(json, "\"by_team\": [", &sum, t ? 2 : 5);      /* 3 labels + none + idle */
        rows_add_up(json, "\"by_project\": [", &sum, t ? 2 : 3);   /* p1 + none + idle */
        gpuarb_free(json);
        gpuarb_sim_result_free(r);
    }
    free(csv);
    free(plain);
}

/* The learning environment's result mid-episode counts the running job's
 * run so far.  One node bought at the first decision (t=0), up at 100;
 * a (2 GPUs, 1000 s, team ml) runs from 100.  At the decision of t=600:
 * billed 600 s = $0.60; ml held 2 GPUs x 500 s = $0.50; idle the start-up,
 * $0.10.  (Before, the run was charged only when it stopped: ml $0.) */
static void sim_env_result_mid_episode(void **state)
{
    (void)state;
    char yaml[512];
    snprintf(yaml, sizeof yaml, ONE_NODE, 1);
    const char *csv = "job_id,submit_s,duration_s,gpus,team\na,0,1000,2,ml\n";
    gpuarb_sim_config *c = NULL;
    gpuarb_trace *t = NULL;
    gpuarb_sim_env *env = NULL;
    gpuarb_sim_result *r = NULL;
    assert_int_equal(gpuarb_sim_config_parse(ctx, yaml, strlen(yaml), "sim.yaml", NULL, &c),
                     GPUARB_OK);
    assert_int_equal(gpuarb_trace_parse(ctx, csv, strlen(csv), "t.csv", GPUARB_TRACE_NATIVE, NULL,
                                        0, &t),
                     GPUARB_OK);
    assert_int_equal(gpuarb_sim_env_create(ctx, c, t, 1, &env), GPUARB_OK);
    int32_t done = 1;
    assert_int_equal(gpuarb_sim_env_reset(ctx, env, 0, NULL, &done), GPUARB_OK);
    assert_int_equal(done, 0);
    assert_int_equal(gpuarb_sim_env_step(ctx, env, GPUARB_SIM_OD_UP, NULL, NULL, &done),
                     GPUARB_OK);
    for (int i = 0; i < 9; i++)
        assert_int_equal(gpuarb_sim_env_step(ctx, env, GPUARB_SIM_HOLD, NULL, NULL, &done),
                         GPUARB_OK);
    assert_int_equal(done, 0);
    assert_int_equal(gpuarb_sim_env_result(ctx, env, &r), GPUARB_OK);
    gpuarb_sim_summary sum = {.size = sizeof sum};
    assert_int_equal(gpuarb_sim_result_summary(r, &sum), GPUARB_OK);
    assert_float_equal(sum.cost, 0.60, 1e-12);
    char *json = sim_json(r);
    has(json, "\"by_team\": [{\"team\": \"ml\", \"cost\": 0.5, ");
    has(json, "{\"team\": null, \"cost\": 0.1, ");
    gpuarb_free(json);
    gpuarb_sim_result_free(r);
    gpuarb_sim_env_free(env);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* Labels survive the CSV round trip and a window of the trace. */
static void trace_labels_round_trip(void **state)
{
    (void)state;
    const char *csv = "job_id,submit_s,duration_s,gpus,team,project\n"
                      "a,0,10,1,ml,\"llm, v2\"\nb,100,10,1,,\nc,200,10,2,infra,x\n";
    gpuarb_trace *t = NULL, *w = NULL;
    assert_int_equal(gpuarb_trace_parse(ctx, csv, strlen(csv), "t.csv", GPUARB_TRACE_NATIVE, NULL,
                                        0, &t),
                     GPUARB_OK);
    char *out = NULL;
    assert_int_equal(gpuarb_trace_to_csv(ctx, t, &out), GPUARB_OK);
    assert_string_equal(out, "job_id,submit_s,duration_s,gpus,gpu_milli,team,project\n"
                             "a,0.0,10.0,1,1000,ml,\"llm, v2\"\nb,100.0,10.0,1,1000,,\n"
                             "c,200.0,10.0,2,1000,infra,x\n");
    gpuarb_free(out);
    assert_int_equal(gpuarb_trace_window(ctx, t, 150, 300, &w), GPUARB_OK);
    assert_int_equal(gpuarb_trace_to_csv(ctx, w, &out), GPUARB_OK);
    assert_string_equal(out, "job_id,submit_s,duration_s,gpus,gpu_milli,team,project\n"
                             "c,50.0,10.0,2,1000,infra,x\n");
    gpuarb_free(out);
    gpuarb_trace_free(w);
    gpuarb_trace_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(work_reports_its_hours_and_cost),
        cmocka_unit_test(work_alone_table_line),
        cmocka_unit_test(same_zone_gang_is_named_by_zone),
        cmocka_unit_test(sim_cost_by_team_by_hand),
        cmocka_unit_test(sim_cost_of_spans_and_shares),
        cmocka_unit_test(sim_rows_add_up),
        cmocka_unit_test(sim_env_result_mid_episode),
        cmocka_unit_test(trace_labels_round_trip),
    };
    return cmocka_run_group_tests_name("attr", tests, setup, tu_teardown);
}
