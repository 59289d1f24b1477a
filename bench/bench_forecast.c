/*
 * bench_forecast.c - the forecaster on real demand: hourly GPU demand of
 * the Alibaba openb cluster (GPUs held by running pods at the start of
 * each hour, num_gpu x gpu_milli / 1000, from
 * $GPUARB_SHARED/alibaba_gpu_v2023_openb/openb_pod_list_default.csv; 3,584
 * hours, 149 days), backtested from rolling origins one horizon apart, each
 * seeing only its past.  Prints the MAPE of the chosen procedure (auto:
 * the method is re-chosen at each origin by its own inner backtest) and of
 * each method, side by side, and the time of one ga_fc_predict call at the
 * bounded window.  Skips, saying so, without the shared data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_SEED 11
#include "bench.h"
#include "openb_demand.h"
#include "forecast/forecast.h"
#include "gpuarb.h"

#define MAX_HOURS 4000

int main(void)
{
    const char *dir = getenv("GPUARB_SHARED");
    static double y[MAX_HOURS];
    size_t n = 0;
    if (!dir || openb_demand(dir, y, MAX_HOURS, &n) != 0) {
        printf("skipped: needs $GPUARB_SHARED/alibaba_gpu_v2023_openb (GPUARB_SHARED=%s)\n",
               dir ? dir : "(unset)");
        return 0;
    }
    gpuarb_ctx *ctx = NULL;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 1;
    printf("openb hourly GPU demand: %zu hours; rolling origins one horizon apart, each\n"
           "forecast from the past only; MAPE in percent (auto re-chooses its method at\n"
           "every origin from its own inner backtest)\n\n", n);
    printf("%8s %8s %8s %8s %8s %8s %8s %12s %s\n", "horizon", "origins", "auto", "snaive",
           "holt_w", "sar", "combined", "auto/snaive", "chosen now");
    static const int32_t hs[] = {1, 6, 24};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
        gpuarb_forecast_opts o;
        gpuarb_forecast_opts_init(&o);
        o.horizon = hs[i];
        o.season = 24;
        o.origins = 1000;
        gpuarb_forecast_result *r = NULL;
        if (gpuarb_forecast_run(ctx, y, n, &o, &r) != GPUARB_OK) {
            printf("error: %s\n", gpuarb_errmsg(ctx));
            return 1;
        }
        double m[5] = {0, 0, 0, 0, 0};
        gpuarb_forecast_result_mape(r, GPUARB_FORECAST_AUTO, &m[0]);
        for (int k = 0; k < 4; k++)
            gpuarb_forecast_result_mape(r, k, &m[k + 1]);
        char buf[512];
        int32_t origins = 0;
        {
            char *json = NULL;
            gpuarb_forecast_result_to_json(ctx, r, &json);
            const char *p = json ? strstr(json, "\"origins\": ") : NULL;
            origins = p ? atoi(p + 11) : 0;
            gpuarb_free(json);
        }
        snprintf(buf, sizeof buf, "%.3f", m[0] / m[1]);
        printf("%8d %8d %8.2f %8.2f %8.2f %8.2f %8.2f %12s %s\n", (int)hs[i], (int)origins,
               m[0], m[1], m[2], m[3], m[4], buf,
               gpuarb_forecast_method_name(gpuarb_forecast_result_method(r)));
        gpuarb_forecast_result_free(r);
    }
    /* One call at the bounded window, as the simulator makes every hour. */
    double out[24];
    int reps = 200;
    double t0 = now_ms();
    for (int k = 0; k < reps; k++)
        ga_fc_predict(ctx, y, n - (size_t)(k % 24), 24, 24, out);
    double per = (now_ms() - t0) / reps;
    printf("\nga_fc_predict (season 24, horizon 24, window %zu + 4 backtest origins): "
           "%.3f ms per call\n", ga_fc_window(24), per);
    gpuarb_ctx_free(ctx);
    return 0;
}
