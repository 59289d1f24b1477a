/*
 * bench_spot.c - Can't Be Late's Table 3 setup (Wu et al., NSDI'24): a 48 h
 * job, restart 0.2 h, deadline 60 h, price ratio 3.14, 300 seeded random
 * starts on each of the 8 two-week traces of
 * $GPUARB_SHARED/spot_traces/availability/1-node/aws-10-26-2022.  Prints,
 * per policy, the paper's columns (spot hours out of 48, cost normalised to
 * on-demand, deadline misses) and the gap to the offline optimum computed
 * by dynamic programming at the same starts, for two windows: the first 13
 * days of each file (1,872 ticks, the paper's two weeks) and whole files
 * (27 days, with GPUARB_BENCH_LONG=1).  Before the tables: auto's search
 * over Uniform Progress's knobs on training starts (seed 1001+, 150 per
 * trace, 13 days), and PPO training of the residual RL policy on the same
 * starts (GPUARB_BENCH_RL_STEPS decisions, default 300,000), its training
 * time and inference time per decision; the model goes to
 * GPUARB_SPOT_MODEL_OUT (default build/bench/spot_rl.model) for the rl row
 * and `gpuarb spot --policy rl:FILE`.  The tables use held-out starts (seed
 * 1+), and the 9 aws-02-15-2023 traces were never used for tuning or
 * training.  Skips without the data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_SEED 7
#include "bench.h"
#include "gpuarb.h"
#include "spot/spot.h"
#include "spot/spot_rl.h"

static const char *const TRACES_2022[] = {
    "us-west-2a_k80_1", "us-west-2a_k80_8", "us-west-2a_v100_1", "us-west-2a_v100_8",
    "us-west-2b_k80_1", "us-west-2b_k80_8", "us-west-2b_v100_1", "us-west-2b_v100_8"};
static const char *const TRACES_2023[] = {
    "us-east-1a_v100_1", "us-east-1c_v100_1", "us-east-1d_v100_1", "us-east-1f_v100_1",
    "us-east-2a_v100_1", "us-east-2b_v100_1", "us-west-2a_v100_1", "us-west-2b_v100_1",
    "us-west-2c_v100_1"};

#define NPOL 6
static const int32_t POLS[NPOL] = {GPUARB_SPOT_ONDEMAND, GPUARB_SPOT_GREEDY,
                                   GPUARB_SPOT_UNIFORM_PROGRESS, GPUARB_SPOT_AUTO,
                                   GPUARB_SPOT_RL, GPUARB_SPOT_OMNISCIENT};
static const char *model_path; /* the trained RL model, when there is one */
#define RL_HIDDEN 32

static gpuarb_spot_trace *load(gpuarb_ctx *ctx, const char *dir, const char *set,
                               const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/spot_traces/availability/1-node/%s/%s.json", dir, set, name);
    gpuarb_spot_trace *t = NULL;
    if (gpuarb_spot_trace_load(ctx, path, &t) != GPUARB_OK)
        return NULL;
    return t;
}

typedef struct row {
    double cost, spot, od, opt;
    int32_t misses, starts;
} row;

static int run_set(gpuarb_ctx *ctx, gpuarb_spot_trace **tr, size_t nt, int32_t policy,
                   int32_t max_ticks, uint64_t seed, int32_t starts, row *out)

{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < nt; i++) {
        gpuarb_spot_opts o;
        gpuarb_spot_opts_init(&o);
        o.policy = policy;
        o.max_ticks = max_ticks;
        o.seed = seed + i;
        o.model_path = model_path;
        o.starts = starts;
        gpuarb_spot_summary s;
        s.size = sizeof s;
        if (gpuarb_spot_run(ctx, tr[i], &o, &s) != GPUARB_OK) {
            printf("error: %s\n", gpuarb_errmsg(ctx));
            return -1;
        }
        out->cost += s.normalized_cost / (double)nt;
        out->spot += s.spot_hours / (double)nt;
        out->od += s.ondemand_hours / (double)nt;
        out->opt += s.optimum_normalized_cost / (double)nt;
        out->misses += s.deadline_misses;
        out->starts += s.starts;
    }
    return 0;
}

static void table(gpuarb_ctx *ctx, gpuarb_spot_trace **tr, size_t nt, int32_t max_ticks,
                  int32_t starts, int with_opt, const char *title)
{
    printf("%s\n", title);
    printf("  %-17s %10s %9s %7s %9s %12s\n", "policy", "spot_h/48", "od_h", "cost", "misses",
           "gap_to_opt");
    row up = {0}, opt;
    double t0 = now_ms();
    memset(&opt, 0, sizeof opt);
    if (with_opt && run_set(ctx, tr, nt, GPUARB_SPOT_OMNISCIENT, max_ticks, 1, starts, &opt) != 0)
        return;
    double opt_ms = now_ms() - t0;
    for (int i = 0; i < NPOL; i++) {
        row r = opt;
        double ms = opt_ms;
        t0 = now_ms();
        if ((POLS[i] == GPUARB_SPOT_OMNISCIENT && !with_opt) ||
            (POLS[i] == GPUARB_SPOT_RL && !model_path))
            continue;
        if (POLS[i] != GPUARB_SPOT_OMNISCIENT) {
            if (run_set(ctx, tr, nt, POLS[i], max_ticks, 1, starts, &r) != 0)
                return;
            ms = now_ms() - t0;
        }
        r.opt = opt.cost;
        if (POLS[i] == GPUARB_SPOT_UNIFORM_PROGRESS)
            up = r;
        printf("  %-17s %10.2f %9.2f %7.4f %5d/%-4d", gpuarb_spot_policy_name(POLS[i]), r.spot,
               r.od, r.cost, (int)r.misses, (int)r.starts);
        if (with_opt)
            printf(" %12.4f", r.cost - r.opt);
        else
            printf(" %12s", "-");
        if ((POLS[i] == GPUARB_SPOT_AUTO || POLS[i] == GPUARB_SPOT_RL) && up.starts && with_opt)
            printf("   closes %.0f %% of UP's gap", 100 * (1 - (r.cost - r.opt) / (up.cost - up.opt)));
        printf("   (%.0f ms)\n", ms);
    }
    printf("\n");
}

/* Mean normalised cost and misses of a rule over seeded starts. */
static double eval_rule(gpuarb_ctx *ctx, gpuarb_spot_trace **tr, size_t nt, const ga_spot_rule *rule,
                        int32_t max_ticks, uint64_t seed, int32_t nstarts, int32_t *misses)
{
    gpuarb_spot_opts o;
    gpuarb_spot_opts_init(&o);
    ga_spot_job job;
    ga_spot_job_from_opts(&o, &job);
    size_t starts[1000];
    double cost = 0;
    *misses = 0;
    for (size_t i = 0; i < nt; i++) {
        const ga_spot_trace *t = ga_spot_trace_of(tr[i]);
        size_t usable = max_ticks > 0 && (size_t)max_ticks < t->n ? (size_t)max_ticks : t->n;
        if (ga_spot_starts(ctx, t, &job, usable, nstarts, seed + i, starts) != GPUARB_OK)
            return NAN;
        for (int32_t j = 0; j < nstarts; j++) {
            ga_spot_rule p = *rule;
            ga_spot_sim s;
            ga_spot_replay(&s, t, &job, starts[j], &p);
            cost += s.cost;
            *misses += s.finish_s > job.deadline_s + 1e-6;
        }
    }
    return cost / (double)(nt * (size_t)nstarts) / (job.price_ratio * job.job_s / 3600);
}

/* auto's search: Uniform Progress's rules with four knobs (an earlier
 * search also tilted the progress line by the past day's availability; it
 * never won and was dropped), on training
 * starts (seed 1001.., 150 per trace, 13-day window), the best printed
 * next to its cost on held-out starts (seed 1, the table's). */
static void tune_auto(gpuarb_ctx *ctx, gpuarb_spot_trace **tr, size_t nt)
{
    static const double hysts[] = {0, 1, 2, 4};
    static const double lags[] = {0, 0.5, 1, 1.5, 2, 3};
    static const int32_t streaks[] = {1, 2, 3, 4, 6};
    ga_spot_rule best, up;
    ga_spot_rule_init(&up, GA_SPOT_POL_UP);
    int32_t m;
    double best_c = INFINITY, up_c = eval_rule(ctx, tr, nt, &up, 1872, 1001, 150, &m);
    double t0 = now_ms();
    int tried = 0;
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 6; b++)
            for (int e = 0; e < 2; e++)
                for (size_t c = 0; c < 5; c++)
                {
                    ga_spot_rule p;
                    ga_spot_rule_init(&p, GA_SPOT_POL_UP);
                    p.kind = GA_SPOT_POL_AUTO;
                    p.hyst = hysts[a];
                    p.lag_h = lags[b];
                    p.exit_idle = e;
                    p.min_streak = streaks[c];
                    double cst = eval_rule(ctx, tr, nt, &p, 1872, 1001, 150, &m);
                    tried++;
                    if (m == 0 && cst < best_c) {
                        best_c = cst;
                        best = p;
                    }
                }
    printf("auto's search on training starts (seed 1001+, 150 per trace, 13 days): %d rules "
           "in %.0f ms\n  uniform_progress %.4f; best hyst %g d, lag %g h, exit_idle %d, "
           "min_streak %d: %.4f (zero misses)\n",
           tried, now_ms() - t0, up_c, best.hyst, best.lag_h, best.exit_idle,
           (int)best.min_streak, best_c);
    double held = eval_rule(ctx, tr, nt, &best, 1872, 1, 300, &m);
    printf("  the same rule on the held-out starts (seed 1, 300 per trace): %.4f, %d misses\n\n",
           held, (int)m);
}

/* PPO on the training starts (seed 1001+, 150 per trace, 13 days); the
 * model is written for the tables' rl row and for `gpuarb spot --policy
 * rl:FILE`. */
static void train_rl(gpuarb_ctx *ctx, gpuarb_spot_trace **tr, size_t nt, const char *out)
{
    const ga_spot_trace *trs[8];
    size_t st[8][150], *stp[8], ns[8];
    gpuarb_spot_opts o;
    gpuarb_spot_opts_init(&o);
    ga_spot_env e;
    memset(&e, 0, sizeof e);
    ga_spot_job_from_opts(&o, &e.job);
    for (size_t i = 0; i < nt; i++) {
        trs[i] = ga_spot_trace_of(tr[i]);
        ns[i] = 150;
        stp[i] = st[i];
        if (ga_spot_starts(ctx, trs[i], &e.job, 1872, 150, 1001 + i, st[i]) != GPUARB_OK)
            return;
    }
    e.traces = trs;
    e.starts = (const size_t *const *)stp;
    e.nstarts = ns;
    e.ntraces = nt;
    ga_env env;
    ga_spot_env_bind(&e, &env);
    ga_net *net = NULL;
    const char *steps_env = getenv("GPUARB_BENCH_RL_STEPS");
    ga_ppo_opts po;
    ga_ppo_opts_init(&po);
    po.total_steps = steps_env ? atol(steps_env) : 300000;
    po.rollout = 2048;
    po.minibatch = 256;
    po.epochs = 4;
    po.lr = 3e-4;
    po.gamma = 1.0;   /* the episode's cost is the objective: no discount */
    po.lambda = 0.99;
    po.ent_coef = 0.003;
    po.seed = 11;
    if (ga_net_create(ctx, GA_SPOT_RL_OBS, RL_HIDDEN, GA_SPOT_RL_ACTIONS, 5, &net) != GPUARB_OK)
        return;
    net->bp[0] = 3; /* start near auto: "follow the rules" has p = 0.87 */
    ga_ppo_stats ps = {0};
    double t0 = now_ms();
    gpuarb_status s = ga_ppo_train(ctx, net, &env, &po, &ps);
    double train_ms = now_ms() - t0;
    if (s != GPUARB_OK) {
        printf("rl training failed: %s\n", gpuarb_errmsg(ctx));
        ga_net_free(net);
        return;
    }
    printf("rl: PPO, MLP %d-%d-%d-(4 + 1), %lld decisions (%lld episodes) on the training "
           "starts in %.1f s; last mean episode return %.3f (-10 x normalised cost)\n",
           GA_SPOT_RL_OBS, RL_HIDDEN, RL_HIDDEN, (long long)ps.steps, (long long)ps.episodes, train_ms / 1000,
           ps.last_mean_return);
    /* inference: one decision, features included */
    ga_spot_obs ob = {3600, 50000, 100000, 172800, 216000, 720, 3.14, 600, GA_SPOT_IDLE, 1, 0,
                      3, 0.6};
    double x[GA_SPOT_RL_OBS];
    int32_t acc = 0;
    int reps = 1000000;
    t0 = now_ms();
    for (int i = 0; i < reps; i++) {
        ob.t = (double)(i % 360) * 600;
        ob.avail = i & 1;
        ga_spot_rl_features(&ob, x);
        acc += ga_net_act(net, x);
    }
    double us = (now_ms() - t0) * 1000 / reps;
    printf("rl: inference %.3f us per decision (features + forward + argmax, %d calls, "
           "checksum %d)\n", us, reps, (int)acc);
    if (ga_net_save(ctx, net, out) == GPUARB_OK)
        model_path = out;
    ga_net_free(net);
}

int main(void)
{
    const char *dir = getenv("GPUARB_SHARED");
    setvbuf(stdout, NULL, _IOLBF, 0);
    gpuarb_ctx *ctx = NULL;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 1;
    gpuarb_spot_trace *tr[8] = {0}, *tr23[9] = {0};
    for (size_t i = 0; dir && i < 8; i++)
        tr[i] = load(ctx, dir, "aws-10-26-2022", TRACES_2022[i]);
    for (size_t i = 0; dir && i < 9; i++)
        tr23[i] = load(ctx, dir, "aws-02-15-2023", TRACES_2023[i]);
    if (!dir || !tr[7] || !tr23[8]) {
        printf("skipped: needs $GPUARB_SHARED/spot_traces (GPUARB_SHARED=%s)\n",
               dir ? dir : "(unset)");
        gpuarb_ctx_free(ctx);
        return 0;
    }
    printf("Can't Be Late, Table 3 setup: job 48 h, restart 0.2 h, deadline 60 h, price ratio\n"
           "3.14, 300 seeded starts per trace, means over the 8 aws-10-26-2022 traces.  Paper:\n"
           "spot hours greedy 17.2, uniform_progress 22.9, omniscient 27.4.  cost: normalised\n"
           "to 48 h on demand; gap_to_opt: cost minus the DP optimum's at the same starts.\n\n");
    tune_auto(ctx, tr, 8);
    train_rl(ctx, tr, 8, getenv("GPUARB_SPOT_MODEL_OUT") ? getenv("GPUARB_SPOT_MODEL_OUT")
                                                         : "build/bench/spot_rl.model");
    printf("\n");
    int lng = getenv("GPUARB_BENCH_LONG") != NULL;
    table(ctx, tr, 8, 1872, 300, 1, "first 13 days of each trace (1,872 ticks of 600 s):");
    if (lng)
        table(ctx, tr, 8, 0, 300, 1, "whole files (3,895 ticks, 27 days):");
    table(ctx, tr23, 9, 0, 300, 0,
          "held-out traces, never tuned on: the 9 aws-02-15-2023 zones (2 months, 195 s\n"
          "ticks), 300 starts each (the optimum: GPUARB_BENCH_LONG=1, 20 starts each):");
    if (lng)
        table(ctx, tr23, 9, 0, 20, 1, "the 9 aws-02-15-2023 zones, 20 starts each, with the optimum:");
    else
        printf("(GPUARB_BENCH_LONG=1 adds whole files and the 2023 optimum; minutes)\n\n");
    for (size_t i = 0; i < 8; i++)
        gpuarb_spot_trace_free(tr[i]);
    for (size_t i = 0; i < 9; i++)
        gpuarb_spot_trace_free(tr23[i]);
    gpuarb_ctx_free(ctx);
    return 0;
}
