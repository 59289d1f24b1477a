/*
 * ctx.h - the context's error state and log callback (ctx.c): how every
 * module records an error with its position, and logs.
 */
#ifndef GPUARB_BASE_CTX_H
#define GPUARB_BASE_CTX_H

#include <stdarg.h>
#include <stdint.h>

#include "gpuarb.h"
#include "base/common.h"

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
    int64_t today_days;     /* gpuarb_ctx_set_today: days since 1970-01-01; 0 = the clock */
};

/* A position in an input: source is borrowed, line/col 1-based (0 = unknown). */
typedef struct ga_loc {
    const char *source;
    int32_t line, col;
} ga_loc;

/* Record an error on ctx (ctx may be NULL) and return st.  source/path may
 * be NULL.  The message should not repeat the location or the path.
 * Numbers in fmt are written as in the C locale. */
gpuarb_status ga_error(gpuarb_ctx *ctx, gpuarb_status st, const char *source, int32_t line,
                       int32_t col, const char *path, const char *fmt, ...) GA_PRINTF(7, 8);
gpuarb_status ga_verror(gpuarb_ctx *ctx, gpuarb_status st, const char *source, int32_t line,
                        int32_t col, const char *path, const char *fmt, va_list ap);
/* Shorthands. */
gpuarb_status ga_nomem(gpuarb_ctx *ctx);
void ga_log(gpuarb_ctx *ctx, int32_t level, const char *fmt, ...) GA_PRINTF(3, 4);

#endif
