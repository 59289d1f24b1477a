/*
 * test_trust.c - issue 7: the numbers around a plan that tell a user how far
 * to trust it.  Price sources and dates travel from a catalog to the plan;
 * warnings for prices older than 180 days (counted by hand on the calendar)
 * and for spot bought on a default interruption rate; unknown providers are
 * bad input with near matches; a region glob that matches nothing gets a
 * hint; --explain's alternatives cost what a hand computation says; and
 * `catalog check` finds exactly the anomalies planted in a small catalog.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static gpuarb_ctx *ctx;

static int setup(void **state)
{
    int rc = tu_setup(state);
    ctx = rc ? NULL : ((fixture *)*state)->ctx;
    return rc;
}

static gpuarb_catalog *catalog(const char *csv)
{
    gpuarb_catalog *c = NULL;
    if (gpuarb_catalog_parse(ctx, csv, strlen(csv), "t.csv", GPUARB_CATALOG_NATIVE, NULL, &c))
        fail_msg("catalog: %s", gpuarb_errfull(ctx));
    return c;
}

static gpuarb_result *solve(const char *csv, const char *yaml, int explain)
{
    gpuarb_catalog *c = catalog(csv);
    gpuarb_spec *s = NULL;
    if (gpuarb_spec_parse(ctx, yaml, strlen(yaml), "t.yaml", NULL, &s))
        fail_msg("spec: %s", gpuarb_errfull(ctx));
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.explain = explain;
    o.skip_baseline = 1;
    gpuarb_result *r = NULL;
    if (gpuarb_optimize(ctx, s, c, &o, &r))
        fail_msg("optimize: %s", gpuarb_errfull(ctx));
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
    return r;
}

static int has_warning(const gpuarb_result *r, const char *part)
{
    for (int32_t i = 0; i < gpuarb_result_warning_count(r); i++)
        if (strstr(gpuarb_result_warning(r, i), part))
            return 1;
    return 0;
}

/* A small catalog dated 2026-01-01: aws one GPU at $1/h (spot $0.30, rate
 * not given), gcp one GPU at $1.50/h (spot $0.40 at rate 0.1). */
static const char *CAT =
    "# source: hand-made test catalog\n"
    "# date: 2026-01-01\n"
    "provider,region,instance_type,gpu,gpu_count,price_hour,spot_price_hour,interruption_rate\n"
    "aws,us-east-1,a1,L4,1,1.0,0.30,\n"
    "gcp,us-central1,g1,L4,1,1.5,0.40,0.1\n";

static void sources_and_dates_reach_the_plan(void **state)
{
    (void)state;
    gpuarb_catalog *c = catalog(CAT);
    assert_int_equal(gpuarb_catalog_source_count(c), 2);
    const char *p, *src, *date;
    assert_int_equal(gpuarb_catalog_source(c, 1, &p, &src, &date), GPUARB_OK);
    assert_string_equal(p, "gcp");
    assert_string_equal(src, "hand-made test catalog");
    assert_string_equal(date, "2026-01-01");
    gpuarb_catalog_free(c);
    /* the built-in catalog names RunPod's 2023-10-09 snapshot */
    assert_int_equal(gpuarb_catalog_builtin(ctx, &c), GPUARB_OK);
    int found = 0;
    for (size_t i = 0; i < gpuarb_catalog_source_count(c); i++) {
        assert_int_equal(gpuarb_catalog_source(c, i, &p, &src, &date), GPUARB_OK);
        if (strcmp(p, "runpod") == 0) {
            assert_string_equal(date, "2023-10-09");
            found = 1;
        }
    }
    assert_true(found);
    /* and `gpuarb catalog --format json` lists them beside the offers */
    char *cj = NULL;
    assert_int_equal(gpuarb_catalog_to_json(ctx, c, &cj), GPUARB_OK);
    assert_non_null(strstr(cj, "{\"provider\": \"runpod\", \"source\": \"runpod/pod-catalog "
                               "a8c44b4 vms.csv\", \"date\": \"2023-10-09\"}"));
    assert_non_null(strstr(cj, "{\"provider\": \"aws\", \"source\": \"skypilot-org/"
                               "skypilot-catalog 001367d catalogs/v7/aws/vms.csv\", \"date\": null}"));
    gpuarb_free(cj);
    gpuarb_catalog_free(c);

    assert_int_equal(gpuarb_ctx_set_today(ctx, "2026-06-30"), GPUARB_OK);
    gpuarb_result *r = solve(CAT, "version: 1\nworkloads:\n  - {name: w, gpus: 2}\n", 0);
    /* both providers could be used: both sources, in catalog order */
    assert_int_equal(gpuarb_result_source_count(r), 2);
    assert_int_equal(gpuarb_result_source(r, 0, &p, &src, &date), GPUARB_OK);
    assert_string_equal(p, "aws");
    assert_string_equal(date, "2026-01-01");
    char *json = NULL;
    assert_int_equal(gpuarb_result_to_json(ctx, r, &json), GPUARB_OK);
    assert_non_null(strstr(json, "\"catalog\":{\"sources\":[{\"provider\":\"aws\","
                                 "\"source\":\"hand-made test catalog\",\"date\":\"2026-01-01\"}"));
    gpuarb_free(json);
    gpuarb_result_free(r);
    assert_int_equal(gpuarb_ctx_set_today(ctx, NULL), GPUARB_OK);
}

/* 2026-01-01 + 180 days = 2026-06-30 (31 + 28 + 31 + 30 + 31 + 29 = 180):
 * no warning then, one the day after. */
static void prices_older_than_180_days_warn(void **state)
{
    (void)state;
    const char *yaml = "version: 1\nworkloads:\n  - {name: w, gpus: 2}\n";
    assert_int_equal(gpuarb_ctx_set_today(ctx, "2026-06-30"), GPUARB_OK);
    gpuarb_result *r = solve(CAT, yaml, 0);
    gpuarb_plan_summary s = {.size = sizeof s};
    assert_int_equal(gpuarb_result_summary(r, &s), GPUARB_OK);
    assert_int_equal(s.warning_count, 0);
    assert_int_equal(gpuarb_result_warning_count(r), 0);
    gpuarb_result_free(r);
    assert_int_equal(gpuarb_ctx_set_today(ctx, "2026-07-01"), GPUARB_OK);
    r = solve(CAT, yaml, 0);
    assert_int_equal(gpuarb_result_summary(r, &s), GPUARB_OK);
    assert_int_equal(s.warning_count, 1);
    assert_true(has_warning(r, "prices of aws are from 2026-01-01, 181 days ago"));
    gpuarb_result_free(r);
    /* a catalog without a date: the plan says so */
    r = solve("provider,region,instance_type,gpu,gpu_count,price_hour\naws,r,a,L4,1,1\n", yaml,
              0);
    assert_true(has_warning(r, "prices of aws have no date"));
    gpuarb_result_free(r);
    assert_int_equal(gpuarb_ctx_set_today(ctx, "2026-02-30"), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_ctx_set_today(ctx, NULL), GPUARB_OK);
}

/* Spot at aws: 0.30 / (1 - 0.05 (0.5 + 5/60)) = 0.30 / 0.970833 = 0.309 per
 * GPU-hour, the cheapest; its rate is the default: a warning.  With the aws
 * spot offer gone, gcp spot (rate 0.1 given): 0.40 / 0.941667 = 0.4248 < 1.0,
 * chosen without a warning. */
static void spot_on_a_default_rate_warns(void **state)
{
    (void)state;
    assert_int_equal(gpuarb_ctx_set_today(ctx, "2026-01-02"), GPUARB_OK);
    const char *yaml = "version: 1\nworkloads:\n  - {name: w, gpus: 2, spot: allow}\n";
    gpuarb_result *r = solve(CAT, yaml, 0);
    gpuarb_allocation a;
    assert_int_equal(gpuarb_result_allocation(r, 0, &a), GPUARB_OK);
    assert_string_equal(a.provider, "aws");
    assert_int_equal(a.spot, 1);
    assert_int_equal(gpuarb_result_warning_count(r), 1);
    assert_true(has_warning(r, "spot aws a1 in us-east-1: its interruption rate is the default"));
    gpuarb_result_free(r);
    const char *cat2 =
        "# date: 2026-01-01\n"
        "provider,region,instance_type,gpu,gpu_count,price_hour,spot_price_hour,interruption_rate\n"
        "aws,us-east-1,a1,L4,1,1.0,,\n"
        "gcp,us-central1,g1,L4,1,1.5,0.40,0.1\n";
    r = solve(cat2, yaml, 0);
    assert_int_equal(gpuarb_result_allocation(r, 0, &a), GPUARB_OK);
    assert_string_equal(a.provider, "gcp");
    assert_int_equal(a.spot, 1);
    assert_int_equal(gpuarb_result_warning_count(r), 0);
    gpuarb_result_free(r);
    assert_int_equal(gpuarb_ctx_set_today(ctx, NULL), GPUARB_OK);
}

static void unknown_providers_are_bad_input(void **state)
{
    (void)state;
    gpuarb_catalog *c = catalog(CAT);
    const char *yaml = "version: 1\nconstraints:\n  providers: {deny: [run-pod, gpc]}\n"
                       "workloads:\n  - {name: w, gpus: 2}\n";
    gpuarb_spec *s = NULL;
    assert_int_equal(gpuarb_spec_parse(ctx, yaml, strlen(yaml), "t.yaml", NULL, &s), GPUARB_OK);
    gpuarb_result *r = NULL;
    assert_int_equal(gpuarb_optimize(ctx, s, c, NULL, &r), GPUARB_ERR_INPUT);
    assert_null(r);
    /* "run-pod" is 6 edits from gcp and 7 from aws: gcp first */
    assert_non_null(strstr(gpuarb_errmsg(ctx), "unknown provider 'run-pod': the catalog offers "
                                               "gcp, aws"));
    assert_string_equal(gpuarb_errpath(ctx), "constraints.providers.deny[0]");
    /* at the entry: "  providers: {deny: [" is 21 characters */
    assert_int_equal(gpuarb_errline(ctx), 3);
    assert_int_equal(gpuarb_errcolumn(ctx), 22);
    gpuarb_spec_free(s);
    /* data.provider: "gpc" is 2 edits from gcp, 3 from aws: gcp first; the
     * workload's position (line 3, column 5) */
    yaml = "version: 1\nworkloads:\n  - {name: w, gpus: 2, data: {provider: gpc, region: r, "
           "gb: 1}}\n";
    assert_int_equal(gpuarb_spec_parse(ctx, yaml, strlen(yaml), "t.yaml", NULL, &s), GPUARB_OK);
    assert_int_equal(gpuarb_optimize(ctx, s, c, NULL, &r), GPUARB_ERR_INPUT);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "unknown provider 'gpc': the catalog offers gcp, aws"));
    assert_string_equal(gpuarb_errpath(ctx), "workloads[0].data.provider");
    assert_int_equal(gpuarb_errline(ctx), 3);
    gpuarb_spec_free(s);
    /* globs are not names: "a*" that matches aws is fine, and so is a glob
     * that matches nothing (it filters nothing) */
    yaml = "version: 1\nconstraints:\n  providers: {allow: [\"a*\"], deny: [\"z*\"]}\n"
           "workloads:\n  - {name: w, gpus: 2}\n";
    assert_int_equal(gpuarb_spec_parse(ctx, yaml, strlen(yaml), "t.yaml", NULL, &s), GPUARB_OK);
    assert_int_equal(gpuarb_optimize(ctx, s, c, NULL, &r), GPUARB_OK);
    gpuarb_result_free(r);
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
}

static void region_glob_matching_nothing_gets_a_hint(void **state)
{
    (void)state;
    const char *cat = "provider,region,instance_type,gpu,gpu_count,price_hour\n"
                      "aws,us-east-1,a,L4,1,1\naws,us-west-2,a,L4,1,1\n"
                      "aws,eu-west-1,a,L4,1,1\n";
    gpuarb_result *r = solve(cat, "version: 1\nconstraints:\n  regions: {allow: [\"us-esat-*\", "
                                  "\"eu-*\"]}\nworkloads:\n  - {name: w, gpus: 1}\n", 0);
    /* "us-esat-" vs "us-east-" and "us-west-" 2 edits each (ties in catalog
     * order), "eu-west-" 4 */
    assert_true(has_warning(r, "region 'us-esat-*' in constraints.regions.allow matches no "
                               "region of the allowed providers; close ones: us-east-1, "
                               "us-west-2, eu-west-1"));
    assert_false(has_warning(r, "'eu-*'"));
    gpuarb_result_free(r);
}

/* Two workloads on CAT: w1 2 GPUs on demand only, w2 1 GPU spot allowed.
 * Plan: w1 on aws 2 x $1 = $2/h; w2 on aws spot 0.30 / 0.970833 = $0.3090/h.
 * Alternatives by hand: w1 gcp on demand 2 x 1.5 = $3/h, $1.00/h dearer;
 * w2 aws on demand $1/h (+0.6910), gcp on demand $1.50/h (+1.1910), gcp
 * spot 0.40 / (1 - 0.1 (0.5 + 5/60)) = 0.424779/h (+0.115767). */
static void alternatives_cost_what_hand_computation_says(void **state)
{
    (void)state;
    assert_int_equal(gpuarb_ctx_set_today(ctx, "2026-01-02"), GPUARB_OK);
    const char *yaml = "version: 1\nworkloads:\n  - {name: w1, gpus: 2}\n"
                       "  - {name: w2, gpus: 1, spot: allow}\n";
    gpuarb_result *r = solve(CAT, yaml, 1);
    assert_int_equal(gpuarb_result_alternative_count(r), 4);
    struct {
        const char *w, *p;
        int32_t spot;
        double cph, extra;
    } want[4] = {{"w1", "gcp", 0, 3.0, 1.0},
                 {"w2", "aws", 0, 1.0, 1.0 - 0.3 / (1 - 0.05 * (0.5 + 5.0 / 60))},
                 {"w2", "gcp", 0, 1.5, 1.5 - 0.3 / (1 - 0.05 * (0.5 + 5.0 / 60))},
                 {"w2", "gcp", 1, 0.4 / (1 - 0.1 * (0.5 + 5.0 / 60)),
                  0.4 / (1 - 0.1 * (0.5 + 5.0 / 60)) - 0.3 / (1 - 0.05 * (0.5 + 5.0 / 60))}};
    for (int i = 0; i < 4; i++) {
        const char *w, *p, *why;
        int32_t spot;
        double cph, extra;
        assert_int_equal(gpuarb_result_alternative(r, i, &w, &p, &spot, &cph, &extra, &why),
                         GPUARB_OK);
        assert_string_equal(w, want[i].w);
        assert_string_equal(p, want[i].p);
        assert_int_equal(spot, want[i].spot);
        assert_float_equal(cph, want[i].cph, 1e-9);
        assert_float_equal(extra, want[i].extra, 1e-6);
        assert_non_null(strstr(why, "dearer by $"));
    }
    char *json = NULL;
    assert_int_equal(gpuarb_result_to_json(ctx, r, &json), GPUARB_OK);
    assert_non_null(strstr(json, "\"alternatives\":[{\"workload\":\"w1\",\"provider\":\"gcp\","
                                 "\"market\":\"ondemand\",\"cost_per_hour\":3.0,"
                                 "\"extra_per_hour\":1.0,\"reason\":\"dearer by $1.00/h\"}"));
    gpuarb_free(json);
    gpuarb_result_free(r);
    /* a cap decides: with max_provider_share 0.5 over 4 GPUs, w1 takes aws
     * ($1/h each) and w2 gcp ($1.50/h): w2 alone on aws is $2/h, $1/h
     * cheaper than its $3/h, and lost to the cap */
    const char *capcat = "provider,region,instance_type,gpu,gpu_count,price_hour\n"
                         "aws,us-east-1,a1,L4,1,1.0\ngcp,us-central1,g1,L4,1,1.5\n";
    gpuarb_result *rc = solve(capcat, "version: 1\nconstraints: {max_provider_share: 0.5}\n"
                                      "workloads:\n  - {name: w1, gpus: 2}\n"
                                      "  - {name: w2, gpus: 2}\n", 1);
    assert_int_equal(gpuarb_result_alternative_count(rc), 2);
    const char *cw, *cp, *why;
    double ccph, cextra;
    assert_int_equal(gpuarb_result_alternative(rc, 1, &cw, &cp, NULL, &ccph, &cextra, &why),
                     GPUARB_OK);
    assert_string_equal(cw, "w2");
    assert_string_equal(cp, "aws");
    assert_float_equal(ccph, 2.0, 1e-9);
    assert_float_equal(cextra, -1.0, 1e-9);
    assert_string_equal(why, "$1.00/h cheaper alone, but over a cap: max_provider_share, with "
                             "the other workloads");
    gpuarb_result_free(rc);
    /* without explain: no "alternatives" member at all */
    r = solve(CAT, yaml, 0);
    assert_int_equal(gpuarb_result_to_json(ctx, r, &json), GPUARB_OK);
    assert_null(strstr(json, "alternatives"));
    gpuarb_free(json);
    gpuarb_result_free(r);
    assert_int_equal(gpuarb_ctx_set_today(ctx, NULL), GPUARB_OK);
}

/* A catalog with one of each anomaly planted (and clean rows around them). */
static void catalog_check_finds_what_was_planted(void **state)
{
    (void)state;
    const char *csv =
        "provider,region,zone,instance_type,gpu,gpu_count,vcpus,price_hour,spot_price_hour\n"
        /* 2: x.big in three regions at 10, 11, 12 and one at 22 > 1.8 x 11.5 */
        "aws,r1,,x.big,A100,8,96,10,\n"
        "aws,r2,,x.big,A100,8,96,11,\n"
        "aws,r3,,x.big,A100,8,96,12,\n"
        "aws,r4,,x.big,A100,8,96,22,\n"
        /* 6: spot above on-demand */
        "aws,r1,,y.small,L4,1,4,1.0,1.2\n"
        /* 7: GPU-only (no vCPUs, named ACCELxCOUNT) */
        "gcp,us-central1,us-central1-a,T4x1,T4,1,,0.35,0.14\n"
        /* 8, 9: a duplicate of line 6 at another price */
        "aws,r1,,y.small,L4,1,4,1.0,0.5\n"
        /* 9: part of a GPU */
        "azure,eastus,,Standard_NV4as_v4,MI25,1,4,0.338,\n";
    gpuarb_catalog *c = catalog(csv);
    char *out = NULL;
    int32_t n = -1;
    assert_int_equal(gpuarb_catalog_check(ctx, c, GPUARB_CHECK_JSON, &out, &n), GPUARB_OK);
    assert_int_equal(n, 5);
    assert_non_null(strstr(out, "\"counts\": {\"outlier\": 1, \"spot_above\": 1, "
                                "\"gpu_only\": 1, \"duplicate\": 1, \"part_gpu\": 1}"));
    /* median of 10, 11, 12, 22 = 11.5; 22 / 11.5 = 1.91 */
    assert_non_null(strstr(out, "is 1.91x the median $11.5/h of x.big over its 4 offers"));
    assert_non_null(strstr(out, "the same offer as line 6 at other prices"));
    gpuarb_free(out);
    assert_int_equal(gpuarb_catalog_check(ctx, c, GPUARB_CHECK_TABLE, &out, NULL), GPUARB_OK);
    assert_non_null(strstr(out, "8 offers checked: 5 findings"));
    gpuarb_free(out);
    assert_int_equal(gpuarb_catalog_check(ctx, c, 7, &out, NULL), GPUARB_ERR_ARG);
    gpuarb_catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sources_and_dates_reach_the_plan),
        cmocka_unit_test(prices_older_than_180_days_warn),
        cmocka_unit_test(spot_on_a_default_rate_warns),
        cmocka_unit_test(unknown_providers_are_bad_input),
        cmocka_unit_test(region_glob_matching_nothing_gets_a_hint),
        cmocka_unit_test(alternatives_cost_what_hand_computation_says),
        cmocka_unit_test(catalog_check_finds_what_was_planted),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown);
}
