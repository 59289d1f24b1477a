/*
 * decomp.h - Lagrangian decomposition of a view whose shared rows (provider
 * and spot share caps, budget, capacity shared by workloads) bind: the
 * bound, the reduced-cost fixing it allows, and the exact MIP over what is
 * left (decomp.c).  Internal to lib/alloc.
 */
#ifndef GPUARB_DECOMP_H
#define GPUARB_DECOMP_H

#include "alloc/alloc.h"

/* Figures of one decomposition run, for benchmarks and tests. */
typedef struct ga_decomp_stats {
    int32_t iters;        /* dual iterations (one pricing pass each) */
    int32_t cuts;         /* distinct workload plans generated */
    double lagr_bound;    /* best Lagrangian bound, in the view's objective
                             (cost, or throughput for max_throughput) */
    int32_t cols_kept;    /* columns left after reduced-cost fixing */
    double dual_ms, heur_ms, fix_ms, mip_ms;
} ga_decomp_stats;

/* Solve view p (not restricted by a GPU range guess: see prob.restricted,
 * which is then carried into the result) until deadline, from hint (a plan
 * of p's columns, or NULL).  Steps: the Lagrangian dual of the shared rows
 * by a box-step cutting-plane method, every workload priced by its exact
 * DP; a MIP over the columns of the generated plans for a first plan;
 * columns and GPU counts whose Lagrangian reduced cost exceeds the gap
 * fixed at 0; the MIP over what is left, started from the best plan.  The
 * result has sol's meaning (ga_solve_view); a bound is the best of the
 * Lagrangian one and the MIP's.  stats may be NULL.  Statuses: GPUARB_OK,
 * GPUARB_ERR_NOMEM, GPUARB_ERR_SOLVER, GPUARB_ERR_LIMIT. */
gpuarb_status ga_decomp_solve(gpuarb_ctx *ctx, const prob *p, double deadline, const ga_tol *tol,
                              const double *hint, sol *out, ga_decomp_stats *stats);

/* Fewer workloads than this are solved by the MIP alone (solve.c): on
 * tests/test_scale's small capped instances the decomposition's GLPK calls
 * (one per cutting-plane step, one per MIP stage) took 16 times the MIP's
 * time. */
#define GA_DECOMP_MIN_WORKLOADS 16

/* 1 when the view has a shared row the decomposition prices (a share cap,
 * the budget, or a capacity two workloads compete for). */
int ga_decomp_applies(const prob *p);

#endif
