/* fuzz_mig_spec.c - libFuzzer harness (make fuzz) of the mig place spec
 * loader (SPEC section 5, YAML and JSON) and the MIG placer.  Any bytes must
 * give a status with a message; a spec that loads is placed, its summary must
 * add up (placed + unplaced = requests, gpus_used >= the bound), and every
 * output format (JSON, table, mig-parted, Kubernetes pods) must be written. */
#include <stdint.h>
#include <stdlib.h>

#include "gpuarb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 0;
    gpuarb_mig_problem *p = NULL;
    gpuarb_status st = gpuarb_mig_spec_parse(ctx, (const char *)data, size, "fuzz", &p);
    if (st != GPUARB_OK && !gpuarb_errmsg(ctx)[0])
        abort();
    if (st == GPUARB_OK) {
        gpuarb_mig_result *r = NULL;
        st = gpuarb_mig_place(ctx, p, &r);
        if (st != GPUARB_OK && !gpuarb_errmsg(ctx)[0])
            abort();
        if (st == GPUARB_OK) {
            gpuarb_mig_summary s = {.size = sizeof s};
            if (gpuarb_mig_result_summary(r, &s) != GPUARB_OK)
                abort();
            if (s.placed + s.unplaced != s.requests || s.placed < 0 || s.unplaced < 0)
                abort();
            if (s.placed > 0 && s.gpus_used < s.gpus_lower_bound)
                abort();
            for (int32_t f = GPUARB_MIG_JSON; f <= GPUARB_MIG_PARTED; f++) {
                char *text = NULL;
                if (gpuarb_mig_result_to_text(ctx, r, f, &text) == GPUARB_OK && !text)
                    abort();
                gpuarb_free(text);
            }
            char *k8s = NULL;
            if (gpuarb_mig_result_export(ctx, r, NULL, &k8s) == GPUARB_OK && !k8s)
                abort();
            gpuarb_free(k8s);
        }
        gpuarb_mig_result_free(r);
    }
    gpuarb_mig_problem_free(p);
    gpuarb_ctx_free(ctx);
    return 0;
}
