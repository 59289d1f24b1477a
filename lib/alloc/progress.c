/*
 * progress.c - the progress callback of gpuarb_optimize: the stages report
 * plans and bounds here (GLPK's branch-and-cut callback through
 * ga_progress_mip, the decomposition after each dual step), this file keeps
 * the best of each and calls the caller's function at most every 200 ms.
 * A non-zero return is remembered: ga_stage_deadline() then hands every
 * later stage a deadline already past, so the solve ends with the plan in
 * hand.  Wraps no dependency; no status codes.
 * Invariant: the bound passed on is the best valid one reported, and never
 * on the wrong side of the incumbent (a stage's own proof may lag).
 */
#include <math.h>

#include "alloc/progress.h"

#define GA_PROGRESS_EVERY_MS 200.0

void ga_progress_init(ga_progress *pg, gpuarb_progress_fn fn, void *arg, int32_t maximize)
{
    pg->fn = fn;
    pg->arg = arg;
    pg->maximize = maximize;
    pg->t0 = pg->last = ga_now_ms();
    pg->inc = pg->bound = NAN;
    pg->stopped = 0;
}

int ga_progress_note(ga_progress *pg, double inc, double bound, int force)
{
    if (!pg || !pg->fn)
        return 0;
    if (!isnan(inc) && (isnan(pg->inc) || (pg->maximize ? inc > pg->inc : inc < pg->inc)))
        pg->inc = inc;
    if (!isnan(bound) &&
        (isnan(pg->bound) || (pg->maximize ? bound < pg->bound : bound > pg->bound)))
        pg->bound = bound;
    if (!isnan(pg->inc) && !isnan(pg->bound))
        pg->bound = pg->maximize ? fmax(pg->bound, pg->inc) : fmin(pg->bound, pg->inc);
    double now = ga_now_ms();
    if (pg->stopped || (!force && now - pg->last < GA_PROGRESS_EVERY_MS))
        return pg->stopped;
    pg->last = now;
    if (pg->fn(pg->arg, pg->inc, pg->bound, now - pg->t0))
        pg->stopped = 1;
    return pg->stopped;
}

int ga_progress_mip(void *arg, double inc, double bound)
{
    return ga_progress_note(arg, inc, bound, 0);
}

int ga_progress_stopped(const ga_progress *pg)
{
    return pg && pg->stopped;
}
