/*
 * sources.c - where a catalog's prices come from and how old they are: one
 * record per (provider, source) with the date of the prices, carried by
 * every catalog from its loader (a native CSV's "# date:" and "# source:"
 * comment lines, a SkyPilot file's path, the built-in snapshot's upstream
 * commits) through select, merge and append to the plan (SPEC section 3,
 * catalog.sources), and the calendar arithmetic the 180-day warning needs.
 * Wraps no dependency; no state.  Dates are proleptic Gregorian
 * "YYYY-MM-DD"; anything else is "unknown" (-1), never guessed.
 * Statuses: GPUARB_OK, GPUARB_ERR_NOMEM, GPUARB_ERR_ARG (public getters).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/catalog.h"

static int same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

gpuarb_status ga_catalog_add_source(gpuarb_ctx *ctx, gpuarb_catalog *cat, const char *provider,
                                    const char *source, const char *date)
{
    if (date && ga_date_days(date) < 0)
        date = NULL;
    for (size_t i = 0; i < cat->n_src; i++)
        if (strcmp(cat->src[i].provider, provider) == 0 && same(cat->src[i].source, source))
            return GPUARB_OK;
    if (ga_grow((void **)&cat->src, &cat->cap_src, cat->n_src + 1, sizeof *cat->src))
        return ga_nomem(ctx);
    ga_catsrc c = {ga_strdup(provider), ga_strdup(source ? source : ""),
                   date ? ga_strdup(date) : NULL};
    if (!c.provider || !c.source || (date && !c.date)) {
        free(c.provider);
        free(c.source);
        free(c.date);
        return ga_nomem(ctx);
    }
    cat->src[cat->n_src++] = c;
    return GPUARB_OK;
}

static int holds_provider(const gpuarb_catalog *cat, const char *provider)
{
    for (size_t i = 0; i < cat->n; i++)
        if (strcmp(cat->v[i].provider, provider) == 0)
            return 1;
    return 0;
}

gpuarb_status ga_catalog_copy_sources(gpuarb_ctx *ctx, gpuarb_catalog *dst,
                                      const gpuarb_catalog *src, int all)
{
    size_t n = src->n_src; /* dst == src: each once */
    for (size_t i = 0; i < n; i++) {
        ga_catsrc c = src->src[i];
        if (!all && !holds_provider(dst, c.provider))
            continue;
        gpuarb_status st = ga_catalog_add_source(ctx, dst, c.provider, c.source, c.date);
        if (st)
            return st;
    }
    return GPUARB_OK;
}

const ga_catsrc *ga_catalog_source_of(const gpuarb_catalog *cat, const char *provider)
{
    for (size_t i = 0; cat && i < cat->n_src; i++)
        if (strcmp(cat->src[i].provider, provider) == 0)
            return &cat->src[i];
    return NULL;
}

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t ga_date_days(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int64_t m = (s[5] - '0') * 10 + (s[6] - '0');
    int64_t d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return -1;
    return days_from_civil(y, m, d);
}

int64_t ga_ctx_today(const gpuarb_ctx *ctx)
{
    if (ctx && ctx->today_days > 0)
        return ctx->today_days;
    time_t now = time(NULL);
    return now < 0 ? -1 : (int64_t)(now / 86400);
}

gpuarb_status gpuarb_ctx_set_today(gpuarb_ctx *ctx, const char *date)
{
    if (!ctx)
        return GPUARB_ERR_ARG;
    if (!date || !date[0]) {
        ctx->today_days = 0;
        return GPUARB_OK;
    }
    int64_t d = ga_date_days(date);
    if (d <= 0)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "today must be a date YYYY-MM-DD, got '%.32s'", date);
    ctx->today_days = d;
    return GPUARB_OK;
}

size_t gpuarb_catalog_source_count(const gpuarb_catalog *cat)
{
    return cat ? cat->n_src : 0;
}

gpuarb_status gpuarb_catalog_source(const gpuarb_catalog *cat, size_t i, const char **provider,
                                    const char **source, const char **date)
{
    if (!cat || i >= cat->n_src)
        return GPUARB_ERR_ARG;
    if (provider)
        *provider = cat->src[i].provider;
    if (source)
        *source = cat->src[i].source;
    if (date)
        *date = cat->src[i].date;
    return GPUARB_OK;
}

void ga_catalog_free_sources(gpuarb_catalog *cat)
{
    for (size_t i = 0; i < cat->n_src; i++) {
        free(cat->src[i].provider);
        free(cat->src[i].source);
        free(cat->src[i].date);
    }
    free(cat->src);
    cat->src = NULL;
    cat->n_src = cat->cap_src = 0;
}
