/*
 * cmd_forecast.c - `gpuarb forecast --series SERIES.csv --horizon H
 * [--season S]`: the next H values of an evenly spaced series and the
 * rolling-origin backtest of the forecaster against seasonal naive (SPEC
 * section 6).  Thin: parse arguments, call gpuarb_forecast_load/parse,
 * print.  Exit 0 done, 2 usage, 3 bad input, 1 internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERB "forecast"

static void help(void)
{
    fputs("usage: gpuarb forecast --series SERIES.csv --horizon H [options]\n"
          "\n"
          "Forecast the next H values of an evenly spaced series (CSV rows\n"
          "'time_s,value', header optional; '-' reads standard input) and backtest\n"
          "the forecaster from rolling origins, each seeing only its past.\n"
          "\n"
          "options:\n"
          "  --season S        steps per season (default 24: hourly data, daily cycle;\n"
          "                    0 none)\n"
          "  --method M        auto (default: chosen by backtest at each forecast),\n"
          "                    seasonal_naive, holt_winters, seasonal_ar\n"
          "  --origins N       backtest origins, one horizon apart (default 30)\n"
          "  --format table|json\n"
          "\n"
          "JSON: {\"method\", \"horizon\", \"season\", \"origins\", \"mape\",\n"
          "\"mape_seasonal_naive\", \"mape_methods\", \"forecast\": [...]}; mape in percent\n"
          "over the actual values that are not 0, null when there is none.\n"
          "\n"
          "exit: 0 done, 2 usage, 3 bad input, 1 internal error.\n",
          stdout);
}

static int parse_method(const char *s, int32_t *m)
{
    static const int32_t all[] = {GPUARB_FORECAST_AUTO, GPUARB_FORECAST_SEASONAL_NAIVE,
                                  GPUARB_FORECAST_HOLT_WINTERS, GPUARB_FORECAST_SEASONAL_AR,
                                  GPUARB_FORECAST_COMBINED};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(s, gpuarb_forecast_method_name(all[i])) == 0) {
            *m = all[i];
            return 0;
        }
    return -1;
}

static void print_table(const gpuarb_forecast_result *r)
{
    double m;
    printf("method   %s\n", gpuarb_forecast_method_name(gpuarb_forecast_result_method(r)));
    if (gpuarb_forecast_result_mape(r, GPUARB_FORECAST_AUTO, &m))
        printf("mape     %.2f %%\n", m);
    if (gpuarb_forecast_result_mape(r, GPUARB_FORECAST_SEASONAL_NAIVE, &m))
        printf("seasonal naive mape  %.2f %%\n", m);
    const double *v = gpuarb_forecast_result_values(r);
    for (int32_t h = 0; h < gpuarb_forecast_result_horizon(r); h++)
        printf("%6d  %.6g\n", (int)h + 1, v[h]);
}

int cmd_forecast(int argc, char **argv)
{
    gpuarb_forecast_opts o;
    gpuarb_forecast_opts_init(&o);
    const char *series = NULL;
    int fmt = cli_default_format(), have_h = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int r;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_EXIT_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--series", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--series needs a file");
            series = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--horizon", &v)) != 0) {
            if (r < 0 || cli_parse_int32(v, 1, 100000, &o.horizon) != 0)
                return cli_usage_error(VERB, "--horizon needs a whole number of steps, 1 to "
                                             "100000");
            have_h = 1;
        } else if ((r = cli_opt_value(argc, argv, &i, "--season", &v)) != 0) {
            if (r < 0 || cli_parse_int32(v, 0, 100000, &o.season) != 0)
                return cli_usage_error(VERB, "--season needs a whole number of steps, 0 to "
                                             "100000");
        } else if ((r = cli_opt_value(argc, argv, &i, "--origins", &v)) != 0) {
            if (r < 0 || cli_parse_int32(v, 0, 1000, &o.origins) != 0)
                return cli_usage_error(VERB, "--origins needs a whole number, 0 to 1000");
        } else if ((r = cli_opt_value(argc, argv, &i, "--method", &v)) != 0) {
            if (r < 0 || parse_method(v, &o.method) != 0)
                return cli_usage_error(VERB, "--method: auto, seasonal_naive, holt_winters or "
                                             "seasonal_ar");
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0)
                return cli_usage_error(VERB, "--format needs a value");
            if (cli_parse_format(v, &fmt) != 0)
                return CLI_EXIT_USAGE;
        } else {
            return cli_unknown_argument(VERB, NULL, a);
        }
    }
    if (!series)
        return cli_usage_error(VERB, "--series SERIES.csv is required");
    if (!have_h)
        return cli_usage_error(VERB, "--horizon H is required");
    gpuarb_ctx *ctx = cli_ctx_create(VERB);
    if (!ctx)
        return CLI_EXIT_INTERNAL;
    gpuarb_forecast_result *res = NULL;
    gpuarb_status st;
    if (strcmp(series, "-") == 0) {
        char *text;
        size_t len;
        int rc = cli_read_stdin(&text, &len);
        if (rc != 0) {
            gpuarb_ctx_free(ctx);
            return rc;
        }
        st = gpuarb_forecast_parse(ctx, text, len, "<stdin>", &o, &res);
        free(text);
    } else {
        st = gpuarb_forecast_load(ctx, series, &o, &res);
    }
    if (st == GPUARB_OK && fmt == CLI_FMT_JSON) {
        char *json = NULL;
        st = gpuarb_forecast_result_to_json(ctx, res, &json);
        if (st == GPUARB_OK)
            cli_print(json);
        gpuarb_free(json);
    } else if (st == GPUARB_OK) {
        print_table(res);
    }
    if (st != GPUARB_OK)
        cli_report(ctx);
    gpuarb_forecast_result_free(res);
    gpuarb_ctx_free(ctx);
    return cli_exit_for_status(st);
}
