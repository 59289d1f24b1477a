/*
 * docread.c - the typed getters and the mapping walker of docread.h, shared
 * by every YAML/JSON input (the optimize spec, the pack spec, and the
 * formats to come), so that all of them word their errors alike.
 *
 * Wraps no dependency: it reads the ga_doc tree that doc_yaml.c and
 * doc_json.c build.  Invariants: r->path is NUL-terminated and r->len is
 * its length; every error is recorded on r->ctx with r->source, the
 * 1-based line and byte column of the offending value (of the key for an
 * unknown key, of the mapping for a missing one) and the current key path.
 * Returns GPUARB_ERR_INPUT for invalid values, GPUARB_ERR_NOMEM from the
 * copying getter, GPUARB_ERR_INTERNAL for a key table longer than
 * GA_RD_MAX_FIELDS (a bug in the caller).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/docread.h"
#include "io/utf8.h"

void ga_rd_init(ga_rd *r, gpuarb_ctx *ctx, const char *source)
{
    r->ctx = ctx;
    r->source = source;
    r->path[0] = '\0';
    r->len = 0;
}

/* Append s, cut so that the path always fits. */
static void path_append(ga_rd *r, const char *s)
{
    size_t n = strlen(s);
    if (n > GA_PATH_MAX - 1 - r->len)
        n = GA_PATH_MAX - 1 - r->len;
    memcpy(r->path + r->len, s, n);
    r->len += n;
    r->path[r->len] = '\0';
}

size_t ga_rd_push_key(ga_rd *r, const char *key)
{
    size_t mark = r->len;
    if (r->len)
        path_append(r, ".");
    path_append(r, key);
    return mark;
}

size_t ga_rd_push_index(ga_rd *r, size_t i)
{
    size_t mark = r->len;
    char idx[32];
    snprintf(idx, sizeof idx, "[%zu]", i);
    path_append(r, idx);
    return mark;
}

void ga_rd_pop(ga_rd *r, size_t mark)
{
    if (mark < r->len) {
        r->len = mark;
        r->path[mark] = '\0';
    }
}

gpuarb_status ga_rd_fail_at(ga_rd *r, gpuarb_status st, int32_t line, int32_t col,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ga_verror(r->ctx, st, r->source, line, col, r->path, fmt, ap);
    va_end(ap);
    return st;
}

gpuarb_status ga_rd_fail(ga_rd *r, const ga_doc_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ga_verror(r->ctx, GPUARB_ERR_INPUT, r->source, n->line, n->col, r->path, fmt, ap);
    va_end(ap);
    return GPUARB_ERR_INPUT;
}

/* "a string ('eight')" / "null" / "a list": what a value is, for messages. */
static const char *found(const ga_doc_node *n, char *buf, size_t cap)
{
    if ((n->kind == GA_DOC_STRING || n->kind == GA_DOC_NUMBER || n->kind == GA_DOC_BOOL) &&
        n->str)
        snprintf(buf, cap, "%s ('%.*s%s')", ga_doc_kind_name(n->kind),
                 (int)ga_utf8_prefix(n->str, 40), n->str, strlen(n->str) > 40 ? "..." : "");
    else
        snprintf(buf, cap, "%s", ga_doc_kind_name(n->kind));
    return buf;
}

gpuarb_status ga_rd_wrong_type(ga_rd *r, const ga_doc_node *n, const char *want)
{
    char b[96];
    return ga_rd_fail(r, n, "expected %s, found %s", want, found(n, b, sizeof b));
}

gpuarb_status ga_rd_kind(ga_rd *r, const ga_doc_node *n, ga_doc_kind k)
{
    return n->kind == k ? GPUARB_OK : ga_rd_wrong_type(r, n, ga_doc_kind_name(k));
}

/* The closest of names to word, or NULL when none is within 2 edits (and
 * fewer edits than word has letters).  names is a NULL-terminated list,
 * or, when stride is not sizeof(char *), the name fields of a table. */
static const char *closest(const char *word, const void *names, size_t stride)
{
    const char *best = NULL;
    int bd = 3, len = (int)strlen(word);
    for (const char *p = names; *(const char *const *)p; p += stride) {
        const char *name = *(const char *const *)p;
        int d = ga_edit_distance(word, name);
        if (d < bd && d < len) {
            bd = d;
            best = name;
        }
    }
    return best;
}

/* A hint for a key that means something elsewhere: a field's name without
 * its unit ("horizon" for horizon_hours), or SkyPilot's words in a mapping
 * that has "gpus" (a workload), where "did you mean 'gpus'" would mislead. */
static const char *foreign_key_hint(const char *key, const ga_rd_field *fields, size_t n,
                                    char *buf, size_t size)
{
    size_t klen = strlen(key);
    for (size_t f = 0; f < n; f++) {
        const char *name = fields[f].name;
        if (klen >= 3 && strncmp(name, key, klen) == 0 && name[klen] == '_') {
            snprintf(buf, size, "did you mean '%s'?", name);
            return buf;
        }
    }
    int workload = 0;
    for (size_t f = 0; f < n; f++)
        workload |= strcmp(fields[f].name, "gpus") == 0;
    if (!workload)
        return NULL;
    if (strcmp(key, "cpus") == 0 || strcmp(key, "memory") == 0)
        return "a workload asks for GPUs only; vCPUs and memory come with the instance "
               "type each offer names (catalog columns vcpus, memory_gb)";
    if (strcmp(key, "accelerators") == 0 || strcmp(key, "accelerator") == 0)
        return "SkyPilot's accelerators: H100:8 is written gpu: H100 and gpus: 8 here";
    return NULL;
}

gpuarb_status ga_rd_string(ga_rd *r, const ga_doc_node *n, const char **out)
{
    if (n->kind != GA_DOC_STRING)
        return ga_rd_wrong_type(r, n, "a string");
    if (!n->str[0])
        return ga_rd_fail(r, n, "must not be empty");
    *out = n->str;
    return GPUARB_OK;
}

gpuarb_status ga_rd_strings(ga_rd *r, const ga_doc_node *n, char ***out, size_t *count)
{
    gpuarb_status st;
    if ((st = ga_rd_kind(r, n, GA_DOC_SEQ)))
        return st;
    *out = ga_calloc(n->n ? n->n : 1, sizeof **out);
    if (!*out)
        return ga_nomem(r->ctx);
    for (size_t i = 0; i < n->n; i++) {
        const char *str = NULL;
        size_t mark = ga_rd_push_index(r, i);
        if ((st = ga_rd_string(r, n->items[i], &str)))
            return st;
        ga_rd_pop(r, mark);
        if (!((*out)[i] = ga_strdup(str)))
            return ga_nomem(r->ctx);
        (*count)++;
    }
    return GPUARB_OK;
}

gpuarb_status ga_rd_bool(ga_rd *r, const ga_doc_node *n, int32_t *out)
{
    if (n->kind != GA_DOC_BOOL)
        return ga_rd_wrong_type(r, n, "true or false");
    *out = n->boolean ? 1 : 0;
    return GPUARB_OK;
}

gpuarb_status ga_rd_int(ga_rd *r, const ga_doc_node *n, int64_t lo, int64_t hi, int64_t *out)
{
    if (n->kind != GA_DOC_NUMBER)
        return ga_rd_wrong_type(r, n, "an integer");
    if (!n->is_integer)
        return ga_rd_fail(r, n, "expected an integer, found %s", n->str ? n->str : "a fraction");
    /* 0x1p63 is the first double past INT64_MAX */
    if (n->number < (double)lo)
        return ga_rd_fail(r, n, "must be at least %lld, found %s", (long long)lo, n->str);
    if (n->number > (double)hi || n->number >= 0x1p63)
        return ga_rd_fail(r, n, "must be at most %lld, found %s", (long long)hi, n->str);
    *out = (int64_t)n->number;
    return GPUARB_OK;
}

gpuarb_status ga_rd_int32(ga_rd *r, const ga_doc_node *n, int32_t lo, int32_t hi, int32_t *out)
{
    int64_t v = 0;
    gpuarb_status st = ga_rd_int(r, n, lo, hi, &v);
    if (!st)
        *out = (int32_t)v;
    return st;
}

gpuarb_status ga_rd_number(ga_rd *r, const ga_doc_node *n, const ga_rd_range *range,
                           double *out)
{
    if (n->kind != GA_DOC_NUMBER)
        return ga_rd_wrong_type(r, n, "a number");
    double v = n->number;
    int below = range->lo_open ? !(v > range->lo) : !(v >= range->lo);
    int above = range->has_hi && (range->hi_open ? !(v < range->hi) : !(v <= range->hi));
    if (!below && !above) {
        *out = v;
        return GPUARB_OK;
    }
    char los[48], his[48];
    ga_fmt_short(los, range->lo);
    const char *rel = range->lo_open ? "greater than" : "at least";
    if (!range->has_hi)
        return ga_rd_fail(r, n, "must be %s %s, found %s", rel, los, n->str);
    ga_fmt_short(his, range->hi);
    return ga_rd_fail(r, n, "must be %s %s and %s %s, found %s", rel, los,
                      range->hi_open ? "less than" : "at most", his, n->str);
}

gpuarb_status ga_rd_enum(ga_rd *r, const ga_doc_node *n, const char *const *names,
                         int32_t *out)
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
        return ga_rd_wrong_type(r, n, want);
    }
    const char *near = closest(n->str, names, sizeof *names);
    if (near)
        return ga_rd_fail(r, n, "'%.100s' is not one of %s; did you mean '%s'?", n->str, list,
                          near);
    return ga_rd_fail(r, n, "'%.100s' is not one of %s", n->str, list);
}

gpuarb_status ga_rd_version(ga_rd *r, const ga_doc_node *n, int32_t supported)
{
    int32_t version = 0;
    gpuarb_status st = ga_rd_int32(r, n, INT32_MIN, INT32_MAX, &version);
    if (st)
        return st;
    if (version != supported)
        return ga_rd_fail(r, n, "unsupported spec version %d; this library reads version %d",
                          (int)version, (int)supported);
    return GPUARB_OK;
}

gpuarb_status ga_rd_map_begin(ga_rd *r, const ga_doc_node *n, const ga_rd_field *fields,
                              const char *want, ga_rd_map *m)
{
    memset(m, 0, sizeof *m);
    while (fields[m->nfields].name)
        m->nfields++;
    if (m->nfields > GA_RD_MAX_FIELDS)
        return ga_rd_fail_at(r, GPUARB_ERR_INTERNAL, 0, 0, "a key table has %zu keys; at most %d",
                             m->nfields, GA_RD_MAX_FIELDS);
    if (n->kind != GA_DOC_MAP)
        return ga_rd_wrong_type(r, n, want ? want : "a mapping");
    m->map = n;
    m->fields = fields;
    m->mark = r->len;
    return GPUARB_OK;
}

gpuarb_status ga_rd_map_next(ga_rd *r, ga_rd_map *m, int *k, const ga_doc_node **v)
{
    const ga_doc_node *n = m->map;
    ga_rd_pop(r, m->mark);
    while (m->next < n->n) {
        size_t i = m->next++;
        const char *key = n->keys[i];
        size_t f = 0;
        while (f < m->nfields && strcmp(key, m->fields[f].name) != 0)
            f++;
        ga_rd_push_key(r, key);
        if (f == m->nfields) {
            char hbuf[160];
            const char *hint = foreign_key_hint(key, m->fields, m->nfields, hbuf, sizeof hbuf);
            if (hint)
                return ga_rd_fail_at(r, GPUARB_ERR_INPUT, n->key_line[i], n->key_col[i],
                                     "unknown key '%.100s'; %s", key, hint);
            const char *near = closest(key, &m->fields[0].name, sizeof *m->fields);
            if (near)
                return ga_rd_fail_at(r, GPUARB_ERR_INPUT, n->key_line[i], n->key_col[i],
                                     "unknown key '%.100s'; did you mean '%s'?", key, near);
            return ga_rd_fail_at(r, GPUARB_ERR_INPUT, n->key_line[i], n->key_col[i],
                                 "unknown key '%.100s'", key);
        }
        const ga_doc_node *val = n->items[i];
        if (val->kind == GA_DOC_NULL && !(m->fields[f].flags & GA_RD_REQUIRED)) {
            ga_rd_pop(r, m->mark);
            continue; /* null = absent */
        }
        m->at[f] = val;
        *k = (int)f;
        *v = val;
        return GPUARB_OK;
    }
    *k = -1;
    *v = NULL;
    for (size_t f = 0; f < m->nfields; f++) {
        if ((m->fields[f].flags & GA_RD_REQUIRED) && !m->at[f]) {
            ga_rd_push_key(r, m->fields[f].name);
            return ga_rd_fail(r, n, "missing required key '%s'", m->fields[f].name);
        }
    }
    return GPUARB_OK;
}

gpuarb_status ga_rd_map_each(ga_rd *r, const ga_doc_node *n, const ga_rd_field *fields,
                             const char *want, ga_rd_map *m, ga_rd_field_fn fn, void *arg)
{
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(r, n, fields, want, m);
    while (!st && !(st = ga_rd_map_next(r, m, &k, &v)) && k >= 0)
        st = fn(arg, k, v);
    return st;
}
