/*
 * bench_optimize.c - solve time, gap and peak memory of gpuarb_optimize, and
 * the same exported model solved by CBC (Debian coinor-cbc) side by side.
 *
 * Cases: the built-in catalog with 1, 10 and 50 workloads; 5,000 offers x
 * 100 workloads; 20,000 offers x 1,000 workloads.  The large catalogs are
 * generated from the built-in one (itself real list prices): every copy of an
 * offer gets its own region suffix, a price perturbed by up to +-20 % and,
 * for a third of the offers, a capacity of 1..8 instances, so workloads
 * compete for capacity and the problem does not decompose.  Workloads come
 * from four templates (gang-scheduled pretraining with data locality, spot
 * fine-tuning, memory-bound inference, small experiments) with a spot-share
 * cap and a budget.  Each case runs in a child process so its peak RSS is
 * its own.  Figures are printed; nothing passes or fails on time.
 *
 * A second table measures fleet scale against the time limit and the
 * memory budget (issue 14): generated catalogs of 1,000, 10,000 and 100,000
 * offers (the built-in offers copied into new regions, a third of the
 * copies under one of 24 extra providers, prices perturbed, a third
 * capacity-limited) x 10 and 100 workloads (gangs with data egress, spot,
 * ranges) x (no cap, max_provider_share 0.4), limit 2 s, memory budget the
 * default 2048 MiB; and issue 14's case, 100 gangs on the built-in catalog
 * under the cap.  Each run is a child process (its own peak RSS), killed
 * after SCALE_KILL_S and confined to SCALE_AS_MIB of address space so a
 * run past its budget ends on this machine as "killed" or "nomem", not in
 * the OOM killer.  wall is the gpuarb_optimize call (catalog loading is
 * timed apart as load).
 *
 *   bench_optimize [--quick] [--no-cbc] [--scale-only] [--no-scale]
 *     --quick: skip the 20,000 x 1,000 case (its exported model is 1.2 GB)
 *              and the 100,000-offer scale cases
 *     --no-cbc: do not run cbc
 *     --scale-only, --no-scale: only / not the fleet-scale table
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gpuarb.h"

#define BENCH_SEED 88172645463325252ULL
#include "bench.h"
#include "workloads.h"

/* A CSV field, quoted when it holds a comma or a quote. */
static void csv_field(FILE *f, const char *s, const char *suffix)
{
    if (!strpbrk(s, ",\"") ) {
        fprintf(f, "%s%s", s, suffix);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fprintf(f, "%s\"", suffix);
}

/* Write a perturbed catalog of about n offers from the built-in one: the
 * built-in offers (real list prices) copied into new regions, prices of the
 * copies perturbed by +-20 %, a third of the copies capacity-limited.  With
 * fleet set, shaped like a fleet aggregator's: a third of the copies sold
 * by one of 24 extra providers (so provider caps have many providers to
 * spread over). */
static int write_catalog(const char *path, size_t n, int fleet)
{
    gpuarb_ctx *ctx;
    gpuarb_catalog *cat;
    gpuarb_ctx_create(&ctx);
    if (gpuarb_catalog_builtin(ctx, &cat)) {
        fprintf(stderr, "builtin: %s\n", gpuarb_errfull(ctx));
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "provider,region,zone,instance_type,gpu,gpu_count,price_hour,spot_price_hour,"
               "interruption_rate,capacity\n");
    size_t m = gpuarb_catalog_count(cat);
    for (size_t i = 0; i < n; i++) {
        gpuarb_offer o;
        gpuarb_catalog_offer(cat, i % m, &o);
        size_t copy = i / m;
        double f1 = 0.8 + 0.4 * urand(), f2 = 0.8 + 0.4 * urand();
        char price[32] = "", spot[32] = "", cap[16] = "", prov[64];
        if (o.price_hour >= 0)
            snprintf(price, sizeof price, "%.4f", o.price_hour * (copy ? f1 : 1));
        if (o.spot_price_hour >= 0)
            snprintf(spot, sizeof spot, "%.4f", o.spot_price_hour * (copy ? f2 : 1));
        if (!price[0] && !spot[0])
            continue;
        if (copy && urand() < 0.33)
            snprintf(cap, sizeof cap, "%d", 1 + (int)(urand() * 8));
        if (fleet && copy % 3 == 2)
            snprintf(prov, sizeof prov, "neo%02zu", (copy / 3) % 24);
        else
            snprintf(prov, sizeof prov, "%s", o.provider);
        char suffix[32] = "";
        if (copy)
            snprintf(suffix, sizeof suffix, "-x%zu", copy);
        fprintf(f, "%s,", prov);
        csv_field(f, o.region, suffix);
        fputs(",,", f);
        csv_field(f, o.instance_type, "");
        fprintf(f, ",%s,%d,%s,%s,%.3f,%s\n", o.gpu, o.gpu_count, price, spot,
                0.02 + 0.1 * urand(), cap);
    }
    fclose(f);
    gpuarb_catalog_free(cat);
    gpuarb_ctx_free(ctx);
    return 0;
}

/* A spec of nw workloads, a quarter each (all gangs with gangs_only):
 * 8-GPU-node gangs with data elsewhere, spot fine-tuning, inference ranges,
 * small spot experiments; constraints is a YAML line or NULL. */
/* Issue 7's semantics in write_spec: 1 the pretraining gangs may use spot
 * (the gang formula), 2 the fine-tuning workloads are work-based (GPU-hours
 * due within a deadline). */
static int spec_variant;

static int write_spec(const char *path, const char *catalog, int nw, int limit_s,
                      const char *constraints, int gangs_only)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "version: 1\ncatalog: %s\nhorizon_hours: 72\ntime_limit_s: %d\n", catalog,
            limit_s);
    if (constraints)
        fprintf(f, "constraints: %s\n", constraints);
    fprintf(f, "workloads:\n");
    for (int w = 0; w < nw; w++)
        bench_workload(f, w, gangs_only ? 0 : w % 4, spec_variant);
    fclose(f);
    return 0;
}

typedef struct figures {
    int ok;
    char status[16];
    double ms, gap, total, model_ms;
    int cols, rows;
    char method[16];
} figures;

/* In a child of its own (so its peak RSS is not the solve's): write the
 * exact model of the spec, every column and constraint, for cbc. */
static void export_child(const char *spec_path, const char *lp_path)
{
    gpuarb_ctx *ctx;
    gpuarb_spec *spec;
    gpuarb_result *res;
    gpuarb_ctx_create(&ctx);
    if (gpuarb_spec_load(ctx, spec_path, &spec))
        _exit(1);
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.skip_baseline = 1;
    o.write_model = lp_path;
    o.time_limit_s = 0.001;
    if (gpuarb_optimize(ctx, spec, NULL, &o, &res) == GPUARB_OK)
        gpuarb_result_free(res);
    gpuarb_spec_free(spec);
    gpuarb_ctx_free(ctx);
    _exit(0);
}

/* In the child: solve and report on a pipe. */
static void child(const char *spec_path, int fd)
{
    figures fg;
    memset(&fg, 0, sizeof fg);
    gpuarb_ctx *ctx;
    gpuarb_spec *spec;
    gpuarb_result *res;
    gpuarb_ctx_create(&ctx);
    if (gpuarb_spec_load(ctx, spec_path, &spec)) {
        fprintf(stderr, "%s\n", gpuarb_errfull(ctx));
        _exit(1);
    }
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.skip_baseline = 1;
    if (gpuarb_optimize(ctx, spec, NULL, &o, &res)) {
        fprintf(stderr, "%s\n", gpuarb_errfull(ctx));
        _exit(1);
    }
    gpuarb_plan_summary s;
    s.size = sizeof s;
    gpuarb_result_summary(res, &s);
    fg.ms = s.solve_ms; /* excludes catalog loading */
    static const char *st[] = {"optimal", "feasible", "infeasible", "time_limit"};
    snprintf(fg.status, sizeof fg.status, "%s", st[s.status]);
    fg.gap = s.mip_gap;
    fg.total = s.total_cost;
    char *js = NULL;
    gpuarb_result_to_json(ctx, res, &js);
    const char *m = js ? strstr(js, "\"method\":\"") : NULL;
    if (m)
        sscanf(m + 10, "%15[a-z]", fg.method);
    const char *c = js ? strstr(js, "\"mip_columns\":") : NULL;
    if (c)
        fg.cols = atoi(c + 14);
    const char *r = js ? strstr(js, "\"mip_rows\":") : NULL;
    if (r)
        fg.rows = atoi(r + 11);
    gpuarb_free(js);
    gpuarb_result_free(res);
    fg.ok = 1;
    if (write(fd, &fg, sizeof fg) != (ssize_t)sizeof fg)
        _exit(1);
    gpuarb_spec_free(spec);
    gpuarb_ctx_free(ctx);
    _exit(0);
}

#define CBC_WALL_S 300

static int have_cbc(void)
{
    return system("command -v cbc >/dev/null 2>&1") == 0;
}

/* Solve the LP file with cbc; returns wall ms and its objective line. */
static double run_cbc(const char *lp, char *status, size_t n, double *obj)
{
    char cmd[1024];
    /* cbc's own 'sec' limit does not cover reading and preprocessing a
     * large file, so the wall clock is capped from outside */
    snprintf(cmd, sizeof cmd,
             "timeout %d cbc %s sec %d ratio 0 allow 0 solve solu /tmp/gpuarb_bench_cbc.sol "
             ">/dev/null 2>&1", CBC_WALL_S, lp, CBC_WALL_S);
    double t0 = now_ms();
    int rc = system(cmd);
    double ms = now_ms() - t0;
    snprintf(status, n, "%s", rc == 0 ? "?" : WEXITSTATUS(rc) == 124 ? "killed" : "error");
    *obj = NAN;
    FILE *f = fopen("/tmp/gpuarb_bench_cbc.sol", "r");
    if (f) {
        char line[512];
        if (fgets(line, sizeof line, f)) {
            if (strncmp(line, "Optimal", 7) == 0)
                snprintf(status, n, "optimal");
            else if (strstr(line, "Stopped"))
                snprintf(status, n, "stopped");
            else if (strstr(line, "nfeasible"))
                snprintf(status, n, "infeasible");
            const char *v = strstr(line, "objective value");
            if (v)
                *obj = atof(v + 15);
        }
        fclose(f);
    }
    remove("/tmp/gpuarb_bench_cbc.sol");
    return ms;
}

static void run_case(const char *name, const char *spec_path, int cbc)
{
    char lp[256];
    snprintf(lp, sizeof lp, "/tmp/gpuarb_bench_%d.lp", (int)getpid());
    int pfd[2];
    if (pipe(pfd))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        child(spec_path, pfd[1]);
    }
    close(pfd[1]);
    figures fg;
    memset(&fg, 0, sizeof fg);
    ssize_t got = read(pfd[0], &fg, sizeof fg);
    close(pfd[0]);
    int wst;
    struct rusage ru;
    wait4(pid, &wst, 0, &ru);
    if (got != (ssize_t)sizeof fg || !fg.ok) {
        printf("%-28s failed\n", name);
        return;
    }
    char cst[16] = "-";
    double cms = NAN, cobj = NAN;
    if (cbc) {
        pid_t ex = fork();
        if (ex == 0)
            export_child(spec_path, lp);
        waitpid(ex, &wst, 0);
        cms = run_cbc(lp, cst, sizeof cst, &cobj);
        remove(lp);
    }
    printf("%-28s %-9s %-10s %10.1f %8.4f %9d %8d %9.1f %10s %10.1f %8.1f %8s\n", name, fg.status,
           fg.method, fg.ms, fg.gap * 100, fg.cols, fg.rows, ru.ru_maxrss / 1024.0, cst, cms,
           isnan(cms) ? NAN : cms / (fg.ms > 0.01 ? fg.ms : 0.01),
           isnan(cobj) ? "-" : (fabs(cobj - fg.total) <= 1e-6 * (1 + fabs(fg.total)) ? "same" : "DIFF"));
    fflush(stdout);
}

/* ---- fleet scale: wall time against the limit, peak memory ---- */

#define SCALE_LIMIT_S 2
#define SCALE_KILL_S 40
#define SCALE_AS_MIB 6144
#define SCALE_CAP "{max_provider_share: 0.4}"



typedef struct scale_fig {
    int ok;             /* 1 result, 2 error status */
    double load_ms, wall_ms, gap;
    int classes, cols;
    char status[24];
} scale_fig;

static void scale_child(const char *spec_path, const char *cat_path, int fd)
{
    scale_fig fg;
    memset(&fg, 0, sizeof fg);
    struct rlimit rl = {(rlim_t)SCALE_AS_MIB << 20, (rlim_t)SCALE_AS_MIB << 20};
    setrlimit(RLIMIT_AS, &rl);
    alarm(SCALE_KILL_S);
    gpuarb_ctx *ctx;
    gpuarb_spec *spec;
    gpuarb_catalog *cat;
    gpuarb_result *res;
    gpuarb_ctx_create(&ctx);
    double t0 = now_ms();
    if (gpuarb_spec_load(ctx, spec_path, &spec) ||
        (strcmp(cat_path, "builtin") == 0 ? gpuarb_catalog_builtin(ctx, &cat)
                                          : gpuarb_catalog_load(ctx, cat_path, 0, NULL, &cat))) {
        fprintf(stderr, "%s\n", gpuarb_errfull(ctx));
        _exit(1);
    }
    fg.load_ms = now_ms() - t0;
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.skip_baseline = 1;
    t0 = now_ms();
    gpuarb_status st = gpuarb_optimize(ctx, spec, cat, &o, &res);
    fg.wall_ms = now_ms() - t0;
    if (st) {
        fg.ok = 2;
        snprintf(fg.status, sizeof fg.status, "%s", st == GPUARB_ERR_LIMIT ? "ERR_LIMIT"
                                                   : st == GPUARB_ERR_NOMEM ? "ERR_NOMEM"
                                                                             : "error");
        fprintf(stderr, "  (%s)\n", gpuarb_errfull(ctx));
    } else {
        gpuarb_plan_summary s;
        s.size = sizeof s;
        gpuarb_result_summary(res, &s);
        static const char *stn[] = {"optimal", "feasible", "infeasible", "time_limit"};
        snprintf(fg.status, sizeof fg.status, "%s", stn[s.status]);
        fg.gap = s.mip_gap;
        char *js = NULL;
        gpuarb_result_to_json(ctx, res, &js);
        const char *c = js ? strstr(js, "\"offer_classes\":") : NULL;
        if (c)
            fg.classes = atoi(c + 16);
        c = js ? strstr(js, "\"columns\":") : NULL;
        if (c)
            fg.cols = atoi(c + 10);
        gpuarb_free(js);
        gpuarb_result_free(res);
        fg.ok = 1;
    }
    if (write(fd, &fg, sizeof fg) != (ssize_t)sizeof fg)
        _exit(1);
    _exit(0);
}

static void scale_case(const char *name, const char *spec_path, const char *cat_path)
{
    int pfd[2];
    if (pipe(pfd))
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        scale_child(spec_path, cat_path, pfd[1]);
    }
    close(pfd[1]);
    scale_fig fg;
    memset(&fg, 0, sizeof fg);
    ssize_t got = read(pfd[0], &fg, sizeof fg);
    close(pfd[0]);
    int wst;
    struct rusage ru;
    wait4(pid, &wst, 0, &ru);
    double rss = ru.ru_maxrss / 1024.0;
    if (got != (ssize_t)sizeof fg || !fg.ok) {
        const char *why = WIFSIGNALED(wst) && WTERMSIG(wst) == SIGALRM ? "killed" : "crashed";
        printf("%-26s %5d %9s %8s %9.1f %8s %8s %-11s %7s\n", name, SCALE_LIMIT_S, ">", why, rss,
               "-", "-", why, "-");
        if (WIFSIGNALED(wst) && WTERMSIG(wst) == SIGALRM)
            printf("%-26s       (stopped after %d s)\n", "", SCALE_KILL_S);
        return;
    }
    char gap[16] = "-";
    if (fg.ok == 1 && (fg.status[0] == 'o' || fg.status[0] == 'f'))
        snprintf(gap, sizeof gap, "%.3f", 100 * fg.gap);
    printf("%-26s %5d %9.0f %8.2f %9.1f %8d %8d %-11s %7s   load %.0f ms\n", name, SCALE_LIMIT_S,
           fg.wall_ms, fg.wall_ms / (SCALE_LIMIT_S * 1000.0), rss, fg.classes, fg.cols, fg.status,
           gap, fg.load_ms);
}

static int scale_table(const char *dir, int quick)
{
    printf("fleet scale (issue 14): limit %d s, default memory budget 2048 MiB; wall = the\n"
           "gpuarb_optimize call, baseline skipped; peak = the child's max RSS (catalog loaded\n"
           "included); cols = columns after reduction; runs stopped after %d s or %d MiB of\n"
           "address space\n\n", SCALE_LIMIT_S, SCALE_KILL_S, SCALE_AS_MIB);
    printf("%-26s %5s %9s %8s %9s %8s %8s %-11s %7s\n", "case", "limit", "wall_ms", "wall/lim",
           "peak_MiB", "classes", "cols", "status", "gap_%");
    /* issue 14's own case: gangs on the built-in catalog under a cap */
    {
        char spec[600];
        snprintf(spec, sizeof spec, "%s/builtin_gangs.yaml", dir);
        if (write_spec(spec, "builtin", 100, SCALE_LIMIT_S, SCALE_CAP, 1))
            return -1;
        scale_case("built-in x 100 gangs, cap", spec, "builtin");
    }
    static const size_t sizes[] = {1000, 10000, 100000};
    static const int nws[] = {10, 100};
    for (size_t si = 0; si < 3; si++) {
        if (quick && sizes[si] > 10000)
            continue;
        char cat[512], spec[600];
        snprintf(cat, sizeof cat, "%s/fleet%zu.csv", dir, sizes[si]);
        rs = 0x9E3779B97F4A7C15ULL; /* the same fleet on every run */
        if (write_catalog(cat, sizes[si], 1))
            return -1;
        for (size_t wi = 0; wi < 2; wi++) {
            for (int cap = 0; cap <= 1; cap++) {
                char name[64];
                snprintf(spec, sizeof spec, "%s/fleet%zu_%d_%d.yaml", dir, sizes[si], nws[wi], cap);
                if (write_spec(spec, cat, nws[wi], SCALE_LIMIT_S, cap ? SCALE_CAP : NULL, 0))
                    return -1;
                snprintf(name, sizeof name, "%zuk offers x %d%s", sizes[si] / 1000, nws[wi],
                         cap ? ", cap" : "");
                scale_case(name, spec, cat);
            }
        }
    }
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    int quick = 0, cbc = have_cbc(), scale = 1, classic = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--no-cbc") == 0)
            cbc = 0;
        else if (strcmp(argv[i], "--scale-only") == 0)
            classic = 0;
        else if (strcmp(argv[i], "--no-scale") == 0)
            scale = 0;
    }
    char dir[] = "/tmp/gpuarb_bench_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    if (scale && scale_table(dir, quick))
        return 1;
    if (!classic) {
        if (getenv("BENCH_KEEP")) {
            printf("kept %s\n", dir);
            return 0;
        }
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        return system(cmd) != 0;
    }
    char cat5k[512], cat20k[512], spec[512];
    snprintf(cat5k, sizeof cat5k, "%s/cat5k.csv", dir);
    snprintf(cat20k, sizeof cat20k, "%s/cat20k.csv", dir);
    if (write_catalog(cat5k, 5000, 0) || write_catalog(cat20k, 20000, 0))
        return 1;
    printf("optimize: solve time (ms, catalog loading excluded), gap, model size, peak RSS;\n"
           "cbc (Debian coinor-cbc, 'ratio 0') on the same exported LP; ratio = cbc ms / our ms;\n"
           "cbc is stopped after %d s of wall time ('killed': the ratio is then a lower bound).\n"
           "machine: %ld cores; %s\n\n", CBC_WALL_S, sysconf(_SC_NPROCESSORS_ONLN),
           cbc ? "cbc found" : "cbc not installed: its columns are '-'");
    printf("%-28s %-9s %-10s %10s %8s %9s %8s %9s %10s %10s %8s %8s\n", "case", "status", "method",
           "ours_ms", "gap_%", "mip_cols", "rows", "rss_MiB", "cbc", "cbc_ms", "ratio", "cbc_obj");
    struct {
        const char *name, *catalog;
        int nw, coupled, variant;
    } cases[] = {
        {"builtin x 1", "builtin", 1, 0, 0},
        {"builtin x 10", "builtin", 10, 0, 0},
        {"builtin x 50", "builtin", 50, 0, 0},
        {"builtin x 50 (spot cap)", "builtin", 50, 1, 0},
        {"builtin x 50 (gangs on spot)", "builtin", 50, 0, 1},
        {"builtin x 50 (gang spot,cap)", "builtin", 50, 1, 1},
        {"builtin x 50 (work)", "builtin", 50, 0, 2},
        {"5,000 offers x 100", cat5k, 100, 1, 0},
        {"20,000 offers x 1,000", cat20k, 1000, 1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (quick && cases[i].nw >= 1000)
            continue;
        snprintf(spec, sizeof spec, "%s/spec%zu.yaml", dir, i);
        spec_variant = cases[i].variant;
        write_spec(spec, cases[i].catalog, cases[i].nw, 60,
                   cases[i].coupled ? "{max_spot_share: 0.6}" : NULL, 0);
        spec_variant = 0;
        run_case(cases[i].name, spec, cbc);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return 0;
}
