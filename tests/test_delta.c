/*
 * test_delta.c - delta plans from the fleet running now (lib/alloc/delta.c).
 *
 * Known answers: hand computations written next to each case, and a brute
 * force in this file (it shares no code with lib/alloc) that enumerates
 * every integer plan of small random instances and prices it by the rule of
 * gpuarb(1): horizon x $/h + egress, plus move_hours x list price for every
 * instance beyond those running on the same workload, offer and market.
 */
#include <math.h>
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

#define HDR "provider,region,zone,instance_type,gpu,gpu_count,price_hour,spot_price_hour," \
            "interruption_rate,capacity\n"

typedef struct run {
    gpuarb_result *r;
    gpuarb_plan_summary s;
} run;

/* The flow-style YAML of these tests begins like JSON: a document marker
 * makes the reader take it as YAML (text with a '"' is JSON and stays). */
static char *as_yaml(const char *t)
{
    char *s = tu_alloc(strlen(t) + 8, 1);
    snprintf(s, strlen(t) + 8, "%s%s", strchr(t, '"') ? "" : "---\n", t);
    return s;
}

static run solve(const char *cat_csv, const char *spec_text0, const char *fleet_text0)
{
    run out;
    char *spec_text = as_yaml(spec_text0);
    char *fleet_text = fleet_text0 ? as_yaml(fleet_text0) : NULL;
    gpuarb_catalog *c = NULL;
    gpuarb_spec *s = NULL;
    if (gpuarb_catalog_parse(ctx, cat_csv, strlen(cat_csv), "t.csv", GPUARB_CATALOG_NATIVE, NULL,
                             &c) ||
        gpuarb_spec_parse(ctx, spec_text, strlen(spec_text), "t.yaml", NULL, &s))
        fail_msg("%s", gpuarb_errfull(ctx));
    if (fleet_text) {
        gpuarb_fleet *f = NULL;
        if (gpuarb_fleet_parse(ctx, fleet_text, strlen(fleet_text), "fleet.yaml", &f))
            fail_msg("fleet: %s", gpuarb_errfull(ctx));
        assert_int_equal(gpuarb_spec_set_current(ctx, s, f), GPUARB_OK);
        gpuarb_fleet_free(f);
    }
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.skip_baseline = 1;
    if (gpuarb_optimize(ctx, s, c, &o, &out.r))
        fail_msg("optimize: %s", gpuarb_errfull(ctx));
    out.s.size = sizeof out.s;
    assert_int_equal(gpuarb_result_summary(out.r, &out.s), GPUARB_OK);
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
    free(spec_text);
    free(fleet_text);
    return out;
}

/* launch/keep/terminate of one change row, found by instance type */
static int change_of(const gpuarb_result *r, const char *itype, int64_t *launch, int64_t *keep,
                     int64_t *term)
{
    gpuarb_plan_summary s;
    s.size = sizeof s;
    gpuarb_result_summary(r, &s);
    for (int32_t i = 0; i < s.change_count; i++) {
        gpuarb_change c;
        c.size = sizeof c;
        assert_int_equal(gpuarb_result_change(r, i, &c), GPUARB_OK);
        if (strcmp(c.instance_type, itype) == 0) {
            *launch = c.launch;
            *keep = c.keep;
            *term = c.terminate;
            return 1;
        }
    }
    return 0;
}

static const char *CAT2 = HDR "aws,us-east-1,,a8,H100,8,40,,,\n"
                              "gcp,us-central1,,g8,H100,8,39.5,,,\n";

/* The fleet is the optimal plan itself: nothing changes, nothing is paid. */
static void already_optimal_is_empty(void **state)
{
    (void)state;
    run a = solve(CAT2, "{version: 1, horizon_hours: 24, workloads: [{name: t, gpus: 16}]}",
                  "- {workload: t, provider: gcp, region: us-central1, instance_type: g8,"
                  " market: ondemand, count: 2}");
    assert_int_equal(a.s.status, GPUARB_SOLVE_OPTIMAL);
    assert_int_equal(a.s.change_count, 0);
    assert_true(a.s.churn_cost == 0);
    /* 2 x 39.5 $/h x 24 h */
    assert_true(fabs(a.s.total_cost - 1896.0) < 1e-9);
    gpuarb_result_free(a.r);
}

/* Two aws instances run; gcp is 0.5 $/h cheaper per instance.  Moving both
 * saves 2 x 0.5 x H and costs 2 x 0.25 h x 39.5 = 19.75 to launch: over
 * 12 h the saving is 12 < 19.75 (stay); over 24 h it is 24 > 19.75 (move). */
static void saving_below_launch_cost_stays(void **state)
{
    (void)state;
    const char *fleet = "- {workload: t, provider: aws, region: us-east-1, instance_type: a8,"
                        " market: ondemand, count: 2}";
    run a = solve(CAT2, "{version: 1, horizon_hours: 12, workloads: [{name: t, gpus: 16}]}", fleet);
    assert_int_equal(a.s.status, GPUARB_SOLVE_OPTIMAL);
    assert_int_equal(a.s.change_count, 0);
    assert_true(fabs(a.s.total_cost - 12 * 80.0) < 1e-9);
    gpuarb_result_free(a.r);
    run b = solve(CAT2, "{version: 1, horizon_hours: 24, workloads: [{name: t, gpus: 16}]}", fleet);
    assert_int_equal(b.s.status, GPUARB_SOLVE_OPTIMAL);
    assert_true(fabs(b.s.churn_cost - 19.75) < 1e-9);
    assert_true(fabs(b.s.total_cost - 24 * 79.0) < 1e-9);
    int64_t l, k, t;
    assert_true(change_of(b.r, "g8", &l, &k, &t));
    assert_true(l == 2 && k == 0 && t == 0);
    assert_true(change_of(b.r, "a8", &l, &k, &t));
    assert_true(l == 0 && k == 0 && t == 2);
    gpuarb_result_free(b.r);
    /* move_hours 1: launching costs 79 > 24: stay */
    run c = solve(CAT2,
                  "{version: 1, horizon_hours: 24, workloads: [{name: t, gpus: 16, move_hours: 1}]}",
                  fleet);
    assert_int_equal(c.s.change_count, 0);
    gpuarb_result_free(c.r);
}

/* The baseline starts from the same fleet: over 12 h staying on aws
 * (960 + 0) beats moving to gcp (948 + 19.75), so the baseline is aws with
 * 960 and the savings are 0 (before: gcp was chosen by its total without
 * its launches, and the plan looked 1.3 % dearer than its own baseline). */
static void baseline_counts_launches(void **state)
{
    (void)state;
    gpuarb_catalog *c = NULL;
    gpuarb_spec *s = NULL;
    gpuarb_fleet *f = NULL;
    const char *sp = "---\n{version: 1, horizon_hours: 12, workloads: [{name: t, gpus: 16}]}";
    const char *fl = "- {workload: t, provider: aws, region: us-east-1, instance_type: a8, count: 2}";
    assert_int_equal(gpuarb_catalog_parse(ctx, CAT2, strlen(CAT2), "t.csv", GPUARB_CATALOG_NATIVE,
                                          NULL, &c), GPUARB_OK);
    assert_int_equal(gpuarb_spec_parse(ctx, sp, strlen(sp), "t.yaml", NULL, &s), GPUARB_OK);
    assert_int_equal(gpuarb_fleet_parse(ctx, fl, strlen(fl), "f.yaml", &f), GPUARB_OK);
    assert_int_equal(gpuarb_spec_set_current(ctx, s, f), GPUARB_OK);
    gpuarb_result *r = NULL;
    assert_int_equal(gpuarb_optimize(ctx, s, c, NULL, &r), GPUARB_OK);
    gpuarb_plan_summary sum;
    sum.size = sizeof sum;
    assert_int_equal(gpuarb_result_summary(r, &sum), GPUARB_OK);
    assert_string_equal(sum.baseline_provider, "aws");
    assert_true(fabs(sum.baseline_total_cost - 960.0) < 1e-9);
    assert_true(fabs(sum.savings_pct) < 1e-9);
    gpuarb_result_free(r);
    gpuarb_fleet_free(f);
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
}

/* Capacity drops to 1 on the offer 3 instances run on: the fewest moves
 * are 2 (one is kept), onto the next cheapest offer. */
static void capacity_drop_moves_fewest(void **state)
{
    (void)state;
    const char *cat = HDR "aws,us-east-1,,small,L4,1,1.0,,,1\n"
                          "gcp,us-central1,,other,L4,1,1.2,,,\n"
                          "gcp,europe-west4,,dear,L4,1,1.5,,,\n";
    run a = solve(cat, "{version: 1, horizon_hours: 10, workloads: [{name: t, gpus: 3}]}",
                  "[{workload: t, provider: aws, region: us-east-1, instance_type: small, "
                  "market: ondemand, count: 3}]");
    assert_int_equal(a.s.status, GPUARB_SOLVE_OPTIMAL);
    int64_t l, k, t;
    assert_true(change_of(a.r, "small", &l, &k, &t));
    assert_true(l == 0 && k == 1 && t == 2);
    assert_true(change_of(a.r, "other", &l, &k, &t));
    assert_true(l == 2 && k == 0 && t == 0);
    /* 10 h x (1.0 + 2 x 1.2) and 2 x 0.25 h x 1.2 to launch */
    assert_true(fabs(a.s.total_cost - 34.0) < 1e-9);
    assert_true(fabs(a.s.churn_cost - 0.6) < 1e-9);
    gpuarb_result_free(a.r);
}

/* A workload the spec no longer has, and an offer the catalog no longer
 * has: both terminated, nothing kept. */
static void gone_rows_terminate(void **state)
{
    (void)state;
    run a = solve(CAT2, "{version: 1, horizon_hours: 1, workloads: [{name: t, gpus: 8}]}",
                  "{current: [{workload: old, provider: gcp, region: us-central1,"
                  " instance_type: g8, count: 1}, {workload: t, provider: aws,"
                  " region: us-east-1, instance_type: gone, count: 2}]}");
    assert_int_equal(a.s.status, GPUARB_SOLVE_OPTIMAL);
    assert_int_equal(a.s.change_count, 3);
    int64_t l, k, t;
    assert_true(change_of(a.r, "gone", &l, &k, &t));
    assert_true(l == 0 && k == 0 && t == 2);
    gpuarb_result_free(a.r);
}

/* An earlier JSON plan is a fleet: optimize twice, the second run keeps
 * everything. */
static void plan_json_is_a_fleet(void **state)
{
    (void)state;
    const char *spec = "{version: 1, horizon_hours: 24, workloads: [{name: t, gpus: 16}]}";
    run a = solve(CAT2, spec, NULL);
    char *js = NULL;
    assert_int_equal(gpuarb_result_to_json(ctx, a.r, &js), GPUARB_OK);
    run b = solve(CAT2, spec, js);
    assert_int_equal(b.s.change_count, 0);
    assert_true(b.s.churn_cost == 0);
    assert_true(fabs(b.s.total_cost - a.s.total_cost) < 1e-9);
    gpuarb_free(js);
    gpuarb_result_free(a.r);
    gpuarb_result_free(b.r);
}

/* A plan's allocation rows may carry keys a later version adds: read
 * the fleet's keys, ignore the rest; a fleet's own rows stay strict. */
static void plan_rows_ignore_new_keys(void **state)
{
    (void)state;
    const char *plan = "{\"status\": \"optimal\", \"allocations\": [{\"workload\": \"t\", "
                       "\"provider\": \"gcp\", \"region\": \"us-central1\", \"zone\": \"\", "
                       "\"instance_type\": \"g8\", \"market\": \"ondemand\", \"count\": 2, "
                       "\"why\": {\"cheapest\": true}}]}";
    gpuarb_fleet *f = NULL;
    assert_int_equal(gpuarb_fleet_parse(ctx, plan, strlen(plan), "p.json", &f), GPUARB_OK);
    assert_int_equal(gpuarb_fleet_count(f), 1);
    gpuarb_fleet_free(f);
    f = NULL;
    const char *rows = "- {workload: t, provider: gcp, region: r, instance_type: g8, count: 1,"
                       " why: x}";
    assert_int_equal(gpuarb_fleet_parse(ctx, rows, strlen(rows), "f.yaml", &f), GPUARB_ERR_INPUT);
    assert_non_null(strstr(gpuarb_errfull(ctx), "why"));
}

/* A bad fleet names its file, line, column and key. */
static void bad_fleet_is_located(void **state)
{
    (void)state;
    gpuarb_fleet *f = NULL;
    const char *t = "- {workload: t, provider: aws, region: r, instance_type: x, count: 1}\n"
                    "- {workload: t, provider: aws, region: r, instance_type: x, count: -2}\n";
    assert_int_equal(gpuarb_fleet_parse(ctx, t, strlen(t), "f.yaml", &f), GPUARB_ERR_INPUT);
    const char *msg = gpuarb_errfull(ctx);
    assert_non_null(strstr(msg, "f.yaml:2:"));
    assert_non_null(strstr(msg, "count"));
    const char *u = "- {workload: t, provider: aws, region: r, instance_type: x, market: od,"
                    " count: 1}\n";
    assert_int_equal(gpuarb_fleet_parse(ctx, u, strlen(u), "f.yaml", &f), GPUARB_ERR_INPUT);
    assert_non_null(strstr(gpuarb_errfull(ctx), "market"));
    assert_null(f);
}

/* ---- random instances against a brute force ---- */

#define BOFF 4

typedef struct boff {
    int prov, gpc, cap;
    double price, spot; /* spot -1: none */
} boff;

static uint64_t seed;
static int rnd(int n)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)((seed >> 33) % (uint64_t)n);
}

typedef struct binst {
    int n_off, lo, hi, spot_ok;
    boff off[BOFF];
    int cur[BOFF][2]; /* instances running per offer and market */
    double H, mh, pshare; /* pshare -1: no provider cap */
} binst;

static double best_total;

static void bf(const binst *b, int col, int *x, int gpus)
{
    if (col == 2 * b->n_off) {
        if (gpus < b->lo || gpus > b->hi)
            return;
        double cph = 0, churn = 0;
        for (int c = 0; c < 2 * b->n_off; c++) {
            const boff *o = &b->off[c / 2];
            double list = c % 2 ? o->spot : o->price;
            /* spot cost per useful hour: rate 0 here, so the list price */
            cph += x[c] * list;
            int extra = x[c] - b->cur[c / 2][c % 2];
            if (extra > 0)
                churn += extra * b->mh * list;
        }
        for (int i = 0; i < b->n_off; i++)
            if (b->off[i].cap >= 0 && x[2 * i] + x[2 * i + 1] > b->off[i].cap)
                return;
        if (b->pshare >= 0) {
            /* the provider cap counts GPUs: each provider <= share x all */
            int pg[3] = {0, 0, 0};
            for (int c = 0; c < 2 * b->n_off; c++)
                pg[b->off[c / 2].prov] += x[c] * b->off[c / 2].gpc;
            for (int q = 0; q < 3; q++)
                if (pg[q] > b->pshare * gpus + 1e-9)
                    return;
        }
        double tot = b->H * cph + churn;
        if (tot < best_total)
            best_total = tot;
        return;
    }
    const boff *o = &b->off[col / 2];
    int ok = col % 2 == 0 || (b->spot_ok && o->spot >= 0);
    for (int k = 0; ok || k == 0; k++) {
        if (gpus + k * o->gpc > b->hi)
            break;
        x[col] = k;
        bf(b, col + 1, x, gpus + k * o->gpc);
        if (!ok)
            break;
    }
    x[col] = 0;
}

static void random_fleets_match_brute_force(void **state)
{
    (void)state;
    seed = 12345;
    int moved = 0, kept = 0;
    for (int it = 0; it < 300; it++) {
        binst b;
        memset(&b, 0, sizeof b);
        b.n_off = 2 + rnd(3);
        for (int i = 0; i < b.n_off; i++) {
            boff *o = &b.off[i];
            o->prov = rnd(3);
            static const int g[3] = {1, 2, 4};
            o->gpc = g[rnd(3)];
            o->price = o->gpc * (1 + rnd(12) * 0.25);
            o->spot = rnd(2) ? o->price * 0.5 : -1;
            o->cap = rnd(3) ? -1 : rnd(3);
            b.cur[i][0] = rnd(3) ? 0 : rnd(3);
            b.cur[i][1] = o->spot >= 0 && rnd(3) == 0 ? rnd(3) : 0;
        }
        b.lo = 1 + rnd(6);
        b.hi = b.lo + rnd(3);
        if (rnd(2)) {
            /* half the fleets are one plan of the workload already: all
             * on one offer, on demand, as many as its GPU count needs */
            int i = rnd(b.n_off);
            memset(b.cur, 0, sizeof b.cur);
            b.cur[i][0] = (b.lo + b.off[i].gpc - 1) / b.off[i].gpc;
        }
        b.spot_ok = rnd(2);
        b.H = 1 + rnd(12);
        b.mh = rnd(3) == 0 ? 24 : rnd(4) * 0.5; /* a dear launch keeps more */
        b.pshare = rnd(3) == 0 ? 0.5 + 0.1 * rnd(3) : -1;
        char cat[1024], spec[640], fleet[2048];
        size_t n = (size_t)snprintf(cat, sizeof cat, HDR);
        static const char *P[3] = {"aws", "gcp", "lambda"};
        for (int i = 0; i < b.n_off; i++) {
            char sp[32] = "", cp[16] = "";
            if (b.off[i].spot >= 0)
                snprintf(sp, sizeof sp, "%.17g", b.off[i].spot);
            if (b.off[i].cap >= 0)
                snprintf(cp, sizeof cp, "%d", b.off[i].cap);
            n += (size_t)snprintf(cat + n, sizeof cat - n, "%s,r%d,,t%d,L4,%d,%.17g,%s,0,%s\n",
                                  P[b.off[i].prov], i, i, b.off[i].gpc, b.off[i].price, sp, cp);
        }
        char caps[64] = "";
        if (b.pshare >= 0)
            snprintf(caps, sizeof caps, "constraints: {max_provider_share: %.17g}, ", b.pshare);
        snprintf(spec, sizeof spec,
                 "{version: 1, horizon_hours: %.17g, %sworkloads: [{name: w, min_gpus: %d, "
                 "max_gpus: %d, spot: %s, move_hours: %.17g}]}",
                 b.H, caps, b.lo, b.hi, b.spot_ok ? "allow" : "never", b.mh);
        n = (size_t)snprintf(fleet, sizeof fleet, "[");
        for (int i = 0; i < b.n_off; i++)
            for (int m = 0; m < 2; m++)
                if (b.cur[i][m])
                    n += (size_t)snprintf(fleet + n, sizeof fleet - n,
                                          "{workload: w, provider: %s, region: r%d, "
                                          "instance_type: t%d, market: %s, count: %d}, ",
                                          P[b.off[i].prov], i, i, m ? "spot" : "ondemand",
                                          b.cur[i][m]);
        snprintf(fleet + n, sizeof fleet - n, "]");
        best_total = HUGE_VAL;
        int x[2 * BOFF] = {0};
        bf(&b, 0, x, 0);
        run r = solve(cat, spec, fleet);
        if (best_total == HUGE_VAL) {
            if (r.s.status != GPUARB_SOLVE_INFEASIBLE)
                fail_msg("instance %d: no plan exists, status %d\n%s%s\n%s", it, r.s.status, cat,
                         spec, fleet);
        } else {
            double got = r.s.total_cost + r.s.churn_cost;
            if (r.s.status != GPUARB_SOLVE_OPTIMAL || fabs(got - best_total) > 1e-6 * (1 + best_total))
                fail_msg("instance %d: total + churn %.9g (status %d), brute force %.9g\n%s%s\n%s",
                         it, got, r.s.status, best_total, cat, spec, fleet);
            if (r.s.change_count)
                moved++;
            else
                kept++;
        }
        gpuarb_result_free(r.r);
    }
    print_message("%d moved, %d kept\n", moved, kept);
    /* both outcomes occur */
    assert_true(moved > 60);
    assert_true(kept > 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(already_optimal_is_empty),
        cmocka_unit_test(saving_below_launch_cost_stays),
        cmocka_unit_test(capacity_drop_moves_fewest),
        cmocka_unit_test(baseline_counts_launches),
        cmocka_unit_test(gone_rows_terminate),
        cmocka_unit_test(plan_json_is_a_fleet),
        cmocka_unit_test(bad_fleet_is_located),
        cmocka_unit_test(plan_rows_ignore_new_keys),
        cmocka_unit_test(random_fleets_match_brute_force),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown);
}
