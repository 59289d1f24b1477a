/*
 * test_spot.c - the spot replay (lib/spot): Uniform Progress and greedy
 * decisions tick by tick on hand-made availability sequences, worked out by
 * hand from the paper's rules (Wu et al., NSDI'24, sections 3.3-5.2); the
 * dynamic-programming optimum against a brute force over every decision
 * sequence of tiny traces; the trace reader's errors; determinism.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "spot/spot.h"
#include "spot/spot_rl.h"
#include "learn/learn.h"
#include <unistd.h>

enum { I = GA_SPOT_IDLE, S = GA_SPOT_SPOT, O = GA_SPOT_OD };

static ga_spot_trace make_trace(const uint8_t *a, size_t n, double gap)
{
    ga_spot_trace t;
    t.gap_s = gap;
    t.n = n;
    t.avail = tu_alloc(n, 1);
    t.prefix = tu_alloc(n + 1, sizeof *t.prefix);
    memcpy(t.avail, a, n);
    for (size_t i = 0; i < n; i++)
        t.prefix[i + 1] = t.prefix[i] + a[i];
    return t;
}

static void free_trace(ga_spot_trace *t)
{
    free(t->avail);
    free(t->prefix);
}

/* Replay rule kind on trace a and compare each tick's decision with want. */
static void check_decisions(int kind, const uint8_t *a, size_t n, const int *want, size_t nw,
                            double cost, double spot_s, double od_s)
{
    ga_spot_trace t = make_trace(a, n, 600);
    /* C(0) = 1 h, R(0) = 2 h, d = 0.2 h = 720 s, k = 3: ep(t) = t / 2, the
     * Safety Net fires when R(t) < C(t) + 1440 s */
    ga_spot_job job = {3600, 7200, 720, 3};
    ga_spot_rule p;
    ga_spot_rule_init(&p, kind);
    ga_spot_sim s;
    ga_spot_sim_init(&s, &t, &job, 0);
    ga_spot_obs o;
    size_t k = 0;
    while (!s.done) {
        ga_spot_sim_observe(&s, &o);
        int d = ga_spot_rule_decide(&p, &o);
        if (k >= nw || d != want[k]) {
            printf("tick %zu (t = %g s): decided %d, the rules say %d\n", k, o.t, d,
                   k < nw ? want[k] : -1);
            fail();
        }
        ga_spot_sim_step(&s, d);
        k++;
    }
    assert_int_equal(k, nw);
    assert_true(fabs(s.cost - cost) < 1e-9);
    assert_true(fabs(s.spot_s - spot_s) < 1e-9 && fabs(s.od_s - od_s) < 1e-9);
    assert_true(s.finish_s <= job.deadline_s);
    free_trace(&t);
}

/* Ticks of 600 s.  t=0: idle, cp 0 = ep 0: stay idle.  t=600: cp 0 < ep 300:
 * on-demand (Uniform Progress; 720 s changeover, 120 s left).  t=1200: spot
 * is available but cp 0 < ep(t + 2d) = 1320: stay (Hysteresis); 480 s of
 * progress.  t=1800..3600: cp 480, 1080, 1680, 2280, 2880 against ep(t+2d)
 * 1620, 1920, 2220, 2520: stay.  t=4200: cp 2880 >= ep(5640) = 2820, R 3000 >=
 * C 720 + 1440, spot available: move to spot (Taking Risks; 600 s of its
 * changeover).  t=4800: stay on spot (Exploitation): 120 s changeover, 480 s
 * progress, cp 3360.  t=5400: preempted; idle, R 1800 >= C 240 + 1440 and cp
 * 3360 >= ep 2700: stay idle.  t=6000: R 1200 < 240 + 1440: on-demand to
 * the end (Safety Net); 600 s changeover.  t=6600: 120 s changeover and the
 * last 240 s: done at 6960 s, before 7200.
 * Cost: on-demand 3600 + 960 s at 3, spot 1200 s at 1: 4.1333 spot-hours. */
static void uniform_progress_step_by_step(void **state)
{
    (void)state;
    static const uint8_t a[] = {0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
    static const int want[] = {I, O, O, O, O, O, O, S, S, I, O, O};
    check_decisions(GA_SPOT_POL_UP, a, sizeof a, want, 12,
                    (3600 + 960) * 3 / 3600.0 + 1200 / 3600.0, 480, 3120);
}

/* Without the spot at t=4200 the job leaves on-demand for idle once cp 2880
 * >= ep(5640) = 2820 (t=4200), stays idle at t=4800 (R 2400 >= 720 + 1440,
 * cp 2880 >= ep 2400), and the Safety Net fires at t=5400 (R 1800 < 2160):
 * 720 s changeover, then 720 s of work, done at 6840 s. */
static void uniform_progress_leaves_on_demand_for_idle(void **state)
{
    (void)state;
    static const uint8_t a[] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const int want[] = {I, O, O, O, O, O, O, I, I, O, O, O};
    check_decisions(GA_SPOT_POL_UP, a, sizeof a, want, 12, (3600 + 1440) * 3 / 3600.0, 0,
                    3600);
}

/* Greedy: idle until spot (t=1200), preempted at t=1800 (R 5400 >= 3600 +
 * 1440: wait), Safety Net at t=2400 (R 4800 < 5040): on-demand to the end,
 * done at 2400 + 720 + 3600 = 6720 s.  Cost 600 s of spot, 4320 s at 3. */
static void greedy_step_by_step(void **state)
{
    (void)state;
    static const uint8_t a[] = {0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
    static const int want[] = {I, I, S, I, O, O, O, O, O, O, O, O};
    check_decisions(GA_SPOT_POL_GREEDY, a, sizeof a, want, 12, 600 / 3600.0 + 4320 * 3 / 3600.0,
                    0, 3600);
}

/* ---- the optimum against a brute force ---- */

/* The cost of one decision sequence, in seconds of spot price, or INFINITY
 * when it does not finish by the deadline (written from the model in
 * spot.h, independently of spot.c). */
static double brute_cost(const uint8_t *a, int64_t g, int64_t d, int64_t C, int64_t R, double k,
                         const int *ch, int K)
{
    int cur = I;
    int64_t delay = 0, rem = C;
    double cost = 0;
    for (int j = 0; j < K; j++) {
        if (cur == S && !a[j])
            cur = I;
        int c = ch[j];
        if (c == S && !a[j])
            return INFINITY;
        if (c != cur) {
            delay = c == I ? 0 : d;
            cur = c;
        }
        if (cur == I)
            continue;
        int64_t L = R - j * g < g ? R - j * g : g;
        int64_t use = delay < L ? delay : L;
        delay -= use;
        int64_t prog = L - use < rem ? L - use : rem;
        rem -= prog;
        cost += (cur == O ? k : 1) * (double)(rem > 0 ? L : use + prog);
        if (rem == 0)
            return cost;
    }
    return INFINITY;
}

static double brute_optimum(const uint8_t *a, int64_t g, int64_t d, int64_t C, int64_t R,
                            double k)
{
    int K = (int)((R + g - 1) / g), ch[16];
    long total = 1;
    for (int j = 0; j < K; j++)
        total *= 3;
    double best = INFINITY;
    for (long code = 0; code < total; code++) {
        long c = code;
        for (int j = 0; j < K; j++, c /= 3)
            ch[j] = (int)(c % 3);
        double v = brute_cost(a, g, d, C, R, k, ch, K);
        if (v < best)
            best = v;
    }
    return best;
}

static void optimum_matches_brute_force(void **state)
{
    (void)state;
    static const struct {
        int64_t g, d, C, R;
    } cases[] = {
        {600, 720, 1800, 3600},  /* Table 3's tick and delay, 6 ticks */
        {600, 720, 2400, 4200},  /* 7 ticks */
        {195, 720, 780, 1560},   /* the 2023 tick: units of 15 s */
        {600, 0, 1800, 3000},    /* no changeover */
        {300, 900, 1200, 2400},  /* a delay of three ticks */
    };
    uint64_t rs = 20240416;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int rep = 0; rep < 12; rep++) {
            uint8_t a[16];
            for (int j = 0; j < 16; j++)
                a[j] = (uint8_t)(tu_rng_next(&rs) % 3 != 0);
            ga_spot_trace t = make_trace(a, 16, (double)cases[c].g);
            ga_spot_job job = {(double)cases[c].C, (double)cases[c].R, (double)cases[c].d,
                               3.14};
            double cost, spot;
            int r = ga_spot_optimum(&t, &job, 0, &cost, &spot);
            if (r != 1)
                printf("case %zu rep %d: optimum returned %d\n", c, rep, r);
            assert_int_equal(r, 1);
            double want = brute_optimum(a, cases[c].g, cases[c].d, cases[c].C, cases[c].R,
                                        3.14) / 3600.0;
            if (fabs(cost - want) > 1e-9) {
                printf("case %zu rep %d: optimum %.12g, brute force %.12g\n", c, rep, cost,
                       want);
                fail();
            }
            /* no online policy beats it, and every one meets the deadline */
            for (int kind = GA_SPOT_POL_ONDEMAND; kind <= GA_SPOT_POL_AUTO; kind++) {
                if (kind == GA_SPOT_POL_OMNISCIENT)
                    continue;
                ga_spot_rule p;
                ga_spot_rule_init(&p, kind);
                ga_spot_sim s;
                ga_spot_replay(&s, &t, &job, 0, &p);
                assert_true(s.cost >= cost - 1e-9);
                if (cases[c].g <= cases[c].d || cases[c].d == 0)
                    assert_true(s.finish_s <= job.deadline_s);
            }
            free_trace(&t);
        }
}

/* ---- the public API ---- */

static void trace_errors_name_the_place(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text;
        int32_t line, col;
        const char *msg;
    } cases[] = {
        {"{\"metadata\": {\"gap_seconds\": 600},\n \"data\": [1, 0, \"x\"]}", 2, 17, "number"},
        {"{\"metadata\": {\"gap_seconds\": 0}, \"data\": [1]}", 1, 30, "at least 1"},
        {"{\"metadata\": {}, \"data\": [1]}", 1, 14, "gap_seconds"},
        {"{\"data\": [1]}", 1, 1, "metadata"},
        {"{\"metadata\": {\"gap_seconds\": 600}, \"data\": []}", 1, 44, "no ticks"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gpuarb_spot_trace *t = NULL;
        gpuarb_status st = gpuarb_spot_trace_parse(f->ctx, cases[i].text, strlen(cases[i].text),
                                                   "t.json", &t);
        assert_null(t);
        tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, cases[i].line, cases[i].col,
                        cases[i].msg);
    }
}

/* 10 ticks of 1 h, spot always available: a 2 h job with a 4 h deadline
 * from any start runs on spot: one changeover of 0.5 h, cost 2.5 spot-hours,
 * normalised by 2 h x 3 = 6: 0.41667; the optimum is the same. */
static void run_summary_by_hand(void **state)
{
    fixture *f = *state;
    const char *text = "{\"metadata\": {\"gap_seconds\": 3600}, \"data\": [1,1,1,1,1,1,1,1,1,1]}";
    gpuarb_spot_trace *t = NULL;
    assert_int_equal(gpuarb_spot_trace_parse(f->ctx, text, strlen(text), "t.json", &t),
                     GPUARB_OK);
    assert_int_equal(gpuarb_spot_trace_ticks(t), 10);
    gpuarb_spot_opts o;
    gpuarb_spot_opts_init(&o);
    o.job_hours = 2;
    o.deadline_hours = 4;
    o.restart_hours = 0.5;
    o.price_ratio = 3;
    o.starts = 7;
    o.compare_optimum = 1;
    for (int32_t p = GPUARB_SPOT_GREEDY; p <= GPUARB_SPOT_AUTO; p++) {
        o.policy = p;
        gpuarb_spot_summary s;
        s.size = sizeof s;
        assert_int_equal(gpuarb_spot_run(f->ctx, t, &o, &s), GPUARB_OK);
        assert_true(fabs(s.normalized_cost - 2.5 / 6) < 1e-12);
        assert_true(fabs(s.optimum_normalized_cost - 2.5 / 6) < 1e-12);
        assert_true(fabs(s.spot_hours - 2) < 1e-12 && s.ondemand_hours == 0);
        assert_int_equal(s.deadline_misses, 0);
    }
    /* a trace shorter than the deadline */
    o.deadline_hours = 11;
    gpuarb_spot_summary s;
    s.size = sizeof s;
    tu_assert_error(f->ctx, gpuarb_spot_run(f->ctx, t, &o, &s), GPUARB_ERR_INPUT, 0, 0,
                    "fewer than the 11");
    gpuarb_spot_trace_free(t);
}

/* A network whose weights are all 0 but the policy bias of on-demand acts
 * as "on-demand from the start": through rl:FILE it must cost exactly what
 * the ondemand rule costs, at every start; one biased to spot acts as
 * greedy (spot when available, else idle, Safety Net, Exploitation), one
 * biased to "follow the rules" as auto. */
static void rl_policy_through_a_model_file(void **state)
{
    fixture *f = *state;
    const char *text = "{\"metadata\": {\"gap_seconds\": 600}, \"data\": "
                       "[0,0,1,0,0,0,0,1,1,0,0,0,1,1,1,0,0,1,0,1,1,1,0,0,0,0,1,1,1,1]}";
    gpuarb_spot_trace *t = NULL;
    assert_int_equal(gpuarb_spot_trace_parse(f->ctx, text, strlen(text), "t.json", &t),
                     GPUARB_OK);
    ga_net *net = NULL;
    assert_int_equal(ga_net_create(f->ctx, GA_SPOT_RL_OBS, 8, GA_SPOT_RL_ACTIONS, 1, &net),
                     GPUARB_OK);
    char path[] = "/tmp/gpuarb-test-spot-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    static const int32_t as_rule[3] = {GPUARB_SPOT_ONDEMAND, GPUARB_SPOT_GREEDY,
                                       GPUARB_SPOT_AUTO};
    static const int bias[3] = {3, 2, 0};
    for (int k = 0; k < 3; k++) {
        memset(net->params, 0, net->nparams * sizeof(double));
        net->bp[bias[k]] = 10;
        assert_int_equal(ga_net_save(f->ctx, net, path), GPUARB_OK);
        gpuarb_spot_opts o;
        gpuarb_spot_opts_init(&o);
        o.job_hours = 1;
        o.deadline_hours = 2;
        o.starts = 9;
        o.policy = GPUARB_SPOT_RL;
        o.model_path = path;
        gpuarb_spot_summary a, b;
        a.size = b.size = sizeof a;
        assert_int_equal(gpuarb_spot_run(f->ctx, t, &o, &a), GPUARB_OK);
        o.policy = as_rule[k];
        assert_int_equal(gpuarb_spot_run(f->ctx, t, &o, &b), GPUARB_OK);
        assert_true(a.normalized_cost == b.normalized_cost);
        assert_true(a.spot_hours == b.spot_hours && a.deadline_misses == 0);
    }
    /* a model of another shape is refused with the reason */
    ga_net_free(net);
    assert_int_equal(ga_net_create(f->ctx, 3, 4, 3, 1, &net), GPUARB_OK);
    assert_int_equal(ga_net_save(f->ctx, net, path), GPUARB_OK);
    gpuarb_spot_opts o;
    gpuarb_spot_opts_init(&o);
    o.job_hours = 1;
    o.deadline_hours = 2;
    o.policy = GPUARB_SPOT_RL;
    o.model_path = path;
    gpuarb_spot_summary s;
    s.size = sizeof s;
    tu_assert_error(f->ctx, gpuarb_spot_run(f->ctx, t, &o, &s), GPUARB_ERR_INPUT, 0, 0,
                    "not a spot policy");
    remove(path);
    ga_net_free(net);
    gpuarb_spot_trace_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uniform_progress_step_by_step),
        cmocka_unit_test(uniform_progress_leaves_on_demand_for_idle),
        cmocka_unit_test(greedy_step_by_step),
        cmocka_unit_test(optimum_matches_brute_force),
        TU_TEST(trace_errors_name_the_place),
        TU_TEST(run_summary_by_hand),
        TU_TEST(rl_policy_through_a_model_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
