/*
 * file.h - whole-file reading with a size limit (file.c).
 */
#ifndef GPUARB_BASE_FILE_H
#define GPUARB_BASE_FILE_H

#include <stddef.h>

#include "gpuarb.h"

/* Read a whole file of at most max_bytes (GPUARB_ERR_LIMIT past that, found
 * without reading further); *out is NUL-terminated, *len excludes the NUL. */
gpuarb_status ga_read_file(gpuarb_ctx *ctx, const char *path, size_t max_bytes, char **out,
                           size_t *len);

/* The argument checks of a public parser, in this order: GPUARB_ERR_ARG
 * "out is NULL" when have_out is 0 (the caller's out pointer was NULL),
 * "text is NULL" for a NULL text with a nonzero len. */
gpuarb_status ga_check_text(gpuarb_ctx *ctx, int have_out, const char *text, size_t len);
/* The start of a public loader: "out is NULL" as above, "no <what> path"
 * for a NULL or empty path, then ga_read_file(path, max_bytes). */
gpuarb_status ga_load_file(gpuarb_ctx *ctx, int have_out, const char *path, const char *what,
                           size_t max_bytes, char **text, size_t *len);

#endif
