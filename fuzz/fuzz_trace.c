/* fuzz_trace.c - libFuzzer harness (make fuzz) of the simulator's job trace
 * importers: the native CSV here; built again with -DFUZZ_TRACE_FORMAT as
 * fuzz_trace_openb (Alibaba openb pod list) and fuzz_trace_gavel (Gavel's
 * trace; the bytes after the first NUL are its throughput table, else a
 * fixed one).  Any bytes must return a status, never crash or hang; a trace
 * that loads must survive a native CSV round trip unchanged, window into a
 * trace no larger, and simulate (a short run on the default pool). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuarb.h"

#ifndef FUZZ_TRACE_FORMAT
#define FUZZ_TRACE_FORMAT GPUARB_TRACE_NATIVE
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the shape of tests/data/sim/throughputs.json, for inputs without a table */
static const char thr_fixed[] =
    "{\"v100\": {\"('ResNet-18 (batch size 16)', 1)\": {\"null\": 10.0},"
    " \"('ResNet-50 (batch size 32)', 1)\": {\"null\": 2.5}}, \"k80\": {}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 0;
    const char *text = (const char *)data, *thr = NULL;
    size_t len = size, thr_len = 0;
    if (FUZZ_TRACE_FORMAT == GPUARB_TRACE_GAVEL) {
        const char *nul = memchr(text, '\0', size);
        if (nul) {
            len = (size_t)(nul - text);
            thr = nul + 1;
            thr_len = size - len - 1;
        } else {
            thr = thr_fixed;
            thr_len = sizeof thr_fixed - 1;
        }
    }
    gpuarb_trace *t = NULL;
    if (gpuarb_trace_parse(ctx, text, len, "fuzz", FUZZ_TRACE_FORMAT, thr, thr_len, &t) ==
        GPUARB_OK) {
        char *csv = NULL, *again = NULL;
        gpuarb_trace *back = NULL;
        if (gpuarb_trace_to_csv(ctx, t, &csv) != GPUARB_OK ||
            gpuarb_trace_parse(ctx, csv, strlen(csv), "rt", GPUARB_TRACE_NATIVE, NULL, 0,
                               &back) != GPUARB_OK ||
            gpuarb_trace_job_count(back) != gpuarb_trace_job_count(t) ||
            gpuarb_trace_to_csv(ctx, back, &again) != GPUARB_OK || strcmp(csv, again) != 0)
            abort(); /* what the importer accepts, the native reader reads back the same */
        gpuarb_free(csv);
        gpuarb_free(again);
        gpuarb_trace_free(back);
        gpuarb_trace *w = NULL;
        if (gpuarb_trace_window(ctx, t, 0, 3600, &w) == GPUARB_OK &&
            gpuarb_trace_job_count(w) > gpuarb_trace_job_count(t))
            abort();
        gpuarb_trace_free(w);
        /* a short simulation: at most a few hundred jobs over the whole trace
         * (the library refuses more than 1e8 steps; a run of that length
         * would be a libFuzzer timeout, so also the first 1e6 intervals) */
        gpuarb_sim_config *cfg = NULL;
        if (gpuarb_trace_job_count(t) <= 200 && gpuarb_sim_config_default(ctx, &cfg) == GPUARB_OK) {
            gpuarb_sim_result *r = NULL;
            gpuarb_status st = gpuarb_simulate(ctx, cfg, t, "threshold:up=0,idle=0", 1, &r);
            if (st == GPUARB_ERR_LIMIT) {
                gpuarb_trace *w2 = NULL;
                if (gpuarb_trace_window(ctx, t, 0, 3e8, &w2) == GPUARB_OK)
                    st = gpuarb_simulate(ctx, cfg, w2, "threshold:up=0,idle=0", 1, &r);
                gpuarb_trace_free(w2);
            }
            if (st == GPUARB_OK) {
                char *json = NULL;
                gpuarb_sim_result_to_json(ctx, r, &json);
                gpuarb_free(json);
            }
            gpuarb_sim_result_free(r);
        }
        gpuarb_sim_config_free(cfg);
    }
    gpuarb_trace_free(t);
    gpuarb_ctx_free(ctx);
    return 0;
}
