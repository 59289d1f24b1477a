/* test_csv.c - the CSV reader: RFC 4180 quoting, line ends, comments,
 * byte-order mark, ragged rows, and exact error positions; and the typed
 * table on top of it (lib/io/csvtable.c): header mapping, typed values and
 * their ranges, width checks, header errors.  Expected positions are
 * counted by hand in the literals (columns are 1-based and count
 * characters). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "io/csvtable.h"
#include "io/utf8.h"

typedef struct rec {
    size_t n;
    char f[8][64];
    int32_t line[8], col[8];
} rec;

/* Read every record of text into recs (at most max); returns the status
 * of the last ga_csv_next and the number of records read in *n. */
static gpuarb_status read_all(gpuarb_ctx *ctx, const char *text, int flags, rec *recs, size_t max,
                              size_t *n)
{
    ga_csv r;
    int got;
    gpuarb_status st;
    *n = 0;
    ga_csv_init(&r, text, strlen(text), "t.csv", flags);
    while ((st = ga_csv_next(ctx, &r, &got)) == GPUARB_OK && got && *n < max) {
        rec *o = &recs[(*n)++];
        o->n = ga_csv_nfields(&r);
        for (size_t i = 0; i < o->n && i < 8; i++) {
            strncpy(o->f[i], ga_csv_field(&r, i), 63);
            o->f[i][63] = '\0';
            o->line[i] = ga_csv_line(&r, i);
            o->col[i] = ga_csv_col(&r, i);
        }
    }
    ga_csv_free(&r);
    return st;
}

/* Reads text without a context: must succeed with n_want records, and
 * record i must have nfields[i] fields unless nfields is NULL. */
static void read_ok(const char *text, int flags, rec *recs, size_t max, size_t n_want,
                    const size_t *nfields)
{
    size_t n;
    assert_int_equal(read_all(NULL, text, flags, recs, max, &n), GPUARB_OK);
    assert_int_equal(n, n_want);
    for (size_t i = 0; nfields && i < n; i++)
        assert_int_equal(recs[i].n, nfields[i]);
}

/* What one field must be: its text unless NULL, its line and column unless
 * 0 (positions are 1-based, counted by hand). */
typedef struct want_field {
    size_t rec, field;
    const char *text;
    int32_t line, col;
} want_field;

static void check_fields(const rec *r, const want_field *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = w[i].rec, j = w[i].field;
        if (j >= r[k].n)
            fail_msg("record %zu has %zu fields, not %zu", k, r[k].n, j + 1);
        if ((w[i].text && strcmp(r[k].f[j], w[i].text) != 0) ||
            (w[i].line && r[k].line[j] != w[i].line) || (w[i].col && r[k].col[j] != w[i].col))
            print_error("record %zu field %zu: '%s' at %d:%d\n", k, j, r[k].f[j],
                        (int)r[k].line[j], (int)r[k].col[j]);
        if (w[i].text)
            assert_string_equal(r[k].f[j], w[i].text);
        if (w[i].line)
            assert_int_equal(r[k].line[j], w[i].line);
        if (w[i].col)
            assert_int_equal(r[k].col[j], w[i].col);
    }
}
#define CHECK_FIELDS(r, want) check_fields(r, want, sizeof want / sizeof want[0])

static void quoting_and_positions(void **state)
{
    (void)state;
    rec r[4];
    /* line 1: a,"b ""x"", c",d      -> fields at columns 1, 3, 16
     *         (a 1, comma 2, quote 3, b 4, space 5, "" 6-7, x 8, "" 9-10,
     *         comma 11, space 12, c 13, quote 14, comma 15, d 16)
     * line 2: "multi                 (field starts line 2 col 1, spans to line 3)
     * line 3: line",e                -> e at line 3 col 7
     * line 4: ,, (three empty fields at columns 1, 2, 3) */
    const char *t = "a,\"b \"\"x\"\", c\",d\n\"multi\nline\",e\n,,\n";
    read_ok(t, 0, r, 4, 3, (const size_t[]){3, 2, 3});
    static const want_field want[] = {
        {0, 0, "a", 0, 0},
        {0, 1, "b \"x\", c", 0, 3},
        {0, 2, "d", 0, 16},
        {1, 0, "multi\nline", 2, 1},
        {1, 1, "e", 3, 7},
        {2, 0, NULL, 4, 0},
        {2, 2, "", 0, 3},
    };
    CHECK_FIELDS(r, want);
}

static void line_ends_bom_comments_blank(void **state)
{
    rec r[4];
    size_t n;
    /* BOM, CRLF, a comment, a blank line, a lone CR, no final newline */
    const char *t = "\xEF\xBB\xBFh1,h2\r\n# comment,\"quote\r\n\r\n  \n1,2\r3,4";
    read_ok(t, GA_CSV_COMMENTS, r, 4, 3, NULL);
    static const want_field want[] = {
        {0, 0, "h1", 0, 1}, /* the BOM is not part of the name, nor a column */
        {0, 1, "h2", 0, 0}, /* no '\r' left over */
        {1, 0, "1", 5, 0},
        {2, 1, "4", 6, 3},
    };
    CHECK_FIELDS(r, want);
    /* without the comment flag the '#' line is data and its quote is open */
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    tu_assert_error(ctx, read_all(ctx, t, 0, r, 4, &n), GPUARB_ERR_SYNTAX, 2, 11, "");
}

static void ragged_rows_are_reported(void **state)
{
    (void)state;
    rec r[4];
    /* Azure's SkyPilot file writes V1,V2 without quotes: one field more */
    const char *t = "a,b,Generation\nx,y,V1,V2\nshort\n";
    read_ok(t, 0, r, 4, 3, (const size_t[]){3, 4, 1});
    assert_string_equal(r[1].f[3], "V2");
    assert_int_equal(r[1].col[3], 8);
}

static void utf8_columns_count_characters(void **state)
{
    (void)state;
    rec r[2];
    /* "é" is two bytes but one column: x starts at column 4 */
    const char *t = "\xC3\xA9\xC3\xA9,x\n";
    read_ok(t, 0, r, 2, 1, NULL);
    assert_int_equal(r[0].col[1], 4);
}

/* The definition of well-formed UTF-8, written independently of
 * io/utf8.c's table: decode the bits, then require the shortest form, no
 * surrogate and at most U+10FFFF.  Returns the length or 0. */
static size_t utf8_by_definition(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t len = s[0] < 0x80 ? 1 : (s[0] >> 5) == 6 ? 2 : (s[0] >> 4) == 14 ? 3
               : (s[0] >> 3) == 30 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t cp = len == 1 ? s[0] : s[0] & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] >> 6) != 2)
            return 0;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return len;
}

/* Every sequence of 1 to 3 bytes, and every 4-byte one over all first
 * and second bytes with a sample of the last two: the table agrees with
 * the definition, and the checker finds the first bad byte. */
static void utf8_validator_matches_the_definition(void **state)
{
    (void)state;
    unsigned char b[4];
    for (unsigned x = 0; x < 256; x++) {
        b[0] = (unsigned char)x;
        assert_int_equal(ga_utf8_seq(b, 1), utf8_by_definition(b, 1));
        for (unsigned y = 0; y < 256; y++) {
            b[1] = (unsigned char)y;
            assert_int_equal(ga_utf8_seq(b, 2), utf8_by_definition(b, 2));
            for (unsigned z = 0; z < 256; z++) {
                b[2] = (unsigned char)z;
                size_t want = utf8_by_definition(b, 3);
                size_t got = ga_utf8_seq(b, 3);
                if (got != want)
                    fail_msg("%02X %02X %02X: %zu, want %zu", x, y, z, got, want);
            }
            static const unsigned last[] = {0x00, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
            for (size_t i = 0; i < 8 && x >= 0xF0; i++)
                for (size_t j = 0; j < 8; j++) {
                    b[2] = (unsigned char)last[i];
                    b[3] = (unsigned char)last[j];
                    assert_int_equal(ga_utf8_seq(b, 4), utf8_by_definition(b, 4));
                }
        }
    }
    /* named cases: overlong '/', a surrogate, past U+10FFFF, cut short */
    assert_int_equal(ga_utf8_check("ok\xC0\xAF", 4), 2);
    assert_int_equal(ga_utf8_check("\xED\xA0\x80", 3), 0);
    assert_int_equal(ga_utf8_check("a\xF4\x90\x80\x80", 5), 1);
    assert_int_equal(ga_utf8_check("ab\xE2\x82", 4), 2);
    assert_int_equal(ga_utf8_check("\xF0\x9F\x98\x80 \xE6\x97\xA5", 8), 8);
    /* a cut never splits a character */
    assert_int_equal(ga_utf8_prefix("ab\xC3\xA9", 3), 2);
    assert_int_equal(ga_utf8_prefix("ab\xC3\xA9", 4), 4);
    assert_int_equal(ga_utf8_prefix("\xE6\x97\xA5\xE6\x97\xA5", 5), 3);
}

/* A catalog is UTF-8 text: a byte that is not, in any field (quoted or
 * not, header or row), is a syntax error at its character (issue 14:
 * such bytes were copied into the JSON output). */
static void invalid_utf8_is_a_syntax_error_at_the_character(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    static const struct {
        const char *text;
        int32_t line, col;
    } bad[] = {
        {"a\xC0\xAF,b\n", 1, 2},              /* overlong */
        {"a,b\n\"\xC3\xA9\xED\xA0\x80\",x\n", 2, 3}, /* surrogate after one character */
        {"a,b\nx,\xF8\x88\x80\x80\x80\n", 2, 3},   /* five bytes */
        {"a,b\nx,y\xE2\x82\n", 2, 4},          /* cut short by the line end */
        {"a,b\nx,y\xE2", 2, 4},                  /* cut short by the end */
        {"\x80", 1, 1},                          /* a continuation byte first */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ga_csv r;
        int got;
        gpuarb_status st = GPUARB_OK;
        ga_csv_init(&r, bad[k].text, strlen(bad[k].text), "u.csv", 0);
        while (!(st = ga_csv_next(ctx, &r, &got)) && got)
            ;
        ga_csv_free(&r);
        tu_assert_error(ctx, st, GPUARB_ERR_SYNTAX, bad[k].line, bad[k].col, "invalid UTF-8");
    }
}

static void unterminated_quote_is_a_syntax_error_at_the_quote(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    rec r[4];
    size_t n;
    /* the opening quote is line 2 column 3 */
    tu_assert_error(ctx, read_all(ctx, "a,b\nc,\"open\nmore\n", 0, r, 4, &n), GPUARB_ERR_SYNTAX,
                    2, 3, "unterminated");
    assert_string_equal(gpuarb_errsource(ctx), "t.csv");
}

static void text_after_closing_quote(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    rec r[4];
    size_t n;
    /* "ab"c : the c is line 1 column 5 */
    tu_assert_error(ctx, read_all(ctx, "\"ab\"c,d\n", 0, r, 4, &n), GPUARB_ERR_SYNTAX, 1, 5, "");
    /* spaces after the closing quote are allowed */
    assert_int_equal(read_all(ctx, "\"ab\"  ,d\n", 0, r, 4, &n), GPUARB_OK);
    assert_string_equal(r[0].f[0], "ab");
}

static void nul_byte_is_rejected(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char t[] = "ab,c\0d\n";
    ga_csv r;
    int got;
    ga_csv_init(&r, t, sizeof t - 1, "t.csv", 0);
    assert_int_equal(ga_csv_next(ctx, &r, &got), GPUARB_ERR_SYNTAX);
    assert_int_equal(gpuarb_errcolumn(ctx), 5);
    ga_csv_free(&r);
}

static void buffer_without_terminator(void **state)
{
    (void)state;
    /* the reader must stop at len, not at a NUL: "a,b" out of "a,bXYZ" */
    const char t[] = "a,bXYZ";
    ga_csv r;
    int got;
    ga_csv_init(&r, t, 3, "t.csv", 0);
    assert_int_equal(ga_csv_next(NULL, &r, &got), GPUARB_OK);
    assert_int_equal(got, 1);
    assert_int_equal(ga_csv_nfields(&r), 2);
    assert_string_equal(ga_csv_field(&r, 1), "b");
    assert_int_equal(ga_csv_next(NULL, &r, &got), GPUARB_OK);
    assert_int_equal(got, 0);
    ga_csv_free(&r);
    /* a trailing comma at the very end gives an empty last field */
    ga_csv_init(&r, "a,", 2, "t.csv", 0);
    assert_int_equal(ga_csv_next(NULL, &r, &got), GPUARB_OK);
    assert_int_equal(ga_csv_nfields(&r), 2);
    assert_string_equal(ga_csv_field(&r, 1), "");
    ga_csv_free(&r);
}

static void too_many_fields_is_a_limit(void **state)
{
    size_t n = GA_CSV_MAX_FIELDS + 10;
    char *t = tu_alloc(n * 2 + 1, 1);
    for (size_t i = 0; i < n; i++) {
        t[2 * i] = 'x';
        t[2 * i + 1] = ',';
    }
    t[2 * n] = '\0';
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    ga_csv r;
    int got;
    ga_csv_init(&r, t, strlen(t), "t.csv", 0);
    assert_int_equal(ga_csv_next(ctx, &r, &got), GPUARB_ERR_LIMIT);
    ga_csv_free(&r);
    free(t);
}

/* ------------------------------------------------------------------ */
/* The typed table of io/csvtable.h.  Positions are counted by hand in the
 * comments beside each text. */

enum { T_NAME, T_GPUS, T_MEM, T_NOTE, T_SHARE };
static const ga_tab_col JOB_COLS[] = {
    {"name", GA_TAB_STRING, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 0, 0},
    {"gpus", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 1, 8, 0},
    {"mem", GA_TAB_NUMBER, GA_TAB_ABOVE, 0, 0, 0, 1e6},   /* (0, 1e6] */
    {"note", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {"share", GA_TAB_NUMBER, 0, 0.5, 0, 0, 1},            /* [0.5, 1] */
    {NULL, 0, 0, 0, 0, 0, 0}};

typedef struct job_row {
    char name[64], note[64];
    int64_t gpus;
    double mem, share;
    int32_t line;
} job_row;

/* Read every row of text, every column in table order; returns the first
 * error (or GPUARB_OK) and the rows read before it in *n. */
static gpuarb_status read_jobs(gpuarb_ctx *ctx, const char *text, int flags, job_row *rows,
                               size_t max, size_t *n)
{
    ga_tab t;
    int empty = 0, got = 0;
    *n = 0;
    ga_tab_init(&t, ctx, text, strlen(text), "t.csv", JOB_COLS, flags);
    gpuarb_status st = ga_tab_header(&t, &empty);
    if (!st && empty)
        st = ga_tab_missing(&t, "(no header)");
    while (!st && !(st = ga_tab_next(&t, &got)) && got && *n < max) {
        job_row *r = &rows[*n];
        char *name = NULL, *note = NULL;
        if (!(st = ga_tab_str(&t, T_NAME, &name)) && !(st = ga_tab_int(&t, T_GPUS, -1, &r->gpus)) &&
            !(st = ga_tab_num(&t, T_MEM, -1, &r->mem)) && !(st = ga_tab_str(&t, T_NOTE, &note)) &&
            !(st = ga_tab_num(&t, T_SHARE, -1, &r->share))) {
            snprintf(r->name, sizeof r->name, "%s", name);
            snprintf(r->note, sizeof r->note, "%s", note);
            r->line = ga_tab_row_line(&t);
            (*n)++;
        }
        free(name);
        free(note);
    }
    ga_tab_free(&t);
    return st;
}

static void expect_tab_error(gpuarb_ctx *ctx, const char *text, int flags, gpuarb_status want,
                             int32_t line, int32_t col, const char *path, const char *msg)
{
    job_row rows[4];
    size_t n;
    gpuarb_status st = read_jobs(ctx, text, flags, rows, 4, &n);
    tu_assert_error_exact(ctx, text, st, want, line, col, "t.csv", path, msg);
}

static void table_header_and_values(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    /* line 2, the header: names in any order and case, spaces around them,
     * an unknown column (extra), no note or share column.
     * line 3: mem " 1.5 " opens at column 7, its number at column 8.
     * line 4: "3" quoted (column 1); "  b " quoted, kept as written
     *         (column 5); mem empty at column 14 ("3"=1-3 ,4 "  b "=5-10
     *         ,11 y12 ,13). */
    const char *text = "# jobs\n"
                       " GPUS ,Name,extra,mem\n"
                       "2,a,x, 1.5 \n"
                       "\"3\",\"  b \",y,\n";
    ga_tab t;
    int empty, got;
    ga_tab_init(&t, ctx, text, strlen(text), "t.csv", JOB_COLS, GA_TAB_COMMENTS);
    assert_int_equal(ga_tab_header(&t, &empty), GPUARB_OK);
    assert_int_equal(empty, 0);
    assert_int_equal(t.header_line, 2);
    assert_true(ga_tab_has(&t, T_NAME) && ga_tab_has(&t, T_GPUS) && ga_tab_has(&t, T_MEM));
    assert_false(ga_tab_has(&t, T_NOTE) || ga_tab_has(&t, T_SHARE));

    assert_int_equal(ga_tab_next(&t, &got), GPUARB_OK);
    assert_int_equal(got, 1);
    assert_int_equal(ga_tab_row_line(&t), 3);
    ga_tab_field f = ga_tab_get(&t, T_MEM);
    assert_int_equal(f.line, 3);
    assert_int_equal(f.col, 8);
    assert_int_equal(f.n, 3);
    assert_memory_equal(f.s, "1.5", 3);
    f = ga_tab_get(&t, T_NOTE); /* absent column: empty, at the row start */
    assert_int_equal(f.n, 0);
    assert_int_equal(f.line, 3);
    assert_int_equal(f.col, 1);
    assert_string_equal(f.name, "note");
    char *s = NULL;
    double x = 0;
    int64_t i = 0;
    assert_int_equal(ga_tab_str(&t, T_NAME, &s), GPUARB_OK);
    assert_string_equal(s, "a");
    free(s);
    assert_int_equal(ga_tab_str(&t, T_NOTE, &s), GPUARB_OK);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(ga_tab_int(&t, T_GPUS, -1, &i), GPUARB_OK);
    assert_int_equal(i, 2);
    assert_int_equal(ga_tab_num(&t, T_MEM, -1, &x), GPUARB_OK);
    assert_true(x == 1.5);
    assert_int_equal(ga_tab_num(&t, T_SHARE, -7, &x), GPUARB_OK);
    assert_true(x == -7); /* the caller's value for "absent" */
    /* a getter of the wrong kind is the caller's bug */
    assert_int_equal(ga_tab_num(&t, T_NAME, -1, &x), GPUARB_ERR_INTERNAL);

    assert_int_equal(ga_tab_next(&t, &got), GPUARB_OK);
    assert_int_equal(got, 1);
    assert_int_equal(ga_tab_int(&t, T_GPUS, -1, &i), GPUARB_OK);
    assert_int_equal(i, 3);
    f = ga_tab_get(&t, T_NAME);
    assert_int_equal(f.col, 5);
    assert_int_equal(ga_tab_str(&t, T_NAME, &s), GPUARB_OK);
    assert_string_equal(s, "  b ");
    free(s);
    f = ga_tab_get(&t, T_MEM);
    assert_int_equal(f.col, 14);
    assert_int_equal(ga_tab_num(&t, T_MEM, -1, &x), GPUARB_OK);
    assert_true(x == -1);
    assert_int_equal(ga_tab_next(&t, &got), GPUARB_OK);
    assert_int_equal(got, 0);
    ga_tab_free(&t);

    /* no record at all: empty, for the caller to word */
    const char *none[] = {"", "# only a comment\n\n"};
    for (int k = 0; k < 2; k++) {
        ga_tab_init(&t, ctx, none[k], strlen(none[k]), "t.csv", JOB_COLS, GA_TAB_COMMENTS);
        assert_int_equal(ga_tab_header(&t, &empty), GPUARB_OK);
        assert_int_equal(empty, 1);
        ga_tab_free(&t);
    }
}

static void table_value_errors(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const gpuarb_status IN = GPUARB_ERR_INPUT;
    /* Header "name,gpus,mem,share" on line 1, the row on line 2; columns in
     * the row: a1 ,2 gpus3 ,4 mem5 ,6 share7, or as noted. */
    static const struct {
        const char *row;
        int32_t col;
        const char *path, *msg;
    } bad[] = {
        {"a,0,1,", 3, "gpus", "must be an integer from 1 to 8, got '0'"},
        /* above the top: the message names the top, not only the bottom
         * (issue 14: "must be an integer >= 1, got '2147483647'") */
        {"a,9,1,", 3, "gpus", "must be an integer from 1 to 8, got '9'"},
        {"a,2147483647,1,", 3, "gpus", "must be an integer from 1 to 8, got '2147483647'"},
        {"a,-0,1,", 3, "gpus", "must be an integer from 1 to 8, got '-0'"},
        {"a,1.0,1,", 3, "gpus", "must be an integer from 1 to 8, got '1.0'"},
        {"a,,1,", 3, "gpus", "empty; an integer from 1 to 8 is required"},
        /* a1 ,2 " "3 24 " "5 ,6 07 */
        {"a, 2 ,0,", 7, "mem", "must be greater than 0 and at most 1000000, got '0'"},
        /* finite but past the top: the range, not "must be > 0" */
        {"a,2,1e308,", 5, "mem", "must be greater than 0 and at most 1000000, got '1e308'"},
        {"a,2,1000000.5,", 5, "mem", "must be greater than 0 and at most 1000000, got '1000000.5'"},
        {"a,2,1e999,", 5, "mem", "must be a finite number, got '1e999'"},
        {"a,2,abc,", 5, "mem", "must be a number, got 'abc'"},
        {"a,2,0x10,", 5, "mem", "must be a number, got '0x10'"},
        {"a,2,1,0.25", 7, "share", "must be at least 0.5 and at most 1, got '0.25'"},
        {"a,2,1,1.25", 7, "share", "must be at least 0.5 and at most 1, got '1.25'"},
        {",2,1,", 1, "name", "empty; a value is required"},
        {"\"a\x01" "b\",2,1,", 1, "name", "'a?b' contains a control character"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char row_text[200];
        snprintf(row_text, sizeof row_text, "name,gpus,mem,share\n%s\n", bad[k].row);
        expect_tab_error(ctx, row_text, 0, IN, 2, bad[k].col, bad[k].path, bad[k].msg);
    }
    char long_row[400];
    memset(long_row, 'x', 257);
    strcpy(long_row + 257, ",2,1,\n");
    char text[500];
    snprintf(text, sizeof text, "name,gpus,mem,share\n%s", long_row);
    expect_tab_error(ctx, text, 0, IN, 2, 1, "name", "longer than 256 characters");
    /* rows of the wrong width: fewer fields -> just past the last one
     * ("a,2" ends at column 4); more -> at the first extra field
     * (a1 ,2 23 ,4 15 ,6 empty7 ,7 x8) */
    expect_tab_error(ctx, "name,gpus,mem,share\na,2\n", 0, GPUARB_ERR_SYNTAX, 2, 4, "",
                     "this row has 2 fields but the header has 4");
    expect_tab_error(ctx, "name,gpus,mem,share\na,2,1,,x\n", 0, GPUARB_ERR_SYNTAX, 2, 8, "",
                     "this row has 5 fields but the header has 4");
    /* a good row before the bad one is read */
    job_row rows[4];
    size_t n;
    assert_int_equal(read_jobs(ctx, "name,gpus,mem,share\nok,8,2e3,0.5\nbad,x,1,\n", 0, rows, 4,
                               &n),
                     GPUARB_ERR_INPUT);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].name, "ok");
    assert_int_equal(rows[0].gpus, 8);
    assert_true(rows[0].mem == 2000 && rows[0].share == 0.5);
    assert_int_equal(rows[0].line, 2);
}

static void table_header_errors_and_extra_fields(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const gpuarb_status IN = GPUARB_ERR_INPUT;
    /* n1..e4 ,5 g6..s9 ,10 N11 */
    expect_tab_error(ctx, "name,gpus,NAME\n", 0, IN, 1, 11, "name",
                     "column 'name' appears twice in the header (first at column 1)");
    /* the first missing column in table order, at the header's line */
    expect_tab_error(ctx, "mem,note\n", 0, IN, 1, 1, "name",
                     "the header has no 'name' column (it is required)");
    expect_tab_error(ctx, "# c\n\nname,mem\n", GA_TAB_COMMENTS, IN, 3, 1, "gpus",
                     "the header has no 'gpus' column (it is required)");
    /* unknown columns: ignored, or an error at the column with STRICT */
    job_row rows[4];
    size_t n;
    assert_int_equal(read_jobs(ctx, "name,gpus,colour\na,1,red\n", 0, rows, 4, &n), GPUARB_OK);
    assert_int_equal(n, 1);
    expect_tab_error(ctx, "name,gpus,colour\na,1,red\n", GA_TAB_STRICT, IN, 1, 11, "header",
                     "unknown column 'colour'");
    /* extra fields joined into the last column (a1 ,2 23 ,4 V5 16 ,7 V8) */
    assert_int_equal(read_jobs(ctx, "name,gpus,note\na,2,V1,V2\n", GA_TAB_JOIN_EXTRA, rows, 4,
                               &n),
                     GPUARB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].note, "V1,V2");
    expect_tab_error(ctx, "name,gpus,note\na,2,V1,V2\n", 0, GPUARB_ERR_SYNTAX, 2, 8, "",
                     "this row has 4 fields but the header has 3");
    /* joining never hides a short row */
    expect_tab_error(ctx, "name,gpus,note\na,2\n", GA_TAB_JOIN_EXTRA, GPUARB_ERR_SYNTAX, 2, 4,
                     "", "this row has 2 fields but the header has 3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoting_and_positions),
        cmocka_unit_test(line_ends_bom_comments_blank),
        cmocka_unit_test(ragged_rows_are_reported),
        cmocka_unit_test(utf8_columns_count_characters),
        cmocka_unit_test(utf8_validator_matches_the_definition),
        cmocka_unit_test(invalid_utf8_is_a_syntax_error_at_the_character),
        cmocka_unit_test(unterminated_quote_is_a_syntax_error_at_the_quote),
        cmocka_unit_test(text_after_closing_quote),
        cmocka_unit_test(nul_byte_is_rejected),
        cmocka_unit_test(buffer_without_terminator),
        cmocka_unit_test(too_many_fields_is_a_limit),
        cmocka_unit_test(table_header_and_values),
        cmocka_unit_test(table_value_errors),
        cmocka_unit_test(table_header_errors_and_extra_fields),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
