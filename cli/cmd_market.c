/*
 * cmd_market.c - `gpuarb market compare` (where a provider's prices stand
 * per GPU model) and `gpuarb market price --fleet FLEET` (recommended
 * hourly prices for a seller's fleet).  Thin: parse arguments, call the
 * market API of gpuarb.h, print.  Exit 0 done, 2 usage, 3 bad input, 1
 * internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "market"

static void help(void)
{
    fputs("usage: gpuarb market compare [--catalog C] [--ours PROVIDER] [--gpu M]\n"
          "       gpuarb market price --fleet FLEET.yaml [--catalog C]\n"
          "\n"
          "compare: per GPU model, every provider's cheapest on-demand and spot price\n"
          "per GPU-hour, the cheapest competitor, and our rank, percentile and gap.\n"
          "  --catalog C   builtin (default), a native CSV or skypilot:PROVIDER:PATH\n"
          "  --ours P      our provider: ranked against the others, never a competitor\n"
          "  --gpu M       one GPU model (name or alias)\n"
          "JSON: {\"ours\", \"models\": [{\"gpu\", \"providers\": [{\"provider\",\n"
          "\"ondemand_per_gpu_hour\", \"spot_per_gpu_hour\", \"instance_type\", \"region\"}],\n"
          "\"cheapest\", \"ours\", \"rank\", \"percentile\", \"gap_pct\"}]}\n"
          "\n"
          "price: the revenue-maximising hourly price per GPU model of a fleet over the\n"
          "next periods, under constant-elasticity demand on the forecast of the\n"
          "history, capacity and the policy limits (see gpuarb(1)).\n"
          "  --fleet F     the fleet file (YAML or JSON)\n"
          "  --catalog C   competitors' offers (default: the fleet's catalog, builtin)\n"
          "\n"
          "  --format table|json\n"
          "exit: 0 done, 2 usage, 3 bad input, 1 internal error.\n",
          stdout);
}

static int finish(gpuarb_ctx *ctx, gpuarb_status st, char *text)
{
    if (st == GPUARB_OK)
        cli_print(text);
    else
        cli_report(ctx);
    gpuarb_free(text);
    gpuarb_ctx_free(ctx);
    return cli_exit_for_status(st);
}

int cmd_market(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2)
            return cli_usage_error(VERB, "a subcommand is required: compare or price");
        help();
        return CLI_EXIT_OK;
    }
    int price = strcmp(argv[1], "price") == 0;
    if (!price && strcmp(argv[1], "compare") != 0) {
        fprintf(stderr, "gpuarb: market: unknown subcommand '%s' (compare or price)\n", argv[1]);
        return CLI_EXIT_USAGE;
    }
    const char *catalog = NULL, *ours = NULL, *gpu = NULL, *fleet = NULL;
    int fmt = cli_default_format();
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int r;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--catalog", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--catalog needs a value");
            catalog = v;
        } else if (!price && (r = cli_opt_value(argc, argv, &i, "--ours", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--ours needs a provider");
            ours = v;
        } else if (!price && (r = cli_opt_value(argc, argv, &i, "--gpu", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--gpu needs a model");
            gpu = v;
        } else if (price && (r = cli_opt_value(argc, argv, &i, "--fleet", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--fleet needs a file");
            fleet = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--format needs a value");
            if (cli_parse_format(v, &fmt) != 0)
                return CLI_EXIT_USAGE;
        } else {
            return cli_unknown_argument(VERB, argv[1], a);
        }
    }
    if (price && !fleet)
        return cli_usage_error(VERB, "price: --fleet FLEET.yaml is required");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_catalog *cat = NULL;
    gpuarb_status st = GPUARB_OK;
    char *text = NULL;
    if (catalog || !price)
        st = gpuarb_catalog_load_ref(ctx, catalog ? catalog : "builtin", NULL, NULL, &cat);
    if (st == GPUARB_OK && price) {
        gpuarb_market_price_result *res = NULL;
        st = gpuarb_market_price_load(ctx, fleet, cat, &res);
        if (st == GPUARB_OK)
            st = fmt == CLI_FMT_JSON ? gpuarb_market_price_to_json(ctx, res, &text)
                                     : gpuarb_market_price_to_table(ctx, res, &text);
        gpuarb_market_price_result_free(res);
    } else if (st == GPUARB_OK) {
        gpuarb_market_compare_opts o;
        gpuarb_market_compare_opts_init(&o);
        o.ours = ours;
        o.gpu = gpu;
        gpuarb_market_compare *cmp = NULL;
        st = gpuarb_market_compare_run(ctx, cat, &o, &cmp);
        if (st == GPUARB_OK)
            st = fmt == CLI_FMT_JSON ? gpuarb_market_compare_to_json(ctx, cmp, &text)
                                     : gpuarb_market_compare_to_table(ctx, cmp, &text);
        gpuarb_market_compare_free(cmp);
    }
    gpuarb_catalog_free(cat);
    return finish(ctx, st, text);
}
