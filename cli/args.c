/*
 * args.c - argument helpers several verbs share: whole numbers, seeds, the
 * trace options of simulate/train/tune (--trace-format, --days) and the
 * traces train and tune load, and a JSON string for the model path train
 * and spot print.  One place, so the verbs accept and refuse the same
 * spellings with the same messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parse_whole(const char *s, long long lo, long long hi, long long *out)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (!*s || !end || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_int32(const char *s, double lo, double hi, int32_t *out)
{
    double v;
    if (cli_parse_number(s, lo, &v) != 0 || v > hi || v != (double)(int32_t)v)
        return -1;
    *out = (int32_t)v;
    return 0;
}

int cli_parse_seed(const char *s, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (!end || *end || !*s || s[0] == '-')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int cli_parse_trace_format(const char *s)
{
    return strcmp(s, "native") == 0  ? GPUARB_TRACE_NATIVE
           : strcmp(s, "openb") == 0 ? GPUARB_TRACE_OPENB
           : strcmp(s, "gavel") == 0 ? GPUARB_TRACE_GAVEL
                                     : -1;
}

int cli_parse_days(const char *s, double *a, double *b)
{
    const char *colon = strchr(s, ':');
    if (!colon)
        return -1;
    char buf[64];
    size_t n = (size_t)(colon - s);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (cli_parse_number(buf, 0, a) != 0 || cli_parse_number(colon + 1, 0, b) != 0 || *b <= *a)
        return -1;
    return 0;
}

void cli_traces_init(cli_traces *t)
{
    memset(t, 0, sizeof *t);
    t->format = GPUARB_TRACE_NATIVE;
}

int cli_traces_add(cli_traces *t, const char *verb, const char *path)
{
    if (t->n == CLI_MAX_TRACES)
        return cli_usage_error(verb, "at most 64 traces");
    t->paths[t->n++] = path;
    return CLI_EXIT_OK;
}

int cli_traces_option(int argc, char **argv, int *i, const char *verb, cli_traces *t, int *code)
{
    const char *val = NULL;
    int r;
    *code = CLI_EXIT_OK;
    if ((r = cli_opt_value(argc, argv, i, "--trace", &val)) != 0) {
        *code = r < 0 ? cli_usage_error(verb, "--trace needs a FILE")
                      : cli_traces_add(t, verb, val);
    } else if ((r = cli_opt_value(argc, argv, i, "--trace-format", &val)) != 0) {
        if (r < 0 || (t->format = cli_parse_trace_format(val)) < 0)
            *code = cli_usage_error(verb, "--trace-format: expected native, openb or gavel");
    } else if ((r = cli_opt_value(argc, argv, i, "--throughputs", &val)) != 0) {
        if (r < 0)
            *code = cli_usage_error(verb, "--throughputs needs a FILE");
        else
            t->throughputs = val;
    } else if ((r = cli_opt_value(argc, argv, i, "--days", &val)) != 0) {
        if (r < 0 || cli_parse_days(val, &t->day0, &t->day1) != 0)
            *code = cli_usage_error(verb, "--days: expected A:B with 0 <= A < B");
        else
            t->have_days = 1;
    } else {
        return 0;
    }
    return 1;
}

gpuarb_status cli_traces_load(gpuarb_ctx *ctx, const cli_traces *t, gpuarb_trace **tr)
{
    gpuarb_status st = GPUARB_OK;
    for (int k = 0; k < t->n && !st; k++) {
        st = gpuarb_trace_load(ctx, t->paths[k], t->format, t->throughputs, &tr[k]);
        if (!st && t->have_days) {
            gpuarb_trace *w = NULL;
            st = gpuarb_trace_window(ctx, tr[k], t->day0 * 86400.0, t->day1 * 86400.0, &w);
            gpuarb_trace_free(tr[k]);
            tr[k] = w;
        }
    }
    return st;
}

int cli_unknown_argument(const char *verb, const char *sub, const char *arg)
{
    fprintf(stderr, "gpuarb: %s%s%s: unknown argument '%s'\n", verb, sub ? " " : "", sub ? sub : "",
            arg);
    fprintf(stderr, "Try 'gpuarb %s --help'.\n", verb);
    return CLI_EXIT_USAGE;
}

void cli_print_json_string(const char *s)
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
