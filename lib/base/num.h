/*
 * num.h - numbers as text, independent of the host's locale: the one number
 * parser of every reader (CSV, YAML, BPP) and the formatting every writer
 * and error message uses, so a program that ran setlocale(LC_ALL, "") under
 * a comma-decimal locale reads "8.0" as eight and gets "8.5", not "8,5".
 */
#ifndef GPUARB_NUM_H
#define GPUARB_NUM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Outcomes of the parsers. */
enum {
    GA_NUM_OK = 0,
    GA_NUM_SYNTAX = -1, /* not a decimal number of the accepted form */
    GA_NUM_RANGE = -2   /* the right form, but it does not fit (overflow) */
};

/* Parse s[0..len) as a decimal floating-point number: an optional sign,
 * digits with an optional '.' fraction (at least one digit in all), an
 * optional exponent e/E with optional sign and digits.  No spaces, no hex,
 * no inf/nan.  '.' is the decimal point whatever LC_NUMERIC says.  On
 * GA_NUM_OK *out is the correctly rounded value (underflow gives 0 or a
 * subnormal); GA_NUM_RANGE when the magnitude overflows a double.  s need
 * not be NUL-terminated. */
int ga_parse_double(const char *s, size_t len, double *out);

/* Parse s[0..len) as an optional sign and decimal digits into *out.
 * GA_NUM_RANGE when it does not fit in int64_t. */
int ga_parse_int64(const char *s, size_t len, int64_t *out);

/* snprintf / vsnprintf as in the "C" locale whatever the host set: '.' is
 * the decimal point and no digits are grouped.  The calling thread's locale
 * is switched with uselocale for the duration of the call only (uselocale is
 * per thread, so other threads are not affected).  Same return value as
 * vsnprintf. */
int ga_vsnprintf_c(char *buf, size_t n, const char *fmt, va_list ap);
int ga_snprintf_c(char *buf, size_t n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Format a double the way the JSON writers do: the shortest %g that reads
 * back to the same double (ga_parse_double), plain decimals where short,
 * never NaN/Inf (those become 0) and never "-0".  buf must hold 40 bytes. */
void ga_fmt_double(char *buf, double v);
/* ga_fmt_double without a trailing ".0", for messages and tables: "16",
 * "0.5", "86400".  buf must hold 40 bytes. */
void ga_fmt_short(char *buf, double v);

#endif
