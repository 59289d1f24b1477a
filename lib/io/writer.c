/*
 * writer.c - the structured writer of writer.h: JSON and YAML text from a
 * stream of begin/end/key/value calls, into a ga_strbuf.  Wraps no
 * dependency (jansson is never used for writing).  Invariants: st[0 ..
 * depth-1] are the open containers; in an object have_key says a key waits
 * for its value; once err is set nothing more is written and the first
 * error wins.  The JSON back end only decides separators and whitespace, so
 * every writer keeps its historical layout through the layout hints; the
 * YAML back end ignores those hints and writes block style.  Output is
 * always well-formed UTF-8: a string byte that does not begin a
 * well-formed character is written as U+FFFD.  ga_w_finish
 * returns GPUARB_OK, GPUARB_ERR_NOMEM, GPUARB_ERR_INTERNAL (misuse) or
 * GPUARB_ERR_LIMIT (deeper than GA_W_MAX_DEPTH).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/utf8.h"
#include "io/writer.h"

void ga_w_init(ga_writer *w, ga_w_format format, int32_t flags)
{
    memset(w, 0, sizeof *w);
    ga_sb_init(&w->b);
    w->format = format;
    w->flags = flags;
    w->indent = (flags >> 8) & 0xff;
    if (!w->indent)
        w->indent = 2;
}

static void fail(ga_writer *w, gpuarb_status st, const char *why)
{
    if (!w->err) {
        w->err = st;
        w->why = why;
    }
}

static int bad(ga_writer *w)
{
    if (!w->err && w->b.oom)
        fail(w, GPUARB_ERR_NOMEM, "out of memory");
    return w->err != GPUARB_OK;
}

static void spaces(ga_writer *w, int32_t n)
{
    static const char blank[] = "                                ";
    while (n > 0) {
        int32_t k = n < 32 ? n : 32;
        ga_sb_putn(&w->b, blank, (size_t)k);
        n -= k;
    }
}

static ga_w_level *top(ga_writer *w)
{
    return w->depth ? &w->st[w->depth - 1] : NULL;
}

/* ---- scalars as text ---- */

/* The escapes JSON and YAML double-quoted strings share: 1 if c was one. */
static int short_escape(ga_strbuf *b, unsigned char c)
{
    switch (c) {
    case '"': ga_sb_puts(b, "\\\""); return 1;
    case '\\': ga_sb_puts(b, "\\\\"); return 1;
    case '\n': ga_sb_puts(b, "\\n"); return 1;
    case '\r': ga_sb_puts(b, "\\r"); return 1;
    case '\t': ga_sb_puts(b, "\\t"); return 1;
    }
    return 0;
}

/* The output is always UTF-8: a byte of s that does not begin a
 * well-formed character (a file name, a caller's string) is written as
 * U+FFFD, the replacement character.  Returns the bytes of s consumed
 * from p (the character's length, or 1). */
static size_t put_char(ga_strbuf *b, const unsigned char *p)
{
    size_t k = ga_utf8_seq(p, strnlen((const char *)p, 4));
    if (k == 0) {
        ga_sb_puts(b, "\xEF\xBF\xBD");
        return 1;
    }
    ga_sb_putn(b, (const char *)p, k);
    return k;
}

static void json_string(ga_strbuf *b, const char *s)
{
    ga_sb_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (short_escape(b, *p)) {
            p++;
            continue;
        }
        if (*p < 0x20)
            ga_sb_printf(b, "\\u%04x", *p++);
        else
            p += put_char(b, p);
    }
    ga_sb_putc(b, '"');
}

/* Length of a YAML line break at p that is not ASCII (NEL U+0085, LS
 * U+2028, PS U+2029): libyaml folds them like newlines. */
static int unicode_break(const unsigned char *p)
{
    if (p[0] == 0xC2 && p[1] == 0x85)
        return 2;
    if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
        return 3;
    return 0;
}

/* A C1 control character U+0080..U+009F (YAML cannot hold it raw). */
static int c1_control(const unsigned char *p)
{
    return p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
}

static int word_is(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (!ga_strcasecmp(s, *words))
            return 1;
    return 0;
}

/* 1 if s written plain would not read back as the same string. */
static int yaml_needs_quotes(const char *s)
{
    static const char *const WORDS[] = {"true", "false", "null", "yes", "no", "on", "off",
                                        "y", "n", "~", NULL};
    static const char INDICATORS[] = "-?:,[]{}#&*!|>'\"%@`";
    size_t n = strlen(s);
    if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':')
        return 1;
    if (strchr(INDICATORS, s[0]) || word_is(s, WORDS))
        return 1;
    /* anything that starts like a number (or .inf/.nan): 1, -2, +.5, .inf, 0x1f */
    const char *p = (s[0] == '+' || s[0] == '-') ? s + 1 : s;
    if ((*p >= '0' && *p <= '9') || *p == '.')
        return 1;
    if (strstr(s, ": ") || strstr(s, " #"))
        return 1;
    for (const unsigned char *q = (const unsigned char *)s; *q; q++)
        if (*q < 0x20 || *q == 0x7f || unicode_break(q) || c1_control(q))
            return 1;
    return ga_utf8_check(s, n) != n; /* quoted strings get U+FFFD for bad bytes */
}

static void yaml_string(ga_strbuf *b, const char *s)
{
    if (!yaml_needs_quotes(s)) {
        ga_sb_puts(b, s);
        return;
    }
    ga_sb_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int k = unicode_break(p);
        if (k) {
            ga_sb_puts(b, k == 2 ? "\\N" : p[2] == 0xA8 ? "\\L" : "\\P");
            p += k - 1;
            continue;
        }
        if (c1_control(p)) {
            ga_sb_printf(b, "\\u%04x", (unsigned)p[1]);
            p++;
            continue;
        }
        if (short_escape(b, *p))
            continue;
        if (*p < 0x20 || *p == 0x7f)
            ga_sb_printf(b, "\\x%02x", *p);
        else
            p += put_char(b, p) - 1;
    }
    ga_sb_putc(b, '"');
}

/* ---- structure ---- */

/* libyaml reads an implicit ("key: value") key of at most 1024 characters;
 * longer ones are written explicitly.  Bytes >= characters, so this is safe. */
#define YAML_SIMPLE_KEY_MAX 1000

/* JSON: separator and line break before a key or an array item. */
static void json_item_start(ga_writer *w, ga_w_level *c)
{
    if (c->n)
        ga_sb_putc(&w->b, ',');
    if (c->lines || w->brk) {
        ga_sb_putc(&w->b, '\n');
        w->line_indent = c->base + w->indent;
        spaces(w, w->line_indent);
    } else if (c->n && (w->flags & GA_W_SPACED)) {
        ga_sb_putc(&w->b, ' ');
    }
    w->brk = 0;
    c->n++;
}

/* YAML: where a key or a "- " goes. */
static void yaml_item_start(ga_writer *w, ga_w_level *c)
{
    if (w->ymid == 1) {
        ga_sb_putc(&w->b, '\n');
        spaces(w, c->base);
    } else if (w->ymid == 0) {
        spaces(w, c->base);
    } /* 2: right after the parent's "- " */
    c->n++;
}

/* Everything a value needs before it; 0 if the call must write nothing. */
static int value_start(ga_writer *w)
{
    if (bad(w))
        return 0;
    ga_w_level *c = top(w);
    if (!c) {
        if (w->done) {
            fail(w, GPUARB_ERR_INTERNAL, "a second top-level value");
            return 0;
        }
        return 1;
    }
    if (c->is_obj) {
        if (!c->have_key) {
            fail(w, GPUARB_ERR_INTERNAL, "a value in an object without a key");
            return 0;
        }
        c->have_key = 0;
        return 1;
    }
    if (w->format == GA_W_JSON) {
        json_item_start(w, c);
    } else {
        yaml_item_start(w, c);
        ga_sb_puts(&w->b, "- ");
        w->ymid = 2;
    }
    return 1;
}

static void value_done(ga_writer *w)
{
    if (!w->depth)
        w->done = 1;
}

/* A scalar already spelled for the back end. */
static void scalar_text(ga_writer *w, const char *text, int is_string)
{
    if (!value_start(w))
        return;
    if (w->format == GA_W_JSON) {
        if (is_string)
            json_string(&w->b, text);
        else
            ga_sb_puts(&w->b, text);
    } else {
        if (w->ymid == 1)
            ga_sb_putc(&w->b, ' ');
        if (is_string)
            yaml_string(&w->b, text);
        else
            ga_sb_puts(&w->b, text);
        ga_sb_putc(&w->b, '\n');
        w->ymid = 0;
    }
    value_done(w);
}

static void w_open(ga_writer *w, int is_obj, ga_w_layout layout)
{
    if (!value_start(w))
        return;
    if (w->depth >= GA_W_MAX_DEPTH) {
        fail(w, GPUARB_ERR_LIMIT, "nesting deeper than GA_W_MAX_DEPTH");
        return;
    }
    ga_w_level *parent = top(w);
    ga_w_level *c = &w->st[w->depth++];
    memset(c, 0, sizeof *c);
    c->is_obj = (unsigned char)is_obj;
    if (w->format == GA_W_JSON) {
        if (layout == GA_W_AUTO)
            layout = (w->flags & GA_W_PRETTY) == GA_W_PRETTY ? GA_W_LINES : GA_W_INLINE;
        c->lines = layout == GA_W_LINES;
        c->base = w->line_indent;
        ga_sb_putc(&w->b, is_obj ? '{' : '[');
    } else {
        c->base = parent ? parent->base + 2 : 0;
    }
}

static void w_close(ga_writer *w, int is_obj)
{
    if (bad(w))
        return;
    ga_w_level *c = top(w);
    if (!c || c->is_obj != is_obj) {
        fail(w, GPUARB_ERR_INTERNAL, "an end that does not match its begin");
        return;
    }
    if (c->have_key) {
        fail(w, GPUARB_ERR_INTERNAL, "an object ended after a key without its value");
        return;
    }
    if (w->format == GA_W_JSON) {
        if (c->lines && c->n) {
            ga_sb_putc(&w->b, '\n');
            w->line_indent = c->base;
            spaces(w, c->base);
        }
        ga_sb_putc(&w->b, is_obj ? '}' : ']');
    } else if (!c->n) {
        ga_sb_puts(&w->b, w->ymid == 1 ? " " : "");
        ga_sb_puts(&w->b, is_obj ? "{}\n" : "[]\n");
        w->ymid = 0;
    }
    w->brk = 0;
    w->depth--;
    value_done(w);
}

void ga_w_obj_begin(ga_writer *w) { w_open(w, 1, GA_W_AUTO); }
void ga_w_arr_begin(ga_writer *w) { w_open(w, 0, GA_W_AUTO); }
void ga_w_obj_open(ga_writer *w, ga_w_layout layout) { w_open(w, 1, layout); }
void ga_w_arr_open(ga_writer *w, ga_w_layout layout) { w_open(w, 0, layout); }
void ga_w_obj_end(ga_writer *w) { w_close(w, 1); }
void ga_w_arr_end(ga_writer *w) { w_close(w, 0); }

void ga_w_break(ga_writer *w)
{
    if (!bad(w) && w->depth)
        w->brk = 1;
}

void ga_w_key(ga_writer *w, const char *name)
{
    if (bad(w))
        return;
    ga_w_level *c = top(w);
    if (!c || !c->is_obj || c->have_key || !name) {
        fail(w, GPUARB_ERR_INTERNAL, !name           ? "a NULL key"
                                     : c && c->is_obj ? "two keys in a row"
                                                      : "a key outside an object");
        return;
    }
    if (w->format == GA_W_JSON) {
        json_item_start(w, c);
        json_string(&w->b, name);
        ga_sb_puts(&w->b, (w->flags & GA_W_SPACED) ? ": " : ":");
    } else {
        yaml_item_start(w, c);
        if (strlen(name) > YAML_SIMPLE_KEY_MAX) {
            /* an explicit key: "? name" then ":" on a line of its own */
            ga_sb_puts(&w->b, "? ");
            yaml_string(&w->b, name);
            ga_sb_putc(&w->b, '\n');
            spaces(w, c->base);
        } else {
            yaml_string(&w->b, name);
        }
        ga_sb_putc(&w->b, ':');
        w->ymid = 1;
    }
    c->have_key = 1;
}

void ga_w_str(ga_writer *w, const char *s)
{
    if (s)
        scalar_text(w, s, 1);
    else
        scalar_text(w, "null", 0);
}

void ga_w_num(ga_writer *w, double v)
{
    char buf[48];
    ga_fmt_double(buf, v);
    scalar_text(w, buf, 0);
}

void ga_w_int(ga_writer *w, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    scalar_text(w, buf, 0);
}

void ga_w_bool(ga_writer *w, int v)
{
    scalar_text(w, v ? "true" : "false", 0);
}

void ga_w_null(ga_writer *w)
{
    scalar_text(w, "null", 0);
}

double ga_money_round(double v)
{
    return floor(v * 1e6 + 0.5) / 1e6;
}

void ga_w_money(ga_writer *w, double v)
{
    ga_w_num(w, ga_money_round(v));
}

void ga_w_num_or_null(ga_writer *w, int present, double v)
{
    if (present)
        ga_w_num(w, v);
    else
        ga_w_null(w);
}

void ga_w_money_or_null(ga_writer *w, int present, double v)
{
    if (present)
        ga_w_money(w, v);
    else
        ga_w_null(w);
}

void ga_w_int_or_null(ga_writer *w, int present, int64_t v)
{
    if (present)
        ga_w_int(w, v);
    else
        ga_w_null(w);
}

void ga_w_kv_str(ga_writer *w, const char *key, const char *s)
{
    ga_w_key(w, key);
    ga_w_str(w, s);
}

void ga_w_kv_num(ga_writer *w, const char *key, double v)
{
    ga_w_key(w, key);
    ga_w_num(w, v);
}

void ga_w_kv_int(ga_writer *w, const char *key, int64_t v)
{
    ga_w_key(w, key);
    ga_w_int(w, v);
}

void ga_w_kv_bool(ga_writer *w, const char *key, int v)
{
    ga_w_key(w, key);
    ga_w_bool(w, v);
}

void ga_w_kv_null(ga_writer *w, const char *key)
{
    ga_w_key(w, key);
    ga_w_null(w);
}

void ga_w_kv_money(ga_writer *w, const char *key, double v)
{
    ga_w_key(w, key);
    ga_w_money(w, v);
}

void ga_w_kv_num_or_null(ga_writer *w, const char *key, int present, double v)
{
    ga_w_key(w, key);
    ga_w_num_or_null(w, present, v);
}

void ga_w_kv_money_or_null(ga_writer *w, const char *key, int present, double v)
{
    ga_w_key(w, key);
    ga_w_money_or_null(w, present, v);
}

void ga_w_kv_int_or_null(ga_writer *w, const char *key, int present, int64_t v)
{
    ga_w_key(w, key);
    ga_w_int_or_null(w, present, v);
}

void ga_w_discard(ga_writer *w)
{
    ga_sb_free(&w->b);
    ga_w_init(w, w->format, w->flags);
}

gpuarb_status ga_w_finish(ga_writer *w, gpuarb_ctx *ctx, char **out)
{
    *out = NULL;
    if (!bad(w) && (w->depth || !w->done))
        fail(w, GPUARB_ERR_INTERNAL, w->depth ? "a container left open" : "an empty document");
    if (!bad(w) && w->format == GA_W_JSON)
        ga_sb_putc(&w->b, '\n');
    gpuarb_status st = bad(w) ? w->err : GPUARB_OK;
    const char *why = w->why;
    if (st == GPUARB_OK) {
        *out = ga_sb_take(&w->b);
        if (!*out)
            st = GPUARB_ERR_NOMEM;
    }
    ga_w_discard(w);
    if (st == GPUARB_ERR_NOMEM)
        return ga_nomem(ctx);
    if (st)
        return ga_error(ctx, st, NULL, 0, 0, NULL, "internal writer error: %s", why);
    return GPUARB_OK;
}
