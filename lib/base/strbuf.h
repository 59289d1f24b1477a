/*
 * strbuf.h - the growable string (strbuf.c).
 */
#ifndef GPUARB_BASE_STRBUF_H
#define GPUARB_BASE_STRBUF_H

#include <stddef.h>

#include "base/common.h"

/* Growable NUL-terminated string.  On allocation failure it sets oom and
 * ignores further appends, so callers check once at the end. */
typedef struct ga_strbuf {
    char *s;
    size_t len, cap;
    int oom;
} ga_strbuf;

void ga_sb_init(ga_strbuf *b);
void ga_sb_free(ga_strbuf *b);
void ga_sb_putn(ga_strbuf *b, const char *s, size_t n);
void ga_sb_puts(ga_strbuf *b, const char *s);
void ga_sb_putc(ga_strbuf *b, char c);
/* printf as in the C locale ('.' decimal point whatever the host set). */
void ga_sb_printf(ga_strbuf *b, const char *fmt, ...) GA_PRINTF(2, 3);
/* Take ownership of the string (never NULL unless oom); resets b. */
char *ga_sb_take(ga_strbuf *b);

#endif
