/* test_catalog.c - catalogs: the native CSV (fields, defaults, comments,
 * column order), data-driven invalid inputs (tests/data/invalid/catalog),
 * the SkyPilot importer on real rows of the shared data (values read off the
 * CSV files by hand, written in the comments), the writers (CSV round trip,
 * JSON checked with an independent parser, table), selection and sorting
 * against hand-computed orders, zone merging, and the built-in snapshot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include <jansson.h>

#include "catalog/catalog.h"
#include "catalog/gpumodel.h"

#define FIXTURES "tests/data/catalog"
#define INVALID "tests/data/invalid/catalog"

static gpuarb_catalog *load_native(gpuarb_ctx *ctx, const char *path)
{
    gpuarb_catalog *cat = NULL;
    gpuarb_status st = gpuarb_catalog_load(ctx, path, GPUARB_CATALOG_NATIVE, NULL, &cat);
    if (st != GPUARB_OK)
        fail_msg("%s: %s", path, gpuarb_errfull(ctx));
    return cat;
}

static gpuarb_offer offer(const gpuarb_catalog *cat, size_t i)
{
    gpuarb_offer o;
    assert_int_equal(gpuarb_catalog_offer(cat, i, &o), GPUARB_OK);
    return o;
}

/* ------------------------------------------------------------------ */

static void native_fixture_fields(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *cat = load_native(ctx, FIXTURES "/basic.csv");
    assert_int_equal(gpuarb_catalog_count(cat), 4);

    /* line 5: H100,aws,98.32,"8x H100, SXM",us-east-1,p5.48xlarge,8,,use1-az2,,,,192,2048 */
    gpuarb_offer o = offer(cat, 0);
    assert_string_equal(o.provider, "aws");
    assert_string_equal(o.region, "us-east-1");
    assert_string_equal(o.zone, "use1-az2");
    assert_string_equal(o.instance_type, "p5.48xlarge");
    assert_string_equal(o.gpu, "H100");
    assert_int_equal(o.gpu_count, 8);
    assert_int_equal(o.source_line, 5);
    assert_true(o.gpu_memory_gb == 80);       /* default: the H100 row */
    assert_true(o.vcpus == 192);
    assert_true(o.memory_gb == 2048);
    assert_true(o.price_hour == 98.32);
    assert_true(o.spot_price_hour == -1);     /* empty: no spot market */
    assert_true(o.interruption_rate == 0.05); /* default */
    assert_true(o.capacity == -1);            /* empty: unlimited */

    /* line 8 (after a blank line and a comment): an alias, spot only */
    o = offer(cat, 1);
    assert_string_equal(o.provider, "gcp");
    assert_string_equal(o.zone, "");
    assert_string_equal(o.gpu, "A100-80GB");  /* from "a100-80gb-sxm" */
    assert_int_equal(o.source_line, 8);
    assert_true(o.gpu_memory_gb == 80);
    assert_true(o.price_hour == -1);
    assert_true(o.spot_price_hour == 1.25);
    assert_true(o.interruption_rate == 0.12);
    assert_true(o.capacity == 4);
    assert_true(o.vcpus == 12 && o.memory_gb == 170);

    /* line 9: spaces around unquoted values, a quoted region with commas,
     * capacity 0 (none obtainable), memory_gb empty */
    o = offer(cat, 2);
    assert_string_equal(o.gpu, "L4");
    assert_string_equal(o.region, "Denmark, DK, EU");
    assert_true(o.price_hour == 0.75);
    assert_true(o.spot_price_hour == 0.30);
    assert_true(o.capacity == 0);
    assert_true(o.memory_gb == -1);
    assert_true(o.gpu_memory_gb == 24);

    /* line 10: explicit gpu_memory_gb and an explicit zero rate */
    o = offer(cat, 3);
    assert_string_equal(o.instance_type, "Standard_NC4as_T4_v3");
    assert_true(o.gpu_memory_gb == 16);
    assert_true(o.interruption_rate == 0);
    assert_true(o.spot_price_hour == 0.0526);
    gpuarb_catalog_free(cat);
}

static void native_header_only_is_an_empty_catalog(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *cat;
    const char *t = "# nothing yet\nprovider,region,instance_type,gpu,gpu_count,price_hour\n";
    assert_int_equal(gpuarb_catalog_parse(ctx, t, strlen(t), NULL, GPUARB_CATALOG_NATIVE, NULL,
                                          &cat), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_count(cat), 0);
    gpuarb_catalog_free(cat);
}

/* ------------------------------------------------------------------ */
/* Data-driven invalid cases: <case>/catalog.csv and <case>/expect with
 * lines "status NAME", "line N", "column N", "message FRAGMENT" and an
 * optional "path KEY". */

static gpuarb_status load_invalid(gpuarb_ctx *ctx, const char *input, const char *text,
                                  size_t len, int *made)
{
    (void)text;
    (void)len;
    gpuarb_catalog *cat = NULL;
    gpuarb_status st = gpuarb_catalog_load(ctx, input, GPUARB_CATALOG_NATIVE, NULL, &cat);
    *made = cat != NULL;
    gpuarb_catalog_free(cat);
    return st;
}

static void invalid_cases(void **state)
{
    static const char *const inputs[] = {"catalog.csv", NULL};
    const tu_invalid_kind kind = {INVALID, inputs, 15, load_invalid, 0};
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    tu_run_invalid(ctx, &kind);
}

/* ------------------------------------------------------------------ */
/* SkyPilot import on hand-made text: every quirk the shared data has. */

typedef struct log_capture {
    char text[2048];
} log_capture;

static void capture(void *user, int32_t level, const char *message)
{
    log_capture *c = user;
    (void)level;
    size_t n = strlen(c->text);
    snprintf(c->text + n, sizeof c->text - n, "%s\n", message);
}

static void skypilot_quirks_inline(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    log_capture logs = {{0}};
    gpuarb_ctx_set_log(ctx, capture, &logs, GPUARB_LOG_INFO);
    /* line 2: the Azure "V1,V2" row (11 fields under a 10-column header)
     * line 3: a 1/3 A10 (fractional: skipped)
     * line 4: a TPU (non-GPU: skipped)      line 5: an unknown name (skipped)
     * line 6: GCP accelerator row without an InstanceType, count "2.0": a
     *         GPU-only price without its N1 VM (left out, issue 7)
     * line 7: vast-style 0.00 spot          line 8: empty AcceleratorName
     * line 9: Azure NV4as_v4, 1/8 of an MI25 counted as one GPU (left out)
     * line 10: Azure NC40ads_H100_v5, the 94 GB H100 NVL (SkyPilot: "H100")
     * line 11: Lambda gpu_1x_h100_pcie (SkyPilot: "H100")
     * line 12: Azure ND96isr_H200_v5 with spot = on-demand: no spot market */
    const char *t =
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,"
        "Region,Generation\n"
        "Standard_NC12s_v3,V100,2,12,224,V100,8.468,1.564886,australiaeast,V1,V2\n"
        "Standard_NV12ads_A10_v5,A10,0.333,12,110,A10,0.908,0.1,eastus,V2\n"
        "tpu,tpu-v4,4,,,x,1.0,,us-central2,\n"
        "x9,Banana9000,1,,,x,1.0,,r,\n"
        ",A100,2.0,,,\"{'Gpus': [{'MemoryInfo': {'SizeInMiB': 40960}}]}\",3.41172,2.7948,"
        "asia-northeast1,\n"
        "1x-RTX_5090,RTX5090,1,32,64.0,x,0.44,0.00,\"Denmark, DK, EU\",\n"
        "m5.large,,,2,8,,0.096,0.04,us-east-1,\n"
        "Standard_NV4as_v4,MI25,1,4,14,MI25,0.338,0.062462,australiaeast,V1,V2\n"
        "Standard_NC40ads_H100_v5,H100,1,40,320,H100,6.98,2.192418,eastus,V2\n"
        "gpu_1x_h100_pcie,H100,1.0,26.0,200.0,x,3.29,,europe-central-1,\n"
        "Standard_ND96isr_H200_v5,H200,8,96,1850,H200,122.96,122.96,australiaeast,V2\n";
    gpuarb_catalog *cat;
    assert_int_equal(gpuarb_catalog_parse(ctx, t, strlen(t), "sky.csv", GPUARB_CATALOG_SKYPILOT,
                                          "azure", &cat), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_count(cat), 5);
    gpuarb_offer o = offer(cat, 0);
    assert_string_equal(o.provider, "azure");
    assert_string_equal(o.instance_type, "Standard_NC12s_v3");
    assert_string_equal(o.gpu, "V100");
    assert_int_equal(o.gpu_count, 2);
    assert_true(o.price_hour == 8.468);
    assert_true(o.spot_price_hour == 1.564886);
    /* 224 GiB = 224 * 1.073741824 = 240.518168576 GB, kept to the MB */
    assert_float_equal(o.memory_gb, 240.518, 1e-9);
    assert_int_equal(o.source_line, 2);
    o = offer(cat, 1);
    assert_string_equal(o.region, "Denmark, DK, EU");
    assert_true(o.spot_price_hour == -1); /* 0.00 means no spot market */
    /* the variants SkyPilot names "H100", with their own memory (NVIDIA's
     * H100 datasheet: NVL 94 GB, PCIe 80 GB) */
    o = offer(cat, 2);
    assert_string_equal(o.gpu, "H100-NVL");
    assert_true(o.gpu_memory_gb == 94);
    o = offer(cat, 3);
    assert_string_equal(o.gpu, "H100-PCIE");
    assert_true(o.gpu_memory_gb == 80);
    o = offer(cat, 4);
    assert_string_equal(o.gpu, "H200");
    assert_true(o.price_hour == 122.96 && o.spot_price_hour == -1);
    /* one log line with the counts */
    assert_non_null(strstr(logs.text, "imported 5 azure offers"));
    assert_non_null(strstr(logs.text, "1 GPU-only rows"));
    assert_non_null(strstr(logs.text, "1 rows that sell part of a GPU"));
    assert_non_null(strstr(logs.text, "2 H100 rows read as the PCIe or NVL part"));
    assert_non_null(strstr(logs.text, "1 spot prices equal to on-demand"));
    assert_non_null(strstr(logs.text, "1 non-GPU"));
    assert_non_null(strstr(logs.text, "1 rows with an unknown accelerator (Banana9000)"));
    assert_non_null(strstr(logs.text, "1 rows with a fractional GPU count"));
    assert_non_null(strstr(logs.text, "1 rows without an accelerator"));
    gpuarb_catalog_free(cat);

    /* a bad number is an error at its position, not a skip: line 2 column 30 */
    const char *bad = "InstanceType,AcceleratorName,AcceleratorCount,Price,Region\n"
                      "p3.2xlarge,V100,1,abc,us-east-1\n"; /* p3.2xlarge,V100,1, is 18 chars */
    tu_assert_error(ctx, gpuarb_catalog_parse(ctx, bad, strlen(bad), "b.csv",
                                              GPUARB_CATALOG_SKYPILOT, "aws", &cat),
                    GPUARB_ERR_INPUT, 2, 19, "");
    assert_string_equal(gpuarb_errpath(ctx), "Price");
    /* the provider is required and must be lower case */
    assert_int_equal(gpuarb_catalog_parse(ctx, t, strlen(t), NULL, GPUARB_CATALOG_SKYPILOT, NULL,
                                          &cat), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_catalog_parse(ctx, t, strlen(t), NULL, GPUARB_CATALOG_SKYPILOT,
                                          "Azure", &cat), GPUARB_ERR_ARG);
}

/* ------------------------------------------------------------------ */
/* SkyPilot import on the real files of the shared data. */

static gpuarb_catalog *load_shared(gpuarb_ctx *ctx, const char *rel, const char *provider)
{
    char sub[512], path[1024];
    snprintf(sub, sizeof sub, "skypilot_gpu_catalog/%s", rel);
    tu_shared_path(path, sizeof path, sub);
    gpuarb_catalog *cat = NULL;
    if (gpuarb_catalog_load(ctx, path, GPUARB_CATALOG_SKYPILOT, provider, &cat) != GPUARB_OK)
        fail_msg("%s", gpuarb_errfull(ctx));
    return cat;
}

/* The first offer matching instance type, region and zone (NULL = any). */
static int find(const gpuarb_catalog *cat, const char *provider, const char *type,
                const char *region, const char *zone, gpuarb_offer *out)
{
    for (size_t i = 0; i < gpuarb_catalog_count(cat); i++) {
        gpuarb_offer o = offer(cat, i);
        if (strcmp(o.instance_type, type) == 0 && strcmp(o.region, region) == 0 &&
            (!provider || strcmp(o.provider, provider) == 0) &&
            (!zone || strcmp(o.zone, zone) == 0)) {
            *out = o;
            return 1;
        }
    }
    return 0;
}

static void skypilot_aws_real_rows(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    log_capture logs = {{0}};
    gpuarb_ctx_set_log(ctx, capture, &logs, GPUARB_LOG_INFO);
    gpuarb_catalog *cat = load_shared(ctx, "official_skypilot_catalog/aws_v7_vms_gpu.csv", "aws");
    /* SOURCE.md: 1903 rows; non-GPU families dl1 2 + dl2q 2 + f1 44 + f2 29 +
     * inf1 201 + inf2 118 + trn1 14 + trn1n 3 = 413; p5e.48xlarge has 3 rows
     * with neither Price nor SpotPrice (ap-southeast-2, eu-north-1, eu-west-2;
     * read with grep).  1903 - 413 - 3 = 1487 offers. */
    assert_int_equal(gpuarb_catalog_count(cat), 1487);
    assert_non_null(strstr(logs.text, "413 non-GPU accelerator rows"));
    assert_non_null(strstr(logs.text, "3 rows without a price"));
    /* aws_v7_vms_gpu.csv lines 1814-1816:
     * p4d.24xlarge,A100,8.0,96.0,1152.0,...,32.7726,6.791500,us-east-1,use1-az1
     * ...,32.7726,9.610700,us-east-1,use1-az2   ...,32.7726,5.093300,us-east-1,use1-az6 */
    gpuarb_offer o;
    assert_true(find(cat, NULL, "p4d.24xlarge", "us-east-1", "use1-az1", &o));
    assert_string_equal(o.gpu, "A100");
    assert_int_equal(o.gpu_count, 8);
    assert_true(o.vcpus == 96);
    assert_float_equal(o.memory_gb, 1236.951, 1e-9); /* 1152 GiB = 1236.950581248 GB */
    assert_true(o.price_hour == 32.7726);
    assert_true(o.spot_price_hour == 6.7915);
    assert_true(o.gpu_memory_gb == 40);
    assert_true(find(cat, NULL, "p4d.24xlarge", "us-east-1", "use1-az2", &o));
    assert_true(o.spot_price_hour == 9.6107);
    assert_true(find(cat, NULL, "p4d.24xlarge", "us-east-1", "use1-az6", &o));
    assert_true(o.spot_price_hour == 5.0933);
    /* no Inferentia / Trainium / FPGA instance survived */
    for (size_t i = 0; i < gpuarb_catalog_count(cat); i++) {
        o = offer(cat, i);
        assert_true(strncmp(o.instance_type, "inf", 3) != 0);
        assert_true(strncmp(o.instance_type, "trn", 3) != 0);
        assert_true(strncmp(o.instance_type, "f1.", 3) != 0);
    }
    gpuarb_catalog_free(cat);
}

static void skypilot_other_real_rows(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_offer o;
    /* azure_vms_gpu.csv line 2 (11 fields):
     * Standard_NC12s_v3,V100,2,12,224,V100,8.468,1.564886,australiaeast,V1,V2
     * 829 rows, 108 of them fractional A10 sizes (0.5, 0.333, 0.167 x 36) */
    gpuarb_catalog *cat = load_shared(ctx, "anycloud_catalog_2026-05-20/azure_vms_gpu.csv",
                                      "azure");
    /* ... and 69 rows of the NVv4 sizes that sell 1/8, 1/4 or 1/2 of an MI25
     * (grep -cE '^Standard_NV(4|8|16)as_v4,' azure_vms_gpu.csv) */
    assert_int_equal(gpuarb_catalog_count(cat), 829 - 108 - 69);
    assert_true(find(cat, NULL, "Standard_NC12s_v3", "australiaeast", NULL, &o));
    assert_true(o.price_hour == 8.468 && o.spot_price_hour == 1.564886);
    assert_int_equal(o.gpu_count, 2);
    assert_false(find(cat, NULL, "Standard_NV4as_v4", "australiaeast", NULL, &o));
    assert_true(find(cat, NULL, "Standard_NV32as_v4", "australiaeast", NULL, &o));
    assert_string_equal(o.gpu, "MI25"); /* the whole GPU stays */
    /* Standard_NC40ads_H100_v5,H100,1,40,320,H100,6.98,2.192418,eastus,V2 */
    assert_true(find(cat, NULL, "Standard_NC40ads_H100_v5", "eastus", NULL, &o));
    assert_string_equal(o.gpu, "H100-NVL");
    assert_true(find(cat, NULL, "Standard_ND96isr_H100_v5", "eastus", NULL, &o));
    assert_string_equal(o.gpu, "H100");
    gpuarb_catalog_free(cat);

    /* vast_vms_gpu.csv line 2:
     * 1x-RTX_5090-32-65536,RTX5090,1,32,64.0,"{...}",0.44,0.00,"Denmark, DK, EU" */
    cat = load_shared(ctx, "anycloud_catalog_2026-05-20/vast_vms_gpu.csv", "vast");
    assert_int_equal(gpuarb_catalog_count(cat), 64);
    assert_true(find(cat, NULL, "1x-RTX_5090-32-65536", "Denmark, DK, EU", NULL, &o));
    assert_string_equal(o.gpu, "RTX5090");
    assert_true(o.price_hour == 0.44);
    assert_true(o.spot_price_hour == -1);
    assert_float_equal(o.memory_gb, 68.719, 1e-9); /* 64 GiB = 68.719476736 GB */
    gpuarb_catalog_free(cat);

    /* lambda_vms_gpu.csv line 2:
     * gpu_8x_v100_n,V100,8.0,88.0,448.0,6.32,europe-central-1,"{...}", (no spot) */
    cat = load_shared(ctx, "anycloud_catalog_2026-05-20/lambda_vms_gpu.csv", "lambda");
    assert_true(find(cat, NULL, "gpu_8x_v100_n", "europe-central-1", NULL, &o));
    assert_int_equal(o.gpu_count, 8);
    assert_true(o.vcpus == 88 && o.price_hour == 6.32 && o.spot_price_hour == -1);
    assert_float_equal(o.memory_gb, 481.036, 1e-9); /* 448 GiB = 481.036337152 GB */
    gpuarb_catalog_free(cat);

    /* gcp_vms_gpu.csv: 747 accelerator rows, every one without an
     * InstanceType: a GPU-only price (the VM is priced elsewhere), so none
     * is sold as an offer (issue 7: a 4xT4 plan picked T4x1 at $0.35 with
     * no VM under it) */
    cat = load_shared(ctx, "anycloud_catalog_2026-05-20/gcp_vms_gpu.csv", "gcp");
    assert_int_equal(gpuarb_catalog_count(cat), 0);
    gpuarb_catalog_free(cat);
    /* lambda gpu_1x_h100_pcie (line 223) is the PCIe card */
    cat = load_shared(ctx, "anycloud_catalog_2026-05-20/lambda_vms_gpu.csv", "lambda");
    assert_true(find(cat, NULL, "gpu_1x_h100_pcie", "europe-central-1", NULL, &o));
    assert_string_equal(o.gpu, "H100-PCIE");
    assert_true(find(cat, NULL, "gpu_1x_h100_sxm5", "europe-central-1", NULL, &o) ||
                find(cat, NULL, "gpu_8x_h100_sxm5", "europe-central-1", NULL, &o));
    assert_string_equal(o.gpu, "H100");
    gpuarb_catalog_free(cat);

    /* runpod_vms_gpu.csv: "H100-80GB-HBM3" is an alias of H100; line 2:
     * 1x_A100-80GB_SECURE,4.0,80.0,A100-80GB,1.0,A100_80GB,US,1.99, */
    cat = load_shared(ctx, "runpod_pod_catalog_2023-10/runpod_vms_gpu.csv", "runpod");
    assert_int_equal(gpuarb_catalog_count(cat), 616);
    assert_true(find(cat, NULL, "1x_A100-80GB_SECURE", "US", NULL, &o));
    assert_string_equal(o.gpu, "A100-80GB");
    assert_true(o.price_hour == 1.99 && o.spot_price_hour == -1);
    gpuarb_catalog_free(cat);
}

/* ------------------------------------------------------------------ */
/* Writers */

static void assert_same_offers(const gpuarb_catalog *a, const gpuarb_catalog *b)
{
    assert_int_equal(gpuarb_catalog_count(a), gpuarb_catalog_count(b));
    for (size_t i = 0; i < gpuarb_catalog_count(a); i++) {
        gpuarb_offer x = offer(a, i), y = offer(b, i);
        assert_string_equal(x.provider, y.provider);
        assert_string_equal(x.region, y.region);
        assert_string_equal(x.zone, y.zone);
        assert_string_equal(x.instance_type, y.instance_type);
        assert_string_equal(x.gpu, y.gpu);
        assert_int_equal(x.gpu_count, y.gpu_count);
        /* exact: the writer prints the shortest text that reads back */
        assert_true(x.gpu_memory_gb == y.gpu_memory_gb);
        assert_true(x.vcpus == y.vcpus);
        assert_true(x.memory_gb == y.memory_gb);
        assert_true(x.price_hour == y.price_hour);
        assert_true(x.spot_price_hour == y.spot_price_hour);
        assert_true(x.interruption_rate == y.interruption_rate);
        assert_true(x.capacity == y.capacity);
    }
}

static void roundtrip(gpuarb_ctx *ctx, const gpuarb_catalog *cat)
{
    char *csv1, *csv2;
    gpuarb_catalog *back;
    assert_int_equal(gpuarb_catalog_to_csv(ctx, cat, &csv1), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_parse(ctx, csv1, strlen(csv1), "rt.csv",
                                          GPUARB_CATALOG_NATIVE, NULL, &back), GPUARB_OK);
    assert_same_offers(cat, back);
    assert_int_equal(gpuarb_catalog_to_csv(ctx, back, &csv2), GPUARB_OK);
    assert_string_equal(csv1, csv2);
    gpuarb_free(csv1);
    gpuarb_free(csv2);
    gpuarb_catalog_free(back);
}

static void csv_round_trip(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *cat = load_native(ctx, FIXTURES "/basic.csv");
    roundtrip(ctx, cat);
    /* awkward strings: quotes, a leading '#', surrounding spaces, commas */
    ga_offer o;
    memset(&o, 0, sizeof o);
    o.provider = "onprem";
    o.region = "#rack \"7\", row 2";
    o.zone = " padded ";
    o.instance_type = "a,b";
    o.gpu = ga_gpumodel_find("H100");
    o.gpu_count = 3;
    o.gpu_memory_gb = 79.5;
    o.vcpus = -1;
    o.memory_gb = 0.1 + 0.2; /* 0.30000000000000004: needs 17 digits */
    o.price = 1.0 / 3.0;
    o.spot = -1;
    o.rate = 0;
    o.rate_given = 1;
    o.capacity = 987654; /* 6 digits: the top of the range is 1000000 */
    assert_int_equal(ga_catalog_push(ctx, cat, &o), GPUARB_OK);
    roundtrip(ctx, cat);
    gpuarb_catalog_free(cat);
}

/* basic.csv as one of the catalog writers writes it (free with gpuarb_free). */
static char *basic_written(gpuarb_ctx *ctx,
                           gpuarb_status (*write)(gpuarb_ctx *, const gpuarb_catalog *, char **))
{
    gpuarb_catalog *cat = load_native(ctx, FIXTURES "/basic.csv");
    char *text = NULL;
    assert_int_equal(write(ctx, cat, &text), GPUARB_OK);
    gpuarb_catalog_free(cat);
    return text;
}

static void json_is_valid_with_nulls(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    char *text = basic_written(ctx, gpuarb_catalog_to_json);
    json_error_t err;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        fail_msg("invalid JSON at %d:%d: %s", err.line, err.column, err.text);
    json_t *offers = json_object_get(root, "offers");
    assert_true(json_is_array(offers));
    assert_int_equal(json_array_size(offers), 4);
    json_t *first = json_array_get(offers, 0);
    static const char *const keys[] = {"provider", "region", "zone", "instance_type", "gpu",
                                       "gpu_count", "gpu_memory_gb", "vcpus", "memory_gb",
                                       "price_hour", "spot_price_hour", "interruption_rate",
                                       "capacity"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(first, keys[i]));
    assert_string_equal(json_string_value(json_object_get(first, "gpu")), "H100");
    assert_int_equal(json_integer_value(json_object_get(first, "gpu_count")), 8);
    assert_true(json_is_null(json_object_get(first, "spot_price_hour")));
    assert_true(json_is_null(json_object_get(first, "capacity")));
    assert_float_equal(json_number_value(json_object_get(first, "price_hour")), 98.32, 0);
    json_t *second = json_array_get(offers, 1);
    assert_true(json_is_null(json_object_get(second, "zone")));
    assert_true(json_is_null(json_object_get(second, "price_hour")));
    assert_int_equal(json_integer_value(json_object_get(second, "capacity")), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(offers, 2), "region")),
                        "Denmark, DK, EU");
    json_decref(root);
    gpuarb_free(text);
    /* an empty catalog is still {"offers": []} */
    gpuarb_catalog *none;
    assert_int_equal(ga_catalog_new(ctx, &none), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_to_json(ctx, none, &text), GPUARB_OK);
    root = json_loads(text, 0, &err);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "offers")), 0);
    json_decref(root);
    gpuarb_free(text);
    gpuarb_catalog_free(none);
}

static void table_is_aligned(void **state)
{
    char *text = basic_written(((fixture *)*state)->ctx, gpuarb_catalog_to_table);
    /* header + 4 rows + "4 offers"; every row as wide as the header, and
     * the price column right-aligned: "98.3200" ends where "$/H" ends */
    char *save, *line = strtok_r(text, "\n", &save);
    size_t width = strlen(line), rows = 0;
    const char *h = strstr(line, "$/H");
    assert_non_null(h);
    size_t price_end = (size_t)(h - line) + 3;
    assert_non_null(strstr(line, "PROVIDER"));
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        if (strcmp(line, "4 offers") == 0)
            break;
        rows++;
        assert_int_equal(strlen(line), width);
        if (rows == 1)
            assert_int_equal(strncmp(line + price_end - 7, "98.3200", 7), 0);
    }
    assert_non_null(line);
    assert_int_equal(rows, 4);
    gpuarb_free(text);
}

/* ------------------------------------------------------------------ */
/* Selection: orders computed by hand in tests/data/catalog/select.csv. */

static void expect_order(gpuarb_ctx *ctx, const gpuarb_catalog *cat, gpuarb_catalog_query *q,
                         const char *want)
{
    gpuarb_catalog *sel;
    char got[64] = "";
    assert_int_equal(gpuarb_catalog_select(ctx, cat, q, &sel), GPUARB_OK);
    for (size_t i = 0; i < gpuarb_catalog_count(sel); i++) {
        gpuarb_offer o = offer(sel, i);
        size_t n = strlen(got);
        /* instance name, plus the zone digit for the three f rows */
        snprintf(got + n, sizeof got - n, "%s%s", o.instance_type,
                 strcmp(o.instance_type, "f") == 0 ? o.zone + 1 : "");
    }
    assert_string_equal(got, want);
    gpuarb_catalog_free(sel);
}

static void select_filters_and_sorts(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *cat = load_native(ctx, FIXTURES "/select.csv");
    gpuarb_catalog_query q;
    gpuarb_catalog_query_init(&q);
    expect_order(ctx, cat, &q, "abcdef2f3f1");
    /* price per GPU: f 0.90 x3 (file order), then a, c, e at 1.00, b 3.00,
     * d (no on-demand price) last */
    q.sort = GPUARB_SORT_PRICE_PER_GPU;
    expect_order(ctx, cat, &q, "f2f3f1acebd");
    /* price per instance: f 0.90 x3, c 2.00, b 3.00, e 4.00, a 8.00, d */
    q.sort = GPUARB_SORT_PRICE;
    expect_order(ctx, cat, &q, "f2f3f1cbead");
    /* spot per GPU: a 0.30, d 0.30, f2 0.30, f3 0.30, f1 0.35, c 0.40, e 1.00, b */
    q.sort = GPUARB_SORT_SPOT_PER_GPU;
    expect_order(ctx, cat, &q, "adf2f3f1ceb");
    gpuarb_catalog_query_init(&q);
    q.gpu = "h100-sxm"; /* an alias of H100 */
    expect_order(ctx, cat, &q, "abe");
    gpuarb_catalog_query_init(&q);
    q.provider = "AWS";
    expect_order(ctx, cat, &q, "abf2f3f1");
    gpuarb_catalog_query_init(&q);
    q.region = "us-*";
    expect_order(ctx, cat, &q, "abcf2f3f1");
    q.region = "us-east*|europe-*";
    expect_order(ctx, cat, &q, "acdf2f3f1");
    gpuarb_catalog_query_init(&q);
    q.spot_only = 1;
    expect_order(ctx, cat, &q, "acdef2f3f1");
    gpuarb_catalog_query_init(&q);
    q.min_gpus = 4;
    expect_order(ctx, cat, &q, "ade");
    /* filters combine */
    q.gpu = "A100";
    q.spot_only = 1;
    expect_order(ctx, cat, &q, "d");
    gpuarb_catalog_free(cat);
}

static void select_rejects_bad_queries(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *cat = load_native(ctx, FIXTURES "/select.csv"), *sel;
    gpuarb_catalog_query q;
    gpuarb_catalog_query_init(&q);
    q.gpu = "H10";
    assert_int_equal(gpuarb_catalog_select(ctx, cat, &q, &sel), GPUARB_ERR_INPUT);
    assert_null(sel);
    assert_non_null(strstr(gpuarb_errmsg(ctx), "did you mean H100"));
    gpuarb_catalog_query_init(&q);
    q.size = 8;
    assert_int_equal(gpuarb_catalog_select(ctx, cat, &q, &sel), GPUARB_ERR_ARG);
    gpuarb_catalog_query_init(&q);
    q.sort = 42;
    assert_int_equal(gpuarb_catalog_select(ctx, cat, &q, &sel), GPUARB_ERR_ARG);
    /* NULL query: everything, in order */
    assert_int_equal(gpuarb_catalog_select(ctx, cat, NULL, &sel), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_count(sel), 8);
    gpuarb_catalog_free(sel);
    gpuarb_catalog_free(cat);
}

static void merge_zones_and_append(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *cat = load_native(ctx, FIXTURES "/select.csv"), *m;
    assert_int_equal(gpuarb_catalog_merge_zones(ctx, cat, &m), GPUARB_OK);
    /* f(z2) and f(z3) are the same but for the zone: one region-wide row
     * where f(z2) was; f(z1) has another spot price and keeps its zone; a
     * is alone in z1 and keeps it */
    assert_int_equal(gpuarb_catalog_count(m), 7);
    gpuarb_offer o = offer(m, 0);
    assert_string_equal(o.zone, "z1");
    o = offer(m, 5);
    assert_string_equal(o.instance_type, "f");
    assert_string_equal(o.zone, "");
    assert_true(o.spot_price_hour == 0.30);
    o = offer(m, 6);
    assert_string_equal(o.zone, "z1");
    assert_true(o.spot_price_hour == 0.35);
    /* appending a catalog to itself doubles it */
    assert_int_equal(gpuarb_catalog_append(ctx, m, m), GPUARB_OK);
    assert_int_equal(gpuarb_catalog_count(m), 14);
    o = offer(m, 12);
    assert_string_equal(o.zone, "");
    gpuarb_catalog_free(m);
    gpuarb_catalog_free(cat);
}

/* ------------------------------------------------------------------ */
/* The built-in snapshot */

static void builtin_catalog(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *cat;
    assert_int_equal(gpuarb_catalog_builtin(ctx, &cat), GPUARB_OK);
    size_t n = gpuarb_catalog_count(cat), spot = 0, ondemand = 0;
    assert_true(n >= 300 && n <= 3000);
    char providers[16][32];
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        gpuarb_offer o = offer(cat, i);
        assert_int_equal(o.source_line, 0);
        assert_true(o.price_hour >= 0 || o.spot_price_hour >= 0);
        assert_true(o.price_hour != 0 && o.spot_price_hour != 0); /* 0 = no market */
        spot += o.spot_price_hour > 0;
        ondemand += o.price_hour > 0;
        size_t k = 0;
        while (k < np && strcmp(providers[k], o.provider) != 0)
            k++;
        if (k == np && np < 16)
            snprintf(providers[np++], sizeof providers[0], "%s", o.provider);
    }
    assert_true(np >= 6);
    assert_true(spot >= 100);
    assert_true(ondemand >= n - 20);
    gpuarb_offer o;
    /* GCP whole VM = accelerator + host, us-central1 (all four zones equal):
     * gcp_vms_gpu.csv lines 13-16: A100 x1 2.93391, spot 1.4341;
     * gcp_vms_gpu_host_machine_types.csv lines 13-16: a2-highgpu-1g 12 vCPUs,
     * 85 GiB, 0.73948, spot 0.36975.  Sum 3.67339, spot 1.80385. */
    assert_true(find(cat, "gcp", "a2-highgpu-1g", "us-central1", "", &o));
    assert_string_equal(o.gpu, "A100");
    assert_float_equal(o.price_hour, 3.67339, 1e-9);
    assert_float_equal(o.spot_price_hour, 1.80385, 1e-9);
    assert_true(o.vcpus == 12);
    assert_float_equal(o.memory_gb, 91.268, 1e-9); /* 85 GiB = 91.26805504 GB */
    /* AWS p4d.24xlarge us-east-1 use1-az6: 32.7726, spot 5.093300 */
    assert_true(find(cat, "aws", "p4d.24xlarge", "us-east-1", "use1-az6", &o));
    assert_true(o.price_hour == 32.7726 && o.spot_price_hour == 5.0933);
    /* lambda_vms_gpu.csv line 230: gpu_1x_h100_pcie,H100,1.0,26.0,200.0,3.29,us-east-1 */
    assert_true(find(cat, "lambda", "gpu_1x_h100_pcie", "us-east-1", NULL, &o));
    assert_true(o.price_hour == 3.29 && o.spot_price_hour == -1 && o.vcpus == 26);
    /* vast: 0.44, no spot, region with commas */
    assert_true(find(cat, "vast", "1x-RTX_5090-32-65536", "Denmark, DK, EU", NULL, &o));
    assert_true(o.price_hour == 0.44 && o.spot_price_hour == -1);
    /* the sources are named */
    const char *info = gpuarb_catalog_builtin_info();
    assert_non_null(strstr(info, "62ff0a9"));
    assert_non_null(strstr(info, "2026-05-20"));
    assert_non_null(strstr(info, "2023-10-09"));
    roundtrip(ctx, cat);
    gpuarb_catalog_free(cat);
}

static void api_misuse(void **state)
{
    gpuarb_ctx *ctx = ((fixture *)*state)->ctx;
    gpuarb_catalog *cat;
    gpuarb_offer o;
    assert_int_equal(gpuarb_catalog_parse(ctx, "x", 1, NULL, GPUARB_CATALOG_NATIVE, NULL, NULL),
                     GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_catalog_parse(ctx, "x", 1, NULL, 7, NULL, &cat), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_catalog_load(ctx, "/nonexistent/x.csv", GPUARB_CATALOG_NATIVE, NULL,
                                         &cat), GPUARB_ERR_IO);
    assert_null(cat);
    assert_int_equal(gpuarb_catalog_offer(NULL, 0, &o), GPUARB_ERR_ARG);
    assert_int_equal(gpuarb_catalog_count(NULL), 0);
    gpuarb_catalog_free(NULL);
}

/* The version JSON carries exactly what the three version getters say, as
 * one line of valid JSON (jansson reads it back). */
static void version_json(void **state)
{
    fixture *f = *state;
    char *text = NULL;
    assert_int_equal(gpuarb_version_to_json(f->ctx, &text), GPUARB_OK);
    assert_non_null(text);
    size_t n = strlen(text);
    assert_true(n > 0 && text[n - 1] == '\n');
    assert_null(memchr(text, '\n', n - 1));
    json_error_t err;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    assert_non_null(v);
    assert_int_equal(json_object_size(v), 3);
    assert_string_equal(json_string_value(json_object_get(v, "library")),
                        gpuarb_version_string());
    assert_int_equal(json_integer_value(json_object_get(v, "library_number")),
                     gpuarb_version_number());
    assert_string_equal(json_string_value(json_object_get(v, "builtin_catalog")),
                        gpuarb_catalog_builtin_info());
    json_decref(v);
    gpuarb_free(text);
    assert_int_equal(gpuarb_version_to_json(f->ctx, NULL), GPUARB_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_TEST(native_fixture_fields),
        TU_TEST(native_header_only_is_an_empty_catalog),
        TU_TEST(invalid_cases),
        TU_TEST(skypilot_quirks_inline),
        TU_TEST(skypilot_aws_real_rows),
        TU_TEST(skypilot_other_real_rows),
        TU_TEST(csv_round_trip),
        TU_TEST(json_is_valid_with_nulls),
        TU_TEST(table_is_aligned),
        TU_TEST(select_filters_and_sorts),
        TU_TEST(select_rejects_bad_queries),
        TU_TEST(merge_zones_and_append),
        TU_TEST(builtin_catalog),
        TU_TEST(version_json),
        TU_TEST(api_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
