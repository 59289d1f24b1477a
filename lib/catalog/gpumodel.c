/*
 * gpumodel.c - the GPU model table: canonical names, memory, relative speed,
 * MIG capability and aliases, and name lookup over them.
 *
 * Canonical names are SkyPilot's accelerator names where SkyPilot has one
 * (catalogs/v7/common/accelerators.csv: "A100" is the 40 GB part,
 * "A100-80GB" the 80 GB one, ...).  Where SkyPilot or a provider spells one
 * GPU in several ways (A6000 / RTXA6000, H100-SXM / H100-MEGA, Alibaba's
 * V100M16) the spellings are aliases of one row, so that filtering a catalog
 * by a model finds every offer of it.  Lookup is case-insensitive and treats
 * '-', '_' and ' ' as absent ("rtx a6000" == "RTXA6000" == "RTX_A6000").
 * The table is static const data: no state, no dependency, thread-safe.
 * Nothing here fails; lookups return -1 for an unknown name and the public
 * getter returns GPUARB_ERR_ARG for an index out of range.
 */
#include <string.h>

#include "catalog/gpumodel.h"

/*
 * relative_speed is PEAK DENSE tensor throughput, not a benchmark: the
 * vendor's peak FP16/BF16 tensor-core TFLOPS with FP32 accumulate and
 * without structured sparsity, divided by V100 SXM2's 125.  It is what
 * `throughput: table` uses.  Real speedups depend on memory bandwidth,
 * interconnect, software and model size, and the table cannot know them.
 * Two rows are the exception, because there the peak ranks two parts the
 * wrong way round in every published same-workload comparison, and a
 * planner that buys by this column would pay for the wrong part:
 *  - H200 has the H100's compute (989 peak) and 1.43x its memory bandwidth
 *    (4.8 vs 3.35 TB/s; 141 vs 80 GB).  MLPerf Inference v4.1 (MLCommons,
 *    2024), Llama 2 70B offline, 8-GPU systems: H200 about 1.4x the H100.
 *    The row is 1.4 x 989 = 1384.6.
 *  - MI300X's datasheet peak (1307.4 dense FP16/BF16) is above the H100's,
 *    but in the same MLPerf round 8x MI300X reached 23,514.8 tokens/s on
 *    Llama 2 70B offline, 3-4 % below 8x H100.  The row is 0.96 x 989 =
 *    949.4.
 *  - Gavel's measured throughputs (../shared/data/gavel_throughputs_and_traces,
 *    isolated_throughputs.csv, 26 job types at scale factor 1, FP32 training)
 *    put P100 at 0.94x a V100 (geometric mean; 0.54-2.3) and K80 at 0.30x
 *    (0.09-1.5), far above the peak ratios below (0.15 and 0.035): those
 *    jobs do not use tensor cores, which is where the V100's peak comes
 *    from.  The table keeps the peak ratio, for one definition across all
 *    rows; tensor-core training on a P100 or K80 is rare enough that the
 *    peak gap is the honest warning.
 * Declared `throughput:` figures, the user's own measurements, always win.
 * Figures, in TFLOPS, with their source:
 *   B200 2250: HGX B200 datasheet, 36 PFLOPS FP16 sparse per 8 GPUs / 2 / 8.
 *   H100 SXM 989, H800 SXM 989, GH200 989: H100/H800/GH200 datasheets, BF16
 *     1979 sparse / 2 (H800 differs in NVLink and FP64 only).  H200: above.
 *   H100 PCIe 756 (1513 sparse / 2); H100 NVL 835 (1671 sparse / 2): H100
 *     datasheet, PCIe and NVL columns.
 *   A100 / A800, 40 and 80 GB, 312 (A100 and A800 datasheets, 624 sparse / 2).
 *   A30 165; A40 149.7 (BF16 with FP32 accumulate); A10 125; L40S 362.05;
 *     L40 181.05 (FP32 accumulate at half rate); L4 121 (242 sparse / 2);
 *     T4 65 (mixed precision); V100 125.  All from the datasheets.
 *   A10G 70: AWS's variant of GA102 for g5; NVIDIA publishes no datasheet;
 *     70 dense FP16 tensor TFLOPS against the A10's 125 as Baseten's
 *     comparison lists it (baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-
 *     inference): its FP32 accumulate runs at half rate, as on GeForce.
 *   RTX A6000 154.8, A5000 111.1, A4500 94.6, A4000 76.7 (Ampere pro cards,
 *     full-rate FP32 accumulate); Quadro RTX 6000 130.5 (Turing).
 *   Ada pro cards run FP32 accumulate at full rate, so FP16 dense is their
 *     datasheet "AI TFLOPS" (FP8 sparse) / 4: RTX 6000 Ada 1457 / 4 = 364.2
 *     (the Ada whitepaper's appendix lists 364.2 for it), RTX 5880 Ada
 *     1229.8 / 4 = 307.4, RTX 4000 Ada 327.6 / 4 = 81.9.  (The table had
 *     182 for the RTX 6000 Ada, the L40's half-rate figure.)
 *   GeForce (FP32 accumulate is half rate): RTX 3090 71, 3080 59.5, 3060
 *     25.6 (GA102/GA106 whitepaper); Ada "AI TOPS" (FP8 sparse) / 8: 4090
 *     165.2, 4080 97.5, 4070 58.3, 4060 30.2; Blackwell "AI TOPS" (FP4
 *     sparse) / 16: 5090 209.5, 5070 61.8, 5060 38.4.
 *   RTX PRO 6000 Blackwell: 4000 AI TOPS (FP4 sparse) / 8 (pro card,
 *     full-rate accumulate) = 500.
 *   AMD MI300X: above; MI25 24.6 (packed FP16,
 *     no matrix cores); Radeon Pro V520 14.7 (packed FP16).
 *   No tensor cores, so FP16 (P100 PCIe 18.7) or FP32 per GPU (P4 5.5,
 *     K80 4.37 = 8.73 per two-GPU board / 2, M60 4.8 = 9.65 / 2,
 *     Quadro P4000 5.3, M4000 2.6).
 * memory_gb: per GPU as the vendor prints it (B200 180 GB as in the DGX/HGX
 * B200 datasheets, GH200 96 GB HBM3 as Lambda and SkyPilot list it, H100 NVL
 * 94 GB; K80 and M60 per GPU, half a board).
 * Variants are distinct rows: "H100" is the SXM part (SkyPilot's H100 and
 * H100-MEGA on AWS p5, GCP a3, Azure ND H100 v5); the PCIe card (80 GB) is
 * H100-PCIE and the NVL card (94 GB, Azure NC H100 v5) is H100-NVL.  SkyPilot
 * calls all three "H100": the importer tells them apart by instance type
 * (ga_gpumodel_refine).
 * mig_capable: the GPUs of NVIDIA's MIG User Guide supported-GPU table (A30,
 * A100, H100 SXM5/PCIe/NVL, GH200, H200, B200, RTX PRO 6000 Blackwell, up
 * to 4 instances) and A800 / H800, whose datasheets list up to 7 MIG
 * instances.
 */
#define SPEED(tflops) ((tflops) / 125.0)

#define ALIASES(...) ((const char *const[]){__VA_ARGS__, NULL})

static const ga_gpumodel MODELS[] = {
    /* NVIDIA data centre, newest first */
    {"B200", "nvidia", 180, SPEED(2250), 1, ALIASES("B200-SXM", "HGX-B200", "NVIDIA-B200")},
    {"H200", "nvidia", 141, SPEED(1.4 * 989), 1,
     ALIASES("H200-SXM", "H200-SXM5", "H200-141GB", "NVIDIA-H200", "H200-SXM-141GB")},
    {"H100", "nvidia", 80, SPEED(989), 1,
     ALIASES("H100-SXM", "H100-SXM5", "H100-NVLINK", "H100-MEGA", "H100-80GB",
             "H100-80GB-HBM3", "NVIDIA-H100-80GB-HBM3", "H100-SXM5-80GB", "H100-80GB-SXM5",
             "NVIDIA-H100")},
    {"H100-PCIE", "nvidia", 80, SPEED(756), 1,
     ALIASES("H100-PCIe-80GB", "H100-80GB-PCIe", "NVIDIA-H100-PCIe")},
    {"H100-NVL", "nvidia", 94, SPEED(835), 1, ALIASES("H100-NVL-94GB", "NVIDIA-H100-NVL")},
    {"H800", "nvidia", 80, SPEED(989), 1, ALIASES("H800-SXM", "H800-SXM5", "H800-80GB")},
    {"GH200", "nvidia", 96, SPEED(989), 1, ALIASES("GH200-96GB", "Grace-Hopper")},
    {"A100", "nvidia", 40, SPEED(312), 1,
     ALIASES("A100-40GB", "A100-SXM4-40GB", "A100-40GB-SXM", "A100-40GB-SXM4",
             "A100-PCIe-40GB", "NVIDIA-A100", "A100-SXM4")},
    {"A100-80GB", "nvidia", 80, SPEED(312), 1,
     ALIASES("A100-80GB-SXM", "A100-80GB-SXM4", "A100-SXM4-80GB", "A100-SXM-80GB",
             "A100-80GB-PCIe", "A100-PCIe-80GB", "NVIDIA-A100-80GB")},
    {"A800", "nvidia", 80, SPEED(312), 1,
     ALIASES("A800-80GB", "A800-SXM4-80GB", "A800-80GB-PCIe", "A800-PCIe-80GB")},
    {"A30", "nvidia", 24, SPEED(165), 1, ALIASES("A30-24GB")},
    {"L40S", "nvidia", 48, SPEED(362.05), 0, ALIASES("L40S-48GB", "NVIDIA-L40S")},
    {"L40", "nvidia", 48, SPEED(181.05), 0, ALIASES("L40-48GB", "NVIDIA-L40")},
    {"L4", "nvidia", 24, SPEED(121), 0, ALIASES("L4-24GB", "NVIDIA-L4")},
    {"A40", "nvidia", 48, SPEED(149.7), 0, ALIASES("A40-48GB")},
    {"A10G", "nvidia", 24, SPEED(70), 0, ALIASES("A10G-24GB")},
    {"A10", "nvidia", 24, SPEED(125), 0, ALIASES("A10-24GB")},
    {"T4", "nvidia", 16, SPEED(65), 0, ALIASES("T4-16GB", "Tesla-T4")},
    {"T4g", "nvidia", 16, SPEED(65), 0, ALIASES("T4g-16GB")},
    {"V100", "nvidia", 16, SPEED(125), 0,
     ALIASES("V100-16GB", "V100M16", "Tesla-V100", "V100-SXM2-16GB", "V100-PCIe-16GB")},
    {"V100-32GB", "nvidia", 32, SPEED(125), 0,
     ALIASES("V100M32", "V100-SXM2-32GB", "V100-PCIe-32GB", "Tesla-V100-32GB")},
    {"P100", "nvidia", 16, SPEED(18.7), 0, ALIASES("P100-16GB", "Tesla-P100")},
    {"P4", "nvidia", 8, SPEED(5.5), 0, ALIASES("Tesla-P4")},
    {"K80", "nvidia", 12, SPEED(4.37), 0, ALIASES("Tesla-K80")},
    {"M60", "nvidia", 8, SPEED(4.8), 0, ALIASES("Tesla-M60")},
    /* NVIDIA professional */
    {"RTXPRO6000", "nvidia", 96, SPEED(500), 1,
     ALIASES("RTXPRO6000WS", "RTXPRO6000SE", "RTX-PRO-6000-Blackwell")},
    {"RTX6000-Ada", "nvidia", 48, SPEED(364.2), 0, ALIASES("RTX-6000-Ada-Generation")},
    {"RTX5880-Ada", "nvidia", 48, SPEED(307.4), 0, ALIASES("RTX-5880-Ada-Generation")},
    {"RTX4000-Ada", "nvidia", 20, SPEED(81.9), 0, ALIASES("RTX-4000-Ada-Generation")},
    {"RTX6000", "nvidia", 24, SPEED(130.5), 0, ALIASES("Quadro-RTX-6000")},
    {"RTXA6000", "nvidia", 48, SPEED(154.8), 0, ALIASES("A6000")},
    {"RTXA5000", "nvidia", 24, SPEED(111.1), 0, ALIASES("A5000")},
    {"RTXA4500", "nvidia", 20, SPEED(94.6), 0, ALIASES("A4500")},
    {"RTXA4000", "nvidia", 16, SPEED(76.7), 0, ALIASES("A4000")},
    {"P4000", "nvidia", 8, SPEED(5.3), 0, ALIASES("Quadro-P4000")},
    {"M4000", "nvidia", 8, SPEED(2.6), 0, ALIASES("Quadro-M4000")},
    /* NVIDIA GeForce */
    {"RTX5090", "nvidia", 32, SPEED(209.5), 0, ALIASES("GeForce-RTX-5090")},
    {"RTX5070", "nvidia", 12, SPEED(61.8), 0, ALIASES("GeForce-RTX-5070")},
    {"RTX5060", "nvidia", 8, SPEED(38.4), 0, ALIASES("GeForce-RTX-5060")},
    {"RTX4090", "nvidia", 24, SPEED(165.2), 0, ALIASES("GeForce-RTX-4090")},
    {"RTX4080", "nvidia", 16, SPEED(97.5), 0, ALIASES("GeForce-RTX-4080")},
    {"RTX4070", "nvidia", 12, SPEED(58.3), 0, ALIASES("GeForce-RTX-4070")},
    {"RTX4060", "nvidia", 8, SPEED(30.2), 0, ALIASES("GeForce-RTX-4060")},
    {"RTX3090", "nvidia", 24, SPEED(71), 0, ALIASES("GeForce-RTX-3090")},
    {"RTX3080", "nvidia", 10, SPEED(59.5), 0, ALIASES("GeForce-RTX-3080")},
    {"RTX3060", "nvidia", 12, SPEED(25.6), 0, ALIASES("GeForce-RTX-3060")},
    /* AMD */
    {"MI300X", "amd", 192, SPEED(0.96 * 989), 0, ALIASES("Instinct-MI300X", "AMD-MI300X")},
    {"MI25", "amd", 16, SPEED(24.6), 0, ALIASES("Radeon-MI25", "Instinct-MI25")},
    {"Radeon Pro V520", "amd", 8, SPEED(14.7), 0, ALIASES("V520", "AMD-Radeon-Pro-V520")},
};

#define NMODELS ((int32_t)(sizeof MODELS / sizeof MODELS[0]))
#define NAME_MAX_CMP 64

int32_t ga_gpumodel_count(void)
{
    return NMODELS;
}

const ga_gpumodel *ga_gpumodel_at(int32_t i)
{
    return i >= 0 && i < NMODELS ? &MODELS[i] : NULL;
}

static int is_sep(char c)
{
    return c == '-' || c == '_' || c == ' ';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Lower-case s without separators into out (NAME_MAX_CMP + 1 bytes).
 * Returns the length, or -1 if s is too long to be any model name. */
static int normalize(const char *s, char *out)
{
    int n = 0;
    for (; *s; s++) {
        if (is_sep(*s))
            continue;
        if (n == NAME_MAX_CMP)
            return -1;
        out[n++] = (char)lower((unsigned char)*s);
    }
    out[n] = '\0';
    return n;
}

static int same_name(const char *norm, const char *candidate)
{
    char c[NAME_MAX_CMP + 1];
    return normalize(candidate, c) >= 0 && strcmp(norm, c) == 0;
}

int32_t ga_gpumodel_find(const char *name)
{
    char norm[NAME_MAX_CMP + 1];
    if (!name || normalize(name, norm) <= 0)
        return -1;
    for (int32_t i = 0; i < NMODELS; i++) {
        if (same_name(norm, MODELS[i].name))
            return i;
    }
    for (int32_t i = 0; i < NMODELS; i++) {
        for (const char *const *a = MODELS[i].aliases; a && *a; a++)
            if (same_name(norm, *a))
                return i;
    }
    return -1;
}

static int distance_to(const char *norm, const char *candidate)
{
    char c[NAME_MAX_CMP + 1];
    if (normalize(candidate, c) < 0)
        return NAME_MAX_CMP * 2;
    return ga_edit_distance(norm, c);
}

void ga_gpumodel_near(const char *name, char *buf, size_t bufsize)
{
    if (!buf || bufsize == 0)
        return;
    buf[0] = '\0';
    char norm[NAME_MAX_CMP + 1];
    int len = name ? normalize(name, norm) : -1;
    if (len <= 0)
        return;
    /* "Reasonably close": at most 1 + len/4 edits and fewer edits than
     * the name has characters, so "x" is near nothing. */
    int limit = 1 + len / 4;
    if (limit >= len)
        limit = len - 1;
    int best[NMODELS];
    for (int32_t i = 0; i < NMODELS; i++) {
        int d = distance_to(norm, MODELS[i].name);
        for (const char *const *a = MODELS[i].aliases; a && *a; a++) {
            int da = distance_to(norm, *a);
            if (da < d)
                d = da;
        }
        best[i] = d;
    }
    size_t used = 0;
    for (int picked = 0; picked < 3; picked++) {
        int32_t arg = -1;
        for (int32_t i = 0; i < NMODELS; i++)
            if (best[i] <= limit && (arg < 0 || best[i] < best[arg]))
                arg = i;
        if (arg < 0)
            break;
        best[arg] = NAME_MAX_CMP * 4; /* taken */
        const char *nm = MODELS[arg].name;
        size_t need = strlen(nm) + (used ? 2 : 0);
        if (used + need + 1 > bufsize)
            break;
        if (used) {
            memcpy(buf + used, ", ", 2);
            used += 2;
        }
        memcpy(buf + used, nm, strlen(nm));
        used += strlen(nm);
        buf[used] = '\0';
    }
}

/* Case-insensitive substring test. */
static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t k = 0;
        while (k < n && hay[k] && lower((unsigned char)hay[k]) == lower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

int ga_gpumodel_is_non_gpu(const char *skypilot_name)
{
    static const char *const words[] = {
        "inferentia", "trainium", "gaudi", "habana", "virtex", "fpga", "vu9p", "vu47p",
        "alveo", "ai100", "qualcomm", "xilinx", "tpu-", NULL};
    if (!skypilot_name)
        return 0;
    if (lower((unsigned char)skypilot_name[0]) == 't' && lower((unsigned char)skypilot_name[1]) == 'p' &&
        lower((unsigned char)skypilot_name[2]) == 'u')
        return 1; /* tpu, tpu-v4, TPU v5p, ... */
    for (const char *const *w = words; *w; w++)
        if (contains_ci(skypilot_name, *w))
            return 1;
    return 0;
}

static int starts_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (lower((unsigned char)*s) != lower((unsigned char)*prefix))
            return 0;
    return 1;
}

int32_t ga_gpumodel_refine(int32_t gpu, const char *instance_type)
{
    if (!instance_type || gpu < 0 || gpu >= NMODELS || strcmp(MODELS[gpu].name, "H100") != 0)
        return gpu;
    /* Azure's NC H100 v5 and NCC H100 v5 sizes carry the 94 GB H100 NVL
     * (ND H100 v5 is the SXM part) */
    int azure_nc = starts_ci(instance_type, "standard_nc") && contains_ci(instance_type, "h100");
    if (contains_ci(instance_type, "pcie"))
        return ga_gpumodel_find("H100-PCIE");
    if (azure_nc || (contains_ci(instance_type, "nvl") && !contains_ci(instance_type, "nvlink")))
        return ga_gpumodel_find("H100-NVL");
    return gpu;
}

int32_t gpuarb_gpu_model_count(void)
{
    return NMODELS;
}

gpuarb_status gpuarb_gpu_model_get(int32_t i, gpuarb_gpu_model *out)
{
    if (!out || i < 0 || i >= NMODELS)
        return GPUARB_ERR_ARG;
    memset(out, 0, sizeof *out);
    out->name = MODELS[i].name;
    out->vendor = MODELS[i].vendor;
    out->memory_gb = MODELS[i].memory_gb;
    out->relative_speed = MODELS[i].relative_speed;
    out->mig_capable = MODELS[i].mig_capable;
    return GPUARB_OK;
}

int32_t gpuarb_gpu_model_find(const char *name)
{
    return ga_gpumodel_find(name);
}
