/*
 * test_abi.c - the public structs' ABI, pinned.
 *
 * The sizes and offsets below are literal numbers worked out by hand from
 * the LP64 C layout rules (pointers, doubles and 64-bit integers 8 bytes and
 * 8-aligned, int32 4): they are the ABI that compiled callers and hand-written
 * bindings (examples/optimize.py) rely on, so a change that moves a field or
 * resizes a struct must fail here.  Carving a field from `reserved` changes
 * reserved's offset and length, nothing else (gpuarb.h's ABI rule).
 *
 * Then, for every function taking a sized struct: a caller passing the
 * first version's size is honoured, one byte less is GPUARB_ERR_ARG, a
 * larger size from a newer caller is accepted and the bytes past this
 * library's struct are neither read as options nor written as output; and
 * every *_init writes exactly sizeof(struct) bytes.
 *
 * `test_abi --layout` prints "struct field offset size" for every field as
 * the C compiler lays it out; tests/abi_check.py compares the Python ctypes
 * declarations with it.
 */

#include <stdio.h>
#include <string.h>

#include "testutil.h"

#define FSIZE(S, M) sizeof(((S *)0)->M)
#define PIN(S, M, off, size)                                                                       \
    do {                                                                                           \
        assert_int_equal(offsetof(S, M), (off));                                                   \
        assert_int_equal(FSIZE(S, M), (size));                                                     \
    } while (0)

#if UINTPTR_MAX != 0xffffffffffffffffu
#define SKIP_NOT_LP64() skip()
#else
#define SKIP_NOT_LP64() ((void)0)
#endif

static void gpu_model_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_gpu_model), 40);
    PIN(gpuarb_gpu_model, name, 0, 8);
    PIN(gpuarb_gpu_model, vendor, 8, 8);
    PIN(gpuarb_gpu_model, memory_gb, 16, 8);
    PIN(gpuarb_gpu_model, relative_speed, 24, 8);
    PIN(gpuarb_gpu_model, mig_capable, 32, 4);
    PIN(gpuarb_gpu_model, reserved0, 36, 4);
}

static void offer_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_offer), 104);
    PIN(gpuarb_offer, provider, 0, 8);
    PIN(gpuarb_offer, region, 8, 8);
    PIN(gpuarb_offer, zone, 16, 8);
    PIN(gpuarb_offer, instance_type, 24, 8);
    PIN(gpuarb_offer, gpu, 32, 8);
    PIN(gpuarb_offer, gpu_count, 40, 4);
    PIN(gpuarb_offer, source_line, 44, 4);
    PIN(gpuarb_offer, gpu_memory_gb, 48, 8);
    PIN(gpuarb_offer, vcpus, 56, 8);
    PIN(gpuarb_offer, memory_gb, 64, 8);
    PIN(gpuarb_offer, price_hour, 72, 8);
    PIN(gpuarb_offer, spot_price_hour, 80, 8);
    PIN(gpuarb_offer, interruption_rate, 88, 8);
    PIN(gpuarb_offer, capacity, 96, 8);
}

static void catalog_query_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_catalog_query), 104);
    PIN(gpuarb_catalog_query, size, 0, 4);
    PIN(gpuarb_catalog_query, spot_only, 4, 4);
    PIN(gpuarb_catalog_query, gpu, 8, 8);
    PIN(gpuarb_catalog_query, provider, 16, 8);
    PIN(gpuarb_catalog_query, region, 24, 8);
    PIN(gpuarb_catalog_query, sort, 32, 4);
    PIN(gpuarb_catalog_query, min_gpus, 36, 4);
    PIN(gpuarb_catalog_query, reserved, 40, 64);
}

static void optimize_opts_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_optimize_opts), 96);
    PIN(gpuarb_optimize_opts, size, 0, 4);
    PIN(gpuarb_optimize_opts, skip_baseline, 4, 4);
    PIN(gpuarb_optimize_opts, time_limit_s, 8, 8);
    PIN(gpuarb_optimize_opts, mip_gap, 16, 8);
    PIN(gpuarb_optimize_opts, write_model, 24, 8); /* where the first version had it */
    PIN(gpuarb_optimize_opts, abs_gap, 32, 8);     /* carved from reserved */
    PIN(gpuarb_optimize_opts, memory_limit_mib, 40, 8); /* carved from reserved */
    PIN(gpuarb_optimize_opts, progress, 48, 8);      /* carved from reserved */
    PIN(gpuarb_optimize_opts, progress_arg, 56, 8);  /* carved from reserved */
    PIN(gpuarb_optimize_opts, explain, 64, 4);       /* carved from reserved */
    PIN(gpuarb_optimize_opts, reserved0, 68, 4);     /* carved from reserved */
    PIN(gpuarb_optimize_opts, reserved, 72, 24);
}

static void plan_summary_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_plan_summary), 168);
    PIN(gpuarb_plan_summary, size, 0, 4);
    PIN(gpuarb_plan_summary, status, 4, 4);
    PIN(gpuarb_plan_summary, objective, 8, 4);
    PIN(gpuarb_plan_summary, allocation_count, 12, 4);
    PIN(gpuarb_plan_summary, cost_per_hour, 16, 8);
    PIN(gpuarb_plan_summary, total_cost, 24, 8);
    PIN(gpuarb_plan_summary, egress_cost, 32, 8);
    PIN(gpuarb_plan_summary, throughput, 40, 8);
    PIN(gpuarb_plan_summary, mip_gap, 48, 8);
    PIN(gpuarb_plan_summary, bound, 56, 8);
    PIN(gpuarb_plan_summary, solve_ms, 64, 8);
    PIN(gpuarb_plan_summary, baseline_cost_per_hour, 72, 8);
    PIN(gpuarb_plan_summary, baseline_total_cost, 80, 8);
    PIN(gpuarb_plan_summary, savings_pct, 88, 8);
    PIN(gpuarb_plan_summary, baseline_provider, 96, 8);
    PIN(gpuarb_plan_summary, baseline_throughput, 104, 8); /* carved from reserved */
    PIN(gpuarb_plan_summary, throughput_gain_pct, 112, 8);
    PIN(gpuarb_plan_summary, churn_cost, 120, 8);
    PIN(gpuarb_plan_summary, warning_count, 128, 4);
    PIN(gpuarb_plan_summary, change_count, 132, 4);
    PIN(gpuarb_plan_summary, reserved, 136, 32);
}

static void allocation_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_allocation), 80);
    PIN(gpuarb_allocation, workload, 0, 8);
    PIN(gpuarb_allocation, provider, 8, 8);
    PIN(gpuarb_allocation, region, 16, 8);
    PIN(gpuarb_allocation, zone, 24, 8);
    PIN(gpuarb_allocation, instance_type, 32, 8);
    PIN(gpuarb_allocation, gpu, 40, 8);
    PIN(gpuarb_allocation, gpus_per_instance, 48, 4);
    PIN(gpuarb_allocation, count, 52, 4);
    PIN(gpuarb_allocation, spot, 56, 4);
    PIN(gpuarb_allocation, reserved0, 60, 4);
    PIN(gpuarb_allocation, price_hour, 64, 8);
    PIN(gpuarb_allocation, cost_per_hour, 72, 8);
}

/* delta plans (gpuarb.h, "delta plans"): one change of the plan */
static void change_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_change), 112);
    PIN(gpuarb_change, size, 0, 4);
    PIN(gpuarb_change, spot, 4, 4);
    PIN(gpuarb_change, workload, 8, 8);
    PIN(gpuarb_change, provider, 16, 8);
    PIN(gpuarb_change, region, 24, 8);
    PIN(gpuarb_change, zone, 32, 8);
    PIN(gpuarb_change, instance_type, 40, 8);
    PIN(gpuarb_change, launch, 48, 8);
    PIN(gpuarb_change, keep, 56, 8);
    PIN(gpuarb_change, terminate, 64, 8);
    PIN(gpuarb_change, launch_cost, 72, 8);
    PIN(gpuarb_change, reserved, 80, 32);
}

static void pack_opts_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_pack_opts), 96);
    PIN(gpuarb_pack_opts, size, 0, 4);
    PIN(gpuarb_pack_opts, algorithm, 4, 4);
    PIN(gpuarb_pack_opts, objective, 8, 4);
    PIN(gpuarb_pack_opts, reserved0, 12, 4);
    PIN(gpuarb_pack_opts, time_limit_ms, 16, 8);
    PIN(gpuarb_pack_opts, seed, 24, 8);
    PIN(gpuarb_pack_opts, memory_limit_mib, 32, 8); /* carved from reserved */
    PIN(gpuarb_pack_opts, reserved, 40, 56);
}

static void pack_summary_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_pack_summary), 144);
    PIN(gpuarb_pack_summary, size, 0, 4);
    PIN(gpuarb_pack_summary, status, 4, 4);
    PIN(gpuarb_pack_summary, objective, 8, 4);
    PIN(gpuarb_pack_summary, algorithm, 12, 4);
    PIN(gpuarb_pack_summary, nodes_used, 16, 8);
    PIN(gpuarb_pack_summary, lower_bound, 24, 8);
    PIN(gpuarb_pack_summary, item_count, 32, 8);
    PIN(gpuarb_pack_summary, unplaced_count, 40, 8);
    PIN(gpuarb_pack_summary, cost_per_hour, 48, 8);
    PIN(gpuarb_pack_summary, cost_lower_bound, 56, 8);
    PIN(gpuarb_pack_summary, solve_ms, 64, 8);
    PIN(gpuarb_pack_summary, clock_limited, 72, 4);
    PIN(gpuarb_pack_summary, reserved0, 76, 4);
    PIN(gpuarb_pack_summary, reserved, 80, 64);
}

static void pack_node_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_pack_node), 56);
    PIN(gpuarb_pack_node, type, 0, 8);
    PIN(gpuarb_pack_node, type_index, 8, 4);
    PIN(gpuarb_pack_node, reserved0, 12, 4);
    PIN(gpuarb_pack_node, item_count, 16, 8);
    PIN(gpuarb_pack_node, gpus, 24, 8);
    PIN(gpuarb_pack_node, cpus, 32, 8);
    PIN(gpuarb_pack_node, memory_gb, 40, 8);
    PIN(gpuarb_pack_node, size, 48, 8);
}

/* ---- *_init writes exactly its struct ------------------------------------ */

#define PAD 32
#define FILL 0xAB

static int tail_untouched(const unsigned char *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (p[i] != FILL)
            return 0;
    return 1;
}

static void inits_write_exactly_their_struct(void **state)
{
    (void)state;
    union {
        gpuarb_optimize_opts o;
        gpuarb_catalog_query q;
        gpuarb_pack_opts p;
        unsigned char b[sizeof(gpuarb_optimize_opts) + sizeof(gpuarb_catalog_query) +
                        sizeof(gpuarb_pack_opts) + PAD];
    } u;
    memset(&u, FILL, sizeof u);
    gpuarb_optimize_opts_init(&u.o);
    assert_int_equal(u.o.size, sizeof u.o);
    assert_true(tail_untouched(u.b, sizeof u.o, sizeof u.b));
    assert_float_equal(u.o.abs_gap, 0, 0); /* "optimal" is proven exactly (issue 15) */
    assert_null(u.o.write_model);
    memset(&u, FILL, sizeof u);
    gpuarb_catalog_query_init(&u.q);
    assert_int_equal(u.q.size, sizeof u.q);
    assert_true(tail_untouched(u.b, sizeof u.q, sizeof u.b));
    memset(&u, FILL, sizeof u);
    gpuarb_pack_opts_init(&u.p);
    assert_int_equal(u.p.size, sizeof u.p);
    assert_true(tail_untouched(u.b, sizeof u.p, sizeof u.b));
}

/* ---- sizes honoured and rejected ----------------------------------------- */

static gpuarb_ctx *ctx;

static const char SPEC[] = "workloads:\n  - name: a\n    gpus: 1\n";

static gpuarb_spec *spec_one_gpu(void)
{
    gpuarb_spec *spec = NULL;
    assert_int_equal(gpuarb_spec_parse(ctx, SPEC, strlen(SPEC), NULL, NULL, &spec), GPUARB_OK);
    return spec;
}

/* an options struct inside a buffer that is PAD bytes longer */
typedef union big_optimize_opts {
    gpuarb_optimize_opts o;
    unsigned char b[sizeof(gpuarb_optimize_opts) + PAD];
} big_optimize_opts;

static void optimize_opts_size_is_checked(void **state)
{
    (void)state;
    gpuarb_spec *spec = spec_one_gpu();
    gpuarb_result *res = NULL;
    big_optimize_opts u;
    memset(&u, FILL, sizeof u);
    gpuarb_optimize_opts_init(&u.o);
    u.o.skip_baseline = 1;
    u.o.size = 96; /* the first version's size */
    assert_int_equal(gpuarb_optimize(ctx, spec, NULL, &u.o, &res), GPUARB_OK);
    gpuarb_plan_summary s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    assert_int_equal(gpuarb_result_summary(res, &s), GPUARB_OK);
    assert_int_equal(s.status, GPUARB_SOLVE_OPTIMAL);
    assert_int_equal(s.allocation_count, 1);
    gpuarb_result_free(res);
    /* a newer caller's larger struct: the extra bytes (0xAB) are ignored */
    u.o.size = (uint32_t)sizeof u;
    assert_int_equal(gpuarb_optimize(ctx, spec, NULL, &u.o, &res), GPUARB_OK);
    gpuarb_result_free(res);
    /* one byte short of the first version, and an unset size */
    u.o.size = 95;
    res = (gpuarb_result *)&u; /* must be reset to NULL */
    assert_int_equal(gpuarb_optimize(ctx, spec, NULL, &u.o, &res), GPUARB_ERR_ARG);
    assert_null(res);
    assert_int_equal(gpuarb_errcode(ctx), GPUARB_ERR_ARG);
    u.o.size = 0;
    assert_int_equal(gpuarb_optimize(ctx, spec, NULL, &u.o, &res), GPUARB_ERR_ARG);
    gpuarb_spec_free(spec);
}

static void plan_summary_size_is_checked(void **state)
{
    (void)state;
    gpuarb_spec *spec = spec_one_gpu();
    gpuarb_result *res = NULL;
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.skip_baseline = 1;
    assert_int_equal(gpuarb_optimize(ctx, spec, NULL, &o, &res), GPUARB_OK);
    gpuarb_plan_summary ref;
    ref.size = sizeof ref;
    assert_int_equal(gpuarb_result_summary(res, &ref), GPUARB_OK);
    union {
        gpuarb_plan_summary s;
        unsigned char b[sizeof(gpuarb_plan_summary) + PAD];
    } u;
    /* first version's size: filled, and the size field kept */
    memset(&u, FILL, sizeof u);
    u.s.size = 168;
    assert_int_equal(gpuarb_result_summary(res, &u.s), GPUARB_OK);
    assert_int_equal(u.s.size, 168);
    assert_int_equal(u.s.status, ref.status);
    assert_int_equal(u.s.allocation_count, 1);
    assert_float_equal(u.s.total_cost, ref.total_cost, 0);
    assert_true(tail_untouched(u.b, sizeof u.s, sizeof u.b));
    /* a newer caller's larger struct: nothing past this library's is written */
    memset(&u, FILL, sizeof u);
    u.s.size = (uint32_t)sizeof u;
    assert_int_equal(gpuarb_result_summary(res, &u.s), GPUARB_OK);
    assert_int_equal(u.s.size, sizeof u);
    assert_float_equal(u.s.cost_per_hour, ref.cost_per_hour, 0);
    assert_true(tail_untouched(u.b, sizeof u.s, sizeof u.b));
    /* one byte short: rejected, nothing written */
    memset(&u, FILL, sizeof u);
    u.s.size = 167;
    assert_int_equal(gpuarb_result_summary(res, &u.s), GPUARB_ERR_ARG);
    assert_true(tail_untouched(u.b, sizeof u.s.size, sizeof u.b));
    gpuarb_result_free(res);
    gpuarb_spec_free(spec);
}

static void catalog_query_size_is_checked(void **state)
{
    (void)state;
    gpuarb_catalog *cat = NULL, *sel = NULL;
    assert_int_equal(gpuarb_catalog_builtin(ctx, &cat), GPUARB_OK);
    union {
        gpuarb_catalog_query q;
        unsigned char b[sizeof(gpuarb_catalog_query) + PAD];
    } u;
    memset(&u, FILL, sizeof u);
    gpuarb_catalog_query_init(&u.q);
    u.q.size = 104;
    assert_int_equal(gpuarb_catalog_select(ctx, cat, &u.q, &sel), GPUARB_OK);
    /* an empty query selects everything */
    assert_int_equal(gpuarb_catalog_count(sel), gpuarb_catalog_count(cat));
    gpuarb_catalog_free(sel);
    u.q.size = (uint32_t)sizeof u;
    assert_int_equal(gpuarb_catalog_select(ctx, cat, &u.q, &sel), GPUARB_OK);
    gpuarb_catalog_free(sel);
    u.q.size = 103;
    assert_int_equal(gpuarb_catalog_select(ctx, cat, &u.q, &sel), GPUARB_ERR_ARG);
    assert_null(sel);
    gpuarb_catalog_free(cat);
}

/* three jobs of 4 GPUs on 8-GPU nodes: 12 GPUs need two nodes, and two fit
 * on one, so two nodes (by hand) */
static gpuarb_pack_problem *three_jobs(void)
{
    gpuarb_pack_problem *p = NULL;
    assert_int_equal(gpuarb_pack_problem_create(ctx, &p), GPUARB_OK);
    assert_int_equal(gpuarb_pack_add_node_type(ctx, p, "n", 8, 0, 0, -1, -1, NULL), GPUARB_OK);
    assert_int_equal(gpuarb_pack_add_item(ctx, p, "job", 4, 0, 0, 3, NULL), GPUARB_OK);
    return p;
}

static void pack_sizes_are_checked(void **state)
{
    (void)state;
    gpuarb_pack_problem *p = three_jobs();
    gpuarb_pack_result *r = NULL;
    union {
        gpuarb_pack_opts o;
        unsigned char b[sizeof(gpuarb_pack_opts) + PAD];
    } u;
    memset(&u, FILL, sizeof u);
    gpuarb_pack_opts_init(&u.o);
    u.o.size = 96;
    assert_int_equal(gpuarb_pack_solve(ctx, p, &u.o, &r), GPUARB_OK);
    union {
        gpuarb_pack_summary s;
        unsigned char b[sizeof(gpuarb_pack_summary) + PAD];
    } v;
    memset(&v, FILL, sizeof v);
    v.s.size = 144;
    assert_int_equal(gpuarb_pack_result_summary(r, &v.s), GPUARB_OK);
    assert_int_equal(v.s.nodes_used, 2);
    assert_int_equal(v.s.item_count, 3);
    assert_int_equal(v.s.unplaced_count, 0);
    assert_true(tail_untouched(v.b, sizeof v.s, sizeof v.b));
    memset(&v, FILL, sizeof v);
    v.s.size = (uint32_t)sizeof v;
    assert_int_equal(gpuarb_pack_result_summary(r, &v.s), GPUARB_OK);
    assert_int_equal(v.s.nodes_used, 2);
    assert_true(tail_untouched(v.b, sizeof v.s, sizeof v.b));
    v.s.size = 143;
    assert_int_equal(gpuarb_pack_result_summary(r, &v.s), GPUARB_ERR_ARG);
    gpuarb_pack_result_free(r);
    u.o.size = (uint32_t)sizeof u;
    assert_int_equal(gpuarb_pack_solve(ctx, p, &u.o, &r), GPUARB_OK);
    gpuarb_pack_result_free(r);
    u.o.size = 95;
    assert_int_equal(gpuarb_pack_solve(ctx, p, &u.o, &r), GPUARB_ERR_ARG);
    assert_null(r);
    gpuarb_pack_problem_free(p);
}

/* gpuarb_export_opts (embedding): size, format, three pointers, 64 reserved. */
static void export_opts_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_export_opts), 96);
    PIN(gpuarb_export_opts, size, 0, 4);
    PIN(gpuarb_export_opts, format, 4, 4);
    PIN(gpuarb_export_opts, k8s_namespace, 8, 8);
    PIN(gpuarb_export_opts, image, 16, 8);
    PIN(gpuarb_export_opts, queue, 24, 8);
    PIN(gpuarb_export_opts, reserved, 32, 64);
    /* _init writes exactly sizeof and sets size */
    unsigned char buf[sizeof(gpuarb_export_opts) + 8];
    memset(buf, 0xa5, sizeof buf);
    gpuarb_export_opts_init((gpuarb_export_opts *)(void *)buf);
    assert_int_equal(((gpuarb_export_opts *)(void *)buf)->size, 96);
    for (size_t i = sizeof(gpuarb_export_opts); i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xa5);
}

/* ---- simulation and autoscaling (issue 11) ---- */

static void sim_layouts(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_sim_config_info), 128);
    PIN(gpuarb_sim_config_info, size, 0, 4);
    PIN(gpuarb_sim_config_info, node_gpus, 4, 4);
    PIN(gpuarb_sim_config_info, has_spot, 8, 4);
    PIN(gpuarb_sim_config_info, max_nodes, 12, 4);
    PIN(gpuarb_sim_config_info, min_nodes, 16, 4);
    PIN(gpuarb_sim_config_info, reserved0, 20, 4);
    PIN(gpuarb_sim_config_info, od_price_hour, 24, 8);
    PIN(gpuarb_sim_config_info, spot_price_hour, 32, 8);
    PIN(gpuarb_sim_config_info, provisioning_delay_s, 40, 8);
    PIN(gpuarb_sim_config_info, decision_interval_s, 48, 8);
    PIN(gpuarb_sim_config_info, wait_penalty_per_gpu_hour, 56, 8);
    PIN(gpuarb_sim_config_info, offer, 64, 8);
    PIN(gpuarb_sim_config_info, reserved, 72, 56);
    assert_int_equal(sizeof(gpuarb_sim_summary), 192);
    PIN(gpuarb_sim_summary, size, 0, 4);
    PIN(gpuarb_sim_summary, stalled, 4, 4);
    PIN(gpuarb_sim_summary, jobs, 8, 8);
    PIN(gpuarb_sim_summary, jobs_done, 16, 8);
    PIN(gpuarb_sim_summary, preemptions, 24, 8);
    PIN(gpuarb_sim_summary, events, 32, 8);
    PIN(gpuarb_sim_summary, cost, 40, 8);
    PIN(gpuarb_sim_summary, gpu_hours_paid, 48, 8);
    PIN(gpuarb_sim_summary, gpu_hours_busy, 56, 8);
    PIN(gpuarb_sim_summary, utilization, 64, 8);
    PIN(gpuarb_sim_summary, mean_wait_h, 72, 8);
    PIN(gpuarb_sim_summary, p95_wait_h, 80, 8);
    PIN(gpuarb_sim_summary, wait_gpu_hours, 88, 8);
    PIN(gpuarb_sim_summary, objective, 96, 8);
    PIN(gpuarb_sim_summary, sim_hours, 104, 8);
    PIN(gpuarb_sim_summary, reserved, 112, 80);
    assert_int_equal(sizeof(gpuarb_tune_opts), 64);
    PIN(gpuarb_tune_opts, size, 0, 4);
    PIN(gpuarb_tune_opts, budget, 4, 4);
    PIN(gpuarb_tune_opts, seeds, 8, 4);
    PIN(gpuarb_tune_opts, reserved0, 12, 4);
    PIN(gpuarb_tune_opts, seed, 16, 8);
    PIN(gpuarb_tune_opts, reserved, 24, 40);
    assert_int_equal(GPUARB_SIM_OBS, 12);
    assert_int_equal(GPUARB_SIM_ACTIONS, 5);
    /* sizes below the struct are refused; tune_opts_init writes its size */
    gpuarb_sim_summary m = {.size = sizeof m - 1};
    assert_int_equal(gpuarb_sim_result_summary(NULL, &m), GPUARB_ERR_ARG);
    gpuarb_tune_opts o;
    memset(&o, 0xff, sizeof o);
    gpuarb_tune_opts_init(&o);
    assert_int_equal(o.size, sizeof o);
    assert_int_equal(o.budget, 120);
}

/* ---- the compiler's layout, for tests/abi_check.py ------------------------ */

#define ROW(S, M) printf("%s %s %zu %zu\n", #S, #M, offsetof(S, M), FSIZE(S, M))

/* issue 11 part B: forecasting, learning, spot. */
static void issue11b_layouts(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_forecast_opts), 72);
    PIN(gpuarb_forecast_opts, size, 0, 4);
    PIN(gpuarb_forecast_opts, horizon, 4, 4);
    PIN(gpuarb_forecast_opts, season, 8, 4);
    PIN(gpuarb_forecast_opts, method, 12, 4);
    PIN(gpuarb_forecast_opts, origins, 16, 4);
    PIN(gpuarb_forecast_opts, reserved0, 20, 4);
    PIN(gpuarb_forecast_opts, reserved, 24, 48);
    assert_int_equal(sizeof(gpuarb_spot_opts), 112);
    PIN(gpuarb_spot_opts, size, 0, 4);
    PIN(gpuarb_spot_opts, policy, 4, 4);
    PIN(gpuarb_spot_opts, job_hours, 8, 8);
    PIN(gpuarb_spot_opts, deadline_hours, 16, 8);
    PIN(gpuarb_spot_opts, restart_hours, 24, 8);
    PIN(gpuarb_spot_opts, price_ratio, 32, 8);
    PIN(gpuarb_spot_opts, starts, 40, 4);
    PIN(gpuarb_spot_opts, max_ticks, 44, 4);
    PIN(gpuarb_spot_opts, seed, 48, 8);
    PIN(gpuarb_spot_opts, model_path, 56, 8);
    PIN(gpuarb_spot_opts, compare_optimum, 64, 4);
    PIN(gpuarb_spot_opts, reserved0, 68, 4);
    PIN(gpuarb_spot_opts, reserved, 72, 40);
    assert_int_equal(sizeof(gpuarb_spot_summary), 128);
    PIN(gpuarb_spot_summary, size, 0, 4);
    PIN(gpuarb_spot_summary, policy, 4, 4);
    PIN(gpuarb_spot_summary, starts, 8, 4);
    PIN(gpuarb_spot_summary, deadline_misses, 12, 4);
    PIN(gpuarb_spot_summary, normalized_cost, 16, 8);
    PIN(gpuarb_spot_summary, spot_hours, 24, 8);
    PIN(gpuarb_spot_summary, ondemand_hours, 32, 8);
    PIN(gpuarb_spot_summary, optimum_normalized_cost, 40, 8);
    PIN(gpuarb_spot_summary, optimum_spot_hours, 48, 8);
    PIN(gpuarb_spot_summary, has_optimum, 56, 4);
    PIN(gpuarb_spot_summary, reserved0, 60, 4);
    PIN(gpuarb_spot_summary, reserved, 64, 64);
    assert_int_equal(sizeof(gpuarb_spot_train_stats), 64);
    PIN(gpuarb_spot_train_stats, size, 0, 4);
    PIN(gpuarb_spot_train_stats, reserved0, 4, 4);
    PIN(gpuarb_spot_train_stats, decisions, 8, 8);
    PIN(gpuarb_spot_train_stats, episodes, 16, 8);
    PIN(gpuarb_spot_train_stats, last_mean_return, 24, 8);
    PIN(gpuarb_spot_train_stats, reserved, 32, 32);
}

/* issue 13: market. */
static void market_layouts(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_market_compare_opts), 72);
    PIN(gpuarb_market_compare_opts, size, 0, 4);
    PIN(gpuarb_market_compare_opts, reserved0, 4, 4);
    PIN(gpuarb_market_compare_opts, ours, 8, 8);
    PIN(gpuarb_market_compare_opts, gpu, 16, 8);
    PIN(gpuarb_market_compare_opts, reserved, 24, 48);
    assert_int_equal(sizeof(gpuarb_market_model_summary), 112);
    PIN(gpuarb_market_model_summary, size, 0, 4);
    PIN(gpuarb_market_model_summary, provider_count, 4, 4);
    PIN(gpuarb_market_model_summary, gpu, 8, 8);
    PIN(gpuarb_market_model_summary, cheapest, 16, 8);
    PIN(gpuarb_market_model_summary, ours, 24, 8);
    PIN(gpuarb_market_model_summary, cheapest_per_gpu_hour, 32, 8);
    PIN(gpuarb_market_model_summary, ours_per_gpu_hour, 40, 8);
    PIN(gpuarb_market_model_summary, rank, 48, 4);
    PIN(gpuarb_market_model_summary, ranked_count, 52, 4);
    PIN(gpuarb_market_model_summary, percentile, 56, 8);
    PIN(gpuarb_market_model_summary, gap_pct, 64, 8);
    PIN(gpuarb_market_model_summary, have_gap, 72, 4);
    PIN(gpuarb_market_model_summary, reserved0, 76, 4);
    PIN(gpuarb_market_model_summary, reserved, 80, 32);
    assert_int_equal(sizeof(gpuarb_market_price_summary), 120);
    PIN(gpuarb_market_price_summary, size, 0, 4);
    PIN(gpuarb_market_price_summary, periods, 4, 4);
    PIN(gpuarb_market_price_summary, gpu, 8, 8);
    PIN(gpuarb_market_price_summary, current_price, 16, 8);
    PIN(gpuarb_market_price_summary, elasticity, 24, 8);
    PIN(gpuarb_market_price_summary, elasticity_fitted, 32, 4);
    PIN(gpuarb_market_price_summary, reserved0, 36, 4);
    PIN(gpuarb_market_price_summary, floor_price, 40, 8);
    PIN(gpuarb_market_price_summary, cap_price, 48, 8);
    PIN(gpuarb_market_price_summary, expected_revenue, 56, 8);
    PIN(gpuarb_market_price_summary, revenue_at_current_price, 64, 8);
    PIN(gpuarb_market_price_summary, mean_utilization, 72, 8);
    PIN(gpuarb_market_price_summary, mean_utilization_at_current_price, 80, 8);
    PIN(gpuarb_market_price_summary, reserved, 88, 32);
}

/* The RL autoscaling policy's option and statistics structs (LP64). */
static void rl_layouts(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_rl_train_opts), 88);
    PIN(gpuarb_rl_train_opts, size, 0, 4);
    PIN(gpuarb_rl_train_opts, hidden, 4, 4);
    PIN(gpuarb_rl_train_opts, steps, 8, 8);
    PIN(gpuarb_rl_train_opts, seed, 16, 8);
    PIN(gpuarb_rl_train_opts, plain, 24, 4);
    PIN(gpuarb_rl_train_opts, reserved0, 28, 4);
    PIN(gpuarb_rl_train_opts, lr, 32, 8);
    PIN(gpuarb_rl_train_opts, ent_coef, 40, 8);
    PIN(gpuarb_rl_train_opts, gamma, 48, 8);
    PIN(gpuarb_rl_train_opts, reserved, 56, 32);
    assert_int_equal(sizeof(gpuarb_rl_train_stats), 64);
    PIN(gpuarb_rl_train_stats, size, 0, 4);
    PIN(gpuarb_rl_train_stats, reserved0, 4, 4);
    PIN(gpuarb_rl_train_stats, decisions, 8, 8);
    PIN(gpuarb_rl_train_stats, episodes, 16, 8);
    PIN(gpuarb_rl_train_stats, last_mean_return, 24, 8);
    PIN(gpuarb_rl_train_stats, reserved, 32, 32);
}

static void print_layout(void)
{
    printf("gpuarb_optimize_opts sizeof 0 %zu\n", sizeof(gpuarb_optimize_opts));
    ROW(gpuarb_optimize_opts, size);
    ROW(gpuarb_optimize_opts, skip_baseline);
    ROW(gpuarb_optimize_opts, time_limit_s);
    ROW(gpuarb_optimize_opts, mip_gap);
    ROW(gpuarb_optimize_opts, write_model);
    ROW(gpuarb_optimize_opts, abs_gap);
    ROW(gpuarb_optimize_opts, memory_limit_mib);
    ROW(gpuarb_optimize_opts, progress);
    ROW(gpuarb_optimize_opts, progress_arg);
    ROW(gpuarb_optimize_opts, explain);
    ROW(gpuarb_optimize_opts, reserved0);
    ROW(gpuarb_optimize_opts, reserved);
    printf("gpuarb_pack_opts sizeof 0 %zu\n", sizeof(gpuarb_pack_opts));
    ROW(gpuarb_pack_opts, size);
    ROW(gpuarb_pack_opts, algorithm);
    ROW(gpuarb_pack_opts, objective);
    ROW(gpuarb_pack_opts, reserved0);
    ROW(gpuarb_pack_opts, time_limit_ms);
    ROW(gpuarb_pack_opts, seed);
    ROW(gpuarb_pack_opts, memory_limit_mib);
    ROW(gpuarb_pack_opts, reserved);
    printf("gpuarb_catalog_query sizeof 0 %zu\n", sizeof(gpuarb_catalog_query));
    ROW(gpuarb_catalog_query, size);
    ROW(gpuarb_catalog_query, spot_only);
    ROW(gpuarb_catalog_query, gpu);
    ROW(gpuarb_catalog_query, provider);
    ROW(gpuarb_catalog_query, region);
    ROW(gpuarb_catalog_query, sort);
    ROW(gpuarb_catalog_query, min_gpus);
    ROW(gpuarb_catalog_query, reserved);
    printf("gpuarb_export_opts sizeof 0 %zu\n", sizeof(gpuarb_export_opts));
    ROW(gpuarb_export_opts, size);
    ROW(gpuarb_export_opts, format);
    ROW(gpuarb_export_opts, k8s_namespace);
    ROW(gpuarb_export_opts, image);
    ROW(gpuarb_export_opts, queue);
    ROW(gpuarb_export_opts, reserved);
    /* issue 12, second half: the structs the bindings declare for forecast, spot, sim */
    printf("gpuarb_forecast_opts sizeof 0 %zu\n", sizeof(gpuarb_forecast_opts));
    ROW(gpuarb_forecast_opts, size);
    ROW(gpuarb_forecast_opts, horizon);
    ROW(gpuarb_forecast_opts, season);
    ROW(gpuarb_forecast_opts, method);
    ROW(gpuarb_forecast_opts, origins);
    ROW(gpuarb_forecast_opts, reserved0);
    ROW(gpuarb_forecast_opts, reserved);
    printf("gpuarb_spot_opts sizeof 0 %zu\n", sizeof(gpuarb_spot_opts));
    ROW(gpuarb_spot_opts, size);
    ROW(gpuarb_spot_opts, policy);
    ROW(gpuarb_spot_opts, job_hours);
    ROW(gpuarb_spot_opts, deadline_hours);
    ROW(gpuarb_spot_opts, restart_hours);
    ROW(gpuarb_spot_opts, price_ratio);
    ROW(gpuarb_spot_opts, starts);
    ROW(gpuarb_spot_opts, max_ticks);
    ROW(gpuarb_spot_opts, seed);
    ROW(gpuarb_spot_opts, model_path);
    ROW(gpuarb_spot_opts, compare_optimum);
    ROW(gpuarb_spot_opts, reserved0);
    ROW(gpuarb_spot_opts, reserved);
    printf("gpuarb_spot_summary sizeof 0 %zu\n", sizeof(gpuarb_spot_summary));
    ROW(gpuarb_spot_summary, size);
    ROW(gpuarb_spot_summary, policy);
    ROW(gpuarb_spot_summary, starts);
    ROW(gpuarb_spot_summary, deadline_misses);
    ROW(gpuarb_spot_summary, normalized_cost);
    ROW(gpuarb_spot_summary, spot_hours);
    ROW(gpuarb_spot_summary, ondemand_hours);
    ROW(gpuarb_spot_summary, optimum_normalized_cost);
    ROW(gpuarb_spot_summary, optimum_spot_hours);
    ROW(gpuarb_spot_summary, has_optimum);
    ROW(gpuarb_spot_summary, reserved0);
    ROW(gpuarb_spot_summary, reserved);
    printf("gpuarb_sim_config_info sizeof 0 %zu\n", sizeof(gpuarb_sim_config_info));
    ROW(gpuarb_sim_config_info, size);
    ROW(gpuarb_sim_config_info, node_gpus);
    ROW(gpuarb_sim_config_info, has_spot);
    ROW(gpuarb_sim_config_info, max_nodes);
    ROW(gpuarb_sim_config_info, min_nodes);
    ROW(gpuarb_sim_config_info, reserved0);
    ROW(gpuarb_sim_config_info, od_price_hour);
    ROW(gpuarb_sim_config_info, spot_price_hour);
    ROW(gpuarb_sim_config_info, provisioning_delay_s);
    ROW(gpuarb_sim_config_info, decision_interval_s);
    ROW(gpuarb_sim_config_info, wait_penalty_per_gpu_hour);
    ROW(gpuarb_sim_config_info, offer);
    ROW(gpuarb_sim_config_info, reserved);
    printf("gpuarb_tune_opts sizeof 0 %zu\n", sizeof(gpuarb_tune_opts));
    ROW(gpuarb_tune_opts, size);
    ROW(gpuarb_tune_opts, budget);
    ROW(gpuarb_tune_opts, seeds);
    ROW(gpuarb_tune_opts, reserved0);
    ROW(gpuarb_tune_opts, seed);
    ROW(gpuarb_tune_opts, reserved);
    /* issue 12, MIG: the structs the bindings declare for mig place and share */
    printf("gpuarb_mig_profile sizeof 0 %zu\n", sizeof(gpuarb_mig_profile));
    ROW(gpuarb_mig_profile, name);
    ROW(gpuarb_mig_profile, id);
    ROW(gpuarb_mig_profile, compute_slices);
    ROW(gpuarb_mig_profile, memory_slots);
    ROW(gpuarb_mig_profile, max_instances);
    ROW(gpuarb_mig_profile, memory_gib);
    ROW(gpuarb_mig_profile, start_mask);
    ROW(gpuarb_mig_profile, slots);
    printf("gpuarb_mig_summary sizeof 0 %zu\n", sizeof(gpuarb_mig_summary));
    ROW(gpuarb_mig_summary, size);
    ROW(gpuarb_mig_summary, exact);
    ROW(gpuarb_mig_summary, requests);
    ROW(gpuarb_mig_summary, placed);
    ROW(gpuarb_mig_summary, unplaced);
    ROW(gpuarb_mig_summary, gpus_used);
    ROW(gpuarb_mig_summary, gpus_lower_bound);
    ROW(gpuarb_mig_summary, moves);
    ROW(gpuarb_mig_summary, gpus_changed);
    ROW(gpuarb_mig_summary, solve_ms);
    ROW(gpuarb_mig_summary, reserved);
    printf("gpuarb_share_pod sizeof 0 %zu\n", sizeof(gpuarb_share_pod));
    ROW(gpuarb_share_pod, size);
    ROW(gpuarb_share_pod, gpus);
    ROW(gpuarb_share_pod, gpu_fraction);
    ROW(gpuarb_share_pod, cpus);
    ROW(gpuarb_share_pod, memory_gb);
    ROW(gpuarb_share_pod, models);
    ROW(gpuarb_share_pod, reserved);
}

/* The shared fixture; its context is also kept in ctx for the helpers. */
static int setup(void **state)
{
    int rc = tu_setup(state);
    ctx = rc == 0 ? ((fixture *)*state)->ctx : NULL;
    return rc;
}

/* ---- MIG (issue 10) ---- */
static void mig_layout(void **state)
{
    (void)state;
    SKIP_NOT_LP64();
    assert_int_equal(sizeof(gpuarb_mig_profile), 40);
    PIN(gpuarb_mig_profile, name, 0, 8);
    PIN(gpuarb_mig_profile, id, 8, 4);
    PIN(gpuarb_mig_profile, compute_slices, 12, 4);
    PIN(gpuarb_mig_profile, memory_slots, 16, 4);
    PIN(gpuarb_mig_profile, max_instances, 20, 4);
    PIN(gpuarb_mig_profile, memory_gib, 24, 8);
    PIN(gpuarb_mig_profile, start_mask, 32, 4);
    PIN(gpuarb_mig_profile, slots, 36, 4);
    assert_int_equal(sizeof(gpuarb_mig_summary), 136);
    PIN(gpuarb_mig_summary, size, 0, 4);
    PIN(gpuarb_mig_summary, exact, 4, 4);
    PIN(gpuarb_mig_summary, requests, 8, 8);
    PIN(gpuarb_mig_summary, placed, 16, 8);
    PIN(gpuarb_mig_summary, unplaced, 24, 8);
    PIN(gpuarb_mig_summary, gpus_used, 32, 8);
    PIN(gpuarb_mig_summary, gpus_lower_bound, 40, 8);
    PIN(gpuarb_mig_summary, moves, 48, 8);
    PIN(gpuarb_mig_summary, gpus_changed, 56, 8);
    PIN(gpuarb_mig_summary, solve_ms, 64, 8);
    PIN(gpuarb_mig_summary, reserved, 72, 64);
    assert_int_equal(sizeof(gpuarb_share_pod), 72);
    PIN(gpuarb_share_pod, size, 0, 4);
    PIN(gpuarb_share_pod, gpus, 4, 4);
    PIN(gpuarb_share_pod, gpu_fraction, 8, 8);
    PIN(gpuarb_share_pod, cpus, 16, 8);
    PIN(gpuarb_share_pod, memory_gb, 24, 8);
    PIN(gpuarb_share_pod, models, 32, 8);
    PIN(gpuarb_share_pod, reserved, 40, 32);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--layout") == 0) {
        print_layout();
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gpu_model_layout),
        cmocka_unit_test(offer_layout),
        cmocka_unit_test(catalog_query_layout),
        cmocka_unit_test(optimize_opts_layout),
        cmocka_unit_test(plan_summary_layout),
        cmocka_unit_test(allocation_layout),
        cmocka_unit_test(change_layout),
        cmocka_unit_test(pack_opts_layout),
        cmocka_unit_test(pack_summary_layout),
        cmocka_unit_test(pack_node_layout),
        cmocka_unit_test(export_opts_layout),
        cmocka_unit_test(inits_write_exactly_their_struct),
        cmocka_unit_test(optimize_opts_size_is_checked),
        cmocka_unit_test(plan_summary_size_is_checked),
        cmocka_unit_test(catalog_query_size_is_checked),
        cmocka_unit_test(pack_sizes_are_checked),
        cmocka_unit_test(issue11b_layouts),
        cmocka_unit_test(sim_layouts),
        cmocka_unit_test(market_layouts),
        cmocka_unit_test(mig_layout),
        cmocka_unit_test(rl_layouts),
    };
    return cmocka_run_group_tests_name("abi", tests, setup, tu_teardown);
}
