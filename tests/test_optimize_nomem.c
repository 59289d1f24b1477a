/*
 * test_optimize_nomem.c - every allocation failure inside gpuarb_optimize
 * ends in GPUARB_ERR_NOMEM or in the same answer as without it (issue 14,
 * finding 2: a failed allocation in the plan evaluation used to give a plan
 * with zero figures called optimal).
 *
 * malloc, calloc and realloc are wrapped at link time (-Wl,--wrap, see the
 * Makefile) for the library's objects: while `armed`, the allocation
 * numbered fail_at fails (mode ONE), or every allocation from it on (mode
 * FROM).  GLPK's own allocations are not ours to fail here (lp.c guards
 * them; test_lp covers its environment).  The reference answer is the
 * solve with no failure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

enum { ONE = 0, FROM = 1 };
static int armed, mode;
static long counter, fail_at, failed;

static int should_fail(void)
{
    if (!armed)
        return 0;
    counter++;
    if (counter == fail_at || (mode == FROM && counter > fail_at)) {
        failed++;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
    return should_fail() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

#define HDR "provider,region,zone,instance_type,gpu,gpu_count,price_hour,spot_price_hour,interruption_rate,capacity\n"

typedef struct answer {
    gpuarb_status st;
    int32_t status;
    double total, tput;
    int32_t n_alloc;
} answer;

static answer run(gpuarb_ctx *ctx, const gpuarb_spec *s, const gpuarb_catalog *c)
{
    answer a;
    memset(&a, 0, sizeof a);
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.time_limit_s = 0; /* no clock: every run takes the same path */
    gpuarb_result *r = NULL;
    armed = 1;
    a.st = gpuarb_optimize(ctx, s, c, &o, &r);
    armed = 0;
    if (a.st == GPUARB_OK) {
        gpuarb_plan_summary sum;
        memset(&sum, 0, sizeof sum);
        sum.size = sizeof sum;
        assert_int_equal(gpuarb_result_summary(r, &sum), GPUARB_OK);
        a.status = sum.status;
        a.total = sum.total_cost;
        a.tput = sum.throughput;
        a.n_alloc = gpuarb_result_allocation_count(r);
    } else {
        assert_null(r);
    }
    gpuarb_result_free(r);
    return a;
}

/* Fail the N-th allocation, and every one from the N-th on, for every N
 * until a run completes without reaching N. */
static void check_case(gpuarb_ctx *ctx, const char *cat_csv, const char *spec_text)
{
    gpuarb_catalog *c = NULL;
    gpuarb_spec *s = NULL;
    assert_int_equal(gpuarb_catalog_parse(ctx, cat_csv, strlen(cat_csv), "nomem.csv",
                                          GPUARB_CATALOG_NATIVE, NULL, &c), GPUARB_OK);
    assert_int_equal(gpuarb_spec_parse(ctx, spec_text, strlen(spec_text), "nomem.yaml", NULL, &s),
                     GPUARB_OK);
    counter = 0;
    fail_at = -1;
    mode = ONE;
    answer want = run(ctx, s, c);
    assert_int_equal(want.st, GPUARB_OK);
    long total = counter;
    assert_true(total > 10);
    int nomem = 0, same = 0;
    for (int m = ONE; m <= FROM; m++) {
        for (long n = 1; n <= total; n++) {
            counter = 0;
            failed = 0;
            fail_at = n;
            mode = m;
            answer got = run(ctx, s, c);
            if (got.st == GPUARB_ERR_NOMEM) {
                nomem++;
                continue;
            }
            if (got.st != GPUARB_OK)
                fail_msg("allocation %ld failing (%s): status %d (%s)", n,
                         m == ONE ? "once" : "from then on", (int)got.st, gpuarb_errmsg(ctx));
            if (got.status != want.status || fabs(got.total - want.total) > 1e-9 ||
                fabs(got.tput - want.tput) > 1e-9 || got.n_alloc != want.n_alloc)
                fail_msg("allocation %ld failing (%s): status %d total %.9g throughput %.9g, "
                         "without failure: status %d total %.9g throughput %.9g",
                         n, m == ONE ? "once" : "from then on", got.status, got.total, got.tput,
                         want.status, want.total, want.tput);
            same++;
        }
    }
    /* both outcomes occur: the failures were reached */
    assert_true(nomem > 0);
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
    if (getenv("NOMEM_DEBUG"))
        fprintf(stderr, "%ld allocations; %d runs ended in NOMEM, %d with the same answer\n", total, nomem, same);
}

/* min_cost coupled by capacity and a provider cap: DP, greedy, R0/R1/F,
 * the MIP and the baseline all run. */
static void coupled_min_cost(void **state)
{
    fixture *f = *state;
    check_case(f->ctx,
               HDR "runpod,US,,cheap,A100,4,4,,,2\n"
                   "runpod,US,,mid,A100,2,3,,,3\n"
                   "aws,us-east-1,,dear,A100,4,8.5,3,0.1,\n",
               "version: 1\nconstraints: {max_provider_share: 0.7}\n"
               "workloads:\n  - {name: a, gpus: 8, spot: allow}\n"
               "  - {name: b, gpus: 10}\n  - {name: c, gpus: 4}\n");
}

/* max_throughput with a gang (issue 15's big-M case). */
static void gang_max_throughput(void **state)
{
    fixture *f = *state;
    check_case(f->ctx,
               "provider,region,zone,instance_type,gpu,gpu_count,gpu_memory_gb,price_hour,"
               "spot_price_hour,interruption_rate,capacity\n"
               "aws,us-east-1,,x-t4,T4,1,16,0.0001,,,\n"
               "aws,us-east-1,,y-h100,H100,8,80,10,,,1\n"
               "gcp,us-central1,,z-a100,A100,1,40,1.0,,,\n",
               "{\"version\":1,\"objective\":\"max_throughput\",\"budget_per_hour\":100,"
               "\"workloads\":[{\"name\":\"gang\",\"min_gpus\":1,\"same_region\":true,"
               "\"throughput\":{\"T4\":0.000001,\"H100\":10,\"A100\":1}}]}");
}

/* min_cost that decomposes: the DP answer is verified, then reported. */
static void decomposed_min_cost(void **state)
{
    fixture *f = *state;
    check_case(f->ctx,
               HDR "aws,us-east-1,,big,H100,8,20,,,\n"
                   "aws,us-east-1,,small,H100,1,3,,,\n"
                   "gcp,us-central1,,g,H100,1,2.9,,,\n",
               "version: 1\nworkloads:\n  - {name: a, gpus: 10}\n  - {name: b, gpus: 3}\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_TEST(decomposed_min_cost),
        TU_TEST(coupled_min_cost),
        TU_TEST(gang_max_throughput),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
