/*
 * bench_sim.c - the cluster simulator's figures (issue 11):
 *   1. speed: simulated events per second on a generated 100,000-job trace;
 *   2. autoscaling on held-out data: the threshold policy tuned (gpuarb_tune)
 *      and the predictive policy tuned, on training data only, then every
 *      policy evaluated on data none of them saw, mean +- sd over 5 seeds:
 *        openb: tune on days [0, 100) of the default pod list, evaluate on
 *               days [100, 150);
 *        Gavel: tune on traces 0e4a51, e13805 and 2869ce, evaluate on 11cb48.
 * The pool: AWS us-east-1 p3.16xlarge (8 x V100) of the built-in catalog,
 * on demand and spot, spot availability from Can't Be Late's
 * us-west-2a_v100_8 trace (10-26-2022; the seed picks where in it a run
 * starts), the default delays and wait penalty (gpuarb(1)).
 * Needs ../shared/data (GPUARB_SHARED) for part 2; says so and skips it
 * otherwise.  BENCH_SIM_FULL=1 tunes with 3 seeds per candidate and the
 * whole grid; the default run tunes with 1 seed and 72 simulations a trace.
 *
 * RL (lib/policy/rl.c): every table has the shipped model ("rl", trained by
 * lib/policy/rl_model.sh on openb days 0-100 and Gavel's three training
 * traces only, so every test set here is held out from it).  The speed
 * part times the network's decision alone (ga_net_act on observations
 * recorded from a run) and rl against auto over a whole run.  Each table
 * times a short training run (20,000 decisions) on its training traces;
 * BENCH_RL_FULL=1 trains 5 models there (seeds 1-5, BENCH_RL_STEPS
 * decisions each, default 1,000,000) and evaluates each on the test set.
 */
#define BENCH_SEED 0x5117ull
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "gpuarb.h"
#include "policy/rl.h"
#include "sim/sim.h"

#define NSEEDS 5

static gpuarb_ctx *ctx;

static void die(const char *what)
{
    fprintf(stderr, "bench_sim: %s: %s\n", what, gpuarb_errfull(ctx));
    exit(1);
}

/* ---- 1. speed ---- */

static gpuarb_trace *generated(int n)
{
    size_t cap = (size_t)n * 48 + 64, w = 0;
    char *buf = malloc(cap);
    if (!buf)
        exit(1);
    w += (size_t)snprintf(buf, cap, "job_id,submit_s,duration_s,gpus\n");
    double t = 0;
    static const int G[] = {1, 1, 1, 1, 2, 4, 8};
    for (int i = 0; i < n; i++) {
        t += -log(1.0 - urand()) * 30.0;          /* Poisson arrivals, 30 s apart */
        double d = 60.0 * exp(urand() * 6.0);     /* 1 minute to 6.7 hours */
        w += (size_t)snprintf(buf + w, cap - w, "j%d,%.0f,%.0f,%d\n", i, t, d,
                              G[(int)(urand() * 7)]);
    }
    gpuarb_trace *tr = NULL;
    if (gpuarb_trace_parse(ctx, buf, w, "generated", GPUARB_TRACE_NATIVE, NULL, 0, &tr))
        die("generated trace");
    free(buf);
    return tr;
}

/* The shipped model's decision time: the network alone (ga_net_act, which
 * never allocates) on up to 20,000 observations recorded from a run of the
 * rl policy, then the whole decision (features, auto's rules, network). */
static void rl_inference(const gpuarb_sim_config *cfg, const gpuarb_trace *tr)
{
    enum { NOBS = 20000, REPS = 20 };
    ga_rl_policy *p = NULL;
    ga_sim *s = NULL;
    double *obs = malloc(sizeof(double) * GA_RL_OBS * NOBS);
    if (!obs || ga_rl_policy_open(ctx, "rl", &p) || ga_sim_new(ctx, cfg, tr, 0, &s))
        die("rl inference set-up");
    size_t n = 0;
    double t_decide = 0;
    int r;
    while ((r = ga_sim_advance(ctx, s)) == 1) {
        ga_sim_action act;
        double t0 = now_ms();
        if (ga_rl_decide(p, ctx, s, &act))
            die("rl decide");
        t_decide += now_ms() - t0;
        if (n < NOBS)
            memcpy(obs + n++ * GA_RL_OBS, p->obs, sizeof(double) * GA_RL_OBS);
        if (ga_sim_apply(ctx, s, &act))
            die("rl apply");
    }
    int64_t decisions = s->decisions;
    int32_t sink = 0;
    double t0 = now_ms();
    for (int k = 0; k < REPS; k++)
        for (size_t i = 0; i < n; i++)
            sink += ga_net_act(p->net, obs + i * GA_RL_OBS);
    double us = (now_ms() - t0) * 1e3 / ((double)n * REPS);
    printf("rl inference (shipped model, %d hidden units a layer): %.3f us per decision for "
           "the network alone (ga_net_act, %zu observations x %d; checksum %d); %.3f us for "
           "the whole decision (observation, auto's rules, network) over the run's %lld "
           "decisions\n\n",
           (int)p->net->hidden, us, n, REPS, (int)(sink % 7), t_decide * 1e3 / (double)decisions,
           (long long)decisions);
    ga_sim_free(s);
    ga_rl_policy_free(p);
    free(obs);
}

static void speed(void)
{
    gpuarb_trace *tr = generated(100000);
    gpuarb_sim_config *cfg = NULL;
    const char *y = "limits: {max_nodes: 200}\n";
    if (gpuarb_sim_config_parse(ctx, y, strlen(y), "bench", NULL, &cfg))
        die("config");
    printf("speed: 100,000 generated jobs (Poisson arrivals 30 s apart, 1-8 GPUs, 1 min-6.7 h),\n"
           "8-GPU nodes, at most 200\n");
    printf("| policy | wall ms | events | events/s | jobs done |\n|---|---|---|---|---|\n");
    const char *pols[] = {"threshold", "predictive", "auto", "rl"};
    for (int k = 0; k < 4; k++) {
        gpuarb_sim_result *res = NULL;
        double t0 = now_ms();
        if (gpuarb_simulate(ctx, cfg, tr, pols[k], 0, &res))
            die("simulate");
        double ms = now_ms() - t0;
        gpuarb_sim_summary s = {.size = sizeof s};
        gpuarb_sim_result_summary(res, &s);
        printf("| %s | %.0f | %lld | %.2e | %lld |\n", pols[k], ms, (long long)s.events,
               (double)s.events / (ms / 1e3), (long long)s.jobs_done);
        gpuarb_sim_result_free(res);
    }
    printf("\n");
    rl_inference(cfg, tr);
    gpuarb_sim_config_free(cfg);
    gpuarb_trace_free(tr);
}

/* ---- 2. held-out autoscaling ---- */

typedef struct agg {
    double v[5][NSEEDS];
} agg;

static double eval(const gpuarb_sim_config *cfg, const gpuarb_trace *tr, const char *label,
                   const char *policy)
{
    agg a;
    int32_t done_min = INT32_MAX;
    for (int s = 0; s < NSEEDS; s++) {
        gpuarb_sim_result *res = NULL;
        if (gpuarb_simulate(ctx, cfg, tr, policy, (uint64_t)s, &res))
            die("simulate");
        gpuarb_sim_summary m = {.size = sizeof m};
        gpuarb_sim_result_summary(res, &m);
        a.v[0][s] = m.objective;
        a.v[1][s] = m.cost;
        a.v[2][s] = m.mean_wait_h;
        a.v[3][s] = m.p95_wait_h;
        a.v[4][s] = m.utilization;
        if (m.jobs_done < done_min)
            done_min = (int32_t)m.jobs_done;
        gpuarb_sim_result_free(res);
    }
    printf("| %s | ", label);
    for (int k = 0; k < 5; k++) {
        double mu = 0, sd = 0;
        for (int s = 0; s < NSEEDS; s++)
            mu += a.v[k][s];
        mu /= NSEEDS;
        for (int s = 0; s < NSEEDS; s++)
            sd += (a.v[k][s] - mu) * (a.v[k][s] - mu);
        sd = sqrt(sd / (NSEEDS - 1));
        if (k < 2)
            printf("%.0f ± %.0f | ", mu, sd);
        else if (k < 4)
            printf("%.3f ± %.3f | ", mu, sd);
        else
            printf("%.3f ± %.3f | ", mu, sd);
    }
    printf("%d |\n", done_min);
    double mean = 0;
    for (int s = 0; s < NSEEDS; s++)
        mean += a.v[0][s] / NSEEDS;
    return mean;
}

/* Train rl models on the table's training traces: a short timed run by
 * default; with BENCH_RL_FULL=1, 5 models (seeds 1-5) each evaluated on the
 * test set (a row each), and the mean +- sd over the 5 of their mean
 * objectives. */
static void rl_rows(const gpuarb_sim_config *cfg, const gpuarb_trace *const *train, int ntrain,
                    const gpuarb_trace *test)
{
    const char *fe = getenv("BENCH_RL_FULL"), *se = getenv("BENCH_RL_STEPS");
    int full = fe && strcmp(fe, "0") != 0;
    int64_t steps = full ? (se ? atoll(se) : 1000000) : 20000;
    if (steps < 1)
        steps = 1000000;
    char path[] = "/tmp/gpuarb-bench-rl-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        die("mkstemp");
    close(fd);
    double objs[5];
    int nm = full ? 5 : 1;
    double train_ms = 0;
    for (int k = 0; k < nm; k++) {
        gpuarb_rl_train_opts o;
        gpuarb_rl_train_opts_init(&o);
        o.steps = steps;
        o.seed = (uint64_t)k + 1;
        double t0 = now_ms();
        if (gpuarb_rl_train(ctx, cfg, train, (size_t)ntrain, &o, path, NULL))
            die("rl train");
        train_ms += now_ms() - t0;
        if (!full)
            break;
        char label[128], pol[128];
        snprintf(label, sizeof label, "rl trained here, seed %d (%lld decisions)", k + 1,
                 (long long)steps);
        snprintf(pol, sizeof pol, "rl:%s", path);
        objs[k] = eval(cfg, test, label, pol);
    }
    if (full) {
        double mu = 0, sd = 0;
        for (int k = 0; k < 5; k++)
            mu += objs[k] / 5;
        for (int k = 0; k < 5; k++)
            sd += (objs[k] - mu) * (objs[k] - mu) / 4;
        printf("rl trained here over training seeds 1-5: objective %.0f ± %.0f (sd of the 5 "
               "models' means)\n",
               mu, sqrt(sd));
    }
    printf("rl training time: %.1f s for %d x %lld decisions (%.0f decisions/s)\n",
           train_ms / 1e3, nm, (long long)steps, (double)nm * (double)steps / (train_ms / 1e3));
    unlink(path);
}

static char *tune(const gpuarb_sim_config *cfg, const gpuarb_trace *const *tr, int n,
                  const char *policy, int full)
{
    gpuarb_tune_opts o;
    gpuarb_tune_opts_init(&o);
    o.seeds = full ? 3 : 1;
    o.budget = full ? 3000 : 72 * n;
    char *best = NULL;
    double t0 = now_ms();
    if (gpuarb_tune(ctx, cfg, tr, n, policy, &o, &best, NULL))
        die("tune");
    printf("tuned %s on training data: %s (%.1f s)\n", policy, best, (now_ms() - t0) / 1e3);
    return best;
}

static void table(const gpuarb_sim_config *cfg, const gpuarb_trace *const *train, int ntrain,
                  const gpuarb_trace *test, int full)
{
    char *th = tune(cfg, train, ntrain, "threshold", full);
    char *pr = tune(cfg, train, ntrain, "predictive", full);
    char *ec = tune(cfg, train, ntrain, "economic", full);
    printf("| policy | objective $ | cost $ | mean wait h | p95 wait h | utilization | jobs done "
           "(min) |\n|---|---|---|---|---|---|---|\n");
    char label[256];
    eval(cfg, test, "threshold (untuned: up=0, idle=600, on demand)", "threshold");
    snprintf(label, sizeof label, "threshold tuned (%s)", th);
    eval(cfg, test, label, th);
    eval(cfg, test, "predictive (untuned: margin=1, idle=600, on demand)", "predictive");
    snprintf(label, sizeof label, "predictive tuned (%s)", pr);
    eval(cfg, test, label, pr);
    snprintf(label, sizeof label, "economic tuned (%s)", ec);
    eval(cfg, test, label, ec);
    eval(cfg, test, "auto", "auto");
    eval(cfg, test, "rl (shipped model, residual on auto)", "rl");
    rl_rows(cfg, train, ntrain, test);
    printf("\n");
    gpuarb_free(th);
    gpuarb_free(pr);
    gpuarb_free(ec);
}

int main(void)
{
    if (gpuarb_ctx_create(&ctx))
        return 1;
    int full = getenv("BENCH_SIM_FULL") && strcmp(getenv("BENCH_SIM_FULL"), "0") != 0;
    speed();
    const char *sh = getenv("GPUARB_SHARED");
    char p[4096], q[4096];
    snprintf(p, sizeof p, "%s/alibaba_gpu_v2023_openb/openb_pod_list_default.csv",
             sh ? sh : "");
    FILE *f = sh ? fopen(p, "r") : NULL;
    if (!f) {
        printf("autoscaling: skipped: ../shared/data absent (set GPUARB_SHARED)\n");
        gpuarb_ctx_free(ctx);
        return 0;
    }
    fclose(f);
    char yaml[8192];
    snprintf(yaml, sizeof yaml,
             "spot_trace: %s/spot_traces/availability/1-node/aws-10-26-2022/"
             "us-west-2a_v100_8.json\n",
             sh);
    gpuarb_sim_config *cfg = NULL;
    if (gpuarb_sim_config_parse(ctx, yaml, strlen(yaml), "bench", NULL, &cfg))
        die("config");
    gpuarb_sim_config_info info = {.size = sizeof info};
    gpuarb_sim_config_describe(ctx, cfg, &info);
    printf("pool: %s, %d GPUs a node, $%.4f/h on demand, $%.4f/h spot, delay %.0f s, "
           "interval %.0f s, wait penalty $%.4f per GPU-hour, at most %d nodes\n\n",
           info.offer, info.node_gpus, info.od_price_hour, info.spot_price_hour,
           info.provisioning_delay_s, info.decision_interval_s, info.wait_penalty_per_gpu_hour,
           info.max_nodes);

    gpuarb_trace *all = NULL;
    if (gpuarb_trace_load(ctx, p, GPUARB_TRACE_OPENB, NULL, &all))
        die("openb");
    /* the split, then one where training has data: the pod list's
     * arrivals are almost all in days 115-149 */
    static const double SPLIT[2] = {100, 135};
    for (int k = 0; k < 2; k++) {
        gpuarb_trace *train = NULL, *test = NULL;
        if (gpuarb_trace_window(ctx, all, 0, SPLIT[k] * 86400.0, &train) ||
            gpuarb_trace_window(ctx, all, SPLIT[k] * 86400.0, 150 * 86400.0, &test))
            die("openb window");
        printf("openb default pod list: train days 0-%.0f (%lld jobs), test days %.0f-150 "
               "(%lld jobs); mean ± sd over seeds 0-%d\n",
               SPLIT[k], (long long)gpuarb_trace_job_count(train), SPLIT[k],
               (long long)gpuarb_trace_job_count(test), NSEEDS - 1);
        const gpuarb_trace *tr1[1] = {train};
        table(cfg, tr1, 1, test, full);
        gpuarb_trace_free(train);
        gpuarb_trace_free(test);
    }
    gpuarb_trace_free(all);

    static const char *const GT[] = {"0e4a51", "e13805", "2869ce", "11cb48"};
    gpuarb_trace *g[4] = {0};
    snprintf(q, sizeof q, "%s/gavel_throughputs_and_traces/simulation_throughputs.json", sh);
    for (int k = 0; k < 4; k++) {
        snprintf(p, sizeof p, "%s/gavel_throughputs_and_traces/traces_msr_seed0/%s.trace", sh,
                 GT[k]);
        if (gpuarb_trace_load(ctx, p, GPUARB_TRACE_GAVEL, q, &g[k]))
            die("gavel");
    }
    printf("Gavel (Philly-shaped, seed 0): train 0e4a51, e13805, 2869ce; test 11cb48 (%lld jobs)\n",
           (long long)gpuarb_trace_job_count(g[3]));
    const gpuarb_trace *tr3[3] = {g[0], g[1], g[2]};
    table(cfg, tr3, 3, g[3], full);
    for (int k = 0; k < 4; k++)
        gpuarb_trace_free(g[k]);
    gpuarb_sim_config_free(cfg);
    gpuarb_ctx_free(ctx);
    return 0;
}
