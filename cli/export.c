/*
 * export.c - `gpuarb optimize --format k8s|kueue|skypilot`: the plan through
 * gpuarb_result_export, printed.  A result without a plan prints nothing
 * here; cmd_optimize's outcome then says why and exits 4 or 5.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_export_format(const char *s, int *fmt)
{
    if (strcmp(s, "k8s") == 0)
        *fmt = GPUARB_EXPORT_K8S;
    else if (strcmp(s, "kueue") == 0)
        *fmt = GPUARB_EXPORT_KUEUE;
    else if (strcmp(s, "skypilot") == 0)
        *fmt = GPUARB_EXPORT_SKYPILOT;
    else
        return -1;
    return 0;
}

int cli_print_export(gpuarb_ctx *ctx, const gpuarb_result *res, const gpuarb_spec *spec,
                     int fmt, const char *image, const char *k8s_namespace, const char *queue)
{
    gpuarb_plan_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.size = sizeof sum;
    if (gpuarb_result_summary(res, &sum) == GPUARB_OK && sum.status != GPUARB_SOLVE_OPTIMAL &&
        sum.status != GPUARB_SOLVE_FEASIBLE)
        return CLI_EXIT_OK;
    gpuarb_export_opts opts;
    gpuarb_export_opts_init(&opts);
    opts.format = fmt;
    opts.image = image;
    opts.k8s_namespace = k8s_namespace;
    opts.queue = queue;
    char *text = NULL;
    gpuarb_status st = gpuarb_result_export(ctx, res, spec, &opts, &text);
    if (st != GPUARB_OK) {
        cli_report(ctx);
        return st == GPUARB_ERR_ARG ? CLI_EXIT_USAGE : cli_exit_for_status(st);
    }
    cli_print(text);
    gpuarb_free(text);
    return CLI_EXIT_OK;
}
