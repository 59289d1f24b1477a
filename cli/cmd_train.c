/*
 * cmd_train.c - `gpuarb train --trace T... --out MODEL`: train the RL
 * autoscaling policy by PPO on training traces (gpuarb_rl_train) and write
 * the model for `gpuarb simulate --policy rl:MODEL`.  Prints
 * {"model", "decisions", "episodes", "last_mean_return"}.  Exit codes: 0
 * done, 2 usage, 3 bad input, 1 internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "train"

static void help(void)
{
    fputs("usage: gpuarb train --trace T [--trace T ...] --out MODEL [--config SIM.yaml]\n"
          "                    [--seed N] [--steps N] [--hidden N] [--lr X] [--entropy X]\n"
          "                    [--gamma X] [--plain]\n"
          "\n"
          "Train the RL autoscaling policy (an actor-critic network, PPO with GAE and an\n"
          "entropy bonus) on training traces only, and write the model for\n"
          "'gpuarb simulate --policy rl:MODEL'.  Each episode simulates one training\n"
          "trace, drawn at random, from a random seed; the reward is minus the\n"
          "objective (cost + wait penalty).  The same traces, configuration and seed\n"
          "give the same model, byte for byte, on one machine (OpenBLAS may round the\n"
          "last bits differently on another CPU).\n"
          "\n"
          "options:\n"
          "  --trace FILE           a training trace (repeat for more; also positional)\n"
          "  --trace-format F       native (default), openb or gavel (for every trace)\n"
          "  --throughputs FILE     Gavel's simulation_throughputs.json (gavel traces)\n"
          "  --days A:B             only jobs submitted from day A to day B of each trace\n"
          "  --out MODEL            the model file to write (required)\n"
          "  --config FILE          SIM.yaml (default configuration otherwise)\n"
          "  --seed N               weights, episode draws and sampling (default 1)\n"
          "  --steps N              decisions to train on (default 100000)\n"
          "  --hidden N             units in each of the two trunk layers (default 32)\n"
          "  --lr X                 Adam step (default 0.0003)\n"
          "  --entropy X            entropy bonus coefficient (default 0.003)\n"
          "  --gamma X              discount per decision (default 0.99)\n"
          "  --plain                choose among the environment's actions (hold, one\n"
          "                         node up or down, on demand or spot) instead of the\n"
          "                         default residual on auto (follow, wait, one more\n"
          "                         node, keep idle nodes)\n"
          "  --help                 this text\n"
          "\n"
          "exit: 0 done, 2 usage, 3 bad input, 1 internal error.\n",
          stdout);
}

int cmd_train(int argc, char **argv)
{
    cli_traces tt;
    const char *config = NULL, *val = NULL, *out = NULL;
    gpuarb_rl_train_opts opts;
    gpuarb_rl_train_opts_init(&opts);
    cli_traces_init(&tt);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r, code;
        long long v;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if (cli_traces_option(argc, argv, &i, VERB, &tt, &code)) {
            if (code != CLI_EXIT_OK)
                return code;
        } else if ((r = cli_opt_value(argc, argv, &i, "--out", &val)) != 0) {
            if (r < 0 || !*val)
                return cli_usage_error(VERB, "--out needs a FILE");
            out = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--config", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--config needs a FILE");
            config = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--steps", &val)) != 0) {
            if (r < 0 || cli_parse_whole(val, 1, 1000000000000LL, &v))
                return cli_usage_error(VERB, "--steps: expected a whole number, 1 or more");
            opts.steps = (int64_t)v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--hidden", &val)) != 0) {
            if (r < 0 || cli_parse_whole(val, 2, 1024, &v))
                return cli_usage_error(VERB, "--hidden: expected 2 to 1024");
            opts.hidden = (int32_t)v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--seed", &val)) != 0) {
            if (r < 0 || cli_parse_seed(val, &opts.seed) != 0)
                return cli_usage_error(VERB, "--seed: expected a whole number >= 0");
        } else if ((r = cli_opt_value(argc, argv, &i, "--lr", &val)) != 0) {
            double x;
            if (r < 0 || cli_parse_number(val, 0, &x) || !(x > 0 && x < 1))
                return cli_usage_error(VERB, "--lr: expected a number in (0, 1)");
            opts.lr = x;
        } else if ((r = cli_opt_value(argc, argv, &i, "--entropy", &val)) != 0) {
            double x;
            if (r < 0 || cli_parse_number(val, 0, &x) || !(x < 10))
                return cli_usage_error(VERB, "--entropy: expected a number in [0, 10)");
            opts.ent_coef = x;
        } else if ((r = cli_opt_value(argc, argv, &i, "--gamma", &val)) != 0) {
            double x;
            if (r < 0 || cli_parse_number(val, 0, &x) || !(x > 0 && x <= 1))
                return cli_usage_error(VERB, "--gamma: expected a number in (0, 1]");
            opts.gamma = x;
        } else if (strcmp(a, "--plain") == 0) {
            opts.plain = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown option '%.100s' (see gpuarb train --help)", a);
            return cli_usage_error(VERB, msg);
        } else if ((code = cli_traces_add(&tt, VERB, a)) != CLI_EXIT_OK) {
            return code;
        }
    }
    if (tt.n == 0)
        return cli_usage_error(VERB, "give at least one --trace FILE");
    if (!out)
        return cli_usage_error(VERB, "--out MODEL is required");
    if (tt.format == GPUARB_TRACE_GAVEL && !tt.throughputs)
        return cli_usage_error(VERB, "gavel traces need --throughputs FILE");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_trace *tr[CLI_MAX_TRACES] = {0};
    gpuarb_sim_config *cfg = NULL;
    gpuarb_status st = cli_traces_load(ctx, &tt, tr);
    if (!st)
        st = config ? gpuarb_sim_config_load(ctx, config, &cfg)
                    : gpuarb_sim_config_default(ctx, &cfg);
    gpuarb_rl_train_stats ts;
    memset(&ts, 0, sizeof ts);
    ts.size = sizeof ts;
    if (!st)
        st = gpuarb_rl_train(ctx, cfg, (const gpuarb_trace *const *)tr, (size_t)tt.n, &opts, out,
                             &ts);
    int code = CLI_EXIT_OK;
    if (st) {
        cli_report(ctx);
        code = cli_exit_for_status(st);
    } else {
        fputs("{\"model\": ", stdout);
        cli_print_json_string(out);
        printf(", \"decisions\": %lld, \"episodes\": %lld, \"last_mean_return\": %.6f}\n",
               (long long)ts.decisions, (long long)ts.episodes, ts.last_mean_return);
    }
    gpuarb_sim_config_free(cfg);
    for (int k = 0; k < tt.n; k++)
        gpuarb_trace_free(tr[k]);
    gpuarb_ctx_free(ctx);
    return code;
}
