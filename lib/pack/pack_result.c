/*
 * pack_result.c - the packing result handle (SPEC section 4): its release
 * and the public accessors (summary, nodes, the items of a node, the node
 * of an item, unplaced items with their reasons, item names).  Results are
 * built by pack_solve.c and written out by the JSON and table writers in
 * pack_write.c; the struct is shared through pack.h.  No dependency.
 *
 * Invariants (established by pack_solve.c): every item is on exactly one
 * node or in the unplaced list; node_start holds nodes + 1 ascending
 * offsets into node_items; groups are in item order.  Accessors never
 * fail on a valid handle: out-of-range indices give GPUARB_ERR_ARG, -1 or
 * NULL as each documents in gpuarb.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

void gpuarb_pack_result_free(gpuarb_pack_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_types; i++)
        free(r->type_names[i]);
    free(r->type_names);
    for (size_t i = 0; i < r->n_groups; i++)
        free(r->groups[i].name);
    free(r->groups);
    free(r->node_type);
    free(r->node_start);
    free(r->node_items);
    free(r->node_used);
    free(r->item_node);
    for (int64_t i = 0; r->reasons && i < r->n_unplaced; i++) /* NULL: its calloc failed */
        free(r->reasons[i]);
    free(r->unplaced);
    free(r->reasons);
    free(r);
}

/* Group of item j (groups are in item order); NULL if there are none. */
const ga_pack_rgroup *ga_pack_result_group(const gpuarb_pack_result *r, int64_t j)
{
    size_t lo = 0, hi = r->n_groups;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->groups[mid].first <= j)
            lo = mid;
        else
            hi = mid;
    }
    return r->n_groups ? &r->groups[lo] : NULL;
}

int32_t gpuarb_pack_result_item_name(const gpuarb_pack_result *r, int64_t j, char *buf,
                                     size_t cap)
{
    if (!r || j < 0 || j >= r->n_items)
        return -1;
    const ga_pack_rgroup *g = ga_pack_result_group(r, j);
    char tmp[48];
    int n;
    if (!g || !g->name) {
        n = snprintf(tmp, sizeof tmp, "%lld", (long long)j);
        if (buf && cap)
            snprintf(buf, cap, "%s", tmp);
    } else if (g->count == 1) {
        n = (int)strlen(g->name);
        if (buf && cap)
            snprintf(buf, cap, "%s", g->name);
    } else {
        n = snprintf(buf && cap ? buf : tmp, buf && cap ? cap : sizeof tmp, "%s#%lld", g->name,
                     (long long)(j - g->first));
    }
    return n;
}

gpuarb_status gpuarb_pack_result_summary(const gpuarb_pack_result *r, gpuarb_pack_summary *out)
{
    if (!r || !out || out->size < sizeof *out)
        return GPUARB_ERR_ARG;
    uint32_t size = out->size;
    memset(out, 0, sizeof *out);
    out->size = size;
    out->status = r->status;
    out->objective = r->objective;
    out->algorithm = r->algorithm;
    out->nodes_used = r->nodes;
    out->lower_bound = r->lower_bound;
    out->item_count = r->n_items;
    out->unplaced_count = r->n_unplaced;
    out->cost_per_hour = r->cost;
    out->cost_lower_bound = r->cost_lb;
    out->solve_ms = r->solve_ms;
    out->clock_limited = r->clock_limited;
    return GPUARB_OK;
}

gpuarb_status gpuarb_pack_result_node(const gpuarb_pack_result *r, int64_t i,
                                      gpuarb_pack_node *out)
{
    if (!r || !out || i < 0 || i >= r->nodes)
        return GPUARB_ERR_ARG;
    memset(out, 0, sizeof *out);
    out->type_index = r->node_type[i];
    out->type = r->type_names[r->node_type[i]];
    out->item_count = r->node_start[i + 1] - r->node_start[i];
    out->gpus = r->node_used[i][GA_DIM_GPUS];
    out->cpus = r->node_used[i][GA_DIM_CPUS];
    out->memory_gb = r->node_used[i][GA_DIM_MEM];
    out->size = r->node_used[i][GA_DIM_SIZE];
    return GPUARB_OK;
}

int64_t gpuarb_pack_result_node_item(const gpuarb_pack_result *r, int64_t i, int64_t k)
{
    if (!r || i < 0 || i >= r->nodes || k < 0 || k >= r->node_start[i + 1] - r->node_start[i])
        return -1;
    return r->node_items[r->node_start[i] + k];
}

int64_t gpuarb_pack_result_item_node(const gpuarb_pack_result *r, int64_t j)
{
    if (!r || j < 0 || j >= r->n_items)
        return -1;
    return r->item_node[j];
}

const char *gpuarb_pack_result_unplaced(const gpuarb_pack_result *r, int64_t i, int64_t *item)
{
    if (!r || i < 0 || i >= r->n_unplaced)
        return NULL;
    if (item)
        *item = r->unplaced[i];
    return r->reasons[i];
}
