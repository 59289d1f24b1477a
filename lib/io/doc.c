/*
 * doc.c - the document tree that both spec parsers produce: node allocation
 * and freeing, appending to sequences and mappings, lookup, comparison, the
 * byte-offset -> line/column cursor, and ga_doc_parse, which picks the
 * JSON or the YAML reader (duplicate keys are found with base/strmap.c),
 * and the two spec loaders' common starts: ga_doc_from_text (a caller's
 * buffer) and ga_doc_load (a file, read by its extension).
 *
 * Wraps no dependency (doc_yaml.c owns libyaml; doc_json.c uses none).
 * Invariants: a tree is owned by its root; every MAP has n keys, n key
 * positions and n items; every STRING has a NUL-free str; NUMBER values
 * are finite.  Lines and columns are 1-based and columns count bytes.
 * Returns GPUARB_ERR_NOMEM from the builders (as -1), whatever the two
 * readers return from ga_doc_parse, GPUARB_ERR_ARG for a NULL text or an
 * empty path (base/file.c's checks) and what ga_read_file returns (IO,
 * LIMIT) from ga_doc_load.
 */
#include <stdlib.h>
#include <string.h>

#include "io/doc.h"

ga_doc_node *ga_doc_node_new(ga_doc_kind kind, int32_t line, int32_t col)
{
    ga_doc_node *n = ga_calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = line;
    n->col = col;
    return n;
}

void ga_doc_node_free(ga_doc_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->items)
            ga_doc_node_free(n->items[i]);
        if (n->keys)
            free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->key_line);
    free(n->key_col);
    free(n->str);
    free(n);
}

int ga_doc_seq_push(ga_doc_node *seq, size_t *cap, ga_doc_node *item)
{
    if (ga_grow((void **)&seq->items, cap, seq->n + 1, sizeof *seq->items))
        return -1;
    seq->items[seq->n++] = item;
    return 0;
}

/* A MAP keeps four parallel arrays; they share one capacity, so grow each
 * to the same size before touching *cap. */
int ga_doc_map_push(ga_doc_node *map, size_t *cap, char *key, int32_t line, int32_t col,
                    ga_doc_node *value)
{
    if (map->n + 1 > *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        if (c < *cap)
            return -1;
        void *p;
        if (!(p = ga_reallocarray(map->items, c, sizeof *map->items)))
            return -1;
        map->items = p;
        if (!(p = ga_reallocarray(map->keys, c, sizeof *map->keys)))
            return -1;
        map->keys = p;
        if (!(p = ga_reallocarray(map->key_line, c, sizeof *map->key_line)))
            return -1;
        map->key_line = p;
        if (!(p = ga_reallocarray(map->key_col, c, sizeof *map->key_col)))
            return -1;
        map->key_col = p;
        *cap = c;
    }
    map->items[map->n] = value;
    map->keys[map->n] = key;
    map->key_line[map->n] = line;
    map->key_col[map->n] = col;
    map->n++;
    return 0;
}

const ga_doc_node *ga_doc_get(const ga_doc_node *map, const char *key)
{
    if (!map || map->kind != GA_DOC_MAP || !key)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0)
            return map->items[i];
    return NULL;
}

const char *ga_doc_kind_name(ga_doc_kind k)
{
    switch (k) {
    case GA_DOC_NULL: return "null";
    case GA_DOC_BOOL: return "a boolean";
    case GA_DOC_NUMBER: return "a number";
    case GA_DOC_STRING: return "a string";
    case GA_DOC_SEQ: return "a list";
    case GA_DOC_MAP: return "a mapping";
    }
    return "an unknown value";
}

int ga_doc_equal(const ga_doc_node *a, const ga_doc_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case GA_DOC_NULL:
        return 1;
    case GA_DOC_BOOL:
        return !a->boolean == !b->boolean;
    case GA_DOC_NUMBER:
        return a->number == b->number && !a->is_integer == !b->is_integer;
    case GA_DOC_STRING:
        return strcmp(a->str ? a->str : "", b->str ? b->str : "") == 0;
    case GA_DOC_SEQ:
    case GA_DOC_MAP:
        if (a->n != b->n)
            return 0;
        for (size_t i = 0; i < a->n; i++) {
            if (a->kind == GA_DOC_MAP && strcmp(a->keys[i], b->keys[i]) != 0)
                return 0;
            if (!ga_doc_equal(a->items[i], b->items[i]))
                return 0;
        }
        return 1;
    }
    return 0;
}

void ga_doc_pos_init(ga_doc_pos *p, const char *text, size_t len)
{
    p->text = text;
    p->len = len;
    p->off = 0;
    /* A UTF-8 byte-order mark is not a column of the first line. */
    p->line_start = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    p->line = 1;
}

void ga_doc_pos_at(ga_doc_pos *p, size_t off, int32_t *line, int32_t *col)
{
    if (off > p->len)
        off = p->len;
    if (off < p->off)
        ga_doc_pos_init(p, p->text, p->len); /* rare: restart from the top */
    for (size_t i = p->off; i < off; i++) {
        char c = p->text[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= p->len || p->text[i + 1] != '\n'))) {
            if (p->line < INT32_MAX)
                p->line++;
            p->line_start = i + 1;
        }
    }
    p->off = off;
    size_t c = off >= p->line_start ? off - p->line_start + 1 : 1;
    *line = p->line;
    *col = c > INT32_MAX ? INT32_MAX : (int32_t)c;
}

void ga_doc_free(ga_doc *doc)
{
    if (!doc)
        return;
    ga_doc_node_free(doc->root);
    free(doc->source);
    doc->root = NULL;
    doc->source = NULL;
}

/* JSON when the first non-blank byte opens an object or array, YAML
 * otherwise.  There is no second try: a JSON document with a syntax error
 * must get the JSON error, not a YAML reading of it.  (A YAML document in
 * flow style, "{a: 1}", therefore has to come through ga_doc_parse_yaml.) */
gpuarb_status ga_doc_begin(gpuarb_ctx *ctx, const char **text, size_t *len, const char *source,
                           ga_doc *out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "no output document");
    memset(out, 0, sizeof *out);
    if (!*text) {
        *text = "";
        *len = 0;
    }
    if (!source)
        source = "<string>";
    if (*len > GA_DOC_MAX_BYTES)
        return ga_error(ctx, GPUARB_ERR_LIMIT, source, 1, 1, NULL,
                        "input is %zu bytes; at most %u are read", *len, GA_DOC_MAX_BYTES);
    out->source = ga_strdup(source);
    if (!out->source)
        return ga_nomem(ctx);
    return GPUARB_OK;
}

gpuarb_status ga_doc_parse(gpuarb_ctx *ctx, const char *text, size_t len, const char *source,
                           ga_doc *out)
{
    size_t i = text && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* a BOM */
    while (text && i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
                               text[i] == '\n'))
        i++;
    if (text && i < len && (text[i] == '{' || text[i] == '['))
        return ga_doc_parse_json(ctx, text, len, source, out);
    return ga_doc_parse_yaml(ctx, text, len, source, out);
}

gpuarb_status ga_doc_from_text(gpuarb_ctx *ctx, int have_out, const char *text, size_t len,
                               const char *source, ga_doc *out)
{
    gpuarb_status st = ga_check_text(ctx, have_out, text, len);
    if (st)
        return st;
    return ga_doc_parse(ctx, text, len, source ? source : "<string>", out);
}

static int ends_with_json(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && ga_strcasecmp(path + n - 5, ".json") == 0;
}

gpuarb_status ga_doc_load(gpuarb_ctx *ctx, int have_out, const char *path, ga_doc *out)
{
    char *text;
    size_t len;
    gpuarb_status st = ga_load_file(ctx, have_out, path, "spec", GA_DOC_MAX_BYTES, &text, &len);
    if (st)
        return st;
    st = ends_with_json(path) ? ga_doc_parse_json(ctx, text, len, path, out)
                              : ga_doc_parse_yaml(ctx, text, len, path, out);
    free(text);
    return st;
}
