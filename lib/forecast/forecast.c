/*
 * forecast.c - ga_fc_predict: seasonal naive, the reference method (see
 * forecast.h for the contract).
 */
#include <math.h>

#include "base/internal.h"
#include "forecast/forecast.h"

gpuarb_status ga_fc_predict(gpuarb_ctx *ctx, const double *y, size_t n, int32_t season,
                            int32_t horizon, double *out)
{
    if (!y || !out || n < 1 || horizon < 1 || season < 0)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "forecast: need a series of at least one value, a horizon of at least "
                        "one step and a season of 0 or more steps");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                            "forecast: value %zu of the series is not a finite number", i);
    size_t s = season > 0 && (size_t)season <= n ? (size_t)season : 1;
    for (int32_t h = 0; h < horizon; h++)
        out[h] = y[n - s + (size_t)h % s];
    return GPUARB_OK;
}
