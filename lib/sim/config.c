/*
 * config.c - SIM.yaml, the simulated pool's configuration (SPEC section 6),
 * read with the shared doc reader so every error names file, line, column
 * and key path, and the spot availability series it may name
 * (../shared/data/spot_traces format: {"metadata": {"gap_seconds": N},
 * "data": [...]}).
 *
 *     catalog: builtin                 # a catalog reference (gpuarb(1))
 *     offer: {provider: aws, region: us-east-1, instance_type: p3.16xlarge}
 *     markets: [ondemand, spot]        # default: every market the offer has
 *     provisioning_delay_s: 300
 *     decision_interval_s: 300
 *     wait_penalty_per_gpu_hour: 3.06  # default: the offer's on-demand $/GPU-h
 *     min_billed_s: 60                 # per-second billing, one-minute minimum
 *     restart_s: 600                   # work a preempted job re-does
 *     spot_trace: us-west-2a_v100_1.json
 *     spot_trace_start_s: 0            # where the run starts in it; default drawn by seed
 *     spot_interruption_rate: 0.05     # per hour, without a trace
 *     limits: {max_nodes: 64, min_nodes: 0, backfill_depth: 256, max_days: 400}
 *
 * The offer is the first in catalog order that matches every key given
 * (zone too when given) and sells the markets asked for.  Returns
 * GPUARB_ERR_INPUT / SYNTAX / LIMIT / IO / NOMEM / ARG.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/docread.h"
#include "sim/sim.h"

static void cfg_defaults(gpuarb_sim_config *c)
{
    c->delay_s = 300;
    c->interval_s = 300;
    c->wait_penalty = -1; /* set from the offer */
    c->min_billed_s = 60;
    c->restart_s = 600;
    c->spot_rate = -1;    /* the offer's */
    c->max_nodes = 64;
    c->min_nodes = 0;
    c->backfill_depth = 256;
    c->max_days = 400;
    c->avail_start_s = -1; /* drawn from the seed */
}

void gpuarb_sim_config_free(gpuarb_sim_config *c)
{
    if (!c)
        return;
    free(c->offer);
    free(c->avail);
    free(c->spot_trace);
    free(c);
}

/* ---- spot availability series ---- */

static gpuarb_status load_avail(gpuarb_ctx *ctx, gpuarb_sim_config *c, const char *path,
                                const char *base_dir)
{
    char *full = NULL;
    if (path[0] != '/' && base_dir && *base_dir) {
        size_t n = strlen(base_dir) + strlen(path) + 2;
        full = ga_malloc(n);
        if (!full)
            return ga_nomem(ctx);
        ga_snprintf_c(full, n, "%s/%s", base_dir, path);
    }
    const char *p = full ? full : path;
    ga_doc doc = {0};
    gpuarb_status st = ga_doc_load(ctx, 1, p, &doc);
    if (st) {
        free(full);
        return st;
    }
    ga_rd r;
    ga_rd_init(&r, ctx, doc.source);
    const ga_doc_node *root = doc.root, *meta, *gap, *data;
    if ((st = ga_rd_kind(&r, root, GA_DOC_MAP)))
        goto out;
    meta = ga_doc_get(root, "metadata");
    data = ga_doc_get(root, "data");
    if (!meta || !data) {
        st = ga_rd_fail(&r, root, "a spot trace needs \"metadata\" (with gap_seconds) and "
                                  "\"data\" (availability per tick)");
        goto out;
    }
    size_t mk = ga_rd_push_key(&r, "metadata");
    if ((st = ga_rd_kind(&r, meta, GA_DOC_MAP)))
        goto out;
    gap = ga_doc_get(meta, "gap_seconds");
    if (!gap) {
        st = ga_rd_fail(&r, meta, "missing gap_seconds");
        goto out;
    }
    ga_rd_push_key(&r, "gap_seconds");
    if ((st = ga_rd_number(&r, gap, GA_RD_CLOSED(1, 86400), &c->avail_gap_s)))
        goto out;
    ga_rd_pop(&r, mk);
    mk = ga_rd_push_key(&r, "data");
    if ((st = ga_rd_kind(&r, data, GA_DOC_SEQ)))
        goto out;
    if (data->n == 0) {
        st = ga_rd_fail(&r, data, "the availability series is empty");
        goto out;
    }
    c->avail = ga_mallocarray(data->n, sizeof *c->avail);
    if (!c->avail) {
        st = ga_nomem(ctx);
        goto out;
    }
    double mx = 0;
    for (size_t i = 0; i < data->n; i++) {
        size_t m2 = ga_rd_push_index(&r, i);
        if ((st = ga_rd_number(&r, data->items[i], GA_RD_CLOSED(0, 1e6), &c->avail[i])))
            goto out;
        c->avail[i] = floor(c->avail[i]);
        mx = GA_MAX(mx, c->avail[i]);
        ga_rd_pop(&r, m2);
    }
    c->navail = data->n;
    c->avail_is_count = mx > 1;
    if (!(c->spot_trace = ga_strdup(path)))
        st = ga_nomem(ctx);
out:
    ga_doc_free(&doc);
    free(full);
    return st;
}

/* ---- SIM.yaml ---- */

enum { K_CATALOG, K_OFFER, K_MARKETS, K_DELAY, K_INTERVAL, K_PENALTY, K_MINBILL, K_RESTART,
       K_SPOTTRACE, K_SPOTRATE, K_LIMITS, K_SPOTSTART };
static const ga_rd_field KEYS[] = {
    {"catalog", 0}, {"offer", 0}, {"markets", 0}, {"provisioning_delay_s", 0},
    {"decision_interval_s", 0}, {"wait_penalty_per_gpu_hour", 0}, {"min_billed_s", 0},
    {"restart_s", 0}, {"spot_trace", 0}, {"spot_interruption_rate", 0}, {"limits", 0},
    {"spot_trace_start_s", 0}, {NULL, 0}};
enum { O_PROVIDER, O_REGION, O_ZONE, O_TYPE };
static const ga_rd_field OFFER_KEYS[] = {
    {"provider", 0}, {"region", 0}, {"zone", 0}, {"instance_type", 0}, {NULL, 0}};
enum { L_MAX, L_MIN, L_BACKFILL, L_DAYS };
static const ga_rd_field LIMIT_KEYS[] = {
    {"max_nodes", 0}, {"min_nodes", 0}, {"backfill_depth", 0}, {"max_days", 0}, {NULL, 0}};
static const char *const MARKETS[] = {"ondemand", "spot", NULL};

typedef struct sel {
    const char *provider, *region, *zone, *type;
    int32_t line, col;     /* of the offer mapping (or the document) */
} sel;

static gpuarb_status pick_offer(gpuarb_ctx *ctx, gpuarb_sim_config *c, const char *source,
                                const char *catref, const char *base_dir, const sel *s,
                                int want_od, int want_spot)
{
    gpuarb_catalog *cat = NULL;
    gpuarb_status st = gpuarb_catalog_load_ref(ctx, catref, base_dir, NULL, &cat);
    if (st)
        return st;
    size_t n = gpuarb_catalog_count(cat);
    int found = 0;
    for (size_t i = 0; i < n && !found; i++) {
        gpuarb_offer o;
        gpuarb_catalog_offer(cat, i, &o);
        if ((s->provider && ga_strcasecmp(s->provider, o.provider)) ||
            (s->region && strcmp(s->region, o.region)) || (s->zone && strcmp(s->zone, o.zone)) ||
            (s->type && strcmp(s->type, o.instance_type)))
            continue;
        if ((want_od && o.price_hour < 0) || (want_spot && o.spot_price_hour < 0))
            continue;
        found = 1;
        c->node_gpus = o.gpu_count;
        c->od_price = want_od ? o.price_hour : -1;
        c->has_spot = want_spot;
        c->spot_price = want_spot ? o.spot_price_hour : -1;
        if (c->spot_rate < 0)
            c->spot_rate = o.interruption_rate;
        size_t len = strlen(o.provider) + strlen(o.region) + strlen(o.zone) +
                     strlen(o.instance_type) + 4;
        c->offer = ga_malloc(len);
        if (!c->offer) {
            st = ga_nomem(ctx);
            break;
        }
        ga_snprintf_c(c->offer, len, "%s/%s%s%s/%s", o.provider, o.region, *o.zone ? "/" : "",
                      o.zone, o.instance_type);
    }
    gpuarb_catalog_free(cat);
    if (!st && !found)
        st = ga_error(ctx, GPUARB_ERR_INPUT, source, s->line, s->col, "offer",
                      "no offer of catalog '%s' matches provider %s, region %s, zone %s, "
                      "instance_type %s with %s",
                      catref, s->provider ? s->provider : "any", s->region ? s->region : "any",
                      s->zone ? s->zone : "any", s->type ? s->type : "any",
                      want_od && want_spot ? "both on-demand and spot prices"
                      : want_spot          ? "a spot price"
                                           : "an on-demand price");
    if (!st && c->node_gpus > 32)
        st = ga_error(ctx, GPUARB_ERR_INPUT, source, s->line, s->col, "offer",
                      "the simulator takes nodes of at most 32 GPUs; this offer has %d",
                      c->node_gpus);
    return st;
}

static gpuarb_status from_doc(gpuarb_ctx *ctx, const ga_doc *doc, const char *base_dir,
                              gpuarb_sim_config **out)
{
    gpuarb_sim_config *c = ga_calloc(1, sizeof *c);
    if (!c)
        return ga_nomem(ctx);
    cfg_defaults(c);
    ga_rd r;
    ga_rd_init(&r, ctx, doc->source);
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    const char *catref = "builtin", *trace = NULL;
    sel s = {"aws", "us-east-1", NULL, "p3.16xlarge", 1, 1};
    int want_od = 1, want_spot = 1, markets_given = 0;
    int32_t tr_line = 1, tr_col = 1;
    gpuarb_status st = GPUARB_OK;
    const ga_doc_node *root = doc->root;
    int empty = !root || root->kind == GA_DOC_NULL;
    if (!empty) {
        s.line = root->line, s.col = root->col;
        st = ga_rd_map_begin(&r, root, KEYS, "a mapping of simulation settings", &m);
    }
    while (!empty && !st && !(st = ga_rd_map_next(&r, &m, &k, &v)) && k >= 0) {
        switch (k) {
        case K_CATALOG: st = ga_rd_string(&r, v, &catref); break;
        case K_OFFER: {
            ga_rd_map om;
            int ok;
            const ga_doc_node *ov;
            s = (sel){NULL, NULL, NULL, NULL, v->line, v->col};
            st = ga_rd_map_begin(&r, v, OFFER_KEYS, NULL, &om);
            while (!st && !(st = ga_rd_map_next(&r, &om, &ok, &ov)) && ok >= 0) {
                switch (ok) {
                case O_PROVIDER: st = ga_rd_string(&r, ov, &s.provider); break;
                case O_REGION: st = ga_rd_string(&r, ov, &s.region); break;
                case O_ZONE: st = ga_rd_string(&r, ov, &s.zone); break;
                case O_TYPE: st = ga_rd_string(&r, ov, &s.type); break;
                }
            }
            break;
        }
        case K_MARKETS:
            markets_given = 1;
            if ((st = ga_rd_kind(&r, v, GA_DOC_SEQ)))
                break;
            if (v->n == 0) {
                st = ga_rd_fail(&r, v, "name at least one market: ondemand, spot");
                break;
            }
            want_od = want_spot = 0;
            for (size_t i = 0; i < v->n && !st; i++) {
                size_t mk = ga_rd_push_index(&r, i);
                int32_t mkt = 0;
                st = ga_rd_enum(&r, v->items[i], MARKETS, &mkt);
                if (mkt == 0)
                    want_od = 1;
                else
                    want_spot = 1;
                ga_rd_pop(&r, mk);
            }
            break;
        case K_DELAY: st = ga_rd_number(&r, v, GA_RD_CLOSED(0, 86400), &c->delay_s); break;
        case K_INTERVAL: st = ga_rd_number(&r, v, GA_RD_CLOSED(1, 86400), &c->interval_s); break;
        case K_PENALTY: st = ga_rd_number(&r, v, GA_RD_CLOSED(0, 1e6), &c->wait_penalty); break;
        case K_MINBILL: st = ga_rd_number(&r, v, GA_RD_CLOSED(0, 86400), &c->min_billed_s); break;
        case K_RESTART: st = ga_rd_number(&r, v, GA_RD_CLOSED(0, 86400), &c->restart_s); break;
        case K_SPOTTRACE:
            tr_line = v->line, tr_col = v->col;
            st = ga_rd_string(&r, v, &trace);
            break;
        case K_SPOTSTART: st = ga_rd_number(&r, v, GA_RD_CLOSED(0, 1e12), &c->avail_start_s); break;
        case K_SPOTRATE: st = ga_rd_number(&r, v, GA_RD_CLOSED(0, 1000), &c->spot_rate); break;
        case K_LIMITS: {
            ga_rd_map lm;
            int lk;
            const ga_doc_node *lv;
            st = ga_rd_map_begin(&r, v, LIMIT_KEYS, NULL, &lm);
            while (!st && !(st = ga_rd_map_next(&r, &lm, &lk, &lv)) && lk >= 0) {
                switch (lk) {
                case L_MAX: st = ga_rd_int32(&r, lv, 1, 100000, &c->max_nodes); break;
                case L_MIN: st = ga_rd_int32(&r, lv, 0, 100000, &c->min_nodes); break;
                case L_BACKFILL: st = ga_rd_int32(&r, lv, 0, 1000000, &c->backfill_depth); break;
                case L_DAYS: st = ga_rd_number(&r, lv, GA_RD_CLOSED(0.001, 100000), &c->max_days); break;
                }
            }
            if (!st && c->min_nodes > c->max_nodes)
                st = ga_rd_fail(&r, v, "min_nodes (%d) is above max_nodes (%d)", c->min_nodes,
                                c->max_nodes);
            break;
        }
        }
    }
    if (!st) {
        /* without a markets key, the offer's markets decide: first try both */
        st = pick_offer(ctx, c, doc->source, catref, base_dir, &s, want_od, want_spot);
        if (st == GPUARB_ERR_INPUT && !markets_given) {
            gpuarb_errclear(ctx);
            st = pick_offer(ctx, c, doc->source, catref, base_dir, &s, 1, 0);
        }
    }
    if (!st && c->od_price < 0 && c->min_nodes > 0)
        st = ga_error(ctx, GPUARB_ERR_INPUT, doc->source, 0, 0, "limits.min_nodes",
                      "min_nodes keeps on-demand nodes, but the on-demand market is not used");
    if (!st && trace) {
        if (!c->has_spot) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, doc->source, tr_line, tr_col, "spot_trace",
                          "a spot trace is given but the spot market is not used");
        } else {
            st = load_avail(ctx, c, trace, base_dir);
        }
    }
    if (!st && c->wait_penalty < 0) {
        double per_node = c->od_price >= 0 ? c->od_price : c->spot_price;
        c->wait_penalty = per_node / c->node_gpus;
    }
    if (st) {
        gpuarb_sim_config_free(c);
        return st;
    }
    *out = c;
    return GPUARB_OK;
}

gpuarb_status gpuarb_sim_config_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                      const char *source, const char *base_dir,
                                      gpuarb_sim_config **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_from_text(ctx, out != NULL, text, len, source, &doc);
    if (st)
        return st;
    st = from_doc(ctx, &doc, base_dir, out);
    ga_doc_free(&doc);
    return st;
}

gpuarb_status gpuarb_sim_config_load(gpuarb_ctx *ctx, const char *path, gpuarb_sim_config **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_load(ctx, out != NULL, path, &doc);
    if (st)
        return st;
    char *dir = NULL;
    const char *slash = strrchr(path, '/');
    if (slash && !(dir = slash == path ? ga_strdup("/") : ga_strndup(path, (size_t)(slash - path)))) {
        ga_doc_free(&doc);
        return ga_nomem(ctx);
    }
    st = from_doc(ctx, &doc, dir, out);
    free(dir);
    ga_doc_free(&doc);
    return st;
}

gpuarb_status gpuarb_sim_config_default(gpuarb_ctx *ctx, gpuarb_sim_config **out)
{
    return gpuarb_sim_config_parse(ctx, "", 0, "<default>", NULL, out);
}

gpuarb_status gpuarb_sim_config_describe(gpuarb_ctx *ctx, const gpuarb_sim_config *c,
                                         gpuarb_sim_config_info *info)
{
    if (!c || !info || info->size < sizeof *info)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "sim config describe: NULL argument or size below %zu",
                        sizeof *info);
    info->node_gpus = c->node_gpus;
    info->has_spot = c->has_spot;
    info->od_price_hour = c->od_price;
    info->spot_price_hour = c->spot_price;
    info->provisioning_delay_s = c->delay_s;
    info->decision_interval_s = c->interval_s;
    info->wait_penalty_per_gpu_hour = c->wait_penalty;
    info->max_nodes = c->max_nodes;
    info->min_nodes = c->min_nodes;
    info->offer = c->offer;
    return GPUARB_OK;
}
