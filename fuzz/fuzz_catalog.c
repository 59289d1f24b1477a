/* fuzz_catalog.c - libFuzzer harness (make fuzz) of the catalog CSV loader;
 * built a second time with -DFUZZ_SKYPILOT as fuzz_skypilot, the SkyPilot
 * vms.csv importer.  Any bytes must return a status, never crash or hang,
 * and a catalog that loads must survive a native CSV round trip unchanged. */
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
#ifdef FUZZ_SKYPILOT
    int32_t format = GPUARB_CATALOG_SKYPILOT;
#else
    int32_t format = GPUARB_CATALOG_NATIVE;
#endif
    gpuarb_catalog *cat = NULL;
    if (gpuarb_catalog_parse(ctx, (const char *)data, size, "fuzz", format, "aws", &cat) ==
        GPUARB_OK) {
        char *csv = NULL, *again = NULL;
        gpuarb_catalog *back = NULL;
        if (gpuarb_catalog_to_csv(ctx, cat, &csv) != GPUARB_OK ||
            gpuarb_catalog_parse(ctx, csv, strlen(csv), "rt", GPUARB_CATALOG_NATIVE, NULL,
                                 &back) != GPUARB_OK ||
            gpuarb_catalog_to_csv(ctx, back, &again) != GPUARB_OK || strcmp(csv, again) != 0)
            abort(); /* the round trip must hold for anything the loader accepts */
        gpuarb_free(csv);
        gpuarb_free(again);
        gpuarb_catalog_free(back);
        char *json = NULL, *table = NULL;
        gpuarb_catalog_to_json(ctx, cat, &json);
        gpuarb_catalog_to_table(ctx, cat, &table);
        gpuarb_free(json);
        gpuarb_free(table);
    }
    gpuarb_catalog_free(cat);
    gpuarb_ctx_free(ctx);
    return 0;
}
