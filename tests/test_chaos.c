/*
 * test_chaos.c - every public entry point under allocation failure.
 *
 * The shim (chaos_shim.c, linked into this executable) makes the n-th
 * allocation request fail, or every request from the n-th on, for the
 * library and for GLPK, libyaml, jansson and libc alike.  Each entry point
 * runs on a small input for n = 1, 2, ... until a run completes without
 * reaching the failure point.  The rule (jansson's test_chaos, and issue 14):
 * every run ends in exactly the answer of an unfailed run (its JSON or text
 * compared byte for byte, timings excluded) or in GPUARB_ERR_NOMEM, and
 * leaks nothing (the shim counts outstanding blocks; ASan's leak check runs
 * at exit under make check-asan).  Only the call under test is armed: its
 * inputs are built before and its outputs rendered after, unfailed.
 *
 * make test tries every n up to CHAOS_DENSE, then a stride that keeps each
 * entry point under about CHAOS_DENSE more runs; CHAOS_FULL=1 (make
 * check-chaos, CI) tries every n.  The table printed at the end (also by
 * make bench) gives, per entry point: failure points tried, clean answers,
 * GPUARB_ERR_NOMEM, and other outcomes (each a bug, printed as found).
 *
 * Also here, because they need the shim: a host program that uses GLPK
 * keeps its terminal hook and its problem through gpuarb_optimize calls
 * that fail inside GLPK (issue 14, finding 7), and a file opened while
 * memory is short is GPUARB_ERR_NOMEM, not bad input (finding 2).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glpk.h>

#include "testutil.h"
#include "glpk_host.h"

#include "chaos.h"

#define DATA "tests/data/cli/"
#define CHAOS_DENSE 250
#define CHAOS_MAX_SECONDS 300.0 /* per entry point: a bound, never a timing test */

/* ---- the current failure point, armed only around the call under test ---- */

static int cur_mode;
static int64_t cur_n;

static void arm(void)
{
    if (cur_mode != CHAOS_OFF)
        chaos_arm(cur_mode, cur_n);
}

static void disarm(void)
{
    chaos_disarm();
}

/* ---- rendering: outputs as text, timings masked ---- */

/* A copy of s with every timing replaced by "T": the number after
 * "solve_ms": and any number written just before " ms". */
static char *mask_timings(const char *s)
{
    size_t n = strlen(s);
    char *d = tu_alloc(n + 1, 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (strncmp(s + i, "\"solve_ms\":", 11) == 0) {
            memcpy(d + o, s + i, 11);
            o += 11;
            i += 11;
            while (s[i] == ' ')
                d[o++] = s[i++];
            while (s[i] && strchr("0123456789.eE+-", s[i]))
                i++;
            d[o++] = 'T';
            continue;
        }
        if (isdigit((unsigned char)s[i])) {
            size_t j = i;
            while (isdigit((unsigned char)s[j]) || s[j] == '.')
                j++;
            if (strncmp(s + j, " ms", 3) == 0) {
                d[o++] = 'T';
            } else {
                memcpy(d + o, s + i, j - i);
                o += j - i;
            }
            i = j;
            continue;
        }
        d[o++] = s[i++];
    }
    d[o] = '\0';
    return d;
}

/* The optimize JSON's "stats" object counts the model's columns and rows:
 * a reduction skipped for lack of memory may leave more of them while the
 * plan stays the same, so it is masked like a timing (as is "nodes"). */
static void mask_stats(char *t)
{
    char *p = strstr(t, "\"stats\":{");
    if (!p)
        return;
    char *e = strchr(p, '}');
    if (!e)
        return;
    memmove(p + 9, e, strlen(e) + 1);
}

/* Takes a library-allocated string: its masked copy (test memory). */
static char *take(char *lib_text)
{
    assert_non_null(lib_text);
    char *t = mask_timings(lib_text);
    gpuarb_free(lib_text);
    mask_stats(t);
    return t;
}

/* ---- the entry points: each builds its inputs, arms, calls, disarms,
 * renders and frees everything; *text is the rendered answer on
 * GPUARB_OK (free it), NULL otherwise. ---- */

typedef gpuarb_status (*case_fn)(gpuarb_ctx *ctx, const void *arg, char **text);

/* What a case's runs found; in memory shared with the forked children. */
typedef struct chaos_tally {
    int64_t requests;                 /* made by an unfailed run */
    int64_t tried, clean, nomem, other, aborts;
    int64_t known;                    /* outcomes that match the case's known bug */
    int cur_mode;                     /* the failure point being run */
    int64_t cur_n;
    int done;                         /* the child got through every point */
} chaos_tally;

typedef struct chaos_case {
    const char *name;
    case_fn fn;
    const void *arg;
    /* A bug in code this task does not own, found by this harness and
     * reported to its owner (see known_bug): outcomes that match it are
     * printed and counted as "known" and do not fail the test; anything
     * else still does. */
    const struct known_bug *known;
    chaos_tally *t;
} chaos_case;

static gpuarb_catalog *cat3(gpuarb_ctx *ctx)
{
    gpuarb_catalog *c = NULL;
    assert_int_equal(gpuarb_catalog_load(ctx, DATA "cat3.csv", GPUARB_CATALOG_NATIVE, NULL, &c),
                     GPUARB_OK);
    return c;
}

static char *catalog_text(gpuarb_ctx *ctx, gpuarb_catalog *c)
{
    char *s = NULL;
    assert_int_equal(gpuarb_catalog_to_json(ctx, c, &s), GPUARB_OK);
    return take(s);
}

static gpuarb_status c_ctx_create(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)ctx;
    (void)arg;
    gpuarb_ctx *c = NULL;
    arm();
    gpuarb_status st = gpuarb_ctx_create(&c);
    disarm();
    if (st == GPUARB_OK) {
        assert_non_null(c);
        *text = mask_timings("ctx");
    }
    gpuarb_ctx_free(c);
    return st;
}

static gpuarb_status c_catalog_load(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    gpuarb_catalog *c = NULL;
    arm();
    gpuarb_status st = gpuarb_catalog_load(ctx, DATA "cat3.csv", GPUARB_CATALOG_NATIVE, NULL, &c);
    disarm();
    if (st == GPUARB_OK)
        *text = catalog_text(ctx, c);
    gpuarb_catalog_free(c);
    return st;
}

static const char SKYPILOT_CSV[] =
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region,"
    "AvailabilityZone\n"
    "p4d.24xlarge,A100,8,96,1152,32.77,12.5,us-east-1,us-east-1a\n"
    "p4d.24xlarge,A100,8,96,1152,32.77,12.5,us-east-1,us-east-1b\n"
    "g5.xlarge,A10G,1,4,16,1.006,0.4,us-west-2,us-west-2a\n";

static gpuarb_status c_catalog_parse(gpuarb_ctx *ctx, const void *arg, char **text)
{
    int sky = arg != NULL;
    gpuarb_catalog *c = NULL;
    size_t len = 0;
    char *src = sky ? NULL : tu_slurp(DATA "cat3.csv", &len);
    arm();
    gpuarb_status st =
        sky ? gpuarb_catalog_parse(ctx, SKYPILOT_CSV, sizeof SKYPILOT_CSV - 1, "vms.csv",
                                   GPUARB_CATALOG_SKYPILOT, "aws", &c)
            : gpuarb_catalog_parse(ctx, src, len, "cat3.csv", GPUARB_CATALOG_NATIVE, NULL, &c);
    disarm();
    free(src);
    if (st == GPUARB_OK)
        *text = catalog_text(ctx, c);
    gpuarb_catalog_free(c);
    return st;
}

/* "skypilot:aws:" and a file holding SKYPILOT_CSV, written by main. */
static char sky_path[64], sky_ref[96];

static gpuarb_status c_catalog_builtin(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    gpuarb_catalog *c = NULL;
    arm();
    gpuarb_status st = gpuarb_catalog_builtin(ctx, &c);
    disarm();
    if (st == GPUARB_OK)
        *text = catalog_text(ctx, c);
    gpuarb_catalog_free(c);
    return st;
}

static gpuarb_status c_catalog_ref(gpuarb_ctx *ctx, const void *arg, char **text)
{
    gpuarb_catalog *c = NULL;
    arm();
    gpuarb_status st = gpuarb_catalog_load_ref(ctx, arg, DATA, NULL, &c);
    disarm();
    if (st == GPUARB_OK)
        *text = catalog_text(ctx, c);
    gpuarb_catalog_free(c);
    return st;
}

enum { Q_SELECT, Q_MERGE, Q_APPEND, Q_JSON, Q_CSV, Q_TABLE, Q_CHECK };

static gpuarb_status c_catalog_query(gpuarb_ctx *ctx, const void *arg, char **text)
{
    int what = *(const int *)arg;
    gpuarb_catalog *src = NULL, *c = NULL;
    assert_int_equal(gpuarb_catalog_load(ctx, "tests/data/catalog/select.csv",
                                         GPUARB_CATALOG_NATIVE, NULL, &src),
                     GPUARB_OK);
    gpuarb_catalog_query q;
    gpuarb_catalog_query_init(&q);
    q.sort = GPUARB_SORT_PRICE_PER_GPU;
    char *s = NULL;
    gpuarb_status st = GPUARB_OK;
    if (what == Q_APPEND)
        c = cat3(ctx);
    arm();
    switch (what) {
    case Q_SELECT: st = gpuarb_catalog_select(ctx, src, &q, &c); break;
    case Q_MERGE: st = gpuarb_catalog_merge_zones(ctx, src, &c); break;
    case Q_APPEND: st = gpuarb_catalog_append(ctx, c, src); break;
    case Q_JSON: st = gpuarb_catalog_to_json(ctx, src, &s); break;
    case Q_CSV: st = gpuarb_catalog_to_csv(ctx, src, &s); break;
    case Q_TABLE: st = gpuarb_catalog_to_table(ctx, src, &s); break;
    case Q_CHECK: st = gpuarb_catalog_check(ctx, src, GPUARB_CHECK_JSON, &s, NULL); break;
    }
    disarm();
    if (st == GPUARB_OK)
        *text = c ? catalog_text(ctx, c) : take(s);
    else
        gpuarb_free(s);
    gpuarb_catalog_free(c);
    gpuarb_catalog_free(src);
    return st;
}

static char *spec_text(gpuarb_ctx *ctx, const gpuarb_spec *spec)
{
    char *s = NULL;
    assert_int_equal(gpuarb_spec_to_json(ctx, spec, &s), GPUARB_OK);
    return take(s);
}

static gpuarb_status c_spec_load(gpuarb_ctx *ctx, const void *arg, char **text)
{
    gpuarb_spec *spec = NULL;
    arm();
    gpuarb_status st = gpuarb_spec_load(ctx, arg, &spec);
    disarm();
    if (st == GPUARB_OK)
        *text = spec_text(ctx, spec);
    gpuarb_spec_free(spec);
    return st;
}

/* Specs given as text (base directory tests/data/cli). */
static const char GANG_SPEC[] =
    "# 16 A100s in one region (a DDP gang): lambda has capacity 1, so the gang\n"
    "# goes to gcp (2 x 29 = 58 $/h) rather than aws (2 x 32 = 64).\n"
    "version: 1\n"
    "catalog: cat3.csv\n"
    "workloads:\n"
    "  - {name: ddp, gpus: 16, gpu: [A100], same_region: true}\n"
    "  - {name: eval, gpus: 8}\n";

static const char EGRESS_JSON[] =
    "{\"version\": 1, \"catalog\": \"cat3.csv\", \"horizon_hours\": 2,\n"
    " \"egress_per_gb\": {\"same_provider\": 0.01, \"other_provider\": 0.5},\n"
    " \"constraints\": {\"providers\": {\"deny\": [\"lambda\"]}},\n"
    " \"workloads\": [{\"name\": \"w\", \"gpus\": 8,\n"
    "   \"data\": {\"provider\": \"gcp\", \"region\": \"us-central1\", \"gb\": 10}}]}\n";

static gpuarb_status c_spec_parse(gpuarb_ctx *ctx, const void *arg, char **text)
{
    const char *src = arg;
    gpuarb_spec *spec = NULL;
    arm();
    gpuarb_status st = gpuarb_spec_parse(ctx, src, strlen(src), "mem", DATA, &spec);
    disarm();
    if (st == GPUARB_OK)
        *text = spec_text(ctx, spec);
    gpuarb_spec_free(spec);
    return st;
}

static gpuarb_status c_spec_to_json(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    gpuarb_spec *spec = NULL;
    assert_int_equal(gpuarb_spec_load(ctx, DATA "share.yaml", &spec), GPUARB_OK);
    char *s = NULL;
    arm();
    gpuarb_status st = gpuarb_spec_to_json(ctx, spec, &s);
    disarm();
    if (st == GPUARB_OK)
        *text = take(s);
    gpuarb_spec_free(spec);
    return st;
}

/* A spec by file name, or by text when it starts with '#' or '{'. */
static gpuarb_spec *load_spec(gpuarb_ctx *ctx, const char *which)
{
    gpuarb_spec *spec = NULL;
    gpuarb_status st = which[0] == '#' || which[0] == '{'
                           ? gpuarb_spec_parse(ctx, which, strlen(which), "mem", DATA, &spec)
                           : gpuarb_spec_load(ctx, which, &spec);
    if (st)
        fail_msg("%s: %s", which, gpuarb_errfull(ctx));
    return spec;
}

static char *result_text(gpuarb_ctx *ctx, const gpuarb_result *r)
{
    char *s = NULL;
    assert_int_equal(gpuarb_result_to_json(ctx, r, &s), GPUARB_OK);
    return take(s);
}

typedef struct opt_arg {
    const char *spec;
    int borrowed_catalog; /* 1: pass cat3.csv loaded before; 0: the spec's */
    int explain;          /* opts.explain (alternatives) */
} opt_arg;

static gpuarb_status c_optimize(gpuarb_ctx *ctx, const void *arg, char **text)
{
    const opt_arg *a = arg;
    gpuarb_spec *spec = load_spec(ctx, a->spec);
    gpuarb_catalog *cat = a->borrowed_catalog ? cat3(ctx) : NULL;
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.explain = a->explain;
    gpuarb_result *r = NULL;
    arm();
    gpuarb_status st = gpuarb_optimize(ctx, spec, cat, &o, &r);
    disarm();
    if (st == GPUARB_OK)
        *text = result_text(ctx, r);
    gpuarb_result_free(r);
    gpuarb_catalog_free(cat);
    gpuarb_spec_free(spec);
    return st;
}

/* "skypilot:aws:" and a file holding SKYPILOT_CSV, and the path
 * write_model writes to; both made by main. */
static char lp_path[64];

/* optimize with write_model: the answer is the plan and the model file. */
static gpuarb_status c_optimize_write(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    gpuarb_spec *spec = load_spec(ctx, DATA "share.yaml");
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.write_model = lp_path;
    remove(lp_path);
    gpuarb_result *r = NULL;
    arm();
    gpuarb_status st = gpuarb_optimize(ctx, spec, NULL, &o, &r);
    disarm();
    if (st == GPUARB_OK) {
        char *plan = result_text(ctx, r);
        size_t n = 0;
        char *model = tu_slurp(lp_path, &n);
        *text = tu_alloc(strlen(plan) + n + 2, 1);
        sprintf(*text, "%s\n%s", plan, model);
        free(plan);
        free(model);
    }
    gpuarb_result_free(r);
    gpuarb_spec_free(spec);
    return st;
}

enum { R_JSON, R_TABLE, R_ROWS, R_K8S, R_KUEUE, R_SKYPILOT };

static gpuarb_status c_result_out(gpuarb_ctx *ctx, const void *arg, char **text)
{
    int what = *(const int *)arg;
    gpuarb_spec *spec = load_spec(ctx, DATA "plan.yaml");
    gpuarb_result *r = NULL;
    assert_int_equal(gpuarb_optimize(ctx, spec, NULL, NULL, &r), GPUARB_OK);
    char *s = NULL, rows[512] = "";
    gpuarb_status st = GPUARB_OK;
    arm();
    if (what == R_JSON) {
        st = gpuarb_result_to_json(ctx, r, &s);
    } else if (what == R_TABLE) {
        st = gpuarb_result_to_table(ctx, r, &s);
    } else if (what >= R_K8S) {
        gpuarb_export_opts eo;
        gpuarb_export_opts_init(&eo);
        eo.format = what - R_K8S;
        st = gpuarb_result_export(ctx, r, spec, &eo, &s);
    } else {
        gpuarb_plan_summary sum;
        memset(&sum, 0, sizeof sum);
        sum.size = sizeof sum;
        st = gpuarb_result_summary(r, &sum);
        size_t o = (size_t)snprintf(rows, sizeof rows, "%d %.6f %.6f %d;", (int)sum.status,
                                    sum.total_cost, sum.bound, (int)sum.allocation_count);
        for (int32_t i = 0; !st && i < gpuarb_result_allocation_count(r); i++) {
            gpuarb_allocation al;
            st = gpuarb_result_allocation(r, i, &al);
            if (!st && o < sizeof rows)
                o += (size_t)snprintf(rows + o, sizeof rows - o, " %s/%s x%d", al.provider,
                                      al.instance_type, (int)al.count);
        }
    }
    disarm();
    if (st == GPUARB_OK)
        *text = what == R_ROWS ? mask_timings(rows) : take(s);
    else
        gpuarb_free(s);
    gpuarb_result_free(r);
    gpuarb_spec_free(spec);
    return st;
}

/* A pack problem rendered by solving it (unfailed) and writing the JSON. */
static char *pack_text(gpuarb_ctx *ctx, const gpuarb_pack_problem *p, int32_t objective)
{
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.objective = objective;
    gpuarb_pack_result *r = NULL;
    assert_int_equal(gpuarb_pack_solve(ctx, p, &o, &r), GPUARB_OK);
    char *s = NULL;
    assert_int_equal(gpuarb_pack_result_to_json(ctx, r, &s), GPUARB_OK);
    gpuarb_pack_result_free(r);
    return take(s);
}

static const char PACK_JSON[] =
    "{\"nodes\": [{\"name\": \"small\", \"gpus\": 4, \"cpus\": 32, \"memory_gb\": 256,"
    " \"cost_hour\": 6},\n"
    "            {\"name\": \"big\", \"gpus\": 8, \"cpus\": 64, \"memory_gb\": 512,"
    " \"cost_hour\": 10}],\n"
    " \"items\": [{\"name\": \"a\", \"gpus\": 3, \"cpus\": 8, \"memory_gb\": 64, \"count\": 3},\n"
    "           {\"name\": \"b\", \"gpus\": 1, \"cpus\": 30, \"memory_gb\": 16, \"count\": 2}],\n"
    " \"objective\": \"min_cost\"}\n";

enum { P_CREATE, P_SPEC_LOAD, P_SPEC_PARSE, P_BPP_LOAD, P_BPP_PARSE };

static gpuarb_status c_pack_problem(gpuarb_ctx *ctx, const void *arg, char **text)
{
    int what = *(const int *)arg;
    gpuarb_pack_problem *p = NULL;
    gpuarb_status st = GPUARB_OK;
    static const char bpp[] = "5\n100\n60\n50\n40\n30\n20\n";
    arm();
    switch (what) {
    case P_CREATE:
        st = gpuarb_pack_problem_create(ctx, &p);
        if (!st)
            st = gpuarb_pack_add_node_type(ctx, p, "n8", 8, 64, 512, 10, -1, NULL);
        if (!st)
            st = gpuarb_pack_add_item(ctx, p, "job", 3, 8, 64, 5, NULL);
        if (!st)
            st = gpuarb_pack_add_item(ctx, p, NULL, 2, 1, 1, 1, NULL);
        if (!st)
            st = gpuarb_pack_set_item_priority(ctx, p, 5, 1);
        break;
    case P_SPEC_LOAD: st = gpuarb_pack_spec_load(ctx, DATA "pack.yaml", &p); break;
    case P_SPEC_PARSE:
        st = gpuarb_pack_spec_parse(ctx, PACK_JSON, sizeof PACK_JSON - 1, "mem", &p);
        break;
    case P_BPP_LOAD: st = gpuarb_pack_bpp_load(ctx, DATA "tiny.bpp", &p); break;
    case P_BPP_PARSE: st = gpuarb_pack_bpp_parse(ctx, bpp, sizeof bpp - 1, "mem", &p); break;
    }
    disarm();
    if (st == GPUARB_OK)
        *text = pack_text(ctx, p, -1);
    gpuarb_pack_problem_free(p);
    return st;
}

typedef struct pack_arg {
    const char *file; /* NULL: PACK_JSON */
    int32_t objective;
    int32_t algorithm;
    int out;          /* 0 solve, 1 JSON, 2 table, 3 summary and accessors */
} pack_arg;

static gpuarb_pack_problem *load_pack(gpuarb_ctx *ctx, const char *file)
{
    gpuarb_pack_problem *p = NULL;
    gpuarb_status st;
    if (!file)
        st = gpuarb_pack_spec_parse(ctx, PACK_JSON, sizeof PACK_JSON - 1, "mem", &p);
    else if (strstr(file, ".bpp"))
        st = gpuarb_pack_bpp_load(ctx, file, &p);
    else
        st = gpuarb_pack_spec_load(ctx, file, &p);
    if (st)
        fail_msg("%s: %s", file ? file : "PACK_JSON", gpuarb_errfull(ctx));
    return p;
}

static gpuarb_status c_pack(gpuarb_ctx *ctx, const void *arg, char **text)
{
    const pack_arg *a = arg;
    gpuarb_pack_problem *p = load_pack(ctx, a->file);
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.objective = a->objective;
    o.algorithm = a->algorithm;
    gpuarb_pack_result *r = NULL;
    gpuarb_status st = GPUARB_OK;
    char *s = NULL, buf[512] = "";
    if (a->out == 0) {
        arm();
        st = gpuarb_pack_solve(ctx, p, &o, &r);
        disarm();
    } else {
        assert_int_equal(gpuarb_pack_solve(ctx, p, &o, &r), GPUARB_OK);
        arm();
        if (a->out == 1) {
            st = gpuarb_pack_result_to_json(ctx, r, &s);
        } else if (a->out == 2) {
            st = gpuarb_pack_result_to_table(ctx, r, &s);
        } else {
            gpuarb_pack_summary sum;
            memset(&sum, 0, sizeof sum);
            sum.size = sizeof sum;
            st = gpuarb_pack_result_summary(r, &sum);
            size_t k = (size_t)snprintf(buf, sizeof buf, "%lld %lld;", (long long)sum.nodes_used,
                                        (long long)sum.lower_bound);
            for (int64_t i = 0; !st && i < sum.nodes_used && k < sizeof buf; i++) {
                gpuarb_pack_node nd;
                st = gpuarb_pack_result_node(r, i, &nd);
                char nm[32];
                gpuarb_pack_result_item_name(r, gpuarb_pack_result_node_item(r, i, 0), nm,
                                             sizeof nm);
                if (!st)
                    k += (size_t)snprintf(buf + k, sizeof buf - k, " %s:%lld:%s", nd.type,
                                          (long long)nd.item_count, nm);
            }
        }
        disarm();
    }
    if (st == GPUARB_OK) {
        if (a->out == 0) {
            assert_int_equal(gpuarb_pack_result_to_json(ctx, r, &s), GPUARB_OK);
            *text = take(s);
        } else {
            *text = a->out == 3 ? mask_timings(buf) : take(s);
        }
    } else {
        gpuarb_free(s);
    }
    gpuarb_pack_result_free(r);
    gpuarb_pack_problem_free(p);
    return st;
}

static gpuarb_status c_version(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    char *s = NULL;
    arm();
    gpuarb_status st = gpuarb_version_to_json(ctx, &s);
    disarm();
    if (st == GPUARB_OK)
        *text = take(s);
    return st;
}

/* ---- known bugs in code this task does not own (reported to the owners;
 * each mark goes when its fix lands: the table then shows 0 known) ---- */

typedef struct known_bug {
    const char *what;
    /* 1 when an outcome (status, answer or NULL, clean answer) is this bug */
    int (*match)(gpuarb_status st, const char *got, const char *want);
    int aborts;     /* the bug also kills the process */
} known_bug;


static const int Q[] = {Q_SELECT, Q_MERGE, Q_APPEND, Q_JSON, Q_CSV, Q_TABLE, Q_CHECK};
static const int R[] = {R_JSON, R_TABLE, R_ROWS, R_K8S, R_KUEUE, R_SKYPILOT};
static const int PK[] = {P_CREATE, P_SPEC_LOAD, P_SPEC_PARSE, P_BPP_LOAD, P_BPP_PARSE};
static const opt_arg OPT_MIN_COST = {DATA "plan.yaml", 0};
static const opt_arg OPT_BORROWED = {DATA "plan.yaml", 1};
static const opt_arg OPT_THROUGHPUT = {DATA "throughput.yaml", 0};
static const opt_arg OPT_SHARE = {DATA "share.yaml", 0};
static const opt_arg OPT_SPOT_SHARE = {DATA "spot_share.json", 1};
static const opt_arg OPT_GANG = {GANG_SPEC, 1};
static const opt_arg OPT_EGRESS = {EGRESS_JSON, 0};
static const opt_arg OPT_INFEASIBLE = {DATA "infeasible.yaml", 0};
static const opt_arg OPT_SPOT = {DATA "spot.yaml", 1};
static const opt_arg OPT_EXPLAIN = {DATA "plan.yaml", 1, 1};
/* issue 7: a gang on spot under a spot cap and a work-based gang under a
 * budget that binds (so the MIP's levels are built, not only the DP's
 * fronts) */
static const opt_arg OPT_GANG_SPOT = {"# gang on spot\nversion: 1\n"
                                      "constraints: {max_spot_share: 0.5}\nworkloads:\n"
                                      "  - {name: g, gpus: 24, same_region: true, spot: allow}\n"
                                      "  - {name: h, gpus: 8, spot: allow}\n",
                                      1};
static const opt_arg OPT_WORK = {"# work\nversion: 1\n"
                                 "budget_per_hour: 60\nworkloads:\n"
                                 "  - {name: w, work_gpu_hours: 400, deadline_hours: 20, "
                                 "spot: allow, same_region: true}\n"
                                 "  - {name: h, gpus: 8, spot: allow}\n",
                                 1};
static const opt_arg OPT_DELTA = {"tests/data/fleet/delta.yaml", 0};

/* gpuarb_fleet_load: the answer is its row count. */
static gpuarb_status c_fleet_load(gpuarb_ctx *ctx, const void *arg, char **text)
{
    gpuarb_fleet *f = NULL;
    arm();
    gpuarb_status st = gpuarb_fleet_load(ctx, arg, &f);
    disarm();
    if (st == GPUARB_OK) {
        char buf[32];
        snprintf(buf, sizeof buf, "%d", (int)gpuarb_fleet_count(f));
        *text = take(strdup(buf));
    }
    gpuarb_fleet_free(f);
    return st;
}
static const pack_arg PK_BPP = {DATA "tiny.bpp", -1, -1, 0};
static const pack_arg PK_BPP_EXACT = {"tests/data/cli/tiny.bpp", -1, GPUARB_PACK_EXACT, 0};
static const pack_arg PK_VEC_NODES = {DATA "pack.yaml", GPUARB_PACK_MIN_NODES, -1, 0};
static const pack_arg PK_VEC_COST = {NULL, GPUARB_PACK_MIN_COST, -1, 0};
static const pack_arg PK_VEC_NODES2 = {NULL, GPUARB_PACK_MIN_NODES, -1, 0};
static const pack_arg PK_UNPLACED = {DATA "unplaceable.yaml", -1, -1, 0};
static const pack_arg PK_JSON = {NULL, GPUARB_PACK_MIN_COST, -1, 1};
static const pack_arg PK_TABLE = {DATA "tiny.bpp", -1, -1, 2};
static const pack_arg PK_ROWS = {DATA "pack.yaml", -1, -1, 3};

/* ---- simulation (issue 11): a config and a trace from memory, a run under
 * a policy, its JSON - every allocation of the chain ---- */
#define SIM_YAML "catalog: tests/data/sim/catalog.csv\noffer: {provider: test}\n" \
                 "provisioning_delay_s: 60\nspot_interruption_rate: 2\n"
#define SIM_CSV "job_id,submit_s,duration_s,gpus,gpu_milli\na,0,900,1,\nb,30,4000,2,\n" \
                "c,60,600,1,500\nd,90,20000,4,\ne,4000,300,1,\n"

static gpuarb_status c_simulate(gpuarb_ctx *ctx, const void *arg, char **text)
{
    gpuarb_sim_config *c = NULL;
    gpuarb_trace *t = NULL;
    gpuarb_sim_result *r = NULL;
    char *js = NULL;
    arm();
    gpuarb_status st = gpuarb_sim_config_parse(ctx, SIM_YAML, strlen(SIM_YAML), "sim", NULL, &c);
    if (st == GPUARB_OK)
        st = gpuarb_trace_parse(ctx, SIM_CSV, strlen(SIM_CSV), "t", GPUARB_TRACE_NATIVE, NULL, 0,
                                &t);
    if (st == GPUARB_OK)
        st = gpuarb_simulate(ctx, c, t, arg, 5, &r);
    if (st == GPUARB_OK)
        st = gpuarb_sim_result_to_json(ctx, r, &js);
    disarm();
    if (st == GPUARB_OK)
        *text = take(js);
    gpuarb_sim_result_free(r);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
    return st;
}

/* Cost attribution (issue 13): a trace with team and project labels, its
 * JSON and table (gpuarb_sim_result_to_table). */
#define SIM_CSV_LABELS "job_id,submit_s,duration_s,gpus,gpu_milli,team,project\n" \
                       "a,0,900,1,,ml,llm\nb,30,4000,2,,infra,\nc,60,600,1,500,ml,\n" \
                       "d,90,20000,4,,,x\n"

static gpuarb_status c_simulate_labels(gpuarb_ctx *ctx, const void *arg, char **text)
{
    gpuarb_sim_config *c = NULL;
    gpuarb_trace *t = NULL;
    gpuarb_sim_result *r = NULL;
    char *js = NULL, *tab = NULL;
    arm();
    gpuarb_status st = gpuarb_sim_config_parse(ctx, SIM_YAML, strlen(SIM_YAML), "sim", NULL, &c);
    if (st == GPUARB_OK)
        st = gpuarb_trace_parse(ctx, SIM_CSV_LABELS, strlen(SIM_CSV_LABELS), "t",
                                GPUARB_TRACE_NATIVE, NULL, 0, &t);
    if (st == GPUARB_OK)
        st = gpuarb_simulate(ctx, c, t, arg, 5, &r);
    if (st == GPUARB_OK)
        st = gpuarb_sim_result_to_json(ctx, r, &js);
    if (st == GPUARB_OK)
        st = gpuarb_sim_result_to_table(ctx, r, &tab);
    disarm();
    if (st == GPUARB_OK)
        *text = take(js);
    else
        gpuarb_free(js);
    gpuarb_free(tab);
    gpuarb_sim_result_free(r);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
    return st;
}

/* The RL autoscaling policy: a short training run (2 rollouts) written to a
 * file, rendered as the file's bytes in hex, so a failed allocation either
 * ends in NOMEM or in the very model an unfailed run writes. */
static gpuarb_status c_rl_train(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    char path[64];
    snprintf(path, sizeof path, "/tmp/gpuarb-chaos-rl-%ld.model", (long)getpid());
    gpuarb_sim_config *c = NULL;
    gpuarb_trace *t = NULL;
    gpuarb_rl_train_opts o;
    gpuarb_rl_train_opts_init(&o);
    o.steps = 4096;
    o.hidden = 4;
    arm();
    gpuarb_status st = gpuarb_sim_config_parse(ctx, SIM_YAML, strlen(SIM_YAML), "sim", NULL, &c);
    if (st == GPUARB_OK)
        st = gpuarb_trace_parse(ctx, SIM_CSV, strlen(SIM_CSV), "t", GPUARB_TRACE_NATIVE, NULL, 0,
                                &t);
    const gpuarb_trace *tr[1] = {t};
    if (st == GPUARB_OK)
        st = gpuarb_rl_train(ctx, c, tr, 1, &o, path, NULL);
    disarm();
    if (st == GPUARB_OK) {
        size_t n = 0;
        char *b = tu_slurp(path, &n);
        char *hex = tu_alloc(2 * n + 1, 1);
        for (size_t i = 0; i < n; i++)
            snprintf(hex + 2 * i, 3, "%02x", (unsigned char)b[i]);
        *text = mask_timings(hex);
        free(hex);
        free(b);
    }
    unlink(path);
    gpuarb_trace_free(t);
    gpuarb_sim_config_free(c);
    return st;
}

/* issue 11 part B: the forecaster and the spot replay. */
static gpuarb_status c_forecast(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    char src[8192];
    size_t len = 0;
    for (int t = 0; t < 200; t++)
        len += (size_t)snprintf(src + len, sizeof src - len, "%d,%d\n", 3600 * t,
                                40 + t / 4 + (t * 7) % 24);
    gpuarb_forecast_opts o;
    gpuarb_forecast_opts_init(&o);
    o.horizon = 6;
    o.origins = 3;
    gpuarb_forecast_result *r = NULL;
    char *json = NULL;
    arm();
    gpuarb_status st = gpuarb_forecast_parse(ctx, src, len, "s.csv", &o, &r);
    if (st == GPUARB_OK)
        st = gpuarb_forecast_result_to_json(ctx, r, &json);
    disarm();
    if (st == GPUARB_OK)
        *text = take(json);
    else
        gpuarb_free(json);
    gpuarb_forecast_result_free(r);
    return st;
}

static gpuarb_status c_spot(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    static const char src[] = "{\"metadata\": {\"gap_seconds\": 600}, \"data\": "
                              "[1,1,0,0,1,1,1,0,1,1,1,1,0,0,0,1,1,1,1,1,0,1,1,1]}";
    gpuarb_spot_opts o;
    gpuarb_spot_opts_init(&o);
    o.policy = GPUARB_SPOT_UNIFORM_PROGRESS;
    o.job_hours = 1;
    o.deadline_hours = 2;
    o.starts = 4;
    o.compare_optimum = 1;
    gpuarb_spot_trace *t = NULL;
    gpuarb_spot_summary s;
    s.size = sizeof s;
    char *json = NULL;
    arm();
    gpuarb_status st = gpuarb_spot_trace_parse(ctx, src, sizeof src - 1, "t.json", &t);
    if (st == GPUARB_OK)
        st = gpuarb_spot_run(ctx, t, &o, &s);
    if (st == GPUARB_OK)
        st = gpuarb_spot_summary_to_json(ctx, &s, &json);
    disarm();
    if (st == GPUARB_OK)
        *text = take(json);
    else
        gpuarb_free(json);
    gpuarb_spot_trace_free(t);
    return st;
}

/* ---- market (issue 13): compare with both writers; a fleet priced ---- */
static gpuarb_status c_market_compare(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    gpuarb_catalog *c = NULL;
    assert_int_equal(gpuarb_catalog_load(ctx, "tests/data/market/catalog.csv",
                                         GPUARB_CATALOG_NATIVE, NULL, &c),
                     GPUARB_OK);
    gpuarb_market_compare_opts o;
    gpuarb_market_compare_opts_init(&o);
    o.ours = "acme";
    gpuarb_market_compare *m = NULL;
    char *json = NULL, *table = NULL;
    arm();
    gpuarb_status st = gpuarb_market_compare_run(ctx, c, &o, &m);
    if (st == GPUARB_OK)
        st = gpuarb_market_compare_to_json(ctx, m, &json);
    if (st == GPUARB_OK)
        st = gpuarb_market_compare_to_table(ctx, m, &table);
    disarm();
    if (st == GPUARB_OK)
        *text = take(json);
    else
        gpuarb_free(json);
    gpuarb_free(table);
    gpuarb_market_compare_free(m);
    gpuarb_catalog_free(c);
    return st;
}

static gpuarb_status c_market_price(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    gpuarb_market_price_result *r = NULL;
    char *json = NULL, *table = NULL;
    arm();
    gpuarb_status st = gpuarb_market_price_load(ctx, "tests/data/market/fleet.yaml", NULL, &r);
    if (st == GPUARB_OK)
        st = gpuarb_market_price_to_json(ctx, r, &json);
    if (st == GPUARB_OK)
        st = gpuarb_market_price_to_table(ctx, r, &table);
    disarm();
    if (st == GPUARB_OK)
        *text = take(json);
    else
        gpuarb_free(json);
    gpuarb_free(table);
    gpuarb_market_price_result_free(r);
    return st;
}
/* ---- MIG and shares (issue 10) ---- */
static const char MIG_SPEC[] =
    "gpus:\n"
    "  - {model: H100, count: 2}\n"
    "  - {name: old, model: A100-80GB, instances: [{profile: 1g.10gb, start: 0}]}\n"
    "  - {model: L4}\n"
    "requests:\n"
    "  - {name: s, profile: 1g.10gb, count: 3}\n"
    "  - {name: b, profile: 4g.40gb}\n"
    "  - {name: n, fraction: 0.25, memory_gb: 5, count: 2}\n"
    "allow_moves: true\n";

/* what: 0 parse, 1 place, 2 JSON, 3 mig-parted, 4 profiles JSON */
static gpuarb_status c_mig(gpuarb_ctx *ctx, const void *arg, char **text)
{
    int what = *(const int *)arg;
    gpuarb_mig_problem *p = NULL;
    gpuarb_mig_result *r = NULL;
    char *s = NULL;
    gpuarb_status st;
    if (what == 4) {
        arm();
        st = gpuarb_mig_profiles_to_text(ctx, "H100-NVL", 0, &s);
        disarm();
        if (!st)
            *text = take(s);
        return st;
    }
    if (what == 0) {
        arm();
        st = gpuarb_mig_spec_parse(ctx, MIG_SPEC, strlen(MIG_SPEC), "mig", &p);
        disarm();
    } else {
        assert_int_equal(gpuarb_mig_spec_parse(ctx, MIG_SPEC, strlen(MIG_SPEC), "mig", &p), 0);
        st = GPUARB_OK;
    }
    if (!st && what == 1) {
        arm();
        st = gpuarb_mig_place(ctx, p, &r);
        disarm();
    } else if (!st) {
        assert_int_equal(gpuarb_mig_place(ctx, p, &r), GPUARB_OK);
    }
    if (!st && what >= 2) {
        arm();
        st = gpuarb_mig_result_to_text(ctx, r, what == 2 ? GPUARB_MIG_JSON : GPUARB_MIG_PARTED, &s);
        disarm();
    } else if (!st) {
        assert_int_equal(gpuarb_mig_result_to_text(ctx, r, GPUARB_MIG_JSON, &s), GPUARB_OK);
    }
    if (!st)
        *text = take(s);
    gpuarb_mig_result_free(r);
    gpuarb_mig_problem_free(p);
    return st;
}

/* the incremental placer: a cluster built and pods placed, all armed */
/* issue 12: a placement as Kubernetes pods, with and without a node selector,
 * a share, an unplaced request and a queue label */
static gpuarb_status c_mig_export(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    static const char spec[] = "gpus:\n  - {name: n1/0, model: H100}\n  - {model: L4}\n"
                               "requests:\n  - {name: s, profile: 1g.10gb, count: 2}\n"
                               "  - {name: f, fraction: 0.5}\n  - {name: x, profile: 7g.80gb}\n";
    gpuarb_mig_problem *p = NULL;
    gpuarb_mig_result *r = NULL;
    char *s = NULL;
    assert_int_equal(gpuarb_mig_spec_parse(ctx, spec, sizeof spec - 1, "mig", &p), GPUARB_OK);
    assert_int_equal(gpuarb_mig_place(ctx, p, &r), GPUARB_OK);
    gpuarb_export_opts o;
    gpuarb_export_opts_init(&o);
    o.queue = "q";
    arm();
    gpuarb_status st = gpuarb_mig_result_export(ctx, r, &o, &s);
    disarm();
    if (!st)
        *text = take(s);
    gpuarb_mig_result_free(r);
    gpuarb_mig_problem_free(p);
    return st;
}

static gpuarb_status c_share(gpuarb_ctx *ctx, const void *arg, char **text)
{
    (void)arg;
    gpuarb_share_cluster *cl = NULL;
    char buf[256] = "";
    size_t k = 0;
    arm();
    gpuarb_status st = gpuarb_share_cluster_create(ctx, GPUARB_SHARE_FGD, 3, &cl);
    for (int i = 0; !st && i < 3; i++)
        st = gpuarb_share_add_node(ctx, cl, i == 2 ? "V100M32" : "T4", 2 + 2 * i, 16, 64, NULL);
    for (int i = 0; !st && i < 6; i++) {
        gpuarb_share_pod p;
        gpuarb_share_pod_init(&p);
        p.gpus = i % 3 == 0 ? 2 : 1;
        p.gpu_fraction = i % 3 == 1 ? 0.4 : 1;
        p.cpus = 2;
        p.memory_gb = 4;
        p.models = i == 5 ? "V100M32" : NULL;
        int32_t node = -1;
        uint64_t m = 0;
        const char *why = NULL;
        st = gpuarb_share_place(ctx, cl, &p, &node, &m, &why);
        if (!st && k < sizeof buf)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%d:%llx ", (int)node,
                                  (unsigned long long)m);
    }
    disarm();
    gpuarb_share_cluster_free(cl);
    if (!st)
        *text = mask_timings(buf);
    return st;
}

static gpuarb_status c_share_replay(gpuarb_ctx *ctx, const void *arg, char **text)
{
    int policy = *(const int *)arg;
    char *s = NULL;
    arm();
    gpuarb_status st = gpuarb_share_replay(ctx, "tests/data/mig/nodes_small.csv",
                                           "tests/data/mig/pods_small.csv", policy, 7, 1.3, &s);
    disarm();
    if (!st)
        *text = take(s);
    return st;
}

static const int MIG_W[] = {0, 1, 2, 3, 4};
static const int SHARE_P[] = {GPUARB_SHARE_AUTO, GPUARB_SHARE_OFFLINE};

static chaos_case CASES[] = {
    {"ctx_create", c_ctx_create, NULL},
    {"catalog_load", c_catalog_load, NULL},
    {"catalog_parse", c_catalog_parse, NULL},
    {"catalog_parse skypilot", c_catalog_parse, SKYPILOT_CSV},
    {"catalog_builtin", c_catalog_builtin, NULL},
    {"catalog_load_ref path", c_catalog_ref, "cat3.csv"},
    {"catalog_load_ref skypilot", c_catalog_ref, sky_ref},
    {"catalog_select", c_catalog_query, &Q[0]},
    {"catalog_merge_zones", c_catalog_query, &Q[1]},
    {"catalog_append", c_catalog_query, &Q[2]},
    {"catalog_to_json", c_catalog_query, &Q[3]},
    {"catalog_to_csv", c_catalog_query, &Q[4]},
    {"catalog_to_table", c_catalog_query, &Q[5]},
    {"catalog_check", c_catalog_query, &Q[6]},
    {"spec_load yaml", c_spec_load, DATA "plan.yaml"},
    {"spec_load json", c_spec_load, DATA "spot_share.json"},
    {"spec_parse yaml", c_spec_parse, GANG_SPEC},
    {"spec_parse json", c_spec_parse, EGRESS_JSON},
    {"spec_to_json", c_spec_to_json, NULL},
    {"optimize min_cost", c_optimize, &OPT_MIN_COST, NULL},
    {"optimize borrowed catalog", c_optimize, &OPT_BORROWED, NULL},
    {"optimize max_throughput", c_optimize, &OPT_THROUGHPUT, NULL},
    {"optimize provider share", c_optimize, &OPT_SHARE, NULL},
    {"optimize spot share", c_optimize, &OPT_SPOT_SHARE, NULL},
    {"optimize gang", c_optimize, &OPT_GANG, NULL},
    {"optimize egress", c_optimize, &OPT_EGRESS, NULL},
    {"optimize infeasible", c_optimize, &OPT_INFEASIBLE, NULL},
    {"optimize spot", c_optimize, &OPT_SPOT, NULL},
    {"optimize explain", c_optimize, &OPT_EXPLAIN, NULL},
    {"optimize gang on spot", c_optimize, &OPT_GANG_SPOT, NULL},
    {"optimize work", c_optimize, &OPT_WORK, NULL},
    {"optimize write_model", c_optimize_write, NULL, NULL},
    {"optimize delta", c_optimize, &OPT_DELTA, NULL},
    {"fleet_load", c_fleet_load, "tests/data/fleet/fleet.yaml", NULL},
    {"result_to_json", c_result_out, &R[0]},
    {"result_to_table", c_result_out, &R[1]},
    {"result summary rows", c_result_out, &R[2]},
    {"result_export k8s", c_result_out, &R[3]},
    {"result_export kueue", c_result_out, &R[4]},
    {"result_export skypilot", c_result_out, &R[5]},
    {"pack problem build", c_pack_problem, &PK[0]},
    {"pack_spec_load", c_pack_problem, &PK[1]},
    {"pack_spec_parse json", c_pack_problem, &PK[2]},
    {"pack_bpp_load", c_pack_problem, &PK[3]},
    {"pack_bpp_parse", c_pack_problem, &PK[4]},
    {"pack_solve bpp", c_pack, &PK_BPP},
    {"pack_solve bpp exact", c_pack, &PK_BPP_EXACT},
    {"pack_solve vector min_nodes", c_pack, &PK_VEC_NODES},
    {"pack_solve vector min_nodes 2", c_pack, &PK_VEC_NODES2},
    {"pack_solve vector min_cost", c_pack, &PK_VEC_COST},
    {"pack_solve unplaced", c_pack, &PK_UNPLACED},
    {"pack_result_to_json", c_pack, &PK_JSON},
    {"pack_result_to_table", c_pack, &PK_TABLE},
    {"pack summary nodes", c_pack, &PK_ROWS},
    {"version_to_json", c_version, NULL},
    {"simulate threshold", c_simulate, "threshold:spot=1"},
    {"simulate predictive", c_simulate, "predictive:spot=1"},
    {"simulate auto", c_simulate, "auto"},
    {"simulate with team labels", c_simulate_labels, "threshold:spot=1"},
    {"simulate rl (shipped model)", c_simulate, "rl"},
    {"rl_train + model file", c_rl_train, NULL},
    {"forecast_parse + to_json", c_forecast, NULL},
    {"spot trace_parse + run + to_json", c_spot, NULL},
    {"market compare", c_market_compare, NULL},
    {"market price", c_market_price, NULL},
    {"mig_spec_parse", c_mig, &MIG_W[0]},
    {"mig_place", c_mig, &MIG_W[1]},
    {"mig_result_to_text json", c_mig, &MIG_W[2]},
    {"mig_result_to_text mig-parted", c_mig, &MIG_W[3]},
    {"mig_profiles_to_text", c_mig, &MIG_W[4]},
    {"mig_result_export k8s", c_mig_export, NULL},
    {"share cluster and place", c_share, NULL},
    {"share_replay auto", c_share_replay, &SHARE_P[0]},
    {"share_replay offline", c_share_replay, &SHARE_P[1]},
};
#define N_CASES (sizeof CASES / sizeof CASES[0])

static const char *mode_name(int mode)
{
    return mode == CHAOS_NTH ? "only request" : "every request from";
}

/* ---- a host program that uses GLPK itself (issue 14, finding 7): its
 * problem and hook are in glpk_host.h ---- */

/* The host keeps its terminal hook and its problem through gpuarb_optimize
 * calls that fail at every allocation, GLPK's own included (GLPK's fatal
 * path then runs on the library's thread, never in the host's
 * environment), and uses both after each sweep. */
static void host_glpk_state_survives_failing_calls(void **state)
{
    (void)state;
    gpuarb_ctx *ctx = NULL;
    assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
    gpuarb_spec *spec = load_spec(ctx, DATA "plan.yaml");
    host_lines = 0;
    glp_prob *P = host_problem();
    glp_term_hook(host_term, &host_lines);
    host_solves(P);
    int glpk_failures = 0, ok = 0, nomem = 0;
    for (int mode = CHAOS_NTH; mode <= CHAOS_FROM; mode++) {
        for (int64_t n = 1; n < 100000; n++) {
            gpuarb_result *r = NULL;
            chaos_arm(mode, n);
            gpuarb_status st = gpuarb_optimize(ctx, spec, NULL, NULL, &r);
            chaos_disarm();
            int hit = chaos_failed();
            glpk_failures += chaos_glpk_failed();
            gpuarb_result_free(r);
            if (st == GPUARB_OK)
                ok++;
            else if (st == GPUARB_ERR_NOMEM)
                nomem++;
            else
                fail_msg("%s %lld: %s", mode_name(mode), (long long)n, gpuarb_errfull(ctx));
            if (!hit)
                break;
        }
        /* the host's hook is still installed and its problem still solves */
        host_solves(P);
    }
    print_message("[chaos] host: %d failing calls ended in a plan, %d in NOMEM; %d failures "
                  "inside GLPK\n",
                  ok, nomem, glpk_failures);
    assert_true(glpk_failures > 0); /* GLPK's fatal path was taken */
    glp_delete_prob(P);
    assert_int_equal(glp_free_env(), 0); /* the host's environment was still there */
    gpuarb_spec_free(spec);
    gpuarb_ctx_free(ctx);
}

/* ---- opening a file while memory is short (issue 14, finding 2) ----
 * The first allocation of every loader fails: that is out of memory (exit
 * 1), never a file error (it was GPUARB_ERR_IO "cannot open: Cannot
 * allocate memory", exit 3, when fopen could not allocate its FILE). */
static void opening_a_file_without_memory_is_nomem(void **state)
{
    (void)state;
    gpuarb_ctx *ctx = NULL;
    assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
    for (int k = 0; k < 5; k++) {
        gpuarb_spec *spec = NULL;
        gpuarb_catalog *cat = NULL;
        gpuarb_pack_problem *p = NULL;
        gpuarb_status st = GPUARB_OK;
        chaos_arm(CHAOS_NTH, 1);
        switch (k) {
        case 0: st = gpuarb_spec_load(ctx, DATA "plan.yaml", &spec); break;
        case 1: st = gpuarb_catalog_load(ctx, DATA "cat3.csv", 0, NULL, &cat); break;
        case 2: st = gpuarb_catalog_load_ref(ctx, "cat3.csv", DATA, NULL, &cat); break;
        case 3: st = gpuarb_pack_spec_load(ctx, DATA "pack.yaml", &p); break;
        case 4: st = gpuarb_pack_bpp_load(ctx, DATA "tiny.bpp", &p); break;
        }
        chaos_disarm();
        assert_true(chaos_failed());
        if (st != GPUARB_ERR_NOMEM)
            fail_msg("loader %d: %s", k, gpuarb_errfull(ctx));
        assert_string_equal(gpuarb_errmsg(ctx), "out of memory");
        assert_null(spec);
        assert_null(cat);
        assert_null(p);
    }
    gpuarb_ctx_free(ctx);
}

/* ---- the driver ----
 * Each case runs in a forked child, so that an abort() inside a dependency
 * (jansson asserts, GLPK aborts) is reported with its failure point instead
 * of ending the suite; the parent then restarts a child past that point. */

static int full_run(void)
{
    const char *e = getenv("CHAOS_FULL");
    return e && strcmp(e, "1") == 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One run at the current failure point: 0 clean, 1 NOMEM, 2 other, 3 the
 * case's known bug; *hit whether the failure point was reached. */
static int run_once(chaos_case *c, gpuarb_ctx *ctx, const char *clean, int *hit)
{
    char *text = NULL;
    int64_t live0 = chaos_live();
    gpuarb_errclear(ctx);
    gpuarb_status st = c->fn(ctx, c->arg, &text);
    *hit = chaos_failed();
    int kind;
    if (st == GPUARB_OK && text && strcmp(text, clean) == 0) {
        kind = 0;
    } else if (c->known && c->known->match(st, text, clean)) {
        kind = 3;
        if (getenv("CHAOS_VERBOSE"))
            print_message("[chaos] %s: %s %lld: known: %s %s\n", c->name, mode_name(cur_mode),
                          (long long)cur_n, gpuarb_status_name(st),
                          st ? gpuarb_errfull(ctx) : "(a different answer)");
    } else if (st == GPUARB_ERR_NOMEM &&
               (gpuarb_errcode(ctx) == GPUARB_ERR_NOMEM || c->fn == c_ctx_create)) {
        /* (gpuarb_ctx_create has no context to report into) */
        kind = 1;
    } else {
        kind = 2;
        if (st == GPUARB_OK && text) {
            size_t d = 0;
            while (text[d] && text[d] == clean[d])
                d++;
            size_t from = d > 120 ? d - 120 : 0;
            print_message("[chaos] %s: %s %lld: a different answer from byte %zu:\n  got  "
                          "...%.240s\n  want ...%.240s\n",
                          c->name, mode_name(cur_mode), (long long)cur_n, d, text + from,
                          clean + from);
        } else if (st == GPUARB_OK) {
            print_message("[chaos] %s: %s %lld: GPUARB_OK without an answer\n", c->name,
                          mode_name(cur_mode), (long long)cur_n);
        } else
            print_message("[chaos] %s: %s %lld: status %s: %s\n", c->name, mode_name(cur_mode),
                          (long long)cur_n, gpuarb_status_name(st), gpuarb_errfull(ctx));
    }
    free(text);
    int64_t leaked = chaos_live() - live0;
    if (leaked == 1 && chaos_glpk_realloc_failed())
        leaked = 0; /* GLPK's own leak (chaos.h), not the library's */
    if (leaked != 0) {
        print_message("[chaos] %s: %s %lld: %lld blocks leaked\n", c->name, mode_name(cur_mode),
                      (long long)cur_n, (long long)leaked);
        kind = 2;
    }
    return kind;
}

static int64_t next_point(const chaos_tally *t, int64_t n)
{
    if (n < CHAOS_DENSE || full_run() || t->requests <= CHAOS_DENSE)
        return n + 1;
    return n + (t->requests - CHAOS_DENSE) / CHAOS_DENSE + 1;
}

/* The child: every failure point from (mode, n) on; results in c->t. */
static void child_runs(chaos_case *c, const char *clean, int mode, int64_t n, double t0)
{
    chaos_tally *t = c->t;
    gpuarb_ctx *ctx = NULL;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        exit(3);
    for (; mode <= CHAOS_FROM; mode++, n = 1) {
        for (;; n = next_point(t, n)) {
            cur_mode = t->cur_mode = mode;
            cur_n = t->cur_n = n;
            int hit = 0;
            int kind = run_once(c, ctx, clean, &hit);
            if (!hit) {
                if (kind != 0) {
                    t->other++;
                    print_message("[chaos] %s: a run that failed nothing differs\n", c->name);
                }
                break;
            }
            t->tried++;
            if (kind == 0)
                t->clean++;
            else if (kind == 1)
                t->nomem++;
            else if (kind == 3)
                t->known++;
            else
                t->other++;
            /* the bound that keeps a retrying library from hanging the suite */
            if (now_s() - t0 > CHAOS_MAX_SECONDS || n > 4 * t->requests + 1000) {
                print_message("[chaos] %s: gave up at %lld (bound reached)\n", c->name,
                              (long long)n);
                t->other++;
                mode = CHAOS_FROM;
                break;
            }
        }
    }
    cur_mode = CHAOS_OFF;
    gpuarb_ctx_free(ctx);
    t->done = 1;
}

static void run_case(void **state)
{
    chaos_case *c = *state;
    chaos_tally *t = c->t;
    const char *only = getenv("CHAOS_ONLY"); /* debugging: one entry point */
    if (only && strcmp(only, c->name) != 0)
        skip();
    gpuarb_ctx *ctx = NULL;
    assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
    /* the clean answer; run twice so one-time set-up (locale objects,
     * stdio buffers) is done before anything is counted */
    char *clean = NULL;
    cur_mode = CHAOS_OFF;
    for (int k = 0; k < 2; k++) {
        free(clean);
        clean = NULL;
        gpuarb_status st = c->fn(ctx, c->arg, &clean);
        if (st)
            fail_msg("%s: unfailed run: %s", c->name, gpuarb_errfull(ctx));
    }
    /* how many requests an unfailed run makes */
    cur_mode = CHAOS_NTH;
    cur_n = INT64_MAX;
    char *again = NULL;
    assert_int_equal(c->fn(ctx, c->arg, &again), GPUARB_OK);
    cur_mode = CHAOS_OFF;
    t->requests = chaos_requests();
    assert_string_equal(again, clean);
    free(again);
    gpuarb_ctx_free(ctx);

    const char *at = getenv("CHAOS_AT"); /* debugging: "MODE:N", one point, no fork */
    if (at) {
        int m = 0;
        long long k = 0;
        assert_int_equal(sscanf(at, "%d:%lld", &m, &k), 2);
        assert_int_equal(gpuarb_ctx_create(&ctx), GPUARB_OK);
        cur_mode = m;
        cur_n = k;
        int hit = 0;
        int kind = run_once(c, ctx, clean, &hit);
        print_message("[chaos] %s: %s %lld: outcome %d, hit %d\n", c->name, mode_name(m), k,
                      kind, hit);
        cur_mode = CHAOS_OFF;
        gpuarb_ctx_free(ctx);
        free(clean);
        return;
    }
    double t0 = now_s();
    int mode = CHAOS_NTH;
    int64_t n = 1;
    while (!t->done) {
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* a crash must end the child, not return into cmocka's runner */
            static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS};
            for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
                signal(sigs[k], SIG_DFL);
            /* a run that never returns (a library retrying forever) ends
             * the child; the parent reports it like a crash */
            alarm((unsigned)CHAOS_MAX_SECONDS + 60);
            child_runs(c, clean, mode, n, t0);
            fflush(stdout);
            exit(0); /* under ASan its leak check runs here, in the child */
        }
        int ws = 0;
        assert_int_equal(waitpid(pid, &ws, 0), pid);
        if (t->done && WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
            break;
        if (t->done) { /* finished, but ASan's leak check failed at exit */
            print_message("[chaos] %s: the child's exit status is %d (a leak report above?)\n",
                          c->name, WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
            t->other++;
            break;
        }
        t->aborts++;
        t->tried++;
        print_message("[chaos] %s: %s %lld: the process died (%s %d)\n", c->name,
                      mode_name(t->cur_mode), (long long)t->cur_n,
                      WIFSIGNALED(ws) ? "signal" : "exit status",
                      WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
        mode = t->cur_mode;
        n = next_point(t, t->cur_n);
        if (now_s() - t0 > CHAOS_MAX_SECONDS || n > 4 * t->requests + 1000) {
            if (mode == CHAOS_FROM)
                break;
            mode = CHAOS_FROM;
            n = 1;
        }
    }
    free(clean);
    if (c->known && (t->known || (t->aborts && c->known->aborts)))
        print_message("[chaos] %s: KNOWN BUG at %lld failure points: %s\n", c->name,
                      (long long)(t->known + (c->known->aborts ? t->aborts : 0)),
                      c->known->what);
    else if (c->known)
        print_message("[chaos] %s: the known bug was not seen; if it is fixed, remove its mark "
                      "(%s)\n",
                      c->name, c->known->what);
    int64_t bad = t->other + (c->known && c->known->aborts ? 0 : t->aborts);
    if (bad)
        fail_msg("%s: %lld of %lld failure points ended neither in the clean answer nor in "
                 "GPUARB_ERR_NOMEM (listed above)",
                 c->name, (long long)bad, (long long)t->tried);
}

static void print_table(void **state)
{
    (void)state;
    int64_t tr = 0, cl = 0, nm = 0, ot = 0, ab = 0, kn = 0;
    printf("\nallocation failures per entry point (%s; both modes: the n-th request only, and "
           "every request from the n-th)\n",
           full_run() ? "every failure point" : "every point up to 250, then a stride");
    printf("%-30s %8s %8s %8s %8s %8s %8s %8s\n", "entry point", "requests", "tried", "clean",
           "NOMEM", "known", "other", "abort");
    for (size_t i = 0; i < N_CASES; i++) {
        const chaos_case *c = &CASES[i];
        const chaos_tally *t = c->t;
        printf("%-30s %8lld %8lld %8lld %8lld %8lld %8lld %8lld\n", c->name,
               (long long)t->requests, (long long)t->tried, (long long)t->clean,
               (long long)t->nomem, (long long)t->known, (long long)t->other,
               (long long)t->aborts);
        tr += t->tried;
        cl += t->clean;
        nm += t->nomem;
        ot += t->other;
        ab += t->aborts;
        kn += t->known;
    }
    printf("%-30s %8s %8lld %8lld %8lld %8lld %8lld %8lld\n", "total", "", (long long)tr,
           (long long)cl, (long long)nm, (long long)kn, (long long)ot, (long long)ab);
    printf("known: outcomes of bugs found here in code other tasks own, reported to them "
           "(each case's line above names it)\n");
    fflush(stdout);
}

int main(void)
{
    chaos_tally *tallies = mmap(NULL, sizeof(chaos_tally) * N_CASES, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (tallies == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    memset(tallies, 0, sizeof(chaos_tally) * N_CASES);
    for (size_t i = 0; i < N_CASES; i++)
        CASES[i].t = &tallies[i];
    snprintf(sky_path, sizeof sky_path, "/tmp/gpuarb_chaos_vms_%ld.csv", (long)getpid());
    snprintf(sky_ref, sizeof sky_ref, "skypilot:aws:%s", sky_path);
    snprintf(lp_path, sizeof lp_path, "/tmp/gpuarb_chaos_model_%ld.lp", (long)getpid());
    FILE *f = fopen(sky_path, "w");
    if (!f || fputs(SKYPILOT_CSV, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", sky_path);
        return 1;
    }
    struct CMUnitTest tests[N_CASES + 3];
    for (size_t i = 0; i < N_CASES; i++) {
        struct CMUnitTest t = cmocka_unit_test_prestate(run_case, &CASES[i]);
        t.name = CASES[i].name;
        tests[i] = t;
    }
    struct CMUnitTest last[] = {cmocka_unit_test(print_table),
                                cmocka_unit_test(host_glpk_state_survives_failing_calls),
                                cmocka_unit_test(opening_a_file_without_memory_is_nomem)};
    for (size_t i = 0; i < 3; i++)
        tests[N_CASES + i] = last[i];
    int rc = _cmocka_run_group_tests("chaos", tests, N_CASES + 3, NULL, NULL);
    remove(sky_path);
    remove(lp_path);
    return rc;
}
