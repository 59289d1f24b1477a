/*
 * cmd_share.c - `gpuarb share replay --nodes NODES.csv --pods PODS.csv
 * --policy P --seed N [--tune 1.3]` (SPEC section 5): replay an openb pod
 * list onto a node list under a GPU-sharing policy and print the JSON.
 * Exit codes: 0 done, 2 usage, 3 bad input, 1 internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "share"

static const char *const POLICIES[] = {"random", "bestfit", "dotprod", "packing",
                                       "fgd",    "auto",    "offline", NULL};

static void help(void)
{
    fputs("usage: gpuarb share replay --nodes NODES.csv --pods PODS.csv [--policy P]\n"
          "                           [--seed N] [--tune T]\n"
          "\n"
          "Replay the pods of an Alibaba cluster-trace-gpu-v2023 (openb) pod list onto its\n"
          "node list as the FGD paper (USENIX ATC'23) evaluates schedulers: pods shuffled by\n"
          "the seed, resampled or cut until they request T x the cluster's GPUs (default\n"
          "1.3), placed one at a time; a pod that fits nowhere is skipped.  Prints the share\n"
          "of GPU left unallocated when 80, 90, ..., 130 % of the capacity has arrived.\n"
          "\n"
          "policies: random, bestfit, dotprod, packing, fgd, auto (default; ours), and\n"
          "offline: the reference with full knowledge (each level's pods packed at once,\n"
          "largest first) and a lower bound no placement beats.\n"
          "\n"
          "exit: 0 done, 2 usage, 3 bad input, 1 internal error.\n",
          stdout);
}

int cmd_share(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(VERB, "expected 'replay'");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help();
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "replay") != 0)
        return cli_usage_error(VERB, "expected 'replay'");
    const char *nodes = NULL, *pods = NULL, *val;
    int policy = 5;
    unsigned long long seed = 42;
    double tune = 1.3;
    for (int i = 2; i < argc; i++) {
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--nodes", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--nodes needs a CSV");
            nodes = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--pods", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--pods needs a CSV");
            pods = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--policy", &val)) != 0) {
            policy = -1;
            for (int k = 0; r > 0 && POLICIES[k]; k++)
                if (strcmp(val, POLICIES[k]) == 0)
                    policy = k;
            if (policy < 0)
                return cli_usage_error(VERB, "--policy: expected random, bestfit, dotprod, "
                                             "packing, fgd, auto or offline");
        } else if ((r = cli_opt_value(argc, argv, &i, "--seed", &val)) != 0) {
            char *end = NULL;
            seed = r > 0 ? strtoull(val, &end, 10) : 0;
            if (r < 0 || !end || *end || !*val || val[0] == '-')
                return cli_usage_error(VERB, "--seed: expected a whole number >= 0");
        } else if ((r = cli_opt_value(argc, argv, &i, "--tune", &val)) != 0) {
            if (r < 0 || cli_parse_number(val, 0.8, &tune) != 0 || tune > 10)
                return cli_usage_error(VERB, "--tune: expected 0.8 <= T <= 10");
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &val)) != 0) {
            if (r < 0 || strcmp(val, "json") != 0)
                return cli_usage_error(VERB, "--format: replay prints json");
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "unexpected '%.100s' (see gpuarb share --help)", argv[i]);
            return cli_usage_error(VERB, msg);
        }
    }
    if (!nodes || !pods)
        return cli_usage_error(VERB, "replay needs --nodes and --pods");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    char *text = NULL;
    int code = CLI_EXIT_OK;
    gpuarb_status st = gpuarb_share_replay(ctx, nodes, pods, policy, seed, tune, &text);
    if (st) {
        cli_report(ctx);
        code = cli_exit_for_status(st);
    } else {
        cli_print(text);
    }
    gpuarb_free(text);
    gpuarb_ctx_free(ctx);
    return code;
}
