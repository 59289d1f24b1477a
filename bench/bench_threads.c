/*
 * bench_threads.c - throughput of the library with 1 and 2 threads (one
 * context each), and the cost of one optimize call from C (the baseline the
 * bindings' overhead is measured against, bench/bindings.sh).
 *
 *   build/bench/bench_threads              the thread table and the C per-call line
 *   build/bench/bench_threads --per-call N SPEC CATALOG
 *       one line: microseconds per optimize of SPEC on CATALOG (a reference:
 *       "builtin" or a CSV path), both loaded once; optimize + result_to_json +
 *       free; best of 5 runs of N calls
 *   build/bench/bench_threads --per-call-api N forecast|simulate|spot
 *       the same for issue 11's calls on the inputs bench/bindings.sh gives
 *       the bindings: forecast (240 values, horizon 24, method auto) +
 *       to_json; simulate of the hand-worked two-job trace on its SIM.yaml +
 *       to_json; spot replay of tests/data/spot/always.json (uniform
 *       progress, 5 starts) + summary_to_json
 *
 * The work is a fixed mix (test_threads' cases): optimize of examples/spec.yaml
 * (decomposed, no MIP), of a max_throughput spec and of a provider-share spec
 * (both GLPK branch and bound), pack of a BPPLIB file and of a 120-item vector
 * problem with local search.  ROUNDS mixes are split between the threads (best of 3 runs each); the
 * figure is mixes per second and the 2-thread/1-thread ratio (2 cores here, so
 * 2.0 is the ceiling).  Run from the repository root.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpuarb.h"

#define BENCH_SEED 12
#include "bench.h"

#define ROUNDS 40

static const char *const OPT_SPECS[] = {
    "examples/spec.yaml",
    "tests/data/valid/spec/max_throughput/spec.yaml",
    "tests/data/cli/share.yaml",
};

static int optimize_once(gpuarb_ctx *ctx, const char *path)
{
    gpuarb_spec *spec = NULL;
    gpuarb_result *res = NULL;
    char *json = NULL;
    int ok = gpuarb_spec_load(ctx, path, &spec) == GPUARB_OK &&
             gpuarb_optimize(ctx, spec, NULL, NULL, &res) == GPUARB_OK &&
             gpuarb_result_to_json(ctx, res, &json) == GPUARB_OK;
    gpuarb_free(json);
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
    return ok;
}

static int pack_once(gpuarb_ctx *ctx, int vector)
{
    gpuarb_pack_problem *p = NULL;
    gpuarb_pack_result *r = NULL;
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.time_limit_ms = 0;
    o.seed = 7;
    gpuarb_status st;
    if (!vector) {
        st = gpuarb_pack_bpp_load(ctx, "tests/data/cli/tiny.bpp", &p);
    } else {
        o.algorithm = GPUARB_PACK_LOCAL;
        st = gpuarb_pack_problem_create(ctx, &p);
        if (st == GPUARB_OK)
            st = gpuarb_pack_add_node_type(ctx, p, "h100x8", 8, 96, 1024, 98.3, -1, NULL);
        if (st == GPUARB_OK)
            st = gpuarb_pack_add_node_type(ctx, p, "l4x4", 4, 48, 192, 4.6, -1, NULL);
        uint32_t x = 12345;
        for (int i = 0; i < 120 && st == GPUARB_OK; i++) {
            x = x * 1103515245u + 12345u;
            double g = 1 + (x >> 16) % 4;
            x = x * 1103515245u + 12345u;
            double c = 2 + (x >> 16) % 20;
            x = x * 1103515245u + 12345u;
            double m = 8 + (x >> 16) % 150;
            st = gpuarb_pack_add_item(ctx, p, NULL, g, c, m, 1, NULL);
        }
    }
    if (st == GPUARB_OK)
        st = gpuarb_pack_solve(ctx, p, &o, &r);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
    return st == GPUARB_OK;
}

typedef struct job {
    pthread_t tid;
    int rounds;
    int failures;
} job;

static void *work(void *arg)
{
    job *j = arg;
    gpuarb_ctx *ctx = NULL;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK) {
        j->failures++;
        return NULL;
    }
    for (int r = 0; r < j->rounds; r++) {
        for (size_t k = 0; k < sizeof OPT_SPECS / sizeof OPT_SPECS[0]; k++)
            j->failures += !optimize_once(ctx, OPT_SPECS[k]);
        j->failures += !pack_once(ctx, 0);
        j->failures += !pack_once(ctx, 1);
    }
    gpuarb_ctx_free(ctx);
    return NULL;
}

/* The machine's own scaling, for reading the figure above it: a pure
 * arithmetic loop, the same total work on 1 and on 2 threads. */
static void *spin(void *arg)
{
    volatile uint64_t x = 0;
    for (uint64_t i = 0; i < 150000000u; i++)
        x += i;
    return arg;
}

static double spin_speedup(void)
{
    double t0 = now_ms();
    spin(NULL);
    spin(NULL);
    double t1 = now_ms();
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, spin, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (t1 - t0) / (now_ms() - t1);
}

/* Seconds for ROUNDS mixes split over n threads. */
static double run(int n, int *failures)
{
    job jobs[2];
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        jobs[i].rounds = ROUNDS / n;
        jobs[i].failures = 0;
        pthread_create(&jobs[i].tid, NULL, work, &jobs[i]);
    }
    for (int i = 0; i < n; i++) {
        pthread_join(jobs[i].tid, NULL);
        *failures += jobs[i].failures;
    }
    return (now_ms() - t0) / 1e3;
}

/* Microseconds per optimize + to_json of a spec and the built-in catalog
 * loaded once (the catalog borrowed by every call). */
static double per_call_us(int n, const char *spec_path, const char *cat_ref)
{
    gpuarb_ctx *ctx = NULL;
    gpuarb_spec *spec = NULL;
    gpuarb_catalog *cat = NULL;
    if (gpuarb_ctx_create(&ctx) || gpuarb_spec_load(ctx, spec_path, &spec) ||
        gpuarb_catalog_load_ref(ctx, cat_ref, NULL, NULL, &cat))
        return -1;
    double best = 1e300;
    for (int rep = 0; rep < 5; rep++) { /* best of five runs of n calls */
        double t0 = now_ms();
        for (int i = 0; i < n; i++) {
            gpuarb_result *res = NULL;
            char *json = NULL;
            if (gpuarb_optimize(ctx, spec, cat, NULL, &res) ||
                gpuarb_result_to_json(ctx, res, &json))
                return -1;
            gpuarb_free(json);
            gpuarb_result_free(res);
        }
        double us = (now_ms() - t0) * 1e3 / n;
        if (us < best)
            best = us;
    }
    gpuarb_catalog_free(cat);
    gpuarb_spec_free(spec);
    gpuarb_ctx_free(ctx);
    return best;
}

/* The inputs of --per-call-api, the same as bench/bindings.sh's Python and
 * Go (bindings/go/bench_test.go). */
static const char bench_sim_yaml[] = "catalog: tests/data/sim/catalog.csv\n"
                                     "offer: {provider: test, instance_type: n2}\n"
                                     "markets: [ondemand]\nprovisioning_delay_s: 100\n"
                                     "decision_interval_s: 60\nmin_billed_s: 0\n"
                                     "wait_penalty_per_gpu_hour: 1.8\nlimits: {max_nodes: 1}\n";
static const char bench_trace[] = "job_id,submit_s,duration_s,gpus\na,0,1000,2\nb,10,500,1\n";

static double per_call_api_us(int n, const char *kind)
{
    static const double p[24] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8,
                                 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4};
    double y[240];
    for (int t = 0; t < 240; t++)
        y[t] = 40 + 0.25 * t + 2 * p[t % 24];
    gpuarb_ctx *ctx = NULL;
    gpuarb_sim_config *cfg = NULL;
    gpuarb_trace *tr = NULL;
    gpuarb_spot_trace *st = NULL;
    int k = strcmp(kind, "forecast") == 0 ? 0 : strcmp(kind, "simulate") == 0 ? 1
            : strcmp(kind, "spot") == 0   ? 2 : -1;
    if (k < 0 || gpuarb_ctx_create(&ctx))
        return -1;
    if ((k == 1 && (gpuarb_sim_config_parse(ctx, bench_sim_yaml, sizeof bench_sim_yaml - 1,
                                            "sim.yaml", ".", &cfg) ||
                    gpuarb_trace_parse(ctx, bench_trace, sizeof bench_trace - 1, "t.csv",
                                       GPUARB_TRACE_NATIVE, NULL, 0, &tr))) ||
        (k == 2 && gpuarb_spot_trace_load(ctx, "tests/data/spot/always.json", &st))) {
        fprintf(stderr, "bench_threads: %s\n", gpuarb_errfull(ctx));
        return -1;
    }
    gpuarb_forecast_opts fo;
    gpuarb_forecast_opts_init(&fo);
    fo.horizon = 24;
    gpuarb_spot_opts so;
    gpuarb_spot_opts_init(&so);
    so.policy = GPUARB_SPOT_UNIFORM_PROGRESS;
    so.job_hours = 2;
    so.deadline_hours = 4;
    so.restart_hours = 0.5;
    so.price_ratio = 3;
    so.starts = 5;
    double best = 1e300;
    for (int rep = 0; rep < 5; rep++) { /* best of five runs of n calls */
        double t0 = now_ms();
        for (int i = 0; i < n; i++) {
            char *json = NULL;
            gpuarb_status s;
            if (k == 0) {
                gpuarb_forecast_result *r = NULL;
                s = gpuarb_forecast_run(ctx, y, 240, &fo, &r);
                if (!s)
                    s = gpuarb_forecast_result_to_json(ctx, r, &json);
                gpuarb_forecast_result_free(r);
            } else if (k == 1) {
                gpuarb_sim_result *r = NULL;
                s = gpuarb_simulate(ctx, cfg, tr, "threshold:up=0,idle=0", 0, &r);
                if (!s)
                    s = gpuarb_sim_result_to_json(ctx, r, &json);
                gpuarb_sim_result_free(r);
            } else {
                gpuarb_spot_summary m = {.size = sizeof m};
                s = gpuarb_spot_run(ctx, st, &so, &m);
                if (!s)
                    s = gpuarb_spot_summary_to_json(ctx, &m, &json);
            }
            gpuarb_free(json);
            if (s)
                return -1;
        }
        double us = (now_ms() - t0) * 1e3 / n;
        if (us < best)
            best = us;
    }
    gpuarb_spot_trace_free(st);
    gpuarb_trace_free(tr);
    gpuarb_sim_config_free(cfg);
    gpuarb_ctx_free(ctx);
    return best;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--per-call-api") == 0) {
        double us = per_call_api_us(atoi(argv[2]), argv[3]);
        if (us < 0)
            return 1;
        printf("%.1f\n", us);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "--per-call") == 0) {
        double us = per_call_us(atoi(argv[2]), argv[3], argv[4]);
        if (us < 0)
            return 1;
        printf("%.1f\n", us);
        return 0;
    }
    int failures = 0;
    run(1, &failures); /* warm the page cache and the built-in catalog's code */
    double t1 = 1e300, t2 = 1e300;
    for (int rep = 0; rep < 3; rep++) { /* interleaved, best of three each */
        double a = run(1, &failures), b = run(2, &failures);
        t1 = a < t1 ? a : t1;
        t2 = b < t2 ? b : t2;
    }
    printf("%d mixes (3 optimize + 2 pack each), one context per thread, side by side:\n",
           ROUNDS);
    printf("  threads  seconds  mixes/s  speed-up\n");
    printf("  1        %7.3f  %7.1f  1.00\n", t1, ROUNDS / t1);
    printf("  2        %7.3f  %7.1f  %.2f\n", t2, ROUNDS / t2, t1 / t2);
    printf("  (this machine, same run: a pure arithmetic loop on 2 threads does %.2fx the work "
           "of 1)\n", spin_speedup());
    printf("C: %.1f us per optimize of examples/spec.yaml on the built-in catalog loaded once "
           "(optimize + result_to_json)\n",
           per_call_us(300, "examples/spec.yaml", "builtin"));
    if (failures)
        printf("%d calls FAILED\n", failures);
    return failures ? 1 : 0;
}
