/*
 * cmd_mig.c - `gpuarb mig profiles --gpu MODEL` (a model's MIG profile
 * table) and `gpuarb mig place SPEC` (SPEC section 5): load, place, print
 * as a table, JSON or an NVIDIA mig-parted config.  Exit codes: 0 every
 * request placed, 4 some unplaced (the placement of the others is still
 * printed), 2 usage, 3 bad input, 1 internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "mig"

static void help(void)
{
    fputs("usage: gpuarb mig profiles --gpu MODEL [--format table|json]\n"
          "       gpuarb mig place [--format table|json|mig-parted|k8s] [SPEC|-]\n"
          "\n"
          "profiles: the MIG profiles of a GPU model as nvidia-smi mig -lgip/-lgipp print\n"
          "them (name, id, compute slices, memory slots, memory, instances, start slots).\n"
          "place: place the MIG instance requests and GPU shares of SPEC (SPEC.md section 5)\n"
          "onto its GPUs: as many as possible (priority first), on as few GPUs as possible,\n"
          "leaving the free slots as unfragmented as possible.  --format mig-parted writes\n"
          "the resulting layout as an NVIDIA mig-parted v1 config.\n"
          "\n"
          "exit: 0 all placed, 2 usage, 3 bad input, 4 some requests unplaced, 1 internal.\n",
          stdout);
}

static int profiles(int argc, char **argv)
{
    const char *gpu = NULL, *val;
    int fmt = cli_default_format();
    for (int i = 1; i < argc; i++) {
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--gpu", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--gpu needs a MODEL");
            gpu = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &val)) != 0) {
            if (r < 0 || cli_parse_format(val, &fmt) != 0)
                return CLI_EXIT_USAGE;
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "profiles: unexpected '%.100s'", argv[i]);
            return cli_usage_error(VERB, msg);
        }
    }
    if (!gpu)
        return cli_usage_error(VERB, "profiles needs --gpu MODEL");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    char *text = NULL;
    gpuarb_status st = gpuarb_mig_profiles_to_text(ctx, gpu, fmt == CLI_FMT_TABLE, &text);
    int code = CLI_EXIT_OK;
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

static int place(int argc, char **argv)
{
    const char *path = NULL, *val;
    int fmt = cli_default_format() == CLI_FMT_TABLE ? GPUARB_MIG_TABLE : GPUARB_MIG_JSON;
    for (int i = 1; i < argc; i++) {
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--format", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--format needs table, json, mig-parted or k8s");
            if (strcmp(val, "k8s") == 0)
                fmt = -1; /* Kubernetes pods: gpuarb_mig_result_export */
            else if (strcmp(val, "mig-parted") == 0)
                fmt = GPUARB_MIG_PARTED;
            else if (strcmp(val, "json") == 0)
                fmt = GPUARB_MIG_JSON;
            else if (strcmp(val, "table") == 0)
                fmt = GPUARB_MIG_TABLE;
            else
                return cli_usage_error(VERB, "--format: expected table, json, mig-parted or k8s");
        } else if (argv[i][0] == '-' && argv[i][1]) {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown option '%.100s' (see gpuarb mig --help)",
                     argv[i]);
            return cli_usage_error(VERB, msg);
        } else {
            if (path)
                return cli_usage_error(VERB, "place takes one SPEC");
            path = argv[i];
        }
    }
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_mig_problem *prob = NULL;
    gpuarb_mig_result *res = NULL;
    char *text = NULL;
    gpuarb_status st;
    int code = CLI_EXIT_OK;
    if (path && strcmp(path, "-") != 0) {
        st = gpuarb_mig_spec_load(ctx, path, &prob);
    } else {
        char *in;
        size_t len;
        if ((code = cli_read_stdin(&in, &len)) != 0)
            goto out;
        st = gpuarb_mig_spec_parse(ctx, in, len, "<stdin>", &prob);
        free(in);
    }
    if (!st)
        st = gpuarb_mig_place(ctx, prob, &res);
    if (!st && fmt < 0)
        st = gpuarb_mig_result_export(ctx, res, NULL, &text);
    else if (!st)
        st = gpuarb_mig_result_to_text(ctx, res, fmt, &text);
    if (st) {
        cli_report(ctx);
        code = cli_exit_for_status(st);
        goto out;
    }
    cli_print(text);
    gpuarb_mig_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.size = sizeof sum;
    gpuarb_mig_result_summary(res, &sum);
    if (sum.unplaced > 0) {
        fprintf(stderr, "gpuarb: %s: %lld of %lld requests not placed\n",
                path && strcmp(path, "-") ? path : "<stdin>", (long long)sum.unplaced,
                (long long)sum.requests);
        code = CLI_EXIT_INFEASIBLE;
    }
out:
    gpuarb_free(text);
    gpuarb_mig_result_free(res);
    gpuarb_mig_problem_free(prob);
    gpuarb_ctx_free(ctx);
    return code;
}

int cmd_mig(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(VERB, "expected 'profiles' or 'place'");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help();
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "profiles") == 0)
        return profiles(argc - 1, argv + 1);
    if (strcmp(argv[1], "place") == 0)
        return place(argc - 1, argv + 1);
    return cli_usage_error(VERB, "expected 'profiles' or 'place'");
}
