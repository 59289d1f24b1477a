/*
 * chaos.h - the allocation-failure shim of tests/test_chaos (chaos_shim.c).
 *
 * The test executable defines malloc, calloc, realloc, free and the aligned
 * and string-duplicating allocators itself.  Symbol interposition makes the
 * executable's definitions the ones every shared library calls too (GLPK,
 * libyaml, jansson, libc's own fopen and strdup), and each forwards to the
 * next definition (libc's, or libasan's under AddressSanitizer) found with
 * dlsym(RTLD_NEXT).  While armed, every allocation request is counted from 1
 * and the chosen ones fail with errno ENOMEM:
 *   CHAOS_NTH   only the n-th request fails;
 *   CHAOS_FROM  the n-th and every later request fail.
 * Requests from every thread count (the library may run GLPK on a thread).
 */
#ifndef GPUARB_TEST_CHAOS_H
#define GPUARB_TEST_CHAOS_H

#include <stdint.h>

enum { CHAOS_OFF = 0, CHAOS_NTH = 1, CHAOS_FROM = 2 };

/* Start counting requests from 0; fail as mode and n say. */
void chaos_arm(int mode, int64_t n);
/* Stop failing and counting. */
void chaos_disarm(void);
/* Requests counted since the last chaos_arm. */
int64_t chaos_requests(void);
/* 1 when at least one request failed since the last chaos_arm. */
int chaos_failed(void);
/* Blocks allocated through the shim and not yet freed (the whole process,
 * armed or not): equal before and after a call and its clean-up means the
 * call leaked nothing, whatever failed inside it. */
int64_t chaos_live(void);

/* 1 when a realloc of an existing block called from GLPK failed since the
 * last chaos_arm.  GLPK 5.0's allocator (dma() in env/alloc.c) unlinks the
 * block from its list before it calls realloc, so when realloc fails and
 * glp_error ends the call, glp_free_env() can no longer free that block:
 * one block leaks inside GLPK, whatever its caller does. */
int chaos_glpk_realloc_failed(void);
/* 1 when a request made by GLPK itself failed since the last chaos_arm. */
int chaos_glpk_failed(void);

#endif
