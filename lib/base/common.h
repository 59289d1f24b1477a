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

#endif
