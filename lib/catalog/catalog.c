/*
 * catalog.c - offer catalogs: the native CSV of SPEC section 1, SkyPilot's
 * vms.csv, selection and sorting, and the CSV / JSON / table writers.
 *
 * Owns struct gpuarb_catalog (an array of ga_offer whose strings it owns).
 * Wraps no dependency: text comes through the typed table reader
 * lib/io/csvtable.c (on lib/io/csv.c), GPU names through the model table
 * (lib/catalog/gpumodel.c), JSON through the structured writer (io/writer.h).
 * Invariants of every offer in a catalog: provider, region, instance_type
 * non-empty and free of control characters, provider lower case; gpu a
 * valid model index; gpu_count >= 1; gpu_memory_gb > 0; prices, vcpus,
 * memory finite and >= 0 or exactly -1 (absent), at least one price present;
 * interruption rate finite >= 0; capacity >= 0 or -1 (unlimited).  Loaders
 * either return a whole catalog or nothing.  Errors: GPUARB_ERR_SYNTAX
 * (malformed CSV, ragged native rows), GPUARB_ERR_INPUT (a value: source,
 * line, column, and the column name as the key path), GPUARB_ERR_LIMIT,
 * GPUARB_ERR_IO, GPUARB_ERR_NOMEM, GPUARB_ERR_ARG (API misuse).
 * Numbers are read (csvtable.c) and written independently of the host's
 * locale (base/num.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "io/csvtable.h"
#include "io/limits.h"
#include "catalog/gpumodel.h"
#include "io/writer.h"

#define MAX_OFFERS GA_LIM_OFFERS
#define MAX_STR 256
#define MAX_GPU_COUNT GA_LIM_GPU_COUNT
#define GIB_TO_GB 1.073741824

/* ---------------------------------------------------------------------
 * The catalog object
 * --------------------------------------------------------------------- */

gpuarb_status ga_catalog_new(gpuarb_ctx *ctx, gpuarb_catalog **out)
{
    *out = ga_calloc(1, sizeof **out);
    return *out ? GPUARB_OK : ga_nomem(ctx);
}

static void offer_free(ga_offer *o)
{
    free(o->provider);
    free(o->region);
    free(o->zone);
    free(o->instance_type);
}

void gpuarb_catalog_free(gpuarb_catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->n; i++)
        offer_free(&cat->v[i]);
    free(cat->v);
    ga_catalog_free_sources(cat);
    free(cat);
}

gpuarb_status ga_catalog_push(gpuarb_ctx *ctx, gpuarb_catalog *cat, const ga_offer *o)
{
    if (cat->n >= MAX_OFFERS)
        return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL,
                        "a catalog holds at most %zu offers", MAX_OFFERS);
    if (ga_grow((void **)&cat->v, &cat->cap, cat->n + 1, sizeof *cat->v))
        return ga_nomem(ctx);
    ga_offer c = *o;
    c.provider = ga_strdup(o->provider ? o->provider : "");
    c.region = ga_strdup(o->region ? o->region : "");
    c.zone = ga_strdup(o->zone ? o->zone : "");
    c.instance_type = ga_strdup(o->instance_type ? o->instance_type : "");
    if (!c.provider || !c.region || !c.zone || !c.instance_type) {
        offer_free(&c);
        return ga_nomem(ctx);
    }
    cat->v[cat->n++] = c;
    return GPUARB_OK;
}

size_t gpuarb_catalog_count(const gpuarb_catalog *cat)
{
    return cat ? cat->n : 0;
}

gpuarb_status gpuarb_catalog_offer(const gpuarb_catalog *cat, size_t i, gpuarb_offer *out)
{
    if (!cat || !out || i >= cat->n)
        return GPUARB_ERR_ARG;
    const ga_offer *o = &cat->v[i];
    memset(out, 0, sizeof *out);
    out->provider = o->provider;
    out->region = o->region;
    out->zone = o->zone;
    out->instance_type = o->instance_type;
    out->gpu = ga_gpumodel_at(o->gpu)->name;
    out->gpu_count = o->gpu_count;
    out->source_line = o->line;
    out->gpu_memory_gb = o->gpu_memory_gb;
    out->vcpus = o->vcpus;
    out->memory_gb = o->memory_gb;
    out->price_hour = o->price;
    out->spot_price_hour = o->spot;
    out->interruption_rate = o->rate;
    out->capacity = o->capacity;
    return GPUARB_OK;
}

gpuarb_status gpuarb_catalog_append(gpuarb_ctx *ctx, gpuarb_catalog *dst,
                                    const gpuarb_catalog *src)
{
    if (!dst || !src)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "catalog is NULL");
    if (src->n > MAX_OFFERS - GA_MIN(dst->n, MAX_OFFERS)) /* before copying any */
        return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL,
                        "%zu + %zu offers; at most %zu are read (from all catalogs together)",
                        dst->n, src->n, MAX_OFFERS);
    size_t n = src->n; /* dst == src appends each offer once */
    for (size_t i = 0; i < n; i++) {
        ga_offer o = src->v[i]; /* copy: push may move src->v when dst == src */
        gpuarb_status st = ga_catalog_push(ctx, dst, &o);
        if (st != GPUARB_OK)
            return st;
    }
    return ga_catalog_copy_sources(ctx, dst, src, 1);
}

/* ---------------------------------------------------------------------
 * Field helpers shared by both loaders
 * --------------------------------------------------------------------- */

static int valid_provider(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return 0;
    }
    return 1;
}

static gpuarb_status unknown_gpu(const ga_tab *t, const ga_tab_field *f)
{
    char shown[64], near[128], name[MAX_STR + 1];
    size_t n = GA_MIN(f->n, (size_t)MAX_STR);
    memcpy(name, f->s, n);
    name[n] = '\0';
    ga_tab_quote(f, shown, sizeof shown);
    ga_gpumodel_near(name, near, sizeof near);
    if (near[0])
        return ga_tab_fail(t, f, "unknown GPU model %s (did you mean %s?)", shown, near);
    return ga_tab_fail(t, f, "unknown GPU model %s (see gpuarb_gpu_model_get for the table)",
                       shown);
}

static int32_t find_gpu(const ga_tab_field *f)
{
    char name[MAX_STR + 1];
    if (f->n == 0 || f->n > MAX_STR)
        return -1;
    memcpy(name, f->s, f->n);
    name[f->n] = '\0';
    return ga_gpumodel_find(name);
}

static void offer_clear(ga_offer *o)
{
    offer_free(o);
    memset(o, 0, sizeof *o);
}

/* ---------------------------------------------------------------------
 * Native CSV (SPEC section 1)
 * --------------------------------------------------------------------- */

/* The column set of SPEC section 1, in the order the writers use. */
enum {
    C_PROVIDER, C_REGION, C_ZONE, C_INSTANCE, C_GPU, C_COUNT, C_GPUMEM, C_VCPUS, C_MEM,
    C_PRICE, C_SPOT, C_RATE, C_CAPACITY, C_N
};

#define REQ (GA_TAB_COLUMN | GA_TAB_VALUE)
/* Ranges: io/limits.h, which says why they keep the solver's sums finite. */
static const ga_tab_col COLS[C_N + 1] = {
    {"provider", GA_TAB_STRING, REQ, 0, 0, 0, 0},
    {"region", GA_TAB_STRING, REQ, 0, 0, 0, 0},
    {"zone", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {"instance_type", GA_TAB_STRING, REQ, 0, 0, 0, 0},
    {"gpu", GA_TAB_STRING, REQ, 0, 0, 0, 0},
    {"gpu_count", GA_TAB_INTEGER, REQ, 0, 1, MAX_GPU_COUNT, 0},
    {"gpu_memory_gb", GA_TAB_NUMBER, GA_TAB_ABOVE, 0, 0, 0, GA_LIM_GPU_MEMORY_GB},
    {"vcpus", GA_TAB_NUMBER, 0, 0, 0, 0, GA_LIM_VCPUS},
    {"memory_gb", GA_TAB_NUMBER, 0, 0, 0, 0, GA_LIM_MEMORY_GB},
    {"price_hour", GA_TAB_NUMBER, 0, 0, 0, 0, GA_LIM_PRICE_HOUR},
    {"spot_price_hour", GA_TAB_NUMBER, 0, 0, 0, 0, GA_LIM_PRICE_HOUR},
    {"interruption_rate", GA_TAB_NUMBER, 0, 0, 0, 0, GA_LIM_INTERRUPTION_RATE},
    {"capacity", GA_TAB_INTEGER, 0, 0, 0, GA_LIM_CAPACITY, 0},
    {NULL, 0, 0, 0, 0, 0, 0}};

static gpuarb_status native_row(ga_tab *t, ga_offer *o)
{
    gpuarb_status st;
    if ((st = ga_tab_str(t, C_PROVIDER, &o->provider)) != GPUARB_OK)
        return st;
    if (!valid_provider(o->provider)) {
        char shown[64];
        ga_tab_field f = ga_tab_get(t, C_PROVIDER);
        ga_tab_quote(&f, shown, sizeof shown);
        return ga_tab_fail(t, &f, "must be lower case letters, digits, '-', '_' or '.', got %s",
                           shown);
    }
    if ((st = ga_tab_str(t, C_REGION, &o->region)) != GPUARB_OK ||
        (st = ga_tab_str(t, C_ZONE, &o->zone)) != GPUARB_OK ||
        (st = ga_tab_str(t, C_INSTANCE, &o->instance_type)) != GPUARB_OK)
        return st;
    ga_tab_field gpu = ga_tab_get(t, C_GPU);
    if (gpu.n == 0)
        return ga_tab_fail(t, &gpu, "empty; a value is required");
    o->gpu = find_gpu(&gpu);
    if (o->gpu < 0)
        return unknown_gpu(t, &gpu);
    int64_t count, cap;
    if ((st = ga_tab_int(t, C_COUNT, -1, &count)) != GPUARB_OK)
        return st;
    o->gpu_count = (int32_t)count;
    if ((st = ga_tab_num(t, C_GPUMEM, -1, &o->gpu_memory_gb)) != GPUARB_OK ||
        (st = ga_tab_num(t, C_VCPUS, -1, &o->vcpus)) != GPUARB_OK ||
        (st = ga_tab_num(t, C_MEM, -1, &o->memory_gb)) != GPUARB_OK ||
        (st = ga_tab_num(t, C_PRICE, -1, &o->price)) != GPUARB_OK ||
        (st = ga_tab_num(t, C_SPOT, -1, &o->spot)) != GPUARB_OK ||
        (st = ga_tab_num(t, C_RATE, -1, &o->rate)) != GPUARB_OK)
        return st;
    if (o->gpu_memory_gb < 0)
        o->gpu_memory_gb = ga_gpumodel_at(o->gpu)->memory_gb;
    o->rate_given = o->rate >= 0;
    if (o->rate < 0)
        o->rate = GA_DEFAULT_INTERRUPTION_RATE;
    if (o->price < 0 && o->spot < 0) {
        ga_tab_field at = ga_tab_get(t, ga_tab_has(t, C_PRICE) ? C_PRICE : C_SPOT);
        at.name = "price_hour";
        return ga_tab_fail(t, &at, "an offer needs price_hour or spot_price_hour; both are empty");
    }
    if ((st = ga_tab_int(t, C_CAPACITY, -1, &cap)) != GPUARB_OK)
        return st;
    o->capacity = cap;
    o->line = ga_tab_row_line(t);
    return GPUARB_OK;
}

/* The most offers the catalog being loaded into may hold (earlier files
 * of the same list included), and whether a row tried to pass it. */
typedef struct offer_budget {
    size_t max;
    int over;
} offer_budget;

/* Push the offer of the current row, unless it is one too many: then an
 * error at the row, found before any further row is read. */
static gpuarb_status push_row(ga_tab *t, gpuarb_catalog *cat, const ga_offer *o,
                              offer_budget *b)
{
    if (cat->n >= b->max) {
        b->over = 1;
        return ga_error(t->ctx, GPUARB_ERR_LIMIT, t->source, ga_tab_row_line(t), 1, NULL,
                        "offer %zu of all catalogs together; at most %zu are read", cat->n + 1,
                        b->max);
    }
    return ga_catalog_push(t->ctx, cat, o);
}

static gpuarb_status load_native(ga_tab *t, gpuarb_catalog *cat, offer_budget *b)
{
    int empty, got;
    gpuarb_status st = ga_tab_header(t, &empty);
    if (st != GPUARB_OK)
        return st;
    if (empty)
        return ga_error(t->ctx, GPUARB_ERR_INPUT, t->source, 1, 1, NULL,
                        "empty catalog: no header row (expected provider,region,"
                        "instance_type,gpu,gpu_count,price_hour,...)");
    if (!ga_tab_has(t, C_PRICE) && !ga_tab_has(t, C_SPOT))
        return ga_tab_missing(t, "price_hour");
    while ((st = ga_tab_next(t, &got)) == GPUARB_OK && got) {
        ga_offer o;
        memset(&o, 0, sizeof o);
        st = native_row(t, &o);
        if (st == GPUARB_OK)
            st = push_row(t, cat, &o, b);
        offer_clear(&o);
        if (st != GPUARB_OK)
            return st;
    }
    return st;
}

/* ---------------------------------------------------------------------
 * SkyPilot vms.csv
 * --------------------------------------------------------------------- */

/* The required columns first: a header missing several names the first. */
enum {
    S_ACCNAME, S_ACCCOUNT, S_PRICE, S_REGION, S_INSTANCE, S_VCPUS, S_MEMGIB, S_SPOT, S_AZ, S_N
};

/* AcceleratorCount is a number (Azure sells 1/3 of a GPU), checked for a
 * whole count in sky_row. */
static const ga_tab_col SKY_COLS[S_N + 1] = {
    {"AcceleratorName", GA_TAB_STRING, GA_TAB_COLUMN, 0, 0, 0, 0},
    {"AcceleratorCount", GA_TAB_NUMBER, GA_TAB_COLUMN, 0, 0, 0, MAX_GPU_COUNT},
    {"Price", GA_TAB_NUMBER, GA_TAB_COLUMN, 0, 0, 0, GA_LIM_PRICE_HOUR},
    {"Region", GA_TAB_STRING, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 0, 0},
    {"InstanceType", GA_TAB_STRING, GA_TAB_COLUMN, 0, 0, 0, 0}, /* empty: GCP's attachable GPUs */
    {"vCPUs", GA_TAB_NUMBER, 0, 0, 0, 0, GA_LIM_VCPUS},
    {"MemoryGiB", GA_TAB_NUMBER, 0, 0, 0, 0, 9.3e8}, /* GiB: below 1e9 GB */
    {"SpotPrice", GA_TAB_NUMBER, 0, 0, 0, 0, GA_LIM_PRICE_HOUR},
    {"AvailabilityZone", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {NULL, 0, 0, 0, 0, 0, 0}};

typedef struct sky_counts {
    size_t imported, no_accel, non_gpu, unknown, fractional, no_price;
    size_t gpu_only, part_gpu, spot_equal, variant;
    char unknown_names[160];
} sky_counts;

static void note_unknown(sky_counts *sc, const ga_tab_field *f)
{
    size_t used = strlen(sc->unknown_names);
    char name[48];
    size_t n = GA_MIN(f->n, sizeof name - 1);
    memcpy(name, f->s, n);
    name[n] = '\0';
    if (strstr(sc->unknown_names, name))
        return; /* near enough: the list is only a hint */
    if (used + n + 3 >= sizeof sc->unknown_names)
        return;
    if (used) {
        memcpy(sc->unknown_names + used, ", ", 2);
        used += 2;
    }
    memcpy(sc->unknown_names + used, name, n + 1);
}

/* The share of one GPU an instance type sells when the source counts it as
 * a whole one: Azure's NVv4 sizes are 1/8, 1/4 and 1/2 of an MI25
 * (learn.microsoft.com, NVv4-series: NV4as_v4 1/8, NV8as_v4 1/4,
 * NV16as_v4 1/2, NV32as_v4 one GPU).  1 for every other type. */
double ga_part_gpu_share(const char *type)
{
    static const struct {
        const char *name;
        double share;
    } parts[] = {{"Standard_NV4as_v4", 0.125}, {"Standard_NV8as_v4", 0.25},
                 {"Standard_NV16as_v4", 0.5}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (ga_strcasecmp(type, parts[i].name) == 0)
            return parts[i].share;
    return 1;
}

/* One SkyPilot row into *o.  *keep = 0 when the row is skipped (counted). */
static gpuarb_status sky_row(ga_tab *t, const char *provider, ga_offer *o, sky_counts *sc,
                             int *keep)
{
    gpuarb_status st;
    *keep = 0;
    ga_tab_field acc = ga_tab_get(t, S_ACCNAME);
    if (acc.n == 0) {
        sc->no_accel++;
        return GPUARB_OK;
    }
    o->gpu = find_gpu(&acc);
    if (o->gpu < 0) {
        char name[MAX_STR + 1];
        size_t n = GA_MIN(acc.n, (size_t)MAX_STR);
        memcpy(name, acc.s, n);
        name[n] = '\0';
        if (ga_gpumodel_is_non_gpu(name)) {
            sc->non_gpu++;
        } else {
            sc->unknown++;
            note_unknown(sc, &acc);
        }
        return GPUARB_OK;
    }
    double count;
    ga_tab_field cf = ga_tab_get(t, S_ACCCOUNT);
    if (cf.n == 0)
        return ga_tab_fail(t, &cf, "empty on a row with an accelerator");
    if ((st = ga_tab_num(t, S_ACCCOUNT, -1, &count)) != GPUARB_OK)
        return st;
    if (count < 1 || count != floor(count)) {
        sc->fractional++; /* Azure's 1/3 or 1/6 of an A10: not a whole GPU */
        return GPUARB_OK;
    } /* count <= MAX_GPU_COUNT: the column's range */
    o->gpu_count = (int32_t)count;
    if ((st = ga_tab_num(t, S_PRICE, -1, &o->price)) != GPUARB_OK ||
        (st = ga_tab_num(t, S_SPOT, -1, &o->spot)) != GPUARB_OK ||
        (st = ga_tab_num(t, S_VCPUS, -1, &o->vcpus)) != GPUARB_OK ||
        (st = ga_tab_num(t, S_MEMGIB, -1, &o->memory_gb)) != GPUARB_OK)
        return st;
    /* A zero price is no market (vast writes SpotPrice 0.00 for "no
     * interruptible price"). */
    if (o->price == 0)
        o->price = -1;
    if (o->spot == 0)
        o->spot = -1;
    if (o->price < 0 && o->spot < 0) {
        sc->no_price++;
        return GPUARB_OK;
    }
    /* A spot price equal to the on-demand one is no spot market (Azure
     * ND96isr_H200_v5 and some AWS rows list the on-demand price there). */
    if (o->spot >= 0 && o->price >= 0 && o->spot == o->price) {
        o->spot = -1;
        sc->spot_equal++;
    }
    if (o->memory_gb > 0) /* GiB to GB, to the MB (no float noise in the CSV) */
        o->memory_gb = round(o->memory_gb * GIB_TO_GB * 1000.0) / 1000.0;
    if ((st = ga_tab_str(t, S_REGION, &o->region)) != GPUARB_OK ||
        (st = ga_tab_str(t, S_AZ, &o->zone)) != GPUARB_OK ||
        (st = ga_tab_str(t, S_INSTANCE, &o->instance_type)) != GPUARB_OK)
        return st;
    if (!o->instance_type[0]) {
        /* GCP attachable accelerators (T4, V100, P100, P4 on N1 VMs): the
         * price is the GPUs only, without the VM they need.  Sold as is they
         * would look 3-10x cheaper than they are: left out, counted and
         * warned about (join them with a host VM price first, as
         * lib/catalog/catalog_builtin.sh does for the A2/A3/G2 families). */
        sc->gpu_only++;
        return GPUARB_OK;
    }
    if (ga_part_gpu_share(o->instance_type) < 1) {
        sc->part_gpu++; /* a slice of a GPU counted as a whole one */
        return GPUARB_OK;
    }
    int32_t refined = ga_gpumodel_refine(o->gpu, o->instance_type);
    if (refined >= 0 && refined != o->gpu) {
        o->gpu = refined;
        sc->variant++;
    }
    if (!(o->provider = ga_strdup(provider)))
        return ga_nomem(t->ctx);
    o->gpu_memory_gb = ga_gpumodel_at(o->gpu)->memory_gb;
    o->rate = GA_DEFAULT_INTERRUPTION_RATE;
    o->capacity = GA_UNLIMITED;
    o->line = ga_tab_row_line(t);
    *keep = 1;
    return GPUARB_OK;
}

/* One log line: what was imported and what was skipped, and why. */
static void log_counts(const ga_tab *t, const char *provider, const sky_counts *sc)
{
    char skipped[512];
    size_t used = 0;
    const struct {
        size_t n;
        const char *what;
    } parts[] = {{sc->non_gpu, "non-GPU accelerator rows"},
                 {sc->unknown, "rows with an unknown accelerator"},
                 {sc->fractional, "rows with a fractional GPU count"},
                 {sc->no_price, "rows without a price"},
                 {sc->no_accel, "rows without an accelerator"},
                 {sc->gpu_only, "GPU-only rows without an instance type (GCP accelerators "
                                "priced without the N1 VM they attach to)"},
                 {sc->part_gpu, "rows that sell part of a GPU as a whole one (Azure NVv4)"}};
    skipped[0] = '\0';
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].n)
            continue;
        int k = snprintf(skipped + used, sizeof skipped - used, "%s%zu %s%s%s%s",
                         used ? ", " : "; skipped ", parts[i].n, parts[i].what,
                         i == 1 ? " (" : "", i == 1 ? sc->unknown_names : "", i == 1 ? ")" : "");
        if (k < 0 || (size_t)k >= sizeof skipped - used)
            break;
        used += (size_t)k;
    }
    char notes[256];
    int k = 0;
    notes[0] = '\0';
    if (sc->variant)
        k = snprintf(notes, sizeof notes, "; %zu H100 rows read as the PCIe or NVL part by "
                     "their instance type", sc->variant);
    if (sc->spot_equal && k >= 0 && (size_t)k < sizeof notes)
        snprintf(notes + k, sizeof notes - (size_t)k, "; %zu spot prices equal to on-demand "
                 "read as no spot market", sc->spot_equal);
    ga_log(t->ctx, sc->unknown || sc->gpu_only || sc->part_gpu ? GPUARB_LOG_WARN : GPUARB_LOG_INFO,
           "%s: imported %zu %s offers%s%s", t->source, sc->imported, provider, skipped, notes);
}

static gpuarb_status load_skypilot(ga_tab *t, const char *provider, gpuarb_catalog *cat,
                                   offer_budget *b)
{
    int empty, got;
    sky_counts sc;
    memset(&sc, 0, sizeof sc);
    gpuarb_status st = ga_tab_header(t, &empty);
    if (st != GPUARB_OK)
        return st;
    if (empty)
        return ga_error(t->ctx, GPUARB_ERR_INPUT, t->source, 1, 1, NULL,
                        "empty SkyPilot catalog: no header row");
    while ((st = ga_tab_next(t, &got)) == GPUARB_OK && got) {
        ga_offer o;
        memset(&o, 0, sizeof o);
        int keep;
        st = sky_row(t, provider, &o, &sc, &keep);
        if (st == GPUARB_OK && keep) {
            st = push_row(t, cat, &o, b);
            sc.imported++;
        }
        offer_clear(&o);
        if (st != GPUARB_OK)
            return st;
    }
    if (st != GPUARB_OK)
        return st;
    log_counts(t, provider, &sc);
    return GPUARB_OK;
}

/* ---------------------------------------------------------------------
 * Entry points
 * --------------------------------------------------------------------- */

/* The value of a leading "# KEY: value" comment line of text into buf
 * ("" if none).  Only the comment lines before the first other line count. */
static void header_comment(const char *text, size_t len, const char *key, char *buf,
                           size_t size)
{
    size_t klen = strlen(key);
    buf[0] = '\0';
    for (size_t i = 0; i < len && text[i] == '#';) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        size_t j = i + 1;
        while (j < e && text[j] == ' ')
            j++;
        if (e - j > klen && memcmp(text + j, key, klen) == 0 && text[j + klen] == ':') {
            j += klen + 1;
            while (j < e && text[j] == ' ')
                j++;
            size_t n = e - j;
            while (n > 0 && (text[j + n - 1] == '\r' || text[j + n - 1] == ' '))
                n--;
            n = GA_MIN(n, size - 1);
            memcpy(buf, text + j, n);
            buf[n] = '\0';
            return;
        }
        i = e + 1;
    }
}

/* Record, for each provider of the offers cat[n0..), where they come from:
 * the "# source:" comment or the file's name, and the "# date:" comment
 * (unknown without one). */
static gpuarb_status note_sources(gpuarb_ctx *ctx, gpuarb_catalog *cat, size_t n0,
                                  const char *text, size_t len, const char *source)
{
    char date[32], from[256];
    header_comment(text, len, "date", date, sizeof date);
    header_comment(text, len, "source", from, sizeof from);
    for (size_t i = n0; i < cat->n; i++) {
        gpuarb_status st = ga_catalog_add_source(ctx, cat, cat->v[i].provider,
                                                 from[0] ? from : source ? source : "<string>",
                                                 date[0] ? date : NULL);
        if (st)
            return st;
    }
    return GPUARB_OK;
}

/* Append the offers of text to cat (left with a prefix of them on error:
 * the caller frees it). */
static gpuarb_status parse_into(gpuarb_ctx *ctx, const char *text, size_t len,
                                const char *source, int32_t format, const char *provider,
                                offer_budget *b, gpuarb_catalog *cat)
{
    gpuarb_status st;
    if (len > GA_LIM_CATALOG_BYTES)
        return ga_error(ctx, GPUARB_ERR_LIMIT, source ? source : "<string>", 1, 1, NULL,
                        "catalog text of %zu bytes is larger than the limit of %zu bytes", len,
                        GA_LIM_CATALOG_BYTES);
    if (format != GPUARB_CATALOG_NATIVE && format != GPUARB_CATALOG_SKYPILOT)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "unknown catalog format %d",
                        (int)format);
    if (format == GPUARB_CATALOG_SKYPILOT && (!provider || !valid_provider(provider) ||
                                              strlen(provider) > MAX_STR))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "a SkyPilot catalog needs a lower-case provider name (aws, gcp, ...)");
    int native = format == GPUARB_CATALOG_NATIVE;
    ga_tab t;
    ga_tab_init(&t, ctx, text, len, source, native ? COLS : SKY_COLS,
                GA_TAB_COMMENTS | (native ? 0 : GA_TAB_JOIN_EXTRA));
    size_t n0 = cat->n;
    st = native ? load_native(&t, cat, b) : load_skypilot(&t, provider, cat, b);
    ga_tab_free(&t);
    if (st == GPUARB_OK)
        st = note_sources(ctx, cat, n0, text, len, source);
    return st;
}

gpuarb_status gpuarb_catalog_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                   const char *source, int32_t format, const char *provider,
                                   gpuarb_catalog **out)
{
    if (out)
        *out = NULL;
    gpuarb_status st = ga_check_text(ctx, out != NULL, text, len);
    if (st)
        return st;
    offer_budget b = {MAX_OFFERS, 0};
    gpuarb_catalog *cat;
    if ((st = ga_catalog_new(ctx, &cat)) != GPUARB_OK)
        return st;
    st = parse_into(ctx, text, len, source, format, provider, &b, cat);
    if (st != GPUARB_OK) {
        gpuarb_catalog_free(cat);
        return st;
    }
    *out = cat;
    return GPUARB_OK;
}

gpuarb_status ga_catalog_load_into(gpuarb_ctx *ctx, const char *path, int32_t format,
                                   const char *provider, size_t max_offers, int *over,
                                   gpuarb_catalog *cat)
{
    *over = 0;
    if (!path)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "path is NULL");
    char *text;
    size_t len;
    gpuarb_status st = ga_read_file(ctx, path, GA_LIM_CATALOG_BYTES, &text, &len);
    if (st != GPUARB_OK)
        return st;
    offer_budget b = {GA_MIN(max_offers, MAX_OFFERS), 0};
    st = parse_into(ctx, text, len, path, format, provider, &b, cat);
    free(text);
    *over = b.over;
    return st;
}

gpuarb_status gpuarb_catalog_load(gpuarb_ctx *ctx, const char *path, int32_t format,
                                  const char *provider, gpuarb_catalog **out)
{
    if (!out || !path)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "path or out is NULL");
    *out = NULL;
    int over;
    gpuarb_catalog *cat;
    gpuarb_status st = ga_catalog_new(ctx, &cat);
    if (st == GPUARB_OK)
        st = ga_catalog_load_into(ctx, path, format, provider, MAX_OFFERS, &over, cat);
    if (st != GPUARB_OK) {
        gpuarb_catalog_free(cat);
        return st;
    }
    *out = cat;
    return GPUARB_OK;
}

/* ---------------------------------------------------------------------
 * Selection
 * --------------------------------------------------------------------- */

void gpuarb_catalog_query_init(gpuarb_catalog_query *q)
{
    if (!q)
        return;
    memset(q, 0, sizeof *q);
    q->size = (uint32_t)sizeof *q;
    q->sort = GPUARB_SORT_NONE;
}

typedef struct sort_item {
    double key;
    size_t index;
} sort_item;

static int cmp_items(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index; /* stable */
}

static double sort_key(const ga_offer *o, int32_t sort)
{
    switch (sort) {
    case GPUARB_SORT_PRICE:
        return o->price >= 0 ? o->price : HUGE_VAL;
    case GPUARB_SORT_PRICE_PER_GPU:
        return o->price >= 0 ? o->price / o->gpu_count : HUGE_VAL;
    case GPUARB_SORT_SPOT_PER_GPU:
        return o->spot >= 0 ? o->spot / o->gpu_count : HUGE_VAL;
    default:
        return 0;
    }
}

/* Shell glob match against any of the '|'-separated patterns. */
static int region_match(const char *patterns, const char *region)
{
    char one[1024];
    const char *p = patterns;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = '\0';
            if (ga_glob_match(one, region))
                return 1;
        }
        if (!bar)
            return 0;
        p = bar + 1;
    }
}

static int matches(const ga_offer *o, const gpuarb_catalog_query *q, int32_t gpu)
{
    if (gpu >= 0 && o->gpu != gpu)
        return 0;
    if (q->provider && q->provider[0] && ga_strcasecmp(q->provider, o->provider) != 0)
        return 0;
    if (q->region && q->region[0] && !region_match(q->region, o->region))
        return 0;
    if (q->spot_only && o->spot < 0)
        return 0;
    if (q->min_gpus > 0 && o->gpu_count < q->min_gpus)
        return 0;
    return 1;
}

gpuarb_status gpuarb_catalog_select(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                    const gpuarb_catalog_query *q, gpuarb_catalog **out)
{
    gpuarb_catalog_query dflt;
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!cat)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "catalog is NULL");
    if (!q) {
        gpuarb_catalog_query_init(&dflt);
        q = &dflt;
    }
    if (q->size < sizeof *q) /* the first version's size (gpuarb.h's ABI rule) */
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "query size %u is too small (call gpuarb_catalog_query_init)",
                        (unsigned)q->size);
    if (q->sort < GPUARB_SORT_NONE || q->sort > GPUARB_SORT_SPOT_PER_GPU)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, "sort", "unknown sort key %d",
                        (int)q->sort);
    if (q->min_gpus < 0)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, "min_gpus",
                        "min_gpus must be >= 0, got %d", (int)q->min_gpus);
    int32_t gpu = -1;
    if (q->gpu && q->gpu[0]) {
        gpu = ga_gpumodel_find(q->gpu);
        if (gpu < 0) {
            char near[128];
            ga_gpumodel_near(q->gpu, near, sizeof near);
            return ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, "gpu",
                            "unknown GPU model '%.64s'%s%s%s", q->gpu,
                            near[0] ? " (did you mean " : "", near, near[0] ? "?)" : "");
        }
    }
    sort_item *items = ga_calloc(cat->n ? cat->n : 1, sizeof *items);
    if (!items)
        return ga_nomem(ctx);
    size_t n = 0;
    for (size_t i = 0; i < cat->n; i++)
        if (matches(&cat->v[i], q, gpu)) {
            items[n].key = sort_key(&cat->v[i], q->sort);
            items[n].index = i;
            n++;
        }
    if (q->sort != GPUARB_SORT_NONE)
        qsort(items, n, sizeof *items, cmp_items);
    gpuarb_catalog *res;
    gpuarb_status st = ga_catalog_new(ctx, &res);
    for (size_t k = 0; st == GPUARB_OK && k < n; k++)
        st = ga_catalog_push(ctx, res, &cat->v[items[k].index]);
    if (st == GPUARB_OK)
        st = ga_catalog_copy_sources(ctx, res, cat, 0);
    free(items);
    if (st != GPUARB_OK) {
        gpuarb_catalog_free(res);
        return st;
    }
    *out = res;
    return GPUARB_OK;
}

/* Offers equal in everything but zone, line and capacity. */
static int cmp_zone_key(const ga_offer *a, const ga_offer *b)
{
    int c;
    if ((c = strcmp(a->provider, b->provider)) != 0 || (c = strcmp(a->region, b->region)) != 0 ||
        (c = strcmp(a->instance_type, b->instance_type)) != 0)
        return c;
    if (a->gpu != b->gpu)
        return a->gpu < b->gpu ? -1 : 1;
    if (a->gpu_count != b->gpu_count)
        return a->gpu_count < b->gpu_count ? -1 : 1;
    const double x[] = {a->gpu_memory_gb, a->vcpus, a->memory_gb, a->price, a->spot, a->rate};
    const double y[] = {b->gpu_memory_gb, b->vcpus, b->memory_gb, b->price, b->spot, b->rate};
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Merge sort of indices by cmp_zone_key (qsort has no context argument
 * in C11, and the library keeps no globals). */
static void zone_msort(const gpuarb_catalog *cat, size_t *v, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    zone_msort(cat, v, tmp, h);
    zone_msort(cat, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_zone_key(&cat->v[v[j]], &cat->v[v[i]]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

gpuarb_status gpuarb_catalog_merge_zones(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                         gpuarb_catalog **out)
{
    if (!out || !cat)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "catalog or out is NULL");
    *out = NULL;
    size_t n = cat->n;
    size_t *order = ga_calloc(n ? n : 1, sizeof *order);
    size_t *tmp = ga_calloc(n ? n : 1, sizeof *tmp);
    size_t *lead = ga_calloc(n ? n : 1, sizeof *lead);   /* group leader of each offer */
    size_t *size = ga_calloc(n ? n : 1, sizeof *size);   /* group size at the leader */
    int64_t *capsum = ga_calloc(n ? n : 1, sizeof *capsum);
    gpuarb_catalog *res = NULL;
    gpuarb_status st = GPUARB_OK;
    if (!order || !tmp || !lead || !size || !capsum) {
        st = ga_nomem(ctx);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    zone_msort(cat, order, tmp, n); /* stable: a group's first offer leads it */
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && cmp_zone_key(&cat->v[order[a]], &cat->v[order[b]]) == 0)
            b++;
        size_t l = order[a];
        int64_t sum = 0;
        for (size_t k = a; k < b; k++) {
            lead[order[k]] = l;
            int64_t c = cat->v[order[k]].capacity;
            sum = (sum < 0 || c < 0) ? GA_UNLIMITED : sum + c;
        }
        size[l] = b - a;
        capsum[l] = sum;
        a = b;
    }
    if ((st = ga_catalog_new(ctx, &res)) != GPUARB_OK)
        goto done;
    for (size_t i = 0; i < n && st == GPUARB_OK; i++) {
        if (lead[i] != i)
            continue;
        ga_offer o = cat->v[i];
        if (size[i] > 1) {
            o.zone = "";
            o.capacity = capsum[i];
        }
        st = ga_catalog_push(ctx, res, &o);
    }
    if (st == GPUARB_OK)
        st = ga_catalog_copy_sources(ctx, res, cat, 1);
done:
    free(order);
    free(tmp);
    free(lead);
    free(size);
    free(capsum);
    if (st != GPUARB_OK) {
        gpuarb_catalog_free(res);
        return st;
    }
    *out = res;
    return GPUARB_OK;
}

/* ---------------------------------------------------------------------
 * Writers
 * --------------------------------------------------------------------- */

static void csv_str(ga_strbuf *b, const char *s)
{
    int quote = s[0] == '#' || s[0] == ' ' || s[0] == '\t' ||
                (s[0] && (s[strlen(s) - 1] == ' ' || s[strlen(s) - 1] == '\t'));
    for (const char *p = s; *p && !quote; p++)
        quote = *p == ',' || *p == '"' || *p == '\n' || *p == '\r';
    if (!quote) {
        ga_sb_puts(b, s);
        return;
    }
    ga_sb_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            ga_sb_putc(b, '"');
        ga_sb_putc(b, *p);
    }
    ga_sb_putc(b, '"');
}

/* Absent (negative) numbers are written as nothing. */
static void csv_num(ga_strbuf *b, double v)
{
    char num[48];
    if (v >= 0) {
        ga_fmt_double(num, v);
        ga_sb_puts(b, num);
    }
}

static gpuarb_status finish(gpuarb_ctx *ctx, ga_strbuf *b, char **out)
{
    *out = ga_sb_take(b);
    return *out ? GPUARB_OK : ga_nomem(ctx);
}

gpuarb_status gpuarb_catalog_to_csv(gpuarb_ctx *ctx, const gpuarb_catalog *cat, char **out)
{
    if (!cat || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "catalog or out is NULL");
    ga_strbuf b;
    ga_sb_init(&b);
    for (int c = 0; c < C_N; c++) {
        ga_sb_puts(&b, COLS[c].name);
        ga_sb_putc(&b, c + 1 < C_N ? ',' : '\n');
    }
    for (size_t i = 0; i < cat->n; i++) {
        const ga_offer *o = &cat->v[i];
        csv_str(&b, o->provider);
        ga_sb_putc(&b, ',');
        csv_str(&b, o->region);
        ga_sb_putc(&b, ',');
        csv_str(&b, o->zone);
        ga_sb_putc(&b, ',');
        csv_str(&b, o->instance_type);
        ga_sb_putc(&b, ',');
        ga_sb_printf(&b, "%s,%d,", ga_gpumodel_at(o->gpu)->name, (int)o->gpu_count);
        csv_num(&b, o->gpu_memory_gb);
        ga_sb_putc(&b, ',');
        csv_num(&b, o->vcpus);
        ga_sb_putc(&b, ',');
        csv_num(&b, o->memory_gb);
        ga_sb_putc(&b, ',');
        csv_num(&b, o->price);
        ga_sb_putc(&b, ',');
        csv_num(&b, o->spot);
        ga_sb_putc(&b, ',');
        if (o->rate_given) /* a default rate stays a default */
            csv_num(&b, o->rate);
        ga_sb_putc(&b, ',');
        if (o->capacity >= 0)
            ga_sb_printf(&b, "%lld", (long long)o->capacity);
        ga_sb_putc(&b, '\n');
    }
    return finish(ctx, &b, out);
}

/* Absent (negative) numbers are null. */
static void json_opt(ga_writer *w, const char *key, double v)
{
    ga_w_kv_num_or_null(w, key, v >= 0, v);
}

gpuarb_status gpuarb_catalog_to_json(gpuarb_ctx *ctx, const gpuarb_catalog *cat, char **out)
{
    if (!cat || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "catalog or out is NULL");
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
    ga_w_obj_begin(&w);
    ga_w_key(&w, "offers");
    ga_w_arr_open(&w, GA_W_LINES); /* one offer per line */
    for (size_t i = 0; i < cat->n && !w.b.oom; i++) {
        const ga_offer *o = &cat->v[i];
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "provider", o->provider);
        ga_w_kv_str(&w, "region", o->region);
        ga_w_kv_str(&w, "zone", o->zone[0] ? o->zone : NULL);
        ga_w_kv_str(&w, "instance_type", o->instance_type);
        ga_w_kv_str(&w, "gpu", ga_gpumodel_at(o->gpu)->name);
        ga_w_kv_int(&w, "gpu_count", o->gpu_count);
        json_opt(&w, "gpu_memory_gb", o->gpu_memory_gb);
        json_opt(&w, "vcpus", o->vcpus);
        json_opt(&w, "memory_gb", o->memory_gb);
        json_opt(&w, "price_hour", o->price);
        json_opt(&w, "spot_price_hour", o->spot);
        json_opt(&w, "interruption_rate", o->rate);
        ga_w_kv_int_or_null(&w, "capacity", o->capacity >= 0, o->capacity);
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    /* where each provider's prices come from, and their date (null: unknown) */
    ga_w_key(&w, "sources");
    ga_w_arr_begin(&w);
    for (size_t i = 0; i < cat->n_src; i++) {
        ga_w_obj_begin(&w);
        ga_w_kv_str(&w, "provider", cat->src[i].provider);
        ga_w_kv_str(&w, "source", cat->src[i].source);
        ga_w_key(&w, "date");
        ga_w_str(&w, cat->src[i].date); /* NULL writes null */
        ga_w_obj_end(&w);
    }
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    return ga_w_finish(&w, ctx, out);
}

/* Table cells: text, right-aligned for numbers. */
enum { T_PROVIDER, T_REGION, T_ZONE, T_INSTANCE, T_GPU, T_COUNT, T_GPUMEM, T_VCPUS, T_MEM,
       T_PRICE, T_SPOT, T_PER_GPU, T_SPOT_PER_GPU, T_N };

static const char *const THEAD[T_N] = {"PROVIDER", "REGION", "ZONE", "INSTANCE", "GPU",
                                       "GPUS", "GB/GPU", "VCPUS", "MEM_GB", "$/H",
                                       "SPOT_$/H", "$/GPU-H", "SPOT_$/GPU-H"};

static void cell_num(char *buf, double v, int decimals)
{
    if (v < 0) {
        strcpy(buf, "-");
        return;
    }
    ga_snprintf_c(buf, 40, "%.*f", decimals, v);
}

static void table_row(const ga_offer *o, char cells[T_N][64])
{
    snprintf(cells[T_PROVIDER], 64, "%.63s", o->provider);
    snprintf(cells[T_REGION], 64, "%.63s", o->region);
    snprintf(cells[T_ZONE], 64, "%.63s", o->zone[0] ? o->zone : "-");
    snprintf(cells[T_INSTANCE], 64, "%.63s", o->instance_type);
    snprintf(cells[T_GPU], 64, "%.63s", ga_gpumodel_at(o->gpu)->name);
    snprintf(cells[T_COUNT], 64, "%d", (int)o->gpu_count);
    cell_num(cells[T_GPUMEM], o->gpu_memory_gb, 0);
    cell_num(cells[T_VCPUS], o->vcpus, 0);
    cell_num(cells[T_MEM], o->memory_gb, 0);
    cell_num(cells[T_PRICE], o->price, 4);
    cell_num(cells[T_SPOT], o->spot, 4);
    cell_num(cells[T_PER_GPU], o->price >= 0 ? o->price / o->gpu_count : -1, 4);
    cell_num(cells[T_SPOT_PER_GPU], o->spot >= 0 ? o->spot / o->gpu_count : -1, 4);
}

gpuarb_status gpuarb_catalog_to_table(gpuarb_ctx *ctx, const gpuarb_catalog *cat, char **out)
{
    if (!cat || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "catalog or out is NULL");
    size_t w[T_N];
    char cells[T_N][64];
    for (int c = 0; c < T_N; c++)
        w[c] = strlen(THEAD[c]);
    for (size_t i = 0; i < cat->n; i++) {
        table_row(&cat->v[i], cells);
        for (int c = 0; c < T_N; c++)
            w[c] = GA_MAX(w[c], strlen(cells[c]));
    }
    ga_strbuf b;
    ga_sb_init(&b);
    for (size_t i = 0; i <= cat->n; i++) {
        if (i > 0)
            table_row(&cat->v[i - 1], cells);
        for (int c = 0; c < T_N; c++) {
            const char *s = i ? cells[c] : THEAD[c];
            int left = c <= T_GPU;
            if (c == T_N - 1 && left)
                ga_sb_puts(&b, s);
            else
                ga_sb_printf(&b, left ? "%-*s" : "%*s", (int)w[c], s);
            ga_sb_puts(&b, c + 1 < T_N ? "  " : "\n");
        }
    }
    ga_sb_printf(&b, "%zu offer%s\n", cat->n, cat->n == 1 ? "" : "s");
    return finish(ctx, &b, out);
}
