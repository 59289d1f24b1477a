/*
 * cmd_spot.c - `gpuarb spot --trace SPOT.json --job-hours C
 * --deadline-hours R --restart-hours d --policy P [--starts N] [--seed S]
 * [--price-ratio k]`: a deadline job on spot with on-demand fallback
 * replayed over an availability trace from random starts (SPEC section 6;
 * Can't Be Late, NSDI'24).  Thin: parse arguments, call gpuarb_spot_run,
 * print.  Exit 0 done, 2 usage, 3 bad input, 1 internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "spot"

static void help(void)
{
    fputs("usage: gpuarb spot --trace SPOT.json --policy P [options]\n"
          "       gpuarb spot --trace SPOT.json [--trace ...] --train-out MODEL [options]\n"
          "\n"
          "Replay a deadline job on spot instances with on-demand fallback over a spot\n"
          "availability trace ({\"metadata\": {\"gap_seconds\": N}, \"data\": [...]}, 1 =\n"
          "available) from random start points, and print the means over the starts.\n"
          "\n"
          "policies: ondemand, greedy, uniform_progress (Can't Be Late, NSDI'24),\n"
          "  omniscient (the offline optimum by dynamic programming; knows the future),\n"
          "  auto (the library's best online policy), rl:FILE (a trained model)\n"
          "\n"
          "options:\n"
          "  --job-hours C         computation the job needs (default 48)\n"
          "  --deadline-hours R    deadline after the start (default 60)\n"
          "  --restart-hours d     changeover delay of a new instance (default 0.2)\n"
          "  --price-ratio k       on-demand price over spot price (default 3.14)\n"
          "  --starts N            random start points (default 300)\n"
          "  --seed S              seed of the start points (default 1)\n"
          "  --max-ticks N         use the first N ticks of the trace only\n"
          "  --compare-optimum     also compute the optimum at the same starts\n"
          "  --train-out MODEL     train an rl policy by PPO on the starts of every\n"
          "                        --trace (seed + i for trace i) and write it to MODEL;\n"
          "                        prints {\"model\", \"decisions\", \"episodes\",\n"
          "                        \"last_mean_return\"}\n"
          "  --train-decisions N   decisions to train for (default 300000)\n"
          "  --format json\n"
          "\n"
          "JSON: {\"policy\", \"normalized_cost\", \"deadline_misses\", \"spot_hours\",\n"
          "\"ondemand_hours\", \"starts\"}: means over the starts, deadline_misses a count,\n"
          "cost normalised to job-hours x price ratio (the job on demand without\n"
          "changeover); with --compare-optimum also \"optimum_normalized_cost\" and\n"
          "\"gap_to_optimum\".\n"
          "\n"
          "exit: 0 done, 2 usage, 3 bad input, 1 internal error.\n",
          stdout);
}

static int parse_policy(const char *s, gpuarb_spot_opts *o)
{
    if (strncmp(s, "rl:", 3) == 0 && s[3]) {
        o->policy = GPUARB_SPOT_RL;
        o->model_path = s + 3;
        return 0;
    }
    for (int32_t p = GPUARB_SPOT_ONDEMAND; p <= GPUARB_SPOT_AUTO; p++)
        if (strcmp(s, gpuarb_spot_policy_name(p)) == 0) {
            o->policy = p;
            return 0;
        }
    return -1;
}

int cmd_spot(int argc, char **argv)
{
    gpuarb_spot_opts o;
    gpuarb_spot_opts_init(&o);
    const char *traces[32], *train_out = NULL;
    int ntraces = 0, have_policy = 0, fmt = CLI_FMT_JSON;
    double decisions = 300000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        double x;
        int r;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if (strcmp(a, "--compare-optimum") == 0) {
            o.compare_optimum = 1;
        } else if ((r = cli_opt_value(argc, argv, &i, "--trace", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--trace needs a file");
            if (ntraces == 32)
                return cli_usage_error(VERB, "at most 32 --trace files");
            traces[ntraces++] = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--train-out", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--train-out needs a file");
            train_out = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--train-decisions", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 1, &decisions) != 0 || decisions > 1e12 ||
                decisions != (double)(int64_t)decisions)
                return cli_usage_error(VERB, "--train-decisions needs a whole number, 1 or more");
        } else if ((r = cli_opt_value(argc, argv, &i, "--policy", &v)) != 0) {
            if (r < 0 || parse_policy(v, &o) != 0)
                return cli_usage_error(VERB, "--policy: ondemand, greedy, uniform_progress, "
                                             "omniscient, auto or rl:FILE");
            have_policy = 1;
        } else if ((r = cli_opt_value(argc, argv, &i, "--job-hours", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 0, &o.job_hours) != 0 || o.job_hours <= 0)
                return cli_usage_error(VERB, "--job-hours needs a number above 0");
        } else if ((r = cli_opt_value(argc, argv, &i, "--deadline-hours", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 0, &o.deadline_hours) != 0 || o.deadline_hours <= 0)
                return cli_usage_error(VERB, "--deadline-hours needs a number above 0");
        } else if ((r = cli_opt_value(argc, argv, &i, "--restart-hours", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 0, &o.restart_hours) != 0)
                return cli_usage_error(VERB, "--restart-hours needs a number, 0 or more");
        } else if ((r = cli_opt_value(argc, argv, &i, "--price-ratio", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 1, &o.price_ratio) != 0)
                return cli_usage_error(VERB, "--price-ratio needs a number, 1 or more");
        } else if ((r = cli_opt_value(argc, argv, &i, "--starts", &v)) != 0) {
            if (r < 0 || cli_parse_int32(v, 1, 100000, &o.starts) != 0)
                return cli_usage_error(VERB, "--starts needs a whole number, 1 to 100000");
        } else if ((r = cli_opt_value(argc, argv, &i, "--max-ticks", &v)) != 0) {
            if (r < 0 || cli_parse_int32(v, 0, 1e9, &o.max_ticks) != 0)
                return cli_usage_error(VERB, "--max-ticks needs a whole number, 0 or more");
        } else if ((r = cli_opt_value(argc, argv, &i, "--seed", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 0, &x) != 0 || x > 9007199254740992.0 ||
                x != (double)(uint64_t)x)
                return cli_usage_error(VERB, "--seed needs a whole number, 0 or more");
            o.seed = (uint64_t)x;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0 || strcmp(v, "json") != 0)
                return cli_usage_error(VERB, "--format: json");
            fmt = CLI_FMT_JSON;
        } else {
            return cli_unknown_argument(VERB, NULL, a);
        }
    }
    (void)fmt;
    if (ntraces == 0)
        return cli_usage_error(VERB, "--trace SPOT.json is required");
    if (!have_policy && !train_out)
        return cli_usage_error(VERB, "--policy P is required");
    if (ntraces > 1 && !train_out)
        return cli_usage_error(VERB, "several --trace files only with --train-out");
    if (o.deadline_hours < o.job_hours)
        return cli_usage_error(VERB, "--deadline-hours must be at least --job-hours");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_spot_trace *t[32] = {0};
    gpuarb_spot_summary s;
    s.size = sizeof s;
    gpuarb_status st = GPUARB_OK;
    for (int i = 0; st == GPUARB_OK && i < ntraces; i++)
        st = gpuarb_spot_trace_load(ctx, traces[i], &t[i]);
    if (st == GPUARB_OK && train_out) {
        gpuarb_spot_train_stats ts;
        memset(&ts, 0, sizeof ts);
        ts.size = sizeof ts;
        st = gpuarb_spot_train(ctx, (const gpuarb_spot_trace *const *)t, (size_t)ntraces, &o,
                               (int64_t)decisions, train_out, &ts);
        if (st == GPUARB_OK) {
            fputs("{\"model\": ", stdout);
            cli_print_json_string(train_out);
            printf(", \"decisions\": %lld, \"episodes\": %lld, \"last_mean_return\": %.6f}\n",
                   (long long)ts.decisions, (long long)ts.episodes, ts.last_mean_return);
        }
    } else if (st == GPUARB_OK) {
        st = gpuarb_spot_run(ctx, t[0], &o, &s);
    }
    if (st == GPUARB_OK && !train_out) {
        char *json = NULL;
        st = gpuarb_spot_summary_to_json(ctx, &s, &json);
        if (st == GPUARB_OK)
            cli_print(json);
        gpuarb_free(json);
    }
    if (st != GPUARB_OK)
        cli_report(ctx);
    for (int i = 0; i < ntraces; i++)
        gpuarb_spot_trace_free(t[i]);
    gpuarb_ctx_free(ctx);
    return cli_exit_for_status(st);
}
