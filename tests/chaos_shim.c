/*
 * chaos_shim.c - the allocation-failure shim (see chaos.h).
 *
 * Linked into the test executable only: its malloc family then wins over
 * libc's for every shared library too (ELF symbol interposition), which is
 * what lets a failure reach GLPK, libyaml, jansson and libc.  Each function
 * forwards to the next definition, dlsym(RTLD_NEXT, ...): libc's, or
 * libasan's under AddressSanitizer, whose leak check at exit then still sees
 * every block.  dlsym may itself allocate before the real functions are
 * known; those few requests come from a small static arena whose blocks are
 * never freed or counted.
 *
 * The shim is compiled without sanitizers (the Makefile), because ASan's
 * own start-up calls malloc before its shadow memory exists; CHAOS_ASAN
 * tells it that it runs under ASan all the same.
 *
 * strdup, strndup and reallocarray are defined here as well because
 * libasan's interceptors for them allocate without calling malloc, so under
 * ASan they would escape the count.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"

static void *(*r_malloc)(size_t);
static void *(*r_calloc)(size_t, size_t);
static void *(*r_realloc)(void *, size_t);
static void (*r_free)(void *);
static int (*r_posix_memalign)(void **, size_t, size_t);
static void *(*r_aligned_alloc)(size_t, size_t);
static void *(*r_memalign)(size_t, size_t);

static atomic_int mode;
#if defined(CHAOS_ASAN)
static pthread_t armer; /* the thread that called chaos_arm */
#endif
static atomic_llong target, requests, live;
static atomic_int failed, glpk_realloc_failed, glpk_failed;

void chaos_arm(int m, int64_t n)
{
#if defined(CHAOS_ASAN)
    armer = pthread_self();
#endif
    atomic_store(&requests, 0);
    atomic_store(&failed, 0);
    atomic_store(&glpk_realloc_failed, 0);
    atomic_store(&glpk_failed, 0);
    atomic_store(&target, n);
    atomic_store(&mode, m);
}

void chaos_disarm(void)
{
    atomic_store(&mode, CHAOS_OFF);
}

int64_t chaos_requests(void)
{
    return atomic_load(&requests);
}

int chaos_failed(void)
{
    return atomic_load(&failed);
}

int64_t chaos_live(void)
{
    return atomic_load(&live);
}

int chaos_glpk_realloc_failed(void)
{
    return atomic_load(&glpk_realloc_failed);
}

int chaos_glpk_failed(void)
{
    return atomic_load(&glpk_failed);
}

/* LeakSanitizer reads this (a weak hook) when the executable defines it:
 * GLPK 5.0's own leak on a failed realloc (see chaos.h) is not ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libglpk.so\n";
}

/* 1 when addr is code of GLPK's shared library. */
static int in_glpk(void *addr)
{
    Dl_info info;
    return dladdr(addr, &info) && info.dli_fname && strstr(info.dli_fname, "libglpk");
}

#if defined(CHAOS_ASAN)
/* Under ASan a new thread's start-up (AsanThread::Init) calls libc's
 * pthread_getattr_np, which allocates, and a failure there is a fatal
 * CHECK inside ASan, not something a program could handle: on threads
 * other than the one that armed the shim, requests made by libc itself
 * are neither counted nor failed (the library's and GLPK's still are).
 * Plain builds make no such call. */
static int exempt(void *caller)
{
    if (pthread_equal(pthread_self(), armer))
        return 0;
    Dl_info info;
    return dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "libc.so");
}
#else
static int exempt(void *caller)
{
    (void)caller;
    return 0;
}
#endif

/* Count one request (caller: its return address); 1 when it must fail. */
static int must_fail(void *caller)
{
    int m = atomic_load(&mode);
    if (m == CHAOS_OFF || exempt(caller))
        return 0;
    long long k = atomic_fetch_add(&requests, 1) + 1;
    long long t = atomic_load(&target);
    if (m == CHAOS_NTH ? k == t : k >= t) {
        atomic_store(&failed, 1);
        return 1;
    }
    return 0;
}

/* ---- bootstrap arena (dlsym's own requests) ---- */

#define ARENA_SIZE 16384
static alignas(max_align_t) unsigned char arena[ARENA_SIZE];
static size_t arena_used;

typedef struct arena_hdr {
    alignas(max_align_t) size_t size;
} arena_hdr;

static void *arena_alloc(size_t n)
{
    size_t need = sizeof(arena_hdr) + ((n + sizeof(arena_hdr) - 1) / sizeof(arena_hdr)) *
                                          sizeof(arena_hdr);
    if (n > ARENA_SIZE || need > ARENA_SIZE - arena_used)
        return NULL;
    arena_hdr *h = (arena_hdr *)(void *)(arena + arena_used);
    h->size = n;
    arena_used += need;
    return h + 1; /* static storage: already zero, never reused */
}

static int in_arena(const void *p)
{
    const unsigned char *c = p;
    return c >= arena && c < arena + ARENA_SIZE;
}

static void resolve(void)
{
    static int resolving;
    if (resolving)
        return;
    resolving = 1;
    r_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    r_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    r_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    r_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    r_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    r_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    r_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
    resolving = 0;
}

static int ready(void)
{
    if (!r_free)
        resolve();
    return r_malloc && r_calloc && r_realloc && r_free && r_posix_memalign && r_aligned_alloc &&
           r_memalign;
}

static void *counted(void *p)
{
    if (p)
        atomic_fetch_add(&live, 1);
    return p;
}

/* ---- the interposed functions ---- */

void *malloc(size_t n)
{
    if (!ready())
        return arena_alloc(n);
    if (must_fail(__builtin_return_address(0))) {
        if (in_glpk(__builtin_return_address(0)))
            atomic_store(&glpk_failed, 1);
        errno = ENOMEM;
        return NULL;
    }
    return counted(r_malloc(n));
}

void *calloc(size_t count, size_t size)
{
    if (!ready()) {
        if (size && count > SIZE_MAX / size)
            return NULL;
        return arena_alloc(count * size);
    }
    if (must_fail(__builtin_return_address(0))) {
        errno = ENOMEM;
        return NULL;
    }
    return counted(r_calloc(count, size));
}

void free(void *p)
{
    if (!p || in_arena(p))
        return;
    if (!ready())
        return; /* cannot happen: p came from a real allocator */
    atomic_fetch_sub(&live, 1);
    r_free(p);
}

void *realloc(void *p, size_t n)
{
    if (!ready()) {
        void *q = arena_alloc(n);
        if (q && p) {
            size_t old = ((arena_hdr *)p)[-1].size;
            memcpy(q, p, old < n ? old : n);
        }
        return q;
    }
    if (p && in_arena(p)) {
        if (must_fail(__builtin_return_address(0))) {
            errno = ENOMEM;
            return NULL;
        }
        void *q = counted(r_malloc(n ? n : 1));
        if (q)
            memcpy(q, p, ((arena_hdr *)p)[-1].size < n ? ((arena_hdr *)p)[-1].size : n);
        return q;
    }
    if (p && n == 0) { /* glibc: frees p and returns NULL */
        free(p);
        return NULL;
    }
    if (must_fail(__builtin_return_address(0))) {
        if (in_glpk(__builtin_return_address(0))) {
            atomic_store(&glpk_failed, 1);
            if (p)
                atomic_store(&glpk_realloc_failed, 1);
        }
        errno = ENOMEM;
        return NULL; /* p stays valid, as after a real failure */
    }
    void *q = r_realloc(p, n);
    if (q && !p)
        atomic_fetch_add(&live, 1);
    return q;
}

void *reallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, count * size);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (!ready())
        return ENOMEM;
    if (must_fail(__builtin_return_address(0)))
        return ENOMEM;
    int rc = r_posix_memalign(out, align, n);
    if (rc == 0)
        counted(*out);
    return rc;
}

void *aligned_alloc(size_t align, size_t n)
{
    if (!ready())
        return NULL;
    if (must_fail(__builtin_return_address(0))) {
        errno = ENOMEM;
        return NULL;
    }
    return counted(r_aligned_alloc(align, n));
}

void *memalign(size_t align, size_t n)
{
    if (!ready())
        return NULL;
    if (must_fail(__builtin_return_address(0))) {
        errno = ENOMEM;
        return NULL;
    }
    return counted(r_memalign(align, n));
}

char *strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *strdup(const char *s)
{
    return strndup(s, strlen(s));
}
