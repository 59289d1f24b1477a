/*
 * num.c - numbers as text without the host's locale (see num.h).
 *
 * Parsing: the form is checked here, byte by byte; the value comes from
 * strtod_l with the "C" locale, which glibc rounds correctly.  Formatting:
 * vsnprintf with the calling thread switched to the "C" locale by uselocale
 * (per thread, restored before returning), so '.' is the decimal point
 * whatever LC_NUMERIC the host set.  The one locale object is made once per
 * process (pthread_once) and never changed or freed, so both sides are
 * thread-safe; glibc hands out its static C locale for
 * newlocale(LC_ALL_MASK, "C", 0), so this cannot fail there.  Should it fail
 * elsewhere, parsing falls back to a digits-only conversion (exact for up to
 * 15 significant digits times a power of ten up to 10^22, otherwise within
 * an ulp or two: never a wrong syntax verdict), and ga_fmt_double to
 * replacing the locale's ',' (its formats never group digits).
 * ga_fmt_short is ga_fmt_double without a trailing ".0", for messages and
 * tables.  No dependency beyond libc; no status codes (GA_NUM_* outcomes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* The process-wide "C" locale object, or (locale_t)0 if none could be made. */
static locale_t the_c_locale(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale;
}

/* Length of the valid number at the start of s[0..len), or 0. */
static size_t number_form(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (!digits)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1, ed = 0;
        if (j < len && (s[j] == '+' || s[j] == '-'))
            j++;
        while (j < len && s[j] >= '0' && s[j] <= '9')
            j++, ed++;
        if (!ed)
            return 0;
        i = j;
    }
    return i;
}

/* Fallback when no C locale object exists: decimal mantissa and exponent. */
static double slow_value(const char *s, size_t len)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    int neg = 0, sig = 0;
    long exp10 = 0;
    double m = 0;
    if (s[i] == '+' || s[i] == '-')
        neg = s[i++] == '-';
    for (int frac = 0; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            frac = 1;
            continue;
        }
        if (sig < 19) {
            if (m > 0 || s[i] != '0')
                sig++;
            m = m * 10 + (s[i] - '0');
            exp10 -= frac;
        } else if (!frac) {
            exp10++;
        }
    }
    if (i < len) {
        long e = 0;
        int eneg = 0;
        i++;
        if (s[i] == '+' || s[i] == '-')
            eneg = s[i++] == '-';
        for (; i < len; i++)
            e = e < 100000 ? e * 10 + (s[i] - '0') : e;
        exp10 += eneg ? -e : e;
    }
    /* m is exact below 2^53; a product or quotient of two exact doubles is
     * then correctly rounded.  Beyond that, or for large exponents, scale in
     * two steps so that 10^-exp never underflows before the division. */
    double v = m;
    int exact = m <= 9007199254740992.0;
    if (m == 0)
        v = 0;
    else if (exact && exp10 >= 0 && exp10 <= 22)
        v = m * p10[exp10];
    else if (exact && exp10 < 0 && exp10 >= -22)
        v = m / p10[-exp10];
    else if (exp10 >= 0)
        v = m * pow(10.0, (double)exp10);
    else if (exp10 >= -300)
        v = m / pow(10.0, (double)-exp10);
    else
        v = m / 1e300 / pow(10.0, (double)(-exp10 - 300));
    return neg ? -v : v;
}

int ga_parse_double(const char *s, size_t len, double *out)
{
    /* room for any number whose value depends on all its digits (a double
     * needs at most 767 significant digits to round correctly): only
     * longer ones need the heap, so an allocation failure can change no
     * number shorter than this */
    char buf[1088];
    if (!s || !out || len == 0 || number_form(s, len) != len)
        return GA_NUM_SYNTAX;
    double v;
    locale_t c_numeric = the_c_locale();
    if (c_numeric && len < sizeof buf) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        v = strtod_l(buf, NULL, c_numeric);
    } else if (c_numeric) {
        char *big = malloc(len + 1);
        if (!big) {
            v = slow_value(s, len);
        } else {
            memcpy(big, s, len);
            big[len] = '\0';
            v = strtod_l(big, NULL, c_numeric);
            free(big);
        }
    } else {
        v = slow_value(s, len);
    }
    if (!isfinite(v))
        return GA_NUM_RANGE;
    *out = v;
    return GA_NUM_OK;
}

int ga_parse_int64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t v = 0, lim;
    if (!s || !out || len == 0)
        return GA_NUM_SYNTAX;
    if (s[0] == '+' || s[0] == '-')
        neg = s[i++] == '-';
    if (i == len)
        return GA_NUM_SYNTAX;
    lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    int over = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return GA_NUM_SYNTAX;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10)
            over = 1;
        else
            v = v * 10 + d;
    }
    if (over)
        return GA_NUM_RANGE;
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return GA_NUM_OK;
}

int ga_vsnprintf_c(char *buf, size_t n, const char *fmt, va_list ap)
{
    locale_t c = the_c_locale();
    locale_t old = c ? uselocale(c) : (locale_t)0;
    int k = vsnprintf(buf, n, fmt, ap);
    if (c && old)
        uselocale(old);
    return k;
}

int ga_snprintf_c(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = ga_vsnprintf_c(buf, n, fmt, ap);
    va_end(ap);
    return k;
}

/* Only when no C locale object exists: the host's decimal point back to
 * '.' (the formats of ga_fmt_double never group digits). */
static void c_decimal_point(char *buf)
{
    if (the_c_locale())
        return;
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
}

void ga_fmt_double(char *buf, double v)
{
    if (!isfinite(v))
        v = 0.0;
    if (v == 0.0)
        v = 0.0; /* no "-0" */
    if (v == floor(v) && fabs(v) < 1e15) {
        ga_snprintf_c(buf, 40, "%.1f", v);
        c_decimal_point(buf);
        return;
    }
    for (int prec = 6; prec <= 17; prec++) {
        double back;
        ga_snprintf_c(buf, 40, "%.*g", prec, v);
        c_decimal_point(buf);
        if (ga_parse_double(buf, strlen(buf), &back) == GA_NUM_OK && back == v)
            break;
    }
    /* %g may produce an exponent; JSON allows it, but spell small/large
     * magnitudes as plain decimals where that stays short and still reads
     * back as v (twelve decimals cannot hold 1.234567890123e-07). */
    if (strchr(buf, 'e') && fabs(v) >= 1e-9 && fabs(v) < 1e15) {
        char plain[48];
        double back;
        ga_snprintf_c(plain, sizeof plain, "%.12f", v);
        c_decimal_point(plain);
        size_t n = strlen(plain);
        while (n > 2 && plain[n - 1] == '0' && plain[n - 2] != '.')
            plain[--n] = '\0';
        if (ga_parse_double(plain, n, &back) == GA_NUM_OK && back == v)
            memcpy(buf, plain, n + 1);
    }
}

void ga_fmt_short(char *buf, double v)
{
    ga_fmt_double(buf, v);
    size_t k = strlen(buf);
    if (k > 2 && !strcmp(buf + k - 2, ".0"))
        buf[k - 2] = '\0';
}
