/*
 * test_pack_cg.c - one-dimensional column generation with its diving
 * heuristic (lib/pack/pack_cg.c).  Known answers: a brute force in this
 * file (depth-first search over bin assignments, up to 12 items), packings
 * whose optimum is known by construction (every bin cut into items that
 * fill it exactly, so the optimum is total / capacity), and one Hard28
 * instance solved to its published optimum (Belov's list in BPPLIB,
 * through GPUARB_SHARED; skipped, saying so, when absent).
 * Run from the repository root (make test does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "pack/pack.h"

/* the published optimum (BPPLIB optimal_bins.csv) */
#define HARD28_FILE "Hard28_BPP832.txt"
#define HARD28_OPT 60

static int cmp_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Brute force: can the weights w[k..n) go into the loads (nb bins open,
 * at most lim)?  Items in non-increasing order; an item goes into an open
 * bin or one new bin, and bins of equal load are tried once. */
static int fits(const int64_t *w, int n, int k, int64_t C, int64_t *load, int nb, int lim)
{
    if (k == n)
        return 1;
    for (int b = 0; b < nb; b++) {
        int seen = 0;
        for (int e = 0; e < b && !seen; e++)
            seen = load[e] == load[b];
        if (seen || load[b] + w[k] > C)
            continue;
        load[b] += w[k];
        int ok = fits(w, n, k + 1, C, load, nb, lim);
        load[b] -= w[k];
        if (ok)
            return 1;
    }
    if (nb < lim) {
        load[nb] = w[k];
        int ok = fits(w, n, k + 1, C, load, nb + 1, lim);
        load[nb] = 0;
        if (ok)
            return 1;
    }
    return 0;
}

static int brute_opt(const int64_t *w, int n, int64_t C)
{
    int64_t load[16] = {0};
    for (int lim = 1; lim <= n; lim++)
        if (fits(w, n, 0, C, load, 0, lim))
            return lim;
    return 0;
}

/* A packing is valid: every item in a bin 0..nbins-1, no bin over C, none
 * empty. */
static void check_packing(const int64_t *w, size_t n, int64_t C, const ga_bpp_sol *s)
{
    int64_t *load = tu_alloc((size_t)s->nbins + 1, sizeof *load);
    for (size_t i = 0; i < n; i++) {
        assert_true(s->bin[i] >= 0 && s->bin[i] < s->nbins);
        load[s->bin[i]] += w[i];
    }
    for (int64_t b = 0; b < s->nbins; b++)
        assert_true(load[b] > 0 && load[b] <= C);
    free(load);
}

/* Column generation from a first-fit-decreasing incumbent on small
 * random instances (items of 20-55 % of the capacity, where first fit
 * often wastes a bin): the bound never exceeds the brute-force optimum,
 * the packing is valid and never below it, and whenever the bound is the
 * optimum (the round-up property holds), the dive finds a packing that
 * reaches it. */
static void cg_vs_brute_force(void **state)
{
    (void)state;
    uint64_t x = 20261128;
    int closed = 0, ffd_over = 0;
    for (int t = 0; t < 300; t++) {
        int n = 8 + (int)(tu_rng_next(&x) % 5);
        int64_t C = 100 + (int64_t)(tu_rng_next(&x) % 50), w[16];
        for (int i = 0; i < n; i++)
            w[i] = C / 5 + (int64_t)(tu_rng_next(&x) % (uint64_t)(C * 35 / 100));
        qsort(w, (size_t)n, sizeof *w, cmp_desc);
        ga_bpp p = {w, (size_t)n, C, 0};
        for (int i = 0; i < n; i++)
            p.total += w[i];
        int opt = brute_opt(w, n, C);
        int32_t bin[16];
        ga_bpp_sol s = {bin, 0};
        assert_int_equal(ga_bpp_ffd(&p, &s), 0);
        if (s.nbins == opt)
            continue;
        ffd_over++;
        ga_budget bu;
        ga_budget_init(&bu, 0, 100000000);
        int64_t lb = ga_bpp_cg(&p, &bu, 1e9, &s);
        assert_true(lb >= 0 && lb <= opt);
        check_packing(w, (size_t)n, C, &s);
        assert_true(s.nbins >= opt);
        if (lb == opt) {
            assert_int_equal(s.nbins, opt);
            closed++;
        }
    }
    /* the generator makes the cases this test is about */
    assert_true(ffd_over >= 20);
    assert_true(closed >= 10);
}

/* Bins of capacity 1000 cut into 3-5 items that fill each exactly, in a
 * fixed shuffled order: the optimum is the number of bins by construction
 * (the items' total is that many full bins).  Auto must find and prove it
 * from the work budget (the clock limit is only a distant safety net). */
static void cut_bins_to_optimum(void **state)
{
    fixture *f = *state;
    uint64_t x = 77;
    for (int t = 0; t < 4; t++) {
        const int bins = 40 + 10 * t;
        const int64_t C = 1000;
        int64_t w[400];
        int n = 0;
        for (int b = 0; b < bins; b++) {
            int k = 3 + (int)(tu_rng_next(&x) % 3);
            int64_t left = C;
            for (int j = 0; j < k - 1; j++) {
                /* leave at least 120 per item still to come */
                int64_t room = left - 120 * (k - 1 - j);
                int64_t v = 120 + (int64_t)(tu_rng_next(&x) % (uint64_t)(room - 119));
                if (v > room)
                    v = room;
                w[n++] = v;
                left -= v;
            }
            w[n++] = left;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int)(tu_rng_next(&x) % (uint64_t)(i + 1));
            int64_t tmp = w[i];
            w[i] = w[j];
            w[j] = tmp;
        }
        char *text = tu_alloc((size_t)n * 8 + 32, 1);
        size_t len = (size_t)snprintf(text, 32, "%d\n%lld\n", n, (long long)C);
        for (int i = 0; i < n; i++)
            len += (size_t)snprintf(text + len, 8, "%lld\n", (long long)w[i]);
        gpuarb_pack_problem *p = NULL;
        assert_int_equal(gpuarb_pack_bpp_parse(f->ctx, text, len, "cut", &p), GPUARB_OK);
        free(text);
        gpuarb_pack_opts o;
        gpuarb_pack_opts_init(&o);
        o.algorithm = GPUARB_PACK_AUTO;
        o.time_limit_ms = 60000;
        gpuarb_pack_result *r = NULL;
        assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_OK);
        gpuarb_pack_summary s;
        memset(&s, 0, sizeof s);
        s.size = sizeof s;
        assert_int_equal(gpuarb_pack_result_summary(r, &s), GPUARB_OK);
        assert_int_equal(s.nodes_used, bins);
        assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
        gpuarb_pack_result_free(r);
        gpuarb_pack_problem_free(p);
    }
}

/* A Hard28 instance to its published optimum (BPPLIB optimal_bins.csv),
 * proven. */
static void hard28_instance(void **state)
{
    fixture *f = *state;
    char path[4096];
    tu_shared_path(path, sizeof path,
                   "binpacking_bpplib/instances/Hard28/" HARD28_FILE);
    gpuarb_pack_problem *p = NULL;
    assert_int_equal(gpuarb_pack_bpp_load(f->ctx, path, &p), GPUARB_OK);
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.algorithm = GPUARB_PACK_AUTO;
    o.time_limit_ms = 60000;
    gpuarb_pack_result *r = NULL;
    assert_int_equal(gpuarb_pack_solve(f->ctx, p, &o, &r), GPUARB_OK);
    gpuarb_pack_summary s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    assert_int_equal(gpuarb_pack_result_summary(r, &s), GPUARB_OK);
    assert_int_equal(s.nodes_used, HARD28_OPT);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cg_vs_brute_force),
        cmocka_unit_test(cut_bins_to_optimum),
        cmocka_unit_test(hard28_instance),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
