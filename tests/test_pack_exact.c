/*
 * test_pack_exact.c - the exact side of multi-dimensional packing (issue
 * 9): count limits and priorities against a brute force written here (it
 * enumerates every assignment of up to 7 items to nodes or to "unplaced"),
 * branch and price against a dynamic programme over item subsets written
 * here (up to 14 items, 1-3 priced node types), and instances whose
 * optimum is known by construction (full nodes cut into items in every
 * dimension, so the volume bound equals the number of nodes cut).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "pack/pack.h"

#define NT_MAX 3
#define N_MAX 30

typedef struct inst {
    int n, nt;
    double sz[N_MAX][3];
    int prio[N_MAX];
    double cap[NT_MAX][3];
    double cost[NT_MAX];
    int64_t count[NT_MAX]; /* -1 unlimited */
} inst;

static gpuarb_pack_problem *build(fixture *f, const inst *I)
{
    gpuarb_pack_problem *p = NULL;
    assert_int_equal(gpuarb_pack_problem_create(f->ctx, &p), GPUARB_OK);
    for (int t = 0; t < I->nt; t++)
        assert_int_equal(gpuarb_pack_add_node_type(f->ctx, p, NULL, I->cap[t][0], I->cap[t][1],
                                                   I->cap[t][2], I->cost[t], I->count[t], NULL),
                         GPUARB_OK);
    for (int i = 0; i < I->n; i++) {
        int64_t first = -1;
        assert_int_equal(gpuarb_pack_add_item(f->ctx, p, NULL, I->sz[i][0], I->sz[i][1],
                                              I->sz[i][2], 1, &first),
                         GPUARB_OK);
        if (I->prio[i])
            assert_int_equal(gpuarb_pack_set_item_priority(f->ctx, p, first, I->prio[i]),
                             GPUARB_OK);
    }
    return p;
}

static gpuarb_pack_result *solve(fixture *f, gpuarb_pack_problem *p, int32_t objective,
                                 double limit_ms)
{
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.objective = objective;
    o.time_limit_ms = limit_ms;
    gpuarb_pack_result *r = NULL;
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_OK);
    return r;
}

static gpuarb_pack_summary summary(const gpuarb_pack_result *r)
{
    gpuarb_pack_summary s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    assert_int_equal(gpuarb_pack_result_summary(r, &s), GPUARB_OK);
    return s;
}

/* Every node within its type, every type within its count. */
static void check_feasible(const gpuarb_pack_result *r, const inst *I)
{
    gpuarb_pack_summary s = summary(r);
    int64_t used[NT_MAX] = {0, 0, 0};
    for (int64_t k = 0; k < s.nodes_used; k++) {
        gpuarb_pack_node nd;
        assert_int_equal(gpuarb_pack_result_node(r, k, &nd), GPUARB_OK);
        const double *c = I->cap[nd.type_index];
        assert_true(nd.gpus <= c[0] + 1e-9 && nd.cpus <= c[1] + 1e-9 &&
                    nd.memory_gb <= c[2] + 1e-9);
        used[nd.type_index]++;
    }
    for (int t = 0; t < I->nt; t++)
        assert_true(I->count[t] < 0 || used[t] <= I->count[t]);
}

/* Placed items per priority 2, 1, 0 (priorities here are 0..2). */
static void placed_by_prio(const gpuarb_pack_result *r, const inst *I, int *pl)
{
    pl[0] = pl[1] = pl[2] = 0;
    for (int i = 0; i < I->n; i++)
        if (gpuarb_pack_result_item_node(r, i) >= 0)
            pl[2 - I->prio[i]]++;
}

/* ---------------------------------------------------------------------
 * Brute force: every assignment of items (in index order) to an open
 * node, a new node of a type with count left, or unplaced.  Best: most
 * placed, priority by priority from the highest; then nodes (min_nodes,
 * ties by cost) or cost (min_cost).
 * --------------------------------------------------------------------- */
typedef struct bf {
    const inst *I;
    int min_cost;
    int ntp[N_MAX];
    double load[N_MAX][3];
    int nn;
    int left[NT_MAX];
    int pl[3];
    double cost;
    int best_pl[3], best_nn, have;
    double best_cost;
} bf;

static int bf_better(const bf *B)
{
    if (!B->have)
        return 1;
    for (int l = 0; l < 3; l++)
        if (B->pl[l] != B->best_pl[l])
            return B->pl[l] > B->best_pl[l];
    if (B->min_cost) {
        if (fabs(B->cost - B->best_cost) > 1e-9)
            return B->cost < B->best_cost;
        return B->nn < B->best_nn;
    }
    if (B->nn != B->best_nn)
        return B->nn < B->best_nn;
    return B->cost < B->best_cost - 1e-9;
}

static void bf_go(bf *B, int i)
{
    const inst *I = B->I;
    if (i == I->n) {
        if (bf_better(B)) {
            B->have = 1;
            memcpy(B->best_pl, B->pl, sizeof B->pl);
            B->best_nn = B->nn;
            B->best_cost = B->cost;
        }
        return;
    }
    const double *s = I->sz[i];
    int lv = 2 - I->prio[i];
    for (int k = 0; k < B->nn; k++) {
        const double *c = I->cap[B->ntp[k]];
        if (B->load[k][0] + s[0] > c[0] || B->load[k][1] + s[1] > c[1] ||
            B->load[k][2] + s[2] > c[2])
            continue;
        for (int d = 0; d < 3; d++)
            B->load[k][d] += s[d];
        B->pl[lv]++;
        bf_go(B, i + 1);
        B->pl[lv]--;
        for (int d = 0; d < 3; d++)
            B->load[k][d] -= s[d];
    }
    for (int t = 0; t < I->nt; t++) {
        if (B->left[t] == 0 || s[0] > I->cap[t][0] || s[1] > I->cap[t][1] ||
            s[2] > I->cap[t][2])
            continue;
        int k = B->nn++;
        B->ntp[k] = t;
        memcpy(B->load[k], s, sizeof B->load[k]);
        B->left[t]--;
        B->cost += I->cost[t];
        B->pl[lv]++;
        bf_go(B, i + 1);
        B->pl[lv]--;
        B->cost -= I->cost[t];
        B->left[t]++;
        B->nn--;
    }
    bf_go(B, i + 1); /* unplaced */
}

/* SPEC section 4's example of the issue: one node of 8 GPUs, jobs of 5, 3,
 * 3 and 2 GPUs.  By hand: three fit (3 + 3 + 2 = 8), never all four (13);
 * first fit decreasing places 5 and 3 and stops at two. */
static void count_limit_places_most(void **state)
{
    fixture *f = *state;
    inst I;
    memset(&I, 0, sizeof I);
    I.n = 4;
    I.nt = 1;
    I.cap[0][0] = 8, I.cap[0][1] = 96, I.cap[0][2] = 1152;
    I.cost[0] = 32.77;
    I.count[0] = 1;
    double g[4] = {5, 3, 3, 2};
    for (int i = 0; i < 4; i++)
        I.sz[i][0] = g[i];
    gpuarb_pack_problem *p = build(f, &I);
    for (int obj = 0; obj < 2; obj++) {
        gpuarb_pack_result *r = solve(f, p, obj, 10000);
        gpuarb_pack_summary s = summary(r);
        check_feasible(r, &I);
        assert_int_equal(s.unplaced_count, 1);
        assert_int_equal(gpuarb_pack_result_item_node(r, 0), -1);
        assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
        assert_int_equal(s.nodes_used, 1);
        /* bounds over what is placed, never above the packing */
        assert_true(s.lower_bound <= s.nodes_used);
        assert_true(s.cost_lower_bound <= s.cost_per_hour + 1e-9);
        gpuarb_pack_result_free(r);
    }
    gpuarb_pack_problem_free(p);

    /* with priority 1 on the 5-GPU job it goes first: 5 + 3 = 8, two placed */
    I.prio[0] = 1;
    p = build(f, &I);
    gpuarb_pack_result *r = solve(f, p, GPUARB_PACK_MIN_NODES, 10000);
    gpuarb_pack_summary s = summary(r);
    assert_int_equal(s.unplaced_count, 2);
    assert_true(gpuarb_pack_result_item_node(r, 0) >= 0);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
}

/* The same through a spec with `priority`, and its range error. */
static void priority_in_spec(void **state)
{
    fixture *f = *state;
    static const char spec[] = "nodes:\n"
                               "  - {name: n, gpus: 8, count: 1}\n"
                               "items:\n"
                               "  - {name: a, gpus: 5, priority: 3}\n"
                               "  - {name: b, gpus: 3, count: 2}\n"
                               "  - {name: c, gpus: 2}\n";
    gpuarb_pack_problem *p = NULL;
    assert_int_equal(gpuarb_pack_spec_parse(f->ctx, spec, sizeof spec - 1, "s", &p), GPUARB_OK);
    gpuarb_pack_result *r = solve(f, p, -1, 10000);
    assert_true(gpuarb_pack_result_item_node(r, 0) >= 0);
    assert_int_equal(summary(r).unplaced_count, 2);
    char *js = NULL;
    assert_int_equal(gpuarb_pack_result_to_json(f->ctx, r, &js), GPUARB_OK);
    assert_non_null(strstr(js, "\"clock_limited\": false"));
    gpuarb_free(js);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
    static const char bad[] = "nodes: [{gpus: 8}]\n"
                              "items: [{gpus: 1, priority: 1.5}]\n";
    p = NULL;
    gpuarb_status st = gpuarb_pack_spec_parse(f->ctx, bad, sizeof bad - 1, "s", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 2, 29, "expected an integer");
    assert_null(p);
    /* the API: first must be what add_item returned */
    assert_int_equal(gpuarb_pack_problem_create(f->ctx, &p), GPUARB_OK);
    assert_int_equal(gpuarb_pack_add_item(f->ctx, p, "x", 1, 0, 0, 3, NULL), GPUARB_OK);
    assert_int_equal(gpuarb_pack_set_item_priority(f->ctx, p, 1, 2), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_pack_set_item_priority(f->ctx, p, 0, 2), GPUARB_OK);
    gpuarb_pack_problem_free(p);
}

/* Random small cases with count limits and priorities against the brute
 * force. */
static void count_limits_vs_brute_force(void **state)
{
    fixture *f = *state;
    uint64_t x = 99;
    for (int c = 0; c < 120; c++) {
        inst I;
        memset(&I, 0, sizeof I);
        I.n = 3 + (int)(tu_rng_next(&x) % 5);
        I.nt = 1 + (int)(tu_rng_next(&x) % 2);
        for (int t = 0; t < I.nt; t++) {
            I.cap[t][0] = (double)(4 + tu_rng_next(&x) % 5);
            I.cap[t][1] = (double)(16 + tu_rng_next(&x) % 49);
            I.cap[t][2] = (double)(64 + tu_rng_next(&x) % 193);
            I.cost[t] = (double)(1 + tu_rng_next(&x) % 9);
            I.count[t] = (int64_t)(tu_rng_next(&x) % 3);
        }
        if (I.count[0] == 0)
            I.count[0] = 1;
        for (int i = 0; i < I.n; i++) {
            I.sz[i][0] = (double)(1 + tu_rng_next(&x) % (uint64_t)I.cap[0][0]);
            I.sz[i][1] = (double)(tu_rng_next(&x) % ((uint64_t)I.cap[0][1] + 1));
            I.sz[i][2] = (double)(tu_rng_next(&x) % ((uint64_t)I.cap[0][2] + 1));
            I.prio[i] = c % 3 == 0 ? 0 : (int)(tu_rng_next(&x) % 3);
        }
        int min_cost = c % 2;
        bf B;
        memset(&B, 0, sizeof B);
        B.I = &I;
        B.min_cost = min_cost;
        for (int t = 0; t < I.nt; t++)
            B.left[t] = (int)I.count[t];
        bf_go(&B, 0);
        gpuarb_pack_problem *p = build(f, &I);
        gpuarb_pack_result *r = solve(f, p, min_cost, 20000);
        gpuarb_pack_summary s = summary(r);
        check_feasible(r, &I);
        int pl[3];
        placed_by_prio(r, &I, pl);
        for (int l = 0; l < 3; l++)
            if (pl[l] != B.best_pl[l])
                fail_msg("case %d: placed %d at level %d, the brute force %d", c, pl[l], l,
                         B.best_pl[l]);
        assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
        if (min_cost) {
            assert_true(fabs(s.cost_per_hour - B.best_cost) < 1e-9);
            assert_true(s.cost_lower_bound <= s.cost_per_hour + 1e-9);
        } else {
            if (s.nodes_used != B.best_nn || fabs(s.cost_per_hour - B.best_cost) > 1e-9)
                fail_msg("case %d: %lld nodes at %g, the brute force %d at %g", c,
                         (long long)s.nodes_used, s.cost_per_hour, B.best_nn, B.best_cost);
        }
        assert_true(s.lower_bound <= s.nodes_used);
        gpuarb_pack_result_free(r);
        gpuarb_pack_problem_free(p);
    }
}

/* ---------------------------------------------------------------------
 * Dynamic programming over subsets: f[m] is the best packing of the item
 * set m, built by giving the lowest item of m a node with some subset S of
 * m (its cheapest type that holds S).  Exact for every objective here.
 * --------------------------------------------------------------------- */
static void subset_dp(const inst *I, int min_cost, int *nodes, double *cost)
{
    int n = I->n, N = 1 << n;
    double *cs = tu_alloc((size_t)N, sizeof *cs); /* cheapest type holding S; -1 none */
    double (*tot)[3] = tu_alloc((size_t)N, sizeof *tot);
    double *fc = tu_alloc((size_t)N, sizeof *fc);
    int *fn = tu_alloc((size_t)N, sizeof *fn);
    tot[0][0] = tot[0][1] = tot[0][2] = 0;
    for (int S = 1; S < N; S++) {
        int low = __builtin_ctz((unsigned)S);
        for (int d = 0; d < 3; d++)
            tot[S][d] = tot[S & (S - 1)][d] + I->sz[low][d];
        cs[S] = -1;
        for (int t = 0; t < I->nt; t++)
            if (tot[S][0] <= I->cap[t][0] && tot[S][1] <= I->cap[t][1] &&
                tot[S][2] <= I->cap[t][2] && (cs[S] < 0 || I->cost[t] < cs[S]))
                cs[S] = I->cost[t];
    }
    fc[0] = 0;
    fn[0] = 0;
    for (int m = 1; m < N; m++) {
        fc[m] = 1e300;
        fn[m] = 1 << 30;
        int lowbit = m & -m, rest = m ^ lowbit;
        for (int s = rest;; s = (s - 1) & rest) {
            int S = s | lowbit;
            if (cs[S] >= 0) {
                double c = fc[m ^ S] + cs[S];
                int k = fn[m ^ S] + 1;
                int better = min_cost ? (c < fc[m] - 1e-9 || (c < fc[m] + 1e-9 && k < fn[m]))
                                      : (k < fn[m] || (k == fn[m] && c < fc[m] - 1e-9));
                if (better) {
                    fc[m] = c;
                    fn[m] = k;
                }
            }
            if (s == 0)
                break;
        }
    }
    *nodes = fn[N - 1];
    *cost = fc[N - 1];
    free(cs);
    free(tot);
    free(fc);
    free(fn);
}

/* Random cases of 11-14 jobs with GPUs, CPUs and memory on 1-3 priced
 * node types (the shapes of p4d, g5.12xlarge and p5-class nodes), both
 * objectives, against the subset DP: branch and price must prove every
 * optimum. */
static void exact_vs_subset_dp(void **state)
{
    fixture *f = *state;
    uint64_t x = 2026;
    static const double shapes[3][4] = {
        {8, 96, 1152, 32.77},
        {4, 48, 192, 5.67},
        {8, 192, 2048, 98.32},
    };
    int worse = 0;
    for (int c = 0; c < 36; c++) {
        inst I;
        memset(&I, 0, sizeof I);
        I.n = 11 + c % 4;
        I.nt = 1 + c % 3;
        for (int t = 0; t < I.nt; t++) {
            int sh = (t + c / 3) % 3;
            for (int d = 0; d < 3; d++)
                I.cap[t][d] = shapes[sh][d];
            I.cost[t] = shapes[sh][3];
            I.count[t] = -1;
        }
        /* type 0 holds every job */
        for (int i = 0; i < I.n; i++) {
            static const double g[] = {1, 1, 2, 2, 2, 3, 4, 4};
            I.sz[i][0] = fmin(g[tu_rng_next(&x) % 8], I.cap[0][0]);
            I.sz[i][1] = (double)(4 + tu_rng_next(&x) % (uint64_t)(I.cap[0][1] / 2));
            I.sz[i][2] = (double)(16 + tu_rng_next(&x) % (uint64_t)(I.cap[0][2] / 2));
        }
        int min_cost = c % 2;
        int mn;
        double mc;
        subset_dp(&I, min_cost, &mn, &mc);
        gpuarb_pack_problem *p = build(f, &I);
        gpuarb_pack_result *r = solve(f, p, min_cost, 60000);
        gpuarb_pack_summary s = summary(r);
        check_feasible(r, &I);
        assert_int_equal(s.unplaced_count, 0);
        int off = min_cost ? s.cost_per_hour > mc + 1e-6
                           : s.nodes_used > mn ||
                                 (s.nodes_used == mn && s.cost_per_hour > mc + 1e-6);
        if (off) {
            print_message("case %d (n %d, %d types, %s): %lld nodes %g, optimum %d nodes %g\n",
                          c, I.n, I.nt, min_cost ? "min_cost" : "min_nodes",
                          (long long)s.nodes_used, s.cost_per_hour, mn, mc);
            worse++;
        }
        /* never better than the optimum, and bounds below it */
        assert_true(min_cost ? s.cost_per_hour >= mc - 1e-6 : s.nodes_used >= mn);
        assert_true(s.lower_bound <= (min_cost ? s.nodes_used : mn));
        assert_true(!min_cost || s.cost_lower_bound <= mc + 1e-6);
        if (!off)
            assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
        gpuarb_pack_result_free(r);
        gpuarb_pack_problem_free(p);
    }
    assert_int_equal(worse, 0);
}

/* Cut K full nodes of the largest type into about four items each, in
 * every dimension: the volume bound is K, and K nodes hold them. */
static void cut_nodes(inst *I, int K, uint64_t *x)
{
    int n = 0;
    for (int k = 0; k < K; k++) {
        int parts = 3 + (int)(tu_rng_next(x) % 3);
        if (n + parts > N_MAX)
            parts = N_MAX - n;
        for (int d = 0; d < 3; d++) {
            double left = I->cap[0][d];
            for (int q = 0; q < parts; q++) {
                double v = left;
                if (q + 1 < parts) {
                    double share = left / (parts - q);
                    v = floor(share * (0.5 + (double)(tu_rng_next(x) % 101) / 100));
                    if (v > left)
                        v = left;
                }
                I->sz[n + q][d] = v;
                left -= v;
            }
        }
        n += parts;
    }
    I->n = n;
}

static void known_optimum_by_construction(void **state)
{
    fixture *f = *state;
    uint64_t x = 7;
    for (int c = 0; c < 16; c++) {
        inst I;
        memset(&I, 0, sizeof I);
        I.nt = 1 + c % 3;
        /* type 0 is the largest in every dimension and the cheapest per
         * unit of each: K of it is optimal for both objectives */
        double base[3] = {8, 96, 1152};
        for (int t = 0; t < I.nt; t++) {
            double sc = t == 0 ? 1 : 0.5;
            for (int d = 0; d < 3; d++)
                I.cap[t][d] = base[d] * sc;
            I.cost[t] = t == 0 ? 32 : 17;
            I.count[t] = -1;
        }
        int K = 3 + c % 4;
        cut_nodes(&I, K, &x);
        gpuarb_pack_problem *p = build(f, &I);
        for (int obj = 0; obj < 2; obj++) {
            gpuarb_pack_result *r = solve(f, p, obj, 60000);
            gpuarb_pack_summary s = summary(r);
            check_feasible(r, &I);
            if (s.nodes_used != K || s.status != GPUARB_SOLVE_OPTIMAL)
                fail_msg("case %d (%d items, objective %d): %lld nodes, optimum %d", c, I.n,
                         obj, (long long)s.nodes_used, K);
            assert_true(fabs(s.cost_per_hour - 32.0 * K) < 1e-9);
            gpuarb_pack_result_free(r);
        }
        gpuarb_pack_problem_free(p);
    }
}

/* The new user: 18 jobs onto p4d-class nodes (8 GPUs, 96 vCPUs,
 * 1152 GB), three nodes' worth cut six ways each (by hand: every node's
 * six jobs add up to 8 / 96 / 1152 exactly).  Three nodes hold them. */
static void eighteen_jobs_three_p4d(void **state)
{
    fixture *f = *state;
    static const double jobs[18][3] = {
        {3, 10, 100}, {1, 30, 200}, {1, 20, 300}, {1, 6, 152}, {1, 20, 200}, {1, 10, 200},
        {2, 40, 100}, {2, 8, 400},  {1, 16, 100}, {1, 8, 300}, {1, 12, 152}, {1, 12, 100},
        {4, 6, 50},   {1, 30, 300}, {1, 10, 400}, {1, 20, 100}, {0, 20, 200}, {1, 10, 102},
    };
    inst I;
    memset(&I, 0, sizeof I);
    I.n = 18;
    I.nt = 1;
    I.cap[0][0] = 8, I.cap[0][1] = 96, I.cap[0][2] = 1152;
    I.cost[0] = 32.77;
    I.count[0] = -1;
    for (int i = 0; i < 18; i++)
        memcpy(I.sz[i], jobs[i], sizeof I.sz[i]);
    gpuarb_pack_problem *p = build(f, &I);
    gpuarb_pack_result *r = solve(f, p, GPUARB_PACK_MIN_NODES, 10000);
    gpuarb_pack_summary s = summary(r);
    check_feasible(r, &I);
    assert_int_equal(s.nodes_used, 3);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
}

/* One priced type under min_cost (issue 9's case 15 of
 * bench/pack_cbc_check.py): 23 jobs on p5-like nodes at $98.32.  CBC
 * proves 8 nodes, $786.56 (63 GPUs need ceil(63 / 8) = 8 nodes by hand).
 * Before prices were counted in whole units, the cost bound stayed at the
 * volume bound ($774.27) and the packing was left "feasible". */
static void one_price_min_cost_proven(void **state)
{
    fixture *f = *state;
    static const double jobs[23][3] = {
        {4, 69, 86},   {2, 87, 1002}, {1, 41, 202},  {2, 87, 150},  {2, 30, 30},
        {2, 83, 105},  {4, 37, 162},  {2, 74, 503},  {4, 10, 736},  {2, 72, 820},
        {4, 15, 512},  {1, 5, 862},   {4, 75, 199},  {4, 90, 381},  {2, 34, 353},
        {2, 68, 706},  {4, 39, 361},  {4, 15, 54},   {3, 13, 282},  {2, 64, 321},
        {3, 26, 1029}, {1, 21, 19},   {4, 15, 1035},
    };
    inst I;
    memset(&I, 0, sizeof I);
    I.n = 23;
    I.nt = 1;
    I.cap[0][0] = 8, I.cap[0][1] = 192, I.cap[0][2] = 2048;
    I.cost[0] = 98.32;
    I.count[0] = -1;
    for (int i = 0; i < 23; i++)
        memcpy(I.sz[i], jobs[i], sizeof I.sz[i]);
    gpuarb_pack_problem *p = build(f, &I);
    gpuarb_pack_result *r = solve(f, p, GPUARB_PACK_MIN_COST, 60000);
    gpuarb_pack_summary s = summary(r);
    check_feasible(r, &I);
    assert_int_equal(s.nodes_used, 8);
    assert_true(fabs(s.cost_per_hour - 786.56) < 1e-9);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    assert_true(s.cost_lower_bound <= 786.56 + 1e-9);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(count_limit_places_most),
        cmocka_unit_test(priority_in_spec),
        cmocka_unit_test(count_limits_vs_brute_force),
        cmocka_unit_test(eighteen_jobs_three_p4d),
        cmocka_unit_test(known_optimum_by_construction),
        cmocka_unit_test(exact_vs_subset_dp),
        cmocka_unit_test(one_price_min_cost_proven),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
