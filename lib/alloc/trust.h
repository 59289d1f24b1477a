/*
 * trust.h - provider checks, price sources, warnings and alternatives of a
 * plan (trust.c); called from optimize.c, read by result.c and
 * result_write.c.
 */
#ifndef GPUARB_TRUST_H
#define GPUARB_TRUST_H

#include "alloc/alloc.h"
#include "alloc/optimize.h"

/* Prices older than this many days are a warning (SPEC section 3). */
#define GA_STALE_DAYS 180

/* SPEC section 2: a provider named in constraints.providers (not a glob) or
 * in a workload's data.provider that no offer of cat has is bad input
 * (GPUARB_ERR_INPUT naming the catalog's providers, near matches first).
 * An allowed region glob that matches no region of the allowed providers
 * becomes a warning on r (when r is not NULL) naming the closest regions. */
gpuarb_status ga_trust_check_spec(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                                  const gpuarb_catalog *cat, gpuarb_result *r);
/* After the solve: catalog.sources and warnings of r; with explain, the
 * alternatives too (each one a solve of one workload on one provider and
 * market, within what is left of b's deadline). */
gpuarb_status ga_trust_annotate(gpuarb_ctx *ctx, const base *b, int32_t explain,
                                const ga_tol *tol, gpuarb_result *r);
/* Append a warning (copied; a repeated sentence is kept once).  -1 on
 * allocation failure (then r->nomem is set). */
int ga_trust_warn(gpuarb_result *r, const char *fmt, ...) GA_PRINTF(2, 3);

#endif
