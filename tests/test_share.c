/*
 * test_share.c - fractional-GPU placement: the incremental placer's
 * capacity, memory, CPU and GPU-model limits, FGD's choice on a case
 * computed by hand from the paper's fragmentation measure, and the replay
 * (a tiny trace counted by hand, bad rows with their position, and on the
 * real openb traces the lower bound holds for every policy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static gpuarb_share_pod pod(int32_t gpus, double frac, double cpus, double mem,
                            const char *models)
{
    gpuarb_share_pod p;
    gpuarb_share_pod_init(&p);
    p.gpus = gpus;
    p.gpu_fraction = frac;
    p.cpus = cpus;
    p.memory_gb = mem;
    p.models = models;
    return p;
}

static int32_t place(gpuarb_ctx *ctx, gpuarb_share_cluster *cl, gpuarb_share_pod p,
                     uint64_t *mask, const char **why)
{
    int32_t node = -2;
    assert_int_equal(gpuarb_share_place(ctx, cl, &p, &node, mask, why), GPUARB_OK);
    return node;
}

/* One T4 node, 2 GPUs: 0.5 -> GPU0; 0.6 -> GPU1 (GPU0 has 0.5 left); 0.5 ->
 * GPU0 (best fit); then 0.5 fits nowhere (0.4 left on GPU1). */
static void shares_fill_gpus_by_fraction(void **state)
{
    fixture *f = *state;
    gpuarb_share_cluster *cl = NULL;
    assert_int_equal(gpuarb_share_cluster_create(f->ctx, GPUARB_SHARE_BESTFIT, 1, &cl), 0);
    assert_int_equal(gpuarb_share_add_node(f->ctx, cl, "T4", 2, 16, 64, NULL), GPUARB_OK);
    uint64_t m;
    const char *why;
    assert_int_equal(place(f->ctx, cl, pod(1, 0.5, 1, 1, NULL), &m, &why), 0);
    assert_int_equal(m, 1);
    assert_int_equal(place(f->ctx, cl, pod(1, 0.6, 1, 1, NULL), &m, &why), 0);
    assert_int_equal(m, 2);
    assert_int_equal(place(f->ctx, cl, pod(1, 0.5, 1, 1, NULL), &m, &why), 0);
    assert_int_equal(m, 1);
    assert_int_equal(place(f->ctx, cl, pod(1, 0.5, 1, 1, NULL), &m, &why), -1);
    assert_non_null(strstr(why, "share"));
    assert_int_equal(place(f->ctx, cl, pod(1, 0.4, 1, 1, NULL), &m, &why), 0);
    assert_int_equal(m, 2);
    gpuarb_share_cluster_free(cl);
}

static void cpu_memory_and_models_limit(void **state)
{
    fixture *f = *state;
    gpuarb_share_cluster *cl = NULL;
    assert_int_equal(gpuarb_share_cluster_create(f->ctx, GPUARB_SHARE_FGD, 1, &cl), 0);
    int32_t idx = -1;
    assert_int_equal(gpuarb_share_add_node(f->ctx, cl, "T4", 4, 8, 32, &idx), GPUARB_OK);
    assert_int_equal(idx, 0);
    uint64_t m;
    const char *why;
    /* more CPU than the node has */
    assert_int_equal(place(f->ctx, cl, pod(1, 1, 9, 1, NULL), &m, &why), -1);
    assert_non_null(strstr(why, "CPU"));
    /* more memory than it has */
    assert_int_equal(place(f->ctx, cl, pod(1, 1, 1, 33, NULL), &m, &why), -1);
    assert_non_null(strstr(why, "memory"));
    /* a model the cluster lacks, then a node of it */
    assert_int_equal(place(f->ctx, cl, pod(1, 0.5, 1, 1, "V100M16|V100M32"), &m, &why), -1);
    assert_non_null(strstr(why, "model"));
    assert_int_equal(gpuarb_share_add_node(f->ctx, cl, "V100M32", 8, 8, 32, &idx), GPUARB_OK);
    assert_int_equal(place(f->ctx, cl, pod(1, 0.5, 1, 1, "V100M16|V100M32"), &m, &why), 1);
    /* whole GPUs: 4 on the T4 node, then 4 more only on the V100 node */
    assert_int_equal(place(f->ctx, cl, pod(4, 1, 1, 1, "T4"), &m, &why), 0);
    assert_int_equal(m, 0xf);
    assert_int_equal(place(f->ctx, cl, pod(1, 0.1, 1, 1, "T4"), &m, &why), -1);
    assert_int_equal(place(f->ctx, cl, pod(8, 1, 1, 1, NULL), &m, &why), -1); /* 7.5 free */
    assert_int_equal(place(f->ctx, cl, pod(7, 1, 1, 1, NULL), &m, &why), 1);
    /* invalid pods */
    gpuarb_share_pod bad = pod(2, 0.5, 1, 1, NULL);
    int32_t node;
    assert_int_equal(gpuarb_share_place(f->ctx, cl, &bad, &node, &m, &why), GPUARB_ERR_ARG);
    bad = pod(1, 1.5, 1, 1, NULL);
    assert_int_equal(gpuarb_share_place(f->ctx, cl, &bad, &node, &m, &why), GPUARB_ERR_ARG);
    gpuarb_share_cluster_free(cl);
}

/* FGD by hand.  Target workload: pods of 0.5 GPU.  Two nodes of 2 GPUs.
 * Pod 1 (0.3): every choice gives frag 0 (700 >= 500) -> node 0, GPU 0.
 * Pod 2 (0.3): GPU 0 of node 0 would leave 400 < 500 (frag +400); GPU 1 of
 * node 0 or any of node 1 leaves frag 0 -> node 0, GPU 1 (lowest index).
 * Best fit instead takes GPU 0 (the least free that fits). */
static void fgd_avoids_the_fragment_best_fit_makes(void **state)
{
    fixture *f = *state;
    for (int pol = 0; pol < 2; pol++) {
        gpuarb_share_cluster *cl = NULL;
        assert_int_equal(gpuarb_share_cluster_create(
                             f->ctx, pol ? GPUARB_SHARE_BESTFIT : GPUARB_SHARE_FGD, 1, &cl),
                         0);
        for (int i = 0; i < 2; i++)
            assert_int_equal(gpuarb_share_add_node(f->ctx, cl, "G2", 2, 8, 32, NULL), 0);
        gpuarb_share_pod t = pod(1, 0.5, 1, 1, NULL);
        assert_int_equal(gpuarb_share_add_target(f->ctx, cl, &t), GPUARB_OK);
        uint64_t m;
        const char *why;
        assert_int_equal(place(f->ctx, cl, pod(1, 0.3, 1, 1, NULL), &m, &why), 0);
        assert_int_equal(m, 1);
        assert_int_equal(place(f->ctx, cl, pod(1, 0.3, 1, 1, NULL), &m, &why), 0);
        assert_int_equal(m, pol ? 1 : 2);
        gpuarb_share_cluster_free(cl);
    }
}

/* ---- FGD against a brute force of the paper's measure ----
 * F_n(m): all of node n's free GPU when class m cannot run there (model,
 * CPU, too little GPU; CPU-only classes can never use it), else the free GPU
 * on the GPUs that cannot hold m's per-GPU request; F_n(M) weights the
 * classes by popularity.  Every pod must go to a node and GPU(s) whose
 * growth of F is the least over all feasible choices, computed here from
 * scratch at every step, whatever the placer caches. */
#define BF_NODES 7
#define BF_GPUS 8

typedef struct bf_node {
    int ngpu, model; /* model 0 "A", 1 "B" */
    int gfree[BF_GPUS];
    long cpu;        /* milli-cores free */
} bf_node;

typedef struct bf_cls {
    int k, milli, model; /* model -1: any */
    long cpu;
    double w;
} bf_cls;

static double bf_frag(const bf_node *n, const int *gfree, long cpu, const bf_cls *cls, int ncls)
{
    double f = 0, wsum = 0;
    int S = 0, full = 0, maxg = 0;
    for (int g = 0; g < n->ngpu; g++) {
        S += gfree[g];
        full += gfree[g] == 1000;
        maxg = gfree[g] > maxg ? gfree[g] : maxg;
    }
    for (int c = 0; c < ncls; c++) {
        const bf_cls *m = &cls[c];
        wsum += m->w;
        int runs = m->k > 0 && (m->model < 0 || m->model == n->model) && cpu >= m->cpu &&
                   (m->milli < 1000 ? maxg >= m->milli : full >= m->k);
        double x = 0;
        if (!runs)
            x = S;
        else
            for (int g = 0; g < n->ngpu; g++)
                x += gfree[g] < m->milli ? gfree[g] : 0;
        f += m->w * x;
    }
    return wsum > 0 ? f / wsum : 0;
}

static uint32_t bf_rand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void fgd_matches_brute_force(void **state)
{
    fixture *f = *state;
    static const int NG[BF_NODES] = {2, 4, 8, 8, 4, 1, 8};
    static const int CPU[BF_NODES] = {16, 32, 96, 64, 24, 8, 96};
    static const int MILLI[] = {200, 300, 500, 700, 1000, 1000, 1000};
    static const int KS[] = {1, 2, 4, 8};
    static const int CPUS[] = {1, 2, 4, 8, 16};
    for (int learned = 0; learned < 2; learned++) {
        gpuarb_share_cluster *cl = NULL;
        assert_int_equal(gpuarb_share_cluster_create(f->ctx, GPUARB_SHARE_FGD, 1, &cl), 0);
        bf_node nd[BF_NODES];
        for (int i = 0; i < BF_NODES; i++) {
            memset(&nd[i], 0, sizeof nd[i]);
            nd[i].ngpu = NG[i];
            nd[i].model = i % 3 == 2;
            nd[i].cpu = CPU[i] * 1000L;
            for (int g = 0; g < NG[i]; g++)
                nd[i].gfree[g] = 1000;
            assert_int_equal(gpuarb_share_add_node(f->ctx, cl, nd[i].model ? "B" : "A", NG[i],
                                                   CPU[i], 10000, NULL),
                             0);
        }
        bf_cls cls[200];
        int ncls = 0;
        uint32_t seed = 12345u + (uint32_t)learned;
        int placed = 0;
        for (int step = 0; step < 160; step++) {
            /* a random pod: CPU-only, a share, or 1-8 whole GPUs */
            int kind = (int)(bf_rand(&seed) % 10), k, milli;
            if (kind == 0) {
                k = 0;
                milli = 0;
            } else {
                milli = MILLI[bf_rand(&seed) % 7];
                k = milli < 1000 ? 1 : KS[bf_rand(&seed) % 4];
            }
            long cpu = CPUS[bf_rand(&seed) % 5] * 1000L;
            int model = bf_rand(&seed) % 4 == 0 ? 0 : -1;
            gpuarb_share_pod p = pod(k, k ? milli / 1000.0 : 1, (double)cpu / 1000, 1,
                                     model == 0 ? "A" : NULL);
            /* the target: fixed classes first (explicit), or each pod
             * adding itself before it is placed (learned) */
            if (!learned && step == 0) {
                for (int c = 0; c < 12; c++) {
                    int cm = MILLI[c % 7], ck = cm < 1000 ? 1 : KS[c % 4];
                    if (c == 11)
                        ck = cm = 0;
                    bf_cls x = {ck, cm, c % 5 == 0 ? 0 : -1, (long)CPUS[c % 5] * 1000, 1 + c % 3};
                    cls[ncls++] = x;
                    gpuarb_share_pod t = pod(ck, ck ? cm / 1000.0 : 1, (double)x.cpu / 1000, 1,
                                             x.model == 0 ? "A" : NULL);
                    for (int r = 0; r < (int)x.w; r++)
                        assert_int_equal(gpuarb_share_add_target(f->ctx, cl, &t), GPUARB_OK);
                }
            }
            if (learned) {
                int c = 0;
                while (c < ncls && !(cls[c].k == k && cls[c].milli == milli &&
                                     cls[c].cpu == cpu && cls[c].model == model))
                    c++;
                if (c == ncls) {
                    bf_cls x = {k, milli, model, cpu, 0};
                    cls[ncls++] = x;
                }
                cls[c].w += 1;
            }
            /* brute force: the least growth over every feasible choice */
            double dmin = 1e300;
            for (int i = 0; i < BF_NODES; i++) {
                const bf_node *n = &nd[i];
                if (n->cpu < cpu || (k && model >= 0 && model != n->model) || n->ngpu < k)
                    continue;
                double before = bf_frag(n, n->gfree, n->cpu, cls, ncls);
                int g2[BF_GPUS];
                memcpy(g2, n->gfree, sizeof g2);
                if (k == 0 || milli == 1000) {
                    int got = 0;
                    for (int g = 0; g < n->ngpu && got < k; g++)
                        if (g2[g] == 1000) {
                            g2[g] = 0;
                            got++;
                        }
                    if (got < k)
                        continue;
                    double d = bf_frag(n, g2, n->cpu - cpu, cls, ncls) - before;
                    dmin = d < dmin ? d : dmin;
                    continue;
                }
                for (int g = 0; g < n->ngpu; g++) {
                    if (n->gfree[g] < milli)
                        continue;
                    g2[g] -= milli;
                    double d = bf_frag(n, g2, n->cpu - cpu, cls, ncls) - before;
                    dmin = d < dmin ? d : dmin;
                    g2[g] += milli;
                }
            }
            uint64_t m = 0;
            const char *why = NULL;
            int32_t at = place(f->ctx, cl, p, &m, &why);
            if (dmin == 1e300) {
                assert_int_equal(at, -1);
                continue;
            }
            assert_true(at >= 0 && at < BF_NODES);
            bf_node *n = &nd[at];
            int g2[BF_GPUS];
            memcpy(g2, n->gfree, sizeof g2);
            int taken = 0;
            for (int g = 0; g < BF_GPUS; g++) {
                if (!((m >> g) & 1u))
                    continue;
                assert_true(g < n->ngpu && g2[g] >= milli);
                g2[g] -= milli;
                taken++;
            }
            assert_int_equal(taken, k);
            double d = bf_frag(n, g2, n->cpu - cpu, cls, ncls) -
                       bf_frag(n, n->gfree, n->cpu, cls, ncls);
            assert_true(d <= dmin + 1e-6);
            memcpy(n->gfree, g2, sizeof g2);
            n->cpu -= cpu;
            placed++;
        }
        assert_true(placed > 40); /* the cluster filled up along the way */
        gpuarb_share_cluster_free(cl);
    }
}

static double level(const char *json, const char *key, const char *lvl)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": {", key);
    const char *p = strstr(json, pat);
    assert_non_null(p);
    snprintf(pat, sizeof pat, "\"%s\": ", lvl);
    p = strstr(p, pat);
    assert_non_null(p);
    return strtod(p + strlen(pat), NULL);
}

/* 1 node x 2 GPUs, 2 whole-GPU pods = 100 %; tune 1.3 resamples to 3 pods
 * (3 GPUs >= 2.6): 2 placed, 1 skipped, nothing unallocated at any level. */
static void replay_tiny_trace(void **state)
{
    fixture *f = *state;
    char *json = NULL;
    assert_int_equal(gpuarb_share_replay(f->ctx, "tests/data/mig/nodes_small.csv",
                                         "tests/data/mig/pods_small.csv", GPUARB_SHARE_FGD, 42,
                                         1.3, &json),
                     GPUARB_OK);
    assert_non_null(strstr(json, "\"pods\": 3"));
    assert_non_null(strstr(json, "\"placed\": 2"));
    assert_non_null(strstr(json, "\"failed\": 1"));
    assert_true(level(json, "unallocated_gpu_pct", "80") == 0);
    assert_true(level(json, "unallocated_gpu_pct", "130") == 0);
    gpuarb_free(json);
}

static void replay_bad_row_has_its_position(void **state)
{
    fixture *f = *state;
    char *json = NULL;
    gpuarb_status st = gpuarb_share_replay(f->ctx, "tests/data/mig/nodes_small.csv",
                                           "tests/data/mig/pods_bad.csv", GPUARB_SHARE_FGD, 42,
                                           1.3, &json);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 3, 16, "0 to 1000");
    assert_string_equal(gpuarb_errpath(f->ctx), "gpu_milli");
    assert_null(json);
}

/* The real traces: every policy leaves at least the bound unallocated, the
 * offline reference is no worse than the online runs it includes, and fgd
 * beats random at 100 % (the paper's Figure 7 ordering). */
static void replay_openb_respects_the_bound(void **state)
{
    fixture *f = *state;
    char nodes[1024], pods[1024];
    tu_shared_path(nodes, sizeof nodes, "alibaba_gpu_v2023_openb/openb_node_list_gpu_node.csv");
    tu_shared_path(pods, sizeof pods, "alibaba_gpu_v2023_openb/openb_pod_list_default.csv");
    char *off = NULL;
    assert_int_equal(gpuarb_share_replay(f->ctx, nodes, pods, GPUARB_SHARE_OFFLINE, 42, 1.3, &off),
                     GPUARB_OK);
    const char *lv[] = {"80", "90", "100", "110", "120", "130"};
    double v100[GPUARB_SHARE_AUTO + 1];
    for (int p = GPUARB_SHARE_RANDOM; p <= GPUARB_SHARE_FGD; p++) {
        char *json = NULL;
        assert_int_equal(gpuarb_share_replay(f->ctx, nodes, pods, p, 42, 1.3, &json), GPUARB_OK);
        for (int l = 0; l < 6; l++) {
            double v = level(json, "unallocated_gpu_pct", lv[l]);
            assert_true(v >= level(off, "lower_bound_pct", lv[l]) - 1e-9);
            /* the offline reference contains the online fgd and packing runs */
            if (p == GPUARB_SHARE_FGD || p == GPUARB_SHARE_PACKING)
                assert_true(level(off, "unallocated_gpu_pct", lv[l]) <= v + 1e-9);
        }
        v100[p] = level(json, "unallocated_gpu_pct", "100");
        gpuarb_free(json);
    }
    assert_true(v100[GPUARB_SHARE_FGD] < v100[GPUARB_SHARE_RANDOM]);
    gpuarb_free(off);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_TEST(shares_fill_gpus_by_fraction),
        TU_TEST(cpu_memory_and_models_limit),
        TU_TEST(fgd_avoids_the_fragment_best_fit_makes),
        TU_TEST(fgd_matches_brute_force),
        TU_TEST(replay_tiny_trace),
        TU_TEST(replay_bad_row_has_its_position),
        TU_TEST(replay_openb_respects_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
