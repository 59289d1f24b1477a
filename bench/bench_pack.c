/*
 * bench_pack.c - figures for the packing module (bench/README.md).
 *
 * 1. Every BPPLIB instance under $GPUARB_SHARED/binpacking_bpplib (the
 *    instance list and published optima come from its optimal_bins.csv):
 *    first-fit decreasing and algorithm auto side by side, per set: share
 *    of instances at the published optimum, share proven optimal by the
 *    solver itself, mean excess bins, median and worst time.  Each auto run
 *    has a time limit of BENCH_PACK_LIMIT_S seconds (default 5).
 *    BENCH_PACK_FILTER=substring restricts the instances (by path).
 * 2. Throughput: first-fit decreasing on 250,000, 500,000 and 1,000,000
 *    random items (fixed seed), parse and solve timed apart, with the peak
 *    resident set after each size (sizes ascend, so each peak belongs to the
 *    largest run so far).
 * 3. Wall time against the time limit (issue 14): algorithm auto with a
 *    limit of 1 s and 2 s on 1,000 to 100,000 items, one-dimensional
 *    (BPPLIB text, weights 20-35 % of the capacity, fixed seed) and vector
 *    (gpus, cpus, memory_gb on two node types, fixed seed): wall time of
 *    gpuarb_pack_solve, its ratio to the limit, and the peak resident set
 *    of a child process that builds and solves that one problem.
 *    BENCH_PACK_WALL_MAX=N stops at N items; BENCH_PACK_SKIP_WALL=1 skips.
 * Times are wall-clock milliseconds on whatever machine runs it; nothing
 * here passes or fails on time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gpuarb.h"
#include "base/internal.h"

#define MAX_SETS 16

typedef struct stats {
    char name[32];
    int n;
    int ffd_opt, auto_opt, auto_proven;
    long ffd_excess, auto_excess;
    double *ffd_ms, *auto_ms;
} stats;

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double maxv(const double *v, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

/* The set label from a path such as instances/Scholl/Scholl_2/x.txt. */
static void set_of(const char *path, char *out, size_t cap)
{
    if (strstr(path, "Falkenauer_U"))
        snprintf(out, cap, "Falkenauer U");
    else if (strstr(path, "Falkenauer_T"))
        snprintf(out, cap, "Falkenauer T");
    else if (strstr(path, "Scholl_1"))
        snprintf(out, cap, "Scholl 1");
    else if (strstr(path, "Scholl_2"))
        snprintf(out, cap, "Scholl 2");
    else if (strstr(path, "Scholl_3"))
        snprintf(out, cap, "Scholl 3");
    else if (strstr(path, "Schwerin_1"))
        snprintf(out, cap, "Schwerin 1");
    else if (strstr(path, "Schwerin_2"))
        snprintf(out, cap, "Schwerin 2");
    else if (strstr(path, "Waescher"))
        snprintf(out, cap, "Waescher");
    else if (strstr(path, "Hard28"))
        snprintf(out, cap, "Hard28");
    else
        snprintf(out, cap, "other");
}

static stats *find_set(stats *sets, int *nsets, const char *name, int cap)
{
    for (int i = 0; i < *nsets; i++)
        if (strcmp(sets[i].name, name) == 0)
            return &sets[i];
    if (*nsets >= MAX_SETS)
        return NULL;
    stats *s = &sets[(*nsets)++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->ffd_ms = calloc((size_t)cap, sizeof *s->ffd_ms);
    s->auto_ms = calloc((size_t)cap, sizeof *s->auto_ms);
    return s;
}

static int run(gpuarb_ctx *ctx, const gpuarb_pack_problem *prob, int32_t algo, double limit_ms,
               int64_t *nodes, int *proven, double *ms)
{
    gpuarb_pack_opts o;
    gpuarb_pack_opts_init(&o);
    o.algorithm = algo;
    o.time_limit_ms = limit_ms;
    gpuarb_pack_result *r = NULL;
    double t0 = ga_now_ms();
    if (gpuarb_pack_solve(ctx, prob, &o, &r) != GPUARB_OK)
        return -1;
    *ms = ga_now_ms() - t0;
    gpuarb_pack_summary s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    gpuarb_pack_result_summary(r, &s);
    *nodes = s.nodes_used;
    *proven = s.status == GPUARB_SOLVE_OPTIMAL;
    gpuarb_pack_result_free(r);
    return 0;
}

static void print_row(const char *name, int n, int ffd_opt, long ffd_ex, double ffd_med,
                      double ffd_max, int a_opt, int a_prov, long a_ex, double a_med,
                      double a_max)
{
    printf("| %-13s | %5d | %6.1f %% | %6.3f | %8.2f | %8.1f | %6.1f %% | %6.1f %% | %6.3f | "
           "%8.2f | %8.1f |\n",
           name, n, n ? 100.0 * ffd_opt / n : 0, n ? (double)ffd_ex / n : 0, ffd_med, ffd_max,
           n ? 100.0 * a_opt / n : 0, n ? 100.0 * a_prov / n : 0, n ? (double)a_ex / n : 0,
           a_med, a_max);
}

static int bpplib(const char *root, double limit_s, const char *filter)
{
    char path[4096], line[4096];
    snprintf(path, sizeof path, "%s/binpacking_bpplib/optimal_bins.csv", root);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("BPPLIB: %s not found; set GPUARB_SHARED to the shared data folder\n", path);
        return 0;
    }
    int cap = 2000;
    stats sets[MAX_SETS];
    int nsets = 0;
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK) {
        fclose(f);
        return 1;
    }
    printf("BPPLIB (%s): first-fit decreasing vs auto (time limit %.0f s per instance)\n\n",
           root, limit_s);
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        gpuarb_ctx_free(ctx);
        return 1;
    }
    double *all_ms = calloc((size_t)cap, sizeof *all_ms);
    double *all_ffd = calloc((size_t)cap, sizeof *all_ffd);
    int n_all = 0;
    while (fgets(line, sizeof line, f)) {
        /* instance,set,path,n,capacity,sum,l1,best_lb,best_ub,optimal */
        char *fld[10];
        int k = 0;
        for (char *p = strtok(line, ",\r\n"); p && k < 10; p = strtok(NULL, ",\r\n"))
            fld[k++] = p;
        if (k < 10)
            continue;
        if (filter && !strstr(fld[2], filter))
            continue;
        long opt = atol(fld[9]);
        char file[4096], setname[32];
        snprintf(file, sizeof file, "%s/binpacking_bpplib/%s", root, fld[2]);
        set_of(fld[2], setname, sizeof setname);
        stats *s = find_set(sets, &nsets, setname, cap);
        if (!s || s->n >= cap)
            continue;
        gpuarb_pack_problem *prob = NULL;
        if (gpuarb_pack_bpp_load(ctx, file, &prob) != GPUARB_OK) {
            printf("  %s: %s\n", fld[0], gpuarb_errfull(ctx));
            continue;
        }
        int64_t nf = 0, na = 0;
        int pf = 0, pa = 0;
        double tf = 0, ta = 0;
        if (run(ctx, prob, GPUARB_PACK_FFD, limit_s * 1000, &nf, &pf, &tf) != 0 ||
            run(ctx, prob, GPUARB_PACK_AUTO, limit_s * 1000, &na, &pa, &ta) != 0) {
            printf("  %s: solve failed: %s\n", fld[0], gpuarb_errfull(ctx));
            gpuarb_pack_problem_free(prob);
            continue;
        }
        gpuarb_pack_problem_free(prob);
        if (na < opt)
            printf("  %s: %lld bins is below the published optimum %ld (a bug)\n", fld[0],
                   (long long)na, opt);
        if (na != opt && getenv("BENCH_PACK_VERBOSE"))
            printf("  %-22s opt %ld  auto %lld%s  %.0f ms\n", fld[0], opt, (long long)na,
                   pa ? " (proven?)" : "", ta);
        s->ffd_opt += nf == opt;
        s->auto_opt += na == opt;
        s->auto_proven += pa && na == opt;
        s->ffd_excess += (long)(nf - opt);
        s->auto_excess += (long)(na - opt);
        s->ffd_ms[s->n] = tf;
        s->auto_ms[s->n] = ta;
        s->n++;
        if (strcmp(setname, "Hard28") != 0 && n_all < cap) {
            all_ffd[n_all] = tf;
            all_ms[n_all++] = ta;
        }
    }
    fclose(f);
    printf("| set           |     n | FFD opt  | FFD +bins | FFD med ms | FFD max ms | auto opt "
           "| proven   | auto +bins | auto med ms | auto max ms |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    int t_n = 0, t_fo = 0, t_ao = 0, t_ap = 0;
    long t_fe = 0, t_ae = 0;
    double t_fmax = 0, t_amax = 0;
    for (int i = 0; i < nsets; i++) {
        stats *s = &sets[i];
        double fmx = maxv(s->ffd_ms, s->n), amx = maxv(s->auto_ms, s->n);
        print_row(s->name, s->n, s->ffd_opt, s->ffd_excess, median(s->ffd_ms, s->n), fmx,
                  s->auto_opt, s->auto_proven, s->auto_excess, median(s->auto_ms, s->n), amx);
        if (strcmp(s->name, "Hard28") == 0)
            continue;
        t_n += s->n;
        t_fo += s->ffd_opt;
        t_ao += s->auto_opt;
        t_ap += s->auto_proven;
        t_fe += s->ffd_excess;
        t_ae += s->auto_excess;
        if (fmx > t_fmax)
            t_fmax = fmx;
        if (amx > t_amax)
            t_amax = amx;
    }
    double amed = median(all_ms, n_all), fmed = median(all_ffd, n_all);
    print_row("all but Hard28", t_n, t_fo, t_fe, fmed, t_fmax, t_ao, t_ap, t_ae, amed, t_amax);
    for (int i = 0; i < nsets; i++) {
        free(sets[i].ffd_ms);
        free(sets[i].auto_ms);
    }
    free(all_ms);
    free(all_ffd);
    gpuarb_ctx_free(ctx);
    return 0;
}

static long peak_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int throughput(void)
{
    printf("\nFirst-fit decreasing throughput (uniform weights 1..1000, capacity 1000, "
           "fixed seed)\n\n");
    printf("| items | parse ms | FFD solve ms | bins | lower bound | peak RSS MiB |\n");
    printf("|---:|---:|---:|---:|---:|---:|\n");
    gpuarb_ctx *ctx;
    if (gpuarb_ctx_create(&ctx) != GPUARB_OK)
        return 1;
    const long sizes[3] = {250000, 500000, 1000000};
    for (int k = 0; k < 3; k++) {
        long n = sizes[k];
        ga_strbuf b;
        ga_sb_init(&b);
        ga_sb_printf(&b, "%ld\n1000\n", n);
        uint64_t x = 88172645463325252ULL;
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ga_sb_printf(&b, "%llu\n", (unsigned long long)(x % 1000 + 1));
        }
        if (b.oom) {
            ga_sb_free(&b);
            gpuarb_ctx_free(ctx);
            return 1;
        }
        gpuarb_pack_problem *prob = NULL;
        double t0 = ga_now_ms();
        gpuarb_status st = gpuarb_pack_bpp_parse(ctx, b.s, b.len, "<generated>", &prob);
        double tp = ga_now_ms() - t0;
        ga_sb_free(&b);
        if (st != GPUARB_OK) {
            printf("parse failed: %s\n", gpuarb_errfull(ctx));
            gpuarb_ctx_free(ctx);
            return 1;
        }
        gpuarb_pack_opts o;
        gpuarb_pack_opts_init(&o);
        o.algorithm = GPUARB_PACK_FFD;
        gpuarb_pack_result *r = NULL;
        t0 = ga_now_ms();
        st = gpuarb_pack_solve(ctx, prob, &o, &r);
        double ts = ga_now_ms() - t0;
        gpuarb_pack_summary s;
        memset(&s, 0, sizeof s);
        s.size = sizeof s;
        if (st == GPUARB_OK)
            gpuarb_pack_result_summary(r, &s);
        printf("| %ld | %.1f | %.1f | %lld | %lld | %.1f |\n", n, tp, ts,
               (long long)s.nodes_used, (long long)s.lower_bound, peak_kib() / 1024.0);
        gpuarb_pack_result_free(r);
        gpuarb_pack_problem_free(prob);
    }
    gpuarb_ctx_free(ctx);
    return 0;
}

/* ---------------------------------------------------------------------
 * 3. Wall time against the limit, one problem per child process
 * --------------------------------------------------------------------- */
static uint64_t xs_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* The one-dimensional case: n weights in [20 %, 35 %] of 1,000,000. */
static gpuarb_pack_problem *gen_1d(gpuarb_ctx *ctx, long n)
{
    ga_strbuf b;
    ga_sb_init(&b);
    ga_sb_printf(&b, "%ld\n1000000\n", n);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (long i = 0; i < n; i++)
        ga_sb_printf(&b, "%llu\n", (unsigned long long)(200000 + xs_next(&x) % 150001));
    gpuarb_pack_problem *prob = NULL;
    if (b.oom || gpuarb_pack_bpp_parse(ctx, b.s, b.len, "<generated>", &prob) != GPUARB_OK)
        prob = NULL;
    ga_sb_free(&b);
    return prob;
}

/* The vector case: jobs of 1-4 GPUs, 4-40 CPUs, 16-400 GB on p4d-like
 * (8, 96, 1152) and g5-like (4, 48, 192) nodes. */
static gpuarb_pack_problem *gen_vec(gpuarb_ctx *ctx, long n)
{
    gpuarb_pack_problem *prob = NULL;
    if (gpuarb_pack_problem_create(ctx, &prob) != GPUARB_OK)
        return NULL;
    uint64_t x = 0x2545f4914f6cdd1dULL;
    if (gpuarb_pack_add_node_type(ctx, prob, "p4d", 8, 96, 1152, 32.77, -1, NULL) ||
        gpuarb_pack_add_node_type(ctx, prob, "g5", 4, 48, 192, 16.29, -1, NULL))
        goto fail;
    for (long i = 0; i < n; i++) {
        double g = (double)(1 + xs_next(&x) % 4), c = (double)(4 + xs_next(&x) % 37),
               m = (double)(16 + xs_next(&x) % 385);
        if (gpuarb_pack_add_item(ctx, prob, NULL, g, c, m, 1, NULL) != GPUARB_OK)
            goto fail;
    }
    return prob;
fail:
    gpuarb_pack_problem_free(prob);
    return NULL;
}

typedef struct wall_row {
    double ms;
    int64_t nodes, lb;
    int32_t status, clock;
    long peak_kib;
} wall_row;

/* Build and solve in a child, which sends its figures and its own peak
 * resident set through a pipe. */
static int wall_run(int vec, long n, double limit_ms, wall_row *row)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[0]);
        wall_row r;
        memset(&r, 0, sizeof r);
        r.ms = -1;
        gpuarb_ctx *ctx;
        if (gpuarb_ctx_create(&ctx) == GPUARB_OK) {
            gpuarb_pack_problem *prob = vec ? gen_vec(ctx, n) : gen_1d(ctx, n);
            gpuarb_pack_opts o;
            gpuarb_pack_opts_init(&o);
            o.time_limit_ms = limit_ms;
            gpuarb_pack_result *res = NULL;
            double t0 = ga_now_ms();
            if (prob && gpuarb_pack_solve(ctx, prob, &o, &res) == GPUARB_OK) {
                r.ms = ga_now_ms() - t0;
                gpuarb_pack_summary s;
                memset(&s, 0, sizeof s);
                s.size = sizeof s;
                gpuarb_pack_result_summary(res, &s);
                r.nodes = s.nodes_used;
                r.lb = s.lower_bound;
                r.status = s.status;
                r.clock = s.clock_limited;
            } else {
                fprintf(stderr, "bench_pack: %s\n", gpuarb_errfull(ctx));
            }
            gpuarb_pack_result_free(res);
            gpuarb_pack_problem_free(prob);
            gpuarb_ctx_free(ctx);
        }
        r.peak_kib = peak_kib();
        ssize_t w = write(fd[1], &r, sizeof r);
        _exit(w == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], row, sizeof *row);
    close(fd[0]);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || got != (ssize_t)sizeof *row || row->ms < 0)
        return -1;
    return 0;
}

static int wall_table(void)
{
    const char *mx = getenv("BENCH_PACK_WALL_MAX");
    long max_n = mx ? atol(mx) : 100000;
    printf("\nWall time against the time limit (algorithm auto; the solve call only; peak RSS "
           "of a child that builds and solves the one problem)\n\n");
    printf("| case | items | limit s | wall s | wall/limit | nodes | lower bound | status | "
           "clock | peak RSS MiB |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---|---|---:|\n");
    const long sizes[5] = {1000, 10000, 20000, 50000, 100000};
    const double limits[2] = {1000, 2000};
    double worst = 0;
    int rc = 0;
    for (int vec = 0; vec < 2; vec++)
        for (int li = 0; li < 2; li++)
            for (int k = 0; k < 5 && sizes[k] <= max_n; k++) {
                wall_row r;
                if (wall_run(vec, sizes[k], limits[li], &r) != 0) {
                    printf("| %s | %ld | %.0f | failed |\n", vec ? "vector" : "1D 20-35 %",
                           sizes[k], limits[li] / 1000);
                    rc = 1;
                    continue;
                }
                double ratio = r.ms / limits[li];
                if (ratio > worst)
                    worst = ratio;
                printf("| %s | %ld | %.0f | %.3f | %.3f | %lld | %lld | %s | %s | %.1f |\n",
                       vec ? "vector" : "1D 20-35 %", sizes[k], limits[li] / 1000, r.ms / 1000,
                       ratio, (long long)r.nodes, (long long)r.lb,
                       r.status == GPUARB_SOLVE_OPTIMAL ? "optimal" : "feasible",
                       r.clock ? "yes" : "no", r.peak_kib / 1024.0);
            }
    printf("\nworst wall/limit: %.3f (target <= 1.05)\n", worst);
    return rc;
}

int main(void)
{
    const char *root = getenv("GPUARB_SHARED");
    const char *lim = getenv("BENCH_PACK_LIMIT_S");
    double limit_s = lim ? atof(lim) : 5.0;
    if (!(limit_s > 0))
        limit_s = 5.0;
    int rc = 0;
    if (!getenv("BENCH_PACK_SKIP_WALL"))
        rc |= wall_table();
    if (!getenv("BENCH_PACK_SKIP_THROUGHPUT"))
        rc |= throughput();
    printf("\n");
    if (getenv("BENCH_PACK_SKIP_BPPLIB"))
        printf("BPPLIB: skipped (BENCH_PACK_SKIP_BPPLIB)\n");
    else if (root)
        rc |= bpplib(root, limit_s, getenv("BENCH_PACK_FILTER"));
    else
        printf("BPPLIB: GPUARB_SHARED is not set; skipped\n");
    return rc;
}
