/*
 * cmd_pack.c - `gpuarb pack`: load a pack spec (SPEC section 4) or, with
 * --bpp, a BPPLIB instance, solve it with gpuarb_pack_solve and print the
 * packing as JSON or a table.  Exit codes (SPEC section 3): 0 every item
 * placed, 4 some items could not be placed (the packing of the others is
 * still printed, and the first unplaced item is named on standard error),
 * 2 usage, 3 bad input, 1 internal error or a problem past the memory
 * budget (GPUARB_ERR_LIMIT from the solve: the input is valid, the
 * machine's budget is what it exceeds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "pack"

static void help(void)
{
    fputs("usage: gpuarb pack [options] [SPEC|-]\n"
          "       gpuarb pack [options] --bpp FILE\n"
          "\n"
          "Pack the items (jobs) of SPEC onto as few nodes, or as cheap a mix of node\n"
          "types, as possible, and print the packing.  SPEC is YAML or JSON (SPEC.md\n"
          "section 4); '-' or absent reads standard input.  --bpp reads a classic\n"
          "one-dimensional BPPLIB instance (n, capacity, n weights) and minimises bins.\n"
          "\n"
          "options:\n"
          "  --algorithm A         auto (default), ffd, bfd, local, exact\n"
          "  --objective O         min_nodes (default) or min_cost\n"
          "  --time-limit S        seconds; 0 = none (default: the spec's time_limit_s, 10)\n"
          "  --memory-limit-mib M  memory budget of the solve in MiB; 0 = none (default:\n"
          "                        the spec's memory_limit_mib, 2048); a problem that needs\n"
          "                        more ends with exit 1 before any work\n"
          "  --seed N              local-search seed (default 0)\n"
          "  --format table|json   output format (table on a terminal, json otherwise)\n"
          "  --help                this text\n"
          "\n"
          "exit: 0 all items placed, 2 usage, 3 bad input, 4 some items unplaced,\n"
          "1 internal error or past the memory budget.\n",
          stdout);
}

static int lookup(const char *s, const char *const *names)
{
    for (int k = 0; names[k]; k++)
        if (strcmp(s, names[k]) == 0)
            return k;
    return -1;
}

static const char *const ALGOS[] = {"auto", "ffd", "bfd", "local", "exact", NULL};
static const char *const OBJS[] = {"min_nodes", "min_cost", NULL};

static int load(gpuarb_ctx *ctx, const char *path, int bpp, gpuarb_pack_problem **out)
{
    gpuarb_status st;
    if (path && strcmp(path, "-") != 0) {
        st = bpp ? gpuarb_pack_bpp_load(ctx, path, out) : gpuarb_pack_spec_load(ctx, path, out);
    } else {
        char *text;
        size_t len;
        int rc = cli_read_stdin(&text, &len);
        if (rc != 0)
            return rc;
        st = bpp ? gpuarb_pack_bpp_parse(ctx, text, len, "<stdin>", out)
                 : gpuarb_pack_spec_parse(ctx, text, len, "<stdin>", out);
        free(text);
    }
    if (st != GPUARB_OK) {
        cli_report(ctx);
        return cli_exit_for_status(st);
    }
    return CLI_EXIT_OK;
}

int cmd_pack(int argc, char **argv)
{
    const char *path = NULL, *val = NULL;
    int bpp = 0, fmt = cli_default_format();
    gpuarb_pack_opts opts;
    gpuarb_pack_opts_init(&opts);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--bpp", &val)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--bpp needs a FILE");
            if (path)
                return cli_usage_error(VERB, "give one input: SPEC or --bpp FILE");
            bpp = 1;
            path = val;
        } else if ((r = cli_opt_value(argc, argv, &i, "--algorithm", &val)) != 0) {
            if (r < 0 || (opts.algorithm = lookup(val, ALGOS)) < 0)
                return cli_usage_error(VERB, "--algorithm: expected auto, ffd, bfd, local or exact");
        } else if ((r = cli_opt_value(argc, argv, &i, "--objective", &val)) != 0) {
            if (r < 0 || (opts.objective = lookup(val, OBJS)) < 0)
                return cli_usage_error(VERB, "--objective: expected min_nodes or min_cost");
        } else if ((r = cli_opt_value(argc, argv, &i, "--time-limit", &val)) != 0) {
            double s = -1;
            if (r < 0 || cli_parse_number(val, 0, &s) != 0 || s > 86400)
                return cli_usage_error(VERB, "--time-limit: expected seconds, 0 <= S <= 86400");
            opts.time_limit_ms = s * 1000.0;
        } else if ((r = cli_opt_value(argc, argv, &i, "--memory-limit-mib", &val)) != 0) {
            double m = -1;
            if (r < 0 || cli_parse_number(val, 0, &m) != 0 || m > 1048576)
                return cli_usage_error(VERB,
                                       "--memory-limit-mib: expected MiB, 0 <= M <= 1048576");
            opts.memory_limit_mib = m;
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
            snprintf(msg, sizeof msg, "unknown option '%.100s' (see gpuarb pack --help)", a);
            return cli_usage_error(VERB, msg);
        } else {
            if (path)
                return cli_usage_error(VERB, "give one input: SPEC or --bpp FILE");
            path = a;
        }
    }
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_pack_problem *prob = NULL;
    gpuarb_pack_result *res = NULL;
    char *text = NULL;
    int code = load(ctx, path, bpp, &prob);
    if (code != CLI_EXIT_OK)
        goto out;
    gpuarb_status st = gpuarb_pack_solve(ctx, prob, &opts, &res);
    if (st == GPUARB_ERR_LIMIT) {
        /* past the memory budget: not bad input, a budget to raise */
        cli_report(ctx);
        code = CLI_EXIT_INTERNAL;
        goto out;
    }
    if (st == GPUARB_OK)
        st = fmt == CLI_FMT_JSON ? gpuarb_pack_result_to_json(ctx, res, &text)
                                 : gpuarb_pack_result_to_table(ctx, res, &text);
    if (st != GPUARB_OK) {
        cli_report(ctx);
        code = cli_exit_for_status(st);
        goto out;
    }
    cli_print(text);
    gpuarb_pack_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.size = sizeof sum;
    gpuarb_pack_result_summary(res, &sum);
    if (sum.unplaced_count > 0) {
        int64_t item = -1;
        const char *why = gpuarb_pack_result_unplaced(res, 0, &item);
        char name[128];
        gpuarb_pack_result_item_name(res, item, name, sizeof name);
        fprintf(stderr, "gpuarb: %s: %lld item%s not placed; first '%s': %s\n",
                path && strcmp(path, "-") ? path : "<stdin>", (long long)sum.unplaced_count,
                sum.unplaced_count == 1 ? "" : "s", name, why ? why : "");
        code = CLI_EXIT_INFEASIBLE;
    }
out:
    gpuarb_free(text);
    gpuarb_pack_result_free(res);
    gpuarb_pack_problem_free(prob);
    gpuarb_ctx_free(ctx);
    return code;
}
