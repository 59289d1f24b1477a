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
        TU_TEST(replay_tiny_trace),
        TU_TEST(replay_bad_row_has_its_position),
        TU_TEST(replay_openb_respects_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
