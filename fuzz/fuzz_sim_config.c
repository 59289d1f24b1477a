/* fuzz_sim_config.c - libFuzzer harness (make fuzz) of the simulator's
 * SIM.yaml reader (make fuzz).  Any bytes must return a status, never crash
 * or hang; a configuration that loads must describe itself with sane figures
 * and simulate a fixed three-job trace.  Relative paths in the input resolve
 * against a folder that does not exist, so only absolute ones reach files. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuarb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char trace_csv[] = "job_id,submit_s,duration_s,gpus\n"
                                "a,0,1000,2\nb,10,500,1\nc,4000,600,8\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 0;
    gpuarb_sim_config *cfg = NULL;
    gpuarb_status st = gpuarb_sim_config_parse(ctx, (const char *)data, size, "fuzz.yaml",
                                               "/nonexistent-fuzz-dir", &cfg);
    if (st == GPUARB_OK) {
        gpuarb_sim_config_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        if (gpuarb_sim_config_describe(ctx, cfg, &info) != GPUARB_OK || info.node_gpus < 1 ||
            info.max_nodes < info.min_nodes || !(info.decision_interval_s > 0) ||
            !isfinite(info.wait_penalty_per_gpu_hour) ||
            (info.od_price_hour < 0 && info.spot_price_hour < 0))
            abort(); /* a configuration that loads is one the simulator can run */
        gpuarb_trace *t = NULL;
        if (gpuarb_trace_parse(ctx, trace_csv, sizeof trace_csv - 1, "t", GPUARB_TRACE_NATIVE,
                               NULL, 0, &t) != GPUARB_OK)
            abort();
        static const char *const policies[] = {"threshold:up=0,idle=0,spot=1",
                                               "economic:patience=600,idle=0,spot=1,move=600"};
        for (size_t p = 0; p < 2; p++) {
            gpuarb_sim_result *r = NULL;
            if (gpuarb_simulate(ctx, cfg, t, policies[p], 7, &r) == GPUARB_OK) {
                char *json = NULL;
                gpuarb_sim_result_to_json(ctx, r, &json);
                gpuarb_free(json);
            }
            gpuarb_sim_result_free(r);
        }
        gpuarb_trace_free(t);
    }
    gpuarb_sim_config_free(cfg);
    gpuarb_ctx_free(ctx);
    return 0;
}
