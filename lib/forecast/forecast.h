/*
 * forecast.h - demand forecasting for the library's own modules (the
 * predictive autoscaling policy, the market module): the next values of
 * an evenly spaced series from its past only.
 *
 * ga_fc_predict is the one entry point other modules call.  It picks its
 * method by a rolling-origin backtest over the series it is given, so a
 * caller needs no knowledge of the methods.  This first version knows one
 * method, seasonal naive (each value repeats the value one season
 * earlier; with no season, the last value), which is the reference every
 * other forecaster is measured against; the forecaster proper (issue 11:
 * Holt-Winters and a seasonal AR model on LAPACKE, chosen by backtest)
 * replaces the method, not this contract.
 */
#ifndef GPUARB_FORECAST_H
#define GPUARB_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "gpuarb.h"

/* Forecast y[n], ..., y[n + horizon - 1] from y[0..n) into out[0..horizon).
 * season: the season length in steps (24 for hourly data with a daily
 * cycle), 0 for none.  The series must be finite; n >= 1, horizon >= 1.
 * Returns GPUARB_OK, GPUARB_ERR_ARG (with a message in ctx, which may be
 * NULL) on bad arguments, or GPUARB_ERR_NOMEM.  Never prints; never keeps
 * a pointer to y or out. */
gpuarb_status ga_fc_predict(gpuarb_ctx *ctx, const double *y, size_t n, int32_t season,
                            int32_t horizon, double *out);

#endif
