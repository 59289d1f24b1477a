/*
 * fuzz_spec.c - libFuzzer harness for the spec input layer (built only by
 * `make fuzz`; run: ./build-fuzz/fuzz/fuzz_spec -max_total_time=60 corpus
 * tests/data/valid/spec/`*`/; `make fuzz` runs it on the seeds
 * fuzz/run.sh gathers).
 *
 * Each input goes through both document readers and through
 * gpuarb_spec_parse.  Besides what ASan/UBSan catch, it aborts when
 *   - a reader returns GPUARB_ERR_INTERNAL (the JSON position scanner and
 *     jansson disagreed) or a status the readers never document;
 *   - a call fails without a message, or succeeds without a tree;
 *   - an accepted spec's canonical JSON does not load back to the very
 *     same canonical JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/doc.h"
#include "gpuarb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_status(gpuarb_ctx *ctx, gpuarb_status st)
{
    if (st == GPUARB_OK)
        return;
    if (st != GPUARB_ERR_SYNTAX && st != GPUARB_ERR_INPUT && st != GPUARB_ERR_LIMIT &&
        st != GPUARB_ERR_NOMEM)
        abort();
    if (!gpuarb_errmsg(ctx)[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx))
        return 0;
    const char *text = (const char *)data;
    ga_doc d;
    gpuarb_status st = ga_doc_parse_yaml(ctx, text, size, "fuzz", &d);
    check_status(ctx, st);
    if (st == GPUARB_OK) {
        if (!d.root)
            abort();
        ga_doc_free(&d);
    }
    st = ga_doc_parse_json(ctx, text, size, "fuzz", &d);
    check_status(ctx, st);
    if (st == GPUARB_OK) {
        if (!d.root)
            abort();
        ga_doc_free(&d);
    }

    gpuarb_spec *spec = NULL;
    st = gpuarb_spec_parse(ctx, text, size, "fuzz", "/base", &spec);
    check_status(ctx, st);
    if (st == GPUARB_OK) {
        char *a = NULL, *b = NULL;
        gpuarb_spec *again = NULL;
        if (gpuarb_spec_to_json(ctx, spec, &a) != GPUARB_OK)
            abort();
        if (gpuarb_spec_parse(ctx, a, strlen(a), "canonical", NULL, &again) != GPUARB_OK)
            abort();
        if (gpuarb_spec_to_json(ctx, again, &b) != GPUARB_OK || strcmp(a, b) != 0)
            abort();
        gpuarb_free(a);
        gpuarb_free(b);
        gpuarb_spec_free(again);
        gpuarb_spec_free(spec);
    }
    gpuarb_ctx_free(ctx);
    return 0;
}
