/*
 * spot_api.c - the public spot API (gpuarb.h, "spot with a deadline"): the
 * availability trace reader (the JSON of ../shared/data/spot_traces:
 * {"metadata": {"gap_seconds": N}, "data": [counts...]}, a count of 1 or
 * more meaning spot is available for a one-instance job), the replay of a
 * job from seeded random start points under one policy, and the summary's
 * JSON (SPEC section 6).
 *
 * Returns GPUARB_ERR_ARG (misuse, bad options), GPUARB_ERR_SYNTAX /
 * GPUARB_ERR_INPUT with the trace's line, column and key path,
 * GPUARB_ERR_LIMIT (a trace past its bounds, an optimum too large to
 * compute), GPUARB_ERR_IO, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/rng.h"
#include "io/doc.h"
#include "io/docread.h"
#include "io/writer.h"
#include "spot/spot.h"
#include "spot/spot_rl.h"

#define SPOT_OPTS_V1 112
#define SPOT_SUMMARY_V1 128
#define SPOT_MAX_STARTS 100000
#define SPOT_MAX_TICKS 10000000

struct gpuarb_spot_trace {
    ga_spot_trace t;
};

void gpuarb_spot_trace_free(gpuarb_spot_trace *t)
{
    if (!t)
        return;
    free(t->t.avail);
    free(t->t.prefix);
    free(t);
}

static gpuarb_status read_trace(gpuarb_ctx *ctx, const ga_doc *doc, gpuarb_spot_trace **out)
{
    ga_rd r;
    ga_rd_init(&r, ctx, doc->source);
    const ga_doc_node *root = doc->root;
    gpuarb_status st = ga_rd_kind(&r, root, GA_DOC_MAP);
    if (st != GPUARB_OK)
        return st;
    const ga_doc_node *meta = ga_doc_get(root, "metadata"), *data = ga_doc_get(root, "data");
    if (!meta)
        return ga_rd_fail(&r, root, "a spot trace needs \"metadata\": {\"gap_seconds\": N}");
    if (!data)
        return ga_rd_fail(&r, root, "a spot trace needs \"data\": [...]");
    size_t mark = ga_rd_push_key(&r, "metadata");
    if ((st = ga_rd_kind(&r, meta, GA_DOC_MAP)) != GPUARB_OK)
        return st;
    const ga_doc_node *gap = ga_doc_get(meta, "gap_seconds");
    if (!gap)
        return ga_rd_fail(&r, meta, "\"gap_seconds\" is missing");
    double gap_s;
    ga_rd_push_key(&r, "gap_seconds");
    if ((st = ga_rd_number(&r, gap, GA_RD_CLOSED(1, 86400), &gap_s)) != GPUARB_OK)
        return st;
    ga_rd_pop(&r, mark);
    mark = ga_rd_push_key(&r, "data");
    if ((st = ga_rd_kind(&r, data, GA_DOC_SEQ)) != GPUARB_OK)
        return st;
    if (data->n == 0)
        return ga_rd_fail(&r, data, "the trace has no ticks");
    if (data->n > SPOT_MAX_TICKS)
        return ga_rd_fail_at(&r, GPUARB_ERR_LIMIT, data->line, data->col,
                             "more than %d ticks", SPOT_MAX_TICKS);
    gpuarb_spot_trace *t = ga_calloc(1, sizeof *t);
    if (!t)
        return ga_nomem(ctx);
    t->t.gap_s = gap_s;
    t->t.n = data->n;
    t->t.avail = ga_mallocarray(data->n, 1);
    t->t.prefix = ga_mallocarray(data->n + 1, sizeof *t->t.prefix);
    if (!t->t.avail || !t->t.prefix) {
        gpuarb_spot_trace_free(t);
        return ga_nomem(ctx);
    }
    t->t.prefix[0] = 0;
    for (size_t i = 0; i < data->n; i++) {
        size_t m2 = ga_rd_push_index(&r, i);
        double v;
        st = ga_rd_number(&r, data->items[i], GA_RD_AT_LEAST(0), &v);
        ga_rd_pop(&r, m2);
        if (st != GPUARB_OK) {
            gpuarb_spot_trace_free(t);
            return st;
        }
        t->t.avail[i] = v >= 1;
        t->t.prefix[i + 1] = t->t.prefix[i] + t->t.avail[i];
    }
    ga_rd_pop(&r, mark);
    *out = t;
    return GPUARB_OK;
}

gpuarb_status gpuarb_spot_trace_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                      const char *source, gpuarb_spot_trace **out)
{
    ga_doc doc = {0};
    gpuarb_status st = ga_doc_from_text(ctx, out != NULL, text, len, source, &doc);
    if (st == GPUARB_OK) {
        *out = NULL;
        st = read_trace(ctx, &doc, out);
    }
    ga_doc_free(&doc);
    return st;
}

gpuarb_status gpuarb_spot_trace_load(gpuarb_ctx *ctx, const char *path,
                                     gpuarb_spot_trace **out)
{
    ga_doc doc = {0};
    gpuarb_status st = ga_doc_load(ctx, out != NULL, path, &doc);
    if (st == GPUARB_OK) {
        *out = NULL;
        st = read_trace(ctx, &doc, out);
    }
    ga_doc_free(&doc);
    return st;
}

const ga_spot_trace *ga_spot_trace_of(const gpuarb_spot_trace *t)
{
    return t ? &t->t : NULL;
}

int64_t gpuarb_spot_trace_ticks(const gpuarb_spot_trace *t)
{
    return t ? (int64_t)t->t.n : 0;
}

double gpuarb_spot_trace_gap_s(const gpuarb_spot_trace *t)
{
    return t ? t->t.gap_s : 0;
}

/* ---- options, policies ---- */

static const char *const POLICY_NAMES[] = {"ondemand", "greedy", "uniform_progress",
                                           "omniscient", "auto", "rl", NULL};

const char *gpuarb_spot_policy_name(int32_t policy)
{
    return policy >= 0 && policy <= GPUARB_SPOT_RL ? POLICY_NAMES[policy] : "unknown";
}

void gpuarb_spot_opts_init(gpuarb_spot_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->policy = GPUARB_SPOT_AUTO;
    o->job_hours = 48;
    o->deadline_hours = 60;
    o->restart_hours = 0.2;
    o->price_ratio = 3.14;
    o->starts = 300;
    o->max_ticks = 0;
    o->seed = 1;
    o->model_path = NULL;
    o->compare_optimum = 0;
}

static gpuarb_status check_opts(gpuarb_ctx *ctx, const gpuarb_spot_opts *o)
{
    if (o->size < SPOT_OPTS_V1)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "spot: opts->size %u is below sizeof(gpuarb_spot_opts) (%d)",
                        (unsigned)o->size, SPOT_OPTS_V1);
    if (o->policy < 0 || o->policy > GPUARB_SPOT_RL)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "spot: unknown policy %d",
                        (int)o->policy);
    if (!(o->job_hours > 0 && o->job_hours <= 1e5) ||
        !(o->deadline_hours >= o->job_hours && o->deadline_hours <= 1e5))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "spot: need 0 < job hours <= deadline hours <= 100000");
    if (!(o->restart_hours >= 0 && o->restart_hours <= o->deadline_hours))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "spot: the restart delay must be 0 to the deadline");
    if (!(o->price_ratio >= 1 && o->price_ratio <= 1e4))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "spot: the price ratio must be 1 to 10000");
    if (o->starts < 1 || o->starts > SPOT_MAX_STARTS)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "spot: starts must be 1 to %d", SPOT_MAX_STARTS);
    if (o->max_ticks < 0)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "spot: max_ticks must be >= 0");
    if (o->policy == GPUARB_SPOT_RL && (!o->model_path || !o->model_path[0]))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "spot: the rl policy needs a model file");
    return GPUARB_OK;
}

void ga_spot_job_from_opts(const gpuarb_spot_opts *o, ga_spot_job *job)
{
    job->job_s = o->job_hours * 3600;
    job->deadline_s = o->deadline_hours * 3600;
    job->restart_s = o->restart_hours * 3600;
    job->price_ratio = o->price_ratio;
}

gpuarb_status ga_spot_starts(gpuarb_ctx *ctx, const ga_spot_trace *tr, const ga_spot_job *job,
                             size_t usable, int32_t count, uint64_t seed, size_t *starts)
{
    size_t need = (size_t)ceil(job->deadline_s / tr->gap_s);
    if (usable < need)
        return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL,
                        "spot: the trace holds %zu ticks of %g s, fewer than the %zu the "
                        "deadline spans",
                        usable, tr->gap_s, need);
    ga_rng rng;
    ga_rng_seed(&rng, seed, 0x5107u);
    for (int32_t i = 0; i < count; i++)
        starts[i] = (size_t)ga_rng_below(&rng, (uint64_t)(usable - need + 1));
    return GPUARB_OK;
}

gpuarb_status gpuarb_spot_run(gpuarb_ctx *ctx, const gpuarb_spot_trace *trace,
                              const gpuarb_spot_opts *opts, gpuarb_spot_summary *out)
{
    gpuarb_spot_opts def;
    if (!trace || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "spot: trace or out is NULL");
    if (out->size < SPOT_SUMMARY_V1)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "spot: out->size %u is below sizeof(gpuarb_spot_summary) (%d)",
                        (unsigned)out->size, SPOT_SUMMARY_V1);
    if (!opts) {
        gpuarb_spot_opts_init(&def);
        opts = &def;
    }
    gpuarb_status st = check_opts(ctx, opts);
    if (st != GPUARB_OK)
        return st;
    const ga_spot_trace *tr = &trace->t;
    ga_spot_job job;
    ga_spot_job_from_opts(opts, &job);
    size_t usable = opts->max_ticks > 0 && (size_t)opts->max_ticks < tr->n
                        ? (size_t)opts->max_ticks
                        : tr->n;
    size_t *starts = ga_mallocarray((size_t)opts->starts, sizeof *starts);
    if (!starts)
        return ga_nomem(ctx);
    st = ga_spot_starts(ctx, tr, &job, usable, opts->starts, opts->seed, starts);
    ga_net *net = NULL;
    if (st == GPUARB_OK && opts->policy == GPUARB_SPOT_RL)
        st = ga_spot_net_load(ctx, opts->model_path, &net);
    double cost = 0, spot = 0, od = 0, ocost = 0, ospot = 0;
    int32_t misses = 0;
    for (int32_t i = 0; st == GPUARB_OK && i < opts->starts; i++) {
        if (opts->policy == GPUARB_SPOT_OMNISCIENT || opts->compare_optimum) {
            double c, sp;
            int r = ga_spot_optimum(tr, &job, starts[i], &c, &sp);
            if (r == -1)
                st = ga_nomem(ctx);
            else if (r == -2)
                st = ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL,
                              "spot: the optimum's state space is past %.0f cells (a gap, "
                              "delay, job and deadline with a tiny common divisor in seconds)",
                              GA_SPOT_DP_MAX_CELLS);
            else if (r == 0)
                st = ga_error(ctx, GPUARB_ERR_INTERNAL, NULL, 0, 0, NULL,
                              "spot: no plan meets a deadline no shorter than the job");
            if (st != GPUARB_OK)
                break;
            ocost += c;
            ospot += sp;
            if (opts->policy == GPUARB_SPOT_OMNISCIENT) {
                cost += c;
                spot += sp;
                od += job.job_s - sp;
                continue;
            }
        }
        ga_spot_sim s;
        if (net) {
            ga_spot_net_replay(net, &s, tr, &job, starts[i]);
        } else {
            ga_spot_rule p;
            ga_spot_rule_init(&p, opts->policy);
            ga_spot_replay(&s, tr, &job, starts[i], &p);
        }
        cost += s.cost;
        spot += s.spot_s;
        od += s.od_s;
        misses += s.finish_s > job.deadline_s + 1e-6;
    }
    ga_net_free(net);
    free(starts);
    if (st != GPUARB_OK)
        return st;
    double n = (double)opts->starts, base = job.price_ratio * job.job_s / 3600.0;
    gpuarb_spot_summary res;
    memset(&res, 0, sizeof res);
    res.size = out->size < sizeof res ? out->size : (uint32_t)sizeof res;
    res.policy = opts->policy;
    res.starts = opts->starts;
    res.deadline_misses = misses;
    res.normalized_cost = cost / n / base;
    res.spot_hours = spot / n / 3600;
    res.ondemand_hours = od / n / 3600;
    res.has_optimum = opts->compare_optimum || opts->policy == GPUARB_SPOT_OMNISCIENT;
    res.optimum_normalized_cost = res.has_optimum ? ocost / n / base : -1;
    res.optimum_spot_hours = res.has_optimum ? ospot / n / 3600 : -1;
    uint32_t keep = out->size;
    memcpy(out, &res, sizeof res);
    out->size = keep;
    return GPUARB_OK;
}

gpuarb_status gpuarb_spot_summary_to_json(gpuarb_ctx *ctx, const gpuarb_spot_summary *s,
                                          char **out)
{
    if (!out || !s)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "spot: summary or out is NULL");
    *out = NULL;
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
    ga_w_obj_begin(&w);
    ga_w_kv_str(&w, "policy", gpuarb_spot_policy_name(s->policy));
    ga_w_kv_num(&w, "normalized_cost", s->normalized_cost);
    ga_w_kv_int(&w, "deadline_misses", s->deadline_misses);
    ga_w_kv_num(&w, "spot_hours", s->spot_hours);
    ga_w_kv_num(&w, "ondemand_hours", s->ondemand_hours);
    ga_w_kv_int(&w, "starts", s->starts);
    if (s->has_optimum) {
        ga_w_kv_num(&w, "optimum_normalized_cost", s->optimum_normalized_cost);
        ga_w_kv_num(&w, "gap_to_optimum", s->normalized_cost - s->optimum_normalized_cost);
    }
    ga_w_obj_end(&w);
    return ga_w_finish(&w, ctx, out);
}

gpuarb_status gpuarb_spot_train(gpuarb_ctx *ctx, const gpuarb_spot_trace *const *traces,
                                size_t ntraces, const gpuarb_spot_opts *opts, int64_t decisions,
                                const char *out_path, gpuarb_spot_train_stats *stats)
{
    gpuarb_spot_opts def;
    if (!traces || ntraces == 0 || ntraces > 1024 || !out_path || !out_path[0] ||
        decisions < 1 || decisions > ((int64_t)1 << 40))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "spot train: need 1 to 1024 traces, an output path and 1 or more "
                        "decisions");
    for (size_t i = 0; i < ntraces; i++)
        if (!traces[i])
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "spot train: trace %zu is NULL",
                            i);
    if (!opts) {
        gpuarb_spot_opts_init(&def);
        opts = &def;
    }
    gpuarb_spot_opts o = *opts;
    o.policy = GPUARB_SPOT_AUTO; /* the model path is not needed to train */
    gpuarb_status st = check_opts(ctx, &o);
    if (st != GPUARB_OK)
        return st;
    ga_spot_env e;
    memset(&e, 0, sizeof e);
    ga_spot_job_from_opts(&o, &e.job);
    const ga_spot_trace **trs = ga_calloc(ntraces, sizeof *trs);
    size_t **stp = ga_calloc(ntraces, sizeof *stp);
    size_t *ns = ga_calloc(ntraces, sizeof *ns);
    ga_net *net = NULL;
    if (!trs || !stp || !ns)
        st = ga_nomem(ctx);
    for (size_t i = 0; st == GPUARB_OK && i < ntraces; i++) {
        trs[i] = &traces[i]->t;
        ns[i] = (size_t)o.starts;
        stp[i] = ga_mallocarray(ns[i], sizeof **stp);
        if (!stp[i]) {
            st = ga_nomem(ctx);
            break;
        }
        size_t usable = o.max_ticks > 0 && (size_t)o.max_ticks < trs[i]->n ? (size_t)o.max_ticks
                                                                            : trs[i]->n;
        st = ga_spot_starts(ctx, trs[i], &e.job, usable, o.starts, o.seed + i, stp[i]);
    }
    if (st == GPUARB_OK)
        st = ga_net_create(ctx, GA_SPOT_RL_OBS, 32, GA_SPOT_RL_ACTIONS, o.seed, &net);
    if (st == GPUARB_OK) {
        net->bp[0] = 3; /* start near auto: "follow the rules" has p = 0.87 */
        e.traces = trs;
        e.starts = (const size_t *const *)stp;
        e.nstarts = ns;
        e.ntraces = ntraces;
        ga_env env;
        ga_spot_env_bind(&e, &env);
        ga_ppo_opts po;
        ga_ppo_opts_init(&po);
        po.total_steps = decisions;
        po.gamma = 1.0;
        po.lambda = 0.99;
        po.ent_coef = 0.003;
        po.seed = o.seed;
        ga_ppo_stats ps = {0};
        st = ga_ppo_train(ctx, net, &env, &po, &ps);
        if (st == GPUARB_OK)
            st = ga_net_save(ctx, net, out_path);
        if (st == GPUARB_OK && stats && stats->size >= 32) {
            stats->decisions = ps.steps;
            stats->episodes = ps.episodes;
            stats->last_mean_return = ps.last_mean_return;
        }
    }
    ga_net_free(net);
    for (size_t i = 0; stp && i < ntraces; i++)
        free(stp[i]);
    free(stp);
    free(trs);
    free(ns);
    return st;
}
