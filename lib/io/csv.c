/*
 * csv.c - RFC 4180 CSV reading over a memory buffer, with positions.
 *
 * Owns the record buffer of a ga_csv reader; wraps no dependency.  It reads
 * one record per call in one left-to-right pass (each byte is looked at a
 * bounded number of times, buffers grow geometrically: linear time).
 * Accepted: quoted fields with "" escapes and embedded newlines, LF, CRLF
 * or lone CR line ends, a UTF-8 byte-order mark at the start, blank lines
 * (skipped), '#' comment lines when GA_CSV_COMMENTS is set, spaces or tabs
 * between a closing quote and the next separator.  A quote inside an
 * unquoted field is kept as a literal character.  Invariants: after a
 * successful ga_csv_next, every field is NUL-terminated inside r->buf and
 * has the 1-based line and column of its first character (the opening
 * quote for a quoted field), and every field is well-formed UTF-8.
 * Returns GPUARB_ERR_SYNTAX for an unterminated quoted field (at its
 * opening quote), for text after a closing quote, for a NUL byte and for
 * bytes that are not well-formed UTF-8 (at the offending character), GPUARB_ERR_LIMIT beyond
 * GA_CSV_MAX_FIELDS fields or GA_CSV_MAX_RECORD bytes in one record,
 * GPUARB_ERR_NOMEM.
 */
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/utf8.h"

void ga_csv_init(ga_csv *r, const char *text, size_t len, const char *source, int flags)
{
    memset(r, 0, sizeof *r);
    r->text = text ? text : "";
    r->len = text ? len : 0;
    r->source = source ? source : "<string>";
    r->flags = flags;
    r->line = 1;
    r->col = 1;
    if (r->len >= 3 && memcmp(r->text, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3; /* BOM: column 1 is the character after it */
}

void ga_csv_free(ga_csv *r)
{
    free(r->buf);
    free(r->f);
    memset(r, 0, sizeof *r);
}

static int at_end(const ga_csv *r)
{
    return r->pos >= r->len;
}

static unsigned char peek(const ga_csv *r)
{
    return (unsigned char)r->text[r->pos];
}

/* Step over one byte, keeping line and column. */
static void advance(ga_csv *r)
{
    unsigned char c = (unsigned char)r->text[r->pos++];
    if (c == '\n') {
        r->line++;
        r->col = 1;
    } else if (c == '\r') {
        if (r->pos < r->len && r->text[r->pos] == '\n')
            return; /* the '\n' of CRLF ends the line */
        r->line++;
        r->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        r->col++; /* count code points, not continuation bytes */
    }
}

static int peek_quoted(const ga_csv *r)
{
    return !at_end(r) && peek(r) == '"';
}

static void skip_line(ga_csv *r)
{
    while (!at_end(r)) {
        unsigned char c = peek(r);
        advance(r);
        if (c == '\n' || (c == '\r' && (at_end(r) || peek(r) != '\n')))
            return;
    }
}

/* 1 if the rest of the current line is spaces/tabs only. */
static int blank_line(const ga_csv *r)
{
    for (size_t p = r->pos; p < r->len; p++) {
        char c = r->text[p];
        if (c == '\n' || c == '\r')
            return 1;
        if (c != ' ' && c != '\t')
            return 0;
    }
    return 1;
}

static gpuarb_status put(gpuarb_ctx *ctx, ga_csv *r, char c)
{
    if (r->buflen + 1 >= GA_CSV_MAX_RECORD)
        return ga_error(ctx, GPUARB_ERR_LIMIT, r->source, r->rec_line, 1, NULL,
                        "record longer than %zu bytes", GA_CSV_MAX_RECORD);
    if (ga_grow((void **)&r->buf, &r->bufcap, r->buflen + 1, 1))
        return ga_nomem(ctx);
    r->buf[r->buflen++] = c;
    return GPUARB_OK;
}

static gpuarb_status begin_field(gpuarb_ctx *ctx, ga_csv *r, int quoted)
{
    if (r->nf >= GA_CSV_MAX_FIELDS)
        return ga_error(ctx, GPUARB_ERR_LIMIT, r->source, r->line, r->col, NULL,
                        "more than %d fields in one record", GA_CSV_MAX_FIELDS);
    if (ga_grow((void **)&r->f, &r->fcap, r->nf + 1, sizeof *r->f))
        return ga_nomem(ctx);
    r->f[r->nf].off = r->buflen;
    r->f[r->nf].line = r->line;
    r->f[r->nf].col = r->col;
    r->f[r->nf].quoted = quoted;
    r->nf++;
    return GPUARB_OK;
}

static gpuarb_status nul_byte(gpuarb_ctx *ctx, const ga_csv *r)
{
    return ga_error(ctx, GPUARB_ERR_SYNTAX, r->source, r->line, r->col, NULL,
                    "NUL byte in CSV text");
}

/* Append the current character (first byte c) to the field and move past
 * it.  A NUL byte or bytes that are not well-formed UTF-8 are an error at
 * the character: catalogs' strings reach JSON output, which must be UTF-8. */
static gpuarb_status take(gpuarb_ctx *ctx, ga_csv *r, unsigned char c)
{
    if (c == '\0')
        return nul_byte(ctx, r);
    size_t k = 1;
    if (c >= 0x80 &&
        !(k = ga_utf8_seq((const unsigned char *)r->text + r->pos, r->len - r->pos)))
        return ga_error(ctx, GPUARB_ERR_SYNTAX, r->source, r->line, r->col, NULL,
                        "invalid UTF-8: byte 0x%02X does not begin a well-formed character "
                        "(the text must be UTF-8)",
                        (unsigned)c);
    gpuarb_status st = GPUARB_OK;
    for (size_t i = 0; i < k && !st; i++) {
        char b = r->text[r->pos];
        advance(r);
        st = put(ctx, r, b);
    }
    return st;
}

static gpuarb_status read_quoted(gpuarb_ctx *ctx, ga_csv *r)
{
    int32_t qline = r->line, qcol = r->col;
    gpuarb_status st;
    advance(r); /* opening quote */
    for (;;) {
        if (at_end(r))
            return ga_error(ctx, GPUARB_ERR_SYNTAX, r->source, qline, qcol, NULL,
                            "unterminated quoted field (no closing '\"')");
        unsigned char c = peek(r);
        if (c == '"') {
            advance(r);
            if (!at_end(r) && peek(r) == '"') {
                advance(r);
                if ((st = put(ctx, r, '"')) != GPUARB_OK)
                    return st;
                continue;
            }
            break;
        }
        if ((st = take(ctx, r, c)) != GPUARB_OK)
            return st;
    }
    while (!at_end(r) && (peek(r) == ' ' || peek(r) == '\t'))
        advance(r);
    if (!at_end(r) && peek(r) != ',' && peek(r) != '\n' && peek(r) != '\r')
        return ga_error(ctx, GPUARB_ERR_SYNTAX, r->source, r->line, r->col, NULL,
                        "unexpected character '%c' after a closing quote (a quote inside "
                        "a quoted field is written \"\")",
                        peek(r) >= 0x20 && peek(r) < 0x7f ? peek(r) : '?');
    return GPUARB_OK;
}

static gpuarb_status read_plain(gpuarb_ctx *ctx, ga_csv *r)
{
    gpuarb_status st;
    while (!at_end(r)) {
        unsigned char c = peek(r);
        if (c == ',' || c == '\n' || c == '\r')
            break;
        if ((st = take(ctx, r, c)) != GPUARB_OK)
            return st;
    }
    return GPUARB_OK;
}

gpuarb_status ga_csv_next(gpuarb_ctx *ctx, ga_csv *r, int *got)
{
    gpuarb_status st;
    *got = 0;
    r->nf = 0;
    r->buflen = 0;
    /* skip blank and comment lines */
    for (;;) {
        if (at_end(r))
            return GPUARB_OK;
        if (blank_line(r) || ((r->flags & GA_CSV_COMMENTS) && peek(r) == '#')) {
            skip_line(r);
            continue;
        }
        break;
    }
    r->rec_line = r->line;
    for (;;) {
        int quoted = peek_quoted(r);
        if ((st = begin_field(ctx, r, quoted)) != GPUARB_OK)
            return st;
        st = quoted ? read_quoted(ctx, r) : read_plain(ctx, r);
        if (st != GPUARB_OK)
            return st;
        if ((st = put(ctx, r, '\0')) != GPUARB_OK)
            return st;
        r->end_line = r->line;
        r->end_col = r->col;
        if (!at_end(r) && peek(r) == ',') {
            advance(r);
            continue;
        }
        if (!at_end(r))
            skip_line(r); /* the line end */
        break;
    }
    *got = 1;
    return GPUARB_OK;
}

size_t ga_csv_nfields(const ga_csv *r)
{
    return r->nf;
}

const char *ga_csv_field(const ga_csv *r, size_t i)
{
    return i < r->nf ? r->buf + r->f[i].off : "";
}

int32_t ga_csv_line(const ga_csv *r, size_t i)
{
    return i < r->nf ? r->f[i].line : r->end_line;
}

int32_t ga_csv_col(const ga_csv *r, size_t i)
{
    return i < r->nf ? r->f[i].col : r->end_col;
}

int ga_csv_quoted(const ga_csv *r, size_t i)
{
    return i < r->nf ? r->f[i].quoted : 0;
}

int32_t ga_csv_record_line(const ga_csv *r)
{
    return r->rec_line;
}
