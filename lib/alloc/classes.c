/*
 * classes.c - step 1 of the allocation pipeline (see optimize.c): the offers
 * that pass the spec's provider and region globs, merged into classes of
 * identical offers (same provider, region, GPU, count, memory, prices and
 * interruption rate; instance names aside, and zones too unless a workload
 * has same_zone) with their capacities
 * added, plus the interned provider and region ids every later step uses
 * (interned with base/strmap; classes have their own open-addressing table).
 * Wraps no dependency.  Invariants: the spec and catalog are only read (the
 * base borrows their strings and must not outlive them); classes keep
 * catalog order (a class's representative is its first offer),
 * cls_by_reg lists them by region id (reg_c0 gives each region's range),
 * and classes of one shape (GPU model, count and memory: all that
 * ga_model_ok reads) share a shape id.  Linear in the offers but for the
 * sort by region.  Statuses: GPUARB_OK, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "base/strmap.h"
#include "catalog/catalog.h"

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Id of key in m (ids count up from 0 in insertion order), adding it when
 * new: borrowed, or an owned copy when copy is set (free_copies frees
 * those).  -1 on allocation failure. */
static int32_t intern(ga_strmap *m, const char *key, int copy)
{
    ga_strmap_entry *e = copy ? ga_strmap_get(m, key) : NULL;
    if (e)
        return (int32_t)e->num;
    const char *k = copy ? ga_strdup(key) : key;
    int added = k ? ga_strmap_add(m, k, &e) : -1;
    if (added < 0) {
        if (copy)
            free((char *)k);
        return -1;
    }
    if (added)
        e->num = (int64_t)m->n - 1;
    return (int32_t)e->num;
}

static void free_copies(ga_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free((char *)m->slot[i].key);
    ga_strmap_free(m);
}

void ga_base_free(base *b)
{
    free(b->cls);
    free(b->members);
    free(b->prov_name);
    free(b->reg_prov);
    free(b->reg_name);
    free(b->cls_by_reg);
    free(b->shape_rep);
    free(b->reg_c0);
    memset(b, 0, sizeof *b);
}

static uint64_t class_hash(const ga_offer *o, int32_t reg, int32_t zone)
{
    uint64_t h = 14695981039346656037ULL;
    h = hash_bytes(&reg, sizeof reg, h);
    h = hash_bytes(&zone, sizeof zone, h);
    h = hash_bytes(&o->gpu, sizeof o->gpu, h);
    h = hash_bytes(&o->gpu_count, sizeof o->gpu_count, h);
    h = hash_bytes(&o->gpu_memory_gb, sizeof(double), h);
    h = hash_bytes(&o->price, sizeof(double), h);
    h = hash_bytes(&o->spot, sizeof(double), h);
    h = hash_bytes(&o->rate, sizeof(double), h);
    return h;
}

static uint64_t shape_hash(const ga_offer *o)
{
    uint64_t h = 14695981039346656037ULL;
    h = hash_bytes(&o->gpu, sizeof o->gpu, h);
    h = hash_bytes(&o->gpu_count, sizeof o->gpu_count, h);
    h = hash_bytes(&o->gpu_memory_gb, sizeof(double), h);
    return h;
}

static int shape_same(const ga_offer *a, const ga_offer *b)
{
    return a->gpu == b->gpu && a->gpu_count == b->gpu_count && a->gpu_memory_gb == b->gpu_memory_gb;
}

static int class_same(const ga_offer *a, const ga_offer *b)
{
    return a->gpu == b->gpu && a->gpu_count == b->gpu_count &&
           a->gpu_memory_gb == b->gpu_memory_gb && a->price == b->price && a->spot == b->spot &&
           a->rate == b->rate;
}

int ga_cmp_kpair(const void *a, const void *b)
{
    const kpair *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->idx > y->idx) - (x->idx < y->idx);
}

gpuarb_status ga_base_build(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                            const gpuarb_catalog *cat, const ga_limits *lim, base *b)
{
    memset(b, 0, sizeof *b);
    b->spec = spec;
    if (lim)
        b->lim = *lim;
    b->cat = cat;
    ga_strmap provs = GA_STRMAP_INIT, regs = GA_STRMAP_INIT, zones = GA_STRMAP_INIT;
    for (size_t wi = 0; wi < spec->n_w; wi++)
        b->split_zones |= spec->w[wi].same_zone != 0;
    int32_t *off_cls = NULL;
    int32_t *cls_slot = NULL;
    size_t slot_cap = 16;
    gpuarb_status st = GPUARB_OK;
    size_t n = cat->n;
    while (slot_cap < 2 * n + 2)
        slot_cap *= 2;
    off_cls = ga_mallocarray((n ? n : 1), sizeof(int32_t));
    cls_slot = ga_mallocarray(slot_cap, sizeof(int32_t));
    b->cls = ga_mallocarray((n ? n : 1), sizeof(oclass));
    b->reg_prov = ga_mallocarray((n ? n : 1), sizeof(int32_t));
    b->reg_name = ga_mallocarray((n ? n : 1), sizeof(char *));
    b->prov_name = ga_mallocarray((n ? n : 1), sizeof(char *));
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
        int32_t p = intern(&provs, o->provider, 0);
        if (p < 0)
            goto nomem_sb;
        if (p == b->n_prov) { /* ids count up in first-seen order: a new one */
            b->prov_name[p] = o->provider;
            b->n_prov++;
        }
        key.len = 0;
        ga_sb_puts(&key, o->provider);
        ga_sb_putc(&key, '\x1f');
        ga_sb_puts(&key, o->region);
        if (key.oom)
            goto nomem_sb;
        int32_t r = intern(&regs, key.s, 1);
        if (r < 0)
            goto nomem_sb;
        if (r == b->n_reg) {
            b->reg_prov[r] = p;
            b->reg_name[r] = o->region;
            b->n_reg++;
        }
        /* same_zone: an offer's zone is part of its class (a region-wide
         * offer, zone "", is the region's one unnamed zone) */
        int32_t z = 0;
        if (b->split_zones) {
            ga_sb_putc(&key, '\x1f');
            ga_sb_puts(&key, o->zone ? o->zone : "");
            if (key.oom)
                goto nomem_sb;
            if ((z = intern(&zones, key.s, 1)) < 0)
                goto nomem_sb;
            b->n_zone = GA_MAX(b->n_zone, z + 1);
        }
        size_t h = class_hash(o, r, z) & (slot_cap - 1);
        int32_t k = -1;
        while (cls_slot[h] >= 0) {
            oclass *c = &b->cls[cls_slot[h]];
            if (c->reg == r && c->zone == z && class_same(&cat->v[c->rep], o)) {
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
            c->zone = z;
            c->cap = 0;
        }
        oclass *c = &b->cls[k];
        c->n_members++;
        if (c->cap >= 0)
            c->cap = o->capacity < 0 ? GA_UNLIMITED : c->cap + o->capacity;
        off_cls[i] = k;
    }
    ga_sb_free(&key);
    /* members grouped by class, in catalog order within a class */
    b->members = ga_mallocarray((n ? n : 1), sizeof(int32_t));
    b->cls_by_reg = ga_mallocarray((b->n_cls ? b->n_cls : 1), sizeof(int32_t));
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
        /* shapes: what a workload's GPU filter sees, few even at 100k
         * offers, so columns test each shape once per workload */
        b->shape_rep = ga_mallocarray((b->n_cls ? b->n_cls : 1), sizeof(int32_t));
        if (!b->shape_rep)
            goto nomem;
        for (size_t i = 0; i < slot_cap; i++)
            cls_slot[i] = -1;
        for (size_t k = 0; k < b->n_cls; k++) {
            const ga_offer *o = &cat->v[b->cls[k].rep];
            size_t h = shape_hash(o) & (slot_cap - 1);
            while (cls_slot[h] >= 0 && !shape_same(&cat->v[b->shape_rep[cls_slot[h]]], o))
                h = (h + 1) & (slot_cap - 1);
            if (cls_slot[h] < 0) {
                cls_slot[h] = b->n_shape;
                b->shape_rep[b->n_shape++] = b->cls[k].rep;
            }
            b->cls[k].shape = cls_slot[h];
        }
        kpair *kp = ga_mallocarray((b->n_cls ? b->n_cls : 1), sizeof(kpair));
        if (!kp)
            goto nomem;
        for (size_t k = 0; k < b->n_cls; k++) {
            kp[k].key = (int64_t)b->cls[k].reg * ((int64_t)b->n_zone + 1) + b->cls[k].zone;
            kp[k].idx = (int32_t)k;
        }
        qsort(kp, b->n_cls, sizeof *kp, ga_cmp_kpair);
        for (size_t k = 0; k < b->n_cls; k++)
            b->cls_by_reg[k] = kp[k].idx;
        free(kp);
        b->reg_c0 = ga_calloc((size_t)b->n_reg + 1, sizeof(int32_t));
        if (!b->reg_c0)
            goto nomem;
        for (size_t k = 0; k < b->n_cls; k++)
            b->reg_c0[b->cls[k].reg + 1]++;
        for (int32_t r = 0; r < b->n_reg; r++)
            b->reg_c0[r + 1] += b->reg_c0[r];
    }
    goto out;
nomem_sb:
    ga_sb_free(&key);
nomem:
    st = ga_nomem(ctx);
    ga_base_free(b);
out:
    ga_strmap_free(&provs);
    free_copies(&regs);
    free_copies(&zones);
    free(off_cls);
    free(cls_slot);
    return st;
}
