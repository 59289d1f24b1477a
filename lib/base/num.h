/*
 * num.h - the one number parser of every reader (CSV, YAML, BPP, CLI-facing
 * helpers): decimal text to double or int64 independent of the host's
 * locale, so a program that ran setlocale(LC_ALL, "") under a comma-decimal
 * locale reads "8.0" as eight.
 */
#ifndef GPUARB_NUM_H
#define GPUARB_NUM_H

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

#endif
