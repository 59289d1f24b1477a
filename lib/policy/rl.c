/*
 * rl.c - the learned autoscaling policy (rl.h) and its training by PPO
 * through lib/learn (gpuarb_rl_train).
 *
 * Inference: ga_sim_observe (the environment's normalised observation of
 * the past), for the residual kind auto's proposal as a thirteenth value,
 * then ga_net_act, which never allocates; auto's own rules may (the packing
 * module sizes the queue).  Training: each episode is one whole simulation
 * of a training trace drawn at random, with a random simulator seed (where
 * in the spot availability trace the run starts); the reward of a decision
 * is minus the objective (cost + wait penalty) accrued until the next one,
 * in units of the whole pool (max_nodes) on demand for one decision
 * interval.  Errors inside
 * the environment (out of memory) end the episode and are returned after
 * the update.  Returns GPUARB_ERR_ARG, GPUARB_ERR_INPUT, GPUARB_ERR_IO,
 * GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy/rl.h"

/* The shipped model: GA_RL_MODEL (bytes of a lib/learn model file). */
#include "policy/rl_model.inc"

int ga_rl_is_spec(const char *spec)
{
    return spec && strncmp(spec, "rl", 2) == 0 && (spec[2] == '\0' || spec[2] == ':');
}

void ga_rl_policy_free(ga_rl_policy *p)
{
    if (!p)
        return;
    ga_net_free(p->net);
    ga_policy_free(p->base);
    free(p);
}

gpuarb_status ga_rl_policy_wrap(gpuarb_ctx *ctx, ga_net *net, const char *name,
                                ga_rl_policy **out)
{
    *out = NULL;
    int residual = net->obs_dim == GA_RL_OBS && net->n_actions == GA_RL_ACTIONS;
    int plain = net->obs_dim == GA_RL_PLAIN_OBS && net->n_actions == GA_RL_PLAIN_ACTIONS;
    if (!residual && !plain) {
        gpuarb_status st = ga_error(
            ctx, GPUARB_ERR_INPUT, name, 0, 0, NULL,
            "not an autoscaling policy: %d observations and %d actions, where an autoscaling "
            "model has %d and %d (residual) or %d and %d (plain)",
            (int)net->obs_dim, (int)net->n_actions, GA_RL_OBS, GA_RL_ACTIONS, GA_RL_PLAIN_OBS,
            GA_RL_PLAIN_ACTIONS);
        ga_net_free(net);
        return st;
    }
    ga_rl_policy *p = ga_calloc(1, sizeof *p);
    if (!p) {
        ga_net_free(net);
        return ga_nomem(ctx);
    }
    p->net = net;
    p->residual = residual;
    ga_snprintf_c(p->name, sizeof p->name, "%s", name);
    if (residual) {
        gpuarb_status st = ga_policy_parse(ctx, GA_POLICY_AUTO, &p->base);
        if (st) {
            ga_rl_policy_free(p);
            return st;
        }
    }
    *out = p;
    return GPUARB_OK;
}

gpuarb_status ga_rl_policy_open(gpuarb_ctx *ctx, const char *spec, ga_rl_policy **out)
{
    *out = NULL;
    if (!ga_rl_is_spec(spec))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "policy '%.100s' is not rl or rl:FILE", spec ? spec : "");
    ga_net *net = NULL;
    gpuarb_status st;
    if (spec[2] == '\0') {
        st = ga_net_from_bytes(ctx, GA_RL_MODEL, sizeof GA_RL_MODEL, "shipped rl model", &net);
    } else {
        if (!spec[3])
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                            "policy 'rl:': name the model file after the colon");
        st = ga_net_load(ctx, spec + 3, &net);
    }
    if (st)
        return st;
    return ga_rl_policy_wrap(ctx, net, spec, out);
}

gpuarb_status ga_rl_features(gpuarb_ctx *ctx, ga_policy *base, const ga_sim *s, double *obs,
                             ga_sim_action *base_act)
{
    gpuarb_status st = ga_policy_decide(base, ctx, s, base_act);
    if (st)
        return st;
    ga_sim_observe(s, obs);
    double add = (double)base_act->add_od + base_act->add_spot;
    obs[GA_RL_PLAIN_OBS] = add / (double)s->cfg->max_nodes;
    return GPUARB_OK;
}

void ga_rl_residual(int32_t a, const ga_sim *s, ga_sim_action *act)
{
    switch (a) {
    case 1: /* wait: no purchases this interval */
        act->add_od = act->add_spot = 0;
        break;
    case 2: { /* one node more, where auto buys */
        ga_sim_view v;
        ga_sim_view_get(s, &v);
        if (act->add_spot > 0 || (act->add_od == 0 && v.spot_open))
            act->add_spot++;
        else
            act->add_od++;
        break;
    }
    case 3: /* keep the idle nodes */
        act->drop_od = act->drop_spot = 0;
        break;
    default:
        break;
    }
}

void ga_rl_plain(int32_t a, ga_sim_action *act)
{
    memset(act, 0, sizeof *act);
    switch (a) {
    case GPUARB_SIM_OD_UP: act->add_od = 1; break;
    case GPUARB_SIM_OD_DOWN: act->drop_od = 1; break;
    case GPUARB_SIM_SPOT_UP: act->add_spot = 1; break;
    case GPUARB_SIM_SPOT_DOWN: act->drop_spot = 1; break;
    default: break;
    }
}

gpuarb_status ga_rl_decide(void *arg, gpuarb_ctx *ctx, const ga_sim *s, ga_sim_action *act)
{
    ga_rl_policy *p = arg;
    if (!p->residual) {
        ga_sim_observe(s, p->obs);
        ga_rl_plain(ga_net_act(p->net, p->obs), act);
        return GPUARB_OK;
    }
    gpuarb_status st = ga_rl_features(ctx, p->base, s, p->obs, act);
    if (st)
        return st;
    ga_rl_residual(ga_net_act(p->net, p->obs), s, act);
    return GPUARB_OK;
}

/* ---- training ---- */

typedef struct rl_env {
    gpuarb_ctx *ctx;
    const gpuarb_sim_config *cfg;
    const gpuarb_trace *const *traces;
    size_t ntraces;
    int32_t residual;
    ga_policy *base;
    ga_sim *s;
    ga_sim_action base_act;
    double last_obj, unit;
    uint64_t rs;
    gpuarb_status err;
} rl_env;

static uint64_t xs(uint64_t *r)
{
    *r ^= *r << 13;
    *r ^= *r >> 7;
    *r ^= *r << 17;
    return *r;
}

/* The observation at the decision s is at (base_act filled for residual). */
static void env_observe(rl_env *e, double *obs)
{
    if (!e->residual) {
        ga_sim_observe(e->s, obs);
        return;
    }
    gpuarb_status st = ga_rl_features(e->ctx, e->base, e->s, obs, &e->base_act);
    if (st && !e->err)
        e->err = st;
}

/* A new episode that has at least one decision; 0, or -1 when it could not
 * be started (e->err set; obs zeroed). */
static int env_new_episode(rl_env *e, double *obs)
{
    for (int tries = 0; tries < 64 && !e->err; tries++) {
        ga_sim_free(e->s);
        e->s = NULL;
        size_t i = (size_t)(xs(&e->rs) % e->ntraces);
        uint64_t seed = xs(&e->rs) >> 16;
        gpuarb_status st = ga_sim_new(e->ctx, e->cfg, e->traces[i], seed, &e->s);
        if (st) {
            e->err = st;
            break;
        }
        ga_policy_reset(e->base);
        int r = ga_sim_advance(e->ctx, e->s);
        if (r < 0) {
            e->err = GPUARB_ERR_NOMEM;
            break;
        }
        if (r == 0)
            continue;
        e->last_obj = ga_sim_objective_now(e->s);
        env_observe(e, obs);
        return 0;
    }
    if (!e->err)
        e->err = ga_error(e->ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL,
                          "rl train: the training traces give the policy no decision to make");
    memset(obs, 0, (e->residual ? GA_RL_OBS : GA_RL_PLAIN_OBS) * sizeof *obs);
    return -1;
}

static void env_reset(void *state, uint64_t seed, double *obs)
{
    rl_env *e = state;
    e->rs = seed * 0x9e3779b97f4a7c15u + 0xa7u;
    if (!e->rs)
        e->rs = 1;
    env_new_episode(e, obs);
}

static int env_step(void *state, int32_t a, double *obs, double *reward)
{
    rl_env *e = state;
    *reward = 0;
    if (e->err || !e->s) {
        memset(obs, 0, (e->residual ? GA_RL_OBS : GA_RL_PLAIN_OBS) * sizeof *obs);
        return 1;
    }
    ga_sim_action act;
    if (e->residual) {
        act = e->base_act;
        ga_rl_residual(a, e->s, &act);
    } else {
        ga_rl_plain(a, &act);
    }
    gpuarb_status st = ga_sim_apply(e->ctx, e->s, &act);
    int r = st ? -1 : ga_sim_advance(e->ctx, e->s);
    if (r < 0) {
        e->err = st ? st : GPUARB_ERR_NOMEM;
        memset(obs, 0, (e->residual ? GA_RL_OBS : GA_RL_PLAIN_OBS) * sizeof *obs);
        return 1;
    }
    double obj = ga_sim_objective_now(e->s);
    *reward = -(obj - e->last_obj) / e->unit;
    e->last_obj = obj;
    if (r == 0) {
        env_new_episode(e, obs);
        return 1;
    }
    env_observe(e, obs);
    return 0;
}

void gpuarb_rl_train_opts_init(gpuarb_rl_train_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->hidden = 32;
    o->steps = 100000;
    o->seed = 1;
    o->plain = 0;
    o->lr = 3e-4;
    o->ent_coef = 0.003;
    o->gamma = 0.99;
}

gpuarb_status gpuarb_rl_train(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                              const gpuarb_trace *const *traces, size_t ntraces,
                              const gpuarb_rl_train_opts *opts, const char *out_path,
                              gpuarb_rl_train_stats *stats)
{
    gpuarb_rl_train_opts def;
    if (!opts) {
        gpuarb_rl_train_opts_init(&def);
        opts = &def;
    }
    if (!cfg || !traces || ntraces == 0 || ntraces > 1024 || !out_path || !out_path[0] ||
        opts->size < sizeof *opts)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "rl train: need a configuration, 1 to 1024 traces, an output path and "
                        "options made by gpuarb_rl_train_opts_init");
    for (size_t i = 0; i < ntraces; i++)
        if (!traces[i])
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "rl train: trace %zu is NULL",
                            i);
    if (opts->steps < 1 || opts->steps > ((int64_t)1 << 40) || opts->hidden < 2 ||
        opts->hidden > 1024 || (opts->plain != 0 && opts->plain != 1) || !(opts->lr > 0) ||
        !(opts->lr < 1) || !(opts->ent_coef >= 0) || !(opts->ent_coef < 10) || !(opts->gamma > 0) ||
        !(opts->gamma <= 1))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "rl train: steps 1 to 2^40, hidden 2 to 1024, plain 0 or 1, "
                        "0 < lr < 1, 0 <= ent_coef < 10, 0 < gamma <= 1");
    rl_env e;
    memset(&e, 0, sizeof e);
    e.ctx = ctx;
    e.cfg = cfg;
    e.traces = traces;
    e.ntraces = ntraces;
    e.residual = !opts->plain;
    double od = cfg->od_price >= 0 ? cfg->od_price : cfg->spot_price;
    /* the whole pool on demand for one interval: returns of a few units */
    e.unit = od * cfg->max_nodes * cfg->interval_s / 3600.0;
    if (!(e.unit > 0))
        e.unit = 1;
    gpuarb_status st = ga_policy_parse(ctx, GA_POLICY_AUTO, &e.base);
    ga_net *net = NULL;
    if (!st)
        st = e.residual ? ga_net_create(ctx, GA_RL_OBS, opts->hidden, GA_RL_ACTIONS, opts->seed,
                                        &net)
                        : ga_net_create(ctx, GA_RL_PLAIN_OBS, opts->hidden, GA_RL_PLAIN_ACTIONS,
                                        opts->seed, &net);
    if (!st) {
        if (e.residual)
            net->bp[0] = 3; /* start near auto: "do what auto does" has p = 0.87 */
        ga_env env = {e.residual ? GA_RL_OBS : GA_RL_PLAIN_OBS,
                      e.residual ? GA_RL_ACTIONS : GA_RL_PLAIN_ACTIONS, &e, env_reset, env_step};
        ga_ppo_opts po;
        ga_ppo_opts_init(&po);
        po.total_steps = opts->steps;
        po.lr = opts->lr;
        po.ent_coef = opts->ent_coef;
        po.gamma = opts->gamma;
        po.seed = opts->seed;
        ga_ppo_stats ps = {0};
        st = ga_ppo_train(ctx, net, &env, &po, &ps);
        if (!st && e.err)
            st = e.err;
        if (!st)
            st = ga_net_save(ctx, net, out_path);
        if (!st && stats && stats->size >= sizeof *stats) {
            stats->decisions = ps.steps;
            stats->episodes = ps.episodes;
            stats->last_mean_return = ps.last_mean_return;
        }
    }
    ga_net_free(net);
    ga_sim_free(e.s);
    ga_policy_free(e.base);
    return st;
}
