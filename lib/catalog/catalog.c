/*
 * catalog.c - offer catalogs: the native CSV of SPEC section 1, SkyPilot's
 * vms.csv, selection and sorting, and the CSV / JSON / table writers.
 *
 * Owns struct gpuarb_catalog (an array of ga_offer whose strings it owns).
 * Wraps no dependency: text comes through lib/io/csv.c, GPU names through the
 * model table (lib/catalog/gpumodel.c), JSON is written with the internal.h helpers.
 * Invariants of every offer in a catalog: provider, region, instance_type
 * non-empty and free of control characters, provider lower case; gpu a
 * valid model index; gpu_count >= 1; gpu_memory_gb > 0; prices, vcpus,
 * memory finite and >= 0 or exactly -1 (absent), at least one price present;
 * interruption rate finite >= 0; capacity >= 0 or -1 (unlimited).  Loaders
 * either return a whole catalog or nothing.  Errors: GPUARB_ERR_SYNTAX
 * (malformed CSV, ragged native rows), GPUARB_ERR_INPUT (a value: source,
 * line, column, and the column name as the key path), GPUARB_ERR_LIMIT,
 * GPUARB_ERR_IO, GPUARB_ERR_NOMEM, GPUARB_ERR_ARG (API misuse).
 * Numbers are read and written independently of the host's locale (num.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "io/csv.h"
#include "catalog/gpumodel.h"

#define MAX_OFFERS ((size_t)5000000)
#define MAX_STR 256
#define MAX_GPU_COUNT 1000000
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
    size_t n = src->n; /* dst == src appends each offer once */
    for (size_t i = 0; i < n; i++) {
        ga_offer o = src->v[i]; /* copy: push may move src->v when dst == src */
        gpuarb_status st = ga_catalog_push(ctx, dst, &o);
        if (st != GPUARB_OK)
            return st;
    }
    return GPUARB_OK;
}

/* ---------------------------------------------------------------------
 * Field helpers shared by both loaders
 * --------------------------------------------------------------------- */

/* The column set of SPEC section 1, in the order the writers use. */
enum {
    C_PROVIDER, C_REGION, C_ZONE, C_INSTANCE, C_GPU, C_COUNT, C_GPUMEM, C_VCPUS, C_MEM,
    C_PRICE, C_SPOT, C_RATE, C_CAPACITY, C_N
};

static const char *const COLS[C_N] = {
    "provider", "region", "zone", "instance_type", "gpu", "gpu_count", "gpu_memory_gb",
    "vcpus", "memory_gb", "price_hour", "spot_price_hour", "interruption_rate", "capacity"};

/* A field of the current record, trimmed unless it was quoted. */
typedef struct field {
    const char *s; /* not NUL-terminated at s + n */
    size_t n;
    int32_t line, col;
    const char *name; /* column name: the key path in errors */
} field;

typedef struct loader {
    gpuarb_ctx *ctx;
    ga_csv r;
    const char *source;
    size_t ncols;            /* header width */
    char *joined;            /* SkyPilot: trailing fields joined into the last column */
} loader;

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static field get_field(const loader *L, int32_t idx, const char *name)
{
    field f = {"", 0, ga_csv_record_line(&L->r), 1, name};
    if (idx < 0)
        return f; /* column absent: an empty value at the row start */
    size_t i = (size_t)idx;
    if (i >= ga_csv_nfields(&L->r)) {
        f.line = ga_csv_line(&L->r, i);
        f.col = ga_csv_col(&L->r, i);
        return f;
    }
    f.s = (L->joined && i + 1 == L->ncols) ? L->joined : ga_csv_field(&L->r, i);
    f.n = strlen(f.s);
    f.line = ga_csv_line(&L->r, i);
    f.col = ga_csv_col(&L->r, i);
    if (!ga_csv_quoted(&L->r, i)) {
        while (f.n && is_space(*f.s)) {
            f.s++;
            f.n--;
            f.col++;
        }
        while (f.n && is_space(f.s[f.n - 1]))
            f.n--;
    }
    return f;
}

static gpuarb_status field_error(const loader *L, gpuarb_status st, const field *f,
                                 const char *fmt, const char *what)
{
    return ga_error(L->ctx, st, L->source, f->line, f->col, f->name, fmt, what);
}

/* Copy a field's text for a message: at most 40 characters, quoted. */
static void quote_value(const field *f, char *buf, size_t bufsize)
{
    size_t n = f->n;
    int cut = 0;
    if (n > 40) {
        n = 40;
        cut = 1;
    }
    if (n + 8 > bufsize)
        n = bufsize > 8 ? bufsize - 8 : 0;
    size_t k = 0;
    buf[k++] = '\'';
    for (size_t i = 0; i < n; i++)
        buf[k++] = (unsigned char)f->s[i] < 0x20 ? '?' : f->s[i];
    if (cut) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
}

/* A required or optional string; *out is allocated ("" when empty and
 * optional). */
static gpuarb_status get_string(const loader *L, const field *f, int required, char **out)
{
    char shown[64];
    *out = NULL;
    if (f->n == 0 && required)
        return field_error(L, GPUARB_ERR_INPUT, f, "empty; a value is required%s", "");
    if (f->n > MAX_STR)
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f->line, f->col, f->name,
                        "longer than %d characters", MAX_STR);
    for (size_t i = 0; i < f->n; i++) {
        if ((unsigned char)f->s[i] < 0x20 || f->s[i] == 0x7f) {
            quote_value(f, shown, sizeof shown);
            return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f->line, f->col, f->name,
                            "%s contains a control character", shown);
        }
    }
    *out = ga_strndup(f->s, f->n);
    return *out ? GPUARB_OK : ga_nomem(L->ctx);
}

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

/* Parse a decimal number (no hex, nan or inf spellings; '.' whatever the
 * host's locale).  Returns 0 and *v, 1 if the text is not a number, 2 if it
 * overflows. */
static int parse_number(const field *f, double *v)
{
    if (f->n >= 72)
        return 1;
    switch (ga_parse_double(f->s, f->n, v)) {
    case GA_NUM_OK: return 0;
    case GA_NUM_RANGE: return 2;
    default: return 1;
    }
}

/* An optional number >= 0 (or > 0 when positive is set); -1 when empty. */
static gpuarb_status get_number(const loader *L, const field *f, int positive, double *out)
{
    char shown[64];
    *out = -1;
    if (f->n == 0)
        return GPUARB_OK;
    double v;
    int rc = parse_number(f, &v);
    quote_value(f, shown, sizeof shown);
    if (rc == 1)
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f->line, f->col, f->name,
                        "must be a number, got %s", shown);
    if (rc == 2)
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f->line, f->col, f->name,
                        "must be a finite number, got %s", shown);
    if (positive ? !(v > 0) : !(v >= 0))
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f->line, f->col, f->name,
                        "must be %s, got %s", positive ? "> 0" : ">= 0", shown);
    *out = v == 0 ? 0.0 : v; /* no -0 */
    return GPUARB_OK;
}

/* An integer in [lo, hi] written as digits; -1 when empty and optional. */
static gpuarb_status get_integer(const loader *L, const field *f, int64_t lo, int64_t hi,
                                 int required, int64_t *out)
{
    char shown[64];
    *out = -1;
    if (f->n == 0 && !required)
        return GPUARB_OK;
    int64_t v = 0;
    int ok = f->n > 0;
    size_t i = 0;
    if (ok && f->s[0] == '+')
        i = 1;
    if (i == f->n)
        ok = 0;
    for (; ok && i < f->n; i++) {
        char c = f->s[i];
        if (c < '0' || c > '9' || v > (hi - (c - '0')) / 10) {
            ok = 0;
            break;
        }
        v = v * 10 + (c - '0');
    }
    if (!ok || v < lo || v > hi) {
        quote_value(f, shown, sizeof shown);
        if (f->n == 0)
            return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f->line, f->col, f->name,
                            "empty; an integer >= %lld is required", (long long)lo);
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f->line, f->col, f->name,
                        "must be an integer >= %lld, got %s", (long long)lo, shown);
    }
    *out = v;
    return GPUARB_OK;
}

static gpuarb_status unknown_gpu(const loader *L, const field *f)
{
    char shown[64], near[128], name[MAX_STR + 1];
    size_t n = GA_MIN(f->n, (size_t)MAX_STR);
    memcpy(name, f->s, n);
    name[n] = '\0';
    quote_value(f, shown, sizeof shown);
    ga_gpumodel_near(name, near, sizeof near);
    if (near[0])
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f->line, f->col, f->name,
                        "unknown GPU model %s (did you mean %s?)", shown, near);
    return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f->line, f->col, f->name,
                    "unknown GPU model %s (see gpuarb_gpu_model_get for the table)", shown);
}

static int32_t find_gpu(const field *f)
{
    char name[MAX_STR + 1];
    if (f->n == 0 || f->n > MAX_STR)
        return -1;
    memcpy(name, f->s, f->n);
    name[f->n] = '\0';
    return ga_gpumodel_find(name);
}

/* Read the header: map each wanted name to its column index (-1 absent).
 * Names compare case-insensitively after trimming; a wanted name given
 * twice is an error.  Returns GPUARB_OK with *empty = 1 if there is no
 * record at all. */
static gpuarb_status read_header(loader *L, const char *const *names, size_t nnames,
                                 int32_t *idx, int *empty)
{
    int got;
    gpuarb_status st = ga_csv_next(L->ctx, &L->r, &got);
    *empty = 0;
    if (st != GPUARB_OK)
        return st;
    if (!got) {
        *empty = 1;
        return GPUARB_OK;
    }
    for (size_t k = 0; k < nnames; k++)
        idx[k] = -1;
    L->ncols = ga_csv_nfields(&L->r);
    for (size_t i = 0; i < L->ncols; i++) {
        field f = get_field(L, (int32_t)i, "header");
        for (size_t k = 0; k < nnames; k++) {
            if (strlen(names[k]) != f.n)
                continue;
            char h[64];
            if (f.n >= sizeof h)
                continue;
            memcpy(h, f.s, f.n);
            h[f.n] = '\0';
            if (ga_strcasecmp(h, names[k]) != 0)
                continue;
            if (idx[k] >= 0)
                return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f.line, f.col, names[k],
                                "column '%s' appears twice in the header (first at column %d)",
                                names[k], (int)ga_csv_col(&L->r, (size_t)idx[k]));
            idx[k] = (int32_t)i;
        }
    }
    return GPUARB_OK;
}

static gpuarb_status missing_column(const loader *L, const char *name, int32_t header_line)
{
    return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, header_line, 1, name,
                    "the header has no '%s' column (it is required)", name);
}

/* ---------------------------------------------------------------------
 * Native CSV (SPEC section 1)
 * --------------------------------------------------------------------- */

static gpuarb_status native_row(loader *L, const int32_t *idx, ga_offer *o)
{
    gpuarb_status st;
    field f[C_N];
    for (int c = 0; c < C_N; c++)
        f[c] = get_field(L, idx[c], COLS[c]);

    if ((st = get_string(L, &f[C_PROVIDER], 1, &o->provider)) != GPUARB_OK)
        return st;
    if (!valid_provider(o->provider)) {
        char shown[64];
        quote_value(&f[C_PROVIDER], shown, sizeof shown);
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, f[C_PROVIDER].line,
                        f[C_PROVIDER].col, "provider",
                        "must be lower case letters, digits, '-', '_' or '.', got %s",
                        shown);
    }
    if ((st = get_string(L, &f[C_REGION], 1, &o->region)) != GPUARB_OK ||
        (st = get_string(L, &f[C_ZONE], 0, &o->zone)) != GPUARB_OK ||
        (st = get_string(L, &f[C_INSTANCE], 1, &o->instance_type)) != GPUARB_OK)
        return st;
    if (f[C_GPU].n == 0)
        return field_error(L, GPUARB_ERR_INPUT, &f[C_GPU], "empty; a value is required%s", "");
    o->gpu = find_gpu(&f[C_GPU]);
    if (o->gpu < 0)
        return unknown_gpu(L, &f[C_GPU]);
    int64_t count, cap;
    if ((st = get_integer(L, &f[C_COUNT], 1, MAX_GPU_COUNT, 1, &count)) != GPUARB_OK)
        return st;
    o->gpu_count = (int32_t)count;
    if ((st = get_number(L, &f[C_GPUMEM], 1, &o->gpu_memory_gb)) != GPUARB_OK ||
        (st = get_number(L, &f[C_VCPUS], 0, &o->vcpus)) != GPUARB_OK ||
        (st = get_number(L, &f[C_MEM], 0, &o->memory_gb)) != GPUARB_OK ||
        (st = get_number(L, &f[C_PRICE], 0, &o->price)) != GPUARB_OK ||
        (st = get_number(L, &f[C_SPOT], 0, &o->spot)) != GPUARB_OK ||
        (st = get_number(L, &f[C_RATE], 0, &o->rate)) != GPUARB_OK)
        return st;
    if (o->gpu_memory_gb < 0)
        o->gpu_memory_gb = ga_gpumodel_at(o->gpu)->memory_gb;
    if (o->rate < 0)
        o->rate = GA_DEFAULT_INTERRUPTION_RATE;
    if (o->price < 0 && o->spot < 0) {
        const field *at = idx[C_PRICE] >= 0 ? &f[C_PRICE] : &f[C_SPOT];
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, at->line, at->col, "price_hour",
                        "an offer needs price_hour or spot_price_hour; both are empty");
    }
    if ((st = get_integer(L, &f[C_CAPACITY], 0, INT64_C(1000000000000), 0, &cap)) !=
        GPUARB_OK)
        return st;
    o->capacity = cap;
    o->line = ga_csv_record_line(&L->r);
    return GPUARB_OK;
}

static void offer_clear(ga_offer *o)
{
    offer_free(o);
    memset(o, 0, sizeof *o);
}

static gpuarb_status check_width(const loader *L)
{
    size_t nf = ga_csv_nfields(&L->r);
    if (nf == L->ncols)
        return GPUARB_OK;
    size_t at = nf > L->ncols ? L->ncols : nf;
    return ga_error(L->ctx, GPUARB_ERR_SYNTAX, L->source, ga_csv_line(&L->r, at),
                    ga_csv_col(&L->r, at), NULL, "this row has %zu fields but the header has %zu",
                    nf, L->ncols);
}

static gpuarb_status load_native(loader *L, gpuarb_catalog *cat)
{
    int32_t idx[C_N];
    int empty, got;
    gpuarb_status st = read_header(L, COLS, C_N, idx, &empty);
    if (st != GPUARB_OK)
        return st;
    if (empty)
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, 1, 1, NULL,
                        "empty catalog: no header row (expected provider,region,"
                        "instance_type,gpu,gpu_count,price_hour,...)");
    int32_t hline = ga_csv_record_line(&L->r);
    static const int required[] = {C_PROVIDER, C_REGION, C_INSTANCE, C_GPU, C_COUNT};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (idx[required[k]] < 0)
            return missing_column(L, COLS[required[k]], hline);
    if (idx[C_PRICE] < 0 && idx[C_SPOT] < 0)
        return missing_column(L, "price_hour", hline);
    while ((st = ga_csv_next(L->ctx, &L->r, &got)) == GPUARB_OK && got) {
        if ((st = check_width(L)) != GPUARB_OK)
            return st;
        ga_offer o;
        memset(&o, 0, sizeof o);
        st = native_row(L, idx, &o);
        if (st == GPUARB_OK)
            st = ga_catalog_push(L->ctx, cat, &o);
        offer_clear(&o);
        if (st != GPUARB_OK)
            return st;
    }
    return st;
}

/* ---------------------------------------------------------------------
 * SkyPilot vms.csv
 * --------------------------------------------------------------------- */

enum {
    S_INSTANCE, S_ACCNAME, S_ACCCOUNT, S_VCPUS, S_MEMGIB, S_PRICE, S_SPOT, S_REGION, S_AZ, S_N
};

static const char *const SKY_COLS[S_N] = {
    "InstanceType", "AcceleratorName", "AcceleratorCount", "vCPUs", "MemoryGiB",
    "Price", "SpotPrice", "Region", "AvailabilityZone"};

typedef struct sky_counts {
    size_t imported, no_accel, non_gpu, unknown, fractional, no_price;
    char unknown_names[160];
} sky_counts;

static void note_unknown(sky_counts *sc, const field *f)
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

/* Join fields [ncols-1, nf) with ',' into L->joined (the Azure
 * "Generation" column is written V1,V2 without quotes). */
static gpuarb_status join_trailing(loader *L)
{
    free(L->joined);
    L->joined = NULL;
    size_t nf = ga_csv_nfields(&L->r);
    if (nf <= L->ncols)
        return GPUARB_OK;
    ga_strbuf b;
    ga_sb_init(&b);
    for (size_t i = L->ncols - 1; i < nf; i++) {
        if (i > L->ncols - 1)
            ga_sb_putc(&b, ',');
        ga_sb_puts(&b, ga_csv_field(&L->r, i));
    }
    L->joined = ga_sb_take(&b);
    return L->joined ? GPUARB_OK : ga_nomem(L->ctx);
}

/* One SkyPilot row into *o.  *keep = 0 when the row is skipped (counted). */
static gpuarb_status sky_row(loader *L, const int32_t *idx, const char *provider, ga_offer *o,
                             sky_counts *sc, int *keep)
{
    gpuarb_status st;
    field f[S_N];
    *keep = 0;
    for (int c = 0; c < S_N; c++)
        f[c] = get_field(L, idx[c], SKY_COLS[c]);
    if (f[S_ACCNAME].n == 0) {
        sc->no_accel++;
        return GPUARB_OK;
    }
    o->gpu = find_gpu(&f[S_ACCNAME]);
    if (o->gpu < 0) {
        char name[MAX_STR + 1];
        size_t n = GA_MIN(f[S_ACCNAME].n, (size_t)MAX_STR);
        memcpy(name, f[S_ACCNAME].s, n);
        name[n] = '\0';
        if (ga_gpumodel_is_non_gpu(name)) {
            sc->non_gpu++;
        } else {
            sc->unknown++;
            note_unknown(sc, &f[S_ACCNAME]);
        }
        return GPUARB_OK;
    }
    double count;
    if (f[S_ACCCOUNT].n == 0)
        return field_error(L, GPUARB_ERR_INPUT, &f[S_ACCCOUNT],
                           "empty on a row with an accelerator%s", "");
    if ((st = get_number(L, &f[S_ACCCOUNT], 0, &count)) != GPUARB_OK)
        return st;
    if (count < 1 || count > MAX_GPU_COUNT || count != floor(count)) {
        sc->fractional++; /* Azure's 1/3 or 1/6 of an A10: not a whole GPU */
        return GPUARB_OK;
    }
    o->gpu_count = (int32_t)count;
    if ((st = get_number(L, &f[S_PRICE], 0, &o->price)) != GPUARB_OK ||
        (st = get_number(L, &f[S_SPOT], 0, &o->spot)) != GPUARB_OK ||
        (st = get_number(L, &f[S_VCPUS], 0, &o->vcpus)) != GPUARB_OK ||
        (st = get_number(L, &f[S_MEMGIB], 0, &o->memory_gb)) != GPUARB_OK)
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
    if (o->memory_gb > 0) /* GiB to GB, to the MB (no float noise in the CSV) */
        o->memory_gb = round(o->memory_gb * GIB_TO_GB * 1000.0) / 1000.0;
    if ((st = get_string(L, &f[S_REGION], 1, &o->region)) != GPUARB_OK ||
        (st = get_string(L, &f[S_AZ], 0, &o->zone)) != GPUARB_OK ||
        (st = get_string(L, &f[S_INSTANCE], 0, &o->instance_type)) != GPUARB_OK)
        return st;
    if (!o->instance_type[0]) {
        /* GCP attachable accelerators: the price is the GPUs only; the host
         * VM is priced separately (gcp_vms_gpu_host_machine_types.csv). */
        free(o->instance_type);
        ga_strbuf b;
        ga_sb_init(&b);
        ga_sb_putn(&b, f[S_ACCNAME].s, GA_MIN(f[S_ACCNAME].n, (size_t)MAX_STR - 16));
        ga_sb_printf(&b, "x%d", (int)o->gpu_count);
        o->instance_type = ga_sb_take(&b);
        if (!o->instance_type)
            return ga_nomem(L->ctx);
    }
    if (!(o->provider = ga_strdup(provider)))
        return ga_nomem(L->ctx);
    o->gpu_memory_gb = ga_gpumodel_at(o->gpu)->memory_gb;
    o->rate = GA_DEFAULT_INTERRUPTION_RATE;
    o->capacity = GA_UNLIMITED;
    o->line = ga_csv_record_line(&L->r);
    *keep = 1;
    return GPUARB_OK;
}

/* One log line: what was imported and what was skipped, and why. */
static void log_counts(const loader *L, const char *provider, const sky_counts *sc)
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
                 {sc->no_accel, "rows without an accelerator"}};
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
    ga_log(L->ctx, sc->unknown ? GPUARB_LOG_WARN : GPUARB_LOG_INFO, "%s: imported %zu %s offers%s",
           L->source, sc->imported, provider, skipped);
}

static gpuarb_status load_skypilot(loader *L, const char *provider, gpuarb_catalog *cat)
{
    int32_t idx[S_N];
    int empty, got;
    sky_counts sc;
    memset(&sc, 0, sizeof sc);
    gpuarb_status st = read_header(L, SKY_COLS, S_N, idx, &empty);
    if (st != GPUARB_OK)
        return st;
    if (empty)
        return ga_error(L->ctx, GPUARB_ERR_INPUT, L->source, 1, 1, NULL,
                        "empty SkyPilot catalog: no header row");
    int32_t hline = ga_csv_record_line(&L->r);
    static const int required[] = {S_ACCNAME, S_ACCCOUNT, S_PRICE, S_REGION};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (idx[required[k]] < 0)
            return missing_column(L, SKY_COLS[required[k]], hline);
    if (idx[S_INSTANCE] < 0)
        return missing_column(L, "InstanceType", hline);
    while ((st = ga_csv_next(L->ctx, &L->r, &got)) == GPUARB_OK && got) {
        if (ga_csv_nfields(&L->r) < L->ncols) {
            if ((st = check_width(L)) != GPUARB_OK)
                return st;
        }
        if ((st = join_trailing(L)) != GPUARB_OK)
            return st;
        ga_offer o;
        memset(&o, 0, sizeof o);
        int keep;
        st = sky_row(L, idx, provider, &o, &sc, &keep);
        if (st == GPUARB_OK && keep) {
            st = ga_catalog_push(L->ctx, cat, &o);
            sc.imported++;
        }
        offer_clear(&o);
        if (st != GPUARB_OK)
            return st;
    }
    if (st != GPUARB_OK)
        return st;
    log_counts(L, provider, &sc);
    return GPUARB_OK;
}

/* ---------------------------------------------------------------------
 * Entry points
 * --------------------------------------------------------------------- */

gpuarb_status gpuarb_catalog_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                   const char *source, int32_t format, const char *provider,
                                   gpuarb_catalog **out)
{
    if (!out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "out is NULL");
    *out = NULL;
    if (!text && len)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "text is NULL");
    if (format != GPUARB_CATALOG_NATIVE && format != GPUARB_CATALOG_SKYPILOT)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "unknown catalog format %d",
                        (int)format);
    if (format == GPUARB_CATALOG_SKYPILOT && (!provider || !valid_provider(provider) ||
                                              strlen(provider) > MAX_STR))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "a SkyPilot catalog needs a lower-case provider name (aws, gcp, ...)");
    loader L;
    memset(&L, 0, sizeof L);
    L.ctx = ctx;
    L.source = source ? source : "<string>";
    ga_csv_init(&L.r, text, len, L.source, GA_CSV_COMMENTS);
    gpuarb_catalog *cat;
    gpuarb_status st = ga_catalog_new(ctx, &cat);
    if (st == GPUARB_OK)
        st = format == GPUARB_CATALOG_NATIVE ? load_native(&L, cat)
                                             : load_skypilot(&L, provider, cat);
    ga_csv_free(&L.r);
    free(L.joined);
    if (st != GPUARB_OK) {
        gpuarb_catalog_free(cat);
        return st;
    }
    *out = cat;
    return GPUARB_OK;
}

gpuarb_status gpuarb_catalog_load(gpuarb_ctx *ctx, const char *path, int32_t format,
                                  const char *provider, gpuarb_catalog **out)
{
    if (!out || !path)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "path or out is NULL");
    *out = NULL;
    char *text;
    size_t len;
    gpuarb_status st = ga_read_file(ctx, path, (size_t)1 << 30, &text, &len); /* 1 GiB */
    if (st != GPUARB_OK)
        return st;
    st = gpuarb_catalog_parse(ctx, text, len, path, format, provider, out);
    free(text);
    return st;
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
    if (q->size < offsetof(gpuarb_catalog_query, reserved))
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
    if (v >= 0)
        ga_sb_json_num(b, v);
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
        ga_sb_puts(&b, COLS[c]);
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
        csv_num(&b, o->rate);
        ga_sb_putc(&b, ',');
        if (o->capacity >= 0)
            ga_sb_printf(&b, "%lld", (long long)o->capacity);
        ga_sb_putc(&b, '\n');
    }
    return finish(ctx, &b, out);
}

static void json_opt(ga_strbuf *b, const char *key, double v)
{
    ga_sb_printf(b, ", \"%s\": ", key);
    if (v >= 0)
        ga_sb_json_num(b, v);
    else
        ga_sb_puts(b, "null");
}

gpuarb_status gpuarb_catalog_to_json(gpuarb_ctx *ctx, const gpuarb_catalog *cat, char **out)
{
    if (!cat || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "catalog or out is NULL");
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_puts(&b, "{\"offers\": [");
    for (size_t i = 0; i < cat->n; i++) {
        const ga_offer *o = &cat->v[i];
        ga_sb_puts(&b, i ? ",\n  {" : "\n  {");
        ga_sb_puts(&b, "\"provider\": ");
        ga_sb_json_str(&b, o->provider);
        ga_sb_puts(&b, ", \"region\": ");
        ga_sb_json_str(&b, o->region);
        ga_sb_puts(&b, ", \"zone\": ");
        ga_sb_json_str(&b, o->zone[0] ? o->zone : NULL);
        ga_sb_puts(&b, ", \"instance_type\": ");
        ga_sb_json_str(&b, o->instance_type);
        ga_sb_puts(&b, ", \"gpu\": ");
        ga_sb_json_str(&b, ga_gpumodel_at(o->gpu)->name);
        ga_sb_printf(&b, ", \"gpu_count\": %d", (int)o->gpu_count);
        json_opt(&b, "gpu_memory_gb", o->gpu_memory_gb);
        json_opt(&b, "vcpus", o->vcpus);
        json_opt(&b, "memory_gb", o->memory_gb);
        json_opt(&b, "price_hour", o->price);
        json_opt(&b, "spot_price_hour", o->spot);
        json_opt(&b, "interruption_rate", o->rate);
        if (o->capacity >= 0)
            ga_sb_printf(&b, ", \"capacity\": %lld}", (long long)o->capacity);
        else
            ga_sb_puts(&b, ", \"capacity\": null}");
    }
    ga_sb_puts(&b, cat->n ? "\n]}\n" : "]}\n");
    return finish(ctx, &b, out);
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
