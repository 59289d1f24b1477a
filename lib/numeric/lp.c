/*
 * lp.c - the only GLPK user.  It owns a small MIP builder (columns, rows,
 * triplets in our own 0-based arrays) and turns it into a glp_prob only
 * inside ga_mip_solve, so no GLPK state outlives a call.  ga_mip_write_lp
 * writes the CPLEX LP file itself, without GLPK (see there).
 *
 * GLPK 5.0 prints and calls abort() from glp_error; the models built here
 * are validated before GLPK sees them (finite coefficients, integral bounds
 * on integer columns, lo <= hi), and glp_error_hook longjmps out as the last
 * resort, after which the call returns GPUARB_ERR_SOLVER.  Terminal output
 * is swallowed by a terminal hook and msg_lev = GLP_MSG_OFF.  GLPK keeps its
 * environment (problems, hooks) in thread-local storage on Debian
 * (glp_config("TLS")), so distinct threads may solve at the same time.  The
 * library frees only an environment it created: when the calling thread
 * already has one (the host uses GLPK), the call runs on a short-lived
 * thread of ours and the host's problems and hooks are never touched (see
 * glp_guarded).  No GLPK function runs before glp_init_env() has succeeded.
 *
 * GLPK 5.0's clique cuts corrupt memory on some models (ASan shows a bad
 * free inside glp_clq_cut), so they are never enabled.
 *
 * Failures inside GLPK: GLPK reports a failed allocation (and an exceeded
 * glp_mem_limit) through glp_error, so those arrive on the fatal path too;
 * the terminal hook reads GLPK's message on the way, and the call returns
 * GPUARB_ERR_NOMEM or GPUARB_ERR_LIMIT for them, GPUARB_ERR_SOLVER for
 * anything else.  An allocation failure is never a different answer: a
 * start that cannot be copied or checked is GPUARB_ERR_NOMEM, not dropped.
 *
 * Solve strategy: LP relaxation (with GLPK's presolver when the stage has
 * 2 s or more: it cannot be interrupted), then branch and cut
 * from that basis with the caller's starting point offered as the first
 * incumbent through the heuristic callback; the callback also records the
 * best open node's bound so a time-limited solve reports a proven gap.
 * One deadline, taken when ga_mip_solve starts, covers every phase; a
 * phase that cannot be interrupted (GLPK's presolver, scaling, basis) is
 * charged to it, and the offered start is returned whenever the time ends
 * before GLPK found anything as good (see lp.h).
 * Statuses: GPUARB_OK, GPUARB_ERR_NOMEM (also when GLPK cannot set up its
 * environment or the helper thread cannot start), GPUARB_ERR_LIMIT (the
 * memory budget), GPUARB_ERR_ARG, GPUARB_ERR_SOLVER, GPUARB_ERR_IO
 * (write_lp).
 */
#include <errno.h>
#include <fcntl.h>
#include <glpk.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "numeric/lp.h"

struct ga_mip {
    int32_t maximize;
    int32_t n_cols, n_rows;
    size_t cap_cols, cap_rows, nnz, cap_nnz;
    double *obj, *lb, *ub;
    int32_t *integer;
    char **cname;
    double *rlo, *rhi;
    char **rname;
    int32_t *tri_row, *tri_col;
    double *tri_val;
    double objc;
    double *start;
    int32_t bad; /* a non-finite coefficient or inconsistent bound was added */
};

ga_mip *ga_mip_new(int32_t maximize)
{
    ga_mip *m = ga_calloc(1, sizeof *m);
    if (m)
        m->maximize = maximize ? 1 : 0;
    return m;
}

void ga_mip_free(ga_mip *m)
{
    if (!m)
        return;
    for (int32_t j = 0; j < m->n_cols; j++)
        free(m->cname[j]);
    for (int32_t i = 0; i < m->n_rows; i++)
        free(m->rname[i]);
    free(m->obj);
    free(m->lb);
    free(m->ub);
    free(m->integer);
    free(m->cname);
    free(m->rlo);
    free(m->rhi);
    free(m->rname);
    free(m->tri_row);
    free(m->tri_col);
    free(m->tri_val);
    free(m->start);
    free(m);
}

int32_t ga_mip_cols(const ga_mip *m)
{
    return m->n_cols;
}

int32_t ga_mip_rows(const ga_mip *m)
{
    return m->n_rows;
}

void ga_mip_set_obj_const(ga_mip *m, double c)
{
    m->objc = c;
}

/* Grow n parallel arrays sharing one capacity to hold need elements.  On
 * failure *cap is unchanged, so arrays already grown are merely larger. */
static int grow_parallel(size_t *cap, size_t need, int n, void **arr[], const size_t *elsize)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap;
    for (int i = 0; i < n; i++) {
        c = *cap;
        if (ga_grow(arr[i], &c, need, elsize[i]))
            return -1;
    }
    *cap = c;
    return 0;
}

int32_t ga_mip_add_col(ga_mip *m, double obj, double lb, double ub, int32_t integer,
                       const char *name)
{
    if (m->n_cols >= INT32_MAX - 1)
        return -1;
    void **arr[] = {(void **)&m->obj, (void **)&m->lb, (void **)&m->ub, (void **)&m->integer,
                    (void **)&m->cname};
    const size_t sz[] = {sizeof(double), sizeof(double), sizeof(double), sizeof(int32_t),
                         sizeof(char *)};
    if (grow_parallel(&m->cap_cols, (size_t)m->n_cols + 1, 5, arr, sz))
        return -1;
    int32_t j = m->n_cols;
    char *nm = NULL;
    if (name && !(nm = ga_strdup(name)))
        return -1;
    if (!isfinite(obj) || isnan(lb) || isnan(ub) || lb > ub || lb >= GA_INF)
        m->bad = 1;
    if (integer && ((lb > -GA_INF && lb != floor(lb)) || (ub < GA_INF && ub != floor(ub))))
        m->bad = 1;
    m->obj[j] = obj;
    m->lb[j] = lb;
    m->ub[j] = ub;
    m->integer[j] = integer ? 1 : 0;
    m->cname[j] = nm;
    m->n_cols++;
    return j;
}

int32_t ga_mip_add_row(ga_mip *m, int32_t n, const int32_t *col, const double *val, double lo,
                       double hi, const char *name)
{
    if (m->n_rows >= INT32_MAX - 1 || n < 0)
        return -1;
    void **rarr[] = {(void **)&m->rlo, (void **)&m->rhi, (void **)&m->rname};
    const size_t rsz[] = {sizeof(double), sizeof(double), sizeof(char *)};
    if (grow_parallel(&m->cap_rows, (size_t)m->n_rows + 1, 3, rarr, rsz))
        return -1;
    void **narr[] = {(void **)&m->tri_row, (void **)&m->tri_col, (void **)&m->tri_val};
    const size_t nsz[] = {sizeof(int32_t), sizeof(int32_t), sizeof(double)};
    if (grow_parallel(&m->cap_nnz, m->nnz + (size_t)n, 3, narr, nsz))
        return -1;
    char *nm = NULL;
    if (name && !(nm = ga_strdup(name)))
        return -1;
    int32_t i = m->n_rows;
    for (int32_t k = 0; k < n; k++) {
        if (col[k] < 0 || col[k] >= m->n_cols || !isfinite(val[k]))
            m->bad = 1;
        m->tri_row[m->nnz] = i;
        m->tri_col[m->nnz] = col[k];
        m->tri_val[m->nnz] = val[k];
        m->nnz++;
    }
    if (isnan(lo) || isnan(hi) || lo > hi)
        m->bad = 1;
    m->rlo[i] = lo;
    m->rhi[i] = hi;
    m->rname[i] = nm;
    m->n_rows++;
    return i;
}

int ga_mip_set_start(ga_mip *m, const double *x)
{
    if (!m->start &&
        !(m->start = ga_mallocarray((size_t)(m->n_cols ? m->n_cols : 1), sizeof(double))))
        return -1;
    memcpy(m->start, x, sizeof(double) * (size_t)m->n_cols);
    return 0;
}

/* ---- GLPK guard ---------------------------------------------------------- */

typedef struct glp_guard {
    jmp_buf jb;
} glp_guard;

static void on_glp_error(void *info)
{
    longjmp(((glp_guard *)info)->jb, 1);
}

/* What GLPK's last fatal message said (glp_error prints it through the
 * terminal hook just before it calls the error hook). */
enum { GLPK_SAID_OTHER = 0, GLPK_SAID_NOMEM = 1, GLPK_SAID_LIMIT = 2 };

typedef struct glp_said {
    int kind;       /* GLPK_SAID_*, sticky */
    char line[160]; /* the last line that was not GLPK's "Error detected" */
} glp_said;

static int on_glp_term(void *info, const char *s)
{
    glp_said *said = info;
    if (strstr(s, "memory allocation limit exceeded"))
        said->kind = GLPK_SAID_LIMIT;
    else if (said->kind == GLPK_SAID_OTHER &&
             (strstr(s, "no memory available") || strstr(s, "memory allocation error") ||
              strstr(s, "block too large") || strstr(s, "too many memory blocks")))
        said->kind = GLPK_SAID_NOMEM;
    if (strncmp(s, "Error detected", 14) != 0) {
        size_t n = strcspn(s, "\n");
        if (n >= sizeof said->line)
            n = sizeof said->line - 1;
        memcpy(said->line, s, n);
        said->line[n] = '\0';
    }
    return 1; /* swallow */
}

static int col_type(double lb, double ub)
{
    if (lb <= -GA_INF && ub >= GA_INF)
        return GLP_FR;
    if (ub >= GA_INF)
        return GLP_LO;
    if (lb <= -GA_INF)
        return GLP_UP;
    if (lb == ub)
        return GLP_FX;
    return GLP_DB;
}

/* Build the glp_prob.  Must run under the guard. */
static glp_prob *build(const ga_mip *m, int *ia, int *ja, double *ar)
{
    glp_prob *P = glp_create_prob();
    glp_set_obj_dir(P, m->maximize ? GLP_MAX : GLP_MIN);
    glp_set_obj_coef(P, 0, m->objc);
    char nm[32];
    if (m->n_cols > 0)
        glp_add_cols(P, m->n_cols);
    if (m->n_rows > 0)
        glp_add_rows(P, m->n_rows);
    for (int32_t j = 0; j < m->n_cols; j++) {
        double lb = m->lb[j], ub = m->ub[j];
        glp_set_col_bnds(P, j + 1, col_type(lb, ub), lb <= -GA_INF ? 0 : lb, ub >= GA_INF ? 0 : ub);
        glp_set_obj_coef(P, j + 1, m->obj[j]);
        if (m->integer[j])
            glp_set_col_kind(P, j + 1, GLP_IV);
        if (m->cname[j]) {
            glp_set_col_name(P, j + 1, m->cname[j]);
        } else {
            snprintf(nm, sizeof nm, "x%d", (int)j);
            glp_set_col_name(P, j + 1, nm);
        }
    }
    for (int32_t i = 0; i < m->n_rows; i++) {
        double lo = m->rlo[i], hi = m->rhi[i];
        glp_set_row_bnds(P, i + 1, col_type(lo, hi), lo <= -GA_INF ? 0 : lo, hi >= GA_INF ? 0 : hi);
        if (m->rname[i]) {
            glp_set_row_name(P, i + 1, m->rname[i]);
        } else {
            snprintf(nm, sizeof nm, "r%d", (int)i);
            glp_set_row_name(P, i + 1, nm);
        }
    }
    for (size_t k = 0; k < m->nnz; k++) {
        ia[k + 1] = m->tri_row[k] + 1;
        ja[k + 1] = m->tri_col[k] + 1;
        ar[k + 1] = m->tri_val[k];
    }
    /* GLPK rejects duplicate (row, col) entries; the builders never add
     * them, and ga_mip_check() verifies it before we get here. */
    glp_load_matrix(P, (int)m->nnz, ia, ja, ar);
    return P;
}

static int cmp_pair(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

/* Reject models GLPK would abort on: bad numbers, duplicate entries. */
static gpuarb_status check_model(gpuarb_ctx *ctx, const ga_mip *m)
{
    if (m->bad)
        return ga_error(ctx, GPUARB_ERR_INTERNAL, NULL, 0, 0, NULL,
                        "model has a non-finite coefficient or inconsistent bounds");
    if (m->nnz == 0)
        return GPUARB_OK;
    int64_t *key = ga_mallocarray(m->nnz, sizeof(int64_t));
    if (!key)
        return ga_nomem(ctx);
    for (size_t k = 0; k < m->nnz; k++)
        key[k] = (int64_t)m->tri_row[k] * ((int64_t)m->n_cols + 1) + m->tri_col[k];
    qsort(key, m->nnz, sizeof *key, cmp_pair);
    for (size_t k = 1; k < m->nnz; k++) {
        if (key[k] == key[k - 1]) {
            free(key);
            return ga_error(ctx, GPUARB_ERR_INTERNAL, NULL, 0, 0, NULL,
                            "model has a duplicate matrix entry");
        }
    }
    free(key);
    return GPUARB_OK;
}

typedef struct cb_info {
    double *start1;        /* 1-based start or NULL */
    int offered;
    double bound;
    int have_bound;
    int64_t nodes;
    double abs_gap;        /* > 0: stop once the incumbent is this close */
    int closed;            /* stopped by abs_gap */
    int (*progress)(void *, double, double); /* ga_mip_opts.progress */
    void *progress_arg;
    int progress_inc, progress_bound;
    int stopped;           /* stopped by progress */
} cb_info;

static void on_tree(glp_tree *T, void *info)
{
    cb_info *ci = info;
    int reason = glp_ios_reason(T);
    if (reason == GLP_IHEUR && ci->start1 && !ci->offered) {
        ci->offered = 1;
        glp_ios_heur_sol(T, ci->start1);
    }
    int p = glp_ios_best_node(T);
    if (p) {
        ci->bound = glp_ios_node_bound(T, p);
        ci->have_bound = 1;
    }
    int a = 0, c = 0, t = 0;
    glp_ios_tree_size(T, &a, &c, &t);
    ci->nodes = t;
    if (ci->progress && !ci->stopped) {
        glp_prob *P0 = glp_ios_get_prob(T);
        int st0 = glp_mip_status(P0);
        double inc = ci->progress_inc && (st0 == GLP_FEAS || st0 == GLP_OPT)
                         ? glp_mip_obj_val(P0)
                         : NAN;
        double bnd = ci->progress_bound && ci->have_bound ? ci->bound : NAN;
        if (ci->progress(ci->progress_arg, inc, bnd)) {
            ci->stopped = 1;
            glp_ios_terminate(T);
        }
    }
    if (ci->abs_gap > 0 && ci->have_bound && p) {
        glp_prob *P = glp_ios_get_prob(T);
        int st = glp_mip_status(P);
        if (st == GLP_FEAS || st == GLP_OPT) {
            double inc = glp_mip_obj_val(P);
            if (fabs(inc - ci->bound) <= ci->abs_gap && !ci->closed) {
                ci->closed = 1;
                glp_ios_terminate(T);
            }
        }
    }
}

static double rel_gap(double obj, double bound)
{
    double d = fabs(obj - bound);
    if (d < 1e-9)
        return 0.0;
    return d / GA_MAX(1e-9, fabs(obj));
}

/* 1: x is a feasible point of m; 0: it is not; -1: no memory to check. */
static int start_feasible(const ga_mip *m, const double *x)
{
    for (int32_t j = 0; j < m->n_cols; j++) {
        if (!isfinite(x[j]) || x[j] < m->lb[j] - 1e-9 || x[j] > m->ub[j] + 1e-9)
            return 0;
        if (m->integer[j] && fabs(x[j] - floor(x[j] + 0.5)) > 1e-9)
            return 0;
    }
    double *act = ga_calloc((size_t)(m->n_rows ? m->n_rows : 1), sizeof(double));
    if (!act)
        return -1;
    for (size_t k = 0; k < m->nnz; k++)
        act[m->tri_row[k]] += m->tri_val[k] * x[m->tri_col[k]];
    int ok = 1;
    for (int32_t i = 0; i < m->n_rows && ok; i++) {
        double tol = 1e-7 * GA_MAX(1.0, fabs(act[i]));
        if (act[i] < m->rlo[i] - tol || act[i] > m->rhi[i] + tol)
            ok = 0;
    }
    free(act);
    return ok;
}

/* What a guarded GLPK call works on: everything is allocated before GLPK
 * runs and freed by the caller after, so a longjmp out of GLPK leaks
 * nothing of ours (GLPK's own memory goes with our glp_free_env).  The
 * terminal hook writes into said, which lives here rather than on the
 * guarded function's stack, so it is still valid after the longjmp. */
typedef struct glp_job {
    const ga_mip *m;
    int *ia, *ja;
    double *ar;
    const ga_mip_opts *opts; /* solve */
    ga_mip_out *out;
    cb_info ci;
    double start_obj;        /* objective of ci.start1, when there is one */
    double deadline;         /* ga_now_ms() value at which to stop; 0: none */
    int glp_mem_mib;         /* glp_mem_limit for GLPK's own memory; 0: none */
    double budget_mib;       /* the caller's whole budget, for the message */
    int safe;                /* the retry after a fatal error: scaled, no cuts,
                                other branching (see ga_mip_solve) */
    glp_said said;
} glp_job;

typedef gpuarb_status (*glp_body)(gpuarb_ctx *ctx, glp_job *j);

/* The status of a GLPK fatal error, from what GLPK said on the way. */
static gpuarb_status fatal_status(gpuarb_ctx *ctx, const glp_job *j, const char *what)
{
    if (j->said.kind == GLPK_SAID_LIMIT)
        return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL,
                        "the model needs more than the memory budget of %.15g MiB "
                        "(memory_limit_mib)",
                        j->budget_mib);
    if (j->said.kind == GLPK_SAID_NOMEM)
        return ga_nomem(ctx);
    return ga_error(ctx, GPUARB_ERR_SOLVER, NULL, 0, 0, NULL,
                    "GLPK reported a fatal error while %s (%s); the model was abandoned", what,
                    j->said.line[0] ? j->said.line : "no message");
}

/* Run body in the calling thread's GLPK environment, which must exist.
 * own: the library created it for this call (it is freed here, on every
 * path, and the memory limit applies to it); else it is the host's (see
 * glp_guarded).  The hooks are installed after setjmp, so the error hook
 * never sees an unset jump buffer. */
static gpuarb_status run_in_env(gpuarb_ctx *ctx, glp_body body, glp_job *j, const char *what,
                                int own)
{
    glp_guard g;
    memset(&j->said, 0, sizeof j->said);
    if (setjmp(g.jb)) {
        /* GLPK hit a fatal error.  Our environment is unusable: drop it and
         * everything GLPK allocated in it.  A host's environment is left
         * alone (the abandoned problem stays in it until the host frees
         * the environment). */
        if (own) {
            glp_free_env();
        } else {
            glp_error_hook(NULL, NULL);
            glp_term_hook(NULL, NULL);
        }
        return fatal_status(ctx, j, what);
    }
    glp_error_hook(on_glp_error, &g);
    glp_term_hook(on_glp_term, &j->said);
    if (own && j->glp_mem_mib > 0)
        glp_mem_limit(j->glp_mem_mib);
    gpuarb_status st = body(ctx, j);
    if (own) {
        glp_free_env();
    } else {
        glp_error_hook(NULL, NULL);
        glp_term_hook(NULL, NULL);
    }
    return st;
}

static gpuarb_status env_failed(gpuarb_ctx *ctx)
{
    return ga_error(ctx, GPUARB_ERR_NOMEM, NULL, 0, 0, NULL,
                    "out of memory: GLPK could not set up its environment");
}

/* One guarded call on a short-lived thread of our own.  It reports into a
 * private context (no log callback), so the host's callback only ever runs
 * in the host's thread; glp_guarded copies the error over. */
typedef struct glp_run {
    gpuarb_ctx scratch;
    glp_body body;
    glp_job *j;
    const char *what;
    gpuarb_status st;
} glp_run;

static void *glp_thread_main(void *arg)
{
    glp_run *r = arg;
    int rc = glp_init_env(); /* a new thread has no environment: 0 */
    if (rc == 0)
        r->st = run_in_env(&r->scratch, r->body, r->j, r->what, 1);
    else if (rc == 1)
        r->st = run_in_env(&r->scratch, r->body, r->j, r->what, 0);
    else
        r->st = env_failed(&r->scratch);
    return NULL;
}

static gpuarb_status run_on_thread(gpuarb_ctx *ctx, glp_body body, glp_job *j, const char *what)
{
    glp_run *r = ga_calloc(1, sizeof *r);
    if (!r)
        return ga_nomem(ctx);
    r->body = body;
    r->j = j;
    r->what = what;
    pthread_t t;
    if (pthread_create(&t, NULL, glp_thread_main, r) != 0) {
        free(r);
        return ga_error(ctx, GPUARB_ERR_NOMEM, NULL, 0, 0, NULL,
                        "out of memory: cannot start a thread for GLPK (the host's GLPK "
                        "environment is kept)");
    }
    pthread_join(t, NULL);
    gpuarb_status st = r->st;
    if (st != GPUARB_OK)
        ga_error(ctx, st, r->scratch.source[0] ? r->scratch.source : NULL, r->scratch.line,
                 r->scratch.col, r->scratch.path[0] ? r->scratch.path : NULL, "%s", r->scratch.msg);
    free(r);
    return st;
}

/* Run body with GLPK's output swallowed and its fatal errors turned into
 * statuses.  The body deletes its glp_prob on every normal path.
 *
 * GLPK keeps one environment per thread (glp_config("TLS")), holding every
 * problem object, the terminal hook, the error hook and the memory limit,
 * and it has no getter for the hooks or the limit, so a hook replaced by us
 * could not be put back.  Hence:
 *   - no environment in the calling thread (the usual case): we create
 *     one, run, and free it again on every path, fatal error included;
 *     GLPK state never outlives the call;
 *   - the host already has one (it uses GLPK itself): we never touch it.
 *     The call runs on a short-lived thread of ours, with its own
 *     environment, while the caller waits; the host's problems, terminal
 *     hook, error hook and settings are exactly as they were, on the
 *     fatal path too (tests/test_lp.c and tests/test_chaos.c check both);
 *   - a GLPK built without thread-local storage shares one environment
 *     between threads, so isolation is impossible: the call then runs in
 *     the host's environment, never frees it, sets no memory limit in it,
 *     and leaves both hooks unset (GLPK's defaults) afterwards.  Debian's
 *     GLPK uses TLS.
 * GLPK's environment set-up is checked before any other GLPK call: GLPK
 * itself would print "GLPK initialization failed" and abort() on the next
 * call after a failed glp_init_env(). */
static gpuarb_status glp_guarded(gpuarb_ctx *ctx, glp_body body, glp_job *j, const char *what)
{
    int rc = glp_init_env();
    if (rc == 0)
        return run_in_env(ctx, body, j, what, 1);
    if (rc != 1)
        return env_failed(ctx);
    if (glp_config("TLS") != NULL)
        return run_on_thread(ctx, body, j, what);
    return run_in_env(ctx, body, j, what, 0);
}

static int job_alloc(glp_job *j, const ga_mip *m)
{
    memset(j, 0, sizeof *j);
    j->m = m;
    size_t nz = m->nnz + 1;
    j->ia = ga_mallocarray(nz, sizeof(int));
    j->ja = ga_mallocarray(nz, sizeof(int));
    j->ar = ga_mallocarray(nz, sizeof(double));
    return j->ia && j->ja && j->ar ? 0 : -1;
}

static void job_free(glp_job *j)
{
    free(j->ia);
    free(j->ja);
    free(j->ar);
    free(j->ci.start1);
}

/* Milliseconds GLPK may spend on its next phase: 0 = no limit, -1 = the
 * deadline has passed (the phase must not start). */
static int time_left(const glp_job *j)
{
    if (j->deadline <= 0)
        return 0;
    double left = j->deadline - ga_now_ms();
    if (left < 1)
        return -1;
    return (int)GA_MIN(left, 2e9);
}

/* 1 when the offered start is strictly better than obj. */
static int start_better(const glp_job *j, double obj)
{
    if (!j->ci.start1)
        return 0;
    double d = j->start_obj - obj, tol = 1e-9 * GA_MAX(1.0, fabs(obj));
    return j->m->maximize ? d > tol : d < -tol;
}

/* The offered start becomes the incumbent. */
static void take_start(glp_job *j)
{
    ga_mip_out *out = j->out;
    out->status = GA_MIP_FEASIBLE;
    out->obj = j->start_obj;
    for (int32_t c = 0; c < j->m->n_cols; c++)
        out->x[c] = j->ci.start1[c + 1];
}

/* The time ended before the LP relaxation was solved: no bound. */
static void lp_timed_out(glp_job *j)
{
    ga_mip_out *out = j->out;
    out->has_bound = 0;
    if (j->ci.start1) {
        take_start(j);
        out->bound = j->m->maximize ? HUGE_VAL : -HUGE_VAL;
        out->gap = HUGE_VAL;
    } else {
        out->status = GA_MIP_NOSOLUTION;
        out->bound = 0;
    }
}

/* LP relaxation, then branch and cut from its basis, all before the one
 * deadline. */
static gpuarb_status solve_body(gpuarb_ctx *ctx, glp_job *j)
{
    const ga_mip *m = j->m;
    const ga_mip_opts *opts = j->opts;
    ga_mip_out *out = j->out;
    cb_info *ci = &j->ci;
    gpuarb_status st = GPUARB_OK;
    glp_prob *P = build(m, j->ia, j->ja, j->ar);

    glp_smcp sp;
    glp_init_smcp(&sp);
    sp.msg_lev = GLP_MSG_OFF;
    /* the LP presolver cannot be interrupted (it alone overran stage
     * limits by up to 1.7 s on 100 gangs under a provider cap), while the
     * simplex honours tm_lim: so it runs only when the stage has 2 s or
     * more left; it stays on otherwise because it makes badly scaled
     * models (prices of $0.0001/h beside $35/h) solve reliably */
    sp.presolve = GLP_ON;
    if (j->safe)
        sp.meth = GLP_DUALP;
    int left = time_left(j), rc;
    if (left < 0) {
        lp_timed_out(j);
        goto done;
    }
    sp.tm_lim = left > 0 ? left : INT32_MAX;
    if (left > 0 && left < 2000)
        sp.presolve = GLP_OFF;
    rc = glp_simplex(P, &sp);
    if (rc == GLP_EFAIL || rc == GLP_ESING || rc == GLP_ECOND) {
        /* retry from a fresh advanced basis, with the presolver when it
         * was off and without it when it was on */
        if (time_left(j) < 0) {
            lp_timed_out(j);
            goto done;
        }
        glp_adv_basis(P, 0);
        if ((left = time_left(j)) < 0) {
            lp_timed_out(j);
            goto done;
        }
        sp.presolve = sp.presolve == GLP_ON ? GLP_OFF : GLP_ON;
        sp.tm_lim = left > 0 ? left : INT32_MAX;
        rc = glp_simplex(P, &sp);
    }
    int lpst = glp_get_status(P);
    if (rc == GLP_ENOPFS || lpst == GLP_NOFEAS) {
        out->status = GA_MIP_INFEASIBLE;
        goto done;
    }
    if (rc == GLP_ENODFS || lpst == GLP_UNBND) {
        out->status = GA_MIP_UNBOUNDED;
        goto done;
    }
    if (rc == GLP_ETMLIM) {
        lp_timed_out(j);
        goto done;
    }
    if (rc != 0 || lpst != GLP_OPT) {
        st = ga_error(ctx, GPUARB_ERR_SOLVER, NULL, 0, 0, NULL,
                      "GLPK simplex failed (code %d, status %d)", rc, lpst);
        goto done;
    }
    ci->bound = glp_get_obj_val(P);
    ci->have_bound = 1;
    out->has_bound = 1;
    out->bound = ci->bound;
    if ((left = time_left(j)) < 0) {
        /* the relaxation's bound holds; branch and cut never started */
        if (ci->start1) {
            take_start(j);
        } else {
            out->status = GA_MIP_NOSOLUTION;
            goto done;
        }
        goto gap;
    }
    glp_iocp ip;
    glp_init_iocp(&ip);
    ip.msg_lev = GLP_MSG_OFF;
    ip.presolve = GLP_OFF;
    ip.cb_func = on_tree;
    ip.cb_info = ci;
    ci->abs_gap = opts->abs_gap > 0 ? opts->abs_gap : 0.0;
    ci->progress = opts->progress;
    ci->progress_arg = opts->progress_arg;
    ci->progress_inc = opts->progress_inc;
    ci->progress_bound = opts->progress_bound;
    ip.mip_gap = opts->mip_gap > 0 ? opts->mip_gap : 0.0;
    ip.br_tech = GLP_BR_DTH;
    ip.bt_tech = GLP_BT_BLB;
    /* Tolerances (gpuarb(1), --abs-gap, "Tolerances"): tol_int stays
     * GLPK's 1e-5 (1e-9 made branch and bound declare feasible models with
     * instance bounds of 1e6 infeasible: values that large are never
     * integral to 1e-9); the region-indicator leak it allows is caught by
     * the verifier and split away in solve.c.  tol_obj 1e-9 prunes a node
     * only when its relaxation is within a relative 1e-9 of the incumbent,
     * so "optimal" means proven to 1e-9. */
    ip.tol_int = 1e-5;
    ip.tol_obj = 1e-9;
    if (j->safe)
        ip.br_tech = GLP_BR_MFV;
    if (opts->cuts && !j->safe) {
        ip.gmi_cuts = GLP_ON;
        ip.mir_cuts = GLP_ON;
        ip.cov_cuts = GLP_ON;
        /* Never clq_cuts: GLPK 5.0's clique cut generator frees a
         * pointer it did not allocate on some models (found by ASan in
         * tests/test_optimize.c's random instances). */
    }
    ip.tm_lim = left > 0 ? left : INT32_MAX;
    rc = glp_intopt(P, &ip);
    out->nodes = ci->nodes;
    int mst = glp_mip_status(P);
    if (mst == GLP_OPT || mst == GLP_FEAS) {
        out->obj = glp_mip_obj_val(P);
        for (int32_t c = 0; c < m->n_cols; c++)
            out->x[c] = glp_mip_col_val(P, c + 1);
    }
    out->bound = ci->bound; /* the best open node's, or the relaxation's */
    if (mst == GLP_OPT && (rc == 0 || rc == GLP_EMIPGAP)) {
        out->status = GA_MIP_OPTIMAL;
        /* with a gap tolerance the bound is the last open node's */
        if (rc == 0)
            out->bound = out->obj;
    } else if (rc == GLP_ESTOP && ci->closed && (mst == GLP_FEAS || mst == GLP_OPT)) {
        /* within the absolute tolerance: optimal as far as asked */
        out->status = GA_MIP_OPTIMAL;
    } else if (mst == GLP_FEAS || (mst == GLP_OPT && rc != 0)) {
        /* stopped with an incumbent; the start if GLPK never saw it and it
         * is better */
        out->status = GA_MIP_FEASIBLE;
        if (start_better(j, out->obj))
            take_start(j);
    } else if (mst == GLP_NOFEAS) {
        out->status = GA_MIP_INFEASIBLE;
        goto done;
    } else if (rc == GLP_ETMLIM || rc == GLP_ESTOP || mst == GLP_UNDEF) {
        if (ci->start1) {
            take_start(j);
        } else {
            out->status = GA_MIP_NOSOLUTION;
            goto done;
        }
    } else {
        st = ga_error(ctx, GPUARB_ERR_SOLVER, NULL, 0, 0, NULL,
                      "GLPK branch and bound failed (code %d)", rc);
        goto done;
    }
gap:
    /* the bound can never be on the wrong side of the incumbent */
    if (m->maximize ? out->bound < out->obj : out->bound > out->obj)
        out->bound = out->obj;
    out->gap = rel_gap(out->obj, out->bound);
done:
    glp_delete_prob(P);
    return st;
}

/* Bytes our copy of the model and a job's arrays take (for the budget). */
static double model_bytes(const ga_mip *m)
{
    double b = (double)m->cap_cols * (3 * sizeof(double) + sizeof(int32_t) + sizeof(char *)) +
               (double)m->cap_rows * (2 * sizeof(double) + sizeof(char *)) +
               (double)m->cap_nnz * (2 * sizeof(int32_t) + sizeof(double)) +
               (double)(m->nnz + 1) * (2 * sizeof(int) + sizeof(double));
    if (m->start)
        b += 2.0 * (double)(m->n_cols + 1) * sizeof(double);
    return b;
}

gpuarb_status ga_mip_solve(gpuarb_ctx *ctx, ga_mip *m, const ga_mip_opts *opts, ga_mip_out *out)
{
    double t0 = ga_now_ms();
    if (!m || !opts || !out || !out->x)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "ga_mip_solve: NULL argument");
    out->status = GA_MIP_NOSOLUTION;
    out->obj = out->bound = out->gap = 0;
    out->has_bound = 0;
    out->nodes = 0;
    double budget = opts->mem_limit_mib > 0 ? opts->mem_limit_mib * 1048576.0 : 0;
    int glp_mib = 0;
    if (budget > 0) {
        /* what is left for GLPK, in whole MiB (glp_mem_limit's unit, and at
         * least 1: GLPK may overshoot a budget by less than 1 MiB) */
        double mine = model_bytes(m);
        if (mine >= budget)
            return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL,
                            "the model needs more than the memory budget of %.15g MiB "
                            "(memory_limit_mib)",
                            opts->mem_limit_mib);
        double rest = floor((budget - mine) / 1048576.0);
        glp_mib = (int)GA_MAX(1.0, GA_MIN(rest, (double)INT32_MAX));
    }
    gpuarb_status st = check_model(ctx, m);
    if (st)
        return st;
    if (m->n_cols == 0) {
        /* GLPK rejects empty problems: the only point is the empty one */
        int ok = 1;
        for (int32_t i = 0; i < m->n_rows; i++)
            if (m->rlo[i] > 1e-9 || m->rhi[i] < -1e-9)
                ok = 0;
        out->status = ok ? GA_MIP_OPTIMAL : GA_MIP_INFEASIBLE;
        out->obj = out->bound = m->objc;
        out->has_bound = 1;
        return GPUARB_OK;
    }
    glp_job j;
    if (job_alloc(&j, m)) {
        job_free(&j);
        return ga_nomem(ctx);
    }
    j.opts = opts;
    j.out = out;
    j.deadline = opts->time_limit_ms > 0 ? t0 + opts->time_limit_ms : 0;
    j.glp_mem_mib = glp_mib;
    j.budget_mib = opts->mem_limit_mib;
    if (m->start) {
        int feas = start_feasible(m, m->start);
        if (feas < 0) {
            job_free(&j);
            return ga_nomem(ctx);
        }
        if (feas) {
            j.ci.start1 = ga_mallocarray((size_t)m->n_cols + 1, sizeof(double));
            if (!j.ci.start1) {
                job_free(&j);
                return ga_nomem(ctx);
            }
            j.ci.start1[0] = 0;
            j.start_obj = m->objc;
            for (int32_t c = 0; c < m->n_cols; c++) {
                j.ci.start1[c + 1] = m->integer[c] ? floor(m->start[c] + 0.5) : m->start[c];
                j.start_obj += m->obj[c] * j.ci.start1[c + 1];
            }
        }
    }
    st = glp_guarded(ctx, solve_body, &j, "solving");
    if (st == GPUARB_ERR_SOLVER && j.said.kind != GLPK_SAID_LIMIT &&
        (j.deadline <= 0 || ga_now_ms() < j.deadline)) {
        /* GLPK 5.0's simplex can fail an internal assertion on badly
         * scaled models (seen: "teta_lim >= 0.0" inside branch and bound,
         * with prices of $0.0001/h beside $35/h): once more, scaled, with
         * the dual simplex, no cuts and another branching rule */
        j.safe = 1;
        memset(&j.said, 0, sizeof j.said);
        memset(out->x, 0, sizeof(double) * (size_t)m->n_cols);
        out->status = GA_MIP_NOSOLUTION;
        out->has_bound = 0;
        out->nodes = 0;
        j.ci.nodes = 0;
        j.ci.offered = 0;
        j.ci.have_bound = 0;
        j.ci.closed = 0;
        j.ci.stopped = 0;
        st = glp_guarded(ctx, solve_body, &j, "solving");
    }
    job_free(&j);
    return st;
}

/* ---- the model as a CPLEX LP file, written without GLPK ----------------
 * GLPK's glp_write_lp opens the file with fopen and then allocates: when
 * that allocation fails, glp_error ends the call and the FILE and its
 * descriptor can never be closed; and it formats numbers in the host's
 * locale.  So the text is built here in memory (numbers in the C locale,
 * %.15g as GLPK writes them) and written with open/write only when it is
 * complete.  The layout is GLPK's: a range row lo <= a x <= hi becomes
 * a x - ~r_k = lo with 0 <= ~r_k <= hi - lo, a name that is not valid in
 * the format becomes x_<j> or r_<i> (1-based), the objective's constant is
 * a comment; glpsol --lp and cbc read it (tests/cli.sh). */

/* A name is valid in CPLEX LP format (the rule of GLPK's writer). */
static int lp_name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 255 || *s == '.' || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("!\"#$%&()/,.;?@_`'{}|~", *s)))
            return 0;
    return 1;
}

static void lp_col_name(const ga_mip *m, int32_t j, char *buf, size_t n)
{
    if (j >= m->n_cols) /* a model without columns still needs a term */
        ga_snprintf_c(buf, n, "x%d", (int)j);
    else if (m->cname[j] && lp_name_ok(m->cname[j]))
        ga_snprintf_c(buf, n, "%s", m->cname[j]);
    else if (!m->cname[j])
        ga_snprintf_c(buf, n, "x%d", (int)j); /* build()'s name for an unnamed column */
    else
        ga_snprintf_c(buf, n, "x_%d", (int)j + 1);
}

static void lp_row_name(const ga_mip *m, int32_t i, char *buf, size_t n)
{
    if (m->rname[i] && lp_name_ok(m->rname[i]))
        ga_snprintf_c(buf, n, "%s", m->rname[i]);
    else if (!m->rname[i])
        ga_snprintf_c(buf, n, "r%d", (int)i);
    else
        ga_snprintf_c(buf, n, "r_%d", (int)i + 1);
}

/* " + 3 x" into the line, which is flushed into b past 72 characters. */
static void lp_term(ga_strbuf *b, ga_strbuf *line, double v, const char *name)
{
    char term[300];
    if (v == 1)
        ga_snprintf_c(term, sizeof term, " + %s", name);
    else if (v == -1)
        ga_snprintf_c(term, sizeof term, " - %s", name);
    else
        ga_snprintf_c(term, sizeof term, " %c %.15g %s", v < 0 ? '-' : '+', fabs(v), name);
    if (line->len + strlen(term) > 72 && line->len > 0) {
        ga_sb_putn(b, line->s, line->len);
        ga_sb_putc(b, '\n');
        line->len = 0;
        if (line->s)
            line->s[0] = '\0';
    }
    ga_sb_puts(line, term);
    if (line->oom)
        b->oom = 1;
}

static void lp_flush(ga_strbuf *b, ga_strbuf *line)
{
    if (line->len)
        ga_sb_putn(b, line->s, line->len);
    ga_sb_putc(b, '\n');
    line->len = 0;
    if (line->s)
        line->s[0] = '\0';
}

/* The whole file into b (b->oom on allocation failure). */
static void lp_text(const ga_mip *m, ga_strbuf *b)
{
    ga_strbuf line;
    ga_sb_init(&line);
    char nm[300], rn[300];
    int32_t *first = NULL, *next = NULL; /* the triplets of each row, in order */
    first = ga_mallocarray((size_t)m->n_rows + 1, sizeof *first);
    next = ga_mallocarray(m->nnz + 1, sizeof *next);
    if (!first || !next) {
        b->oom = 1;
        goto out;
    }
    for (int32_t i = 0; i < m->n_rows; i++)
        first[i] = -1;
    for (size_t k = m->nnz; k-- > 0;) {
        next[k] = first[m->tri_row[k]];
        first[m->tri_row[k]] = (int32_t)k;
    }
    ga_sb_puts(b, "\\* Problem: gpuarb *\\\n\n");
    ga_sb_puts(b, m->maximize ? "Maximize\n" : "Minimize\n");
    ga_sb_puts(&line, " obj:");
    int any = 0;
    for (int32_t j = 0; j < m->n_cols; j++) {
        if (m->obj[j] == 0)
            continue;
        lp_col_name(m, j, nm, sizeof nm);
        lp_term(b, &line, m->obj[j], nm);
        any = 1;
    }
    if (!any) {
        lp_col_name(m, 0, nm, sizeof nm);
        ga_sb_printf(&line, " 0 %s", nm);
    }
    lp_flush(b, &line);
    if (m->objc != 0)
        ga_sb_printf(b, "\\* constant term = %.15g *\\\n", m->objc);
    ga_sb_puts(b, "\nSubject To\n");
    if (m->n_rows == 0) { /* the format needs one constraint: an empty one */
        lp_col_name(m, 0, nm, sizeof nm);
        ga_sb_printf(b, " r_0: 0 %s >= 0\n", nm);
    }
    int32_t ranges = 0;
    for (int32_t i = 0; i < m->n_rows; i++) {
        lp_row_name(m, i, rn, sizeof rn);
        ga_sb_printf(&line, " %s:", rn);
        if (first[i] < 0) {
            lp_col_name(m, 0, nm, sizeof nm);
            ga_sb_printf(&line, " 0 %s", nm);
        }
        for (int32_t k = first[i]; k >= 0; k = next[k]) {
            lp_col_name(m, m->tri_col[k], nm, sizeof nm);
            lp_term(b, &line, m->tri_val[k], nm);
        }
        double lo = m->rlo[i], hi = m->rhi[i];
        if (lo <= -GA_INF && hi >= GA_INF) {
            ga_sb_puts(&line, " >= -1e+30");
        } else if (lo <= -GA_INF) {
            ga_sb_printf(&line, " <= %.15g", hi);
        } else if (hi >= GA_INF) {
            ga_sb_printf(&line, " >= %.15g", lo);
        } else if (lo == hi) {
            ga_sb_printf(&line, " = %.15g", lo);
        } else {
            ga_snprintf_c(nm, sizeof nm, "~r_%d", (int)++ranges);
            lp_term(b, &line, -1, nm);
            ga_sb_printf(&line, " = %.15g", lo);
        }
        lp_flush(b, &line);
    }
    ga_sb_puts(b, "\nBounds\n");
    ranges = 0;
    for (int32_t i = 0; i < m->n_rows; i++)
        if (m->rlo[i] > -GA_INF && m->rhi[i] < GA_INF && m->rlo[i] != m->rhi[i])
            ga_sb_printf(b, " 0 <= ~r_%d <= %.15g\n", (int)++ranges, m->rhi[i] - m->rlo[i]);
    for (int32_t j = 0; j < m->n_cols; j++) {
        double lb = m->lb[j], ub = m->ub[j];
        lp_col_name(m, j, nm, sizeof nm);
        if (lb <= -GA_INF && ub >= GA_INF)
            ga_sb_printf(b, " %s free\n", nm);
        else if (lb <= -GA_INF)
            ga_sb_printf(b, " -inf <= %s <= %.15g\n", nm, ub);
        else if (ub >= GA_INF) {
            if (lb != 0)
                ga_sb_printf(b, " %s >= %.15g\n", nm, lb);
        } else if (lb == ub)
            ga_sb_printf(b, " %s = %.15g\n", nm, lb);
        else
            ga_sb_printf(b, " %.15g <= %s <= %.15g\n", lb, nm, ub);
    }
    any = 0;
    for (int32_t j = 0; j < m->n_cols; j++) {
        if (!m->integer[j])
            continue;
        if (!any)
            ga_sb_puts(b, "\nGenerals\n");
        any = 1;
        lp_col_name(m, j, nm, sizeof nm);
        ga_sb_printf(b, " %s\n", nm);
    }
    ga_sb_puts(b, "\nEnd\n");
    if (line.oom)
        b->oom = 1;
out:
    free(first);
    free(next);
    ga_sb_free(&line);
}

gpuarb_status ga_mip_write_lp(gpuarb_ctx *ctx, ga_mip *m, const char *path)
{
    gpuarb_status st = check_model(ctx, m);
    if (st)
        return st;
    if (!path || !*path)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "no model file path");
    ga_strbuf b;
    ga_sb_init(&b);
    lp_text(m, &b);
    if (b.oom) {
        ga_sb_free(&b);
        return ga_nomem(ctx);
    }
    int fd;
    do
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int err = errno;
        ga_sb_free(&b);
        if (err == ENOMEM)
            return ga_nomem(ctx);
        return ga_error(ctx, GPUARB_ERR_IO, path, 0, 0, NULL, "cannot write the model file: %s",
                        strerror(err));
    }
    size_t done = 0;
    int err = 0;
    while (done < b.len) {
        ssize_t n = write(fd, b.s + done, b.len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? errno : EIO;
            break;
        }
        done += (size_t)n;
    }
    if (close(fd) != 0 && !err)
        err = errno;
    ga_sb_free(&b);
    if (err == ENOMEM)
        return ga_nomem(ctx);
    if (err)
        return ga_error(ctx, GPUARB_ERR_IO, path, 0, 0, NULL, "cannot write the model file: %s",
                        strerror(err));
    return GPUARB_OK;
}
