/*
 * file.c - reading a whole input file with a size limit, and the argument
 * checks every public parse/load entry point starts with (ga_check_text,
 * ga_load_file), so they are worded and ordered alike.  Returns
 * GPUARB_ERR_IO (open or read failure, with strerror's text), GPUARB_ERR_LIMIT
 * (larger than the caller's limit, found without reading further),
 * GPUARB_ERR_ARG (a NULL out, text or path) or GPUARB_ERR_NOMEM.  No state.
 *
 * Out of memory is never reported as bad input: the file is read with
 * open/read (stdio's fopen allocates, and reports its failure as an errno
 * a caller would take for a file problem), and ENOMEM from the system is
 * GPUARB_ERR_NOMEM wherever it appears.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"

static gpuarb_status sys_error(gpuarb_ctx *ctx, const char *path, const char *what, int err)
{
    if (err == ENOMEM)
        return ga_nomem(ctx);
    return ga_error(ctx, GPUARB_ERR_IO, path, 0, 0, NULL, "%s: %s", what, strerror(err));
}

gpuarb_status ga_read_file(gpuarb_ctx *ctx, const char *path, size_t max_bytes, char **out,
                           size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return sys_error(ctx, path, "cannot open", errno);
    /* a regular file's size is known up front: past the limit without
     * reading it, and read into one allocation when it fits */
    struct stat sb;
    size_t cap = 65536;
    /* a device (/dev/zero, /dev/urandom) or a folder is no input at all;
     * pipes (a shell's <(...), /dev/stdin) are read up to the limit */
    if (fstat(fd, &sb) == 0 &&
        (S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) || S_ISDIR(sb.st_mode))) {
        close(fd);
        return ga_error(ctx, GPUARB_ERR_IO, path, 1, 1, NULL, "%s, not a file of text",
                        S_ISDIR(sb.st_mode) ? "a directory" : "a device");
    }
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        if ((uintmax_t)sb.st_size > max_bytes) {
            close(fd);
            return ga_error(ctx, GPUARB_ERR_LIMIT, path, 1, 1, NULL,
                            "file of %jd bytes is larger than the limit of %zu bytes",
                            (intmax_t)sb.st_size, max_bytes);
        }
        cap = (size_t)sb.st_size + 2; /* + the NUL and one byte to see EOF */
    }
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return ga_nomem(ctx);
    }
    size_t n = 0;
    for (;;) {
        if (n + 1 >= cap) { /* room for at least one byte and the NUL */
            size_t c = cap;
            if (ga_grow((void **)&buf, &c, cap + 1, 1)) {
                free(buf);
                close(fd);
                return ga_nomem(ctx);
            }
            cap = c;
        }
        ssize_t got = read(fd, buf + n, GA_MIN(cap - 1 - n, max_bytes + 1 - n));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            free(buf);
            close(fd);
            return sys_error(ctx, path, "read error", err);
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max_bytes) {
            free(buf);
            close(fd);
            return ga_error(ctx, GPUARB_ERR_LIMIT, path, 1, 1, NULL,
                            "file larger than the limit of %zu bytes", max_bytes);
        }
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
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
