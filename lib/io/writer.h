/*
 * writer.h - one structured writer for every serialised output: objects,
 * arrays, keys and values in, JSON or YAML text out, with the separators,
 * line breaks, indentation and quoting done here and nowhere else.
 *
 * Usage:
 *
 *     ga_writer w;
 *     ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
 *     ga_w_obj_begin(&w);
 *     ga_w_key(&w, "status");     ga_w_str(&w, "optimal");
 *     ga_w_key(&w, "cost");       ga_w_money(&w, 12.3400000001);
 *     ga_w_key(&w, "nodes");      ga_w_arr_begin(&w);  ga_w_int(&w, 3);  ga_w_arr_end(&w);
 *     ga_w_obj_end(&w);
 *     char *text;
 *     gpuarb_status st = ga_w_finish(&w, ctx, &text);
 *     // {"status": "optimal", "cost": 12.34, "nodes": [3]}\n
 *
 * Errors latch: out of memory, misuse (a value in an object without its key,
 * a key outside an object, an end that does not match its begin, a second
 * top-level value, an unfinished document) and nesting deeper than
 * GA_W_MAX_DEPTH make every later call a no-op, and ga_w_finish reports
 * the first one.  The writer never fails half-way through a caller's code.
 *
 * JSON layout: GA_W_COMPACT writes {"a":1,"b":[1,2]}; GA_W_SPACED writes
 * {"a": 1, "b": [1, 2]}; GA_W_PRETTY puts every item of every container on
 * its own line.  A container opened with GA_W_LINES or GA_W_INLINE overrides
 * that: LINES puts each item on a line of its own, indented one step
 * (GA_W_INDENT(n) spaces, default 2) past the line the container opened on,
 * and the closing bracket back on that line's indentation; INLINE keeps it
 * on one line.  ga_w_break starts the next item of the current container on
 * a new line.  Empty containers are always {} and [].  The text ends with
 * one newline.
 *
 * YAML: block style whatever the layout hints say, 2-space indentation,
 * sequences under a key indented, a mapping in a sequence item starting on
 * the dash's line, empty containers as {} and [].  Strings are written
 * plain unless the YAML reader would read them back as something else or
 * not at all; then they are double-quoted with escapes.  Keys longer than
 * libyaml's 1024-character limit for "key: value" are written as explicit
 * "? key" / ": value" pairs.  Strings are taken as UTF-8 and passed through
 * (invalid UTF-8 is the caller's to avoid, in both formats).
 *
 * Numbers: shortest decimal that reads back to the same double, plain
 * rather than exponent where short (ga_fmt_double), NaN and infinities as
 * 0.  Money: ga_w_money rounds to 6 decimals (SPEC section 3) first.
 */
#ifndef GPUARB_WRITER_H
#define GPUARB_WRITER_H

#include "base/internal.h"

typedef enum ga_w_format { GA_W_JSON = 0, GA_W_YAML = 1 } ga_w_format;

/* Flags of ga_w_init (JSON only; YAML has one layout). */
#define GA_W_COMPACT 0x0       /* no spaces, no newlines */
#define GA_W_SPACED 0x1        /* ", " between items, ": " after keys */
#define GA_W_PRETTY 0x3        /* spaced, and every container GA_W_LINES */
#define GA_W_INDENT(n) (((n) & 0xff) << 8) /* spaces per level (0 = default 2) */

/* Layout of one container (JSON). */
typedef enum ga_w_layout {
    GA_W_AUTO = 0, /* per the init flags */
    GA_W_INLINE,   /* all items on the current line */
    GA_W_LINES     /* one item per line */
} ga_w_layout;

#define GA_W_MAX_DEPTH 64

typedef struct ga_w_level {
    unsigned char is_obj;
    unsigned char lines;    /* JSON: GA_W_LINES */
    unsigned char have_key; /* object: a key waits for its value */
    int32_t base;           /* JSON: indentation of the line it opened on; YAML: item column */
    size_t n;               /* items written */
} ga_w_level;

typedef struct ga_writer {
    ga_strbuf b;
    ga_w_format format;
    int32_t flags;
    int32_t indent;       /* JSON spaces per level */
    gpuarb_status err;    /* first error, latched */
    const char *why;      /* its reason (static text) */
    int32_t depth;
    int32_t line_indent;  /* JSON: indentation of the current line */
    int32_t brk;          /* JSON: the next item starts a new line */
    int32_t ymid;         /* YAML: 0 at a line start, 1 after "key:", 2 after "- " */
    int32_t done;         /* the top-level value is complete */
    ga_w_level st[GA_W_MAX_DEPTH];
} ga_writer;

void ga_w_init(ga_writer *w, ga_w_format format, int32_t flags);

void ga_w_obj_begin(ga_writer *w);
void ga_w_arr_begin(ga_writer *w);
void ga_w_obj_open(ga_writer *w, ga_w_layout layout);
void ga_w_arr_open(ga_writer *w, ga_w_layout layout);
void ga_w_obj_end(ga_writer *w);
void ga_w_arr_end(ga_writer *w);
/* The next key or item of the current container starts a new line (JSON). */
void ga_w_break(ga_writer *w);

/* Inside an object, every value follows its key. */
void ga_w_key(ga_writer *w, const char *name);
void ga_w_str(ga_writer *w, const char *s);      /* NULL writes null */
void ga_w_num(ga_writer *w, double v);
void ga_w_int(ga_writer *w, int64_t v);
void ga_w_bool(ga_writer *w, int v);
void ga_w_null(ga_writer *w);
void ga_w_money(ga_writer *w, double v);
/* v when present, else null. */
void ga_w_num_or_null(ga_writer *w, int present, double v);
void ga_w_money_or_null(ga_writer *w, int present, double v);
void ga_w_int_or_null(ga_writer *w, int present, int64_t v);
/* A member in one call: the key, then the value as the calls above write it. */
void ga_w_kv_str(ga_writer *w, const char *key, const char *s);
void ga_w_kv_num(ga_writer *w, const char *key, double v);
void ga_w_kv_int(ga_writer *w, const char *key, int64_t v);
void ga_w_kv_bool(ga_writer *w, const char *key, int v);
void ga_w_kv_null(ga_writer *w, const char *key);
void ga_w_kv_money(ga_writer *w, const char *key, double v);
void ga_w_kv_num_or_null(ga_writer *w, const char *key, int present, double v);
void ga_w_kv_money_or_null(ga_writer *w, const char *key, int present, double v);
void ga_w_kv_int_or_null(ga_writer *w, const char *key, int present, int64_t v);

/* End the document: GPUARB_OK with *out owning the text (free with gpuarb_free),
 * or the latched error recorded on ctx (NOMEM; INTERNAL for misuse; LIMIT
 * past GA_W_MAX_DEPTH) with *out NULL.  The writer is reset either way. */
gpuarb_status ga_w_finish(ga_writer *w, gpuarb_ctx *ctx, char **out);
/* Drop everything (when the caller fails for its own reasons). */
void ga_w_discard(ga_writer *w);

/* The one money rounding: to 6 decimals, halves up (floor(v * 1e6 + 0.5)
 * / 1e6); sums of prices carry floating-point noise in the last digits and
 * no price list has more decimals.  Table writers use it too. */
double ga_money_round(double v);

#endif
