/*
 * test_decomp.c - the Lagrangian decomposition (lib/alloc/decomp.c) on
 * small random instances whose provider and spot share caps, budget or
 * shared capacity bind, against a brute force written here from SPEC
 * section 2 (it shares no code with lib/alloc): every integer plan of each
 * workload is enumerated, then every combination of them is checked
 * against capacity, budget and the share caps in GPUs.
 *
 * What is asserted: the decomposition's Lagrangian bound is never past the
 * brute-force optimum (below it for min_cost, above it for throughput);
 * its plan has the brute-force optimum and is reported optimal; the full
 * MIP of the same view (ga_solve_view) gives the same value; and
 * gpuarb_optimize agrees (it runs the decomposition from
 * GA_DECOMP_MIN_WORKLOADS workloads up, the MIP below).  With a fleet
 * running now, the decomposition and the MIP agree; and the progress
 * callback stops a 120-workload solve.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "alloc/alloc.h"
#include "alloc/decomp.h"
#include "alloc/delta.h"

static gpuarb_ctx *ctx;

static int setup(void **state)
{
    int rc = tu_setup(state);
    ctx = rc ? NULL : ((fixture *)*state)->ctx;
    return rc;
}

/* ---- instances ---- */

#define NOFF 4
#define NWL 3

typedef struct toff {
    int prov, reg, gpu, gpc, cap; /* cap -1 unlimited */
    double price, spot, rate;     /* spot -1: none */
} toff;

typedef struct twl {
    int lo, hi, spot, gang, models, has_data, dprov, dreg;
    double gb;
} twl;

typedef struct tinst {
    int n_off, n_wl, objective;
    toff off[NOFF];
    twl wl[NWL];
    double H, budget, pshare, sshare; /* -1 = none */
} tinst;

static const char *PROV[3] = {"aws", "gcp", "lambda"};
static const char *GPU[3] = {"H100", "A100", "L4"};

static uint64_t seed;
static int rnd(int n)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)((seed >> 33) % (uint64_t)n);
}

static void gen(tinst *t)
{
    memset(t, 0, sizeof *t);
    t->n_off = 3 + rnd(2);
    for (int i = 0; i < t->n_off; i++) {
        toff *o = &t->off[i];
        o->prov = i < 2 ? i : rnd(3); /* two providers at least */
        o->reg = rnd(2);
        o->gpu = rnd(3);
        static const int gpcs[3] = {1, 2, 4};
        o->gpc = gpcs[rnd(3)];
        o->price = o->gpc * (0.5 + rnd(16) * 0.25);
        o->spot = rnd(2) ? o->price * (0.3 + rnd(5) * 0.1) : -1;
        o->rate = rnd(3) * 0.1;
        o->cap = rnd(3) ? -1 : 1 + rnd(3);
    }
    t->n_wl = 2 + rnd(2);
    for (int w = 0; w < t->n_wl; w++) {
        twl *x = &t->wl[w];
        x->lo = rnd(4) == 0 ? 0 : 1 + rnd(3);
        x->hi = rnd(2) ? x->lo : x->lo + 1 + rnd(2);
        if (x->hi == 0)
            x->hi = 1;
        x->spot = rnd(3);
        x->gang = rnd(3) == 0;
        x->models = rnd(3) ? 0 : 1 + rnd(7);
        x->has_data = rnd(3) == 0;
        x->dprov = t->off[rnd(t->n_off)].prov; /* a provider the catalog has (SPEC 2) */
        x->dreg = rnd(2);
        x->gb = 20.0 * (1 + rnd(5));
    }
    t->objective = rnd(4) == 0;
    t->H = 1 + rnd(24);
    t->budget = (t->objective || rnd(3) == 0) ? 4.0 + rnd(40) : -1;
    /* the caps bind often: a share that one cheap provider would pass */
    t->pshare = rnd(4) ? 0.4 + rnd(4) * 0.1 : -1;
    t->sshare = rnd(2) ? rnd(4) * 0.2 : -1;
    if (t->pshare < 0 && t->sshare < 0)
        t->pshare = 0.5;
}

static void render(const tinst *t, char *cat, size_t cn, char *sp, size_t sn)
{
    size_t n = (size_t)snprintf(cat, cn, "provider,region,zone,instance_type,gpu,gpu_count,"
                                         "price_hour,spot_price_hour,interruption_rate,capacity\n");
    for (int i = 0; i < t->n_off; i++) {
        const toff *o = &t->off[i];
        n += tu_offer_row(cat + n, cn - n, PROV[o->prov], o->reg, i, GPU[o->gpu], o->gpc,
                          o->price, o->spot, o->rate, o->cap);
    }
    n = (size_t)snprintf(sp, sn, "{\"version\": 1, \"objective\": \"%s\", \"horizon_hours\": %.17g",
                         t->objective ? "max_throughput" : "min_cost", t->H);
    if (t->budget >= 0)
        n += (size_t)snprintf(sp + n, sn - n, ", \"budget_per_hour\": %.17g", t->budget);
    n += (size_t)snprintf(sp + n, sn - n, ", \"constraints\": {");
    const char *sep = "";
    if (t->pshare >= 0) {
        n += (size_t)snprintf(sp + n, sn - n, "\"max_provider_share\": %.17g", t->pshare);
        sep = ", ";
    }
    if (t->sshare >= 0)
        n += (size_t)snprintf(sp + n, sn - n, "%s\"max_spot_share\": %.17g", sep, t->sshare);
    n += (size_t)snprintf(sp + n, sn - n, "}, \"workloads\": [");
    static const char *SPOT[3] = {"never", "allow", "only"};
    for (int w = 0; w < t->n_wl; w++) {
        const twl *x = &t->wl[w];
        n += (size_t)snprintf(sp + n, sn - n,
                              "%s{\"name\": \"w%d\", \"min_gpus\": %d, \"max_gpus\": %d, \"spot\": "
                              "\"%s\", \"same_region\": %s",
                              w ? ", " : "", w, x->lo, x->hi, SPOT[x->spot],
                              x->gang ? "true" : "false");
        if (x->models) {
            n += (size_t)snprintf(sp + n, sn - n, ", \"gpu\": [");
            const char *s2 = "";
            for (int g = 0; g < 3; g++)
                if (x->models & (1 << g)) {
                    n += (size_t)snprintf(sp + n, sn - n, "%s\"%s\"", s2, GPU[g]);
                    s2 = ", ";
                }
            n += (size_t)snprintf(sp + n, sn - n, "]");
        }
        if (x->has_data)
            n += (size_t)snprintf(sp + n, sn - n,
                                  ", \"data\": {\"provider\": \"%s\", \"region\": \"r%d\", "
                                  "\"gb\": %.17g}",
                                  PROV[x->dprov], x->dreg, x->gb);
        n += (size_t)snprintf(sp + n, sn - n, "}");
    }
    snprintf(sp + n, sn - n, "]}");
}

/* ---- the brute force ---- */

typedef struct tplan {
    double cph, egress, tput;
    int pg[3], spotg, gpus;
    int use[NOFF];
} tplan;

typedef struct tlist {
    tplan *v;
    int n, cap;
} tlist;

/* per-instance $/h of offer o for a workload in a market (default
 * checkpoint 60 and restart 5 minutes); -1 if unusable */
static double unit_of(const toff *o, int spot)
{
    if (!spot)
        return o->price;
    if (o->spot < 0)
        return -1;
    double den = 1 - o->rate * (1.0 / 2 + 5.0 / 60);
    return den <= 0.1 ? -1 : o->spot / den;
}

static void push(tlist *l, const tplan *p)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, (size_t)l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n++] = *p;
}

/* every plan of workload w: counts per (offer, market) with at most hi
 * GPUs, kept when its GPU count is in [lo, hi] and (gang) one region */
static void enum_rec(const tinst *t, int w, int col, int *cnt, tlist *out)
{
    const twl *x = &t->wl[w];
    if (col == 2 * t->n_off) {
        tplan p;
        memset(&p, 0, sizeof p);
        int placeused[3][2] = {{0}};
        /* a gang (SPEC 2) pays price / (1 - L (c/2 + r)) on every instance,
         * L the sum of its spot instances' rates; others per instance */
        double L = 0, raw = 0, a = 1.0 / 2 + 5.0 / 60;
        for (int c = 0; c < 2 * t->n_off; c++) {
            if (!cnt[c])
                continue;
            const toff *o = &t->off[c / 2];
            if (c % 2) {
                L += cnt[c] * o->rate;
                raw += cnt[c] * o->spot;
            } else {
                raw += cnt[c] * o->price;
            }
        }
        if (x->gang && 1 - L * a <= 0.1)
            return;
        if (x->gang)
            p.cph = raw / (1 - L * a);
        for (int c = 0; c < 2 * t->n_off; c++) {
            if (!cnt[c])
                continue;
            const toff *o = &t->off[c / 2];
            int spot = c % 2;
            if (!x->gang)
                p.cph += cnt[c] * unit_of(o, spot);
            p.gpus += cnt[c] * o->gpc;
            p.pg[o->prov] += cnt[c] * o->gpc;
            if (spot)
                p.spotg += cnt[c] * o->gpc;
            p.tput += cnt[c] * o->gpc;
            p.use[c / 2] += cnt[c];
            placeused[o->prov][o->reg] = 1;
        }
        if (p.gpus < x->lo || p.gpus > x->hi)
            return;
        int places = 0;
        for (int q = 0; q < 3; q++)
            for (int r = 0; r < 2; r++) {
                if (!placeused[q][r])
                    continue;
                places++;
                if (x->has_data)
                    p.egress += q != x->dprov ? 0.09 * x->gb : r != x->dreg ? 0.02 * x->gb : 0;
            }
        if (x->gang && places > 1)
            return;
        push(out, &p);
        return;
    }
    const toff *o = &t->off[col / 2];
    int spot = col % 2;
    int ok = unit_of(o, spot) >= 0 && (!x->models || (x->models & (1 << o->gpu))) &&
             !(spot && x->spot == 0) && !(!spot && x->spot == 2);
    int have = 0;
    for (int c = 0; c < col; c++)
        have += cnt[c] * t->off[c / 2].gpc;
    for (int k = 0;; k++) {
        if (k > 0 && (!ok || have + k * o->gpc > x->hi || (o->cap >= 0 && k > o->cap)))
            break;
        cnt[col] = k;
        enum_rec(t, w, col + 1, cnt, out);
    }
    cnt[col] = 0;
}

typedef struct tbest {
    int found;
    double total, tput;
} tbest;

static void combine(const tinst *t, const tlist *L, int w, tplan *acc, tbest *best)
{
    if (w == t->n_wl) {
        for (int i = 0; i < t->n_off; i++)
            if (t->off[i].cap >= 0 && acc->use[i] > t->off[i].cap)
                return;
        if (t->budget >= 0 && acc->cph > t->budget * (1 + 1e-9))
            return;
        if (t->pshare >= 0)
            for (int q = 0; q < 3; q++)
                if (acc->pg[q] > t->pshare * acc->gpus + 1e-9)
                    return;
        if (t->sshare >= 0 && acc->spotg > t->sshare * acc->gpus + 1e-9)
            return;
        double total = t->H * acc->cph + acc->egress;
        int take = !best->found;
        if (!take && t->objective)
            take = acc->tput > best->tput + 1e-9 ||
                   (acc->tput > best->tput - 1e-9 && total < best->total - 1e-9);
        else if (!take)
            take = total < best->total - 1e-9;
        if (take) {
            best->found = 1;
            best->total = total;
            best->tput = acc->tput;
        }
        return;
    }
    for (int i = 0; i < L[w].n; i++) {
        const tplan *p = &L[w].v[i];
        tplan a = *acc;
        a.cph += p->cph;
        a.egress += p->egress;
        a.tput += p->tput;
        a.gpus += p->gpus;
        a.spotg += p->spotg;
        for (int q = 0; q < 3; q++)
            a.pg[q] += p->pg[q];
        for (int o = 0; o < t->n_off; o++)
            a.use[o] += p->use[o];
        combine(t, L, w + 1, &a, best);
    }
}

static tbest brute(const tinst *t)
{
    tlist L[NWL];
    memset(L, 0, sizeof L);
    for (int w = 0; w < t->n_wl; w++) {
        int cnt[2 * NOFF] = {0};
        enum_rec(t, w, 0, cnt, &L[w]);
    }
    tplan acc;
    memset(&acc, 0, sizeof acc);
    tbest best = {0, 0, 0};
    combine(t, L, 0, &acc, &best);
    for (int w = 0; w < t->n_wl; w++)
        free(L[w].v);
    return best;
}

/* ---- the checks ---- */

static void decomposition_matches_brute_force(void **state)
{
    (void)state;
    seed = 88172645463325252ULL;
    int feasible = 0, bound_below = 0, binding = 0;
    for (int it = 0; it < 400; it++) {
        tinst t;
        gen(&t);
        char cat[2048], sp[4096];
        render(&t, cat, sizeof cat, sp, sizeof sp);
        tbest want = brute(&t);
        gpuarb_catalog *c = NULL;
        gpuarb_spec *s = NULL;
        if (gpuarb_catalog_parse(ctx, cat, strlen(cat), "t.csv", GPUARB_CATALOG_NATIVE, NULL, &c) ||
            gpuarb_spec_parse(ctx, sp, strlen(sp), "t.json", NULL, &s))
            fail_msg("instance %d: %s\n%s\n%s", it, gpuarb_errfull(ctx), cat, sp);
        base b;
        ga_limits lim = {0, 0, NULL};
        assert_int_equal(ga_base_build(ctx, s, c, &lim, &b), GPUARB_OK);
        view v = {.only_prov = -1};
        prob p;
        assert_int_equal(ga_prob_build(ctx, &b, &v, &p), GPUARB_OK);
        ga_tol tol = {0, 0};
        sol sd, sm;
        ga_decomp_stats ds;
        /* gangs on spot are priced by the knapsack's fronts, which the
         * decomposition does not take (ga_decomp_applies): there the MIP
         * and optimize are checked against the brute force, not it */
        int fronts = 0;
        for (size_t j = 0; j < p.n_c; j++)
            fronts |= p.c[j].lam > 0;
        assert_int_equal(ga_solve_view(ctx, &p, 0, &tol, NULL, &sm), GPUARB_OK);
        memset(&ds, 0, sizeof ds);
        if (fronts) {
            assert_int_equal(ga_decomp_applies(&p), 0);
            assert_int_equal(ga_solve_view(ctx, &p, 0, &tol, NULL, &sd), GPUARB_OK);
            ds.lagr_bound = t.objective ? sd.e.tput : sd.e.total;
        } else {
            assert_int_equal(ga_decomp_solve(ctx, &p, 0, &tol, NULL, &sd, &ds), GPUARB_OK);
        }
        gpuarb_result *r = NULL;
        gpuarb_optimize_opts o;
        gpuarb_optimize_opts_init(&o);
        o.skip_baseline = 1;
        if (gpuarb_optimize(ctx, s, c, &o, &r) != GPUARB_OK)
            fail_msg("instance %d: %s\n%s\n%s", it, gpuarb_errfull(ctx), cat, sp);
        gpuarb_plan_summary sum;
        sum.size = sizeof sum;
        assert_int_equal(gpuarb_result_summary(r, &sum), GPUARB_OK);
        if (!want.found) {
            if (sd.status != GPUARB_SOLVE_INFEASIBLE || sum.status != GPUARB_SOLVE_INFEASIBLE)
                fail_msg("instance %d: no plan exists; decomposition %d, optimize %d\n%s\n%s", it,
                         sd.status, sum.status, cat, sp);
        } else {
            feasible++;
            double tolv = 1e-6 * (1 + want.total);
            if (sd.status != GPUARB_SOLVE_OPTIMAL)
                fail_msg("instance %d: decomposition status %d, brute force %.9g\n%s\n%s", it,
                         sd.status, want.total, cat, sp);
            if (t.objective) {
                if (fabs(sd.e.tput - want.tput) > 1e-6 || ds.lagr_bound < want.tput - 1e-6)
                    fail_msg("instance %d: throughput %g bound %g, brute force %g\n%s\n%s", it,
                             sd.e.tput, ds.lagr_bound, want.tput, cat, sp);
            } else if (ds.iters > 0) {
                /* the Lagrangian bound, when computed, is a bound */
                if (ds.lagr_bound > want.total + tolv)
                    fail_msg("instance %d: Lagrangian bound %.9g above the optimum %.9g\n%s\n%s",
                             it, ds.lagr_bound, want.total, cat, sp);
                bound_below++;
            }
            if (fabs(sd.e.total - want.total) > tolv)
                fail_msg("instance %d: decomposition %.9g, brute force %.9g\n%s\n%s", it,
                         sd.e.total, want.total, cat, sp);
            if (sm.status != GPUARB_SOLVE_OPTIMAL || fabs(sm.e.total - sd.e.total) > tolv)
                fail_msg("instance %d: MIP %.9g (status %d), decomposition %.9g\n%s\n%s", it,
                         sm.e.total, sm.status, sd.e.total, cat, sp);
            /* (max_throughput: the pipeline may leave the tie-break to the
             * cheaper plan unproven, status feasible, before this work) */
            int st_ok = sum.status == GPUARB_SOLVE_OPTIMAL ||
                        (t.objective && sum.status == GPUARB_SOLVE_FEASIBLE && sum.mip_gap == 0);
            if (!st_ok || fabs(sum.total_cost - want.total) > tolv)
                fail_msg("instance %d: optimize %.9g (status %d), brute force %.9g\n%s\n%s", it,
                         sum.total_cost, sum.status, want.total, cat, sp);
            /* the caps bind where the Lagrangian bound rose above the
             * plain sum of per-workload optima */
            binding += ds.iters > 1;
        }
        gpuarb_result_free(r);
        ga_sol_free(&sd);
        ga_sol_free(&sm);
        ga_prob_free(&p);
        ga_base_free(&b);
        gpuarb_spec_free(s);
        gpuarb_catalog_free(c);
    }
    print_message("%d feasible, %d bounds checked, %d with caps binding\n", feasible, bound_below, binding);
    /* the generator exercises feasible instances where the caps bind */
    assert_true(feasible > 100);
    assert_true(bound_below > 60);
    assert_true(binding > 40);
}

/* ---- delta plans through the decomposition ---- */

/* The random instances again, each with a fleet running now (one to three
 * instances of each workload on some offer): the decomposition, whose
 * knapsacks price launches in two segments, and GLPK's MIP, which prices
 * them with excess columns, find the same total + launch cost. */
static void decomposition_with_fleet_matches_mip(void **state)
{
    (void)state;
    seed = 4242;
    int compared = 0;
    for (int it = 0; it < 150; it++) {
        tinst t;
        gen(&t);
        if (t.objective)
            continue; /* delta plans with max_throughput use the MIP alone */
        char cat[2048], sp[4096], fl[2048];
        render(&t, cat, sizeof cat, sp, sizeof sp);
        size_t n = (size_t)snprintf(fl, sizeof fl, "[");
        for (int w = 0; w < t.n_wl; w++) {
            int o = rnd(t.n_off);
            n += (size_t)snprintf(fl + n, sizeof fl - n,
                                  "%s{\"workload\": \"w%d\", \"provider\": \"%s\", "
                                  "\"region\": \"r%d\", \"instance_type\": \"t%d\", "
                                  "\"count\": %d}",
                                  w ? ", " : "", w, PROV[t.off[o].prov], t.off[o].reg, o,
                                  1 + rnd(3));
        }
        snprintf(fl + n, sizeof fl - n, "]");
        gpuarb_catalog *c = NULL;
        gpuarb_spec *s = NULL;
        gpuarb_fleet *f = NULL;
        if (gpuarb_catalog_parse(ctx, cat, strlen(cat), "t.csv", GPUARB_CATALOG_NATIVE, NULL, &c) ||
            gpuarb_spec_parse(ctx, sp, strlen(sp), "t.json", NULL, &s) ||
            gpuarb_fleet_parse(ctx, fl, strlen(fl), "f.json", &f))
            fail_msg("instance %d: %s", it, gpuarb_errfull(ctx));
        base b;
        ga_limits lim = {0, 0, NULL};
        assert_int_equal(ga_base_build(ctx, s, c, &lim, &b), GPUARB_OK);
        ga_delta dl;
        assert_int_equal(ga_delta_build(ctx, &b, f, &dl), GPUARB_OK);
        b.delta = &dl;
        view v = {.only_prov = -1};
        prob p;
        assert_int_equal(ga_prob_build(ctx, &b, &v, &p), GPUARB_OK);
        ga_tol tol = {0, 0};
        sol sd, sm;
        assert_int_equal(ga_decomp_solve(ctx, &p, 0, &tol, NULL, &sd, NULL), GPUARB_OK);
        assert_int_equal(ga_solve_view(ctx, &p, 0, &tol, NULL, &sm), GPUARB_OK);
        if (sd.status != sm.status)
            fail_msg("instance %d: decomposition status %d, MIP %d\n%s\n%s\n%s", it, sd.status,
                     sm.status, cat, sp, fl);
        if (sd.status == GPUARB_SOLVE_OPTIMAL) {
            if (fabs(sd.e.total - sm.e.total) > 1e-6 * (1 + sm.e.total))
                fail_msg("instance %d: decomposition %.9g, MIP %.9g\n%s\n%s\n%s", it, sd.e.total,
                         sm.e.total, cat, sp, fl);
            compared++;
        }
        ga_sol_free(&sd);
        ga_sol_free(&sm);
        ga_prob_free(&p);
        ga_delta_free(&dl);
        ga_base_free(&b);
        gpuarb_fleet_free(f);
        gpuarb_spec_free(s);
        gpuarb_catalog_free(c);
    }
    assert_true(compared > 40);
}

/* ---- the progress callback ---- */

typedef struct pstate {
    int calls, after_stop;
    double last_inc, last_bound, last_ms;
} pstate;

static int stop_at_first(void *arg, double inc, double bound, double elapsed_ms)
{
    pstate *ps = arg;
    if (ps->calls > 0)
        ps->after_stop++;
    ps->calls++;
    ps->last_inc = inc;
    ps->last_bound = bound;
    ps->last_ms = elapsed_ms;
    return 1;
}

/* 120 workloads on the built-in catalog under provider and spot caps: a
 * solve of some seconds.  The callback asks to stop at its first call; the
 * solve then ends with its plan and a bound no higher than it, and the
 * callback is never called again. */
static void progress_stops_the_solve(void **state)
{
    (void)state;
    char *sp = tu_alloc(64, 1024);
    size_t n = (size_t)snprintf(sp, 65536, "{\"version\": 1, \"horizon_hours\": 72, "
                                           "\"time_limit_s\": 60, \"constraints\": "
                                           "{\"max_provider_share\": 0.3, \"max_spot_share\": 0.4},"
                                           " \"workloads\": [");
    for (int w = 0; w < 120; w++)
        n += (size_t)snprintf(sp + n, 65536 - n,
                              "%s{\"name\": \"w%d\", \"gpus\": %d, \"spot\": \"allow\"}",
                              w ? ", " : "", w, 1 + w % 8);
    snprintf(sp + n, 65536 - n, "]}");
    gpuarb_spec *s = NULL;
    if (gpuarb_spec_parse(ctx, sp, strlen(sp), "p.json", NULL, &s))
        fail_msg("%s", gpuarb_errfull(ctx));
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.skip_baseline = 1;
    pstate ps = {0};
    o.progress = stop_at_first;
    o.progress_arg = &ps;
    gpuarb_result *r = NULL;
    assert_int_equal(gpuarb_optimize(ctx, s, NULL, &o, &r), GPUARB_OK);
    gpuarb_plan_summary sum;
    sum.size = sizeof sum;
    assert_int_equal(gpuarb_result_summary(r, &sum), GPUARB_OK);
    assert_true(ps.calls >= 1);
    assert_int_equal(ps.after_stop, 0);
    if (sum.status == GPUARB_SOLVE_FEASIBLE || sum.status == GPUARB_SOLVE_OPTIMAL) {
        assert_true(sum.bound <= sum.total_cost * (1 + 1e-9));
        /* stopped: well inside the 60 s limit */
        assert_true(sum.solve_ms < 30000);
    } else {
        assert_int_equal(sum.status, GPUARB_SOLVE_TIME_LIMIT);
    }
    gpuarb_result_free(r);
    gpuarb_spec_free(s);
    free(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decomposition_matches_brute_force),
        cmocka_unit_test(decomposition_with_fleet_matches_mip),
        cmocka_unit_test(progress_stops_the_solve),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown);
}
