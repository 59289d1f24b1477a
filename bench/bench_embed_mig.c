/*
 * bench_embed_mig.c - the C side of the bindings' call overhead for mig place
 * (bench/bindings.sh): microseconds per call of the work the Python and Go
 * bindings do for one placement, from C.
 *
 *   build/bench/bench_embed_mig            one line for N = 2000
 *   build/bench/bench_embed_mig N          the figure only (bench/bindings.sh)
 *
 * The call: gpuarb_mig_place of a spec parsed once (three 1g.10gb and a
 * 4g.40gb on one H100, the bindings' test case), then the result as SPEC
 * section 5 JSON, as a mig-parted config and as Kubernetes pods
 * (gpuarb_mig_result_export), everything freed; best of 5 runs of N calls.
 * Python's MigResult.to_dict() + text('mig-parted') + k8s() and Go's MigPlace
 * do the same and also decode the JSON.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gpuarb.h"

#define BENCH_SEED 12
#include "bench.h"

static const char h100_yaml[] = "gpus:\n  - {name: node-a/0, model: H100}\nrequests:\n"
                                "  - {name: big, profile: 4g.40gb}\n"
                                "  - {name: small, profile: 1g.10gb, count: 3}\n";

static int one(gpuarb_ctx *ctx, const gpuarb_mig_problem *p)
{
    gpuarb_mig_result *r = NULL;
    char *js = NULL, *parted = NULL, *k8s = NULL;
    int bad = gpuarb_mig_place(ctx, p, &r) != GPUARB_OK ||
              gpuarb_mig_result_to_text(ctx, r, GPUARB_MIG_JSON, &js) != GPUARB_OK ||
              gpuarb_mig_result_to_text(ctx, r, GPUARB_MIG_PARTED, &parted) != GPUARB_OK ||
              gpuarb_mig_result_export(ctx, r, NULL, &k8s) != GPUARB_OK;
    gpuarb_free(js);
    gpuarb_free(parted);
    gpuarb_free(k8s);
    gpuarb_mig_result_free(r);
    return bad;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    if (n <= 0)
        n = 2000;
    gpuarb_ctx *ctx = NULL;
    gpuarb_mig_problem *p = NULL;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK ||
        gpuarb_mig_spec_parse(ctx, h100_yaml, sizeof h100_yaml - 1, "h100", &p) != GPUARB_OK) {
        fprintf(stderr, "bench_embed_mig: %s\n", ctx ? gpuarb_errfull(ctx) : "no context");
        gpuarb_ctx_free(ctx);
        return 1;
    }
    double best = 1e300;
    int bad = 0;
    for (int rep = 0; rep < 5 && !bad; rep++) {
        double t0 = now_ms();
        for (long i = 0; i < n && !bad; i++)
            bad = one(ctx, p);
        double us = (now_ms() - t0) * 1e3 / (double)n;
        if (us < best)
            best = us;
    }
    if (bad)
        fprintf(stderr, "bench_embed_mig: %s\n", gpuarb_errfull(ctx));
    else if (argc > 1)
        printf("%.1f\n", best);
    else
        printf("mig place + JSON + mig-parted + k8s, one H100 (3 x 1g.10gb, 4g.40gb), "
               "C: %.1f us per call (best of 5 x %ld)\n", best, n);
    gpuarb_mig_problem_free(p);
    gpuarb_ctx_free(ctx);
    return bad;
}
