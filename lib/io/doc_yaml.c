/*
 * doc_yaml.c - YAML text -> ga_doc tree; the only module that includes
 * yaml.h (libyaml 0.2.5, event API).
 *
 * One pass over libyaml's events with an explicit stack of open containers
 * (at most GA_DOC_MAX_DEPTH), so neither deep input nor many nodes can
 * exhaust the C stack, and every event is deleted right after use.  The
 * input is read as UTF-8 (the encoding is set, not guessed), which makes
 * libyaml's mark.index a count of UTF-8 characters; a cursor turns it into
 * a byte offset and ga_doc_pos into a line and a byte column (1-based,
 * where libyaml's marks are 0-based).  Plain scalars are typed by the YAML
 * 1.2 core schema; quoted and block scalars are strings; the tags !!str,
 * !!int, !!float, !!bool, !!null (and the non-specific "!") are honoured.
 * Never calls a process-wide libyaml setting.  Returns GPUARB_ERR_SYNTAX for
 * what libyaml rejects, GPUARB_ERR_LIMIT beyond the doc.h limits and on any
 * anchor or alias (they allow cycles and exponential "billion laughs"
 * growth, and a spec never needs them), GPUARB_ERR_INPUT for duplicate or
 * non-scalar keys, numbers that are not finite or do not fit, NUL
 * characters in strings, unsupported tags and a second document,
 * GPUARB_ERR_NOMEM.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "io/doc.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

typedef struct frame {
    ga_doc_node *node;
    size_t cap;
    ga_strset keys;     /* MAP: keys seen, for duplicates */
    char *key;          /* MAP: key waiting for its value */
    int32_t key_line, key_col;
} frame;

typedef struct yreader {
    gpuarb_ctx *ctx;
    const char *text;
    size_t len;
    const char *source;
    ga_doc_pos pos;
    size_t base;                /* 3 when a UTF-8 byte-order mark was skipped */
    size_t char_idx, byte_off;  /* character index -> byte offset cursor */
    frame stack[GA_DOC_MAX_DEPTH];
    int depth;
    size_t nodes;
    int documents;
    ga_doc_node *root;
} yreader;

/* libyaml's character index -> byte offset of that character. */
static size_t char_to_byte(yreader *r, size_t idx)
{
    if (idx < r->char_idx) {
        r->char_idx = 0;
        r->byte_off = r->base;
    }
    while (r->char_idx < idx && r->byte_off < r->len) {
        r->byte_off++;
        while (r->byte_off < r->len && ((unsigned char)r->text[r->byte_off] & 0xC0) == 0x80)
            r->byte_off++;
        r->char_idx++;
    }
    return r->byte_off;
}

static void mark_pos(yreader *r, const yaml_mark_t *m, int32_t *line, int32_t *col)
{
    ga_doc_pos_at(&r->pos, char_to_byte(r, m->index), line, col);
}

static gpuarb_status fail_at(yreader *r, gpuarb_status st, const yaml_mark_t *m, const char *fmt,
                             const char *arg)
{
    int32_t line = 0, col = 0;
    if (m)
        mark_pos(r, m, &line, &col);
    return ga_error(r->ctx, st, r->source, line, col, NULL, fmt, arg);
}

/* ---- YAML 1.2 core schema for plain scalars ---- */

static int is_null_word(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '~') || (n == 4 && (!strcmp(s, "null") ||
                                                            !strcmp(s, "Null") ||
                                                            !strcmp(s, "NULL")));
}

/* 1 true, 0 false, -1 neither ("true"/"false" in any letter case). */
static int bool_word(const char *s)
{
    if (ga_strcasecmp(s, "true") == 0)
        return 1;
    if (ga_strcasecmp(s, "false") == 0)
        return 0;
    return -1;
}

static int is_special_float(const char *s)
{
    const char *p = (*s == '+' || *s == '-') ? s + 1 : s;
    if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF"))
        return 1;
    return !strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN");
}

/* Integer forms: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+.  Returns 1 and
 * the value when it fits in int64, 2 when it is an integer that does not
 * fit, 0 when the text is no integer. */
static int parse_int(const char *s, double *out)
{
    int base = 10, neg = 0;
    const char *p = s;
    if (p[0] == '0' && p[1] == 'o') {
        base = 8;
        p += 2;
    } else if (p[0] == '0' && p[1] == 'x') {
        base = 16;
        p += 2;
    } else if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (!*p)
        return 0;
    uint64_t v = 0;
    int over = 0;
    for (; *p; p++) {
        int d;
        if (ga_is_digit(*p))
            d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            return 0;
        if (d >= base)
            return 0;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            over = 1;
        else
            v = v * (uint64_t)base + (uint64_t)d;
    }
    /* The same range as a JSON integer (jansson's json_int_t). */
    if (over || v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
        return 2;
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1u ? (double)INT64_MIN : -(double)(int64_t)v;
    else
        *out = (double)(int64_t)v;
    return 1;
}

/* Float form: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float_form(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (ga_is_digit(*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        int frac = 0;
        while (ga_is_digit(*p)) {
            p++;
            frac++;
        }
        if (!digits && !frac)
            return 0;
    } else if (!digits) {
        return 0;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!ga_is_digit(*p))
            return 0;
        while (ga_is_digit(*p))
            p++;
    }
    return *p == '\0';
}

enum { WANT_ANY, WANT_INT, WANT_FLOAT };

/* Type the scalar text s (n bytes) as NULL/BOOL/NUMBER/STRING by the core
 * schema into node; want narrows it for !!int / !!float.  Returns an error
 * status with the message set, or GPUARB_OK. */
static gpuarb_status resolve_plain(yreader *r, ga_doc_node *node, const char *s, size_t n,
                                   int want, const yaml_mark_t *m)
{
    double v = 0;
    if (want == WANT_ANY && is_null_word(s, n)) {
        node->kind = GA_DOC_NULL;
        return GPUARB_OK;
    }
    int b = want == WANT_ANY ? bool_word(s) : -1;
    if (b >= 0) {
        node->kind = GA_DOC_BOOL;
        node->boolean = b;
        return GPUARB_OK;
    }
    if (is_special_float(s)) {
        if (want == WANT_INT)
            return fail_at(r, GPUARB_ERR_INPUT, m, "'%s' is not an integer (tag !!int)", s);
        return fail_at(r, GPUARB_ERR_INPUT, m, "'%s' is not a finite number", s);
    }
    int k = parse_int(s, &v);
    if (k == 2)
        return fail_at(r, GPUARB_ERR_INPUT, m,
                       "integer '%s' is out of range (more than 64 bits)", s);
    if (k == 1) {
        node->kind = GA_DOC_NUMBER;
        node->number = v;
        node->is_integer = want != WANT_FLOAT;
        return GPUARB_OK;
    }
    if (want != WANT_INT && is_float_form(s)) {
        if (ga_parse_double(s, strlen(s), &v) != GA_NUM_OK)
            return fail_at(r, GPUARB_ERR_INPUT, m, "'%s' is not a finite number (out of range)",
                           s);
        node->kind = GA_DOC_NUMBER;
        node->number = v;
        node->is_integer = 0;
        return GPUARB_OK;
    }
    if (want == WANT_INT)
        return fail_at(r, GPUARB_ERR_INPUT, m, "'%s' is not an integer (tag !!int)", s);
    if (want == WANT_FLOAT)
        return fail_at(r, GPUARB_ERR_INPUT, m, "'%s' is not a number (tag !!float)", s);
    node->kind = GA_DOC_STRING;
    return GPUARB_OK;
}

/* Apply the scalar's tag and style; node->str already holds the text. */
static gpuarb_status type_scalar(yreader *r, ga_doc_node *node, const yaml_event_t *e)
{
    const char *tag = (const char *)e->data.scalar.tag;
    const char *s = node->str;
    size_t n = e->data.scalar.length;
    const yaml_mark_t *m = &e->start_mark;
    if (!tag)
        return e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                   ? resolve_plain(r, node, s, n, WANT_ANY, m)
                   : GPUARB_OK; /* quoted, literal, folded: a string */
    if (!strcmp(tag, "!") || !strcmp(tag, TAG_PREFIX "str"))
        return GPUARB_OK;
    if (!strcmp(tag, TAG_PREFIX "int"))
        return resolve_plain(r, node, s, n, WANT_INT, m);
    if (!strcmp(tag, TAG_PREFIX "float"))
        return resolve_plain(r, node, s, n, WANT_FLOAT, m);
    if (!strcmp(tag, TAG_PREFIX "bool")) {
        int b = bool_word(s);
        if (b < 0)
            return fail_at(r, GPUARB_ERR_INPUT, m, "'%s' is not true or false (tag !!bool)", s);
        node->kind = GA_DOC_BOOL;
        node->boolean = b;
        return GPUARB_OK;
    }
    if (!strcmp(tag, TAG_PREFIX "null")) {
        if (!is_null_word(s, n))
            return fail_at(r, GPUARB_ERR_INPUT, m, "'%s' is not null (tag !!null)", s);
        node->kind = GA_DOC_NULL;
        return GPUARB_OK;
    }
    return fail_at(r, GPUARB_ERR_INPUT, m,
                   "unsupported tag '%s' (only !!str, !!int, !!float, !!bool and !!null)", tag);
}

static gpuarb_status check_collection_tag(yreader *r, const yaml_event_t *e, const char *tag,
                                          const char *want)
{
    if (!tag || !strcmp(tag, "!") || !strcmp(tag, want))
        return GPUARB_OK;
    return fail_at(r, GPUARB_ERR_INPUT, &e->start_mark, "unsupported tag '%s' here", tag);
}

/* Hang node under the open container (or make it the root).  On failure
 * node is freed here. */
static gpuarb_status attach(yreader *r, ga_doc_node *node)
{
    if (r->depth == 0) {
        r->root = node;
        return GPUARB_OK;
    }
    frame *f = &r->stack[r->depth - 1];
    if (f->node->kind == GA_DOC_SEQ) {
        if (ga_doc_seq_push(f->node, &f->cap, node)) {
            ga_doc_node_free(node);
            return ga_nomem(r->ctx);
        }
        return GPUARB_OK;
    }
    if (ga_doc_map_push(f->node, &f->cap, f->key, f->key_line, f->key_col, node)) {
        ga_doc_node_free(node);
        return ga_nomem(r->ctx);
    }
    f->key = NULL;
    return GPUARB_OK;
}

static int expecting_key(const yreader *r)
{
    if (r->depth == 0)
        return 0;
    const frame *f = &r->stack[r->depth - 1];
    return f->node->kind == GA_DOC_MAP && !f->key;
}

static gpuarb_status count_node(yreader *r, const yaml_event_t *e)
{
    if (++r->nodes > GA_DOC_MAX_NODES)
        return fail_at(r, GPUARB_ERR_LIMIT, &e->start_mark, "more than %s nodes in the document",
                       "2000000");
    return GPUARB_OK;
}

static gpuarb_status on_scalar(yreader *r, const yaml_event_t *e)
{
    gpuarb_status st = count_node(r, e);
    if (st)
        return st;
    const char *value = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    if (memchr(value, '\0', n))
        return fail_at(r, GPUARB_ERR_INPUT, &e->start_mark,
                       "strings may not contain NUL characters%s", "");
    int32_t line, col;
    mark_pos(r, &e->start_mark, &line, &col);
    if (expecting_key(r)) {
        frame *f = &r->stack[r->depth - 1];
        /* Keys are compared as written, untyped; a tagged key must still
         * agree with its tag. */
        if (e->data.scalar.tag) {
            ga_doc_node probe;
            memset(&probe, 0, sizeof probe);
            probe.kind = GA_DOC_STRING;
            probe.str = (char *)value;
            if ((st = type_scalar(r, &probe, e)) != GPUARB_OK)
                return st;
        }
        char *key = ga_strndup(value, n);
        if (!key)
            return ga_nomem(r->ctx);
        const char *first = NULL;
        int added = ga_strset_add(&f->keys, key, &first);
        if (added < 0) {
            free(key);
            return ga_nomem(r->ctx);
        }
        if (added == 0) {
            st = ga_error(r->ctx, GPUARB_ERR_INPUT, r->source, line, col, NULL,
                          "duplicate key '%s'", key);
            free(key);
            return st;
        }
        /* The set borrows key: it stays alive in the map (or in f->key). */
        f->key = key;
        f->key_line = line;
        f->key_col = col;
        return GPUARB_OK;
    }
    ga_doc_node *node = ga_doc_node_new(GA_DOC_STRING, line, col);
    if (!node)
        return ga_nomem(r->ctx);
    node->str = ga_strndup(value, n);
    if (!node->str) {
        ga_doc_node_free(node);
        return ga_nomem(r->ctx);
    }
    if ((st = type_scalar(r, node, e)) != GPUARB_OK) {
        ga_doc_node_free(node);
        return st;
    }
    return attach(r, node);
}

static gpuarb_status on_start(yreader *r, const yaml_event_t *e, ga_doc_kind kind)
{
    gpuarb_status st = count_node(r, e);
    if (st)
        return st;
    if (expecting_key(r))
        return fail_at(r, GPUARB_ERR_INPUT, &e->start_mark,
                       "mapping keys must be plain values, found %s",
                       ga_doc_kind_name(kind));
    const char *tag = kind == GA_DOC_MAP ? (const char *)e->data.mapping_start.tag
                                         : (const char *)e->data.sequence_start.tag;
    if ((st = check_collection_tag(r, e, tag, kind == GA_DOC_MAP ? TAG_PREFIX "map"
                                                                 : TAG_PREFIX "seq")))
        return st;
    if (r->depth >= GA_DOC_MAX_DEPTH)
        return fail_at(r, GPUARB_ERR_LIMIT, &e->start_mark, "nesting deeper than %s levels",
                       "64");
    int32_t line, col;
    mark_pos(r, &e->start_mark, &line, &col);
    ga_doc_node *node = ga_doc_node_new(kind, line, col);
    if (!node)
        return ga_nomem(r->ctx);
    if ((st = attach(r, node)) != GPUARB_OK)
        return st;
    frame *f = &r->stack[r->depth++];
    memset(f, 0, sizeof *f);
    f->node = node;
    return GPUARB_OK;
}

static void pop_frame(yreader *r)
{
    frame *f = &r->stack[--r->depth];
    ga_strset_free(&f->keys);
    free(f->key);
    f->key = NULL;
}

/* Offset of the first byte of the first malformed UTF-8 sequence
 * (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), or len. */
static size_t first_bad_utf8(const unsigned char *t, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = t[i];
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else {
            return i;
        }
        if (len - i <= need)
            return i;
        if (t[i + 1] < lo || t[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= need; k++)
            if (t[i + k] < 0x80 || t[i + k] > 0xBF)
                return i;
        i += need + 1;
    }
    return len;
}

/* 1 if the byte at 1-based line and byte column of the input is a tab:
 * libyaml reports one as "found character that cannot start any token". */
static int at_tab(const yreader *r, int32_t line, int32_t col)
{
    if (line < 1 || col < 1)
        return 0;
    size_t i = 0;
    for (int32_t l = 1; l < line && i < r->len; i++)
        if (r->text[i] == '\n')
            l++;
    i += (size_t)(col - 1);
    return i < r->len && r->text[i] == '\t';
}

static gpuarb_status syntax_error(yreader *r, const yaml_parser_t *p)
{
    if (p->error == YAML_MEMORY_ERROR)
        return ga_nomem(r->ctx);
    int32_t line = 0, col = 0;
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->error == YAML_READER_ERROR) {
        /* Reader errors carry a byte offset into the input libyaml got;
         * for bad UTF-8 it may be a trailing byte, so point at the start
         * of the sequence instead. */
        size_t bad = first_bad_utf8((const unsigned char *)r->text, r->len);
        if (bad < r->len && bad <= p->problem_offset + r->base) {
            ga_doc_pos_at(&r->pos, bad, &line, &col);
            return ga_error(r->ctx, GPUARB_ERR_SYNTAX, r->source, line, col, NULL,
                            "invalid UTF-8 sequence starting with byte 0x%02X; specs must be "
                            "UTF-8 text", (unsigned)(unsigned char)r->text[bad]);
        }
        ga_doc_pos_at(&r->pos, p->problem_offset + r->base, &line, &col);
        if (p->problem_value != -1)
            return ga_error(r->ctx, GPUARB_ERR_SYNTAX, r->source, line, col, NULL,
                            "%s (byte 0x%02X); specs must be UTF-8 text", problem,
                            (unsigned)p->problem_value & 0xFFu);
        return ga_error(r->ctx, GPUARB_ERR_SYNTAX, r->source, line, col, NULL, "%s", problem);
    }
    mark_pos(r, &p->problem_mark, &line, &col);
    if (at_tab(r, line, col))
        return ga_error(r->ctx, GPUARB_ERR_SYNTAX, r->source, line, col, NULL,
                        "a tab character: YAML indents with spaces, never tabs (%s)", problem);
    if (p->context)
        return ga_error(r->ctx, GPUARB_ERR_SYNTAX, r->source, line, col, NULL, "%s (%s)",
                        problem, p->context);
    return ga_error(r->ctx, GPUARB_ERR_SYNTAX, r->source, line, col, NULL, "%s", problem);
}

static gpuarb_status on_event(yreader *r, const yaml_event_t *e, int *done)
{
    switch (e->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    case YAML_NO_EVENT:
        return GPUARB_OK;
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return GPUARB_OK;
    case YAML_DOCUMENT_START_EVENT:
        if (++r->documents > 1)
            return fail_at(r, GPUARB_ERR_INPUT, &e->start_mark,
                           "more than one YAML document in the stream%s", "");
        return GPUARB_OK;
    case YAML_ALIAS_EVENT:
        return fail_at(r, GPUARB_ERR_LIMIT, &e->start_mark,
                       "YAML anchors and aliases are not supported (alias '*%s')",
                       (const char *)e->data.alias.anchor);
    case YAML_SCALAR_EVENT:
        if (e->data.scalar.anchor)
            return fail_at(r, GPUARB_ERR_LIMIT, &e->start_mark,
                           "YAML anchors and aliases are not supported (anchor '&%s')",
                           (const char *)e->data.scalar.anchor);
        return on_scalar(r, e);
    case YAML_SEQUENCE_START_EVENT:
        if (e->data.sequence_start.anchor)
            return fail_at(r, GPUARB_ERR_LIMIT, &e->start_mark,
                           "YAML anchors and aliases are not supported (anchor '&%s')",
                           (const char *)e->data.sequence_start.anchor);
        return on_start(r, e, GA_DOC_SEQ);
    case YAML_MAPPING_START_EVENT:
        if (e->data.mapping_start.anchor)
            return fail_at(r, GPUARB_ERR_LIMIT, &e->start_mark,
                           "YAML anchors and aliases are not supported (anchor '&%s')",
                           (const char *)e->data.mapping_start.anchor);
        return on_start(r, e, GA_DOC_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (r->depth > 0)
            pop_frame(r);
        return GPUARB_OK;
    }
    return GPUARB_OK;
}

gpuarb_status ga_doc_parse_yaml(gpuarb_ctx *ctx, const char *text, size_t len,
                                const char *source, ga_doc *out)
{
    gpuarb_status st0 = ga_doc_begin(ctx, &text, &len, source, out);
    if (st0)
        return st0;

    yreader *r = ga_calloc(1, sizeof *r); /* the stack is too big for the C stack */
    if (!r) {
        ga_doc_free(out);
        return ga_nomem(ctx);
    }
    r->ctx = ctx;
    r->text = text;
    r->len = len;
    r->source = out->source;
    ga_doc_pos_init(&r->pos, text, len);
    yaml_parser_t parser;
    gpuarb_status st = GPUARB_OK;
    if (!yaml_parser_initialize(&parser)) {
        st = ga_nomem(ctx);
    } else {
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
        /* libyaml skips a byte-order mark only when it guesses the
         * encoding; with UTF-8 set it would count the mark as a column of
         * the first line, so skip it here. */
        if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
            r->base = r->byte_off = 3;
        yaml_parser_set_input_string(&parser, (const unsigned char *)text + r->base,
                                     len - r->base);
        int done = 0;
        while (!done && st == GPUARB_OK) {
            yaml_event_t e;
            if (!yaml_parser_parse(&parser, &e)) {
                st = syntax_error(r, &parser);
                break;
            }
            st = on_event(r, &e, &done);
            yaml_event_delete(&e);
        }
        yaml_parser_delete(&parser);
    }
    while (r->depth > 0)
        pop_frame(r);
    if (st == GPUARB_OK && !r->root) {
        /* An empty stream is an empty (null) document. */
        r->root = ga_doc_node_new(GA_DOC_NULL, 1, 1);
        if (!r->root)
            st = ga_nomem(ctx);
        else if (!(r->root->str = ga_strdup("")))
            st = ga_nomem(ctx);
    }
    if (st == GPUARB_OK) {
        out->root = r->root;
    } else {
        ga_doc_node_free(r->root);
        ga_doc_free(out);
    }
    free(r);
    return st;
}
