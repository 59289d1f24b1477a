/*
 * cmd_simulate.c - `gpuarb simulate`: load a job trace (native CSV, or an
 * Alibaba openb pod list or Gavel trace through the importers), a SIM.yaml
 * (or the defaults), run the discrete-event simulation under a policy and
 * print SPEC section 6 JSON or a table; `--print-trace` prints the trace
 * as the native CSV instead (the import path).  Exit codes: 0 done,
 * 2 usage, 3 bad input, 1 internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "simulate"

static void help(void)
{
    fputs("usage: gpuarb simulate --trace TRACE [--policy P] [--config SIM.yaml] [--seed N]\n"
          "       gpuarb simulate --trace FILE --trace-format openb|gavel [...] --print-trace\n"
          "\n"
          "Simulate an autoscaled GPU pool (discrete events) on a job trace and print\n"
          "cost, waits, utilisation and the objective (cost + wait penalty).\n"
          "\n"
          "options:\n"
          "  --trace FILE           job trace ('-' = standard input)\n"
          "  --trace-format F       native (job_id,submit_s,duration_s,gpus[,gpu_milli,team,\n"
          "                         project]; default; cost is broken down by team and project),\n"
          "                         openb (Alibaba cluster-trace-gpu-v2023 pod list) or gavel\n"
          "  --throughputs FILE     Gavel's simulation_throughputs.json (gavel traces)\n"
          "  --days A:B             only jobs submitted from day A to day B (B excluded),\n"
          "                         times shifted to start at day A\n"
          "  --policy P             threshold[:up=Q,idle=S,spot=0|1],\n"
          "                         predictive[:margin=M,idle=S,spot=0|1],\n"
          "                         economic[:patience=P,idle=S,spot=0|1,move=M] or auto\n"
          "                         (default; gpuarb(1) says which policy it is)\n"
          "  --config FILE          SIM.yaml (default: builtin catalog, AWS us-east-1\n"
          "                         p3.16xlarge on demand and spot, see gpuarb(1))\n"
          "  --seed N               spot trace offset and interruptions (default 0)\n"
          "  --print-trace          print the trace as the native CSV and stop\n"
          "  --format table|json    output format (table on a terminal, json otherwise)\n"
          "  --help                 this text\n"
          "\n"
          "exit: 0 done, 2 usage, 3 bad input, 1 internal error.\n",
          stdout);
}

static gpuarb_status load_trace(gpuarb_ctx *ctx, const char *path, int format, const char *thr,
                                int have_days, double d0, double d1, gpuarb_trace **out)
{
    gpuarb_status st;
    gpuarb_trace *tr = NULL;
    if (strcmp(path, "-") == 0) {
        char *text;
        size_t len;
        if (cli_read_stdin(&text, &len) != 0)
            return GPUARB_ERR_IO;
        st = gpuarb_trace_parse(ctx, text, len, "<stdin>", format, NULL, 0, &tr);
        free(text);
    } else {
        st = gpuarb_trace_load(ctx, path, format, thr, &tr);
    }
    if (!st && have_days) {
        gpuarb_trace *w = NULL;
        st = gpuarb_trace_window(ctx, tr, d0 * 86400.0, d1 * 86400.0, &w);
        gpuarb_trace_free(tr);
        tr = w;
    }
    *out = tr;
    return st;
}

int cmd_simulate(int argc, char **argv)
{
    const char *trace = NULL, *policy = "auto", *config = NULL, *thr = NULL, *val = NULL;
    int fmt = cli_default_format(), tfmt = GPUARB_TRACE_NATIVE, print_trace = 0, have_days = 0;
    double d0 = 0, d1 = 0;
    uint64_t seed = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if (strcmp(a, "--print-trace") == 0) {
            print_trace = 1;
        } else if ((r = cli_opt_value(argc, argv, &i, "--trace", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--trace needs a FILE");
            trace = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--trace-format", &val)) != 0) {
            if (r < 0 || (tfmt = cli_parse_trace_format(val)) < 0)
                return cli_usage_error(VERB, "--trace-format: expected native, openb or gavel");
        } else if ((r = cli_opt_value(argc, argv, &i, "--throughputs", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--throughputs needs a FILE");
            thr = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--days", &val)) != 0) {
            if (r < 0 || cli_parse_days(val, &d0, &d1) != 0)
                return cli_usage_error(VERB, "--days: expected A:B with 0 <= A < B");
            have_days = 1;
        } else if ((r = cli_opt_value(argc, argv, &i, "--policy", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--policy needs a policy");
            policy = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--config", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--config needs a FILE");
            config = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--seed", &val)) != 0) {
            if (r < 0 || cli_parse_seed(val, &seed) != 0)
                return cli_usage_error(VERB, "--seed: expected a whole number >= 0");
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--format needs table or json");
            if (cli_parse_format(val, &fmt) != 0)
                return CLI_EXIT_USAGE;
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown argument '%.100s' (see gpuarb simulate --help)", a);
            return cli_usage_error(VERB, msg);
        }
    }
    if (!trace)
        return cli_usage_error(VERB, "--trace FILE is required");
    if (tfmt == GPUARB_TRACE_GAVEL && !thr)
        return cli_usage_error(VERB, "a gavel trace needs --throughputs FILE");
    if (tfmt == GPUARB_TRACE_GAVEL && strcmp(trace, "-") == 0)
        return cli_usage_error(VERB, "a gavel trace is read from a file, not standard input");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_trace *tr = NULL;
    gpuarb_sim_config *cfg = NULL;
    gpuarb_sim_result *res = NULL;
    char *text = NULL;
    int code = CLI_EXIT_OK;
    gpuarb_status st = load_trace(ctx, trace, tfmt, thr, have_days, d0, d1, &tr);
    if (!st && print_trace) {
        st = gpuarb_trace_to_csv(ctx, tr, &text);
        if (!st)
            fputs(text, stdout);
        goto out;
    }
    if (!st)
        st = config ? gpuarb_sim_config_load(ctx, config, &cfg)
                    : gpuarb_sim_config_default(ctx, &cfg);
    if (!st)
        st = gpuarb_simulate(ctx, cfg, tr, policy, seed, &res);
    if (!st)
        st = fmt == CLI_FMT_JSON ? gpuarb_sim_result_to_json(ctx, res, &text)
                                 : gpuarb_sim_result_to_table(ctx, res, &text);
    if (!st) {
        if (fmt == CLI_FMT_JSON)
            cli_print(text);
        else
            fputs(text, stdout);
    }
out:
    if (st) {
        if (gpuarb_errcode(ctx) != GPUARB_OK)
            cli_report(ctx);
        code = st == GPUARB_ERR_UNSUPPORTED ? CLI_EXIT_USAGE : cli_exit_for_status(st);
        if (st == GPUARB_ERR_ARG && gpuarb_errcode(ctx) == GPUARB_ERR_ARG)
            code = CLI_EXIT_USAGE;
    }
    gpuarb_free(text);
    gpuarb_sim_result_free(res);
    gpuarb_sim_config_free(cfg);
    gpuarb_trace_free(tr);
    gpuarb_ctx_free(ctx);
    return code;
}
