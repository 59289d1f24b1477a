/*
 * bench_market.c - dynamic pricing on a held-out demand series: hourly GPU
 * demand of the Alibaba openb cluster (GPUs held by running pods at the
 * start of each hour, num_gpu x gpu_milli / 1000, from
 * $GPUARB_SHARED/alibaba_gpu_v2023_openb/openb_pod_list_default.csv, as
 * bench_forecast derives it), read as the demand of a seller's fleet at
 * today's price.  For each of the last DAYS days, the prices of the next
 * 24 hours are set from the past only (ga_fc_predict's forecast, then the
 * price path of lib/market/price.c) and scored on the day that happened:
 * revenue = sum of price x min(capacity, actual (price / p0)^e).  Beside it:
 * keeping today's price p0, the best single fixed price chosen on the
 * two weeks before them, and the same pricing with a perfect forecast (an upper
 * bound of what the forecast can give).  openb carries no prices, so the
 * elasticity is an assumption (printed), not a fit.  Skips, saying so,
 * without the shared data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_SEED 13
#include "bench.h"
#include "openb_demand.h"
#include "forecast/forecast.h"
#include "market/market.h"
#include "gpuarb.h"

#define MAX_HOURS 4000
#define DAYS 21
#define SIZING_DAYS 14

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct score {
    double rev, served, full_hours;
} score;

static void add(score *s, const ga_mk_price_problem *actual, int32_t t, double p)
{
    double served;
    s->rev += ga_mk_revenue(actual, t, p, &served);
    s->served += served;
    s->full_hours += served >= actual->capacity - 1e-9;
}

int main(void)
{
    const char *dir = getenv("GPUARB_SHARED");
    static double y[MAX_HOURS], sorted[MAX_HOURS];
    size_t n = 0;
    if (!dir || openb_demand(dir, y, MAX_HOURS, &n) != 0) {
        printf("skipped: needs $GPUARB_SHARED/alibaba_gpu_v2023_openb (GPUARB_SHARED=%s)\n",
               dir ? dir : "(unset)");
        return 0;
    }
    gpuarb_ctx *ctx = NULL;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 1;
    /* whole days only, the last (cut by the trace's end) dropped */
    n = (n / 24 - 1) * 24;
    size_t test0 = n - DAYS * 24, s0 = test0 - SIZING_DAYS * 24;
    /* the fleet: sized at the 90th percentile of the demand of the two
     * weeks before the held-out days, as a seller would have sized it */
    memcpy(sorted, y + s0, (test0 - s0) * sizeof *y);
    qsort(sorted, test0 - s0, sizeof *sorted, dcmp);
    const double C = sorted[(size_t)(0.9 * (double)(test0 - s0))];
    const double p0 = 2.0, cost = 1.0, margin = 0.10, competitor = 2.4, undercut = 0.05;
    static const double es[] = {-0.8, -1.5, -2.5};
    printf("openb hourly GPU demand, %zu whole hours; last %d days held out, priced a day\n"
           "at a time from the past only, each day's prices starting from the day\n"
           "before's.  Fleet %.1f GPUs (90th percentile of the %d days before); demand\n"
           "is the series at %.2f $/GPU-h, floor %.2f (cost %.2f + %.0f %%), cap %.2f (%.0f %% under a\n"
           "competitor at %.2f), step <= 10 %%/h.  Elasticity assumed (openb has no prices).\n\n",
           n, DAYS, C, SIZING_DAYS, p0, cost * (1 + margin), cost, 100 * margin,
           competitor * (1 - undercut), 100 * undercut, competitor);
    printf("%6s  %-24s %12s %9s %8s %10s\n", "e", "pricing", "revenue $", "vs fixed", "util %",
           "full hours");
    for (size_t ie = 0; ie < sizeof es / sizeof es[0]; ie++) {
        double e = es[ie];
        /* the best single price on the sizing days before, by a fine search */
        double best_p = p0, best_r = -1;
        for (int i = 0; i <= 1000; i++) {
            double p = cost * (1 + margin) + (competitor * (1 - undercut) - cost * (1 + margin)) *
                                                 i / 1000.0;
            ga_mk_price_problem tr = {y + s0, (int32_t)(test0 - s0), p0, e, C, 0, -1, 0};
            double r = 0;
            for (size_t t = 0; t < test0 - s0; t++)
                r += ga_mk_revenue(&tr, (int32_t)t, p, NULL);
            if (r > best_r) {
                best_r = r;
                best_p = p;
            }
        }
        score fixed = {0}, single = {0}, dyn = {0}, oracle = {0};
        double ms = 0, last = p0, olast = p0; /* each day starts from the day before's */
        for (size_t o = test0; o + 24 <= n; o += 24) {
            double f[24], path[24], opath[24];
            double t0 = now_ms();
            if (ga_fc_predict(ctx, y, o, 24, 24, f) != GPUARB_OK) {
                printf("error: %s\n", gpuarb_errmsg(ctx));
                return 1;
            }
            for (int h = 0; h < 24; h++)
                f[h] = f[h] > 0 ? f[h] : 0;
            ga_mk_price_problem pp = {f, 24, p0, e, C, cost * (1 + margin),
                                      competitor * (1 - undercut), 0.10, last};
            if (ga_mk_price_path(ctx, &pp, path) != GPUARB_OK)
                return 1;
            ms += now_ms() - t0;
            ga_mk_price_problem actual = pp;
            actual.base = y + o;
            actual.start = olast;
            if (ga_mk_price_path(ctx, &actual, opath) != GPUARB_OK)
                return 1;
            last = path[23];
            olast = opath[23];
            for (int32_t h = 0; h < 24; h++) {
                add(&fixed, &actual, h, p0);
                add(&single, &actual, h, best_p);
                add(&dyn, &actual, h, path[h]);
                add(&oracle, &actual, h, opath[h]);
            }
        }
        const struct {
            const char *name;
            const score *s;
        } rows[] = {{"fixed at today's", &fixed},
                    {"best fixed (sizing wks)", &single},
                    {"dynamic (forecast)", &dyn},
                    {"dynamic (perfect fcst)", &oracle}};
        for (size_t i = 0; i < 4; i++)
            printf("%6.1f  %-24s %12.0f %9.3f %8.1f %10.0f\n", e, rows[i].name, rows[i].s->rev,
                   rows[i].s->rev / fixed.rev, 100 * rows[i].s->served / (C * DAYS * 24),
                   rows[i].s->full_hours);
        printf("%6s  best fixed price %.3f; forecast + price path %.2f ms per day\n\n", "",
               best_p, ms / DAYS);
    }
    gpuarb_ctx_free(ctx);
    return 0;
}
