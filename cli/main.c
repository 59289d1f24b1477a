/*
 * main.c - the gpuarb command: picks the verb and hands it the rest of the
 * arguments, and holds the few helpers every verb shares (output format,
 * exit codes, error reporting, reading standard input).  It only includes
 * gpuarb.h from the library.  Standard output carries only results; every
 * message goes to standard error.  Exit codes are SPEC section 3's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The most standard input a verb reads: the library's limit for what the
 * verb reads there (gpuarb(1), LIMITS), applied while reading, so that a
 * 16 MiB spec limit is not found after buffering 256 MB. */
#define MIB ((size_t)1 << 20)
#define CLI_STDIN_SPEC (16 * MIB)      /* an optimize spec */
#define CLI_STDIN_CATALOG (256 * MIB)  /* a catalog file */
#define CLI_STDIN_PACK (512 * MIB)     /* a BPP instance (a pack YAML spec: 16 MiB) */

typedef int (*verb_fn)(int argc, char **argv);

static const struct {
    const char *name;
    verb_fn run;
    const char *summary;
    size_t stdin_max;
    const char *stdin_what;
} verbs[] = {
    {"optimize", cmd_optimize, "choose the cheapest offers for a spec's workloads",
     CLI_STDIN_SPEC, "spec"},
    {"catalog", cmd_catalog, "list, filter and convert offer catalogs", CLI_STDIN_CATALOG,
     "catalog"},
    {"pack", cmd_pack, "pack jobs onto nodes (bin packing)", CLI_STDIN_PACK, "pack input"},
    {"simulate", cmd_simulate, "simulate an autoscaled GPU pool on a job trace",
     CLI_STDIN_CATALOG, "trace"},
    {"tune", cmd_tune, "grid-search an autoscaling policy's parameters", 0, "input"},
    {"mig", cmd_mig, "MIG profile tables and MIG / GPU-share placement", CLI_STDIN_SPEC, "spec"},
    {"share", cmd_share, "replay pods onto GPU nodes under a GPU-sharing policy", 0, "input"},
    {"version", cmd_version, "print library and CLI versions", 0, "input"},
    {"forecast", cmd_forecast, "forecast a series and backtest it against seasonal naive",
     CLI_STDIN_CATALOG, "series"},
    {"spot", cmd_spot, "a deadline job on spot with on-demand fallback (Can't Be Late)",
     CLI_STDIN_CATALOG, "spot trace"},
    {"market", cmd_market, "benchmark prices against competitors; price a fleet",
     CLI_STDIN_SPEC, "input"},
    {"train", cmd_train, "train the RL autoscaling policy (PPO) on job traces", 0, "input"},
};

/* The running verb's standard input limit (one verb per process). */
static size_t stdin_max = CLI_STDIN_SPEC;
static const char *stdin_what = "spec";

#define N_VERBS (sizeof verbs / sizeof verbs[0])

static void usage(FILE *f)
{
    fputs("usage: gpuarb VERB [options] [FILE]\n"
          "       gpuarb VERB --help | gpuarb --help | gpuarb --version\n"
          "\n"
          "GPU cost arbitrage: where to run GPU workloads, on which offers, at what price.\n"
          "\n"
          "verbs:\n",
          f);
    for (size_t i = 0; i < N_VERBS; i++)
        fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
    fputs("  help VERB  the same as 'gpuarb VERB --help'\n"
          "\n"
          "FILE '-' or absent reads standard input.  Every verb takes --format table|json\n"
          "(table on a terminal, json otherwise).  Exit codes: 0 plan found, 1 internal\n"
          "error, 2 usage error, 3 bad input, 4 infeasible, 5 time limit without a plan.\n"
          "See gpuarb(1).\n",
          f);
}

static verb_fn find_verb(const char *name)
{
    for (size_t i = 0; i < N_VERBS; i++)
        if (strcmp(verbs[i].name, name) == 0) {
            stdin_max = verbs[i].stdin_max;
            stdin_what = verbs[i].stdin_what;
            return verbs[i].run;
        }
    return NULL;
}

/* Run a verb, then make sure what it printed reached standard output: a
 * full disk or a closed pipe is an error the user must hear about. */
static int run_verb(verb_fn fn, int argc, char **argv)
{
    int code = fn(argc, argv);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            fprintf(stderr, "gpuarb: error writing standard output: %s\n", strerror(errno));
        return code == CLI_EXIT_OK ? CLI_EXIT_INTERNAL : code;
    }
    return code;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *a = argv[1];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
        char *vargv[] = {"version", "--format", "table", NULL};
        return run_verb(cmd_version, 3, vargv);
    }
    if (strcmp(a, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        verb_fn fn = find_verb(argv[2]);
        if (!fn) {
            fprintf(stderr, "gpuarb: help: unknown verb '%s'\n", argv[2]);
            return CLI_EXIT_USAGE;
        }
        char *hargv[] = {argv[2], "--help", NULL};
        return run_verb(fn, 2, hargv);
    }
    if (a[0] == '-') {
        fprintf(stderr, "gpuarb: unknown option '%s'\n", a);
        fputs("Try 'gpuarb --help'.\n", stderr);
        return CLI_EXIT_USAGE;
    }
    verb_fn fn = find_verb(a);
    if (!fn) {
        fprintf(stderr, "gpuarb: unknown verb '%s'\n", a);
        fputs("Try 'gpuarb --help'.\n", stderr);
        return CLI_EXIT_USAGE;
    }
    return run_verb(fn, argc - 1, argv + 1);
}

/* ---------------------------------------------------------------------- */
/* Helpers shared by the verbs (cli.h).                                    */

int cli_default_format(void)
{
    return isatty(STDOUT_FILENO) ? CLI_FMT_TABLE : CLI_FMT_JSON;
}

int cli_parse_format(const char *s, int *fmt)
{
    if (s && strcmp(s, "table") == 0) {
        *fmt = CLI_FMT_TABLE;
        return 0;
    }
    if (s && strcmp(s, "json") == 0) {
        *fmt = CLI_FMT_JSON;
        return 0;
    }
    fprintf(stderr, "gpuarb: --format: expected 'table' or 'json', got '%s'\n", s ? s : "");
    return CLI_EXIT_USAGE;
}

int cli_exit_for_status(gpuarb_status st)
{
    switch (st) {
    case GPUARB_OK:
        return CLI_EXIT_OK;
    case GPUARB_ERR_ARG:
        return CLI_EXIT_USAGE;
    case GPUARB_ERR_IO:
    case GPUARB_ERR_SYNTAX:
    case GPUARB_ERR_INPUT:
    case GPUARB_ERR_LIMIT:
        return CLI_EXIT_INPUT;
    default:
        return CLI_EXIT_INTERNAL;
    }
}

void cli_report(gpuarb_ctx *ctx)
{
    const char *full = gpuarb_errfull(ctx);
    if (!full || !full[0])
        full = gpuarb_strerror(gpuarb_errcode(ctx));
    fprintf(stderr, "gpuarb: %s\n", full);
}

gpuarb_ctx *cli_ctx_create(const char *verb)
{
    gpuarb_ctx *ctx = NULL;
    if (gpuarb_ctx_create(&ctx) == GPUARB_OK)
        return ctx;
    fprintf(stderr, "gpuarb: %s%sout of memory\n", verb ? verb : "", verb ? ": " : "");
    return NULL;
}

int cli_usage_error(const char *verb, const char *msg)
{
    if (verb && verb[0]) {
        fprintf(stderr, "gpuarb: %s: %s\n", verb, msg);
        fprintf(stderr, "Try 'gpuarb %s --help'.\n", verb);
    } else {
        fprintf(stderr, "gpuarb: %s\n", msg);
        fputs("Try 'gpuarb --help'.\n", stderr);
    }
    return CLI_EXIT_USAGE;
}

int cli_read_stdin(char **out, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    const size_t max = stdin_max;
    *out = NULL;
    if (len)
        *len = 0;
    if (!buf) {
        fputs("gpuarb: <stdin>: out of memory\n", stderr);
        return CLI_EXIT_INTERNAL;
    }
    for (;;) {
        if (n == cap) {
            if (n > max) {
                fprintf(stderr,
                        "gpuarb: <stdin>:1:1: %s larger than the limit of %zu bytes (%zu MiB)\n",
                        stdin_what, max, max / MIB);
                free(buf);
                return CLI_EXIT_INPUT;
            }
            /* room for max + 1 bytes: one byte past the limit proves it */
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                fputs("gpuarb: <stdin>: out of memory\n", stderr);
                free(buf);
                return CLI_EXIT_INTERNAL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t k = fread(buf + n, 1, cap - n, stdin);
        n += k;
        if (k == 0) {
            if (ferror(stdin)) {
                fprintf(stderr, "gpuarb: <stdin>: %s\n", strerror(errno));
                free(buf);
                return CLI_EXIT_INPUT;
            }
            break;
        }
    }
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return 0;
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *val = argv[++*i];
    return 1;
}

int cli_parse_number(const char *s, double lo, double *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v) || v < lo)
        return -1;
    *out = v;
    return 0;
}

void cli_print(const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    fwrite(s, 1, n, stdout);
    if (n == 0 || s[n - 1] != '\n')
        fputc('\n', stdout);
}
