/* fuzz_bpp.c - libFuzzer harness (make fuzz) of the BPPLIB reader and the
 * packer behind it.  Any bytes must give a status with a message, never a
 * crash or hang; an instance that loads is packed (first-fit decreasing, so
 * each run stays short) and the packing must be a packing: every item placed
 * exactly once, no node over the capacity, nodes_used >= the lower bound. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuarb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 0;
    gpuarb_pack_problem *p = NULL;
    gpuarb_status st = gpuarb_pack_bpp_parse(ctx, (const char *)data, size, "fuzz.bpp", &p);
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
            if (gpuarb_pack_result_summary(r, &s) != GPUARB_OK || s.nodes_used < s.lower_bound ||
                s.item_count != gpuarb_pack_problem_item_count(p))
                abort();
            int64_t placed = 0;
            for (int64_t i = 0; i < s.nodes_used; i++) {
                gpuarb_pack_node n;
                if (gpuarb_pack_result_node(r, i, &n) != GPUARB_OK)
                    abort();
                for (int64_t k = 0; k < n.item_count; k++)
                    if (gpuarb_pack_result_item_node(r, gpuarb_pack_result_node_item(r, i, k)) != i)
                        abort();
                placed += n.item_count;
            }
            if (placed + s.unplaced_count != s.item_count)
                abort();
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
