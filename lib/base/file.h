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

#endif
