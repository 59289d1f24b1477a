/*
 * strbuf.c - the growable string every writer builds into (the structured
 * writer in io/writer.c, the tables, messages).  Formatting goes through
 * num.c, so no output depends on the host's locale.  An allocation
 * failure sets the buffer's oom flag (later appends are ignored) for the
 * caller to turn into GPUARB_ERR_NOMEM once.  No state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

void ga_sb_init(ga_strbuf *b)
{
    memset(b, 0, sizeof *b);
}

void ga_sb_free(ga_strbuf *b)
{
    free(b->s);
    ga_sb_init(b);
}

void ga_sb_putn(ga_strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 < b->len || ga_grow((void **)&b->s, &b->cap, b->len + n + 1, 1)) {
        b->oom = 1;
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void ga_sb_puts(ga_strbuf *b, const char *s)
{
    ga_sb_putn(b, s, strlen(s));
}

void ga_sb_putc(ga_strbuf *b, char c)
{
    ga_sb_putn(b, &c, 1);
}

void ga_sb_printf(ga_strbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    if (b->oom)
        return;
    va_start(ap, fmt);
    int n = ga_vsnprintf_c(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        ga_sb_putn(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    ga_vsnprintf_c(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ga_sb_putn(b, big, (size_t)n);
    free(big);
}

char *ga_sb_take(ga_strbuf *b)
{
    if (b->oom) {
        ga_sb_free(b);
        return NULL;
    }
    char *s = b->s ? b->s : ga_strdup("");
    ga_sb_init(b);
    return s;
}
