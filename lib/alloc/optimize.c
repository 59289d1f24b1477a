/*
 * optimize.c - SPEC section 2's allocation: which offers, how many, in which
 * market, for every workload, at least cost (or most throughput within the
 * budget).  It owns the model and its reductions; the MIP itself is solved
 * through lp.h (GLPK), and the result is serialised by result.c.
 *
 * Pipeline:
 *   1. offers that pass the provider/region globs are merged into classes of
 *      identical offers (same place, GPU, count, memory, prices, rate; zones
 *      and instance names aside), capacities added;
 *   2. each workload gets columns (class x market) that it may use, priced by
 *      cost.c; dominated columns are dropped (a cheaper unlimited column of
 *      the same place, market and speed whose GPU count divides theirs)
 *      unless a share cap is active (the caps count GPUs: copies of the
 *      dominating column keep the GPUs and the market, but may move them to
 *      another provider, which max_provider_share counts);
 *   3. min_cost: every workload is solved alone, exactly, by dynamic
 *      programming (bounded knapsack per region, fixed egress charge per
 *      region).  The sum of those optima is a lower bound on the joint
 *      problem; when the combined plan also meets the shared constraints
 *      (capacity, budget, share caps) it is optimal and GLPK is never called;
 *   4. otherwise the MIP is built and solved by GLPK's branch and cut,
 *      started from a greedy plan (workloads solved in turn on the capacity
 *      left), with the time limit; max_throughput solves for throughput and
 *      then for cost at that throughput (ties go to the cheaper plan);
 *   5. the baseline (one provider, on demand) is the same pipeline on a
 *      restricted view; infeasible specs are explained by re-solving with one
 *      constraint family dropped at a time.
 * Invariants: the spec and catalog are read-only; every figure in the result
 * is recomputed from the integer plan, never taken from the solver's
 * floating-point objective.  Statuses: GPUARB_OK (any solve outcome),
 * GPUARB_ERR_ARG, GPUARB_ERR_NOMEM, GPUARB_ERR_SOLVER, and the loaders'
 * statuses when the spec's catalog must be loaded.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "alloc/cost.h"
#include "catalog/gpumodel.h"
#include "numeric/lp.h"
#include "alloc/optimize.h"
#include "alloc/spec.h"

#define INF_COST 1e300
/* Largest GPU count the per-workload dynamic programme handles; larger
 * workloads go straight to the MIP. */
#define DP_MAX_GPUS 65536
#define DP_MAX_WORK 60000000.0

/* ---- string interning ---------------------------------------------------- */

typedef struct strmap {
    char **keys;
    int32_t *vals;
    size_t cap, n;
} strmap;

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void sm_free(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* Id of key, adding it with id m->n when new; -1 on allocation failure. */
static int32_t sm_intern(strmap *m, const char *key)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        char **nk = ga_calloc(nc, sizeof *nk);
        int32_t *nv = ga_calloc(nc, sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t h = hash_bytes(m->keys[i], strlen(m->keys[i]), 14695981039346656037ULL) & (nc - 1);
            while (nk[h])
                h = (h + 1) & (nc - 1);
            nk[h] = m->keys[i];
            nv[h] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = nc;
    }
    size_t h = hash_bytes(key, strlen(key), 14695981039346656037ULL) & (m->cap - 1);
    while (m->keys[h]) {
        if (strcmp(m->keys[h], key) == 0)
            return m->vals[h];
        h = (h + 1) & (m->cap - 1);
    }
    if (!(m->keys[h] = ga_strdup(key)))
        return -1;
    m->vals[h] = (int32_t)m->n;
    return (int32_t)m->n++;
}

/* ---- the base: classes of identical offers ------------------------------- */

typedef struct oclass {
    int32_t rep;          /* representative offer (first in catalog order) */
    int32_t first_member; /* index into base.members */
    int32_t n_members;
    int32_t prov, reg;    /* interned ids */
    int64_t cap;          /* -1 unlimited */
} oclass;

typedef struct base {
    const gpuarb_spec *spec;
    const gpuarb_catalog *cat;
    oclass *cls;
    size_t n_cls;
    int32_t *members;     /* offer indices grouped by class */
    char **prov_name;     /* borrowed from the catalog, by prov id */
    int32_t n_prov;
    int32_t *reg_prov;    /* region id -> provider id */
    const char **reg_name;/* region id -> region name (borrowed) */
    int32_t n_reg;
    int32_t *cls_by_reg;  /* classes ordered by region id */
} base;

static void base_free(base *b)
{
    free(b->cls);
    free(b->members);
    free(b->prov_name);
    free(b->reg_prov);
    free(b->reg_name);
    free(b->cls_by_reg);
    memset(b, 0, sizeof *b);
}

static uint64_t class_hash(const ga_offer *o, int32_t reg)
{
    uint64_t h = 14695981039346656037ULL;
    h = hash_bytes(&reg, sizeof reg, h);
    h = hash_bytes(&o->gpu, sizeof o->gpu, h);
    h = hash_bytes(&o->gpu_count, sizeof o->gpu_count, h);
    h = hash_bytes(&o->gpu_memory_gb, sizeof(double), h);
    h = hash_bytes(&o->price, sizeof(double), h);
    h = hash_bytes(&o->spot, sizeof(double), h);
    h = hash_bytes(&o->rate, sizeof(double), h);
    return h;
}

static int class_same(const ga_offer *a, const ga_offer *b)
{
    return a->gpu == b->gpu && a->gpu_count == b->gpu_count &&
           a->gpu_memory_gb == b->gpu_memory_gb && a->price == b->price && a->spot == b->spot &&
           a->rate == b->rate;
}

/* qsort has no context argument in C11: sort (key, index) pairs instead. */
typedef struct kpair {
    int64_t key;
    int32_t idx;
} kpair;

static int cmp_kpair(const void *a, const void *b)
{
    const kpair *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static gpuarb_status base_build(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                                const gpuarb_catalog *cat, base *b)
{
    memset(b, 0, sizeof *b);
    b->spec = spec;
    b->cat = cat;
    strmap provs = {0}, regs = {0};
    int32_t *off_cls = NULL;
    int32_t *cls_slot = NULL;
    size_t slot_cap = 16;
    gpuarb_status st = GPUARB_OK;
    size_t n = cat->n;
    while (slot_cap < 2 * n + 2)
        slot_cap *= 2;
    off_cls = ga_malloc(sizeof(int32_t) * (n ? n : 1));
    cls_slot = ga_malloc(sizeof(int32_t) * slot_cap);
    b->cls = ga_malloc(sizeof(oclass) * (n ? n : 1));
    b->reg_prov = ga_malloc(sizeof(int32_t) * (n ? n : 1));
    b->reg_name = ga_malloc(sizeof(char *) * (n ? n : 1));
    b->prov_name = ga_malloc(sizeof(char *) * (n ? n : 1));
    if (!off_cls || !cls_slot || !b->cls || !b->reg_prov || !b->reg_name || !b->prov_name)
        goto nomem;
    for (size_t i = 0; i < slot_cap; i++)
        cls_slot[i] = -1;
    ga_strbuf key;
    ga_sb_init(&key);
    for (size_t i = 0; i < n; i++) {
        const ga_offer *o = &cat->v[i];
        off_cls[i] = -1;
        if (!ga_globs_allow(&spec->providers, o->provider) ||
            !ga_globs_allow(&spec->regions, o->region))
            continue;
        int32_t p = sm_intern(&provs, o->provider);
        if (p < 0)
            goto nomem_sb;
        if ((size_t)p == provs.n - 1 && b->n_prov == p) {
            b->prov_name[p] = o->provider;
            b->n_prov++;
        }
        key.len = 0;
        ga_sb_puts(&key, o->provider);
        ga_sb_putc(&key, '\x1f');
        ga_sb_puts(&key, o->region);
        if (key.oom)
            goto nomem_sb;
        int32_t r = sm_intern(&regs, key.s);
        if (r < 0)
            goto nomem_sb;
        if (r == b->n_reg) {
            b->reg_prov[r] = p;
            b->reg_name[r] = o->region;
            b->n_reg++;
        }
        size_t h = class_hash(o, r) & (slot_cap - 1);
        int32_t k = -1;
        while (cls_slot[h] >= 0) {
            oclass *c = &b->cls[cls_slot[h]];
            if (c->reg == r && class_same(&cat->v[c->rep], o)) {
                k = cls_slot[h];
                break;
            }
            h = (h + 1) & (slot_cap - 1);
        }
        if (k < 0) {
            k = (int32_t)b->n_cls++;
            cls_slot[h] = k;
            oclass *c = &b->cls[k];
            c->rep = (int32_t)i;
            c->n_members = 0;
            c->prov = p;
            c->reg = r;
            c->cap = 0;
        }
        oclass *c = &b->cls[k];
        c->n_members++;
        if (c->cap >= 0)
            c->cap = o->capacity < 0 ? -1 : c->cap + o->capacity;
        off_cls[i] = k;
    }
    ga_sb_free(&key);
    /* members grouped by class, in catalog order within a class */
    b->members = ga_malloc(sizeof(int32_t) * (n ? n : 1));
    b->cls_by_reg = ga_malloc(sizeof(int32_t) * (b->n_cls ? b->n_cls : 1));
    if (!b->members || !b->cls_by_reg)
        goto nomem;
    {
        int32_t pos = 0;
        for (size_t k = 0; k < b->n_cls; k++) {
            b->cls[k].first_member = pos;
            pos += b->cls[k].n_members;
            b->cls[k].n_members = 0;
        }
        for (size_t i = 0; i < n; i++) {
            if (off_cls[i] < 0)
                continue;
            oclass *c = &b->cls[off_cls[i]];
            b->members[c->first_member + c->n_members++] = (int32_t)i;
        }
        kpair *kp = ga_malloc(sizeof(kpair) * (b->n_cls ? b->n_cls : 1));
        if (!kp)
            goto nomem;
        for (size_t k = 0; k < b->n_cls; k++) {
            kp[k].key = b->cls[k].reg;
            kp[k].idx = (int32_t)k;
        }
        qsort(kp, b->n_cls, sizeof *kp, cmp_kpair);
        for (size_t k = 0; k < b->n_cls; k++)
            b->cls_by_reg[k] = kp[k].idx;
        free(kp);
    }
    goto out;
nomem_sb:
    ga_sb_free(&key);
nomem:
    st = ga_nomem(ctx);
    base_free(b);
out:
    sm_free(&provs);
    sm_free(&regs);
    free(off_cls);
    free(cls_slot);
    return st;
}

/* ---- a view: the columns of one problem (main, baseline, diagnostics) ----- */

typedef struct view {
    int32_t only_prov;        /* -1 = all providers */
    int32_t ondemand_only;
    int32_t drop_budget, drop_pshare, drop_sshare, drop_capshare;
    int32_t reduce;           /* drop dominated columns even with share caps:
                                 then the view is a restriction, not exact */
    int32_t min_cost;         /* solve for least cost whatever the objective */
} view;

typedef struct gcol {
    int32_t w, k, spot, gpc, grp;
    double unit;   /* $/h per instance */
    double tput;   /* per instance: gpc x throughput factor */
} gcol;

typedef struct ggrp {
    int32_t w, reg;
    double egress; /* one-time $ if the workload uses this region */
    int32_t c0, nc;/* its columns [c0, c0 + nc) */
} ggrp;

typedef struct prob {
    const base *b;
    view v;
    int32_t objective;
    double H;
    gcol *c;
    size_t n_c, cap_c;
    ggrp *g;
    size_t n_g, cap_g;
    int32_t *w_c0, *w_nc, *w_g0, *w_ng; /* per workload ranges */
    int32_t *w_top;                     /* most GPUs worth buying, per workload */
    int32_t shares;                     /* a share cap is active in this view */
} prob;

static void prob_free(prob *p)
{
    free(p->c);
    free(p->g);
    free(p->w_c0);
    free(p->w_nc);
    free(p->w_g0);
    free(p->w_ng);
    free(p->w_top);
    memset(p, 0, sizeof *p);
}

static int model_ok(const ga_workload *w, const ga_offer *o)
{
    if (w->n_models) {
        size_t i;
        for (i = 0; i < w->n_models; i++)
            if (w->models[i] == o->gpu)
                break;
        if (i == w->n_models)
            return 0;
    }
    if (w->min_gpu_memory_gb > 0 && o->gpu_memory_gb + 1e-9 < w->min_gpu_memory_gb)
        return 0;
    if (w->gpus_per_node > 0 && o->gpu_count != w->gpus_per_node)
        return 0;
    return 1;
}

/* Per-instance per-hour cost of offer o for workload w in a market; -1 if
 * that market cannot be used. */
static double unit_cost(const ga_workload *w, const ga_offer *o, int spot)
{
    if (!spot)
        return o->price >= 0 ? o->price : -1;
    if (o->spot < 0)
        return -1;
    return ga_spot_cost(o->spot, o->rate, w->checkpoint_minutes, w->restart_minutes);
}

static int push_col(prob *p, const gcol *c)
{
    if (ga_grow((void **)&p->c, &p->cap_c, p->n_c + 1, sizeof *c))
        return -1;
    p->c[p->n_c++] = *c;
    return 0;
}

/* Drop the columns of [c0, c0+nc) that a cheaper unlimited column of the
 * same market and speed makes useless: a (unlimited) dominates b when
 * gpc(a) divides gpc(b) and (gpc(b)/gpc(a)) * unit(a) <= unit(b), because
 * any use of b can be replaced by copies of a at no extra cost, with no
 * capacity used and no less throughput.  Exact only where every column of
 * the range is interchangeable (one region, or a workload that no region
 * ties: no gang, no egress) and no share cap is active: the replacement
 * keeps the GPU count and the market (so the spot cap's count), but for a
 * workload no region ties it may move GPUs to another provider, which the
 * provider cap counts.  Sorts
 * by (market, speed, unit) and keeps, per GPU count, the columns up to the
 * first unlimited one; then drops those a smaller divisor beats.  Returns
 * the new column count (kept columns stay in their original order). */
typedef struct domkey {
    int32_t spot, gpc, idx, unlimited;
    double speed, unit;
} domkey;

static int cmp_domkey(const void *x, const void *y)
{
    const domkey *a = x, *b = y;
    if (a->spot != b->spot)
        return a->spot - b->spot;
    if (a->speed != b->speed)
        return a->speed < b->speed ? -1 : 1;
    if (a->gpc != b->gpc)
        return a->gpc - b->gpc;
    if (a->unit != b->unit)
        return a->unit < b->unit ? -1 : 1;
    if (a->unlimited != b->unlimited)
        return b->unlimited - a->unlimited; /* unlimited first among equals */
    return a->idx - b->idx;
}

static int32_t drop_dominated(prob *p, int32_t c0, int32_t nc)
{
    if (nc < 2)
        return nc;
    gcol *c = p->c + c0;
    const base *b = p->b;
    domkey *d = ga_malloc(sizeof(domkey) * (size_t)nc);
    unsigned char *dead = ga_calloc((size_t)nc, 1);
    if (!d || !dead) {
        free(d);
        free(dead);
        return nc; /* reduction is optional */
    }
    for (int32_t i = 0; i < nc; i++) {
        d[i].spot = c[i].spot;
        d[i].gpc = c[i].gpc;
        d[i].idx = i;
        d[i].unlimited = b->cls[c[i].k].cap < 0;
        d[i].speed = c[i].tput / c[i].gpc;
        d[i].unit = c[i].unit;
    }
    qsort(d, (size_t)nc, sizeof *d, cmp_domkey);
    /* best unlimited unit per GPU count within each (market, speed) run */
    int32_t gpcs[32];
    double best[32];
    for (int32_t i = 0; i < nc;) {
        int32_t j = i, ng = 0;
        while (j < nc && d[j].spot == d[i].spot && d[j].speed == d[i].speed)
            j++;
        /* runs of equal gpc inside [i, j): cheapest first */
        for (int32_t t = i; t < j;) {
            int32_t u = t, seen_unlimited = 0;
            double bu = -1;
            while (u < j && d[u].gpc == d[t].gpc) {
                if (seen_unlimited)
                    dead[d[u].idx] = 1;
                else if (d[u].unlimited) {
                    seen_unlimited = 1;
                    bu = d[u].unit;
                }
                u++;
            }
            if (bu >= 0 && ng < 32) {
                gpcs[ng] = d[t].gpc;
                best[ng++] = bu;
            }
            t = u;
        }
        /* a smaller unlimited shape whose copies are no dearer */
        for (int32_t t = i; t < j; t++) {
            if (dead[d[t].idx])
                continue;
            for (int32_t q = 0; q < ng; q++) {
                if (gpcs[q] >= d[t].gpc || d[t].gpc % gpcs[q] != 0)
                    continue;
                if ((double)(d[t].gpc / gpcs[q]) * best[q] <= d[t].unit + 1e-12) {
                    dead[d[t].idx] = 1;
                    break;
                }
            }
        }
        i = j;
    }
    int32_t k = 0;
    for (int32_t i = 0; i < nc; i++)
        if (!dead[i])
            c[k++] = c[i];
    free(d);
    free(dead);
    return k;
}

/* ---- bounded knapsack (per-workload dynamic programme) ------------------- */

typedef struct knap_t {
    int32_t top;
    double *K;             /* K[k]: least cost of exactly k GPUs; INF if none */
    int32_t n_items;
    int32_t *it_col, *it_mult, *it_wt;
    unsigned char *keep;   /* n_items x (top + 1) */
} knap_t;

static void knap_free(knap_t *q)
{
    free(q->K);
    free(q->it_col);
    free(q->it_mult);
    free(q->it_wt);
    free(q->keep);
    memset(q, 0, sizeof *q);
}

/* Bounded knapsack over columns cols[0..n) (indices into p->c) with exact
 * GPU totals 0..top.  cap[k] is the class capacity left (-1 unlimited).
 * Returns 0, or -1 on allocation failure. */
static int knap_solve(const prob *p, const int32_t *cols, int32_t n, int32_t top,
                      const int64_t *cap, knap_t *q)
{
    memset(q, 0, sizeof *q);
    q->top = top;
    size_t T = (size_t)top + 1;
    q->K = ga_malloc(sizeof(double) * T);
    size_t max_items = (size_t)n * 32 + 1;
    q->it_col = ga_malloc(sizeof(int32_t) * max_items);
    q->it_mult = ga_malloc(sizeof(int32_t) * max_items);
    q->it_wt = ga_malloc(sizeof(int32_t) * max_items);
    if (!q->K || !q->it_col || !q->it_mult || !q->it_wt)
        return -1;
    for (int32_t j = 0; j < n; j++) {
        const gcol *c = &p->c[cols[j]];
        int64_t m = top / c->gpc;
        if (cap && cap[c->k] >= 0)
            m = GA_MIN(m, cap[c->k]);
        for (int64_t part = 1; m > 0; part *= 2) {
            int64_t take = GA_MIN(part, m);
            q->it_col[q->n_items] = cols[j];
            q->it_mult[q->n_items] = (int32_t)take;
            q->it_wt[q->n_items] = (int32_t)(take * c->gpc);
            q->n_items++;
            m -= take;
        }
    }
    q->keep = ga_calloc((size_t)(q->n_items ? q->n_items : 1) * T, 1);
    if (!q->keep)
        return -1;
    q->K[0] = 0;
    for (size_t k = 1; k < T; k++)
        q->K[k] = INF_COST;
    for (int32_t i = 0; i < q->n_items; i++) {
        int32_t wt = q->it_wt[i];
        double cost = q->it_mult[i] * p->c[q->it_col[i]].unit * p->H;
        unsigned char *kp = q->keep + (size_t)i * T;
        for (int32_t k = top; k >= wt; k--) {
            double cand = q->K[k - wt] + cost;
            if (cand < q->K[k] - 1e-12) {
                q->K[k] = cand;
                kp[k] = 1;
            }
        }
    }
    return 0;
}

static void knap_take(const knap_t *q, int32_t k, double *x)
{
    size_t T = (size_t)q->top + 1;
    for (int32_t i = q->n_items - 1; i >= 0 && k > 0; i--) {
        if (q->keep[(size_t)i * T + k]) {
            x[q->it_col[i]] += q->it_mult[i];
            k -= q->it_wt[i];
        }
    }
}

/* Close the group of workload wi holding columns [gstart, p->n_c): reduce
 * it when allowed, then record it (reg -1: a workload no region ties). */
static int close_group(prob *p, int32_t wi, int32_t reg, int32_t gstart, int reduce)
{
    const base *b = p->b;
    const gpuarb_spec *s = b->spec;
    const ga_workload *w = &s->w[wi];
    int32_t nc = (int32_t)p->n_c - gstart;
    if (nc <= 0)
        return 0;
    if (reduce)
        nc = drop_dominated(p, gstart, nc);
    p->n_c = (size_t)(gstart + nc);
    if (ga_grow((void **)&p->g, &p->cap_g, p->n_g + 1, sizeof(ggrp)))
        return -1;
    ggrp *g = &p->g[p->n_g];
    g->w = wi;
    g->reg = reg;
    g->c0 = gstart;
    g->nc = nc;
    g->egress = 0;
    if (w->has_data && reg >= 0)
        g->egress = ga_egress(w->data_provider, w->data_region, w->data_gb,
                              b->prov_name[b->reg_prov[reg]], b->reg_name[reg], s->egress_same,
                              s->egress_other);
    for (int32_t j = gstart; j < gstart + nc; j++)
        p->c[j].grp = (int32_t)p->n_g;
    p->n_g++;
    return 0;
}

/* min_cost gangs: drop the regions that can never beat the best region
 * built from unlimited offers only.  Such a region U serves the workload
 * without touching shared capacity, so a region whose cheapest plan costs
 * more in total and no less per hour (the budget) is never needed.  Works
 * on the workload's groups, which are the last ones of p.  Returns -1 on
 * allocation failure. */
static int prune_gang_regions(prob *p, int32_t wi)
{
    const ga_workload *w = &p->b->spec->w[wi];
    int32_t g0 = p->w_g0[wi], ng = (int32_t)p->n_g - g0, top = p->w_top[wi];
    if (ng < 2 || w->min_gpus == 0 || top > DP_MAX_GPUS)
        return 0;
    double *tot = ga_malloc(sizeof(double) * (size_t)ng);
    int32_t *cols = ga_malloc(sizeof(int32_t) * (p->n_c - (size_t)p->w_c0[wi] + 1));
    if (!tot || !cols) {
        free(tot);
        free(cols);
        return -1;
    }
    double u_tot = INF_COST, u_cph = INF_COST;
    for (int32_t gi = 0; gi < ng; gi++) {
        const ggrp *g = &p->g[g0 + gi];
        tot[gi] = INF_COST;
        for (int pass = 0; pass < 2; pass++) {
            /* pass 0: every column; pass 1: unlimited columns only */
            int32_t n = 0;
            for (int32_t j = g->c0; j < g->c0 + g->nc; j++)
                if (pass == 0 || p->b->cls[p->c[j].k].cap < 0)
                    cols[n++] = j;
            if (pass == 1 && n == 0)
                continue;
            knap_t q;
            if (knap_solve(p, cols, n, top, NULL, &q)) {
                knap_free(&q);
                free(tot);
                free(cols);
                return -1;
            }
            double best = INF_COST;
            for (int32_t k = w->min_gpus; k <= top; k++)
                best = GA_MIN(best, q.K[k]);
            knap_free(&q);
            if (best >= INF_COST)
                continue;
            if (pass == 0) {
                tot[gi] = best + g->egress;
            } else if (best + g->egress < u_tot) {
                u_tot = best + g->egress;
                u_cph = best / p->H;
            }
        }
    }
    /* keep a region unless it is beaten on both counts */
    int32_t keep_g = 0;
    size_t c_out = (size_t)p->w_c0[wi];
    for (int32_t gi = 0; gi < ng; gi++) {
        ggrp g = p->g[g0 + gi];
        double cph = (tot[gi] - g.egress) / p->H;
        int drop = tot[gi] >= INF_COST ||
                   (u_tot < INF_COST && tot[gi] > u_tot * (1 + 1e-9) + 1e-9 &&
                    cph >= u_cph * (1 - 1e-9) - 1e-9);
        if (drop)
            continue;
        memmove(p->c + c_out, p->c + g.c0, sizeof(gcol) * (size_t)g.nc);
        g.c0 = (int32_t)c_out;
        for (int32_t j = 0; j < g.nc; j++)
            p->c[c_out + (size_t)j].grp = g0 + keep_g;
        c_out += (size_t)g.nc;
        p->g[g0 + keep_g++] = g;
    }
    p->n_c = c_out;
    p->n_g = (size_t)(g0 + keep_g);
    free(tot);
    free(cols);
    return 0;
}

/* 1 if two workloads get the same columns (GPU counts and data aside):
 * same acceptable models, memory, shape, market rule, spot cost inputs and
 * throughput table. */
static int same_columns(const ga_workload *a, const ga_workload *b)
{
    if (a->n_models != b->n_models || a->min_gpu_memory_gb != b->min_gpu_memory_gb ||
        a->gpus_per_node != b->gpus_per_node || a->spot != b->spot ||
        a->checkpoint_minutes != b->checkpoint_minutes ||
        a->restart_minutes != b->restart_minutes || a->n_tput != b->n_tput)
        return 0;
    for (size_t i = 0; i < a->n_models; i++)
        if (a->models[i] != b->models[i])
            return 0;
    for (size_t i = 0; i < a->n_tput; i++)
        if (a->tput_models[i] != b->tput_models[i] || a->tput[i] != b->tput[i])
            return 0;
    return 1;
}

static gpuarb_status prob_build(gpuarb_ctx *ctx, const base *b, const view *v, prob *p)
{
    int32_t *reps = NULL; /* region-free workloads whose columns can be reused */
    size_t n_reps = 0;
    const gpuarb_spec *s = b->spec;
    memset(p, 0, sizeof *p);
    p->b = b;
    p->v = *v;
    p->objective = v->min_cost ? GA_OBJ_MIN_COST : s->objective;
    p->H = s->horizon_hours;
    p->shares = (s->max_provider_share >= 0 && s->max_provider_share < 1 && !v->drop_pshare) ||
                (s->max_spot_share >= 0 && s->max_spot_share < 1 && !v->drop_sshare);
    int reduce = !p->shares || v->reduce;
    size_t nw = s->n_w;
    p->w_c0 = ga_calloc(nw, sizeof(int32_t));
    p->w_nc = ga_calloc(nw, sizeof(int32_t));
    p->w_g0 = ga_calloc(nw, sizeof(int32_t));
    p->w_ng = ga_calloc(nw, sizeof(int32_t));
    p->w_top = ga_calloc(nw, sizeof(int32_t));
    reps = ga_malloc(sizeof(int32_t) * (nw ? nw : 1));
    if (!p->w_c0 || !p->w_nc || !p->w_g0 || !p->w_ng || !p->w_top || !reps)
        goto nomem;
    for (size_t wi = 0; wi < nw; wi++) {
        const ga_workload *w = &s->w[wi];
        /* a workload no region ties: regions are interchangeable for it */
        int region_free = !w->same_region && !(w->has_data && w->data_gb > 0);
        p->w_c0[wi] = (int32_t)p->n_c;
        p->w_g0[wi] = (int32_t)p->n_g;
        int32_t cur_reg = -1;
        int32_t gstart = (int32_t)p->n_c;
        int32_t rep = -1;
        for (size_t r = 0; region_free && r < n_reps && rep < 0; r++)
            if (same_columns(w, &s->w[reps[r]]))
                rep = reps[r];
        if (rep >= 0) {
            /* same columns as an earlier workload, already reduced */
            for (int32_t j = p->w_c0[rep]; j < p->w_c0[rep] + p->w_nc[rep]; j++) {
                gcol c = p->c[j];
                c.w = (int32_t)wi;
                if (push_col(p, &c))
                    goto nomem;
            }
        } else if (region_free) {
            reps[n_reps++] = (int32_t)wi;
        }
        for (size_t kk = 0; kk < b->n_cls && rep < 0; kk++) {
            int32_t k = b->cls_by_reg[kk];
            int32_t reg = b->cls[k].reg;
            if (reg != cur_reg && !region_free) {
                if (cur_reg >= 0 && close_group(p, (int32_t)wi, cur_reg, gstart, reduce))
                    goto nomem;
                gstart = (int32_t)p->n_c;
            }
            cur_reg = reg;
            const oclass *cl = &b->cls[k];
            if (v->only_prov >= 0 && cl->prov != v->only_prov)
                continue;
            if (cl->cap == 0)
                continue;
            const ga_offer *o = &b->cat->v[cl->rep];
            if (!model_ok(w, o))
                continue;
            for (int spot = 0; spot <= 1; spot++) {
                if (spot && (v->ondemand_only || w->spot == GA_SPOT_NEVER))
                    continue;
                if (!spot && w->spot == GA_SPOT_ONLY)
                    continue;
                double u = unit_cost(w, o, spot);
                if (u < 0)
                    continue;
                gcol c;
                c.w = (int32_t)wi;
                c.k = k;
                c.spot = spot;
                c.gpc = o->gpu_count;
                c.grp = -1;
                c.unit = u;
                c.tput = o->gpu_count * ga_workload_tput(w, o->gpu);
                if (push_col(p, &c))
                    goto nomem;
            }
        }
        if (close_group(p, (int32_t)wi, region_free ? -1 : cur_reg, gstart, reduce && rep < 0))
            goto nomem;
        /* the most GPUs worth buying for this workload */
        int32_t maxg = 1;
        double minu = INF_COST;
        for (int32_t j = p->w_c0[wi]; j < (int32_t)p->n_c; j++) {
            maxg = GA_MAX(maxg, p->c[j].gpc);
            minu = GA_MIN(minu, p->c[j].unit);
        }
        int64_t top;
        if (w->max_gpus >= 0)
            top = w->max_gpus;
        else if (p->objective == GA_OBJ_MAX_THROUGHPUT && s->budget_per_hour >= 0)
            top = minu > 0 ? (int64_t)GA_MIN(1e7, floor(s->budget_per_hour / minu) * maxg) : 10000000;
        else if (p->shares)
            /* room for extra GPUs elsewhere (another provider, on demand)
             * that bring a share cap's fraction of the GPUs down */
            top = (int64_t)w->min_gpus + 64LL * maxg;
        else
            top = (int64_t)w->min_gpus + maxg - 1;
        p->w_top[wi] = (int32_t)GA_MIN(top, 100000000);
        if (reduce && w->same_region && p->objective == GA_OBJ_MIN_COST &&
            prune_gang_regions(p, (int32_t)wi))
            goto nomem;
        p->w_nc[wi] = (int32_t)p->n_c - p->w_c0[wi];
        p->w_ng[wi] = (int32_t)p->n_g - p->w_g0[wi];
    }
    free(reps);
    return GPUARB_OK;
nomem:
    free(reps);
    prob_free(p);
    return ga_nomem(ctx);
}

/* ---- per-workload dynamic programme (min_cost) ---------------------------- */

/* Least total cost (horizon cost + egress) of workload w alone, with class
 * capacities cap (-1 unlimited); writes the plan into x (indexed like p->c,
 * only w's columns touched).  Returns the cost, INF_COST when infeasible,
 * -1 when the instance is too large for the DP, -2 on allocation failure. */
static double dp_workload(const prob *p, int32_t wi, const int64_t *cap, double *x)
{
    const ga_workload *w = &p->b->spec->w[wi];
    int32_t lo = w->min_gpus, top = p->w_top[wi];
    int32_t c0 = p->w_c0[wi], nc = p->w_nc[wi];
    for (int32_t j = c0; j < c0 + nc; j++)
        x[j] = 0;
    if (lo == 0)
        return 0.0; /* nothing to buy: min_cost never buys optional GPUs */
    if (nc == 0 || top < lo)
        return INF_COST;
    if (top > DP_MAX_GPUS)
        return -1;
    int32_t g0 = p->w_g0[wi], ng = p->w_ng[wi];
    int any_egress = 0;
    for (int32_t g = g0; g < g0 + ng; g++)
        if (p->g[g].egress > 0)
            any_egress = 1;
    int32_t *cols = ga_malloc(sizeof(int32_t) * (size_t)nc);
    if (!cols)
        return -2;
    double best = INF_COST;
    if (!w->same_region && !any_egress) {
        /* no region structure: one knapsack over every column */
        for (int32_t j = 0; j < nc; j++)
            cols[j] = c0 + j;
        knap_t q;
        if (knap_solve(p, cols, nc, top, cap, &q)) {
            knap_free(&q);
            free(cols);
            return -2;
        }
        int32_t kbest = -1;
        for (int32_t k = lo; k <= top; k++)
            if (q.K[k] < best - 1e-12) {
                best = q.K[k];
                kbest = k;
            }
        if (kbest >= 0)
            knap_take(&q, kbest, x);
        knap_free(&q);
    } else if (w->same_region) {
        int32_t gbest = -1, kbest = -1;
        for (int32_t g = g0; g < g0 + ng; g++) {
            const ggrp *gr = &p->g[g];
            for (int32_t j = 0; j < gr->nc; j++)
                cols[j] = gr->c0 + j;
            knap_t q;
            if (knap_solve(p, cols, gr->nc, top, cap, &q)) {
                knap_free(&q);
                free(cols);
                return -2;
            }
            for (int32_t k = lo; k <= top; k++) {
                double v = q.K[k] + gr->egress;
                if (q.K[k] < INF_COST && v < best - 1e-12) {
                    best = v;
                    gbest = g;
                    kbest = k;
                }
            }
            knap_free(&q);
        }
        if (gbest >= 0) {
            const ggrp *gr = &p->g[gbest];
            for (int32_t j = 0; j < gr->nc; j++)
                cols[j] = gr->c0 + j;
            knap_t q;
            if (knap_solve(p, cols, gr->nc, top, cap, &q)) {
                knap_free(&q);
                free(cols);
                return -2;
            }
            knap_take(&q, kbest, x);
            knap_free(&q);
        }
    } else {
        /* regions with a one-time egress charge: F[r][k] over regions */
        if ((double)ng * (top + 1.0) * (top + 1.0) > DP_MAX_WORK) {
            free(cols);
            return -1;
        }
        size_t T = (size_t)top + 1;
        double *F = ga_malloc(sizeof(double) * T), *Fn = ga_malloc(sizeof(double) * T);
        int32_t *choice = ga_malloc(sizeof(int32_t) * T * (size_t)ng);
        double **Ks = ga_calloc((size_t)ng, sizeof(double *));
        if (!F || !Fn || !choice || !Ks) {
            free(F);
            free(Fn);
            free(choice);
            free(Ks);
            free(cols);
            return -2;
        }
        int fail = 0;
        F[0] = 0;
        for (size_t k = 1; k < T; k++)
            F[k] = INF_COST;
        for (int32_t gi = 0; gi < ng && !fail; gi++) {
            const ggrp *gr = &p->g[g0 + gi];
            for (int32_t j = 0; j < gr->nc; j++)
                cols[j] = gr->c0 + j;
            knap_t q;
            if (knap_solve(p, cols, gr->nc, top, cap, &q)) {
                knap_free(&q);
                fail = 1;
                break;
            }
            int32_t *ch = choice + (size_t)gi * T;
            for (size_t k = 0; k < T; k++) {
                Fn[k] = F[k];
                ch[k] = 0;
                for (size_t j = 1; j <= k; j++) {
                    if (q.K[j] >= INF_COST || F[k - j] >= INF_COST)
                        continue;
                    double v = F[k - j] + gr->egress + q.K[j];
                    if (v < Fn[k] - 1e-12) {
                        Fn[k] = v;
                        ch[k] = (int32_t)j;
                    }
                }
            }
            memcpy(F, Fn, sizeof(double) * T);
            knap_free(&q);
        }
        int32_t kbest = -1;
        if (!fail) {
            for (int32_t k = lo; k <= top; k++)
                if (F[k] < best - 1e-12) {
                    best = F[k];
                    kbest = k;
                }
        }
        if (!fail && kbest >= 0) {
            int32_t k = kbest;
            for (int32_t gi = ng - 1; gi >= 0 && !fail; gi--) {
                int32_t j = choice[(size_t)gi * T + k];
                if (j == 0)
                    continue;
                const ggrp *gr = &p->g[g0 + gi];
                for (int32_t t = 0; t < gr->nc; t++)
                    cols[t] = gr->c0 + t;
                knap_t q;
                if (knap_solve(p, cols, gr->nc, top, cap, &q))
                    fail = 1;
                else
                    knap_take(&q, j, x);
                knap_free(&q);
                k -= j;
            }
        }
        free(F);
        free(Fn);
        free(choice);
        free(Ks);
        if (fail) {
            free(cols);
            return -2;
        }
    }
    free(cols);
    return best;
}

/* ---- plan evaluation ------------------------------------------------------ */

typedef struct plan_eval {
    double cph, egress, total, tput;
    int feasible;          /* meets every constraint of the view */
} plan_eval;

static void evaluate(const prob *p, const double *x, plan_eval *e)
{
    const gpuarb_spec *s = p->b->spec;
    const base *b = p->b;
    memset(e, 0, sizeof *e);
    e->feasible = 1;
    /* the share caps count GPUs (SPEC section 2), not dollars */
    int64_t spot_gpus = 0, all_gpus = 0;
    int64_t *prov_gpus = ga_calloc((size_t)(b->n_prov ? b->n_prov : 1), sizeof(int64_t));
    int64_t *used = ga_calloc(b->n_cls ? b->n_cls : 1, sizeof(int64_t));
    int64_t *gpus = ga_calloc(s->n_w ? s->n_w : 1, sizeof(int64_t));
    unsigned char *gused = ga_calloc(p->n_g ? p->n_g : 1, 1);
    if (!prov_gpus || !used || !gpus || !gused) {
        e->feasible = 0;
        goto out;
    }
    for (size_t j = 0; j < p->n_c; j++) {
        if (x[j] < 0.5)
            continue;
        const gcol *c = &p->c[j];
        double cc = x[j] * c->unit;
        e->cph += cc;
        e->tput += x[j] * c->tput;
        int64_t ng = (int64_t)(x[j] + 0.5) * c->gpc;
        prov_gpus[b->cls[c->k].prov] += ng;
        if (c->spot)
            spot_gpus += ng;
        all_gpus += ng;
        used[c->k] += (int64_t)(x[j] + 0.5);
        gpus[c->w] += ng;
        gused[c->grp] = 1;
    }
    for (size_t g = 0; g < p->n_g; g++)
        if (gused[g])
            e->egress += p->g[g].egress;
    e->total = p->H * e->cph + e->egress;
    double tol = 1e-7 * GA_MAX(1.0, e->cph);
    for (size_t wi = 0; wi < s->n_w; wi++) {
        const ga_workload *w = &s->w[wi];
        if (gpus[wi] < w->min_gpus || (w->max_gpus >= 0 && gpus[wi] > w->max_gpus))
            e->feasible = 0;
        if (w->same_region) {
            int n = 0;
            for (int32_t g = p->w_g0[wi]; g < p->w_g0[wi] + p->w_ng[wi]; g++)
                n += gused[g];
            if (n > 1)
                e->feasible = 0;
        }
    }
    if (p->v.drop_capshare) {
        /* relaxed: each workload alone within a class's capacity */
        for (size_t j = 0; j < p->n_c; j++)
            if (b->cls[p->c[j].k].cap >= 0 && x[j] > (double)b->cls[p->c[j].k].cap + 0.5)
                e->feasible = 0;
    } else {
        for (size_t k = 0; k < b->n_cls; k++)
            if (b->cls[k].cap >= 0 && used[k] > b->cls[k].cap)
                e->feasible = 0;
    }
    if (s->budget_per_hour >= 0 && !p->v.drop_budget && e->cph > s->budget_per_hour + tol)
        e->feasible = 0;
    /* GPU counts are integers: the tolerance only absorbs the rounding of
     * share x GPUs (0.6 x 10 may be 5.9999999) */
    double gtol = 1e-9 * GA_MAX(1.0, (double)all_gpus);
    if (s->max_provider_share >= 0 && !p->v.drop_pshare)
        for (int32_t q = 0; q < b->n_prov; q++)
            if ((double)prov_gpus[q] > s->max_provider_share * (double)all_gpus + gtol)
                e->feasible = 0;
    if (s->max_spot_share >= 0 && !p->v.drop_sshare &&
        (double)spot_gpus > s->max_spot_share * (double)all_gpus + gtol)
        e->feasible = 0;
out:
    free(prov_gpus);
    free(used);
    free(gpus);
    free(gused);
}

/* ---- the MIP -------------------------------------------------------------- */

typedef struct mipmap {
    int32_t *zcol;        /* group -> MIP column or -1 */
    int32_t n_cols;
} mipmap;

/* stage 0: the objective of the spec; stage 1 (max_throughput only): least
 * cost subject to throughput >= tfloor. */
static gpuarb_status mip_build(gpuarb_ctx *ctx, const prob *p, int stage, double tfloor,
                               ga_mip **out, mipmap *mm)
{
    const gpuarb_spec *s = p->b->spec;
    const base *b = p->b;
    int maximize = p->objective == GA_OBJ_MAX_THROUGHPUT && stage == 0;
    ga_mip *m = ga_mip_new(maximize);
    int32_t *idx = NULL;
    double *val = NULL;
    size_t nn = p->n_c + p->n_g + 1;
    mm->zcol = ga_malloc(sizeof(int32_t) * (p->n_g ? p->n_g : 1));
    idx = ga_malloc(sizeof(int32_t) * nn);
    val = ga_malloc(sizeof(double) * nn);
    if (!m || !mm->zcol || !idx || !val)
        goto nomem;
    char nm[64];
    /* x columns: instance counts */
    for (size_t j = 0; j < p->n_c; j++) {
        const gcol *c = &p->c[j];
        double ub = ceil((double)p->w_top[c->w] / c->gpc);
        if (b->cls[c->k].cap >= 0)
            ub = GA_MIN(ub, (double)b->cls[c->k].cap);
        double obj = maximize ? c->tput : p->H * c->unit;
        snprintf(nm, sizeof nm, "x_w%d_o%d_%s", (int)c->w, (int)b->cls[c->k].rep,
                 c->spot ? "spot" : "od");
        if (ga_mip_add_col(m, obj, 0, ub, 1, nm) != (int32_t)j)
            goto nomem;
    }
    /* z columns: region used, where it matters (egress or a gang) */
    for (size_t g = 0; g < p->n_g; g++) {
        const ggrp *gr = &p->g[g];
        mm->zcol[g] = -1;
        if (gr->egress > 0 || s->w[gr->w].same_region) {
            snprintf(nm, sizeof nm, "z_w%d_r%d", (int)gr->w, (int)gr->reg);
            mm->zcol[g] = ga_mip_add_col(m, maximize ? 0 : gr->egress, 0, 1, 1, nm);
            if (mm->zcol[g] < 0)
                goto nomem;
        }
    }
    mm->n_cols = ga_mip_cols(m);
    /* GPU count per workload */
    for (size_t wi = 0; wi < s->n_w; wi++) {
        const ga_workload *w = &s->w[wi];
        int32_t n = 0;
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
            idx[n] = j;
            val[n++] = p->c[j].gpc;
        }
        double hi = w->max_gpus >= 0 ? w->max_gpus : GA_INF;
        snprintf(nm, sizeof nm, "gpus_w%d", (int)wi);
        if (ga_mip_add_row(m, n, idx, val, w->min_gpus, hi, nm) < 0)
            goto nomem;
        /* gang: one region */
        if (w->same_region && p->w_ng[wi] > 0) {
            n = 0;
            for (int32_t g = p->w_g0[wi]; g < p->w_g0[wi] + p->w_ng[wi]; g++) {
                idx[n] = mm->zcol[g];
                val[n++] = 1;
            }
            snprintf(nm, sizeof nm, "gang_w%d", (int)wi);
            if (ga_mip_add_row(m, n, idx, val, w->min_gpus > 0 ? 1 : 0, 1, nm) < 0)
                goto nomem;
        }
    }
    /* link: GPUs in a region only if the region is used */
    for (size_t g = 0; g < p->n_g; g++) {
        const ggrp *gr = &p->g[g];
        if (mm->zcol[g] < 0)
            continue;
        int32_t n = 0;
        double capg = 0;
        for (int32_t j = gr->c0; j < gr->c0 + gr->nc; j++) {
            idx[n] = j;
            val[n++] = p->c[j].gpc;
            int64_t cap = b->cls[p->c[j].k].cap;
            capg += cap >= 0 ? (double)cap * p->c[j].gpc : 1e18;
        }
        double M = GA_MIN((double)p->w_top[gr->w], capg);
        idx[n] = mm->zcol[g];
        val[n++] = -M;
        snprintf(nm, sizeof nm, "link_w%d_r%d", (int)gr->w, (int)gr->reg);
        if (ga_mip_add_row(m, n, idx, val, -GA_INF, 0, nm) < 0)
            goto nomem;
    }
    /* capacity shared across workloads */
    {
        int32_t *first = ga_malloc(sizeof(int32_t) * (b->n_cls ? b->n_cls : 1));
        int32_t *cnt = ga_calloc(b->n_cls ? b->n_cls : 1, sizeof(int32_t));
        int32_t *next = ga_malloc(sizeof(int32_t) * (p->n_c ? p->n_c : 1));
        if (!first || !cnt || !next) {
            free(first);
            free(cnt);
            free(next);
            goto nomem;
        }
        for (size_t k = 0; k < b->n_cls; k++)
            first[k] = -1;
        for (size_t j = p->n_c; j-- > 0;) {
            int32_t k = p->c[j].k;
            next[j] = first[k];
            first[k] = (int32_t)j;
            cnt[k]++;
        }
        int fail = 0;
        for (size_t k = 0; k < b->n_cls && !fail; k++) {
            if (b->cls[k].cap < 0 || cnt[k] < 2 || p->v.drop_capshare)
                continue;
            int32_t n = 0;
            for (int32_t j = first[k]; j >= 0; j = next[j]) {
                idx[n] = j;
                val[n++] = 1;
            }
            snprintf(nm, sizeof nm, "cap_o%d", (int)b->cls[k].rep);
            if (ga_mip_add_row(m, n, idx, val, -GA_INF, (double)b->cls[k].cap, nm) < 0)
                fail = 1;
        }
        free(first);
        free(cnt);
        free(next);
        if (fail)
            goto nomem;
    }
    /* budget */
    if (s->budget_per_hour >= 0 && !p->v.drop_budget && p->n_c) {
        for (size_t j = 0; j < p->n_c; j++) {
            idx[j] = (int32_t)j;
            val[j] = p->c[j].unit;
        }
        if (ga_mip_add_row(m, (int32_t)p->n_c, idx, val, -GA_INF, s->budget_per_hour, "budget") < 0)
            goto nomem;
    }
    /* provider share, in GPUs: gpus(p) - share * gpus(all) <= 0 */
    if (s->max_provider_share >= 0 && s->max_provider_share < 1 && !p->v.drop_pshare && p->n_c) {
        double sh = s->max_provider_share;
        unsigned char *present = ga_calloc((size_t)(b->n_prov ? b->n_prov : 1), 1);
        if (!present)
            goto nomem;
        for (size_t j = 0; j < p->n_c; j++)
            present[b->cls[p->c[j].k].prov] = 1;
        for (int32_t q = 0; q < b->n_prov; q++) {
            if (!present[q])
                continue;
            for (size_t j = 0; j < p->n_c; j++) {
                idx[j] = (int32_t)j;
                val[j] = (b->cls[p->c[j].k].prov == q ? 1 - sh : -sh) * p->c[j].gpc;
            }
            snprintf(nm, sizeof nm, "share_p%d", (int)q);
            if (ga_mip_add_row(m, (int32_t)p->n_c, idx, val, -GA_INF, 0, nm) < 0) {
                free(present);
                goto nomem;
            }
        }
        free(present);
    }
    /* spot share, in GPUs: gpus(spot) - share * gpus(all) <= 0 */
    if (s->max_spot_share >= 0 && s->max_spot_share < 1 && !p->v.drop_sshare && p->n_c) {
        double sh = s->max_spot_share;
        int32_t n = 0;
        int any_spot = 0;
        for (size_t j = 0; j < p->n_c; j++) {
            idx[n] = (int32_t)j;
            val[n++] = (p->c[j].spot ? 1 - sh : -sh) * p->c[j].gpc;
            any_spot |= p->c[j].spot;
        }
        if (any_spot && ga_mip_add_row(m, n, idx, val, -GA_INF, 0, "spot_share") < 0)
            goto nomem;
    }
    /* stage 1: keep the best throughput, minimise cost */
    if (stage == 1) {
        for (size_t j = 0; j < p->n_c; j++) {
            idx[j] = (int32_t)j;
            val[j] = p->c[j].tput;
        }
        double tol = 1e-7 * GA_MAX(1.0, fabs(tfloor));
        if (ga_mip_add_row(m, (int32_t)p->n_c, idx, val, tfloor - tol, GA_INF, "throughput_floor") < 0)
            goto nomem;
    }
    free(idx);
    free(val);
    *out = m;
    return GPUARB_OK;
nomem:
    free(idx);
    free(val);
    ga_mip_free(m);
    free(mm->zcol);
    mm->zcol = NULL;
    return ga_nomem(ctx);
}

/* Fill the z part of a MIP start from the x part. */
static void start_with_z(const prob *p, const mipmap *mm, const double *x, double *start)
{
    memcpy(start, x, sizeof(double) * p->n_c);
    for (int32_t j = (int32_t)p->n_c; j < mm->n_cols; j++)
        start[j] = 0;
    for (size_t j = 0; j < p->n_c; j++)
        if (x[j] > 0.5 && mm->zcol[p->c[j].grp] >= 0)
            start[mm->zcol[p->c[j].grp]] = 1;
}

/* ---- solving a view ------------------------------------------------------- */

/* When to call a plan optimal: relative gap, and absolute gap in dollars
 * over the horizon (cost objectives only; throughput is proven exactly). */
typedef struct ga_tol {
    double rel, abs_cost;
} ga_tol;

typedef struct sol {
    int32_t status;       /* gpuarb_solve_status */
    double *x;            /* p->n_c counts */
    plan_eval e;
    double bound, gap;
    int32_t bound_known;  /* for a time limit without a plan */
    int32_t method;
    int32_t mip_cols, mip_rows;
    int64_t nodes;
} sol;

/* Greedy plan: workloads in decreasing size, each solved alone on the
 * capacity the earlier ones left.  Returns 1 if it found a plan (which may
 * still break budget or share caps: evaluate() says). */
static int greedy(const prob *p, double *x)
{
    const gpuarb_spec *s = p->b->spec;
    size_t nw = s->n_w;
    int64_t *cap = ga_malloc(sizeof(int64_t) * (p->b->n_cls ? p->b->n_cls : 1));
    kpair *order = ga_malloc(sizeof(kpair) * (nw ? nw : 1));
    if (!cap || !order) {
        free(cap);
        free(order);
        return 0;
    }
    for (size_t k = 0; k < p->b->n_cls; k++)
        cap[k] = p->b->cls[k].cap;
    for (size_t wi = 0; wi < nw; wi++) {
        order[wi].key = -(int64_t)s->w[wi].min_gpus;
        order[wi].idx = (int32_t)wi;
    }
    qsort(order, nw, sizeof *order, cmp_kpair);
    int ok = 1;
    for (size_t t = 0; t < nw && ok; t++) {
        int32_t wi = order[t].idx;
        double v = dp_workload(p, wi, cap, x);
        if (v < 0 || v >= INF_COST) {
            ok = 0;
            break;
        }
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++)
            if (x[j] > 0.5 && cap[p->c[j].k] >= 0)
                cap[p->c[j].k] -= (int64_t)(x[j] + 0.5);
    }
    free(cap);
    free(order);
    return ok;
}

static gpuarb_status run_mip(gpuarb_ctx *ctx, const prob *p, int stage, double tfloor,
                             const double *start, double time_ms, const ga_tol *tol, sol *out,
                             ga_mip_out *mo)
{
    ga_mip *m = NULL;
    mipmap mm = {0};
    gpuarb_status st = mip_build(ctx, p, stage, tfloor, &m, &mm);
    if (st)
        return st;
    out->mip_cols = ga_mip_cols(m);
    out->mip_rows = ga_mip_rows(m);
    double *xx = ga_calloc((size_t)mm.n_cols + 1, sizeof(double));
    if (!xx) {
        ga_mip_free(m);
        free(mm.zcol);
        return ga_nomem(ctx);
    }
    if (start) {
        start_with_z(p, &mm, start, xx);
        ga_mip_set_start(m, xx);
    }
    int cost_objective = p->objective == GA_OBJ_MIN_COST || stage == 1;
    ga_mip_opts o = {time_ms, tol->rel, cost_objective ? tol->abs_cost : 0, 1};
    mo->x = xx;
    st = ga_mip_solve(ctx, m, &o, mo);
    if (!st && (mo->status == GA_MIP_OPTIMAL || mo->status == GA_MIP_FEASIBLE))
        for (size_t j = 0; j < p->n_c; j++)
            out->x[j] = floor(xx[j] + 0.5);
    out->nodes += mo->nodes;
    free(xx);
    mo->x = NULL;
    ga_mip_free(m);
    free(mm.zcol);
    return st;
}

static gpuarb_status solve_view(gpuarb_ctx *ctx, const prob *p, double time_ms, const ga_tol *tol,
                                const double *hint, sol *out)
{
    const gpuarb_spec *s = p->b->spec;
    memset(out, 0, sizeof *out);
    out->x = ga_calloc(p->n_c ? p->n_c : 1, sizeof(double));
    if (!out->x)
        return ga_nomem(ctx);
    double t0 = ga_now_ms();
    /* quick infeasibility: a workload that needs GPUs but has no column */
    for (size_t wi = 0; wi < s->n_w; wi++) {
        if (s->w[wi].min_gpus > 0 && p->w_nc[wi] == 0) {
            out->status = GPUARB_SOLVE_INFEASIBLE;
            return GPUARB_OK;
        }
    }
    if (p->n_c == 0) {
        /* nothing can be bought: the empty plan is the only plan */
        evaluate(p, out->x, &out->e);
        out->status = out->e.feasible ? GPUARB_SOLVE_OPTIMAL : GPUARB_SOLVE_INFEASIBLE;
        out->method = GA_METHOD_DECOMPOSED;
        return GPUARB_OK;
    }
    double lower = 0;
    if (p->objective == GA_OBJ_MIN_COST) {
        /* 1. every workload alone: exact, and a lower bound together */
        int too_big = 0, infeasible = 0;
        for (size_t wi = 0; wi < s->n_w && !infeasible; wi++) {
            double v = dp_workload(p, (int32_t)wi, NULL, out->x);
            if (v == -2)
                return ga_nomem(ctx);
            if (v == -1)
                too_big = 1;
            else if (v >= INF_COST)
                infeasible = 1;
            else
                lower += v;
        }
        if (infeasible) {
            out->status = GPUARB_SOLVE_INFEASIBLE;
            return GPUARB_OK;
        }
        if (!too_big && !infeasible) {
            evaluate(p, out->x, &out->e);
            if (out->e.feasible) {
                out->status = GPUARB_SOLVE_OPTIMAL;
                out->bound = out->e.total;
                out->gap = 0;
                out->method = GA_METHOD_DECOMPOSED;
                return GPUARB_OK;
            }
        }
    }
    /* 2. the MIP, started from the caller's plan or a greedy one */
    double *start = NULL;
    if (hint) {
        memcpy(out->x, hint, sizeof(double) * p->n_c);
        plan_eval e;
        evaluate(p, out->x, &e);
        if (e.feasible)
            start = out->x;
    }
    if (!start && p->objective == GA_OBJ_MIN_COST) {
        for (size_t j = 0; j < p->n_c; j++)
            out->x[j] = 0;
        if (greedy(p, out->x)) {
            plan_eval e;
            evaluate(p, out->x, &e);
            if (e.feasible)
                start = out->x;
        }
    }
    double *startcopy = NULL;
    if (start) {
        startcopy = ga_malloc(sizeof(double) * (p->n_c ? p->n_c : 1));
        if (!startcopy)
            return ga_nomem(ctx);
        memcpy(startcopy, start, sizeof(double) * p->n_c);
    }
    ga_mip_out mo;
    memset(&mo, 0, sizeof mo);
    double left = time_ms > 0 ? time_ms - (ga_now_ms() - t0) : 0;
    if (time_ms > 0 && left < 1)
        left = 1;
    gpuarb_status st = run_mip(ctx, p, 0, 0, startcopy, left, tol, out, &mo);
    free(startcopy);
    if (st)
        return st;
    out->method = GA_METHOD_MIP;
    switch (mo.status) {
    case GA_MIP_OPTIMAL:
        out->status = GPUARB_SOLVE_OPTIMAL;
        break;
    case GA_MIP_FEASIBLE:
        out->status = GPUARB_SOLVE_FEASIBLE;
        break;
    case GA_MIP_INFEASIBLE:
        out->status = GPUARB_SOLVE_INFEASIBLE;
        return GPUARB_OK;
    case GA_MIP_UNBOUNDED:
        out->status = GPUARB_SOLVE_INFEASIBLE;
        return GPUARB_OK;
    default:
        out->status = GPUARB_SOLVE_TIME_LIMIT;
        out->bound = mo.bound;
        out->bound_known = mo.has_bound;
        /* the per-workload optima still bound the cost from below (costs
         * are never negative, so workloads the DP skipped only lower it;
         * 0 is then a valid if empty bound) */
        if (p->objective == GA_OBJ_MIN_COST) {
            out->bound_known = 1;
            if (lower > out->bound)
                out->bound = lower;
        }
        return GPUARB_OK;
    }
    out->bound = mo.bound;
    if (p->objective == GA_OBJ_MIN_COST) {
        /* the decomposition's bound is valid too; keep the tighter */
        if (lower > out->bound)
            out->bound = lower;
    }
    if (p->objective == GA_OBJ_MAX_THROUGHPUT && out->status != GPUARB_SOLVE_TIME_LIMIT) {
        /* 3. ties go to the cheaper plan */
        plan_eval e1;
        evaluate(p, out->x, &e1);
        double *keep = ga_malloc(sizeof(double) * (p->n_c ? p->n_c : 1));
        if (!keep)
            return ga_nomem(ctx);
        memcpy(keep, out->x, sizeof(double) * p->n_c);
        double left2 = time_ms > 0 ? time_ms - (ga_now_ms() - t0) : 0;
        ga_mip_out mo2;
        memset(&mo2, 0, sizeof mo2);
        if (time_ms <= 0 || left2 > 1) {
            st = run_mip(ctx, p, 1, e1.tput, keep, left2, tol, out, &mo2);
            if (st) {
                free(keep);
                return st;
            }
        }
        if (!(mo2.status == GA_MIP_OPTIMAL || mo2.status == GA_MIP_FEASIBLE))
            memcpy(out->x, keep, sizeof(double) * p->n_c);
        free(keep);
    }
    evaluate(p, out->x, &out->e);
    if (p->objective == GA_OBJ_MIN_COST) {
        if (out->status == GPUARB_SOLVE_OPTIMAL)
            out->bound = GA_MIN(out->bound, out->e.total);
        out->gap = out->e.total > 1e-12 ? GA_MAX(0.0, (out->e.total - out->bound) / out->e.total) : 0;
    } else {
        if (out->status == GPUARB_SOLVE_OPTIMAL)
            out->bound = GA_MAX(out->bound, out->e.tput);
        out->gap = out->bound > 1e-12 ? GA_MAX(0.0, (out->bound - out->e.tput) / out->bound) : 0;
    }
    if (out->gap < 1e-9)
        out->gap = 0;
    return GPUARB_OK;
}

static void sol_free(sol *s)
{
    free(s->x);
    s->x = NULL;
}

/* 1 if plan a (on pa's columns) is at least as good as plan b's figures. */
static int same_value(int32_t objective, const plan_eval *a, const plan_eval *b)
{
    double tt = 1e-9 * (1 + fabs(b->total));
    if (objective == GA_OBJ_MAX_THROUGHPUT && a->tput < b->tput - 1e-9 * (1 + fabs(b->tput)))
        return 0;
    return a->total <= b->total + tt;
}

/* Copy plan x of view pa onto the columns of pb, which must hold every
 * column of pa (pa is pb with dominated columns dropped: same order). */
static void map_plan(const prob *pa, const double *x, const prob *pb, double *y)
{
    size_t j = 0;
    for (size_t i = 0; i < pb->n_c; i++) {
        y[i] = 0;
        if (j < pa->n_c && pa->c[j].w == pb->c[i].w && pa->c[j].k == pb->c[i].k &&
            pa->c[j].spot == pb->c[i].spot)
            y[i] = x[j++];
    }
}

/* Solve view v exactly.  With share caps active, three steps keep the
 * model small in the common case where the caps do not bind:
 *   R0: the view without share caps (so dominance is exact): a bound, and
 *       the answer when its plan happens to meet the caps;
 *   R1: the reduced view with the caps: a good plan, optimal when it is as
 *       good as R0's;
 *   F:  the full view with the caps, started from R1's plan.
 * On return *P and *S hold the problem and solution the result comes from
 * (the caller frees both). */
static gpuarb_status solve_exact(gpuarb_ctx *ctx, const base *b, const view *v, double time_ms,
                                 const ga_tol *tol, prob *P, sol *S)
{
    const gpuarb_spec *s = b->spec;
    int shares = (s->max_provider_share >= 0 && s->max_provider_share < 1 && !v->drop_pshare) ||
                 (s->max_spot_share >= 0 && s->max_spot_share < 1 && !v->drop_sshare);
    int32_t objective = v->min_cost ? GA_OBJ_MIN_COST : s->objective;
    double t0 = ga_now_ms();
    gpuarb_status st;
    memset(S, 0, sizeof *S);
    memset(P, 0, sizeof *P);
    if (!shares) {
        if ((st = prob_build(ctx, b, v, P)))
            return st;
        return solve_view(ctx, P, time_ms, tol, NULL, S);
    }
#define LEFT() (time_ms > 0 ? GA_MAX(1.0, time_ms - (ga_now_ms() - t0)) : 0)
    /* R0 */
    view v0 = *v;
    v0.drop_pshare = v0.drop_sshare = 1;
    prob p0;
    sol s0;
    if ((st = prob_build(ctx, b, &v0, &p0)))
        return st;
    if ((st = solve_view(ctx, &p0, LEFT(), tol, NULL, &s0))) {
        sol_free(&s0);
        prob_free(&p0);
        return st;
    }
    if (s0.status == GPUARB_SOLVE_INFEASIBLE || s0.status == GPUARB_SOLVE_TIME_LIMIT) {
        /* the caps can only make it worse */
        *P = p0;
        *S = s0;
        return GPUARB_OK;
    }
    plan_eval e0 = s0.e;
    double bound0 = s0.bound;
    int r0_optimal = s0.status == GPUARB_SOLVE_OPTIMAL;
    p0.v = *v; /* judge R0's plan with the caps */
    plan_eval ec;
    evaluate(&p0, s0.x, &ec);
    if (ec.feasible) {
        *P = p0;
        *S = s0;
        return GPUARB_OK;
    }
    sol_free(&s0);
    prob_free(&p0);
    /* R1 */
    view v1 = *v;
    v1.reduce = 1;
    prob p1;
    sol s1;
    if ((st = prob_build(ctx, b, &v1, &p1)))
        return st;
    if ((st = solve_view(ctx, &p1, LEFT(), tol, NULL, &s1))) {
        sol_free(&s1);
        prob_free(&p1);
        return st;
    }
    int have1 = s1.status == GPUARB_SOLVE_OPTIMAL || s1.status == GPUARB_SOLVE_FEASIBLE;
    if (have1 && r0_optimal && same_value(objective, &s1.e, &e0)) {
        s1.status = GPUARB_SOLVE_OPTIMAL;
        s1.gap = 0;
        s1.bound = objective == GA_OBJ_MAX_THROUGHPUT ? s1.e.tput : s1.e.total;
        *P = p1;
        *S = s1;
        return GPUARB_OK;
    }
    /* F */
    prob pf;
    sol sf;
    if ((st = prob_build(ctx, b, v, &pf))) {
        sol_free(&s1);
        prob_free(&p1);
        return st;
    }
    double *hint = NULL;
    if (have1 && (hint = ga_malloc(sizeof(double) * (pf.n_c ? pf.n_c : 1))))
        map_plan(&p1, s1.x, &pf, hint);
    st = solve_view(ctx, &pf, LEFT(), tol, hint, &sf);
    free(hint);
    if (st) {
        sol_free(&sf);
        prob_free(&pf);
        sol_free(&s1);
        prob_free(&p1);
        return st;
    }
    int havef = sf.status == GPUARB_SOLVE_OPTIMAL || sf.status == GPUARB_SOLVE_FEASIBLE;
    if (sf.status == GPUARB_SOLVE_OPTIMAL || sf.status == GPUARB_SOLVE_INFEASIBLE ||
        (havef && (!have1 || same_value(objective, &sf.e, &s1.e))) || !have1) {
        /* F's bound is valid; R0's too: keep the tighter */
        if (havef && sf.status == GPUARB_SOLVE_FEASIBLE) {
            if (objective == GA_OBJ_MIN_COST) {
                sf.bound = GA_MAX(sf.bound, bound0);
                sf.gap = sf.e.total > 1e-12 ? GA_MAX(0.0, (sf.e.total - sf.bound) / sf.e.total) : 0;
            } else {
                sf.bound = GA_MIN(sf.bound, e0.tput);
                sf.gap = sf.bound > 1e-12 ? GA_MAX(0.0, (sf.bound - sf.e.tput) / sf.bound) : 0;
            }
        }
        sol_free(&s1);
        prob_free(&p1);
        *P = pf;
        *S = sf;
        return GPUARB_OK;
    }
    /* F ran out of time with nothing better: R1's plan, with R0's bound */
    double fb = sf.bound;
    int fb_ok = sf.status == GPUARB_SOLVE_FEASIBLE || sf.status == GPUARB_SOLVE_TIME_LIMIT;
    sol_free(&sf);
    prob_free(&pf);
    s1.status = GPUARB_SOLVE_FEASIBLE;
    if (objective == GA_OBJ_MIN_COST) {
        s1.bound = fb_ok ? GA_MAX(fb, bound0) : bound0;
        s1.bound = GA_MIN(s1.bound, s1.e.total);
        s1.gap = s1.e.total > 1e-12 ? (s1.e.total - s1.bound) / s1.e.total : 0;
    } else {
        s1.bound = fb_ok ? GA_MIN(fb, e0.tput) : e0.tput;
        s1.bound = GA_MAX(s1.bound, s1.e.tput);
        s1.gap = s1.bound > 1e-12 ? (s1.bound - s1.e.tput) / s1.bound : 0;
    }
    *P = p1;
    *S = s1;
    return GPUARB_OK;
#undef LEFT
}

/* ---- result --------------------------------------------------------------- */

int ga_result_diag(gpuarb_result *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **nd = ga_reallocarray(r->diag, r->n_diag + 1, sizeof(char *));
    if (!nd)
        return -1;
    r->diag = nd;
    if (!(r->diag[r->n_diag] = ga_strdup(buf)))
        return -1;
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
    for (size_t i = 0; i < r->n_wl; i++)
        free(r->wl[i].name);
    free(r->wl);
    for (size_t i = 0; i < r->n_diag; i++)
        free(r->diag[i]);
    free(r->diag);
    free(r->baseline_provider);
    free(r);
}

/* Turn the integer plan into rows: a class's count is spread over its
 * member offers in catalog order, within each member's capacity left. */
static gpuarb_status fill_rows(gpuarb_ctx *ctx, const prob *p, const sol *sv, gpuarb_result *r)
{
    const base *b = p->b;
    const gpuarb_spec *s = b->spec;
    const gpuarb_catalog *cat = b->cat;
    size_t rows_cap = 0;
    int64_t *left = ga_malloc(sizeof(int64_t) * (cat->n ? cat->n : 1));
    r->wl = ga_calloc(s->n_w ? s->n_w : 1, sizeof(ga_wl_row));
    if (!left || !r->wl) {
        free(left);
        return ga_nomem(ctx);
    }
    r->n_wl = s->n_w;
    for (size_t i = 0; i < cat->n; i++)
        left[i] = cat->v[i].capacity;
    for (size_t wi = 0; wi < s->n_w; wi++)
        if (!(r->wl[wi].name = ga_strdup(s->w[wi].name)))
            goto nomem;
    /* egress per workload */
    for (size_t g = 0; g < p->n_g; g++) {
        int used = 0;
        for (int32_t j = p->g[g].c0; j < p->g[g].c0 + p->g[g].nc; j++)
            used |= sv->x[j] > 0.5;
        if (used)
            r->wl[p->g[g].w].egress_cost += p->g[g].egress;
    }
    for (size_t j = 0; j < p->n_c; j++) {
        int64_t cnt = (int64_t)(sv->x[j] + 0.5);
        if (cnt <= 0)
            continue;
        const gcol *c = &p->c[j];
        const oclass *cl = &b->cls[c->k];
        ga_wl_row *wr = &r->wl[c->w];
        wr->gpus += (int32_t)(cnt * c->gpc);
        wr->cost_per_hour += cnt * c->unit;
        wr->throughput += cnt * c->tput;
        for (int32_t mi = 0; mi < cl->n_members && cnt > 0; mi++) {
            int32_t oi = b->members[cl->first_member + mi];
            int64_t take = cnt;
            if (left[oi] >= 0)
                take = GA_MIN(take, left[oi]);
            if (mi == cl->n_members - 1)
                take = cnt; /* capacities were summed: cannot run short */
            if (take <= 0)
                continue;
            if (left[oi] >= 0)
                left[oi] -= take;
            cnt -= take;
            const ga_offer *o = &cat->v[oi];
            if (ga_grow((void **)&r->rows, &rows_cap, r->n_rows + 1, sizeof(ga_alloc_row)))
                goto nomem;
            ga_alloc_row *a = &r->rows[r->n_rows];
            memset(a, 0, sizeof *a);
            r->n_rows++;
            a->w = c->w;
            a->workload = ga_strdup(s->w[c->w].name);
            a->provider = ga_strdup(o->provider);
            a->region = ga_strdup(o->region);
            a->zone = ga_strdup(o->zone ? o->zone : "");
            a->instance_type = ga_strdup(o->instance_type);
            a->gpu = ga_strdup(ga_gpumodel_at(o->gpu)->name);
            if (!a->workload || !a->provider || !a->region || !a->zone || !a->instance_type || !a->gpu)
                goto nomem;
            a->gpus_per_instance = o->gpu_count;
            a->count = (int32_t)take;
            a->spot = c->spot;
            a->price_hour = c->spot ? o->spot : o->price;
            a->unit_cost = c->unit;
        }
    }
    free(left);
    return GPUARB_OK;
nomem:
    free(left);
    return ga_nomem(ctx);
}

/* ---- diagnostics for infeasible specs ------------------------------------- */

static const char *spot_word(int32_t s)
{
    return s == GA_SPOT_ONLY ? "only" : s == GA_SPOT_ALLOW ? "allow" : "never";
}

/* Why a workload has no column: count the offers that survive each filter. */
static void explain_no_offer(const base *b, const ga_workload *w, gpuarb_result *r)
{
    const gpuarb_spec *s = b->spec;
    size_t n_place = 0, n_model = 0, n_shape = 0, n_market = 0;
    for (size_t i = 0; i < b->cat->n; i++) {
        const ga_offer *o = &b->cat->v[i];
        if (!ga_globs_allow(&s->providers, o->provider) || !ga_globs_allow(&s->regions, o->region))
            continue;
        n_place++;
        ga_workload tmp = *w;
        tmp.gpus_per_node = 0;
        if (!model_ok(&tmp, o))
            continue;
        n_model++;
        if (w->gpus_per_node > 0 && o->gpu_count != w->gpus_per_node)
            continue;
        n_shape++;
        int ok = 0;
        for (int spot = 0; spot <= 1; spot++) {
            if (spot && w->spot == GA_SPOT_NEVER)
                continue;
            if (!spot && w->spot == GA_SPOT_ONLY)
                continue;
            if (unit_cost(w, o, spot) >= 0)
                ok = 1;
        }
        n_market += ok;
    }
    if (n_place == 0)
        ga_result_diag(r, "workload '%s': no offer of the catalog is in an allowed provider and region",
                       w->name);
    else if (n_model == 0)
        ga_result_diag(r, "workload '%s': none of the %zu offers in allowed places has an acceptable "
                          "GPU model%s", w->name, n_place,
                       w->min_gpu_memory_gb > 0 ? " and memory" : "");
    else if (n_shape == 0)
        ga_result_diag(r, "workload '%s': %zu offers have an acceptable GPU but none has "
                          "gpus_per_node = %d", w->name, n_model, (int)w->gpus_per_node);
    else if (n_market == 0)
        ga_result_diag(r, "workload '%s': %zu offers match but none can be bought with spot: %s%s",
                       w->name, n_shape, spot_word(w->spot),
                       w->spot == GA_SPOT_ONLY ? " (no usable spot market: none, or interruptions "
                                                 "too frequent for the checkpoint interval)" : "");
    else
        ga_result_diag(r, "workload '%s': no offer matches", w->name);
}

/* Each workload alone: name those that cannot be met at all. */
static int explain_workloads(const prob *p, gpuarb_result *r)
{
    const gpuarb_spec *s = p->b->spec;
    int found = 0;
    double *x = ga_calloc(p->n_c ? p->n_c : 1, sizeof(double));
    if (!x)
        return 0;
    for (size_t wi = 0; wi < s->n_w; wi++) {
        const ga_workload *w = &s->w[wi];
        if (w->min_gpus == 0)
            continue;
        if (p->w_nc[wi] == 0) {
            explain_no_offer(p->b, w, r);
            found = 1;
            continue;
        }
        /* capacity in GPUs of its columns (classes counted once) */
        double avail = 0;
        int unlimited = 0, gcd = 0;
        for (int32_t j = p->w_c0[wi]; j < p->w_c0[wi] + p->w_nc[wi]; j++) {
            int64_t cap = p->b->cls[p->c[j].k].cap;
            int a = gcd, bb = p->c[j].gpc;
            while (bb) {
                int t = a % bb;
                a = bb;
                bb = t;
            }
            gcd = a;
            if (cap < 0)
                unlimited = 1;
            else if (j == p->w_c0[wi] || p->c[j - 1].k != p->c[j].k)
                avail += (double)cap * p->c[j].gpc; /* a class's columns are adjacent */
        }
        if (!unlimited && avail < w->min_gpus) {
            ga_result_diag(r, "workload '%s' needs %d GPUs but the matching offers' capacity is "
                              "%.0f GPUs: short by %.0f", w->name, (int)w->min_gpus, avail,
                           w->min_gpus - avail);
            found = 1;
            continue;
        }
        double v = p->w_top[wi] <= DP_MAX_GPUS ? dp_workload(p, (int32_t)wi, NULL, x) : -1;
        if (v >= INF_COST) {
            if (w->max_gpus >= 0 && gcd > 1 && (w->min_gpus + gcd - 1) / gcd * gcd > w->max_gpus)
                ga_result_diag(r, "workload '%s' asks for %s%d GPUs but its matching offers come "
                                  "in multiples of %d GPUs per instance", w->name,
                               w->gpus >= 0 ? "exactly " : "at most ", (int)w->max_gpus, gcd);
            else if (w->same_region)
                ga_result_diag(r, "workload '%s' needs %d GPUs in one region (same_region) but no "
                                  "single region has that many matching GPUs", w->name,
                               (int)w->min_gpus);
            else
                ga_result_diag(r, "workload '%s' cannot get %d GPUs from its matching offers",
                               w->name, (int)w->min_gpus);
            found = 1;
        }
    }
    free(x);
    return found;
}

static gpuarb_status explain_families(gpuarb_ctx *ctx, const base *b, const view *v0,
                                      double time_ms, const ga_tol *tol, gpuarb_result *r)
{
    const gpuarb_spec *s = b->spec;
    struct {
        int active;
        view v;
    } fam[4];
    memset(fam, 0, sizeof fam);
    fam[0].active = s->budget_per_hour >= 0;
    fam[1].active = s->max_provider_share >= 0 && s->max_provider_share < 1;
    fam[2].active = s->max_spot_share >= 0 && s->max_spot_share < 1;
    fam[3].active = 1;
    for (int f = 0; f < 4; f++) {
        fam[f].v = *v0;
        fam[f].v.reduce = 0;
        if (f == 0)
            fam[f].v.drop_budget = 1;
        if (f == 1)
            fam[f].v.drop_pshare = 1;
        if (f == 2)
            fam[f].v.drop_sshare = 1;
        if (f == 3)
            fam[f].v.drop_capshare = 1;
    }
    int named = 0;
    for (int f = 0; f < 4; f++) {
        if (!fam[f].active)
            continue;
        prob p;
        sol sv;
        /* the four re-solves share the time limit */
        double t_f = time_ms > 0 ? GA_MAX(50.0, time_ms / 4) : 0;
        gpuarb_status st = solve_exact(ctx, b, &fam[f].v, t_f, tol, &p, &sv);
        if (st) {
            sol_free(&sv);
            prob_free(&p);
            return st;
        }
        if (sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE) {
            named = 1;
            if (f == 0)
                ga_result_diag(r, "budget_per_hour %.2f is below the cheapest plan that meets the "
                                  "other constraints (%.2f per hour)", s->budget_per_hour, sv.e.cph);
            else if (f == 1)
                ga_result_diag(r, "constraints.max_provider_share %.3g cannot be met: without it "
                                  "the cheapest plan puts more than that fraction of its GPUs on "
                                  "one provider, and no mix of providers fits the other "
                                  "constraints",
                               s->max_provider_share);
            else if (f == 2)
                ga_result_diag(r, "constraints.max_spot_share %.3g (a fraction of the plan's GPUs) "
                                  "cannot be met together with the other constraints", s->max_spot_share);
            else {
                /* name the classes the relaxed plan overbooks */
                int64_t *used = ga_calloc(b->n_cls ? b->n_cls : 1, sizeof(int64_t));
                if (used) {
                    for (size_t j = 0; j < p.n_c; j++)
                        used[p.c[j].k] += (int64_t)(sv.x[j] + 0.5);
                    int said = 0;
                    for (size_t k = 0; k < b->n_cls && said < 5; k++) {
                        const oclass *c = &b->cls[k];
                        if (c->cap >= 0 && used[k] > c->cap) {
                            const ga_offer *o = &b->cat->v[c->rep];
                            ga_result_diag(r, "capacity: %s %s %s has %lld instances but the "
                                              "workloads sharing it need %lld: short by %lld "
                                              "instances (%lld GPUs)", o->provider, o->region,
                                           o->instance_type, (long long)c->cap,
                                           (long long)used[k], (long long)(used[k] - c->cap),
                                           (long long)((used[k] - c->cap) * o->gpu_count));
                            said++;
                        }
                    }
                    if (!said)
                        ga_result_diag(r, "capacity shared between workloads is too small for "
                                          "all of them together");
                    free(used);
                }
            }
        }
        sol_free(&sv);
        prob_free(&p);
    }
    if (!named)
        ga_result_diag(r, "no single constraint explains the infeasibility: several bind together "
                          "(budget, share caps, capacity, exact GPU counts)");
    return GPUARB_OK;
}

/* ---- public entry --------------------------------------------------------- */

void gpuarb_optimize_opts_init(gpuarb_optimize_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->time_limit_s = -1;
    o->mip_gap = 0;
    o->abs_gap = 0.01;
}

static gpuarb_status load_spec_catalog(gpuarb_ctx *ctx, const gpuarb_spec *s,
                                       gpuarb_catalog **out)
{
    if (s->catalog_builtin || s->n_catalogs == 0)
        return gpuarb_catalog_builtin(ctx, out);
    gpuarb_catalog *all = NULL;
    gpuarb_status st = ga_catalog_new(ctx, &all);
    for (size_t i = 0; !st && i < s->n_catalogs; i++) {
        const ga_catalog_ref *ref = &s->catalogs[i];
        gpuarb_catalog *one = NULL;
        st = gpuarb_catalog_load(ctx, ref->path,
                                 ref->provider ? GPUARB_CATALOG_SKYPILOT : GPUARB_CATALOG_NATIVE,
                                 ref->provider, &one);
        if (st == GPUARB_ERR_IO) {
            /* say where the spec names the missing file */
            char msg[GA_MSG_MAX];
            snprintf(msg, sizeof msg, "%s", gpuarb_errmsg(ctx));
            st = ga_error(ctx, GPUARB_ERR_IO, ref->loc.source, ref->loc.line, ref->loc.col,
                          "catalog", "cannot read catalog '%s': %s", ref->path, msg);
        }
        if (!st)
            st = gpuarb_catalog_append(ctx, all, one);
        gpuarb_catalog_free(one);
    }
    if (st) {
        gpuarb_catalog_free(all);
        return st;
    }
    *out = all;
    return GPUARB_OK;
}

static gpuarb_status compute_baseline(gpuarb_ctx *ctx, const base *b, double time_ms,
                                      const ga_tol *tol, gpuarb_result *r)
{
    double best = INF_COST, best_cph = 0;
    int32_t best_p = -1;
    int not_proven = 0;
    double deadline = ga_now_ms() + time_ms;
    for (int32_t q = 0; q < b->n_prov; q++) {
        /* the baseline answers "cheapest single-provider plan": min_cost */
        view v = {.only_prov = q, .ondemand_only = 1, .min_cost = 1};
        prob p;
        sol sv;
        /* the providers share what is left of the time limit */
        double t_q = time_ms > 0 ? GA_MAX(50.0, deadline - ga_now_ms()) : 0;
        gpuarb_status st = solve_exact(ctx, b, &v, t_q, tol, &p, &sv);
        if (st) {
            sol_free(&sv);
            prob_free(&p);
            return st;
        }
        if ((sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE) &&
            sv.e.total < best - 1e-9) {
            best = sv.e.total;
            best_cph = sv.e.cph;
            best_p = q;
            not_proven = sv.status != GPUARB_SOLVE_OPTIMAL;
        }
        sol_free(&sv);
        prob_free(&p);
    }
    if (best_p < 0)
        return GPUARB_OK;
    r->has_baseline = 1;
    if (!(r->baseline_provider = ga_strdup(b->prov_name[best_p])))
        return ga_nomem(ctx);
    r->baseline_cph = best_cph;
    r->baseline_total = best;
    r->savings_pct = best > 0 ? 100.0 * (1.0 - r->total_cost / best) : 0.0;
    if (not_proven)
        ga_result_diag(r, "baseline: the time limit ended before the single-provider plan was "
                          "proven cheapest");
    return GPUARB_OK;
}

gpuarb_status gpuarb_optimize(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                              const gpuarb_catalog *catalog, const gpuarb_optimize_opts *opts,
                              gpuarb_result **out)
{
    if (!spec || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "gpuarb_optimize: NULL argument");
    *out = NULL;
    gpuarb_optimize_opts dflt;
    gpuarb_optimize_opts_init(&dflt);
    if (!opts)
        opts = &dflt;
    if (opts->size < offsetof(gpuarb_optimize_opts, reserved))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "gpuarb_optimize: opts.size is not set (use gpuarb_optimize_opts_init)");
    if (!(opts->mip_gap >= 0 && opts->mip_gap < 1))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "mip_gap must be in [0, 1)");
    if (!(opts->abs_gap >= 0 && isfinite(opts->abs_gap)))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "abs_gap must be >= 0 and finite");
    ga_tol tol = {opts->mip_gap, opts->abs_gap};
    gpuarb_catalog *owned = NULL;
    gpuarb_status st;
    if (!catalog) {
        if ((st = load_spec_catalog(ctx, spec, &owned)))
            return st;
        catalog = owned;
    }
    double t0 = ga_now_ms();
    double limit_s = opts->time_limit_s >= 0 ? opts->time_limit_s : spec->time_limit_s;
    double time_ms = limit_s * 1000.0;
    gpuarb_result *r = ga_calloc(1, sizeof *r);
    base b;
    memset(&b, 0, sizeof b);
    prob p;
    memset(&p, 0, sizeof p);
    sol sv;
    memset(&sv, 0, sizeof sv);
    if (!r) {
        st = ga_nomem(ctx);
        goto done;
    }
    r->objective = spec->objective;
    r->horizon_hours = spec->horizon_hours;
    r->offers_in = (int32_t)GA_MIN(catalog->n, (size_t)INT32_MAX);
    if ((st = base_build(ctx, spec, catalog, &b)))
        goto done;
    r->classes = (int32_t)b.n_cls;
    view v = {.only_prov = -1};
    if (opts->write_model) {
        /* the exact model of the spec: every column, every constraint */
        ga_mip *m = NULL;
        mipmap mm = {0};
        if ((st = prob_build(ctx, &b, &v, &p)))
            goto done;
        if ((st = mip_build(ctx, &p, 0, 0, &m, &mm)))
            goto done;
        st = ga_mip_write_lp(ctx, m, opts->write_model);
        ga_mip_free(m);
        free(mm.zcol);
        prob_free(&p);
        if (st)
            goto done;
    }
    if ((st = solve_exact(ctx, &b, &v, time_ms, &tol, &p, &sv)))
        goto done;
    r->columns = (int32_t)p.n_c;
    r->status = sv.status;
    r->method = sv.method;
    r->mip_cols = sv.mip_cols;
    r->mip_rows = sv.mip_rows;
    r->nodes = sv.nodes;
    if (sv.status == GPUARB_SOLVE_OPTIMAL || sv.status == GPUARB_SOLVE_FEASIBLE) {
        r->cost_per_hour = sv.e.cph;
        r->egress_cost = sv.e.egress;
        r->total_cost = sv.e.total;
        r->throughput = sv.e.tput;
        r->mip_gap = sv.gap;
        r->bound = sv.bound;
        if ((st = fill_rows(ctx, &p, &sv, r)))
            goto done;
        if (sv.status == GPUARB_SOLVE_FEASIBLE)
            ga_result_diag(r, "time limit: the plan is within %.3g%% of the proven bound %.10g",
                           100.0 * sv.gap, sv.bound);
        else if (sv.gap > 0)
            ga_result_diag(r, "optimal within the tolerance asked for: the plan is at most %.4g "
                              "above the proven bound %.10g (relative gap %.3g)",
                           spec->objective == GA_OBJ_MIN_COST ? sv.e.total - sv.bound
                                                              : sv.bound - sv.e.tput,
                           sv.bound, sv.gap);
    } else if (sv.status == GPUARB_SOLVE_INFEASIBLE) {
        if (!explain_workloads(&p, r))
            if ((st = explain_families(ctx, &b, &v, time_ms, &tol, r)))
                goto done;
    } else {
        r->bound = sv.bound;
        r->bound_known = sv.bound_known;
        if (!sv.bound_known)
            ga_result_diag(r, "time limit: no feasible plan was found in %.3g s", limit_s);
        else if (spec->objective == GA_OBJ_MIN_COST)
            ga_result_diag(r, "time limit: no feasible plan was found in %.3g s; no plan can "
                              "cost less than %.10g", limit_s, sv.bound);
        else
            ga_result_diag(r, "time limit: no feasible plan was found in %.3g s; no plan can "
                              "reach more throughput than %.10g", limit_s, sv.bound);
    }
    r->solve_ms = ga_now_ms() - t0;
    if (!opts->skip_baseline && (r->status == GPUARB_SOLVE_OPTIMAL || r->status == GPUARB_SOLVE_FEASIBLE)) {
        double left = time_ms > 0 ? GA_MAX(100.0, time_ms - r->solve_ms) : 0;
        if ((st = compute_baseline(ctx, &b, left, &tol, r)))
            goto done;
    }
done:
    sol_free(&sv);
    prob_free(&p);
    base_free(&b);
    gpuarb_catalog_free(owned);
    if (st) {
        gpuarb_result_free(r);
        return st;
    }
    *out = r;
    return GPUARB_OK;
}

/* ---- accessors ------------------------------------------------------------ */

gpuarb_status gpuarb_result_summary(const gpuarb_result *r, gpuarb_plan_summary *out)
{
    if (!r || !out || out->size < offsetof(gpuarb_plan_summary, reserved))
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
    out->savings_pct = r->has_baseline ? r->savings_pct : -1;
    out->baseline_provider = r->has_baseline ? r->baseline_provider : NULL;
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
