/*
 * api.c - the public face of the simulator: gpuarb_simulate (a named
 * policy), gpuarb_simulate_fn (a caller's policy function over the
 * observation vector, the door for a learned policy), the result, its
 * SPEC section 6 JSON and its table (with attr.c's cost by team and
 * project), and the reinforcement-learning environment
 * (reset/step with the objective's increments as rewards).  Returns
 * GPUARB_ERR_ARG on misuse, the policy parser's errors, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/writer.h"
#include "policy/policy.h"
#include "policy/rl.h"
#include "sim/sim.h"

static gpuarb_status check(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                           const gpuarb_trace *trace, const void *out)
{
    if (!cfg || !trace || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "simulate: the configuration, trace and out pointer are required");
    return GPUARB_OK;
}

static gpuarb_status finish(gpuarb_ctx *ctx, const ga_sim *s, const char *name,
                            gpuarb_sim_result **out)
{
    gpuarb_sim_result *res = ga_calloc(1, sizeof *res);
    if (!res || !(res->policy = ga_strdup(name ? name : ""))) {
        free(res);
        return ga_nomem(ctx);
    }
    gpuarb_status st = ga_sim_result_fill(ctx, s, res);
    if (!st)
        st = ga_sim_result_attribute(ctx, s, res);
    if (st) {
        gpuarb_sim_result_free(res);
        return st;
    }
    *out = res;
    return GPUARB_OK;
}

gpuarb_status gpuarb_simulate(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                              const gpuarb_trace *trace, const char *policy, uint64_t seed,
                              gpuarb_sim_result **out)
{
    gpuarb_status st = check(ctx, cfg, trace, out);
    if (st)
        return st;
    *out = NULL;
    ga_policy *p = NULL;
    ga_sim *s = NULL;
    if (ga_rl_is_spec(policy)) { /* the learned policy (lib/policy/rl.c) */
        ga_rl_policy *rl = NULL;
        if (!(st = ga_rl_policy_open(ctx, policy, &rl)) &&
            !(st = ga_sim_new(ctx, cfg, trace, seed, &s)) &&
            !(st = ga_sim_run(ctx, s, ga_rl_decide, rl)))
            st = finish(ctx, s, policy, out);
        ga_sim_free(s);
        ga_rl_policy_free(rl);
        return st;
    }
    if (!(st = ga_policy_parse(ctx, policy, &p)) && !(st = ga_sim_new(ctx, cfg, trace, seed, &s)) &&
        !(st = ga_sim_run(ctx, s, ga_policy_decide, p)))
        st = finish(ctx, s, strcmp(policy, "auto") == 0 ? "auto" : p->name, out);
    ga_sim_free(s);
    ga_policy_free(p);
    return st;
}

/* ---- a caller's policy function ---- */

typedef struct fn_policy {
    gpuarb_sim_policy_fn fn;
    void *arg;
    int32_t step;
} fn_policy;

static void action_of(int32_t a, int32_t step, ga_sim_action *act)
{
    memset(act, 0, sizeof *act);
    switch (a) {
    case GPUARB_SIM_OD_UP: act->add_od = step; break;
    case GPUARB_SIM_OD_DOWN: act->drop_od = step; break;
    case GPUARB_SIM_SPOT_UP: act->add_spot = step; break;
    case GPUARB_SIM_SPOT_DOWN: act->drop_spot = step; break;
    default: break;
    }
}

static gpuarb_status fn_decide(void *arg, gpuarb_ctx *ctx, const ga_sim *s, ga_sim_action *act)
{
    (void)ctx;
    fn_policy *f = arg;
    double obs[GA_SIM_OBS];
    ga_sim_observe(s, obs);
    action_of(f->fn(f->arg, obs, GA_SIM_OBS), f->step, act);
    return GPUARB_OK;
}

gpuarb_status gpuarb_simulate_fn(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                                 const gpuarb_trace *trace, const char *name,
                                 gpuarb_sim_policy_fn fn, void *arg, int32_t step, uint64_t seed,
                                 gpuarb_sim_result **out)
{
    gpuarb_status st = check(ctx, cfg, trace, out);
    if (st)
        return st;
    *out = NULL;
    if (!fn || step < 1)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "simulate: a policy function and a step of at least one node are "
                        "required");
    fn_policy f = {fn, arg, step};
    ga_sim *s = NULL;
    if (!(st = ga_sim_new(ctx, cfg, trace, seed, &s)) && !(st = ga_sim_run(ctx, s, fn_decide, &f)))
        st = finish(ctx, s, name ? name : "function", out);
    ga_sim_free(s);
    return st;
}

/* ---- results ---- */

void gpuarb_sim_result_free(gpuarb_sim_result *res)
{
    if (!res)
        return;
    free(res->policy);
    ga_sim_result_attr_free(res);
    free(res);
}

gpuarb_status gpuarb_sim_result_summary(const gpuarb_sim_result *res, gpuarb_sim_summary *out)
{
    if (!res || !out || out->size < sizeof *out)
        return GPUARB_ERR_ARG;
    out->stalled = res->stalled;
    out->jobs = res->jobs;
    out->jobs_done = res->jobs_done;
    out->preemptions = res->preemptions;
    out->events = res->events;
    out->cost = res->cost;
    out->gpu_hours_paid = res->gpu_hours_paid;
    out->gpu_hours_busy = res->gpu_hours_busy;
    out->utilization = res->utilization;
    out->mean_wait_h = res->mean_wait_h;
    out->p95_wait_h = res->p95_wait_h;
    out->wait_gpu_hours = res->wait_gpu_hours;
    out->objective = res->objective;
    out->sim_hours = res->sim_hours;
    return GPUARB_OK;
}

/* The result's members in SPEC section 6 order, then (JSON) the cost
 * attribution; the table writes the scalars as YAML and the attribution
 * as its own sections. */
static void put_result(ga_writer *w, const gpuarb_sim_result *res, int attr)
{
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "policy", res->policy);
    ga_w_kv_int(w, "seed", (int64_t)res->seed);
    ga_w_kv_int(w, "jobs", res->jobs);
    ga_w_kv_int(w, "jobs_done", res->jobs_done);
    ga_w_kv_money(w, "cost", res->cost);
    ga_w_kv_num(w, "gpu_hours_paid", res->gpu_hours_paid);
    ga_w_kv_num(w, "gpu_hours_busy", res->gpu_hours_busy);
    ga_w_kv_num(w, "utilization", res->utilization);
    ga_w_kv_num(w, "mean_wait_h", res->mean_wait_h);
    ga_w_kv_num(w, "p95_wait_h", res->p95_wait_h);
    ga_w_kv_int(w, "preemptions", res->preemptions);
    ga_w_kv_money(w, "objective", res->objective);
    ga_w_kv_num(w, "wait_gpu_hours", res->wait_gpu_hours);
    ga_w_kv_int(w, "jobs_unschedulable", res->jobs_never);
    ga_w_kv_int(w, "spot_refused", res->spot_rejected);
    ga_w_kv_int(w, "moves", res->moves);
    ga_w_kv_int(w, "decisions", res->decisions);
    ga_w_kv_int(w, "events", res->events);
    ga_w_kv_num(w, "sim_hours", res->sim_hours);
    ga_w_kv_bool(w, "stalled", res->stalled);
    if (attr)
        ga_sim_attr_json(w, res);
    ga_w_obj_end(w);
}

gpuarb_status gpuarb_sim_result_to_json(gpuarb_ctx *ctx, const gpuarb_sim_result *res,
                                        char **out)
{
    if (!res || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "result to JSON: NULL argument");
    *out = NULL;
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
    put_result(&w, res, 1);
    return ga_w_finish(&w, ctx, out);
}

gpuarb_status gpuarb_sim_result_to_table(gpuarb_ctx *ctx, const gpuarb_sim_result *res,
                                         char **out)
{
    if (!res || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "result to table: NULL argument");
    *out = NULL;
    ga_writer w;
    ga_w_init(&w, GA_W_YAML, 0);
    put_result(&w, res, 0);
    char *head = NULL;
    gpuarb_status st = ga_w_finish(&w, ctx, &head);
    if (st)
        return st;
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_puts(&b, head);
    gpuarb_free(head);
    ga_sim_attr_table(&b, res);
    *out = ga_sb_take(&b);
    return *out ? GPUARB_OK : ga_nomem(ctx);
}

/* ---- the environment ---- */

struct gpuarb_sim_env {
    const gpuarb_sim_config *cfg;
    const gpuarb_trace *trace;
    int32_t step;
    ga_sim *s;
    double last_obj;
};

gpuarb_status gpuarb_sim_env_create(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                                    const gpuarb_trace *trace, int32_t step,
                                    gpuarb_sim_env **out)
{
    gpuarb_status st = check(ctx, cfg, trace, out);
    if (st)
        return st;
    *out = NULL;
    if (step < 1)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "environment: the step must be at least one node");
    gpuarb_sim_env *e = ga_calloc(1, sizeof *e);
    if (!e)
        return ga_nomem(ctx);
    e->cfg = cfg;
    e->trace = trace;
    e->step = step;
    *out = e;
    return GPUARB_OK;
}

void gpuarb_sim_env_free(gpuarb_sim_env *env)
{
    if (!env)
        return;
    ga_sim_free(env->s);
    free(env);
}

static gpuarb_status env_run(gpuarb_ctx *ctx, gpuarb_sim_env *e, double *obs, double *reward,
                             int32_t *done)
{
    int r = ga_sim_advance(ctx, e->s);
    if (r < 0)
        return GPUARB_ERR_NOMEM;
    double obj = ga_sim_objective_now(e->s);
    if (reward)
        *reward = -(obj - e->last_obj);
    e->last_obj = obj;
    if (obs)
        ga_sim_observe(e->s, obs);
    if (done)
        *done = r == 0;
    return GPUARB_OK;
}

gpuarb_status gpuarb_sim_env_reset(gpuarb_ctx *ctx, gpuarb_sim_env *env, uint64_t seed,
                                   double *obs, int32_t *done)
{
    if (!env)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "environment: NULL handle");
    ga_sim_free(env->s);
    env->s = NULL;
    env->last_obj = 0;
    gpuarb_status st = ga_sim_new(ctx, env->cfg, env->trace, seed, &env->s);
    if (st)
        return st;
    return env_run(ctx, env, obs, NULL, done);
}

gpuarb_status gpuarb_sim_env_step(gpuarb_ctx *ctx, gpuarb_sim_env *env, int32_t action,
                                  double *obs, double *reward, int32_t *done)
{
    if (!env || !env->s)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "environment: reset it before the first step");
    if (env->s->finished) {
        if (reward)
            *reward = 0;
        if (done)
            *done = 1;
        if (obs)
            ga_sim_observe(env->s, obs);
        return GPUARB_OK;
    }
    ga_sim_action act;
    action_of(action, env->step, &act);
    gpuarb_status st = ga_sim_apply(ctx, env->s, &act);
    if (st)
        return st;
    return env_run(ctx, env, obs, reward, done);
}

gpuarb_status gpuarb_sim_env_result(gpuarb_ctx *ctx, const gpuarb_sim_env *env,
                                    gpuarb_sim_result **out)
{
    if (!env || !env->s || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "environment: no episode (reset it first) or out is NULL");
    *out = NULL;
    return finish(ctx, env->s, "env", out);
}
