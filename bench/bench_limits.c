/*
 * bench_limits.c - does optimize stay inside its time limit, and what does it
 * hand back when the limit ends the search?  Wall time against the limit,
 * their ratio, the status and the gap, for generated cases that issue 15
 * (defect 3) and issue 14 (finding 3) describe:
 *   share31   5 workloads x 31 offers, max_throughput with a budget and both
 *             share caps (the stages used to starve the exact model);
 *   cap3000   one workload of 50,000 GPUs from 3,000 capacity-limited offers
 *             (a 1 s limit used to end after 2.8 s with no plan, exit 5);
 *   gangs100  100 gang workloads on 600 offers with a provider cap.
 * Nothing passes or fails on time; figures are printed.
 *
 *   bench_limits [--dump DIR]   also write each case as DIR/NAME.csv and
 *                               DIR/NAME.json (for the CLI, glpsol or cbc)
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpuarb.h"

#define BENCH_SEED 0x9E3779B97F4A7C15ULL
#include "bench.h"

/* A growable text buffer (the bench's own; aborts on no memory). */
typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void put(buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k >= 0 && b->s && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        b->cap = b->cap ? 2 * b->cap + (size_t)k : 4096 + (size_t)k;
        b->s = realloc(b->s, b->cap);
        if (!b->s) {
            fputs("bench_limits: out of memory\n", stderr);
            exit(1);
        }
    }
}

#define HDR "provider,region,zone,instance_type,gpu,gpu_count,price_hour,spot_price_hour," \
            "interruption_rate,capacity\n"

static const char *PROV[] = {"aws", "gcp", "azure", "lambda", "runpod"};
static const char *GPU[] = {"H100", "A100", "L4", "A10G", "T4"};
static const double SPEED[] = {3.0, 2.0, 0.8, 0.7, 0.4};

/* share31: 31 offers over 5 providers, 5 workloads. */
static void gen_share31(buf *cat, buf *sp)
{
    put(cat, HDR);
    for (int i = 0; i < 31; i++) {
        int p = i % 5, g = (i * 7 + 3) % 5, gpc = (int[]){1, 2, 4, 8}[i % 4];
        double per = (g == 0 ? 4.0 : g == 1 ? 3.0 : g == 2 ? 0.8 : g == 3 ? 1.0 : 0.35) *
                     (0.8 + 0.4 * urand());
        double price = per * gpc;
        char spot[32] = "";
        if (i % 3)
            snprintf(spot, sizeof spot, "%.4f", price * (0.3 + 0.3 * urand()));
        char capv[16] = "";
        if (i % 2)
            snprintf(capv, sizeof capv, "%d", 1 + (int)(urand() * 6));
        put(cat, "%s,r%d,,i%d,%s,%d,%.4f,%s,%.3f,%s\n", PROV[p], i % 3, i, GPU[g], gpc, price, spot,
            0.05 + 0.2 * urand(), capv);
    }
    put(sp, "{\"version\": 1, \"objective\": \"max_throughput\", \"budget_per_hour\": 300,"
            " \"constraints\": {\"max_provider_share\": 0.35, \"max_spot_share\": 0.5},"
            " \"workloads\": [");
    for (int w = 0; w < 5; w++)
        put(sp, "%s{\"name\": \"w%d\", \"min_gpus\": %d, \"max_gpus\": %d, \"spot\": \"allow\","
                " \"throughput\": {\"H100\": %.2f, \"A100\": %.2f, \"L4\": %.2f, \"A10G\": %.2f,"
                " \"T4\": %.2f}}",
            w ? ", " : "", w, 2 + w, 40 + 10 * w, SPEED[0] * (1 + 0.1 * w), SPEED[1],
            SPEED[2] * (1 + 0.2 * (w % 2)), SPEED[3], SPEED[4]);
    put(sp, "]}");
}

/* cap3000: 3,000 offers of 1..8 instances each, one workload of 50,000 GPUs. */
static void gen_cap3000(buf *cat, buf *sp)
{
    put(cat, HDR);
    for (int i = 0; i < 3000; i++) {
        int gpc = (int[]){1, 2, 4, 8}[i % 4], g = i % 3;
        double price = gpc * (g == 0 ? 3.5 : g == 1 ? 2.5 : 0.9) * (0.8 + 0.4 * urand());
        put(cat, "%s,r%d,,i%d,%s,%d,%.4f,,,%d\n", PROV[i % 5], i % 40, i, GPU[g], gpc, price,
            1 + (int)(urand() * 8) * 3);
    }
    put(sp, "{\"version\": 1, \"workloads\": [{\"name\": \"big\", \"gpus\": 50000}]}");
}

/* gangs100: 600 offers, 100 gang workloads, provider cap 0.5. */
static void gen_gangs100(buf *cat, buf *sp)
{
    put(cat, HDR);
    for (int i = 0; i < 600; i++) {
        int gpc = (int[]){4, 8}[i % 2], g = i % 3;
        double price = gpc * (g == 0 ? 3.5 : g == 1 ? 2.5 : 0.9) * (0.8 + 0.4 * urand());
        char capv[16] = "";
        if (i % 3)
            snprintf(capv, sizeof capv, "%d", 2 + (int)(urand() * 10));
        put(cat, "%s,r%d,,i%d,%s,%d,%.4f,,,%s\n", PROV[i % 5], i % 12, i, GPU[g], gpc, price,
            capv);
    }
    put(sp, "{\"version\": 1, \"constraints\": {\"max_provider_share\": 0.5}, \"workloads\": [");
    for (int w = 0; w < 100; w++)
        put(sp, "%s{\"name\": \"g%d\", \"gpus\": %d, \"same_region\": true}", w ? ", " : "", w,
            8 * (1 + w % 4));
    put(sp, "]}");
}

static void dump(const char *dir, const char *name, const buf *cat, const buf *sp)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.csv", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fwrite(cat->s, 1, cat->n, f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    f = fopen(path, "w");
    if (f) {
        /* the CLI reads the catalog the spec names */
        const char *brace = strchr(sp->s, '{');
        fprintf(f, "{\"catalog\": \"%s.csv\", %s", name, brace ? brace + 1 : sp->s);
        fclose(f);
    }
}

static void run_case(const char *name, void (*gen)(buf *, buf *), double limit_s, const char *dir)
{
    buf cat = {0}, sp = {0};
    gen(&cat, &sp);
    if (dir)
        dump(dir, name, &cat, &sp);
    gpuarb_ctx *ctx = NULL;
    gpuarb_catalog *c = NULL;
    gpuarb_spec *s = NULL;
    gpuarb_result *r = NULL;
    gpuarb_ctx_create(&ctx);
    if (gpuarb_catalog_parse(ctx, cat.s, cat.n, "bench.csv", GPUARB_CATALOG_NATIVE, NULL, &c) ||
        gpuarb_spec_parse(ctx, sp.s, sp.n, "bench.json", NULL, &s)) {
        fprintf(stderr, "%s: %s\n", name, gpuarb_errfull(ctx));
        exit(1);
    }
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.time_limit_s = limit_s;
    double t0 = now_ms();
    gpuarb_status st = gpuarb_optimize(ctx, s, c, &o, &r);
    double ms = now_ms() - t0;
    gpuarb_plan_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.size = sizeof sum;
    static const char *STATUS[] = {"optimal", "feasible", "infeasible", "time_limit"};
    if (st) {
        printf("| %-9s | %6.0f | %8.1f | %5.2f | error: %s |\n", name, limit_s * 1e3, ms,
               ms / (limit_s * 1e3), gpuarb_errmsg(ctx));
    } else {
        gpuarb_result_summary(r, &sum);
        printf("| %-9s | %6.0f | %8.1f | %5.2f | %-10s | %8.4f %% | %.6g |\n", name, limit_s * 1e3,
               ms, ms / (limit_s * 1e3), STATUS[sum.status & 3], 100.0 * sum.mip_gap,
               sum.objective ? sum.throughput : sum.total_cost);
    }
    gpuarb_result_free(r);
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
    gpuarb_ctx_free(ctx);
    free(cat.s);
    free(sp.s);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    if (argc == 3 && strcmp(argv[1], "--dump") == 0)
        dir = argv[2];
    printf("optimize under a time limit (wall ms of gpuarb_optimize, baseline included)\n\n");
    printf("| case      | limit  | wall ms  | ratio | status     | gap        | objective |\n");
    printf("|---|---:|---:|---:|---|---:|---:|\n");
    uint64_t seed = rs;
    double limits[] = {1, 10};
    for (int i = 0; i < 2; i++) {
        rs = seed;
        run_case("share31", gen_share31, limits[i], dir);
    }
    rs = seed;
    run_case("cap3000", gen_cap3000, 1, dir);
    rs = seed;
    run_case("gangs100", gen_gangs100, 2, dir);
    return 0;
}
