/*
 * progress.h - the progress callback of gpuarb_optimize (opts.progress)
 * as the solver stages see it: throttled reports of the best plan and the
 * best valid bound, and the caller's request to stop (progress.c).
 */
#ifndef GPUARB_PROGRESS_H
#define GPUARB_PROGRESS_H

#include "alloc/alloc.h"

struct ga_progress {
    gpuarb_progress_fn fn;
    void *arg;
    int32_t maximize;     /* max_throughput: a larger incumbent is better,
                             a smaller bound is tighter */
    double t0, last;      /* ga_now_ms() at the start and the last report */
    double inc, bound;    /* best so far; NaN while there is none */
    int32_t stopped;      /* the callback returned non-zero */
};

/* A progress state for fn (may be NULL: then every call is a no-op). */
void ga_progress_init(ga_progress *pg, gpuarb_progress_fn fn, void *arg, int32_t maximize);
/* A plan's objective (NaN: none) and a bound valid for the spec (NaN:
 * none) are folded into the best so far; the callback runs when 200 ms
 * have passed since the last report, or always when force is set.  1 when
 * the caller asked to stop (now or before). */
int ga_progress_note(ga_progress *pg, double inc, double bound, int force);
/* Adapter for ga_mip_opts.progress: arg is a ga_progress; the MIP's bound
 * is passed only when valid (see mip.c). */
int ga_progress_mip(void *arg, double inc, double bound);
/* 1 when the solve was asked to stop (pg may be NULL). */
int ga_progress_stopped(const ga_progress *pg);

#endif
