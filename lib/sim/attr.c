/*
 * attr.c - cost attribution of a simulation (issue 13): who pays for the
 * pool.  The rule, chosen so that the rows add up to `cost` exactly:
 *
 *   - A job pays for the GPUs it holds while it runs, at the price per
 *     GPU-second of the node it runs on (node $/h / 3600 / GPUs per node;
 *     a spot node's price when on spot).  It holds its GPU count; a
 *     fractional job gpu_milli/1000 of one GPU; a job larger than one node
 *     the whole nodes it spans (nobody else can use their other GPUs).
 *     Runs cut short by a preemption or a move are paid too: the GPUs were
 *     held, the work was lost.
 *   - What no job held - provisioning, idle nodes, GPUs left free beside
 *     running jobs, the minimum billed time and the rounding up to whole
 *     seconds - is a row of its own, "idle": cost minus the jobs' rows.
 *   - Jobs are grouped by their team (and, separately, their project)
 *     label through ga_mk_attribute, the same grouping as optimize's
 *     by_team/by_project; unlabelled jobs make one row with a null label.
 *
 * So per grouping the rows' costs sum to `cost` and their GPU-hours to
 * `gpu_hours_paid`.  Per-job sums are kept only when the trace carries
 * labels (sim.h: job_cost); otherwise all jobs are one unlabelled row.
 * Returns GPUARB_OK or GPUARB_ERR_NOMEM.
 */
#include <stdlib.h>
#include <string.h>

#include "io/writer.h"
#include "market/market.h"
#include "sim/sim.h"

static double node_price_s(const ga_sim *s, int32_t i)
{
    return (s->nodes[i].spot ? s->cfg->spot_price : s->cfg->od_price) / 3600.0;
}

/* What job j's run on its current placement costs over ran seconds, and
 * the GPU-seconds it holds. */
static void run_cost(const ga_sim *s, int32_t j, double ran, double *cost_out, double *gpu_s_out)
{
    const ga_rjob *r = &s->rj[j];
    double cost = 0, gpu_s;
    if (r->span_n > 0) {
        for (int32_t k = 0; k < r->span_n; k++)
            cost += node_price_s(s, s->span[r->span_off + k]) * ran;
        gpu_s = (double)r->span_n * s->G * ran;
    } else {
        double held = ga_job_gpus(&s->tr->jobs[j]);
        cost = node_price_s(s, r->node) * held / s->G * ran;
        gpu_s = held * ran;
    }
    *cost_out = cost;
    *gpu_s_out = gpu_s;
}

void ga_sim_charge(ga_sim *s, int32_t j, double ran)
{
    double cost, gpu_s;
    run_cost(s, j, ran, &cost, &gpu_s);
    s->held_cost += cost;
    s->held_gpu_s += gpu_s;
    if (s->job_cost) {
        s->job_cost[j] += cost;
        s->job_gpu_s[j] += gpu_s;
    }
}

void ga_sim_result_attr_free(gpuarb_sim_result *res)
{
    for (int which = 0; which < 2; which++) {
        for (size_t i = 0; i < res->n_attr[which]; i++)
            free(res->attr[which][i].label);
        free(res->attr[which]);
        res->attr[which] = NULL;
        res->n_attr[which] = 0;
    }
}

/* The rows of one grouping (which: 0 team, 1 project) into res. */
static gpuarb_status attribute(gpuarb_ctx *ctx, const ga_sim *s, gpuarb_sim_result *res,
                               int which)
{
    const gpuarb_trace *tr = s->tr;
    size_t n = tr->n;
    ga_mk_attr_row *rows = NULL;
    size_t k = 0;
    /* a run not finished (the learning environment's result mid-episode)
     * has jobs running: their runs so far count as held, like cost does */
    double run_c = 0, run_g = 0;
    double *jc = NULL, *jg = NULL;
    if (s->job_cost) {
        jc = ga_mallocarray(n ? n : 1, sizeof *jc);
        jg = ga_mallocarray(n ? n : 1, sizeof *jg);
        if (!jc || !jg) {
            free(jc);
            free(jg);
            return ga_nomem(ctx);
        }
        memcpy(jc, s->job_cost, n * sizeof *jc);
        memcpy(jg, s->job_gpu_s, n * sizeof *jg);
    }
    if (!s->finished) {
        for (size_t p = 0; p < s->nrun; p++) {
            int32_t j = s->running[p];
            double c, g;
            run_cost(s, j, s->t - s->rj[j].start_t, &c, &g);
            run_c += c;
            run_g += g;
            if (jc) {
                jc[j] += c;
                jg[j] += g;
            }
        }
    }
    if (jc) {
        const char **labels = ga_mallocarray(n ? n : 1, sizeof *labels);
        gpuarb_status st = labels ? GPUARB_OK : ga_nomem(ctx);
        for (size_t j = 0; labels && j < n; j++)
            labels[j] = ga_job_label(tr, &tr->jobs[j], which);
        if (!st)
            st = ga_mk_attribute(ctx, labels, jc, jg, n, &rows, &k);
        free(labels);
        free(jc);
        free(jg);
        if (st)
            return st;
    }
    ga_sim_attr *out = ga_calloc(k + 2, sizeof *out);
    if (!out) {
        free(rows);
        return ga_nomem(ctx);
    }
    res->attr[which] = out;
    size_t m = 0;
    double cost = 0, gpu_h = 0;
    if (s->job_cost) {
        for (size_t i = 0; i < k; i++, m++) {
            if (rows[i].label && !(out[m].label = ga_strdup(rows[i].label))) {
                res->n_attr[which] = m;
                free(rows);
                return ga_nomem(ctx);
            }
            out[m].cost = rows[i].cost;
            out[m].gpu_hours = rows[i].cost2 / 3600.0;
            out[m].jobs = rows[i].items;
        }
    } else if (n) {
        out[m].cost = s->held_cost + run_c;
        out[m].gpu_hours = (s->held_gpu_s + run_g) / 3600.0;
        out[m].jobs = (int64_t)n;
        m++;
    }
    free(rows);
    for (size_t i = 0; i < m; i++) {
        cost += out[i].cost;
        gpu_h += out[i].gpu_hours;
    }
    /* the rest of what was paid: the rows sum to cost and gpu_hours_paid */
    out[m].idle = 1;
    out[m].cost = res->cost - cost;
    out[m].gpu_hours = res->gpu_hours_paid - gpu_h;
    res->n_attr[which] = m + 1;
    return GPUARB_OK;
}

gpuarb_status ga_sim_result_attribute(gpuarb_ctx *ctx, const ga_sim *s, gpuarb_sim_result *res)
{
    gpuarb_status st = attribute(ctx, s, res, 0);
    if (!st)
        st = attribute(ctx, s, res, 1);
    if (st)
        ga_sim_result_attr_free(res);
    return st;
}

static const char *const KEY[2] = {"by_team", "by_project"}, *const LABEL[2] = {"team",
                                                                                 "project"};

void ga_sim_attr_json(struct ga_writer *w, const gpuarb_sim_result *res)
{
    for (int which = 0; which < 2; which++) {
        ga_w_key(w, KEY[which]);
        ga_w_arr_begin(w);
        for (size_t i = 0; i < res->n_attr[which]; i++) {
            const ga_sim_attr *a = &res->attr[which][i];
            ga_w_obj_begin(w);
            ga_w_kv_str(w, LABEL[which], a->label);
            ga_w_kv_money(w, "cost", a->cost);
            ga_w_kv_num(w, "gpu_hours", a->gpu_hours);
            ga_w_kv_int(w, "jobs", a->jobs);
            ga_w_kv_bool(w, "idle", a->idle);
            ga_w_obj_end(w);
        }
        ga_w_arr_end(w);
    }
}

void ga_sim_attr_table(ga_strbuf *b, const gpuarb_sim_result *res)
{
    for (int which = 0; which < 2; which++) {
        int any = 0;
        for (size_t i = 0; i < res->n_attr[which]; i++)
            any |= res->attr[which][i].label != NULL;
        /* without labels the by-team table would be one row and idle;
         * print the split anyway for the team table: it is the pool's */
        if (!any && which == 1)
            continue;
        ga_sb_printf(b, "\n%-32s %12s %12s %8s\n", which ? "COST BY PROJECT" : "COST BY TEAM",
                     "$", "GPU-HOURS", "JOBS");
        double cost = 0, gpu_h = 0;
        int64_t jobs = 0;
        for (size_t i = 0; i < res->n_attr[which]; i++) {
            const ga_sim_attr *a = &res->attr[which][i];
            const char *l = a->idle ? "(idle: paid, no job)" : a->label ? a->label : "(none)";
            ga_sb_printf(b, "  %-30.30s %12.2f %12.4f %8lld\n", l, ga_money_round(a->cost),
                         a->gpu_hours, (long long)a->jobs);
            cost += a->cost;
            gpu_h += a->gpu_hours;
            jobs += a->jobs;
        }
        ga_sb_printf(b, "  %-30s %12.2f %12.4f %8lld\n", "total", ga_money_round(cost), gpu_h,
                     (long long)jobs);
    }
}
