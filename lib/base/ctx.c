/*
 * ctx.c - the context: last error (status, message, source, line, column,
 * key path) and the optional log callback.  A context is used by one thread
 * at a time; nothing here touches global state.  Messages are formatted as
 * in the C locale (num.c), whatever LC_NUMERIC the host set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

gpuarb_status gpuarb_ctx_create(gpuarb_ctx **out)
{
    if (!out)
        return GPUARB_ERR_ARG;
    *out = ga_calloc(1, sizeof **out);
    if (!*out)
        return GPUARB_ERR_NOMEM;
    (*out)->log_level = GPUARB_LOG_WARN;
    return GPUARB_OK;
}

void gpuarb_ctx_free(gpuarb_ctx *ctx)
{
    free(ctx);
}

void gpuarb_ctx_set_log(gpuarb_ctx *ctx, gpuarb_log_fn fn, void *user, int32_t max_level)
{
    if (!ctx)
        return;
    ctx->log = fn;
    ctx->log_user = user;
    ctx->log_level = max_level;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    if (!src)
        src = "";
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

gpuarb_status ga_verror(gpuarb_ctx *ctx, gpuarb_status st, const char *source, int32_t line,
                        int32_t col, const char *path, const char *fmt, va_list ap)
{
    if (!ctx)
        return st;
    ctx->err = st;
    ctx->line = line > 0 ? line : 0;
    ctx->col = col > 0 ? col : 0;
    copy_str(ctx->source, sizeof ctx->source, source);
    copy_str(ctx->path, sizeof ctx->path, path);
    ga_vsnprintf_c(ctx->msg, sizeof ctx->msg, fmt, ap);
    if (ctx->log && ctx->log_level >= GPUARB_LOG_DEBUG)
        ctx->log(ctx->log_user, GPUARB_LOG_DEBUG, gpuarb_errfull(ctx));
    return st;
}

gpuarb_status ga_error(gpuarb_ctx *ctx, gpuarb_status st, const char *source, int32_t line,
                       int32_t col, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ga_verror(ctx, st, source, line, col, path, fmt, ap);
    va_end(ap);
    return st;
}

gpuarb_status ga_nomem(gpuarb_ctx *ctx)
{
    return ga_error(ctx, GPUARB_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
}

void ga_log(gpuarb_ctx *ctx, int32_t level, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    if (!ctx || !ctx->log || level > ctx->log_level)
        return;
    va_start(ap, fmt);
    ga_vsnprintf_c(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log(ctx->log_user, level, buf);
}

gpuarb_status gpuarb_errcode(const gpuarb_ctx *ctx)
{
    return ctx ? ctx->err : GPUARB_ERR_ARG;
}

const char *gpuarb_errmsg(const gpuarb_ctx *ctx)
{
    return ctx ? ctx->msg : "";
}

const char *gpuarb_errsource(const gpuarb_ctx *ctx)
{
    return ctx ? ctx->source : "";
}

int32_t gpuarb_errline(const gpuarb_ctx *ctx)
{
    return ctx ? ctx->line : 0;
}

int32_t gpuarb_errcolumn(const gpuarb_ctx *ctx)
{
    return ctx ? ctx->col : 0;
}

const char *gpuarb_errpath(const gpuarb_ctx *ctx)
{
    return ctx ? ctx->path : "";
}

const char *gpuarb_errfull(gpuarb_ctx *ctx)
{
    if (!ctx)
        return "";
    char *p = ctx->full;
    size_t cap = sizeof ctx->full, n = 0;
    int k;
    if (ctx->source[0]) {
        if (ctx->line > 0 && ctx->col > 0)
            k = snprintf(p, cap, "%s:%d:%d: ", ctx->source, (int)ctx->line, (int)ctx->col);
        else if (ctx->line > 0)
            k = snprintf(p, cap, "%s:%d: ", ctx->source, (int)ctx->line);
        else
            k = snprintf(p, cap, "%s: ", ctx->source);
        n = k > 0 ? (size_t)k : 0;
    }
    if (ctx->path[0] && n < cap) {
        k = snprintf(p + n, cap - n, "%s: ", ctx->path);
        n += k > 0 ? (size_t)k : 0;
    }
    if (n < cap)
        snprintf(p + n, cap - n, "%s", ctx->msg);
    return p;
}

void gpuarb_errclear(gpuarb_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->err = GPUARB_OK;
    ctx->line = ctx->col = 0;
    ctx->msg[0] = ctx->source[0] = ctx->path[0] = '\0';
}
