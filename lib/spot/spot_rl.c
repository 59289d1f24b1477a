/*
 * spot_rl.c - the spot job as an environment for lib/learn and the learned
 * policy's replay (see spot_rl.h).  The rules that keep the deadline (the
 * Safety Net, Exploitation) are applied here around the network, so the
 * network only ever chooses among safe moves.  No allocation.
 */
#include <math.h>
#include <string.h>

#include "base/internal.h"
#include "spot/spot_rl.h"

void ga_spot_rl_features(const ga_spot_obs *o, double *x)
{
    double cp = o->C0 - o->C, ep = o->C0 * o->t / o->R0;
    x[0] = o->t / o->R0;
    x[1] = o->C / o->C0;
    x[2] = (o->R - o->C) / o->R0;
    x[3] = (cp - ep) / o->C0;
    x[4] = o->cur == GA_SPOT_IDLE;
    x[5] = o->cur == GA_SPOT_SPOT;
    x[6] = o->cur == GA_SPOT_OD;
    x[7] = o->avail;
    x[8] = o->streak >= 36 ? 1.0 : o->streak / 36.0;
    x[9] = o->hist;
    x[10] = o->d > 0 ? o->delay_left / o->d : 0;
    x[11] = (o->R - o->C - 2 * o->d) / 36000.0;
}

/* The choice the rules force, or -1 when the agent decides. */
static int forced(const ga_spot_obs *o, int *latched)
{
    if (o->R <= 0 || *latched)
        return GA_SPOT_OD;
    if (o->cur == GA_SPOT_SPOT)
        return GA_SPOT_SPOT;
    if (ga_spot_safety(o)) {
        *latched = 1;
        return GA_SPOT_OD;
    }
    return -1;
}

/* Run forced ticks until the agent has a decision or the job is done;
 * *o is then the decision's observation. */
static void advance(ga_spot_sim *s, int *latched, ga_spot_obs *o)
{
    while (!s->done) {
        ga_spot_sim_observe(s, o);
        int f = forced(o, latched);
        if (f < 0)
            return;
        ga_spot_sim_step(s, f);
    }
}

static const int ACTION[GA_SPOT_RL_ACTIONS] = {-1, GA_SPOT_IDLE, GA_SPOT_SPOT, GA_SPOT_OD};

/* The instance for action a: auto's choice for action 0. */
static int choice_of(int32_t a, ga_spot_rule *rule, const ga_spot_obs *o)
{
    if (a <= 0 || a >= GA_SPOT_RL_ACTIONS)
        return ga_spot_rule_decide(rule, o);
    return ACTION[a];
}

static uint64_t xs(uint64_t *r)
{
    *r ^= *r << 13;
    *r ^= *r >> 7;
    *r ^= *r << 17;
    return *r;
}

/* A new job at a random (trace, start).  A job the rules run from start to
 * end (a deadline with no slack) still gets its one observation: the
 * agent's step on it is a no-op that ends the episode, so training never
 * waits for a start with a decision in it. */
static void env_new_episode(ga_spot_env *e, double *obs)
{
    ga_spot_obs o;
    size_t i = (size_t)(xs(&e->rs) % e->ntraces);
    size_t j = (size_t)(xs(&e->rs) % e->nstarts[i]);
    ga_spot_sim_init(&e->sim, e->traces[i], &e->job, e->starts[i][j]);
    ga_spot_rule_init(&e->rule, GA_SPOT_POL_AUTO);
    e->latched = 0;
    advance(&e->sim, &e->latched, &o);
    if (e->sim.done)
        ga_spot_sim_observe(&e->sim, &o);
    ga_spot_rl_features(&o, obs);
}

static void env_reset(void *state, uint64_t seed, double *obs)
{
    ga_spot_env *e = state;
    e->rs = seed * 0x9e3779b97f4a7c15u + 0x51u;
    if (!e->rs)
        e->rs = 1;
    env_new_episode(e, obs);
}

static int env_step(void *state, int32_t action, double *obs, double *reward)
{
    ga_spot_env *e = state;
    double c0 = e->sim.cost;
    ga_spot_obs now;
    ga_spot_sim_observe(&e->sim, &now);
    ga_spot_sim_step(&e->sim, choice_of(action, &e->rule, &now));
    ga_spot_obs o;
    advance(&e->sim, &e->latched, &o);
    *reward = -(e->sim.cost - c0) / (e->job.price_ratio * e->job.job_s / 3600.0) * 10.0;
    if (e->sim.done) {
        env_new_episode(e, obs);
        return 1;
    }
    ga_spot_rl_features(&o, obs);
    return 0;
}

void ga_spot_env_bind(ga_spot_env *e, ga_env *env)
{
    env->obs_dim = GA_SPOT_RL_OBS;
    env->n_actions = GA_SPOT_RL_ACTIONS;
    env->state = e;
    env->reset = env_reset;
    env->step = env_step;
}

void ga_spot_net_replay(ga_net *net, ga_spot_sim *s, const ga_spot_trace *tr,
                        const ga_spot_job *job, size_t start)
{
    ga_spot_sim_init(s, tr, job, start);
    ga_spot_rule rule;
    ga_spot_rule_init(&rule, GA_SPOT_POL_AUTO);
    int latched = 0;
    ga_spot_obs o;
    double x[GA_SPOT_RL_OBS];
    for (;;) {
        advance(s, &latched, &o);
        if (s->done)
            return;
        ga_spot_rl_features(&o, x);
        ga_spot_sim_step(s, choice_of(ga_net_act(net, x), &rule, &o));
    }
}

gpuarb_status ga_spot_net_load(gpuarb_ctx *ctx, const char *path, ga_net **out)
{
    gpuarb_status st = ga_net_load(ctx, path, out);
    if (st != GPUARB_OK)
        return st;
    if ((*out)->obs_dim != GA_SPOT_RL_OBS || (*out)->n_actions != GA_SPOT_RL_ACTIONS) {
        int d = (*out)->obs_dim, a = (*out)->n_actions;
        ga_net_free(*out);
        *out = NULL;
        return ga_error(ctx, GPUARB_ERR_INPUT, path, 0, 0, NULL,
                        "not a spot policy: %d observations and %d actions, where a spot "
                        "policy has %d and %d",
                        d, a, GA_SPOT_RL_OBS, GA_SPOT_RL_ACTIONS);
    }
    return GPUARB_OK;
}
