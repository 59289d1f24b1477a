/*
 * util.c - checked allocation, growable strings, globbing, file reading,
 * clock and number formatting shared by every module.  No state.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/internal.h"

void gpuarb_free(void *ptr)
{
    free(ptr);
}

void *ga_malloc(size_t n)
{
    return malloc(n ? n : 1);
}

void *ga_calloc(size_t count, size_t size)
{
    if (count == 0 || size == 0)
        return calloc(1, 1);
    return calloc(count, size);
}

void *ga_reallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t n = count * size;
    return realloc(p, n ? n : 1);
}

char *ga_strdup(const char *s)
{
    return s ? ga_strndup(s, strlen(s)) : NULL;
}

char *ga_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int ga_grow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return -1;
        c *= 2;
    }
    void *q = ga_reallocarray(*p, c, sz);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

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
    int n = vsnprintf(small, sizeof small, fmt, ap);
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
    vsnprintf(big, (size_t)n + 1, fmt, ap);
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

int ga_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb || !ca)
            return ca - cb;
    }
}

/* Shell-style glob: '*' any run, '?' one character, "[abc]"/"[a-z]"/"[!x]"
 * a class.  Iterative with one backtrack point, so it is linear-ish and
 * cannot recurse deeply on hostile patterns. */
static const char *match_class(const char *p, unsigned char c, int *ok)
{
    int neg = 0, hit = 0;
    p++;
    if (*p == '!' || *p == '^') {
        neg = 1;
        p++;
    }
    const char *start = p;
    while (*p && (*p != ']' || p == start)) {
        unsigned char lo = (unsigned char)*p, hi = lo;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            hi = (unsigned char)p[2];
            p += 2;
        }
        if (c >= lo && c <= hi)
            hit = 1;
        p++;
    }
    if (*p != ']') {
        *ok = -1; /* unterminated: treat '[' literally */
        return NULL;
    }
    *ok = hit != neg;
    return p + 1;
}

int ga_glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *ss = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            ss = s;
            continue;
        }
        if (*pat == '?') {
            pat++;
            s++;
            continue;
        }
        if (*pat == '[') {
            int ok;
            const char *next = match_class(pat, (unsigned char)*s, &ok);
            if (ok == 1) {
                pat = next;
                s++;
                continue;
            }
            if (ok == -1 && *s == '[') {
                pat++;
                s++;
                continue;
            }
        } else if (*pat && *pat == *s) {
            pat++;
            s++;
            continue;
        }
        if (!star)
            return 0;
        pat = star + 1;
        s = ++ss;
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

int ga_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 1000;
    int row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z')
                ca += 'a' - 'A';
            if (cb >= 'A' && cb <= 'Z')
                cb += 'a' - 'A';
            int up = row[j], best = diag + (ca != cb);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

gpuarb_status ga_read_file(gpuarb_ctx *ctx, const char *path, size_t max_bytes, char **out,
                           size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ga_error(ctx, GPUARB_ERR_IO, path, 0, 0, NULL, "cannot open: %s",
                        strerror(errno));
    ga_strbuf b;
    ga_sb_init(&b);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        ga_sb_putn(&b, buf, n);
        if (b.len > max_bytes) {
            fclose(f);
            ga_sb_free(&b);
            return ga_error(ctx, GPUARB_ERR_LIMIT, path, 0, 0, NULL,
                            "file larger than the limit of %zu bytes", max_bytes);
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        ga_sb_free(&b);
        return ga_error(ctx, GPUARB_ERR_IO, path, 0, 0, NULL, "read error");
    }
    *len = b.len;
    *out = ga_sb_take(&b);
    if (!*out)
        return ga_nomem(ctx);
    return GPUARB_OK;
}

double ga_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* snprintf follows the host's LC_NUMERIC; JSON wants a '.', whatever the
 * host set (the formats used here never group digits). */
static void c_decimal_point(char *buf)
{
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
        snprintf(buf, 40, "%.1f", v);
        c_decimal_point(buf);
        return;
    }
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, 40, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* %g may produce an exponent; JSON allows it, but spell small/large
     * magnitudes as plain decimals where that stays short. */
    if (strchr(buf, 'e') && fabs(v) >= 1e-9 && fabs(v) < 1e15) {
        snprintf(buf, 40, "%.12f", v);
        size_t n = strlen(buf);
        while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.' && buf[n - 2] != ',')
            buf[--n] = '\0';
    }
    c_decimal_point(buf);
}
