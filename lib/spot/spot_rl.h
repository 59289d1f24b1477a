/*
 * spot_rl.h - the spot job as a reinforcement-learning environment for
 * lib/learn, and the learned policy's replay.
 *
 * The agent decides only where a decision exists: while the job is on a
 * spot instance it stays (the paper's Exploitation Rule), once the Safety
 * Net has fired it stays on on-demand, and leaving on-demand or idle while
 * R(t) < C(t) + 2d fires the Safety Net instead of the agent's choice; so
 * no learned policy can miss a deadline the rules would meet.  Actions:
 * 0 what auto's rules would do, 1 idle, 2 spot (idle when unavailable),
 * 3 on-demand: a residual policy, which starts from auto and learns where
 * to depart from it (plain idle/spot/on-demand actions collapsed to greedy
 * in training: an on-demand hour costs at once, its benefit comes hours
 * later).  Reward: minus the
 * cost since the last decision, in units of the job's on-demand cost / 10.
 * Observation (GA_SPOT_RL_OBS values): t / R0, C / C0, slack (R - C) / R0,
 * (cp - ep) / C0, the instance one-hot (3), spot available, its streak
 * (ticks, / 36, capped at 1), availability over the past day, changeover
 * left / d, and (R - C - 2d) in units of 10 h.
 */
#ifndef GPUARB_SPOT_RL_H
#define GPUARB_SPOT_RL_H

#include "learn/learn.h"
#include "spot/spot.h"

#define GA_SPOT_RL_OBS 12
#define GA_SPOT_RL_ACTIONS 4

/* The features of an observation. */
void ga_spot_rl_features(const ga_spot_obs *o, double *x);

/* Training environment over (trace, start) pairs drawn at random (seeded
 * by the reset seed) from the lists given; all borrowed. */
typedef struct ga_spot_env {
    const ga_spot_trace *const *traces;
    const size_t *const *starts; /* starts[i]: nstarts[i] start ticks of trace i */
    const size_t *nstarts;
    size_t ntraces;
    ga_spot_job job;
    /* state */
    ga_spot_sim sim;
    ga_spot_rule rule;
    int latched;
    uint64_t rs;
} ga_spot_env;

void ga_spot_env_bind(ga_spot_env *e, ga_env *env);

/* Replay one job from start with the network deciding (allocation-free). */
void ga_spot_net_replay(ga_net *net, ga_spot_sim *s, const ga_spot_trace *tr,
                        const ga_spot_job *job, size_t start);
/* Load a model and check it is a spot policy (GPUARB_ERR_INPUT if not). */
gpuarb_status ga_spot_net_load(gpuarb_ctx *ctx, const char *path, ga_net **out);

#endif
