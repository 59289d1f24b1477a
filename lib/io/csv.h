/*
 * csv.h - an RFC 4180 CSV reader over a memory buffer that keeps the
 * 1-based line and column of every field.
 *
 * Usage:
 *     ga_csv r;
 *     ga_csv_init(&r, text, len, "cat.csv", GA_CSV_COMMENTS);
 *     int got;
 *     while ((st = ga_csv_next(ctx, &r, &got)) == GPUARB_OK && got) {
 *         for (size_t i = 0; i < ga_csv_nfields(&r); i++)
 *             use(ga_csv_field(&r, i), ga_csv_line(&r, i), ga_csv_col(&r, i));
 *     }
 *     ga_csv_free(&r);
 *
 * Fields are unescaped and NUL-terminated; they stay valid until the next
 * ga_csv_next.  Rows may have any number of fields (ragged rows are the
 * caller's to judge).  Blank lines are skipped.  Columns count characters
 * (UTF-8 code points), not bytes.  Fields must be well-formed UTF-8 (a
 * GPUARB_ERR_SYNTAX at the first bad byte otherwise); comment lines are
 * skipped unread.
 */
#ifndef GPUARB_CSV_H
#define GPUARB_CSV_H

#include "base/internal.h"

enum {
    GA_CSV_COMMENTS = 1 /* lines whose first character is '#' are skipped */
};

/* Bounds: beyond them ga_csv_next returns GPUARB_ERR_LIMIT. */
#define GA_CSV_MAX_FIELDS 4096
#define GA_CSV_MAX_RECORD ((size_t)16 << 20) /* bytes of one record */

typedef struct ga_csv {
    const char *text;
    size_t len, pos;
    int32_t line, col;  /* position of text[pos] */
    const char *source; /* borrowed, for errors */
    int flags;
    /* the current record */
    char *buf;
    size_t buflen, bufcap;
    struct ga_csv_field {
        size_t off;     /* the field starts at buf + off */
        int32_t line, col;
        int32_t quoted;
    } *f;               /* nf fields, room for fcap */
    size_t nf, fcap;
    int32_t rec_line;   /* line where the record starts */
    int32_t end_line, end_col; /* position just past the record's last field */
} ga_csv;

void ga_csv_init(ga_csv *r, const char *text, size_t len, const char *source, int flags);
void ga_csv_free(ga_csv *r);
/* Read the next record.  *got = 1 if there is one, 0 at the end.
 * Returns GPUARB_ERR_SYNTAX (unterminated quote, text after a closing
 * quote) at the exact position, GPUARB_ERR_LIMIT, GPUARB_ERR_NOMEM. */
gpuarb_status ga_csv_next(gpuarb_ctx *ctx, ga_csv *r, int *got);

size_t ga_csv_nfields(const ga_csv *r);
const char *ga_csv_field(const ga_csv *r, size_t i);   /* "" if i out of range */
int32_t ga_csv_line(const ga_csv *r, size_t i);        /* of field i; record end if out of range */
int32_t ga_csv_col(const ga_csv *r, size_t i);
int ga_csv_quoted(const ga_csv *r, size_t i);          /* field was written in quotes */
int32_t ga_csv_record_line(const ga_csv *r);

#endif
