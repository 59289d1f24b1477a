/*
 * fleet.c - `gpuarb market price`: the FLEET file (YAML or JSON, read
 * through the shared doc readers so every error names its file, line,
 * column and key path), each model's demand history (a CSV
 * `time_s,value[,price]`: GPUs in use, and the price they were sold at),
 * the elasticity (given, or fitted by price.c), the forecast of the demand
 * at today's price (lib/forecast's ga_fc_predict), the competitors' cap
 * from a catalog, and the price path of price.c, with its expected
 * revenue and utilisation beside keeping today's price.
 *
 * The fleet file (man gpuarb(1) documents it for users):
 *     version: 1                 # optional
 *     catalog: builtin           # competitors' offers (default builtin)
 *     provider: acme             # our name in that catalog, never a competitor
 *     horizon: 24                # periods to price, 1..168 (default 24)
 *     season: 24                 # history steps per season (default 24; 0 none)
 *     policy: {undercut_pct: 5, min_margin_pct: 10, max_step_pct: 15}
 *     models:
 *       - {gpu: H100, capacity_gpus: 64, price_per_gpu_hour: 2.49,
 *          cost_per_gpu_hour: 1.4, history: h100.csv, elasticity: -1.6}
 * Returns GPUARB_ERR_IO, GPUARB_ERR_SYNTAX, GPUARB_ERR_INPUT,
 * GPUARB_ERR_LIMIT, GPUARB_ERR_NOMEM; never prints.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "market/market.h"
#include "forecast/forecast.h"
#include "io/csv.h"
#include "io/docread.h"
#include "io/writer.h"

#define MAX_HORIZON 168
#define MAX_MODELS 256
#define MAX_HISTORY_FILE ((size_t)256 << 20)
#define PRICE_SUMMARY_V1 120

typedef struct mk_model {
    char *gpu;
    double capacity, p0, cost, elasticity, comp_price; /* comp_price -1: catalog's */
    int32_t have_e, fitted;
    size_t fit_points;
    char *comp_provider;      /* cheapest competitor; NULL none */
    double competitor;        /* its on-demand $/GPU-h; -1 none */
    double floor_price, cap_price;
    double *base;             /* H forecast demand at p0 */
    double *price, *served, *revenue, *served0, *revenue0;
    double rev, rev0, util, util0;
} mk_model;

struct gpuarb_market_price_result {
    int32_t H, season;
    mk_model *m;
    size_t nm;
    char **warn;
    size_t nwarn, capwarn;
};

static void model_free(mk_model *m)
{
    free(m->gpu);
    free(m->comp_provider);
    free(m->base);
    free(m->price);
    free(m->served);
    free(m->revenue);
    free(m->served0);
    free(m->revenue0);
}

void gpuarb_market_price_result_free(gpuarb_market_price_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nm; i++)
        model_free(&r->m[i]);
    free(r->m);
    for (size_t i = 0; i < r->nwarn; i++)
        free(r->warn[i]);
    free(r->warn);
    free(r);
}

static gpuarb_status warn(gpuarb_ctx *ctx, gpuarb_market_price_result *r, const char *fmt, ...)
    GA_PRINTF(3, 4);
static gpuarb_status warn(gpuarb_ctx *ctx, gpuarb_market_price_result *r, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    ga_vsnprintf_c(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *s = ga_strdup(buf);
    if (!s || (r->nwarn == r->capwarn &&
               ga_grow((void **)&r->warn, &r->capwarn, r->nwarn + 1, sizeof *r->warn) != 0)) {
        free(s);
        return ga_nomem(ctx);
    }
    r->warn[r->nwarn++] = s;
    return GPUARB_OK;
}

/* ---- the fleet file ----------------------------------------------------- */

typedef struct fleet_model {
    const char *gpu, *history;
    const ga_doc_node *node, *history_node;
    double capacity, p0, cost, elasticity, comp_price;
    int32_t have_e;
} fleet_model;

typedef struct fleet {
    const char *catalog, *provider;
    int32_t H, season;
    double undercut, margin, step; /* undercut < 0: no cap */
    fleet_model *m;
    size_t nm;
} fleet;

enum { F_VERSION, F_CATALOG, F_PROVIDER, F_HORIZON, F_SEASON, F_POLICY, F_MODELS };
static const ga_rd_field FLEET_KEYS[] = {
    {"version", 0}, {"catalog", 0}, {"provider", 0}, {"horizon", 0}, {"season", 0},
    {"policy", 0}, {"models", GA_RD_REQUIRED}, {NULL, 0}};
enum { P_UNDERCUT, P_MARGIN, P_STEP };
static const ga_rd_field POLICY_KEYS[] = {
    {"undercut_pct", 0}, {"min_margin_pct", 0}, {"max_step_pct", 0}, {NULL, 0}};
enum { M_GPU, M_CAPACITY, M_PRICE, M_COST, M_HISTORY, M_ELASTICITY, M_COMPETITOR };
static const ga_rd_field MODEL_KEYS[] = {
    {"gpu", GA_RD_REQUIRED}, {"capacity_gpus", GA_RD_REQUIRED},
    {"price_per_gpu_hour", GA_RD_REQUIRED}, {"cost_per_gpu_hour", GA_RD_REQUIRED},
    {"history", GA_RD_REQUIRED}, {"elasticity", 0}, {"competitor_price_per_gpu_hour", 0},
    {NULL, 0}};

static gpuarb_status parse_model(ga_rd *rd, const ga_doc_node *n, fleet_model *fm)
{
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    memset(fm, 0, sizeof *fm);
    fm->node = n;
    fm->comp_price = -1;
    gpuarb_status st = ga_rd_map_begin(rd, n, MODEL_KEYS, "a mapping with gpu, capacity_gpus, "
                                                          "price_per_gpu_hour, cost_per_gpu_hour "
                                                          "and history", &m);
    while (!st && !(st = ga_rd_map_next(rd, &m, &k, &v)) && k >= 0) {
        switch (k) {
        case M_GPU:
            st = ga_rd_string(rd, v, &fm->gpu);
            if (!st && gpuarb_gpu_model_find(fm->gpu) < 0)
                st = ga_rd_fail(rd, v, "unknown GPU model '%s'", fm->gpu);
            break;
        case M_CAPACITY: st = ga_rd_number(rd, v, GA_RD_ABOVE(0), &fm->capacity); break;
        case M_PRICE: st = ga_rd_number(rd, v, GA_RD_ABOVE(0), &fm->p0); break;
        case M_COST: st = ga_rd_number(rd, v, GA_RD_AT_LEAST(0), &fm->cost); break;
        case M_HISTORY:
            st = ga_rd_string(rd, v, &fm->history);
            fm->history_node = v;
            break;
        case M_ELASTICITY:
            st = ga_rd_number(rd, v, &(const ga_rd_range){-50, 0, 0, 1, 1}, &fm->elasticity);
            fm->have_e = 1;
            break;
        case M_COMPETITOR: st = ga_rd_number(rd, v, GA_RD_ABOVE(0), &fm->comp_price); break;
        }
    }
    return st;
}

static gpuarb_status parse_fleet(ga_rd *rd, const ga_doc_node *root, fleet *f)
{
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(rd, root, FLEET_KEYS, "a mapping with models", &m);
    while (!st && !(st = ga_rd_map_next(rd, &m, &k, &v)) && k >= 0) {
        switch (k) {
        case F_VERSION: st = ga_rd_version(rd, v, 1); break;
        case F_CATALOG: st = ga_rd_string(rd, v, &f->catalog); break;
        case F_PROVIDER: st = ga_rd_string(rd, v, &f->provider); break;
        case F_HORIZON: st = ga_rd_int32(rd, v, 1, MAX_HORIZON, &f->H); break;
        case F_SEASON: st = ga_rd_int32(rd, v, 0, 1024, &f->season); break;
        case F_POLICY: {
            ga_rd_map pm;
            int pk;
            const ga_doc_node *pv;
            st = ga_rd_map_begin(rd, v, POLICY_KEYS, NULL, &pm);
            while (!st && !(st = ga_rd_map_next(rd, &pm, &pk, &pv)) && pk >= 0) {
                if (pk == P_UNDERCUT)
                    st = ga_rd_number(rd, pv, &(const ga_rd_range){0, 100, 0, 1, 1},
                                      &f->undercut);
                else if (pk == P_MARGIN)
                    st = ga_rd_number(rd, pv, GA_RD_AT_LEAST(0), &f->margin);
                else
                    st = ga_rd_number(rd, pv, GA_RD_ABOVE_UPTO(0, 1000), &f->step);
            }
            break;
        }
        case F_MODELS:
            st = ga_rd_kind(rd, v, GA_DOC_SEQ);
            if (!st && (v->n == 0 || v->n > MAX_MODELS))
                st = ga_rd_fail(rd, v, "expected 1 to %d models, found %zu", MAX_MODELS, v->n);
            if (!st && !(f->m = ga_calloc(v->n, sizeof *f->m)))
                st = ga_nomem(rd->ctx);
            for (size_t i = 0; !st && i < v->n; i++) {
                size_t mark = ga_rd_push_index(rd, i);
                st = parse_model(rd, v->items[i], &f->m[i]);
                for (size_t j = 0; !st && j < i; j++)
                    if (gpuarb_gpu_model_find(f->m[j].gpu) == gpuarb_gpu_model_find(f->m[i].gpu))
                        st = ga_rd_fail(rd, v->items[i], "GPU model '%s' is priced twice (also "
                                                         "models[%zu])", f->m[i].gpu, j);
                ga_rd_pop(rd, mark);
                f->nm = i + 1;
            }
            break;
        }
    }
    return st;
}

/* ---- a demand history --------------------------------------------------- */

static gpuarb_status csv_number(gpuarb_ctx *ctx, const ga_csv *c, size_t i, const char *source,
                                const char *name, double lo, double *v)
{
    const char *s = ga_csv_field(c, i);
    if (ga_parse_double(s, strlen(s), v) != GA_NUM_OK || !isfinite(*v) || *v < lo)
        return ga_error(ctx, GPUARB_ERR_INPUT, source, ga_csv_line(c, i), ga_csv_col(c, i), name,
                        "'%s' is not a finite number%s", s, lo >= 0 ? " >= 0" : "");
    return GPUARB_OK;
}

/* History rows `time_s,value[,price]` (header optional): *q GPUs in use,
 * *p the price (NULL when the file has no price column). */
static gpuarb_status read_history(gpuarb_ctx *ctx, const char *path, double **q, double **p,
                                  size_t *count)
{
    char *text;
    size_t len;
    gpuarb_status st = ga_load_file(ctx, 1, path, "history", MAX_HISTORY_FILE, &text, &len);
    if (st)
        return st;
    ga_csv c;
    ga_csv_init(&c, text, len, path, GA_CSV_COMMENTS);
    double *vq = NULL, *vp = NULL, t_prev = 0;
    size_t n = 0, cap = 0, capp = 0, nf = 0;
    int got, first = 1;
    while ((st = ga_csv_next(ctx, &c, &got)) == GPUARB_OK && got) {
        size_t k = ga_csv_nfields(&c);
        if (first) {
            first = 0;
            if (strcmp(ga_csv_field(&c, 0), "time_s") == 0) {
                if ((k != 2 && k != 3) || strcmp(ga_csv_field(&c, 1), "value") != 0 ||
                    (k == 3 && strcmp(ga_csv_field(&c, 2), "price") != 0)) {
                    st = ga_error(ctx, GPUARB_ERR_INPUT, path, ga_csv_record_line(&c), 1, NULL,
                                  "the header must be 'time_s,value' or 'time_s,value,price'");
                    break;
                }
                nf = k;
                continue;
            }
        }
        if (nf == 0)
            nf = k;
        if (k != nf || (k != 2 && k != 3)) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, path, ga_csv_record_line(&c), 1, NULL,
                          "a row has %zu fields; expected %zu ('time_s,value%s')", k,
                          nf == 3 ? (size_t)3 : (size_t)2, nf == 3 ? ",price" : "");
            break;
        }
        double t, x, y = 0;
        if ((st = csv_number(ctx, &c, 0, path, "time_s", -INFINITY, &t)) != GPUARB_OK ||
            (st = csv_number(ctx, &c, 1, path, "value", 0, &x)) != GPUARB_OK ||
            (k == 3 && (st = csv_number(ctx, &c, 2, path, "price", 0, &y)) != GPUARB_OK))
            break;
        if (n >= 1 && !(t > t_prev)) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, path, ga_csv_line(&c, 0), ga_csv_col(&c, 0),
                          "time_s", "times must increase (this one follows %.17g)", t_prev);
            break;
        }
        t_prev = t;
        if ((n == cap && ga_grow((void **)&vq, &cap, n + 1, sizeof *vq) != 0) ||
            (k == 3 && n == capp && ga_grow((void **)&vp, &capp, n + 1, sizeof *vp) != 0)) {
            st = ga_nomem(ctx);
            break;
        }
        vq[n] = x;
        if (k == 3)
            vp[n] = y;
        n++;
    }
    ga_csv_free(&c);
    free(text);
    if (st == GPUARB_OK && n == 0)
        st = ga_error(ctx, GPUARB_ERR_INPUT, path, 1, 1, NULL, "the history has no rows");
    if (st) {
        free(vq);
        free(vp);
        return st;
    }
    *q = vq;
    *p = vp;
    *count = n;
    return GPUARB_OK;
}

/* ---- pricing one model -------------------------------------------------- */

/* The cheapest on-demand competitor of a model in cat (ours excluded). */
static int cheapest_competitor(const gpuarb_catalog *cat, const char *gpu, const char *ours,
                               double *price, const char **provider)
{
    int found = 0;
    gpuarb_gpu_model gm;
    if (gpuarb_gpu_model_get(gpuarb_gpu_model_find(gpu), &gm) != GPUARB_OK)
        return 0;
    for (size_t i = 0, n = gpuarb_catalog_count(cat); i < n; i++) {
        gpuarb_offer o;
        gpuarb_catalog_offer(cat, i, &o);
        if (o.price_hour < 0 || o.gpu_count < 1 || strcmp(o.gpu, gm.name) != 0 ||
            (ours && strcmp(o.provider, ours) == 0))
            continue;
        double v = o.price_hour / o.gpu_count;
        if (!found || v < *price || (v == *price && strcmp(o.provider, *provider) < 0)) {
            *price = v;
            *provider = o.provider;
            found = 1;
        }
    }
    return found;
}

static char *join_path(const char *dir, const char *file)
{
    if (!dir || !dir[0] || file[0] == '/')
        return ga_strdup(file);
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_printf(&b, "%s/%s", dir, file);
    return b.oom ? (ga_sb_free(&b), NULL) : ga_sb_take(&b);
}

static gpuarb_status price_model(gpuarb_ctx *ctx, ga_rd *rd, const fleet *f,
                                 const fleet_model *fm, const char *base_dir,
                                 const gpuarb_catalog *cat, gpuarb_market_price_result *r,
                                 mk_model *m)
{
    int32_t H = f->H;
    gpuarb_gpu_model gm;
    gpuarb_gpu_model_get(gpuarb_gpu_model_find(fm->gpu), &gm);
    m->capacity = fm->capacity;
    m->p0 = fm->p0;
    m->cost = fm->cost;
    m->competitor = -1;
    m->cap_price = -1;
    if (!(m->gpu = ga_strdup(gm.name)))
        return ga_nomem(ctx);
    double **arrs[] = {&m->base, &m->price, &m->served, &m->revenue, &m->served0, &m->revenue0};
    for (size_t i = 0; i < sizeof arrs / sizeof arrs[0]; i++)
        if (!(*arrs[i] = ga_calloc((size_t)H, sizeof(double))))
            return ga_nomem(ctx);
    char *hp = join_path(base_dir, fm->history);
    if (!hp)
        return ga_nomem(ctx);
    double *q = NULL, *p = NULL;
    size_t n = 0;
    gpuarb_status st = read_history(ctx, hp, &q, &p, &n);
    free(hp);
    if (st == GPUARB_ERR_IO) { /* name the fleet file's line too */
        char msg[512];
        ga_snprintf_c(msg, sizeof msg, "%s", gpuarb_errmsg(ctx));
        return ga_rd_fail_at(rd, GPUARB_ERR_IO, fm->history_node->line, fm->history_node->col,
                             "cannot read the history: %s", msg);
    }
    if (st)
        return st;
    const ga_doc_node *at = fm->history_node;
    if (fm->have_e) {
        m->elasticity = fm->elasticity;
    } else if (!p) {
        st = ga_rd_fail(rd, at, "the history has no price column to fit an elasticity from; "
                                "give elasticity");
    } else if (!ga_mk_fit_elasticity(q, p, n, f->season, m->capacity, &m->elasticity,
                                     &m->fit_points)) {
        st = ga_rd_fail(rd, at, "the history's prices do not vary within an hour of the "
                                "season (or every point is at capacity); give elasticity");
    } else if (!(m->elasticity < 0)) {
        st = ga_rd_fail(rd, at, "the fitted elasticity %.4g is not negative: demand rose with "
                                "the price in this history; give elasticity",
                        m->elasticity);
    } else {
        m->fitted = 1;
        if (m->elasticity > -1)
            st = warn(ctx, r, "%s: fitted elasticity %.3f is above -1 (inelastic): the price "
                              "goes to the cap", m->gpu, m->elasticity);
    }
    /* the history as demand at today's price, then its forecast */
    double *b = st ? NULL : ga_mallocarray(n, sizeof *b);
    if (!st && !b)
        st = ga_nomem(ctx);
    if (!st) {
        for (size_t t = 0; t < n; t++)
            b[t] = p && p[t] > 0 && q[t] > 0 ? q[t] * pow(m->p0 / p[t], m->elasticity) : q[t];
        st = ga_fc_predict(ctx, b, n, f->season, H, m->base);
        for (int32_t t = 0; !st && t < H; t++)
            if (!(m->base[t] > 0))
                m->base[t] = 0;
    }
    free(b);
    free(q);
    free(p);
    if (st)
        return st;
    /* policy bounds */
    const char *prov = NULL;
    if (fm->comp_price > 0) {
        m->competitor = fm->comp_price;
    } else if (cheapest_competitor(cat, m->gpu, f->provider, &m->competitor, &prov)) {
        if (!(m->comp_provider = ga_strdup(prov)))
            return ga_nomem(ctx);
    } else {
        m->competitor = -1;
    }
    m->floor_price = m->cost * (1 + f->margin / 100);
    if (f->undercut >= 0 && m->competitor > 0)
        m->cap_price = m->competitor * (1 - f->undercut / 100);
    else if (f->undercut >= 0 && (st = warn(ctx, r, "%s: no competitor sells it on demand; no "
                                                    "undercut cap", m->gpu)) != GPUARB_OK)
        return st;
    if (m->cap_price >= 0 && m->cap_price < m->floor_price &&
        (st = warn(ctx, r, "%s: the floor %.4f (cost plus margin) is above the undercut cap "
                           "%.4f; the floor wins", m->gpu, m->floor_price, m->cap_price)))
        return st;
    ga_mk_price_problem pp = {m->base, H, m->p0, m->elasticity, m->capacity,
                              m->floor_price, m->cap_price, f->step / 100};
    st = ga_mk_price_path(ctx, &pp, m->price);
    if (st == GPUARB_ERR_INPUT) { /* place the message at the model */
        char msg[512];
        ga_snprintf_c(msg, sizeof msg, "%s", gpuarb_errmsg(ctx));
        return ga_rd_fail(rd, fm->node, "%s", msg);
    }
    if (st)
        return st;
    for (int32_t t = 0; t < H; t++) {
        m->revenue[t] = ga_mk_revenue(&pp, t, m->price[t], &m->served[t]);
        m->revenue0[t] = ga_mk_revenue(&pp, t, m->p0, &m->served0[t]);
        m->rev += m->revenue[t];
        m->rev0 += m->revenue0[t];
        m->util += m->served[t] / m->capacity / H;
        m->util0 += m->served0[t] / m->capacity / H;
    }
    return GPUARB_OK;
}

static gpuarb_status from_doc(gpuarb_ctx *ctx, ga_doc *doc, const char *base_dir,
                              const gpuarb_catalog *catalog, gpuarb_market_price_result **out)
{
    fleet f = {NULL, NULL, 24, 24, -1, 0, 0, NULL, 0};
    ga_rd rd;
    ga_rd_init(&rd, ctx, doc->source);
    gpuarb_catalog *own = NULL;
    gpuarb_market_price_result *r = NULL;
    gpuarb_status st = parse_fleet(&rd, doc->root, &f);
    if (!st && !catalog) {
        st = gpuarb_catalog_load_ref(ctx, f.catalog ? f.catalog : "builtin", base_dir, NULL,
                                     &own);
        catalog = own;
    }
    if (!st && !(r = ga_calloc(1, sizeof *r)))
        st = ga_nomem(ctx);
    if (!st && !(r->m = ga_calloc(f.nm, sizeof *r->m)))
        st = ga_nomem(ctx);
    if (!st) {
        r->H = f.H;
        r->season = f.season;
    }
    for (size_t i = 0; !st && i < f.nm; i++) {
        size_t mark = ga_rd_push_key(&rd, "models");
        ga_rd_push_index(&rd, i);
        r->nm = i + 1;
        st = price_model(ctx, &rd, &f, &f.m[i], base_dir, catalog, r, &r->m[i]);
        ga_rd_pop(&rd, mark);
    }
    free(f.m);
    gpuarb_catalog_free(own);
    ga_doc_free(doc);
    if (st) {
        gpuarb_market_price_result_free(r);
        return st;
    }
    *out = r;
    return GPUARB_OK;
}

gpuarb_status gpuarb_market_price_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                        const char *source, const char *base_dir,
                                        const gpuarb_catalog *catalog,
                                        gpuarb_market_price_result **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_from_text(ctx, out != NULL, text, len, source, &doc);
    if (st)
        return st;
    return from_doc(ctx, &doc, base_dir, catalog, out);
}

gpuarb_status gpuarb_market_price_load(gpuarb_ctx *ctx, const char *path,
                                       const gpuarb_catalog *catalog,
                                       gpuarb_market_price_result **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_load(ctx, out != NULL, path, &doc);
    if (st)
        return st;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? ga_strndup(path, (size_t)(slash - path)) : ga_strdup("");
    if (!dir) {
        ga_doc_free(&doc);
        return ga_nomem(ctx);
    }
    st = from_doc(ctx, &doc, slash == path ? "/" : dir, catalog, out);
    free(dir);
    return st;
}

/* ---- accessors and output ----------------------------------------------- */

int32_t gpuarb_market_price_model_count(const gpuarb_market_price_result *r)
{
    return r ? (int32_t)r->nm : 0;
}

gpuarb_status gpuarb_market_price_model(const gpuarb_market_price_result *r, int32_t i,
                                        gpuarb_market_price_summary *out, double *prices)
{
    if (!r || i < 0 || (size_t)i >= r->nm || (out && out->size < PRICE_SUMMARY_V1))
        return GPUARB_ERR_ARG;
    const mk_model *m = &r->m[i];
    if (out) {
        gpuarb_market_price_summary s;
        memset(&s, 0, sizeof s);
        s.size = out->size;
        s.periods = r->H;
        s.gpu = m->gpu;
        s.current_price = m->p0;
        s.elasticity = m->elasticity;
        s.elasticity_fitted = m->fitted;
        s.floor_price = m->floor_price;
        s.cap_price = m->cap_price;
        s.expected_revenue = m->rev;
        s.revenue_at_current_price = m->rev0;
        s.mean_utilization = m->util;
        s.mean_utilization_at_current_price = m->util0;
        memcpy(out, &s, sizeof s < out->size ? sizeof s : out->size);
    }
    if (prices)
        memcpy(prices, m->price, (size_t)r->H * sizeof *prices);
    return GPUARB_OK;
}

static double r4(double v)
{
    return round(v * 1e4) / 1e4;
}

gpuarb_status gpuarb_market_price_to_json(gpuarb_ctx *ctx, const gpuarb_market_price_result *r,
                                          char **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!r)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "market price: no result");
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
    ga_w_obj_open(&w, GA_W_LINES);
    ga_w_kv_int(&w, "horizon", r->H);
    ga_w_key(&w, "models");
    ga_w_arr_open(&w, GA_W_LINES);
    for (size_t i = 0; i < r->nm; i++) {
        const mk_model *m = &r->m[i];
        ga_w_obj_open(&w, GA_W_LINES);
        ga_w_kv_str(&w, "gpu", m->gpu);
        ga_w_kv_num(&w, "capacity_gpus", m->capacity);
        ga_w_kv_money(&w, "current_price", m->p0);
        ga_w_kv_money(&w, "cost_per_gpu_hour", m->cost);
        ga_w_kv_num(&w, "elasticity", r4(m->elasticity));
        ga_w_kv_str(&w, "elasticity_source", m->fitted ? "fitted" : "given");
        ga_w_kv_int_or_null(&w, "fit_points", m->fitted, (int64_t)m->fit_points);
        ga_w_kv_str(&w, "cheapest_competitor", m->comp_provider);
        ga_w_kv_money_or_null(&w, "competitor_price", m->competitor > 0, m->competitor);
        ga_w_kv_money(&w, "floor_price", m->floor_price);
        ga_w_kv_money_or_null(&w, "cap_price", m->cap_price >= 0, m->cap_price);
        ga_w_key(&w, "periods");
        ga_w_arr_open(&w, GA_W_LINES);
        for (int32_t t = 0; t < r->H; t++) {
            ga_w_obj_open(&w, GA_W_INLINE);
            ga_w_kv_int(&w, "period", t + 1);
            ga_w_kv_money(&w, "price", m->price[t]);
            ga_w_kv_num(&w, "demand_gpus_at_current_price", r4(m->base[t]));
            ga_w_kv_num(&w, "expected_gpus", r4(m->served[t]));
            ga_w_kv_num(&w, "utilization", r4(m->served[t] / m->capacity));
            ga_w_kv_money(&w, "revenue", m->revenue[t]);
            ga_w_kv_money(&w, "revenue_at_current_price", m->revenue0[t]);
            ga_w_obj_end(&w);
        }
        ga_w_arr_end(&w);
        ga_w_kv_money(&w, "expected_revenue", m->rev);
        ga_w_kv_money(&w, "revenue_at_current_price", m->rev0);
        ga_w_kv_num_or_null(&w, "revenue_gain_pct", m->rev0 > 0,
                            m->rev0 > 0 ? r4(100 * (m->rev / m->rev0 - 1)) : 0);
        ga_w_kv_num(&w, "mean_utilization", r4(m->util));
        ga_w_kv_num(&w, "mean_utilization_at_current_price", r4(m->util0));
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    ga_w_key(&w, "warnings");
    ga_w_arr_open(&w, GA_W_LINES);
    for (size_t i = 0; i < r->nwarn; i++)
        ga_w_str(&w, r->warn[i]);
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    return ga_w_finish(&w, ctx, out);
}

gpuarb_status gpuarb_market_price_to_table(gpuarb_ctx *ctx, const gpuarb_market_price_result *r,
                                           char **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!r)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "market price: no result");
    ga_strbuf b;
    ga_sb_init(&b);
    for (size_t i = 0; i < r->nm; i++) {
        const mk_model *m = &r->m[i];
        ga_sb_printf(&b, "%s: %g GPUs, today %.4f $/GPU-h, elasticity %.3f (%s), floor %.4f",
                     m->gpu, m->capacity, m->p0, m->elasticity, m->fitted ? "fitted" : "given",
                     m->floor_price);
        if (m->cap_price >= 0)
            ga_sb_printf(&b, ", cap %.4f (%s %.4f)", m->cap_price,
                         m->comp_provider ? m->comp_provider : "given", m->competitor);
        ga_sb_printf(&b, "\n%6s %10s %10s %8s %12s %12s\n", "PERIOD", "PRICE", "GPUS", "UTIL",
                     "REVENUE", "AT TODAY'S");
        for (int32_t t = 0; t < r->H; t++)
            ga_sb_printf(&b, "%6d %10.4f %10.2f %7.1f%% %12.2f %12.2f\n", (int)t + 1,
                         m->price[t], m->served[t], 100 * m->served[t] / m->capacity,
                         m->revenue[t], m->revenue0[t]);
        ga_sb_printf(&b, "%6s %10s %10s %7.1f%% %12.2f %12.2f", "total", "", "", 100 * m->util,
                     m->rev, m->rev0);
        if (m->rev0 > 0)
            ga_sb_printf(&b, "  (%+.1f %%)", 100 * (m->rev / m->rev0 - 1));
        ga_sb_printf(&b, "\n  utilisation at today's price %.1f %%\n\n", 100 * m->util0);
    }
    for (size_t i = 0; i < r->nwarn; i++)
        ga_sb_printf(&b, "warning: %s\n", r->warn[i]);
    if (b.oom) {
        ga_sb_free(&b);
        return ga_nomem(ctx);
    }
    *out = ga_sb_take(&b);
    return GPUARB_OK;
}
