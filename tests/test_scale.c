/*
 * test_scale.c - optimize at fleet scale (issue 14, finding 3): the
 * dominance reductions that stay exact under the share caps, checked
 * against a brute force that enumerates every integer plan of small random
 * instances built to be full of dominated columns (the brute force shares
 * no code with lib/alloc); and the memory budget, which ends a model too
 * big for it in GPUARB_ERR_LIMIT with a message naming the sizes, while a
 * generous budget solves the same spec.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "alloc/alloc.h" /* the DP's deadline is checked on the DP itself */

static gpuarb_ctx *ctx;

static int setup(void **state)
{
    int rc = tu_setup(state);
    ctx = rc ? NULL : ((fixture *)*state)->ctx;
    return rc;
}

#define HDR                                                                                        \
    "provider,region,zone,instance_type,gpu,gpu_count,price_hour,spot_price_hour,"               \
    "interruption_rate,capacity\n"

/* ---- the brute force ----------------------------------------------------- */

/* Offers are drawn so that dominance is everywhere: two GPU models (so
 * speeds tie), GPU counts 1, 2 and 4 (so they divide each other), prices
 * per GPU from three levels (so multiples tie), half of them unlimited, in
 * two or three providers with one or two regions each; a provider cap is
 * always active, a spot cap often.  Interruption rates are 0, so a spot
 * instance costs its spot price (SPEC section 2's formula with rate 0). */
enum { MAX_OFF = 7, MAX_WL = 2 };

typedef struct soff {
    int prov, reg, gpu, gpc, cap; /* cap -1: unlimited */
    double price, spot;           /* -1: that market is not sold */
} soff;

typedef struct swl {
    int lo, hi, gpu_mask, spot, gang, data, dprov, dreg;
    double gb, tput[2];
} swl;

typedef struct sinst {
    int n_off, n_wl, n_prov, objective;
    soff off[MAX_OFF];
    swl wl[MAX_WL];
    double H, budget, pshare, sshare; /* -1: none */
} sinst;

static const char *SPROV[3] = {"aws", "gcp", "lambda"};
static const char *SGPU[2] = {"H100", "A100"};

static uint64_t srng;
static int rn(int n)
{
    srng = srng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)((srng >> 33) % (uint64_t)n);
}

/* gang: the first of two workloads is a gang with its data somewhere (the
 * region pruning under caps); otherwise one or two workloads of any kind. */
static void sgen(sinst *b, int gang)
{
    memset(b, 0, sizeof *b);
    b->n_prov = 2 + rn(2);
    b->n_off = 4 + rn(MAX_OFF - 3);
    static const int gpcs[3] = {1, 2, 4};
    static const double level[3] = {1.0, 1.5, 2.0};
    for (int i = 0; i < b->n_off; i++) {
        soff *o = &b->off[i];
        o->prov = rn(b->n_prov);
        o->reg = rn(3);
        o->gpu = rn(4) == 0; /* mostly H100: speeds tie */
        o->gpc = gpcs[rn(3)];
        o->price = rn(6) ? o->gpc * level[rn(3)] : -1;
        o->spot = rn(2) ? o->gpc * level[rn(3)] * 0.5 : -1;
        if (o->price < 0 && o->spot < 0)
            o->price = o->gpc * level[0];
        o->cap = rn(2) ? -1 : 1 + rn(3);
    }
    b->n_wl = gang ? 2 : 1 + rn(2);
    for (int w = 0; w < b->n_wl; w++) {
        swl *x = &b->wl[w];
        int top = b->n_wl == 1 ? 8 : 4;
        x->lo = 1 + rn(top);
        x->hi = rn(2) ? x->lo : x->lo + rn(top - x->lo + 1);
        x->gpu_mask = rn(3) ? 3 : 1 + rn(2);
        x->spot = rn(3);
        x->gang = b->n_wl == 2 && rn(2); /* a lone gang cannot meet a provider cap */
        x->data = rn(3) == 0;
        /* a provider of the catalog: one that none offers is bad input (SPEC 2) */
        x->dprov = b->off[rn(b->n_off)].prov;
        x->dreg = rn(3);
        x->gb = 10.0 * (1 + rn(20));
        x->tput[0] = 1.0;
        x->tput[1] = rn(2) ? 1.0 : 0.5;
        if (!gang && w == 1 && rn(2)) {
            /* the same offers as workload 0 (its columns are reused) but
             * its own GPU range */
            x->gpu_mask = b->wl[0].gpu_mask;
            x->spot = b->wl[0].spot;
            x->gang = x->data = 0;
            x->tput[1] = b->wl[0].tput[1];
        }
        if (gang && w == 0) {
            x->gang = x->data = 1;
            x->gb = 100.0 * (1 + rn(20)); /* egress that decides regions */
            x->spot = rn(2) * 2; /* one market: never or only */
        }
    }
    b->objective = rn(5) == 0;
    b->H = 1 + rn(24);
    b->budget = (b->objective || rn(4) == 0) ? 4.0 + rn(30) : -1;
    static const double caps[3] = {0.5, 0.6, 0.75};
    b->pshare = caps[rn(3)];
    b->sshare = rn(2) ? 0.25 * rn(4) : -1;
}

static void srender(const sinst *b, char *cat, size_t cn, char *sp, size_t sn)
{
    size_t n = (size_t)snprintf(cat, cn, HDR);
    for (int i = 0; i < b->n_off; i++) {
        const soff *o = &b->off[i];
        char price[32] = "", spot[32] = "", cap[16] = "";
        if (o->price >= 0)
            snprintf(price, sizeof price, "%.17g", o->price);
        if (o->spot >= 0)
            snprintf(spot, sizeof spot, "%.17g", o->spot);
        if (o->cap >= 0)
            snprintf(cap, sizeof cap, "%d", o->cap);
        n += (size_t)snprintf(cat + n, cn - n, "%s,r%d,,t%d,%s,%d,%s,%s,0,%s\n", SPROV[o->prov],
                              o->reg, i, SGPU[o->gpu], o->gpc, price, spot, cap);
    }
    n = (size_t)snprintf(sp, sn, "{\"version\": 1, \"objective\": \"%s\", \"horizon_hours\": %.17g",
                         b->objective ? "max_throughput" : "min_cost", b->H);
    if (b->budget >= 0)
        n += (size_t)snprintf(sp + n, sn - n, ", \"budget_per_hour\": %.17g", b->budget);
    n += (size_t)snprintf(sp + n, sn - n, ", \"constraints\": {\"max_provider_share\": %.17g",
                          b->pshare);
    if (b->sshare >= 0)
        n += (size_t)snprintf(sp + n, sn - n, ", \"max_spot_share\": %.17g", b->sshare);
    n += (size_t)snprintf(sp + n, sn - n, "}, \"workloads\": [");
    static const char *SPOT[3] = {"never", "allow", "only"};
    for (int w = 0; w < b->n_wl; w++) {
        const swl *x = &b->wl[w];
        n += (size_t)snprintf(sp + n, sn - n,
                              "%s{\"name\": \"w%d\", \"min_gpus\": %d, \"max_gpus\": %d, "
                              "\"spot\": \"%s\", \"same_region\": %s, "
                              "\"throughput\": {\"H100\": %.17g, \"A100\": %.17g}, \"gpu\": [",
                              w ? ", " : "", w, x->lo, x->hi, SPOT[x->spot],
                              x->gang ? "true" : "false", x->tput[0], x->tput[1]);
        int first = 1;
        for (int g = 0; g < 2; g++)
            if (x->gpu_mask & (1 << g)) {
                n += (size_t)snprintf(sp + n, sn - n, "%s\"%s\"", first ? "" : ", ", SGPU[g]);
                first = 0;
            }
        n += (size_t)snprintf(sp + n, sn - n, "]");
        if (x->data)
            n += (size_t)snprintf(sp + n, sn - n,
                                  ", \"data\": {\"provider\": \"%s\", \"region\": \"r%d\", "
                                  "\"gb\": %.17g}",
                                  SPROV[x->dprov], x->dreg, x->gb);
        n += (size_t)snprintf(sp + n, sn - n, "}");
    }
    snprintf(sp + n, sn - n, "]}");
}

typedef struct scol {
    int w, o, spot;
    double unit;
} scol;

typedef struct sbest {
    int found;
    double total, tput;
} sbest;

/* Judge one integer plan against SPEC section 2 and keep the best. */
static void seval(const sinst *b, const scol *c, int nc, const int *x, sbest *best)
{
    double cph = 0, tput = 0, egress = 0;
    int pg[3] = {0, 0, 0}, spotg = 0, allg = 0, gpus[MAX_WL] = {0}, capuse[MAX_OFF] = {0};
    int used[MAX_WL][3][3];
    memset(used, 0, sizeof used);
    for (int j = 0; j < nc; j++) {
        if (!x[j])
            continue;
        const soff *o = &b->off[c[j].o];
        int g = x[j] * o->gpc;
        cph += x[j] * c[j].unit;
        tput += g * b->wl[c[j].w].tput[o->gpu];
        pg[o->prov] += g;
        spotg += c[j].spot ? g : 0;
        allg += g;
        gpus[c[j].w] += g;
        capuse[c[j].o] += x[j];
        used[c[j].w][o->prov][o->reg] = 1;
    }
    for (int i = 0; i < b->n_off; i++)
        if (b->off[i].cap >= 0 && capuse[i] > b->off[i].cap)
            return;
    for (int w = 0; w < b->n_wl; w++) {
        const swl *x2 = &b->wl[w];
        if (gpus[w] < x2->lo || gpus[w] > x2->hi)
            return;
        int places = 0;
        for (int p = 0; p < 3; p++)
            for (int r = 0; r < 3; r++) {
                if (!used[w][p][r])
                    continue;
                places++;
                if (x2->data)
                    egress += x2->gb * (p != x2->dprov ? 0.09 : r != x2->dreg ? 0.02 : 0);
            }
        if (x2->gang && places > 1)
            return;
    }
    if (b->budget >= 0 && cph > b->budget + 1e-9 * (1 + cph))
        return;
    for (int p = 0; p < 3; p++)
        if (pg[p] > b->pshare * allg + 1e-9)
            return;
    if (b->sshare >= 0 && spotg > b->sshare * allg + 1e-9)
        return;
    double total = b->H * cph + egress;
    int better = !best->found;
    if (!better && b->objective)
        better = tput > best->tput + 1e-9 || (tput > best->tput - 1e-9 && total < best->total - 1e-9);
    else if (!better)
        better = total < best->total - 1e-12;
    if (better) {
        best->found = 1;
        best->total = total;
        best->tput = tput;
    }
}

static void srec(const sinst *b, const scol *c, int nc, int j, int *x, int *gpus, sbest *best)
{
    if (j == nc) {
        seval(b, c, nc, x, best);
        return;
    }
    const soff *o = &b->off[c[j].o];
    int w = c[j].w;
    for (int k = 0; gpus[w] + k * o->gpc <= b->wl[w].hi && (o->cap < 0 || k <= o->cap); k++) {
        x[j] = k;
        gpus[w] += k * o->gpc;
        srec(b, c, nc, j + 1, x, gpus, best);
        gpus[w] -= k * o->gpc;
    }
    x[j] = 0;
}

static sbest sbrute(const sinst *b)
{
    scol c[MAX_WL * MAX_OFF * 2];
    int nc = 0;
    for (int w = 0; w < b->n_wl; w++)
        for (int o = 0; o < b->n_off; o++) {
            const soff *f = &b->off[o];
            if (!(b->wl[w].gpu_mask & (1 << f->gpu)))
                continue;
            for (int s = 0; s <= 1; s++) {
                double u = s ? f->spot : f->price;
                if (u < 0 || (s && b->wl[w].spot == 0) || (!s && b->wl[w].spot == 2))
                    continue;
                c[nc].w = w;
                c[nc].o = o;
                c[nc].spot = s;
                c[nc].unit = u;
                nc++;
            }
        }
    int x[MAX_WL * MAX_OFF * 2] = {0}, gpus[MAX_WL] = {0};
    sbest best = {0, 0, 0};
    srec(b, c, nc, 0, x, gpus, &best);
    return best;
}

/* 1 if some offer of b is dominated within its provider and market: an
 * unlimited offer of the same provider and GPU whose GPU count divides its
 * own and whose copies cost no more (the case the reduction drops). */
static int has_dominated(const sinst *b)
{
    for (int i = 0; i < b->n_off; i++)
        for (int j = 0; j < b->n_off; j++) {
            const soff *a = &b->off[j], *o = &b->off[i];
            if (i == j || a->cap >= 0 || a->prov != o->prov || a->gpu != o->gpu ||
                o->gpc % a->gpc != 0)
                continue;
            int m = o->gpc / a->gpc;
            if ((a->price >= 0 && o->price >= 0 && m * a->price <= o->price) ||
                (a->spot >= 0 && o->spot >= 0 && m * a->spot <= o->spot))
                return 1;
        }
    return 0;
}

/* Instances full of dominated columns, with share caps that bind: the
 * reduced model must find the brute force's optimum every time. */
static void check_random(int gang, uint64_t seed, int runs)
{
    srng = seed;
    int feasible = 0, dominated = 0;
    for (int t = 0; t < runs; t++) {
        sinst b;
        sgen(&b, gang);
        char cat[4096], sp[4096];
        srender(&b, cat, sizeof cat, sp, sizeof sp);
        sbest want = sbrute(&b);
        gpuarb_catalog *c = NULL;
        gpuarb_spec *s = NULL;
        gpuarb_result *r = NULL;
        if (gpuarb_catalog_parse(ctx, cat, strlen(cat), "t.csv", GPUARB_CATALOG_NATIVE, NULL, &c) ||
            gpuarb_spec_parse(ctx, sp, strlen(sp), "t.json", NULL, &s))
            fail_msg("instance %d: %s\n%s\n%s", t, gpuarb_errfull(ctx), cat, sp);
        gpuarb_optimize_opts o;
        gpuarb_optimize_opts_init(&o);
        o.skip_baseline = 1;
        o.abs_gap = 0;
        o.time_limit_s = 0;
        if (gpuarb_optimize(ctx, s, c, &o, &r))
            fail_msg("instance %d: %s", t, gpuarb_errfull(ctx));
        gpuarb_plan_summary g;
        g.size = sizeof g;
        assert_int_equal(gpuarb_result_summary(r, &g), GPUARB_OK);
        if (!want.found) {
            if (g.status != GPUARB_SOLVE_INFEASIBLE)
                fail_msg("instance %d: no plan exists, optimize says %d (total %g)\n%s\n%s", t,
                         g.status, g.total_cost, cat, sp);
        } else {
            if (g.status != GPUARB_SOLVE_OPTIMAL)
                fail_msg("instance %d: brute force %g, optimize status %d\n%s\n%s", t, want.total,
                         g.status, cat, sp);
            if (b.objective && fabs(g.throughput - want.tput) > 1e-6)
                fail_msg("instance %d: throughput %g, brute force %g\n%s\n%s", t, g.throughput,
                         want.tput, cat, sp);
            if (fabs(g.total_cost - want.total) > 1e-6 * (1 + want.total))
                fail_msg("instance %d: total %.9g, brute force %.9g\n%s\n%s", t, g.total_cost,
                         want.total, cat, sp);
            feasible++;
            dominated += has_dominated(&b);
        }
        gpuarb_result_free(r);
        gpuarb_spec_free(s);
        gpuarb_catalog_free(c);
    }
    /* the generator must exercise feasible plans (which the provider cap,
     * below 1, always spreads over providers) with dominated offers */
    assert_true(feasible > 250);
    assert_true(dominated > 150);
}

static void dominance_under_share_caps_matches_brute_force(void **state)
{
    (void)state;
    check_random(0, 1414, 1000);
}

/* A gang with its data elsewhere beside another workload, a provider cap
 * always: the regions dropped for a same-provider region must never hold
 * the only optimum. */
static void gang_regions_under_share_caps_match_brute_force(void **state)
{
    (void)state;
    check_random(1, 2718, 3000);
}

/* ---- the memory budget ------------------------------------------------------ */

/* A catalog of n_prov x n_reg x per offers of 8 x H100, every one capacity
 * limited (so no dominance removes it), the first provider the cheapest
 * (so the provider cap binds and the MIP is needed). */
static char *big_catalog(int n_prov, int n_reg, int per)
{
    size_t cap = 128 + (size_t)n_prov * n_reg * per * 64, n = 0;
    char *c = tu_alloc(cap, 1);
    n += (size_t)snprintf(c, cap, HDR);
    for (int p = 0; p < n_prov; p++)
        for (int r = 0; r < n_reg; r++)
            for (int i = 0; i < per; i++)
                n += (size_t)snprintf(c + n, cap - n, "p%d,r%d,,t%d,H100,8,%.2f,,0,%d\n", p, r, i,
                                      (p ? 20.0 : 16.0) + 0.01 * ((r * per + i) % 97), 1 + i % 3);
    return c;
}

static gpuarb_status solve_big(double memory_mib, gpuarb_result **r)
{
    char *cat = big_catalog(20, 2, 5);
    char sp[4096];
    size_t n = (size_t)snprintf(sp, sizeof sp,
                                "version: 1\nhorizon_hours: 24\ntime_limit_s: 20\n"
                                "constraints: {max_provider_share: 0.3}\nworkloads:\n");
    for (int w = 0; w < 10; w++)
        n += (size_t)snprintf(sp + n, sizeof sp - n,
                              "  - {name: w%d, gpus: 16}\n", w);
    gpuarb_catalog *c = NULL;
    gpuarb_spec *s = NULL;
    if (gpuarb_catalog_parse(ctx, cat, strlen(cat), "big.csv", GPUARB_CATALOG_NATIVE, NULL, &c) ||
        gpuarb_spec_parse(ctx, sp, strlen(sp), "big.yaml", NULL, &s))
        fail_msg("%s", gpuarb_errfull(ctx));
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.skip_baseline = 1;
    o.memory_limit_mib = memory_mib;
    gpuarb_status st = gpuarb_optimize(ctx, s, c, &o, r);
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
    free(cat);
    return st;
}

/* The MIP of 200 capacity-limited offers x 10 workloads under a provider
 * cap has about 2,000 columns, each in its GPU row, its capacity row, the
 * total-GPU row and its provider's row: far more than 1 MiB at GLPK's
 * hundreds of bytes per nonzero, column and row. */
static void memory_budget_ends_in_a_clear_error(void **state)
{
    (void)state;
    gpuarb_result *r = NULL;
    assert_int_equal(solve_big(1, &r), GPUARB_ERR_LIMIT);
    assert_null(r);
    const char *msg = gpuarb_errmsg(ctx);
    assert_non_null(strstr(msg, "over the memory budget of 1 MiB (memory_limit_mib)"));
    assert_non_null(strstr(msg, "narrow the catalog or raise memory_limit_mib"));
    assert_non_null(strstr(msg, "columns"));
}

/* With a budget of 10 KiB even the columns do not fit (a few hundred of 40
 * bytes, doubled by growth, past half the budget): the build stops there. */
static void columns_past_the_budget_stop_the_build(void **state)
{
    (void)state;
    gpuarb_result *r = NULL;
    assert_int_equal(solve_big(0.01, &r), GPUARB_ERR_LIMIT);
    assert_null(r);
    const char *msg = gpuarb_errmsg(ctx);
    assert_non_null(strstr(msg, "before it is even solved"));
    assert_non_null(strstr(msg, "(memory_limit_mib)"));
}

/* The same spec within the default budget is solved: a plan that spreads
 * the 160 GPUs so that no provider holds more than 30 % (48 GPUs). */
static void generous_memory_budget_solves(void **state)
{
    (void)state;
    gpuarb_result *r = NULL;
    assert_int_equal(solve_big(2048, &r), GPUARB_OK);
    gpuarb_plan_summary g;
    g.size = sizeof g;
    assert_int_equal(gpuarb_result_summary(r, &g), GPUARB_OK);
    assert_true(g.status == GPUARB_SOLVE_OPTIMAL || g.status == GPUARB_SOLVE_FEASIBLE);
    int32_t n = gpuarb_result_allocation_count(r);
    int per_prov[20] = {0}, total = 0;
    for (int32_t i = 0; i < n; i++) {
        gpuarb_allocation a;
        assert_int_equal(gpuarb_result_allocation(r, i, &a), GPUARB_OK);
        per_prov[atoi(a.provider + 1)] += a.count * a.gpus_per_instance;
        total += a.count * a.gpus_per_instance;
    }
    assert_int_equal(total, 160);
    for (int p = 0; p < 20; p++)
        assert_true(per_prov[p] <= 48);
    gpuarb_result_free(r);
}

/* ---- the deadline ------------------------------------------------------------ */

/* The per-workload DP stops with -3 once the base's deadline has passed,
 * and gives the hand-computed optimum without one: 3 GPUs for one hour
 * from $2/h one-GPU and $5/h two-GPU instances (3 x 2 = $6 beats 5 + 2). */
static void dp_stops_at_the_deadline(void **state)
{
    (void)state;
    const char *cat_csv = HDR "aws,r0,,one,H100,1,2,,0,\naws,r0,,two,H100,2,5,,0,\n";
    const char *sp = "version: 1\nworkloads:\n  - {name: w, gpus: 3}\n";
    gpuarb_catalog *c = NULL;
    gpuarb_spec *s = NULL;
    if (gpuarb_catalog_parse(ctx, cat_csv, strlen(cat_csv), "t.csv", GPUARB_CATALOG_NATIVE, NULL,
                             &c) ||
        gpuarb_spec_parse(ctx, sp, strlen(sp), "t.yaml", NULL, &s))
        fail_msg("%s", gpuarb_errfull(ctx));
    for (int past = 0; past <= 1; past++) {
        /* a deadline a millisecond ago */
        ga_limits lim = {past ? ga_now_ms() - 1.0 : 0.0, 0};
        base b;
        prob p;
        assert_int_equal(ga_base_build(ctx, s, c, &lim, &b), GPUARB_OK);
        view v = {.only_prov = -1};
        assert_int_equal(ga_prob_build(ctx, &b, &v, &p), GPUARB_OK);
        double *x = tu_alloc(p.n_c + 1, sizeof(double));
        double cost = ga_dp_workload(&p, 0, NULL, x);
        if (past)
            assert_true(cost == -3.0);
        else
            assert_true(fabs(cost - 6.0) < 1e-9);
        free(x);
        ga_prob_free(&p);
        ga_base_free(&b);
    }
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
}

/* ---- the greedy start under a provider cap ----------------------------------- */

/* Two workloads of 4 GPUs, $1/h GPUs at aws and $2/h at gcp, at most half
 * the GPUs at one provider: the greedy plan (the MIP's start) must spread
 * them, 4 at each, $4 + $8 = $12 for the hour, not put all 8 at aws. */
static void greedy_start_meets_the_provider_cap(void **state)
{
    (void)state;
    const char *cat_csv = HDR "aws,r0,,a,H100,1,1,,0,\ngcp,r0,,g,H100,1,2,,0,\n";
    const char *sp = "version: 1\nconstraints: {max_provider_share: 0.5}\nworkloads:\n"
                     "  - {name: a, gpus: 4}\n  - {name: b, gpus: 4}\n";
    gpuarb_catalog *c = NULL;
    gpuarb_spec *s = NULL;
    if (gpuarb_catalog_parse(ctx, cat_csv, strlen(cat_csv), "t.csv", GPUARB_CATALOG_NATIVE, NULL,
                             &c) ||
        gpuarb_spec_parse(ctx, sp, strlen(sp), "t.yaml", NULL, &s))
        fail_msg("%s", gpuarb_errfull(ctx));
    ga_limits lim = {0, 0};
    base b;
    prob p;
    assert_int_equal(ga_base_build(ctx, s, c, &lim, &b), GPUARB_OK);
    view v = {.only_prov = -1};
    assert_int_equal(ga_prob_build(ctx, &b, &v, &p), GPUARB_OK);
    double *x = tu_alloc(p.n_c + 1, sizeof(double));
    assert_int_equal(ga_greedy(&p, x), 1);
    plan_eval e;
    assert_int_equal(ga_verify(ctx, &p, x, &e), GPUARB_OK);
    assert_true(e.feasible);
    assert_true(fabs(e.total - 12.0) < 1e-9);
    free(x);
    ga_prob_free(&p);
    ga_base_free(&b);
    gpuarb_spec_free(s);
    gpuarb_catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dominance_under_share_caps_matches_brute_force),
        cmocka_unit_test(gang_regions_under_share_caps_match_brute_force),
        cmocka_unit_test(memory_budget_ends_in_a_clear_error),
        cmocka_unit_test(columns_past_the_budget_stop_the_build),
        cmocka_unit_test(generous_memory_budget_solves),
        cmocka_unit_test(dp_stops_at_the_deadline),
        cmocka_unit_test(greedy_start_meets_the_provider_cap),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown);
}
