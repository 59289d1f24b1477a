/*
 * forecast_api.c - the public forecasting API (gpuarb.h, "forecasting"):
 * the SERIES CSV reader (`time_s,value`, SPEC section 6), the forecast of
 * a whole series with its rolling-origin backtest, and the result's JSON.
 *
 * The backtest is honest: at each origin o the forecaster sees y[0..o)
 * only, and "mape" is the error of the whole procedure the caller asked
 * for (with method auto, the choice among the methods is remade at each
 * origin from that origin's past), next to each method's own error and
 * seasonal naive's at the same origins.  Returns GPUARB_ERR_ARG (misuse),
 * GPUARB_ERR_SYNTAX / GPUARB_ERR_INPUT with file, line and column (bad
 * series), GPUARB_ERR_LIMIT, GPUARB_ERR_IO, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "forecast/forecast.h"
#include "io/csv.h"
#include "io/writer.h"

#define FC_MAX_FILE ((size_t)256 << 20)
#define FC_MAX_HORIZON 100000
#define FC_MAX_SEASON 100000
#define FC_MAX_ORIGINS 1000
#define FC_OPTS_V1 72

struct gpuarb_forecast_result {
    int32_t method, horizon, season, origins;
    double *values;                /* horizon forecasts */
    double mape[GA_FC_NMETHODS + 1]; /* per method, then the procedure's */
    int32_t have[GA_FC_NMETHODS + 1];
};

void gpuarb_forecast_opts_init(gpuarb_forecast_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->horizon = 24;
    o->season = 24;
    o->method = GPUARB_FORECAST_AUTO;
    o->origins = 30;
}

const char *gpuarb_forecast_method_name(int32_t method)
{
    return method == GPUARB_FORECAST_AUTO ? "auto" : ga_fc_method_name(method);
}

void gpuarb_forecast_result_free(gpuarb_forecast_result *r)
{
    if (!r)
        return;
    free(r->values);
    free(r);
}

int32_t gpuarb_forecast_result_method(const gpuarb_forecast_result *r)
{
    return r ? r->method : GPUARB_FORECAST_AUTO;
}

int32_t gpuarb_forecast_result_horizon(const gpuarb_forecast_result *r)
{
    return r ? r->horizon : 0;
}

const double *gpuarb_forecast_result_values(const gpuarb_forecast_result *r)
{
    return r ? r->values : NULL;
}

int32_t gpuarb_forecast_result_mape(const gpuarb_forecast_result *r, int32_t method,
                                    double *mape)
{
    if (!r || method < GPUARB_FORECAST_AUTO || method >= GA_FC_NMETHODS)
        return 0;
    size_t i = method == GPUARB_FORECAST_AUTO ? GA_FC_NMETHODS : (size_t)method;
    if (!r->have[i])
        return 0;
    if (mape)
        *mape = r->mape[i];
    return 1;
}

static gpuarb_status check_opts(gpuarb_ctx *ctx, const gpuarb_forecast_opts *o)
{
    if (o->size < FC_OPTS_V1)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "forecast: opts->size %u is below sizeof(gpuarb_forecast_opts) (%d)",
                        (unsigned)o->size, FC_OPTS_V1);
    if (o->horizon < 1 || o->horizon > FC_MAX_HORIZON)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "forecast: the horizon must be 1 to %d steps", FC_MAX_HORIZON);
    if (o->season < 0 || o->season > FC_MAX_SEASON)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "forecast: the season must be 0 (none) to %d steps", FC_MAX_SEASON);
    if (o->method < GPUARB_FORECAST_AUTO || o->method >= GA_FC_NMETHODS)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "forecast: unknown method %d", (int)o->method);
    if (o->origins < 0 || o->origins > FC_MAX_ORIGINS)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "forecast: the backtest takes 0 to %d origins", FC_MAX_ORIGINS);
    return GPUARB_OK;
}

/* The forecast of y[0..n) by the chosen procedure into out. */
static gpuarb_status run_one(gpuarb_ctx *ctx, const double *y, size_t n,
                             const gpuarb_forecast_opts *o, double *out, int *method)
{
    if (o->method == GPUARB_FORECAST_AUTO)
        return ga_fc_predict_method(ctx, y, n, o->season, o->horizon, out, method);
    size_t W = ga_fc_window(o->season), lo = n > W ? n - W : 0;
    int r = ga_fc_method_forecast(o->method, y + lo, n - lo, o->season, o->horizon, out);
    if (r < 0)
        return ga_nomem(ctx);
    if (r == 0)
        return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL,
                        "forecast: %zu values are too few for %s with a season of %d, or its "
                        "fit is unstable",
                        n, ga_fc_method_name(o->method), (int)o->season);
    *method = o->method;
    return GPUARB_OK;
}

gpuarb_status gpuarb_forecast_run(gpuarb_ctx *ctx, const double *y, size_t n,
                                  const gpuarb_forecast_opts *opts,
                                  gpuarb_forecast_result **out)
{
    gpuarb_forecast_opts def;
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!opts) {
        gpuarb_forecast_opts_init(&def);
        opts = &def;
    }
    gpuarb_status st = check_opts(ctx, opts);
    if (st != GPUARB_OK)
        return st;
    if (!y || n == 0)
        return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL, "forecast: the series is empty");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                            "forecast: value %zu of the series is not a finite number", i);
    gpuarb_forecast_result *r = ga_calloc(1, sizeof *r);
    double *f = r ? ga_mallocarray((size_t)opts->horizon, sizeof *f) : NULL;
    if (!r || !f) {
        free(r);
        return ga_nomem(ctx);
    }
    r->horizon = opts->horizon;
    r->season = opts->season;
    r->values = f;
    int method = GA_FC_SNAIVE;
    st = run_one(ctx, y, n, opts, f, &method);
    if (st != GPUARB_OK)
        goto fail;
    r->method = method;

    /* The backtest: origins o = n - H (k + 1), each with at least two
     * seasons (or three values) of past. */
    size_t H = (size_t)opts->horizon, need = opts->season > 1 ? 2 * (size_t)opts->season : 3;
    int32_t K = 0;
    while (K < opts->origins && n >= H * (size_t)(K + 1) + need)
        K++;
    r->origins = K;
    if (K > 0) {
        double *g = ga_mallocarray(H, sizeof *g);
        if (!g) {
            st = ga_nomem(ctx);
            goto fail;
        }
        double ape = 0;
        size_t nape = 0;
        for (int32_t k = 0; k < K; k++) {
            size_t o = n - H * (size_t)(k + 1);
            int m;
            st = run_one(ctx, y, o, opts, g, &m);
            if (st == GPUARB_ERR_INPUT) { /* too short at this origin: seasonal naive */
                st = GPUARB_OK;
                ga_fc_method_forecast(GA_FC_SNAIVE, y, o, opts->season, opts->horizon, g);
            }
            if (st != GPUARB_OK) {
                free(g);
                goto fail;
            }
            for (size_t h = 0; h < H; h++)
                if (y[o + h] != 0) {
                    ape += fabs(g[h] - y[o + h]) / fabs(y[o + h]);
                    nape++;
                }
        }
        free(g);
        r->have[GA_FC_NMETHODS] = nape > 0;
        r->mape[GA_FC_NMETHODS] = nape > 0 ? 100 * ape / (double)nape : 0;
        double mae[GA_FC_NMETHODS];
        int have[GA_FC_NMETHODS];
        int rr = ga_fc_backtest_all(y, n, opts->season, opts->horizon, K, r->mape, have, mae);
        if (rr < 0) {
            st = ga_nomem(ctx);
            goto fail;
        }
        for (int m = 0; m < GA_FC_NMETHODS; m++)
            r->have[m] = rr > 0 && have[m];
    }
    *out = r;
    return GPUARB_OK;
fail:
    gpuarb_forecast_result_free(r);
    return st;
}

/* ---- the SERIES CSV ---------------------------------------------------- */

static gpuarb_status field_number(gpuarb_ctx *ctx, const ga_csv *c, size_t i, const char *source,
                                  const char *name, double *v)
{
    const char *s = ga_csv_field(c, i);
    if (ga_parse_double(s, strlen(s), v) != GA_NUM_OK || !isfinite(*v))
        return ga_error(ctx, GPUARB_ERR_INPUT, source, ga_csv_line(c, i), ga_csv_col(c, i), name,
                        "'%s' is not a finite number", s);
    return GPUARB_OK;
}

static gpuarb_status parse_series(gpuarb_ctx *ctx, const char *text, size_t len,
                                  const char *source, double **values, size_t *count)
{
    ga_csv c;
    ga_csv_init(&c, text, len, source, GA_CSV_COMMENTS);
    double *v = NULL, t_first = 0, t_prev = 0, step = 0;
    size_t n = 0, cap = 0;
    int got, first = 1;
    gpuarb_status st;
    while ((st = ga_csv_next(ctx, &c, &got)) == GPUARB_OK && got) {
        if (first) {
            first = 0;
            if (strcmp(ga_csv_field(&c, 0), "time_s") == 0) {
                if (ga_csv_nfields(&c) != 2 || strcmp(ga_csv_field(&c, 1), "value") != 0) {
                    st = ga_error(ctx, GPUARB_ERR_INPUT, source, ga_csv_record_line(&c), 1,
                                  NULL, "the header must be 'time_s,value'");
                    break;
                }
                continue;
            }
        }
        if (ga_csv_nfields(&c) != 2) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, source, ga_csv_record_line(&c), 1, NULL,
                          "a row has %zu fields; a series row is 'time_s,value'",
                          ga_csv_nfields(&c));
            break;
        }
        double t, x;
        if ((st = field_number(ctx, &c, 0, source, "time_s", &t)) != GPUARB_OK ||
            (st = field_number(ctx, &c, 1, source, "value", &x)) != GPUARB_OK)
            break;
        if (n >= 1 && !(t > t_prev)) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, source, ga_csv_line(&c, 0), ga_csv_col(&c, 0),
                          "time_s", "times must increase (this one follows %.17g)", t_prev);
            break;
        }
        if (n == 1)
            step = t - t_first;
        else if (n >= 2 && fabs((t - t_prev) - step) > 1e-6 * step) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, source, ga_csv_line(&c, 0), ga_csv_col(&c, 0),
                          "time_s",
                          "the series must be evenly spaced: this step is %.17g s, the first "
                          "was %.17g s",
                          t - t_prev, step);
            break;
        }
        if (n == 0)
            t_first = t;
        t_prev = t;
        if (n == cap && ga_grow((void **)&v, &cap, n + 1, sizeof *v) != 0) {
            st = ga_nomem(ctx);
            break;
        }
        v[n++] = x;
    }
    ga_csv_free(&c);
    if (st == GPUARB_OK && n == 0)
        st = ga_error(ctx, GPUARB_ERR_INPUT, source, 1, 1, NULL, "the series has no values");
    if (st != GPUARB_OK) {
        free(v);
        return st;
    }
    *values = v;
    *count = n;
    return GPUARB_OK;
}

gpuarb_status gpuarb_forecast_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                    const char *source, const gpuarb_forecast_opts *opts,
                                    gpuarb_forecast_result **out)
{
    gpuarb_status st = ga_check_text(ctx, out != NULL, text, len);
    if (st != GPUARB_OK)
        return st;
    *out = NULL;
    double *v;
    size_t n;
    st = parse_series(ctx, text ? text : "", len, source ? source : "<series>", &v, &n);
    if (st != GPUARB_OK)
        return st;
    st = gpuarb_forecast_run(ctx, v, n, opts, out);
    free(v);
    return st;
}

gpuarb_status gpuarb_forecast_load(gpuarb_ctx *ctx, const char *path,
                                   const gpuarb_forecast_opts *opts,
                                   gpuarb_forecast_result **out)
{
    char *text;
    size_t len;
    gpuarb_status st = ga_load_file(ctx, out != NULL, path, "series", FC_MAX_FILE, &text, &len);
    if (st != GPUARB_OK)
        return st;
    *out = NULL;
    st = gpuarb_forecast_parse(ctx, text, len, path, opts, out);
    free(text);
    return st;
}

gpuarb_status gpuarb_forecast_result_to_json(gpuarb_ctx *ctx, const gpuarb_forecast_result *r,
                                             char **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!r)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "result is NULL");
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
    ga_w_obj_begin(&w);
    ga_w_kv_str(&w, "method", ga_fc_method_name(r->method));
    ga_w_kv_int(&w, "horizon", r->horizon);
    ga_w_kv_int(&w, "season", r->season);
    ga_w_kv_int(&w, "origins", r->origins);
    ga_w_kv_num_or_null(&w, "mape", r->have[GA_FC_NMETHODS], r->mape[GA_FC_NMETHODS]);
    ga_w_kv_num_or_null(&w, "mape_seasonal_naive", r->have[GA_FC_SNAIVE], r->mape[GA_FC_SNAIVE]);
    ga_w_key(&w, "mape_methods");
    ga_w_obj_begin(&w);
    for (int m = 0; m < GA_FC_NMETHODS; m++)
        ga_w_kv_num_or_null(&w, ga_fc_method_name(m), r->have[m], r->mape[m]);
    ga_w_obj_end(&w);
    ga_w_key(&w, "forecast");
    ga_w_arr_begin(&w);
    for (int32_t h = 0; h < r->horizon; h++)
        ga_w_num(&w, r->values[h]);
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    return ga_w_finish(&w, ctx, out);
}
