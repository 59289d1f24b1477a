/*
 * cmd_catalog.c - `gpuarb catalog`: list the offers of a catalog (the
 * built-in snapshot by default) filtered and sorted, as a table, JSON or
 * native CSV; and `gpuarb catalog import --from skypilot`, which reads a
 * SkyPilot vms.csv and prints the native CSV.  Thin: parse arguments, call
 * the catalog API, print.  Exit codes are SPEC section 3's: 0 done, 2 usage,
 * 3 bad input, 1 internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "catalog"
#define MAX_CATALOGS 64
#define MAX_REGIONS 64
#define FMT_CSV 100 /* local to this verb, beside CLI_FMT_TABLE / CLI_FMT_JSON */

static void help(void)
{
    printf("usage: gpuarb catalog [options]\n"
           "       gpuarb catalog import --from skypilot --provider P [options] [FILE|-]\n"
           "       gpuarb catalog check [options]\n"
           "\n"
           "List the offers of a catalog, filtered and sorted.  Without --catalog the\n"
           "built-in snapshot of public list prices is listed:\n"
           "  %s\n"
           "\n"
           "options:\n"
           "  --catalog PATH          a native CSV catalog ('-' standard input); repeat to\n"
           "                          merge; 'builtin' is the snapshot; 'skypilot:P:PATH'\n"
           "                          reads a SkyPilot vms.csv of provider P\n"
           "  --skypilot-provider P   read the --catalog files as SkyPilot vms.csv of P\n"
           "  --gpu MODEL             only this GPU model (any alias, any case)\n"
           "  --provider P            only this provider\n"
           "  --region GLOB           only regions matching the shell glob; repeat for any\n"
           "  --spot                  only offers with a spot price\n"
           "  --min-gpus N            only offers with at least N GPUs per instance\n"
           "  --sort KEY              price | price_per_gpu | spot_per_gpu (default: file order)\n"
           "  --merge-zones           offers that differ only in zone become region-wide\n"
           "  --format table|json|csv output format (table on a terminal, json otherwise;\n"
           "                          csv is the native catalog format)\n"
           "  --help                  this text\n"
           "\n"
           "import: read a SkyPilot catalog vms.csv (columns by header name) of provider P and\n"
           "print the native CSV.  Non-GPU accelerators and unknown GPU names are skipped\n"
           "and counted on standard error.  GCP accelerator rows (empty InstanceType) are\n"
           "left out (their price is the GPUs only, without the VM they attach to), and so\n"
           "are part-GPU sizes (Azure NVv4); SkyPilot's \"H100\" becomes H100-PCIE or\n"
           "H100-NVL where the instance type says so.\n"
           "The filters --gpu, --region, --min-gpus, --spot, --merge-zones apply too.\n"
           "\n"
           "check: lint the (filtered) catalog for prices not to trust: an instance type\n"
           "above 1.8x its median price across regions, spot above on-demand, GPU-only\n"
           "prices, duplicate offers, part-GPU sizes.  Prints a report (table or json);\n"
           "exit 0 whatever it finds.\n"
           "\n"
           "exit: 0 done, 2 usage, 3 bad input, 1 internal error.\n",
           gpuarb_catalog_builtin_info());
}

static void log_to_stderr(void *user, int32_t level, const char *message)
{
    (void)user;
    (void)level;
    fprintf(stderr, "gpuarb: %s\n", message);
}

typedef struct args {
    int import, check;
    const char *catalogs[MAX_CATALOGS];
    int ncatalogs;
    const char *skypilot_provider;
    const char *from;
    const char *file;
    char regions[1024]; /* globs joined with '|' */
    int fmt, merge;
    gpuarb_catalog_query q;
} args;

static int parse_sort(const char *s, int32_t *sort)
{
    static const struct {
        const char *name;
        int32_t key;
    } keys[] = {{"price", GPUARB_SORT_PRICE},
                {"price_per_gpu", GPUARB_SORT_PRICE_PER_GPU},
                {"spot_per_gpu", GPUARB_SORT_SPOT_PER_GPU},
                {"none", GPUARB_SORT_NONE}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(s, keys[i].name) == 0) {
            *sort = keys[i].key;
            return 0;
        }
    return -1;
}

static int add_region(args *a, const char *glob)
{
    size_t used = strlen(a->regions), n = strlen(glob);
    if (n == 0 || strchr(glob, '|') || used + n + 2 > sizeof a->regions)
        return -1;
    if (used)
        a->regions[used++] = '|';
    memcpy(a->regions + used, glob, n + 1);
    return 0;
}

/* Returns -1 when parsed, else an exit code (0 after --help). */
static int parse_args(int argc, char **argv, args *a)
{
    int first = 1;
    memset(a, 0, sizeof *a);
    gpuarb_catalog_query_init(&a->q);
    a->fmt = cli_default_format();
    if (argc > 1 && strcmp(argv[1], "import") == 0) {
        a->import = 1;
        first = 2;
    } else if (argc > 1 && strcmp(argv[1], "check") == 0) {
        a->check = 1;
        first = 2;
    }
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i], *v = NULL;
        int r;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if (strcmp(arg, "--spot") == 0) {
            a->q.spot_only = 1;
        } else if (strcmp(arg, "--merge-zones") == 0) {
            a->merge = 1;
        } else if ((r = cli_opt_value(argc, argv, &i, "--catalog", &v)) != 0) {
            if (r < 0 || a->import)
                return cli_usage_error(VERB, r < 0 ? "--catalog needs a PATH"
                                                   : "import reads FILE, not --catalog");
            if (a->ncatalogs == MAX_CATALOGS)
                return cli_usage_error(VERB, "too many --catalog options");
            a->catalogs[a->ncatalogs++] = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--skypilot-provider", &v)) != 0 ||
                   (r = cli_opt_value(argc, argv, &i, "--provider", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--provider needs a value");
            if (strncmp(arg, "--skypilot-provider", 19) == 0 || a->import)
                a->skypilot_provider = v;
            else
                a->q.provider = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--from", &v)) != 0) {
            if (r < 0 || !a->import)
                return cli_usage_error(VERB, "--from belongs to 'gpuarb catalog import'");
            a->from = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--gpu", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--gpu needs a MODEL");
            a->q.gpu = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--region", &v)) != 0) {
            if (r < 0 || add_region(a, v) != 0)
                return cli_usage_error(VERB, "--region needs a GLOB (no '|'; at most 1 KB)");
        } else if ((r = cli_opt_value(argc, argv, &i, "--min-gpus", &v)) != 0) {
            char *end;
            long n = r > 0 ? strtol(v, &end, 10) : -1;
            if (r < 0 || !*v || *end || n < 0 || n > 1000000)
                return cli_usage_error(VERB, "--min-gpus needs an integer >= 0");
            a->q.min_gpus = (int32_t)n;
        } else if ((r = cli_opt_value(argc, argv, &i, "--sort", &v)) != 0) {
            if (r < 0 || parse_sort(v, &a->q.sort) != 0)
                return cli_usage_error(VERB,
                                       "--sort needs price, price_per_gpu or spot_per_gpu");
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--format needs table, json or csv");
            if (strcmp(v, "csv") == 0)
                a->fmt = FMT_CSV;
            else if (cli_parse_format(v, &a->fmt) != 0)
                return CLI_EXIT_USAGE;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            char msg[128];
            snprintf(msg, sizeof msg, "unknown option '%.80s'", arg);
            return cli_usage_error(VERB, msg);
        } else if (a->import && !a->file) {
            a->file = arg;
        } else {
            return cli_usage_error(VERB, a->import ? "import reads one FILE"
                                                   : "unexpected argument (use --catalog PATH)");
        }
    }
    if (a->import) {
        if (!a->from || strcmp(a->from, "skypilot") != 0)
            return cli_usage_error(VERB, "import needs --from skypilot");
        if (!a->skypilot_provider)
            return cli_usage_error(VERB, "import needs --provider P (aws, gcp, azure, ...)");
        a->fmt = FMT_CSV; /* import prints the native CSV */
    }
    if (a->regions[0])
        a->q.region = a->regions;
    return -1;
}

/* Load one catalog argument into *out: "-" is standard input, anything
 * else a catalog reference ("builtin", "skypilot:PROVIDER:PATH" or a path,
 * read as SkyPilot's vms.csv of sky when --skypilot-provider is given). */
static gpuarb_status load_one(gpuarb_ctx *ctx, const char *arg, const char *sky,
                              gpuarb_catalog **out)
{
    int32_t format = sky ? GPUARB_CATALOG_SKYPILOT : GPUARB_CATALOG_NATIVE;
    if (strcmp(arg, "-") == 0) {
        char *text;
        size_t len;
        int rc = cli_read_stdin(&text, &len);
        if (rc != 0)
            return rc == CLI_EXIT_INTERNAL ? GPUARB_ERR_NOMEM : GPUARB_ERR_IO;
        gpuarb_status st = gpuarb_catalog_parse(ctx, text, len, "<stdin>", format, sky, out);
        free(text);
        return st;
    }
    return gpuarb_catalog_load_ref(ctx, arg, NULL, sky, out);
}

/* Load and merge every catalog named.  Returns an exit code. */
static int load_all(gpuarb_ctx *ctx, const args *a, gpuarb_catalog **out)
{
    const char *dflt = a->import ? (a->file ? a->file : "-") : "builtin";
    const char *const *names = a->ncatalogs ? a->catalogs : &dflt;
    int n = a->ncatalogs ? a->ncatalogs : 1;
    gpuarb_catalog *all = NULL;
    *out = NULL;
    for (int i = 0; i < n; i++) {
        gpuarb_catalog *c = NULL;
        gpuarb_status st = load_one(ctx, names[i], a->skypilot_provider, &c);
        if (st == GPUARB_ERR_ARG) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s%s", a->ncatalogs ? "--catalog: " : "",
                     gpuarb_errmsg(ctx));
            gpuarb_catalog_free(all);
            return cli_usage_error(VERB, msg);
        }
        if (st == GPUARB_OK && all) {
            st = gpuarb_catalog_append(ctx, all, c);
            gpuarb_catalog_free(c);
            c = NULL;
        } else if (st == GPUARB_OK) {
            all = c;
        }
        if (st != GPUARB_OK) {
            if (st != GPUARB_ERR_IO || gpuarb_errcode(ctx) == GPUARB_ERR_IO)
                cli_report(ctx);
            gpuarb_catalog_free(all);
            return cli_exit_for_status(st);
        }
    }
    *out = all;
    return CLI_EXIT_OK;
}

static int fail(gpuarb_ctx *ctx, gpuarb_status st)
{
    cli_report(ctx);
    return cli_exit_for_status(st);
}

int cmd_catalog(int argc, char **argv)
{
    args a;
    int code = parse_args(argc, argv, &a);
    if (code >= 0)
        return code;
    gpuarb_ctx *ctx = cli_ctx_create(NULL);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_ctx_set_log(ctx, log_to_stderr, NULL,
                       a.import ? GPUARB_LOG_INFO : GPUARB_LOG_WARN);
    gpuarb_catalog *cat = NULL, *sel = NULL, *merged = NULL;
    char *text = NULL;
    gpuarb_status st;
    code = load_all(ctx, &a, &cat);
    if (code != CLI_EXIT_OK)
        goto done;
    if ((st = gpuarb_catalog_select(ctx, cat, &a.q, &sel)) != GPUARB_OK) {
        /* the query comes from the command line: a bad value is a usage error */
        if (st == GPUARB_ERR_INPUT || st == GPUARB_ERR_ARG) {
            char msg[1200];
            snprintf(msg, sizeof msg, "--%s: %s", gpuarb_errpath(ctx), gpuarb_errmsg(ctx));
            code = cli_usage_error(VERB, msg);
        } else {
            code = fail(ctx, st);
        }
        goto done;
    }
    if (a.merge) {
        if ((st = gpuarb_catalog_merge_zones(ctx, sel, &merged)) != GPUARB_OK) {
            code = fail(ctx, st);
            goto done;
        }
        gpuarb_catalog_free(sel);
        sel = merged;
        merged = NULL;
    }
    if (a.check && a.fmt == FMT_CSV) {
        code = cli_usage_error(VERB, "check prints table or json, not csv");
        goto done;
    }
    st = a.check ? gpuarb_catalog_check(ctx, sel, a.fmt == CLI_FMT_JSON ? GPUARB_CHECK_JSON
                                                                          : GPUARB_CHECK_TABLE,
                                        &text, NULL)
         : a.fmt == FMT_CSV           ? gpuarb_catalog_to_csv(ctx, sel, &text)
         : a.fmt == CLI_FMT_JSON ? gpuarb_catalog_to_json(ctx, sel, &text)
                                 : gpuarb_catalog_to_table(ctx, sel, &text);
    if (st != GPUARB_OK) {
        code = fail(ctx, st);
        goto done;
    }
    fputs(text, stdout);
    code = CLI_EXIT_OK;
done:
    gpuarb_free(text);
    gpuarb_catalog_free(cat);
    gpuarb_catalog_free(sel);
    gpuarb_ctx_free(ctx);
    return code;
}
