/*
 * pack_solve.c - gpuarb_pack_solve: settles options (call, then spec, then
 * defaults), turns sizes into integers per dimension (scaled by a power of
 * ten that makes every value whole, at most 10^6; values with more
 * decimals are rounded up for items and down for capacities, so a packing
 * that fits in integers fits in the real values), sets aside the items
 * that fit no node type with the reason, routes the rest and builds the
 * result handle.  Problems with one active dimension and one usable node
 * type (or several, under min_nodes and no count limits) go to the
 * one-dimensional pipeline (pack_1d.c); the rest to the multi-dimensional
 * solver (pack_vec.c).  No dependency.
 *
 * Invariants of a result: every item is either on exactly one node or in
 * the unplaced list; every node's load fits its type in every dimension;
 * nodes are numbered in a canonical order, so equal problems and options
 * give equal results.  The time limit and the memory budget are settled
 * first (pack_limits.c), and after that nothing does more than linear
 * work per item before a phase that watches the deadline.  Returns
 * GPUARB_ERR_ARG for API misuse (NULL arguments, a short opts.size,
 * unknown algorithm or objective, a NaN or negative limit),
 * GPUARB_ERR_LIMIT for a problem past the memory budget, GPUARB_ERR_INPUT
 * for items without node types, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

#define CAP_INF ((int64_t)1 << 62)
#define INT_CAP_MAX ((int64_t)2147483647)

/* Working data of one solve. */
typedef struct job {
    gpuarb_ctx *ctx;
    const gpuarb_pack_problem *p;
    size_t n;                      /* items */
    size_t nt;                     /* node types */
    int64_t (*isz)[GA_PACK_DIMS];  /* integer sizes */
    int64_t (*icap)[GA_PACK_DIMS]; /* integer capacities, CAP_INF = unlimited */
    double scale[GA_PACK_DIMS];
    int32_t *node_of;              /* per item: node, -1 unplaced */
    int32_t *node_type;            /* per node */
    int64_t nodes;
    char **reason;                 /* per item, for unplaced ones */
    size_t big[GA_PACK_DIMS];      /* per dimension, the first type with the
                                      most room in it */
} job;

static double item_size(const gpuarb_pack_problem *p, size_t j, int d, size_t *gcur)
{
    if (p->kind == GA_PACK_KIND_BPP)
        return d == GA_DIM_SIZE ? (double)p->bpp_w[j] : 0.0;
    while (*gcur + 1 < p->n_groups && p->groups[*gcur + 1].first <= (int64_t)j)
        (*gcur)++;
    return p->groups[*gcur].size[d];
}

/* Choose a scale per dimension and convert sizes and capacities. */
static gpuarb_status scale_all(job *J)
{
    const gpuarb_pack_problem *p = J->p;
    for (int d = 0; d < GA_PACK_DIMS; d++) {
        double maxcap = 0;
        for (size_t t = 0; t < J->nt; t++) {
            double c = p->kind == GA_PACK_KIND_BPP ? (d == GA_DIM_SIZE ? (double)p->bpp_cap : -1)
                                                   : p->types[t].cap[d];
            if (c > maxcap)
                maxcap = c;
        }
        double sc = 1;
        if (p->kind != GA_PACK_KIND_BPP) {
            /* smallest power of ten that makes every value whole */
            int found = 0;
            for (sc = 1; sc <= 1e6 && !found; sc *= 10) {
                int ok = 1;
                for (size_t t = 0; t < J->nt && ok; t++) {
                    double v = p->types[t].cap[d] * sc;
                    if (p->types[t].cap[d] >= 0 && fabs(v - nearbyint(v)) > 1e-9 * fmax(1, v))
                        ok = 0;
                }
                for (size_t g = 0; g < p->n_groups && ok; g++) {
                    double v = p->groups[g].size[d] * sc;
                    if (fabs(v - nearbyint(v)) > 1e-9 * fmax(1, v))
                        ok = 0;
                }
                if (ok) {
                    found = 1;
                    break;
                }
            }
            if (!found)
                sc = 1e6;
            while (sc > 1 && maxcap * sc > (double)INT_CAP_MAX)
                sc /= 10;
            if (maxcap * sc > (double)INT_CAP_MAX)
                sc = (double)INT_CAP_MAX / maxcap;
        }
        J->scale[d] = sc;
        for (size_t t = 0; t < J->nt; t++) {
            double c = p->kind == GA_PACK_KIND_BPP ? (d == GA_DIM_SIZE ? (double)p->bpp_cap : -1)
                                                   : p->types[t].cap[d];
            J->icap[t][d] = c < 0 ? CAP_INF : (int64_t)floor(c * sc + 1e-9 * fmax(1, c * sc));
        }
        size_t gc = 0;
        for (size_t j = 0; j < J->n; j++) {
            double v = item_size(p, j, d, &gc) * sc;
            double r = ceil(v - 1e-9 * fmax(1, v));
            /* anything past every capacity is unplaceable; clamp to keep
             * sums in range */
            if (r > (double)INT_CAP_MAX + 1)
                r = (double)INT_CAP_MAX + 1;
            J->isz[j][d] = (int64_t)r;
        }
    }
    return GPUARB_OK;
}

static int fits_type(const int64_t *s, const int64_t *cap)
{
    for (int d = 0; d < GA_PACK_DIMS; d++)
        if (s[d] > cap[d])
            return 0;
    return 1;
}

/* Why item j fits no node type. */
static char *unfit_reason(const job *J, size_t j, size_t *gcur)
{
    const gpuarb_pack_problem *p = J->p;
    ga_strbuf b;
    ga_sb_init(&b);
    for (int d = 0; d < GA_PACK_DIMS; d++) {
        size_t bt = J->big[d];
        if (J->isz[j][d] > J->icap[bt][d]) {
            char a[48], c[48];
            ga_fmt_short(a, item_size(p, j, d, gcur));
            ga_fmt_short(c, p->kind == GA_PACK_KIND_BPP ? (double)p->bpp_cap : p->types[bt].cap[d]);
            ga_sb_printf(&b, "fits no node type: needs %s %s, the largest node type has %s",
                         a, ga_pack_dim_names[d], c);
            return ga_sb_take(&b);
        }
    }
    ga_sb_puts(&b, "fits no node type: no single type has room for all of its gpus, cpus and "
                   "memory_gb");
    return ga_sb_take(&b);
}

/* Build the result from J (node_of, node_type). */
static gpuarb_status build_result(job *J, int32_t objective, int32_t algorithm, int64_t lb,
                                  double cost_lb, int optimal, int clock, double t0,
                                  gpuarb_pack_result **out)
{
    const gpuarb_pack_problem *p = J->p;
    gpuarb_pack_result *r = ga_calloc(1, sizeof *r);
    if (!r)
        return ga_nomem(J->ctx);
    r->kind = p->kind;
    r->objective = objective;
    r->algorithm = algorithm;
    r->n_items = (int64_t)J->n;
    r->nodes = J->nodes;
    r->lower_bound = lb;
    r->cost_lb = cost_lb;
    r->clock_limited = clock;
    size_t ntn = p->kind == GA_PACK_KIND_BPP ? 1 : p->n_types;
    r->type_names = ga_calloc(ntn, sizeof *r->type_names);
    r->node_type = ga_mallocarray((size_t)J->nodes + 1, sizeof *r->node_type);
    r->node_start = ga_calloc((size_t)J->nodes + 2, sizeof *r->node_start);
    r->node_used = ga_calloc((size_t)J->nodes + 1, sizeof *r->node_used);
    r->item_node = ga_mallocarray(J->n + 1, sizeof *r->item_node);
    r->node_items = ga_mallocarray(J->n + 1, sizeof *r->node_items);
    if (!r->type_names || !r->node_type || !r->node_start || !r->node_used || !r->item_node ||
        !r->node_items)
        goto oom;
    r->n_types = ntn;
    for (size_t t = 0; t < ntn; t++)
        if (!(r->type_names[t] = ga_strdup(p->kind == GA_PACK_KIND_BPP ? "bin"
                                                                       : p->types[t].name)))
            goto oom;
    if (p->kind != GA_PACK_KIND_BPP && p->n_groups) {
        r->groups = ga_calloc(p->n_groups, sizeof *r->groups);
        if (!r->groups)
            goto oom;
        r->n_groups = p->n_groups;
        for (size_t g = 0; g < p->n_groups; g++) {
            r->groups[g].first = p->groups[g].first;
            r->groups[g].count = p->groups[g].count;
            if (p->groups[g].name && !(r->groups[g].name = ga_strdup(p->groups[g].name)))
                goto oom;
        }
    }
    /* counting sort of items by node (ascending item index within a node) */
    for (size_t j = 0; j < J->n; j++) {
        r->item_node[j] = J->node_of[j];
        if (J->node_of[j] >= 0)
            r->node_start[J->node_of[j] + 1]++;
        else
            r->n_unplaced++;
    }
    for (int64_t k = 0; k < J->nodes; k++)
        r->node_start[k + 1] += r->node_start[k];
    {
        int64_t *fill = ga_mallocarray((size_t)J->nodes + 1, sizeof *fill);
        if (!fill)
            goto oom;
        memcpy(fill, r->node_start, (size_t)J->nodes * sizeof *fill);
        size_t gc = 0;
        for (size_t j = 0; j < J->n; j++) {
            int32_t k = J->node_of[j];
            if (k < 0)
                continue;
            r->node_items[fill[k]++] = (int32_t)j;
            if (p->kind == GA_PACK_KIND_BPP) {
                r->node_used[k][GA_DIM_SIZE] += (double)p->bpp_w[j];
                continue;
            }
            for (int d = 0; d < GA_PACK_DIMS; d++)
                r->node_used[k][d] += item_size(p, j, d, &gc);
        }
        free(fill);
    }
    for (int64_t k = 0; k < J->nodes; k++) {
        r->node_type[k] = J->node_type[k];
        double c = p->kind == GA_PACK_KIND_BPP ? -1 : p->types[J->node_type[k]].cost;
        if (c >= 0) {
            r->cost += c;
            r->has_cost = 1;
        }
    }
    if (r->n_unplaced) {
        r->unplaced = ga_mallocarray((size_t)r->n_unplaced, sizeof *r->unplaced);
        r->reasons = ga_calloc((size_t)r->n_unplaced, sizeof *r->reasons);
        if (!r->unplaced || !r->reasons)
            goto oom;
        int64_t u = 0;
        for (size_t j = 0; j < J->n; j++)
            if (J->node_of[j] < 0) {
                r->unplaced[u] = (int64_t)j;
                r->reasons[u] = J->reason[j];
                J->reason[j] = NULL;
                if (!r->reasons[u] && !(r->reasons[u] = ga_strdup(
                                            "no node left: the node types' count limits are used up")))
                    goto oom;
                u++;
            }
    }
    if (objective == GPUARB_PACK_MIN_COST && r->has_cost)
        optimal = optimal || (cost_lb >= 0 && r->cost <= cost_lb + 1e-9 * fmax(1, cost_lb));
    r->status = optimal ? GPUARB_SOLVE_OPTIMAL : GPUARB_SOLVE_FEASIBLE;
    r->solve_ms = ga_now_ms() - t0;
    *out = r;
    return GPUARB_OK;
oom:
    gpuarb_pack_result_free(r);
    return ga_nomem(J->ctx);
}

static void job_free(job *J)
{
    free(J->isz);
    free(J->icap);
    free(J->node_of);
    free(J->node_type);
    if (J->reason)
        for (size_t j = 0; j < J->n; j++)
            free(J->reason[j]);
    free(J->reason);
}

/* Cheapest type (cost not given counts 0; ties: lower index) among those
 * whose capacity holds load in every dimension and that have a node left;
 * -1 if none. */
static int32_t cheapest_fitting(const job *J, const int64_t *load, const int64_t *left)
{
    int32_t best = -1;
    for (size_t t = 0; t < J->nt; t++) {
        if (left && left[t] == 0)
            continue;
        if (!fits_type(load, J->icap[t]))
            continue;
        double c = J->p->kind == GA_PACK_KIND_BPP ? 0 : fmax(0, J->p->types[t].cost);
        double cb = best < 0 ? 0
                    : J->p->kind == GA_PACK_KIND_BPP ? 0
                                                     : fmax(0, J->p->types[best].cost);
        if (best < 0 || c < cb)
            best = (int32_t)t;
    }
    return best;
}

/* The one-dimensional route.  dim is the active dimension (or -1: every
 * placeable item is empty); T the node type whose capacity is used. */
static gpuarb_status solve_1d(job *J, const unsigned char *ok, int dim, int32_t T,
                              int32_t algorithm, const ga_pack_limits *lim, uint64_t seed,
                              int64_t *lb, int *optimal, int *clock)
{
    size_t n = J->n, m = 0;
    *lb = 0;
    *optimal = 1;
    *clock = 0;
    int64_t C = dim >= 0 ? J->icap[T][dim] : CAP_INF;
    if (C >= CAP_INF) {
        /* nothing limits the active dimension: one node holds all */
        int any = 0;
        for (size_t j = 0; j < n; j++)
            if (ok[j]) {
                J->node_of[j] = 0;
                any = 1;
            }
        if (any) {
            J->nodes = 1;
            J->node_type[0] = T;
            *lb = 1;
        }
        return GPUARB_OK;
    }
    int64_t *w = ga_mallocarray(n + 1, sizeof *w);
    size_t *map = ga_mallocarray(n + 1, sizeof *map);
    int32_t *bin = ga_mallocarray(n + 1, sizeof *bin);
    if (!w || !map || !bin) {
        free(w);
        free(map);
        free(bin);
        return ga_nomem(J->ctx);
    }
    size_t zeros = 0;
    for (size_t j = 0; j < n; j++) {
        if (!ok[j])
            continue;
        if (J->isz[j][dim] == 0) {
            zeros++;
            continue;
        }
        w[m] = J->isz[j][dim];
        map[m] = j;
        m++;
    }
    ga_bpp_report rep;
    gpuarb_status st =
        ga_bpp_solve(J->ctx, w, m, C, algorithm, lim, seed, bin, &rep);
    if (st == GPUARB_OK) {
        for (size_t k = 0; k < m; k++)
            J->node_of[map[k]] = bin[k];
        J->nodes = rep.nbins;
        if (zeros) {
            if (J->nodes == 0)
                J->nodes = 1;
            for (size_t j = 0; j < n; j++)
                if (ok[j] && J->isz[j][dim] == 0)
                    J->node_of[j] = 0;
        }
        for (int64_t k = 0; k < J->nodes; k++)
            J->node_type[k] = T;
        *lb = rep.lower_bound > 0 ? rep.lower_bound : (J->nodes > 0);
        *optimal = rep.optimal || J->nodes <= *lb;
        *clock = rep.by_clock;
    }
    free(w);
    free(map);
    free(bin);
    return st;
}

/* A BPP instance: one bin type, one dimension, weights already whole and
 * checked against the capacity by the reader; no copies beyond the
 * pipeline's own. */
static gpuarb_status solve_bpp(gpuarb_ctx *ctx, const gpuarb_pack_problem *p, int32_t algorithm,
                               const ga_pack_limits *lim, uint64_t seed, double t0,
                               gpuarb_pack_result **out)
{
    job J;
    memset(&J, 0, sizeof J);
    J.ctx = ctx;
    J.p = p;
    J.n = p->bpp_n;
    J.nt = 1;
    size_t n = J.n, zeros = 0;
    for (size_t j = 0; j < n; j++)
        zeros += p->bpp_w[j] == 0;
    J.node_of = ga_mallocarray(n + 1, sizeof *J.node_of);
    int64_t *w = zeros ? ga_mallocarray(n + 1, sizeof *w) : NULL;
    size_t *map = zeros ? ga_mallocarray(n + 1, sizeof *map) : NULL;
    int32_t *bin = zeros ? ga_mallocarray(n + 1, sizeof *bin) : J.node_of;
    gpuarb_status st = GPUARB_OK;
    ga_bpp_report rep;
    memset(&rep, 0, sizeof rep);
    if (!J.node_of || (zeros && (!w || !map || !bin))) {
        st = ga_nomem(ctx);
        goto done;
    }
    size_t m = n;
    if (zeros) {
        m = 0;
        for (size_t j = 0; j < n; j++)
            if (p->bpp_w[j] > 0) {
                w[m] = p->bpp_w[j];
                map[m++] = j;
            }
    }
    st = ga_bpp_solve(ctx, zeros ? w : p->bpp_w, m, p->bpp_cap, algorithm, lim, seed, bin,
                      &rep);
    if (st)
        goto done;
    J.nodes = rep.nbins;
    if (zeros) {
        for (size_t j = 0; j < n; j++)
            J.node_of[j] = 0;
        for (size_t k = 0; k < m; k++)
            J.node_of[map[k]] = bin[k];
        if (J.nodes == 0 && n > 0)
            J.nodes = 1;
    }
    J.node_type = ga_calloc((size_t)J.nodes + 1, sizeof *J.node_type);
    if (!J.node_type) {
        st = ga_nomem(ctx);
        goto done;
    }
    int64_t lb = rep.lower_bound > 0 ? rep.lower_bound : (J.nodes > 0);
    st = build_result(&J, GPUARB_PACK_MIN_NODES, algorithm, lb, -1,
                      rep.optimal || J.nodes <= lb, rep.by_clock, t0, out);
done:
    if (zeros) {
        free(w);
        free(map);
        free(bin);
    }
    job_free(&J);
    return st;
}

gpuarb_status gpuarb_pack_solve(gpuarb_ctx *ctx, const gpuarb_pack_problem *p,
                                const gpuarb_pack_opts *opts, gpuarb_pack_result **out)
{
    if (!p || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "problem or out is NULL");
    *out = NULL;
    if (opts && opts->size < sizeof *opts)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "opts.size is smaller than this library's gpuarb_pack_opts");
    double t0 = ga_now_ms();
    int32_t algorithm = opts && opts->algorithm >= 0 ? opts->algorithm
                        : p->algorithm >= 0          ? p->algorithm
                                                     : GPUARB_PACK_AUTO;
    int32_t objective = opts && opts->objective >= 0 ? opts->objective
                        : p->objective >= 0          ? p->objective
                                                     : GPUARB_PACK_MIN_NODES;
    uint64_t seed = opts ? opts->seed : 0;
    if (algorithm > GPUARB_PACK_EXACT)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "unknown algorithm %d",
                        (int)algorithm);
    if (objective > GPUARB_PACK_MIN_COST)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "unknown objective %d",
                        (int)objective);
    ga_pack_limits lim;
    gpuarb_status st = ga_pack_settle_limits(ctx, p, opts, t0, &lim);
    if (st)
        return st;
    if (p->kind == GA_PACK_KIND_BPP)
        return solve_bpp(ctx, p, algorithm, &lim, seed, t0, out);

    job J;
    memset(&J, 0, sizeof J);
    J.ctx = ctx;
    J.p = p;
    J.n = (size_t)gpuarb_pack_problem_item_count(p);
    J.nt = (size_t)gpuarb_pack_problem_type_count(p);
    if (J.nt == 0 && J.n > 0)
        return ga_error(ctx, GPUARB_ERR_INPUT, p->source, 0, 0, "nodes",
                        "there are items but no node types");
    J.isz = ga_mallocarray(J.n + 1, sizeof *J.isz);
    J.icap = ga_mallocarray(J.nt + 1, sizeof *J.icap);
    J.node_of = ga_mallocarray(J.n + 1, sizeof *J.node_of);
    J.node_type = ga_mallocarray(J.n + 1, sizeof *J.node_type);
    J.reason = ga_calloc(J.n + 1, sizeof *J.reason);
    unsigned char *ok = ga_calloc(J.n + 1, 1);
    int64_t *left = ga_mallocarray(J.nt + 1, sizeof *left);
    if (!J.isz || !J.icap || !J.node_of || !J.node_type || !J.reason || !ok || !left) {
        st = ga_nomem(ctx);
        goto done;
    }
    scale_all(&J);
    for (int d = 0; d < GA_PACK_DIMS; d++)
        for (size_t t = 1; t < J.nt; t++)
            if (J.icap[t][d] > J.icap[J.big[d]][d])
                J.big[d] = t;
    for (size_t t = 0; t < J.nt; t++)
        left[t] = p->kind == GA_PACK_KIND_BPP ? GA_UNLIMITED : p->types[t].count;

    /* items that fit no node type; an item the same size as the one
     * before it (a spec's count, or repeated calls) reuses its verdict, so
     * the scan over the node types runs once per distinct run of sizes */
    size_t n_ok = 0;
    int active[GA_PACK_DIMS] = {0, 0, 0, 0};
    int fits = 0, any_type = 0, same = 0;
    size_t gcur = 0;
    for (size_t j = 0; j < J.n; j++) {
        J.node_of[j] = -1;
        same = j > 0 && memcmp(J.isz[j], J.isz[j - 1], sizeof J.isz[j]) == 0;
        if (!same) {
            fits = any_type = 0;
            for (size_t t = 0; t < J.nt && !fits; t++)
                fits = left[t] != 0 && fits_type(J.isz[j], J.icap[t]);
            for (size_t t = 0; t < J.nt && !fits && !any_type; t++)
                any_type = fits_type(J.isz[j], J.icap[t]);
        }
        if (!fits) {
            J.reason[j] = same       ? ga_strdup(J.reason[j - 1])
                          : any_type ? ga_strdup("no node left: every node type that fits it "
                                                 "has count 0")
                                     : unfit_reason(&J, j, &gcur);
            if (!J.reason[j]) {
                st = ga_nomem(ctx);
                goto done;
            }
            continue;
        }
        ok[j] = 1;
        n_ok++;
        for (int d = 0; d < GA_PACK_DIMS; d++)
            if (J.isz[j][d] > 0)
                active[d] = 1;
    }
    int n_active = 0, dim = -1;
    for (int d = 0; d < GA_PACK_DIMS; d++)
        if (active[d]) {
            n_active++;
            dim = d;
        }
    /* node types usable at all, and whether counts can bind */
    size_t usable = 0;
    int limited = 0;
    for (size_t t = 0; t < J.nt; t++) {
        if (left[t] == 0)
            continue;
        usable++;
        if (left[t] > 0 && (size_t)left[t] < n_ok)
            limited = 1;
    }
    int64_t lb = 0;
    double cost_lb = -1;
    int optimal = 1, clock = 0;
    J.nodes = 0;
    if (n_ok == 0) {
        /* nothing to place */
    } else if (n_active <= 1 && !limited &&
               (usable == 1 || objective == GPUARB_PACK_MIN_NODES)) {
        /* one dimension: the type with the most room in it (ties: the
         * cheaper, then the first) carries the packing */
        int32_t T = -1;
        for (size_t t = 0; t < J.nt; t++) {
            if (left[t] == 0)
                continue;
            if (T < 0) {
                T = (int32_t)t;
                continue;
            }
            int64_t a = dim >= 0 ? J.icap[t][dim] : 0, b = dim >= 0 ? J.icap[T][dim] : 0;
            double ca = p->kind == GA_PACK_KIND_BPP ? 0 : fmax(0, p->types[t].cost);
            double cb = p->kind == GA_PACK_KIND_BPP ? 0 : fmax(0, p->types[T].cost);
            if (a > b || (a == b && ca < cb))
                T = (int32_t)t;
        }
        st = solve_1d(&J, ok, dim, T, algorithm, &lim, seed, &lb, &optimal, &clock);
        if (st)
            goto done;
        /* each node on the cheapest type that holds it */
        if (J.nt > 1 && J.nodes > 0) {
            int64_t (*load)[GA_PACK_DIMS] = ga_calloc((size_t)J.nodes, sizeof *load);
            if (!load) {
                st = ga_nomem(ctx);
                goto done;
            }
            for (size_t j = 0; j < J.n; j++)
                if (J.node_of[j] >= 0)
                    for (int d = 0; d < GA_PACK_DIMS; d++)
                        load[J.node_of[j]][d] += J.isz[j][d];
            for (int64_t k = 0; k < J.nodes; k++) {
                int32_t t = cheapest_fitting(&J, load[k], left);
                if (t >= 0)
                    J.node_type[k] = t;
            }
            free(load);
        }
        if (objective == GPUARB_PACK_MIN_COST) {
            /* one usable type: cost = nodes x its cost, bound likewise */
            double c = p->kind == GA_PACK_KIND_BPP ? 0 : fmax(0, p->types[T].cost);
            cost_lb = (double)lb * c;
        }
    } else {
        /* the multi-dimensional solver on the placeable items */
        size_t m = 0;
        int64_t (*sz)[GA_PACK_DIMS] = ga_mallocarray(n_ok + 1, sizeof *sz);
        size_t *map = ga_mallocarray(n_ok + 1, sizeof *map);
        ga_vec_type *vt = ga_mallocarray(J.nt + 1, sizeof *vt);
        int32_t *node_of = ga_mallocarray(n_ok + 1, sizeof *node_of);
        int32_t *prio = ga_calloc(n_ok + 1, sizeof *prio);
        if (!sz || !map || !vt || !node_of || !prio) {
            free(prio);
            free(sz);
            free(map);
            free(vt);
            free(node_of);
            st = ga_nomem(ctx);
            goto done;
        }
        size_t g = 0;
        for (size_t j = 0; j < J.n; j++)
            if (ok[j]) {
                while (p->kind != GA_PACK_KIND_BPP && g + 1 < p->n_groups &&
                       p->groups[g + 1].first <= (int64_t)j)
                    g++;
                if (p->kind != GA_PACK_KIND_BPP)
                    prio[m] = p->groups[g].priority;
                memcpy(sz[m], J.isz[j], sizeof sz[m]);
                map[m++] = j;
            }
        for (size_t t = 0; t < J.nt; t++) {
            memcpy(vt[t].cap, J.icap[t], sizeof vt[t].cap);
            vt[t].cost = p->kind == GA_PACK_KIND_BPP ? 0 : fmax(0, p->types[t].cost);
            vt[t].count = left[t];
        }
        ga_vec_problem vp = {m, (const int64_t(*)[GA_PACK_DIMS])sz, J.nt, vt, objective, prio};
        ga_vec_report rep;
        st = ga_vec_solve(ctx, &vp, algorithm, &lim, seed, node_of, J.node_type, &rep);
        if (st == GPUARB_OK) {
            for (size_t k = 0; k < m; k++)
                J.node_of[map[k]] = node_of[k];
            J.nodes = rep.nodes;
            lb = rep.lower_bound;
            cost_lb = rep.cost_lower_bound;
            optimal = rep.optimal;
            clock = rep.by_clock;
        }
        free(sz);
        free(map);
        free(vt);
        free(node_of);
        free(prio);
        if (st)
            goto done;
    }
    st = build_result(&J, objective, algorithm, lb, cost_lb, optimal, clock, t0, out);
done:
    job_free(&J);
    free(ok);
    free(left);
    return st;
}
