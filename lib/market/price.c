/*
 * price.c - the revenue-maximising price path of one GPU model, and the
 * elasticity fit it rests on.  Pure numerics: no parsing, no printing, no
 * allocation but the dynamic programme's tables.
 *
 * Model.  In period t the demand at price p is q_t(p) = B_t (p / p0)^e
 * (constant elasticity e < 0, B_t the forecast demand at today's price p0)
 * and the GPUs served are min(C, q_t(p)).  Revenue R_t(p) = p min(C, q_t(p)).
 * Below the capacity-clearing price p_c = p0 (C / B_t)^(1/e) the fleet is
 * full and R_t = p C rises with p; above it R_t is proportional to
 * p^(1+e), which falls when e < -1, is flat when e = -1 and rises when
 * -1 < e < 0.  So R_t is unimodal and, within the bounds [floor, cap], its
 * maximum is clamp(p_c) when e <= -1 (the least optimal price when e = -1)
 * and the cap when e > -1.
 *
 * A step bound (each price within a factor 1 + s of the previous one,
 * today's included) couples the periods: the path is then the exact
 * optimum over a log-price grid anchored at the price before period 0 with GA_MK_STEP_GRID points
 * per factor 1 + s, by dynamic programming (O(H G K) for G grid points).
 * When that price lies outside [floor, cap] the path moves toward the
 * bounds at full step speed, which the grid holds exactly.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "market/market.h"

static double clampd(double v, double lo, double hi, int has_hi)
{
    if (has_hi && v > hi)
        v = hi;
    return v < lo ? lo : v;
}

double ga_mk_revenue(const ga_mk_price_problem *pp, int32_t t, double p, double *served)
{
    double q = pp->base[t] > 0 ? pp->base[t] * pow(p / pp->p0, pp->elasticity) : 0;
    if (!(q <= pp->capacity)) /* also +inf at p = 0 */
        q = pp->capacity;
    if (served)
        *served = q;
    return p * q;
}

double ga_mk_period_price(const ga_mk_price_problem *pp, int32_t t)
{
    int has_cap = pp->cap >= 0;
    double hi = pp->cap, lo = pp->floor;
    if (has_cap && hi < lo)
        return lo; /* the floor wins */
    if (!(pp->base[t] > 0))
        return clampd(pp->start > 0 ? pp->start : pp->p0, lo, hi, has_cap);
    if (pp->elasticity > -1)
        return has_cap ? hi : NAN;
    double pc = pp->p0 * pow(pp->capacity / pp->base[t], 1 / pp->elasticity);
    return clampd(pc, lo, hi, has_cap);
}

gpuarb_status ga_mk_price_path(gpuarb_ctx *ctx, const ga_mk_price_problem *pp, double *out)
{
    int32_t H = pp->H;
    if (!(pp->step > 0)) {
        for (int32_t t = 0; t < H; t++) {
            out[t] = ga_mk_period_price(pp, t);
            if (isnan(out[t]))
                return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL,
                                "demand with elasticity %.4g (above -1) earns more at every "
                                "higher price: give a competitor cap (undercut_pct) or a "
                                "max_step_pct",
                                pp->elasticity);
        }
        return GPUARB_OK;
    }
    /* Grid: price a0 (1 + s)^(j / K), j in [jmin, jmax], a0 the price
     * before period 0; one step moves j by at most K. */
    const int32_t K = GA_MK_STEP_GRID;
    const double a0 = pp->start > 0 ? pp->start : pp->p0;
    double d = log1p(pp->step) / K;
    int has_cap = pp->cap >= 0;
    double lo = pp->floor, hi = has_cap ? (pp->cap < lo ? lo : pp->cap) : 0;
    /* band in grid units, rounded inward (a bound between two points keeps
     * the point inside it) */
    double jl = lo > 0 ? ceil(log(lo / a0) / d - 1e-9) : -INFINITY;
    double jh = has_cap ? floor(log(hi / a0) / d + 1e-9) : INFINITY;
    if (jl > jh) /* the band falls between two grid points: take the floor's */
        jh = jl;
    double reach = (double)K * H;
    double jmin = fmax(fmin(jl, 0), -reach), jmax = fmin(fmax(jh, 0), reach);
    if (jmax - jmin > 4e6)
        return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL,
                        "the price grid would have %.0f points; raise max_step_pct",
                        jmax - jmin + 1);
    size_t G = (size_t)(jmax - jmin) + 1;
    double *V = ga_mallocarray(G, sizeof *V), *W = ga_mallocarray(G, sizeof *W);
    int32_t *from = ga_mallocarray(G * (size_t)H, sizeof *from);
    if (!V || !W || !from) {
        free(V);
        free(W);
        free(from);
        return ga_nomem(ctx);
    }
    int64_t j0 = (int64_t)-jmin; /* index of a0 */
    for (size_t g = 0; g < G; g++)
        V[g] = (int64_t)g == j0 ? 0 : -INFINITY;
    for (int32_t t = 0; t < H; t++) {
        /* allowed at t: the band, widened by the full-speed path from p0 */
        double a = jl, b = jh, path_lo = -(double)K * (t + 1), path_hi = (double)K * (t + 1);
        if (0 > jh) /* p0 above the band: come down no slower than full speed */
            b = fmax(jh, path_lo);
        if (0 < jl)
            a = fmin(jl, path_hi);
        for (size_t g = 0; g < G; g++) {
            double j = jmin + (double)g;
            W[g] = -INFINITY;
            from[(size_t)t * G + g] = -1;
            if (j < a || j > b)
                continue;
            /* best predecessor within K, ties to the one nearest this point */
            size_t g0 = g >= (size_t)K ? g - (size_t)K : 0, g1 = g + (size_t)K < G ? g + K : G - 1;
            double best = -INFINITY;
            int64_t arg = -1;
            for (size_t h = g0; h <= g1; h++) {
                if (V[h] == -INFINITY)
                    continue;
                if (V[h] > best ||
                    (V[h] == best && llabs((int64_t)h - (int64_t)g) <
                                         llabs(arg - (int64_t)g))) {
                    best = V[h];
                    arg = (int64_t)h;
                }
            }
            if (arg < 0)
                continue;
            W[g] = best + ga_mk_revenue(pp, t, a0 * exp(d * j), NULL);
            from[(size_t)t * G + g] = (int32_t)arg;
        }
        double *tmp = V;
        V = W;
        W = tmp;
    }
    /* the best end, ties to the price nearest today's */
    int64_t arg = -1;
    for (size_t g = 0; g < G; g++)
        if (V[g] != -INFINITY &&
            (arg < 0 || V[g] > V[arg] ||
             (V[g] == V[arg] && llabs((int64_t)g - j0) < llabs(arg - j0))))
            arg = (int64_t)g;
    gpuarb_status st = GPUARB_OK;
    if (arg < 0) {
        st = ga_error(ctx, GPUARB_ERR_INTERNAL, NULL, 0, 0, NULL,
                      "market: no price path within the step bound");
    } else {
        for (int32_t t = H - 1; t >= 0; t--) {
            out[t] = a0 * exp(d * (jmin + (double)arg));
            arg = from[(size_t)t * G + (size_t)arg];
        }
    }
    free(V);
    free(W);
    free(from);
    return st;
}

int ga_mk_fit_elasticity(const double *q, const double *p, size_t n, int32_t season,
                         double capacity, double *e, size_t *used)
{
    size_t S = season > 1 ? (size_t)season : 1;
    /* Frisch-Waugh: with one intercept per season position the slope is
     * the plain least-squares slope of the within-position deviations. */
    double mx[1024] = {0}, my[1024] = {0}, cnt[1024] = {0};
    if (S > 1024)
        S = 1;
    size_t m = 0;
    for (size_t t = 0; t < n; t++) {
        if (!(q[t] > 0 && p[t] > 0 && q[t] < capacity))
            continue;
        size_t k = t % S;
        mx[k] += log(p[t]);
        my[k] += log(q[t]);
        cnt[k] += 1;
        m++;
    }
    for (size_t k = 0; k < S; k++)
        if (cnt[k] > 0) {
            mx[k] /= cnt[k];
            my[k] /= cnt[k];
        }
    double sxx = 0, sxy = 0;
    for (size_t t = 0; t < n; t++) {
        if (!(q[t] > 0 && p[t] > 0 && q[t] < capacity))
            continue;
        size_t k = t % S;
        double x = log(p[t]) - mx[k], y = log(q[t]) - my[k];
        sxx += x * x;
        sxy += x * y;
    }
    if (used)
        *used = m;
    if (!(sxx > 1e-12 * (double)(m ? m : 1)))
        return 0;
    *e = sxy / sxx;
    return 1;
}
