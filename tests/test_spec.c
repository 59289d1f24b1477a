/*
 * test_spec.c - the optimize spec (lib/alloc/spec.c): every case under
 * tests/data/valid/spec/<case>/ has spec.yaml and spec.json, written
 * independently, that must validate to the same canonical JSON (and that
 * JSON must itself load back to the same thing); every case under
 * tests/data/invalid/spec/<case>/ holds one spec and an `expect` file:
 *
 *     status name          GPUARB_ERR_INPUT
 *     line                 1-based
 *     column               1-based, in bytes
 *     message fragment     a substring of gpuarb_errmsg
 *     [key path]           optional: gpuarb_errpath exactly; "(none)" = ""
 *
 * The lines and columns in those files were counted by hand.  The other
 * tests check defaults, the SPEC section 2 example field by field, catalog
 * path resolution, the glob filter, the workload limit and API misuse.
 * Run from the repository root (make test does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "catalog/gpumodel.h"
#include "alloc/spec.h"

#define VALID_DIR "tests/data/valid/spec"
#define INVALID_DIR "tests/data/invalid/spec"

/* The spec in the file at path; a load error fails the test. */
static gpuarb_spec *load(fixture *f, const char *path)
{
    gpuarb_spec *s = NULL;
    if (gpuarb_spec_load(f->ctx, path, &s) != GPUARB_OK)
        fail_msg("%s: %s", path, gpuarb_errfull(f->ctx));
    return s;
}

static char *load_json(fixture *f, const char *path)
{
    gpuarb_spec *s = load(f, path);
    char *out = NULL;
    assert_int_equal(gpuarb_spec_to_json(f->ctx, s, &out), GPUARB_OK);
    gpuarb_spec_free(s);
    return out;
}

static gpuarb_spec *parse(fixture *f, const char *text)
{
    gpuarb_spec *s = NULL;
    if (gpuarb_spec_parse(f->ctx, text, strlen(text), NULL, NULL, &s) != GPUARB_OK)
        fail_msg("%s", gpuarb_errfull(f->ctx));
    return s;
}

/* ------------------------------------------------------------------ */

static void yaml_and_json_agree(void *user, const char *name, const char *py, const char *pj)
{
    fixture *f = user;
    char *a = load_json(f, py), *b = load_json(f, pj);
    if (strcmp(a, b) != 0)
        fail_msg("%s: YAML and JSON differ:\n%s\n---\n%s", name, a, b);
    /* the canonical form is a spec too, and a fixed point */
    gpuarb_spec *s = parse(f, a);
    char *c = NULL;
    assert_int_equal(gpuarb_spec_to_json(f->ctx, s, &c), GPUARB_OK);
    if (strcmp(a, c) != 0)
        fail_msg("%s: canonical JSON does not reload to itself:\n%s\n---\n%s", name, a, c);
    gpuarb_spec_free(s);
    gpuarb_free(a);
    gpuarb_free(b);
    gpuarb_free(c);
}

static void valid_yaml_and_json_agree(void **state)
{
    tu_each_yaml_json_case(VALID_DIR, 8, yaml_and_json_agree, *state);
}

/* Loads a spec from its file or, given text, from memory as "mem". */
static gpuarb_status load_spec(gpuarb_ctx *ctx, const char *input, const char *text, size_t len,
                               int *made)
{
    gpuarb_spec *s = NULL;
    gpuarb_status st = text ? gpuarb_spec_parse(ctx, text, len, "mem", NULL, &s)
                            : gpuarb_spec_load(ctx, input, &s);
    *made = s != NULL;
    gpuarb_spec_free(s);
    return st;
}

static void invalid_cases(void **state)
{
    fixture *f = *state;
    static const char *const inputs[] = {"spec.yaml", "spec.json", NULL};
    const tu_invalid_kind kind = {INVALID_DIR, inputs, 40, load_spec, 1};
    tu_run_invalid(f->ctx, &kind);
}

static void defaults(void **state)
{
    fixture *f = *state;
    gpuarb_spec *s = parse(f, "workloads:\n  - name: only\n    gpus: 3\n");
    assert_string_equal(s->source, "<string>");
    assert_null(s->base_dir);
    assert_int_equal(s->objective, GA_OBJ_MIN_COST);
    assert_true(s->horizon_hours == 1.0);
    assert_true(s->budget_per_hour == -1.0);
    assert_true(s->time_limit_s == 10.0);
    assert_int_equal(s->catalog_builtin, 1);
    assert_int_equal(s->n_catalogs, 0);
    assert_int_equal(s->providers.n_allow + s->providers.n_deny, 0);
    assert_int_equal(s->regions.n_allow + s->regions.n_deny, 0);
    assert_true(s->max_provider_share == -1.0);
    assert_true(s->max_spot_share == -1.0);
    assert_true(s->egress_same == 0.02);
    assert_true(s->egress_other == 0.09);
    assert_int_equal(gpuarb_spec_workload_count(s), 1);
    const ga_workload *w = &s->w[0];
    assert_string_equal(w->name, "only");
    assert_int_equal(w->line, 2);
    assert_int_equal(w->col, 5);
    assert_int_equal(w->gpus, 3);
    assert_int_equal(w->min_gpus, 3);
    assert_int_equal(w->max_gpus, 3);
    assert_int_equal(w->n_models, 0);
    assert_true(w->min_gpu_memory_gb == 0);
    assert_int_equal(w->gpus_per_node, 0);
    assert_int_equal(w->same_region, 0);
    assert_int_equal(w->spot, GA_SPOT_NEVER);
    assert_true(w->checkpoint_minutes == 60);
    assert_true(w->restart_minutes == 5);
    assert_int_equal(w->n_tput, 0);
    assert_true(ga_workload_tput(w, 0) == 1.0);
    assert_int_equal(w->has_data, 0);
    gpuarb_spec_free(s);

    /* min_gpus alone: unbounded above */
    s = parse(f, "{\"workloads\": [{\"name\": \"x\", \"min_gpus\": 0}]}");
    assert_int_equal(s->w[0].gpus, -1);
    assert_int_equal(s->w[0].min_gpus, 0);
    assert_int_equal(s->w[0].max_gpus, -1);
    gpuarb_spec_free(s);
}

/* The SPEC section 2 example, field by field. */
static void spec_example_fields(void **state)
{
    fixture *f = *state;
    const char *path = VALID_DIR "/example/spec.yaml";
    gpuarb_spec *s = load(f, path);
    assert_string_equal(s->source, path);
    assert_string_equal(s->base_dir, VALID_DIR "/example");
    assert_true(s->horizon_hours == 24);
    assert_true(s->budget_per_hour == 300);
    assert_int_equal(s->providers.n_allow, 3);
    assert_string_equal(s->providers.allow[2], "lambda");
    assert_int_equal(s->regions.n_allow, 2);
    assert_string_equal(s->regions.allow[1], "europe-*");
    assert_true(s->max_provider_share == 0.6);
    assert_true(s->max_spot_share == 0.5);
    const ga_workload *w = &s->w[0];
    assert_string_equal(w->name, "llm-pretrain");
    assert_int_equal(w->line, 13); /* "  - name: llm-pretrain" */
    assert_int_equal(w->col, 5);
    assert_int_equal(w->min_gpus, 16);
    assert_int_equal(w->max_gpus, 16);
    assert_int_equal(w->n_models, 2);
    assert_int_equal(w->models[0], ga_gpumodel_find("H100"));
    assert_int_equal(w->models[1], ga_gpumodel_find("A100-80GB"));
    assert_string_equal(ga_gpumodel_at(w->models[1])->name, "A100-80GB");
    assert_int_equal(w->gpus_per_node, 8);
    assert_int_equal(w->same_region, 1);
    assert_int_equal(w->spot, GA_SPOT_ALLOW);
    assert_true(w->checkpoint_minutes == 30);
    assert_true(w->restart_minutes == 5);
    assert_true(ga_workload_tput(w, ga_gpumodel_find("H100")) == 2.0);
    assert_true(ga_workload_tput(w, ga_gpumodel_find("A100-80GB")) == 1.0);
    assert_int_equal(w->has_data, 1);
    assert_string_equal(w->data_provider, "aws");
    assert_string_equal(w->data_region, "us-east-1");
    assert_true(w->data_gb == 2000);
    gpuarb_spec_free(s);
}

static void model_names_canonical(void **state)
{
    fixture *f = *state;
    gpuarb_spec *s = parse(f, "workloads:\n"
                              "  - name: a\n"
                              "    gpus: 1\n"
                              "    gpu: [h100, H100-SXM, a100-80gb, H100]\n"
                              "    throughput: {l4: 0.5, A100-80GB: 1.5}\n");
    const ga_workload *w = &s->w[0];
    /* an alias and a repeat of H100 collapse into one entry */
    assert_int_equal(w->n_models, 2);
    assert_string_equal(ga_gpumodel_at(w->models[0])->name, "H100");
    assert_string_equal(ga_gpumodel_at(w->models[1])->name, "A100-80GB");
    assert_true(ga_workload_tput(w, ga_gpumodel_find("L4")) == 0.5);
    assert_true(ga_workload_tput(w, ga_gpumodel_find("a100-80gb")) == 1.5);
    assert_true(ga_workload_tput(w, ga_gpumodel_find("T4")) == 1.0);
    char *j = NULL;
    assert_int_equal(gpuarb_spec_to_json(f->ctx, s, &j), GPUARB_OK);
    assert_non_null(strstr(j, "\"gpu\": [\"H100\", \"A100-80GB\"]"));
    assert_non_null(strstr(j, "\"throughput\": {\"L4\": 0.5, \"A100-80GB\": 1.5}"));
    gpuarb_free(j);
    gpuarb_spec_free(s);
}

static void catalog_paths(void **state)
{
    fixture *f = *state;
    gpuarb_spec *s = load(f, VALID_DIR "/catalogs/spec.yaml");
    assert_int_equal(s->catalog_builtin, 0);
    assert_int_equal(s->n_catalogs, 3);
    assert_string_equal(s->catalogs[0].path, VALID_DIR "/catalogs/offers.csv");
    assert_null(s->catalogs[0].provider);
    assert_string_equal(s->catalogs[1].path, VALID_DIR "/catalogs/sky/vms.csv");
    assert_string_equal(s->catalogs[1].provider, "aws"); /* written AWS */
    assert_string_equal(s->catalogs[2].path, "/srv/catalogs/extra.csv");
    for (int i = 0; i < 3; i++) {
        assert_ptr_equal(s->catalogs[i].loc.source, s->source);
        assert_int_equal(s->catalogs[i].loc.line, 2 + i);
        assert_int_equal(s->catalogs[i].loc.col, 5);
    }
    gpuarb_spec_free(s);

    const char *text = "catalog: [a.csv, 'skypilot:gcp:../v/vms.csv']\n"
                       "workloads: [{name: a, gpus: 1}]\n";
    const char *bases[] = {"/base", "/base/", NULL, ""};
    const char *want0[] = {"/base/a.csv", "/base/a.csv", "a.csv", "a.csv"};
    const char *want1[] = {"/base/../v/vms.csv", "/base/../v/vms.csv", "../v/vms.csv",
                           "../v/vms.csv"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(gpuarb_spec_parse(f->ctx, text, strlen(text), "x", bases[i], &s),
                         GPUARB_OK);
        assert_string_equal(s->catalogs[0].path, want0[i]);
        assert_string_equal(s->catalogs[1].path, want1[i]);
        assert_string_equal(s->catalogs[1].provider, "gcp");
        gpuarb_spec_free(s);
    }

    /* "builtin" alone, as a string or a one-item list */
    s = parse(f, "catalog: [builtin]\nworkloads: [{name: a, gpus: 1}]\n");
    assert_int_equal(s->catalog_builtin, 1);
    gpuarb_spec_free(s);
}

static void glob_filter(void **state)
{
    fixture *f = *state;
    gpuarb_spec *s = parse(f, "constraints:\n"
                              "  providers: {allow: [AWS, \"g*\"], deny: [gcp-test]}\n"
                              "  regions: {deny: [\"*-west-?\", \"ap-[ns]*\"]}\n"
                              "workloads: [{name: a, gpus: 1}]\n");
    const ga_globs *p = &s->providers, *r = &s->regions;
    assert_string_equal(p->allow[0], "aws"); /* provider names are lower case */
    assert_string_equal(r->deny[1], "ap-[ns]*"); /* regions keep their case */
    static const struct {
        int region; /* 0: a provider name, 1: a region name */
        const char *name;
        int allowed;
    } c[] = {
        {0, "aws", 1},
        {0, "gcp", 1},
        {0, "gcp-test", 0}, /* allowed by g*, denied by name */
        {0, "azure", 0},    /* not in the allow list */
        {0, "lambda", 0},
        /* no allow list: everything not denied */
        {1, "us-east-1", 1},
        {1, "us-west-2", 0},
        {1, "us-west-10", 1}, /* '?' is exactly one character */
        {1, "ap-northeast-1", 0},
        {1, "ap-south-1", 0},
        {1, "ap-east-1", 1},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (!ga_globs_allow(c[i].region ? r : p, c[i].name) != !c[i].allowed)
            fail_msg("%s is %s", c[i].name, c[i].allowed ? "denied" : "allowed");
    gpuarb_spec_free(s);
}

static void budget_rules(void **state)
{
    fixture *f = *state;
    /* max_throughput needs a budget, and 0 is a budget */
    gpuarb_spec *s = parse(f, "objective: max_throughput\nbudget_per_hour: 0\n"
                              "workloads: [{name: a, min_gpus: 0}]\n");
    assert_int_equal(s->objective, GA_OBJ_MAX_THROUGHPUT);
    assert_true(s->budget_per_hour == 0);
    gpuarb_spec_free(s);
    /* and null is no budget */
    const char *t = "objective: max_throughput\nbudget_per_hour: null\n"
                    "workloads: [{name: a, min_gpus: 0}]\n";
    tu_assert_error(f->ctx, gpuarb_spec_parse(f->ctx, t, strlen(t), NULL, NULL, &s),
                    GPUARB_ERR_INPUT, 1, 12, "");
    assert_string_equal(gpuarb_errpath(f->ctx), "budget_per_hour");
}

/* Build {"workloads": [{"name": "w0", "gpus": 1}, ...]} with n entries. */
static char *many_workloads(size_t n, int duplicate_last)
{
    char *buf = tu_alloc(n * 40 + 64, 1), *p = buf;
    p += sprintf(p, "{\"workloads\": [");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s{\"name\": \"w%zu\", \"gpus\": 1}", i ? ", " : "",
                     duplicate_last && i + 1 == n ? (size_t)0 : i);
    sprintf(p, "]}");
    return buf;
}

static void workload_limit(void **state)
{
    fixture *f = *state;
    gpuarb_spec *s = NULL;
    char *t = many_workloads(100000, 0);
    assert_int_equal(gpuarb_spec_parse(f->ctx, t, strlen(t), NULL, NULL, &s), GPUARB_OK);
    assert_int_equal(gpuarb_spec_workload_count(s), 100000);
    assert_string_equal(s->w[99999].name, "w99999");
    gpuarb_spec_free(s);
    free(t);
    /* a duplicate name among 100000 is found (by a hash set, not n^2) */
    t = many_workloads(100000, 1);
    assert_int_equal(gpuarb_spec_parse(f->ctx, t, strlen(t), NULL, NULL, &s), GPUARB_ERR_INPUT);
    assert_string_equal(gpuarb_errpath(f->ctx), "workloads[99999].name");
    assert_non_null(strstr(gpuarb_errmsg(f->ctx), "duplicate workload name 'w0'"));
    free(t);
    /* one more than the limit: at the list, "workloads" = column 15 */
    t = many_workloads(100001, 0);
    tu_assert_error(f->ctx, gpuarb_spec_parse(f->ctx, t, strlen(t), NULL, NULL, &s),
                    GPUARB_ERR_LIMIT, 1, 15, "");
    assert_string_equal(gpuarb_errpath(f->ctx), "workloads");
    assert_null(s);
    free(t);
}

static void io_and_api_errors(void **state)
{
    fixture *f = *state;
    gpuarb_spec *s = (gpuarb_spec *)1;
    const char *missing = "tests/data/invalid/spec/no-such-file.yaml";
    assert_int_equal(gpuarb_spec_load(f->ctx, missing, &s), GPUARB_ERR_IO);
    assert_null(s);
    assert_string_equal(gpuarb_errsource(f->ctx), missing);
    assert_int_equal(gpuarb_errline(f->ctx), 0);
    /* a folder is not a spec either */
    assert_int_not_equal(gpuarb_spec_load(f->ctx, "tests/data", &s), GPUARB_OK);
    assert_null(s);

    assert_int_equal(gpuarb_spec_load(f->ctx, NULL, &s), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_spec_load(f->ctx, missing, NULL), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_spec_parse(f->ctx, "a", 1, NULL, NULL, NULL), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_spec_parse(f->ctx, NULL, 5, NULL, NULL, &s), GPUARB_ERR_ARG);
    /* NULL text of length 0 is the empty document: not a mapping */
    assert_int_equal(gpuarb_spec_parse(f->ctx, NULL, 0, NULL, NULL, &s), GPUARB_ERR_INPUT);
    assert_non_null(strstr(gpuarb_errmsg(f->ctx), "found null"));
    char *out = (char *)1;
    assert_int_equal(gpuarb_spec_to_json(f->ctx, NULL, &out), GPUARB_ERR_ARG);
    assert_null(out);
    gpuarb_spec_free(NULL);
    assert_int_equal(gpuarb_spec_workload_count(NULL), 0);
    /* a NULL context still gets the status */
    assert_int_equal(gpuarb_spec_parse(NULL, "x: 1", 4, NULL, NULL, &s), GPUARB_ERR_INPUT);
}

/* A file one byte over the 16 MiB input limit is refused while reading,
 * before it is parsed, with the file named. */
static void oversized_file(void **state)
{
    fixture *f = *state;
    char path[] = "/tmp/gpuarb_big_spec_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs("version: 1\n", fp);
    for (long i = 11; i < 16L * 1024 * 1024 + 1; i++)
        fputc(' ', fp);
    fclose(fp);
    gpuarb_spec *s = (gpuarb_spec *)1;
    assert_int_equal(gpuarb_spec_load(f->ctx, path, &s), GPUARB_ERR_LIMIT);
    assert_null(s);
    assert_string_equal(gpuarb_errsource(f->ctx), path);
    assert_non_null(strstr(gpuarb_errmsg(f->ctx), "16777216"));
    remove(path);
}

static void full_error_line(void **state)
{
    fixture *f = *state;
    gpuarb_spec *s = NULL;
    const char *path = INVALID_DIR "/unknown_workload_key/spec.yaml";
    assert_int_equal(gpuarb_spec_load(f->ctx, path, &s), GPUARB_ERR_INPUT);
    const char *full = gpuarb_errfull(f->ctx);
    assert_non_null(strstr(full, "unknown_workload_key/spec.yaml:3:5"));
    assert_non_null(strstr(full, "workloads[0].gpuz"));
    assert_non_null(strstr(full, "did you mean 'gpus'?"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_yaml_and_json_agree),
        cmocka_unit_test(invalid_cases),
        cmocka_unit_test(defaults),
        cmocka_unit_test(spec_example_fields),
        cmocka_unit_test(model_names_canonical),
        cmocka_unit_test(catalog_paths),
        cmocka_unit_test(glob_filter),
        cmocka_unit_test(budget_rules),
        cmocka_unit_test(workload_limit),
        cmocka_unit_test(io_and_api_errors),
        cmocka_unit_test(oversized_file),
        cmocka_unit_test(full_error_line),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
