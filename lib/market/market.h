/*
 * market.h - the seller's side of the market (lib/market): where a
 * provider's prices stand against its competitors' (compare.c), the
 * revenue-maximising hourly price of a fleet under constant-elasticity
 * demand (price.c, fleet.c) and the breakdown of a cost by team or project
 * label (attr.c).  The public API is the "market" section of gpuarb.h;
 * these are the pieces other modules and the tests call directly.
 */
#ifndef GPUARB_MARKET_H
#define GPUARB_MARKET_H

#include <stddef.h>
#include <stdint.h>

#include "base/internal.h"

/* ---- dynamic pricing (price.c) ------------------------------------------ */

/* One model's pricing problem over H periods.  Demand at price p in period
 * t is base[t] * (p / p0)^elasticity GPUs (base[t]: the forecast demand at
 * today's price p0), served up to capacity GPUs.  Revenue of a period is p
 * times the GPUs served.  Prices must lie in [floor, cap] (cap < 0: none);
 * a floor above the cap makes the floor the only price (the caller warns).
 * step > 0 bounds the change between consecutive prices, p0 included, to
 * a factor (1 + step) either way; step <= 0: no bound.  The step bound
 * starts from `start` (yesterday's last price) when it is given. */
typedef struct ga_mk_price_problem {
    const double *base;  /* H values >= 0 */
    int32_t H;
    double p0;           /* today's price, > 0 */
    double elasticity;   /* < 0 */
    double capacity;     /* GPUs, > 0 */
    double floor;        /* >= 0 */
    double cap;          /* < 0: no cap */
    double step;         /* relative; <= 0: none */
    double start;        /* the price before period 0 (step bound); <= 0: p0 */
} ga_mk_price_problem;

/* Grid points per factor (1 + step) when a step bound couples the
 * periods (the prices are then exact to a factor (1 + step)^(1/K)). */
#define GA_MK_STEP_GRID 32

/* The price of one period with no step bound: with elasticity <= -1 the
 * capacity-clearing price p0 (capacity / base)^(1 / elasticity) clamped to
 * [floor, cap]; with -1 < elasticity < 0 revenue rises with the price, so
 * the cap (NaN when there is none: the revenue is unbounded).  A period
 * with no demand keeps today's price clamped to the bounds. */
double ga_mk_period_price(const ga_mk_price_problem *pp, int32_t t);
/* Revenue and GPUs served in period t at price p. */
double ga_mk_revenue(const ga_mk_price_problem *pp, int32_t t, double p, double *served);
/* The revenue-maximising prices into out[0..H).  Returns GPUARB_OK,
 * GPUARB_ERR_INPUT (unbounded revenue: inelastic demand with neither a cap
 * nor a step bound; message in ctx), GPUARB_ERR_NOMEM. */
gpuarb_status ga_mk_price_path(gpuarb_ctx *ctx, const ga_mk_price_problem *pp, double *out);

/* Least-squares elasticity of log demand on log price with one intercept
 * per season position (t mod season; season <= 1: one intercept), over
 * the points with q > 0, p > 0 and q < capacity (demand at capacity is
 * censored).  Returns 1 with *e set, 0 when the prices do not vary within
 * any season position. */
int ga_mk_fit_elasticity(const double *q, const double *p, size_t n, int32_t season,
                         double capacity, double *e, size_t *used);

/* ---- cost attribution (attr.c) ------------------------------------------ */

/* One label's share: the sum of the costs of the items carrying it. */
typedef struct ga_mk_attr_row {
    const char *label;   /* borrowed from the input; NULL = unlabelled */
    double cost;
    double cost2;        /* a second sum (total cost beside cost per hour) */
    int64_t items;
} ga_mk_attr_row;

/* Group n (label, cost, cost2) items by label: *rows (free with free())
 * gets one row per distinct label, sorted by label byte order, the
 * unlabelled (NULL or "") row last.  cost2 may be NULL.  Every cost lands
 * in exactly one row, so the rows sum to the total.  Returns GPUARB_OK or
 * GPUARB_ERR_NOMEM. */
gpuarb_status ga_mk_attribute(gpuarb_ctx *ctx, const char *const *labels, const double *cost,
                              const double *cost2, size_t n, ga_mk_attr_row **rows,
                              size_t *nrows);

#endif
