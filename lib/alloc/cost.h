/*
 * cost.h - SPEC section 2's cost formulas, nothing else.
 */
#ifndef GPUARB_COST_H
#define GPUARB_COST_H

#include "base/internal.h"

#define GA_EGRESS_SAME_PROVIDER 0.02
#define GA_EGRESS_OTHER_PROVIDER 0.09
#define GA_SPOT_MIN_DENOMINATOR 0.1

/* Per-useful-hour cost of a spot instance; -1 if unusable. */
double ga_spot_cost(double spot_price, double rate, double checkpoint_minutes,
                    double restart_minutes);
/* Hours of work a gang loses per interruption: c/2 + r (SPEC section 2). */
double ga_loss_hours(double checkpoint_minutes, double restart_minutes);
/* The gang multiplier of SPEC section 2: every instance of a gang whose
 * spot instances add up to an interruption rate lambda_sum (sum of rate x
 * count) costs its price times 1 / (1 - lambda_sum (c/2 + r)) per useful
 * hour.  -1 when that denominator is <= GA_SPOT_MIN_DENOMINATOR (the gang
 * is not allowed) or an argument is invalid; 1 when lambda_sum is 0. */
double ga_gang_factor(double lambda_sum, double checkpoint_minutes, double restart_minutes);
/* Egress $ for gb from (dp, dr) to (p, r) at the given per-GB rates. */
double ga_egress(const char *dp, const char *dr, double gb, const char *p, const char *r,
                 double same_rate, double other_rate);

#endif
