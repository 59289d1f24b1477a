/*
 * utf8.h - well-formed UTF-8 (RFC 3629, Unicode table 3-7), for the
 * readers that must refuse anything else (csv.c) and the writers that
 * must never emit it (writer.c).
 */
#ifndef GPUARB_UTF8_H
#define GPUARB_UTF8_H

#include <stddef.h>

/* Length (1 to 4) of the well-formed sequence that starts s[0..n), or 0
 * when there is none: a continuation byte where a character must start,
 * a byte C0, C1 or F5..FF, an overlong form (E0 80..9F, F0 80..8F), a
 * surrogate (ED A0..BF), a code point past U+10FFFF (F4 90..), or a
 * sequence cut short by the end or by a byte that is not 80..BF.  n = 0
 * gives 0. */
size_t ga_utf8_seq(const unsigned char *s, size_t n);

/* Offset of the first byte of s[0..n) that does not start a well-formed
 * sequence, or n when all of it is well formed. */
size_t ga_utf8_check(const char *s, size_t n);

/* The longest prefix of the NUL-terminated s, at most max bytes, that
 * does not end inside a sequence (for cutting text in messages). */
size_t ga_utf8_prefix(const char *s, size_t max);

#endif
