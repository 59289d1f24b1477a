/*
 * forecast.h - demand forecasting for the library's own modules (the
 * predictive autoscaling policy, the market module) and for the public
 * gpuarb_forecast API: the next values of an evenly spaced series from its
 * past only.
 *
 * ga_fc_predict is the one entry point other modules call.  It picks its
 * method by a rolling-origin backtest over the recent past of the series it
 * is given, so a caller needs no knowledge of the methods.  The methods:
 *   - seasonal naive: each value repeats the value one season earlier
 *     (with no season, the last value); the reference;
 *   - Holt-Winters with additive seasonality (and an optionally damped
 *     trend), its smoothing constants chosen on a small grid by the
 *     in-sample one-step squared error;
 *   - a seasonal autoregression y[t] = c + sum a_l y[t - l] over the lags
 *     1, 2, S, S + 1 and 2S, fitted by least squares (ga_lstsq, LAPACK's
 *     dgelsd) and iterated over the horizon.
 * A series that is exactly level + trend + a periodic pattern is reproduced
 * exactly by both Holt-Winters and the autoregression.
 *
 * Only the last GA_FC_WINDOW_SEASONS seasons (at least GA_FC_MIN_WINDOW
 * steps) are used, so a call costs the same at every hour of a long
 * simulation.
 */
#ifndef GPUARB_FORECAST_H
#define GPUARB_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "gpuarb.h"

#define GA_FC_WINDOW_SEASONS 14
#define GA_FC_MIN_WINDOW 336
#define GA_FC_PREDICT_ORIGINS 4 /* backtest origins of ga_fc_predict */
#define GA_FC_SWITCH_MARGIN 0.1 /* see ga_fc_predict_method */

typedef enum ga_fc_method {
    GA_FC_SNAIVE = 0,
    GA_FC_HOLT_WINTERS = 1,
    GA_FC_SAR = 2,
    GA_FC_COMBINED = 3,
    GA_FC_NMETHODS = 4
} ga_fc_method;

/* Stable name of a method ("seasonal_naive", "holt_winters", "seasonal_ar"). */
const char *ga_fc_method_name(int method);

/* Forecast y[n], ..., y[n + horizon - 1] from y[0..n) into out[0..horizon).
 * season: the season length in steps (24 for hourly data with a daily
 * cycle), 0 for none.  The series must be finite; n >= 1, horizon >= 1.
 * Returns GPUARB_OK, GPUARB_ERR_ARG (with a message in ctx, which may be
 * NULL) on bad arguments, or GPUARB_ERR_NOMEM.  Never prints; never keeps
 * a pointer to y or out. */
gpuarb_status ga_fc_predict(gpuarb_ctx *ctx, const double *y, size_t n, int32_t season,
                            int32_t horizon, double *out);

/* ga_fc_predict, also saying (method may be NULL) which method produced
 * the forecast. */
gpuarb_status ga_fc_predict_method(gpuarb_ctx *ctx, const double *y, size_t n, int32_t season,
                                   int32_t horizon, double *out, int *method);

/* One method on the window y[0..n): forecasts into out[0..horizon).
 * Returns 1 when the method applies and produced finite values, 0 when the
 * series is too short for it or its fit is unusable (out is then
 * unspecified), -1 when memory ran out. */
int ga_fc_method_forecast(int method, const double *y, size_t n, int32_t season,
                          int32_t horizon, double *out);

/* Rolling-origin backtest of every method at once: for each of `origins`
 * origins o = n - horizon (k + 1), k = 0, 1, ..., each method forecasts
 * from the bounded window ending at o and is compared with
 * y[o .. o + horizon).  Per method m: mape[m], the mean of |forecast -
 * actual| / |actual| x 100 over the compared points whose actual value is
 * not 0 (have_mape[m] 0 when there is none), and mae[m], the mean absolute
 * error over all of them.  At an origin where a method does not apply it
 * counts as seasonal naive.  Returns 1 when at least one origin was
 * compared, 0 when the series is too short for any, -1 when memory ran
 * out. */
int ga_fc_backtest_all(const double *y, size_t n, int32_t season, int32_t horizon,
                       int32_t origins, double *mape, int *have_mape, double *mae);

/* The window ga_fc_predict and the backtest fit on for a season. */
size_t ga_fc_window(int32_t season);

#endif
