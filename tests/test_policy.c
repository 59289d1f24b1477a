/*
 * test_policy.c - the autoscaling policies (lib/policy): their names, the
 * decisions of threshold and economic on hand-worked cases, that no policy
 * looks at the future (two traces equal up to a time give equal decisions
 * up to it), and that the tuner finds the grid's best as an exhaustive
 * enumeration written here does.  Pool: tests/data/sim/catalog.csv, 2-GPU
 * nodes at $3.60/h on demand, $0.36/h spot.  Run from the repository root.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "policy/policy.h"

#define CAT "catalog: tests/data/sim/catalog.csv\n" \
            "offer: {provider: test, instance_type: n2}\n"

static void test_names(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    ga_policy *p = NULL;
    assert_int_equal(ga_policy_parse(ctx, "threshold", &p), GPUARB_OK);
    assert_string_equal(p->name, "threshold:up=0,idle=600,spot=0");
    ga_policy_free(p);
    assert_int_equal(ga_policy_parse(ctx, "threshold:spot=1,up=2.5", &p), GPUARB_OK);
    assert_string_equal(p->name, "threshold:up=2.5,idle=600,spot=1");
    ga_policy_free(p);
    assert_int_equal(ga_policy_parse(ctx, "auto", &p), GPUARB_OK);
    assert_string_equal(p->name, GA_POLICY_AUTO);
    ga_policy_free(p);
    assert_int_equal(ga_policy_parse(ctx, "economic:patience=60", &p), GPUARB_OK);
    assert_string_equal(p->name, "economic:patience=60,idle=0,spot=0,move=0");
    ga_policy_free(p);
    assert_int_equal(ga_policy_parse(ctx, "predictive:margin=101", &p), GPUARB_ERR_ARG);
    assert_int_equal(ga_policy_parse(ctx, "threshold:spot=2", &p), GPUARB_ERR_ARG);
    assert_int_equal(ga_policy_parse(ctx, "threshold:margin=1", &p), GPUARB_ERR_ARG);
    assert_int_equal(ga_policy_parse(ctx, "threshold:up", &p), GPUARB_ERR_ARG);
    assert_int_equal(ga_policy_parse(ctx, "rl:model.bin", &p), GPUARB_ERR_UNSUPPORTED);
    assert_null(p);
}

static double wait_of(gpuarb_ctx *ctx, const gpuarb_sim_config *c, const gpuarb_trace *t,
                      const char *pol, size_t j)
{
    ga_policy *p = NULL;
    ga_sim *s = NULL;
    assert_int_equal(ga_policy_parse(ctx, pol, &p), GPUARB_OK);
    assert_int_equal(ga_sim_new(ctx, c, t, 0, &s), GPUARB_OK);
    assert_int_equal(ga_sim_run(ctx, s, ga_policy_decide, p), GPUARB_OK);
    double w = s->rj[j].wait;
    ga_sim_free(s);
    ga_policy_free(p);
    return w;
}

/* threshold up=2 on 2-GPU nodes, decisions every 300 s, no delay: 1-GPU
 * jobs at 0, 100, 200.  At 0 one GPU queues (not above 2), at 300 three
 * do: first-fit decreasing packs 3 GPUs into 2 nodes, both are bought and
 * all start at 300: waits 300, 200, 100. */
static void test_threshold(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "markets: [ondemand]\nprovisioning_delay_s: 0\n");
    gpuarb_trace *t = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\na,0,50,1\nb,100,50,1\n"
                                    "c,200,50,1\n");
    assert_float_equal(wait_of(ctx, c, t, "threshold:up=2", 0), 300, 1e-9);
    assert_float_equal(wait_of(ctx, c, t, "threshold:up=2", 1), 200, 1e-9);
    assert_float_equal(wait_of(ctx, c, t, "threshold:up=2", 2), 100, 1e-9);
    /* up=0: the first job is served at the decision at 0 */
    assert_float_equal(wait_of(ctx, c, t, "threshold:up=0", 0), 0, 0);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* economic, penalty $1.80 per GPU-hour: an on-demand node ($3.60/h) pays
 * off for 2 queued GPUs or more, a spot node ($0.36/h) for 0.2.  A lone
 * 1-GPU job on demand waits for the patience (600 s: bought at the
 * decision at 600); a 2-GPU job is served at once; on spot the 1-GPU job
 * is served at once too. */
static void test_economic(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "provisioning_delay_s: 0\n"
                                                  "wait_penalty_per_gpu_hour: 1.8\n");
    gpuarb_trace *one = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\na,0,50,1\n");
    gpuarb_trace *two = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\na,0,50,2\n");
    assert_float_equal(wait_of(ctx, c, one, "economic:patience=600,spot=0", 0), 600, 1e-9);
    assert_float_equal(wait_of(ctx, c, two, "economic:patience=600,spot=0", 0), 0, 0);
    assert_float_equal(wait_of(ctx, c, one, "economic:patience=600,spot=1", 0), 0, 0);
    gpuarb_trace_free(one);
    gpuarb_trace_free(two);
    gpuarb_sim_config_free(c);
}

/* economic with move: spot is closed for [0, 500) and open after
 * (tests/data/sim/avail_open.json), no delay, decisions every 60 s,
 * penalty $1.80 per GPU-hour (the default: $3.60 / 2 GPUs).  J (2 GPUs,
 * 5000 s) starts at 0 on an on-demand node (2 x 1.80 >= 3.60).  At 1140
 * the market has been open 640 s >= 600: a spot node is bought (up at
 * once); at 1200 J is stopped (1200 s done, 30 s to redo: 3830 s left),
 * the on-demand node goes (billed 1200 s, $1.20) and J runs on spot
 * 1200-5030 (the node billed from 1140: 3890 s, $0.389).  Without move J
 * stays on demand: $5.00. */
static void test_move(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c =
        tu_sim_config(ctx, CAT "provisioning_delay_s: 0\ndecision_interval_s: 60\nmin_billed_s: 0\n"
                               "restart_s: 30\nspot_trace: tests/data/sim/avail_open.json\n"
                               "spot_trace_start_s: 0\n");
    gpuarb_trace *t = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\nJ,0,5000,2\n");
    gpuarb_sim_result *r = NULL;
    assert_int_equal(gpuarb_simulate(ctx, c, t, "economic:spot=1,move=600", 0, &r), GPUARB_OK);
    assert_int_equal(r->moves, 1);
    assert_int_equal(r->preemptions, 0);
    assert_float_equal(r->cost, 1.589, 1e-12);
    assert_float_equal(r->sim_hours, 5030.0 / 3600, 1e-12);
    assert_float_equal(r->mean_wait_h, 0, 0);
    gpuarb_sim_result_free(r);
    assert_int_equal(gpuarb_simulate(ctx, c, t, "economic:spot=1", 0, &r), GPUARB_OK);
    assert_int_equal(r->moves, 0);
    assert_float_equal(r->cost, 5.0, 1e-12);
    gpuarb_sim_result_free(r);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
}

/* Decisions (time and action) until `until` seconds. */
static size_t decisions(gpuarb_ctx *ctx, const gpuarb_sim_config *c, const gpuarb_trace *t,
                        const char *pol, double until, double *out, size_t cap)
{
    ga_policy *p = NULL;
    ga_sim *s = NULL;
    assert_int_equal(ga_policy_parse(ctx, pol, &p), GPUARB_OK);
    assert_int_equal(ga_sim_new(ctx, c, t, 1, &s), GPUARB_OK);
    size_t n = 0;
    int r;
    while ((r = ga_sim_advance(ctx, s)) == 1 && s->t < until) {
        ga_sim_action a;
        assert_int_equal(ga_policy_decide(p, ctx, s, &a), GPUARB_OK);
        assert_true(n + 5 <= cap);
        out[n++] = s->t;
        out[n++] = a.add_od;
        out[n++] = a.add_spot;
        out[n++] = a.drop_od;
        out[n++] = a.drop_spot;
        assert_int_equal(ga_sim_apply(ctx, s, &a), GPUARB_OK);
    }
    assert_true(r >= 0);
    ga_sim_free(s);
    ga_policy_free(p);
    return n;
}

/* Two traces equal until day 3 and different after (both run on past day
 * 4; the second also has a burst of 128 GPU-hours of jobs just after day
 * 3): every policy decides the same until day 3 on both.  A policy that
 * read the trace ahead would buy earlier on the second. */
static void test_no_peeking(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "limits: {max_nodes: 32}\n");
    char *a = tu_alloc(1 << 20, 1), *b = tu_alloc(1 << 20, 1);
    size_t wa = (size_t)sprintf(a, "job_id,submit_s,duration_s,gpus\n"), wb;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 600; i++) {
        double sub = i * 600.0;
        wa += (size_t)sprintf(a + wa, "j%d,%.0f,%llu,%d\n", i, sub,
                              (unsigned long long)(300 + tu_rng_next(&x) % 7200),
                              1 + (int)(tu_rng_next(&x) % 2));
    }
    memcpy(b, a, wa + 1);
    wb = wa;
    for (int i = 0; i < 32; i++)
        wb += (size_t)sprintf(b + wb, "burst%d,%d,7200,2\n", i, 3 * 86400 + 1);
    gpuarb_trace *ta = tu_trace(ctx, a), *tb = tu_trace(ctx, b);
    const char *pols[] = {"threshold", "predictive:spot=1", "economic:spot=1,move=600", "auto"};
    size_t cap = 5 * 2000;
    double *da = tu_alloc(cap, sizeof *da), *db = tu_alloc(cap, sizeof *db);
    for (size_t k = 0; k < 4; k++) {
        size_t na = decisions(ctx, c, ta, pols[k], 3 * 86400 + 1, da, cap);
        size_t nb = decisions(ctx, c, tb, pols[k], 3 * 86400 + 1, db, cap);
        assert_int_equal(na, nb);
        assert_true(na > 5 * 800);
        assert_memory_equal(da, db, na * sizeof *da);
    }
    free(da);
    free(db);
    free(a);
    free(b);
    gpuarb_trace_free(ta);
    gpuarb_trace_free(tb);
    gpuarb_sim_config_free(c);
}

/* The tuner with a budget for the whole grid returns the candidate with
 * the least objective, as an enumeration of the documented grid here
 * finds it (threshold: up in {0,2,4,8,16,32} x idle in {0,300,900,1800,
 * 3600,7200} x spot in {0,1}, summed over two traces). */
static void test_tuner(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_sim_config *c = tu_sim_config(ctx, CAT "provisioning_delay_s: 120\n"
                                                  "spot_interruption_rate: 0.3\n");
    gpuarb_trace *t1 = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\na,0,4000,1\nb,50,300,2\n"
                                     "c,400,9000,1\nd,7000,600,1\ne,7100,100,2\n");
    gpuarb_trace *t2 = tu_trace(ctx, "job_id,submit_s,duration_s,gpus\na,0,200,2\nb,3000,3000,1\n"
                                     "c,3100,100,1\n");
    const gpuarb_trace *tr[2] = {t1, t2};
    static const double UP[] = {0, 2, 4, 8, 16, 32}, IDLE[] = {0, 300, 900, 1800, 3600, 7200};
    double best = INFINITY;
    char bestname[128] = "";
    for (int u = 0; u < 6; u++)
        for (int i = 0; i < 6; i++)
            for (int sp = 0; sp < 2; sp++) {
                char name[128];
                snprintf(name, sizeof name, "threshold:up=%g,idle=%g,spot=%d", UP[u], IDLE[i], sp);
                double sum = 0;
                for (int k = 0; k < 2; k++) {
                    gpuarb_sim_result *r = NULL;
                    assert_int_equal(gpuarb_simulate(ctx, c, tr[k], name, 0, &r), GPUARB_OK);
                    sum += r->objective;
                    gpuarb_sim_result_free(r);
                }
                if (sum < best) {
                    best = sum;
                    snprintf(bestname, sizeof bestname, "%s", name);
                }
            }
    gpuarb_tune_opts o;
    gpuarb_tune_opts_init(&o);
    o.budget = 144;
    char *got = NULL, *json = NULL;
    assert_int_equal(gpuarb_tune(ctx, c, tr, 2, "threshold", &o, &got, &json), GPUARB_OK);
    assert_string_equal(got, bestname);
    assert_non_null(strstr(json, "\"simulations\": 144"));
    gpuarb_free(got);
    gpuarb_free(json);
    /* a smaller budget runs no more simulations than it allows */
    o.budget = 21;
    assert_int_equal(gpuarb_tune(ctx, c, tr, 2, "threshold", &o, &got, &json), GPUARB_OK);
    assert_non_null(strstr(json, "\"simulations\": 20"));
    gpuarb_free(got);
    gpuarb_free(json);
    o.budget = 1;
    assert_int_equal(gpuarb_tune(ctx, c, tr, 2, "threshold", &o, &got, &json), GPUARB_ERR_ARG);
    gpuarb_trace_free(t1);
    gpuarb_trace_free(t2);
    gpuarb_sim_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_TEST(test_names),      TU_TEST(test_threshold), TU_TEST(test_economic),
        TU_TEST(test_no_peeking), TU_TEST(test_tuner),     TU_TEST(test_move),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
