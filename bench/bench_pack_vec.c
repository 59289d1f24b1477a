/*
 * bench_pack_vec.c - multi-dimensional packing on instances whose optimum
 * is known by construction (issue 9): K full nodes are cut into 3-5 items
 * each, independently in every dimension (gpus, cpus, memory_gb), so every
 * node of the optimum is exactly full and the volume bound proves it.
 *   one type:  p4d-like nodes (8 GPUs, 96 vCPUs, 1152 GB), min_nodes,
 *              optimum K;
 *   3 types:   the p4d shape and its half and quarter at proportional
 *              prices, min_cost; nodes cut from a random type each, so the
 *              optimum costs what the cut nodes cost (every dimension's
 *              cheapest price per unit is the same for all types).
 * Columns: FFD, then auto at the time limit: value against the optimum,
 * how many at it, gap, time.  Uses only the public API (so the same file
 * builds against an older library for a side-by-side run).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gpuarb.h"

#define BENCH_SEED 0x9e3779b97f4a7c15ULL
#include "bench.h"

static const double SHAPE[3][4] = {
    {8, 96, 1152, 32.0},
    {4, 48, 576, 16.0},
    {2, 24, 288, 8.0},
};

typedef struct gcase {
    int n, nt, K;
    double opt; /* nodes (one type) or cost (three types) */
} gcase;

/* Cut a node of shape sh into parts items, in every dimension. */
static void cut(gpuarb_ctx *ctx, gpuarb_pack_problem *p, int sh, int parts)
{
    double v[5][3];
    for (int d = 0; d < 3; d++) {
        double left = SHAPE[sh][d];
        for (int q = 0; q < parts; q++) {
            double x = left;
            if (q + 1 < parts) {
                double share = left / (parts - q);
                x = floor(share * (0.4 + 1.2 * urand()));
                if (x > left)
                    x = left;
            }
            v[q][d] = x;
            left -= x;
        }
    }
    for (int q = 0; q < parts; q++)
        gpuarb_pack_add_item(ctx, p, NULL, v[q][0], v[q][1], v[q][2], 1, NULL);
}

static gpuarb_pack_problem *gen(gpuarb_ctx *ctx, int nt, int target_items, gcase *gc)
{
    gpuarb_pack_problem *p = NULL;
    if (gpuarb_pack_problem_create(ctx, &p))
        return NULL;
    for (int t = 0; t < nt; t++)
        gpuarb_pack_add_node_type(ctx, p, NULL, SHAPE[t][0], SHAPE[t][1], SHAPE[t][2],
                                  SHAPE[t][3], -1, NULL);
    gc->n = gc->K = 0;
    gc->nt = nt;
    gc->opt = 0;
    while (gc->n < target_items) {
        int sh = nt == 1 ? 0 : (int)(urand() * nt);
        int parts = 3 + (int)(urand() * 3);
        cut(ctx, p, sh, parts);
        gc->n += parts;
        gc->K++;
        gc->opt += nt == 1 ? 1 : SHAPE[sh][3];
    }
    return p;
}

typedef struct res {
    double val, ms;
    int optimal, clock;
} res;

static int run(gpuarb_ctx *ctx, const gpuarb_pack_problem *p, int nt, int32_t algo,
               double limit_ms, res *r)
{
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.algorithm = algo;
    o.objective = nt == 1 ? GPUARB_PACK_MIN_NODES : GPUARB_PACK_MIN_COST;
    o.time_limit_ms = limit_ms;
    gpuarb_pack_result *pr = NULL;
    clock_t c0 = clock();
    if (gpuarb_pack_solve(ctx, p, &o, &pr) != GPUARB_OK)
        return -1;
    r->ms = (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC;
    gpuarb_pack_summary s;
    s.size = sizeof s;
    gpuarb_pack_result_summary(pr, &s);
    r->val = nt == 1 ? (double)s.nodes_used : s.cost_per_hour;
    r->optimal = s.status == GPUARB_SOLVE_OPTIMAL;
    r->clock = s.clock_limited;
    gpuarb_pack_result_free(pr);
    return 0;
}

int main(int argc, char **argv)
{
    double limit_ms = argc > 1 ? atof(argv[1]) * 1000 : 5000;
    int per_group = argc > 2 ? atoi(argv[2]) : 7; /* cases per group, at most 7 */
    gpuarb_ctx *ctx = NULL;
    if (gpuarb_ctx_create(&ctx))
        return 1;
    printf("vector packing, optimum known by construction (limit %.0f s)\n", limit_ms / 1000);
    printf("%-8s %4s %4s %8s | %8s %6s | %8s %6s %5s %8s %5s\n", "types", "n", "K", "optimum",
           "ffd", "gap%", "auto", "gap%", "opt", "cpu ms", "clock");
    static const int sizes[] = {115, 140, 165, 190, 215, 240, 265};
    int at_opt[2] = {0, 0}, ffd_opt[2] = {0, 0}, cases[2] = {0, 0};
    double gsum[2] = {0, 0}, fsum[2] = {0, 0};
    for (int nt = 1; nt <= 3; nt += 2) {
        int g = nt == 1 ? 0 : 1;
        for (size_t k = 0; k < sizeof sizes / sizeof *sizes && (int)k < per_group; k++) {
            gcase gc;
            gpuarb_pack_problem *p = gen(ctx, nt, sizes[k], &gc);
            if (!p)
                return 1;
            res f, a;
            if (run(ctx, p, nt, GPUARB_PACK_FFD, 0, &f) || run(ctx, p, nt, GPUARB_PACK_AUTO,
                                                                limit_ms, &a))
                return 1;
            double fg = 100 * (f.val / gc.opt - 1), ag = 100 * (a.val / gc.opt - 1);
            printf("%-8s %4d %4d %8.2f | %8.2f %6.2f | %8.2f %6.2f %5s %8.0f %5d\n",
                   nt == 1 ? "1 nodes" : "3 cost", gc.n, gc.K, gc.opt, f.val, fg, a.val, ag,
                   a.optimal ? "yes" : "no", a.ms, a.clock);
            cases[g]++;
            at_opt[g] += a.val <= gc.opt + 1e-6;
            ffd_opt[g] += f.val <= gc.opt + 1e-6;
            gsum[g] += ag;
            fsum[g] += fg;
            gpuarb_pack_problem_free(p);
        }
    }
    for (int g = 0; g < 2; g++)
        printf("%s: at optimum ffd %d/%d, auto %d/%d; mean gap ffd %.2f%%, auto %.2f%%\n",
               g ? "3 types, min_cost" : "1 type, min_nodes", ffd_opt[g], cases[g], at_opt[g],
               cases[g], fsum[g] / cases[g], gsum[g] / cases[g]);
    gpuarb_ctx_free(ctx);
    return 0;
}
