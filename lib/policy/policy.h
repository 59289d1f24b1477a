/*
 * policy.h - autoscaling policies for the simulator (policy.c) and the
 * grid-search tuner (tune.c).  A policy decides from the simulator's view
 * of the past and present (sim.h: ga_sim_view and the query functions);
 * none reads the trace.  Policies are named by strings:
 *   "threshold[:up=Q,idle=S,spot=0|1]", "predictive[:margin=M,idle=S,spot=0|1]",
 *   "economic[:patience=P,idle=S,spot=0|1,move=M]",
 *   "auto" (the best of this release; auto.c says which and why).
 */
#ifndef GPUARB_POLICY_H
#define GPUARB_POLICY_H

#include "sim/sim.h"

enum { GA_POL_THRESHOLD = 0, GA_POL_PREDICTIVE = 1, GA_POL_ECONOMIC = 2 };

typedef struct ga_policy {
    int32_t kind;
    int32_t spot;            /* 1: buy spot while the market is open */
    double up;               /* threshold: queued GPUs that trigger a scale-up */
    double idle_s;           /* idle time before a node is given back */
    double margin;           /* predictive: capacity over the forecast peak */
    double patience_s;       /* economic: the head's wait that buys a node anyway */
    double move_s;           /* economic: move on-demand work to spot once the market
                                has been open this long; 0 = never */
    char name[160];          /* canonical string, parameters included */
    /* predictive state: hourly demand history and its forecast */
    double *hist;
    size_t nhist, cap_hist;
    double hour_sum;
    int64_t hour_n;
    int64_t hour_index;      /* hour of the samples in hour_sum */
    double fc_peak;          /* forecast peak over the horizon; -1 none */
    int32_t fc_stale;
} ga_policy;

/* Parse a policy string into *out (a fresh policy, state reset).  Errors:
 * GPUARB_ERR_ARG with the reason (unknown policy or parameter). */
gpuarb_status ga_policy_parse(gpuarb_ctx *ctx, const char *spec, ga_policy **out);
void ga_policy_free(ga_policy *p);
/* Forget the history (a new run). */
void ga_policy_reset(ga_policy *p);
/* The ga_policy_fn of every named policy; arg is the ga_policy. */
gpuarb_status ga_policy_decide(void *arg, gpuarb_ctx *ctx, const ga_sim *s, ga_sim_action *act);

/* The "auto" policy's string (policy.c). */
extern const char GA_POLICY_AUTO[];

#endif
