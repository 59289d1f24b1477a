/*
 * cost.c - SPEC section 2's cost formulas and nothing else: the effective
 * price of a spot instance per useful hour, the multiplier of a gang with
 * instances on spot, and the one-time egress charge.
 * Pure functions; no state, no errors (invalid arguments give -1).
 */
#include <math.h>
#include <string.h>

#include "alloc/cost.h"

double ga_spot_cost(double spot_price, double rate, double checkpoint_minutes,
                    double restart_minutes)
{
    if (!isfinite(spot_price) || !isfinite(rate) || !isfinite(checkpoint_minutes) ||
        !isfinite(restart_minutes) || spot_price < 0 || rate < 0 || checkpoint_minutes < 0 ||
        restart_minutes < 0)
        return -1.0;
    /* each interruption loses half a checkpoint interval plus the restart */
    double den = 1.0 - rate * (checkpoint_minutes / 60.0 / 2.0 + restart_minutes / 60.0);
    if (den <= GA_SPOT_MIN_DENOMINATOR)
        return -1.0;
    return spot_price / den;
}

double ga_loss_hours(double checkpoint_minutes, double restart_minutes)
{
    return checkpoint_minutes / 60.0 / 2.0 + restart_minutes / 60.0;
}

double ga_gang_factor(double lambda_sum, double checkpoint_minutes, double restart_minutes)
{
    if (!isfinite(lambda_sum) || !isfinite(checkpoint_minutes) || !isfinite(restart_minutes) ||
        lambda_sum < 0 || checkpoint_minutes < 0 || restart_minutes < 0)
        return -1.0;
    if (lambda_sum == 0)
        return 1.0;
    /* the gang stops whenever any of its spot instances is interrupted */
    double den = 1.0 - lambda_sum * ga_loss_hours(checkpoint_minutes, restart_minutes);
    if (den <= GA_SPOT_MIN_DENOMINATOR)
        return -1.0;
    return 1.0 / den;
}

double ga_egress(const char *dp, const char *dr, double gb, const char *p, const char *r,
                 double same_rate, double other_rate)
{
    if (!dp || !dr || !p || !r || !(gb > 0))
        return 0.0;
    if (strcmp(dp, p) != 0)
        return gb * other_rate;
    if (strcmp(dr, r) != 0)
        return gb * same_rate;
    return 0.0;
}

double gpuarb_spot_effective_price(double spot_price_hour, double interruption_rate,
                                   double checkpoint_minutes, double restart_minutes)
{
    return ga_spot_cost(spot_price_hour, interruption_rate, checkpoint_minutes, restart_minutes);
}

double gpuarb_egress_cost(const char *data_provider, const char *data_region, double gb,
                          const char *provider, const char *region, double same_provider_per_gb,
                          double other_provider_per_gb)
{
    if (!isfinite(gb) || gb < 0)
        return -1.0;
    if (!(same_provider_per_gb >= 0) || !isfinite(same_provider_per_gb))
        same_provider_per_gb = GA_EGRESS_SAME_PROVIDER;
    if (!(other_provider_per_gb >= 0) || !isfinite(other_provider_per_gb))
        other_provider_per_gb = GA_EGRESS_OTHER_PROVIDER;
    return ga_egress(data_provider, data_region, gb, provider, region, same_provider_per_gb,
                     other_provider_per_gb);
}
