/*
 * delta.c - delta plans: the fleet that runs now, read from a spec's
 * `current:` list, a fleet file or the JSON plan of an earlier run (its
 * `allocations`), resolved onto the offer classes of a solve, and the
 * launch cost it puts on a plan.  Cost model (gpuarb(1), "Delta plans"):
 * keeping an instance that runs now costs nothing beyond its price;
 * stopping one ends its billing; every instance launched for workload w
 * on an offer and market costs move_hours(w) hours of that market's list
 * price once (boot, image pull, checkpoint restore).  So the launch cost
 * of x instances on a column with c running is L max(0, x - c): convex,
 * which the knapsack (two price segments), the MIP (one continuous excess
 * column per running column) and the verifier all price the same way.
 * Rows naming a workload the spec lacks, or an offer the catalog (or the
 * spec's globs) lacks, can only be terminated.  Wraps no dependency.
 * Statuses: GPUARB_OK, GPUARB_ERR_INPUT (with file, line, column and key
 * path), GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/delta.h"
#include "alloc/optimize.h"
#include "io/limits.h"

enum { F_WORKLOAD, F_PROVIDER, F_REGION, F_ZONE, F_ITYPE, F_MARKET, F_COUNT,
       /* the other fields of a plan's allocation rows: read and ignored */
       F_GPU, F_GPI, F_PRICE, F_EPRICE, F_CPH };
static const ga_rd_field ROW_KEYS[] = {
    {"workload", GA_RD_REQUIRED}, {"provider", GA_RD_REQUIRED}, {"region", GA_RD_REQUIRED},
    {"zone", 0}, {"instance_type", GA_RD_REQUIRED}, {"market", 0}, {"count", GA_RD_REQUIRED},
    {"gpu", 0}, {"gpus_per_instance", 0}, {"price_hour", 0}, {"effective_price_hour", 0},
    {"cost_per_hour", 0}, {NULL, 0}};
static const char *const MARKETS[] = {"ondemand", "spot", NULL};

static void row_free(ga_fleet_row *w)
{
    free(w->workload);
    free(w->provider);
    free(w->region);
    free(w->zone);
    free(w->instance_type);
}

void gpuarb_fleet_free(gpuarb_fleet *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        row_free(&f->v[i]);
    free(f->v);
    free(f->source);
    free(f);
}

/* One value of a row (k: its F_ index) into w. */
static gpuarb_status row_field(ga_rd *r, int k, const ga_doc_node *v, ga_fleet_row *w)
{
    const char *s = NULL;
    char **dst[5] = {&w->workload, &w->provider, &w->region, &w->zone, &w->instance_type};
    gpuarb_status st = GPUARB_OK;
    switch (k) {
    case F_WORKLOAD: case F_PROVIDER: case F_REGION: case F_ITYPE:
        if (!(st = ga_rd_string(r, v, &s)) && !(*dst[k] = ga_strdup(s)))
            st = ga_nomem(r->ctx);
        break;
    case F_ZONE:
        /* a plan writes "" for region-wide offers */
        if (v->kind != GA_DOC_STRING)
            st = ga_rd_wrong_type(r, v, "a string");
        else if (!(*dst[k] = ga_strdup(v->str)))
            st = ga_nomem(r->ctx);
        break;
    case F_MARKET:
        st = ga_rd_enum(r, v, MARKETS, &w->spot);
        break;
    case F_COUNT:
        st = ga_rd_int(r, v, 0, GA_LIM_GPUS, &w->count);
        break;
    default:
        break;
    }
    return st;
}

/* A row of a plan's allocations: the keys a fleet needs are read, any
 * other key (a later version's) is ignored. */
static gpuarb_status read_plan_row(ga_rd *r, const ga_doc_node *n, ga_fleet_row *w)
{
    gpuarb_status st = ga_rd_kind(r, n, GA_DOC_MAP);
    int seen[F_COUNT + 1] = {0};
    for (size_t i = 0; i < n->n && !st; i++) {
        for (int k = 0; k <= F_COUNT; k++) {
            if (strcmp(n->keys[i], ROW_KEYS[k].name) != 0 || n->items[i]->kind == GA_DOC_NULL)
                continue;
            size_t mark = ga_rd_push_key(r, n->keys[i]);
            st = row_field(r, k, n->items[i], w);
            ga_rd_pop(r, mark);
            seen[k] = 1;
        }
    }
    for (int k = 0; k <= F_COUNT && !st; k++)
        if ((ROW_KEYS[k].flags & GA_RD_REQUIRED) && !seen[k])
            st = ga_rd_fail(r, n, "missing key '%s' in an allocation row", ROW_KEYS[k].name);
    if (!st && !w->zone && !(w->zone = ga_strdup("")))
        st = ga_nomem(r->ctx);
    return st;
}

static gpuarb_status read_row(ga_rd *r, const ga_doc_node *n, ga_fleet_row *w)
{
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(r, n, ROW_KEYS, "a mapping (one running instance group)",
                                       &m);
    while (!st && !(st = ga_rd_map_next(r, &m, &k, &v)) && k >= 0)
        st = row_field(r, k, v, w);
    if (!st && !w->zone && !(w->zone = ga_strdup("")))
        st = ga_nomem(r->ctx);
    return st;
}

static gpuarb_status read_rows(ga_rd *r, const ga_doc_node *n, gpuarb_fleet *f, int plan)
{
    gpuarb_status st = ga_rd_kind(r, n, GA_DOC_SEQ);
    if (st)
        return st;
    if (n->n > (size_t)GA_LIM_WORKLOADS * 64)
        return ga_rd_fail_at(r, GPUARB_ERR_LIMIT, n->line, n->col,
                             "more than %d rows of running instances", GA_LIM_WORKLOADS * 64);
    size_t cap = f->n;
    if (ga_grow((void **)&f->v, &cap, f->n + n->n + 1, sizeof *f->v))
        return ga_nomem(r->ctx);
    for (size_t i = 0; i < n->n; i++) {
        ga_fleet_row *w = &f->v[f->n];
        memset(w, 0, sizeof *w);
        size_t mark = ga_rd_push_index(r, i);
        st = plan ? read_plan_row(r, n->items[i], w) : read_row(r, n->items[i], w);
        ga_rd_pop(r, mark);
        if (st) {
            row_free(w);
            return st;
        }
        f->n++;
    }
    return GPUARB_OK;
}

gpuarb_status ga_fleet_read_rows(ga_rd *r, const ga_doc_node *n, gpuarb_fleet *f)
{
    return read_rows(r, n, f, 0);
}

gpuarb_status ga_fleet_read(ga_rd *r, const ga_doc_node *n, gpuarb_fleet *f)
{
    if (n->kind == GA_DOC_SEQ)
        return read_rows(r, n, f, 0);
    if (n->kind == GA_DOC_MAP) {
        for (size_t i = 0; i < n->n; i++) {
            if (strcmp(n->keys[i], "allocations") != 0 && strcmp(n->keys[i], "current") != 0)
                continue;
            size_t mark = ga_rd_push_key(r, n->keys[i]);
            gpuarb_status st = read_rows(r, n->items[i], f, n->keys[i][0] == 'a');
            ga_rd_pop(r, mark);
            return st;
        }
    }
    return ga_rd_fail(r, n, "expected a fleet: a list of running instances, a mapping with "
                            "current: [...], or the JSON plan of gpuarb optimize "
                            "(allocations: [...])");
}

static gpuarb_status fleet_from_doc(gpuarb_ctx *ctx, ga_doc *doc, gpuarb_fleet **out)
{
    gpuarb_fleet *f = ga_calloc(1, sizeof *f);
    gpuarb_status st;
    if (!f || !(f->source = ga_strdup(doc->source))) {
        st = ga_nomem(ctx);
    } else {
        ga_rd r;
        ga_rd_init(&r, ctx, f->source);
        st = ga_fleet_read(&r, doc->root, f);
    }
    ga_doc_free(doc);
    if (st) {
        gpuarb_fleet_free(f);
        return st;
    }
    *out = f;
    return GPUARB_OK;
}

gpuarb_status gpuarb_fleet_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                 const char *source, gpuarb_fleet **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_from_text(ctx, out != NULL, text, len, source, &doc);
    if (st)
        return st;
    return fleet_from_doc(ctx, &doc, out);
}

gpuarb_status gpuarb_fleet_load(gpuarb_ctx *ctx, const char *path, gpuarb_fleet **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_load(ctx, out != NULL, path, &doc);
    if (st)
        return st;
    return fleet_from_doc(ctx, &doc, out);
}

int32_t gpuarb_fleet_count(const gpuarb_fleet *f)
{
    return f ? (int32_t)f->n : 0;
}

gpuarb_fleet *ga_fleet_copy(const gpuarb_fleet *f)
{
    gpuarb_fleet *c = ga_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (!(c->source = ga_strdup(f->source ? f->source : "<fleet>")) ||
        !(c->v = ga_calloc(f->n ? f->n : 1, sizeof *c->v))) {
        gpuarb_fleet_free(c);
        return NULL;
    }
    for (size_t i = 0; i < f->n; i++) {
        const ga_fleet_row *a = &f->v[i];
        ga_fleet_row *b = &c->v[i];
        b->spot = a->spot;
        b->count = a->count;
        c->n = i + 1;
        if (!(b->workload = ga_strdup(a->workload)) || !(b->provider = ga_strdup(a->provider)) ||
            !(b->region = ga_strdup(a->region)) || !(b->zone = ga_strdup(a->zone)) ||
            !(b->instance_type = ga_strdup(a->instance_type))) {
            gpuarb_fleet_free(c);
            return NULL;
        }
    }
    return c;
}

/* ---- resolution onto a base ---- */

static int cmp_cur(const void *a, const void *b)
{
    const ga_cur *x = a, *y = b;
    if (x->w != y->w)
        return x->w < y->w ? -1 : 1;
    if (x->k != y->k)
        return x->k < y->k ? -1 : 1;
    return x->spot - y->spot;
}

void ga_delta_free(ga_delta *d)
{
    free(d->v);
    free(d->row_w);
    free(d->row_offer);
    memset(d, 0, sizeof *d);
}

gpuarb_status ga_delta_build(gpuarb_ctx *ctx, const base *b, const gpuarb_fleet *fleet,
                             ga_delta *d)
{
    const gpuarb_spec *s = b->spec;
    const gpuarb_catalog *cat = b->cat;
    memset(d, 0, sizeof *d);
    d->fleet = fleet;
    size_t nr = fleet->n ? fleet->n : 1;
    int32_t *cls_of = ga_mallocarray(cat->n ? cat->n : 1, sizeof(int32_t));
    d->v = ga_calloc(nr, sizeof *d->v);
    d->row_w = ga_mallocarray(nr, sizeof(int32_t));
    d->row_offer = ga_mallocarray(nr, sizeof(int32_t));
    if (!cls_of || !d->v || !d->row_w || !d->row_offer) {
        free(cls_of);
        ga_delta_free(d);
        return ga_nomem(ctx);
    }
    for (size_t i = 0; i < cat->n; i++)
        cls_of[i] = -1;
    for (size_t k = 0; k < b->n_cls; k++)
        for (int32_t m = 0; m < b->cls[k].n_members; m++)
            cls_of[b->members[b->cls[k].first_member + m]] = (int32_t)k;
    for (size_t i = 0; i < fleet->n; i++) {
        const ga_fleet_row *row = &fleet->v[i];
        d->row_w[i] = d->row_offer[i] = -1;
        for (size_t w = 0; w < s->n_w; w++)
            if (strcmp(s->w[w].name, row->workload) == 0) {
                d->row_w[i] = (int32_t)w;
                break;
            }
        for (size_t o = 0; o < cat->n; o++) {
            const ga_offer *of = &cat->v[o];
            if (strcmp(of->provider, row->provider) == 0 && strcmp(of->region, row->region) == 0 &&
                strcmp(of->zone ? of->zone : "", row->zone) == 0 &&
                strcmp(of->instance_type, row->instance_type) == 0) {
                d->row_offer[i] = (int32_t)o;
                break;
            }
        }
        if (d->row_w[i] < 0 || d->row_offer[i] < 0 || cls_of[d->row_offer[i]] < 0 ||
            row->count <= 0)
            continue;
        ga_cur *c = &d->v[d->n++];
        c->w = d->row_w[i];
        c->k = cls_of[d->row_offer[i]];
        c->spot = row->spot;
        c->count = row->count;
    }
    free(cls_of);
    /* one entry per (w, k, spot): counts of rows on member offers added */
    qsort(d->v, d->n, sizeof *d->v, cmp_cur);
    size_t m = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (m && cmp_cur(&d->v[m - 1], &d->v[i]) == 0)
            d->v[m - 1].count += d->v[i].count;
        else
            d->v[m++] = d->v[i];
    }
    d->n = m;
    return GPUARB_OK;
}

int64_t ga_delta_col(const prob *p, size_t j, double *launch)
{
    const ga_delta *d = p->b->delta;
    *launch = 0;
    if (!d)
        return 0;
    const gcol *c = &p->c[j];
    const ga_workload *w = &p->b->spec->w[c->w];
    const ga_offer *o = &p->b->cat->v[p->b->cls[c->k].rep];
    double price = c->spot ? o->spot : o->price;
    *launch = w->move_hours * (price > 0 ? price : 0);
    ga_cur key = {c->w, c->k, c->spot, 0};
    const ga_cur *hit = bsearch(&key, d->v, d->n, sizeof *d->v, cmp_cur);
    return hit ? hit->count : 0;
}

double ga_delta_churn(const prob *p, const double *x)
{
    if (!p->b->delta)
        return 0;
    double sum = 0;
    for (size_t j = 0; j < p->n_c; j++) {
        if (x[j] < 0.5)
            continue;
        double L;
        int64_t c = ga_delta_col(p, j, &L);
        double extra = floor(x[j] + 0.5) - (double)c;
        if (extra > 0)
            sum += extra * L;
    }
    return sum;
}

int64_t ga_delta_running(const ga_delta *d, int32_t w, int32_t o, int32_t spot)
{
    if (!d)
        return 0;
    int64_t n = 0;
    for (size_t i = 0; i < d->fleet->n; i++)
        if (d->row_w[i] == w && d->row_offer[i] == o && d->fleet->v[i].spot == spot)
            n += d->fleet->v[i].count;
    return n;
}

/* Append a change (strings copied); -1 on NOMEM. */
static int push_change(gpuarb_result *r, size_t *cap, const char *wl, const char *prov,
                       const char *reg, const char *zone, const char *it, int32_t spot,
                       int64_t launch, int64_t keep, int64_t term, double cost)
{
    if (ga_grow((void **)&r->changes, cap, r->n_changes + 1, sizeof(ga_change)))
        return -1;
    ga_change *c = &r->changes[r->n_changes];
    memset(c, 0, sizeof *c);
    r->n_changes++;
    c->spot = spot;
    c->launch = launch;
    c->keep = keep;
    c->terminate = term;
    c->launch_cost = cost;
    if (!(c->workload = ga_strdup(wl)) || !(c->provider = ga_strdup(prov)) ||
        !(c->region = ga_strdup(reg)) || !(c->zone = ga_strdup(zone)) ||
        !(c->instance_type = ga_strdup(it)))
        return -1;
    return 0;
}

static int same_place(const ga_fleet_row *f, const char *wl, const char *prov, const char *reg,
                      const char *zone, const char *it, int32_t spot)
{
    return f->spot == spot && strcmp(f->workload, wl) == 0 && strcmp(f->provider, prov) == 0 &&
           strcmp(f->region, reg) == 0 && strcmp(f->zone, zone) == 0 &&
           strcmp(f->instance_type, it) == 0;
}

gpuarb_status ga_delta_changes(gpuarb_ctx *ctx, const base *b, gpuarb_result *r)
{
    const ga_delta *d = b->delta;
    const gpuarb_fleet *f = d->fleet;
    size_t cap = 0;
    unsigned char *seen = ga_calloc(f->n ? f->n : 1, 1);
    if (!seen)
        return ga_nomem(ctx);
    for (size_t i = 0; i < r->n_rows; i++) {
        const ga_alloc_row *a = &r->rows[i];
        int64_t running = 0;
        for (size_t k = 0; k < f->n; k++)
            if (same_place(&f->v[k], a->workload, a->provider, a->region, a->zone,
                           a->instance_type, a->spot)) {
                running += f->v[k].count;
                seen[k] = 1;
            }
        int64_t keep = GA_MIN(running, (int64_t)a->count);
        int64_t launch = a->count - keep, term = running - keep;
        if (!launch && !term)
            continue;
        double cost = (double)launch * b->spec->w[a->w].move_hours * a->price_hour;
        if (push_change(r, &cap, a->workload, a->provider, a->region, a->zone, a->instance_type,
                        a->spot, launch, keep, term, cost))
            goto nomem;
    }
    /* what runs now and the plan does not keep at all: terminated */
    for (size_t k = 0; k < f->n; k++) {
        if (seen[k] || f->v[k].count <= 0)
            continue;
        int64_t term = 0;
        for (size_t t = k; t < f->n; t++)
            if (!seen[t] && same_place(&f->v[t], f->v[k].workload, f->v[k].provider,
                                       f->v[k].region, f->v[k].zone, f->v[k].instance_type,
                                       f->v[k].spot)) {
                term += f->v[t].count;
                seen[t] = 1;
            }
        const ga_fleet_row *x = &f->v[k];
        if (term > 0 && push_change(r, &cap, x->workload, x->provider, x->region, x->zone,
                                    x->instance_type, x->spot, 0, 0, term, 0))
            goto nomem;
    }
    free(seen);
    return GPUARB_OK;
nomem:
    free(seen);
    return ga_nomem(ctx);
}
