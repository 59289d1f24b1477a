/*
 * test_forecast.c - the forecaster (lib/forecast): known answers on series
 * built from a formula, the backtest's arithmetic by hand, the bounded
 * window, the SERIES CSV's errors with their positions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "forecast/forecast.h"

/* level + trend t + a pattern of period S with no structure (digits of pi),
 * the kind of series additive Holt-Winters and the lag-S regression must
 * continue exactly. */
static double seasonal_trend(size_t t, size_t S)
{
    static const double pat[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4,
                                 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5};
    return 40 + 0.25 * (double)t + 2 * pat[t % S];
}

static void check_exact(int method, size_t S, size_t n, int32_t H)
{
    double *y = tu_alloc(n, sizeof *y), out[48];
    for (size_t t = 0; t < n; t++)
        y[t] = seasonal_trend(t, S);
    assert_int_equal(ga_fc_method_forecast(method, y, n, (int32_t)S, H, out), 1);
    for (int32_t h = 0; h < H; h++) {
        double want = seasonal_trend(n + (size_t)h, S);
        if (fabs(out[h] - want) > 1e-6 * fabs(want)) {
            printf("%s S=%zu h=%d: got %.17g, want %.17g\n", ga_fc_method_name(method), S,
                   (int)h, out[h], want);
            fail();
        }
    }
    free(y);
}

static void holt_winters_continues_trend_plus_season(void **state)
{
    (void)state;
    check_exact(GA_FC_HOLT_WINTERS, 24, 24 * 10, 48);
    check_exact(GA_FC_HOLT_WINTERS, 7, 60, 20);
    check_exact(GA_FC_HOLT_WINTERS, 24, 49, 24); /* two seasons and one step */
}

static void seasonal_ar_continues_trend_plus_season(void **state)
{
    (void)state;
    check_exact(GA_FC_SAR, 24, 24 * 10, 48);
    check_exact(GA_FC_SAR, 7, 100, 20);
    check_exact(GA_FC_COMBINED, 24, 24 * 12, 48);
}

/* ga_fc_predict, whatever it chooses, continues the series too, and says
 * it did not need seasonal naive (which is off by the trend). */
static void predict_continues_trend_plus_season(void **state)
{
    fixture *f = *state;
    size_t n = 24 * 30;
    double *y = tu_alloc(n, sizeof *y), out[24];
    for (size_t t = 0; t < n; t++)
        y[t] = seasonal_trend(t, 24);
    int m = -1;
    assert_int_equal(ga_fc_predict_method(f->ctx, y, n, 24, 24, out, &m), GPUARB_OK);
    assert_int_not_equal(m, GA_FC_SNAIVE);
    for (int h = 0; h < 24; h++)
        assert_true(fabs(out[h] - seasonal_trend(n + (size_t)h, 24)) < 1e-6);
    free(y);
}

/* No season: a straight line continues (Holt's linear trend, lags 1 and 2). */
static void no_season_line(void **state)
{
    fixture *f = *state;
    double y[50], out[5];
    for (int t = 0; t < 50; t++)
        y[t] = 7 - 0.5 * t;
    for (int m = GA_FC_HOLT_WINTERS; m <= GA_FC_COMBINED; m++) {
        assert_int_equal(ga_fc_method_forecast(m, y, 50, 0, 5, out), 1);
        for (int h = 0; h < 5; h++)
            assert_true(fabs(out[h] - (7 - 0.5 * (50 + h))) < 1e-9);
    }
    assert_int_equal(ga_fc_predict(f->ctx, y, 50, 0, 5, out), GPUARB_OK);
    for (int h = 0; h < 5; h++)
        assert_true(fabs(out[h] - (7 - 0.5 * (50 + h))) < 1e-9);
}

/* Seasonal naive by hand: y = 1 2 1 2 1 3, season 2.  Forecast of y[6..8)
 * from all six: y[4], y[5] = 1, 3.  The one-origin backtest at horizon 1
 * forecasts y[5] from y[0..5): y[3] = 2 against 3, |2 - 3| / 3 = 33.33 %. */
static void seasonal_naive_by_hand(void **state)
{
    (void)state;
    double y[] = {1, 2, 1, 2, 1, 3}, out[2];
    assert_int_equal(ga_fc_method_forecast(GA_FC_SNAIVE, y, 6, 2, 2, out), 1);
    assert_true(out[0] == 1 && out[1] == 3);
    double mape[GA_FC_NMETHODS], mae[GA_FC_NMETHODS];
    int have[GA_FC_NMETHODS];
    assert_int_equal(ga_fc_backtest_all(y, 6, 2, 1, 1, mape, have, mae), 1);
    assert_true(have[GA_FC_SNAIVE]);
    assert_true(fabs(mape[GA_FC_SNAIVE] - 100.0 / 3) < 1e-12);
    assert_true(fabs(mae[GA_FC_SNAIVE] - 1) < 1e-12);
}

/* The window is bounded: a forecast from a long series equals the forecast
 * from its last window + 4 horizons, whatever came before (here the early
 * part is wild noise). */
static void predict_reads_a_bounded_past(void **state)
{
    fixture *f = *state;
    size_t keep = ga_fc_window(24) + 24 * GA_FC_PREDICT_ORIGINS, n = keep + 5000;
    double *y = tu_alloc(n, sizeof *y), a[24], b[24];
    uint64_t rs = 99;
    for (size_t t = 0; t < n; t++)
        y[t] = t < n - keep ? (double)(tu_rng_next(&rs) % 100000)
                            : 10 + 3 * sin((double)t / 3.8) + (double)(tu_rng_next(&rs) % 7);
    assert_int_equal(ga_fc_predict(f->ctx, y, n, 24, 24, a), GPUARB_OK);
    assert_int_equal(ga_fc_predict(f->ctx, y + (n - keep), keep, 24, 24, b), GPUARB_OK);
    assert_memory_equal(a, b, sizeof a);
    free(y);
}

static void predict_rejects_bad_arguments(void **state)
{
    fixture *f = *state;
    double y[3] = {1, NAN, 2}, out[1];
    tu_assert_error(f->ctx, ga_fc_predict(f->ctx, y, 3, 0, 1, out), GPUARB_ERR_ARG, 0, 0,
                    "value 1 of the series is not a finite number");
    tu_assert_error(f->ctx, ga_fc_predict(f->ctx, y, 1, 0, 0, out), GPUARB_ERR_ARG, 0, 0,
                    "horizon of at least one step");
    /* a single value: seasonal naive repeats it */
    assert_int_equal(ga_fc_predict(f->ctx, y, 1, 24, 1, out), GPUARB_OK);
    assert_true(out[0] == 1);
}

/* ---- the public API and the SERIES CSV ---- */

static void series_csv_forecast_and_json(void **state)
{
    fixture *f = *state;
    char *text = tu_alloc(64 * 400, 1);
    size_t len = (size_t)sprintf(text, "# hourly\ntime_s,value\n");
    for (int t = 0; t < 300; t++)
        len += (size_t)sprintf(text + len, "%d,%.17g\n", 3600 * t, seasonal_trend((size_t)t, 24));
    gpuarb_forecast_opts o;
    gpuarb_forecast_opts_init(&o);
    o.horizon = 3;
    gpuarb_forecast_result *r = NULL;
    assert_int_equal(gpuarb_forecast_parse(f->ctx, text, len, "s.csv", &o, &r), GPUARB_OK);
    const double *v = gpuarb_forecast_result_values(r);
    for (int h = 0; h < 3; h++)
        assert_true(fabs(v[h] - seasonal_trend(300 + (size_t)h, 24)) < 1e-6);
    /* 300 values, 2 seasons of past needed: origins 300 - 3 (k + 1) >= 48,
     * k = 0..82, capped by the default 30 */
    double m = -1, ms = -1;
    assert_int_equal(gpuarb_forecast_result_mape(r, GPUARB_FORECAST_AUTO, &m), 1);
    assert_true(m < 1e-6);
    /* seasonal naive is off by one season's trend, 24 x 0.25 = 6, at every
     * point: its MAPE is the mean of 6 / y over the compared points, > 0 */
    assert_int_equal(gpuarb_forecast_result_mape(r, GPUARB_FORECAST_SEASONAL_NAIVE, &ms), 1);
    double want = 0;
    for (int k = 0; k < 30; k++)
        for (int h = 0; h < 3; h++)
            want += 6 / seasonal_trend((size_t)(300 - 3 * (k + 1) + h), 24);
    want *= 100.0 / 90;
    assert_true(fabs(ms - want) < 1e-9);
    char *json = NULL;
    assert_int_equal(gpuarb_forecast_result_to_json(f->ctx, r, &json), GPUARB_OK);
    assert_non_null(strstr(json, "\"horizon\": 3, \"season\": 24, \"origins\": 30, \"mape\": "));
    assert_non_null(strstr(json, "\"forecast\": ["));
    gpuarb_free(json);
    gpuarb_forecast_result_free(r);
    free(text);
}

static void series_csv_errors_name_line_and_column(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text;
        gpuarb_status st;
        int32_t line, col;
        const char *msg;
    } cases[] = {
        {"time_s,value\n0,1\n3600,x\n", GPUARB_ERR_INPUT, 3, 6, "'x' is not a finite number"},
        {"0,1\n3600,2\n7200,3\n9000,4\n", GPUARB_ERR_INPUT, 4, 1, "evenly spaced"},
        {"0,1\n3600,2\n3600,3\n", GPUARB_ERR_INPUT, 3, 1, "times must increase"},
        {"time_s,value\n0,1,2\n", GPUARB_ERR_INPUT, 2, 1, "a row has 3 fields"},
        {"time_s,amount\n0,1\n", GPUARB_ERR_INPUT, 1, 1, "header must be 'time_s,value'"},
        {"time_s,value\n", GPUARB_ERR_INPUT, 1, 1, "no values"},
        {"0,1\n\"3600,2\n", GPUARB_ERR_SYNTAX, 2, 1, "quote"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gpuarb_forecast_result *r = NULL;
        gpuarb_status st = gpuarb_forecast_parse(f->ctx, cases[i].text, strlen(cases[i].text),
                                                 "s.csv", NULL, &r);
        assert_null(r);
        tu_assert_error(f->ctx, st, cases[i].st, cases[i].line, cases[i].col, cases[i].msg);
    }
}

static void options_are_checked(void **state)
{
    fixture *f = *state;
    double y[60];
    for (int t = 0; t < 60; t++)
        y[t] = t % 5;
    gpuarb_forecast_opts o;
    gpuarb_forecast_opts_init(&o);
    assert_int_equal(o.size, sizeof o);
    assert_int_equal(sizeof o, 72);
    gpuarb_forecast_result *r = NULL;
    o.horizon = 0;
    tu_assert_error(f->ctx, gpuarb_forecast_run(f->ctx, y, 60, &o, &r), GPUARB_ERR_ARG, 0, 0,
                    "horizon");
    gpuarb_forecast_opts_init(&o);
    o.size = 8;
    tu_assert_error(f->ctx, gpuarb_forecast_run(f->ctx, y, 60, &o, &r), GPUARB_ERR_ARG, 0, 0,
                    "opts->size");
    /* a fixed method the series is too short for is bad input, not a crash */
    gpuarb_forecast_opts_init(&o);
    o.method = GPUARB_FORECAST_HOLT_WINTERS;
    o.season = 40;
    tu_assert_error(f->ctx, gpuarb_forecast_run(f->ctx, y, 60, &o, &r), GPUARB_ERR_INPUT, 0, 0,
                    "too few for holt_winters");
    assert_null(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(holt_winters_continues_trend_plus_season),
        cmocka_unit_test(seasonal_ar_continues_trend_plus_season),
        TU_TEST(predict_continues_trend_plus_season),
        TU_TEST(no_season_line),
        cmocka_unit_test(seasonal_naive_by_hand),
        TU_TEST(predict_reads_a_bounded_past),
        TU_TEST(predict_rejects_bad_arguments),
        TU_TEST(series_csv_forecast_and_json),
        TU_TEST(series_csv_errors_name_line_and_column),
        TU_TEST(options_are_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
