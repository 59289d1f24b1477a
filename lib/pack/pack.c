/*
 * pack.c - the packing module's public face (SPEC section 4): problem
 * handles built by the add_node_type/add_item calls (the loaders in
 * pack_bpp.c and pack_spec.c use the same internals), option defaults, the
 * solve dispatch, the result handle with its accessors, and the JSON and
 * table writers (JSON through ga_sb_json_*; no dependency).
 *
 * Solving: sizes become integers per dimension (scaled by a power of ten
 * that makes every value whole, at most 10^6; values with more decimals
 * are rounded up for items and down for capacities, so a packing that
 * fits in integers fits in the real values).  Items that fit no node type
 * are set aside as unplaced, with the reason.  Problems with one active
 * dimension and one usable node type (or several, under min_nodes and no
 * count limits) go to the one-dimensional pipeline (pack_1d.c); the rest
 * to the multi-dimensional solver (pack_vec.c).
 *
 * Invariants of a result: every item is either on exactly one node or in
 * the unplaced list; every node's load fits its type in every dimension;
 * nodes are numbered in a canonical order, so equal problems and options
 * give equal results.  Returns GPUARB_ERR_ARG for API misuse,
 * GPUARB_ERR_INPUT for invalid sizes, GPUARB_ERR_LIMIT past the bounds in
 * pack.h, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

/* The writers' short names for internals now shared through pack.h. */
#define DIM_NAMES ga_pack_dim_names
typedef ga_pack_rgroup rgroup;
static inline const rgroup *group_of(const gpuarb_pack_result *r, int64_t j)
{
    return ga_pack_result_group(r, j);
}

static void put_item_name(ga_strbuf *b, const gpuarb_pack_result *r, int64_t j)
{
    const rgroup *g = group_of(r, j);
    char tmp[48];
    if (!g || !g->name) {
        snprintf(tmp, sizeof tmp, "%lld", (long long)j);
        ga_sb_json_str(b, tmp);
    } else if (g->count == 1) {
        ga_sb_json_str(b, g->name);
    } else {
        ga_strbuf nb;
        ga_sb_init(&nb);
        ga_sb_printf(&nb, "%s#%lld", g->name, (long long)(j - g->first));
        if (nb.oom)
            b->oom = 1;
        else
            ga_sb_json_str(b, nb.s);
        ga_sb_free(&nb);
    }
}

/* Money as written: sums of prices carry floating-point noise in the
 * last digits; six decimals are more than any price list has. */
static double money(double v)
{
    return floor(v * 1e6 + 0.5) / 1e6;
}

static const char *status_name(int32_t s)
{
    return s == GPUARB_SOLVE_OPTIMAL ? "optimal" : "feasible";
}

static const char *const ALGO_NAMES[] = {"auto", "ffd", "bfd", "local", "exact"};
static const char *const OBJ_NAMES[] = {"min_nodes", "min_cost"};

gpuarb_status gpuarb_pack_result_to_json(gpuarb_ctx *ctx, const gpuarb_pack_result *r,
                                         char **out)
{
    if (!r || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "result or out is NULL");
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_puts(&b, "{\"version\": 1, \"status\": ");
    ga_sb_json_str(&b, status_name(r->status));
    ga_sb_puts(&b, ", \"objective\": ");
    ga_sb_json_str(&b, OBJ_NAMES[r->objective]);
    ga_sb_puts(&b, ", \"algorithm\": ");
    ga_sb_json_str(&b, ALGO_NAMES[r->algorithm]);
    ga_sb_printf(&b, ", \"nodes_used\": %lld, \"cost_per_hour\": ", (long long)r->nodes);
    if (r->has_cost)
        ga_sb_json_num(&b, money(r->cost));
    else
        ga_sb_puts(&b, "null");
    ga_sb_printf(&b, ", \"lower_bound\": %lld, \"cost_lower_bound\": ", (long long)r->lower_bound);
    if (r->has_cost && r->cost_lb >= 0)
        ga_sb_json_num(&b, money(r->cost_lb));
    else
        ga_sb_puts(&b, "null");
    ga_sb_puts(&b, ", \"solve_ms\": ");
    ga_sb_json_num(&b, floor(r->solve_ms * 1000 + 0.5) / 1000);
    ga_sb_printf(&b, ", \"items\": %lld,\n \"nodes\": [", (long long)r->n_items);
    for (int64_t i = 0; i < r->nodes && !b.oom; i++) {
        ga_sb_puts(&b, i ? ",\n  {\"type\": " : "\n  {\"type\": ");
        ga_sb_json_str(&b, r->type_names[r->node_type[i]]);
        ga_sb_puts(&b, ", \"items\": [");
        for (int64_t k = r->node_start[i]; k < r->node_start[i + 1]; k++) {
            if (k > r->node_start[i])
                ga_sb_puts(&b, ", ");
            put_item_name(&b, r, r->node_items[k]);
        }
        ga_sb_puts(&b, "], \"used\": {");
        if (r->kind == GA_PACK_KIND_BPP) {
            ga_sb_puts(&b, "\"size\": ");
            ga_sb_json_num(&b, r->node_used[i][GA_DIM_SIZE]);
        } else {
            for (int d = 0; d < 3; d++) {
                ga_sb_printf(&b, "%s\"%s\": ", d ? ", " : "", DIM_NAMES[d]);
                ga_sb_json_num(&b, r->node_used[i][d]);
            }
        }
        ga_sb_puts(&b, "}}");
    }
    ga_sb_puts(&b, r->nodes ? "\n ],\n \"unplaced\": [" : "],\n \"unplaced\": [");
    for (int64_t i = 0; i < r->n_unplaced && !b.oom; i++) {
        ga_sb_puts(&b, i ? ",\n  {\"item\": " : "\n  {\"item\": ");
        put_item_name(&b, r, r->unplaced[i]);
        ga_sb_puts(&b, ", \"reason\": ");
        ga_sb_json_str(&b, r->reasons[i]);
        ga_sb_putc(&b, '}');
    }
    ga_sb_puts(&b, r->n_unplaced ? "\n ]}\n" : "]}\n");
    if (b.oom) {
        ga_sb_free(&b);
        return ga_nomem(ctx);
    }
    *out = ga_sb_take(&b);
    return *out ? GPUARB_OK : ga_nomem(ctx);
}

gpuarb_status gpuarb_pack_result_to_table(gpuarb_ctx *ctx, const gpuarb_pack_result *r,
                                          char **out)
{
    if (!r || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "result or out is NULL");
    ga_strbuf b;
    ga_sb_init(&b);
    char num[48];
    ga_sb_printf(&b, "status %s   nodes %lld   lower bound %lld", status_name(r->status),
                 (long long)r->nodes, (long long)r->lower_bound);
    if (r->has_cost) {
        ga_fmt_double(num, money(r->cost));
        ga_sb_printf(&b, "   cost/h %s", num);
    }
    ga_sb_printf(&b, "   %s, %s   %.1f ms\n", OBJ_NAMES[r->objective], ALGO_NAMES[r->algorithm],
                 r->solve_ms);
    if (r->kind == GA_PACK_KIND_BPP)
        ga_sb_puts(&b, "node  type              items       size  contents\n");
    else
        ga_sb_puts(&b, "node  type              items   gpus     cpus    memory_gb  contents\n");
    for (int64_t i = 0; i < r->nodes && !b.oom; i++) {
        int64_t cnt = r->node_start[i + 1] - r->node_start[i];
        ga_sb_printf(&b, "%-5lld %-16.16s %6lld", (long long)i, r->type_names[r->node_type[i]],
                     (long long)cnt);
        for (int d = r->kind == GA_PACK_KIND_BPP ? 3 : 0; d < (r->kind == GA_PACK_KIND_BPP ? 4 : 3);
             d++) {
            ga_fmt_double(num, r->node_used[i][d]);
            size_t k = strlen(num);
            if (k > 2 && !strcmp(num + k - 2, ".0"))
                num[k - 2] = '\0';
            ga_sb_printf(&b, " %*s", d == GA_DIM_MEM ? 12 : 8, num);
        }
        ga_sb_puts(&b, "  ");
        /* the first few item names */
        for (int64_t k = 0; k < cnt && k < 8; k++) {
            char name[96];
            gpuarb_pack_result_item_name(r, r->node_items[r->node_start[i] + k], name,
                                         sizeof name);
            ga_sb_printf(&b, "%s%s", k ? " " : "", name);
        }
        if (cnt > 8)
            ga_sb_printf(&b, " ... (+%lld)", (long long)(cnt - 8));
        ga_sb_putc(&b, '\n');
    }
    for (int64_t i = 0; i < r->n_unplaced && !b.oom; i++) {
        char name[96];
        gpuarb_pack_result_item_name(r, r->unplaced[i], name, sizeof name);
        ga_sb_printf(&b, "unplaced %s: %s\n", name, r->reasons[i]);
    }
    if (b.oom) {
        ga_sb_free(&b);
        return ga_nomem(ctx);
    }
    *out = ga_sb_take(&b);
    return *out ? GPUARB_OK : ga_nomem(ctx);
}
