/*
 * openb_demand.h - hourly GPU demand of the Alibaba openb cluster, as
 * bench_forecast and bench_market read it: GPUs held by running pods at the
 * start of each hour (num_gpu x gpu_milli / 1000), from
 * DIR/alibaba_gpu_v2023_openb/openb_pod_list_default.csv.  Header only; the
 * benchmarks that include it skip without the shared data.
 */
#ifndef GPUARB_BENCH_OPENB_DEMAND_H
#define GPUARB_BENCH_OPENB_DEMAND_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* y[0..max) the demand of each hour (hours past max dropped), *n the hours
 * the trace spans (at most max).  0, or -1 when the file cannot be read. */
static int openb_demand(const char *dir, double *y, size_t max, size_t *n)
{
    char path[1024], line[4096];
    snprintf(path, sizeof path, "%s/alibaba_gpu_v2023_openb/openb_pod_list_default.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    memset(y, 0, max * sizeof *y);
    size_t hours = 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        /* name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,
         * creation_time,deletion_time,scheduled_time */
        char *fld[11];
        int k = 0;
        for (char *p = line; k < 11; k++) {
            fld[k] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = '\0';
            p = c + 1;
        }
        if (k < 10)
            continue;
        double gpus = atof(fld[3]) * atof(fld[4]) / 1000.0;
        long c = atol(fld[8]), d = atol(fld[9]);
        for (long h = (c + 3599) / 3600; h * 3600 < d && h < (long)max; h++)
            y[h] += gpus;
        if ((size_t)(d / 3600) + 1 > hours)
            hours = (size_t)(d / 3600) + 1;
    }
    fclose(f);
    *n = hours < max ? hours : max;
    return 0;
}

#endif
