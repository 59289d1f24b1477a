/*
 * csvtable.c - typed CSV tables (csvtable.h): the header, the column map,
 * the width check and the typed field getters every CSV input shares.
 *
 * Wraps no dependency: records come from csv.c, numbers from base/num.c
 * (locale-free).  Invariants: after ga_tab_header, idx[c] is the header
 * position of column c or -1, and no two columns share a position; after
 * a successful ga_tab_next the row has exactly the header's width (or
 * more, joined into the last column, under GA_TAB_JOIN_EXTRA).  Every
 * error names the source, the 1-based line and column (in characters) of
 * the field and the column name as the key path.  Returns GPUARB_ERR_INPUT
 * for bad values and headers, GPUARB_ERR_SYNTAX for a row of the wrong
 * width and what csv.c returns (SYNTAX, LIMIT), GPUARB_ERR_NOMEM,
 * GPUARB_ERR_INTERNAL for a column table that breaks the rules above (a
 * caller's bug).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "io/csvtable.h"

void ga_tab_init(ga_tab *t, gpuarb_ctx *ctx, const char *text, size_t len, const char *source,
                 const ga_tab_col *cols, int flags)
{
    memset(t, 0, sizeof *t);
    t->ctx = ctx;
    t->source = source ? source : "<string>";
    t->cols = cols;
    while (cols[t->ncols].name)
        t->ncols++;
    t->flags = flags;
    for (size_t c = 0; c < GA_TAB_MAX_COLS; c++)
        t->idx[c] = -1;
    ga_csv_init(&t->r, text, len, t->source, flags & GA_CSV_COMMENTS);
}

void ga_tab_free(ga_tab *t)
{
    ga_csv_free(&t->r);
    free(t->joined);
    t->joined = NULL;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Field i of the current record (the joined tail for the last column). */
static ga_tab_field field_at(const ga_tab *t, size_t i, const char *name)
{
    ga_tab_field f = {"", 0, ga_csv_line(&t->r, i), ga_csv_col(&t->r, i), name};
    if (i >= ga_csv_nfields(&t->r))
        return f;
    f.s = (t->joined && i + 1 == t->width) ? t->joined : ga_csv_field(&t->r, i);
    f.n = strlen(f.s);
    if (!ga_csv_quoted(&t->r, i)) {
        while (f.n && is_space(*f.s)) {
            f.s++;
            f.n--;
            f.col++;
        }
        while (f.n && is_space(f.s[f.n - 1]))
            f.n--;
    }
    return f;
}

ga_tab_field ga_tab_get(const ga_tab *t, int c)
{
    if (c < 0 || (size_t)c >= t->ncols || t->idx[c] < 0) {
        /* column absent: an empty value at the row start */
        ga_tab_field f = {"", 0, ga_csv_record_line(&t->r), 1,
                          c >= 0 && (size_t)c < t->ncols ? t->cols[c].name : NULL};
        return f;
    }
    return field_at(t, (size_t)t->idx[c], t->cols[c].name);
}

int ga_tab_has(const ga_tab *t, int c)
{
    return c >= 0 && (size_t)c < t->ncols && t->idx[c] >= 0;
}

int32_t ga_tab_row_line(const ga_tab *t)
{
    return ga_csv_record_line(&t->r);
}

gpuarb_status ga_tab_fail(const ga_tab *t, const ga_tab_field *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ga_verror(t->ctx, GPUARB_ERR_INPUT, t->source, f->line, f->col, f->name, fmt, ap);
    va_end(ap);
    return GPUARB_ERR_INPUT;
}

void ga_tab_quote(const ga_tab_field *f, char *buf, size_t cap)
{
    size_t n = f->n;
    int cut = 0;
    if (n > 40) {
        n = 40;
        cut = 1;
    }
    if (n + 8 > cap)
        n = cap > 8 ? cap - 8 : 0;
    /* never cut a character in two (the field is UTF-8: csv.c checks) */
    while (n < f->n && n > 0 && ((unsigned char)f->s[n] & 0xC0) == 0x80)
        n--;
    size_t k = 0;
    buf[k++] = '\'';
    for (size_t i = 0; i < n; i++)
        buf[k++] = (unsigned char)f->s[i] < 0x20 ? '?' : f->s[i];
    if (cut) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
}

gpuarb_status ga_tab_missing(ga_tab *t, const char *name)
{
    return ga_error(t->ctx, GPUARB_ERR_INPUT, t->source, t->header_line, 1, name,
                    "the header has no '%s' column (it is required)", name);
}

/* Index of the known column named like header field f, or -1. */
static int column_named(const ga_tab *t, const ga_tab_field *f)
{
    char h[64];
    if (f->n >= sizeof h)
        return -1;
    memcpy(h, f->s, f->n);
    h[f->n] = '\0';
    for (size_t c = 0; c < t->ncols; c++)
        if (strlen(t->cols[c].name) == f->n && ga_strcasecmp(h, t->cols[c].name) == 0)
            return (int)c;
    return -1;
}

gpuarb_status ga_tab_header(ga_tab *t, int *empty)
{
    int got;
    *empty = 0;
    if (t->ncols > GA_TAB_MAX_COLS)
        return ga_error(t->ctx, GPUARB_ERR_INTERNAL, t->source, 0, 0, NULL,
                        "a column table has %zu columns; at most %d", t->ncols, GA_TAB_MAX_COLS);
    for (size_t c = 0; c < t->ncols; c++) {
        const ga_tab_col *col = &t->cols[c];
        int bounded = col->kind == GA_TAB_NUMBER    ? col->max > col->min && col->max < HUGE_VAL
                      : col->kind == GA_TAB_INTEGER ? col->imin <= col->imax
                                                    : 1;
        if (!bounded)
            return ga_error(t->ctx, GPUARB_ERR_INTERNAL, t->source, 0, 0, NULL,
                            "column '%s' has no finite range", col->name);
    }
    gpuarb_status st = ga_csv_next(t->ctx, &t->r, &got);
    if (st != GPUARB_OK)
        return st;
    if (!got) {
        *empty = 1;
        return GPUARB_OK;
    }
    t->width = ga_csv_nfields(&t->r);
    t->header_line = ga_csv_record_line(&t->r);
    for (size_t i = 0; i < t->width; i++) {
        ga_tab_field f = field_at(t, i, "header");
        int c = column_named(t, &f);
        if (c < 0) {
            if (!(t->flags & GA_TAB_STRICT))
                continue;
            char shown[64];
            ga_tab_quote(&f, shown, sizeof shown);
            return ga_tab_fail(t, &f, "unknown column %s", shown);
        }
        if (t->idx[c] >= 0)
            return ga_error(t->ctx, GPUARB_ERR_INPUT, t->source, f.line, f.col, t->cols[c].name,
                            "column '%s' appears twice in the header (first at column %d)",
                            t->cols[c].name, (int)ga_csv_col(&t->r, (size_t)t->idx[c]));
        t->idx[c] = (int32_t)i;
    }
    for (size_t c = 0; c < t->ncols; c++)
        if ((t->cols[c].flags & GA_TAB_COLUMN) && t->idx[c] < 0)
            return ga_tab_missing(t, t->cols[c].name);
    return GPUARB_OK;
}

/* Join fields [width-1, nf) with ',' into t->joined. */
static gpuarb_status join_extra(ga_tab *t)
{
    size_t nf = ga_csv_nfields(&t->r);
    ga_strbuf b;
    ga_sb_init(&b);
    for (size_t i = t->width - 1; i < nf; i++) {
        if (i > t->width - 1)
            ga_sb_putc(&b, ',');
        ga_sb_puts(&b, ga_csv_field(&t->r, i));
    }
    t->joined = ga_sb_take(&b);
    return t->joined ? GPUARB_OK : ga_nomem(t->ctx);
}

gpuarb_status ga_tab_next(ga_tab *t, int *got)
{
    free(t->joined);
    t->joined = NULL;
    gpuarb_status st = ga_csv_next(t->ctx, &t->r, got);
    if (st != GPUARB_OK || !*got)
        return st;
    size_t nf = ga_csv_nfields(&t->r);
    if (nf > t->width && (t->flags & GA_TAB_JOIN_EXTRA) && t->width > 0)
        return join_extra(t);
    if (nf == t->width)
        return GPUARB_OK;
    size_t at = nf > t->width ? t->width : nf;
    return ga_error(t->ctx, GPUARB_ERR_SYNTAX, t->source, ga_csv_line(&t->r, at),
                    ga_csv_col(&t->r, at), NULL, "this row has %zu fields but the header has %zu",
                    nf, t->width);
}

static gpuarb_status wrong_kind(const ga_tab *t, int c, int32_t kind)
{
    if (c >= 0 && (size_t)c < t->ncols && t->cols[c].kind == kind)
        return GPUARB_OK;
    return ga_error(t->ctx, GPUARB_ERR_INTERNAL, t->source, 0, 0, NULL,
                    "column %d is not of the kind read", c);
}

gpuarb_status ga_tab_str(ga_tab *t, int c, char **out)
{
    *out = NULL;
    gpuarb_status st = wrong_kind(t, c, GA_TAB_STRING);
    if (st)
        return st;
    ga_tab_field f = ga_tab_get(t, c);
    if (f.n == 0 && (t->cols[c].flags & GA_TAB_VALUE))
        return ga_tab_fail(t, &f, "empty; a value is required");
    if (f.n > GA_TAB_MAX_STR)
        return ga_tab_fail(t, &f, "longer than %d characters", GA_TAB_MAX_STR);
    for (size_t i = 0; i < f.n; i++) {
        if ((unsigned char)f.s[i] < 0x20 || f.s[i] == 0x7f) {
            char shown[64];
            ga_tab_quote(&f, shown, sizeof shown);
            return ga_tab_fail(t, &f, "%s contains a control character", shown);
        }
    }
    *out = ga_strndup(f.s, f.n);
    return *out ? GPUARB_OK : ga_nomem(t->ctx);
}

gpuarb_status ga_tab_num(ga_tab *t, int c, double absent, double *out)
{
    gpuarb_status st = wrong_kind(t, c, GA_TAB_NUMBER);
    if (st)
        return st;
    const ga_tab_col *col = &t->cols[c];
    ga_tab_field f = ga_tab_get(t, c);
    char shown[64];
    if (f.n == 0) {
        if (col->flags & GA_TAB_VALUE)
            return ga_tab_fail(t, &f, "empty; a value is required");
        *out = absent;
        return GPUARB_OK;
    }
    double v = 0;
    int rc = ga_parse_double(f.s, f.n, &v);
    ga_tab_quote(&f, shown, sizeof shown);
    if (rc == GA_NUM_SYNTAX)
        return ga_tab_fail(t, &f, "must be a number, got %s", shown);
    if (rc != GA_NUM_OK)
        return ga_tab_fail(t, &f, "must be a finite number, got %s", shown);
    int above = (col->flags & GA_TAB_ABOVE) != 0;
    if ((above ? !(v > col->min) : !(v >= col->min)) || !(v <= col->max)) {
        char min[48], max[48];
        ga_fmt_short(min, col->min);
        ga_fmt_short(max, col->max);
        /* worded as docread.c words the spec's ranges */
        return ga_tab_fail(t, &f, "must be %s %s and at most %s, got %s",
                           above ? "greater than" : "at least", min, max, shown);
    }
    *out = v == 0 ? 0.0 : v; /* no -0 */
    return GPUARB_OK;
}

gpuarb_status ga_tab_int(ga_tab *t, int c, int64_t absent, int64_t *out)
{
    gpuarb_status st = wrong_kind(t, c, GA_TAB_INTEGER);
    if (st)
        return st;
    const ga_tab_col *col = &t->cols[c];
    ga_tab_field f = ga_tab_get(t, c);
    if (f.n == 0) {
        if (col->flags & GA_TAB_VALUE)
            return ga_tab_fail(t, &f, "empty; an integer from %lld to %lld is required",
                               (long long)col->imin, (long long)col->imax);
        *out = absent;
        return GPUARB_OK;
    }
    int64_t v = 0;
    /* digits with an optional sign; '-' only where negatives are allowed,
     * so "-0" is no count */
    int ok = ga_parse_int64(f.s, f.n, &v) == GA_NUM_OK && (f.s[0] != '-' || col->imin < 0) &&
             v >= col->imin && v <= col->imax;
    if (!ok) {
        char shown[64];
        ga_tab_quote(&f, shown, sizeof shown);
        return ga_tab_fail(t, &f, "must be an integer from %lld to %lld, got %s",
                           (long long)col->imin, (long long)col->imax, shown);
    }
    *out = v;
    return GPUARB_OK;
}
