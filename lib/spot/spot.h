/*
 * spot.h - a deadline job on spot instances with on-demand fallback (Can't
 * Be Late, Wu et al., NSDI'24): the replay of one job over a spot
 * availability trace, the policies (on-demand only, greedy, Uniform
 * Progress, the tuned `auto`, a learned policy), and the offline optimum
 * by dynamic programming.
 *
 * The model is the paper's section 3.1: the job needs C seconds of
 * computation before a deadline R seconds after its start; it is at any
 * moment idle, on a spot instance (only while spot is available) or on an
 * on-demand instance (always available).  Moving to a new instance costs a
 * changeover delay d, charged at the new instance's price, during which no
 * progress is made; going idle costs nothing.  Spot costs 1 per hour,
 * on-demand k (the price ratio), billed per second.  Time advances in the
 * trace's ticks (gap_s): the availability of tick j holds for the whole
 * tick, a spot instance whose tick turns unavailable is preempted at the
 * tick's start, and the policy decides at each tick's start, seeing the
 * past and the present tick's availability only.  A job still unfinished
 * at its deadline is a miss; it then finishes on on-demand (counted in its
 * cost).
 */
#ifndef GPUARB_SPOT_H
#define GPUARB_SPOT_H

#include <stddef.h>
#include <stdint.h>

#include "gpuarb.h"

enum { GA_SPOT_IDLE = 0, GA_SPOT_SPOT = 1, GA_SPOT_OD = 2 };

typedef struct ga_spot_trace {
    double gap_s;        /* seconds per tick, > 0 */
    uint8_t *avail;      /* n ticks, 1 = spot available */
    size_t n;
    int64_t *prefix;     /* n + 1 running sums of avail (history features) */
} ga_spot_trace;

typedef struct ga_spot_job {
    double job_s;        /* C(0) */
    double deadline_s;   /* R(0) */
    double restart_s;    /* d */
    double price_ratio;  /* k > 1: on-demand price over spot price */
} ga_spot_job;

/* One replay in progress. */
typedef struct ga_spot_sim {
    const ga_spot_trace *tr;
    ga_spot_job job;
    size_t start;        /* first tick */
    size_t k;            /* ticks elapsed */
    int cur;             /* GA_SPOT_IDLE / SPOT / OD after this tick's preemption */
    int avail;           /* availability of the current tick */
    double delay_left;   /* changeover seconds still to serve */
    double remaining;    /* C(t) */
    double cost;         /* in spot-hours (spot price 1 per hour) */
    double spot_s, od_s; /* progress made on each */
    double finish_s;     /* elapsed time at completion */
    int done;
    int32_t switches;
} ga_spot_sim;

/* What a policy sees at a tick's start. */
typedef struct ga_spot_obs {
    double t;            /* elapsed seconds */
    double R;            /* time left to the deadline, R(0) - t (may be < 0) */
    double C;            /* computation left */
    double C0, R0, d, k, gap;
    int cur;             /* instance after any preemption */
    int avail;           /* spot available now */
    double delay_left;
    int32_t streak;      /* ticks spot has been available in a row up to now
                            (0 when unavailable; counted up to 255) */
    double hist;         /* fraction of the past GA_SPOT_HIST_H hours with spot */
} ga_spot_obs;

#define GA_SPOT_HIST_H 24.0

void ga_spot_sim_init(ga_spot_sim *s, const ga_spot_trace *tr, const ga_spot_job *job,
                      size_t start);
/* The observation of the current tick (after its preemption, if any). */
void ga_spot_sim_observe(const ga_spot_sim *s, ga_spot_obs *o);
/* Apply choice (GA_SPOT_*; SPOT while unavailable counts as IDLE) for one
 * tick and move to the next tick's start.  No effect once done. */
void ga_spot_sim_step(ga_spot_sim *s, int choice);
/* Fraction of the last w ticks before the current one with spot available
 * (the past only; ticks before the trace count as unavailable). */
double ga_spot_sim_history(const ga_spot_sim *s, size_t w);

/* ---- the hand-written policies ---- */
typedef struct ga_spot_rule {
    int kind;            /* GA_SPOT_POL_* */
    int latched;         /* safety net taken: on-demand to the end */
    /* auto's parameters (see spot.c) */
    double lag_h;        /* on-demand only when behind the uniform line by more */
    double hyst;         /* hysteresis lead, in changeover delays */
    int exit_idle;       /* on-demand may be left for idle (UP: yes) */
    int32_t min_streak;  /* on-demand is left for spot only after this many
                            ticks of availability in a row (UP: 1) */
} ga_spot_rule;

enum {
    GA_SPOT_POL_ONDEMAND = 0,
    GA_SPOT_POL_GREEDY = 1,
    GA_SPOT_POL_UP = 2,
    GA_SPOT_POL_OMNISCIENT = 3,
    GA_SPOT_POL_AUTO = 4,
    GA_SPOT_POL_RL = 5
};

/* auto's parameters: Uniform Progress's rules with these two moved (chosen
 * on training starts; bench_spot prints the search) */
#define GA_SPOT_AUTO_LAG_H 1.0
#define GA_SPOT_AUTO_HYST 0.0
#define GA_SPOT_AUTO_EXIT_IDLE 0
#define GA_SPOT_AUTO_MIN_STREAK 3

void ga_spot_rule_init(ga_spot_rule *p, int kind);
/* The rule's choice for the tick o describes. */
int ga_spot_rule_decide(ga_spot_rule *p, const ga_spot_obs *o);

/* The Safety Net's condition R(t) < C(t) + 2d (plus gap - d when a tick
 * is longer than d). */
int ga_spot_safety(const ga_spot_obs *o);

/* Replay the whole job from start under a rule; the outcome is in *s. */
void ga_spot_replay(ga_spot_sim *s, const ga_spot_trace *tr, const ga_spot_job *job,
                    size_t start, ga_spot_rule *p);

/* ---- the offline optimum ---- */
/* The least cost (spot-hours) of finishing the job by its deadline from
 * tick start, with the whole trace known, deciding at tick starts as the
 * online policies do; time is counted in units of u = gcd(gap, d, C, R)
 * whole seconds, so the optimum is exact for inputs in whole seconds.
 * *spot_s: the spot progress of one optimal plan.  Returns 1 with the
 * optimum, 0 when no plan meets the deadline (C > R), -1 when memory ran
 * out, -2 when the state space is past GA_SPOT_DP_MAX_CELLS. */
#define GA_SPOT_DP_MAX_CELLS 400000000.0
struct gpuarb_spot_opts;
/* The trace inside a public handle (borrowed). */
const ga_spot_trace *ga_spot_trace_of(const gpuarb_spot_trace *t);
void ga_spot_job_from_opts(const struct gpuarb_spot_opts *o, ga_spot_job *job);
/* count start ticks drawn uniformly (seeded) so that the deadline fits in
 * the first `usable` ticks; GPUARB_ERR_INPUT when it cannot. */
gpuarb_status ga_spot_starts(gpuarb_ctx *ctx, const ga_spot_trace *tr, const ga_spot_job *job,
                             size_t usable, int32_t count, uint64_t seed, size_t *starts);
int ga_spot_optimum(const ga_spot_trace *tr, const ga_spot_job *job, size_t start,
                    double *cost, double *spot_s);

#endif
