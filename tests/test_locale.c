/*
 * test_locale.c - the library reads and writes numbers the same way whatever
 * LC_NUMERIC the host program set.
 *
 * Each check builds one text from the public API (loaders, solvers and every
 * writer, errors included) once under the "C" locale and once under
 * de_DE.UTF-8, whose decimal point is ',', and asserts the two texts are
 * byte for byte equal.  The C run is the reference: no expected output is
 * written here, only "the same as in C".  Two more checks pin values by
 * hand: decimals load as the decimals written, and the base layer's
 * formatters and parser under de_DE (leaving the host's locale as it was).
 *
 * Set-up: when the machine lacks de_DE.UTF-8 the test compiles it with
 * localedef (package "locales") into a temporary folder and re-runs itself
 * with LOCPATH pointing there (glibc reads LOCPATH when a locale is first
 * loaded, so it has to be set in a fresh process).  When that is impossible
 * every check is skipped with a message saying why.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#include "base/internal.h"

#define DE "de_DE.UTF-8"
#define CHILD_ENV "GPUARB_TEST_LOCALE_CHILD"

static int have_de; /* 1 when setlocale(LC_ALL, DE) works in this process */

/* ---------------------------------------------------------------------
 * Text accumulation: every output and every error goes into one string.
 * --------------------------------------------------------------------- */

typedef struct text {
    char *s;
    size_t n;
} text;

static void put(text *t, const char *s)
{
    size_t k = strlen(s);
    char *p = realloc(t->s, t->n + k + 1);
    assert_non_null(p);
    memcpy(p + t->n, s, k + 1);
    t->s = p;
    t->n += k;
}

/* Append "label: OK\n<out>" or "label: status <st>: <errmsg>\n". */
static void note(text *t, const char *label, gpuarb_status st, gpuarb_ctx *ctx, char *out)
{
    char head[64];
    snprintf(head, sizeof head, "== %s: %d\n", label, (int)st);
    put(t, head);
    if (st != GPUARB_OK) {
        put(t, gpuarb_errfull(ctx));
        put(t, "\n");
    } else if (out) {
        put(t, out);
        put(t, "\n");
    }
    gpuarb_free(out);
}

/* Appends what one writer makes of obj: note(t, label, fn(ctx, obj, &out)). */
#define NOTE_OUT(t, ctx, label, fn, obj)                                                     \
    do {                                                                                     \
        char *out_ = NULL;                                                                   \
        gpuarb_status st_ = fn(ctx, obj, &out_);                                             \
        note(t, label, st_, ctx, out_);                                                      \
    } while (0)

/* Timings differ between runs: replace the number after `_ms":` and the
 * number before " ms" by '#'.  Everything else is compared as written. */
static char *mask_timings(const char *s)
{
    size_t n = strlen(s);
    char *o = tu_alloc(n + 1, 1);
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        if (strncmp(s + i, "_ms\":", 5) == 0) {
            memcpy(o + j, s + i, 5);
            i += 5, j += 5;
            while (i < n && s[i] == ' ')
                o[j++] = s[i++];
            o[j++] = '#';
            while (i < n && strchr("0123456789.,eE+-", s[i]))
                i++;
            continue;
        }
        if (strncmp(s + i, " ms", 3) == 0) {
            while (j > 0 && strchr("0123456789.,", o[j - 1]))
                j--;
            o[j++] = '#';
        }
        o[j++] = s[i++];
    }
    o[j] = '\0';
    return o;
}

/* ---------------------------------------------------------------------
 * The inputs
 * --------------------------------------------------------------------- */

static const char NATIVE_CSV[] =
    "provider,region,zone,instance_type,gpu,gpu_count,gpu_memory_gb,vcpus,memory_gb,"
    "price_hour,spot_price_hour,interruption_rate,capacity\n"
    "aws,us-east-1,use1-az2,p5.48xlarge,H100,8,80.5,192,2048.25,98.32,39.3275,0.125,3\n"
    "gcp,europe-west4,,a2-ultragpu-1g,A100-80GB,1,80,12,170.5,5.0688,1.5e0,.05,\n"
    "lambda,us-west-1,,gpu_1x_a10,A10,1,24,30,200,0.75,,,\n";

/* The same value spelt the comma way must be refused, in every locale. */
static const char NATIVE_CSV_COMMA[] =
    "provider,region,instance_type,gpu,gpu_count,price_hour\n"
    "aws,us-east-1,p5.48xlarge,H100,8,\"98,32\"\n";

static const char SKY_CSV[] =
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region,"
    "AvailabilityZone\n"
    "p4d.24xlarge,A100,8.0,96.0,1152.0,32.7726,12.3456,us-east-1,us-east-1a\n"
    "g5.xlarge,A10G,1,4,16.5,1.006,0.4012,us-west-2,us-west-2b\n"
    "g4dn.xlarge,T4,1,4,16,0.526,1.58e-1,eu-west-1,eu-west-1c\n";

static const char SPEC_YAML[] =
    "version: 1\n"
    "catalog: builtin\n"
    "objective: min_cost\n"
    "horizon_hours: 2.5\n"
    "time_limit_s: 30.5\n"
    "constraints:\n"
    "  max_provider_share: 0.75\n"
    "workloads:\n"
    "  - name: train\n"
    "    gpus: 4\n"
    "    gpu: [H100, A100-80GB]\n"
    "    spot: allow\n"
    "    checkpoint_minutes: 12.5\n"
    "    throughput: {H100: 1.75}\n"
    "  - name: serve\n"
    "    gpus: 2\n"
    "    gpu: [L4, A10]\n";

static const char SPEC_JSON[] =
    "{\"version\": 1, \"catalog\": \"builtin\", \"objective\": \"max_throughput\",\n"
    " \"horizon_hours\": 1.25, \"budget_per_hour\": 40.5, \"time_limit_s\": 30.5,\n"
    " \"workloads\": [{\"name\": \"a\", \"gpus\": 4, \"gpu\": [\"H100\", \"A100-80GB\"],\n"
    "                \"throughput\": {\"H100\": 2.25}, \"checkpoint_minutes\": 7.5}]}\n";

/* A value out of range: the error message shows a decimal number. */
static const char SPEC_BAD[] =
    "version: 1\ncatalog: builtin\nconstraints:\n  max_provider_share: 1.5\n"
    "workloads:\n  - {name: a, gpus: 1}\n";

static const char PACK_YAML[] =
    "version: 1\n"
    "nodes:\n"
    "  - {name: big, gpus: 8, cpus: 32.5, memory_gb: 1024.75, cost_hour: 14.25}\n"
    "  - {name: small, gpus: 2, cpus: 16, memory_gb: 64.5, cost_hour: 1.5}\n"
    "items:\n"
    "  - {name: pretrain, gpus: 8, cpus: 24.5, memory_gb: 800.25}\n"
    "  - {name: infer, gpus: 1, cpus: 3.5, memory_gb: 24.5, count: 4}\n"
    "objective: min_cost\n";

static const char BPP_TEXT[] = "6\n100\n42\n37\n61\n25\n50\n18\n";

/* ---------------------------------------------------------------------
 * One scenario each: all outputs of one input as one text
 * --------------------------------------------------------------------- */

static void catalog_writers(text *t, gpuarb_ctx *ctx, const char *label, gpuarb_status st,
                            gpuarb_catalog *cat)
{
    note(t, label, st, ctx, NULL);
    if (st != GPUARB_OK)
        return;
    NOTE_OUT(t, ctx, "csv", gpuarb_catalog_to_csv, cat);
    NOTE_OUT(t, ctx, "json", gpuarb_catalog_to_json, cat);
    NOTE_OUT(t, ctx, "table", gpuarb_catalog_to_table, cat);
    gpuarb_catalog_free(cat);
}

static void run_catalogs(text *t, gpuarb_ctx *ctx)
{
    gpuarb_catalog *cat = NULL;
    gpuarb_status st = gpuarb_catalog_builtin(ctx, &cat);
    catalog_writers(t, ctx, "builtin", st, cat);
    cat = NULL;
    st = gpuarb_catalog_parse(ctx, NATIVE_CSV, strlen(NATIVE_CSV), "native.csv",
                              GPUARB_CATALOG_NATIVE, NULL, &cat);
    catalog_writers(t, ctx, "native", st, cat);
    cat = NULL;
    st = gpuarb_catalog_parse(ctx, NATIVE_CSV_COMMA, strlen(NATIVE_CSV_COMMA), "comma.csv",
                              GPUARB_CATALOG_NATIVE, NULL, &cat);
    catalog_writers(t, ctx, "native comma", st, cat);
    cat = NULL;
    st = gpuarb_catalog_parse(ctx, SKY_CSV, strlen(SKY_CSV), "vms.csv", GPUARB_CATALOG_SKYPILOT,
                              "aws", &cat);
    catalog_writers(t, ctx, "skypilot", st, cat);
}

static void run_spec(text *t, gpuarb_ctx *ctx, const char *label, const char *src,
                     int solve)
{
    gpuarb_spec *spec = NULL;
    gpuarb_status st = gpuarb_spec_parse(ctx, src, strlen(src), label, NULL, &spec);
    note(t, label, st, ctx, NULL);
    if (st != GPUARB_OK)
        return;
    NOTE_OUT(t, ctx, "spec json", gpuarb_spec_to_json, spec);
    if (solve) {
        gpuarb_optimize_opts o;
        gpuarb_optimize_opts_init(&o);
        gpuarb_result *res = NULL;
        st = gpuarb_optimize(ctx, spec, NULL, &o, &res);
        note(t, "optimize", st, ctx, NULL);
        if (st == GPUARB_OK) {
            NOTE_OUT(t, ctx, "result json", gpuarb_result_to_json, res);
            NOTE_OUT(t, ctx, "result table", gpuarb_result_to_table, res);
        }
        gpuarb_result_free(res);
    }
    gpuarb_spec_free(spec);
}

static void run_pack(text *t, gpuarb_ctx *ctx, const char *label, gpuarb_status st,
                     gpuarb_pack_problem *prob)
{
    note(t, label, st, ctx, NULL);
    if (st != GPUARB_OK)
        return;
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.time_limit_ms = 0;
    gpuarb_pack_result *res = NULL;
    st = gpuarb_pack_solve(ctx, prob, &o, &res);
    note(t, "solve", st, ctx, NULL);
    if (st == GPUARB_OK) {
        NOTE_OUT(t, ctx, "pack json", gpuarb_pack_result_to_json, res);
        NOTE_OUT(t, ctx, "pack table", gpuarb_pack_result_to_table, res);
    }
    gpuarb_pack_result_free(res);
    gpuarb_pack_problem_free(prob);
}

enum { S_CATALOGS, S_SPECS, S_PACK };

static char *scenario(int which)
{
    gpuarb_ctx *ctx = NULL;
    assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
    text t = {NULL, 0};
    put(&t, "");
    if (which == S_CATALOGS) {
        run_catalogs(&t, ctx);
    } else if (which == S_SPECS) {
        run_spec(&t, ctx, "spec.yaml", SPEC_YAML, 1);
        run_spec(&t, ctx, "spec.json", SPEC_JSON, 1);
        run_spec(&t, ctx, "bad.yaml", SPEC_BAD, 0);
    } else {
        gpuarb_pack_problem *prob = NULL;
        gpuarb_status st =
            gpuarb_pack_spec_parse(ctx, PACK_YAML, strlen(PACK_YAML), "pack.yaml", &prob);
        run_pack(&t, ctx, "pack.yaml", st, prob);
        prob = NULL;
        st = gpuarb_pack_bpp_parse(ctx, BPP_TEXT, strlen(BPP_TEXT), "bpp.txt", &prob);
        run_pack(&t, ctx, "bpp.txt", st, prob);
    }
    gpuarb_ctx_free(ctx);
    char *m = mask_timings(t.s);
    free(t.s);
    return m;
}

/* The scenario under C, then under de_DE; the texts must be equal. */
static void same_as_c(int which)
{
    if (!have_de) {
        fprintf(stderr, "[  SKIPPED ] de_DE.UTF-8 is not installed and localedef could not "
                        "build it (install the Debian package 'locales')\n");
        skip();
    }
    assert_non_null(setlocale(LC_ALL, "C"));
    char *ref = scenario(which);
    assert_non_null(setlocale(LC_ALL, DE));
    assert_string_equal(localeconv()->decimal_point, ",");
    char *de = scenario(which);
    assert_non_null(setlocale(LC_ALL, "C"));
    assert_non_null(strstr(ref, ".")); /* the reference does hold decimals */
    if (strcmp(de, ref) != 0) {
        size_t i = 0;
        while (de[i] == ref[i])
            i++;
        size_t from = i > 200 ? i - 200 : 0;
        fprintf(stderr, "first difference at byte %zu\n--- C:\n%.300s\n--- " DE ":\n%.300s\n",
                i, ref + from, de + from);
        fail_msg("the output under " DE " differs from the output under C");
    }
    free(ref);
    free(de);
}

static void catalogs_same_as_c(void **state)
{
    (void)state;
    same_as_c(S_CATALOGS);
}

static void specs_and_results_same_as_c(void **state)
{
    (void)state;
    same_as_c(S_SPECS);
}

static void packing_same_as_c(void **state)
{
    (void)state;
    same_as_c(S_PACK);
}

/* The reference itself is right: decimals load as decimals (a check that
 * does not depend on the C run alone being trusted). */
static void decimals_load_as_decimals(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    if (!have_de)
        skip();
    assert_non_null(setlocale(LC_ALL, DE));
    gpuarb_catalog *cat = NULL;
    assert_int_equal(gpuarb_catalog_builtin(ctx, &cat), GPUARB_OK);
    gpuarb_catalog_free(cat);
    cat = NULL;
    assert_int_equal(gpuarb_catalog_parse(ctx, NATIVE_CSV, strlen(NATIVE_CSV), "native.csv",
                                          GPUARB_CATALOG_NATIVE, NULL, &cat),
                     GPUARB_OK);
    gpuarb_offer o;
    assert_int_equal(gpuarb_catalog_offer(cat, 0, &o), GPUARB_OK);
    assert_true(o.price_hour == 98.32);
    assert_true(o.spot_price_hour == 39.3275);
    assert_true(o.interruption_rate == 0.125);
    assert_int_equal(gpuarb_catalog_offer(cat, 1, &o), GPUARB_OK);
    assert_true(o.spot_price_hour == 1.5);
    assert_true(o.interruption_rate == 0.05);
    gpuarb_catalog_free(cat);
    assert_non_null(setlocale(LC_ALL, "C"));
}

/* The base layer's own formatters and parser under de_DE, and the host's
 * locale left as it was after each call. */
static void base_helpers_under_de(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    if (!have_de)
        skip();
    assert_non_null(setlocale(LC_ALL, DE));
    char buf[64];
    assert_int_equal(ga_snprintf_c(buf, sizeof buf, "%.3f %g", 1.5, 0.25), 10);
    assert_string_equal(buf, "1.500 0.25");
    assert_string_equal(localeconv()->decimal_point, ","); /* restored */
    ga_fmt_double(buf, 0.1);
    assert_string_equal(buf, "0.1");
    ga_fmt_double(buf, 1e-5);
    assert_string_equal(buf, "0.00001");
    double v = 0;
    assert_int_equal(ga_parse_double("8.5", 3, &v), GA_NUM_OK);
    assert_true(v == 8.5);
    assert_int_equal(ga_parse_double("8,5", 3, &v), GA_NUM_SYNTAX);
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_printf(&b, "%.2f|%5.1f", 2.5, 10.25);
    char *s = ga_sb_take(&b);
    assert_string_equal(s, "2.50| 10.2");
    free(s);
    ga_error(ctx, GPUARB_ERR_INPUT, NULL, 0, 0, NULL, "got %g", 0.5);
    assert_string_equal(gpuarb_errmsg(ctx), "got 0.5");
    assert_string_equal(localeconv()->decimal_point, ",");
    assert_non_null(setlocale(LC_ALL, "C"));
}

/* ---------------------------------------------------------------------
 * Set-up: find or build de_DE.UTF-8
 * --------------------------------------------------------------------- */

/* Does setlocale(LC_ALL, DE) work?  Asked in a child so that this process
 * has not loaded any locale yet (LOCPATH may still change). */
static int probe_de(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0)
        _exit(setlocale(LC_ALL, DE) ? 0 : 1);
    int ws;
    return waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

static int run_quiet(char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        FILE *null = freopen("/dev/null", "w", stdout);
        (void)null;
        null = freopen("/dev/null", "w", stderr);
        (void)null;
        execvp(argv[0], argv);
        _exit(127);
    }
    int ws;
    if (waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws))
        return -1;
    return WEXITSTATUS(ws);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* rm -r dir, without a shell. */
static void remove_tree(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int run_checks(void)
{
    have_de = setlocale(LC_ALL, DE) != NULL;
    setlocale(LC_ALL, "C");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalogs_same_as_c),
        cmocka_unit_test(specs_and_results_same_as_c),
        cmocka_unit_test(packing_same_as_c),
        TU_TEST(decimals_load_as_decimals),
        TU_TEST(base_helpers_under_de),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

int main(int argc, char **argv)
{
    (void)argc;
    if (getenv(CHILD_ENV) || probe_de())
        return run_checks();
    /* Build the locale into a temporary folder and run again with LOCPATH. */
    char dir[] = "/tmp/gpuarb-locale-XXXXXX";
    if (!mkdtemp(dir))
        return run_checks();
    char target[sizeof dir + 32];
    snprintf(target, sizeof target, "%s/%s", dir, DE);
    char *ldef[] = {"localedef", "-i", "de_DE", "-f", "UTF-8", target, NULL};
    int rc = run_quiet(ldef);
    struct stat stt;
    if ((rc == 0 || rc == 1) && stat(target, &stt) == 0) { /* 1: warnings only */
        pid_t pid = fork();
        if (pid == 0) {
            setenv("LOCPATH", dir, 1);
            setenv(CHILD_ENV, "1", 1);
            execv("/proc/self/exe", argv);
            _exit(127);
        }
        int ws = 0;
        int ok = pid > 0 && waitpid(pid, &ws, 0) == pid;
        remove_tree(dir);
        if (ok && WIFEXITED(ws) && WEXITSTATUS(ws) != 127)
            return WEXITSTATUS(ws);
        return 1;
    }
    remove_tree(dir);
    return run_checks();
}
