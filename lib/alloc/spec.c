/*
 * spec.c - the optimize spec (SPEC section 2): validation of a ga_doc tree
 * into struct gpuarb_spec, the public load/parse/free/to_json functions,
 * and the two small queries solvers use (ga_workload_tput, ga_globs_allow).
 *
 * Wraps no dependency: text becomes a tree in doc.c, so YAML and JSON specs
 * pass through the same checks and give the same errors; the tree is read
 * with the shared getters and key walker of lib/io/docread.c.  Every field
 * is checked for type and range, every unknown key is an error (with the
 * nearest known key as a suggestion), and each error names the spec's
 * source, the 1-based line and byte column of the offending value (of the
 * key, for unknown keys; of the enclosing mapping, for missing keys) and a
 * key path such as "workloads[2].gpus".  Keys are visited in document order,
 * so the first error reported is the first one in the text.  Invariants of
 * a built spec: every field holds a validated value or its documented
 * default (spec.h), model indices are valid rows of the GPU model table,
 * workload names are unique and non-empty, and for every workload
 * 0 <= min_gpus <= max_gpus (or max_gpus = -1).  An explicit null counts as
 * an absent optional field.  Returns GPUARB_ERR_INPUT for invalid values,
 * GPUARB_ERR_LIMIT past GA_SPEC_MAX_WORKLOADS, GPUARB_ERR_ARG for API
 * misuse, GPUARB_ERR_NOMEM, and whatever doc.c (SYNTAX, LIMIT, INPUT) and
 * ga_read_file (IO) return.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/docread.h"
#include "io/limits.h"
#include "catalog/gpumodel.h"
#include "alloc/spec.h"
#include "alloc/delta.h"
#include "io/writer.h"

/* Every number's range: io/limits.h, which says why they keep the
 * solver's sums finite. */
#define GA_SPEC_MAX_WORKLOADS GA_LIM_WORKLOADS
#define GA_SPEC_MAX_GPUS GA_LIM_GPUS               /* per workload, and per node */
#define GA_SPEC_MAX_HORIZON GA_LIM_HORIZON_HOURS
#define GA_SPEC_MAX_TIME_LIMIT GA_LIM_TIME_LIMIT_S

typedef struct sp {
    gpuarb_ctx *ctx;
    gpuarb_spec *spec;
    const char *src;
    ga_rd rd;           /* errors and the key path (lib/io/docread.h) */
} sp;

static void ascii_lower(char *p)
{
    for (; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + ('a' - 'A'));
}

/* A copy of str, or a NOMEM error. */
static gpuarb_status dup_str(sp *s, const char *str, char **out)
{
    *out = ga_strdup(str);
    return *out ? GPUARB_OK : ga_nomem(s->ctx);
}

/* ---- explicit-path forms of the reader, for the catalog references ----
 * The catalog code below names its key paths itself ("catalog[1]").  It
 * runs at the top level, where the walker's path mark is 0, so replacing
 * the whole path is safe: the walker cuts it back before the next key. */

static void set_path(sp *s, const char *path)
{
    ga_rd_pop(&s->rd, 0);
    ga_rd_push_key(&s->rd, path);
}

static void path_idx(char *buf, const char *prefix, size_t i)
{
    snprintf(buf, GA_PATH_MAX, "%.200s[%zu]", prefix, i);
}

static gpuarb_status get_string(sp *s, const ga_doc_node *n, const char *path,
                                const char **out)
{
    set_path(s, path);
    return ga_rd_string(&s->rd, n, out);
}

static gpuarb_status wrong_type(sp *s, const ga_doc_node *n, const char *path, const char *want)
{
    set_path(s, path);
    return ga_rd_wrong_type(&s->rd, n, want);
}

#define FAIL_AT(s, node, path, ...) \
    (set_path((s), (path)), ga_rd_fail(&(s)->rd, (node), __VA_ARGS__))

/* ---- GPU models ---- */

/* The model named name, or an error at line:col under the current path. */
static gpuarb_status find_model(sp *s, const char *name, int32_t line, int32_t col,
                                int32_t *out)
{
    int32_t m = ga_gpumodel_find(name);
    if (m >= 0) {
        *out = m;
        return GPUARB_OK;
    }
    char near[128];
    ga_gpumodel_near(name, near, sizeof near);
    if (near[0])
        return ga_rd_fail_at(&s->rd, GPUARB_ERR_INPUT, line, col,
                             "unknown GPU model '%.100s'; did you mean: %s?", name, near);
    return ga_rd_fail_at(&s->rd, GPUARB_ERR_INPUT, line, col, "unknown GPU model '%.100s'",
                         name);
}

static gpuarb_status parse_gpu_list(sp *s, const ga_doc_node *n, ga_workload *w)
{
    ga_rd *r = &s->rd;
    size_t count = 1;
    if (n->kind == GA_DOC_SEQ) {
        if (n->n == 0)
            return ga_rd_fail(r, n,
                              "expected at least one GPU model (leave gpu out to accept any)");
        count = n->n;
    } else if (n->kind != GA_DOC_STRING) {
        return ga_rd_wrong_type(r, n, "a GPU model name or a list of them");
    }
    w->models = ga_calloc(count, sizeof *w->models);
    if (!w->models)
        return ga_nomem(s->ctx);
    for (size_t i = 0; i < count; i++) {
        const ga_doc_node *item = n->kind == GA_DOC_SEQ ? n->items[i] : n;
        size_t mark = r->len;
        if (n->kind == GA_DOC_SEQ)
            ga_rd_push_index(r, i);
        if (item->kind != GA_DOC_STRING)
            return ga_rd_wrong_type(r, item, "a GPU model name");
        int32_t m = -1;
        gpuarb_status st = find_model(s, item->str, item->line, item->col, &m);
        if (st)
            return st;
        ga_rd_pop(r, mark);
        size_t k = 0;
        while (k < w->n_models && w->models[k] != m)
            k++;
        if (k == w->n_models) /* a model named twice counts once */
            w->models[w->n_models++] = m;
    }
    return GPUARB_OK;
}

/* {MODEL: factor, ...}: the keys are model names, not a fixed table. */
static gpuarb_status parse_throughput(sp *s, const ga_doc_node *n, ga_workload *w)
{
    ga_rd *r = &s->rd;
    gpuarb_status st;
    if (n->kind == GA_DOC_STRING) {
        /* the GPU model table's relative speeds */
        static const char *const TABLE[] = {"table", NULL};
        int32_t k = 0;
        if ((st = ga_rd_enum(r, n, TABLE, &k)))
            return st;
        w->tput_table = 1;
        return GPUARB_OK;
    }
    if ((st = ga_rd_kind(r, n, GA_DOC_MAP)))
        return st;
    w->tput_models = ga_calloc(n->n, sizeof *w->tput_models);
    w->tput = ga_calloc(n->n, sizeof *w->tput);
    if (!w->tput_models || !w->tput)
        return ga_nomem(s->ctx);
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = ga_rd_push_key(r, n->keys[i]);
        int32_t m = -1;
        if ((st = find_model(s, n->keys[i], n->key_line[i], n->key_col[i], &m)))
            return st;
        for (size_t k = 0; k < w->n_tput; k++)
            if (w->tput_models[k] == m)
                return ga_rd_fail_at(r, GPUARB_ERR_INPUT, n->key_line[i], n->key_col[i],
                                     "GPU model %s is given a throughput twice",
                                     ga_gpumodel_at(m)->name);
        double v = 0;
        if ((st = ga_rd_number(r, n->items[i], GA_RD_ABOVE_UPTO(0, GA_LIM_THROUGHPUT), &v)))
            return st;
        ga_rd_pop(r, mark);
        w->tput_models[w->n_tput] = m;
        w->tput[w->n_tput] = v;
        w->n_tput++;
    }
    return GPUARB_OK;
}

static gpuarb_status parse_data(sp *s, const ga_doc_node *n, ga_workload *w)
{
    static const ga_rd_field keys[] = {
        {"provider", GA_RD_REQUIRED}, {"region", GA_RD_REQUIRED}, {"gb", GA_RD_REQUIRED},
        {NULL, 0}};
    ga_rd *r = &s->rd;
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(r, n, keys, NULL, &m);
    while (!st && !(st = ga_rd_map_next(r, &m, &k, &v)) && k >= 0) {
        const char *str = NULL;
        if (k == 0 || k == 1) {
            if ((st = ga_rd_string(r, v, &str)) ||
                (st = dup_str(s, str, k == 0 ? &w->data_provider : &w->data_region)))
                return st;
            if (k == 0)
                ascii_lower(w->data_provider);
        } else {
            st = ga_rd_number(r, v, GA_RD_CLOSED(0, GA_LIM_DATA_GB), &w->data_gb);
        }
    }
    if (st)
        return st;
    w->has_data = 1;
    return GPUARB_OK;
}

/* ---- workloads ---- */

enum {
    W_NAME, W_GPUS, W_MIN_GPUS, W_MAX_GPUS, W_GPU, W_MIN_MEM, W_GPN, W_SAME_REGION, W_SPOT,
    W_CKPT, W_RESTART, W_TPUT, W_DATA, W_SAME_ZONE, W_WORK, W_DEADLINE, W_TEAM, W_PROJECT,
    W_MOVE, W_NKEYS
};
static const ga_rd_field WORKLOAD_KEYS[] = {
    {"name", GA_RD_REQUIRED}, {"gpus", 0}, {"min_gpus", 0}, {"max_gpus", 0}, {"gpu", 0},
    {"min_gpu_memory_gb", 0}, {"gpus_per_node", 0}, {"same_region", 0}, {"spot", 0},
    {"checkpoint_minutes", 0}, {"restart_minutes", 0}, {"throughput", 0}, {"data", 0},
    {"same_zone", 0}, {"work_gpu_hours", 0}, {"deadline_hours", 0}, {"team", 0}, {"project", 0},
    {"move_hours", 0}, {NULL, 0}};
static const char *const SPOT_NAMES[] = {"never", "allow", "only", NULL};
static const char *const OBJECTIVE_NAMES[] = {"min_cost", "max_throughput", NULL};

static gpuarb_status workload_field(sp *s, int k, const ga_doc_node *v, ga_workload *w)
{
    ga_rd *r = &s->rd;
    gpuarb_status st;
    const char *str = NULL;
    switch (k) {
    case W_NAME:
        if ((st = ga_rd_string(r, v, &str)))
            return st;
        return dup_str(s, str, &w->name);
    case W_GPUS:
        return ga_rd_int32(r, v, 1, GA_SPEC_MAX_GPUS, &w->gpus);
    case W_MIN_GPUS:
        return ga_rd_int32(r, v, 0, GA_SPEC_MAX_GPUS, &w->min_gpus);
    case W_MAX_GPUS:
        return ga_rd_int32(r, v, 0, GA_SPEC_MAX_GPUS, &w->max_gpus);
    case W_GPU:
        return parse_gpu_list(s, v, w);
    case W_MIN_MEM:
        return ga_rd_number(r, v, GA_RD_ABOVE_UPTO(0, GA_LIM_GPU_MEMORY_GB),
                            &w->min_gpu_memory_gb);
    case W_GPN:
        return ga_rd_int32(r, v, 1, GA_SPEC_MAX_GPUS, &w->gpus_per_node);
    case W_SAME_REGION:
        return ga_rd_bool(r, v, &w->same_region);
    case W_SPOT:
        return ga_rd_enum(r, v, SPOT_NAMES, &w->spot);
    case W_CKPT:
        return ga_rd_number(r, v, GA_RD_CLOSED(0, GA_LIM_MINUTES), &w->checkpoint_minutes);
    case W_RESTART:
        return ga_rd_number(r, v, GA_RD_CLOSED(0, GA_LIM_MINUTES), &w->restart_minutes);
    case W_TPUT:
        return parse_throughput(s, v, w);
    case W_DATA:
        return parse_data(s, v, w);
    case W_SAME_ZONE:
        return ga_rd_bool(r, v, &w->same_zone);
    case W_WORK:
        return ga_rd_number(r, v, GA_RD_ABOVE_UPTO(0, GA_LIM_WORK_GPU_HOURS), &w->work_gpu_hours);
    case W_DEADLINE:
        return ga_rd_number(r, v, GA_RD_ABOVE_UPTO(0, GA_LIM_HORIZON_HOURS), &w->deadline_hours);
    case W_TEAM: /* cost attribution labels (issue 13) */
    case W_PROJECT:
        if ((st = ga_rd_string(r, v, &str)))
            return st;
        return dup_str(s, str, k == W_TEAM ? &w->team : &w->project);
    case W_MOVE: /* delta plans (delta.c): at most a week of price per launch */
        return ga_rd_number(r, v, GA_RD_CLOSED(0, 168), &w->move_hours);
    }
    return GPUARB_OK;
}

/* An error at node under the workload's path + "." + key. */
static gpuarb_status workload_fail(sp *s, const ga_doc_node *node, const char *key,
                                   const char *fmt, ...) GA_PRINTF(4, 5);
static gpuarb_status workload_fail(sp *s, const ga_doc_node *node, const char *key,
                                   const char *fmt, ...)
{
    ga_rd_push_key(&s->rd, key);
    va_list ap;
    va_start(ap, fmt);
    ga_verror(s->ctx, GPUARB_ERR_INPUT, s->rd.source, node->line, node->col, s->rd.path, fmt,
              ap);
    va_end(ap);
    return GPUARB_ERR_INPUT;
}

/* The cross-field rules, once every key of the workload has been read
 * (at[k]: the value of key k, NULL when absent or null). */
static gpuarb_status workload_counts(sp *s, const ga_doc_node *n, const ga_doc_node *const *at,
                                     ga_workload *w)
{
    const ga_doc_node *range = at[W_MIN_GPUS] ? at[W_MIN_GPUS] : at[W_MAX_GPUS];
    if (at[W_GPUS] && range)
        return workload_fail(s, range, range == at[W_MIN_GPUS] ? "min_gpus" : "max_gpus",
                             "give either gpus (an exact count) or min_gpus/max_gpus, not both");
    if (at[W_DEADLINE] && !at[W_WORK])
        return workload_fail(s, at[W_DEADLINE], "deadline_hours",
                             "deadline_hours needs work_gpu_hours (the work to finish)");
    if (!at[W_GPUS] && !at[W_MIN_GPUS] && !at[W_WORK])
        return workload_fail(s, n, "gpus", "workload needs gpus, min_gpus or work_gpu_hours");
    if (at[W_GPUS]) {
        w->min_gpus = w->max_gpus = w->gpus;
    } else if (at[W_WORK] && !at[W_MIN_GPUS]) {
        /* work alone: as many GPUs as pay off, at least one */
        w->gpus = -1;
        w->min_gpus = 1;
        if (!at[W_MAX_GPUS])
            w->max_gpus = -1;
        else if (w->max_gpus < 1)
            return workload_fail(s, at[W_MAX_GPUS], "max_gpus",
                                 "a work-based workload needs max_gpus of at least 1");
    } else {
        w->gpus = -1;
        if (!at[W_MAX_GPUS])
            w->max_gpus = -1;
        else if (w->max_gpus < w->min_gpus)
            return workload_fail(s, at[W_MAX_GPUS], "max_gpus",
                                 "max_gpus (%d) is less than min_gpus (%d)", (int)w->max_gpus,
                                 (int)w->min_gpus);
    }
    /* With gpus_per_node only whole nodes are bought, so some multiple of
     * it must lie in [min_gpus, max_gpus]. */
    int32_t g = w->gpus_per_node;
    if (g > 0 && w->max_gpus >= 0) {
        int64_t first = ((int64_t)w->min_gpus + g - 1) / g * g;
        if (first > w->max_gpus) {
            if (at[W_GPUS])
                return workload_fail(s, at[W_GPUS], "gpus",
                                     "gpus (%d) is not a multiple of gpus_per_node (%d)",
                                     (int)w->gpus, (int)g);
            return workload_fail(s, at[W_MAX_GPUS], "max_gpus",
                                 "no multiple of gpus_per_node (%d) lies between min_gpus (%d) "
                                 "and max_gpus (%d)",
                                 (int)g, (int)w->min_gpus, (int)w->max_gpus);
        }
    }
    if (at[W_WORK] && w->min_gpus < 1)
        return workload_fail(s, at[W_MIN_GPUS], "min_gpus",
                             "a work-based workload needs min_gpus of at least 1 (no GPU, no "
                             "progress)");
    /* one zone is stricter than one region: same_zone makes a gang */
    if (w->same_zone) {
        if (at[W_SAME_REGION] && !w->same_region)
            return workload_fail(s, at[W_SAME_REGION], "same_region",
                                 "same_region: false contradicts same_zone: true (one zone is "
                                 "in one region)");
        w->same_region = 1;
    }
    return GPUARB_OK;
}

static gpuarb_status parse_workload(sp *s, const ga_doc_node *n, ga_workload *w)
{
    w->line = n->line;
    w->col = n->col;
    w->gpus = -1;
    w->min_gpus = 0;
    w->max_gpus = -1;
    w->spot = GA_SPOT_NEVER;
    w->checkpoint_minutes = 60;
    w->restart_minutes = 5;
    w->deadline_hours = -1;
    w->move_hours = 0.25;
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(&s->rd, n, WORKLOAD_KEYS, "a mapping (one workload)", &m);
    while (!st && !(st = ga_rd_map_next(&s->rd, &m, &k, &v)) && k >= 0)
        st = workload_field(s, k, v, w);
    if (st)
        return st;
    return workload_counts(s, n, m.at, w);
}

static gpuarb_status parse_workloads(sp *s, const ga_doc_node *n)
{
    ga_rd *r = &s->rd;
    gpuarb_status st;
    gpuarb_spec *spec = s->spec;
    if ((st = ga_rd_kind(r, n, GA_DOC_SEQ)))
        return st;
    if (n->n == 0)
        return ga_rd_fail(r, n, "expected at least one workload");
    if (n->n > GA_SPEC_MAX_WORKLOADS)
        return ga_rd_fail_at(r, GPUARB_ERR_LIMIT, n->line, n->col,
                             "%zu workloads; at most %d are allowed", n->n,
                             GA_SPEC_MAX_WORKLOADS);
    spec->w = ga_calloc(n->n, sizeof *spec->w);
    if (!spec->w)
        return ga_nomem(s->ctx);
    ga_strset names = {0};
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = ga_rd_push_index(r, i);
        ga_workload *w = &spec->w[spec->n_w++];
        if ((st = parse_workload(s, n->items[i], w)))
            break;
        const char *first = NULL;
        int added = ga_strset_add(&names, w->name, &first);
        if (added < 0) {
            st = ga_nomem(s->ctx);
            break;
        }
        if (added == 0) {
            const ga_doc_node *nm = ga_doc_get(n->items[i], "name");
            int32_t line = 0;
            for (size_t j = 0; j < i; j++)
                if (spec->w[j].name == first)
                    line = (int32_t)ga_doc_get(n->items[j], "name")->line;
            st = workload_fail(s, nm, "name", "duplicate workload name '%.100s' (first at line %d)",
                               w->name, (int)line);
            break;
        }
        ga_rd_pop(r, mark);
    }
    ga_strset_free(&names);
    return st;
}

/* ---- catalogs ---- */

/* The catalog layer parses the reference (and resolves its path against
 * the spec's folder); errors are placed at the node. */
static gpuarb_status catalog_ref(sp *s, const ga_doc_node *n, const char *path,
                                 ga_catalog_ref *ref)
{
    const char *str = NULL;
    gpuarb_status st = get_string(s, n, path, &str);
    if (st)
        return st;
    ga_loc at = {s->spec->source, n->line, n->col};
    return ga_catalog_ref_parse(s->ctx, str, s->spec->base_dir, &at, path, ref);
}

static gpuarb_status parse_catalog(sp *s, const ga_doc_node *n)
{
    gpuarb_spec *spec = s->spec;
    if (n->kind == GA_DOC_STRING && ga_catalog_ref_is_builtin(n->str))
        return GPUARB_OK; /* the default */
    if (n->kind == GA_DOC_STRING) {
        spec->catalogs = ga_calloc(1, sizeof *spec->catalogs);
        if (!spec->catalogs)
            return ga_nomem(s->ctx);
        spec->n_catalogs = 1;
        spec->catalog_builtin = 0;
        return catalog_ref(s, n, "catalog", &spec->catalogs[0]);
    }
    if (n->kind != GA_DOC_SEQ)
        return wrong_type(s, n, "catalog", "\"builtin\", a catalog path or a list of paths");
    if (n->n == 0)
        return FAIL_AT(s, n, "catalog", "expected at least one catalog");
    char path[GA_PATH_MAX];
    for (size_t i = 0; i < n->n; i++) {
        const ga_doc_node *it = n->items[i];
        if (it->kind == GA_DOC_STRING && ga_catalog_ref_is_builtin(it->str)) {
            if (n->n == 1)
                return GPUARB_OK;
            path_idx(path, "catalog", i);
            return FAIL_AT(s, it, path,
                           "'builtin' cannot be combined with catalog files; list the files "
                           "alone");
        }
    }
    spec->catalogs = ga_calloc(n->n, sizeof *spec->catalogs);
    if (!spec->catalogs)
        return ga_nomem(s->ctx);
    spec->catalog_builtin = 0;
    for (size_t i = 0; i < n->n; i++) {
        path_idx(path, "catalog", i);
        spec->n_catalogs++;
        gpuarb_status st = catalog_ref(s, n->items[i], path, &spec->catalogs[i]);
        if (st)
            return st;
    }
    return GPUARB_OK;
}

/* ---- constraints, egress ---- */

static gpuarb_status parse_globs(sp *s, const ga_doc_node *n, int lower, ga_globs *g)
{
    static const ga_rd_field keys[] = {{"allow", 0}, {"deny", 0}, {NULL, 0}};
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(&s->rd, n, keys, NULL, &m);
    while (!st && !(st = ga_rd_map_next(&s->rd, &m, &k, &v)) && k >= 0) {
        char ***list = k == 0 ? &g->allow : &g->deny;
        size_t *count = k == 0 ? &g->n_allow : &g->n_deny;
        st = ga_rd_strings(&s->rd, v, list, count);
        for (size_t i = 0; lower && i < *count; i++)
            ascii_lower((*list)[i]);
        /* where each entry is, for errors about it (unknown providers) */
        int32_t **at = k == 0 ? &g->allow_at : &g->deny_at;
        if (!st && !*at && !(*at = ga_calloc(2 * (*count ? *count : 1), sizeof **at)))
            st = ga_nomem(s->ctx);
        for (size_t i = 0; !st && i < *count && i < v->n; i++) {
            (*at)[2 * i] = v->items[i]->line;
            (*at)[2 * i + 1] = v->items[i]->col;
        }
    }
    return st;
}

static gpuarb_status constraint_field(void *arg, int k, const ga_doc_node *v)
{
    sp *s = arg;
    switch (k) {
    case 0: return parse_globs(s, v, 1, &s->spec->providers);
    case 1: return parse_globs(s, v, 0, &s->spec->regions);
    case 2:
        return ga_rd_number(&s->rd, v, GA_RD_ABOVE_UPTO(0, 1), &s->spec->max_provider_share);
    default: return ga_rd_number(&s->rd, v, GA_RD_CLOSED(0, 1), &s->spec->max_spot_share);
    }
}

static gpuarb_status parse_constraints(sp *s, const ga_doc_node *n)
{
    static const ga_rd_field keys[] = {{"providers", 0}, {"regions", 0},
                                       {"max_provider_share", 0}, {"max_spot_share", 0},
                                       {NULL, 0}};
    ga_rd_map m;
    return ga_rd_map_each(&s->rd, n, keys, NULL, &m, constraint_field, s);
}

static gpuarb_status parse_egress(sp *s, const ga_doc_node *n)
{
    static const ga_rd_field keys[] = {{"same_provider", 0}, {"other_provider", 0}, {NULL, 0}};
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(&s->rd, n, keys, NULL, &m);
    while (!st && !(st = ga_rd_map_next(&s->rd, &m, &k, &v)) && k >= 0)
        st = ga_rd_number(&s->rd, v, GA_RD_CLOSED(0, GA_LIM_EGRESS_PER_GB),
                          k == 0 ? &s->spec->egress_same : &s->spec->egress_other);
    return st;
}

/* ---- the top level ---- */

enum { R_VERSION, R_CATALOG, R_OBJECTIVE, R_HORIZON, R_BUDGET, R_TIME, R_CONSTRAINTS, R_EGRESS,
       R_WORKLOADS, R_MEMORY, R_CURRENT, R_NKEYS };
static const ga_rd_field ROOT_KEYS[] = {
    {"version", 0}, {"catalog", 0}, {"objective", 0}, {"horizon_hours", 0},
    {"budget_per_hour", 0}, {"time_limit_s", 0}, {"constraints", 0}, {"egress_per_gb", 0},
    {"workloads", GA_RD_REQUIRED}, {"memory_limit_mib", 0}, {"current", 0}, {NULL, 0}};

static gpuarb_status root_field(void *arg, int k, const ga_doc_node *v)
{
    sp *s = arg;
    gpuarb_spec *spec = s->spec;
    ga_rd *r = &s->rd;
    switch (k) {
    case R_VERSION: return ga_rd_version(r, v, 1);
    case R_CATALOG: return parse_catalog(s, v);
    case R_OBJECTIVE: return ga_rd_enum(r, v, OBJECTIVE_NAMES, &spec->objective);
    case R_HORIZON:
        return ga_rd_number(r, v, GA_RD_ABOVE_UPTO(0, GA_SPEC_MAX_HORIZON), &spec->horizon_hours);
    case R_BUDGET:
        return ga_rd_number(r, v, GA_RD_CLOSED(0, GA_LIM_BUDGET_HOUR), &spec->budget_per_hour);
    case R_TIME:
        return ga_rd_number(r, v, GA_RD_ABOVE_UPTO(0, GA_SPEC_MAX_TIME_LIMIT),
                            &spec->time_limit_s);
    case R_CONSTRAINTS: return parse_constraints(s, v);
    case R_EGRESS: return parse_egress(s, v);
    case R_WORKLOADS: return parse_workloads(s, v);
    case R_MEMORY:
        return ga_rd_number(r, v, GA_RD_ABOVE_UPTO(0, GA_MAX_MEMORY_MIB),
                            &spec->memory_limit_mib);
    case R_CURRENT: /* delta plans: the fleet running now (delta.c) */
        if (!(spec->current = ga_calloc(1, sizeof *spec->current)) ||
            !(spec->current->source = ga_strdup(s->src)))
            return ga_nomem(s->ctx);
        return ga_fleet_read_rows(r, v, spec->current);
    }
    return GPUARB_OK;
}

static gpuarb_status parse_root(sp *s, const ga_doc_node *root)
{
    ga_rd_map m;
    gpuarb_status st = ga_rd_map_each(&s->rd, root, ROOT_KEYS, "a mapping (the spec's top level)",
                                      &m, root_field, s);
    if (st)
        return st;
    if (s->spec->objective == GA_OBJ_MAX_THROUGHPUT && !m.at[R_BUDGET]) {
        ga_rd_push_key(&s->rd, "budget_per_hour");
        return ga_rd_fail(&s->rd, m.at[R_OBJECTIVE],
                          "objective max_throughput needs budget_per_hour");
    }
    for (size_t i = 0; i < s->spec->n_w; i++) {
        const ga_workload *w = &s->spec->w[i];
        if (s->spec->objective == GA_OBJ_MAX_THROUGHPUT && w->work_gpu_hours > 0) {
            ga_rd_push_key(&s->rd, "objective");
            return ga_rd_fail(&s->rd, m.at[R_OBJECTIVE],
                              "objective max_throughput cannot be used with work_gpu_hours "
                              "(workload '%.100s', line %d): a work-based workload pays for "
                              "the hours its work takes; use min_cost, with deadline_hours to "
                              "bound the time",
                              w->name, (int)w->line);
        }
    }
    return GPUARB_OK;
}

static void free_globs(ga_globs *g)
{
    for (size_t i = 0; i < g->n_allow; i++)
        free(g->allow[i]);
    for (size_t i = 0; i < g->n_deny; i++)
        free(g->deny[i]);
    free(g->allow);
    free(g->deny);
    free(g->allow_at);
    free(g->deny_at);
}

void gpuarb_spec_free(gpuarb_spec *spec)
{
    if (!spec)
        return;
    for (size_t i = 0; i < spec->n_w; i++) {
        ga_workload *w = &spec->w[i];
        free(w->name);
        free(w->models);
        free(w->tput_models);
        free(w->tput);
        free(w->data_provider);
        free(w->data_region);
        free(w->team);
        free(w->project);
    }
    free(spec->w);
    for (size_t i = 0; i < spec->n_catalogs; i++)
        ga_catalog_ref_free(&spec->catalogs[i]);
    free(spec->catalogs);
    free_globs(&spec->providers);
    free_globs(&spec->regions);
    free(spec->source);
    free(spec->base_dir);
    gpuarb_fleet_free(spec->current);
    free(spec);
}

gpuarb_status gpuarb_spec_set_current(gpuarb_ctx *ctx, gpuarb_spec *spec,
                                      const gpuarb_fleet *fleet)
{
    if (!spec)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "gpuarb_spec_set_current: NULL spec");
    gpuarb_fleet *c = NULL;
    if (fleet && !(c = ga_fleet_copy(fleet)))
        return ga_nomem(ctx);
    gpuarb_fleet_free(spec->current);
    spec->current = c;
    return GPUARB_OK;
}

/* Validate doc into a new spec.  doc is freed here in every case. */
static gpuarb_status spec_from_doc(gpuarb_ctx *ctx, ga_doc *doc, const char *base_dir,
                                   gpuarb_spec **out)
{
    gpuarb_spec *spec = ga_calloc(1, sizeof *spec);
    gpuarb_status st = GPUARB_OK;
    if (!spec || !(spec->source = ga_strdup(doc->source)) ||
        (base_dir && !(spec->base_dir = ga_strdup(base_dir)))) {
        st = ga_nomem(ctx);
    } else {
        spec->objective = GA_OBJ_MIN_COST;
        spec->horizon_hours = 1;
        spec->budget_per_hour = -1;
        spec->time_limit_s = 10;
        spec->memory_limit_mib = GA_DEFAULT_MEMORY_MIB;
        spec->catalog_builtin = 1;
        spec->max_provider_share = -1;
        spec->max_spot_share = -1;
        spec->egress_same = 0.02;
        spec->egress_other = 0.09;
        sp s = {ctx, spec, spec->source, {0}};
        ga_rd_init(&s.rd, ctx, spec->source);
        st = parse_root(&s, doc->root);
    }
    ga_doc_free(doc);
    if (st) {
        gpuarb_spec_free(spec);
        return st;
    }
    *out = spec;
    return GPUARB_OK;
}

gpuarb_status gpuarb_spec_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                const char *source, const char *base_dir, gpuarb_spec **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_from_text(ctx, out != NULL, text, len, source, &doc);
    if (st)
        return st;
    return spec_from_doc(ctx, &doc, base_dir, out);
}

gpuarb_status gpuarb_spec_load(gpuarb_ctx *ctx, const char *path, gpuarb_spec **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_load(ctx, out != NULL, path, &doc);
    if (st)
        return st;
    /* The folder of the file resolves relative catalog paths; a bare file
     * name leaves them relative to the current directory. */
    char *dir = NULL;
    const char *slash = strrchr(path, '/');
    if (slash) {
        dir = slash == path ? ga_strdup("/") : ga_strndup(path, (size_t)(slash - path));
        if (!dir) {
            ga_doc_free(&doc);
            return ga_nomem(ctx);
        }
    }
    st = spec_from_doc(ctx, &doc, dir, out);
    free(dir);
    return st;
}

int32_t gpuarb_spec_workload_count(const gpuarb_spec *spec)
{
    return spec ? (int32_t)spec->n_w : 0;
}

/* ---- queries ---- */

double ga_workload_tput(const ga_workload *w, int32_t model)
{
    for (size_t i = 0; i < w->n_tput; i++)
        if (w->tput_models[i] == model)
            return w->tput[i];
    if (w->tput_table) {
        double v = ga_gpumodel_at(model)->relative_speed;
        return v > 0 ? v : 1.0;
    }
    return 1.0;
}

int ga_globs_allow(const ga_globs *g, const char *name)
{
    int ok = g->n_allow == 0;
    for (size_t i = 0; !ok && i < g->n_allow; i++)
        ok = ga_glob_match(g->allow[i], name);
    for (size_t i = 0; ok && i < g->n_deny; i++)
        ok = !ga_glob_match(g->deny[i], name);
    return ok;
}

/* ---- canonical JSON ---- */

/* Layout: one key per line, short lists and maps inline. */

static void put_str_list(ga_writer *w, char *const *v, size_t n)
{
    ga_w_arr_open(w, GA_W_INLINE);
    for (size_t i = 0; i < n; i++)
        ga_w_str(w, v[i]);
    ga_w_arr_end(w);
}

static void put_globs(ga_writer *w, const char *key, const ga_globs *g)
{
    ga_w_key(w, key);
    ga_w_obj_open(w, GA_W_INLINE);
    ga_w_key(w, "allow");
    put_str_list(w, g->allow, g->n_allow);
    ga_w_key(w, "deny");
    put_str_list(w, g->deny, g->n_deny);
    ga_w_obj_end(w);
}

static void put_catalogs(ga_writer *w, const gpuarb_spec *spec)
{
    ga_w_key(w, "catalog");
    if (spec->catalog_builtin || spec->n_catalogs == 0) {
        ga_w_str(w, "builtin");
        return;
    }
    ga_w_arr_open(w, GA_W_INLINE);
    for (size_t i = 0; i < spec->n_catalogs; i++) {
        const ga_catalog_ref *r = &spec->catalogs[i];
        ga_strbuf one;
        ga_sb_init(&one);
        if (r->provider)
            ga_sb_printf(&one, "skypilot:%s:", r->provider);
        ga_sb_puts(&one, r->path);
        if (one.oom)
            w->b.oom = 1;
        else
            ga_w_str(w, one.s);
        ga_sb_free(&one);
    }
    ga_w_arr_end(w);
}

static void put_workload(ga_writer *w, const ga_workload *wl)
{
    ga_w_obj_begin(w);
    ga_w_kv_str(w, "name", wl->name);
    if (wl->gpus >= 0) {
        ga_w_kv_int(w, "gpus", wl->gpus);
    } else {
        ga_w_kv_int(w, "min_gpus", wl->min_gpus);
        ga_w_kv_int_or_null(w, "max_gpus", wl->max_gpus >= 0, wl->max_gpus);
    }
    ga_w_key(w, "gpu");
    if (wl->n_models) {
        ga_w_arr_open(w, GA_W_INLINE);
        for (size_t i = 0; i < wl->n_models; i++)
            ga_w_str(w, ga_gpumodel_at(wl->models[i])->name);
        ga_w_arr_end(w);
    } else {
        ga_w_null(w);
    }
    ga_w_kv_num_or_null(w, "min_gpu_memory_gb", wl->min_gpu_memory_gb > 0, wl->min_gpu_memory_gb);
    ga_w_kv_int_or_null(w, "gpus_per_node", wl->gpus_per_node > 0, wl->gpus_per_node);
    ga_w_kv_bool(w, "same_region", wl->same_region);
    ga_w_kv_bool(w, "same_zone", wl->same_zone);
    ga_w_kv_str(w, "spot", SPOT_NAMES[wl->spot >= 0 && wl->spot <= 2 ? wl->spot : 0]);
    ga_w_kv_num(w, "checkpoint_minutes", wl->checkpoint_minutes);
    ga_w_kv_num(w, "restart_minutes", wl->restart_minutes);
    ga_w_key(w, "throughput");
    if (wl->tput_table) {
        ga_w_str(w, "table");
    } else {
        ga_w_obj_open(w, GA_W_INLINE);
        for (size_t i = 0; i < wl->n_tput; i++) {
            ga_w_key(w, ga_gpumodel_at(wl->tput_models[i])->name);
            ga_w_num(w, wl->tput[i]);
        }
        ga_w_obj_end(w);
    }
    ga_w_kv_num_or_null(w, "work_gpu_hours", wl->work_gpu_hours > 0, wl->work_gpu_hours);
    ga_w_kv_num_or_null(w, "deadline_hours", wl->deadline_hours > 0, wl->deadline_hours);
    ga_w_key(w, "data");
    if (wl->has_data) {
        ga_w_obj_open(w, GA_W_INLINE);
        ga_w_kv_str(w, "provider", wl->data_provider);
        ga_w_kv_str(w, "region", wl->data_region);
        ga_w_kv_num(w, "gb", wl->data_gb);
        ga_w_obj_end(w);
    } else {
        ga_w_null(w);
    }
    if (wl->team) /* attribution labels (issue 13): only when given */
        ga_w_kv_str(w, "team", wl->team);
    if (wl->project)
        ga_w_kv_str(w, "project", wl->project);
    ga_w_obj_end(w);
}

gpuarb_status gpuarb_spec_to_json(gpuarb_ctx *ctx, const gpuarb_spec *spec, char **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!spec)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "spec is NULL");
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_PRETTY | GA_W_INDENT(2));
    ga_w_obj_begin(&w);
    ga_w_kv_int(&w, "version", 1);
    put_catalogs(&w, spec);
    ga_w_kv_str(&w, "objective", OBJECTIVE_NAMES[spec->objective == GA_OBJ_MAX_THROUGHPUT]);
    ga_w_kv_num(&w, "horizon_hours", spec->horizon_hours);
    ga_w_kv_num_or_null(&w, "budget_per_hour", spec->budget_per_hour >= 0, spec->budget_per_hour);
    ga_w_kv_num(&w, "time_limit_s", spec->time_limit_s);
    ga_w_kv_num(&w, "memory_limit_mib", spec->memory_limit_mib);
    ga_w_key(&w, "constraints");
    ga_w_obj_begin(&w);
    put_globs(&w, "providers", &spec->providers);
    put_globs(&w, "regions", &spec->regions);
    ga_w_kv_num_or_null(&w, "max_provider_share", spec->max_provider_share >= 0,
                        spec->max_provider_share);
    ga_w_kv_num_or_null(&w, "max_spot_share", spec->max_spot_share >= 0, spec->max_spot_share);
    ga_w_obj_end(&w);
    ga_w_key(&w, "egress_per_gb");
    ga_w_obj_open(&w, GA_W_INLINE);
    ga_w_kv_num(&w, "same_provider", spec->egress_same);
    ga_w_kv_num(&w, "other_provider", spec->egress_other);
    ga_w_obj_end(&w);
    ga_w_key(&w, "workloads");
    ga_w_arr_begin(&w);
    for (size_t i = 0; i < spec->n_w; i++)
        put_workload(&w, &spec->w[i]);
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    return ga_w_finish(&w, ctx, out);
}
