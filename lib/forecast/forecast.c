/*
 * forecast.c - the forecasting methods behind ga_fc_predict and the public
 * gpuarb_forecast API (see forecast.h): seasonal naive, additive
 * Holt-Winters, a least-squares seasonal autoregression, and the
 * rolling-origin backtest that chooses among them.
 *
 * Invariants: every method reads only the window it is handed (the past);
 * nothing here keeps state between calls; the one allocation per call is a
 * scratch block (the Holt-Winters seasonal states, the regression's design
 * matrix), so a failure is reported as -1 / GPUARB_ERR_NOMEM and never
 * half-done.  Least squares goes through numeric/linalg.h (LAPACK dgelsd).
 * Results depend only on the input: the grid and the lags are fixed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "forecast/forecast.h"
#include "numeric/linalg.h"

const char *ga_fc_method_name(int method)
{
    switch (method) {
    case GA_FC_SNAIVE: return "seasonal_naive";
    case GA_FC_HOLT_WINTERS: return "holt_winters";
    case GA_FC_SAR: return "seasonal_ar";
    case GA_FC_COMBINED: return "combined";
    default: return "unknown";
    }
}

size_t ga_fc_window(int32_t season)
{
    size_t w = (size_t)(season > 1 ? season : 1) * GA_FC_WINDOW_SEASONS;
    return w < GA_FC_MIN_WINDOW ? GA_FC_MIN_WINDOW : w;
}

/* ---- seasonal naive ---------------------------------------------------- */

static void snaive(const double *y, size_t n, int32_t season, int32_t horizon, double *out)
{
    size_t s = season > 0 && (size_t)season <= n ? (size_t)season : 1;
    for (int32_t h = 0; h < horizon; h++)
        out[h] = y[n - s + (size_t)h % s];
}

/* ---- Holt-Winters, additive seasonality -------------------------------- */

typedef struct hw_par {
    double alpha, beta, gamma, phi;
} hw_par;

/* One pass: the in-sample one-step squared error from the first step after
 * the initialisation; with out != NULL, also the forecasts from the end.
 * s holds S seasonal states (S = 0: no season).  Returns the SSE. */
static double hw_run(const double *y, size_t n, size_t S, const hw_par *p, double *s,
                     int32_t horizon, double *out)
{
    double l, b;
    size_t t0;
    if (S > 0) {
        double m1 = 0, m2 = 0;
        for (size_t i = 0; i < S; i++) {
            m1 += y[i];
            m2 += y[S + i];
        }
        m1 /= (double)S;
        m2 /= (double)S;
        b = (m2 - m1) / (double)S;
        /* the level at step S - 1 and each step's deviation from the line */
        l = m1 + b * ((double)S - 1) / 2;
        for (size_t i = 0; i < S; i++)
            s[i] = y[i] - (m1 + b * ((double)i - ((double)S - 1) / 2));
        t0 = S;
    } else {
        l = y[1];
        b = y[1] - y[0];
        t0 = 2;
    }
    double sse = 0;
    for (size_t t = t0; t < n; t++) {
        double st = S > 0 ? s[t % S] : 0;
        double e = y[t] - (l + p->phi * b + st);
        sse += e * e;
        double nl = p->alpha * (y[t] - st) + (1 - p->alpha) * (l + p->phi * b);
        b = p->beta * (nl - l) + (1 - p->beta) * p->phi * b;
        l = nl;
        if (S > 0)
            s[t % S] = p->gamma * (y[t] - l) + (1 - p->gamma) * st;
    }
    if (out) {
        double damp = 0, f = 1;
        for (int32_t h = 1; h <= horizon; h++) {
            f *= p->phi;
            damp += f;
            out[h - 1] = l + damp * b + (S > 0 ? s[(n - 1 + (size_t)h) % S] : 0);
        }
    }
    return sse;
}

static int holt_winters(const double *y, size_t n, int32_t season, int32_t horizon, double *out)
{
    static const double alphas[] = {0.2, 0.5, 0.8, 1.0};
    static const double betas[] = {0.0, 0.1};
    static const double gammas[] = {0.1, 0.3};
    static const double phis[] = {1.0, 0.9}; /* undamped first: it wins ties */
    size_t S = season > 1 ? (size_t)season : 0;
    if (S > 0 ? n < 2 * S + 1 : n < 3)
        return 0;
    double *s = ga_mallocarray(S > 0 ? S : 1, sizeof *s);
    if (!s)
        return -1;
    hw_par best = {1, 0, 0, 1};
    double best_sse = INFINITY;
    for (size_t ia = 0; ia < sizeof alphas / sizeof *alphas; ia++)
        for (size_t ib = 0; ib < sizeof betas / sizeof *betas; ib++)
            for (size_t ig = 0; ig < (S > 0 ? sizeof gammas / sizeof *gammas : 1); ig++)
                for (size_t ip = 0; ip < sizeof phis / sizeof *phis; ip++) {
                    hw_par p = {alphas[ia], betas[ib], gammas[ig], phis[ip]};
                    double sse = hw_run(y, n, S, &p, s, 0, NULL);
                    if (sse < best_sse) {
                        best_sse = sse;
                        best = p;
                    }
                }
    hw_run(y, n, S, &best, s, horizon, out);
    free(s);
    return 1;
}

/* ---- seasonal autoregression by least squares -------------------------- */

#define SAR_MAXLAGS 5

static size_t sar_lags(int32_t season, size_t *lag)
{
    size_t k = 0;
    lag[k++] = 1;
    lag[k++] = 2;
    if (season > 2) {
        size_t S = (size_t)season;
        lag[k++] = S;
        lag[k++] = S + 1;
        lag[k++] = 2 * S;
    }
    return k;
}

static int seasonal_ar(const double *y, size_t n, int32_t season, int32_t horizon, double *out)
{
    size_t lag[SAR_MAXLAGS], nl = sar_lags(season, lag);
    /* drop the longest lags while the window is too short for them: at
     * least three rows per coefficient */
    while (nl > 0 && (n <= lag[nl - 1] || n - lag[nl - 1] < 3 * (nl + 1)))
        nl--;
    if (nl == 0)
        return 0;
    size_t maxlag = lag[nl - 1], p = nl + 1, m = n - maxlag;
    /* work in units of the series' mean magnitude so the intercept and the
     * lag coefficients are on one scale */
    double scale = 0, ymax = 0;
    for (size_t i = 0; i < n; i++) {
        scale += fabs(y[i]);
        if (fabs(y[i]) > ymax)
            ymax = fabs(y[i]);
    }
    scale = scale > 0 ? scale / (double)n : 1;
    size_t brows = m > p ? m : p;
    double *a = ga_mallocarray(m * p + brows + maxlag + (size_t)horizon, sizeof *a);
    if (!a)
        return -1;
    double *b = a + m * p, *hist = b + brows;
    for (size_t r = 0; r < m; r++) {
        size_t t = maxlag + r;
        a[r * p] = 1;
        for (size_t j = 0; j < nl; j++)
            a[r * p + 1 + j] = y[t - lag[j]] / scale;
        b[r] = y[t] / scale;
    }
    size_t rank = 0;
    /* singular values below 1e-9 of the largest are noise: an exactly
     * seasonal series makes the lags collinear, and the minimum-norm fit
     * among the exact ones is the one to iterate */
    ga_la_status st = ga_lstsq(m, p, 1, a, p, b, 1, 1e-9, &rank);
    int ok = 0;
    if (st == GA_LA_ERR_NOMEM) {
        free(a);
        return -1;
    }
    if (st == GA_LA_OK) {
        /* hist[0..maxlag) is the tail of the window, then the forecasts */
        for (size_t i = 0; i < maxlag; i++)
            hist[i] = y[n - maxlag + i] / scale;
        ok = 1;
        for (int32_t h = 0; h < horizon; h++) {
            size_t t = maxlag + (size_t)h;
            double v = b[0];
            for (size_t j = 0; j < nl; j++)
                v += b[1 + j] * hist[t - lag[j]];
            hist[t] = v;
            out[h] = v * scale;
            /* an explosive fit is unusable, not a forecast */
            if (!isfinite(out[h]) || fabs(out[h]) > 10 * (ymax + 1))
                ok = 0;
        }
    }
    free(a);
    return ok;
}

/* The mean of Holt-Winters and the autoregression (either alone when the
 * other does not apply): combining forecasts whose errors are not fully
 * correlated lowers the error of both on average (Bates and Granger 1969). */
static int combined(const double *y, size_t n, int32_t season, int32_t horizon, double *out)
{
    double *g = ga_mallocarray((size_t)horizon, sizeof *g);
    if (!g)
        return -1;
    int a = holt_winters(y, n, season, horizon, out), b = a < 0 ? -1 : seasonal_ar(y, n, season, horizon, g);
    if (a >= 0 && b == 1) {
        for (int32_t h = 0; h < horizon; h++)
            out[h] = a == 1 ? (out[h] + g[h]) / 2 : g[h];
        a = 1;
    }
    free(g);
    return b < 0 ? -1 : a;
}

int ga_fc_method_forecast(int method, const double *y, size_t n, int32_t season,
                          int32_t horizon, double *out)
{
    int r;
    switch (method) {
    case GA_FC_SNAIVE:
        snaive(y, n, season, horizon, out);
        return 1;
    case GA_FC_HOLT_WINTERS: r = holt_winters(y, n, season, horizon, out); break;
    case GA_FC_SAR: r = seasonal_ar(y, n, season, horizon, out); break;
    case GA_FC_COMBINED: r = combined(y, n, season, horizon, out); break;
    default: return 0;
    }
    if (r == 1)
        for (int32_t h = 0; h < horizon; h++)
            if (!isfinite(out[h]))
                return 0;
    return r;
}

/* ---- the backtest and the choice --------------------------------------- */

int ga_fc_backtest_all(const double *y, size_t n, int32_t season, int32_t horizon,
                       int32_t origins, double *mape, int *have_mape, double *mae)
{
    size_t H = (size_t)horizon, W = ga_fc_window(season);
    double *f = ga_mallocarray(H * GA_FC_NMETHODS, sizeof *f);
    if (!f)
        return -1;
    double ape[GA_FC_NMETHODS] = {0}, ae[GA_FC_NMETHODS] = {0};
    size_t nape = 0, nae = 0;
    for (int32_t k = 0; k < origins; k++) {
        if (n < H * (size_t)(k + 1) + 1)
            break;
        size_t o = n - H * (size_t)(k + 1), lo = o > W ? o - W : 0;
        double *fs = f, *fh = f + H, *fa = f + 2 * H, *fc = f + 3 * H;
        snaive(y + lo, o - lo, season, horizon, fs);
        int a = holt_winters(y + lo, o - lo, season, horizon, fh);
        int b = a < 0 ? -1 : seasonal_ar(y + lo, o - lo, season, horizon, fa);
        if (a < 0 || b < 0) {
            free(f);
            return -1;
        }
        /* a method that does not apply at an origin counts as seasonal naive */
        for (size_t h = 0; h < H; h++) {
            if (a != 1 || !isfinite(fh[h]))
                fh[h] = fs[h];
            if (b != 1 || !isfinite(fa[h]))
                fa[h] = fs[h];
        }
        for (size_t h = 0; h < H; h++)
            fc[h] = a == 1 && b == 1 ? (fh[h] + fa[h]) / 2 : a == 1 ? fh[h] : fa[h];
        for (size_t h = 0; h < H; h++) {
            double act = y[o + h];
            for (int m = 0; m < GA_FC_NMETHODS; m++) {
                double e = fabs(f[(size_t)m * H + h] - act);
                ae[m] += e;
                if (act != 0)
                    ape[m] += e / fabs(act);
            }
            nae++;
            nape += act != 0;
        }
    }
    free(f);
    for (int m = 0; m < GA_FC_NMETHODS; m++) {
        have_mape[m] = nape > 0;
        mape[m] = nape > 0 ? 100 * ape[m] / (double)nape : 0;
        mae[m] = nae > 0 ? ae[m] / (double)nae : 0;
    }
    return nae > 0;
}

gpuarb_status ga_fc_predict_method(gpuarb_ctx *ctx, const double *y, size_t n, int32_t season,
                                   int32_t horizon, double *out, int *method)
{
    if (!y || !out || n < 1 || horizon < 1 || season < 0)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "forecast: need a series of at least one value, a horizon of at least "
                        "one step and a season of 0 or more steps");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                            "forecast: value %zu of the series is not a finite number", i);
    /* the bounded past: the fitting window plus the backtest's origins */
    size_t W = ga_fc_window(season);
    size_t keep = W + (size_t)horizon * GA_FC_PREDICT_ORIGINS;
    if (n > keep) {
        y += n - keep;
        n = keep;
    }
    /* The combination is the default: it is the most robust on average,
     * and a backtest of a few origins is too noisy to overrule it on a
     * small difference.  Another method replaces it only when its
     * backtest error (MAPE, or MAE when the actuals are all 0) is lower by
     * GA_FC_SWITCH_MARGIN. */
    double mape[GA_FC_NMETHODS], mae[GA_FC_NMETHODS];
    int have[GA_FC_NMETHODS];
    int best = GA_FC_COMBINED;
    int r = ga_fc_backtest_all(y, n, season, horizon, GA_FC_PREDICT_ORIGINS, mape, have, mae);
    if (r < 0)
        return ga_nomem(ctx);
    if (r == 0) {
        best = GA_FC_SNAIVE; /* too short to compare */
    } else {
        const double *err = have[0] ? mape : mae;
        double best_err = err[GA_FC_COMBINED] * (1 - GA_FC_SWITCH_MARGIN);
        for (int m = 0; m < GA_FC_COMBINED; m++)
            if (err[m] < best_err) {
                best_err = err[m];
                best = m;
            }
    }
    size_t lo = n > W ? n - W : 0;
    r = ga_fc_method_forecast(best, y + lo, n - lo, season, horizon, out);
    if (r < 0)
        return ga_nomem(ctx);
    if (r == 0) {
        best = GA_FC_SNAIVE;
        snaive(y + lo, n - lo, season, horizon, out);
    }
    if (method)
        *method = best;
    return GPUARB_OK;
}

gpuarb_status ga_fc_predict(gpuarb_ctx *ctx, const double *y, size_t n, int32_t season,
                            int32_t horizon, double *out)
{
    return ga_fc_predict_method(ctx, y, n, season, horizon, out, NULL);
}
