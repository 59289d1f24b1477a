/*
 * result_write.c - serialises an allocation result: SPEC section 3's JSON and a
 * readable plan for terminals.  It never solves and never prints; it writes
 * into caller-freed strings, the JSON through the structured writer
 * (io/writer.h).  Plan figures are null in JSON when there is no plan
 * (infeasible, time limit); numbers are never NaN or infinite; money is
 * rounded to 6 decimals (ga_w_money), the table's to cents for reading.
 * Statuses: GPUARB_OK, GPUARB_ERR_ARG, GPUARB_ERR_NOMEM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "alloc/optimize.h"
#include "alloc/spec.h"
#include "io/writer.h"
#include "market/market.h"

/* A work-based workload (issue 7) of a plan: it is paid for the hours its
 * work takes (hours > 0), not for the horizon. */
static int is_work(const ga_wl_row *wl)
{
    return wl->hours > 0;
}

/* What a workload costs in all: the horizon's hours (or, work-based, the
 * hours its work takes) at its cost per hour, plus its egress.  The
 * workloads' totals sum to the plan's total_cost. */
static double wl_total(const gpuarb_result *r, const ga_wl_row *wl)
{
    return (is_work(wl) ? wl->work_cost : r->horizon_hours * wl->cost_per_hour) + wl->egress_cost;
}

/* ---- cost attribution by team and project (issue 13) ---- */
/* The workloads' costs grouped by label (which = 0 team, 1 project) into
 * *rows (free with free()); the rows add up to the plan's cost per hour
 * and total cost (horizon x cost per hour, or a work-based workload's work
 * cost, plus egress: wl_total). */
static gpuarb_status attr_rows(gpuarb_ctx *ctx, const gpuarb_result *r, int which,
                               ga_mk_attr_row **rows, size_t *n)
{
    size_t m = r->n_wl ? r->n_wl : 1;
    const char **labels = ga_calloc(m, sizeof *labels);
    double *cph = ga_calloc(m, sizeof *cph), *total = ga_calloc(m, sizeof *total);
    gpuarb_status st = GPUARB_ERR_NOMEM;
    if (labels && cph && total) {
        for (size_t i = 0; i < r->n_wl; i++) {
            labels[i] = which ? r->wl[i].project : r->wl[i].team;
            cph[i] = r->wl[i].cost_per_hour;
            total[i] = wl_total(r, &r->wl[i]);
        }
        st = ga_mk_attribute(ctx, labels, cph, total, r->n_wl, rows, n);
    } else {
        ga_nomem(ctx);
    }
    free(labels);
    free(cph);
    free(total);
    return st;
}

/* "by_team": [{"team", "cost_per_hour", "total_cost", "workloads"}], the
 * unlabelled last with a null label; an empty list without a plan. */
static gpuarb_status put_attribution(gpuarb_ctx *ctx, ga_writer *w, const gpuarb_result *r,
                                     int plan)
{
    static const char *const key[2] = {"by_team", "by_project"}, *const label[2] = {"team",
                                                                                    "project"};
    for (int which = 0; which < 2; which++) {
        ga_mk_attr_row *rows = NULL;
        size_t n = 0;
        if (plan) {
            gpuarb_status st = attr_rows(ctx, r, which, &rows, &n);
            if (st)
                return st;
        }
        ga_w_key(w, key[which]);
        ga_w_arr_begin(w);
        for (size_t i = 0; i < n; i++) {
            ga_w_obj_begin(w);
            ga_w_kv_str(w, label[which], rows[i].label);
            ga_w_kv_money(w, "cost_per_hour", rows[i].cost);
            ga_w_kv_money(w, "total_cost", rows[i].cost2);
            ga_w_kv_int(w, "workloads", rows[i].items);
            ga_w_obj_end(w);
        }
        ga_w_arr_end(w);
        free(rows);
    }
    return GPUARB_OK;
}

/* The table's COST BY TEAM / PROJECT, when any workload carries a label;
 * each ends in a total line equal to the plan's. */
static gpuarb_status table_attribution(gpuarb_ctx *ctx, ga_strbuf *b, const gpuarb_result *r)
{
    for (int which = 0; which < 2; which++) {
        int any = 0;
        for (size_t i = 0; i < r->n_wl && !any; i++)
            any = (which ? r->wl[i].project : r->wl[i].team) != NULL;
        if (!any)
            continue;
        ga_mk_attr_row *rows = NULL;
        size_t n = 0;
        gpuarb_status st = attr_rows(ctx, r, which, &rows, &n);
        if (st)
            return st;
        double cph = 0, tot = 0;
        ga_sb_printf(b, "\nCOST BY %s\n", which ? "PROJECT" : "TEAM");
        for (size_t i = 0; i < n; i++) {
            ga_sb_printf(b, "  %-24.24s %12.2f $/h %14.2f total\n",
                         rows[i].label ? rows[i].label : "(none)", rows[i].cost, rows[i].cost2);
            cph += rows[i].cost;
            tot += rows[i].cost2;
        }
        ga_sb_printf(b, "  %-24s %12.2f $/h %14.2f total\n", "total", cph, tot);
        free(rows);
    }
    return GPUARB_OK;
}

static const char *status_word(int32_t s)
{
    switch (s) {
    case GPUARB_SOLVE_OPTIMAL: return "optimal";
    case GPUARB_SOLVE_FEASIBLE: return "feasible";
    case GPUARB_SOLVE_INFEASIBLE: return "infeasible";
    default: return "time_limit";
    }
}

static int has_plan(const gpuarb_result *r)
{
    return r->status == GPUARB_SOLVE_OPTIMAL || r->status == GPUARB_SOLVE_FEASIBLE;
}

/* Issue 7's members: "warnings", "catalog": {"sources"} and, with
 * opts.explain, "alternatives" (SPEC section 3). */
static void write_trust_json(ga_writer *w, const gpuarb_result *r)
{
    ga_w_key(w, "warnings");
    ga_w_arr_begin(w);
    for (size_t i = 0; i < r->n_warn; i++)
        ga_w_str(w, r->warn[i]);
    ga_w_arr_end(w);
    ga_w_key(w, "catalog");
    ga_w_obj_begin(w);
    ga_w_key(w, "sources");
    ga_w_arr_begin(w);
    for (size_t i = 0; i < r->n_src; i++) {
        const ga_catsrc *c = &r->src[i];
        ga_w_obj_begin(w);
        ga_w_kv_str(w, "provider", c->provider);
        ga_w_key(w, "source");
        if (c->source)
            ga_w_str(w, c->source);
        else
            ga_w_null(w);
        ga_w_key(w, "date");
        if (c->date)
            ga_w_str(w, c->date);
        else
            ga_w_null(w);
        ga_w_obj_end(w);
    }
    ga_w_arr_end(w);
    ga_w_obj_end(w);
    if (!r->explained)
        return;
    ga_w_key(w, "alternatives");
    ga_w_arr_begin(w);
    for (size_t i = 0; i < r->n_alt; i++) {
        const ga_alt_row *a = &r->alt[i];
        ga_w_obj_begin(w);
        ga_w_kv_str(w, "workload", (size_t)a->w < r->n_wl ? r->wl[a->w].name : "");
        ga_w_kv_str(w, "provider", a->provider);
        ga_w_kv_str(w, "market", a->spot ? "spot" : "ondemand");
        ga_w_kv_money_or_null(w, "cost_per_hour", a->cph >= 0, a->cph);
        ga_w_kv_money_or_null(w, "extra_per_hour", a->cph >= 0, a->extra);
        ga_w_kv_str(w, "reason", a->reason);
        ga_w_obj_end(w);
    }
    ga_w_arr_end(w);
}

gpuarb_status gpuarb_result_to_json(gpuarb_ctx *ctx, const gpuarb_result *r, char **out)
{
    if (!r || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "gpuarb_result_to_json: NULL argument");
    int plan = has_plan(r);
    int cost_bound = r->objective != GA_OBJ_MAX_THROUGHPUT;
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_COMPACT);
    ga_w_obj_begin(&w);
    ga_w_kv_int(&w, "version", 1);
    ga_w_kv_str(&w, "status", status_word(r->status));
    ga_w_kv_str(&w, "objective",
                r->objective == GA_OBJ_MAX_THROUGHPUT ? "max_throughput" : "min_cost");
    ga_w_kv_money_or_null(&w, "cost_per_hour", plan, r->cost_per_hour);
    ga_w_kv_money_or_null(&w, "total_cost", plan, r->total_cost);
    ga_w_kv_money_or_null(&w, "egress_cost", plan, r->egress_cost);
    ga_w_kv_num_or_null(&w, "throughput", plan, r->throughput);
    ga_w_kv_num_or_null(&w, "mip_gap", plan, r->mip_gap);
    ga_w_key(&w, "bound");
    if (plan || (r->status == GPUARB_SOLVE_TIME_LIMIT && r->bound_known)) {
        if (cost_bound)
            ga_w_money(&w, r->bound);
        else
            ga_w_num(&w, r->bound);
    } else {
        ga_w_null(&w);
    }
    ga_w_kv_num(&w, "solve_ms", r->solve_ms);
    ga_w_key(&w, "baseline");
    if (r->has_baseline) {
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "provider", r->baseline_provider);
        ga_w_kv_money(&w, "cost_per_hour", r->baseline_cph);
        ga_w_kv_money(&w, "total_cost", r->baseline_total);
        ga_w_kv_num(&w, "throughput", r->baseline_tput);
        ga_w_obj_end(&w);
    } else {
        ga_w_null(&w);
    }
    /* max_throughput compares throughput, not cost (SPEC section 3) */
    int maxt = r->objective == GA_OBJ_MAX_THROUGHPUT;
    ga_w_kv_num_or_null(&w, "savings_pct", r->has_baseline && !maxt, r->savings_pct);
    if (maxt)
        ga_w_kv_num_or_null(&w, "throughput_gain_pct", r->has_baseline, r->tput_gain_pct);
    ga_w_key(&w, "allocations");
    ga_w_arr_begin(&w);
    for (size_t i = 0; i < r->n_rows; i++) {
        const ga_alloc_row *a = &r->rows[i];
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "workload", a->workload);
        ga_w_kv_str(&w, "provider", a->provider);
        ga_w_kv_str(&w, "region", a->region);
        ga_w_kv_str(&w, "zone", a->zone);
        ga_w_kv_str(&w, "instance_type", a->instance_type);
        ga_w_kv_str(&w, "gpu", a->gpu);
        ga_w_kv_int(&w, "gpus_per_instance", a->gpus_per_instance);
        ga_w_kv_int(&w, "count", a->count);
        ga_w_kv_str(&w, "market", a->spot ? "spot" : "ondemand");
        ga_w_kv_money(&w, "price_hour", a->price_hour);
        ga_w_kv_money(&w, "effective_price_hour", a->unit_cost);
        ga_w_kv_money(&w, "cost_per_hour", a->count * a->unit_cost);
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    ga_w_key(&w, "workloads");
    ga_w_arr_begin(&w);
    for (size_t i = 0; i < r->n_wl; i++) {
        const ga_wl_row *wl = &r->wl[i];
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "name", wl->name);
        ga_w_kv_int(&w, "gpus", wl->gpus);
        ga_w_kv_money(&w, "cost_per_hour", wl->cost_per_hour);
        ga_w_kv_money(&w, "egress_cost", wl->egress_cost);
        ga_w_kv_num(&w, "throughput", wl->throughput);
        if (is_work(wl)) {
            /* issue 7: the hours its work takes on the plan, and their cost */
            ga_w_kv_num(&w, "hours", wl->hours);
            ga_w_kv_money(&w, "work_cost", wl->work_cost);
        }
        if (wl->team)
            ga_w_kv_str(&w, "team", wl->team);
        if (wl->project)
            ga_w_kv_str(&w, "project", wl->project);
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    if (put_attribution(ctx, &w, r, plan) != GPUARB_OK) {
        ga_w_discard(&w);
        return GPUARB_ERR_NOMEM;
    }
    if (r->delta && has_plan(r)) {
        /* delta plans (delta.c): what changes from the fleet running now */
        ga_w_kv_money(&w, "churn_cost", r->churn_cost);
        ga_w_key(&w, "changes");
        ga_w_arr_begin(&w);
        for (size_t i = 0; i < r->n_changes; i++) {
            const ga_change *c = &r->changes[i];
            ga_w_obj_begin(&w);
            ga_w_kv_str(&w, "workload", c->workload);
            ga_w_kv_str(&w, "provider", c->provider);
            ga_w_kv_str(&w, "region", c->region);
            ga_w_kv_str(&w, "zone", c->zone);
            ga_w_kv_str(&w, "instance_type", c->instance_type);
            ga_w_kv_str(&w, "market", c->spot ? "spot" : "ondemand");
            ga_w_kv_int(&w, "launch", c->launch);
            ga_w_kv_int(&w, "keep", c->keep);
            ga_w_kv_int(&w, "terminate", c->terminate);
            ga_w_kv_money(&w, "launch_cost", c->launch_cost);
            ga_w_obj_end(&w);
        }
        ga_w_arr_end(&w);
    }
    ga_w_key(&w, "diagnostics");
    ga_w_arr_begin(&w);
    for (size_t i = 0; i < r->n_diag; i++)
        ga_w_str(&w, r->diag[i]);
    ga_w_arr_end(&w);
    write_trust_json(&w, r);
    /* what "optimal" and every check of the plan carry (gpuarb(1),
     * Tolerances): the gap proven, the rounding of the solver's values,
     * its integrality and feasibility tolerances, the budget's slack */
    ga_w_key(&w, "tolerances");
    ga_w_obj_begin(&w);
    ga_w_kv_num(&w, "gap", GA_OPT_GAP);
    ga_w_kv_num(&w, "rounding", GA_ROUND_TOL);
    ga_w_kv_num(&w, "integrality", GA_INT_TOL);
    ga_w_kv_num(&w, "feasibility", GA_FEAS_TOL);
    ga_w_kv_num(&w, "budget", GA_OPT_GAP);
    ga_w_obj_end(&w);
    ga_w_key(&w, "stats");
    ga_w_obj_begin(&w);
    ga_w_kv_int(&w, "offers", r->offers_in);
    ga_w_kv_int(&w, "offer_classes", r->classes);
    ga_w_kv_int(&w, "columns", r->columns);
    ga_w_kv_int(&w, "mip_columns", r->mip_cols);
    ga_w_kv_int(&w, "mip_rows", r->mip_rows);
    ga_w_kv_int(&w, "nodes", r->nodes);
    ga_w_kv_str(&w, "method", r->method == GA_METHOD_DECOMPOSED ? "decomposed"
                 : r->method == GA_METHOD_MIP      ? "mip"
                                                   : "none");
    ga_w_obj_end(&w);
    ga_w_obj_end(&w);
    return ga_w_finish(&w, ctx, out);
}

/* Money with thousands separators: 12,345.67 */
static void money(ga_strbuf *b, double v)
{
    char tmp[64];
    ga_snprintf_c(tmp, sizeof tmp, "%.2f", v < 0 ? -v : v);
    char *dot = strchr(tmp, '.');
    size_t ilen = dot ? (size_t)(dot - tmp) : strlen(tmp);
    if (v < 0)
        ga_sb_putc(b, '-');
    ga_sb_putc(b, '$');
    for (size_t i = 0; i < ilen; i++) {
        ga_sb_putc(b, tmp[i]);
        if ((ilen - 1 - i) % 3 == 0 && i + 1 < ilen)
            ga_sb_putc(b, ',');
    }
    ga_sb_puts(b, dot ? dot : "");
}

/* Issue 7's part of the table: the price dates of the plan's providers,
 * the alternatives (opts.explain) and the warnings. */
static void write_trust_table(ga_strbuf *b, const gpuarb_result *r)
{
    int any = 0;
    for (size_t i = 0; i < r->n_src; i++) {
        const ga_catsrc *c = &r->src[i];
        int used = 0;
        for (size_t k = 0; k < r->n_rows; k++)
            used |= strcmp(r->rows[k].provider, c->provider) == 0;
        if (!used)
            continue;
        ga_sb_printf(b, "%s%s %s", any ? "; " : "\nprices     ", c->provider,
                     c->date ? c->date : "(no date)");
        any = 1;
    }
    if (any)
        ga_sb_putc(b, '\n');
    if (r->explained && r->n_alt) {
        ga_sb_printf(b, "\nALTERNATIVES (each workload alone on one provider and market)\n"
                        "%-20s  %-10s  %-8s %11s %11s  %s\n",
                     "WORKLOAD", "PROVIDER", "MARKET", "$/H", "EXTRA $/H", "WHY NOT");
        for (size_t i = 0; i < r->n_alt; i++) {
            const ga_alt_row *a = &r->alt[i];
            const char *wn = (size_t)a->w < r->n_wl ? r->wl[a->w].name : "";
            if (a->cph >= 0)
                ga_sb_printf(b, "%-20.20s  %-10.10s  %-8s %11.2f %+11.2f  %s\n", wn, a->provider,
                             a->spot ? "spot" : "ondemand", a->cph, a->extra, a->reason);
            else
                ga_sb_printf(b, "%-20.20s  %-10.10s  %-8s %11s %11s  %s\n", wn, a->provider,
                             a->spot ? "spot" : "ondemand", "-", "-", a->reason);
        }
    }
    if (r->n_warn) {
        ga_sb_puts(b, "\nwarnings\n");
        for (size_t i = 0; i < r->n_warn; i++)
            ga_sb_printf(b, "  - %s\n", r->warn[i]);
    }
}

gpuarb_status gpuarb_result_to_table(gpuarb_ctx *ctx, const gpuarb_result *r, char **out)
{
    if (!r || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "gpuarb_result_to_table: NULL argument");
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_printf(&b, "status     %s", status_word(r->status));
    if (has_plan(r))
        ga_sb_printf(&b, " (gap %.2f%%)", 100.0 * r->mip_gap);
    ga_sb_printf(&b, ", solved in %.1f ms\n", r->solve_ms);
    if (has_plan(r)) {
        /* work-based workloads run for the hours their work takes, not
         * the horizon: say so, with the longest of those hours */
        size_t n_work = 0;
        double longest = 0;
        for (size_t i = 0; i < r->n_wl; i++)
            if (is_work(&r->wl[i])) {
                n_work++;
                longest = GA_MAX(longest, r->wl[i].hours);
            }
        ga_sb_puts(&b, "cost       ");
        money(&b, r->cost_per_hour);
        ga_sb_puts(&b, "/h; ");
        money(&b, r->total_cost);
        if (n_work == 0)
            ga_sb_printf(&b, " over %g h", r->horizon_hours);
        else if (n_work == r->n_wl)
            ga_sb_printf(&b, " until the work is done (%s%.4g h)", n_work > 1 ? "longest " : "",
                         longest);
        else
            ga_sb_printf(&b, ": work-based workloads until done (%s%.4g h), the rest over %g h",
                         n_work > 1 ? "longest " : "", longest, r->horizon_hours);
        if (r->egress_cost > 0) {
            ga_sb_puts(&b, " (incl. ");
            money(&b, r->egress_cost);
            ga_sb_puts(&b, " egress)");
        }
        ga_sb_putc(&b, '\n');
        ga_sb_printf(&b, "throughput %.2f GPU-equivalents\n", r->throughput);
        if (r->has_baseline) {
            ga_sb_printf(&b, "baseline   %s only, on demand: ", r->baseline_provider);
            money(&b, r->baseline_cph);
            ga_sb_puts(&b, "/h; ");
            money(&b, r->baseline_total);
            if (r->objective == GA_OBJ_MAX_THROUGHPUT)
                ga_sb_printf(&b, ", throughput %.2f -> throughput gain %.1f%%\n",
                             r->baseline_tput, r->tput_gain_pct);
            else
                ga_sb_printf(&b, " -> savings %.1f%%\n", r->savings_pct);
        } else {
            ga_sb_puts(&b, "baseline   none (no single-provider on-demand plan meets the constraints)\n");
        }
        /* column widths */
        size_t ww = 8, pw = 8, rw = 6, iw = 8;
        for (size_t i = 0; i < r->n_rows; i++) {
            const ga_alloc_row *a = &r->rows[i];
            ww = GA_MAX(ww, strlen(a->workload));
            pw = GA_MAX(pw, strlen(a->provider));
            rw = GA_MAX(rw, strlen(a->region) + (a->zone[0] ? strlen(a->zone) + 1 : 0));
            iw = GA_MAX(iw, strlen(a->instance_type));
        }
        ww = GA_MIN(ww, 40);
        rw = GA_MIN(rw, 40);
        iw = GA_MIN(iw, 40);
        ga_sb_printf(&b, "\n%-*s  %-*s  %-*s  %-*s  %-12s %5s  %-8s %10s %9s %11s\n", (int)ww,
                     "WORKLOAD", (int)pw, "PROVIDER", (int)rw, "REGION", (int)iw, "INSTANCE",
                     "GPUS", "COUNT", "MARKET", "$/H EACH", "$/GPU-H", "$/H");
        for (size_t i = 0; i < r->n_rows; i++) {
            const ga_alloc_row *a = &r->rows[i];
            char place[128], gpus[64];
            if (a->zone[0])
                snprintf(place, sizeof place, "%s/%s", a->region, a->zone);
            else
                snprintf(place, sizeof place, "%s", a->region);
            snprintf(gpus, sizeof gpus, "%dx%s", (int)a->gpus_per_instance, a->gpu);
            ga_sb_printf(&b, "%-*.*s  %-*s  %-*.*s  %-*.*s  %-12s %5d  %-8s %10.4f %9.4f %11.2f\n",
                         (int)ww, (int)ww, a->workload, (int)pw, a->provider, (int)rw, (int)rw,
                         place, (int)iw, (int)iw, a->instance_type, gpus, (int)a->count,
                         a->spot ? "spot" : "ondemand", a->unit_cost,
                         a->unit_cost / (a->gpus_per_instance > 0 ? a->gpus_per_instance : 1),
                         a->count * a->unit_cost);
        }
        ga_sb_puts(&b, "\nWORKLOAD SUMMARY\n");
        for (size_t i = 0; i < r->n_wl; i++) {
            const ga_wl_row *w = &r->wl[i];
            ga_sb_printf(&b, "  %-*.*s %5d GPUs  ", (int)ww, (int)ww, w->name, (int)w->gpus);
            money(&b, w->cost_per_hour);
            ga_sb_puts(&b, "/h");
            if (is_work(w)) {
                ga_sb_printf(&b, "  work done in %.4g h: ", w->hours);
                money(&b, w->work_cost);
            }
            if (w->egress_cost > 0) {
                ga_sb_puts(&b, "  egress ");
                money(&b, w->egress_cost);
            }
            ga_sb_putc(&b, '\n');
        }
        if (table_attribution(ctx, &b, r) != GPUARB_OK) {
            ga_sb_free(&b);
            return GPUARB_ERR_NOMEM;
        }
    }
    write_trust_table(&b, r);
    if (r->delta && has_plan(r)) {
        ga_sb_puts(&b, "\nCHANGES (churn ");
        money(&b, r->churn_cost);
        ga_sb_puts(&b, r->n_changes ? ")\n" : "): none, the fleet running now is kept\n");
        for (size_t i = 0; i < r->n_changes; i++) {
            const ga_change *c = &r->changes[i];
            ga_sb_printf(&b, "  %s  %s/%s%s%s  %s %s: launch %lld, keep %lld, terminate %lld\n",
                         c->workload, c->provider, c->region, c->zone[0] ? "/" : "", c->zone,
                         c->instance_type, c->spot ? "spot" : "ondemand", (long long)c->launch,
                         (long long)c->keep, (long long)c->terminate);
        }
    }
    if (r->n_diag) {
        ga_sb_puts(&b, "\ndiagnostics\n");
        for (size_t i = 0; i < r->n_diag; i++)
            ga_sb_printf(&b, "  - %s\n", r->diag[i]);
    }
    *out = ga_sb_take(&b);
    return *out ? GPUARB_OK : ga_nomem(ctx);
}
