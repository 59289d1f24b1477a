/*
 * test_base.c - the base layer: the locale-free number parser and
 * formatter, the RNG, the work budget, the string map and checked
 * allocation.
 *
 * Known answers come from the definitions, not from the code: IEEE-754
 * values are written as C hexadecimal floating literals (exact by
 * construction), integer bounds from <stdint.h>, the RNG's outputs from
 * working the xorshift recurrence by hand (first value) and with an
 * independent Python implementation (the others; the one-liner is quoted).
 */
#define _GNU_SOURCE
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "base/internal.h"
#include "base/budget.h"
#include "base/rng.h"
#include "base/strmap.h"

/* ---------------------------------------------------------------------
 * ga_parse_double
 * --------------------------------------------------------------------- */

static int pd(const char *s, double *v)
{
    return ga_parse_double(s, strlen(s), v);
}

/* Exact equality, bit for bit (so -0 differs from +0). */
static void assert_same_double(double got, double want)
{
    if (memcmp(&got, &want, sizeof got) != 0) {
        fprintf(stderr, "got %a, want %a\n", got, want);
        fail();
    }
}

static void parse_double_forms(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double v;
    } ok[] = {
        {"0", 0x0p+0},        {"-0", -0x0p+0},       {"+1", 0x1p+0},
        {".5", 0x1p-1},       {"5.", 0x1.4p+2},      {"1e3", 0x1.f4p+9},
        {"1E+3", 0x1.f4p+9},  {"25e-2", 0x1p-2},     {"007", 0x1.cp+2},
        {"-2.5", -0x1.4p+1},  {"0.0e0", 0x0p+0},     {"1e0000000000000000000001", 0x1.4p+3},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = 99;
        assert_int_equal(pd(ok[i].s, &v), GA_NUM_OK);
        assert_same_double(v, ok[i].v);
    }
    static const char *const bad[] = {"",     ".",    "e5",   "1e",    "1e+",  " 1",  "1 ",
                                      "0x10", "inf",  "nan",  "1,5",   "1.2.3", "--1", "+-1",
                                      "+",    "-.e1", "1e1.5", "١", "1_000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 99;
        assert_int_equal(pd(bad[i], &v), GA_NUM_SYNTAX);
        assert_true(v == 99); /* untouched */
    }
    /* the length bounds the text: no NUL needed, the rest is not read */
    double v;
    assert_int_equal(ga_parse_double("12.5xyz", 4, &v), GA_NUM_OK);
    assert_same_double(v, 0x1.9p+3);
    assert_int_equal(ga_parse_double("12.5", 0, &v), GA_NUM_SYNTAX);
    assert_int_equal(ga_parse_double(NULL, 3, &v), GA_NUM_SYNTAX);
}

static void parse_double_range(void **state)
{
    (void)state;
    double v = 7;
    /* overflow */
    assert_int_equal(pd("1e309", &v), GA_NUM_RANGE);
    assert_int_equal(pd("-1e309", &v), GA_NUM_RANGE);
    assert_int_equal(pd("1e99999999999999999999", &v), GA_NUM_RANGE);
    assert_true(v == 7);
    /* the largest double, and the boundary of the largest double */
    assert_int_equal(pd("1.7976931348623157e308", &v), GA_NUM_OK);
    assert_same_double(v, DBL_MAX);
    /* underflow: to the smallest normal, to subnormals, to zero */
    assert_int_equal(pd("2.2250738585072014e-308", &v), GA_NUM_OK);
    assert_same_double(v, 0x1p-1022);
    assert_int_equal(pd("4.9406564584124654e-324", &v), GA_NUM_OK);
    assert_same_double(v, 0x1p-1074);
    assert_int_equal(pd("1e-310", &v), GA_NUM_OK);
    assert_true(v > 0 && v < 0x1p-1022); /* subnormal */
    assert_same_double(v, 0x0.012688b70e62bp-1022);
    assert_int_equal(pd("2e-324", &v), GA_NUM_OK); /* below half the smallest */
    assert_same_double(v, 0x0p+0);
    assert_int_equal(pd("-1e-400", &v), GA_NUM_OK);
    assert_same_double(v, -0x0p+0);
    /* a long text (more than the parser's stack buffer) */
    char longer[300];
    strcpy(longer, "0.");
    for (int i = 0; i < 200; i++)
        strcat(longer, "0");
    strcat(longer, "1");
    assert_int_equal(pd(longer, &v), GA_NUM_OK);
    assert_same_double(v, 1e-201);
}

static void parse_double_exact_values(void **state)
{
    (void)state;
    double a, b, c;
    /* 0.1 and 0.2 are the nearest doubles; their sum is not 0.3's double */
    assert_int_equal(pd("0.1", &a), GA_NUM_OK);
    assert_same_double(a, 0x1.999999999999ap-4);
    assert_int_equal(pd("0.2", &b), GA_NUM_OK);
    assert_same_double(b, 0x1.999999999999ap-3);
    assert_int_equal(pd("0.3", &c), GA_NUM_OK);
    assert_same_double(c, 0x1.3333333333333p-2);
    assert_int_equal(pd("0.30000000000000004", &c), GA_NUM_OK);
    assert_same_double(c, 0x1.3333333333334p-2);
    assert_same_double(a + b, c);
    /* halfway cases round to even */
    assert_int_equal(pd("9007199254740993", &c), GA_NUM_OK); /* 2^53 + 1 */
    assert_same_double(c, 0x1p+53);
    assert_int_equal(pd("9007199254740995", &c), GA_NUM_OK); /* 2^53 + 3 */
    assert_same_double(c, 0x1.0000000000002p+53);
    /* 17 significant digits always read back to the same double */
    static const double rt[] = {0x1.fffffffffffffp-1, 0x1.0000000000001p+0, 0x1p-1074,
                                0x1.921fb54442d18p+1, DBL_MAX, 0x1.5e8f7b5f4b2a1p+100,
                                -0x1.3333333333334p-2, 0x1.ffffffffffffep-1023};
    for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", rt[i]);
        assert_int_equal(pd(buf, &c), GA_NUM_OK);
        assert_same_double(c, rt[i]);
    }
}

/* ---------------------------------------------------------------------
 * ga_parse_int64
 * --------------------------------------------------------------------- */

static int pi(const char *s, int64_t *v)
{
    return ga_parse_int64(s, strlen(s), v);
}

static void parse_int64_bounds(void **state)
{
    (void)state;
    int64_t v = 5;
    assert_int_equal(pi("0", &v), GA_NUM_OK);
    assert_true(v == 0);
    assert_int_equal(pi("-0", &v), GA_NUM_OK);
    assert_true(v == 0);
    assert_int_equal(pi("+42", &v), GA_NUM_OK);
    assert_true(v == 42);
    assert_int_equal(pi("-0042", &v), GA_NUM_OK);
    assert_true(v == -42);
    assert_int_equal(pi("9223372036854775807", &v), GA_NUM_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(pi("-9223372036854775808", &v), GA_NUM_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(pi("00000000000000000000009223372036854775807", &v), GA_NUM_OK);
    assert_true(v == INT64_MAX);
    v = 5;
    assert_int_equal(pi("9223372036854775808", &v), GA_NUM_RANGE);
    assert_int_equal(pi("-9223372036854775809", &v), GA_NUM_RANGE);
    assert_int_equal(pi("18446744073709551616", &v), GA_NUM_RANGE);
    assert_int_equal(pi("99999999999999999999999", &v), GA_NUM_RANGE);
    static const char *const bad[] = {"", "-", "+", "1.0", " 1", "1 ", "1e3", "0x1", "--1",
                                      "1,000", "x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pi(bad[i], &v), GA_NUM_SYNTAX);
    assert_true(v == 5);
    assert_int_equal(ga_parse_int64("123456", 3, &v), GA_NUM_OK);
    assert_true(v == 123);
}

/* ---------------------------------------------------------------------
 * ga_fmt_double: the JSON spelling
 * --------------------------------------------------------------------- */

static void fmt_double_spellings(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *s;
    } cases[] = {
        {0.0, "0.0"},
        {-0.0, "0.0"},
        {5.0, "5.0"},
        {-3.0, "-3.0"},
        {0x1.999999999999ap-4, "0.1"},
        {0x1.3333333333334p-2, "0.30000000000000004"},
        {0x1.5555555555555p-2, "0.3333333333333333"},
        {0x1.4f8b588e368f1p-17, "0.00001"},      /* %g says 1e-05: plain instead */
        /* plain only where it still reads back as the same double: twelve
         * decimals would give 0.000000123457 and 0.000003333333 */
        {1.234567890123e-7, "1.234567890123e-07"},
        {1.0 / 300000.0, "3.3333333333333333e-06"},
        {0x1.5af1d78b58c4p+66, "1e+20"},          /* 10^20: too large for plain */
        {0x1.1p+0, "1.0625"},
        {1e15 + 0.5, "1000000000000000.5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[48];
        ga_fmt_double(buf, cases[i].v);
        assert_string_equal(buf, cases[i].s);
    }
    char buf[48];
    ga_fmt_double(buf, NAN);
    assert_string_equal(buf, "0.0");
    ga_fmt_double(buf, -INFINITY);
    assert_string_equal(buf, "0.0");
    assert_int_equal(ga_snprintf_c(buf, sizeof buf, "%.2f|%g", 2.5, 0.125), 10);
    assert_string_equal(buf, "2.50|0.125");
}

/* ---------------------------------------------------------------------
 * RNG
 * --------------------------------------------------------------------- */

static void rng_sequence(void **state)
{
    (void)state;
    ga_rng r;
    /* seed 0, salt 1: state 1.  By hand: 1 ^ 1<<13 = 8193; 8193 ^ 8193>>7
     * = 8193 ^ 64 = 8257; 8257 ^ 8257<<17 = 8257 + 1082261504. */
    ga_rng_seed(&r, 0, 1);
    assert_true(ga_rng_next(&r) == UINT64_C(1082269761));
    /* the next two, from Python:
     *   M=2**64-1; x^=(x<<13)&M; x^=x>>7; x^=(x<<17)&M */
    assert_true(ga_rng_next(&r) == UINT64_C(1152992998833853505));
    assert_true(ga_rng_next(&r) == UINT64_C(11177516664432764457));
    /* a zero state is replaced by 1 */
    ga_rng_seed(&r, 0, 0);
    assert_true(r.state == 1);
    assert_true(ga_rng_next(&r) == UINT64_C(1082269761));
    /* the local search's seeding: 42 * 0x9e3779b97f4a7c15 + salt mod 2^64 */
    ga_rng_seed(&r, 42, UINT64_C(0x2545f4914f6cdd1d));
    assert_true(r.state == UINT64_C(0x1a5fed0031a5388f));
    assert_true(ga_rng_next(&r) == UINT64_C(0xcff5ebd19de5b13e));
    assert_true(ga_rng_next(&r) == UINT64_C(0xfdd124f61a2df5dc));
    /* below(n) is the plain remainder of the same sequence */
    ga_rng_seed(&r, 42, UINT64_C(0x2545f4914f6cdd1d));
    static const uint64_t mod7[] = {5, 2, 4, 6, 5};
    for (int i = 0; i < 5; i++)
        assert_true(ga_rng_below(&r, 7) == mod7[i]);
}

/* ---------------------------------------------------------------------
 * Work budget
 * --------------------------------------------------------------------- */

static void budget_ticks(void **state)
{
    (void)state;
    ga_budget b;
    ga_budget_init(&b, 0, 10);
    assert_true(b.deadline_ms == 0);
    assert_int_equal(ga_budget_spend(&b, 4), 0);
    assert_true(b.ticks_left == 6);
    assert_int_equal(ga_budget_spend(&b, 6), 0); /* exactly spent is not over */
    assert_true(b.ticks_left == 0);
    assert_int_equal(b.stopped, 0);
    assert_int_equal(ga_budget_spend(&b, 1), 1);
    assert_int_equal(b.stopped, 1);
    assert_int_equal(b.by_clock, 0);
    assert_int_equal(ga_budget_spend(&b, 0), 1); /* stays stopped */
    assert_true(b.ticks_left == -1);             /* and stops counting */
}

static void budget_clock(void **state)
{
    (void)state;
    ga_budget b;
    ga_budget_init(&b, 60000, INT64_MAX);
    assert_true(b.deadline_ms > 0);
    b.deadline_ms = ga_now_ms() - 1; /* a deadline already past */
    /* the clock is read only once 4096 ticks have been spent */
    assert_int_equal(ga_budget_spend(&b, 4095), 0);
    assert_int_equal(b.poll, 4095);
    assert_int_equal(ga_budget_spend(&b, 1), 1);
    assert_int_equal(b.stopped, 1);
    assert_int_equal(b.by_clock, 1);
    assert_int_equal(b.poll, 0);
    /* a huge spend counts as 10^6 toward the poll, and reads the clock */
    ga_budget_init(&b, 60000, INT64_MAX);
    assert_int_equal(ga_budget_spend(&b, INT64_C(5000000000)), 0);
    assert_int_equal(b.poll, 0);
    assert_true(b.ticks_left == INT64_MAX - INT64_C(5000000000));
    b.deadline_ms = ga_now_ms() - 1;
    assert_int_equal(ga_budget_spend(&b, 2000000), 1);
    assert_int_equal(b.by_clock, 1);
    /* without a time limit the clock never stops it */
    ga_budget_init(&b, 0, INT64_MAX);
    for (int i = 0; i < 100; i++)
        assert_int_equal(ga_budget_spend(&b, 4096), 0);
}

/* ---------------------------------------------------------------------
 * Checked allocation and the shared constants
 * --------------------------------------------------------------------- */

static void checked_allocation(void **state)
{
    (void)state;
    assert_null(ga_mallocarray(SIZE_MAX / 2 + 1, 2));
    assert_null(ga_mallocarray(2, SIZE_MAX / 2 + 1));
    assert_null(ga_reallocarray(NULL, SIZE_MAX / 16 + 1, 16));
    assert_null(ga_calloc(SIZE_MAX / 8 + 1, 8));
    int32_t *a = ga_mallocarray(4, sizeof *a);
    assert_non_null(a);
    a[3] = 7;
    free(a);
    void *z = ga_mallocarray(0, 8); /* a unique pointer, not NULL */
    assert_non_null(z);
    free(z);
    size_t cap = 0;
    int64_t *g = NULL;
    assert_int_equal(ga_grow((void **)&g, &cap, 9, sizeof *g), 0);
    assert_true(cap == 16); /* 8, doubled once */
    assert_int_equal(ga_grow((void **)&g, &cap, SIZE_MAX / 4, sizeof *g), -1);
    assert_true(cap == 16);
    free(g);
    assert_int_equal(GA_UNLIMITED, -1);
}

/* ---------------------------------------------------------------------
 * String map and set
 * --------------------------------------------------------------------- */

static void strmap_and_set(void **state)
{
    (void)state;
    ga_strmap m = GA_STRMAP_INIT;
    assert_null(ga_strmap_get(&m, "a"));
    /* 1000 distinct keys, each with its index; then every one found */
    static char keys[1000][16];
    for (int i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        ga_strmap_entry *e = NULL;
        assert_int_equal(ga_strmap_add(&m, keys[i], &e), 1);
        assert_ptr_equal(e->key, keys[i]);
        assert_true(e->num == 0 && e->ptr == NULL);
        e->num = i;
        e->ptr = keys[i];
    }
    assert_true(m.n == 1000);
    assert_true(m.cap >= 2000); /* at most half full */
    for (int i = 0; i < 1000; i++) {
        char probe[16]; /* a different pointer with the same text */
        strcpy(probe, keys[i]);
        ga_strmap_entry *e = ga_strmap_get(&m, probe);
        assert_non_null(e);
        assert_true(e->num == i);
        assert_ptr_equal(e->ptr, keys[i]);
        assert_int_equal(ga_strmap_add(&m, probe, &e), 0); /* present: kept */
        assert_true(e->num == i);
    }
    assert_null(ga_strmap_get(&m, "k1000"));
    assert_null(ga_strmap_get(&m, ""));
    assert_true(m.n == 1000);
    ga_strmap_free(&m);
    assert_null(m.slot);
    assert_true(m.n == 0 && m.cap == 0);

    /* the set: the first spelling is reported back for a duplicate */
    ga_strset s = {NULL, 0, 0};
    const char *first = "gpu", *again = NULL;
    char dup[] = "gpu";
    assert_int_equal(ga_strset_add(&s, first, &again), 1);
    assert_null(again);
    assert_int_equal(ga_strset_add(&s, "", NULL), 1);
    assert_int_equal(ga_strset_add(&s, "GPU", NULL), 1); /* case matters */
    assert_int_equal(ga_strset_add(&s, dup, &again), 0);
    assert_ptr_equal(again, first);
    assert_int_equal(ga_strset_add(&s, "", NULL), 0);
    ga_strset_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_double_forms),
        cmocka_unit_test(parse_double_range),
        cmocka_unit_test(parse_double_exact_values),
        cmocka_unit_test(parse_int64_bounds),
        cmocka_unit_test(fmt_double_spellings),
        cmocka_unit_test(rng_sequence),
        cmocka_unit_test(budget_ticks),
        cmocka_unit_test(budget_clock),
        cmocka_unit_test(checked_allocation),
        cmocka_unit_test(strmap_and_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
