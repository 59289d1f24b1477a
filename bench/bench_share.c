/*
 * bench_share.c - the FGD paper's replay (Weng et al., USENIX ATC'23) on the
 * Alibaba openb traces: unallocated GPU % at 80..130 % arrived, per policy
 * and trace, mean over seeds, with the offline reference (each level's
 * pods packed at once with full knowledge), a lower bound no placement
 * beats, each policy's gap to the offline reference at 100 %, and pods
 * placed per second.
 *
 * Seeds: 42 only by default (short, about a minute); GPUARB_BENCH_FULL=1 runs
 * 42-51, the paper's protocol (about ten times as long).  Needs ../shared/data (GPUARB_SHARED); skips without it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpuarb.h"

static const char *const TRACES[] = {"default", "multigpu50", "gpushare40", "gpuspec33"};
static const double PAPER_FGD[] = {4.77, 2.91, 6.04, 12.16};
static const double PAPER_BEST_OTHER[] = {7.14, 3.94, 8.56, 16.13};
static const char *const POL[] = {"random", "bestfit", "dotprod", "packing",
                                  "fgd",    "auto",    "offline"};
#define NPOL 7
#define NLEV 6

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* "KEY": {"80": a, "90": b, ...} -> v[6] */
static int levels(const char *json, const char *key, double *v)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": {", key);
    const char *p = strstr(json, pat);
    if (!p)
        return -1;
    p += strlen(pat);
    for (int l = 0; l < NLEV; l++) {
        p = strchr(p, ':');
        if (!p)
            return -1;
        v[l] = strtod(p + 1, NULL);
        p++;
    }
    return 0;
}

static long field(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(json, pat);
    return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

int main(void)
{
    const char *shared = getenv("GPUARB_SHARED");
    char nodes[1024], pods[1024];
    snprintf(nodes, sizeof nodes, "%s/alibaba_gpu_v2023_openb/openb_node_list_gpu_node.csv",
             shared ? shared : "../shared/data");
    FILE *f = fopen(nodes, "r");
    if (!f) {
        printf("skipped: %s absent (set GPUARB_SHARED)\n", nodes);
        return 0;
    }
    fclose(f);
    int full = getenv("GPUARB_BENCH_FULL") && atoi(getenv("GPUARB_BENCH_FULL")) > 0;
    int s0 = 42, s1 = full ? 51 : 42;
    gpuarb_ctx *ctx = NULL;
    if (gpuarb_ctx_create(&ctx))
        return 1;
    printf("unallocated GPU %% when 80..130 %% of the cluster's GPUs have arrived; mean over "
           "seeds %d-%d%s\n", s0, s1, full ? "" : " (short; GPUARB_BENCH_FULL=1 for 42-51)");
    printf("gap = policy - offline at 100 %%; bound: no placement leaves less unallocated\n\n");
    double pods_total[NPOL] = {0}, secs[NPOL] = {0};
    double at100[4][NPOL];
    for (int t = 0; t < 4; t++) {
        snprintf(pods, sizeof pods, "%s/alibaba_gpu_v2023_openb/openb_pod_list_%s.csv",
                 shared ? shared : "../shared/data", TRACES[t]);
        double mean[NPOL][NLEV], bound[NLEV];
        memset(mean, 0, sizeof mean);
        memset(bound, 0, sizeof bound);
        for (int p = 0; p < NPOL; p++) {
            for (int s = s0; s <= s1; s++) {
                char *json = NULL;
                double t0 = now_s();
                if (gpuarb_share_replay(ctx, nodes, pods, p, (uint64_t)s, 1.3, &json)) {
                    fprintf(stderr, "bench_share: %s\n", gpuarb_errfull(ctx));
                    return 1;
                }
                double dt = now_s() - t0;
                double v[NLEV], b[NLEV];
                levels(json, "unallocated_gpu_pct", v);
                for (int l = 0; l < NLEV; l++)
                    mean[p][l] += v[l] / (s1 - s0 + 1);
                if (p == NPOL - 1 && levels(json, "lower_bound_pct", b) == 0)
                    for (int l = 0; l < NLEV; l++)
                        bound[l] += b[l] / (s1 - s0 + 1);
                pods_total[p] += (double)field(json, "pods");
                secs[p] += dt;
                gpuarb_free(json);
            }
        }
        printf("%-10s %-8s %7s %7s %7s %7s %7s %7s %8s\n", TRACES[t], "policy", "80", "90",
               "100", "110", "120", "130", "gap@100");
        for (int p = 0; p < NPOL; p++) {
            printf("%-10s %-8s", "", POL[p]);
            for (int l = 0; l < NLEV; l++)
                printf(" %7.2f", mean[p][l]);
            printf(" %8.2f\n", mean[p][2] - mean[NPOL - 1][2]);
            at100[t][p] = mean[p][2];
        }
        printf("%-10s %-8s", "", "bound");
        for (int l = 0; l < NLEV; l++)
            printf(" %7.2f", bound[l]);
        printf("\n%-10s paper at 100 %%: fgd %.2f, best other baseline %.2f\n\n", "",
               PAPER_FGD[t], PAPER_BEST_OTHER[t]);
    }
    printf("at 100 %%       fgd  paper   diff   auto  auto-fgd\n");
    for (int t = 0; t < 4; t++)
        printf("%-10s  %6.2f %6.2f %6.2f %6.2f %8.2f\n", TRACES[t], at100[t][4], PAPER_FGD[t],
               at100[t][4] - PAPER_FGD[t], at100[t][5], at100[t][5] - at100[t][4]);
    printf("\nreplay speed (pods placed or skipped per second, CSV reading included):\n");
    for (int p = 0; p < NPOL; p++)
        printf("  %-8s %9.0f pods/s\n", POL[p], secs[p] > 0 ? pods_total[p] / secs[p] : 0);
    gpuarb_ctx_free(ctx);
    return 0;
}
