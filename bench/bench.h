/*
 * bench.h - the helpers every benchmark program shares: a deterministic
 * xorshift generator (rs, seeded by the including file's BENCH_SEED, so
 * each benchmark keeps its own generated cases) and a monotonic clock.
 * Header only: each benchmark is one program.
 */
#ifndef GPUARB_BENCH_H
#define GPUARB_BENCH_H

#include <stdint.h>
#include <time.h>

static uint64_t rs = BENCH_SEED;

/* Uniform in [0, 1). */
static inline double urand(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (double)(rs >> 11) / 9007199254740992.0;
}

/* Milliseconds on the monotonic clock. */
static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#endif
