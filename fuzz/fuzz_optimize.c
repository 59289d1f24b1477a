/* fuzz_optimize.c - libFuzzer harness (make fuzz) of the whole optimize path
 * on a spec the fuzzer writes: parse, solve on a fixed four-offer catalog
 * (borrowed, so no input can load a file or the built-in catalog), write the
 * JSON and every export format.  Solves are bounded (0.5 s, 256 MiB) so the
 * fuzzer keeps its pace.  Any crash, sanitizer report or abort is a bug; so
 * is an OK result whose JSON or export fails for a reason other than memory
 * or a name Kubernetes cannot carry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuarb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char CATALOG[] =
    "provider,region,zone,instance_type,gpu,gpu_count,price_hour,spot_price_hour,"
    "interruption_rate,capacity\n"
    "aws,us-east-1,use1-az1,p4d.24xlarge,A100,8,32.77,12.0,0.1,\n"
    "gcp,us-central1,,a2-highgpu-1g,A100,1,3.67,1.1,0.2,4\n"
    "lambda,us-east-1,,gpu_1x_h100,H100,1,2.49,,,2\n"
    "azure,eastus,,Standard_NC4as_T4_v3,T4,1,0.526,0.1,0.05,\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 0;
    gpuarb_catalog *cat = NULL;
    gpuarb_spec *spec = NULL;
    gpuarb_result *res = NULL;
    if (gpuarb_catalog_parse(ctx, CATALOG, sizeof CATALOG - 1, "fuzz.csv", GPUARB_CATALOG_NATIVE,
                             NULL, &cat) != GPUARB_OK)
        abort();
    gpuarb_status st = gpuarb_spec_parse(ctx, (const char *)data, size, "fuzz", "/nonexistent",
                                         &spec);
    if (st != GPUARB_OK && !gpuarb_errmsg(ctx)[0])
        abort();
    if (st == GPUARB_OK) {
        gpuarb_optimize_opts o;
        gpuarb_optimize_opts_init(&o);
        o.time_limit_s = 0.5;
        o.memory_limit_mib = 256;
        st = gpuarb_optimize(ctx, spec, cat, &o, &res);
        if (st != GPUARB_OK && st != GPUARB_ERR_INPUT && st != GPUARB_ERR_LIMIT &&
            st != GPUARB_ERR_NOMEM && st != GPUARB_ERR_SOLVER)
            abort();
    }
    if (res) {
        char *text = NULL;
        st = gpuarb_result_to_json(ctx, res, &text);
        if (st != GPUARB_OK && st != GPUARB_ERR_NOMEM)
            abort();
        gpuarb_free(text);
        gpuarb_plan_summary sum = {.size = sizeof sum};
        if (gpuarb_result_summary(res, &sum) != GPUARB_OK)
            abort();
        int plan = sum.status == GPUARB_SOLVE_OPTIMAL || sum.status == GPUARB_SOLVE_FEASIBLE;
        for (int32_t f = GPUARB_EXPORT_K8S; f <= GPUARB_EXPORT_SKYPILOT; f++) {
            gpuarb_export_opts eo;
            gpuarb_export_opts_init(&eo);
            eo.format = f;
            text = NULL;
            st = gpuarb_result_export(ctx, res, spec, &eo, &text);
            /* no plan: INPUT; a plan: OK, or LIMIT (Kueue's 16 flavors cannot be
             * reached with 4 offers x 2 markets = 8) */
            if (plan ? st != GPUARB_OK && st != GPUARB_ERR_NOMEM
                     : st != GPUARB_ERR_INPUT)
                abort();
            gpuarb_free(text);
        }
    }
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
    gpuarb_catalog_free(cat);
    gpuarb_ctx_free(ctx);
    return 0;
}
