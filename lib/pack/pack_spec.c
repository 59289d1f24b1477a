/*
 * pack_spec.c - the pack spec of SPEC section 4 (YAML or JSON): validates
 * a ga_doc tree (doc.c builds it, so both formats give the same checks and
 * positions) into a gpuarb_pack_problem.  Keys: version (1), nodes (list
 * of {name, gpus, cpus, memory_gb, cost_hour, count}), items (list of
 * {name, gpus, cpus, memory_gb, count}), objective, algorithm,
 * time_limit_s.  A node type's absent capacity does not constrain that
 * dimension; an item's absent size is 0.  Unknown keys, wrong types,
 * negative sizes, non-integer counts, duplicate names are errors that name
 * the source, the 1-based line and byte column of the value (of the key,
 * for unknown keys; of the enclosing mapping, for missing ones) and a key
 * path such as "items[2].gpus".  Explicit null counts as absent.  Returns
 * GPUARB_ERR_INPUT for invalid values, GPUARB_ERR_LIMIT past the bounds of
 * pack.h, GPUARB_ERR_ARG for API misuse, GPUARB_ERR_NOMEM, and what doc.c
 * (SYNTAX, LIMIT, INPUT) and ga_read_file (IO) return.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/doc.h"
#include "pack/pack.h"

typedef struct ps {
    gpuarb_ctx *ctx;
    const char *src;
    gpuarb_pack_problem *p;
} ps;

static gpuarb_status bad(ps *s, const ga_doc_node *n, const char *path, const char *fmt, ...)
    GA_PRINTF(4, 5);
static gpuarb_status bad(ps *s, const ga_doc_node *n, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ga_verror(s->ctx, GPUARB_ERR_INPUT, s->src, n ? n->line : 0, n ? n->col : 0, path, fmt, ap);
    va_end(ap);
    return GPUARB_ERR_INPUT;
}

/* "items[3].gpus" into buf (cut, never overflowing). */
static void keypath(char *buf, const char *list, long idx, const char *key)
{
    if (idx >= 0 && key)
        snprintf(buf, GA_PATH_MAX, "%s[%ld].%.100s", list, idx, key);
    else if (idx >= 0)
        snprintf(buf, GA_PATH_MAX, "%s[%ld]", list, idx);
    else
        snprintf(buf, GA_PATH_MAX, "%.100s", key ? key : list);
}

static const char *what(const ga_doc_node *n, char *buf, size_t cap)
{
    if (n->str && n->kind != GA_DOC_SEQ && n->kind != GA_DOC_MAP)
        snprintf(buf, cap, "%s ('%.40s')", ga_doc_kind_name(n->kind), n->str);
    else
        snprintf(buf, cap, "%s", ga_doc_kind_name(n->kind));
    return buf;
}

static gpuarb_status want(ps *s, const ga_doc_node *n, const char *path, const char *kind)
{
    char b[96];
    return bad(s, n, path, "expected %s, found %s", kind, what(n, b, sizeof b));
}

static int key_index(const char *key, const char *const *names)
{
    for (int k = 0; names[k]; k++)
        if (strcmp(key, names[k]) == 0)
            return k;
    return -1;
}

/* Unknown key: suggest a known one that shares a prefix or differs by
 * case. */
static gpuarb_status unknown_key(ps *s, const ga_doc_node *map, size_t i, const char *list,
                                 long idx, const char *const *names)
{
    char path[GA_PATH_MAX], known[160] = "";
    keypath(path, list, idx, map->keys[i]);
    const char *near = NULL;
    for (int k = 0; names[k]; k++) {
        size_t u = strlen(known);
        snprintf(known + u, sizeof known - u, "%s%s", k ? ", " : "", names[k]);
        if (!near && (ga_strcasecmp(map->keys[i], names[k]) == 0 ||
                      (strlen(map->keys[i]) >= 3 &&
                       strncmp(map->keys[i], names[k], 3) == 0)))
            near = names[k];
    }
    ga_error(s->ctx, GPUARB_ERR_INPUT, s->src, map->key_line[i], map->key_col[i], path,
             near ? "unknown key '%.100s'; did you mean '%s'? (known: %s)"
                  : "unknown key '%.100s'%s (known: %s)",
             map->keys[i], near ? near : "", known);
    return GPUARB_ERR_INPUT;
}

/* A number >= 0 (or > 0 when positive). */
static gpuarb_status get_size(ps *s, const ga_doc_node *n, const char *path, int positive,
                              double *out)
{
    if (n->kind != GA_DOC_NUMBER)
        return want(s, n, path, "a number");
    if (positive ? !(n->number > 0) : n->number < 0)
        return bad(s, n, path, "must be %s, found %s", positive ? "greater than 0" : "at least 0",
                   n->str ? n->str : "?");
    if (n->number > GA_PACK_MAX_VALUE)
        return bad(s, n, path, "must be at most 1e15, found %s", n->str ? n->str : "?");
    *out = n->number;
    return GPUARB_OK;
}

static gpuarb_status get_count(ps *s, const ga_doc_node *n, const char *path, int64_t lo,
                               int64_t *out)
{
    if (n->kind != GA_DOC_NUMBER)
        return want(s, n, path, "an integer");
    if (!n->is_integer)
        return bad(s, n, path, "must be a whole number, found %s", n->str ? n->str : "?");
    if (n->number < (double)lo)
        return bad(s, n, path, "must be at least %lld, found %s", (long long)lo,
                   n->str ? n->str : "?");
    if (n->number > (double)GA_PACK_MAX_ITEMS) {
        ga_error(s->ctx, GPUARB_ERR_LIMIT, s->src, n->line, n->col, path,
                 "must be at most %lld, found %s", (long long)GA_PACK_MAX_ITEMS,
                 n->str ? n->str : "?");
        return GPUARB_ERR_LIMIT;
    }
    *out = (int64_t)n->number;
    return GPUARB_OK;
}

static gpuarb_status get_name(ps *s, const ga_doc_node *n, const char *path, const char **out)
{
    if (n->kind != GA_DOC_STRING)
        return want(s, n, path, "a string");
    if (!n->str[0])
        return bad(s, n, path, "must not be empty");
    *out = n->str;
    return GPUARB_OK;
}

static gpuarb_status get_enum(ps *s, const ga_doc_node *n, const char *path,
                              const char *const *names, int32_t *out)
{
    char list[128] = "";
    for (int k = 0; names[k]; k++) {
        size_t u = strlen(list);
        snprintf(list + u, sizeof list - u, "%s%s", k ? ", " : "", names[k]);
    }
    if (n->kind != GA_DOC_STRING)
        return want(s, n, path, list);
    int k = key_index(n->str, names);
    if (k < 0)
        return bad(s, n, path, "'%.60s' is not one of %s", n->str, list);
    *out = k;
    return GPUARB_OK;
}

static const char *const NODE_KEYS[] = {"name", "gpus", "cpus", "memory_gb", "cost_hour",
                                        "count", NULL};
static const char *const ITEM_KEYS[] = {"name", "gpus", "cpus", "memory_gb", "count", NULL};
static const char *const ROOT_KEYS[] = {"version", "nodes", "items", "objective",
                                        "algorithm", "time_limit_s", NULL};
static const char *const OBJECTIVES[] = {"min_nodes", "min_cost", NULL};
static const char *const ALGORITHMS[] = {"auto", "ffd", "bfd", "local", "exact", NULL};

static gpuarb_status parse_node(ps *s, const ga_doc_node *n, long idx)
{
    char path[GA_PATH_MAX];
    keypath(path, "nodes", idx, NULL);
    if (n->kind != GA_DOC_MAP)
        return want(s, n, path, "a mapping {name, gpus, cpus, memory_gb, cost_hour, count}");
    double cap[GA_PACK_DIMS] = {-1, -1, -1, -1}, cost = -1;
    int64_t count = -1;
    const char *name = NULL;
    const ga_doc_node *name_node = n;
    gpuarb_status st;
    for (size_t i = 0; i < n->n; i++) {
        int k = key_index(n->keys[i], NODE_KEYS);
        if (k < 0)
            return unknown_key(s, n, i, "nodes", idx, NODE_KEYS);
        const ga_doc_node *v = n->items[i];
        if (v->kind == GA_DOC_NULL)
            continue;
        keypath(path, "nodes", idx, NODE_KEYS[k]);
        switch (k) {
        case 0:
            st = get_name(s, v, path, &name);
            name_node = v;
            break;
        case 1:
        case 2:
        case 3:
            st = get_size(s, v, path, 0, &cap[k - 1]);
            break;
        case 4:
            st = get_size(s, v, path, 0, &cost);
            break;
        default:
            st = get_count(s, v, path, 0, &count);
            break;
        }
        if (st)
            return st;
    }
    int room = 0;
    for (int d = 0; d < 3; d++)
        if (cap[d] != 0)
            room = 1;
    keypath(path, "nodes", idx, NULL);
    if (!room)
        return bad(s, n, path, "a node type needs room in at least one of gpus, cpus, memory_gb");
    char def[32];
    if (!name) {
        snprintf(def, sizeof def, "node%ld", idx);
        name = def;
    }
    keypath(path, "nodes", idx, "name");
    for (size_t t = 0; t < s->p->n_types; t++)
        if (strcmp(s->p->types[t].name, name) == 0)
            return bad(s, name_node, path, "duplicate node type name '%.100s'", name);
    return ga_pack_add_type(s->ctx, s->p, name, cap, cost, count);
}

static gpuarb_status parse_item(ps *s, const ga_doc_node *n, long idx, ga_strset *names)
{
    char path[GA_PATH_MAX];
    keypath(path, "items", idx, NULL);
    if (n->kind != GA_DOC_MAP)
        return want(s, n, path, "a mapping {name, gpus, cpus, memory_gb, count}");
    double size[GA_PACK_DIMS] = {0, 0, 0, 0};
    int64_t count = 1;
    const char *name = NULL;
    const ga_doc_node *name_node = n, *count_node = n;
    gpuarb_status st;
    for (size_t i = 0; i < n->n; i++) {
        int k = key_index(n->keys[i], ITEM_KEYS);
        if (k < 0)
            return unknown_key(s, n, i, "items", idx, ITEM_KEYS);
        const ga_doc_node *v = n->items[i];
        if (v->kind == GA_DOC_NULL)
            continue;
        keypath(path, "items", idx, ITEM_KEYS[k]);
        switch (k) {
        case 0:
            st = get_name(s, v, path, &name);
            name_node = v;
            break;
        case 1:
        case 2:
        case 3:
            st = get_size(s, v, path, 0, &size[k - 1]);
            break;
        default:
            st = get_count(s, v, path, 1, &count);
            count_node = v;
            break;
        }
        if (st)
            return st;
    }
    char def[32];
    if (!name) {
        snprintf(def, sizeof def, "item%ld", idx);
        name = def;
    }
    if (count > GA_PACK_MAX_ITEMS - s->p->n_items) {
        keypath(path, "items", idx, "count");
        ga_error(s->ctx, GPUARB_ERR_LIMIT, s->src, count_node->line, count_node->col, path,
                 "the items add up to more than %lld", (long long)GA_PACK_MAX_ITEMS);
        return GPUARB_ERR_LIMIT;
    }
    if ((st = ga_pack_add_group(s->ctx, s->p, name, size, count)))
        return st;
    /* the set borrows the copy the problem owns */
    const char *dup = NULL;
    int r = ga_strset_add(names, s->p->groups[s->p->n_groups - 1].name, &dup);
    if (r < 0)
        return ga_nomem(s->ctx);
    keypath(path, "items", idx, "name");
    if (r == 0)
        return bad(s, name_node, path, "duplicate item name '%.100s'", name);
    return GPUARB_OK;
}

/* Item names are checked for duplicates with a string set that borrows
 * the problem's copies; node types are few and checked by a scan. */
static gpuarb_status parse_list(ps *s, const ga_doc_node *n, const char *key, int nodes)
{
    if (n->kind != GA_DOC_SEQ)
        return want(s, n, key, "a list");
    ga_strset names = {NULL, 0, 0};
    gpuarb_status st = GPUARB_OK;
    for (size_t i = 0; i < n->n && !st; i++)
        st = nodes ? parse_node(s, n->items[i], (long)i)
                   : parse_item(s, n->items[i], (long)i, &names);
    ga_strset_free(&names);
    return st;
}

static gpuarb_status parse_root(ps *s, const ga_doc_node *root)
{
    if (!root || root->kind != GA_DOC_MAP) {
        if (!root)
            return bad(s, NULL, NULL, "empty spec: expected a mapping with nodes and items");
        return want(s, root, "", "a mapping with nodes and items");
    }
    const ga_doc_node *nodes = NULL, *items = NULL;
    gpuarb_status st;
    for (size_t i = 0; i < root->n; i++) {
        int k = key_index(root->keys[i], ROOT_KEYS);
        if (k < 0)
            return unknown_key(s, root, i, "", -1, ROOT_KEYS);
        const ga_doc_node *v = root->items[i];
        if (v->kind == GA_DOC_NULL)
            continue;
        const char *key = ROOT_KEYS[k];
        switch (k) {
        case 0:
            if (v->kind != GA_DOC_NUMBER || !v->is_integer)
                return want(s, v, key, "the integer 1");
            if (v->number != 1)
                return bad(s, v, key, "unsupported version %s (this library reads version 1)",
                           v->str ? v->str : "?");
            break;
        case 1:
            nodes = v;
            break;
        case 2:
            items = v;
            break;
        case 3:
            if ((st = get_enum(s, v, key, OBJECTIVES, &s->p->objective)))
                return st;
            break;
        case 4:
            if ((st = get_enum(s, v, key, ALGORITHMS, &s->p->algorithm)))
                return st;
            break;
        default: {
            double t;
            if ((st = get_size(s, v, key, 1, &t)))
                return st;
            if (t > 86400)
                return bad(s, v, key, "must be at most 86400, found %s", v->str ? v->str : "?");
            s->p->time_limit_ms = t * 1000.0;
            break;
        }
        }
    }
    /* nodes before items whatever the document order, so errors in the
     * node list come first */
    if (!nodes)
        return bad(s, root, "nodes", "missing required key 'nodes'");
    if ((st = parse_list(s, nodes, "nodes", 1)))
        return st;
    if (nodes->n == 0)
        return bad(s, nodes, "nodes", "needs at least one node type");
    if (!items)
        return bad(s, root, "items", "missing required key 'items'");
    return parse_list(s, items, "items", 0);
}

static gpuarb_status from_doc(gpuarb_ctx *ctx, ga_doc *doc, gpuarb_pack_problem **out)
{
    gpuarb_pack_problem *p;
    gpuarb_status st = ga_pack_problem_new(ctx, GA_PACK_KIND_SPEC, doc->source, &p);
    if (st == GPUARB_OK) {
        ps s = {ctx, p->source, p};
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
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!text && len)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "text is NULL");
    ga_doc doc;
    gpuarb_status st = ga_doc_parse(ctx, text ? text : "", len, source ? source : "<string>",
                                    &doc);
    if (st)
        return st;
    return from_doc(ctx, &doc, out);
}

gpuarb_status gpuarb_pack_spec_load(gpuarb_ctx *ctx, const char *path, gpuarb_pack_problem **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!path || !path[0])
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "no spec path");
    char *text;
    size_t len;
    gpuarb_status st = ga_read_file(ctx, path, GA_DOC_MAX_BYTES, &text, &len);
    if (st)
        return st;
    size_t n = strlen(path);
    int json = n >= 5 && ga_strcasecmp(path + n - 5, ".json") == 0;
    ga_doc doc;
    st = json ? ga_doc_parse_json(ctx, text, len, path, &doc)
              : ga_doc_parse_yaml(ctx, text, len, path, &doc);
    free(text);
    if (st)
        return st;
    return from_doc(ctx, &doc, out);
}
