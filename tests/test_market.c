/*
 * test_market.c - the market module (lib/market): rankings on a small
 * catalog checked by hand, the revenue optimum of the constant-elasticity
 * model against its closed form and against brute force, the capacity,
 * competitor and floor bounds, the step-bounded path, the elasticity fit
 * on a series made from a known elasticity, fleet files with errors at
 * their line and column, and attribution rows that add up to the total.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "market/market.h"

#define DIR "tests/data/market"
#define PI 3.14159265358979323846

/* ---- compare ------------------------------------------------------------ */

static gpuarb_market_compare *compare(gpuarb_ctx *ctx, const char *ours, const char *gpu)
{
    gpuarb_catalog *cat = NULL;
    assert_int_equal(gpuarb_catalog_load(ctx, DIR "/catalog.csv", GPUARB_CATALOG_NATIVE, NULL,
                                         &cat),
                     GPUARB_OK);
    gpuarb_market_compare_opts o;
    gpuarb_market_compare_opts_init(&o);
    o.ours = ours;
    o.gpu = gpu;
    gpuarb_market_compare *c = NULL;
    assert_int_equal(gpuarb_market_compare_run(ctx, cat, &o, &c), GPUARB_OK);
    gpuarb_catalog_free(cat);
    return c;
}

/* The catalog's comments give the per-GPU prices; ranks counted by hand. */
static void test_compare_ranks(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_market_compare *c = compare(ctx, "acme", NULL);
    assert_int_equal(gpuarb_market_compare_model_count(c), 3);
    gpuarb_market_model_summary s = {.size = sizeof s};
    /* H100: vast 16/8 = 2.00, acme 10/4 = 2.50, runpod 2.69, lambda 2.99 */
    assert_int_equal(gpuarb_market_compare_model(c, 0, &s), GPUARB_OK);
    assert_string_equal(s.gpu, "H100");
    assert_int_equal(s.provider_count, 4);
    assert_string_equal(s.cheapest, "vast");
    assert_float_equal(s.cheapest_per_gpu_hour, 2.0, 1e-12);
    assert_string_equal(s.ours, "acme");
    assert_int_equal(s.rank, 2);
    assert_int_equal(s.ranked_count, 4);
    assert_float_equal(s.percentile, 100.0 / 3, 1e-9);
    assert_int_equal(s.have_gap, 1);
    assert_float_equal(s.gap_pct, 25.0, 1e-9);
    const char *names[] = {"vast", "acme", "runpod", "lambda"};
    double od[] = {2.0, 2.5, 2.69, 2.99}, sp[] = {1.0, 1.5, 1.25, -1};
    for (int j = 0; j < 4; j++) {
        const char *p;
        double a, b;
        assert_int_equal(gpuarb_market_compare_provider(c, 0, j, &p, &a, &b), GPUARB_OK);
        assert_string_equal(p, names[j]);
        assert_float_equal(a, od[j], 1e-12);
        assert_float_equal(b, sp[j], 1e-12);
    }
    /* A100-80GB (one row spelled a100-80gb): vast 1.10, acme 12/8 = 1.50,
     * lambda 1.79; gap 100 * 0.4 / 1.1 */
    assert_int_equal(gpuarb_market_compare_model(c, 1, &s), GPUARB_OK);
    assert_string_equal(s.gpu, "A100-80GB");
    assert_int_equal(s.provider_count, 3);
    assert_int_equal(s.rank, 2);
    assert_float_equal(s.percentile, 50.0, 1e-9);
    assert_float_equal(s.gap_pct, 400.0 / 11, 1e-9);
    /* T4: spot only, ours absent: nothing to rank */
    assert_int_equal(gpuarb_market_compare_model(c, 2, &s), GPUARB_OK);
    assert_string_equal(s.gpu, "T4");
    assert_null(s.cheapest);
    assert_null(s.ours);
    assert_int_equal(s.rank, 0);
    assert_int_equal(s.have_gap, 0);
    gpuarb_market_compare_free(c);
}

/* lambda sells H100 at 2.99 twice: the tie goes to the smaller instance
 * type, whatever the order of the rows; an alias selects the model. */
static void test_compare_ties_and_alias(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_market_compare *c = compare(ctx, "lambda", "h100");
    assert_int_equal(gpuarb_market_compare_model_count(c), 1);
    gpuarb_market_model_summary s = {.size = sizeof s};
    assert_int_equal(gpuarb_market_compare_model(c, 0, &s), GPUARB_OK);
    assert_int_equal(s.rank, 4);
    assert_float_equal(s.percentile, 100.0, 1e-12);
    assert_float_equal(s.gap_pct, 49.5, 1e-9);
    char *json = NULL;
    assert_int_equal(gpuarb_market_compare_to_json(ctx, c, &json), GPUARB_OK);
    assert_non_null(strstr(json, "\"instance_type\": \"gpu_1x_h100\", \"region\": \"us-west-1\""));
    gpuarb_free(json);
    gpuarb_market_compare_free(c);
}

static void test_compare_errors(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *cat = NULL;
    assert_int_equal(gpuarb_catalog_load(ctx, DIR "/catalog.csv", GPUARB_CATALOG_NATIVE, NULL,
                                         &cat),
                     GPUARB_OK);
    gpuarb_market_compare_opts o;
    gpuarb_market_compare_opts_init(&o);
    gpuarb_market_compare *c = NULL;
    o.ours = "acne";
    assert_int_equal(gpuarb_market_compare_run(ctx, cat, &o, &c), GPUARB_ERR_INPUT);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "it has: acme, "));
    o.ours = NULL;
    o.gpu = "H1000";
    assert_int_equal(gpuarb_market_compare_run(ctx, cat, &o, &c), GPUARB_ERR_INPUT);
    o.size = 8;
    assert_int_equal(gpuarb_market_compare_run(ctx, cat, &o, &c), GPUARB_ERR_ARG);
    assert_null(c);
    gpuarb_catalog_free(cat);
}

/* ---- the revenue optimum ------------------------------------------------ */

/* Brute force: the best of many prices in [lo, hi], from the formula
 * written out here rather than through ga_mk_revenue. */
static double brute_best(double B, double p0, double e, double C, double lo, double hi,
                         double *best_p)
{
    double best = -1;
    for (int i = 0; i <= 200000; i++) {
        double p = lo + (hi - lo) * i / 200000.0;
        double q = B * pow(p / p0, e);
        double r = p * (q < C ? q : C);
        if (r > best) {
            best = r;
            *best_p = p;
        }
    }
    return best;
}

/* e = -2, demand 100 at p0 = 2, capacity 50: the fleet fills at
 * p0 (C/B)^(1/e) = 2 sqrt 2; revenue there 2 sqrt 2 * 50. */
static void test_price_capacity_bound(void **state)
{
    (void)state;
    double base[1] = {100};
    ga_mk_price_problem pp = {base, 1, 2.0, -2.0, 50, 0, -1, 0};
    double p = ga_mk_period_price(&pp, 0), served;
    assert_float_equal(p, 2 * sqrt(2), 1e-12);
    assert_float_equal(ga_mk_revenue(&pp, 0, p, &served), 100 * sqrt(2), 1e-9);
    assert_float_equal(served, 50, 1e-9);
    double bp, best = brute_best(100, 2, -2, 50, 0.5, 10, &bp);
    assert_true(ga_mk_revenue(&pp, 0, p, NULL) >= best - 1e-9);
    assert_float_equal(bp, p, 1e-3);
}

/* The same market with a competitor cap at 2.5 < 2 sqrt 2: the cap binds,
 * 100 (2.5/2)^-2 = 64 GPUs wanted, 50 served. */
static void test_price_competitor_bound(void **state)
{
    (void)state;
    double base[1] = {100}, out[1], served;
    ga_mk_price_problem pp = {base, 1, 2.0, -2.0, 50, 0, 2.5, 0};
    assert_int_equal(ga_mk_price_path(NULL, &pp, out), GPUARB_OK);
    assert_float_equal(out[0], 2.5, 1e-12);
    ga_mk_revenue(&pp, 0, out[0], &served);
    assert_float_equal(served, 50, 1e-12);
    /* a floor above the capacity price: the floor, demand 100 (3/2)^-2 */
    pp.cap = -1;
    pp.floor = 3.0;
    assert_float_equal(ga_mk_period_price(&pp, 0), 3.0, 1e-12);
    ga_mk_revenue(&pp, 0, 3.0, &served);
    assert_float_equal(served, 100.0 / 2.25, 1e-9);
    /* a floor above the cap: the floor wins */
    pp.cap = 2.5;
    assert_float_equal(ga_mk_period_price(&pp, 0), 3.0, 1e-12);
}

/* Inelastic demand (-1 < e < 0) earns more at every higher price: the cap,
 * and with no cap and no step bound there is no optimum. */
static void test_price_inelastic(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    double base[2] = {10, 10}, out[2];
    ga_mk_price_problem pp = {base, 2, 2.0, -0.5, 50, 1, 4.0, 0};
    assert_int_equal(ga_mk_price_path(ctx, &pp, out), GPUARB_OK);
    assert_float_equal(out[0], 4.0, 1e-12);
    double bp;
    brute_best(10, 2, -0.5, 50, 1, 4, &bp);
    assert_float_equal(bp, 4.0, 1e-12);
    pp.cap = -1;
    assert_int_equal(ga_mk_price_path(ctx, &pp, out), GPUARB_ERR_INPUT);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "above -1"));
}

/* Step-bounded paths against brute force over every path of a grid with
 * the same steps: H = 3, K grid points per factor 1 + s, so every path the
 * DP may take is enumerated; the brute force shares no code with it. */
static void test_price_step_path(void **state)
{
    (void)state;
    const double s = 0.1, p0 = 2.0, e = -1.7, C = 30, lo = 1.2, hi = 2.6;
    double base[3] = {20, 45, 12}, out[3];
    ga_mk_price_problem pp = {base, 3, p0, e, C, lo, hi, s};
    assert_int_equal(ga_mk_price_path(NULL, &pp, out), GPUARB_OK);
    const int K = GA_MK_STEP_GRID;
    double d = log1p(s) / K, best = -1;
    for (int a = -K; a <= K; a++)
        for (int b = a - K; b <= a + K; b++)
            for (int c = b - K; c <= b + K; c++) {
                int j[3] = {a, b, c};
                double r = 0;
                int ok = 1;
                for (int t = 0; t < 3 && ok; t++) {
                    double p = p0 * exp(d * j[t]);
                    ok = p >= lo - 1e-12 && p <= hi + 1e-12;
                    double q = base[t] * pow(p / p0, e);
                    r += p * (q < C ? q : C);
                }
                if (ok && r > best)
                    best = r;
            }
    double got = 0, prev = p0;
    for (int t = 0; t < 3; t++) {
        assert_true(out[t] >= lo - 1e-9 && out[t] <= hi + 1e-9);
        assert_true(out[t] <= prev * (1 + s) * (1 + 1e-12));
        assert_true(out[t] >= prev / (1 + s) * (1 - 1e-12));
        got += ga_mk_revenue(&pp, t, out[t], NULL);
        prev = out[t];
    }
    assert_float_equal(got, best, 1e-9);
}

/* Today's price above the cap: the path comes down at full speed. */
static void test_price_step_from_outside(void **state)
{
    (void)state;
    double base[4] = {10, 10, 10, 10}, out[4];
    ga_mk_price_problem pp = {base, 4, 3.0, -0.8, 100, 0.5, 2.0, 0.1};
    assert_int_equal(ga_mk_price_path(NULL, &pp, out), GPUARB_OK);
    assert_float_equal(out[0], 3.0 / 1.1, 1e-9);
    assert_float_equal(out[1], 3.0 / 1.21, 1e-9);
    assert_float_equal(out[2], 3.0 / 1.331, 1e-9);
    /* 3 / 1.1^4 = 2.05 is still above the cap 2.0: full speed again */
    assert_float_equal(out[3], 3.0 / 1.4641, 1e-9);
    /* one period more reaches the largest grid price at or under the cap
     * (inelastic demand: the cap) */
    double base5[5] = {10, 10, 10, 10, 10}, out5[5];
    pp.base = base5;
    pp.H = 5;
    assert_int_equal(ga_mk_price_path(NULL, &pp, out5), GPUARB_OK);
    assert_true(out5[4] <= 2.0 && out5[4] > 2.0 / pow(1.1, 1.0 / GA_MK_STEP_GRID) - 1e-12);
}

/* h100.csv: q = (40 + 20 sin(2 pi h / 24)) (p / 2)^-1.5, prices varying
 * across days at each hour: the fit with hour-of-day intercepts returns
 * -1.5 exactly, also with the points above the capacity left out. */
static void test_fit_elasticity(void **state)
{
    (void)state;
    double q[336], p[336];
    for (int t = 0; t < 336; t++) {
        int d = t / 24, h = t % 24;
        const double pr[3] = {1.8, 2.0, 2.2};
        p[t] = pr[(d + h) % 3];
        q[t] = (40 + 20 * sin(2 * PI * h / 24)) * pow(p[t] / 2.0, -1.5);
    }
    double e;
    size_t used;
    assert_int_equal(ga_mk_fit_elasticity(q, p, 336, 24, 1e9, &e, &used), 1);
    assert_float_equal(e, -1.5, 1e-9);
    assert_int_equal(used, 336);
    assert_int_equal(ga_mk_fit_elasticity(q, p, 336, 24, 64, &e, &used), 1);
    assert_float_equal(e, -1.5, 1e-9);
    assert_true(used < 336);
    /* one price per hour of day: nothing to fit */
    for (int t = 0; t < 336; t++)
        p[t] = 1.5 + 0.01 * (t % 24);
    assert_int_equal(ga_mk_fit_elasticity(q, p, 336, 24, 1e9, &e, &used), 0);
}

/* ---- fleet files -------------------------------------------------------- */

static void test_fleet_file(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_market_price_result *r = NULL;
    assert_int_equal(gpuarb_market_price_load(ctx, DIR "/fleet.yaml", NULL, &r), GPUARB_OK);
    assert_int_equal(gpuarb_market_price_model_count(r), 1);
    gpuarb_market_price_summary s = {.size = sizeof s};
    double prices[24];
    assert_int_equal(gpuarb_market_price_model(r, 0, &s, prices), GPUARB_OK);
    assert_string_equal(s.gpu, "H100");
    assert_int_equal(s.elasticity_fitted, 1);
    assert_float_equal(s.elasticity, -1.5, 1e-6);
    /* cheapest competitor: vast at 2.00 (acme is us); 5 % under: 1.90 */
    assert_float_equal(s.cap_price, 1.9, 1e-12);
    assert_float_equal(s.floor_price, 1.1, 1e-12);
    /* today's 2.00 is above the cap, and at hour 0 the fleet would fill
     * only at 2 (64/40)^(-1/1.5) = 1.46: down at full speed, 10 % a step */
    assert_float_equal(prices[0], 2.0 / 1.1, 1e-9);
    assert_float_equal(prices[1], 2.0 / 1.21, 1e-9);
    for (int t = 0; t < 24; t++)
        assert_true(prices[t] >= 1.1 - 1e-12 && prices[t] <= 1.9 + 1e-12);
    assert_true(s.expected_revenue > s.revenue_at_current_price);
    char *json = NULL;
    assert_int_equal(gpuarb_market_price_to_json(ctx, r, &json), GPUARB_OK);
    assert_non_null(strstr(json, "\"cheapest_competitor\": \"vast\""));
    gpuarb_free(json);
    gpuarb_market_price_result_free(r);
}

static gpuarb_status fleet_text(gpuarb_ctx *ctx, const char *text)
{
    gpuarb_market_price_result *r = NULL;
    gpuarb_status st = gpuarb_market_price_parse(ctx, text, strlen(text), "f.yaml", DIR, NULL, &r);
    gpuarb_market_price_result_free(r);
    return st;
}

static void test_fleet_errors(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char *head = "catalog: catalog.csv\n"
                       "models:\n"
                       "  - gpu: H100\n";
    char buf[1024];
    snprintf(buf, sizeof buf, "%s    capacity_gpus: -3\n    price_per_gpu_hour: 2\n"
                              "    cost_per_gpu_hour: 1\n    history: h100.csv\n", head);
    tu_assert_error(ctx, fleet_text(ctx, buf), GPUARB_ERR_INPUT, 4, 20, "");
    assert_string_equal(gpuarb_errpath(ctx), "models[0].capacity_gpus");
    snprintf(buf, sizeof buf, "%s    capacity_gpus: 3\n    price_per_gpu_hour: 2\n"
                              "    cost_per_gpu_hour: 1\n    histroy: h100.csv\n", head);
    tu_assert_error(ctx, fleet_text(ctx, buf), GPUARB_ERR_INPUT, 7, 5, "history");
    tu_assert_error(ctx, fleet_text(ctx, "models:\n  - gpu: H1000\n"), GPUARB_ERR_INPUT, 2, 10,
                    "unknown GPU model");
    tu_assert_error(ctx, fleet_text(ctx, "policy: {undercut_pct: 120}\nmodels: []\n"),
                    GPUARB_ERR_INPUT, 1, 24, "");
    /* a history without prices and no elasticity: at the history value */
    snprintf(buf, sizeof buf, "%s    capacity_gpus: 3\n    price_per_gpu_hour: 2\n"
                              "    cost_per_gpu_hour: 1\n    history: noprice.csv\n", head);
    tu_assert_error(ctx, fleet_text(ctx, buf), GPUARB_ERR_INPUT, 7, 14, "give elasticity");
    /* inelastic demand with neither cap nor step: at the model, whole message */
    snprintf(buf, sizeof buf, "%s    capacity_gpus: 3\n    price_per_gpu_hour: 2\n"
                              "    cost_per_gpu_hour: 1\n    history: noprice.csv\n"
                              "    elasticity: -0.5\n", head);
    tu_assert_error(ctx, fleet_text(ctx, buf), GPUARB_ERR_INPUT, 3, 5,
                    "earns more at every higher price");
    assert_string_equal(gpuarb_errpath(ctx), "models[0]");
    /* a history that is not there: the fleet's line and column */
    snprintf(buf, sizeof buf, "%s    capacity_gpus: 3\n    price_per_gpu_hour: 2\n"
                              "    cost_per_gpu_hour: 1\n    history: nothere.csv\n", head);
    tu_assert_error(ctx, fleet_text(ctx, buf), GPUARB_ERR_IO, 7, 14, "cannot read the history");
    assert_string_equal(gpuarb_errsource(ctx), "f.yaml");
    /* a bad history row: its own file, line and column */
    snprintf(buf, sizeof buf, "%s    capacity_gpus: 3\n    price_per_gpu_hour: 2\n"
                              "    cost_per_gpu_hour: 1\n    history: bad.csv\n", head);
    tu_assert_error(ctx, fleet_text(ctx, buf), GPUARB_ERR_INPUT, 4, 6, "finite number");
    assert_non_null(strstr(gpuarb_errsource(ctx), "bad.csv"));
}

/* ---- attribution -------------------------------------------------------- */

static void test_attribution_sums(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char *labels[] = {"ml", NULL, "infra", "ml", "", "infra", "ml"};
    double cost[] = {10.5, 3, 2.25, 4, 1, 0.75, 8};
    double total[] = {252, 72, 54, 96, 24, 18, 192};
    ga_mk_attr_row *rows;
    size_t n;
    assert_int_equal(ga_mk_attribute(ctx, labels, cost, total, 7, &rows, &n), GPUARB_OK);
    assert_int_equal(n, 3);
    /* by hand: infra 2.25 + 0.75, ml 10.5 + 4 + 8, unlabelled 3 + 1 */
    assert_string_equal(rows[0].label, "infra");
    assert_float_equal(rows[0].cost, 3.0, 1e-12);
    assert_int_equal(rows[0].items, 2);
    assert_string_equal(rows[1].label, "ml");
    assert_float_equal(rows[1].cost, 22.5, 1e-12);
    assert_float_equal(rows[1].cost2, 540, 1e-9);
    assert_null(rows[2].label);
    assert_float_equal(rows[2].cost, 4.0, 1e-12);
    double sum = 0, all = 0;
    for (size_t i = 0; i < n; i++)
        sum += rows[i].cost;
    for (size_t i = 0; i < 7; i++)
        all += cost[i];
    assert_float_equal(sum, all, 1e-12);
    free(rows);
}

/* by_team and by_project of an optimize result, by hand from the costs in
 * teams.yaml's comment: ml 16 + 1.10, infra 10, unlabelled 1.10; projects
 * llm 16, rec 1.10, unlabelled 10 + 1.10; total cost 10 h x each. */
static void test_optimize_attribution(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_spec *spec = NULL;
    gpuarb_result *res = NULL;
    assert_int_equal(gpuarb_spec_load(ctx, DIR "/teams.yaml", &spec), GPUARB_OK);
    assert_int_equal(gpuarb_optimize(ctx, spec, NULL, NULL, &res), GPUARB_OK);
    char *json = NULL;
    assert_int_equal(gpuarb_result_to_json(ctx, res, &json), GPUARB_OK);
    const char *want[] = {
        "\"cost_per_hour\":28.2,",
        "\"by_team\":[{\"team\":\"infra\",\"cost_per_hour\":10.0,\"total_cost\":100.0,"
        "\"workloads\":1},{\"team\":\"ml\",\"cost_per_hour\":17.1,\"total_cost\":171.0,"
        "\"workloads\":2},{\"team\":null,\"cost_per_hour\":1.1,\"total_cost\":11.0,"
        "\"workloads\":1}]",
        "\"by_project\":[{\"project\":\"llm\",\"cost_per_hour\":16.0,\"total_cost\":160.0,"
        "\"workloads\":1},{\"project\":\"rec\",\"cost_per_hour\":1.1,\"total_cost\":11.0,"
        "\"workloads\":1},{\"project\":null,\"cost_per_hour\":11.1,\"total_cost\":111.0,"
        "\"workloads\":2}]"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!strstr(json, want[i]))
            fprintf(stderr, "missing %s in\n%s\n", want[i], json);
        assert_non_null(strstr(json, want[i]));
    }
    gpuarb_free(json);
    char *table = NULL;
    assert_int_equal(gpuarb_result_to_table(ctx, res, &table), GPUARB_OK);
    assert_non_null(strstr(table, "COST BY TEAM"));
    assert_non_null(strstr(table, "  total                           28.20 $/h         282.00 total"));
    gpuarb_free(table);
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_TEST(test_compare_ranks),
        TU_TEST(test_compare_ties_and_alias),
        TU_TEST(test_compare_errors),
        TU_TEST(test_price_capacity_bound),
        TU_TEST(test_price_competitor_bound),
        TU_TEST(test_price_inelastic),
        TU_TEST(test_price_step_path),
        TU_TEST(test_price_step_from_outside),
        TU_TEST(test_fit_elasticity),
        TU_TEST(test_fleet_file),
        TU_TEST(test_fleet_errors),
        TU_TEST(test_attribution_sums),
        TU_TEST(test_optimize_attribution),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
