/*
 * test_mig.c - MIG profile tables and `mig place`.
 *
 * Known answers come from outside the code under test: the real nvidia-smi
 * -lgip/-lgipp rows and the go-nvml mock rows in ../shared/data (A100/A30
 * values there match NVIDIA's documentation), a brute force over every
 * start slot of every request on one GPU written here from the -lgipp
 * placements of the real H100 rows (no code shared with mig_slots.c), and
 * small cases counted by hand (moves, shares, model constraints, input
 * positions).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- a tiny CSV splitter for the shared tables (quoted fields) ---- */
static int split_csv(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        if (*p == '"') {
            f[n++] = ++p;
            while (*p && *p != '"')
                p++;
            if (*p)
                *p++ = '\0';
        } else {
            f[n++] = p;
            while (*p && *p != ',' && *p != '\n' && *p != '\r')
                p++;
        }
        if (*p != ',') {
            *p = '\0';
            break;
        }
        *p++ = '\0';
    }
    return n;
}

/* "{0,2,4}:2" -> start mask and size */
static void parse_placements(const char *s, uint32_t *mask, int *size)
{
    *mask = 0;
    *size = 0;
    if (*s != '{')
        return;
    s++;
    while (*s && *s != '}') {
        *mask |= 1u << atoi(s);
        while (*s && *s != ',' && *s != '}')
            s++;
        if (*s == ',')
            s++;
    }
    if (*s == '}' && s[1] == ':')
        *size = atoi(s + 2);
}

static const char *model_of_real(const char *gpu)
{
    if (strcmp(gpu, "H100-80GB-HBM3") == 0)
        return "H100";
    if (strcmp(gpu, "H100-NVL-94GB") == 0)
        return "H100-NVL";
    if (strcmp(gpu, "H200-141GB") == 0)
        return "H200";
    return NULL;
}

static int find_profile(const char *model, const char *name, gpuarb_mig_profile *out)
{
    int32_t n = gpuarb_mig_profile_count(model);
    for (int32_t i = 0; i < n; i++) {
        assert_int_equal(gpuarb_mig_profile_get(model, i, out), GPUARB_OK);
        if (strcmp(out->name, name) == 0)
            return 1;
    }
    return 0;
}

/* Every row of the real nvidia-smi table for the models we carry matches. */
static void tables_match_real_nvidia_smi(void **state)
{
    (void)state;
    char path[1024];
    tu_shared_path(path, sizeof path, "nvidia_mig_profiles/mig_profiles_real_nvidia_smi.csv");
    char *text = tu_slurp(path, NULL), *save = NULL;
    int rows = 0, placements = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[16];
        if (split_csv(line, f, 16) < 13 || strcmp(f[0], "gpu") == 0)
            continue;
        const char *model = model_of_real(f[0]);
        if (!model)
            continue; /* GH200, GB200: not carried */
        gpuarb_mig_profile p;
        if (!find_profile(model, f[1], &p))
            fail_msg("%s: profile %s missing", model, f[1]);
        assert_int_equal(p.id, atoi(f[2]));
        assert_int_equal(p.max_instances, atoi(f[3]));
        assert_true(fabs(p.memory_gib - atof(f[4])) < 1e-9);
        assert_int_equal(p.compute_slices, atoi(f[1])); /* "Ng." prefix */
        if (f[11][0]) {
            uint32_t mask;
            int size;
            parse_placements(f[11], &mask, &size);
            assert_int_equal(p.start_mask, mask);
            assert_int_equal(p.memory_slots, size);
            placements++;
        }
        rows++;
    }
    free(text);
    assert_int_equal(rows, 20);      /* 7 H100 + 7 H100 NVL + 6 H200 rows */
    assert_int_equal(placements, 14);
}

/* A100 40/80 GB and A30 against the go-nvml mock rows (MiB, slices,
 * instances, placements "start:size"). */
static void tables_match_nvml_mock_a100_a30(void **state)
{
    (void)state;
    char path[1024];
    tu_shared_path(path, sizeof path, "nvidia_mig_profiles/mig_gpu_instance_profiles.csv");
    char *text = tu_slurp(path, NULL), *save = NULL;
    int rows = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[16];
        if (split_csv(line, f, 16) < 14)
            continue;
        const char *model = strcmp(f[1], "a100_40gb_MIGProfiles") == 0   ? "A100"
                            : strcmp(f[1], "a100_80gb_MIGProfiles") == 0 ? "A100-80GB"
                            : strcmp(f[1], "a30_24gb_MIGProfiles") == 0  ? "A30"
                                                                         : NULL;
        if (!model)
            continue;
        int slices = atoi(f[3]), inst = atoi(f[4]);
        double gib = atof(f[5]) / 1024.0;
        int rev1 = strstr(f[2], "_REV1") != NULL, rev2 = strstr(f[2], "_REV2") != NULL;
        uint32_t mask = 0;
        int size = 0;
        for (char *t = f[13]; *t;) {
            mask |= 1u << atoi(t);
            size = atoi(strchr(t, ':') + 1);
            t = strchr(t, ' ') ? strchr(t, ' ') + 1 : t + strlen(t);
        }
        /* our row: same compute and memory; +me for REV1, the double-memory
         * 1g for REV2 (on A30, REV1 of 2g is 2g.12gb+me) */
        int found = 0;
        for (int32_t i = 0; i < gpuarb_mig_profile_count(model); i++) {
            gpuarb_mig_profile p;
            gpuarb_mig_profile_get(model, i, &p);
            int me = strstr(p.name, "+me") != NULL;
            if (p.compute_slices != slices || me != rev1 || fabs(p.memory_gib - gib) > 0.006)
                continue;
            if (rev2 != (slices == 1 && p.memory_slots == 2))
                continue;
            assert_int_equal(p.max_instances, inst);
            assert_int_equal(p.start_mask, mask);
            assert_int_equal(p.memory_slots, size);
            found = 1;
        }
        if (!found)
            fail_msg("%s %s: no matching row", model, f[2]);
        rows++;
    }
    free(text);
    assert_int_equal(rows, 19);
}

static void tables_lookup_by_alias(void **state)
{
    (void)state;
    assert_int_equal(gpuarb_mig_profile_count("a100-80gb-sxm4"), 7);
    assert_int_equal(gpuarb_mig_profile_count("H100-SXM"), 7);
    assert_int_equal(gpuarb_mig_profile_count("RTX-PRO-6000-Blackwell"), 10);
    assert_int_equal(gpuarb_mig_profile_count("L4"), -1);
    assert_int_equal(gpuarb_mig_profile_count("nope"), -1);
    gpuarb_mig_profile p;
    assert_true(find_profile("RTXPRO6000", "1g.24gb", &p));
    assert_int_equal(p.max_instances, 4); /* mig-parted: all-1g.24gb.gfx = 4 */
    assert_int_equal(p.slots, 4);
}

/* ---- brute force for one H100 ---- */

/* H100 -lgipp (real, S1): profile -> size, starts, max, compute */
static const struct {
    const char *name;
    int size, compute, max;
    uint32_t starts;
} BF[] = {
    {"1g.10gb", 1, 1, 7, 0x7f}, {"1g.20gb", 2, 1, 4, 0x55}, {"2g.20gb", 2, 2, 3, 0x15},
    {"3g.40gb", 4, 3, 2, 0x11}, {"4g.40gb", 4, 4, 1, 0x01}, {"7g.80gb", 8, 7, 1, 0x01},
};
#define NBF 6

static int bf_best;
static void bf(const int *req, int n, int i, uint32_t used, int compute, int *count, int placed)
{
    if (i == n) {
        if (placed > bf_best)
            bf_best = placed;
        return;
    }
    if (placed + (n - i) <= bf_best)
        return;
    bf(req, n, i + 1, used, compute, count, placed); /* leave it out */
    int p = req[i];
    if (count[p] >= BF[p].max || compute + BF[p].compute > 7)
        return;
    for (int s = 0; s < 8; s++) {
        uint32_t m = ((1u << BF[p].size) - 1u) << s;
        if (!(BF[p].starts & (1u << s)) || s + BF[p].size > 8 || (m & used))
            continue;
        count[p]++;
        bf(req, n, i + 1, used | m, compute + BF[p].compute, count, placed + 1);
        count[p]--;
    }
}

static char *spec_for(const int *req, int n, int ngpus)
{
    static char buf[4096];
    int w = snprintf(buf, sizeof buf, "gpus:\n  - {model: H100, count: %d}\nrequests:\n", ngpus);
    for (int i = 0; i < n; i++)
        w += snprintf(buf + w, sizeof buf - (size_t)w, "  - {name: r%d, profile: %s}\n", i,
                      BF[req[i]].name);
    return buf;
}

static gpuarb_mig_result *place_text(gpuarb_ctx *ctx, const char *text, gpuarb_mig_summary *sum)
{
    gpuarb_mig_problem *p = NULL;
    gpuarb_mig_result *r = NULL;
    if (gpuarb_mig_spec_parse(ctx, text, strlen(text), "t", &p) != GPUARB_OK)
        fail_msg("parse: %s", gpuarb_errfull(ctx));
    assert_int_equal(gpuarb_mig_place(ctx, p, &r), GPUARB_OK);
    gpuarb_mig_problem_free(p);
    memset(sum, 0, sizeof *sum);
    sum->size = sizeof *sum;
    assert_int_equal(gpuarb_mig_result_summary(r, sum), GPUARB_OK);
    return r;
}

/* Three 1g then a 4g on one GPU: all four fit (4g at 0, 1g's at 4..6). */
static void three_small_then_a_4g(void **state)
{
    fixture *f = *state;
    int req[] = {0, 0, 0, 4};
    gpuarb_mig_summary s;
    gpuarb_mig_result *r = place_text(f->ctx, spec_for(req, 4, 1), &s);
    assert_int_equal(s.placed, 4);
    char *json = NULL;
    assert_int_equal(gpuarb_mig_result_to_text(f->ctx, r, GPUARB_MIG_JSON, &json), GPUARB_OK);
    assert_non_null(strstr(json, "\"profile\": \"4g.40gb\", \"start\": 0"));
    gpuarb_free(json);
    gpuarb_mig_result_free(r);
}

/* Random request lists on one GPU, in random orders: as many placed as the
 * brute force finds, and the same count whatever the order. */
static void one_gpu_matches_brute_force(void **state)
{
    fixture *f = *state;
    uint64_t rng = 42;
    for (int t = 0; t < 300; t++) {
        int n = 1 + (int)(tu_rng_next(&rng) % 7), req[8], cnt[NBF] = {0};
        for (int i = 0; i < n; i++)
            req[i] = (int)(tu_rng_next(&rng) % (t % 3 == 0 ? NBF : 4));
        bf_best = 0;
        bf(req, n, 0, 0, 0, cnt, 0);
        gpuarb_mig_summary s;
        gpuarb_mig_result *r = place_text(f->ctx, spec_for(req, n, 1), &s);
        if (s.placed != bf_best)
            fail_msg("case %d: placed %lld, brute force %d", t, (long long)s.placed, bf_best);
        gpuarb_mig_result_free(r);
        /* reversed order */
        int rev[8];
        for (int i = 0; i < n; i++)
            rev[i] = req[n - 1 - i];
        r = place_text(f->ctx, spec_for(rev, n, 1), &s);
        assert_int_equal(s.placed, bf_best);
        gpuarb_mig_result_free(r);
    }
}

/* Several GPUs: the number of GPUs used equals a hand-counted minimum and
 * does not depend on order (7 x 1g + 2 x 3g + 1 x 4g: 1g's fill one GPU,
 * 3g+3g one, 4g one -> 3; and not 4 as first-fit in listed order gives). */
static void several_gpus_order_independent(void **state)
{
    fixture *f = *state;
    int a[] = {0, 3, 0, 4, 0, 0, 3, 0, 0, 0};
    int b[] = {4, 3, 3, 0, 0, 0, 0, 0, 0, 0};
    gpuarb_mig_summary s1, s2;
    gpuarb_mig_result *r1 = place_text(f->ctx, spec_for(a, 10, 5), &s1);
    gpuarb_mig_result *r2 = place_text(f->ctx, spec_for(b, 10, 5), &s2);
    assert_int_equal(s1.placed, 10);
    assert_int_equal(s2.placed, 10);
    /* 7 1g (7 slices) + 2 3g (6) + 4g (4) = 17 compute slices: 3 GPUs */
    assert_int_equal(s1.gpus_used, 3);
    assert_int_equal(s2.gpus_used, 3);
    assert_true(s1.gpus_lower_bound <= 3);
    gpuarb_mig_result_free(r1);
    gpuarb_mig_result_free(r2);
}

static void illegal_starts_and_overlaps_rejected(void **state)
{
    fixture *f = *state;
    gpuarb_mig_problem *p = NULL;
    const char *bad_start = "gpus:\n"
                            "  - {model: H100, instances: [{profile: 3g.40gb, start: 2}]}\n"
                            "requests: []\n";
    gpuarb_status st = gpuarb_mig_spec_parse(f->ctx, bad_start, strlen(bad_start), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 2, 31, "not a legal start");
    const char *overlap = "gpus:\n"
                          "  - model: A100-80GB\n"
                          "    instances:\n"
                          "      - {profile: 2g.20gb, start: 0}\n"
                          "      - {profile: 1g.10gb, start: 1}\n"
                          "requests: []\n";
    st = gpuarb_mig_spec_parse(f->ctx, overlap, strlen(overlap), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 5, 9, "overlaps");
    const char *past_end = "gpus:\n"
                           "  - {model: H100, instances: [{profile: 1g.10gb, start: 7}]}\n"
                           "requests: []\n";
    st = gpuarb_mig_spec_parse(f->ctx, past_end, strlen(past_end), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 2, 31, "not a legal start");
    const char *two_4g = "gpus:\n"
                         "  - {model: H100, instances: [{profile: 4g.40gb, start: 0},"
                         " {profile: 3g.40gb, start: 4}, {profile: 3g.40gb, start: 4}]}\n"
                         "requests: []\n";
    st = gpuarb_mig_spec_parse(f->ctx, two_4g, strlen(two_4g), "t", &p);
    assert_int_equal(st, GPUARB_ERR_INPUT);
    assert_null(p);
}

static void invalid_requests_name_their_line(void **state)
{
    fixture *f = *state;
    gpuarb_mig_problem *p = NULL;
    const char *prof = "gpus: [{model: H100}]\n"
                       "requests:\n"
                       "  - {name: a, profile: 1g.10gb}\n"
                       "  - {name: b, profile: 1g.5gb, model: H100}\n";
    gpuarb_status st = gpuarb_mig_spec_parse(f->ctx, prof, strlen(prof), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 4, 24, "not a MIG profile of H100");
    const char *nogpu = "gpus: [{model: H100}]\n"
                        "requests:\n"
                        "  - {name: b, profile: 1g.5gb}\n";
    st = gpuarb_mig_spec_parse(f->ctx, nogpu, strlen(nogpu), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 3, 24, "no GPU in the spec");
    const char *frac = "gpus: [{model: L4}]\n"
                       "requests:\n"
                       "  - {name: b, fraction: 1.5}\n";
    st = gpuarb_mig_spec_parse(f->ctx, frac, strlen(frac), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 3, 25, "");
    const char *zero = "gpus: [{model: L4}]\nrequests: [{fraction: 0}]\n";
    st = gpuarb_mig_spec_parse(f->ctx, zero, strlen(zero), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 2, 23, "");
    const char *mem = "gpus: [{model: L4}]\n"
                      "requests:\n"
                      "  - {name: b, fraction: 0.5, memory_gb: 30}\n";
    st = gpuarb_mig_spec_parse(f->ctx, mem, strlen(mem), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 3, 41, "more than the memory");
    const char *model = "gpus: [{model: H1000}]\nrequests: []\n";
    st = gpuarb_mig_spec_parse(f->ctx, model, strlen(model), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 1, 16, "unknown GPU model");
}

/* Shares of a non-MIG GPU: compute fractions and memory both limit. */
static void shares_respect_fraction_and_memory(void **state)
{
    fixture *f = *state;
    gpuarb_mig_summary s;
    /* L4, 24 GB: 0.5 + 0.5 fill one GPU; 0.25 needs a second; 1 GPU only */
    gpuarb_mig_result *r = place_text(f->ctx,
                                      "gpus: [{model: L4}]\n"
                                      "requests:\n"
                                      "  - {name: a, fraction: 0.5, count: 2}\n"
                                      "  - {name: c, fraction: 0.25}\n",
                                      &s);
    assert_int_equal(s.placed, 2);
    assert_int_equal(s.unplaced, 1);
    gpuarb_mig_result_free(r);
    /* memory: 3 x (0.2, 10 GB) on 24 GB -> 2 fit though 0.6 of compute is free */
    r = place_text(f->ctx,
                   "gpus: [{model: L4}]\n"
                   "requests: [{name: m, fraction: 0.2, memory_gb: 10, count: 3}]\n",
                   &s);
    assert_int_equal(s.placed, 2);
    gpuarb_mig_result_free(r);
    /* a share never lands on a GPU in MIG mode, a MIG instance never on a
     * shared one: H100 with an instance + a share -> the share goes to the
     * second GPU */
    r = place_text(f->ctx,
                   "gpus:\n"
                   "  - {model: H100, instances: [{profile: 1g.10gb, start: 0}]}\n"
                   "  - {model: H100}\n"
                   "requests: [{name: s, fraction: 0.5}]\n",
                   &s);
    assert_int_equal(s.placed, 1);
    assert_int_equal(s.gpus_used, 2);
    gpuarb_mig_result_free(r);
}

static void model_constraints_hold(void **state)
{
    fixture *f = *state;
    gpuarb_mig_summary s;
    gpuarb_mig_result *r = place_text(f->ctx,
                                      "gpus:\n"
                                      "  - {name: h, model: H100}\n"
                                      "  - {name: a, model: A100-80GB}\n"
                                      "requests:\n"
                                      "  - {name: x, profile: 3g.40gb, model: A100-80GB}\n"
                                      "  - {name: y, profile: 3g.40gb, model: A100-80GB}\n"
                                      "  - {name: z, profile: 3g.40gb, model: A100-80GB}\n",
                                      &s);
    assert_int_equal(s.placed, 2); /* two 3g fit one A100; the H100 may not be used */
    char *json = NULL;
    assert_int_equal(gpuarb_mig_result_to_text(f->ctx, r, GPUARB_MIG_JSON, &json), GPUARB_OK);
    assert_null(strstr(json, "\"gpu\": \"h\""));
    gpuarb_free(json);
    gpuarb_mig_result_free(r);
}

/* Moves with a known minimum: 1g at 0 and 2 block a 4g; it needs both moved
 * (2 moves); with 1g at 0 and 4 one move suffices; without allow_moves the
 * 4g is unplaced and nothing changes. */
static void move_plans_are_minimal(void **state)
{
    fixture *f = *state;
    gpuarb_mig_summary s;
    const char *base = "gpus:\n"
                       "  - {name: g, model: H100, instances: [{profile: 1g.10gb, start: 0},"
                       " {profile: 1g.10gb, start: %d}]}\n"
                       "  - {name: idle, model: A30}\n"
                       "requests: [{name: big, profile: 4g.40gb}]\n"
                       "allow_moves: %s\n";
    char text[512];
    snprintf(text, sizeof text, base, 2, "false");
    gpuarb_mig_result *r = place_text(f->ctx, text, &s);
    assert_int_equal(s.placed, 0);
    assert_int_equal(s.moves, 0);
    assert_int_equal(s.gpus_changed, 0);
    gpuarb_mig_result_free(r);
    snprintf(text, sizeof text, base, 2, "true");
    r = place_text(f->ctx, text, &s);
    assert_int_equal(s.placed, 1);
    assert_int_equal(s.moves, 2);
    assert_int_equal(s.gpus_changed, 1);
    char *json = NULL;
    assert_int_equal(gpuarb_mig_result_to_text(f->ctx, r, GPUARB_MIG_JSON, &json), GPUARB_OK);
    assert_non_null(strstr(json, "\"gpus_untouched\": [\"idle\"]"));
    gpuarb_free(json);
    gpuarb_mig_result_free(r);
    snprintf(text, sizeof text, base, 4, "true");
    r = place_text(f->ctx, text, &s);
    assert_int_equal(s.placed, 1);
    assert_int_equal(s.moves, 1);
    gpuarb_mig_result_free(r);
}

/* The mig-parted export: version v1, the plan's profile counts per device
 * (3g + 2g + 2 x 1g = 7 compute slices, 8 memory slots: one GPU). */
static void mig_parted_export(void **state)
{
    fixture *f = *state;
    gpuarb_mig_summary s;
    gpuarb_mig_result *r = place_text(f->ctx,
                                      "gpus: [{model: A100-80GB, count: 2}]\n"
                                      "requests:\n"
                                      "  - {name: a, profile: 3g.40gb}\n"
                                      "  - {name: b, profile: 1g.10gb, count: 2}\n"
                                      "  - {name: c, profile: 2g.20gb}\n",
                                      &s);
    char *y = NULL;
    assert_int_equal(gpuarb_mig_result_to_text(f->ctx, r, GPUARB_MIG_PARTED, &y), GPUARB_OK);
    assert_string_equal(y, "version: v1\n"
                           "mig-configs:\n"
                           "  gpuarb-plan:\n"
                           "    - devices:\n"
                           "        - 0\n"
                           "      mig-enabled: true\n"
                           "      mig-devices:\n"
                           "        \"1g.10gb\": 2\n"
                           "        \"2g.20gb\": 1\n"
                           "        \"3g.40gb\": 1\n"
                           "    - devices:\n"
                           "        - 1\n"
                           "      mig-enabled: false\n");
    gpuarb_free(y);
    gpuarb_mig_result_free(r);
}

static void profiles_json(void **state)
{
    fixture *f = *state;
    char *j = NULL;
    assert_int_equal(gpuarb_mig_profiles_to_text(f->ctx, "h100-nvl", 0, &j), GPUARB_OK);
    assert_non_null(strstr(j, "{\"name\": \"3g.47gb\", \"id\": 9, \"compute_slices\": 3, "
                              "\"memory_slots\": 4, \"memory_gib\": 46.38, \"max_instances\": 2, "
                              "\"placements\": [0, 4]}"));
    gpuarb_free(j);
    assert_int_equal(gpuarb_mig_profiles_to_text(f->ctx, "L4", 0, &j), GPUARB_ERR_INPUT);
    assert_null(j);
}


/* Bugs found while benchmarking (each failed before its fix):
 * - 14 x 3g on 20 H100s took 14 GPUs (the idle class was judged by a GPU
 *   that had left it); two 3g share a GPU: 7.
 * - the bound summed max(slot share, compute share) per instance, which
 *   over-counts 4g + 3g (4/7 + 1/2 > 1): 5 x (4g + 3g) on 10 H100s use 5
 *   GPUs and the bound said 6.
 * - a 1g.10gb took two slots of an A100-40GB while H100s had room, leaving
 *   no slot for the 1g.5gb only the A100 can hold. */
static void regressions_from_the_benchmark(void **state)
{
    fixture *f = *state;
    gpuarb_mig_summary s;
    gpuarb_mig_result *r = place_text(f->ctx,
                                      "gpus: [{model: H100, count: 20}]\n"
                                      "requests: [{name: c, profile: 3g.40gb, count: 14}]\n",
                                      &s);
    assert_int_equal(s.placed, 14);
    assert_int_equal(s.gpus_used, 7);
    gpuarb_mig_result_free(r);
    r = place_text(f->ctx,
                   "gpus: [{model: H100, count: 30}]\n"
                   "requests:\n"
                   "  - {name: d, profile: 4g.40gb, count: 5}\n"
                   "  - {name: c, profile: 3g.40gb, count: 5}\n",
                   &s);
    assert_int_equal(s.placed, 10);
    assert_int_equal(s.gpus_used, 5);
    assert_true(s.gpus_lower_bound <= s.gpus_used);
    assert_int_equal(s.gpus_lower_bound, 5);
    gpuarb_mig_result_free(r);
    r = place_text(f->ctx,
                   "gpus:\n"
                   "  - {model: H100, count: 2}\n"
                   "  - {model: A100, count: 2}\n"
                   "requests:\n"
                   "  - {name: a, profile: 1g.10gb, count: 16}\n"
                   "  - {name: f, profile: 1g.5gb, count: 3}\n",
                   &s);
    assert_int_equal(s.placed, 19);
    gpuarb_mig_result_free(r);
}

/* A30, 4 memory slots (MIG User Guide: 1g.6gb x4, 2g.12gb x2 at {0,2}, 4g.24gb
 * x1): 2g at slot 1 is illegal; 1g + 1g + 2g fill one GPU (by hand: 2g at 0
 * or 2, the 1g's in the other pair); a 4g takes a GPU alone. */
static void a30_four_slots(void **state)
{
    fixture *f = *state;
    gpuarb_mig_problem *p = NULL;
    const char *bad = "gpus: [{model: A30, instances: [{profile: 2g.12gb, start: 1}]}]\n"
                      "requests: []\n";
    gpuarb_status st = gpuarb_mig_spec_parse(f->ctx, bad, strlen(bad), "t", &p);
    tu_assert_error(f->ctx, st, GPUARB_ERR_INPUT, 1, 33, "legal starts {0,2}:2");
    gpuarb_mig_summary s;
    gpuarb_mig_result *r = place_text(f->ctx,
                                      "gpus: [{model: A30, count: 3}]\n"
                                      "requests:\n"
                                      "  - {name: a, profile: 1g.6gb, count: 2}\n"
                                      "  - {name: b, profile: 2g.12gb}\n"
                                      "  - {name: c, profile: 4g.24gb}\n",
                                      &s);
    assert_int_equal(s.placed, 4);
    assert_int_equal(s.gpus_used, 2);
    assert_int_equal(s.exact, 1);
    gpuarb_mig_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tables_match_real_nvidia_smi),
        cmocka_unit_test(tables_match_nvml_mock_a100_a30),
        cmocka_unit_test(tables_lookup_by_alias),
        TU_TEST(three_small_then_a_4g),
        TU_TEST(one_gpu_matches_brute_force),
        TU_TEST(several_gpus_order_independent),
        TU_TEST(illegal_starts_and_overlaps_rejected),
        TU_TEST(invalid_requests_name_their_line),
        TU_TEST(shares_respect_fraction_and_memory),
        TU_TEST(model_constraints_hold),
        TU_TEST(move_plans_are_minimal),
        TU_TEST(mig_parted_export),
        TU_TEST(profiles_json),
        TU_TEST(regressions_from_the_benchmark),
        TU_TEST(a30_four_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
