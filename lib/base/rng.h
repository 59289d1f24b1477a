/*
 * rng.h - the one pseudo-random generator (rng.c): xorshift64 with shifts
 * 13, 7, 17, seeded from a 64-bit seed and a per-use salt.  Integer
 * arithmetic only, so the same seed gives the same sequence on every
 * platform.  Used for tie-breaking in the packing searches.
 */
#ifndef GPUARB_BASE_RNG_H
#define GPUARB_BASE_RNG_H

#include <stdint.h>

typedef struct ga_rng {
    uint64_t state; /* never 0 */
} ga_rng;

/* state = seed * 0x9e3779b97f4a7c15 + salt (mod 2^64), 1 if that is 0.
 * Each caller passes its own salt so that two searches with the same seed
 * do not walk the same sequence. */
void ga_rng_seed(ga_rng *r, uint64_t seed, uint64_t salt);
/* The next 64-bit output (the new state). */
uint64_t ga_rng_next(ga_rng *r);
/* ga_rng_next(r) % n for n >= 1.  Deliberately the plain remainder, with
 * its tiny bias for huge n: the packing results and bench figures depend
 * on this exact sequence of choices. */
uint64_t ga_rng_below(ga_rng *r, uint64_t n);

#endif
