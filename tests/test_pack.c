/*
 * test_pack.c - the packing module (lib/pack*.c).  Known answers come from
 * hand computations (written next to each case), from a brute force inside
 * this file (dynamic programming over subsets, for instances of up to 12
 * items), and from BPPLIB's published optima (../shared/data, through
 * GPUARB_SHARED; skipped when absent).  Data-driven invalid inputs live in
 * tests/data/invalid/pack/<case>/ (input.bpp, spec.yaml or spec.json, and
 * an `expect` file: status name, line, column, message fragment, optional
 * key path with "(none)" for ""); their lines and columns were counted by
 * hand.  tests/data/valid/pack/<case>/ holds a spec as YAML and as JSON,
 * written independently, that must give the same packing.
 * Run from the repository root (make test does).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "io/doc.h"
#include "pack/pack.h"

#define INVALID_DIR "tests/data/invalid/pack"
#define VALID_DIR "tests/data/valid/pack"

/* ---------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */
static int cmp_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static ga_bpp make_bpp(int64_t *w, size_t n, int64_t C)
{
    qsort(w, n, sizeof *w, cmp_desc);
    ga_bpp p = {w, n, C, 0};
    for (size_t i = 0; i < n; i++)
        p.total += w[i];
    return p;
}

/* Brute force: fewest bins for n <= 14 weights, by dynamic programming
 * over subsets: best[mask] = (bins, load of the last open bin), adding
 * items one at a time in any order (the classic exact recurrence). */
static int brute_bins(const int64_t *w, int n, int64_t C)
{
    int N = 1 << n;
    int *bins = tu_alloc((size_t)N, sizeof *bins);
    int64_t *load = tu_alloc((size_t)N, sizeof *load);
    bins[0] = 1;
    load[0] = 0;
    for (int m = 1; m < N; m++) {
        bins[m] = 1 << 30;
        load[m] = 0;
        for (int i = 0; i < n; i++) {
            if (!(m >> i & 1))
                continue;
            int pm = m ^ (1 << i), b = bins[pm];
            int64_t l = load[pm];
            if (l + w[i] <= C) {
                l += w[i];
            } else {
                b++;
                l = w[i];
            }
            if (b < bins[m] || (b == bins[m] && l < load[m])) {
                bins[m] = b;
                load[m] = l;
            }
        }
    }
    int r = n ? bins[N - 1] : 0;
    free(bins);
    free(load);
    return r;
}

/* Brute force for vector packing with node types: cheapest (min_cost) or
 * fewest (min_nodes, ties cheaper) nodes, by dynamic programming over
 * subsets: cover the lowest unpacked item with a subset S that fits one
 * node of some type.  Returns the optimum in *nodes and *cost. */
static void brute_vec(const double (*sz)[3], int n, const double (*cap)[3], const double *cost,
                      int nt, int min_cost, int *nodes, double *best_cost)
{
    int N = 1 << n;
    double *fc = tu_alloc((size_t)N, sizeof *fc);
    int *fn = tu_alloc((size_t)N, sizeof *fn);
    fc[0] = 0;
    fn[0] = 0;
    for (int m = 1; m < N; m++) {
        fc[m] = 1e300;
        fn[m] = 1 << 30;
        int low = 0;
        while (!(m >> low & 1))
            low++;
        int rest = m & ~(1 << low);
        /* every subset of rest, plus low */
        for (int s = rest;; s = (s - 1) & rest) {
            int S = s | (1 << low);
            double tot[3] = {0, 0, 0};
            for (int i = 0; i < n; i++)
                if (S >> i & 1)
                    for (int d = 0; d < 3; d++)
                        tot[d] += sz[i][d];
            for (int t = 0; t < nt; t++) {
                if (tot[0] > cap[t][0] || tot[1] > cap[t][1] || tot[2] > cap[t][2])
                    continue;
                double c = fc[m ^ S] + cost[t];
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
    *best_cost = fc[N - 1];
    free(fc);
    free(fn);
}

/* Solve a BPP instance given as weights through the public API. */
static gpuarb_pack_result *solve_weights(fixture *f, const int64_t *w, int n, int64_t C,
                                         int32_t algo, double limit_ms)
{
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_printf(&b, "%d\n%lld\n", n, (long long)C);
    for (int i = 0; i < n; i++)
        ga_sb_printf(&b, "%lld\n", (long long)w[i]);
    gpuarb_pack_problem *p = NULL;
    assert_int_equal(gpuarb_pack_bpp_parse(f->ctx, b.s, b.len, "gen", &p), GPUARB_OK);
    ga_sb_free(&b);
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.algorithm = algo;
    o.time_limit_ms = limit_ms;
    gpuarb_pack_result *r = NULL;
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_OK);
    gpuarb_pack_problem_free(p);
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

/* Every item on exactly one node, no node over capacity C (1D). */
static void check_bpp_packing(const gpuarb_pack_result *r, const int64_t *w, int n, int64_t C)
{
    gpuarb_pack_summary s = summary(r);
    assert_int_equal(s.unplaced_count, 0);
    int64_t *load = tu_alloc((size_t)s.nodes_used + 1, sizeof *load);
    int *seen = tu_alloc((size_t)n + 1, sizeof *seen);
    for (int64_t k = 0; k < s.nodes_used; k++) {
        gpuarb_pack_node nd;
        assert_int_equal(gpuarb_pack_result_node(r, k, &nd), GPUARB_OK);
        assert_true(nd.item_count >= 1);
        for (int64_t t = 0; t < nd.item_count; t++) {
            int64_t j = gpuarb_pack_result_node_item(r, k, t);
            assert_true(j >= 0 && j < n);
            seen[j]++;
            load[k] += w[j];
            assert_int_equal(gpuarb_pack_result_item_node(r, j), k);
        }
        assert_true(load[k] <= C);
        assert_true(nd.size == (double)load[k]);
    }
    for (int j = 0; j < n; j++)
        assert_int_equal(seen[j], 1);
    free(load);
    free(seen);
}

/* ---------------------------------------------------------------------
 * Lower bounds on hand-checked cases
 * --------------------------------------------------------------------- */
static void bounds_by_hand(void **state)
{
    (void)state;
    int oom = 0;
    /* C = 100, {60, 60, 60, 50}: L1 = ceil(230/100) = 3.  L2 with K = 50:
     * J1 = {w > 50} = the three 60s, J2 = {}, J3 = {50}: 3 + ceil((50 -
     * 0)/100) = 4.  Optimum 4: no two items share a bin. */
    int64_t a[] = {60, 50, 60, 60};
    ga_bpp pa = make_bpp(a, 4, 100);
    assert_int_equal(ga_bpp_l1(&pa), 3);
    assert_int_equal(ga_bpp_l2(&pa), 4);
    assert_int_equal(ga_bpp_lower_bound(&pa, &oom), 4);

    /* C = 10, {6, 6, 6, 4, 4, 4}: L1 = 3; L2 = 3 (K = 4: J2 = three 6s,
     * J3 = three 4s = 12, 12 - (30 - 18) = 0).  Optimum 3 ({6,4} x 3). */
    int64_t b[] = {6, 4, 6, 4, 6, 4};
    ga_bpp pb = make_bpp(b, 6, 10);
    assert_int_equal(ga_bpp_l1(&pb), 3);
    assert_int_equal(ga_bpp_l2(&pb), 3);

    /* C = 100, seven items of 26: three fit a bin (78), four do not (104),
     * so the optimum is ceil(7/3) = 3.  L1 = ceil(182/100) = 2 and L2 = 2
     * (every item is in J3).  The Fekete-Schepers function u^(3) maps 0.26
     * to floor(4 * 0.26)/3 = 1/3, so the bound is ceil(7/3) = 3. */
    int64_t c[] = {26, 26, 26, 26, 26, 26, 26};
    ga_bpp pc = make_bpp(c, 7, 100);
    assert_int_equal(ga_bpp_l1(&pc), 2);
    assert_int_equal(ga_bpp_l2(&pc), 2);
    assert_int_equal(ga_bpp_ldff(&pc, 3), 3);
    assert_int_equal(ga_bpp_lower_bound(&pc, &oom), 3);

    /* Reduction, C = 10, {9, 8, 2, 1}: 9 with the 1 fills a bin exactly,
     * as does 8 with the 2: two bins fixed, everything placed. */
    int64_t d[] = {9, 8, 2, 1};
    ga_bpp pd = make_bpp(d, 4, 10);
    int32_t fixed[4];
    assert_int_equal(ga_bpp_reduce(&pd, fixed), 2);
    assert_int_equal(fixed[0], fixed[3]); /* 9 and 1 */
    assert_int_equal(fixed[1], fixed[2]); /* 8 and 2 */

    /* Column generation on the seven 26s: patterns hold at most 3 items,
     * so the LP optimum is 7/3 and its ceiling 3. */
    ga_budget bu;
    ga_budget_init(&bu, 0, 100000000);
    assert_int_equal(ga_bpp_cg(&pc, &bu, 1e18, NULL), 3);
    assert_int_equal(oom, 0);
}

/* A random one-dimensional case drawn from *x: n in [n0, n0 + nspan),
 * capacity *C in [c0, c0 + cspan), then each weight in [1, C]; with mixed,
 * two in three weights are at most C / 2 + 1.  Returns n (at most 15). */
static int random_weights(uint64_t *x, int n0, int nspan, int64_t c0, int64_t cspan, int mixed,
                          int64_t *w, int64_t *C)
{
    int n = n0 + (int)(tu_rng_next(x) % (uint64_t)nspan);
    *C = c0 + (int64_t)(tu_rng_next(x) % (uint64_t)cspan);
    for (int i = 0; i < n; i++) {
        int64_t hi = *C;
        if (mixed && tu_rng_next(x) % 3)
            hi = *C / 2 + 1;
        w[i] = 1 + (int64_t)(tu_rng_next(x) % (uint64_t)hi);
    }
    return n;
}

/* Every bound is at most the brute-force optimum; on random small cases. */
static void bounds_below_optimum(void **state)
{
    (void)state;
    uint64_t x = 0x1234567;
    for (int t = 0; t < 400; t++) {
        int64_t C, w[16];
        int n = random_weights(&x, 1, 12, 10, 90, 0, w, &C);
        ga_bpp p = make_bpp(w, (size_t)n, C);
        int opt = brute_bins(w, n, C), oom = 0;
        assert_true(ga_bpp_l1(&p) <= opt);
        assert_true(ga_bpp_l2(&p) <= opt);
        assert_true(ga_bpp_ldff(&p, 20) <= opt);
        assert_true(ga_bpp_lower_bound(&p, &oom) <= opt);
        ga_budget bu;
        ga_budget_init(&bu, 0, 100000000);
        assert_true(ga_bpp_cg(&p, &bu, 1e18, NULL) <= opt);
    }
}

/* ---------------------------------------------------------------------
 * Algorithms against the brute force
 * --------------------------------------------------------------------- */
static void algorithms_vs_brute_force(void **state)
{
    fixture *f = *state;
    uint64_t x = 0xfeedbeef;
    const int32_t algos[] = {GPUARB_PACK_FFD, GPUARB_PACK_BFD, GPUARB_PACK_LOCAL,
                             GPUARB_PACK_AUTO, GPUARB_PACK_EXACT};
    int exact_hits = 0, cases = 0;
    for (int t = 0; t < 150; t++) {
        /* mixes of large and small items make the cases non-trivial */
        int64_t C, w[16];
        int n = random_weights(&x, 2, 11, 20, 80, 1, w, &C);
        int opt = brute_bins(w, n, C);
        cases++;
        for (size_t a = 0; a < sizeof algos / sizeof *algos; a++) {
            gpuarb_pack_result *r = solve_weights(f, w, n, C, algos[a], 10000);
            gpuarb_pack_summary s = summary(r);
            check_bpp_packing(r, w, n, C);
            assert_true(s.nodes_used >= opt);
            assert_true(s.lower_bound <= opt);
            if (s.status == GPUARB_SOLVE_OPTIMAL)
                assert_int_equal(s.nodes_used, opt);
            /* auto and exact prove every case this small */
            if (algos[a] == GPUARB_PACK_AUTO || algos[a] == GPUARB_PACK_EXACT) {
                assert_int_equal(s.nodes_used, opt);
                assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
                exact_hits++;
            }
            gpuarb_pack_result_free(r);
        }
    }
    assert_int_equal(exact_hits, 2 * cases);
}

/* Minimum bin slack and the local search on their own: feasible, never
 * below the optimum, and the search reaches it on these small cases. */
static void heuristics_direct(void **state)
{
    (void)state;
    uint64_t x = 99;
    for (int t = 0; t < 200; t++) {
        int64_t C, w[16];
        int n = random_weights(&x, 3, 10, 30, 70, 0, w, &C);
        ga_bpp p = make_bpp(w, (size_t)n, C);
        int opt = brute_bins(w, n, C);
        int32_t bin[16];
        ga_bpp_sol s = {bin, 0};
        ga_budget bu;
        ga_budget_init(&bu, 0, 10000000);
        assert_int_equal(ga_bpp_mbs(&p, &s, &bu), 0);
        assert_true(s.nbins >= opt);
        assert_int_equal(ga_bpp_ffd(&p, &s), 0);
        assert_int_equal(ga_bpp_improve(&p, &s, opt, (uint64_t)t, &bu), 0);
        int64_t load[16] = {0};
        for (int i = 0; i < n; i++) {
            assert_true(bin[i] >= 0 && bin[i] < s.nbins);
            load[bin[i]] += w[i];
        }
        for (int64_t k = 0; k < s.nbins; k++)
            assert_true(load[k] > 0 && load[k] <= C);
        assert_int_equal(s.nbins, opt);
    }
}

/* ---------------------------------------------------------------------
 * BPPLIB sample against the published optima
 * --------------------------------------------------------------------- */
static void bpplib_sample(void **state)
{
    fixture *f = *state;
    char path[1024];
    tu_shared_path(path, sizeof path, "binpacking_bpplib/optimal_bins.csv");
    /* the instance paths in the manifest are relative to its folder */
    int dir_len = (int)(strrchr(path, '/') - path);
    char *text = tu_slurp(path, NULL), *save = NULL;
    assert_non_null(strtok_r(text, "\n", &save)); /* the header */
    int row = 0, tested = 0;
    for (char *line; (line = strtok_r(NULL, "\n", &save)) != NULL;) {
        row++;
        /* every 45th instance outside Hard28: a spread over all sets */
        if (row % 45 != 1 || strstr(line, "Hard28"))
            continue;
        char *fld[10], *fsave = NULL;
        int k = 0;
        for (char *p = strtok_r(line, ",\r", &fsave); p && k < 10;
             p = strtok_r(NULL, ",\r", &fsave))
            fld[k++] = p;
        assert_int_equal(k, 10);
        long opt = atol(fld[9]);
        char file[2600];
        snprintf(file, sizeof file, "%.*s/%s", dir_len, path, fld[2]);
        gpuarb_pack_problem *p = NULL;
        assert_int_equal(gpuarb_pack_bpp_load(f->ctx, file, &p), GPUARB_OK);
        assert_int_equal(gpuarb_pack_problem_item_count(p), atol(fld[3]));
        gpuarb_pack_opts o;
        gpuarb_pack_opts_init(&o);
        o.time_limit_ms = 60000; /* generous: the work budget decides */
        gpuarb_pack_result *r = NULL;
        assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_OK);
        gpuarb_pack_summary s = summary(r);
        if (s.nodes_used != opt || s.status != GPUARB_SOLVE_OPTIMAL)
            print_error("%s: %lld bins (bound %lld), published optimum %ld\n", fld[0],
                        (long long)s.nodes_used, (long long)s.lower_bound, opt);
        assert_int_equal(s.nodes_used, opt);
        assert_true(s.lower_bound <= opt);
        assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
        /* FFD never beats the optimum either */
        gpuarb_pack_result_free(r);
        o.algorithm = GPUARB_PACK_FFD;
        assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_OK);
        assert_true(summary(r).nodes_used >= opt);
        gpuarb_pack_result_free(r);
        gpuarb_pack_problem_free(p);
        tested++;
    }
    free(text);
    assert_true(tested >= 30);
}

/* An empty problem, and node types and items added to it that must be
 * accepted (the argument lists are gpuarb_pack_add_node_type's and
 * gpuarb_pack_add_item's). */
static gpuarb_pack_problem *new_problem(fixture *f)
{
    gpuarb_pack_problem *p = NULL;
    assert_int_equal(gpuarb_pack_problem_create(f->ctx, &p), GPUARB_OK);
    return p;
}

static void add_type(fixture *f, gpuarb_pack_problem *p, const char *name, double gpus,
                     double cpus, double memory_gb, double cost_hour, int64_t count,
                     int32_t *index)
{
    gpuarb_status st =
        gpuarb_pack_add_node_type(f->ctx, p, name, gpus, cpus, memory_gb, cost_hour, count, index);
    if (st != GPUARB_OK)
        fail_msg("node type %s: %s", name ? name : "(unnamed)", gpuarb_errfull(f->ctx));
}

static void add_item(fixture *f, gpuarb_pack_problem *p, const char *name, double gpus,
                     double cpus, double memory_gb, int64_t count, int64_t *first)
{
    gpuarb_status st =
        gpuarb_pack_add_item(f->ctx, p, name, gpus, cpus, memory_gb, count, first);
    if (st != GPUARB_OK)
        fail_msg("item %s: %s", name ? name : "(unnamed)", gpuarb_errfull(f->ctx));
}

/* ---------------------------------------------------------------------
 * Multi-dimensional packing
 * --------------------------------------------------------------------- */
static gpuarb_pack_result *solve_prob(fixture *f, gpuarb_pack_problem *p, int32_t objective,
                                      int32_t algo)
{
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.objective = objective;
    o.algorithm = algo;
    o.time_limit_ms = 20000;
    gpuarb_pack_result *r = NULL;
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_OK);
    return r;
}

static void gpus_fit_cpus_do_not(void **state)
{
    fixture *f = *state;
    gpuarb_pack_problem *p = new_problem(f);
    add_type(f, p, "n", 8, 16, 100, -1, -1, NULL);
    /* four jobs of 2 GPUs and 8 CPUs: 8 GPUs fit one node, but 32 CPUs need
     * two nodes of 16: the optimum is 2, two jobs per node */
    add_item(f, p, "job", 2, 8, 10, 4, NULL);
    gpuarb_pack_result *r = solve_prob(f, p, GPUARB_PACK_MIN_NODES, GPUARB_PACK_AUTO);
    gpuarb_pack_summary s = summary(r);
    assert_int_equal(s.nodes_used, 2);
    assert_int_equal(s.lower_bound, 2);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    for (int64_t k = 0; k < 2; k++) {
        gpuarb_pack_node nd;
        assert_int_equal(gpuarb_pack_result_node(r, k, &nd), GPUARB_OK);
        assert_int_equal(nd.item_count, 2);
        assert_true(nd.gpus == 4 && nd.cpus == 16 && nd.memory_gb == 20);
    }
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);

    /* memory binds: 3 jobs of 1 GPU and 40 GB on nodes of 8 GPUs and 64 GB:
     * one job per node, 3 nodes */
    assert_int_equal(gpuarb_pack_problem_create(f->ctx, &p), GPUARB_OK);
    add_type(f, p, "n", 8, 64, 64, -1, -1, NULL);
    add_item(f, p, "m", 1, 1, 40, 3, NULL);
    r = solve_prob(f, p, GPUARB_PACK_MIN_NODES, GPUARB_PACK_FFD);
    s = summary(r);
    assert_int_equal(s.nodes_used, 3);
    assert_int_equal(s.lower_bound, 3);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
}

/* Random two- and three-dimensional cases against the brute force. */
static void vector_vs_brute_force(void **state)
{
    fixture *f = *state;
    uint64_t x = 4242;
    for (int t = 0; t < 60; t++) {
        int n = 2 + (int)(tu_rng_next(&x) % 8), nt = 1 + (int)(tu_rng_next(&x) % 3);
        int min_cost = t % 2;
        double sz[16][3], cap[4][3], cost[4];
        gpuarb_pack_problem *p = new_problem(f);
        for (int k = 0; k < nt; k++) {
            cap[k][0] = (double)(2 + tu_rng_next(&x) % 7);
            cap[k][1] = (double)(8 + tu_rng_next(&x) % 57);
            cap[k][2] = (double)(16 + tu_rng_next(&x) % 240);
            cost[k] = (double)(1 + tu_rng_next(&x) % 20);
            add_type(f, p, NULL, cap[k][0], cap[k][1], cap[k][2], cost[k], -1, NULL);
        }
        for (int i = 0; i < n; i++) {
            /* every item fits type 0 */
            sz[i][0] = (double)(tu_rng_next(&x) % ((uint64_t)cap[0][0] + 1));
            sz[i][1] = (double)(tu_rng_next(&x) % ((uint64_t)cap[0][1] + 1));
            sz[i][2] = (double)(tu_rng_next(&x) % ((uint64_t)cap[0][2] + 1));
            add_item(f, p, NULL, sz[i][0], sz[i][1], sz[i][2], 1, NULL);
        }
        int bn;
        double bc;
        brute_vec((const double(*)[3])sz, n, (const double(*)[3])cap, cost, nt, min_cost, &bn,
                  &bc);
        for (int a = 0; a < 2; a++) {
            int32_t algo = a ? GPUARB_PACK_AUTO : GPUARB_PACK_FFD;
            gpuarb_pack_result *r =
                solve_prob(f, p, min_cost ? GPUARB_PACK_MIN_COST : GPUARB_PACK_MIN_NODES, algo);
            gpuarb_pack_summary s = summary(r);
            assert_int_equal(s.unplaced_count, 0);
            /* feasibility of every node against its type */
            for (int64_t k = 0; k < s.nodes_used; k++) {
                gpuarb_pack_node nd;
                assert_int_equal(gpuarb_pack_result_node(r, k, &nd), GPUARB_OK);
                assert_true(nd.gpus <= cap[nd.type_index][0] && nd.cpus <= cap[nd.type_index][1] &&
                            nd.memory_gb <= cap[nd.type_index][2]);
            }
            assert_true(s.lower_bound <= bn || min_cost);
            if (min_cost) {
                assert_true(s.cost_per_hour >= bc - 1e-9);
                assert_true(s.cost_lower_bound <= bc + 1e-9);
            } else {
                assert_true(s.nodes_used >= bn);
                assert_true(s.lower_bound <= bn);
            }
            if (algo == GPUARB_PACK_AUTO) {
                /* small enough for the exact search: optimal */
                assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
                if (min_cost)
                    assert_true(s.cost_per_hour <= bc + 1e-9);
                else
                    assert_int_equal(s.nodes_used, bn);
            }
            gpuarb_pack_result_free(r);
        }
        gpuarb_pack_problem_free(p);
    }
}

static void min_cost_mix(void **state)
{
    fixture *f = *state;
    /* big: 8 GPUs at 6/h; small: 2 GPUs at 2/h; ten 1-GPU jobs.  All big:
     * 2 x 6 = 12.  All small: 5 x 2 = 10.  One big + one small: 8 + 2 GPUs
     * = 10 for 6 + 2 = 8, the cheapest (hand enumeration of (big, small)
     * counts covering 10 GPUs).  min_nodes instead takes 2 nodes. */
    gpuarb_pack_problem *p = new_problem(f);
    int32_t big, small;
    add_type(f, p, "big", 8, -1, -1, 6, -1, &big);
    add_type(f, p, "small", 2, -1, -1, 2, -1, &small);
    add_item(f, p, "j", 1, 0, 0, 10, NULL);
    gpuarb_pack_result *r = solve_prob(f, p, GPUARB_PACK_MIN_COST, GPUARB_PACK_AUTO);
    gpuarb_pack_summary s = summary(r);
    assert_true(s.cost_per_hour == 8.0);
    assert_int_equal(s.nodes_used, 2);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    int nbig = 0, nsmall = 0;
    for (int64_t k = 0; k < s.nodes_used; k++) {
        gpuarb_pack_node nd;
        assert_int_equal(gpuarb_pack_result_node(r, k, &nd), GPUARB_OK);
        nbig += nd.type_index == big;
        nsmall += nd.type_index == small;
    }
    assert_int_equal(nbig, 1);
    assert_int_equal(nsmall, 1);
    gpuarb_pack_result_free(r);
    r = solve_prob(f, p, GPUARB_PACK_MIN_NODES, GPUARB_PACK_AUTO);
    s = summary(r);
    assert_int_equal(s.nodes_used, 2); /* ceil(10 / 8) */
    assert_int_equal(s.lower_bound, 2);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
}

static void unplaced_items(void **state)
{
    fixture *f = *state;
    gpuarb_pack_problem *p = new_problem(f);
    add_type(f, p, "gpu8", 8, 4, 512, 10, -1, NULL);
    add_type(f, p, "cpu64", 1, 64, 256, 3, -1, NULL);
    int64_t first;
    add_item(f, p, "ok", 2, 2, 16, 2, &first);
    assert_int_equal(first, 0);
    /* 16 GPUs: more than any type has */
    add_item(f, p, "huge", 16, 1, 1, 1, &first);
    assert_int_equal(first, 2);
    /* 4 GPUs and 32 CPUs: each fits one type's limit, no type both */
    add_item(f, p, "odd", 4, 32, 1, 1, NULL);
    gpuarb_pack_result *r = solve_prob(f, p, GPUARB_PACK_MIN_NODES, GPUARB_PACK_AUTO);
    gpuarb_pack_summary s = summary(r);
    assert_int_equal(s.item_count, 4);
    assert_int_equal(s.unplaced_count, 2);
    assert_int_equal(s.nodes_used, 1); /* the two "ok" jobs share a gpu8 node */
    int64_t item = -1;
    const char *why = gpuarb_pack_result_unplaced(r, 0, &item);
    assert_int_equal(item, 2);
    assert_non_null(strstr(why, "needs 16 gpus"));
    why = gpuarb_pack_result_unplaced(r, 1, &item);
    assert_int_equal(item, 3);
    assert_non_null(strstr(why, "no single type"));
    assert_int_equal(gpuarb_pack_result_item_node(r, 2), -1);
    assert_null(gpuarb_pack_result_unplaced(r, 2, &item));
    char name[32];
    assert_int_equal(gpuarb_pack_result_item_name(r, 1, name, sizeof name), 4);
    assert_string_equal(name, "ok#1");
    assert_int_equal(gpuarb_pack_result_item_name(r, 2, name, sizeof name), 4);
    assert_string_equal(name, "huge");
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);

    /* count limits: one node of 2 GPUs for three 1-GPU jobs */
    assert_int_equal(gpuarb_pack_problem_create(f->ctx, &p), GPUARB_OK);
    add_type(f, p, "only", 2, -1, -1, 1, 1, NULL);
    add_item(f, p, "j", 1, 0, 0, 3, NULL);
    r = solve_prob(f, p, GPUARB_PACK_MIN_NODES, GPUARB_PACK_AUTO);
    s = summary(r);
    assert_int_equal(s.nodes_used, 1);
    assert_int_equal(s.unplaced_count, 1);
    assert_non_null(strstr(gpuarb_pack_result_unplaced(r, 0, NULL), "count limits"));
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
}

/* ---------------------------------------------------------------------
 * Input
 * --------------------------------------------------------------------- */
/* An input.bpp through the BPP reader, a spec through the spec reader; from
 * memory under the source name "mem" when text is given. */
static gpuarb_status load_pack(gpuarb_ctx *ctx, const char *input, const char *text, size_t len,
                               int *made)
{
    size_t n = strlen(input);
    int bpp = n >= 4 && strcmp(input + n - 4, ".bpp") == 0;
    gpuarb_pack_problem *p = NULL;
    gpuarb_status st;
    if (text)
        st = bpp ? gpuarb_pack_bpp_parse(ctx, text, len, "mem", &p)
                 : gpuarb_pack_spec_parse(ctx, text, len, "mem", &p);
    else
        st = bpp ? gpuarb_pack_bpp_load(ctx, input, &p) : gpuarb_pack_spec_load(ctx, input, &p);
    *made = p != NULL;
    gpuarb_pack_problem_free(p);
    return st;
}

static void invalid_cases(void **state)
{
    fixture *f = *state;
    static const char *const inputs[] = {"input.bpp", "spec.yaml", "spec.json", NULL};
    const tu_invalid_kind kind = {INVALID_DIR, inputs, 35, load_pack, 1};
    tu_run_invalid(f->ctx, &kind);
}

/* JSON of a result with the solve_ms value cut out, for comparisons. */
static char *json_without_time(fixture *f, const gpuarb_pack_result *r)
{
    char *js = NULL;
    assert_int_equal(gpuarb_pack_result_to_json(f->ctx, r, &js), GPUARB_OK);
    char *at = strstr(js, "\"solve_ms\": ");
    assert_non_null(at);
    char *end = strchr(at, ',');
    assert_non_null(end);
    memmove(at, end, strlen(end) + 1);
    return js;
}

static void yaml_and_json_pack_alike(void *user, const char *name, const char *y,
                                     const char *j)
{
    fixture *f = user;
    (void)name;
    gpuarb_pack_problem *py = NULL, *pj = NULL;
    if (gpuarb_pack_spec_load(f->ctx, y, &py) != GPUARB_OK)
        fail_msg("%s: %s", y, gpuarb_errfull(f->ctx));
    if (gpuarb_pack_spec_load(f->ctx, j, &pj) != GPUARB_OK)
        fail_msg("%s: %s", j, gpuarb_errfull(f->ctx));
    gpuarb_pack_result *ry = NULL, *rj = NULL;
    assert_int_equal(gpuarb_pack_solve(f->ctx, py, NULL, &ry), GPUARB_OK);
    assert_int_equal(gpuarb_pack_solve(f->ctx, pj, NULL, &rj), GPUARB_OK);
    char *a = json_without_time(f, ry), *b = json_without_time(f, rj);
    assert_string_equal(a, b);
    gpuarb_free(a);
    gpuarb_free(b);
    gpuarb_pack_result_free(ry);
    gpuarb_pack_result_free(rj);
    gpuarb_pack_problem_free(py);
    gpuarb_pack_problem_free(pj);
}

static void valid_cases(void **state)
{
    tu_each_yaml_json_case(VALID_DIR, 2, yaml_and_json_pack_alike, *state);
}

/* The SPEC example and the mixed case, by hand. */
static void spec_examples(void **state)
{
    fixture *f = *state;
    gpuarb_pack_problem *p = NULL;
    assert_int_equal(gpuarb_pack_spec_load(f->ctx, VALID_DIR "/example/spec.yaml", &p),
                     GPUARB_OK);
    assert_int_equal(gpuarb_pack_problem_item_count(p), 3);
    gpuarb_pack_result *r = NULL;
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, NULL, &r), GPUARB_OK);
    /* three jobs of 2 GPUs, 8 CPUs, 64 GB on one p4d: 6/8 GPUs, 24/96 CPUs,
     * 192/1152 GB, one node at 32.77/h */
    gpuarb_pack_summary s = summary(r);
    assert_int_equal(s.nodes_used, 1);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    assert_true(s.cost_per_hour == 32.77);
    gpuarb_pack_node nd;
    assert_int_equal(gpuarb_pack_result_node(r, 0, &nd), GPUARB_OK);
    assert_string_equal(nd.type, "p4d");
    assert_true(nd.gpus == 6 && nd.cpus == 24 && nd.memory_gb == 192);
    /* the JSON has the SPEC fields, and items by name */
    char *js = NULL;
    assert_int_equal(gpuarb_pack_result_to_json(f->ctx, r, &js), GPUARB_OK);
    ga_doc doc;
    assert_int_equal(ga_doc_parse_json(f->ctx, js, strlen(js), "out", &doc), GPUARB_OK);
    const char *keys[] = {"status", "nodes_used", "cost_per_hour", "lower_bound", "nodes",
                          "unplaced", "solve_ms"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        assert_non_null(ga_doc_get(doc.root, keys[k]));
    assert_string_equal(ga_doc_get(doc.root, "status")->str, "optimal");
    const ga_doc_node *nodes = ga_doc_get(doc.root, "nodes");
    assert_int_equal(nodes->n, 1);
    const ga_doc_node *items = ga_doc_get(nodes->items[0], "items");
    assert_int_equal(items->n, 3);
    assert_string_equal(items->items[0]->str, "train#0");
    assert_string_equal(items->items[2]->str, "train#2");
    const ga_doc_node *used = ga_doc_get(nodes->items[0], "used");
    assert_true(ga_doc_get(used, "memory_gb")->number == 192);
    ga_doc_free(&doc);
    gpuarb_free(js);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);

    /* mixed: pretrain (8 GPUs) needs the a100x8 (14/h) and fills its GPUs;
     * the four 1-GPU inference jobs go two by two on l4x2 (1.5/h each):
     * 17/h on 3 nodes; a second a100x8 instead would cost 28 */
    assert_int_equal(gpuarb_pack_spec_load(f->ctx, VALID_DIR "/mixed/spec.yaml", &p), GPUARB_OK);
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, NULL, &r), GPUARB_OK);
    s = summary(r);
    assert_int_equal(s.objective, GPUARB_PACK_MIN_COST);
    assert_true(s.cost_per_hour == 17.0);
    assert_int_equal(s.nodes_used, 3);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
}

static void bpp_text_forms(void **state)
{
    fixture *f = *state;
    /* CRLF, blank lines, spaces around numbers; C = 10, {6, 4, 5, 5}: two
     * full bins */
    const char *t = "4\r\n10\r\n\r\n 6 \r\n4\r\n5\r\n5\r\n";
    gpuarb_pack_problem *p = NULL;
    assert_int_equal(gpuarb_pack_bpp_parse(f->ctx, t, strlen(t), NULL, &p), GPUARB_OK);
    assert_int_equal(gpuarb_pack_problem_item_count(p), 4);
    assert_int_equal(gpuarb_pack_problem_type_count(p), 1);
    gpuarb_pack_result *r = NULL;
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, NULL, &r), GPUARB_OK);
    gpuarb_pack_summary s = summary(r);
    assert_int_equal(s.nodes_used, 2);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    char name[8];
    assert_int_equal(gpuarb_pack_result_item_name(r, 3, name, sizeof name), 1);
    assert_string_equal(name, "3");
    /* items are named by index in the JSON; used carries "size" */
    char *js = NULL;
    assert_int_equal(gpuarb_pack_result_to_json(f->ctx, r, &js), GPUARB_OK);
    assert_non_null(strstr(js, "\"items\": [\"0\", \"1\"]"));
    assert_non_null(strstr(js, "\"used\": {\"size\": 10.0}"));
    gpuarb_free(js);
    char *tab = NULL;
    assert_int_equal(gpuarb_pack_result_to_table(f->ctx, r, &tab), GPUARB_OK);
    assert_non_null(strstr(tab, "status optimal"));
    gpuarb_free(tab);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
    /* zero weights are allowed and ride along; no items at all gives an
     * empty packing */
    static const struct {
        const char *text;
        int64_t nodes;
    } edge[] = {{"3\n10\n0\n0\n10\n", 1}, {"0\n10\n", 0}};
    for (size_t k = 0; k < sizeof edge / sizeof edge[0]; k++) {
        const char *z = edge[k].text;
        assert_int_equal(gpuarb_pack_bpp_parse(f->ctx, z, strlen(z), NULL, &p), GPUARB_OK);
        assert_int_equal(gpuarb_pack_solve(f->ctx, p, NULL, &r), GPUARB_OK);
        assert_int_equal(summary(r).nodes_used, edge[k].nodes);
        gpuarb_pack_result_free(r);
        gpuarb_pack_problem_free(p);
    }
}

/* Same input, same packing, including a case the local search works on. */
static void deterministic(void **state)
{
    fixture *f = *state;
    int64_t w[300];
    uint64_t x = 777;
    for (int i = 0; i < 300; i++)
        w[i] = 150 + (int64_t)(tu_rng_next(&x) % 351); /* "uniform" items, C = 1000 */
    char *first = NULL;
    for (int rep = 0; rep < 2; rep++) {
        gpuarb_pack_result *r = solve_weights(f, w, 300, 1000, GPUARB_PACK_AUTO, 30000);
        check_bpp_packing(r, w, 300, 1000);
        char *js = json_without_time(f, r);
        if (rep == 0)
            first = js;
        else {
            assert_string_equal(first, js);
            gpuarb_free(js);
        }
        gpuarb_pack_result_free(r);
    }
    gpuarb_free(first);
}

/* ---------------------------------------------------------------------
 * Issue 14: limits that bound the solve
 * --------------------------------------------------------------------- */

/* The subset fill against a brute force over every subset, on multisets
 * with many repeated weights and many items too large for the room (the
 * cases its binary searches skip over). */
static void subset_fill_vs_brute_force(void **state)
{
    (void)state;
    uint64_t x = 0x5eed;
    for (int t = 0; t < 300; t++) {
        int m = 1 + (int)(tu_rng_next(&x) % 14);
        int64_t R = 5 + (int64_t)(tu_rng_next(&x) % 60), w[16], suf[17];
        for (int i = 0; i < m; i++)
            w[i] = 1 + (int64_t)(tu_rng_next(&x) % 4) * (1 + (int64_t)(tu_rng_next(&x) % 25));
        qsort(w, (size_t)m, sizeof *w, cmp_desc);
        suf[m] = 0;
        for (int i = m; i-- > 0;)
            suf[i] = suf[i + 1] + w[i];
        int64_t best = 0;
        for (int mask = 0; mask < 1 << m; mask++) {
            int64_t sum = 0;
            for (int i = 0; i < m; i++)
                if (mask >> i & 1)
                    sum += w[i];
            if (sum <= R && sum > best)
                best = sum;
        }
        size_t cur[16], pick[16];
        int64_t nodes = 0;
        size_t k = ga_subset_fill(w, suf, (size_t)m, R, 0, cur, pick, 1000000, &nodes);
        int64_t sum = 0;
        for (size_t j = 0; j < k; j++) {
            assert_true(pick[j] < (size_t)m);
            assert_true(j == 0 || pick[j] > pick[j - 1]); /* each item once */
            sum += w[pick[j]];
        }
        assert_int_equal(sum, best);
    }
}

/* Minimum bin slack spends at most a quarter of the work budget it is
 * given on its searches (plus what a greedy fill of each bin costs: at
 * most 7 nodes here, weights being over a fifth of the capacity, and an
 * eighth of the items left, for the bookkeeping) and still packs every
 * item.  Before issue 14 it searched until the whole budget was gone. */
static void mbs_spends_its_share(void **state)
{
    (void)state;
    enum { N = 600 };
    int64_t w[N];
    uint64_t x = 0xb1a5;
    for (int i = 0; i < N; i++)
        w[i] = 200000 + (int64_t)(tu_rng_next(&x) % 150001); /* 20-35 % of 10^6 */
    ga_bpp p = make_bpp(w, N, 1000000);
    int32_t bin[N];
    ga_bpp_sol s = {bin, 0};
    const int64_t T = 2000000;
    ga_budget bu;
    ga_budget_init(&bu, 0, T); /* no clock: the ticks alone decide */
    assert_int_equal(ga_bpp_mbs(&p, &s, &bu), 0);
    int64_t spent = T - bu.ticks_left, allowance = 0;
    for (int64_t left = N; left > 0; left -= 2)
        allowance += 7 + left / 8 + 1; /* a bin takes at least 2 of these items */
    assert_true(spent <= T / 4 + allowance);
    assert_false(bu.stopped);
    int64_t load[N] = {0};
    for (int i = 0; i < N; i++) {
        assert_true(bin[i] >= 0 && bin[i] < s.nbins);
        load[bin[i]] += w[i];
    }
    for (int64_t k = 0; k < s.nbins; k++)
        assert_true(load[k] > 0 && load[k] <= 1000000);
    /* never below the continuous bound */
    assert_true(s.nbins >= ga_bpp_l1(&p));
}

/* A time limit of infinity, 1e300 or DBL_MAX is "none" (the ms-to-ticks
 * conversion overflowed: UBSan reported it, and the run stopped at once);
 * NaN and negatives other than -1 are misuse.  The instance is
 * {5,4,4,3,2,2} in bins of 10: 2 bins by hand ({5,3,2}, {4,4,2}); first
 * fit decreasing takes 3. */
static void time_limit_none_and_invalid(void **state)
{
    fixture *f = *state;
    const char *t = "6\n10\n5\n4\n4\n3\n2\n2\n";
    gpuarb_pack_problem *p = NULL;
    assert_int_equal(gpuarb_pack_bpp_parse(f->ctx, t, strlen(t), NULL, &p), GPUARB_OK);
    const double none[] = {INFINITY, 1e300, DBL_MAX, 1e9, 0};
    for (size_t k = 0; k < sizeof none / sizeof *none; k++) {
        gpuarb_pack_opts o;
        gpuarb_pack_opts_init(&o);
        o.time_limit_ms = none[k];
        gpuarb_pack_result *r = NULL;
        assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_OK);
        gpuarb_pack_summary s = summary(r);
        assert_int_equal(s.nodes_used, 2);
        assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
        assert_int_equal(s.clock_limited, 0);
        gpuarb_pack_result_free(r);
    }
    const double bad[] = {NAN, -INFINITY, -2, -0.5};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        gpuarb_pack_opts o;
        gpuarb_pack_opts_init(&o);
        o.time_limit_ms = bad[k];
        gpuarb_pack_result *r = NULL;
        tu_assert_error(f->ctx, gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_ERR_ARG, 0, 0,
                        "opts.time_limit_ms must be -1");
        assert_null(r);
        gpuarb_pack_opts_init(&o);
        o.memory_limit_mib = bad[k];
        tu_assert_error(f->ctx, gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_ERR_ARG, 0, 0,
                        "opts.memory_limit_mib must be -1");
        assert_null(r);
    }
    gpuarb_pack_problem_free(p);
}

/* A 100-byte spec that asks for 20,000,000 items is stopped before any
 * work, at the count that asked for them (line 4, column 33, counted by
 * hand), against the default budget of 2048 MiB; the spec's and the
 * call's memory_limit_mib set the budget, and 0 means none. */
static void memory_budget_at_the_count(void **state)
{
    fixture *f = *state;
    const char *big = "nodes:\n"
                      "  - {name: p4d, gpus: 8}\n"
                      "items:\n"
                      "  - {name: job, gpus: 1, count: 20000000}\n";
    gpuarb_pack_problem *p = NULL;
    gpuarb_pack_result *r = NULL;
    assert_int_equal(gpuarb_pack_spec_parse(f->ctx, big, strlen(big), "big.yaml", &p),
                     GPUARB_OK);
    tu_assert_error(f->ctx, gpuarb_pack_solve(f->ctx, p, NULL, &r), GPUARB_ERR_LIMIT, 4, 33,
                    "past the memory budget of 2048 MiB");
    assert_null(r);
    assert_string_equal(gpuarb_errsource(f->ctx), "big.yaml");
    assert_string_equal(gpuarb_errpath(f->ctx), "items[0].count");
    gpuarb_pack_problem_free(p);

    /* 100,000 items on line 5 (column 31) under the spec's budget of 1 MiB;
     * the call's budget overrides the spec's */
    const char *small = "memory_limit_mib: 1\n"
                        "nodes:\n"
                        "  - {name: p4d, gpus: 8}\n"
                        "items:\n"
                        "  - {name: b, gpus: 2, count: 100000}\n";
    assert_int_equal(gpuarb_pack_spec_parse(f->ctx, small, strlen(small), "small.yaml", &p),
                     GPUARB_OK);
    tu_assert_error(f->ctx, gpuarb_pack_solve(f->ctx, p, NULL, &r), GPUARB_ERR_LIMIT, 5, 31,
                    "past the memory budget of 1 MiB (the spec's memory_limit_mib)");
    assert_null(r);
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.memory_limit_mib = 0; /* none */
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_OK);
    /* 4 items of 2 GPUs fill a node of 8: 25,000 nodes by hand */
    assert_int_equal(summary(r).nodes_used, 25000);
    gpuarb_pack_result_free(r);
    r = NULL;
    o.memory_limit_mib = 0.5;
    tu_assert_error(f->ctx, gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_ERR_LIMIT, 5, 31,
                    "(the call's memory_limit_mib)");
    gpuarb_pack_problem_free(p);
}

static void api_misuse(void **state)
{
    fixture *f = *state;
    gpuarb_pack_problem *p = NULL;
    gpuarb_pack_result *r = NULL;
    assert_int_equal(gpuarb_pack_problem_create(f->ctx, NULL), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_pack_solve(f->ctx, NULL, NULL, &r), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_pack_problem_create(f->ctx, &p), GPUARB_OK);
    /* no room anywhere, negative size, zero count */
    assert_int_equal(gpuarb_pack_add_node_type(f->ctx, p, "z", 0, 0, 0, 1, -1, NULL),
                     GPUARB_ERR_INPUT);
    assert_int_equal(gpuarb_pack_add_item(f->ctx, p, "neg", -1, 0, 0, 1, NULL),
                     GPUARB_ERR_INPUT);
    assert_int_equal(gpuarb_pack_add_item(f->ctx, p, "none", 1, 0, 0, 0, NULL),
                     GPUARB_ERR_INPUT);
    add_type(f, p, "a", 8, -1, -1, -1, -1, NULL);
    assert_int_equal(gpuarb_pack_add_node_type(f->ctx, p, "a", 4, -1, -1, -1, -1, NULL),
                     GPUARB_ERR_INPUT);
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.size = 8; /* an older, smaller struct */
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_ERR_ARG);
    gpuarb_pack_opts_init(&o);
    o.algorithm = 99;
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_ERR_ARG);
    gpuarb_pack_summary s;
    s.size = 4;
    assert_int_equal(gpuarb_pack_result_summary(NULL, &s), GPUARB_ERR_ARG);
    gpuarb_pack_problem_free(p);
    const char *t = "1\n10\n3\n";
    assert_int_equal(gpuarb_pack_bpp_parse(f->ctx, t, strlen(t), NULL, &p), GPUARB_OK);
    assert_int_equal(gpuarb_pack_add_item(f->ctx, p, "x", 1, 0, 0, 1, NULL), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, NULL, &r), GPUARB_OK);
    gpuarb_pack_node nd;
    assert_int_equal(gpuarb_pack_result_node(r, 5, &nd), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_pack_result_node_item(r, 0, 7), -1);
    assert_int_equal(gpuarb_pack_result_item_name(r, 9, NULL, 0), -1);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
    gpuarb_pack_problem_free(NULL);
    gpuarb_pack_result_free(NULL);
    assert_int_equal(gpuarb_pack_spec_load(f->ctx, "tests/data/no-such-pack.yaml", &p),
                     GPUARB_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bounds_by_hand),
        cmocka_unit_test(bounds_below_optimum),
        cmocka_unit_test(algorithms_vs_brute_force),
        cmocka_unit_test(heuristics_direct),
        cmocka_unit_test(bpplib_sample),
        cmocka_unit_test(gpus_fit_cpus_do_not),
        cmocka_unit_test(vector_vs_brute_force),
        cmocka_unit_test(min_cost_mix),
        cmocka_unit_test(unplaced_items),
        cmocka_unit_test(invalid_cases),
        cmocka_unit_test(valid_cases),
        cmocka_unit_test(spec_examples),
        cmocka_unit_test(bpp_text_forms),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(api_misuse),
        cmocka_unit_test(subset_fill_vs_brute_force),
        cmocka_unit_test(mbs_spends_its_share),
        cmocka_unit_test(time_limit_none_and_invalid),
        cmocka_unit_test(memory_budget_at_the_count),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
