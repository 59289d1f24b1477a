/*
 * pack_problem.c - the packing problem handle (SPEC section 4): creation
 * and release, the public add_node_type/add_item calls with their argument
 * checks, the internal add_type/add_group that the loaders (pack_bpp.c,
 * pack_spec.c) share with them, the item and type counts, and the option
 * defaults of gpuarb_pack_opts_init.  No dependency.
 *
 * Invariants: node type names are unique within a problem (type_names, a
 * base/strmap set, finds a repeat in O(1)); groups are kept
 * in item order, each with the index of its first item, and n_items is
 * their total (at most GA_PACK_MAX_ITEMS); capacities are -1 (unlimited)
 * or 0..1e15, sizes 0..1e15, costs -1 (not given) or 0..1e15.  A BPP
 * problem (pack_bpp.c) keeps its weights flat and refuses add_node_type
 * and add_item.  Returns GPUARB_ERR_ARG for API misuse, GPUARB_ERR_INPUT
 * for invalid values, GPUARB_ERR_LIMIT past the bounds in pack.h,
 * GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

const char *const ga_pack_dim_names[GA_PACK_DIMS] = {"gpus", "cpus", "memory_gb", "size"};

/* ======================================================================
 * Problems
 * ====================================================================== */
gpuarb_status ga_pack_problem_new(gpuarb_ctx *ctx, int32_t kind, const char *source,
                                  gpuarb_pack_problem **out)
{
    gpuarb_pack_problem *p = ga_calloc(1, sizeof *p);
    if (!p)
        return ga_nomem(ctx);
    p->kind = kind;
    p->objective = -1;
    p->algorithm = -1;
    p->time_limit_ms = -1;
    p->memory_limit_mib = -1;
    if (source && !(p->source = ga_strdup(source))) {
        free(p);
        return ga_nomem(ctx);
    }
    *out = p;
    return GPUARB_OK;
}

gpuarb_status gpuarb_pack_problem_create(gpuarb_ctx *ctx, gpuarb_pack_problem **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    return ga_pack_problem_new(ctx, GA_PACK_KIND_SPEC, NULL, out);
}

void gpuarb_pack_problem_free(gpuarb_pack_problem *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_types; i++)
        free(p->types[i].name);
    for (size_t i = 0; i < p->n_groups; i++)
        free(p->groups[i].name);
    free(p->types);
    ga_strset_free(&p->type_names);
    free(p->groups);
    free(p->bpp_w);
    free(p->source);
    free(p);
}

static int finite_nonneg(double v)
{
    return isfinite(v) && v >= 0 && v <= GA_PACK_MAX_VALUE;
}

gpuarb_status ga_pack_add_type(gpuarb_ctx *ctx, gpuarb_pack_problem *p, const char *name,
                               const double *cap, double cost, int64_t count)
{
    if (p->n_types >= GA_PACK_MAX_TYPES)
        return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL, "more than %d node types",
                        GA_PACK_MAX_TYPES);
    char buf[32];
    if (!name) {
        snprintf(buf, sizeof buf, "type%zu", p->n_types);
        name = buf;
    }
    if (ga_strmap_get(&p->type_names, name))
        return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL,
                        "duplicate node type name '%.100s'", name);
    if (ga_grow((void **)&p->types, &p->cap_types, p->n_types + 1, sizeof *p->types) != 0)
        return ga_nomem(ctx);
    ga_pack_type *t = &p->types[p->n_types];
    memset(t, 0, sizeof *t);
    if (!(t->name = ga_strdup(name)))
        return ga_nomem(ctx);
    if (ga_strset_add(&p->type_names, t->name, NULL) < 0) {
        free(t->name);
        t->name = NULL;
        return ga_nomem(ctx);
    }
    memcpy(t->cap, cap, sizeof t->cap);
    t->cost = cost;
    t->count = count;
    p->n_types++;
    return GPUARB_OK;
}

gpuarb_status ga_pack_add_group(gpuarb_ctx *ctx, gpuarb_pack_problem *p, const char *name,
                                const double *size, int64_t count)
{
    if (count > GA_PACK_MAX_ITEMS - p->n_items)
        return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL, "more than %lld items",
                        (long long)GA_PACK_MAX_ITEMS);
    if (ga_grow((void **)&p->groups, &p->cap_groups, p->n_groups + 1, sizeof *p->groups) != 0)
        return ga_nomem(ctx);
    ga_pack_group *g = &p->groups[p->n_groups];
    memset(g, 0, sizeof *g);
    if (name && !(g->name = ga_strdup(name)))
        return ga_nomem(ctx);
    memcpy(g->size, size, sizeof g->size);
    g->count = count;
    g->first = p->n_items;
    p->n_groups++;
    p->n_items += count;
    return GPUARB_OK;
}

/* The builders' check of prob: not NULL, and not a BPP instance (bpp says
 * why). */
static gpuarb_status spec_problem(gpuarb_ctx *ctx, const gpuarb_pack_problem *prob,
                                  const char *bpp)
{
    if (!prob)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "problem is NULL");
    if (prob->kind != GA_PACK_KIND_SPEC)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "%s", bpp);
    return GPUARB_OK;
}

gpuarb_status gpuarb_pack_add_node_type(gpuarb_ctx *ctx, gpuarb_pack_problem *prob,
                                        const char *name, double gpus, double cpus,
                                        double memory_gb, double cost_hour, int64_t count,
                                        int32_t *index)
{
    gpuarb_status st = spec_problem(ctx, prob, "a BPP instance has its one bin type already");
    if (st)
        return st;
    double cap[GA_PACK_DIMS] = {gpus, cpus, memory_gb, -1};
    int positive = 0;
    for (int d = 0; d < 3; d++) {
        if (isnan(cap[d]) || cap[d] > GA_PACK_MAX_VALUE)
            return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, ga_pack_dim_names[d],
                            "capacity must be a number up to 1e15 (negative: unlimited)");
        if (cap[d] < 0)
            cap[d] = GA_UNLIMITED;
        if (cap[d] != 0)
            positive = 1;
    }
    if (!positive)
        return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL,
                        "a node type needs room in at least one of gpus, cpus, memory_gb");
    if (isnan(cost_hour) || cost_hour > GA_PACK_MAX_VALUE)
        return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, "cost_hour",
                        "must be a number up to 1e15 (negative: not given)");
    st = ga_pack_add_type(ctx, prob, name, cap, cost_hour < 0 ? -1 : cost_hour,
                          count < 0 ? GA_UNLIMITED : count);
    if (st == GPUARB_OK && index)
        *index = (int32_t)(prob->n_types - 1);
    return st;
}

gpuarb_status gpuarb_pack_add_item(gpuarb_ctx *ctx, gpuarb_pack_problem *prob, const char *name,
                                   double gpus, double cpus, double memory_gb, int64_t count,
                                   int64_t *first)
{
    gpuarb_status st = spec_problem(ctx, prob, "items of a BPP instance come from its file");
    if (st)
        return st;
    double size[GA_PACK_DIMS] = {gpus, cpus, memory_gb, 0};
    for (int d = 0; d < 3; d++)
        if (!finite_nonneg(size[d]))
            return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, ga_pack_dim_names[d],
                            "size must be a number from 0 to 1e15");
    if (count < 1)
        return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, "count", "must be at least 1");
    int64_t at = prob->n_items;
    st = ga_pack_add_group(ctx, prob, name, size, count);
    if (st == GPUARB_OK && first)
        *first = at;
    return st;
}

gpuarb_status gpuarb_pack_set_item_priority(gpuarb_ctx *ctx, gpuarb_pack_problem *prob,
                                            int64_t first, int32_t priority)
{
    gpuarb_status st = spec_problem(ctx, prob, "items of a BPP instance have no priority");
    if (st)
        return st;
    /* groups are in item order: binary search for the one starting at first */
    size_t lo = 0, hi = prob->n_groups;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (prob->groups[mid].first < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= prob->n_groups || prob->groups[lo].first != first)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "no gpuarb_pack_add_item call returned first = %lld", (long long)first);
    prob->groups[lo].priority = priority;
    return GPUARB_OK;
}

int64_t gpuarb_pack_problem_item_count(const gpuarb_pack_problem *prob)
{
    if (!prob)
        return 0;
    return prob->kind == GA_PACK_KIND_BPP ? (int64_t)prob->bpp_n : prob->n_items;
}

int32_t gpuarb_pack_problem_type_count(const gpuarb_pack_problem *prob)
{
    if (!prob)
        return 0;
    return prob->kind == GA_PACK_KIND_BPP ? 1 : (int32_t)prob->n_types;
}

void gpuarb_pack_opts_init(gpuarb_pack_opts *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->size = sizeof *opts;
    opts->algorithm = -1;
    opts->objective = -1;
    opts->time_limit_ms = -1;
    opts->seed = 0;
    opts->memory_limit_mib = -1;
}
