/*
 * tune.c - gpuarb_tune: grid search of a policy's parameters on training
 * traces under a fixed budget of simulations.  The objective of a
 * candidate is the sum over traces and seeds of the simulation objective
 * (cost plus wait penalty), so every candidate is judged on the same runs.
 * When the grid holds more candidates than the budget pays for, a
 * seed-driven shuffle of the grid picks which are run (the same for the
 * same seed).  Ties go to the earlier candidate in grid order.  Returns
 * GPUARB_ERR_ARG (bad policy, no traces, budget below one candidate),
 * the simulator's errors, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/writer.h"
#include "policy/policy.h"

void gpuarb_tune_opts_init(gpuarb_tune_opts *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->size = sizeof *opts;
    opts->budget = 120;
    opts->seeds = 1;
    opts->seed = 0;
}

static const double TH_UP[] = {0, 2, 4, 8, 16, 32};
static const double PR_MARGIN[] = {0.8, 1.0, 1.2, 1.5};
static const double EC_PATIENCE[] = {0, 3600, 14400};
static const double EC_MOVE[] = {0, 600, 1800, 7200};
static const double IDLE[] = {0, 300, 900, 1800, 3600, 7200};

gpuarb_status gpuarb_tune(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                          const gpuarb_trace *const *traces, int32_t n_traces,
                          const char *policy, const gpuarb_tune_opts *opts, char **best,
                          char **json)
{
    gpuarb_tune_opts o;
    gpuarb_tune_opts_init(&o);
    if (opts) {
        if (opts->size < sizeof o)
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                            "tune: opts.size below %zu", sizeof o);
        o = *opts;
    }
    if (!cfg || !traces || n_traces < 1 || !policy || !best || o.seeds < 1 || o.budget < 1)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "tune: need a configuration, at least one trace, a policy, an out "
                        "pointer, seeds >= 1 and budget >= 1");
    for (int32_t i = 0; i < n_traces; i++)
        if (!traces[i])
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "tune: trace %d is NULL", i);
    *best = NULL;
    if (json)
        *json = NULL;
    int threshold = strcmp(policy, "threshold") == 0, economic = strcmp(policy, "economic") == 0;
    if (!threshold && !economic && strcmp(policy, "predictive") != 0)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "tune: policy '%.100s': expected threshold, predictive or economic",
                        policy);
    /* the grid */
    const double *a = threshold ? TH_UP : economic ? EC_PATIENCE : PR_MARGIN;
    size_t na = threshold  ? sizeof TH_UP / sizeof *TH_UP
                : economic ? sizeof EC_PATIENCE / sizeof *EC_PATIENCE
                           : sizeof PR_MARGIN / sizeof *PR_MARGIN;
    size_t ni = sizeof IDLE / sizeof *IDLE, ns = cfg->has_spot ? 2 : 1;
    size_t nm = economic ? sizeof EC_MOVE / sizeof *EC_MOVE : 1;
    size_t ncand = na * ni * ns * nm;
    int64_t per = (int64_t)n_traces * o.seeds;
    if (o.budget < per)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "tune: a budget of %d simulations does not pay for one candidate "
                        "(%lld runs: traces x seeds)",
                        o.budget, (long long)per);
    size_t run = (size_t)GA_MIN((int64_t)ncand, o.budget / per);
    size_t *order = ga_mallocarray(ncand, sizeof *order);
    double *objs = ga_mallocarray(ncand, sizeof *objs);
    char (*names)[160] = ga_mallocarray(ncand, sizeof *names);
    gpuarb_status st = GPUARB_OK;
    if (!order || !objs || !names) {
        st = ga_nomem(ctx);
        goto out;
    }
    for (size_t c = 0; c < ncand; c++)
        order[c] = c;
    if (run < ncand) {
        ga_rng r;
        ga_rng_seed(&r, o.seed, 0x7e7eu);
        for (size_t c = ncand; c > 1; c--) {
            size_t k = (size_t)ga_rng_below(&r, c);
            size_t t = order[c - 1];
            order[c - 1] = order[k];
            order[k] = t;
        }
        /* evaluate the chosen ones in grid order */
        for (size_t x = 1; x < run; x++)
            for (size_t y = x; y > 0 && order[y - 1] > order[y]; y--) {
                size_t t = order[y];
                order[y] = order[y - 1];
                order[y - 1] = t;
            }
    }
    size_t best_c = SIZE_MAX;
    int64_t sims = 0;
    for (size_t q = 0; q < run && !st; q++) {
        size_t c = order[q];
        size_t im = c % nm, rest = c / nm;
        size_t ia = rest / (ni * ns), ii = rest / ns % ni, is = rest % ns;
        char av[40], iv[40], mv[40];
        ga_fmt_short(av, a[ia]);
        ga_fmt_short(iv, IDLE[ii]);
        ga_snprintf_c(names[c], sizeof names[c], "%s:%s=%s,idle=%s,spot=%d", policy,
                      threshold ? "up" : economic ? "patience" : "margin", av, iv, (int)is);
        if (economic) {
            size_t len = strlen(names[c]);
            ga_fmt_short(mv, EC_MOVE[im]);
            ga_snprintf_c(names[c] + len, sizeof names[c] - len, ",move=%s", mv);
        }
        double sum = 0;
        for (int32_t t = 0; t < n_traces && !st; t++)
            for (int32_t k = 0; k < o.seeds && !st; k++) {
                gpuarb_sim_result *res = NULL;
                st = gpuarb_simulate(ctx, cfg, traces[t], names[c], o.seed + (uint64_t)k, &res);
                if (!st)
                    sum += res->objective;
                gpuarb_sim_result_free(res);
                sims++;
            }
        objs[c] = sum;
        if (!st && (best_c == SIZE_MAX || sum < objs[best_c]))
            best_c = c;
    }
    if (st)
        goto out;
    if (!(*best = ga_strdup(names[best_c]))) {
        st = ga_nomem(ctx);
        goto out;
    }
    if (json) {
        ga_writer w;
        ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "policy", names[best_c]);
        ga_w_kv_money(&w, "objective", objs[best_c]);
        ga_w_kv_int(&w, "traces", n_traces);
        ga_w_kv_int(&w, "seeds", o.seeds);
        ga_w_kv_int(&w, "simulations", sims);
        ga_w_kv_int(&w, "grid", (int64_t)ncand);
        ga_w_key(&w, "candidates");
        ga_w_arr_open(&w, GA_W_LINES);
        for (size_t q = 0; q < run; q++) {
            size_t c = order[q];
            ga_w_obj_open(&w, GA_W_INLINE);
            ga_w_kv_str(&w, "policy", names[c]);
            ga_w_kv_money(&w, "objective", objs[c]);
            ga_w_obj_end(&w);
        }
        ga_w_arr_end(&w);
        ga_w_obj_end(&w);
        st = ga_w_finish(&w, ctx, json);
        if (st) {
            free(*best);
            *best = NULL;
        }
    }
out:
    free(order);
    free(objs);
    free(names);
    return st;
}
