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
#define MAX_TRACES 64

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

/* s as a JSON string (the model path). */
static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static int whole(const char *s, long long lo, long long hi, long long *out)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (!*s || !end || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cmd_train(int argc, char **argv)
{
    const char *paths[MAX_TRACES];
    int ntr = 0, tfmt = GPUARB_TRACE_NATIVE, have_days = 0;
    const char *config = NULL, *thr = NULL, *val = NULL, *out = NULL;
    double d0 = 0, d1 = 0;
    gpuarb_rl_train_opts opts;
    gpuarb_rl_train_opts_init(&opts);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        long long v;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--trace", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--trace needs a FILE");
            if (ntr == MAX_TRACES)
                return cli_usage_error(VERB, "at most 64 traces");
            paths[ntr++] = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--trace-format", &val)) != 0) {
            tfmt = r < 0                       ? -1
                   : strcmp(val, "native") == 0 ? GPUARB_TRACE_NATIVE
                   : strcmp(val, "openb") == 0  ? GPUARB_TRACE_OPENB
                   : strcmp(val, "gavel") == 0  ? GPUARB_TRACE_GAVEL
                                                : -1;
            if (tfmt < 0)
                return cli_usage_error(VERB, "--trace-format: expected native, openb or gavel");
        } else if ((r = cli_opt_value(argc, argv, &i, "--throughputs", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--throughputs needs a FILE");
            thr = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--days", &val)) != 0) {
            const char *colon = r > 0 ? strchr(val, ':') : NULL;
            char buf[64];
            size_t n = colon ? (size_t)(colon - val) : 0;
            if (!colon || n == 0 || n >= sizeof buf)
                return cli_usage_error(VERB, "--days: expected A:B with 0 <= A < B");
            memcpy(buf, val, n);
            buf[n] = '\0';
            if (cli_parse_number(buf, 0, &d0) || cli_parse_number(colon + 1, 0, &d1) || d1 <= d0)
                return cli_usage_error(VERB, "--days: expected A:B with 0 <= A < B");
            have_days = 1;
        } else if ((r = cli_opt_value(argc, argv, &i, "--out", &val)) != 0) {
            if (r < 0 || !*val)
                return cli_usage_error(VERB, "--out needs a FILE");
            out = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--config", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--config needs a FILE");
            config = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--steps", &val)) != 0) {
            if (r < 0 || whole(val, 1, 1000000000000LL, &v))
                return cli_usage_error(VERB, "--steps: expected a whole number, 1 or more");
            opts.steps = (int64_t)v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--hidden", &val)) != 0) {
            if (r < 0 || whole(val, 2, 1024, &v))
                return cli_usage_error(VERB, "--hidden: expected 2 to 1024");
            opts.hidden = (int32_t)v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--seed", &val)) != 0) {
            char *end = NULL;
            unsigned long long s = r > 0 ? strtoull(val, &end, 10) : 0;
            if (r < 0 || !end || *end || !*val || val[0] == '-')
                return cli_usage_error(VERB, "--seed: expected a whole number >= 0");
            opts.seed = (uint64_t)s;
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
        } else {
            if (ntr == MAX_TRACES)
                return cli_usage_error(VERB, "at most 64 traces");
            paths[ntr++] = a;
        }
    }
    if (ntr == 0)
        return cli_usage_error(VERB, "give at least one --trace FILE");
    if (!out)
        return cli_usage_error(VERB, "--out MODEL is required");
    if (tfmt == GPUARB_TRACE_GAVEL && !thr)
        return cli_usage_error(VERB, "gavel traces need --throughputs FILE");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_trace *tr[MAX_TRACES] = {0};
    gpuarb_sim_config *cfg = NULL;
    gpuarb_status st = GPUARB_OK;
    for (int k = 0; k < ntr && !st; k++) {
        st = gpuarb_trace_load(ctx, paths[k], tfmt, thr, &tr[k]);
        if (!st && have_days) {
            gpuarb_trace *w = NULL;
            st = gpuarb_trace_window(ctx, tr[k], d0 * 86400.0, d1 * 86400.0, &w);
            gpuarb_trace_free(tr[k]);
            tr[k] = w;
        }
    }
    if (!st)
        st = config ? gpuarb_sim_config_load(ctx, config, &cfg)
                    : gpuarb_sim_config_default(ctx, &cfg);
    gpuarb_rl_train_stats ts;
    memset(&ts, 0, sizeof ts);
    ts.size = sizeof ts;
    if (!st)
        st = gpuarb_rl_train(ctx, cfg, (const gpuarb_trace *const *)tr, (size_t)ntr, &opts, out,
                             &ts);
    int code = CLI_EXIT_OK;
    if (st) {
        cli_report(ctx);
        code = cli_exit_for_status(st);
    } else {
        fputs("{\"model\": ", stdout);
        json_string(out);
        printf(", \"decisions\": %lld, \"episodes\": %lld, \"last_mean_return\": %.6f}\n",
               (long long)ts.decisions, (long long)ts.episodes, ts.last_mean_return);
    }
    gpuarb_sim_config_free(cfg);
    for (int k = 0; k < ntr; k++)
        gpuarb_trace_free(tr[k]);
    gpuarb_ctx_free(ctx);
    return code;
}
