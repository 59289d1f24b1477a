/*
 * csvtable.h - a typed table on top of csv.h: a header row, a table of the
 * columns the caller knows (name, whether the header must have it, kind
 * and range of its values), lookup by name, a width check on every row,
 * and typed access to a row's fields whose errors carry the field's line
 * and column and the column name as the key path.  Catalogs use it today;
 * job traces, openb node/pod lists and time series are to.
 *
 * Usage:
 *     enum { C_ID, C_GPUS, C_USER };
 *     static const ga_tab_col COLS[] = {
 *         {"job_id", GA_TAB_STRING, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 0, 0},
 *         {"gpus", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 1, 64, 0},
 *         {"hours", GA_TAB_NUMBER, 0, 0, 0, 0, 1e4},     // 0 <= hours <= 1e4
 *         {"user", GA_TAB_STRING, 0, 0, 0, 0, 0},
 *         {NULL, 0, 0, 0, 0, 0, 0}};
 *     ga_tab t;
 *     int empty, got;
 *     ga_tab_init(&t, ctx, text, len, "jobs.csv", COLS, GA_TAB_COMMENTS);
 *     st = ga_tab_header(&t, &empty);        // then: empty -> no header row
 *     while (!st && !(st = ga_tab_next(&t, &got)) && got) {
 *         char *id = NULL;
 *         int64_t gpus;
 *         if (!(st = ga_tab_str(&t, C_ID, &id)))
 *             st = ga_tab_int(&t, C_GPUS, -1, &gpus);   // -1: what an empty field gives
 *         ...
 *     }
 *     ga_tab_free(&t);
 *
 * Header names match case-insensitively after trimming; a known column
 * named twice is an error, an unknown one is ignored (or an error with
 * GA_TAB_STRICT).  Unquoted fields are trimmed of spaces and tabs; a
 * column the header lacks reads as an empty field at the start of the row.
 * Strings are at most GA_TAB_MAX_STR bytes and free of control characters
 * (the text is valid UTF-8: csv.c checks it).  Every number has a finite
 * range [min, max] (a column table without one is a caller's bug), and an
 * out-of-range value is reported with its range.
 */
#ifndef GPUARB_CSVTABLE_H
#define GPUARB_CSVTABLE_H

#include "io/csv.h"

#define GA_TAB_MAX_COLS 32   /* entries in a column table */
#define GA_TAB_MAX_STR 256   /* bytes of one string value */

/* Kinds of column values. */
enum { GA_TAB_STRING = 0, GA_TAB_NUMBER = 1, GA_TAB_INTEGER = 2 };

/* ga_tab_col.flags */
enum {
    GA_TAB_COLUMN = 1, /* the header must have this column */
    GA_TAB_VALUE = 2,  /* every row must give a value (not empty) */
    GA_TAB_ABOVE = 4   /* numbers: greater than min, not at least min */
};

/* ga_tab_init flags */
enum {
    GA_TAB_COMMENTS = GA_CSV_COMMENTS, /* '#' lines are comments */
    GA_TAB_JOIN_EXTRA = 2, /* fields past the header's width are joined with ',' into the
                              last column (SkyPilot's Azure rows) instead of an error */
    GA_TAB_STRICT = 4      /* a header column not in the table is an error */
};

/* One known column; tables end with a NULL name. */
typedef struct ga_tab_col {
    const char *name;
    int32_t kind;            /* GA_TAB_STRING / NUMBER / INTEGER */
    int32_t flags;           /* GA_TAB_COLUMN | GA_TAB_VALUE | GA_TAB_ABOVE */
    double min;              /* NUMBER: value >= min (> min with GA_TAB_ABOVE) */
    int64_t imin, imax;      /* INTEGER: imin <= value <= imax */
    double max;              /* NUMBER: value <= max; max > min, finite (required) */
} ga_tab_col;

/* A field of the current row: its text (trimmed unless quoted; not
 * NUL-terminated at s + n), position, and column name for errors. */
typedef struct ga_tab_field {
    const char *s;
    size_t n;
    int32_t line, col;
    const char *name;
} ga_tab_field;

typedef struct ga_tab {
    gpuarb_ctx *ctx;
    ga_csv r;
    const char *source;      /* borrowed */
    const ga_tab_col *cols;
    size_t ncols;            /* entries in cols */
    int32_t idx[GA_TAB_MAX_COLS]; /* header position of each column; -1 absent */
    size_t width;            /* fields in the header */
    int32_t header_line;
    int flags;
    char *joined;            /* GA_TAB_JOIN_EXTRA: the current row's last column */
} ga_tab;

/* text is borrowed until ga_tab_free; source NULL = "<string>". */
void ga_tab_init(ga_tab *t, gpuarb_ctx *ctx, const char *text, size_t len, const char *source,
                 const ga_tab_col *cols, int flags);
void ga_tab_free(ga_tab *t);

/* Read the header row.  *empty = 1 (and GPUARB_OK) when the text has no
 * record at all.  Errors: a known column twice, an unknown one under
 * GA_TAB_STRICT, a GA_TAB_COLUMN column missing (first in table order),
 * and what ga_csv_next returns. */
gpuarb_status ga_tab_header(ga_tab *t, int *empty);
/* "the header has no 'NAME' column (it is required)", for rules the flags
 * cannot say (one of two columns). */
gpuarb_status ga_tab_missing(ga_tab *t, const char *name);
/* The next row; *got = 0 at the end.  A row narrower than the header (or
 * wider, without GA_TAB_JOIN_EXTRA) is GPUARB_ERR_SYNTAX at the first
 * missing or extra field. */
gpuarb_status ga_tab_next(ga_tab *t, int *got);

int ga_tab_has(const ga_tab *t, int c);         /* the header has column c */
int32_t ga_tab_row_line(const ga_tab *t);       /* line where the row starts */
ga_tab_field ga_tab_get(const ga_tab *t, int c);

/* Typed values of column c in the current row, checked against the
 * column's flags and range.  Empty optional fields give "" (strings, an
 * allocated copy the caller frees) or absent (numbers, integers). */
gpuarb_status ga_tab_str(ga_tab *t, int c, char **out);
gpuarb_status ga_tab_num(ga_tab *t, int c, double absent, double *out);
gpuarb_status ga_tab_int(ga_tab *t, int c, int64_t absent, int64_t *out);

/* An INPUT error at field f, its column name as the path. */
gpuarb_status ga_tab_fail(const ga_tab *t, const ga_tab_field *f, const char *fmt, ...)
    GA_PRINTF(3, 4);
/* f's text quoted for a message: 'at most 40 bytes...', control
 * characters shown as '?'. */
void ga_tab_quote(const ga_tab_field *f, char *buf, size_t cap);

#endif
