/*
 * doc_json.c - JSON text -> ga_doc tree; the only module that includes
 * jansson.h (jansson 2.14, decoding only: every writer uses internal.h).
 *
 * jansson keeps no positions for values, so the text is read twice.  First
 * a small scanner of our own walks it (strict RFC 8259 structure, bounded
 * recursion) and records, in document order, where every value and every
 * object key starts; it also enforces GA_DOC_MAX_DEPTH and GA_DOC_MAX_NODES
 * before jansson allocates anything.  Then json_loadb (JSON_REJECT_DUPLICATES,
 * JSON_DECODE_ANY; never json_set_alloc_funcs) decodes it, and the tree is
 * built by walking jansson's value in parallel with the recorded positions:
 * jansson 2.14 iterates an object's keys in insertion order, which is the
 * order of the text (tests/test_doc.c checks this with keys that are not
 * sorted).  Syntax errors are jansson's message at jansson's position.
 * Line and column are 1-based; columns count bytes (for ASCII text they are
 * jansson's own figures; jansson counts characters).  Returns
 * GPUARB_ERR_SYNTAX for malformed JSON, GPUARB_ERR_LIMIT beyond the doc.h
 * limits, GPUARB_ERR_INPUT for duplicate keys, numbers that do not fit and
 * \u0000 in strings, GPUARB_ERR_NOMEM, and GPUARB_ERR_INTERNAL if the
 * scanner's positions and jansson's values ever fail to line up.  Where
 * the scanner rejects text that jansson accepts (jansson takes a NUL byte
 * after a top-level number as the end), the scanner's verdict stands.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "io/doc.h"
#include "io/utf8.h"

typedef struct jtok {
    size_t off;        /* first byte of the value or key */
    size_t len;        /* bytes of the token (scalars, keys); 1 for '{' / '[' */
    int is_key;
} jtok;

enum { SCAN_OK = 0, SCAN_SYNTAX = 1, SCAN_LIMIT = 2, SCAN_NOMEM = 3, SCAN_UTF8 = 4 };

typedef struct jscan {
    const char *t;
    size_t len, i;
    jtok *tok;
    size_t n, cap;
    size_t limit_off;      /* where a limit was passed, or the bad UTF-8 byte */
    const char *limit_what;
} jscan;

static void skip_ws(jscan *s)
{
    while (s->i < s->len &&
           (s->t[s->i] == ' ' || s->t[s->i] == '\t' || s->t[s->i] == '\n' || s->t[s->i] == '\r'))
        s->i++;
}

static int record(jscan *s, size_t off, int is_key)
{
    if (s->n >= GA_DOC_MAX_NODES) {
        s->limit_off = off;
        s->limit_what = "more than 2000000 nodes in the document";
        return SCAN_LIMIT;
    }
    if (ga_grow((void **)&s->tok, &s->cap, s->n + 1, sizeof *s->tok))
        return SCAN_NOMEM;
    s->tok[s->n].off = off;
    s->tok[s->n].len = 1;
    s->tok[s->n].is_key = is_key;
    s->n++;
    return SCAN_OK;
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* At '"'.  Escapes, control characters and UTF-8 are checked here (so an
 * invalid byte is reported where it is, worded as the YAML reader words
 * it); \u surrogate pairs are left to jansson. */
static int scan_string(jscan *s)
{
    s->i++;
    while (s->i < s->len) {
        unsigned char c = (unsigned char)s->t[s->i];
        if (c == '"') {
            s->i++;
            return SCAN_OK;
        }
        if (c < 0x20)
            return SCAN_SYNTAX;
        if (c >= 0x80) {
            size_t k = ga_utf8_seq((const unsigned char *)s->t + s->i, s->len - s->i);
            if (k == 0) {
                s->limit_off = s->i;
                return SCAN_UTF8;
            }
            s->i += k;
            continue;
        }
        if (c == '\\') {
            if (++s->i >= s->len)
                return SCAN_SYNTAX;
            c = (unsigned char)s->t[s->i];
            if (c == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (s->i + (size_t)k >= s->len || !is_hex(s->t[s->i + (size_t)k]))
                        return SCAN_SYNTAX;
                s->i += 5;
                continue;
            }
            if (!strchr("\"\\/bfnrt", c) || c == '\0')
                return SCAN_SYNTAX;
        }
        s->i++;
    }
    return SCAN_SYNTAX;
}

static size_t digits(jscan *s)
{
    size_t k = 0;
    while (s->i < s->len && ga_is_digit(s->t[s->i])) {
        s->i++;
        k++;
    }
    return k;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static int scan_number(jscan *s)
{
    if (s->t[s->i] == '-')
        s->i++;
    if (s->i >= s->len || !ga_is_digit(s->t[s->i]))
        return SCAN_SYNTAX;
    if (s->t[s->i] == '0')
        s->i++;
    else
        digits(s);
    if (s->i < s->len && s->t[s->i] == '.') {
        s->i++;
        if (!digits(s))
            return SCAN_SYNTAX;
    }
    if (s->i < s->len && (s->t[s->i] == 'e' || s->t[s->i] == 'E')) {
        s->i++;
        if (s->i < s->len && (s->t[s->i] == '+' || s->t[s->i] == '-'))
            s->i++;
        if (!digits(s))
            return SCAN_SYNTAX;
    }
    return SCAN_OK;
}

static int scan_word(jscan *s, const char *w)
{
    size_t n = strlen(w);
    if (s->len - s->i < n || memcmp(s->t + s->i, w, n) != 0)
        return SCAN_SYNTAX;
    s->i += n;
    return SCAN_OK;
}

static int scan_value(jscan *s, int depth);

static int scan_container(jscan *s, int depth, char close)
{
    if (depth > GA_DOC_MAX_DEPTH) {
        s->limit_off = s->i;
        s->limit_what = "nesting deeper than 64 levels";
        return SCAN_LIMIT;
    }
    s->i++;
    skip_ws(s);
    if (s->i < s->len && s->t[s->i] == close) {
        s->i++;
        return SCAN_OK;
    }
    for (;;) {
        int rc;
        if (close == '}') {
            if (s->i >= s->len || s->t[s->i] != '"')
                return SCAN_SYNTAX;
            size_t k = s->n;
            if ((rc = record(s, s->i, 1)) || (rc = scan_string(s)))
                return rc;
            s->tok[k].len = s->i - s->tok[k].off;
            skip_ws(s);
            if (s->i >= s->len || s->t[s->i] != ':')
                return SCAN_SYNTAX;
            s->i++;
            skip_ws(s);
        }
        if ((rc = scan_value(s, depth)))
            return rc;
        skip_ws(s);
        if (s->i >= s->len)
            return SCAN_SYNTAX;
        if (s->t[s->i] == close) {
            s->i++;
            return SCAN_OK;
        }
        if (s->t[s->i] != ',')
            return SCAN_SYNTAX;
        s->i++;
        skip_ws(s);
    }
}

/* At the first byte of a value (whitespace skipped).  depth is the number
 * of containers around it. */
static int scan_value(jscan *s, int depth)
{
    if (s->i >= s->len)
        return SCAN_SYNTAX;
    size_t k = s->n, start = s->i;
    int rc = record(s, start, 0);
    if (rc)
        return rc;
    switch (s->t[s->i]) {
    case '{': return scan_container(s, depth + 1, '}');
    case '[': return scan_container(s, depth + 1, ']');
    case '"': rc = scan_string(s); break;
    case 't': rc = scan_word(s, "true"); break;
    case 'f': rc = scan_word(s, "false"); break;
    case 'n': rc = scan_word(s, "null"); break;
    default: rc = scan_number(s); break;
    }
    s->tok[k].len = s->i - start;
    return rc;
}

static int scan_document(jscan *s)
{
    skip_ws(s);
    int rc = scan_value(s, 0);
    if (rc)
        return rc;
    skip_ws(s);
    return s->i == s->len ? SCAN_OK : SCAN_SYNTAX;
}

/* ---- building the tree from jansson's value and the positions ---- */

typedef struct jbuild {
    gpuarb_ctx *ctx;
    const char *source;
    const char *t;
    const jtok *tok;
    size_t n, next;
    ga_doc_pos pos;
} jbuild;

static gpuarb_status disagree(jbuild *b)
{
    return ga_error(b->ctx, GPUARB_ERR_INTERNAL, b->source, 0, 0, NULL,
                    "JSON position scanner and decoder disagree");
}

static const jtok *take(jbuild *b, int is_key)
{
    if (b->next >= b->n || b->tok[b->next].is_key != is_key)
        return NULL;
    return &b->tok[b->next++];
}

static gpuarb_status build(jbuild *b, json_t *v, ga_doc_node **out);

static gpuarb_status build_object(jbuild *b, json_t *v, ga_doc_node *node)
{
    size_t cap = 0;
    for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
        const jtok *k = take(b, 1);
        if (!k)
            return disagree(b);
        int32_t line, col;
        ga_doc_pos_at(&b->pos, k->off, &line, &col);
        char *key = ga_strdup(json_object_iter_key(it));
        if (!key || ga_doc_map_push(node, &cap, key, line, col, NULL)) {
            free(key);
            return ga_nomem(b->ctx);
        }
        gpuarb_status st = build(b, json_object_iter_value(it), &node->items[node->n - 1]);
        if (st)
            return st;
    }
    return GPUARB_OK;
}

static gpuarb_status build_array(jbuild *b, json_t *v, ga_doc_node *node)
{
    size_t cap = 0;
    for (size_t i = 0; i < json_array_size(v); i++) {
        if (ga_doc_seq_push(node, &cap, NULL))
            return ga_nomem(b->ctx);
        gpuarb_status st = build(b, json_array_get(v, i), &node->items[node->n - 1]);
        if (st)
            return st;
    }
    return GPUARB_OK;
}

/* The first byte each jansson type must start with in the text. */
static int starts_right(const char *t, const jtok *k, json_t *v)
{
    char c = t[k->off];
    switch (json_typeof(v)) {
    case JSON_OBJECT: return c == '{';
    case JSON_ARRAY: return c == '[';
    case JSON_STRING: return c == '"';
    case JSON_INTEGER:
    case JSON_REAL: return c == '-' || ga_is_digit(c);
    case JSON_TRUE: return c == 't';
    case JSON_FALSE: return c == 'f';
    case JSON_NULL: return c == 'n';
    }
    return 0;
}

static gpuarb_status build(jbuild *b, json_t *v, ga_doc_node **out)
{
    const jtok *k = take(b, 0);
    if (!k || !starts_right(b->t, k, v))
        return disagree(b);
    int32_t line, col;
    ga_doc_pos_at(&b->pos, k->off, &line, &col);
    ga_doc_node *node = ga_doc_node_new(GA_DOC_NULL, line, col);
    if (!node)
        return ga_nomem(b->ctx);
    *out = node; /* owned by the caller's tree from here on */
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        node->kind = GA_DOC_MAP;
        return build_object(b, v, node);
    case JSON_ARRAY:
        node->kind = GA_DOC_SEQ;
        return build_array(b, v, node);
    case JSON_STRING:
        node->kind = GA_DOC_STRING;
        node->str = ga_strndup(json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        node->kind = GA_DOC_NUMBER;
        node->is_integer = 1;
        node->number = (double)json_integer_value(v);
        node->str = ga_strndup(b->t + k->off, k->len);
        break;
    case JSON_REAL:
        node->kind = GA_DOC_NUMBER;
        node->number = json_real_value(v);
        node->str = ga_strndup(b->t + k->off, k->len);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        node->kind = GA_DOC_BOOL;
        node->boolean = json_is_true(v);
        node->str = ga_strdup(node->boolean ? "true" : "false");
        break;
    case JSON_NULL:
        node->str = ga_strdup("null");
        break;
    }
    return node->str ? GPUARB_OK : ga_nomem(b->ctx);
}

/* The recorded token that jansson's error at byte `position` is about: the
 * last one (of the wanted kind, or any when want < 0) starting before it. */
static const jtok *token_before(const jscan *s, size_t position, int want)
{
    size_t lo = 0, hi = s->n; /* tokens are in increasing offset order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->tok[mid].off < position)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo > 0) {
        const jtok *k = &s->tok[--lo];
        if (want < 0 || k->is_key == want)
            return k;
    }
    return NULL;
}

/* jansson's position counts the bytes it read; its line and column are
 * those of the last one.  For ASCII text this gives jansson's figures. */
static void jansson_pos(ga_doc_pos *p, const char *t, size_t len, int position,
                        int32_t *line, int32_t *col)
{
    size_t off = position > 0 ? (size_t)position : 0;
    if (off > len)
        off = len;
    if (off > 0 && t[off - 1] != '\n')
        off--;
    ga_doc_pos_at(p, off, line, col);
}

/* 1 when the text holds the escape \u0000 (or something that looks like it). */
static int has_nul_escape(const char *t, size_t len)
{
    for (size_t i = 0; i + 6 <= len; i++)
        if (t[i] == '\\' && memcmp(t + i + 1, "u0000", 5) == 0)
            return 1;
    return 0;
}

static gpuarb_status jansson_error(gpuarb_ctx *ctx, const char *source, const char *t,
                                   size_t len, const jscan *s, int scanned_ok,
                                   const json_error_t *err)
{
    ga_doc_pos p;
    ga_doc_pos_init(&p, t, len);
    int32_t line, col;
    const jtok *k;
    size_t position = err->position > 0 ? (size_t)err->position : 0;
    /* json_loadb returns NULL with an empty message (and an unset code)
     * when it cannot allocate its lexer */
    if (scanned_ok && !err->text[0])
        return ga_nomem(ctx);
    switch (json_error_code(err)) {
    case json_error_out_of_memory:
        return ga_nomem(ctx);
    case json_error_duplicate_key:
        if (!(k = token_before(s, position, 1)))
            break;
        ga_doc_pos_at(&p, k->off, &line, &col);
        return ga_error(ctx, GPUARB_ERR_INPUT, source, line, col, NULL, "duplicate key '%.*s'",
                        (int)GA_MIN(k->len - 2, 200), t + k->off + 1);
    case json_error_numeric_overflow:
        if (!(k = token_before(s, position, 0)))
            break;
        ga_doc_pos_at(&p, k->off, &line, &col);
        if (memchr(t + k->off, '.', k->len) || memchr(t + k->off, 'e', k->len) ||
            memchr(t + k->off, 'E', k->len))
            return ga_error(ctx, GPUARB_ERR_INPUT, source, line, col, NULL,
                            "'%.*s' is not a finite number (out of range)",
                            (int)GA_MIN(k->len, 200), t + k->off);
        return ga_error(ctx, GPUARB_ERR_INPUT, source, line, col, NULL,
                        "integer '%.*s' is out of range (more than 64 bits)",
                        (int)GA_MIN(k->len, 200), t + k->off);
    case json_error_null_character:
    case json_error_null_byte_in_key:
        if (scanned_ok && !has_nul_escape(t, len))
            return ga_nomem(ctx); /* no \u0000 in the text: a lost allocation (below) */
        if (!(k = token_before(s, position, -1)))
            break;
        ga_doc_pos_at(&p, k->off, &line, &col);
        return ga_error(ctx, GPUARB_ERR_INPUT, source, line, col, NULL,
                        "strings may not contain NUL characters");
    case json_error_invalid_syntax:
    case json_error_premature_end_of_input:
    case json_error_end_of_input_expected:
        /* Our scanner found the structure well formed, so jansson lost
         * part of its token buffer: its lexer ignores a failed append
         * (out of memory) and then reports the shortened token as a syntax
         * error.  The one syntax error it finds in well-formed text is a
         * bad surrogate escape, "invalid Unicode ...". */
        if (scanned_ok && strncmp(err->text, "invalid Unicode", 15) != 0)
            return ga_nomem(ctx);
        break;
    default:
        break;
    }
    jansson_pos(&p, t, len, err->position, &line, &col);
    return ga_error(ctx, GPUARB_ERR_SYNTAX, source, line, col, NULL, "%s", err->text);
}

gpuarb_status ga_doc_parse_json(gpuarb_ctx *ctx, const char *text, size_t len,
                                const char *source, ga_doc *out)
{
    gpuarb_status st0 = ga_doc_begin(ctx, &text, &len, source, out);
    if (st0)
        return st0;
    source = out->source;

    /* A UTF-8 byte-order mark is accepted as YAML, CSV and BPP input accept
     * it (RFC 8259 allows a parser to ignore it).  jansson does not, so it
     * reads the text after it, and its error offsets are shifted back;
     * positions are counted in the whole text, where ga_doc_pos skips it. */
    size_t bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    jscan s;
    memset(&s, 0, sizeof s);
    s.t = text;
    s.len = len;
    s.i = bom;
    int rc = scan_document(&s);
    gpuarb_status st = GPUARB_OK;
    if (rc == SCAN_NOMEM) {
        st = ga_nomem(ctx);
    } else if (rc == SCAN_UTF8) {
        ga_doc_pos p;
        int32_t line, col;
        ga_doc_pos_init(&p, text, len);
        ga_doc_pos_at(&p, s.limit_off, &line, &col);
        st = ga_error(ctx, GPUARB_ERR_SYNTAX, source, line, col, NULL,
                      "invalid UTF-8 sequence starting with byte 0x%02X; specs must be UTF-8 "
                      "text",
                      (unsigned)(unsigned char)text[s.limit_off]);
    } else if (rc == SCAN_LIMIT) {
        ga_doc_pos p;
        int32_t line, col;
        ga_doc_pos_init(&p, text, len);
        ga_doc_pos_at(&p, s.limit_off, &line, &col);
        st = ga_error(ctx, GPUARB_ERR_LIMIT, source, line, col, NULL, "%s", s.limit_what);
    } else {
        json_error_t err;
        json_t *v = json_loadb(text + bom, len - bom, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                               &err);
        if (!v) {
            if (err.position >= 0)
                err.position += (int)bom;
            st = jansson_error(ctx, source, text, len, &s, rc == SCAN_OK, &err);
        } else if (rc == SCAN_SYNTAX) {
            /* jansson 2.14 accepts a NUL byte right after a top-level
             * number ("21\0") as the end of input; RFC 8259 does not. */
            ga_doc_pos p;
            int32_t line, col;
            size_t at = s.i < len ? s.i : len;
            ga_doc_pos_init(&p, text, len);
            ga_doc_pos_at(&p, at, &line, &col);
            if (at < len)
                st = ga_error(ctx, GPUARB_ERR_SYNTAX, source, line, col, NULL,
                              "unexpected byte 0x%02X in JSON text",
                              (unsigned)(unsigned char)text[at]);
            else
                st = ga_error(ctx, GPUARB_ERR_SYNTAX, source, line, col, NULL,
                              "unexpected end of JSON text");
        } else {
            jbuild b = {ctx, source, text, s.tok, s.n, 0, {0}};
            ga_doc_pos_init(&b.pos, text, len);
            st = build(&b, v, &out->root);
            if (st == GPUARB_OK && b.next != b.n)
                st = disagree(&b);
        }
        json_decref(v);
    }
    free(s.tok);
    if (st != GPUARB_OK)
        ga_doc_free(out);
    return st;
}
