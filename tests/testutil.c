/*
 * testutil.c - helpers shared by the cmocka test binaries; see testutil.h.
 * Test code: a helper that cannot do its job fails the running test
 * (fail_msg, assert_*) or skips it, rather than returning a status.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tu_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (gpuarb_ctx_create(&f->ctx) != GPUARB_OK) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int tu_teardown(void **state)
{
    fixture *f = *state;
    gpuarb_ctx_free(f->ctx);
    free(f);
    return 0;
}

void *tu_alloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        fail_msg("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

char *tu_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot read %s", path);
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
            char *grown = realloc(buf, cap + 1);
            if (!grown) {
                free(buf);
                fclose(fp);
                fail_msg("out of memory reading %s", path);
            }
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
    } while (got > 0);
    fclose(fp);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int tu_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **tu_list_dirs(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s (run from the repository root)", dir);
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        v[*n] = strdup(e->d_name);
        assert_non_null(v[*n]);
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

void tu_free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void tu_each_yaml_json_case(const char *root, size_t min_cases,
                            void (*fn)(void *user, const char *name, const char *yaml,
                                       const char *json),
                            void *user)
{
    size_t n;
    char **cases = tu_list_dirs(root, &n);
    if (n < min_cases)
        fail_msg("%s: %zu cases, want at least %zu", root, n, min_cases);
    for (size_t i = 0; i < n; i++) {
        char yaml[1100], json[1100];
        snprintf(yaml, sizeof yaml, "%s/%s/spec.yaml", root, cases[i]);
        snprintf(json, sizeof json, "%s/%s/spec.json", root, cases[i]);
        fn(user, cases[i], yaml, json);
    }
    tu_free_list(cases, n);
}

const char *tu_shared_path(char *buf, size_t n, const char *rel)
{
    const char *root = getenv("GPUARB_SHARED");
    if (root) {
        snprintf(buf, n, "%s/%s", root, rel);
        if (tu_exists(buf))
            return buf;
    }
    print_message("skipped: %s absent (GPUARB_SHARED=%s; make test sets ../shared/data)\n", rel,
                  root ? root : "(unset)");
    skip();
    return NULL;
}

void tu_assert_error(gpuarb_ctx *ctx, gpuarb_status got, gpuarb_status want, int32_t line,
                     int32_t col, const char *fragment)
{
    if (got != want || gpuarb_errline(ctx) != line || gpuarb_errcolumn(ctx) != col ||
        !strstr(gpuarb_errmsg(ctx), fragment))
        print_error("want %s %d:%d '%s'; got %s %d:%d '%s'\n", gpuarb_status_name(want),
                    (int)line, (int)col, fragment, gpuarb_status_name(got),
                    (int)gpuarb_errline(ctx), (int)gpuarb_errcolumn(ctx), gpuarb_errmsg(ctx));
    assert_int_equal(got, want);
    assert_int_equal(gpuarb_errline(ctx), line);
    assert_int_equal(gpuarb_errcolumn(ctx), col);
    assert_non_null(strstr(gpuarb_errmsg(ctx), fragment));
}

void tu_assert_error_exact(gpuarb_ctx *ctx, const char *what, gpuarb_status got,
                           gpuarb_status want, int32_t line, int32_t col, const char *source,
                           const char *path, const char *msg)
{
    if (got != want || gpuarb_errline(ctx) != line || gpuarb_errcolumn(ctx) != col ||
        strcmp(gpuarb_errpath(ctx), path) != 0 || strcmp(gpuarb_errmsg(ctx), msg) != 0 ||
        strcmp(gpuarb_errsource(ctx), source) != 0)
        fail_msg("%s: want %s %d:%d [%s] '%s' (%s)\n got %s %d:%d [%s] '%s' (%s)", what,
                 gpuarb_status_name(want), (int)line, (int)col, path, msg, source,
                 gpuarb_status_name(got), (int)gpuarb_errline(ctx), (int)gpuarb_errcolumn(ctx),
                 gpuarb_errpath(ctx), gpuarb_errmsg(ctx), gpuarb_errsource(ctx));
}

/* ------------------------------------------------------------------ */
/* The invalid-case runner */

typedef struct expect {
    char status[512], message[512], path[512];
    int line, column, has_path;
} expect;

static void chomp(char *s)
{
    s[strcspn(s, "\r\n")] = '\0';
}

/* Reads either form of expect file (see testutil.h); 0 when complete. */
static int read_expect(const char *file, expect *e)
{
    memset(e, 0, sizeof *e);
    e->line = e->column = -1;
    FILE *fp = fopen(file, "r");
    if (!fp)
        return -1;
    char lines[5][512] = {{0}};
    int nl = 0;
    while (nl < 5 && fgets(lines[nl], sizeof lines[nl], fp))
        chomp(lines[nl++]);
    fclose(fp);
    if (nl > 0 && strncmp(lines[0], "status ", 7) == 0) {
        for (int i = 0; i < nl; i++) {
            const char *s = lines[i];
            if (strncmp(s, "status ", 7) == 0)
                snprintf(e->status, sizeof e->status, "%s", s + 7);
            else if (strncmp(s, "line ", 5) == 0)
                e->line = atoi(s + 5);
            else if (strncmp(s, "column ", 7) == 0)
                e->column = atoi(s + 7);
            else if (strncmp(s, "message ", 8) == 0)
                snprintf(e->message, sizeof e->message, "%s", s + 8);
            else if (strncmp(s, "path ", 5) == 0) {
                snprintf(e->path, sizeof e->path, "%s", s + 5);
                e->has_path = e->path[0] != '\0';
            }
        }
        return e->status[0] && e->line >= 0 && e->column >= 0 && e->message[0] ? 0 : -1;
    }
    if (nl < 4)
        return -1;
    snprintf(e->status, sizeof e->status, "%s", lines[0]);
    e->line = atoi(lines[1]);
    e->column = atoi(lines[2]);
    snprintf(e->message, sizeof e->message, "%s", lines[3]);
    if (nl == 5) {
        e->has_path = 1;
        snprintf(e->path, sizeof e->path, "%s", strcmp(lines[4], "(none)") ? lines[4] : "");
    }
    return 0;
}

/* 0 when the case passes; prints what differs otherwise. */
static int run_case(gpuarb_ctx *ctx, const tu_invalid_kind *k, const char *name)
{
    char dir[1024], in[1300], exp[1100];
    snprintf(dir, sizeof dir, "%s/%s", k->root, name);
    in[0] = '\0';
    for (const char *const *c = k->inputs; *c; c++) {
        snprintf(in, sizeof in, "%s/%s", dir, *c);
        if (tu_exists(in))
            break;
    }
    snprintf(exp, sizeof exp, "%s/expect", dir);
    expect e;
    if (read_expect(exp, &e) != 0) {
        print_error("%s: no or unreadable expect file\n", name);
        return 1;
    }
    int made = 0;
    gpuarb_status st = k->load(ctx, in, NULL, 0, &made);
    int ok = st != GPUARB_OK && !made && strcmp(gpuarb_status_name(st), e.status) == 0 &&
             gpuarb_errline(ctx) == e.line && gpuarb_errcolumn(ctx) == e.column &&
             strstr(gpuarb_errmsg(ctx), e.message) != NULL &&
             strcmp(gpuarb_errsource(ctx), in) == 0 &&
             (!e.has_path || strcmp(gpuarb_errpath(ctx), e.path) == 0);
    if (!ok) {
        print_error("%s: want %s %d:%d '%s' path '%s'\n    got  %s%s %d:%d '%s' path '%s' (%s)\n",
                    name, e.status, e.line, e.column, e.message, e.has_path ? e.path : "*",
                    gpuarb_status_name(st), made ? " (and an object)" : "",
                    (int)gpuarb_errline(ctx), (int)gpuarb_errcolumn(ctx), gpuarb_errmsg(ctx),
                    gpuarb_errpath(ctx), gpuarb_errsource(ctx));
        return 1;
    }
    if (!k->from_memory)
        return 0;
    /* from memory: the same status and position, under the given name */
    size_t len;
    char *text = tu_slurp(in, &len);
    st = k->load(ctx, in, text, len, &made);
    free(text);
    if (strcmp(gpuarb_status_name(st), e.status) != 0 || gpuarb_errline(ctx) != e.line ||
        gpuarb_errcolumn(ctx) != e.column || strcmp(gpuarb_errsource(ctx), "mem") != 0) {
        print_error("%s: from memory got %s %d:%d\n", name, gpuarb_status_name(st),
                    (int)gpuarb_errline(ctx), (int)gpuarb_errcolumn(ctx));
        return 1;
    }
    return 0;
}

void tu_run_invalid(gpuarb_ctx *ctx, const tu_invalid_kind *k)
{
    size_t n;
    char **cases = tu_list_dirs(k->root, &n);
    int failures = 0;
    for (size_t i = 0; i < n; i++)
        failures += run_case(ctx, k, cases[i]);
    tu_free_list(cases, n);
    if (n < k->min_cases)
        fail_msg("%s: %zu cases, want at least %zu", k->root, n, k->min_cases);
    assert_int_equal(failures, 0);
}

uint64_t tu_rng_next(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

gpuarb_sim_config *tu_sim_config(gpuarb_ctx *ctx, const char *yaml)
{
    gpuarb_sim_config *c = NULL;
    gpuarb_status st = gpuarb_sim_config_parse(ctx, yaml, strlen(yaml), "sim.yaml", NULL, &c);
    if (st)
        fprintf(stderr, "config: %s\n", gpuarb_errfull(ctx));
    assert_int_equal(st, GPUARB_OK);
    return c;
}

gpuarb_trace *tu_trace(gpuarb_ctx *ctx, const char *csv)
{
    gpuarb_trace *t = NULL;
    gpuarb_status st = gpuarb_trace_parse(ctx, csv, strlen(csv), "t.csv", GPUARB_TRACE_NATIVE,
                                          NULL, 0, &t);
    if (st)
        fprintf(stderr, "trace: %s\n", gpuarb_errfull(ctx));
    assert_int_equal(st, GPUARB_OK);
    return t;
}

size_t tu_offer_row(char *buf, size_t n, const char *prov, int reg, int id, const char *gpu,
                    int gpc, double price, double spot, double rate, int cap)
{
    char sp[32] = "", cp[16] = "";
    if (spot >= 0)
        snprintf(sp, sizeof sp, "%.17g", spot);
    if (cap >= 0)
        snprintf(cp, sizeof cp, "%d", cap);
    return (size_t)snprintf(buf, n, "%s,r%d,,t%d,%s,%d,%.17g,%s,%.17g,%s\n", prov, reg, id, gpu,
                            gpc, price, sp, rate, cp);
}
