/*
 * bench_mig.c - `mig place` at scale and on small cases: 10,000 GPUs (four
 * models, some holding instances) and 50,000 requests (MIG profiles and
 * shares), its time, GPUs used against the proven bound; and how many of
 * 300 random small cases the exact search proves optimal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpuarb.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int place(gpuarb_ctx *ctx, const char *text, gpuarb_mig_summary *s, double *wall)
{
    gpuarb_mig_problem *p = NULL;
    gpuarb_mig_result *r = NULL;
    double t0 = now_ms();
    if (gpuarb_mig_spec_parse(ctx, text, strlen(text), "bench", &p) ||
        gpuarb_mig_place(ctx, p, &r)) {
        fprintf(stderr, "bench_mig: %s\n", gpuarb_errfull(ctx));
        return -1;
    }
    *wall = now_ms() - t0;
    memset(s, 0, sizeof *s);
    s->size = sizeof *s;
    gpuarb_mig_result_summary(r, s);
    gpuarb_mig_result_free(r);
    gpuarb_mig_problem_free(p);
    return 0;
}

int main(void)
{
    gpuarb_ctx *ctx = NULL;
    if (gpuarb_ctx_create(&ctx))
        return 1;
    const char *big =
        "gpus:\n"
        "  - {model: H100, count: 3500}\n"
        "  - {model: H100, count: 500, instances: [{profile: 3g.40gb, start: 4}]}\n"
        "  - {model: A100-80GB, count: 3000}\n"
        "  - {model: A100, count: 2000}\n"
        "  - {model: L4, count: 1000}\n"
        "requests:\n"
        "  - {name: a, profile: 1g.10gb, count: 28000}\n"
        "  - {name: b, profile: 2g.20gb, count: 5000}\n"
        "  - {name: c, profile: 3g.40gb, count: 3000}\n"
        "  - {name: d, profile: 4g.40gb, count: 1000}\n"
        "  - {name: e, profile: 7g.80gb, count: 500}\n"
        "  - {name: f, profile: 1g.5gb, count: 6000}\n"
        "  - {name: g, profile: 3g.20gb, count: 1500}\n"
        "  - {name: s, fraction: 0.25, memory_gb: 6, count: 4000}\n"
        "  - {name: t, fraction: 0.5, memory_gb: 12, count: 1000}\n";
    gpuarb_mig_summary s;
    double wall;
    if (place(ctx, big, &s, &wall))
        return 1;
    printf("mig place, 10,000 GPUs x 50,000 requests: %.0f ms (parse + place; place %.0f ms)\n",
           wall, s.solve_ms);
    printf("  placed %lld, unplaced %lld, GPUs used %lld, proven bound %lld (ratio %.4f)\n",
           (long long)s.placed, (long long)s.unplaced, (long long)s.gpus_used,
           (long long)s.gpus_lower_bound,
           s.gpus_lower_bound ? (double)s.gpus_used / (double)s.gpus_lower_bound : 0.0);
    /* small random cases */
    static const char *const PROF[] = {"1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb",
                                       "4g.40gb", "7g.80gb"};
    uint64_t x = 12345;
    int exact = 0, total = 300, atbound = 0;
    double ms = 0;
    for (int c = 0; c < total; c++) {
        char text[4096];
        int w = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int ng = 2 + (int)(x % 5), nr = 3 + (int)((x >> 8) % 9);
        w += snprintf(text + w, sizeof text - (size_t)w, "gpus:\n  - {model: H100, count: %d}\n"
                      "  - {model: A100-80GB, instances: [{profile: 1g.10gb, start: 2}]}\n"
                      "requests:\n", ng);
        for (int i = 0; i < nr; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (x % 7 == 0)
                w += snprintf(text + w, sizeof text - (size_t)w,
                              "  - {name: r%d, fraction: 0.%d}\n", i, 1 + (int)(x % 9));
            else
                w += snprintf(text + w, sizeof text - (size_t)w,
                              "  - {name: r%d, profile: %s}\n", i, PROF[(x >> 5) % 6]);
        }
        if (place(ctx, text, &s, &wall))
            return 1;
        exact += s.exact;
        atbound += s.unplaced == 0 && s.gpus_used == s.gpus_lower_bound;
        ms += wall;
    }
    printf("small cases (2-6 H100 + 1 A100-80GB, 3-11 requests): %d of %d proven optimal by "
           "the exact search, %d meet the simple bound; %.2f ms each\n",
           exact, total, atbound, ms / total);
    gpuarb_ctx_free(ctx);
    return 0;
}
