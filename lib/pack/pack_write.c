/*
 * pack_write.c - the packing result's writers: SPEC section 4's JSON
 * (through the structured writer, io/writer.h, money by its one rounding
 * rule) and the readable table for terminals.  Never solves, never prints:
 * it writes into caller-freed strings.  Item names are "NAME" for single
 * items and "NAME#k" for copies, the index for BPPLIB items.  Statuses:
 * GPUARB_OK, GPUARB_ERR_ARG, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/writer.h"
#include "pack/pack.h"

static void put_item_name(ga_writer *w, const gpuarb_pack_result *r, int64_t j)
{
    const ga_pack_rgroup *g = ga_pack_result_group(r, j);
    char tmp[48];
    if (!g || !g->name) {
        snprintf(tmp, sizeof tmp, "%lld", (long long)j);
        ga_w_str(w, tmp);
    } else if (g->count == 1) {
        ga_w_str(w, g->name);
    } else {
        ga_strbuf nb;
        ga_sb_init(&nb);
        ga_sb_printf(&nb, "%s#%lld", g->name, (long long)(j - g->first));
        if (nb.oom)
            w->b.oom = 1;
        else
            ga_w_str(w, nb.s);
        ga_sb_free(&nb);
    }
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
    /* Layout: the summary on one line, then one line per node and per
     * unplaced item, indented one space per level. */
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED | GA_W_INDENT(1));
    ga_w_obj_begin(&w);
    ga_w_kv_int(&w, "version", 1);
    ga_w_kv_str(&w, "status", status_name(r->status));
    ga_w_kv_str(&w, "objective", OBJ_NAMES[r->objective]);
    ga_w_kv_str(&w, "algorithm", ALGO_NAMES[r->algorithm]);
    ga_w_kv_int(&w, "nodes_used", r->nodes);
    ga_w_kv_money_or_null(&w, "cost_per_hour", r->has_cost, r->cost);
    ga_w_kv_int(&w, "lower_bound", r->lower_bound);
    ga_w_kv_money_or_null(&w, "cost_lower_bound", r->has_cost && r->cost_lb >= 0, r->cost_lb);
    ga_w_kv_num(&w, "solve_ms", floor(r->solve_ms * 1000 + 0.5) / 1000);
    ga_w_kv_bool(&w, "clock_limited", r->clock_limited);
    ga_w_kv_int(&w, "items", r->n_items);
    ga_w_break(&w);
    ga_w_key(&w, "nodes");
    ga_w_arr_open(&w, GA_W_LINES);
    for (int64_t i = 0; i < r->nodes && !w.b.oom; i++) {
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "type", r->type_names[r->node_type[i]]);
        ga_w_key(&w, "items");
        ga_w_arr_begin(&w);
        for (int64_t k = r->node_start[i]; k < r->node_start[i + 1]; k++)
            put_item_name(&w, r, r->node_items[k]);
        ga_w_arr_end(&w);
        ga_w_key(&w, "used");
        ga_w_obj_begin(&w);
        if (r->kind == GA_PACK_KIND_BPP) {
            ga_w_kv_num(&w, "size", r->node_used[i][GA_DIM_SIZE]);
        } else {
            for (int d = 0; d < 3; d++) {
                ga_w_kv_num(&w, ga_pack_dim_names[d], r->node_used[i][d]);
            }
        }
        ga_w_obj_end(&w);
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    ga_w_break(&w);
    ga_w_key(&w, "unplaced");
    ga_w_arr_open(&w, GA_W_LINES);
    for (int64_t i = 0; i < r->n_unplaced && !w.b.oom; i++) {
        ga_w_obj_begin(&w);
        ga_w_key(&w, "item");
        put_item_name(&w, r, r->unplaced[i]);
        ga_w_kv_str(&w, "reason", r->reasons[i]);
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    return ga_w_finish(&w, ctx, out);
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
        ga_fmt_double(num, ga_money_round(r->cost));
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
            ga_fmt_short(num, r->node_used[i][d]);
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
