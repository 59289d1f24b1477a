/*
 * mig_tables.c - the MIG profile table of every MIG-capable GPU model we
 * place onto, written as our own source from the facts in
 * ../shared/data/nvidia_mig_profiles (see its SOURCE.md) and NVIDIA's MIG
 * User Guide ("Supported MIG Profiles"), and the lookups over it.  Rows
 * are NVIDIA's profile name, the nvidia-smi profile id (`-lgip`'s ID
 * column), compute slices, memory slots, max instances (`-lgip`'s
 * Instances Total), memory in GiB as `-lgip` prints it and the legal start
 * slots as `-lgipp` prints them ({starts}:size).
 *
 * Confidence, per table (each table's note says the same):
 *   - H100 80 GB, H100 NVL: every column from real nvidia-smi output
 *     (mig_profiles_real_nvidia_smi.csv, sources S1, S2, S6).
 *   - H200: names, ids, instances and memory of 1g..4g from real -lgip
 *     (S3); the 7g row and every placement are NOT in real output we have:
 *     placements follow the pattern -lgipp prints identically on H100 80 GB,
 *     H100 NVL and A100, and 7g.141gb's memory is 2 x 69.50 + 0.25 as on
 *     H100 (79.25 = 2 x 39.50 + 0.25).
 *   - A100 40/80 GB, A30: memory from the go-nvml mock tables, which SOURCE.md
 *     says match NVIDIA's documented A100/A30 profiles (MiB / 1024, printed
 *     with two decimals as nvidia-smi does); ids are nvidia-smi's (A100's are
 *     the H100 ids, the same profile ids on both); placements as the MIG User
 *     Guide draws them.  No real -lgip transcript for A100/A30 is in the data.
 *   - B200: names from mig-parted's config (1g.23gb ... 7g.180gb); memory from
 *     the go-nvml mock (MiB / 1024), which overstates real output on H100 by
 *     about 3 %; placements as on H100.  NOT confirmed by real output.
 *   - RTX PRO 6000 Blackwell: 4 memory slots, up to 4 x 1g.24gb (mig-parted
 *     layouts; MIG User Guide: 96 GB, 4 instances).  Profile ids are not in
 *     any source we have (-1, printed as null); memory_gib is the name's GB;
 *     placements as on A30.  NOT confirmed by real output.
 * No function here fails; lookups return NULL or -1.
 */
#include <string.h>

#include "catalog/gpumodel.h"
#include "mig/mig.h"

#define B(s) (1u << (s))
#define ALL7 (B(0) | B(1) | B(2) | B(3) | B(4) | B(5) | B(6))
#define EVEN4 (B(0) | B(2) | B(4) | B(6))
#define EVEN3 (B(0) | B(2) | B(4))
#define HALVES (B(0) | B(4))
#define FIRST B(0)
#define ALL4 (B(0) | B(1) | B(2) | B(3))
#define PAIRS (B(0) | B(2))

/* A100-SXM4-40GB / A100-PCIE-40GB (gpumodel "A100") */
static const ga_mig_profile A100_40[] = {
    {"1g.5gb", 19, 1, 1, 7, 4.75, ALL7},
    {"1g.5gb+me", 20, 1, 1, 1, 4.75, ALL7},
    {"1g.10gb", 15, 1, 2, 4, 9.62, EVEN4},
    {"2g.10gb", 14, 2, 2, 3, 9.62, EVEN3},
    {"3g.20gb", 9, 3, 4, 2, 19.50, HALVES},
    {"4g.20gb", 5, 4, 4, 1, 19.50, FIRST},
    {"7g.40gb", 0, 7, 8, 1, 39.25, FIRST},
};
static const ga_mig_profile A100_80[] = {
    {"1g.10gb", 19, 1, 1, 7, 9.62, ALL7},
    {"1g.10gb+me", 20, 1, 1, 1, 9.62, ALL7},
    {"1g.20gb", 15, 1, 2, 4, 19.50, EVEN4},
    {"2g.20gb", 14, 2, 2, 3, 19.50, EVEN3},
    {"3g.40gb", 9, 3, 4, 2, 39.25, HALVES},
    {"4g.40gb", 5, 4, 4, 1, 39.25, FIRST},
    {"7g.80gb", 0, 7, 8, 1, 78.50, FIRST},
};
/* H100 80GB HBM3: real nvidia-smi -lgip/-lgipp (S1), every column. */
static const ga_mig_profile H100_80[] = {
    {"1g.10gb", 19, 1, 1, 7, 9.75, ALL7},
    {"1g.10gb+me", 20, 1, 1, 1, 9.75, ALL7},
    {"1g.20gb", 15, 1, 2, 4, 19.62, EVEN4},
    {"2g.20gb", 14, 2, 2, 3, 19.62, EVEN3},
    {"3g.40gb", 9, 3, 4, 2, 39.50, HALVES},
    {"4g.40gb", 5, 4, 4, 1, 39.50, FIRST},
    {"7g.80gb", 0, 7, 8, 1, 79.25, FIRST},
};
/* H100 NVL 94 GB: real (S2, S6). */
static const ga_mig_profile H100_NVL[] = {
    {"1g.12gb", 19, 1, 1, 7, 10.75, ALL7},
    {"1g.12gb+me", 20, 1, 1, 1, 10.75, ALL7},
    {"1g.24gb", 15, 1, 2, 4, 21.62, EVEN4},
    {"2g.24gb", 14, 2, 2, 3, 21.62, EVEN3},
    {"3g.47gb", 9, 3, 4, 2, 46.38, HALVES},
    {"4g.47gb", 5, 4, 4, 1, 46.38, FIRST},
    {"7g.94gb", 0, 7, 8, 1, 93.12, FIRST},
};
/* H200 141 GB: 1g..4g real -lgip (S3); placements and the 7g row are not
 * in real output we have (see the file comment). */
static const ga_mig_profile H200[] = {
    {"1g.18gb", 19, 1, 1, 7, 16.00, ALL7},
    {"1g.18gb+me", 20, 1, 1, 1, 16.00, ALL7},
    {"1g.35gb", 15, 1, 2, 4, 32.25, EVEN4},
    {"2g.35gb", 14, 2, 2, 3, 32.25, EVEN3},
    {"3g.71gb", 9, 3, 4, 2, 69.50, HALVES},
    {"4g.71gb", 5, 4, 4, 1, 69.50, FIRST},
    {"7g.141gb", 0, 7, 8, 1, 139.25, FIRST},
};
/* B200 180 GB: not confirmed by real output (see the file comment). */
static const ga_mig_profile B200[] = {
    {"1g.23gb", 19, 1, 1, 7, 23.00, ALL7},
    {"1g.23gb+me", 20, 1, 1, 1, 23.00, ALL7},
    {"1g.45gb", 15, 1, 2, 4, 45.00, EVEN4},
    {"2g.45gb", 14, 2, 2, 3, 45.00, EVEN3},
    {"3g.90gb", 9, 3, 4, 2, 90.00, HALVES},
    {"4g.90gb", 5, 4, 4, 1, 90.00, FIRST},
    {"7g.180gb", 0, 7, 8, 1, 180.00, FIRST},
};
/* A30 24 GB: 4 memory slots, 4 compute slices. */
static const ga_mig_profile A30[] = {
    {"1g.6gb", 14, 1, 1, 4, 5.70, ALL4},
    {"1g.6gb+me", 21, 1, 1, 1, 5.70, ALL4},
    {"2g.12gb", 5, 2, 2, 2, 11.40, PAIRS},
    {"2g.12gb+me", 6, 2, 2, 1, 11.40, PAIRS},
    {"4g.24gb", 0, 4, 4, 1, 22.80, FIRST},
};
/* RTX PRO 6000 Blackwell 96 GB: 4 memory slots; ids unknown, memory is the
 * name's GB; not confirmed by real output. */
static const ga_mig_profile RTXPRO6000[] = {
    {"1g.24gb", -1, 1, 1, 4, 24.00, ALL4},
    {"1g.24gb-me", -1, 1, 1, 4, 24.00, ALL4},
    {"1g.24gb+gfx", -1, 1, 1, 4, 24.00, ALL4},
    {"1g.24gb+me.all", -1, 1, 1, 1, 24.00, ALL4},
    {"2g.48gb", -1, 2, 2, 2, 48.00, PAIRS},
    {"2g.48gb-me", -1, 2, 2, 2, 48.00, PAIRS},
    {"2g.48gb+gfx", -1, 2, 2, 2, 48.00, PAIRS},
    {"2g.48gb+me.all", -1, 2, 2, 1, 48.00, PAIRS},
    {"4g.96gb", -1, 4, 4, 1, 96.00, FIRST},
    {"4g.96gb+gfx", -1, 4, 4, 1, 96.00, FIRST},
};

#define N(a) ((int32_t)(sizeof(a) / sizeof((a)[0])))
#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

static const ga_mig_table TABLES[] = {
    {"A100", NAMES("A100-40GB"), 8, 7, 40, N(A100_40), A100_40,
     "go-nvml mock memory (matches NVIDIA's A100 docs); placements per the MIG User Guide"},
    {"A100-80GB", NAMES("A100-80GB"), 8, 7, 80, N(A100_80), A100_80,
     "go-nvml mock memory (matches NVIDIA's A100 docs); placements per the MIG User Guide"},
    {"H100", NAMES("H100-80GB"), 8, 7, 80, N(H100_80), H100_80,
     "real nvidia-smi -lgip/-lgipp (H100 80GB HBM3)"},
    {"H100-NVL", NAMES("H100-NVL-94GB"), 8, 7, 94, N(H100_NVL), H100_NVL,
     "real nvidia-smi -lgip/-lgipp (H100 NVL)"},
    {"H200", NAMES("H200-141GB"), 8, 7, 141, N(H200), H200,
     "1g-4g real nvidia-smi -lgip; placements and 7g.141gb not confirmed by real output"},
    {"B200", NAMES("B200-180GB"), 8, 7, 180, N(B200), B200,
     "names from mig-parted, memory from the go-nvml mock; not confirmed by real output"},
    {"A30", NAMES("A30-24GB"), 4, 4, 24, N(A30), A30,
     "go-nvml mock memory (matches NVIDIA's A30 docs); 4 memory slots"},
    {"RTX-PRO-6000", NAMES("RTXPRO6000", "RTX-PRO-6000-Blackwell", "RTXPRO6000WS",
                           "RTXPRO6000SE"),
     4, 4, 96, N(RTXPRO6000), RTXPRO6000,
     "layouts from mig-parted; ids unknown, memory is the name's GB; not confirmed by real "
     "output"},
};

int32_t ga_mig_table_count(void)
{
    return N(TABLES);
}

const ga_mig_table *ga_mig_table_at(int32_t i)
{
    return i >= 0 && i < N(TABLES) ? &TABLES[i] : NULL;
}

/* Compare ignoring case and the separators '-', '_', ' '. */
static int same_spelling(const char *a, const char *b)
{
    for (;;) {
        while (*a == '-' || *a == '_' || *a == ' ')
            a++;
        while (*b == '-' || *b == '_' || *b == ' ')
            b++;
        int ca = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
        int cb = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
        if (ca != cb)
            return 0;
        if (!ca)
            return 1;
        a++;
        b++;
    }
}

static const ga_mig_table *by_spelling(const char *name)
{
    for (int32_t i = 0; i < N(TABLES); i++) {
        if (same_spelling(name, TABLES[i].model))
            return &TABLES[i];
        for (const char *const *a = TABLES[i].names; *a; a++)
            if (same_spelling(name, *a))
                return &TABLES[i];
    }
    return NULL;
}

const ga_mig_table *ga_mig_table_find(const char *model)
{
    if (!model || !*model)
        return NULL;
    const ga_mig_table *t = by_spelling(model);
    if (t)
        return t;
    /* an alias the GPU model table knows: its canonical name */
    int32_t m = ga_gpumodel_find(model);
    const ga_gpumodel *g = m >= 0 ? ga_gpumodel_at(m) : NULL;
    return g ? by_spelling(g->name) : NULL;
}

int32_t ga_mig_profile_find(const ga_mig_table *t, const char *name)
{
    if (!t || !name)
        return -1;
    for (int32_t i = 0; i < t->nprofiles; i++)
        if (ga_strcasecmp(t->profiles[i].name, name) == 0)
            return i;
    return -1;
}
