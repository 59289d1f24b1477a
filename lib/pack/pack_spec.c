/*
 * pack_spec.c - the pack spec of SPEC section 4 (YAML or JSON): validates
 * a ga_doc tree (doc.c builds it, so both formats give the same checks and
 * positions) into a gpuarb_pack_problem, reading it with the shared
 * getters and key walker of lib/io/docread.c, so its errors are worded as
 * the optimize spec's are.  Keys: version (1), nodes (list of {name, gpus,
 * cpus, memory_gb, cost_hour, count}), items (list of {name, gpus, cpus,
 * memory_gb, count, priority}: an integer within +-10^6, higher placed first
 * when count limits bind), objective, algorithm, time_limit_s, memory_limit_mib
 * (each item group keeps where its count is, for the memory budget's
 * error at solve time).  A node type's
 * absent capacity does not constrain that dimension; an item's absent size
 * is 0.  Unknown keys, wrong types, negative sizes, non-integer counts,
 * duplicate names are errors that name the source, the 1-based line and
 * byte column of the value (of the key, for unknown keys; of the enclosing
 * mapping, for missing ones) and a key path such as "items[2].gpus".  Keys
 * are read in document order and the first error in the text is reported.
 * Explicit null counts as absent for optional keys.  Returns
 * GPUARB_ERR_INPUT for invalid values, GPUARB_ERR_LIMIT past the bounds of
 * pack.h, GPUARB_ERR_ARG for API misuse, GPUARB_ERR_NOMEM, and what doc.c
 * (SYNTAX, LIMIT, INPUT) and ga_read_file (IO) return.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/docread.h"
#include "pack/pack.h"

typedef struct ps {
    gpuarb_ctx *ctx;
    ga_rd rd;            /* errors and the key path (lib/io/docread.h) */
    gpuarb_pack_problem *p;
} ps;

/* A size or a price: a number in [0, 1e15]. */
static gpuarb_status get_size(ps *s, const ga_doc_node *n, double *out)
{
    return ga_rd_number(&s->rd, n, GA_RD_CLOSED(0, GA_PACK_MAX_VALUE), out);
}

/* A count >= lo; past GA_PACK_MAX_ITEMS it is a limit, not a typo. */
static gpuarb_status get_count(ps *s, const ga_doc_node *n, int64_t lo, int64_t *out)
{
    if (n->kind == GA_DOC_NUMBER && n->is_integer && n->number > (double)GA_PACK_MAX_ITEMS)
        return ga_rd_fail_at(&s->rd, GPUARB_ERR_LIMIT, n->line, n->col,
                             "must be at most %lld, found %s", (long long)GA_PACK_MAX_ITEMS,
                             n->str);
    return ga_rd_int(&s->rd, n, lo, GA_PACK_MAX_ITEMS, out);
}

/* The error for a list entry's name (its value, or the entry when the
 * name is a default), under "list[i].name". */
static gpuarb_status duplicate(ps *s, const ga_doc_node *at, const char *what, const char *name)
{
    ga_rd_push_key(&s->rd, "name");
    return ga_rd_fail(&s->rd, at, "duplicate %s name '%.100s'", what, name);
}

enum { K_NAME, K_GPUS, K_CPUS, K_MEM, K_COST, K_COUNT };
static const ga_rd_field NODE_KEYS[] = {{"name", 0},      {"gpus", 0},      {"cpus", 0},
                                        {"memory_gb", 0}, {"cost_hour", 0}, {"count", 0},
                                        {NULL, 0}};
/* items have no cost_hour: their count is key 4, then priority */
enum { I_COUNT = 4, I_PRIORITY = 5 };
static const ga_rd_field ITEM_KEYS[] = {{"name", 0},  {"gpus", 0},     {"cpus", 0},
                                        {"memory_gb", 0}, {"count", 0}, {"priority", 0},
                                        {NULL, 0}};
enum { R_VERSION, R_NODES, R_ITEMS, R_OBJECTIVE, R_ALGORITHM, R_TIME, R_MEMORY };
static const ga_rd_field ROOT_KEYS[] = {
    {"version", 0},   {"nodes", GA_RD_REQUIRED}, {"items", GA_RD_REQUIRED},
    {"objective", 0}, {"algorithm", 0},          {"time_limit_s", 0},
    {"memory_limit_mib", 0}, {NULL, 0}};
static const char *const OBJECTIVES[] = {"min_nodes", "min_cost", NULL};
static const char *const ALGORITHMS[] = {"auto", "ffd", "bfd", "local", "exact", NULL};

static gpuarb_status parse_node(ps *s, const ga_doc_node *n, size_t idx)
{
    double cap[GA_PACK_DIMS] = {-1, -1, -1, -1}, cost = -1;
    int64_t count = -1;
    const char *name = NULL;
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(
        &s->rd, n, NODE_KEYS, "a mapping {name, gpus, cpus, memory_gb, cost_hour, count}", &m);
    while (!st && !(st = ga_rd_map_next(&s->rd, &m, &k, &v)) && k >= 0) {
        switch (k) {
        case K_NAME: st = ga_rd_string(&s->rd, v, &name); break;
        case K_COST: st = get_size(s, v, &cost); break;
        case K_COUNT: st = get_count(s, v, 0, &count); break;
        default: st = get_size(s, v, &cap[k - K_GPUS]); break;
        }
    }
    if (st)
        return st;
    int room = 0;
    for (int d = 0; d < 3; d++)
        if (cap[d] != 0)
            room = 1;
    if (!room)
        return ga_rd_fail(&s->rd, n,
                          "a node type needs room in at least one of gpus, cpus, memory_gb");
    char def[32];
    if (!name) {
        snprintf(def, sizeof def, "node%zu", idx);
        name = def;
    }
    if (ga_strmap_get(&s->p->type_names, name))
        return duplicate(s, m.at[K_NAME] ? m.at[K_NAME] : n, "node type", name);
    return ga_pack_add_type(s->ctx, s->p, name, cap, cost, count);
}

static gpuarb_status parse_item(ps *s, const ga_doc_node *n, size_t idx, ga_strset *names)
{
    double size[GA_PACK_DIMS] = {0, 0, 0, 0};
    int64_t count = 1;
    int32_t priority = 0;
    const char *name = NULL;
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(
        &s->rd, n, ITEM_KEYS, "a mapping {name, gpus, cpus, memory_gb, count, priority}", &m);
    while (!st && !(st = ga_rd_map_next(&s->rd, &m, &k, &v)) && k >= 0) {
        switch (k) {
        case K_NAME: st = ga_rd_string(&s->rd, v, &name); break;
        case I_COUNT: st = get_count(s, v, 1, &count); break;
        case I_PRIORITY: st = ga_rd_int32(&s->rd, v, -1000000, 1000000, &priority); break;
        default: st = get_size(s, v, &size[k - K_GPUS]); break;
        }
    }
    if (st)
        return st;
    char def[32];
    if (!name) {
        snprintf(def, sizeof def, "item%zu", idx);
        name = def;
    }
    if (count > GA_PACK_MAX_ITEMS - s->p->n_items) {
        const ga_doc_node *at = m.at[I_COUNT] ? m.at[I_COUNT] : n;
        ga_rd_push_key(&s->rd, "count");
        return ga_rd_fail_at(&s->rd, GPUARB_ERR_LIMIT, at->line, at->col,
                             "the items add up to more than %lld", (long long)GA_PACK_MAX_ITEMS);
    }
    if ((st = ga_pack_add_group(s->ctx, s->p, name, size, count)))
        return st;
    s->p->groups[s->p->n_groups - 1].priority = priority;
    if (m.at[I_COUNT]) {
        /* where the count is, for the memory budget's error at solve time */
        ga_pack_group *g = &s->p->groups[s->p->n_groups - 1];
        g->count_line = m.at[I_COUNT]->line;
        g->count_col = m.at[I_COUNT]->col;
    }
    /* the set borrows the copy the problem owns */
    int added = ga_strset_add(names, s->p->groups[s->p->n_groups - 1].name, NULL);
    if (added < 0)
        return ga_nomem(s->ctx);
    if (added == 0)
        return duplicate(s, m.at[K_NAME] ? m.at[K_NAME] : n, "item", name);
    return GPUARB_OK;
}

/* Item names are checked for duplicates with a string set that borrows
 * the problem's copies; node types are few and checked by a scan. */
static gpuarb_status parse_list(ps *s, const ga_doc_node *n, int nodes)
{
    gpuarb_status st = ga_rd_kind(&s->rd, n, GA_DOC_SEQ);
    ga_strset names = {NULL, 0, 0};
    for (size_t i = 0; i < n->n && !st; i++) {
        size_t mark = ga_rd_push_index(&s->rd, i);
        st = nodes ? parse_node(s, n->items[i], i) : parse_item(s, n->items[i], i, &names);
        if (!st)
            ga_rd_pop(&s->rd, mark);
    }
    ga_strset_free(&names);
    if (!st && nodes && n->n == 0)
        return ga_rd_fail(&s->rd, n, "needs at least one node type");
    return st;
}

static gpuarb_status root_field(void *arg, int k, const ga_doc_node *v)
{
    ps *s = arg;
    ga_rd *r = &s->rd;
    double t = 0;
    gpuarb_status st;
    switch (k) {
    case R_VERSION: return ga_rd_version(r, v, 1);
    case R_NODES: return parse_list(s, v, 1);
    case R_ITEMS: return parse_list(s, v, 0);
    case R_OBJECTIVE: return ga_rd_enum(r, v, OBJECTIVES, &s->p->objective);
    case R_ALGORITHM: return ga_rd_enum(r, v, ALGORITHMS, &s->p->algorithm);
    case R_TIME:
        if ((st = ga_rd_number(r, v, GA_RD_ABOVE_UPTO(0, 86400), &t)))
            return st;
        s->p->time_limit_ms = t * 1000.0;
        return GPUARB_OK;
    case R_MEMORY:
        return ga_rd_number(r, v, GA_RD_ABOVE_UPTO(0, GA_MAX_MEMORY_MIB), &s->p->memory_limit_mib);
    }
    return GPUARB_OK;
}

/* Keys in document order; the first error in the text is the one reported. */
static gpuarb_status parse_root(ps *s, const ga_doc_node *root)
{
    ga_rd_map m;
    return ga_rd_map_each(&s->rd, root, ROOT_KEYS, "a mapping with nodes and items", &m,
                          root_field, s);
}

static gpuarb_status from_doc(gpuarb_ctx *ctx, ga_doc *doc, gpuarb_pack_problem **out)
{
    gpuarb_pack_problem *p;
    gpuarb_status st = ga_pack_problem_new(ctx, GA_PACK_KIND_SPEC, doc->source, &p);
    if (st == GPUARB_OK) {
        ps s = {ctx, {0}, p};
        ga_rd_init(&s.rd, ctx, p->source);
        st = parse_root(&s, doc->root);
        if (st) {
            gpuarb_pack_problem_free(p);
            p = NULL;
        }
    }
    ga_doc_free(doc);
    if (st)
        return st;
    *out = p;
    return GPUARB_OK;
}

gpuarb_status gpuarb_pack_spec_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                     const char *source, gpuarb_pack_problem **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_from_text(ctx, out != NULL, text, len, source, &doc);
    if (st)
        return st;
    return from_doc(ctx, &doc, out);
}

gpuarb_status gpuarb_pack_spec_load(gpuarb_ctx *ctx, const char *path, gpuarb_pack_problem **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_load(ctx, out != NULL, path, &doc);
    if (st)
        return st;
    return from_doc(ctx, &doc, out);
}
