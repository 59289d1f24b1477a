/*
 * result.c - serialises an allocation result: SPEC section 3's JSON and a
 * readable plan for terminals.  It never solves and never prints; it writes
 * into caller-freed strings.  Plan figures are null in JSON when there is no
 * plan (infeasible, time limit); numbers are never NaN or infinite.
 * Statuses: GPUARB_OK, GPUARB_ERR_ARG, GPUARB_ERR_NOMEM.
 */
#include <stdio.h>
#include <string.h>

#include "alloc/optimize.h"
#include "alloc/spec.h"

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

static void key(ga_strbuf *b, const char *k)
{
    ga_sb_json_str(b, k);
    ga_sb_putc(b, ':');
}

static void num_or_null(ga_strbuf *b, int ok, double v)
{
    if (ok)
        ga_sb_json_num(b, v);
    else
        ga_sb_puts(b, "null");
}

gpuarb_status gpuarb_result_to_json(gpuarb_ctx *ctx, const gpuarb_result *r, char **out)
{
    if (!r || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "gpuarb_result_to_json: NULL argument");
    int plan = has_plan(r);
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_puts(&b, "{\"version\":1,");
    key(&b, "status");
    ga_sb_json_str(&b, status_word(r->status));
    ga_sb_putc(&b, ',');
    key(&b, "objective");
    ga_sb_json_str(&b, r->objective == GA_OBJ_MAX_THROUGHPUT ? "max_throughput" : "min_cost");
    ga_sb_putc(&b, ',');
    key(&b, "cost_per_hour");
    num_or_null(&b, plan, r->cost_per_hour);
    ga_sb_putc(&b, ',');
    key(&b, "total_cost");
    num_or_null(&b, plan, r->total_cost);
    ga_sb_putc(&b, ',');
    key(&b, "egress_cost");
    num_or_null(&b, plan, r->egress_cost);
    ga_sb_putc(&b, ',');
    key(&b, "throughput");
    num_or_null(&b, plan, r->throughput);
    ga_sb_putc(&b, ',');
    key(&b, "mip_gap");
    num_or_null(&b, plan, r->mip_gap);
    ga_sb_putc(&b, ',');
    key(&b, "bound");
    num_or_null(&b, plan || (r->status == GPUARB_SOLVE_TIME_LIMIT && r->bound_known), r->bound);
    ga_sb_putc(&b, ',');
    key(&b, "solve_ms");
    ga_sb_json_num(&b, r->solve_ms);
    ga_sb_putc(&b, ',');
    key(&b, "baseline");
    if (r->has_baseline) {
        ga_sb_putc(&b, '{');
        key(&b, "provider");
        ga_sb_json_str(&b, r->baseline_provider);
        ga_sb_putc(&b, ',');
        key(&b, "cost_per_hour");
        ga_sb_json_num(&b, r->baseline_cph);
        ga_sb_putc(&b, ',');
        key(&b, "total_cost");
        ga_sb_json_num(&b, r->baseline_total);
        ga_sb_putc(&b, '}');
    } else {
        ga_sb_puts(&b, "null");
    }
    ga_sb_putc(&b, ',');
    key(&b, "savings_pct");
    num_or_null(&b, r->has_baseline, r->savings_pct);
    ga_sb_putc(&b, ',');
    key(&b, "allocations");
    ga_sb_putc(&b, '[');
    for (size_t i = 0; i < r->n_rows; i++) {
        const ga_alloc_row *a = &r->rows[i];
        if (i)
            ga_sb_putc(&b, ',');
        ga_sb_putc(&b, '{');
        key(&b, "workload");
        ga_sb_json_str(&b, a->workload);
        ga_sb_putc(&b, ',');
        key(&b, "provider");
        ga_sb_json_str(&b, a->provider);
        ga_sb_putc(&b, ',');
        key(&b, "region");
        ga_sb_json_str(&b, a->region);
        ga_sb_putc(&b, ',');
        key(&b, "zone");
        ga_sb_json_str(&b, a->zone);
        ga_sb_putc(&b, ',');
        key(&b, "instance_type");
        ga_sb_json_str(&b, a->instance_type);
        ga_sb_putc(&b, ',');
        key(&b, "gpu");
        ga_sb_json_str(&b, a->gpu);
        ga_sb_putc(&b, ',');
        key(&b, "gpus_per_instance");
        ga_sb_printf(&b, "%d,", (int)a->gpus_per_instance);
        key(&b, "count");
        ga_sb_printf(&b, "%d,", (int)a->count);
        key(&b, "market");
        ga_sb_json_str(&b, a->spot ? "spot" : "ondemand");
        ga_sb_putc(&b, ',');
        key(&b, "price_hour");
        ga_sb_json_num(&b, a->price_hour);
        ga_sb_putc(&b, ',');
        key(&b, "effective_price_hour");
        ga_sb_json_num(&b, a->unit_cost);
        ga_sb_putc(&b, ',');
        key(&b, "cost_per_hour");
        ga_sb_json_num(&b, a->count * a->unit_cost);
        ga_sb_putc(&b, '}');
    }
    ga_sb_puts(&b, "],");
    key(&b, "workloads");
    ga_sb_putc(&b, '[');
    for (size_t i = 0; i < r->n_wl; i++) {
        const ga_wl_row *w = &r->wl[i];
        if (i)
            ga_sb_putc(&b, ',');
        ga_sb_putc(&b, '{');
        key(&b, "name");
        ga_sb_json_str(&b, w->name);
        ga_sb_putc(&b, ',');
        key(&b, "gpus");
        ga_sb_printf(&b, "%d,", (int)w->gpus);
        key(&b, "cost_per_hour");
        ga_sb_json_num(&b, w->cost_per_hour);
        ga_sb_putc(&b, ',');
        key(&b, "egress_cost");
        ga_sb_json_num(&b, w->egress_cost);
        ga_sb_putc(&b, ',');
        key(&b, "throughput");
        ga_sb_json_num(&b, w->throughput);
        ga_sb_putc(&b, '}');
    }
    ga_sb_puts(&b, "],");
    key(&b, "diagnostics");
    ga_sb_putc(&b, '[');
    for (size_t i = 0; i < r->n_diag; i++) {
        if (i)
            ga_sb_putc(&b, ',');
        ga_sb_json_str(&b, r->diag[i]);
    }
    ga_sb_puts(&b, "],");
    key(&b, "stats");
    ga_sb_printf(&b, "{\"offers\":%d,\"offer_classes\":%d,\"columns\":%d,\"mip_columns\":%d,"
                     "\"mip_rows\":%d,\"nodes\":%lld,\"method\":",
                 (int)r->offers_in, (int)r->classes, (int)r->columns, (int)r->mip_cols,
                 (int)r->mip_rows, (long long)r->nodes);
    ga_sb_json_str(&b, r->method == GA_METHOD_DECOMPOSED ? "decomposed"
                       : r->method == GA_METHOD_MIP      ? "mip"
                                                         : "none");
    ga_sb_puts(&b, "}}\n");
    *out = ga_sb_take(&b);
    return *out ? GPUARB_OK : ga_nomem(ctx);
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
        ga_sb_puts(&b, "cost       ");
        money(&b, r->cost_per_hour);
        ga_sb_puts(&b, "/h; ");
        money(&b, r->total_cost);
        ga_sb_printf(&b, " over %g h", r->horizon_hours);
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
        ga_sb_printf(&b, "\n%-*s  %-*s  %-*s  %-*s  %-12s %5s  %-8s %10s %11s\n", (int)ww, "WORKLOAD",
                     (int)pw, "PROVIDER", (int)rw, "REGION", (int)iw, "INSTANCE", "GPUS", "COUNT",
                     "MARKET", "$/H EACH", "$/H");
        for (size_t i = 0; i < r->n_rows; i++) {
            const ga_alloc_row *a = &r->rows[i];
            char place[128], gpus[64];
            if (a->zone[0])
                snprintf(place, sizeof place, "%s/%s", a->region, a->zone);
            else
                snprintf(place, sizeof place, "%s", a->region);
            snprintf(gpus, sizeof gpus, "%dx%s", (int)a->gpus_per_instance, a->gpu);
            ga_sb_printf(&b, "%-*.*s  %-*s  %-*.*s  %-*.*s  %-12s %5d  %-8s %10.4f %11.2f\n",
                         (int)ww, (int)ww, a->workload, (int)pw, a->provider, (int)rw, (int)rw,
                         place, (int)iw, (int)iw, a->instance_type, gpus, (int)a->count,
                         a->spot ? "spot" : "ondemand", a->unit_cost, a->count * a->unit_cost);
        }
        ga_sb_puts(&b, "\nWORKLOAD SUMMARY\n");
        for (size_t i = 0; i < r->n_wl; i++) {
            const ga_wl_row *w = &r->wl[i];
            ga_sb_printf(&b, "  %-*.*s %5d GPUs  ", (int)ww, (int)ww, w->name, (int)w->gpus);
            money(&b, w->cost_per_hour);
            ga_sb_puts(&b, "/h");
            if (w->egress_cost > 0) {
                ga_sb_puts(&b, "  egress ");
                money(&b, w->egress_cost);
            }
            ga_sb_putc(&b, '\n');
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
