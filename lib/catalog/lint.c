/*
 * lint.c - `gpuarb catalog check`: the price anomalies a user should see
 * before trusting a catalog (issue 7).  Five checks, each independent of
 * the others:
 *   outlier      an instance type's on-demand price above 1.8x the median of
 *                its prices across the provider's regions (and zones);
 *   spot_above   a spot price above the on-demand price of the same offer;
 *   gpu_only     a GPU-only price: an instance type named ACCELxCOUNT, the
 *                name the SkyPilot importer once gave GCP's N1-attached GPUs
 *                priced without their VM;
 *   duplicate    two offers with the same provider, region, zone, instance
 *                type and GPU (same prices: a copy; different prices: a
 *                conflict, only one can be right);
 *   part_gpu     an instance type that sells part of a GPU as a whole one
 *                (Azure NVv4: 1/8, 1/4, 1/2 of an MI25).
 * The report is JSON through io/writer.h or a table.  Reads the catalog
 * only.  Statuses: GPUARB_OK, GPUARB_ERR_ARG, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/gpumodel.h"
#include "io/writer.h"

#define OUTLIER_RATIO 1.8

enum { K_OUTLIER, K_SPOT_ABOVE, K_GPU_ONLY, K_DUPLICATE, K_PART_GPU, K_N };
static const char *const KIND[K_N] = {"outlier", "spot_above", "gpu_only", "duplicate",
                                      "part_gpu"};

typedef struct finding {
    int32_t kind;
    size_t offer;
    char *message;
} finding;

typedef struct lint {
    finding *v;
    size_t n, cap;
    int oom;
} lint;

static void add(lint *l, int32_t kind, size_t offer, const char *fmt, ...) GA_PRINTF(4, 5);

static void add(lint *l, int32_t kind, size_t offer, const char *fmt, ...)
{
    if (l->oom)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    ga_vsnprintf_c(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *m = ga_strdup(buf);
    if (!m || ga_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v)) {
        free(m);
        l->oom = 1;
        return;
    }
    l->v[l->n++] = (finding){kind, offer, m};
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* outlier: for each (provider, instance type), the median of its on-demand
 * prices over all its offers (every region and zone). */
static void check_outliers(const gpuarb_catalog *cat, lint *l)
{
    double *prices = ga_calloc(cat->n ? cat->n : 1, sizeof *prices);
    unsigned char *done = ga_calloc(cat->n ? cat->n : 1, 1);
    if (!prices || !done) {
        l->oom = 1;
        free(prices);
        free(done);
        return;
    }
    for (size_t i = 0; i < cat->n; i++) {
        const ga_offer *a = &cat->v[i];
        if (done[i] || a->price < 0)
            continue;
        size_t n = 0;
        for (size_t j = i; j < cat->n; j++) {
            const ga_offer *b = &cat->v[j];
            if (b->price >= 0 && strcmp(a->provider, b->provider) == 0 &&
                strcmp(a->instance_type, b->instance_type) == 0 && a->gpu == b->gpu &&
                a->gpu_count == b->gpu_count) {
                prices[n++] = b->price;
                done[j] = 1;
            }
        }
        if (n < 3) /* a median of two says nothing about which is odd */
            continue;
        qsort(prices, n, sizeof *prices, cmp_double);
        double med = n % 2 ? prices[n / 2] : (prices[n / 2 - 1] + prices[n / 2]) / 2;
        for (size_t j = i; j < cat->n; j++) {
            const ga_offer *b = &cat->v[j];
            if (b->price >= 0 && strcmp(a->provider, b->provider) == 0 &&
                strcmp(a->instance_type, b->instance_type) == 0 && a->gpu == b->gpu &&
                a->gpu_count == b->gpu_count && b->price > OUTLIER_RATIO * med)
                add(l, K_OUTLIER, j,
                    "on-demand $%.4g/h is %.2fx the median $%.4g/h of %s over its %zu offers",
                    b->price, b->price / med, med, b->instance_type, n);
        }
    }
    free(prices);
    free(done);
}

/* gpu_only: "T4x1", "V100x8": a GPU model name, 'x', the GPU count, and no
 * vCPUs (Paperspace names whole machines "H100x8" and gives their vCPUs). */
static int gpu_only_name(const ga_offer *o)
{
    if (o->vcpus >= 0)
        return 0;
    const char *x = strrchr(o->instance_type, 'x');
    if (!x || x == o->instance_type || !x[1])
        return 0;
    char *end;
    long count = strtol(x + 1, &end, 10);
    if (*end || count != o->gpu_count)
        return 0;
    char name[64];
    size_t n = (size_t)(x - o->instance_type);
    if (n >= sizeof name)
        return 0;
    memcpy(name, o->instance_type, n);
    name[n] = '\0';
    return ga_gpumodel_find(name) == o->gpu;
}

static int same_place(const ga_offer *a, const ga_offer *b)
{
    return strcmp(a->provider, b->provider) == 0 && strcmp(a->region, b->region) == 0 &&
           strcmp(a->zone, b->zone) == 0 && strcmp(a->instance_type, b->instance_type) == 0 &&
           a->gpu == b->gpu && a->gpu_count == b->gpu_count;
}

static void check_offers(const gpuarb_catalog *cat, lint *l)
{
    for (size_t i = 0; i < cat->n && !l->oom; i++) {
        const ga_offer *o = &cat->v[i];
        if (o->spot >= 0 && o->price >= 0 && o->spot > o->price)
            add(l, K_SPOT_ABOVE, i, "spot $%.4g/h is above on-demand $%.4g/h", o->spot,
                o->price);
        if (gpu_only_name(o))
            add(l, K_GPU_ONLY, i, "%s looks like a GPU-only price (no VM): %d x %s without "
                "the host it attaches to", o->instance_type, (int)o->gpu_count,
                ga_gpumodel_at(o->gpu)->name);
        double share = ga_part_gpu_share(o->instance_type);
        if (share < 1)
            add(l, K_PART_GPU, i, "%s sells %g of a GPU but is listed as %d whole GPU(s)",
                o->instance_type, share, (int)o->gpu_count);
        for (size_t j = 0; j < i; j++) {
            const ga_offer *p = &cat->v[j];
            if (!same_place(o, p))
                continue;
            if (o->price == p->price && o->spot == p->spot)
                add(l, K_DUPLICATE, i, "a copy of the offer on line %d", (int)p->line);
            else
                add(l, K_DUPLICATE, i, "the same offer as line %d at other prices "
                    "($%.4g/%.4g vs $%.4g/%.4g on-demand/spot; -1 = none)", (int)p->line,
                    o->price, o->spot, p->price, p->spot);
            break;
        }
    }
}

static int cmp_finding(const void *a, const void *b)
{
    const finding *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->offer < y->offer ? -1 : x->offer > y->offer;
}

static void lint_free(lint *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].message);
    free(l->v);
}

gpuarb_status gpuarb_catalog_check(gpuarb_ctx *ctx, const gpuarb_catalog *cat, int32_t format,
                                   char **out, int32_t *findings)
{
    if (!cat || !out || (format != GPUARB_CHECK_JSON && format != GPUARB_CHECK_TABLE))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "gpuarb_catalog_check: NULL argument or unknown format");
    *out = NULL;
    lint l;
    memset(&l, 0, sizeof l);
    check_outliers(cat, &l);
    check_offers(cat, &l);
    if (l.oom) {
        lint_free(&l);
        return ga_nomem(ctx);
    }
    if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, cmp_finding);
    size_t count[K_N] = {0};
    for (size_t i = 0; i < l.n; i++)
        count[l.v[i].kind]++;
    gpuarb_status st;
    if (format == GPUARB_CHECK_JSON) {
        ga_writer w;
        ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
        ga_w_obj_begin(&w);
        ga_w_kv_int(&w, "offers", (int64_t)cat->n);
        ga_w_key(&w, "counts");
        ga_w_obj_begin(&w);
        for (int k = 0; k < K_N; k++)
            ga_w_kv_int(&w, KIND[k], (int64_t)count[k]);
        ga_w_obj_end(&w);
        ga_w_key(&w, "findings");
        ga_w_arr_open(&w, GA_W_LINES);
        for (size_t i = 0; i < l.n; i++) {
            const ga_offer *o = &cat->v[l.v[i].offer];
            ga_w_obj_begin(&w);
            ga_w_kv_str(&w, "check", KIND[l.v[i].kind]);
            ga_w_kv_str(&w, "provider", o->provider);
            ga_w_kv_str(&w, "region", o->region);
            ga_w_kv_str(&w, "zone", o->zone);
            ga_w_kv_str(&w, "instance_type", o->instance_type);
            ga_w_kv_str(&w, "gpu", ga_gpumodel_at(o->gpu)->name);
            ga_w_key(&w, "line");
            ga_w_int_or_null(&w, o->line > 0, o->line);
            ga_w_kv_str(&w, "message", l.v[i].message);
            ga_w_obj_end(&w);
        }
        ga_w_arr_end(&w);
        ga_w_obj_end(&w);
        st = ga_w_finish(&w, ctx, out);
    } else {
        ga_strbuf b;
        ga_sb_init(&b);
        ga_sb_printf(&b, "%zu offers checked: %zu findings", cat->n, l.n);
        for (int k = 0; k < K_N; k++)
            ga_sb_printf(&b, "%s%s %zu", k ? ", " : " (", KIND[k], count[k]);
        ga_sb_puts(&b, ")\n");
        if (l.n)
            ga_sb_printf(&b, "\n%-10s  %-10s  %-28s  %-28s  %s\n", "CHECK", "PROVIDER",
                         "REGION/ZONE", "INSTANCE", "WHAT");
        for (size_t i = 0; i < l.n; i++) {
            const ga_offer *o = &cat->v[l.v[i].offer];
            char place[160];
            snprintf(place, sizeof place, "%s%s%s", o->region, o->zone[0] ? "/" : "", o->zone);
            ga_sb_printf(&b, "%-10s  %-10.10s  %-28.28s  %-28.28s  %s\n", KIND[l.v[i].kind],
                         o->provider, place, o->instance_type, l.v[i].message);
        }
        *out = ga_sb_take(&b);
        st = *out ? GPUARB_OK : ga_nomem(ctx);
    }
    if (findings)
        *findings = (int32_t)GA_MIN(l.n, (size_t)INT32_MAX);
    lint_free(&l);
    return st;
}
