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

int cmd_tune(int argc, char **argv)
{
    cli_traces tt;
    int fmt = cli_default_format();
    const char *policy = NULL, *config = NULL, *val = NULL;
    gpuarb_tune_opts opts;
    gpuarb_tune_opts_init(&opts);
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
            if (r < 0 || cli_parse_whole(val, 1, 1000000, &v))
                return cli_usage_error(VERB, "--budget: expected 1 to 1000000 simulations");
            opts.budget = (int32_t)v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--seeds", &val)) != 0) {
            if (r < 0 || cli_parse_whole(val, 1, 1000, &v))
                return cli_usage_error(VERB, "--seeds: expected 1 to 1000");
            opts.seeds = (int32_t)v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--seed", &val)) != 0) {
            if (r < 0 || cli_parse_seed(val, &opts.seed) != 0)
                return cli_usage_error(VERB, "--seed: expected a whole number >= 0");
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--format needs table or json");
            if (cli_parse_format(val, &fmt) != 0)
                return CLI_EXIT_USAGE;
        } else if (a[0] == '-' && a[1] != '\0') {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown option '%.100s' (see gpuarb tune --help)", a);
            return cli_usage_error(VERB, msg);
        } else if ((code = cli_traces_add(&tt, VERB, a)) != CLI_EXIT_OK) {
            return code;
        }
    }
    if (!policy)
        return cli_usage_error(VERB, "--policy threshold|predictive|economic is required");
    if (tt.n == 0)
        return cli_usage_error(VERB, "give at least one --trace FILE");
    if (tt.format == GPUARB_TRACE_GAVEL && !tt.throughputs)
        return cli_usage_error(VERB, "gavel traces need --throughputs FILE");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_trace *tr[CLI_MAX_TRACES] = {0};
    gpuarb_sim_config *cfg = NULL;
    char *best = NULL, *json = NULL;
    gpuarb_status st = cli_traces_load(ctx, &tt, tr);
    if (!st)
        st = config ? gpuarb_sim_config_load(ctx, config, &cfg)
                    : gpuarb_sim_config_default(ctx, &cfg);
    if (!st)
        st = gpuarb_tune(ctx, cfg, (const gpuarb_trace *const *)tr, tt.n, policy, &opts, &best,
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
    for (int k = 0; k < tt.n; k++)
        gpuarb_trace_free(tr[k]);
    gpuarb_ctx_free(ctx);
    return code;
}
