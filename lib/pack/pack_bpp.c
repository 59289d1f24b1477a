/*
 * pack_bpp.c - reader for classic one-dimensional instances in BPPLIB
 * format: the item count n, the capacity C, then n integer weights, one
 * number per line (CR, LF and CRLF line ends; blank lines and spaces or
 * tabs around numbers are ignored).  No dependency.  Invariants of a
 * problem it builds: kind GA_PACK_KIND_BPP, 1 <= C < 2^31, n <= the item
 * bound of pack.h, every weight in 0..C.  Every error names the source,
 * the 1-based line and byte column of the offending token and what was
 * expected: GPUARB_ERR_SYNTAX for text that is not a number where a number
 * belongs, GPUARB_ERR_INPUT for numbers out of range and counts that do
 * not match, GPUARB_ERR_LIMIT past the size bounds, GPUARB_ERR_IO from
 * reading the file, GPUARB_ERR_NOMEM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

#define BPP_MAX_BYTES ((size_t)1 << 29) /* 512 MiB of text */
#define BPP_MAX_CAP ((int64_t)2147483647)

typedef struct rd {
    gpuarb_ctx *ctx;
    const char *src;
    const char *t;
    size_t len, pos;
    int32_t line;
    size_t line_start;
} rd;

/* Skip spaces and tabs (and a UTF-8 byte-order mark at the very start). */
static void skip_blank(rd *r)
{
    if (r->pos == 0 && r->len >= 3 && (unsigned char)r->t[0] == 0xEF &&
        (unsigned char)r->t[1] == 0xBB && (unsigned char)r->t[2] == 0xBF) {
        r->pos = 3;
        r->line_start = 3;
    }
    while (r->pos < r->len && (r->t[r->pos] == ' ' || r->t[r->pos] == '\t'))
        r->pos++;
}

static int at_eol(const rd *r)
{
    return r->pos >= r->len || r->t[r->pos] == '\n' || r->t[r->pos] == '\r';
}

static void next_line(rd *r)
{
    if (r->pos < r->len && r->t[r->pos] == '\r')
        r->pos++;
    if (r->pos < r->len && r->t[r->pos] == '\n')
        r->pos++;
    r->line++;
    r->line_start = r->pos;
}

static int32_t col(const rd *r, size_t at)
{
    return (int32_t)(at - r->line_start + 1);
}

/* Advance to the next non-blank line; returns 0 at end of input. */
static int next_token_line(rd *r)
{
    for (;;) {
        skip_blank(r);
        if (r->pos >= r->len)
            return 0;
        if (!at_eol(r))
            return 1;
        next_line(r);
    }
}

/* Read one integer token on the current line into *v.  what names the
 * value for messages ("the item count", "weight 3"). */
static gpuarb_status read_int(rd *r, const char *what, int64_t *v, size_t *tok_at)
{
    size_t st = r->pos;
    *tok_at = st;
    size_t e = st;
    while (e < r->len && r->t[e] != ' ' && r->t[e] != '\t' && r->t[e] != '\n' &&
           r->t[e] != '\r')
        e++;
    size_t k = st;
    if (k < e && (r->t[k] == '+' || r->t[k] == '-'))
        k++;
    size_t d0 = k;
    while (k < e && r->t[k] >= '0' && r->t[k] <= '9')
        k++;
    int digits = k > d0;
    int tlen = (int)(e - st > 40 ? 40 : e - st);
    if (!digits || k != e) {
        /* a number with a fraction or exponent is still a number */
        int numeric = digits && k < e && (r->t[k] == '.' || r->t[k] == 'e' || r->t[k] == 'E');
        return ga_error(r->ctx, numeric ? GPUARB_ERR_INPUT : GPUARB_ERR_SYNTAX, r->src, r->line,
                        col(r, st), NULL, "%s must be a whole number, found '%.*s'", what, tlen,
                        r->t + st);
    }
    int64_t x = 0;
    int rc = ga_parse_int64(r->t + st, e - st, &x);
    if (r->t[st] == '-' && (rc == GA_NUM_RANGE || x < 0))
        return ga_error(r->ctx, GPUARB_ERR_INPUT, r->src, r->line, col(r, st), NULL,
                        "%s must not be negative, found '%.*s'", what, tlen, r->t + st);
    /* "too large" from INT64_MAX - 8 up, as this reader always said */
    if (rc == GA_NUM_RANGE || x > INT64_MAX - 8)
        return ga_error(r->ctx, GPUARB_ERR_LIMIT, r->src, r->line, col(r, st), NULL,
                        "%s is too large: '%.*s'", what, tlen, r->t + st);
    r->pos = e;
    *v = x;
    return GPUARB_OK;
}

/* After a number: only blanks may follow on its line. */
static gpuarb_status end_of_line(rd *r, const char *what)
{
    skip_blank(r);
    if (!at_eol(r)) {
        size_t st = r->pos, e = st;
        while (e < r->len && r->t[e] != '\n' && r->t[e] != '\r' && e - st < 40)
            e++;
        return ga_error(r->ctx, GPUARB_ERR_SYNTAX, r->src, r->line, col(r, st), NULL,
                        "expected one number per line after %s, found '%.*s' (BPPLIB format: "
                        "n, capacity, then one weight per line)",
                        what, (int)(e - st), r->t + st);
    }
    next_line(r);
    return GPUARB_OK;
}

static gpuarb_status bpp_read(gpuarb_ctx *ctx, const char *text, size_t len, const char *source,
                              gpuarb_pack_problem **out)
{
    rd r = {ctx, source, text, len, 0, 1, 0};
    int64_t n, C;
    size_t at;
    gpuarb_status st;
    if (!next_token_line(&r))
        return ga_error(ctx, GPUARB_ERR_INPUT, source, r.line, col(&r, r.pos), NULL,
                        "empty input: expected the item count n on the first line");
    if ((st = read_int(&r, "the item count", &n, &at)))
        return st;
    if (n > GA_PACK_MAX_ITEMS)
        return ga_error(ctx, GPUARB_ERR_LIMIT, source, r.line, col(&r, at), NULL,
                        "the item count %lld is above the limit of %lld", (long long)n,
                        (long long)GA_PACK_MAX_ITEMS);
    int32_t n_line = r.line, n_col = col(&r, at);
    if ((st = end_of_line(&r, "the item count")))
        return st;
    if (!next_token_line(&r))
        return ga_error(ctx, GPUARB_ERR_INPUT, source, r.line, col(&r, r.pos), NULL,
                        "end of input: expected the bin capacity after the item count");
    if ((st = read_int(&r, "the capacity", &C, &at)))
        return st;
    if (C < 1)
        return ga_error(ctx, GPUARB_ERR_INPUT, source, r.line, col(&r, at), NULL,
                        "the capacity must be at least 1, found %lld", (long long)C);
    if (C > BPP_MAX_CAP)
        return ga_error(ctx, GPUARB_ERR_LIMIT, source, r.line, col(&r, at), NULL,
                        "the capacity %lld is above the limit of %lld", (long long)C,
                        (long long)BPP_MAX_CAP);
    if ((st = end_of_line(&r, "the capacity")))
        return st;
    gpuarb_pack_problem *p;
    if ((st = ga_pack_problem_new(ctx, GA_PACK_KIND_BPP, source, &p)))
        return st;
    p->bpp_cap = C;
    p->bpp_w = ga_mallocarray((size_t)n + 1, sizeof *p->bpp_w);
    if (!p->bpp_w) {
        gpuarb_pack_problem_free(p);
        return ga_nomem(ctx);
    }
    for (int64_t i = 0; i < n; i++) {
        char what[48];
        snprintf(what, sizeof what, "weight %lld", (long long)i);
        if (!next_token_line(&r)) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, source, r.line, col(&r, r.pos), NULL,
                          "end of input after %lld weights: the item count on line %d, "
                          "column %d says %lld",
                          (long long)i, (int)n_line, (int)n_col, (long long)n);
            break;
        }
        int64_t w;
        if ((st = read_int(&r, what, &w, &at)))
            break;
        if (w > C) {
            st = ga_error(ctx, GPUARB_ERR_INPUT, source, r.line, col(&r, at), NULL,
                          "%s is %lld, larger than the capacity %lld: it fits no bin", what,
                          (long long)w, (long long)C);
            break;
        }
        p->bpp_w[i] = w;
        if ((st = end_of_line(&r, what)))
            break;
    }
    if (st == GPUARB_OK && next_token_line(&r))
        st = ga_error(ctx, GPUARB_ERR_INPUT, source, r.line, col(&r, r.pos), NULL,
                      "more weights than the item count %lld on line %d, column %d",
                      (long long)n, (int)n_line, (int)n_col);
    if (st) {
        gpuarb_pack_problem_free(p);
        return st;
    }
    p->bpp_n = (size_t)n;
    p->n_items = n;
    p->objective = GPUARB_PACK_MIN_NODES;
    *out = p;
    return GPUARB_OK;
}

gpuarb_status gpuarb_pack_bpp_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                    const char *source, gpuarb_pack_problem **out)
{
    if (out)
        *out = NULL;
    gpuarb_status st = ga_check_text(ctx, out != NULL, text, len);
    if (st)
        return st;
    if (len > BPP_MAX_BYTES)
        return ga_error(ctx, GPUARB_ERR_LIMIT, source ? source : "<string>", 0, 0, NULL,
                        "input larger than 512 MiB");
    return bpp_read(ctx, text ? text : "", len, source ? source : "<string>", out);
}

gpuarb_status gpuarb_pack_bpp_load(gpuarb_ctx *ctx, const char *path, gpuarb_pack_problem **out)
{
    if (out)
        *out = NULL;
    char *text;
    size_t len;
    gpuarb_status st = ga_load_file(ctx, out != NULL, path, "BPP file", BPP_MAX_BYTES, &text, &len);
    if (st)
        return st;
    st = bpp_read(ctx, text, len, path, out);
    free(text);
    return st;
}
