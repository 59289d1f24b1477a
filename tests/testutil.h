/*
 * testutil.h - helpers shared by the cmocka test binaries (tests/test_*.c):
 * the context fixture, file slurping, directory listing, the shared-data
 * path lookup, the data-driven invalid-case runner, error assertions and a
 * small seeded RNG.  Linked into every test binary (see the Makefile).
 * Include this instead of cmocka.h: it pulls in what cmocka needs first.
 */
#ifndef GPUARB_TESTUTIL_H
#define GPUARB_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gpuarb.h"

/* ---- the context fixture: cmocka group or per-test setup/teardown ---- */
typedef struct fixture {
    gpuarb_ctx *ctx;
} fixture;

/* *state becomes a fixture with a fresh context; -1 when that fails. */
int tu_setup(void **state);
/* Frees the fixture made by tu_setup. */
int tu_teardown(void **state);

/* A test with its own fresh fixture (for tests that change the context,
 * such as installing a log callback). */
#define TU_TEST(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)

/* ---- memory ---- */
/* n zeroed elements of size bytes (malloc'd: free it); fails the test when
 * memory runs out, so callers need no NULL check. */
void *tu_alloc(size_t n, size_t size);

/* ---- files ---- */
/* The whole file, NUL-terminated (malloc'd: free it); *len its size in bytes
 * (len may be NULL).  Fails the test when the file cannot be read. */
char *tu_slurp(const char *path, size_t *len);
/* 1 when path exists (any kind of file), else 0. */
int tu_exists(const char *path);
/* The sub-directory names of dir, sorted, without dot entries; *n the count.
 * Fails the test when dir cannot be opened.  Free with tu_free_list. */
char **tu_list_dirs(const char *dir, size_t *n);
void tu_free_list(char **v, size_t n);

/* Calls fn(user, name, yaml, json) for every case directory <root>/<name>/
 * (sorted), with the paths of its spec.yaml and spec.json; fails the test
 * when there are fewer than min_cases. */
void tu_each_yaml_json_case(const char *root, size_t min_cases,
                            void (*fn)(void *user, const char *name, const char *yaml,
                                       const char *json),
                            void *user);

/* ---- the shared data (../shared/data through GPUARB_SHARED) ---- */
/* Writes "$GPUARB_SHARED/rel" into buf and returns buf when that file or
 * directory exists; otherwise prints "skipped: <what> absent (...)" and skips
 * the test (cmocka skip(): this does not return). */
const char *tu_shared_path(char *buf, size_t n, const char *rel);

/* ---- errors ---- */
/* Asserts the last error on ctx: got == want, the line, the column, and that
 * the message contains fragment.  Prints want and got first on a mismatch. */
void tu_assert_error(gpuarb_ctx *ctx, gpuarb_status got, gpuarb_status want, int32_t line,
                     int32_t col, const char *fragment);
/* Asserts the last error exactly: status, line, column, source, key path and
 * the whole message.  `what` names the case in the failure message. */
void tu_assert_error_exact(gpuarb_ctx *ctx, const char *what, gpuarb_status got,
                           gpuarb_status want, int32_t line, int32_t col, const char *source,
                           const char *path, const char *msg);

/* ---- data-driven invalid cases ----
 * tests/data/invalid/<kind>/<case>/ holds one input file and an `expect`
 * file, in either of two forms:
 *   positional:  status name / line / column / message fragment / [key path]
 *                (one per line; key path "(none)" means "")
 *   keyed:       lines "status NAME", "line N", "column N", "message FRAGMENT"
 *                and an optional "path KEY", in any order.
 * Lines and columns are 1-based and were counted by hand. */
typedef struct tu_invalid_kind {
    const char *root;            /* tests/data/invalid/<kind> */
    const char *const *inputs;   /* input file names to try in order, NULL-terminated */
    size_t min_cases;            /* fewer cases than this fails the test */
    /* Loads the case: from the file `input` when text is NULL, else from
     * text[0..len) under the source name "mem".  Frees what it made and
     * sets *made to 1 when an object was produced (an error must not). */
    gpuarb_status (*load)(gpuarb_ctx *ctx, const char *input, const char *text, size_t len,
                          int *made);
    int from_memory;             /* also load the slurped text: same status and position */
} tu_invalid_kind;

/* Runs every case of k: the load must fail with the expected status, line,
 * column, message fragment, source (the input path) and key path when
 * given; with from_memory, loading the text again must give the same
 * status and position under the source "mem".  Every case is run and its
 * mismatch printed before the test fails. */
void tu_run_invalid(gpuarb_ctx *ctx, const tu_invalid_kind *k);

/* ---- a seeded RNG (xorshift64; the seed must not be 0) ---- */
uint64_t tu_rng_next(uint64_t *state);

/* ---- simulator inputs (test_sim, test_policy, test_rl) ---- */
/* A simulator configuration parsed from yaml (source "sim.yaml"), or a
 * native trace parsed from csv (source "t.csv"); the library's message is
 * printed and the test fails when parsing fails.  Free with
 * gpuarb_sim_config_free / gpuarb_trace_free. */
gpuarb_sim_config *tu_sim_config(gpuarb_ctx *ctx, const char *yaml);
gpuarb_trace *tu_trace(gpuarb_ctx *ctx, const char *csv);

/* ---- generated catalogs (test_optimize, test_decomp brute forces) ---- */
/* One native catalog row "PROV,rREG,,tID,GPU,GPC,PRICE,SPOT,RATE,CAP\n"
 * into buf (snprintf's bounds and return value): numbers to 17 digits, the
 * spot price empty when spot < 0, the capacity empty when cap < 0. */
size_t tu_offer_row(char *buf, size_t n, const char *prov, int reg, int id, const char *gpu,
                    int gpc, double price, double spot, double rate, int cap);

#endif
