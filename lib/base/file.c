/*
 * file.c - reading a whole input file with a size limit, and the argument
 * checks every public parse/load entry point starts with (ga_check_text,
 * ga_load_file), so they are worded and ordered alike.  Returns
 * GPUARB_ERR_IO (open or read failure, with strerror's text), GPUARB_ERR_LIMIT
 * (larger than the caller's limit, found without reading further),
 * GPUARB_ERR_ARG (a NULL out, text or path) or GPUARB_ERR_NOMEM.  No state.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/internal.h"

gpuarb_status ga_read_file(gpuarb_ctx *ctx, const char *path, size_t max_bytes, char **out,
                           size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ga_error(ctx, GPUARB_ERR_IO, path, 0, 0, NULL, "cannot open: %s",
                        strerror(errno));
    /* Limits before the work: a regular file's size is known before it is
     * read, and a device (/dev/zero, /dev/urandom) is no input at all.
     * Pipes (a shell's <(...), /dev/stdin) are read up to the limit. */
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0) {
        if (S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) || S_ISDIR(sb.st_mode)) {
            fclose(f);
            return ga_error(ctx, GPUARB_ERR_IO, path, 1, 1, NULL,
                            "%s, not a file of text", S_ISDIR(sb.st_mode) ? "a directory"
                                                                          : "a device");
        }
        if (S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size > (uintmax_t)max_bytes) {
            fclose(f);
            return ga_error(ctx, GPUARB_ERR_LIMIT, path, 1, 1, NULL,
                            "file of %jd bytes is larger than the limit of %zu bytes",
                            (intmax_t)sb.st_size, max_bytes);
        }
    }
    ga_strbuf b;
    ga_sb_init(&b);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        ga_sb_putn(&b, buf, n);
        if (b.len > max_bytes) {
            fclose(f);
            ga_sb_free(&b);
            return ga_error(ctx, GPUARB_ERR_LIMIT, path, 1, 1, NULL,
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

gpuarb_status ga_check_text(gpuarb_ctx *ctx, int have_out, const char *text, size_t len)
{
    if (!have_out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    if (!text && len)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "text is NULL");
    return GPUARB_OK;
}

gpuarb_status ga_load_file(gpuarb_ctx *ctx, int have_out, const char *path, const char *what,
                           size_t max_bytes, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    if (!have_out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    if (!path || !path[0])
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "no %s path", what);
    return ga_read_file(ctx, path, max_bytes, text, len);
}
