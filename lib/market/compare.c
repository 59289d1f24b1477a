/*
 * compare.c - competitive benchmarking (`gpuarb market compare`): per GPU
 * model, each provider's cheapest on-demand and spot price per GPU-hour in
 * a catalog, the cheapest competitor, and where "our" provider ranks.
 *
 * Offers are grouped by their canonical model name (the catalog loaders
 * already fold every alias to it through the model table), so "A100-80GB"
 * and "a100 80gb" from two files meet in one row.  A provider's price of
 * a market is the least price_hour / gpu_count over its offers of the
 * model; ties go to the smaller (instance_type, region), so the result does
 * not depend on catalog order.  Rank and percentile count on-demand prices
 * only: rank 1 + the number of providers strictly cheaper than ours,
 * percentile 100 (rank - 1) / (ranked providers - 1), 0 = cheapest, 100 =
 * dearest.  gap_pct = 100 (ours - cheapest competitor) / cheapest
 * competitor: positive when we are dearer.  The result copies every string
 * it keeps.  Returns GPUARB_ERR_ARG (misuse), GPUARB_ERR_INPUT (unknown
 * model, or an "ours" provider the catalog does not have, naming the ones
 * it has), GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "market/market.h"
#include "io/writer.h"

#define CMP_OPTS_V1 72
#define SUMMARY_V1 112

typedef struct cmp_market {
    double per_gpu;            /* -1 = none */
    char *instance_type, *region;
} cmp_market;

typedef struct cmp_prov {
    char *provider;
    cmp_market od, spot;
} cmp_prov;

typedef struct cmp_model {
    char *gpu;
    int32_t order;             /* model table index; -1 unknown */
    cmp_prov *p;
    size_t np, cap;
    ptrdiff_t cheapest, ours;  /* provider index; -1 none */
    int32_t rank, ranked;
    double percentile, gap_pct;
    int32_t have_gap;
} cmp_model;

struct gpuarb_market_compare {
    char *ours;
    cmp_model *m;
    size_t nm, cap;
};

void gpuarb_market_compare_opts_init(gpuarb_market_compare_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
}

static void market_free(cmp_market *k)
{
    free(k->instance_type);
    free(k->region);
}

void gpuarb_market_compare_free(gpuarb_market_compare *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nm; i++) {
        for (size_t j = 0; j < c->m[i].np; j++) {
            free(c->m[i].p[j].provider);
            market_free(&c->m[i].p[j].od);
            market_free(&c->m[i].p[j].spot);
        }
        free(c->m[i].p);
        free(c->m[i].gpu);
    }
    free(c->m);
    free(c->ours);
    free(c);
}

/* a before b in the tie order of two offers of one price */
static int offer_before(const char *ta, const char *ra, const char *tb, const char *rb)
{
    int d = strcmp(ta, tb);
    return d < 0 || (d == 0 && strcmp(ra, rb) < 0);
}

/* Offer o at per-GPU price v into market k if it is cheaper (0, or -1 when
 * memory ran out). */
static int market_offer(cmp_market *k, double v, const gpuarb_offer *o)
{
    if (k->per_gpu >= 0 &&
        (v > k->per_gpu ||
         (v == k->per_gpu &&
          !offer_before(o->instance_type, o->region, k->instance_type, k->region))))
        return 0;
    char *t = ga_strdup(o->instance_type), *r = ga_strdup(o->region);
    if (!t || !r) {
        free(t);
        free(r);
        return -1;
    }
    market_free(k);
    k->per_gpu = v;
    k->instance_type = t;
    k->region = r;
    return 0;
}

static cmp_model *find_model(gpuarb_market_compare *c, const char *gpu)
{
    for (size_t i = 0; i < c->nm; i++)
        if (strcmp(c->m[i].gpu, gpu) == 0)
            return &c->m[i];
    if (c->nm == c->cap && ga_grow((void **)&c->m, &c->cap, c->nm + 1, sizeof *c->m) != 0)
        return NULL;
    cmp_model *m = &c->m[c->nm];
    memset(m, 0, sizeof *m);
    if (!(m->gpu = ga_strdup(gpu)))
        return NULL;
    m->order = gpuarb_gpu_model_find(gpu);
    m->cheapest = m->ours = -1;
    c->nm++;
    return m;
}

static cmp_prov *find_prov(cmp_model *m, const char *provider)
{
    for (size_t i = 0; i < m->np; i++)
        if (strcmp(m->p[i].provider, provider) == 0)
            return &m->p[i];
    if (m->np == m->cap && ga_grow((void **)&m->p, &m->cap, m->np + 1, sizeof *m->p) != 0)
        return NULL;
    cmp_prov *p = &m->p[m->np];
    memset(p, 0, sizeof *p);
    if (!(p->provider = ga_strdup(provider)))
        return NULL;
    p->od.per_gpu = p->spot.per_gpu = -1;
    m->np++;
    return p;
}

/* on-demand price, no on-demand last; then spot likewise; then name */
static int prov_cmp(const void *a, const void *b)
{
    const cmp_prov *x = a, *y = b;
    const cmp_market *ka[2] = {&x->od, &x->spot}, *kb[2] = {&y->od, &y->spot};
    for (int i = 0; i < 2; i++) {
        double u = ka[i]->per_gpu, v = kb[i]->per_gpu;
        if ((u < 0) != (v < 0))
            return u < 0 ? 1 : -1;
        if (u != v)
            return u < v ? -1 : 1;
    }
    return strcmp(x->provider, y->provider);
}

static int model_cmp(const void *a, const void *b)
{
    const cmp_model *x = a, *y = b;
    if ((x->order < 0) != (y->order < 0))
        return x->order < 0 ? 1 : -1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->gpu, y->gpu);
}

static void rank_model(cmp_model *m, const char *ours)
{
    m->cheapest = m->ours = -1;
    m->rank = m->ranked = 0;
    m->percentile = m->gap_pct = -1;
    m->have_gap = 0;
    for (size_t i = 0; i < m->np; i++) {
        const cmp_prov *p = &m->p[i];
        if (ours && strcmp(p->provider, ours) == 0)
            m->ours = (ptrdiff_t)i;
        else if (p->od.per_gpu >= 0 && m->cheapest < 0)
            m->cheapest = (ptrdiff_t)i; /* providers are sorted by on-demand price */
        if (p->od.per_gpu >= 0)
            m->ranked++;
    }
    if (m->ours < 0 || m->p[m->ours].od.per_gpu < 0)
        return;
    double v = m->p[m->ours].od.per_gpu;
    int32_t cheaper = 0;
    for (size_t i = 0; i < m->np; i++)
        if (m->p[i].od.per_gpu >= 0 && m->p[i].od.per_gpu < v)
            cheaper++;
    m->rank = cheaper + 1;
    m->percentile = m->ranked > 1 ? 100.0 * cheaper / (m->ranked - 1) : 0;
    m->have_gap = m->cheapest >= 0 && m->p[m->cheapest].od.per_gpu > 0;
    if (m->have_gap)
        m->gap_pct = 100 * (v - m->p[m->cheapest].od.per_gpu) / m->p[m->cheapest].od.per_gpu;
}

/* "ours" is not in the catalog: name the providers it has, nearest first. */
static gpuarb_status no_such_provider(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                      const char *ours)
{
    ga_strbuf b;
    ga_sb_init(&b);
    size_t n = gpuarb_catalog_count(cat);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            gpuarb_offer o;
            gpuarb_catalog_offer(cat, i, &o);
            int near = ga_edit_distance(o.provider, ours) <= 2;
            if (near != (pass == 0))
                continue;
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++) {
                gpuarb_offer q;
                gpuarb_catalog_offer(cat, j, &q);
                seen = strcmp(q.provider, o.provider) == 0;
            }
            if (!seen)
                ga_sb_printf(&b, "%s%s", b.len ? ", " : "", o.provider);
        }
    if (b.oom) {
        ga_sb_free(&b);
        return ga_nomem(ctx);
    }
    gpuarb_status st =
        ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, "ours",
                 "provider '%s' has no offer in the catalog; it has: %s", ours,
                 b.len ? b.s : "(no offers)");
    ga_sb_free(&b);
    return st;
}

gpuarb_status gpuarb_market_compare_run(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                        const gpuarb_market_compare_opts *opts,
                                        gpuarb_market_compare **out)
{
    gpuarb_market_compare_opts def;
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!cat)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "market compare: no catalog");
    if (!opts) {
        gpuarb_market_compare_opts_init(&def);
        opts = &def;
    }
    if (opts->size < CMP_OPTS_V1)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "market compare: opts->size %u is below "
                        "sizeof(gpuarb_market_compare_opts) (%d)",
                        (unsigned)opts->size, CMP_OPTS_V1);
    const char *gpu = NULL;
    if (opts->gpu && opts->gpu[0]) {
        gpuarb_gpu_model gm;
        int32_t k = gpuarb_gpu_model_find(opts->gpu);
        if (k < 0 || gpuarb_gpu_model_get(k, &gm) != GPUARB_OK)
            return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, "gpu",
                            "unknown GPU model '%s'", opts->gpu);
        gpu = gm.name;
    }
    const char *ours = opts->ours && opts->ours[0] ? opts->ours : NULL;
    size_t n = gpuarb_catalog_count(cat);
    if (ours) {
        int found = 0;
        for (size_t i = 0; i < n && !found; i++) {
            gpuarb_offer o;
            gpuarb_catalog_offer(cat, i, &o);
            found = strcmp(o.provider, ours) == 0;
        }
        if (!found)
            return no_such_provider(ctx, cat, ours);
    }
    gpuarb_market_compare *c = ga_calloc(1, sizeof *c);
    if (!c)
        return ga_nomem(ctx);
    if (ours && !(c->ours = ga_strdup(ours)))
        goto oom;
    for (size_t i = 0; i < n; i++) {
        gpuarb_offer o;
        gpuarb_catalog_offer(cat, i, &o);
        if (o.gpu_count < 1 || (gpu && ga_strcasecmp(o.gpu, gpu) != 0))
            continue;
        if (o.price_hour < 0 && o.spot_price_hour < 0)
            continue;
        cmp_model *m = find_model(c, o.gpu);
        cmp_prov *p = m ? find_prov(m, o.provider) : NULL;
        if (!p)
            goto oom;
        if (o.price_hour >= 0 && market_offer(&p->od, o.price_hour / o.gpu_count, &o) != 0)
            goto oom;
        if (o.spot_price_hour >= 0 &&
            market_offer(&p->spot, o.spot_price_hour / o.gpu_count, &o) != 0)
            goto oom;
    }
    if (c->nm > 1)
        qsort(c->m, c->nm, sizeof *c->m, model_cmp);
    for (size_t i = 0; i < c->nm; i++) {
        if (c->m[i].np > 1)
            qsort(c->m[i].p, c->m[i].np, sizeof *c->m[i].p, prov_cmp);
        rank_model(&c->m[i], c->ours);
    }
    *out = c;
    return GPUARB_OK;
oom:
    gpuarb_market_compare_free(c);
    return ga_nomem(ctx);
}

int32_t gpuarb_market_compare_model_count(const gpuarb_market_compare *c)
{
    return c ? (int32_t)c->nm : 0;
}

gpuarb_status gpuarb_market_compare_model(const gpuarb_market_compare *c, int32_t i,
                                          gpuarb_market_model_summary *out)
{
    if (!c || !out || i < 0 || (size_t)i >= c->nm || out->size < SUMMARY_V1)
        return GPUARB_ERR_ARG;
    const cmp_model *m = &c->m[i];
    gpuarb_market_model_summary s;
    memset(&s, 0, sizeof s);
    s.size = out->size;
    s.provider_count = (int32_t)m->np;
    s.gpu = m->gpu;
    s.cheapest = m->cheapest >= 0 ? m->p[m->cheapest].provider : NULL;
    s.cheapest_per_gpu_hour = m->cheapest >= 0 ? m->p[m->cheapest].od.per_gpu : -1;
    s.ours = m->ours >= 0 ? m->p[m->ours].provider : NULL;
    s.ours_per_gpu_hour = m->ours >= 0 ? m->p[m->ours].od.per_gpu : -1;
    s.rank = m->rank;
    s.ranked_count = m->ranked;
    s.percentile = m->percentile;
    s.gap_pct = m->gap_pct;
    s.have_gap = m->have_gap;
    memcpy(out, &s, sizeof s < out->size ? sizeof s : out->size);
    return GPUARB_OK;
}

gpuarb_status gpuarb_market_compare_provider(const gpuarb_market_compare *c, int32_t i,
                                             int32_t j, const char **provider,
                                             double *ondemand_per_gpu_hour,
                                             double *spot_per_gpu_hour)
{
    if (!c || i < 0 || (size_t)i >= c->nm || j < 0 || (size_t)j >= c->m[i].np)
        return GPUARB_ERR_ARG;
    const cmp_prov *p = &c->m[i].p[j];
    if (provider)
        *provider = p->provider;
    if (ondemand_per_gpu_hour)
        *ondemand_per_gpu_hour = p->od.per_gpu;
    if (spot_per_gpu_hour)
        *spot_per_gpu_hour = p->spot.per_gpu;
    return GPUARB_OK;
}

gpuarb_status gpuarb_market_compare_to_json(gpuarb_ctx *ctx, const gpuarb_market_compare *c,
                                            char **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!c)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "market compare: no result");
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
    ga_w_obj_open(&w, GA_W_LINES);
    ga_w_kv_str(&w, "ours", c->ours);
    ga_w_key(&w, "models");
    ga_w_arr_open(&w, GA_W_LINES);
    for (size_t i = 0; i < c->nm; i++) {
        const cmp_model *m = &c->m[i];
        ga_w_obj_open(&w, GA_W_LINES);
        ga_w_kv_str(&w, "gpu", m->gpu);
        ga_w_key(&w, "providers");
        ga_w_arr_open(&w, GA_W_LINES);
        for (size_t j = 0; j < m->np; j++) {
            const cmp_prov *p = &m->p[j];
            const cmp_market *k = p->od.per_gpu >= 0 ? &p->od : &p->spot;
            ga_w_obj_open(&w, GA_W_INLINE);
            ga_w_kv_str(&w, "provider", p->provider);
            ga_w_kv_money_or_null(&w, "ondemand_per_gpu_hour", p->od.per_gpu >= 0, p->od.per_gpu);
            ga_w_kv_money_or_null(&w, "spot_per_gpu_hour", p->spot.per_gpu >= 0,
                                  p->spot.per_gpu);
            ga_w_kv_str(&w, "instance_type", k->instance_type);
            ga_w_kv_str(&w, "region", k->region);
            ga_w_kv_str(&w, "spot_instance_type", p->spot.instance_type);
            ga_w_kv_str(&w, "spot_region", p->spot.region);
            ga_w_obj_end(&w);
        }
        ga_w_arr_end(&w);
        int hc = m->cheapest >= 0, ho = m->ours >= 0;
        ga_w_kv_str(&w, "cheapest", hc ? m->p[m->cheapest].provider : NULL);
        ga_w_kv_money_or_null(&w, "cheapest_per_gpu_hour", hc,
                              hc ? m->p[m->cheapest].od.per_gpu : 0);
        ga_w_kv_str(&w, "ours", ho ? m->p[m->ours].provider : NULL);
        ga_w_kv_money_or_null(&w, "ours_per_gpu_hour", ho && m->p[m->ours].od.per_gpu >= 0,
                              ho ? m->p[m->ours].od.per_gpu : 0);
        ga_w_kv_int_or_null(&w, "rank", m->rank > 0, m->rank);
        ga_w_kv_int(&w, "providers_ranked", m->ranked);
        ga_w_kv_num_or_null(&w, "percentile", m->rank > 0, round(m->percentile * 1e4) / 1e4);
        ga_w_kv_num_or_null(&w, "gap_pct", m->have_gap, round(m->gap_pct * 1e4) / 1e4);
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    return ga_w_finish(&w, ctx, out);
}

gpuarb_status gpuarb_market_compare_to_table(gpuarb_ctx *ctx, const gpuarb_market_compare *c,
                                             char **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!c)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "market compare: no result");
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_printf(&b, "%-12s %-12s %12s %12s  %-24s %s\n", "GPU", "PROVIDER", "OD $/GPU-H",
                 "SPOT $/GPU-H", "INSTANCE", "REGION");
    for (size_t i = 0; i < c->nm; i++) {
        const cmp_model *m = &c->m[i];
        for (size_t j = 0; j < m->np; j++) {
            const cmp_prov *p = &m->p[j];
            const cmp_market *k = p->od.per_gpu >= 0 ? &p->od : &p->spot;
            char od[32] = "-", sp[32] = "-";
            if (p->od.per_gpu >= 0)
                ga_snprintf_c(od, sizeof od, "%.4f", p->od.per_gpu);
            if (p->spot.per_gpu >= 0)
                ga_snprintf_c(sp, sizeof sp, "%.4f", p->spot.per_gpu);
            ga_sb_printf(&b, "%-12s %-12s %12s %12s  %-24s %s%s\n", j ? "" : m->gpu,
                         p->provider, od, sp, k->instance_type, k->region,
                         (ptrdiff_t)j == m->ours ? "  (ours)" : "");
        }
        if (m->cheapest >= 0)
            ga_sb_printf(&b, "  cheapest competitor %s at %.4f $/GPU-h", m->p[m->cheapest].provider,
                         m->p[m->cheapest].od.per_gpu);
        else
            ga_sb_puts(&b, "  no competitor sells it on demand");
        if (m->rank > 0) {
            ga_sb_printf(&b, "; ours rank %d of %d (percentile %.0f)", (int)m->rank,
                         (int)m->ranked, m->percentile);
            if (m->have_gap)
                ga_sb_printf(&b, ", gap %+.1f %%", m->gap_pct);
        } else if (c->ours) {
            ga_sb_printf(&b, "; %s does not sell it on demand", c->ours);
        }
        ga_sb_putc(&b, '\n');
    }
    if (b.oom) {
        ga_sb_free(&b);
        return ga_nomem(ctx);
    }
    *out = ga_sb_take(&b);
    return GPUARB_OK;
}
