/*
 * cmd_optimize.c - `gpuarb optimize`: load a spec (file or standard input),
 * optionally a catalog that replaces the spec's, solve it with
 * gpuarb_optimize and print the plan as JSON or a table.  The exit code
 * says what the solve found (SPEC section 3): 0 a plan, 4 infeasible, 5 time
 * limit before any plan; 2 usage, 3 bad input, 1 internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define VERB "optimize"
#define MAX_CATALOGS 64

static void help(void)
{
    fputs("usage: gpuarb optimize [options] [SPEC|-]\n"
          "\n"
          "Choose offers for the workloads of SPEC (YAML, or JSON) at the lowest total cost\n"
          "(or the highest throughput within the budget) and print the plan.  SPEC '-' or\n"
          "absent reads standard input.\n"
          "\n"
          "options:\n"
          "  --format table|json   output format (table on a terminal, json otherwise)\n"
          "  --format k8s|kueue|skypilot  the plan as Kubernetes Jobs/Deployments, Kueue\n"
          "                        flavors and quotas, or SkyPilot tasks (YAML; gpuarb(1))\n"
          "  --image IMAGE, --namespace NS  the pods' image and namespace (k8s, kueue)\n"
          "  --queue NAME          Kueue queue name (kueue; k8s: label objects for it)\n"
          "  --time-limit S        solver time limit in seconds; 0 = none (default: the\n"
          "                        spec's time_limit_s, 10)\n"
          "  --gap G               let the solver stop at relative gap G (default 0: prove\n"
          "                        optimality); such a plan is 'feasible' with its gap\n"
          "  --abs-gap D           let the solver stop when the plan is within D dollars\n"
          "                        (over the horizon) of the proven bound (default 0)\n"
          "  --memory-limit-mib M  memory budget of the model in MiB; 0 = none (default: the\n"
          "                        spec's memory_limit_mib, 2048); past it: exit 1\n"
          "  --catalog PATH        use this native CSV catalog instead of the spec's; repeat\n"
          "                        to merge several; 'skypilot:PROVIDER:PATH' reads a SkyPilot\n"
          "                        vms.csv; 'builtin' is the built-in snapshot\n"
          "  --current FLEET       plan the changes from the fleet running now (YAML or\n"
          "                        JSON rows, or the JSON plan of an earlier run): each\n"
          "                        launch costs move_hours of its price, keeping is free\n"
          "  --write-model FILE    also write the MIP in CPLEX LP format to FILE\n"
          "  --no-baseline         skip the single-provider on-demand baseline\n"
          "  --explain             also show, per workload, the best plan on each other\n"
          "                        provider and market and why it lost (JSON alternatives)\n"
          "  --today YYYY-MM-DD    the date price ages are counted from (default: the\n"
          "                        clock; SOURCE_DATE_EPOCH when set)\n"
          "  --help                this text\n"
          "\n"
          "exit: 0 plan found, 2 usage, 3 bad input, 4 infeasible, 5 time limit without a\n"
          "plan, 1 internal error, out of memory or past the memory budget.\n",
          stdout);
}



/* Load and merge the --catalog arguments into *out.  Returns an exit code. */
static int load_catalogs(gpuarb_ctx *ctx, const char **paths, int n, gpuarb_catalog **out)
{
    gpuarb_catalog *all = NULL;
    *out = NULL;
    for (int i = 0; i < n; i++) {
        gpuarb_catalog *c = NULL;
        /* "builtin", "skypilot:PROVIDER:PATH" or a native CSV path */
        gpuarb_status st = gpuarb_catalog_load_ref(ctx, paths[i], NULL, NULL, &c);
        if (st == GPUARB_ERR_ARG) {
            char msg[512];
            snprintf(msg, sizeof msg, "--catalog: %s", gpuarb_errmsg(ctx));
            gpuarb_catalog_free(all);
            return cli_usage_error(VERB, msg);
        }
        if (st != GPUARB_OK) {
            cli_report(ctx);
            gpuarb_catalog_free(all);
            return cli_exit_for_status(st);
        }
        if (!all) {
            all = c;
            continue;
        }
        st = gpuarb_catalog_append(ctx, all, c);
        gpuarb_catalog_free(c);
        if (st != GPUARB_OK) {
            cli_report(ctx);
            gpuarb_catalog_free(all);
            return cli_exit_for_status(st);
        }
    }
    *out = all;
    return CLI_EXIT_OK;
}

/* Load the spec from a file or standard input.  Returns an exit code. */
static int load_spec(gpuarb_ctx *ctx, const char *path, gpuarb_spec **out)
{
    gpuarb_status st;
    *out = NULL;
    if (path && strcmp(path, "-") != 0) {
        st = gpuarb_spec_load(ctx, path, out);
    } else {
        char *text;
        size_t len;
        int rc = cli_read_stdin(&text, &len);
        if (rc != 0)
            return rc;
        st = gpuarb_spec_parse(ctx, text, len, "<stdin>", NULL, out);
        free(text);
    }
    if (st != GPUARB_OK) {
        cli_report(ctx);
        return cli_exit_for_status(st);
    }
    return CLI_EXIT_OK;
}

/* Print the result in fmt.  Returns an exit code. */
static int print_result(gpuarb_ctx *ctx, const gpuarb_result *res, int fmt)
{
    char *text = NULL;
    gpuarb_status st = fmt == CLI_FMT_JSON ? gpuarb_result_to_json(ctx, res, &text)
                                           : gpuarb_result_to_table(ctx, res, &text);
    if (st != GPUARB_OK) {
        cli_report(ctx);
        return cli_exit_for_status(st);
    }
    cli_print(text);
    gpuarb_free(text);
    return CLI_EXIT_OK;
}

/* Tell standard error what the solve status means and pick the exit code. */
static int outcome(const gpuarb_result *res, const char *source, double time_limit_s)
{
    gpuarb_plan_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.size = sizeof sum;
    if (gpuarb_result_summary(res, &sum) != GPUARB_OK) {
        fprintf(stderr, "gpuarb: %s: cannot read the solve status\n", source);
        return CLI_EXIT_INTERNAL;
    }
    switch (sum.status) {
    case GPUARB_SOLVE_OPTIMAL:
        return CLI_EXIT_OK;
    case GPUARB_SOLVE_FEASIBLE:
        fprintf(stderr, "gpuarb: %s: the plan is feasible, not proven optimal: within %.4g%% "
                        "of the proven bound (time limit or gap tolerance)\n", source,
                100.0 * sum.mip_gap);
        return CLI_EXIT_OK;
    case GPUARB_SOLVE_INFEASIBLE: {
        const char *why = gpuarb_result_diagnostic_count(res) > 0
                              ? gpuarb_result_diagnostic(res, 0) : NULL;
        fprintf(stderr, "gpuarb: %s: infeasible: %s\n", source,
                why && why[0] ? why : "no plan satisfies the spec");
        return CLI_EXIT_INFEASIBLE;
    }
    case GPUARB_SOLVE_TIME_LIMIT:
        if (time_limit_s > 0)
            fprintf(stderr, "gpuarb: %s: time limit (%g s) reached before any feasible plan\n",
                    source, time_limit_s);
        else
            fprintf(stderr, "gpuarb: %s: time limit reached before any feasible plan\n", source);
        return CLI_EXIT_TIME_LIMIT;
    default:
        fprintf(stderr, "gpuarb: %s: unknown solve status %d\n", source, (int)sum.status);
        return CLI_EXIT_INTERNAL;
    }
}

/* The one-line progress display on a terminal's standard error, for
 * solves over a second: elapsed time, best plan, proven bound, gap. */
typedef struct progress_line {
    int shown;
} progress_line;

static int show_progress(void *arg, double inc, double bound, double elapsed_ms)
{
    progress_line *pl = arg;
    if (elapsed_ms < 1000)
        return 0;
    char ib[32] = "none", bb[32] = "none", gb[32] = "";
    if (inc == inc)
        snprintf(ib, sizeof ib, "%.10g", inc);
    if (bound == bound)
        snprintf(bb, sizeof bb, "%.10g", bound);
    if (inc == inc && bound == bound && inc != 0)
        snprintf(gb, sizeof gb, "  gap %.4f%%", 100.0 * (inc > bound ? inc - bound : bound - inc) /
                                                    (inc > 0 ? inc : -inc));
    fprintf(stderr, "\r\033[Kgpuarb: %.1f s  plan %s  bound %s%s", elapsed_ms / 1000.0, ib, bb,
            gb);
    fflush(stderr);
    pl->shown = 1;
    return 0;
}

int cmd_optimize(int argc, char **argv)
{
    int fmt = cli_default_format();
    double time_limit = -1, gap = -1, abs_gap = -1, mem_limit = -1;
    const char *catalogs[MAX_CATALOGS];
    int n_catalogs = 0, no_baseline = 0, ended = 0, explain = 0;
    const char *write_model = NULL, *spec_path = NULL, *today = NULL, *current = NULL;
    int export_fmt = -1;
    const char *image = NULL, *k8s_namespace = NULL, *queue = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int r;
        if (ended || a[0] != '-' || strcmp(a, "-") == 0) {
            if (spec_path)
                return cli_usage_error(VERB, "more than one SPEC given");
            spec_path = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            ended = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if (strcmp(a, "--no-baseline") == 0) {
            no_baseline = 1;
            continue;
        }
        if (strcmp(a, "--explain") == 0) {
            explain = 1;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--format needs a value");
            export_fmt = -1;
            if (cli_export_format(v, &export_fmt) != 0 && cli_parse_format(v, &fmt) != 0)
                return CLI_EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--image", &v)) != 0) {
            if (r < 0 || !v[0])
                return cli_usage_error(VERB, "--image needs a container image");
            image = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--namespace", &v)) != 0) {
            if (r < 0 || !v[0])
                return cli_usage_error(VERB, "--namespace needs a name");
            k8s_namespace = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--queue", &v)) != 0) {
            if (r < 0 || !v[0])
                return cli_usage_error(VERB, "--queue needs a name");
            queue = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--time-limit", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 0, &time_limit) != 0)
                return cli_usage_error(VERB, "--time-limit needs a number of seconds >= 0");
        } else if ((r = cli_opt_value(argc, argv, &i, "--gap", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 0, &gap) != 0 || gap >= 1)
                return cli_usage_error(VERB, "--gap needs a relative gap in [0, 1)");
        } else if ((r = cli_opt_value(argc, argv, &i, "--abs-gap", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 0, &abs_gap) != 0)
                return cli_usage_error(VERB, "--abs-gap needs a number of dollars >= 0");
        } else if ((r = cli_opt_value(argc, argv, &i, "--memory-limit-mib", &v)) != 0) {
            if (r < 0 || cli_parse_number(v, 0, &mem_limit) != 0 || mem_limit > 1048576)
                return cli_usage_error(VERB, "--memory-limit-mib needs a number of MiB from 0 "
                                             "(none) to 1048576");
        } else if ((r = cli_opt_value(argc, argv, &i, "--catalog", &v)) != 0) {
            if (r < 0 || !v[0])
                return cli_usage_error(VERB, "--catalog needs a path");
            if (n_catalogs == MAX_CATALOGS)
                return cli_usage_error(VERB, "too many --catalog options");
            catalogs[n_catalogs++] = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--today", &v)) != 0) {
            if (r < 0 || !v[0])
                return cli_usage_error(VERB, "--today needs a date YYYY-MM-DD");
            today = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--current", &v)) != 0) {
            if (r < 0 || !v[0])
                return cli_usage_error(VERB, "--current needs a fleet file");
            current = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--write-model", &v)) != 0) {
            if (r < 0 || !v[0])
                return cli_usage_error(VERB, "--write-model needs a file name");
            write_model = v;
        } else {
            fprintf(stderr, "gpuarb: optimize: unknown option '%s'\n", a);
            fputs("Try 'gpuarb optimize --help'.\n", stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (!spec_path && isatty(STDIN_FILENO))
        return cli_usage_error(VERB, "no SPEC given (and standard input is a terminal)");

    gpuarb_ctx *ctx = cli_ctx_create(NULL);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_spec *spec = NULL;
    gpuarb_catalog *cat = NULL;
    gpuarb_result *res = NULL;
    /* reproducible builds' convention for "now", then --today */
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (!today && epoch && epoch[0]) {
        char *end;
        long long secs = strtoll(epoch, &end, 10);
        time_t t = (time_t)secs;
        struct tm tm;
        static char buf[16];
        if (*end == '\0' && secs > 0 && gmtime_r(&t, &tm) &&
            strftime(buf, sizeof buf, "%Y-%m-%d", &tm) == 10)
            today = buf;
    }
    if (today && gpuarb_ctx_set_today(ctx, today) != GPUARB_OK) {
        gpuarb_ctx_free(ctx);
        return cli_usage_error(VERB, "--today needs a date YYYY-MM-DD");
    }
    int code = load_spec(ctx, spec_path, &spec);
    if (code == CLI_EXIT_OK)
        code = load_catalogs(ctx, catalogs, n_catalogs, &cat);
    if (code == CLI_EXIT_OK && current) {
        /* delta plans: the fleet running now replaces the spec's current: */
        gpuarb_fleet *fleet = NULL;
        gpuarb_status st = gpuarb_fleet_load(ctx, current, &fleet);
        if (!st)
            st = gpuarb_spec_set_current(ctx, spec, fleet);
        gpuarb_fleet_free(fleet);
        if (st) {
            cli_report(ctx);
            code = cli_exit_for_status(st);
        }
    }
    if (code == CLI_EXIT_OK) {
        gpuarb_optimize_opts opts;
        gpuarb_optimize_opts_init(&opts);
        if (time_limit >= 0)
            opts.time_limit_s = time_limit;
        if (gap >= 0)
            opts.mip_gap = gap;
        if (abs_gap >= 0)
            opts.abs_gap = abs_gap;
        if (mem_limit >= 0)
            opts.memory_limit_mib = mem_limit;
        opts.skip_baseline = no_baseline;
        opts.write_model = write_model;
        opts.explain = explain;
        progress_line pl = {0};
        if (isatty(STDERR_FILENO)) {
            opts.progress = show_progress;
            opts.progress_arg = &pl;
        }
        gpuarb_status st = gpuarb_optimize(ctx, spec, cat, &opts, &res);
        if (pl.shown)
            fputs("\r\033[K", stderr); /* the line gives way to the result */
        if (st != GPUARB_OK) {
            cli_report(ctx);
            /* past the memory budget: the input is valid, the budget is what
             * it exceeds (exit 1, as out of memory; gpuarb pack does the same) */
            code = st == GPUARB_ERR_LIMIT ? CLI_EXIT_INTERNAL : cli_exit_for_status(st);
        }
    }
    if (code == CLI_EXIT_OK)
        code = export_fmt >= 0 ? cli_print_export(ctx, res, spec, export_fmt, image,
                                                     k8s_namespace, queue)
                               : print_result(ctx, res, fmt);
    if (code == CLI_EXIT_OK) {
        const char *source = spec_path && strcmp(spec_path, "-") != 0 ? spec_path : "<stdin>";
        code = outcome(res, source, time_limit);
    }
    gpuarb_result_free(res);
    gpuarb_catalog_free(cat);
    gpuarb_spec_free(spec);
    gpuarb_ctx_free(ctx);
    return code;
}
