/*
 * rl.h - the learned autoscaling policy (issue 11): an actor-critic network
 * (lib/learn) deciding at each decision interval of the simulator from the
 * environment's normalised observation of the past (ga_sim_observe).
 *
 * Two kinds of model, told apart by their dimensions:
 *   plain    (GA_RL_PLAIN_OBS = 12 observations, 5 actions): the
 *            environment's own actions (gpuarb.h GPUARB_SIM_HOLD, OD_UP,
 *            OD_DOWN, SPOT_UP, SPOT_DOWN, by one node);
 *   residual (GA_RL_OBS = 13: the 12 and auto's proposed purchases over
 *            max_nodes; GA_RL_ACTIONS = 4): 0 do what auto does, 1 auto
 *            without its purchases (wait), 2 auto and one node more (in the
 *            market auto buys in), 3 auto without giving back idle nodes.
 * The residual kind starts at auto and learns where to depart from it (as
 * lib/spot/spot_rl.c does for the spot job).
 */
#ifndef GPUARB_POLICY_RL_H
#define GPUARB_POLICY_RL_H

#include "learn/learn.h"
#include "policy/policy.h"

#define GA_RL_PLAIN_OBS 12
#define GA_RL_PLAIN_ACTIONS 5
#define GA_RL_OBS 13
#define GA_RL_ACTIONS 4

typedef struct ga_rl_policy {
    ga_net *net;
    int32_t residual;     /* 1: residual kind */
    ga_policy *base;      /* auto's rules (residual kind) */
    double obs[GA_RL_OBS];
    char name[160];
} ga_rl_policy;

/* Load "rl" (the shipped model) or "rl:FILE".  Errors: GPUARB_ERR_INPUT (a
 * file that is not a model, or a model of another shape), GPUARB_ERR_IO,
 * GPUARB_ERR_ARG (a policy string that is not rl), GPUARB_ERR_NOMEM. */
gpuarb_status ga_rl_policy_open(gpuarb_ctx *ctx, const char *spec, ga_rl_policy **out);
/* The same over a network already in memory (taken over: freed with p). */
gpuarb_status ga_rl_policy_wrap(gpuarb_ctx *ctx, ga_net *net, const char *name,
                                ga_rl_policy **out);
void ga_rl_policy_free(ga_rl_policy *p);
/* 1 when spec names the RL policy ("rl" or "rl:..."). */
int ga_rl_is_spec(const char *spec);
/* The ga_policy_fn; arg is the ga_rl_policy. */
gpuarb_status ga_rl_decide(void *arg, gpuarb_ctx *ctx, const ga_sim *s, ga_sim_action *act);

/* The residual observation (GA_RL_OBS values) and the action auto proposes
 * (base is auto's ga_policy); the network is not consulted. */
gpuarb_status ga_rl_features(gpuarb_ctx *ctx, ga_policy *base, const ga_sim *s, double *obs,
                             ga_sim_action *base_act);
/* Action a of a residual model applied to auto's action. */
void ga_rl_residual(int32_t a, const ga_sim *s, ga_sim_action *act);
/* Action a of a plain model (the environment's actions, one node). */
void ga_rl_plain(int32_t a, ga_sim_action *act);

#endif
