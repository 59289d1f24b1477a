/*
 * test_catalog_ref.c - catalog references ("builtin", a path,
 * "skypilot:PROVIDER:PATH"): the forms the one parser accepts, what it
 * makes of them (path resolved against the base folder, provider in lower
 * case), the forms it rejects with their status, position and message, as
 * an argument, in a spec and at the CLI's public entry, and the loading of
 * a parsed reference.  Expected values are written out by hand from the
 * rules in SPEC section 2 ("catalog").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "catalog/catalog.h"
#include "alloc/spec.h"

#define FIXTURES "tests/data/catalog"

static void accepted_forms(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    struct {
        const char *text, *base, *path, *provider;
        int builtin;
    } c[] = {
        {"builtin", "/base", NULL, NULL, 1},
        {"offers.csv", "/base", "/base/offers.csv", NULL, 0},
        {"offers.csv", "/base/", "/base/offers.csv", NULL, 0},  /* one slash, not two */
        {"offers.csv", NULL, "offers.csv", NULL, 0},            /* current directory */
        {"offers.csv", "", "offers.csv", NULL, 0},
        {"/abs/offers.csv", "/base", "/abs/offers.csv", NULL, 0}, /* absolute: as written */
        {"skypilot:aws:sky/vms.csv", "/base", "/base/sky/vms.csv", "aws", 0},
        {"skypilot:AWS:vms.csv", NULL, "vms.csv", "aws", 0},    /* provider folded */
        {"skypilot:gcp:/v/vms.csv", "/base", "/v/vms.csv", "gcp", 0},
        {"skypilot:gcp:a:b.csv", NULL, "a:b.csv", "gcp", 0},    /* the first colon splits */
        {"Builtin", NULL, "Builtin", NULL, 0},                  /* only the exact word */
        {"builtin.csv", "/b", "/b/builtin.csv", NULL, 0},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        ga_catalog_ref r;
        assert_int_equal(ga_catalog_ref_parse(ctx, c[i].text, c[i].base, NULL, NULL, &r),
                         GPUARB_OK);
        assert_int_equal(r.builtin, c[i].builtin);
        if (c[i].path)
            assert_string_equal(r.path, c[i].path);
        else
            assert_null(r.path);
        if (c[i].provider)
            assert_string_equal(r.provider, c[i].provider);
        else
            assert_null(r.provider);
        assert_int_equal(r.loc.line, 0); /* an argument has no position */
        ga_catalog_ref_free(&r);
    }
}

static void rejected_forms_with_positions(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char *bad[] = {"skypilot:", "skypilot:aws", "skypilot:aws:", "skypilot::vms.csv"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ga_catalog_ref r;
        /* in a document: an input error at the place given */
        ga_loc at = {"spec.yaml", 7, 5};
        tu_assert_error(ctx, ga_catalog_ref_parse(ctx, bad[i], "/b", &at, "catalog[2]", &r),
                        GPUARB_ERR_INPUT, 7, 5, "expected skypilot:PROVIDER:PATH");
        assert_null(r.path);
        assert_null(r.provider);
        assert_string_equal(gpuarb_errsource(ctx), "spec.yaml");
        assert_string_equal(gpuarb_errpath(ctx), "catalog[2]");
        char found[64];
        snprintf(found, sizeof found, "found '%s'", bad[i]);
        assert_non_null(strstr(gpuarb_errmsg(ctx), found));
        /* as an argument: a usage error without a position */
        tu_assert_error(ctx, ga_catalog_ref_parse(ctx, bad[i], NULL, NULL, NULL, &r),
                        GPUARB_ERR_ARG, 0, 0, "expected skypilot:PROVIDER:PATH");
        gpuarb_catalog *cat = (gpuarb_catalog *)&cat; /* must be reset to NULL */
        assert_int_equal(gpuarb_catalog_load_ref(ctx, bad[i], NULL, NULL, &cat),
                         GPUARB_ERR_ARG);
        assert_null(cat);
    }
}

/* The spec reader uses the same parser: the error names the list item's
 * line and column (1-based) and key path. */
static void spec_reports_the_reference_position(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char *text = "version: 1\n"
                       "catalog:\n"
                       "  - a.csv\n"
                       "  - skypilot:aws\n"
                       "workloads: [{name: a, gpus: 1}]\n";
    gpuarb_spec *s = NULL;
    tu_assert_error(ctx, gpuarb_spec_parse(ctx, text, strlen(text), "s.yaml", "/b", &s),
                    GPUARB_ERR_INPUT, 4, 5, "found 'skypilot:aws'");
    assert_null(s);
    assert_string_equal(gpuarb_errpath(ctx), "catalog[1]");
}

/* A reference the spec names but that cannot be read: the optimize driver
 * asks the catalog layer to load it, and the error points into the spec. */
static void missing_catalog_is_reported_where_the_spec_names_it(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char *text = "version: 1\ncatalog: not-there.csv\nworkloads: [{name: a, gpus: 1}]\n";
    gpuarb_spec *s = NULL;
    assert_int_equal(gpuarb_spec_parse(ctx, text, strlen(text), "s.yaml",
                                       "/nonexistent-gpuarb-dir", &s),
                     GPUARB_OK);
    gpuarb_result *r = NULL;
    tu_assert_error(ctx, gpuarb_optimize(ctx, s, NULL, NULL, &r), GPUARB_ERR_IO, 2, 10,
                    "cannot read catalog '/nonexistent-gpuarb-dir/not-there.csv'");
    assert_null(r);
    assert_string_equal(gpuarb_errsource(ctx), "s.yaml");
    gpuarb_spec_free(s);
}

/* Loading: a relative path through the base folder reads the same offers
 * as the file itself; "builtin" is the snapshot. */
static void load_ref_reads_what_it_names(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *direct = NULL, *viaref = NULL, *b1 = NULL, *b2 = NULL;
    assert_int_equal(gpuarb_catalog_load(ctx, FIXTURES "/basic.csv", GPUARB_CATALOG_NATIVE, NULL,
                                         &direct),
                     GPUARB_OK);
    assert_int_equal(gpuarb_catalog_load_ref(ctx, "basic.csv", FIXTURES, NULL, &viaref),
                     GPUARB_OK);
    assert_true(gpuarb_catalog_count(direct) > 0);
    assert_int_equal(gpuarb_catalog_count(viaref), gpuarb_catalog_count(direct));
    for (size_t i = 0; i < gpuarb_catalog_count(direct); i++) {
        gpuarb_offer a, b;
        assert_int_equal(gpuarb_catalog_offer(direct, i, &a), GPUARB_OK);
        assert_int_equal(gpuarb_catalog_offer(viaref, i, &b), GPUARB_OK);
        assert_string_equal(a.instance_type, b.instance_type);
        assert_true(a.price_hour == b.price_hour);
    }
    assert_int_equal(gpuarb_catalog_load_ref(ctx, "builtin", "/ignored", NULL, &b1), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_builtin(ctx, &b2), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_count(b1), gpuarb_catalog_count(b2));
    /* a missing file named as an argument: the loader's own I/O error */
    gpuarb_catalog *none = NULL;
    assert_int_equal(gpuarb_catalog_load_ref(ctx, "missing.csv", FIXTURES, NULL, &none),
                     GPUARB_ERR_IO);
    assert_null(none);
    gpuarb_catalog_free(direct);
    gpuarb_catalog_free(viaref);
    gpuarb_catalog_free(b1);
    gpuarb_catalog_free(b2);
}

/* A spec that lists more offers than the limit: the loading stops at the
 * row that crosses it, and the error is placed at the list entry that
 * named that file.  basic.csv holds 4 offers (rows on lines 5, 8, 9, 10),
 * so three copies under a limit of 9 cross it at the third copy's second
 * row, line 8.  Issue 14: eight copies of a 1M-offer catalog were built in
 * full before "at most 5,000,000" was said, with no position. */
static void offer_limit_is_reported_at_the_list_entry(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    const char *text = "version: 1\n"
                       "catalog:\n"
                       "  - basic.csv\n"
                       "  - basic.csv\n"
                       "  - basic.csv\n"
                       "workloads: [{name: a, gpus: 1}]\n";
    gpuarb_spec *s = NULL;
    assert_int_equal(gpuarb_spec_parse(ctx, text, strlen(text), "s.yaml", FIXTURES, &s),
                     GPUARB_OK);
    gpuarb_catalog *cat = NULL;
    tu_assert_error(ctx, ga_catalog_load_refs_max(ctx, s->catalogs, s->n_catalogs, 9, &cat),
                    GPUARB_ERR_LIMIT, 5, 5, "hold more than 9 offers");
    assert_null(cat);
    assert_string_equal(gpuarb_errsource(ctx), "s.yaml");
    assert_string_equal(gpuarb_errpath(ctx), "catalog");
    /* the row of the file where it stopped */
    assert_non_null(strstr(gpuarb_errmsg(ctx), FIXTURES
                           "/basic.csv:8:1: offer 10 of all catalogs together; at most 9 are read"));
    /* one offer more is room enough: all 12 */
    assert_int_equal(ga_catalog_load_refs_max(ctx, s->catalogs, s->n_catalogs, 12, &cat),
                     GPUARB_OK);
    assert_int_equal(gpuarb_catalog_count(cat), 12);
    gpuarb_catalog_free(cat);
    /* appending past the limit is refused before a copy is made */
    gpuarb_catalog *a = NULL;
    assert_int_equal(ga_catalog_load_refs(ctx, s->catalogs, 1, &a), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_append(ctx, a, a), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_count(a), 8);
    gpuarb_catalog_free(a);
    gpuarb_spec_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepted_forms),
        cmocka_unit_test(rejected_forms_with_positions),
        cmocka_unit_test(spec_reports_the_reference_position),
        cmocka_unit_test(missing_catalog_is_reported_where_the_spec_names_it),
        cmocka_unit_test(load_ref_reads_what_it_names),
        cmocka_unit_test(offer_limit_is_reported_at_the_list_entry),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
