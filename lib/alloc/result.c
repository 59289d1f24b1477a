/*
 * result.c - the result object behind gpuarb_result: its diagnostics
 * list, its free and its public accessors (summary, allocation rows,
 * diagnostic sentences).  The struct lives in optimize.h so that the
 * writers (result_write.c) and the driver (optimize.c) share it.  Wraps no
 * dependency.  Invariants: accessors never allocate; strings returned are
 * owned by the result.  Statuses: GPUARB_OK, GPUARB_ERR_ARG.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/optimize.h"

int ga_result_diag(gpuarb_result *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    ga_vsnprintf_c(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **nd = ga_reallocarray(r->diag, r->n_diag + 1, sizeof(char *));
    if (!nd) {
        r->nomem = 1;
        return -1;
    }
    r->diag = nd;
    if (!(r->diag[r->n_diag] = ga_strdup(buf))) {
        r->nomem = 1;
        return -1;
    }
    r->n_diag++;
    return 0;
}

void gpuarb_result_free(gpuarb_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_rows; i++) {
        ga_alloc_row *a = &r->rows[i];
        free(a->workload);
        free(a->provider);
        free(a->region);
        free(a->zone);
        free(a->instance_type);
        free(a->gpu);
    }
    free(r->rows);
    for (size_t i = 0; i < r->n_wl; i++) {
        free(r->wl[i].name);
        free(r->wl[i].team);
        free(r->wl[i].project);
    }
    free(r->wl);
    for (size_t i = 0; i < r->n_diag; i++)
        free(r->diag[i]);
    free(r->diag);
    for (size_t i = 0; i < r->n_warn; i++)
        free(r->warn[i]);
    free(r->warn);
    for (size_t i = 0; i < r->n_src; i++) {
        free(r->src[i].provider);
        free(r->src[i].source);
        free(r->src[i].date);
    }
    free(r->src);
    for (size_t i = 0; i < r->n_alt; i++) {
        free(r->alt[i].provider);
        free(r->alt[i].reason);
    }
    free(r->alt);
    free(r->baseline_provider);
    for (size_t i = 0; i < r->n_changes; i++) {
        ga_change *c = &r->changes[i];
        free(c->workload);
        free(c->provider);
        free(c->region);
        free(c->zone);
        free(c->instance_type);
    }
    free(r->changes);
    free(r);
}

gpuarb_status gpuarb_result_change(const gpuarb_result *r, int32_t i, gpuarb_change *out)
{
    if (!r || !out || out->size < sizeof *out || i < 0 || (size_t)i >= r->n_changes)
        return GPUARB_ERR_ARG;
    const ga_change *c = &r->changes[i];
    uint32_t size = out->size;
    memset(out, 0, sizeof *out);
    out->size = size;
    out->spot = c->spot;
    out->workload = c->workload;
    out->provider = c->provider;
    out->region = c->region;
    out->zone = c->zone;
    out->instance_type = c->instance_type;
    out->launch = c->launch;
    out->keep = c->keep;
    out->terminate = c->terminate;
    out->launch_cost = c->launch_cost;
    return GPUARB_OK;
}

gpuarb_status gpuarb_result_summary(const gpuarb_result *r, gpuarb_plan_summary *out)
{
    if (!r || !out || out->size < sizeof *out) /* first version's size (gpuarb.h) */
        return GPUARB_ERR_ARG;
    uint32_t size = out->size;
    memset(out, 0, size < sizeof *out ? size : sizeof *out);
    out->size = size;
    out->status = r->status;
    out->objective = r->objective;
    out->allocation_count = (int32_t)r->n_rows;
    out->cost_per_hour = r->cost_per_hour;
    out->total_cost = r->total_cost;
    out->egress_cost = r->egress_cost;
    out->throughput = r->throughput;
    out->mip_gap = r->mip_gap;
    int plan = r->status == GPUARB_SOLVE_OPTIMAL || r->status == GPUARB_SOLVE_FEASIBLE;
    out->bound = plan || (r->status == GPUARB_SOLVE_TIME_LIMIT && r->bound_known) ? r->bound : -1;
    out->solve_ms = r->solve_ms;
    out->baseline_cost_per_hour = r->has_baseline ? r->baseline_cph : -1;
    out->baseline_total_cost = r->has_baseline ? r->baseline_total : -1;
    out->savings_pct = r->has_baseline && r->objective == GA_OBJ_MIN_COST ? r->savings_pct : -1;
    out->baseline_provider = r->has_baseline ? r->baseline_provider : NULL;
    out->warning_count = (int32_t)r->n_warn;
    out->baseline_throughput = r->has_baseline ? r->baseline_tput : 0;
    out->throughput_gain_pct =
        r->has_baseline && r->objective == GA_OBJ_MAX_THROUGHPUT ? r->tput_gain_pct : 0;
    out->churn_cost = r->churn_cost;                /* delta plans */
    out->change_count = (int32_t)r->n_changes;
    return GPUARB_OK;
}

int32_t gpuarb_result_allocation_count(const gpuarb_result *r)
{
    return r ? (int32_t)r->n_rows : 0;
}

gpuarb_status gpuarb_result_allocation(const gpuarb_result *r, int32_t i, gpuarb_allocation *out)
{
    if (!r || !out || i < 0 || (size_t)i >= r->n_rows)
        return GPUARB_ERR_ARG;
    const ga_alloc_row *a = &r->rows[i];
    memset(out, 0, sizeof *out);
    out->workload = a->workload;
    out->provider = a->provider;
    out->region = a->region;
    out->zone = a->zone;
    out->instance_type = a->instance_type;
    out->gpu = a->gpu;
    out->gpus_per_instance = a->gpus_per_instance;
    out->count = a->count;
    out->spot = a->spot;
    out->price_hour = a->price_hour;
    out->cost_per_hour = a->count * a->unit_cost;
    return GPUARB_OK;
}

int32_t gpuarb_result_diagnostic_count(const gpuarb_result *r)
{
    return r ? (int32_t)r->n_diag : 0;
}

const char *gpuarb_result_diagnostic(const gpuarb_result *r, int32_t i)
{
    if (!r || i < 0 || (size_t)i >= r->n_diag)
        return NULL;
    return r->diag[i];
}

int32_t gpuarb_result_warning_count(const gpuarb_result *r)
{
    return r ? (int32_t)r->n_warn : 0;
}

const char *gpuarb_result_warning(const gpuarb_result *r, int32_t i)
{
    if (!r || i < 0 || (size_t)i >= r->n_warn)
        return NULL;
    return r->warn[i];
}

int32_t gpuarb_result_source_count(const gpuarb_result *r)
{
    return r ? (int32_t)r->n_src : 0;
}

gpuarb_status gpuarb_result_source(const gpuarb_result *r, int32_t i, const char **provider,
                                   const char **source, const char **date)
{
    if (!r || i < 0 || (size_t)i >= r->n_src)
        return GPUARB_ERR_ARG;
    if (provider)
        *provider = r->src[i].provider;
    if (source)
        *source = r->src[i].source;
    if (date)
        *date = r->src[i].date;
    return GPUARB_OK;
}

int32_t gpuarb_result_alternative_count(const gpuarb_result *r)
{
    return r ? (int32_t)r->n_alt : 0;
}

gpuarb_status gpuarb_result_alternative(const gpuarb_result *r, int32_t i, const char **workload,
                                        const char **provider, int32_t *spot,
                                        double *cost_per_hour, double *extra_per_hour,
                                        const char **reason)
{
    if (!r || i < 0 || (size_t)i >= r->n_alt)
        return GPUARB_ERR_ARG;
    const ga_alt_row *a = &r->alt[i];
    if (workload)
        *workload = (size_t)a->w < r->n_wl ? r->wl[a->w].name : NULL;
    if (provider)
        *provider = a->provider;
    if (spot)
        *spot = a->spot;
    if (cost_per_hour)
        *cost_per_hour = a->cph;
    if (extra_per_hour)
        *extra_per_hour = a->extra;
    if (reason)
        *reason = a->reason;
    return GPUARB_OK;
}
