/*
 * cli.h - the gpuarb command's verbs and the few helpers they share
 * (argument conventions, output format, exit codes).  The CLI includes only
 * gpuarb.h from the library: it parses arguments, calls the API, prints.
 */
#ifndef GPUARB_CLI_H
#define GPUARB_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "gpuarb.h"

/* SPEC section 3 exit codes. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_INTERNAL = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_INPUT = 3,
    CLI_EXIT_INFEASIBLE = 4,
    CLI_EXIT_TIME_LIMIT = 5
};

enum { CLI_FMT_TABLE = 0, CLI_FMT_JSON = 1 };

/* Each verb gets argv after the verb name (argv[0] is the verb) and
 * returns an exit code. */
int cmd_optimize(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_spot(int argc, char **argv);
int cmd_market(int argc, char **argv);
int cmd_mig(int argc, char **argv);
int cmd_share(int argc, char **argv);

/* Table on a terminal, JSON otherwise. */
int cli_default_format(void);
/* Parse "table"/"json" into *fmt; 0 on success, prints usage error else. */
int cli_parse_format(const char *s, int *fmt);
/* Exit code for a failed library call (ARG 2, input kinds 3, else 1). */
int cli_exit_for_status(gpuarb_status st);
/* Print "gpuarb: SOURCE:LINE:COL: PATH: message" to stderr. */
void cli_report(gpuarb_ctx *ctx);
/* A new context, or NULL after printing "gpuarb: out of memory" (with
 * "VERB: " before "out" when verb is not NULL). */
gpuarb_ctx *cli_ctx_create(const char *verb);
/* Print "gpuarb: VERB: message" as a usage error and return 2. */
int cli_usage_error(const char *verb, const char *msg);
/* Read all of standard input; *out NUL-terminated (free with free()).
 * Returns 0, or after printing a message the exit code: CLI_EXIT_INTERNAL
 * when memory ran out (out of memory is never bad input), CLI_EXIT_INPUT
 * past the verb's limit or on a read error. */
int cli_read_stdin(char **out, size_t *len);
/* Option with a value, as "--name VALUE" or "--name=VALUE": 1 with *val set
 * (advancing *i past a separate value), 0 if argv[*i] is another option, -1
 * if the value is missing. */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val);
/* A finite number >= lo spelling the whole of s: 0 with *out set, else -1. */
int cli_parse_number(const char *s, double lo, double *out);
/* optimize --format k8s|kueue|skypilot (cli/export.c): parse the name into
 * a gpuarb_export_format (0, or -1 when s is none of them); print the plan
 * exported (nothing when the result has no plan), returning an exit code. */
int cli_export_format(const char *s, int *fmt);
int cli_print_export(gpuarb_ctx *ctx, const gpuarb_result *res, const gpuarb_spec *spec,
                     int fmt, const char *image, const char *k8s_namespace,
                     const char *queue);
/* Write s (may be NULL) and a trailing newline if missing to stdout. */
void cli_print(const char *s);

/* ==== argument helpers several verbs share (cli/args.c) ==== */
/* A whole number lo..hi spelling the whole of s: 0 with *out set, else -1. */
int cli_parse_whole(const char *s, long long lo, long long hi, long long *out);
/* A whole number lo..hi (hi within int32_t), written as any number
 * cli_parse_number takes ("1e3" is 1000): 0 with *out set, else -1. */
int cli_parse_int32(const char *s, double lo, double hi, int32_t *out);
/* A seed, a whole number >= 0 (no sign): 0 with *out set, else -1. */
int cli_parse_seed(const char *s, uint64_t *out);
/* "native", "openb" or "gavel" as a GPUARB_TRACE_* value, else -1. */
int cli_parse_trace_format(const char *s);
/* --days "A:B" with 0 <= A < B: 0 with *a and *b set, else -1. */
int cli_parse_days(const char *s, double *a, double *b);

#define CLI_MAX_TRACES 64
/* The training traces of train and tune and how to read them. */
typedef struct cli_traces {
    const char *paths[CLI_MAX_TRACES];
    int n;
    int format;              /* GPUARB_TRACE_* (native by default) */
    const char *throughputs; /* --throughputs FILE, or NULL */
    int have_days;           /* --days A:B given */
    double day0, day1;
} cli_traces;
void cli_traces_init(cli_traces *t);
/* Add a trace path: 0, or a usage error's exit code past CLI_MAX_TRACES. */
int cli_traces_add(cli_traces *t, const char *verb, const char *path);
/* When argv[*i] is --trace, --trace-format, --throughputs or --days: take
 * it (and its value) and return 1 with *code 0, or a usage error's exit code
 * after printing it; else return 0. */
int cli_traces_option(int argc, char **argv, int *i, const char *verb, cli_traces *t, int *code);
/* Load every trace into tr[0..t->n) (each cut to --days when given); the
 * caller frees tr[] whatever the status. */
gpuarb_status cli_traces_load(gpuarb_ctx *ctx, const cli_traces *t, gpuarb_trace **tr);
/* Print "gpuarb: VERB[ SUB]: unknown argument 'ARG'" and the --help hint
 * (ARG whole, not cut) to stderr; returns CLI_EXIT_USAGE. */
int cli_unknown_argument(const char *verb, const char *sub, const char *arg);
/* s as a JSON string on stdout (quotes, backslashes and controls escaped). */
void cli_print_json_string(const char *s);

#endif
