/* fuzz_forecast.c - libFuzzer harness (make fuzz) of the forecast SERIES CSV
 * reader and the forecaster behind it.  Any bytes must return a status, never
 * crash or hang; a series that loads is forecast by every method with a short
 * backtest, and each result must be finite and serialise.  The input is capped
 * by fuzz/run.sh (-max_len), so a run stays within its timeout. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "gpuarb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 0;
    static const int32_t methods[] = {GPUARB_FORECAST_AUTO, GPUARB_FORECAST_SEASONAL_NAIVE,
                                      GPUARB_FORECAST_HOLT_WINTERS, GPUARB_FORECAST_SEASONAL_AR,
                                      GPUARB_FORECAST_COMBINED};
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        gpuarb_forecast_opts o;
        gpuarb_forecast_opts_init(&o);
        o.horizon = 3;
        o.season = m % 2 ? 24 : 4; /* the default season and a short one */
        o.method = methods[m];
        o.origins = 3;
        gpuarb_forecast_result *r = NULL;
        gpuarb_status st =
            gpuarb_forecast_parse(ctx, (const char *)data, size, "fuzz", &o, &r);
        if (st == GPUARB_OK) {
            const double *v = gpuarb_forecast_result_values(r);
            if (gpuarb_forecast_result_horizon(r) != 3)
                abort();
            for (int i = 0; i < 3; i++)
                if (!isfinite(v[i]))
                    abort(); /* finite input, finite forecast */
            char *json = NULL;
            if (gpuarb_forecast_result_to_json(ctx, r, &json) != GPUARB_OK)
                abort();
            gpuarb_free(json);
        } else if (m == 0 && st != GPUARB_ERR_INPUT && st != GPUARB_ERR_SYNTAX &&
                   st != GPUARB_ERR_LIMIT && st != GPUARB_ERR_ARG) {
            abort(); /* bad text is bad input, never another kind of failure */
        }
        gpuarb_forecast_result_free(r);
        if (st != GPUARB_OK && m == 0)
            break; /* the reader refused it: the other methods would too */
    }
    gpuarb_ctx_free(ctx);
    return 0;
}
