/* test_csv.c - the CSV reader: RFC 4180 quoting, line ends, comments,
 * byte-order mark, ragged rows, and exact error positions.  Expected
 * positions are counted by hand in the literals (columns are 1-based and
 * count characters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/csv.h"

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

static void quoting_and_positions(void **state)
{
    (void)state;
    rec r[4];
    size_t n;
    /* line 1: a,"b ""x"", c",d      -> fields at columns 1, 3, 16
     *         (a 1, comma 2, quote 3, b 4, space 5, "" 6-7, x 8, "" 9-10,
     *         comma 11, space 12, c 13, quote 14, comma 15, d 16)
     * line 2: "multi                 (field starts line 2 col 1, spans to line 3)
     * line 3: line",e                -> e at line 3 col 7
     * line 4: ,, (three empty fields at columns 1, 2, 3) */
    const char *t = "a,\"b \"\"x\"\", c\",d\n\"multi\nline\",e\n,,\n";
    assert_int_equal(read_all(NULL, t, 0, r, 4, &n), GPUARB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].n, 3);
    assert_string_equal(r[0].f[0], "a");
    assert_string_equal(r[0].f[1], "b \"x\", c");
    assert_string_equal(r[0].f[2], "d");
    assert_int_equal(r[0].col[1], 3);
    assert_int_equal(r[0].col[2], 16);
    assert_string_equal(r[1].f[0], "multi\nline");
    assert_int_equal(r[1].line[0], 2);
    assert_int_equal(r[1].col[0], 1);
    assert_string_equal(r[1].f[1], "e");
    assert_int_equal(r[1].line[1], 3);
    assert_int_equal(r[1].col[1], 7);
    assert_int_equal(r[2].n, 3);
    assert_int_equal(r[2].line[0], 4);
    assert_int_equal(r[2].col[2], 3);
    assert_string_equal(r[2].f[2], "");
}

static void line_ends_bom_comments_blank(void **state)
{
    (void)state;
    rec r[4];
    size_t n;
    /* BOM, CRLF, a comment, a blank line, a lone CR, no final newline */
    const char *t = "\xEF\xBB\xBFh1,h2\r\n# comment,\"quote\r\n\r\n  \n1,2\r3,4";
    assert_int_equal(read_all(NULL, t, GA_CSV_COMMENTS, r, 4, &n), GPUARB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(r[0].f[0], "h1");   /* the BOM is not part of the name */
    assert_int_equal(r[0].col[0], 1);
    assert_string_equal(r[0].f[1], "h2");   /* no '\r' left over */
    assert_string_equal(r[1].f[0], "1");
    assert_int_equal(r[1].line[0], 5);
    assert_string_equal(r[2].f[1], "4");
    assert_int_equal(r[2].line[1], 6);
    assert_int_equal(r[2].col[1], 3);
    /* without the comment flag the '#' line is data and its quote is open */
    gpuarb_ctx *ctx;
    assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
    assert_int_equal(read_all(ctx, t, 0, r, 4, &n), GPUARB_ERR_SYNTAX);
    assert_int_equal(gpuarb_errline(ctx), 2);
    assert_int_equal(gpuarb_errcolumn(ctx), 11);
    gpuarb_ctx_free(ctx);
}

static void ragged_rows_are_reported(void **state)
{
    (void)state;
    rec r[4];
    size_t n;
    /* Azure's SkyPilot file writes V1,V2 without quotes: one field more */
    const char *t = "a,b,Generation\nx,y,V1,V2\nshort\n";
    assert_int_equal(read_all(NULL, t, 0, r, 4, &n), GPUARB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].n, 3);
    assert_int_equal(r[1].n, 4);
    assert_string_equal(r[1].f[3], "V2");
    assert_int_equal(r[1].col[3], 8);
    assert_int_equal(r[2].n, 1);
}

static void utf8_columns_count_characters(void **state)
{
    (void)state;
    rec r[2];
    size_t n;
    /* "é" is two bytes but one column: x starts at column 4 */
    const char *t = "\xC3\xA9\xC3\xA9,x\n";
    assert_int_equal(read_all(NULL, t, 0, r, 2, &n), GPUARB_OK);
    assert_int_equal(r[0].col[1], 4);
}

static void unterminated_quote_is_a_syntax_error_at_the_quote(void **state)
{
    (void)state;
    gpuarb_ctx *ctx;
    rec r[4];
    size_t n;
    assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
    /* the opening quote is line 2 column 3 */
    assert_int_equal(read_all(ctx, "a,b\nc,\"open\nmore\n", 0, r, 4, &n), GPUARB_ERR_SYNTAX);
    assert_int_equal(gpuarb_errline(ctx), 2);
    assert_int_equal(gpuarb_errcolumn(ctx), 3);
    assert_string_equal(gpuarb_errsource(ctx), "t.csv");
    assert_non_null(strstr(gpuarb_errmsg(ctx), "unterminated"));
    gpuarb_ctx_free(ctx);
}

static void text_after_closing_quote(void **state)
{
    (void)state;
    gpuarb_ctx *ctx;
    rec r[4];
    size_t n;
    assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
    /* "ab"c : the c is line 1 column 5 */
    assert_int_equal(read_all(ctx, "\"ab\"c,d\n", 0, r, 4, &n), GPUARB_ERR_SYNTAX);
    assert_int_equal(gpuarb_errline(ctx), 1);
    assert_int_equal(gpuarb_errcolumn(ctx), 5);
    /* spaces after the closing quote are allowed */
    assert_int_equal(read_all(ctx, "\"ab\"  ,d\n", 0, r, 4, &n), GPUARB_OK);
    assert_string_equal(r[0].f[0], "ab");
    gpuarb_ctx_free(ctx);
}

static void nul_byte_is_rejected(void **state)
{
    (void)state;
    gpuarb_ctx *ctx;
    assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
    const char t[] = "ab,c\0d\n";
    ga_csv r;
    int got;
    ga_csv_init(&r, t, sizeof t - 1, "t.csv", 0);
    assert_int_equal(ga_csv_next(ctx, &r, &got), GPUARB_ERR_SYNTAX);
    assert_int_equal(gpuarb_errcolumn(ctx), 5);
    ga_csv_free(&r);
    gpuarb_ctx_free(ctx);
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
    (void)state;
    size_t n = GA_CSV_MAX_FIELDS + 10;
    char *t = malloc(n * 2 + 1);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++) {
        t[2 * i] = 'x';
        t[2 * i + 1] = ',';
    }
    t[2 * n] = '\0';
    gpuarb_ctx *ctx;
    assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
    ga_csv r;
    int got;
    ga_csv_init(&r, t, strlen(t), "t.csv", 0);
    assert_int_equal(ga_csv_next(ctx, &r, &got), GPUARB_ERR_LIMIT);
    ga_csv_free(&r);
    gpuarb_ctx_free(ctx);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoting_and_positions),
        cmocka_unit_test(line_ends_bom_comments_blank),
        cmocka_unit_test(ragged_rows_are_reported),
        cmocka_unit_test(utf8_columns_count_characters),
        cmocka_unit_test(unterminated_quote_is_a_syntax_error_at_the_quote),
        cmocka_unit_test(text_after_closing_quote),
        cmocka_unit_test(nul_byte_is_rejected),
        cmocka_unit_test(buffer_without_terminator),
        cmocka_unit_test(too_many_fields_is_a_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
