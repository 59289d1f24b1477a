/*
 * limits.h - the ranges of every number a user writes (spec fields and
 * catalog columns) and the sizes of input the library reads, in one place.
 * Each is documented, with the message a user sees past it, in the LIMITS
 * table of gpuarb(1); a value outside its range is GPUARB_ERR_INPUT (CLI
 * exit 3) at its file, line, column and field, found while reading, before
 * any work is done on it.
 *
 * Why these bounds: the solver forms sums and products of these numbers,
 * and every one of them must stay finite, far from overflow and far from
 * the magnitudes the solver uses internally (1e18 stands for "no limit" in
 * a few LP bounds).  Worst cases, with every input at its limit:
 *
 *   instances of a plan   <= workloads x GPUs per workload
 *                          = 1e5 x 1e6 = 1e11 (an instance has >= 1 GPU)
 *   cost per hour         <= instances x price / spot denominator
 *                          = 1e11 x 1e6 $/h / 0.1 = 1e18 $/h
 *   total cost            <= cost per hour x horizon + egress
 *                          = 1e18 x 1e6 h + 1e23 = about 1e24 $
 *   egress                <= workloads x hosting regions x GB x $/GB
 *                          = 1e5 x 1e6 x 1e9 GB x 1e3 $/GB = 1e23 $
 *   throughput            <= workloads x GPUs x factor = 1e5 x 1e6 x 1e6 = 1e17
 *   GPUs of one offer      = capacity x gpu_count <= 1e6 x 1e4 = 1e10, and
 *                            summed over a catalog <= 5e6 x 1e10 = 5e16
 *                            (int64 and double both hold it; far below 1e18)
 *   gang interruption rate <= rate x instances = 1e3 x 1e6 = 1e9 per hour,
 *                            times (c/2 + r) <= 1e9 x 2.5e4 h = 2.5e13
 *
 * All of these are below 1e25, a factor 1e283 from DBL_MAX, so no sum or
 * product the solver forms from valid input overflows or reaches a
 * sentinel.  Ranges are closed unless the name says "above" (open at 0).
 */
#ifndef GPUARB_IO_LIMITS_H
#define GPUARB_IO_LIMITS_H

/* ---- sizes ---- */
/* a spec file: GA_DOC_MAX_BYTES (doc.h), 16 MiB */
#define GA_LIM_CATALOG_BYTES ((size_t)256 << 20)  /* one catalog file: 256 MiB */
#define GA_LIM_OFFERS ((size_t)5000000)           /* offers of all catalogs together */
#define GA_LIM_WORKLOADS 100000                   /* workloads of a spec */

/* ---- catalog columns (per instance unless said) ---- */
#define GA_LIM_PRICE_HOUR 1e6          /* price_hour, spot_price_hour: $ per instance hour */
#define GA_LIM_GPU_COUNT 10000         /* gpu_count: GPUs of one instance, >= 1 */
#define GA_LIM_CAPACITY 1000000        /* capacity: instances of one offer */
#define GA_LIM_GPU_MEMORY_GB 1e6       /* gpu_memory_gb: per GPU, above 0 */
#define GA_LIM_VCPUS 1e6               /* vcpus */
#define GA_LIM_MEMORY_GB 1e9           /* memory_gb (SkyPilot MemoryGiB the same) */
#define GA_LIM_INTERRUPTION_RATE 1000.0 /* interruption_rate: per hour */

/* ---- spec fields ---- */
#define GA_LIM_GPUS 1000000            /* gpus, min_gpus, max_gpus, gpus_per_node */
#define GA_LIM_HORIZON_HOURS 1e6       /* horizon_hours, above 0: about 114 years */
#define GA_LIM_BUDGET_HOUR 1e12        /* budget_per_hour: $ per hour */
#define GA_LIM_THROUGHPUT 1e6          /* throughput factors, above 0 */
#define GA_LIM_DATA_GB 1e9             /* data.gb: an exabyte */
#define GA_LIM_EGRESS_PER_GB 1000.0    /* egress_per_gb.*: $ per GB */
#define GA_LIM_MINUTES 1e6             /* checkpoint_minutes, restart_minutes: 1.9 years */
#define GA_LIM_TIME_LIMIT_S 86400.0    /* time_limit_s, above 0 */

#endif
