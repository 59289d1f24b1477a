/*
 * workloads.h - the four workload templates bench_optimize and bench_fleet
 * build their specs from: 8-GPU-node pretraining gangs with data elsewhere,
 * spot fine-tuning, inference ranges, small spot experiments.  Header only;
 * one place, so both benchmarks keep solving the same kind of fleet.
 */
#ifndef GPUARB_BENCH_WORKLOADS_H
#define GPUARB_BENCH_WORKLOADS_H

#include <stdio.h>

/* One spec line "  - {...}" for workload w from template t (0 gang, 1
 * fine-tuning, 2 inference range, else experiment).  variant (issue 7):
 * 1 the gangs may use spot (the gang formula), 2 the fine-tuning workloads
 * are work-based (GPU-hours due within a deadline), 0 neither. */
static void bench_workload(FILE *f, int w, int t, int variant)
{
    static const char *dp[] = {"aws", "gcp", "azure"};
    static const char *dr[] = {"us-east-1", "us-central1", "eastus"};
    int d = (w / 4) % 3;
    switch (t) {
    case 0:
        fprintf(f, "  - {name: pretrain-%d, gpus: %d, gpu: [H100, A100-80GB], gpus_per_node: 8,"
                   " same_region: true, data: {provider: %s, region: %s, gb: %d}%s}\n",
                w, 8 * (1 + (w / 4) % 4), dp[d], dr[d], 500 + 250 * (w % 5),
                variant == 1 ? ", spot: allow, checkpoint_minutes: 30" : "");
        break;
    case 1:
        if (variant == 2)
            fprintf(f, "  - {name: finetune-%d, work_gpu_hours: %d, deadline_hours: 24,"
                       " max_gpus: 16, gpu: [A100, A100-80GB, L40S, H100], spot: allow,"
                       " checkpoint_minutes: 20, throughput: {H100: 2.5, A100-80GB: 1.3}}\n",
                    w, 48 * (1 + (w / 4) % 8));
        else
            fprintf(f, "  - {name: finetune-%d, gpus: %d, gpu: [A100, A100-80GB, L40S, H100],"
                       " spot: allow, checkpoint_minutes: 20}\n", w, 1 + (w / 4) % 8);
        break;
    case 2:
        fprintf(f, "  - {name: inference-%d, min_gpus: %d, max_gpus: %d, min_gpu_memory_gb: 24}\n",
                w, 2 + (w / 4) % 6, 4 + (w / 4) % 6);
        break;
    default:
        fprintf(f, "  - {name: experiment-%d, gpus: %d, gpu: [L4, A10G, T4, A10], spot: allow}\n",
                w, 1 + (w / 4) % 4);
    }
}

#endif
