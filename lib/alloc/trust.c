/*
 * trust.c - what makes a plan's numbers ones a user can act on (issue 7):
 * the spec's provider names checked against the catalogs (SPEC section 2:
 * an unknown provider is bad input, with near matches), region globs that
 * match nothing answered with a hint, and, once a plan exists, its price
 * sources and dates (catalog.sources), its warnings (stale or undated
 * prices, spot bought on a default interruption rate) and, when asked
 * (opts.explain), its alternatives: per workload, the cheapest plan on each
 * other provider and market and why it lost.
 * It solves nothing itself: alternatives are the allocation pipeline
 * (classes.c, solve.c) run on one workload restricted to one provider and
 * market.  Invariants: the spec and catalog are read-only; every sentence
 * it adds is owned by the result.  Statuses: GPUARB_OK, GPUARB_ERR_INPUT
 * (unknown provider), GPUARB_ERR_NOMEM, and what ga_solve_exact returns.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "alloc/optimize.h"
#include "alloc/trust.h"
#include "catalog/catalog.h"

/* ---------------------------------------------------------------------
 * Unknown providers and regions
 * --------------------------------------------------------------------- */

/* The distinct providers of cat, in first-seen order (borrowed strings);
 * NULL on allocation failure. */
static const char **catalog_providers(const gpuarb_catalog *cat, size_t *n)
{
    const char **v = ga_calloc(cat->n ? cat->n : 1, sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < cat->n; i++) {
        size_t k = 0;
        while (k < *n && strcmp(v[k], cat->v[i].provider) != 0)
            k++;
        if (k == *n)
            v[(*n)++] = cat->v[i].provider;
    }
    return v;
}

/* "a, b, c" of names ordered by edit distance to name (near ones first),
 * into buf. */
static void near_first(const char *name, const char **names, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    unsigned char *taken = ga_calloc(n ? n : 1, 1);
    if (!taken) {
        snprintf(buf, size, "(out of memory listing them)");
        return;
    }
    for (size_t picked = 0; picked < n; picked++) {
        size_t best = n;
        int bd = 0;
        for (size_t i = 0; i < n; i++) {
            if (taken[i])
                continue;
            int d = ga_edit_distance(name, names[i]);
            if (best == n || d < bd || (d == bd && strcmp(names[i], names[best]) < 0)) {
                best = i;
                bd = d;
            }
        }
        taken[best] = 1;
        int k = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", names[best]);
        if (k < 0 || (size_t)k >= size - used)
            break;
        used += (size_t)k;
    }
    free(taken);
}

static int is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* A provider name (not a glob) that no offer has: the error. */
static gpuarb_status unknown_provider(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                                      const gpuarb_catalog *cat, const char *name,
                                      int32_t line, int32_t col, const char *path)
{
    size_t n;
    const char **names = catalog_providers(cat, &n);
    if (!names)
        return ga_nomem(ctx);
    char list[512];
    near_first(name, names, n, list, sizeof list);
    free((void *)names);
    return ga_error(ctx, GPUARB_ERR_INPUT, spec->source, line, col, path,
                    "unknown provider '%.64s': the catalog%s offer%s %s", name,
                    spec->n_catalogs > 1 ? "s" : "", spec->n_catalogs > 1 ? "" : "s",
                    n ? list : "no offers at all");
}

static int provider_known(const gpuarb_catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->n; i++)
        if (is_glob(name) ? ga_glob_match(name, cat->v[i].provider)
                          : strcmp(name, cat->v[i].provider) == 0)
            return 1;
    return 0;
}

/* Regions of the allowed providers closest to a glob that matched none:
 * the part before the first wildcard compared with each region. */
static void region_hint(const gpuarb_spec *spec, const gpuarb_catalog *cat, const char *glob,
                        char *buf, size_t size)
{
    char stem[128];
    size_t k = 0;
    while (glob[k] && !strchr("*?[", glob[k]) && k + 1 < sizeof stem) {
        stem[k] = glob[k];
        k++;
    }
    stem[k] = '\0';
    const char *best[3] = {NULL, NULL, NULL};
    int bd[3] = {0, 0, 0};
    for (size_t i = 0; i < cat->n; i++) {
        const ga_offer *o = &cat->v[i];
        if (!ga_globs_allow(&spec->providers, o->provider))
            continue;
        /* compare with the region cut to the stem's length: "us-esat-*"
         * against "us-east-1" compares "us-esat-" with "us-east-" */
        char cut[128];
        size_t n = strlen(o->region);
        if (k && n > k)
            n = k;
        n = GA_MIN(n, sizeof cut - 1);
        memcpy(cut, o->region, n);
        cut[n] = '\0';
        int d = ga_edit_distance(stem, cut);
        int dup = 0;
        for (int j = 0; j < 3; j++)
            dup |= best[j] && strcmp(best[j], o->region) == 0;
        if (dup)
            continue;
        for (int j = 0; j < 3; j++) {
            if (!best[j] || d < bd[j]) {
                for (int m = 2; m > j; m--) {
                    best[m] = best[m - 1];
                    bd[m] = bd[m - 1];
                }
                best[j] = o->region;
                bd[j] = d;
                break;
            }
        }
    }
    snprintf(buf, size, "%s%s%s%s%s", best[0] ? best[0] : "(none)", best[1] ? ", " : "",
             best[1] ? best[1] : "", best[2] ? ", " : "", best[2] ? best[2] : "");
}

static int region_matches_any(const gpuarb_spec *spec, const gpuarb_catalog *cat,
                              const char *glob)
{
    for (size_t i = 0; i < cat->n; i++)
        if (ga_globs_allow(&spec->providers, cat->v[i].provider) &&
            ga_glob_match(glob, cat->v[i].region))
            return 1;
    return 0;
}

gpuarb_status ga_trust_check_spec(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                                  const gpuarb_catalog *cat, gpuarb_result *r)
{
    char path[96];
    const ga_globs *g = &spec->providers;
    for (int deny = 0; deny <= 1; deny++) {
        char **list = deny ? g->deny : g->allow;
        size_t n = deny ? g->n_deny : g->n_allow;
        for (size_t i = 0; i < n; i++) {
            if (is_glob(list[i]) || provider_known(cat, list[i]))
                continue;
            snprintf(path, sizeof path, "constraints.providers.%s[%zu]", deny ? "deny" : "allow",
                     i);
            const int32_t *at = deny ? g->deny_at : g->allow_at;
            return unknown_provider(ctx, spec, cat, list[i], at ? at[2 * i] : 0,
                                    at ? at[2 * i + 1] : 0, path);
        }
    }
    for (size_t wi = 0; wi < spec->n_w; wi++) {
        const ga_workload *w = &spec->w[wi];
        if (!w->has_data || !w->data_provider || provider_known(cat, w->data_provider))
            continue;
        snprintf(path, sizeof path, "workloads[%zu].data.provider", wi);
        return unknown_provider(ctx, spec, cat, w->data_provider, w->line, w->col, path);
    }
    /* an allowed region glob that matches no region of the allowed
     * providers: not an error (another catalog may have it), a hint */
    for (size_t i = 0; r && i < spec->regions.n_allow; i++) {
        const char *glob = spec->regions.allow[i];
        if (region_matches_any(spec, cat, glob))
            continue;
        char hint[400];
        region_hint(spec, cat, glob, hint, sizeof hint);
        if (ga_trust_warn(r, "region '%s' in constraints.regions.allow matches no region of "
                             "the allowed providers; close ones: %s", glob, hint) < 0)
            return ga_nomem(ctx);
    }
    return GPUARB_OK;
}

/* ---------------------------------------------------------------------
 * Warnings and sources
 * --------------------------------------------------------------------- */

int ga_trust_warn(gpuarb_result *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    ga_vsnprintf_c(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < r->n_warn; i++)
        if (strcmp(r->warn[i], buf) == 0)
            return 0;
    char **nw = ga_reallocarray(r->warn, r->n_warn + 1, sizeof(char *));
    if (!nw) {
        r->nomem = 1;
        return -1;
    }
    r->warn = nw;
    if (!(r->warn[r->n_warn] = ga_strdup(buf))) {
        r->nomem = 1;
        return -1;
    }
    r->n_warn++;
    return 0;
}

static int add_source(gpuarb_result *r, const char *provider, const char *source,
                      const char *date)
{
    ga_catsrc *ns = ga_reallocarray(r->src, r->n_src + 1, sizeof *ns);
    if (!ns)
        return -1;
    r->src = ns;
    ga_catsrc *c = &r->src[r->n_src];
    c->provider = ga_strdup(provider);
    c->source = source ? ga_strdup(source) : NULL;
    c->date = date ? ga_strdup(date) : NULL;
    r->n_src++; /* counted before the check: freed by gpuarb_result_free */
    return !c->provider || (source && !c->source) || (date && !c->date) ? -1 : 0;
}

/* The catalog offer of a plan row (first match). */
static const ga_offer *row_offer(const gpuarb_catalog *cat, const ga_alloc_row *a)
{
    for (size_t i = 0; i < cat->n; i++) {
        const ga_offer *o = &cat->v[i];
        if (strcmp(o->provider, a->provider) == 0 && strcmp(o->region, a->region) == 0 &&
            strcmp(o->zone, a->zone) == 0 && strcmp(o->instance_type, a->instance_type) == 0 &&
            o->gpu_count == a->gpus_per_instance &&
            (a->spot ? o->spot : o->price) == a->price_hour)
            return o;
    }
    return NULL;
}

static gpuarb_status sources_and_warnings(gpuarb_ctx *ctx, const base *b, gpuarb_result *r)
{
    const gpuarb_catalog *cat = b->cat;
    /* catalog.sources: every provider the plan could use */
    for (int32_t q = 0; q < b->n_prov; q++) {
        const char *p = b->prov_name[q];
        int any = 0;
        for (size_t i = 0; i < cat->n_src; i++) {
            if (strcmp(cat->src[i].provider, p) != 0)
                continue;
            any = 1;
            if (add_source(r, p, cat->src[i].source, cat->src[i].date))
                return ga_nomem(ctx);
        }
        if (!any && add_source(r, p, NULL, NULL))
            return ga_nomem(ctx);
    }
    if (r->status != GPUARB_SOLVE_OPTIMAL && r->status != GPUARB_SOLVE_FEASIBLE)
        return GPUARB_OK;
    int64_t today = ga_ctx_today(ctx);
    for (size_t i = 0; i < r->n_rows; i++) {
        const ga_alloc_row *a = &r->rows[i];
        int seen = 0;
        for (size_t k = 0; k < i; k++)
            seen |= strcmp(r->rows[k].provider, a->provider) == 0;
        if (!seen) {
            for (size_t s = 0; s < cat->n_src; s++) {
                const ga_catsrc *c = &cat->src[s];
                if (strcmp(c->provider, a->provider) != 0)
                    continue;
                int64_t d = ga_date_days(c->date);
                int rc = 0;
                if (d < 0)
                    rc = ga_trust_warn(r, "prices of %s have no date (source: %s): they may be "
                                          "out of date", a->provider, c->source);
                else if (today > 0 && today - d > GA_STALE_DAYS)
                    rc = ga_trust_warn(r, "prices of %s are from %s, %lld days ago (more than "
                                          "%d): check them before acting on this plan",
                                       a->provider, c->date, (long long)(today - d),
                                       GA_STALE_DAYS);
                if (rc < 0)
                    return ga_nomem(ctx);
            }
        }
        if (a->spot) {
            const ga_offer *o = row_offer(cat, a);
            if (o && !o->rate_given &&
                ga_trust_warn(r, "spot %s %s in %s%s%s: its interruption rate is the default "
                                 "%g/h, not one the catalog gives; the spot cost assumes it",
                              a->provider, a->instance_type, a->region, a->zone[0] ? "/" : "",
                              a->zone, o->rate) < 0)
                return ga_nomem(ctx);
        }
    }
    return GPUARB_OK;
}

/* ---------------------------------------------------------------------
 * Alternatives (opts.explain)
 * --------------------------------------------------------------------- */

static int add_alt(gpuarb_result *r, int32_t w, const char *provider, int32_t spot, double cph,
                   double extra, const char *reason)
{
    ga_alt_row *na = ga_reallocarray(r->alt, r->n_alt + 1, sizeof *na);
    if (!na)
        return -1;
    r->alt = na;
    ga_alt_row *a = &r->alt[r->n_alt];
    memset(a, 0, sizeof *a);
    a->w = w;
    a->spot = spot;
    a->cph = cph;
    a->extra = extra;
    a->provider = ga_strdup(provider);
    a->reason = ga_strdup(reason);
    r->n_alt++;
    return a->provider && a->reason ? 0 : -1;
}

/* 1 if every row of workload w in the plan is on provider p in market spot. */
static int plan_is(const gpuarb_result *r, int32_t w, const char *p, int32_t spot)
{
    int any = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ga_alloc_row *a = &r->rows[i];
        if (a->w != w)
            continue;
        if (strcmp(a->provider, p) != 0 || a->spot != spot)
            return 0;
        any = 1;
    }
    return any;
}

/* Why an alternative that is not dearer alone was not chosen: a cap of the
 * spec that counts the whole plan (the workloads together), else what the
 * workloads share. */
static void cap_reason(const gpuarb_spec *s, int32_t spot, double extra, char *buf, size_t size)
{
    const char *what = s->max_provider_share >= 0 && s->max_provider_share < 1
                           ? "max_provider_share"
                       : spot && s->max_spot_share >= 0 && s->max_spot_share < 1 ? "max_spot_share"
                       : s->budget_per_hour >= 0 ? "budget_per_hour"
                                                 : NULL;
    char lead[64];
    if (extra < 0)
        ga_snprintf_c(lead, sizeof lead, "$%.2f/h cheaper alone", -extra);
    else
        ga_snprintf_c(lead, sizeof lead, "as cheap alone");
    if (what)
        ga_snprintf_c(buf, size, "%s, but over a cap: %s, with the other workloads", lead, what);
    else
        ga_snprintf_c(buf, size, "%s, but not with the other workloads (shared capacity, "
                      "egress, or a tie)", lead);
}

static gpuarb_status one_alternative(gpuarb_ctx *ctx, const base *b, const ga_tol *tol,
                                     gpuarb_result *r, int32_t wi, int32_t q, int32_t spot,
                                     int *stop)
{
    const gpuarb_spec *s = b->spec;
    gpuarb_spec s1 = *s;
    ga_workload w1 = s->w[wi];
    w1.spot = spot ? GA_SPOT_ONLY : GA_SPOT_NEVER;
    w1.has_data = s->w[wi].has_data;
    s1.w = &w1;
    s1.n_w = 1;
    s1.max_provider_share = -1;
    s1.max_spot_share = -1;
    base b1;
    memset(&b1, 0, sizeof b1);
    gpuarb_status st = ga_base_build(ctx, &s1, b->cat, &b->lim, &b1);
    if (st)
        return st;
    int32_t q1 = -1;
    for (int32_t k = 0; k < b1.n_prov; k++)
        if (strcmp(b1.prov_name[k], b->prov_name[q]) == 0)
            q1 = k;
    char reason[256];
    double cph = -1, extra = 0;
    if (q1 < 0) {
        snprintf(reason, sizeof reason, "no offer");
    } else {
        view v = {.only_prov = q1, .ondemand_only = !spot, .min_cost = 1, .drop_budget = 1,
                  .drop_pshare = 1, .drop_sshare = 1};
        prob p;
        sol sv;
        double dl = ga_stage_deadline(b, 0, 1.0);
        st = ga_solve_exact(ctx, &b1, &v, dl, tol, &p, &sv);
        if (!st) {
            int planned = sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE;
            const ga_wl_row *wr = &r->wl[wi];
            double H = s->horizon_hours > 0 ? s->horizon_hours : 1;
            if (planned) {
                cph = sv.e.cph;
                extra = (sv.e.total - (wr->cost_per_hour * H + wr->egress_cost)) / H;
                /* money to the cent's ten-thousandth: no float noise */
                extra = round(extra * 1e6) / 1e6;
                if (extra > 0) {
                    ga_snprintf_c(reason, sizeof reason, "dearer by $%.2f/h", extra);
                } else if (s->budget_per_hour >= 0 && cph > s->budget_per_hour) {
                    ga_snprintf_c(reason, sizeof reason, "over a cap: $%.2f/h is above "
                             "budget_per_hour", cph);
                } else {
                    cap_reason(s, spot, extra, reason, sizeof reason);
                }
            } else if (sv.status == GPUARB_SOLVE_INFEASIBLE) {
                snprintf(reason, sizeof reason, "%s",
                         p.n_c == 0 ? (spot ? "no spot market for an acceptable GPU and shape" : "no offer of an acceptable GPU and shape")
                                    : "capacity short: its offers cannot make the GPU count");
            } else {
                snprintf(reason, sizeof reason, "not found before the time limit");
                *stop = 1;
            }
        }
        ga_sol_free(&sv);
        ga_prob_free(&p);
    }
    ga_base_free(&b1);
    if (st)
        return st;
    if (add_alt(r, wi, b->prov_name[q], spot, cph, cph < 0 ? 0 : extra, reason))
        return ga_nomem(ctx);
    return GPUARB_OK;
}

static gpuarb_status alternatives(gpuarb_ctx *ctx, const base *b, const ga_tol *tol,
                                  gpuarb_result *r)
{
    const gpuarb_spec *s = b->spec;
    r->explained = 1;
    if (r->status != GPUARB_SOLVE_OPTIMAL && r->status != GPUARB_SOLVE_FEASIBLE)
        return GPUARB_OK;
    int stop = 0;
    for (size_t wi = 0; wi < s->n_w && !stop; wi++) {
        const ga_workload *w = &s->w[wi];
        for (int32_t q = 0; q < b->n_prov && !stop; q++) {
            for (int32_t spot = 0; spot <= 1 && !stop; spot++) {
                if ((spot && w->spot == GA_SPOT_NEVER) || (!spot && w->spot == GA_SPOT_ONLY))
                    continue;
                if (plan_is(r, (int32_t)wi, b->prov_name[q], spot))
                    continue;
                if (b->lim.deadline_ms > 0 && ga_now_ms() >= b->lim.deadline_ms) {
                    stop = 1;
                    break;
                }
                gpuarb_status st = one_alternative(ctx, b, tol, r, (int32_t)wi, q, spot, &stop);
                if (st)
                    return st;
            }
        }
    }
    if (stop && ga_result_diag(r, "alternatives: the time limit ended before every provider "
                                  "and market was tried") < 0)
        return ga_nomem(ctx);
    return GPUARB_OK;
}

gpuarb_status ga_trust_annotate(gpuarb_ctx *ctx, const base *b, int32_t explain,
                                const ga_tol *tol, gpuarb_result *r)
{
    gpuarb_status st = sources_and_warnings(ctx, b, r);
    if (!st && explain)
        st = alternatives(ctx, b, tol, r);
    return st;
}
