/*
 * test_sim.c - the cluster simulator (lib/sim): event order, billing,
 * backfill, spot preemption, importers, configuration errors, determinism
 * and the learning environment.
 *
 * The tiny traces run on tests/data/sim/catalog.csv, one made-up offer of
 * 2 GPUs at $3.60/h on demand ($0.001 a second) and $0.36/h spot
 * ($0.0001 a second), so every figure below is worked out by hand in the
 * comment next to it.  Importer row counts on the shared data come from
 * the data's SOURCE.md (8,152 pods, 1,088 with num_gpu 0; 2,000 jobs in
 * Gavel's 11cb48.trace); those tests skip when ../shared is absent.
 * Run from the repository root (make test does).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "sim/sim.h"

#define CAT "catalog: tests/data/sim/catalog.csv\n" \
            "offer: {provider: test, instance_type: n2}\n"

/* Run a named policy, keeping the simulation for a look at the jobs. */
static ga_sim *run(gpuarb_ctx *ctx, const gpuarb_sim_config *c, const gpuarb_trace *t,
                   const char *policy, uint64_t seed, gpuarb_sim_result *res);

#include "policy/policy.h"

static ga_sim *run(gpuarb_ctx *ctx, const gpuarb_sim_config *c, const gpuarb_trace *t,
                   const char *policy, uint64_t seed, gpuarb_sim_result *res)
{
    ga_policy *p = NULL;
    ga_sim *s = NULL;
    assert_int_equal(ga_policy_parse(ctx, policy, &p), GPUARB_OK);
    assert_int_equal(ga_sim_new(ctx, c, t, seed, &s), GPUARB_OK);
    assert_int_equal(ga_sim_run(ctx, s, ga_policy_decide, p), GPUARB_OK);
    memset(res, 0, sizeof *res);
    assert_int_equal(ga_sim_result_fill(ctx, s, res), GPUARB_OK);
    ga_policy_free(p);
    return s;
}

/* ---- event order and billing ---- */

/* One on-demand node of 2 GPUs at most, 100 s to come up.
 * t=0    a (2 GPUs, 1000 s) arrives; the decision at 0 buys a node.
 * t=10   b (1 GPU, 500 s) arrives and queues.
 * t=60   the decision wants a second node; max_nodes 1 forbids it.
 * t=100  the node is up: a starts (waited 100 s); b does not fit.
 * t=1100 a ends, b starts (waited 1090 s); t=1600 b ends, the node goes.
 * Billed 1600 s x $0.001 = $1.60; paid 2 x 1600 GPU-s = 0.888... GPU-h;
 * busy 2 x 1000 + 500 = 2500 GPU-s; utilisation 2500/3200 = 0.78125;
 * waited 2 x 100 + 1 x 1090 = 1290 GPU-s = 0.358333 GPU-h; objective
 * 1.60 + 1.8 x 0.358333 = 2.245; mean wait 595 s; p95 (nearest rank of
 * two) 1090 s. */
static void test_order_and_billing(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "markets: [ondemand]\nprovisioning_delay_s: 100\n"
                                                  "decision_interval_s: 60\nmin_billed_s: 0\n"
                                                  "wait_penalty_per_gpu_hour: 1.8\n"
                                                  "limits: {max_nodes: 1}\n");
    gpuarb_trace *t = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\na,0,1000,2\nb,10,500,1\n");
    gpuarb_sim_result r;
    ga_sim *s = run(ctx, c, t, "threshold:up=0,idle=0", 0, &r);
    assert_int_equal(r.jobs_done, 2);
    assert_float_equal(s->rj[0].wait, 100, 1e-9);
    assert_float_equal(s->rj[1].wait, 1090, 1e-9);
    assert_float_equal(r.cost, 1.60, 1e-9);
    assert_float_equal(r.gpu_hours_paid, 3200.0 / 3600.0, 1e-9);
    assert_float_equal(r.gpu_hours_busy, 2500.0 / 3600.0, 1e-9);
    assert_float_equal(r.utilization, 0.78125, 1e-9);
    assert_float_equal(r.wait_gpu_hours, 1290.0 / 3600.0, 1e-9);
    assert_float_equal(r.objective, 2.245, 1e-9);
    assert_float_equal(r.mean_wait_h, 595.0 / 3600.0, 1e-9);
    assert_float_equal(r.p95_wait_h, 1090.0 / 3600.0, 1e-9);
    assert_float_equal(r.sim_hours, 1600.0 / 3600.0, 1e-9);
    ga_sim_free(s);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* Per-second billing rounds each node's time up to a whole second, with a
 * minimum: a 70.2 s job on a node that comes up at once is billed 71 s
 * ($0.071); a 10 s job is billed the 60 s minimum ($0.06). */
static void test_per_second_billing(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "markets: [ondemand]\nprovisioning_delay_s: 0\n"
                                                  "min_billed_s: 60\n");
    gpuarb_trace *t1 = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\na,0,70.2,1\n");
    gpuarb_trace *t2 = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\na,0,10,1\n");
    gpuarb_sim_result r;
    ga_sim *s = run(ctx, c, t1, "threshold", 0, &r);
    assert_float_equal(r.cost, 0.071, 1e-12);
    assert_float_equal(s->rj[0].wait, 0, 0);
    ga_sim_free(s);
    s = run(ctx, c, t2, "threshold", 0, &r);
    assert_float_equal(r.cost, 0.06, 1e-12);
    ga_sim_free(s);
    gpuarb_trace_free(t1);
    gpuarb_trace_free(t2);
    gpuarb_sim_config_free(c);
}

/* FIFO with EASY backfill on one 2-GPU node that is up at t=0:
 * A (1 GPU, 1000 s) starts at 0.  B (2 GPUs) arrives at 1 and must wait
 * for A: its reservation is t=1000.  C (1 GPU, 50 s) arrives at 2 and ends
 * by 1000, so it backfills at once.  D (1 GPU, 5000 s) arrives at 3; when
 * C ends at 52 it fits but would end past 1000 and the head needs both
 * GPUs then, so it waits.  B runs 1000-1100, D from 1100.  Waits: A 0,
 * B 999, C 0, D 1097. */
static void test_backfill(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "markets: [ondemand]\nprovisioning_delay_s: 0\n"
                                                  "limits: {max_nodes: 1}\n");
    gpuarb_trace *t = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\n"
                                    "A,0,1000,1\nB,1,100,2\nC,2,50,1\nD,3,5000,1\n");
    gpuarb_sim_result r;
    ga_sim *s = run(ctx, c, t, "threshold:up=0,idle=0", 0, &r);
    assert_int_equal(r.jobs_done, 4);
    assert_float_equal(s->rj[0].wait, 0, 1e-9);
    assert_float_equal(s->rj[1].wait, 999, 1e-9);
    assert_float_equal(s->rj[2].wait, 0, 1e-9);
    assert_float_equal(s->rj[3].wait, 1097, 1e-9);
    assert_float_equal(r.sim_hours, 6100.0 / 3600.0, 1e-9);
    ga_sim_free(s);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* Fractional pods share a GPU while their milli sum to at most 1000.  On
 * one 2-GPU node up at t=0, best fit (the GPU with the least room that
 * fits) puts p1 (500) on GPU 0, p2 (500) on GPU 0 too (it then is full),
 * p3 (500) on GPU 1; w needs a whole GPU, has none, and waits until p3
 * ends at 100. */
static void test_fractional(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "markets: [ondemand]\nprovisioning_delay_s: 0\n"
                                                  "limits: {max_nodes: 1}\n");
    gpuarb_trace *t = tu_trace(ctx, "job_id,submit_s,duration_s,gpus,gpu_milli\n"
                                    "p1,0,300,1,500\np2,0,300,1,500\np3,0,100,1,500\nw,0,10,1,\n");
    gpuarb_sim_result r;
    ga_sim *s = run(ctx, c, t, "threshold:up=0,idle=0", 0, &r);
    assert_float_equal(s->rj[0].wait, 0, 0);
    assert_float_equal(s->rj[1].wait, 0, 0);
    assert_float_equal(s->rj[2].wait, 0, 0);
    assert_float_equal(s->rj[3].wait, 100, 1e-9);
    /* busy: 3 x 0.5 GPU x (300, 300, 100) + 1 x 10 = 360 GPU-s */
    assert_float_equal(r.gpu_hours_busy, 360.0 / 3600.0, 1e-12);
    ga_sim_free(s);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* ---- spot preemption ---- */

/* Spot only, availability 1 for [0, 500), 0 for [500, 1000), 1 after
 * (tests/data/sim/avail.json from its start).  J (2 GPUs, 800 s) starts at
 * 0 on a spot node; at 500 the market empties: the node is preempted
 * (billed 500 s), J goes back with 300 s left plus the 30 s restart.  No
 * spot node can be bought until 1000; the decision at 1020 buys one, J
 * runs 1020-1350 (billed 330 s).  Cost 830 s x $0.0001 = $0.083; waited
 * 520 s; busy 2 x (500 + 330) GPU-s; one preemption. */
static void test_preemption(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c =
        tu_sim_config(ctx, CAT "markets: [spot]\nprovisioning_delay_s: 0\ndecision_interval_s: 60\n"
                               "min_billed_s: 0\nrestart_s: 30\n"
                               "spot_trace: tests/data/sim/avail.json\nspot_trace_start_s: 0\n");
    gpuarb_trace *t = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\nJ,0,800,2\n");
    gpuarb_sim_result r;
    ga_sim *s = run(ctx, c, t, "threshold:up=0,idle=0,spot=1", 0, &r);
    assert_int_equal(r.jobs_done, 1);
    assert_int_equal(r.preemptions, 1);
    assert_float_equal(r.cost, 0.083, 1e-12);
    assert_float_equal(s->rj[0].wait, 520, 1e-9);
    assert_float_equal(r.gpu_hours_busy, 2.0 * 830 / 3600.0, 1e-12);
    assert_float_equal(r.sim_hours, 1350.0 / 3600.0, 1e-12);
    ga_sim_free(s);
    /* starting 500 s into the series: unavailable for [0, 500), so J
     * starts at the decision at 540 (the first after 500) and is never
     * preempted: cost 800 s x $0.0001, wait 540 s */
    gpuarb_sim_config_free(c);
    c = tu_sim_config(ctx, CAT "markets: [spot]\nprovisioning_delay_s: 0\ndecision_interval_s: 60\n"
                               "min_billed_s: 0\nrestart_s: 30\n"
                               "spot_trace: tests/data/sim/avail.json\nspot_trace_start_s: 500\n");
    s = run(ctx, c, t, "threshold:up=0,idle=0,spot=1", 0, &r);
    assert_int_equal(r.preemptions, 0);
    assert_float_equal(r.cost, 0.08, 1e-12);
    assert_float_equal(s->rj[0].wait, 540, 1e-9);
    ga_sim_free(s);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* ---- importers ---- */

static void test_import_small(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_trace *t = NULL;
    /* openb: p1 has no GPU (skipped); p2 and p3 tie at 20 and keep file
     * order; durations deletion - creation: 60, 10, 600 */
    assert_int_equal(gpuarb_trace_load(ctx, "tests/data/sim/openb.csv", GPUARB_TRACE_OPENB, NULL,
                                       &t),
                     GPUARB_OK);
    assert_int_equal(gpuarb_trace_job_count(t), 3);
    assert_int_equal(gpuarb_trace_skipped_count(t), 1);
    assert_float_equal(t->jobs[0].dur, 60, 0);
    assert_int_equal(t->jobs[0].milli, 460);
    assert_int_equal(t->jobs[1].gpus, 8);
    assert_float_equal(t->jobs[1].dur, 10, 0);
    assert_float_equal(t->jobs[2].submit, 100, 0);
    assert_float_equal(t->jobs[2].dur, 600, 0);
    gpuarb_trace_free(t);
    /* Gavel: 1000 steps at 10/s = 100 s; on 4 GPUs (not in the table: the
     * 1-GPU figure x 4) 1000/40 = 25 s; on 16 GPUs (the 8-GPU 40/s x 2)
     * 1000/80 = 12.5 s; in arrival order 0, 12, 30.5 */
    assert_int_equal(gpuarb_trace_load(ctx, "tests/data/sim/small.trace", GPUARB_TRACE_GAVEL,
                                       "tests/data/sim/throughputs.json", &t),
                     GPUARB_OK);
    assert_int_equal(gpuarb_trace_job_count(t), 3);
    assert_float_equal(t->jobs[0].dur, 100, 1e-12);
    assert_float_equal(t->jobs[1].submit, 12, 0);
    assert_float_equal(t->jobs[1].dur, 25, 1e-12);
    assert_int_equal(t->jobs[2].gpus, 16);
    assert_float_equal(t->jobs[2].dur, 12.5, 1e-12);
    gpuarb_trace_free(t);
    /* a job type the table lacks: line 1, column 1, job_type */
    gpuarb_status st = gpuarb_trace_load(ctx, "tests/data/sim/missing.trace", GPUARB_TRACE_GAVEL,
                                         "tests/data/sim/throughputs.json", &t);
    tu_assert_error(ctx, st, GPUARB_ERR_INPUT, 1, 1, "no V100 throughput for 'A3C'");
    assert_null(t);
}

static void test_import_shared(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    char p1[1024], p2[1024], p3[1024];
    tu_shared_path(p1, sizeof p1, "alibaba_gpu_v2023_openb/openb_pod_list_default.csv");
    tu_shared_path(p2, sizeof p2, "gavel_throughputs_and_traces/traces_msr_seed0/11cb48.trace");
    tu_shared_path(p3, sizeof p3, "gavel_throughputs_and_traces/simulation_throughputs.json");
    gpuarb_trace *t = NULL;
    assert_int_equal(gpuarb_trace_load(ctx, p1, GPUARB_TRACE_OPENB, NULL, &t), GPUARB_OK);
    assert_int_equal(gpuarb_trace_job_count(t), 8152 - 1088);
    assert_int_equal(gpuarb_trace_skipped_count(t), 1088);
    gpuarb_trace_free(t);
    assert_int_equal(gpuarb_trace_load(ctx, p2, GPUARB_TRACE_GAVEL, p3, &t), GPUARB_OK);
    assert_int_equal(gpuarb_trace_job_count(t), 2000);
    gpuarb_trace_free(t);
}

/* The native CSV round trip: to_csv then parse gives the same jobs. */
static void test_csv_round_trip(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_trace *t = tu_trace(ctx, "job_id,submit_s,duration_s,gpus,gpu_milli\n"
                                    "\"x,1\",5,0.1,1,250\ny,1,3e3,4,\n");
    char *csv = NULL;
    assert_int_equal(gpuarb_trace_to_csv(ctx, t, &csv), GPUARB_OK);
    gpuarb_trace *u = tu_trace(ctx, csv);
    assert_int_equal(u->n, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_float_equal(u->jobs[i].submit, t->jobs[i].submit, 0);
        assert_float_equal(u->jobs[i].dur, t->jobs[i].dur, 0);
        assert_int_equal(u->jobs[i].gpus, t->jobs[i].gpus);
        assert_int_equal(u->jobs[i].milli, t->jobs[i].milli);
        assert_string_equal(u->ids + u->jobs[i].id_off, t->ids + t->jobs[i].id_off);
    }
    assert_string_equal(t->ids + t->jobs[1].id_off, "x,1"); /* sorted: y (1) first */
    gpuarb_free(csv);
    gpuarb_trace_free(u);
    gpuarb_trace_free(t);
}

/* ---- errors with positions ---- */

static void test_errors(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_trace *t = NULL;
    const char *bad = "job_id,submit_s,duration_s,gpus,gpu_milli\na,0,1,2,500\n";
    gpuarb_status st =
        gpuarb_trace_parse(ctx, bad, strlen(bad), "t.csv", GPUARB_TRACE_NATIVE, NULL, 0, &t);
    /* line 2, the gpu_milli field starts at column 9 */
    tu_assert_error(ctx, st, GPUARB_ERR_INPUT, 2, 9, "fractional share");
    const char *neg = "job_id,submit_s,duration_s,gpus\na,-1,1,2\n";
    st = gpuarb_trace_parse(ctx, neg, strlen(neg), "t.csv", GPUARB_TRACE_NATIVE, NULL, 0, &t);
    tu_assert_error(ctx, st, GPUARB_ERR_INPUT, 2, 3, "");
    assert_string_equal(gpuarb_errpath(ctx), "submit_s");

    gpuarb_sim_config *c = NULL;
    const char *y1 = CAT "provisioning_delay_s: -5\n";
    st = gpuarb_sim_config_parse(ctx, y1, strlen(y1), "sim.yaml", NULL, &c);
    tu_assert_error(ctx, st, GPUARB_ERR_INPUT, 3, 23, "");
    assert_string_equal(gpuarb_errpath(ctx), "provisioning_delay_s");
    const char *y2 = CAT "limits: {max_nodez: 3}\n";
    st = gpuarb_sim_config_parse(ctx, y2, strlen(y2), "sim.yaml", NULL, &c);
    tu_assert_error(ctx, st, GPUARB_ERR_INPUT, 3, 10, "max_nodes");
    const char *y3 = "catalog: tests/data/sim/catalog.csv\noffer: {provider: nope}\n";
    st = gpuarb_sim_config_parse(ctx, y3, strlen(y3), "sim.yaml", NULL, &c);
    tu_assert_error(ctx, st, GPUARB_ERR_INPUT, 2, 8, "no offer");
    assert_null(c);

    gpuarb_sim_config *ok = tu_sim_config(ctx, CAT);
    gpuarb_trace *tr = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\na,0,1,1\n");
    gpuarb_sim_result *res = NULL;
    st = gpuarb_simulate(ctx, ok, tr, "thresold", 0, &res);
    tu_assert_error(ctx, st, GPUARB_ERR_ARG, 0, 0, "unknown policy");
    st = gpuarb_simulate(ctx, ok, tr, "threshold:up=x", 0, &res);
    tu_assert_error(ctx, st, GPUARB_ERR_ARG, 0, 0, "not a number");
    assert_null(res);
    gpuarb_trace_free(tr);
    gpuarb_sim_config_free(ok);
}

/* ---- determinism and the environment ---- */

static char *sim_json(gpuarb_ctx *ctx, const gpuarb_sim_config *c, const gpuarb_trace *t,
                      const char *policy, uint64_t seed)
{
    gpuarb_sim_result *res = NULL;
    char *js = NULL;
    assert_int_equal(gpuarb_simulate(ctx, c, t, policy, seed, &res), GPUARB_OK);
    assert_int_equal(gpuarb_sim_result_to_json(ctx, res, &js), GPUARB_OK);
    gpuarb_sim_result_free(res);
    return js;
}

/* A synthetic trace from a fixed generator (its own xorshift). */
static gpuarb_trace *synthetic(gpuarb_ctx *ctx, int n)
{
    char *buf = tu_alloc((size_t)n * 64 + 64, 1);
    size_t w = (size_t)sprintf(buf, "job_id,submit_s,duration_s,gpus\n");
    uint64_t x = 88172645463325252ull;
    double t = 0;
    for (int i = 0; i < n; i++) {
        t += (double)(tu_rng_next(&x) % 600);
        int g = 1 << (tu_rng_next(&x) % 3);
        w += (size_t)sprintf(buf + w, "j%d,%.0f,%llu,%d\n", i, t,
                             (unsigned long long)(60 + tu_rng_next(&x) % 20000), g);
    }
    gpuarb_trace *tr = tu_trace(ctx, buf);
    free(buf);
    return tr;
}

static void test_determinism(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "spot_interruption_rate: 0.5\n");
    gpuarb_trace *t = synthetic(ctx, 2000);
    const char *pols[] = {"threshold:spot=1", "predictive:spot=1", "auto"};
    for (size_t k = 0; k < 3; k++) {
        char *a = sim_json(ctx, c, t, pols[k], 7), *b = sim_json(ctx, c, t, pols[k], 7);
        assert_string_equal(a, b);
        /* Poisson interruptions follow the seed */
        char *d = sim_json(ctx, c, t, pols[k], 8);
        assert_string_not_equal(a, d);
        gpuarb_free(a);
        gpuarb_free(b);
        gpuarb_free(d);
    }
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* A fixed rule over the observation: buy on-demand while GPUs queue, give
 * back when some are idle, hold otherwise. */
static int32_t rule(void *arg, const double *obs, int32_t n)
{
    (void)arg;
    assert_int_equal(n, GPUARB_SIM_OBS);
    for (int32_t i = 0; i < n; i++)
        assert_true(obs[i] >= 0 && obs[i] <= 1);
    if (obs[0] > 0 && obs[5] == 0)
        return GPUARB_SIM_OD_UP;
    if (obs[11] > 0)
        return GPUARB_SIM_OD_DOWN;
    return GPUARB_SIM_HOLD;
}

/* The environment's rewards sum to minus the objective, and stepping it
 * with a rule gives the same run as gpuarb_simulate_fn with that rule. */
static void test_env(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "markets: [ondemand]\n");
    gpuarb_trace *t = synthetic(ctx, 300);
    gpuarb_sim_env *env = NULL;
    assert_int_equal(gpuarb_sim_env_create(ctx, c, t, 2, &env), GPUARB_OK);
    double obs[GPUARB_SIM_OBS], rew, sum = 0;
    int32_t done = 0;
    int64_t steps = 0;
    assert_int_equal(gpuarb_sim_env_reset(ctx, env, 3, obs, &done), GPUARB_OK);
    while (!done) {
        int32_t a = rule(NULL, obs, GPUARB_SIM_OBS);
        assert_int_equal(gpuarb_sim_env_step(ctx, env, a, obs, &rew, &done), GPUARB_OK);
        assert_true(rew <= 1e-9);
        sum += rew;
        steps++;
    }
    gpuarb_sim_result *er = NULL, *fr = NULL;
    assert_int_equal(gpuarb_sim_env_result(ctx, env, &er), GPUARB_OK);
    assert_int_equal(gpuarb_simulate_fn(ctx, c, t, "rule", rule, NULL, 2, 3, &fr), GPUARB_OK);
    assert_int_equal(er->jobs_done, 300);
    assert_float_equal(-sum, er->objective, 1e-6 * er->objective);
    assert_float_equal(er->objective, fr->objective, 1e-9 * fr->objective);
    assert_int_equal(er->decisions, steps);
    assert_int_equal(fr->decisions, steps);
    gpuarb_sim_result_free(er);
    gpuarb_sim_result_free(fr);
    gpuarb_sim_env_free(env);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

static int32_t hold(void *arg, const double *obs, int32_t n)
{
    (void)arg, (void)obs, (void)n;
    return GPUARB_SIM_HOLD;
}

/* A job larger than the pool can ever be never runs and does not stall
 * the others; a pool that can never be bought ends as stalled. */
static void test_unschedulable(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "markets: [ondemand]\nprovisioning_delay_s: 0\n"
                                                  "limits: {max_nodes: 2}\n");
    gpuarb_trace *t = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\nbig,0,10,5\nsmall,1,10,1\n");
    gpuarb_sim_result r;
    ga_sim *s = run(ctx, c, t, "threshold", 0, &r);
    assert_int_equal(r.jobs_done, 1);
    assert_int_equal(r.jobs_never, 1);
    assert_int_equal(r.stalled, 0);
    ga_sim_free(s);
    /* a policy that never buys: with no arrivals to come, nothing running
     * and no spot series to reopen a market, the run ends as stalled one
     * day after the first such decision: small arrives at 1 s, so that is
     * the decision at 300 s (the queue is empty at 0), and the run ends at
     * 86,700 s with small waiting 86,699 s (big is unschedulable) */
    gpuarb_sim_result *res = NULL;
    assert_int_equal(gpuarb_simulate_fn(ctx, c, t, "hold", hold, NULL, 1, 0, &res), GPUARB_OK);
    assert_int_equal(res->stalled, 1);
    assert_int_equal(res->jobs_done, 0);
    assert_float_equal(res->sim_hours, 86700.0 / 3600, 1e-12);
    assert_float_equal(res->mean_wait_h, 86699.0 / 3600, 1e-12);
    gpuarb_sim_result_free(res);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_TEST(test_order_and_billing), TU_TEST(test_per_second_billing),
        TU_TEST(test_backfill),          TU_TEST(test_fractional),
        TU_TEST(test_preemption),        TU_TEST(test_import_small),
        TU_TEST(test_import_shared),     TU_TEST(test_csv_round_trip),
        TU_TEST(test_errors),            TU_TEST(test_determinism),
        TU_TEST(test_env),               TU_TEST(test_unschedulable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
