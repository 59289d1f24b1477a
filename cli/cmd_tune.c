/*
 * cmd_tune.c - `gpuarb tune --policy threshold --trace T...`: grid-search a
 * policy's parameters on training traces (gpuarb_tune) within a budget of
 * simulations and print the winner (a policy string for `gpuarb simulate
 * --policy`) with every candidate's objective as JSON.  Exit codes: 0 done,
 * 2 usage, 3 bad input, 1 internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "tune"
#define MAX_TRACES 64

static void help(void)
{
    fputs("usage: gpuarb tune --policy threshold|predictive|economic --trace T [--trace T ...]\n"
          "                   [--config SIM.yaml] [--budget N] [--seeds K] [--seed S]\n"
          "\n"
          "Grid-search the policy's parameters on the training traces: the candidate\n"
          "with the least objective (cost + wait penalty) summed over traces and seeds\n"
          "wins.  At most N simulations run (default 120); when the grid is larger, a\n"
          "seeded sample of it is tried.\n"
          "\n"
          "options:\n"
          "  --trace FILE           a training trace (repeat for more; also positional)\n"
          "  --trace-format F       native (default), openb or gavel (for every trace)\n"
          "  --throughputs FILE     Gavel's simulation_throughputs.json (gavel traces)\n"
          "  --days A:B             only jobs submitted from day A to day B of each trace\n"
          "  --config FILE          SIM.yaml (default configuration otherwise)\n"
          "  --budget N             simulations in all (default 120)\n"
          "  --seeds K              seeds per trace and candidate (default 1)\n"
          "  --seed S               first seed (default 0)\n"
          "  --format table|json    table: the winning policy string only\n"
          "  --help                 this text\n"
          "\n"
          "exit: 0 done, 2 usage, 3 bad input, 1 internal error.\n",
          stdout);
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

int cmd_tune(int argc, char **argv)
{
    const char *paths[MAX_TRACES];
    int ntr = 0, fmt = cli_default_format(), tfmt = GPUARB_TRACE_NATIVE, have_days = 0;
    const char *policy = NULL, *config = NULL, *thr = NULL, *val = NULL;
    double d0 = 0, d1 = 0;
    gpuarb_tune_opts opts;
    gpuarb_tune_opts_init(&opts);
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
        } else if ((r = cli_opt_value(argc, argv, &i, "--policy", &val)) != 0) {
            if (r < 0 || (strcmp(val, "threshold") && strcmp(val, "predictive") &&
                          strcmp(val, "economic")))
                return cli_usage_error(VERB,
                                       "--policy: expected threshold, predictive or economic");
            policy = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--config", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--config needs a FILE");
            config = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--budget", &val)) != 0) {
            if (r < 0 || whole(val, 1, 1000000, &v))
                return cli_usage_error(VERB, "--budget: expected 1 to 1000000 simulations");
            opts.budget = (int32_t)v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--seeds", &val)) != 0) {
            if (r < 0 || whole(val, 1, 1000, &v))
                return cli_usage_error(VERB, "--seeds: expected 1 to 1000");
            opts.seeds = (int32_t)v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--seed", &val)) != 0) {
            char *end = NULL;
            unsigned long long s = r > 0 ? strtoull(val, &end, 10) : 0;
            if (r < 0 || !end || *end || !*val || val[0] == '-')
                return cli_usage_error(VERB, "--seed: expected a whole number >= 0");
            opts.seed = (uint64_t)s;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--format needs table or json");
            if (cli_parse_format(val, &fmt) != 0)
                return CLI_EXIT_USAGE;
        } else if (a[0] == '-' && a[1] != '\0') {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown option '%.100s' (see gpuarb tune --help)", a);
            return cli_usage_error(VERB, msg);
        } else {
            if (ntr == MAX_TRACES)
                return cli_usage_error(VERB, "at most 64 traces");
            paths[ntr++] = a;
        }
    }
    if (!policy)
        return cli_usage_error(VERB, "--policy threshold|predictive|economic is required");
    if (ntr == 0)
        return cli_usage_error(VERB, "give at least one --trace FILE");
    if (tfmt == GPUARB_TRACE_GAVEL && !thr)
        return cli_usage_error(VERB, "gavel traces need --throughputs FILE");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_trace *tr[MAX_TRACES] = {0};
    gpuarb_sim_config *cfg = NULL;
    char *best = NULL, *json = NULL;
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
    if (!st)
        st = gpuarb_tune(ctx, cfg, (const gpuarb_trace *const *)tr, ntr, policy, &opts, &best,
                         &json);
    int code = CLI_EXIT_OK;
    if (st) {
        cli_report(ctx);
        code = cli_exit_for_status(st);
    } else {
        cli_print(fmt == CLI_FMT_JSON ? json : best);
    }
    gpuarb_free(best);
    gpuarb_free(json);
    gpuarb_sim_config_free(cfg);
    for (int k = 0; k < ntr; k++)
        gpuarb_trace_free(tr[k]);
    gpuarb_ctx_free(ctx);
    return code;
}
