/*
 * rng.c - xorshift64 (Marsaglia 2003, shift triple 13, 7, 17): the state
 * is the output; it is never 0, so the period is 2^64 - 1.  No dependency,
 * no global state, no statuses.  The packing results depend on this exact
 * sequence: changing the recurrence, the seeding or the "% n" in
 * ga_rng_below changes published figures.
 */
#include "base/rng.h"

void ga_rng_seed(ga_rng *r, uint64_t seed, uint64_t salt)
{
    r->state = seed * 0x9e3779b97f4a7c15ULL + salt;
    if (!r->state)
        r->state = 1;
}

uint64_t ga_rng_next(ga_rng *r)
{
    uint64_t x = r->state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    r->state = x;
    return x;
}

uint64_t ga_rng_below(ga_rng *r, uint64_t n)
{
    return ga_rng_next(r) % n;
}
