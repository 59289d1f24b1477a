/*
 * internal.h - the base layer in one include for every module: the
 * context's error state (ctx.h), checked allocation (mem.h), growable
 * strings (strbuf.h), ASCII string helpers (str.h), file
 * reading (file.h), the clock (clock.h), locale-free numbers (num.h) and the
 * shared macros (common.h).  The RNG, work budget and string map have their
 * own headers for the modules that use them.  Nothing here is public.
 */
#ifndef GPUARB_INTERNAL_H
#define GPUARB_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "gpuarb.h"
#include "base/common.h"
#include "base/ctx.h"
#include "base/mem.h"
#include "base/strbuf.h"
#include "base/str.h"
#include "base/file.h"
#include "base/clock.h"
#include "base/num.h"

#endif
