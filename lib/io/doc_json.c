/*
 * doc_json.c - JSON text (RFC 8259) -> ga_doc tree, decoded here in one
 * pass, without a dependency.
 *
 * jansson 2.14 was the decoder until it was found to assert, crash or
 * misread the text when one of its own allocations fails (issue 14), and
 * its allocator hook is process-wide, so the library may not set it.  This
 * recursive descent parser builds the tree directly: every node is hung in
 * the tree as soon as it exists, so an error anywhere frees everything
 * through the root, and every allocation failure ends in GPUARB_ERR_NOMEM.
 * Recursion is bounded by GA_DOC_MAX_DEPTH (checked at the '{' or '['
 * that would pass it), the document by GA_DOC_MAX_NODES (values and keys,
 * counted as they start).  Strings are read twice: once to check them
 * (escapes, control characters, strict UTF-8 per io/utf8.h, \u surrogate
 * pairs) and measure their decoded length, then copied into one allocation
 * of exactly that size.  Numbers are checked against the JSON grammar
 * here; one written without '.', 'e' or 'E' is an integer and must fit in
 * int64 (ga_parse_int64, the range jansson's json_int_t had); others go
 * through ga_parse_double (locale-free; underflow gives 0 or a subnormal,
 * overflow is an error).  A UTF-8 byte-order mark before the text is
 * skipped (it is not a column).  The first error in document order is
 * reported, at the byte it is about (1-based line and byte column, as
 * ga_doc_pos counts them): a syntax error says what was expected and what
 * was found.  Returns GPUARB_ERR_SYNTAX for malformed JSON, GPUARB_ERR_LIMIT
 * beyond the doc.h limits, GPUARB_ERR_INPUT for duplicate keys, numbers
 * that do not fit and \u0000 in strings (reported at the string's start),
 * and GPUARB_ERR_NOMEM.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/doc.h"
#include "io/utf8.h"

/* Maps with more keys than this find duplicates through a hash set; the
 * smaller ones (nearly every map of a spec) by comparing with each key. */
#define SMALL_MAP 16

typedef struct jparse {
    gpuarb_ctx *ctx;
    const char *source;
    const char *t;
    size_t len, i;     /* the text and the next byte to read */
    size_t nodes;      /* values and keys started so far */
    ga_doc_pos pos;
} jparse;

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void skip_ws(jparse *p)
{
    while (p->i < p->len && is_ws(p->t[p->i]))
        p->i++;
}

static gpuarb_status fail_at(jparse *p, gpuarb_status st, size_t off, const char *fmt, ...)
    GA_PRINTF(4, 5);

static gpuarb_status fail_at(jparse *p, gpuarb_status st, size_t off, const char *fmt, ...)
{
    int32_t line, col;
    ga_doc_pos_at(&p->pos, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    ga_verror(p->ctx, st, p->source, line, col, NULL, fmt, ap);
    va_end(ap);
    return st;
}

/* What the text holds at off, for "... expected near <what>": "end of
 * file", a word or number as written (at most 24 bytes), one printable
 * character, or a byte by its value (messages stay ASCII). */
static void describe(const jparse *p, size_t off, char *buf, size_t n)
{
    if (off >= p->len) {
        snprintf(buf, n, "end of file");
        return;
    }
    unsigned char c = (unsigned char)p->t[off];
    size_t k = 0;
    while (off + k < p->len && k < 24 &&
           (is_alpha(p->t[off + k]) || ga_is_digit(p->t[off + k]) ||
            strchr("+-._", p->t[off + k]) != NULL) && p->t[off + k] != '\0')
        k++;
    if (k > 0)
        snprintf(buf, n, "'%.*s%s'", (int)k, p->t + off, off + k < p->len &&
                 (is_alpha(p->t[off + k]) || ga_is_digit(p->t[off + k])) ? "..." : "");
    else if (c > 0x20 && c < 0x7F)
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02X", (unsigned)c);
}

/* A syntax error at the current byte: "<what> expected near <found><hint>". */
static gpuarb_status expected(jparse *p, const char *what, const char *hint)
{
    char near[40];
    describe(p, p->i, near, sizeof near);
    return fail_at(p, GPUARB_ERR_SYNTAX, p->i, "%s expected near %s%s", what, near, hint);
}

/* One more value or key, starting at off. */
static gpuarb_status count_node(jparse *p, size_t off)
{
    if (p->nodes >= GA_DOC_MAX_NODES)
        return fail_at(p, GPUARB_ERR_LIMIT, off, "more than %d nodes in the document",
                       GA_DOC_MAX_NODES);
    p->nodes++;
    return GPUARB_OK;
}

/* ---- strings ---- */

/* The four hex digits at s[0..4) (n bytes available), or -1. */
static long hex4(const char *s, size_t n)
{
    long v = 0;
    if (n < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        int d = ga_is_digit(c)             ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t utf8_len(long cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

static char *put_utf8(char *o, long cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* The string whose opening quote is at q: checked, its closing quote's
 * offset in *end and its decoded length in *n.  Errors are reported at
 * the offending byte or escape; an unclosed string at the opening quote,
 * and so is \u0000 (input the spec cannot hold, not a syntax error), once
 * the whole string is known to be well formed. */
static gpuarb_status string_check(jparse *p, size_t q, size_t *end, size_t *n)
{
    const char *t = p->t;
    size_t i = q + 1, k = 0;
    int nul = 0;
    for (;;) {
        if (i >= p->len)
            return fail_at(p, GPUARB_ERR_SYNTAX, q,
                           "string not closed: '\"' expected before the end of file");
        unsigned char c = (unsigned char)t[i];
        if (c == '"')
            break;
        if (c < 0x20)
            return fail_at(p, GPUARB_ERR_SYNTAX, i,
                           "control character 0x%02X in a string; write it as an escape "
                           "(\\n, \\t, \\u%04X)",
                           (unsigned)c, (unsigned)c);
        if (c >= 0x80) {
            size_t s = ga_utf8_seq((const unsigned char *)t + i, p->len - i);
            if (s == 0)
                return fail_at(p, GPUARB_ERR_SYNTAX, i,
                               "invalid UTF-8 sequence starting with byte 0x%02X; specs must "
                               "be UTF-8 text",
                               (unsigned)c);
            i += s;
            k += s;
            continue;
        }
        if (c != '\\') {
            i++;
            k++;
            continue;
        }
        if (i + 1 >= p->len)
            return fail_at(p, GPUARB_ERR_SYNTAX, q,
                           "string not closed: '\"' expected before the end of file");
        char e = t[i + 1];
        if (e != 'u') {
            if (!strchr("\"\\/bfnrt", e) || e == '\0') {
                if ((unsigned char)e > 0x20 && (unsigned char)e < 0x7F)
                    return fail_at(p, GPUARB_ERR_SYNTAX, i,
                                   "invalid escape '\\%c' in a string (JSON has \\\" \\\\ \\/ "
                                   "\\b \\f \\n \\r \\t \\uXXXX)",
                                   e);
                return fail_at(p, GPUARB_ERR_SYNTAX, i,
                               "invalid escape: '\\' followed by byte 0x%02X in a string",
                               (unsigned)(unsigned char)e);
            }
            i += 2;
            k++;
            continue;
        }
        long cp = hex4(t + i + 2, p->len - (i + 2));
        if (cp < 0)
            return fail_at(p, GPUARB_ERR_SYNTAX, i,
                           "invalid escape: '\\u' must be followed by four hexadecimal digits");
        nul |= cp == 0;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return fail_at(p, GPUARB_ERR_SYNTAX, i,
                           "invalid Unicode escape '\\u%04lX': a low surrogate with no high "
                           "surrogate (\\uD800 to \\uDBFF) before it",
                           cp);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long lo = i + 7 < p->len && t[i + 6] == '\\' && t[i + 7] == 'u'
                          ? hex4(t + i + 8, p->len - (i + 8))
                          : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return fail_at(p, GPUARB_ERR_SYNTAX, i,
                               "invalid Unicode escape '\\u%04lX': a high surrogate must be "
                               "followed by a low one (\\uDC00 to \\uDFFF)",
                               cp);
            i += 12;
            k += 4;
            continue;
        }
        i += 6;
        k += utf8_len(cp);
    }
    if (nul)
        return fail_at(p, GPUARB_ERR_INPUT, q, "strings may not contain NUL characters");
    *end = i;
    *n = k;
    return GPUARB_OK;
}

/* Decode the checked string between the quotes q and end into out. */
static void string_copy(const char *t, size_t q, size_t end, char *out)
{
    char *o = out;
    for (size_t i = q + 1; i < end;) {
        if (t[i] != '\\') {
            *o++ = t[i++];
            continue;
        }
        char e = t[i + 1];
        if (e == 'u') {
            long cp = hex4(t + i + 2, 4);
            i += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(t + i + 2, 4) - 0xDC00);
                i += 6;
            }
            o = put_utf8(o, cp);
            continue;
        }
        switch (e) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        default: *o++ = e; break; /* '"', '\\', '/' */
        }
        i += 2;
    }
    *o = '\0';
}

/* The string at p->i (its opening quote), decoded into *out (NUL-free,
 * owned by the caller); p->i moves past it. */
static gpuarb_status string(jparse *p, char **out)
{
    size_t q = p->i, end = 0, n = 0;
    gpuarb_status st = string_check(p, q, &end, &n);
    if (st)
        return st;
    char *s = ga_malloc(n + 1);
    if (!s)
        return ga_nomem(p->ctx);
    string_copy(p->t, q, end, s);
    *out = s;
    p->i = end + 1;
    return GPUARB_OK;
}

/* ---- scalars ---- */

static size_t digits(jparse *p)
{
    size_t k = 0;
    while (p->i < p->len && ga_is_digit(p->t[p->i]))
        p->i++, k++;
    return k;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? at p->i, into node. */
static gpuarb_status number(jparse *p, ga_doc_node *node)
{
    size_t s = p->i;
    const char *why = NULL;
    if (p->t[p->i] == '-')
        p->i++;
    if (!digits(p)) {
        why = "a digit must follow '-'";
    } else if (p->t[s + (p->t[s] == '-')] == '0' && p->i - s > 1u + (p->t[s] == '-')) {
        why = "leading zeros are not allowed";
    } else {
        if (p->i < p->len && p->t[p->i] == '.') {
            p->i++;
            if (!digits(p))
                why = "a digit must follow '.'";
        }
        if (!why && p->i < p->len && (p->t[p->i] == 'e' || p->t[p->i] == 'E')) {
            p->i++;
            if (p->i < p->len && (p->t[p->i] == '+' || p->t[p->i] == '-'))
                p->i++;
            if (!digits(p))
                why = "the exponent needs digits";
        }
    }
    if (why) {
        char near[40];
        describe(p, s, near, sizeof near);
        return fail_at(p, GPUARB_ERR_SYNTAX, s, "invalid number near %s: %s", near, why);
    }
    size_t n = p->i - s;
    const char *text = p->t + s;
    node->kind = GA_DOC_NUMBER;
    node->is_integer = !memchr(text, '.', n) && !memchr(text, 'e', n) && !memchr(text, 'E', n);
    if (node->is_integer) {
        int64_t v;
        if (ga_parse_int64(text, n, &v) != GA_NUM_OK)
            return fail_at(p, GPUARB_ERR_INPUT, s,
                           "integer '%.*s' is out of range (more than 64 bits)",
                           (int)GA_MIN(n, 200), text);
        node->number = (double)v;
    } else if (ga_parse_double(text, n, &node->number) != GA_NUM_OK) {
        return fail_at(p, GPUARB_ERR_INPUT, s, "'%.*s' is not a finite number (out of range)",
                       (int)GA_MIN(n, 200), text);
    }
    node->str = ga_strndup(text, n);
    return node->str ? GPUARB_OK : ga_nomem(p->ctx);
}

/* true, false or null at p->i, into node. */
static gpuarb_status word(jparse *p, ga_doc_node *node)
{
    size_t s = p->i, n = 0;
    while (s + n < p->len && is_alpha(p->t[s + n]))
        n++;
    const char *w = p->t + s;
    if (n == 4 && memcmp(w, "true", 4) == 0) {
        node->kind = GA_DOC_BOOL;
        node->boolean = 1;
    } else if (n == 5 && memcmp(w, "false", 5) == 0) {
        node->kind = GA_DOC_BOOL;
    } else if (n == 4 && memcmp(w, "null", 4) == 0) {
        node->kind = GA_DOC_NULL;
    } else {
        return expected(p, "value", "");
    }
    p->i += n;
    node->str = ga_strndup(w, n);
    return node->str ? GPUARB_OK : ga_nomem(p->ctx);
}

/* ---- containers ---- */

static gpuarb_status value(jparse *p, int depth, ga_doc_node **slot);

/* 1 when key is already one of the map's keys; -1 out of memory.  The set
 * is made once the map outgrows SMALL_MAP and holds the map's own keys. */
static int duplicate(ga_doc_node *map, ga_strset *set, const char *key)
{
    if (map->n < SMALL_MAP) {
        for (size_t k = 0; k < map->n; k++)
            if (strcmp(map->keys[k], key) == 0)
                return 1;
        return 0;
    }
    if (set->n == 0)
        for (size_t k = 0; k < map->n; k++)
            if (ga_strset_add(set, map->keys[k], NULL) < 0)
                return -1;
    int added = ga_strset_add(set, key, NULL);
    return added < 0 ? -1 : !added;
}

static gpuarb_status object(jparse *p, int depth, ga_doc_node *node)
{
    ga_strset set = GA_STRMAP_INIT;
    size_t cap = 0;
    gpuarb_status st = GPUARB_OK;
    node->kind = GA_DOC_MAP;
    p->i++;
    skip_ws(p);
    if (p->i < p->len && p->t[p->i] == '}') {
        p->i++;
        return GPUARB_OK;
    }
    for (;;) {
        if (p->i >= p->len || p->t[p->i] != '"') {
            if (node->n == 0)
                st = expected(p, "string or '}'", "");
            else if (p->i < p->len && p->t[p->i] == '}')
                st = expected(p, "string", " (a trailing comma: JSON has no ',' after the last member)");
            else
                st = expected(p, "string", "");
            break;
        }
        size_t at = p->i;
        char *key;
        if ((st = count_node(p, at)) || (st = string(p, &key)))
            break;
        int dup = duplicate(node, &set, key);
        if (dup) {
            free(key);
            if (dup < 0) {
                st = ga_nomem(p->ctx);
            } else {
                size_t k = p->i - 2 - at; /* the key as written, cut on a character */
                if (k > 200)
                    for (k = 200; k > 0 && ((unsigned char)p->t[at + 1 + k] & 0xC0) == 0x80;)
                        k--;
                st = fail_at(p, GPUARB_ERR_INPUT, at, "duplicate key '%.*s'", (int)k,
                             p->t + at + 1);
            }
            break;
        }
        int32_t line, col;
        ga_doc_pos_at(&p->pos, at, &line, &col);
        if (ga_doc_map_push(node, &cap, key, line, col, NULL)) {
            free(key);
            st = ga_nomem(p->ctx);
            break;
        }
        skip_ws(p);
        if (p->i >= p->len || p->t[p->i] != ':') {
            st = expected(p, "':'", "");
            break;
        }
        p->i++;
        skip_ws(p);
        if ((st = value(p, depth, &node->items[node->n - 1])))
            break;
        skip_ws(p);
        if (p->i < p->len && p->t[p->i] == '}') {
            p->i++;
            break;
        }
        if (p->i >= p->len || p->t[p->i] != ',') {
            st = expected(p, "',' or '}'", "");
            break;
        }
        p->i++;
        skip_ws(p);
    }
    ga_strset_free(&set);
    return st;
}

static gpuarb_status array(jparse *p, int depth, ga_doc_node *node)
{
    size_t cap = 0;
    node->kind = GA_DOC_SEQ;
    p->i++;
    skip_ws(p);
    if (p->i < p->len && p->t[p->i] == ']') {
        p->i++;
        return GPUARB_OK;
    }
    for (;;) {
        gpuarb_status st;
        if (ga_doc_seq_push(node, &cap, NULL))
            return ga_nomem(p->ctx);
        if ((st = value(p, depth, &node->items[node->n - 1])))
            return st;
        skip_ws(p);
        if (p->i < p->len && p->t[p->i] == ']') {
            p->i++;
            return GPUARB_OK;
        }
        if (p->i >= p->len || p->t[p->i] != ',')
            return expected(p, "',' or ']'", "");
        p->i++;
        skip_ws(p);
        if (p->i < p->len && p->t[p->i] == ']')
            return expected(p, "value", " (a trailing comma: JSON has no ',' after the last element)");
    }
}

/* The value at p->i (blanks skipped) into *slot, which is part of the tree
 * (or the root) so that it is freed with it whatever happens next.  depth
 * is the number of containers around it. */
static gpuarb_status value(jparse *p, int depth, ga_doc_node **slot)
{
    if (p->i >= p->len)
        return expected(p, "value", "");
    gpuarb_status st = count_node(p, p->i);
    if (st)
        return st;
    int32_t line, col;
    ga_doc_pos_at(&p->pos, p->i, &line, &col);
    ga_doc_node *node = ga_doc_node_new(GA_DOC_NULL, line, col);
    if (!node)
        return ga_nomem(p->ctx);
    *slot = node;
    char c = p->t[p->i];
    if ((c == '{' || c == '[') && depth + 1 > GA_DOC_MAX_DEPTH)
        return fail_at(p, GPUARB_ERR_LIMIT, p->i, "nesting deeper than %d levels",
                       GA_DOC_MAX_DEPTH);
    if (c == '{')
        return object(p, depth + 1, node);
    if (c == '[')
        return array(p, depth + 1, node);
    if (c == '"') {
        node->kind = GA_DOC_STRING;
        return string(p, &node->str);
    }
    if (c == '-' || ga_is_digit(c))
        return number(p, node);
    if (is_alpha(c))
        return word(p, node);
    return expected(p, "value", "");
}

gpuarb_status ga_doc_parse_json(gpuarb_ctx *ctx, const char *text, size_t len,
                                const char *source, ga_doc *out)
{
    gpuarb_status st = ga_doc_begin(ctx, &text, &len, source, out);
    if (st)
        return st;
    jparse p;
    memset(&p, 0, sizeof p);
    p.ctx = ctx;
    p.source = out->source;
    p.t = text;
    p.len = len;
    ga_doc_pos_init(&p.pos, text, len);
    /* A UTF-8 byte-order mark is accepted as YAML, CSV and BPP input accept
     * it (RFC 8259 allows a parser to ignore it). */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p.i = 3;
    skip_ws(&p);
    st = value(&p, 0, &out->root);
    if (st == GPUARB_OK) {
        skip_ws(&p);
        if (p.i < p.len)
            st = expected(&p, "end of file", "");
    }
    if (st != GPUARB_OK)
        ga_doc_free(out);
    return st;
}
