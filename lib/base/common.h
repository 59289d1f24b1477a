/*
 * common.h - the few macros every module shares: min/max, printf-format
 * checking, and the one spelling of "unlimited" for capacities and counts.
 */
#ifndef GPUARB_BASE_COMMON_H
#define GPUARB_BASE_COMMON_H

#include "gpuarb.h"

#if defined(__GNUC__)
#define GA_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GA_PRINTF(a, b)
#endif

#define GA_MIN(a, b) ((a) < (b) ? (a) : (b))
#define GA_MAX(a, b) ((a) > (b) ? (a) : (b))

/* A capacity or count without a limit: the public GPUARB_UNLIMITED (-1).
 * Tests for "unlimited" may use "< 0"; assignments use this name. */
#define GA_UNLIMITED GPUARB_UNLIMITED

/* The memory budget of one solve (optimize, pack), in MiB: the default of
 * the specs' memory_limit_mib and of the options' memory_limit_mib, and the
 * most a spec may ask for.  Documented in gpuarb(1) and libgpuarb(3). */
#define GA_DEFAULT_MEMORY_MIB 2048.0
#define GA_MAX_MEMORY_MIB 1048576.0

#endif
