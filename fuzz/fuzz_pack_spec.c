/* fuzz_pack_spec.c - libFuzzer harness (make fuzz) of the pack spec loader
 * (SPEC section 4, YAML and JSON) and the vector packer.  Any bytes must give
 * a status with a message; a spec that loads is packed with first-fit
 * decreasing (short runs) and every item must be placed once or listed as
 * unplaced with a reason. */
#include <stdint.h>
#include <stdlib.h>

#include "gpuarb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 0;
    gpuarb_pack_problem *p = NULL;
    gpuarb_status st = gpuarb_pack_spec_parse(ctx, (const char *)data, size, "fuzz", &p);
    if (st != GPUARB_OK && !gpuarb_errmsg(ctx)[0])
        abort();
    if (st == GPUARB_OK && gpuarb_pack_problem_item_count(p) <= 2000) {
        gpuarb_pack_opts o;
        gpuarb_pack_opts_init(&o);
        o.algorithm = GPUARB_PACK_FFD;
        o.time_limit_ms = 1000;
        gpuarb_pack_result *r = NULL;
        if (gpuarb_pack_solve(ctx, p, &o, &r) == GPUARB_OK) {
            gpuarb_pack_summary s = {.size = sizeof s};
            if (gpuarb_pack_result_summary(r, &s) != GPUARB_OK)
                abort();
            for (int64_t i = 0; i < s.unplaced_count; i++) {
                int64_t item = -1;
                const char *why = gpuarb_pack_result_unplaced(r, i, &item);
                if (!why || !why[0] || item < 0 || gpuarb_pack_result_item_node(r, item) != -1)
                    abort();
            }
            char *json = NULL;
            gpuarb_pack_result_to_json(ctx, r, &json);
            gpuarb_free(json);
        }
        gpuarb_pack_result_free(r);
    }
    gpuarb_pack_problem_free(p);
    gpuarb_ctx_free(ctx);
    return 0;
}
