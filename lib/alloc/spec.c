/*
 * spec.c - the optimize spec (SPEC section 2): validation of a ga_doc tree
 * into struct gpuarb_spec, the public load/parse/free/to_json functions,
 * and the two small queries solvers use (ga_workload_tput, ga_globs_allow).
 *
 * Wraps no dependency: text becomes a tree in doc.c, so YAML and JSON specs
 * pass through the same checks and give the same errors.  Every field is
 * checked for type and range, every unknown key is an error (with the
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

#include "io/doc.h"
#include "catalog/gpumodel.h"
#include "alloc/spec.h"

#define GA_SPEC_MAX_WORKLOADS 100000
#define GA_SPEC_MAX_GPUS 1000000          /* per workload, and per node */
#define GA_SPEC_MAX_HORIZON 1000000.0     /* hours, about 114 years */
#define GA_SPEC_MAX_TIME_LIMIT 86400.0    /* seconds */

typedef struct sp {
    gpuarb_ctx *ctx;
    gpuarb_spec *spec;
    const char *src;
} sp;

/* ---- errors and paths ---- */

static gpuarb_status fail(sp *s, gpuarb_status st, int32_t line, int32_t col, const char *path,
                          const char *fmt, ...) GA_PRINTF(6, 7);
static gpuarb_status fail(sp *s, gpuarb_status st, int32_t line, int32_t col, const char *path,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ga_verror(s->ctx, st, s->src, line, col, path, fmt, ap);
    va_end(ap);
    return st;
}

#define FAIL_AT(s, node, path, ...) \
    fail((s), GPUARB_ERR_INPUT, (node)->line, (node)->col, (path), __VA_ARGS__)

/* Paths are built by hand so that an over-long key is cut, not an error. */
static void path_cat(char *buf, const char *a, const char *b, const char *c)
{
    size_t used = 0;
    const char *parts[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(parts[i]);
        if (n > GA_PATH_MAX - 1 - used)
            n = GA_PATH_MAX - 1 - used;
        memcpy(buf + used, parts[i], n);
        used += n;
    }
    buf[used] = '\0';
}

static void path_key(char *buf, const char *prefix, const char *key)
{
    char tmp[GA_PATH_MAX];
    memcpy(tmp, prefix, strlen(prefix) + 1); /* prefix may be buf */
    path_cat(buf, tmp, tmp[0] ? "." : "", key);
}

static void path_idx(char *buf, const char *prefix, size_t i)
{
    char tmp[GA_PATH_MAX], idx[32];
    memcpy(tmp, prefix, strlen(prefix) + 1);
    snprintf(idx, sizeof idx, "[%zu]", i);
    path_cat(buf, tmp, idx, "");
}

/* "a string ('eight')" / "null" / "a list": what a value is, for messages. */
static const char *found(const ga_doc_node *n, char *buf, size_t cap)
{
    if ((n->kind == GA_DOC_STRING || n->kind == GA_DOC_NUMBER || n->kind == GA_DOC_BOOL) &&
        n->str)
        snprintf(buf, cap, "%s ('%.40s%s')", ga_doc_kind_name(n->kind), n->str,
                 strlen(n->str) > 40 ? "..." : "");
    else
        snprintf(buf, cap, "%s", ga_doc_kind_name(n->kind));
    return buf;
}

static gpuarb_status wrong_type(sp *s, const ga_doc_node *n, const char *path, const char *want)
{
    char b[96];
    return FAIL_AT(s, n, path, "expected %s, found %s", want, found(n, b, sizeof b));
}


/* The closest of names (NULL-terminated) to word, or NULL when none is
 * within 2 edits (and fewer edits than word has letters). */
static const char *closest(const char *word, const char *const *names)
{
    const char *best = NULL;
    int bd = 3, len = (int)strlen(word);
    for (; *names; names++) {
        int d = ga_edit_distance(word, *names);
        if (d < bd && d < len) {
            bd = d;
            best = *names;
        }
    }
    return best;
}

/* Index of key in names, or an "unknown key" error at the key. */
static gpuarb_status lookup_key(sp *s, const ga_doc_node *map, size_t i, const char *prefix,
                                const char *const *names, int *out)
{
    const char *key = map->keys[i];
    for (int k = 0; names[k]; k++) {
        if (strcmp(key, names[k]) == 0) {
            *out = k;
            return GPUARB_OK;
        }
    }
    char path[GA_PATH_MAX];
    path_key(path, prefix, key);
    const char *near = closest(key, names);
    if (near)
        return fail(s, GPUARB_ERR_INPUT, map->key_line[i], map->key_col[i], path,
                    "unknown key '%.100s'; did you mean '%s'?", key, near);
    return fail(s, GPUARB_ERR_INPUT, map->key_line[i], map->key_col[i], path,
                "unknown key '%.100s'", key);
}

static gpuarb_status missing(sp *s, const ga_doc_node *map, const char *prefix, const char *key)
{
    char path[GA_PATH_MAX];
    path_key(path, prefix, key);
    return FAIL_AT(s, map, path, "missing required key '%s'", key);
}

/* ---- typed getters: each checks kind and range and reports at the value ---- */

static gpuarb_status get_number(sp *s, const ga_doc_node *n, const char *path, double *out)
{
    if (n->kind != GA_DOC_NUMBER)
        return wrong_type(s, n, path, "a number");
    *out = n->number;
    return GPUARB_OK;
}

/* Shortest spelling of a bound for messages: "0", "0.5", "86400". */
static void bound_text(char *buf, double v)
{
    ga_fmt_double(buf, v);
    size_t k = strlen(buf);
    if (k > 2 && !strcmp(buf + k - 2, ".0"))
        buf[k - 2] = '\0';
}

/* A number in [lo, hi], or (lo, hi] when lo_open; hi >= 1e300 means none. */
static gpuarb_status get_range(sp *s, const ga_doc_node *n, const char *path, double lo,
                               int lo_open, double hi, double *out)
{
    gpuarb_status st = get_number(s, n, path, out);
    if (st)
        return st;
    double v = *out;
    int below = lo_open ? !(v > lo) : !(v >= lo);
    if (!below && v <= hi)
        return GPUARB_OK;
    char los[48], his[48];
    bound_text(los, lo);
    bound_text(his, hi);
    const char *rel = lo_open ? "greater than" : "at least";
    if (hi >= 1e300)
        return FAIL_AT(s, n, path, "must be %s %s, found %s", rel, los, n->str);
    return FAIL_AT(s, n, path, "must be %s %s and at most %s, found %s", rel, los, his, n->str);
}

static gpuarb_status get_int(sp *s, const ga_doc_node *n, const char *path, int32_t lo,
                             int32_t hi, int32_t *out)
{
    if (n->kind != GA_DOC_NUMBER)
        return wrong_type(s, n, path, "an integer");
    if (!n->is_integer)
        return FAIL_AT(s, n, path, "expected an integer, found %s", n->str ? n->str : "a fraction");
    if (n->number < lo)
        return FAIL_AT(s, n, path, "must be at least %d, found %s", (int)lo, n->str);
    if (n->number > hi)
        return FAIL_AT(s, n, path, "must be at most %d, found %s", (int)hi, n->str);
    *out = (int32_t)n->number;
    return GPUARB_OK;
}

static gpuarb_status get_string(sp *s, const ga_doc_node *n, const char *path,
                                const char **out)
{
    if (n->kind != GA_DOC_STRING)
        return wrong_type(s, n, path, "a string");
    if (!n->str[0])
        return FAIL_AT(s, n, path, "must not be empty");
    *out = n->str;
    return GPUARB_OK;
}

static gpuarb_status get_bool(sp *s, const ga_doc_node *n, const char *path, int32_t *out)
{
    if (n->kind != GA_DOC_BOOL)
        return wrong_type(s, n, path, "true or false");
    *out = n->boolean ? 1 : 0;
    return GPUARB_OK;
}

static gpuarb_status get_enum(sp *s, const ga_doc_node *n, const char *path,
                              const char *const *names, int32_t *out)
{
    char list[128] = "";
    for (int k = 0; names[k]; k++) {
        if (n->kind == GA_DOC_STRING && strcmp(n->str, names[k]) == 0) {
            *out = k;
            return GPUARB_OK;
        }
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", names[k]);
    }
    if (n->kind != GA_DOC_STRING) {
        char want[160];
        snprintf(want, sizeof want, "one of %s", list);
        return wrong_type(s, n, path, want);
    }
    const char *near = closest(n->str, names);
    if (near)
        return FAIL_AT(s, n, path, "'%.100s' is not one of %s; did you mean '%s'?", n->str, list,
                       near);
    return FAIL_AT(s, n, path, "'%.100s' is not one of %s", n->str, list);
}

static gpuarb_status expect_kind(sp *s, const ga_doc_node *n, const char *path, ga_doc_kind k)
{
    if (n->kind == k)
        return GPUARB_OK;
    return wrong_type(s, n, path, ga_doc_kind_name(k));
}

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

/* ---- GPU models ---- */

static gpuarb_status find_model(sp *s, const char *name, int32_t line, int32_t col,
                                const char *path, int32_t *out)
{
    int32_t m = ga_gpumodel_find(name);
    if (m >= 0) {
        *out = m;
        return GPUARB_OK;
    }
    char near[128];
    ga_gpumodel_near(name, near, sizeof near);
    if (near[0])
        return fail(s, GPUARB_ERR_INPUT, line, col, path,
                    "unknown GPU model '%.100s'; did you mean: %s?", name, near);
    return fail(s, GPUARB_ERR_INPUT, line, col, path, "unknown GPU model '%.100s'", name);
}

static gpuarb_status parse_gpu_list(sp *s, const ga_doc_node *n, const char *path,
                                    ga_workload *w)
{
    const ga_doc_node *one = n;
    size_t count = 1;
    if (n->kind == GA_DOC_SEQ) {
        if (n->n == 0)
            return FAIL_AT(s, n, path,
                           "expected at least one GPU model (leave gpu out to accept any)");
        count = n->n;
    } else if (n->kind != GA_DOC_STRING) {
        return wrong_type(s, n, path, "a GPU model name or a list of them");
    }
    w->models = ga_calloc(count, sizeof *w->models);
    if (!w->models)
        return ga_nomem(s->ctx);
    for (size_t i = 0; i < count; i++) {
        char ipath[GA_PATH_MAX];
        const ga_doc_node *item = n->kind == GA_DOC_SEQ ? n->items[i] : one;
        if (n->kind == GA_DOC_SEQ)
            path_idx(ipath, path, i);
        else
            path_cat(ipath, path, "", "");
        if (item->kind != GA_DOC_STRING)
            return wrong_type(s, item, ipath, "a GPU model name");
        int32_t m = -1;
        gpuarb_status st = find_model(s, item->str, item->line, item->col, ipath, &m);
        if (st)
            return st;
        size_t k = 0;
        while (k < w->n_models && w->models[k] != m)
            k++;
        if (k == w->n_models) /* a model named twice counts once */
            w->models[w->n_models++] = m;
    }
    return GPUARB_OK;
}

static gpuarb_status parse_throughput(sp *s, const ga_doc_node *n, const char *path,
                                      ga_workload *w)
{
    gpuarb_status st;
    if ((st = expect_kind(s, n, path, GA_DOC_MAP)))
        return st;
    w->tput_models = ga_calloc(n->n, sizeof *w->tput_models);
    w->tput = ga_calloc(n->n, sizeof *w->tput);
    if (!w->tput_models || !w->tput)
        return ga_nomem(s->ctx);
    for (size_t i = 0; i < n->n; i++) {
        char kpath[GA_PATH_MAX];
        path_key(kpath, path, n->keys[i]);
        int32_t m = -1;
        if ((st = find_model(s, n->keys[i], n->key_line[i], n->key_col[i], kpath, &m)))
            return st;
        for (size_t k = 0; k < w->n_tput; k++)
            if (w->tput_models[k] == m)
                return fail(s, GPUARB_ERR_INPUT, n->key_line[i], n->key_col[i], kpath,
                            "GPU model %s is given a throughput twice",
                            ga_gpumodel_at(m)->name);
        double v = 0;
        if ((st = get_range(s, n->items[i], kpath, 0, 1, 1e300, &v)))
            return st;
        w->tput_models[w->n_tput] = m;
        w->tput[w->n_tput] = v;
        w->n_tput++;
    }
    return GPUARB_OK;
}

static gpuarb_status parse_data(sp *s, const ga_doc_node *n, const char *path, ga_workload *w)
{
    static const char *const keys[] = {"provider", "region", "gb", NULL};
    gpuarb_status st;
    if ((st = expect_kind(s, n, path, GA_DOC_MAP)))
        return st;
    int seen[3] = {0, 0, 0};
    for (size_t i = 0; i < n->n; i++) {
        int k = 0;
        if ((st = lookup_key(s, n, i, path, keys, &k)))
            return st;
        char kpath[GA_PATH_MAX];
        path_key(kpath, path, n->keys[i]);
        const ga_doc_node *v = n->items[i];
        const char *str = NULL;
        seen[k] = 1;
        if (k == 0 || k == 1) {
            if ((st = get_string(s, v, kpath, &str)) ||
                (st = dup_str(s, str, k == 0 ? &w->data_provider : &w->data_region)))
                return st;
            if (k == 0)
                ascii_lower(w->data_provider);
        } else if ((st = get_range(s, v, kpath, 0, 0, 1e300, &w->data_gb))) {
            return st;
        }
    }
    for (int k = 0; k < 3; k++)
        if (!seen[k])
            return missing(s, n, path, keys[k]);
    w->has_data = 1;
    return GPUARB_OK;
}

/* ---- workloads ---- */

enum {
    W_NAME, W_GPUS, W_MIN_GPUS, W_MAX_GPUS, W_GPU, W_MIN_MEM, W_GPN, W_SAME_REGION, W_SPOT,
    W_CKPT, W_RESTART, W_TPUT, W_DATA, W_NKEYS
};
static const char *const WORKLOAD_KEYS[] = {
    "name", "gpus", "min_gpus", "max_gpus", "gpu", "min_gpu_memory_gb", "gpus_per_node",
    "same_region", "spot", "checkpoint_minutes", "restart_minutes", "throughput", "data", NULL};
static const char *const SPOT_NAMES[] = {"never", "allow", "only", NULL};
static const char *const OBJECTIVE_NAMES[] = {"min_cost", "max_throughput", NULL};

static gpuarb_status workload_field(sp *s, int k, const ga_doc_node *v, const char *kpath,
                                    ga_workload *w)
{
    gpuarb_status st;
    const char *str = NULL;
    switch (k) {
    case W_NAME:
        if ((st = get_string(s, v, kpath, &str)))
            return st;
        return dup_str(s, str, &w->name);
    case W_GPUS:
        return get_int(s, v, kpath, 1, GA_SPEC_MAX_GPUS, &w->gpus);
    case W_MIN_GPUS:
        return get_int(s, v, kpath, 0, GA_SPEC_MAX_GPUS, &w->min_gpus);
    case W_MAX_GPUS:
        return get_int(s, v, kpath, 0, GA_SPEC_MAX_GPUS, &w->max_gpus);
    case W_GPU:
        return parse_gpu_list(s, v, kpath, w);
    case W_MIN_MEM:
        return get_range(s, v, kpath, 0, 1, 1e300, &w->min_gpu_memory_gb);
    case W_GPN:
        return get_int(s, v, kpath, 1, GA_SPEC_MAX_GPUS, &w->gpus_per_node);
    case W_SAME_REGION:
        return get_bool(s, v, kpath, &w->same_region);
    case W_SPOT:
        return get_enum(s, v, kpath, SPOT_NAMES, &w->spot);
    case W_CKPT:
        return get_range(s, v, kpath, 0, 0, 1e300, &w->checkpoint_minutes);
    case W_RESTART:
        return get_range(s, v, kpath, 0, 0, 1e300, &w->restart_minutes);
    case W_TPUT:
        return parse_throughput(s, v, kpath, w);
    case W_DATA:
        return parse_data(s, v, kpath, w);
    }
    return GPUARB_OK;
}

/* The cross-field rules, once every key of the workload has been read. */
static gpuarb_status workload_counts(sp *s, const ga_doc_node *n, const char *prefix,
                                     const ga_doc_node *const *at, ga_workload *w)
{
    char path[GA_PATH_MAX];
    const ga_doc_node *range = at[W_MIN_GPUS] ? at[W_MIN_GPUS] : at[W_MAX_GPUS];
    if (at[W_GPUS] && range) {
        path_key(path, prefix, range == at[W_MIN_GPUS] ? "min_gpus" : "max_gpus");
        return FAIL_AT(s, range, path,
                       "give either gpus (an exact count) or min_gpus/max_gpus, not both");
    }
    if (!at[W_GPUS] && !at[W_MIN_GPUS]) {
        path_key(path, prefix, "gpus");
        return FAIL_AT(s, n, path, "workload needs gpus or min_gpus");
    }
    if (at[W_GPUS]) {
        w->min_gpus = w->max_gpus = w->gpus;
    } else {
        w->gpus = -1;
        if (!at[W_MAX_GPUS])
            w->max_gpus = -1;
        else if (w->max_gpus < w->min_gpus) {
            path_key(path, prefix, "max_gpus");
            return FAIL_AT(s, at[W_MAX_GPUS], path, "max_gpus (%d) is less than min_gpus (%d)",
                           (int)w->max_gpus, (int)w->min_gpus);
        }
    }
    /* With gpus_per_node only whole nodes are bought, so some multiple of
     * it must lie in [min_gpus, max_gpus]. */
    int32_t g = w->gpus_per_node;
    if (g > 0 && w->max_gpus >= 0) {
        int64_t first = ((int64_t)w->min_gpus + g - 1) / g * g;
        if (first > w->max_gpus) {
            if (at[W_GPUS]) {
                path_key(path, prefix, "gpus");
                return FAIL_AT(s, at[W_GPUS], path,
                               "gpus (%d) is not a multiple of gpus_per_node (%d)",
                               (int)w->gpus, (int)g);
            }
            path_key(path, prefix, "max_gpus");
            return FAIL_AT(s, at[W_MAX_GPUS], path,
                           "no multiple of gpus_per_node (%d) lies between min_gpus (%d) and "
                           "max_gpus (%d)",
                           (int)g, (int)w->min_gpus, (int)w->max_gpus);
        }
    }
    return GPUARB_OK;
}

static gpuarb_status parse_workload(sp *s, const ga_doc_node *n, const char *prefix,
                                    ga_workload *w)
{
    gpuarb_status st;
    w->line = n->line;
    w->col = n->col;
    w->gpus = -1;
    w->min_gpus = 0;
    w->max_gpus = -1;
    w->spot = GA_SPOT_NEVER;
    w->checkpoint_minutes = 60;
    w->restart_minutes = 5;
    if (n->kind != GA_DOC_MAP)
        return wrong_type(s, n, prefix, "a mapping (one workload)");
    const ga_doc_node *at[W_NKEYS] = {NULL};
    for (size_t i = 0; i < n->n; i++) {
        int k = 0;
        if ((st = lookup_key(s, n, i, prefix, WORKLOAD_KEYS, &k)))
            return st;
        const ga_doc_node *v = n->items[i];
        if (v->kind == GA_DOC_NULL && k != W_NAME)
            continue; /* null = absent */
        char kpath[GA_PATH_MAX];
        path_key(kpath, prefix, n->keys[i]);
        if ((st = workload_field(s, k, v, kpath, w)))
            return st;
        at[k] = v;
    }
    if (!at[W_NAME])
        return missing(s, n, prefix, "name");
    return workload_counts(s, n, prefix, at, w);
}

static gpuarb_status parse_workloads(sp *s, const ga_doc_node *n)
{
    gpuarb_status st;
    gpuarb_spec *spec = s->spec;
    if ((st = expect_kind(s, n, "workloads", GA_DOC_SEQ)))
        return st;
    if (n->n == 0)
        return FAIL_AT(s, n, "workloads", "expected at least one workload");
    if (n->n > GA_SPEC_MAX_WORKLOADS)
        return fail(s, GPUARB_ERR_LIMIT, n->line, n->col, "workloads",
                    "%zu workloads; at most %d are allowed", n->n, GA_SPEC_MAX_WORKLOADS);
    spec->w = ga_calloc(n->n, sizeof *spec->w);
    if (!spec->w)
        return ga_nomem(s->ctx);
    ga_strset names = {0};
    for (size_t i = 0; i < n->n; i++) {
        char prefix[GA_PATH_MAX];
        path_idx(prefix, "workloads", i);
        ga_workload *w = &spec->w[spec->n_w++];
        if ((st = parse_workload(s, n->items[i], prefix, w)))
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
            char path[GA_PATH_MAX];
            path_key(path, prefix, "name");
            st = FAIL_AT(s, nm, path, "duplicate workload name '%.100s' (first at line %d)",
                         w->name, (int)line);
            break;
        }
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

static gpuarb_status parse_glob_list(sp *s, const ga_doc_node *n, const char *path,
                                     int lower, char ***out, size_t *count)
{
    gpuarb_status st;
    if ((st = expect_kind(s, n, path, GA_DOC_SEQ)))
        return st;
    *out = ga_calloc(n->n, sizeof **out);
    if (!*out)
        return ga_nomem(s->ctx);
    for (size_t i = 0; i < n->n; i++) {
        char ipath[GA_PATH_MAX];
        const char *str = NULL;
        path_idx(ipath, path, i);
        if ((st = get_string(s, n->items[i], ipath, &str)))
            return st;
        if ((st = dup_str(s, str, &(*out)[i])))
            return st;
        (*count)++;
        if (lower)
            ascii_lower((*out)[i]);
    }
    return GPUARB_OK;
}

static gpuarb_status parse_globs(sp *s, const ga_doc_node *n, const char *path, int lower,
                                 ga_globs *g)
{
    static const char *const keys[] = {"allow", "deny", NULL};
    gpuarb_status st;
    if ((st = expect_kind(s, n, path, GA_DOC_MAP)))
        return st;
    for (size_t i = 0; i < n->n; i++) {
        int k = 0;
        if ((st = lookup_key(s, n, i, path, keys, &k)))
            return st;
        if (n->items[i]->kind == GA_DOC_NULL)
            continue;
        char kpath[GA_PATH_MAX];
        path_key(kpath, path, keys[k]);
        if (k == 0)
            st = parse_glob_list(s, n->items[i], kpath, lower, &g->allow, &g->n_allow);
        else
            st = parse_glob_list(s, n->items[i], kpath, lower, &g->deny, &g->n_deny);
        if (st)
            return st;
    }
    return GPUARB_OK;
}

static gpuarb_status parse_constraints(sp *s, const ga_doc_node *n)
{
    static const char *const keys[] = {"providers", "regions", "max_provider_share",
                                       "max_spot_share", NULL};
    gpuarb_status st;
    if ((st = expect_kind(s, n, "constraints", GA_DOC_MAP)))
        return st;
    for (size_t i = 0; i < n->n; i++) {
        int k = 0;
        if ((st = lookup_key(s, n, i, "constraints", keys, &k)))
            return st;
        const ga_doc_node *v = n->items[i];
        if (v->kind == GA_DOC_NULL)
            continue;
        char kpath[GA_PATH_MAX];
        path_key(kpath, "constraints", keys[k]);
        switch (k) {
        case 0: st = parse_globs(s, v, kpath, 1, &s->spec->providers); break;
        case 1: st = parse_globs(s, v, kpath, 0, &s->spec->regions); break;
        case 2: st = get_range(s, v, kpath, 0, 1, 1, &s->spec->max_provider_share); break;
        default: st = get_range(s, v, kpath, 0, 0, 1, &s->spec->max_spot_share); break;
        }
        if (st)
            return st;
    }
    return GPUARB_OK;
}

static gpuarb_status parse_egress(sp *s, const ga_doc_node *n)
{
    static const char *const keys[] = {"same_provider", "other_provider", NULL};
    gpuarb_status st;
    if ((st = expect_kind(s, n, "egress_per_gb", GA_DOC_MAP)))
        return st;
    for (size_t i = 0; i < n->n; i++) {
        int k = 0;
        if ((st = lookup_key(s, n, i, "egress_per_gb", keys, &k)))
            return st;
        if (n->items[i]->kind == GA_DOC_NULL)
            continue;
        char kpath[GA_PATH_MAX];
        path_key(kpath, "egress_per_gb", keys[k]);
        if ((st = get_range(s, n->items[i], kpath, 0, 0, 1e300,
                            k == 0 ? &s->spec->egress_same : &s->spec->egress_other)))
            return st;
    }
    return GPUARB_OK;
}

/* ---- the top level ---- */

enum { R_VERSION, R_CATALOG, R_OBJECTIVE, R_HORIZON, R_BUDGET, R_TIME, R_CONSTRAINTS, R_EGRESS,
       R_WORKLOADS, R_NKEYS };
static const char *const ROOT_KEYS[] = {
    "version", "catalog", "objective", "horizon_hours", "budget_per_hour", "time_limit_s",
    "constraints", "egress_per_gb", "workloads", NULL};

static gpuarb_status root_field(sp *s, int k, const ga_doc_node *v)
{
    gpuarb_spec *spec = s->spec;
    int32_t version = 0;
    gpuarb_status st;
    switch (k) {
    case R_VERSION:
        if ((st = get_int(s, v, "version", INT32_MIN, INT32_MAX, &version)))
            return st;
        if (version != 1)
            return FAIL_AT(s, v, "version", "unsupported spec version %d; this library reads "
                           "version 1", (int)version);
        return GPUARB_OK;
    case R_CATALOG: return parse_catalog(s, v);
    case R_OBJECTIVE: return get_enum(s, v, "objective", OBJECTIVE_NAMES, &spec->objective);
    case R_HORIZON:
        return get_range(s, v, "horizon_hours", 0, 1, GA_SPEC_MAX_HORIZON, &spec->horizon_hours);
    case R_BUDGET: return get_range(s, v, "budget_per_hour", 0, 0, 1e300, &spec->budget_per_hour);
    case R_TIME:
        return get_range(s, v, "time_limit_s", 0, 1, GA_SPEC_MAX_TIME_LIMIT, &spec->time_limit_s);
    case R_CONSTRAINTS: return parse_constraints(s, v);
    case R_EGRESS: return parse_egress(s, v);
    case R_WORKLOADS: return parse_workloads(s, v);
    }
    return GPUARB_OK;
}

static gpuarb_status parse_root(sp *s, const ga_doc_node *root)
{
    gpuarb_status st;
    if (root->kind != GA_DOC_MAP)
        return wrong_type(s, root, "", "a mapping (the spec's top level)");
    const ga_doc_node *at[R_NKEYS] = {NULL};
    for (size_t i = 0; i < root->n; i++) {
        int k = 0;
        if ((st = lookup_key(s, root, i, "", ROOT_KEYS, &k)))
            return st;
        const ga_doc_node *v = root->items[i];
        if (v->kind == GA_DOC_NULL && k != R_WORKLOADS)
            continue;
        if ((st = root_field(s, k, v)))
            return st;
        at[k] = v;
    }
    if (!at[R_WORKLOADS])
        return missing(s, root, "", "workloads");
    if (s->spec->objective == GA_OBJ_MAX_THROUGHPUT && !at[R_BUDGET])
        return FAIL_AT(s, at[R_OBJECTIVE], "budget_per_hour",
                       "objective max_throughput needs budget_per_hour");
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
    }
    free(spec->w);
    for (size_t i = 0; i < spec->n_catalogs; i++)
        ga_catalog_ref_free(&spec->catalogs[i]);
    free(spec->catalogs);
    free_globs(&spec->providers);
    free_globs(&spec->regions);
    free(spec->source);
    free(spec->base_dir);
    free(spec);
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
        spec->catalog_builtin = 1;
        spec->max_provider_share = -1;
        spec->max_spot_share = -1;
        spec->egress_same = 0.02;
        spec->egress_other = 0.09;
        sp s = {ctx, spec, spec->source};
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
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!text && len)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "text is NULL");
    ga_doc doc;
    gpuarb_status st = ga_doc_parse(ctx, text, len, source ? source : "<string>", &doc);
    if (st)
        return st;
    return spec_from_doc(ctx, &doc, base_dir, out);
}

static int ends_with_json(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && ga_strcasecmp(path + n - 5, ".json") == 0;
}

gpuarb_status gpuarb_spec_load(gpuarb_ctx *ctx, const char *path, gpuarb_spec **out)
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
    /* The folder of the file resolves relative catalog paths; a bare file
     * name leaves them relative to the current directory. */
    char *dir = NULL;
    const char *slash = strrchr(path, '/');
    if (slash) {
        dir = slash == path ? ga_strdup("/") : ga_strndup(path, (size_t)(slash - path));
        if (!dir) {
            free(text);
            return ga_nomem(ctx);
        }
    }
    ga_doc doc;
    st = ends_with_json(path) ? ga_doc_parse_json(ctx, text, len, path, &doc)
                              : ga_doc_parse_yaml(ctx, text, len, path, &doc);
    free(text);
    if (!st)
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

static void put_key(ga_strbuf *b, int indent, const char *key)
{
    ga_sb_printf(b, "%*s", indent, "");
    ga_sb_json_str(b, key);
    ga_sb_puts(b, ": ");
}

static void put_opt_num(ga_strbuf *b, double v, int present)
{
    if (present)
        ga_sb_json_num(b, v);
    else
        ga_sb_puts(b, "null");
}

static void put_str_list(ga_strbuf *b, char *const *v, size_t n)
{
    ga_sb_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            ga_sb_puts(b, ", ");
        ga_sb_json_str(b, v[i]);
    }
    ga_sb_putc(b, ']');
}

static void put_globs(ga_strbuf *b, const char *key, const ga_globs *g)
{
    put_key(b, 4, key);
    ga_sb_puts(b, "{\"allow\": ");
    put_str_list(b, g->allow, g->n_allow);
    ga_sb_puts(b, ", \"deny\": ");
    put_str_list(b, g->deny, g->n_deny);
    ga_sb_puts(b, "},\n");
}

static void put_catalogs(ga_strbuf *b, const gpuarb_spec *spec)
{
    put_key(b, 2, "catalog");
    if (spec->catalog_builtin || spec->n_catalogs == 0) {
        ga_sb_puts(b, "\"builtin\",\n");
        return;
    }
    ga_sb_putc(b, '[');
    for (size_t i = 0; i < spec->n_catalogs; i++) {
        const ga_catalog_ref *r = &spec->catalogs[i];
        ga_strbuf one;
        ga_sb_init(&one);
        if (r->provider)
            ga_sb_printf(&one, "skypilot:%s:", r->provider);
        ga_sb_puts(&one, r->path);
        if (i)
            ga_sb_puts(b, ", ");
        if (one.oom)
            b->oom = 1;
        else
            ga_sb_json_str(b, one.s);
        ga_sb_free(&one);
    }
    ga_sb_puts(b, "],\n");
}

static void put_workload(ga_strbuf *b, const ga_workload *w, int last)
{
    ga_sb_puts(b, "    {\n");
    put_key(b, 6, "name");
    ga_sb_json_str(b, w->name);
    ga_sb_puts(b, ",\n");
    if (w->gpus >= 0) {
        put_key(b, 6, "gpus");
        ga_sb_printf(b, "%d,\n", (int)w->gpus);
    } else {
        put_key(b, 6, "min_gpus");
        ga_sb_printf(b, "%d,\n", (int)w->min_gpus);
        put_key(b, 6, "max_gpus");
        if (w->max_gpus >= 0)
            ga_sb_printf(b, "%d,\n", (int)w->max_gpus);
        else
            ga_sb_puts(b, "null,\n");
    }
    put_key(b, 6, "gpu");
    if (w->n_models) {
        ga_sb_putc(b, '[');
        for (size_t i = 0; i < w->n_models; i++) {
            if (i)
                ga_sb_puts(b, ", ");
            ga_sb_json_str(b, ga_gpumodel_at(w->models[i])->name);
        }
        ga_sb_puts(b, "],\n");
    } else {
        ga_sb_puts(b, "null,\n");
    }
    put_key(b, 6, "min_gpu_memory_gb");
    put_opt_num(b, w->min_gpu_memory_gb, w->min_gpu_memory_gb > 0);
    ga_sb_puts(b, ",\n");
    put_key(b, 6, "gpus_per_node");
    if (w->gpus_per_node > 0)
        ga_sb_printf(b, "%d,\n", (int)w->gpus_per_node);
    else
        ga_sb_puts(b, "null,\n");
    put_key(b, 6, "same_region");
    ga_sb_puts(b, w->same_region ? "true,\n" : "false,\n");
    put_key(b, 6, "spot");
    ga_sb_json_str(b, SPOT_NAMES[w->spot >= 0 && w->spot <= 2 ? w->spot : 0]);
    ga_sb_puts(b, ",\n");
    put_key(b, 6, "checkpoint_minutes");
    ga_sb_json_num(b, w->checkpoint_minutes);
    ga_sb_puts(b, ",\n");
    put_key(b, 6, "restart_minutes");
    ga_sb_json_num(b, w->restart_minutes);
    ga_sb_puts(b, ",\n");
    put_key(b, 6, "throughput");
    ga_sb_putc(b, '{');
    for (size_t i = 0; i < w->n_tput; i++) {
        if (i)
            ga_sb_puts(b, ", ");
        ga_sb_json_str(b, ga_gpumodel_at(w->tput_models[i])->name);
        ga_sb_puts(b, ": ");
        ga_sb_json_num(b, w->tput[i]);
    }
    ga_sb_puts(b, "},\n");
    put_key(b, 6, "data");
    if (w->has_data) {
        ga_sb_puts(b, "{\"provider\": ");
        ga_sb_json_str(b, w->data_provider);
        ga_sb_puts(b, ", \"region\": ");
        ga_sb_json_str(b, w->data_region);
        ga_sb_puts(b, ", \"gb\": ");
        ga_sb_json_num(b, w->data_gb);
        ga_sb_puts(b, "}\n");
    } else {
        ga_sb_puts(b, "null\n");
    }
    ga_sb_puts(b, last ? "    }\n" : "    },\n");
}

gpuarb_status gpuarb_spec_to_json(gpuarb_ctx *ctx, const gpuarb_spec *spec, char **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!spec)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "spec is NULL");
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_puts(&b, "{\n  \"version\": 1,\n");
    put_catalogs(&b, spec);
    put_key(&b, 2, "objective");
    ga_sb_json_str(&b, OBJECTIVE_NAMES[spec->objective == GA_OBJ_MAX_THROUGHPUT]);
    ga_sb_puts(&b, ",\n");
    put_key(&b, 2, "horizon_hours");
    ga_sb_json_num(&b, spec->horizon_hours);
    ga_sb_puts(&b, ",\n");
    put_key(&b, 2, "budget_per_hour");
    put_opt_num(&b, spec->budget_per_hour, spec->budget_per_hour >= 0);
    ga_sb_puts(&b, ",\n");
    put_key(&b, 2, "time_limit_s");
    ga_sb_json_num(&b, spec->time_limit_s);
    ga_sb_puts(&b, ",\n  \"constraints\": {\n");
    put_globs(&b, "providers", &spec->providers);
    put_globs(&b, "regions", &spec->regions);
    put_key(&b, 4, "max_provider_share");
    put_opt_num(&b, spec->max_provider_share, spec->max_provider_share >= 0);
    ga_sb_puts(&b, ",\n");
    put_key(&b, 4, "max_spot_share");
    put_opt_num(&b, spec->max_spot_share, spec->max_spot_share >= 0);
    ga_sb_puts(&b, "\n  },\n");
    put_key(&b, 2, "egress_per_gb");
    ga_sb_puts(&b, "{\"same_provider\": ");
    ga_sb_json_num(&b, spec->egress_same);
    ga_sb_puts(&b, ", \"other_provider\": ");
    ga_sb_json_num(&b, spec->egress_other);
    ga_sb_puts(&b, "},\n  \"workloads\": [\n");
    for (size_t i = 0; i < spec->n_w; i++)
        put_workload(&b, &spec->w[i], i + 1 == spec->n_w);
    ga_sb_puts(&b, "  ]\n}\n");
    *out = ga_sb_take(&b);
    return *out ? GPUARB_OK : ga_nomem(ctx);
}
