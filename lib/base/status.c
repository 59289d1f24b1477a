/*
 * status.c - the one table of status codes: each status's stable name and
 * its short message.  Values are pinned in gpuarb.h; new ones are appended
 * here and there together.
 */
#include "base/internal.h"

static const struct {
    const char *name;
    const char *msg;
} status_table[] = {
    {"GPUARB_OK", "success"},
    {"GPUARB_ERR_NOMEM", "out of memory"},
    {"GPUARB_ERR_ARG", "invalid argument"},
    {"GPUARB_ERR_IO", "cannot read input"},
    {"GPUARB_ERR_SYNTAX", "malformed input"},
    {"GPUARB_ERR_INPUT", "invalid input"},
    {"GPUARB_ERR_LIMIT", "input exceeds a limit"},
    {"GPUARB_ERR_SOLVER", "solver failure"},
    {"GPUARB_ERR_INTERNAL", "internal error"},
    {"GPUARB_ERR_UNSUPPORTED", "unsupported feature"},
};

#define N_STATUS (sizeof status_table / sizeof status_table[0])

const char *gpuarb_strerror(gpuarb_status status)
{
    if ((unsigned)status < N_STATUS)
        return status_table[status].msg;
    return "unknown status";
}

const char *gpuarb_status_name(gpuarb_status status)
{
    if ((unsigned)status < N_STATUS)
        return status_table[status].name;
    return "GPUARB_ERR_UNKNOWN";
}

#define STR2(x) #x
#define STR(x) STR2(x)

const char *gpuarb_version_string(void)
{
    return STR(GPUARB_VERSION_MAJOR) "." STR(GPUARB_VERSION_MINOR) "." STR(GPUARB_VERSION_PATCH);
}

int32_t gpuarb_version_number(void)
{
    return GPUARB_VERSION_NUMBER;
}
