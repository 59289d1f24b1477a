/*
 * test_rl.c - the RL autoscaling policy (lib/policy/rl.c): the shipped
 * model's decisions against a direct ga_net_act on the same observation,
 * forced models against outcomes worked by hand, bad model files, and the
 * determinism of train -> save -> load -> simulate.
 *
 * The hand-worked runs use test_sim.c's made-up offer (2 GPUs, $3.60/h on
 * demand), delay 100 s, decisions every 60 s, wait penalty $1.8 per
 * GPU-hour, and two jobs: a (2 GPUs, 1000 s) at 0 and b (1 GPU, 500 s) at
 * 10.  Run from the repository root (make test does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "policy/rl.h"

/* the shipped model's bytes, as the library has them */
#include "policy/rl_model.inc"

#define CAT "catalog: tests/data/sim/catalog.csv\n" \
            "offer: {provider: test, instance_type: n2}\n"
#define HAND CAT "markets: [ondemand]\nprovisioning_delay_s: 100\n" \
                 "decision_interval_s: 60\nmin_billed_s: 0\nwait_penalty_per_gpu_hour: 1.8\n"
#define TWO "job_id,submit_s,duration_s,gpus\na,0,1000,2\nb,10,500,1\n"

/* A generated trace: n jobs, Poisson arrivals 200 s apart, 1-8 GPUs. */
static gpuarb_trace *generated(gpuarb_ctx *ctx, int n, uint64_t seed)
{
    size_t cap = (size_t)n * 48 + 64, w = 0;
    char *buf = tu_alloc(cap, 1);
    w += (size_t)snprintf(buf, cap, "job_id,submit_s,duration_s,gpus\n");
    double t = 0;
    static const int G[] = {1, 1, 2, 4, 8};
    for (int i = 0; i < n; i++) {
        t += (double)(tu_rng_next(&seed) % 400);
        double d = 60.0 + (double)(tu_rng_next(&seed) % 20000);
        w += (size_t)snprintf(buf + w, cap - w, "j%d,%.0f,%.0f,%d\n", i, t, d,
                              G[tu_rng_next(&seed) % 5]);
    }
    gpuarb_trace *tr = NULL;
    assert_int_equal(gpuarb_trace_parse(ctx, buf, w, "gen.csv", GPUARB_TRACE_NATIVE, NULL, 0,
                                        &tr),
                     GPUARB_OK);
    free(buf);
    return tr;
}

static void tmpname(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

/* A model whose every decision is action a (weights to the policy head 0,
 * its bias 10 on a), saved to path. */
static void forced(gpuarb_ctx *ctx, int32_t obs, int32_t nact, int32_t a, const char *path)
{
    ga_net *net = NULL;
    assert_int_equal(ga_net_create(ctx, obs, 8, nact, 1, &net), GPUARB_OK);
    memset(net->wp, 0, (size_t)nact * 8 * sizeof *net->wp);
    memset(net->bp, 0, (size_t)nact * sizeof *net->bp);
    net->bp[a] = 10;
    assert_int_equal(ga_net_save(ctx, net, path), GPUARB_OK);
    ga_net_free(net);
}

static gpuarb_sim_result *sim(gpuarb_ctx *ctx, const gpuarb_sim_config *c,
                              const gpuarb_trace *t, const char *policy, uint64_t seed,
                              gpuarb_sim_summary *m)
{
    gpuarb_sim_result *r = NULL;
    gpuarb_status st = gpuarb_simulate(ctx, c, t, policy, seed, &r);
    if (st)
        fprintf(stderr, "simulate %s: %s\n", policy, gpuarb_errfull(ctx));
    assert_int_equal(st, GPUARB_OK);
    m->size = sizeof *m;
    assert_int_equal(gpuarb_sim_result_summary(r, m), GPUARB_OK);
    return r;
}

/* Residual actions, worked by hand on TWO with at most 1 node (a) or 2 (b):
 * auto (economic, on demand only here) buys at t=0 because a's 2 GPUs x
 * $1.8 = $3.6 an hour pays the node's $3.6; the node is up at 100, a runs
 * 100-1100 on both GPUs, and b (whose 1 GPU x 1.8 never pays a second
 * node, and the limit is 1) starts at 1100 and ends at 1600, when auto
 * gives the idle node back.  Cost 1600 s x $0.001
 * = $1.60, waits 100 x 2 + 1090 x 1 GPU-s, objective 1.60 + 1.8 x 1290 /
 * 3600 = 2.245 (test_sim.c works the same schedule for threshold).
 * (a) "follow auto" gives exactly that; "wait" never buys: nothing runs and
 * nothing is paid.  (b) "one node more" buys 2 at t=0: a and b start at
 * 100, waits 100 and 90 s. */
static void test_residual_by_hand(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c1 = tu_sim_config(ctx, HAND "limits: {max_nodes: 1}\n");
    gpuarb_sim_config *c2 = tu_sim_config(ctx, HAND "limits: {max_nodes: 2}\n");
    gpuarb_trace *t = tu_trace(ctx, TWO);
    char path[] = "/tmp/gpuarb-test-rl-XXXXXX", pol[64];
    tmpname(path);
    snprintf(pol, sizeof pol, "rl:%s", path);
    gpuarb_sim_summary m;
    gpuarb_sim_result *r;

    forced(ctx, GA_RL_OBS, GA_RL_ACTIONS, 0, path);
    r = sim(ctx, c1, t, pol, 0, &m);
    assert_int_equal(m.jobs_done, 2);
    assert_float_equal(m.cost, 1.60, 1e-9);
    assert_float_equal(m.wait_gpu_hours, 1290.0 / 3600.0, 1e-9);
    assert_float_equal(m.objective, 2.245, 1e-9);
    gpuarb_sim_result_free(r);

    forced(ctx, GA_RL_OBS, GA_RL_ACTIONS, 1, path);
    r = sim(ctx, c1, t, pol, 0, &m);
    assert_int_equal(m.jobs_done, 0);
    assert_float_equal(m.cost, 0, 0);
    assert_float_equal(m.gpu_hours_paid, 0, 0);
    gpuarb_sim_result_free(r);

    forced(ctx, GA_RL_OBS, GA_RL_ACTIONS, 2, path);
    r = sim(ctx, c2, t, pol, 0, &m);
    assert_int_equal(m.jobs_done, 2);
    assert_float_equal(m.wait_gpu_hours, (2 * 100.0 + 90.0) / 3600.0, 1e-9);
    assert_float_equal(m.mean_wait_h, 95.0 / 3600.0, 1e-9);
    gpuarb_sim_result_free(r);

    unlink(path);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c1);
    gpuarb_sim_config_free(c2);
}

/* A plain model (the environment's actions): always OD_UP buys a node at
 * t=0 as threshold does, so a waits 100 s and b 1090 s (the schedule
 * above); always HOLD buys nothing, runs nothing, pays nothing. */
static void test_plain_by_hand(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, HAND "limits: {max_nodes: 1}\n");
    gpuarb_trace *t = tu_trace(ctx, TWO);
    char path[] = "/tmp/gpuarb-test-rl-XXXXXX", pol[64];
    tmpname(path);
    snprintf(pol, sizeof pol, "rl:%s", path);
    gpuarb_sim_summary m;
    forced(ctx, GA_RL_PLAIN_OBS, GA_RL_PLAIN_ACTIONS, GPUARB_SIM_OD_UP, path);
    gpuarb_sim_result *r = sim(ctx, c, t, pol, 0, &m);
    assert_int_equal(m.jobs_done, 2);
    assert_float_equal(m.wait_gpu_hours, 1290.0 / 3600.0, 1e-9);
    assert_float_equal(m.mean_wait_h, 595.0 / 3600.0, 1e-9);
    gpuarb_sim_result_free(r);
    forced(ctx, GA_RL_PLAIN_OBS, GA_RL_PLAIN_ACTIONS, GPUARB_SIM_HOLD, path);
    r = sim(ctx, c, t, pol, 0, &m);
    assert_int_equal(m.jobs_done, 0);
    assert_float_equal(m.cost, 0, 0);
    gpuarb_sim_result_free(r);
    unlink(path);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* The shipped model ("rl") decides, at every decision of a run, what a
 * network loaded separately from the same bytes decides by ga_net_act on
 * the observation (the environment's 12 values and auto's purchases),
 * applied to auto's action; and the whole run equals gpuarb_simulate's. */
static void test_shipped_matches_direct(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = NULL;
    assert_int_equal(gpuarb_sim_config_default(ctx, &c), GPUARB_OK);
    gpuarb_trace *t = generated(ctx, 300, 7);
    ga_net *direct = NULL;
    assert_int_equal(ga_net_from_bytes(ctx, GA_RL_MODEL, sizeof GA_RL_MODEL, "test", &direct),
                     GPUARB_OK);
    assert_int_equal(direct->obs_dim, GA_RL_OBS);
    assert_int_equal(direct->n_actions, GA_RL_ACTIONS);
    ga_rl_policy *p = NULL;
    assert_int_equal(ga_rl_policy_open(ctx, "rl", &p), GPUARB_OK);
    ga_policy *base = NULL;
    assert_int_equal(ga_policy_parse(ctx, "auto", &base), GPUARB_OK);
    ga_sim *s = NULL;
    assert_int_equal(ga_sim_new(ctx, c, t, 3, &s), GPUARB_OK);
    int64_t n = 0;
    int r;
    while ((r = ga_sim_advance(ctx, s)) == 1) {
        ga_sim_action got, want;
        double obs[GA_RL_OBS];
        assert_int_equal(ga_rl_decide(p, ctx, s, &got), GPUARB_OK);
        assert_int_equal(ga_policy_decide(base, ctx, s, &want), GPUARB_OK);
        ga_sim_observe(s, obs);
        obs[12] = (double)(want.add_od + want.add_spot) / (double)c->max_nodes;
        ga_rl_residual(ga_net_act(direct, obs), s, &want);
        assert_memory_equal(&got, &want, sizeof got);
        assert_int_equal(ga_sim_apply(ctx, s, &got), GPUARB_OK);
        n++;
    }
    assert_int_equal(r, 0);
    assert_true(n > 100);
    gpuarb_sim_result mine;
    memset(&mine, 0, sizeof mine);
    assert_int_equal(ga_sim_result_fill(ctx, s, &mine), GPUARB_OK);
    gpuarb_sim_summary m;
    gpuarb_sim_result *res = sim(ctx, c, t, "rl", 3, &m);
    assert_true(m.objective == mine.objective && m.cost == mine.cost);
    assert_int_equal(m.jobs_done, mine.jobs_done);
    gpuarb_sim_result_free(res);
    ga_sim_free(s);
    ga_policy_free(base);
    ga_rl_policy_free(p);
    ga_net_free(direct);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* Bad models: a missing file, a truncated one, a spot model (12
 * observations, 4 actions), and "rl:" with no file are clear errors. */
static void test_bad_model(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, HAND "limits: {max_nodes: 1}\n");
    gpuarb_trace *t = tu_trace(ctx, TWO);
    gpuarb_sim_result *r = NULL;
    char path[] = "/tmp/gpuarb-test-rl-XXXXXX", pol[64];
    tmpname(path);
    snprintf(pol, sizeof pol, "rl:%s", path);

    gpuarb_status st = gpuarb_simulate(ctx, c, t, "rl:/nonexistent/model.bin", 0, &r);
    assert_int_equal(st, GPUARB_ERR_IO);
    assert_null(r);

    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(GA_RL_MODEL, 1, sizeof GA_RL_MODEL / 2, f), sizeof GA_RL_MODEL / 2);
    fclose(f);
    st = gpuarb_simulate(ctx, c, t, pol, 0, &r);
    assert_int_equal(st, GPUARB_ERR_INPUT);
    assert_null(r);

    forced(ctx, 12, 4, 0, path);
    st = gpuarb_simulate(ctx, c, t, pol, 0, &r);
    assert_int_equal(st, GPUARB_ERR_INPUT);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "not an autoscaling policy"));
    assert_null(r);

    st = gpuarb_simulate(ctx, c, t, "rl:", 0, &r);
    assert_int_equal(st, GPUARB_ERR_ARG);
    unlink(path);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* train -> save -> load -> simulate is deterministic: the same seed writes
 * the same bytes and the model simulates the same; another seed writes
 * another model. */
static void test_train_deterministic(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = NULL;
    assert_int_equal(gpuarb_sim_config_default(ctx, &c), GPUARB_OK);
    gpuarb_trace *tr[2] = {generated(ctx, 150, 11), generated(ctx, 150, 12)};
    char p1[] = "/tmp/gpuarb-test-rl-XXXXXX", p2[] = "/tmp/gpuarb-test-rl-XXXXXX",
         p3[] = "/tmp/gpuarb-test-rl-XXXXXX";
    tmpname(p1);
    tmpname(p2);
    tmpname(p3);
    gpuarb_rl_train_opts o;
    gpuarb_rl_train_opts_init(&o);
    o.steps = 3000;
    o.hidden = 8;
    o.seed = 5;
    gpuarb_rl_train_stats ts;
    memset(&ts, 0, sizeof ts);
    ts.size = sizeof ts;
    assert_int_equal(gpuarb_rl_train(ctx, c, (const gpuarb_trace *const *)tr, 2, &o, p1, &ts),
                     GPUARB_OK);
    assert_true(ts.decisions >= 3000);
    assert_true(ts.episodes >= 1);
    assert_int_equal(gpuarb_rl_train(ctx, c, (const gpuarb_trace *const *)tr, 2, &o, p2, NULL),
                     GPUARB_OK);
    o.seed = 6;
    assert_int_equal(gpuarb_rl_train(ctx, c, (const gpuarb_trace *const *)tr, 2, &o, p3, NULL),
                     GPUARB_OK);
    size_t n1, n2, n3;
    char *b1 = tu_slurp(p1, &n1), *b2 = tu_slurp(p2, &n2), *b3 = tu_slurp(p3, &n3);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    assert_true(n1 != n3 || memcmp(b1, b3, n1) != 0);
    char pol1[64], pol2[64];
    snprintf(pol1, sizeof pol1, "rl:%s", p1);
    snprintf(pol2, sizeof pol2, "rl:%s", p2);
    gpuarb_sim_summary m1, m2;
    gpuarb_sim_result *r1 = sim(ctx, c, tr[0], pol1, 9, &m1);
    gpuarb_sim_result *r2 = sim(ctx, c, tr[0], pol2, 9, &m2);
    assert_true(m1.objective == m2.objective && m1.cost == m2.cost);
    assert_int_equal(m1.events, m2.events);
    gpuarb_sim_result_free(r1);
    gpuarb_sim_result_free(r2);
    /* bad options are refused */
    o.steps = 0;
    assert_int_equal(gpuarb_rl_train(ctx, c, (const gpuarb_trace *const *)tr, 2, &o, p1, NULL),
                     GPUARB_ERR_ARG);
    free(b1);
    free(b2);
    free(b3);
    unlink(p1);
    unlink(p2);
    unlink(p3);
    gpuarb_trace_free(tr[0]);
    gpuarb_trace_free(tr[1]);
    gpuarb_sim_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_residual_by_hand),
        cmocka_unit_test(test_plain_by_hand),
        cmocka_unit_test(test_shipped_matches_direct),
        cmocka_unit_test(test_bad_model),
        cmocka_unit_test(test_train_deterministic),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
