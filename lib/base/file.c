/*
 * file.c - reading a whole input file with a size limit.  Returns
 * GPUARB_ERR_IO (open or read failure, with strerror's text), GPUARB_ERR_LIMIT
 * (larger than the caller's limit, found without reading further) or
 * GPUARB_ERR_NOMEM.  No state.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>

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
