/*
 * internal.h - helpers shared by every module: the context's error state,
 * checked allocation, growable strings and arrays.  Nothing here is public.
 */
#ifndef GPUARB_INTERNAL_H
#define GPUARB_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "gpuarb.h"

#define GA_MSG_MAX 1024
#define GA_SRC_MAX 512
#define GA_PATH_MAX 256

struct gpuarb_ctx {
    gpuarb_status err;
    int32_t line, col;
    char msg[GA_MSG_MAX];
    char source[GA_SRC_MAX];
    char path[GA_PATH_MAX];
    char full[GA_MSG_MAX + GA_SRC_MAX + GA_PATH_MAX + 64];
    gpuarb_log_fn log;
    void *log_user;
    int32_t log_level;
};

/* A position in an input: source is borrowed, line/col 1-based (0 = unknown). */
typedef struct ga_loc {
    const char *source;
    int32_t line, col;
} ga_loc;

#if defined(__GNUC__)
#define GA_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GA_PRINTF(a, b)
#endif

/* Record an error on ctx (ctx may be NULL) and return st.  source/path may
 * be NULL.  The message should not repeat the location or the path. */
gpuarb_status ga_error(gpuarb_ctx *ctx, gpuarb_status st, const char *source, int32_t line,
                       int32_t col, const char *path, const char *fmt, ...) GA_PRINTF(7, 8);
gpuarb_status ga_verror(gpuarb_ctx *ctx, gpuarb_status st, const char *source, int32_t line,
                        int32_t col, const char *path, const char *fmt, va_list ap);
/* Shorthands. */
gpuarb_status ga_nomem(gpuarb_ctx *ctx);
void ga_log(gpuarb_ctx *ctx, int32_t level, const char *fmt, ...) GA_PRINTF(3, 4);

/* Checked allocation: NULL on overflow or failure (callers report NOMEM). */
void *ga_malloc(size_t n);
void *ga_calloc(size_t count, size_t size);
void *ga_reallocarray(void *p, size_t count, size_t size);
char *ga_strdup(const char *s);
char *ga_strndup(const char *s, size_t n);
/* Grow *p (holding *cap elements of size sz) to at least need elements. */
int ga_grow(void **p, size_t *cap, size_t need, size_t sz);

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
void ga_sb_printf(ga_strbuf *b, const char *fmt, ...) GA_PRINTF(2, 3);
/* Take ownership of the string (never NULL unless oom); resets b. */
char *ga_sb_take(ga_strbuf *b);

/* Small string helpers. */
int ga_strcasecmp(const char *a, const char *b);
int ga_glob_match(const char *pattern, const char *s); /* shell-style * ? [..] */
/* Levenshtein distance, ASCII case-insensitive, for "did you mean" hints;
 * strings longer than 63 bytes count as 1000 edits away. */
int ga_edit_distance(const char *a, const char *b);
/* Read a whole file of at most max_bytes (GPUARB_ERR_LIMIT past that, found
 * without reading further); *out is NUL-terminated, *len excludes the NUL. */
gpuarb_status ga_read_file(gpuarb_ctx *ctx, const char *path, size_t max_bytes, char **out,
                           size_t *len);
/* Monotonic milliseconds. */
double ga_now_ms(void);
/* Format a double the way the JSON writers do (shortest round-trip, plain
 * decimal, never NaN/Inf: those become 0).  buf must hold 40 bytes. */
void ga_fmt_double(char *buf, double v);

#define GA_MIN(a, b) ((a) < (b) ? (a) : (b))
#define GA_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
