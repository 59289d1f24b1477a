/* fuzz_spot.c - libFuzzer harness (make fuzz) of the spot availability trace
 * reader (Can't Be Late's JSON) and the replay behind it.  Any bytes must
 * return a status, never crash or hang; a trace that loads is replayed by the
 * online policies and the offline optimum (a short job, few starts), and no
 * policy that meets every deadline may cost less than the optimum at the
 * same starts. */
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
    gpuarb_spot_trace *t = NULL;
    if (gpuarb_spot_trace_parse(ctx, (const char *)data, size, "fuzz.json", &t) == GPUARB_OK) {
        if (gpuarb_spot_trace_ticks(t) < 1 || !(gpuarb_spot_trace_gap_s(t) > 0))
            abort();
        static const int32_t pol[] = {GPUARB_SPOT_GREEDY, GPUARB_SPOT_UNIFORM_PROGRESS,
                                      GPUARB_SPOT_AUTO, GPUARB_SPOT_ONDEMAND};
        for (size_t p = 0; p < sizeof pol / sizeof pol[0]; p++) {
            gpuarb_spot_opts o;
            gpuarb_spot_opts_init(&o);
            o.policy = pol[p];
            o.job_hours = 2;
            o.deadline_hours = 4;
            o.restart_hours = 0.25;
            o.starts = 3;
            o.max_ticks = 5000;
            o.compare_optimum = 1;
            gpuarb_spot_summary m = {.size = sizeof m};
            if (gpuarb_spot_run(ctx, t, &o, &m) == GPUARB_OK) {
                if (!isfinite(m.normalized_cost) || !m.has_optimum ||
                    (m.deadline_misses == 0 &&
                     m.optimum_normalized_cost > m.normalized_cost + 1e-9))
                    abort(); /* on time, nothing online beats the offline optimum */
                char *json = NULL;
                gpuarb_spot_summary_to_json(ctx, &m, &json);
                gpuarb_free(json);
            }
        }
    }
    gpuarb_spot_trace_free(t);
    gpuarb_ctx_free(ctx);
    return 0;
}
