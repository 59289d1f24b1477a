/*
 * bench_fleet.c - issue 8's figures: exact plans at fleet scale when the
 * provider and spot caps bind, and re-planning a fleet hour by hour.
 *
 * Table 1: 100, 300 and 1,000 workloads (bench_optimize's four templates:
 * 8-GPU gangs with data elsewhere, spot fine-tuning, inference ranges, small
 * spot experiments) on the built-in catalog and on a generated catalog of
 * 20,000 offers (the built-in offers copied into new regions, prices
 * +-20 %, a third capacity-limited), with max_provider_share 0.3 and
 * max_spot_share 0.4, both objectives.  For gpuarb: the time its progress
 * callback first saw a proven gap of 0.1 %, and the time to optimality (or
 * the gap at the limit).  For cbc (Debian coinor-cbc) on the exported model
 * with the same limit: the same two times read from its log.  Columns for
 * cbc say "skipped" when cbc is absent.
 *
 * Table 2: a week of hourly price changes (each offer's price a random walk
 * of +-2 % an hour, within +-30 %), 40 on-demand workloads on the built-in
 * catalog, re-planned every hour over a 24-hour look-ahead: from the
 * previous plan (delta plan, move_hours 0.25), from scratch, and never
 * moving.  Cost is what the week costs: every hour's $/h at that hour's
 * prices plus move_hours x price for every instance launched.
 *
 *   bench_fleet [--quick] [--limit S] [--no-cbc] [--cbc-all] [--no-scale] [--no-replan]
 *     --cbc-all: cbc on 20,000 offers x 1,000 workloads too (skipped otherwise:
 *              gigabytes of LP file)
 *     --quick: 100 and 300 workloads on the built-in catalog only, one day
 *              of re-planning
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpuarb.h"

#define BENCH_SEED 0x5DEECE66DULL
#include "bench.h"
#include "workloads.h"

/* ---- generated inputs ---- */

/* ~n offers from the built-in catalog: copies in new regions, prices of
 * the copies +-20 %, a third of the copies capacity-limited (1..8). */
static int write_catalog(const char *path, size_t n)
{
    gpuarb_ctx *ctx;
    gpuarb_catalog *cat;
    gpuarb_ctx_create(&ctx);
    if (gpuarb_catalog_builtin(ctx, &cat))
        return -1;
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
        double f1 = copy ? 0.8 + 0.4 * urand() : 1, f2 = copy ? 0.8 + 0.4 * urand() : 1;
        if (o.price_hour < 0 && o.spot_price_hour < 0)
            continue;
        if (strchr(o.region, ',') || strchr(o.region, '"') || strchr(o.instance_type, ',') ||
            strchr(o.instance_type, '"'))
            continue; /* this writer does not quote */
        fprintf(f, "%s,%s%s%zu,,%s,%s,%d,", o.provider, o.region, copy ? "-x" : "",
                copy ? copy : (size_t)0, o.instance_type, o.gpu, o.gpu_count);
        if (o.price_hour >= 0)
            fprintf(f, "%.4f", o.price_hour * f1);
        fputc(',', f);
        if (o.spot_price_hour >= 0)
            fprintf(f, "%.4f", o.spot_price_hour * f2);
        fprintf(f, ",%.3f,", 0.02 + 0.1 * urand());
        if (copy && urand() < 0.33)
            fprintf(f, "%d", 1 + (int)(urand() * 8));
        fputc('\n', f);
    }
    fclose(f);
    gpuarb_catalog_free(cat);
    gpuarb_ctx_free(ctx);
    return 0;
}

static int write_spec(const char *path, const char *catalog, int nw, int maxt, int limit_s)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "version: 1\ncatalog: %s\nhorizon_hours: 72\ntime_limit_s: %d\n", catalog,
            limit_s);
    if (maxt)
        fprintf(f, "objective: max_throughput\nbudget_per_hour: %d\n", 20 * nw);
    fprintf(f, "constraints: {max_provider_share: 0.3, max_spot_share: 0.4}\nworkloads:\n");
    for (int w = 0; w < nw; w++)
        bench_workload(f, w, w % 4, 0);
    fclose(f);
    return 0;
}

/* ---- table 1 ---- */

typedef struct watch {
    double t_gap;     /* first time the proven gap was <= 0.1 %; -1 never */
} watch;

static int on_progress(void *arg, double inc, double bound, double ms)
{
    watch *w = arg;
    if (w->t_gap < 0 && inc == inc && bound == bound &&
        fabs(inc - bound) <= 1e-3 * fmax(1e-9, fabs(inc)))
        w->t_gap = ms;
    return 0;
}

typedef struct cbc_fig {
    int ran;
    double t_gap, t_opt, gap; /* -1: not reached */
} cbc_fig;

/* cbc on the LP file with the limit; its log gives the times. */
static cbc_fig run_cbc(const char *lp, int limit_s, const char *dir)
{
    cbc_fig c = {0, -1, -1, -1};
    char cmd[2048], logp[700];
    snprintf(logp, sizeof logp, "%s/cbc.log", dir);
    snprintf(cmd, sizeof cmd, "cbc %s sec %d solve > %s 2>&1", lp, limit_s, logp);
    if (system(cmd) != 0)
        return c;
    FILE *f = fopen(logp, "r");
    if (!f)
        return c;
    c.ran = 1;
    char line[1024];
    double best = NAN, bnd = NAN;
    while (fgets(line, sizeof line, f)) {
        double b1, b2, t;
        const char *p;
        /* Cbc0010I After N nodes, K on tree, BEST best solution, best possible BND (T seconds) */
        if ((p = strstr(line, "on tree, ")) &&
            sscanf(p, "on tree, %lf best solution, best possible %lf (%lf seconds)", &b1, &b2,
                   &t) == 3) {
            best = b1;
            bnd = b2;
            if (c.t_gap < 0 && fabs(b1 - b2) <= 1e-3 * fabs(b1))
                c.t_gap = t * 1000;
        }
        if ((p = strstr(line, "Result - Optimal solution found")))
            c.t_opt = 0; /* time below */
        if ((p = strstr(line, "Objective value:")))
            sscanf(p, "Objective value: %lf", &best);
        if ((p = strstr(line, "Lower bound:")))
            sscanf(p, "Lower bound: %lf", &bnd);
        if ((p = strstr(line, "Time (Wallclock seconds):")) && sscanf(p, "Time (Wallclock seconds): %lf", &t) == 1 && c.t_opt == 0)
            c.t_opt = t * 1000;
    }
    fclose(f);
    if (best == best && bnd == bnd)
        c.gap = fabs(best - bnd) / fmax(1e-9, fabs(best));
    if (c.t_opt >= 0 && c.t_gap < 0)
        c.t_gap = c.t_opt;
    return c;
}

static void fmt_ms(char *b, size_t n, double ms, int limit_s)
{
    if (ms < 0)
        snprintf(b, n, ">%d s", limit_s);
    else
        snprintf(b, n, "%.2f s", ms / 1000);
}

static void scale_case(const char *name, const char *spec_path, const char *cat_path,
                       int limit_s, int use_cbc, const char *dir)
{
    gpuarb_ctx *ctx;
    gpuarb_ctx_create(&ctx);
    gpuarb_spec *spec = NULL;
    gpuarb_catalog *cat = NULL;
    if (gpuarb_spec_load(ctx, spec_path, &spec) ||
        (cat_path ? gpuarb_catalog_load(ctx, cat_path, 0, NULL, &cat)
                  : gpuarb_catalog_builtin(ctx, &cat))) {
        printf("%-30s error: %s\n", name, gpuarb_errfull(ctx));
        gpuarb_ctx_free(ctx);
        return;
    }
    gpuarb_optimize_opts o;
    gpuarb_optimize_opts_init(&o);
    o.skip_baseline = 1;
    o.time_limit_s = limit_s;
    watch w = {-1};
    o.progress = on_progress;
    o.progress_arg = &w;
    gpuarb_result *r = NULL;
    double t0 = now_ms();
    gpuarb_status st = gpuarb_optimize(ctx, spec, cat, &o, &r);
    double wall = now_ms() - t0;
    char g1[32], g2[32], c1[32] = "skipped", c2[32] = "skipped", st_s[40] = "error";
    double gap = -1;
    if (!st) {
        gpuarb_plan_summary s;
        s.size = sizeof s;
        gpuarb_result_summary(r, &s);
        static const char *names[] = {"optimal", "feasible", "infeasible", "time_limit"};
        snprintf(st_s, sizeof st_s, "%s", names[s.status]);
        gap = s.mip_gap;
        if (s.status == GPUARB_SOLVE_OPTIMAL && w.t_gap < 0)
            w.t_gap = wall;
        fmt_ms(g1, sizeof g1, w.t_gap, limit_s);
        fmt_ms(g2, sizeof g2, s.status == GPUARB_SOLVE_OPTIMAL ? wall : -1, limit_s);
    } else {
        snprintf(g1, sizeof g1, "-");
        snprintf(g2, sizeof g2, "-");
    }
    gpuarb_result_free(r);
    if (use_cbc) {
        char lp[600];
        snprintf(lp, sizeof lp, "%s/model.lp", dir);
        gpuarb_optimize_opts e;
        gpuarb_optimize_opts_init(&e);
        e.skip_baseline = 1;
        e.write_model = lp;
        e.time_limit_s = 0.001; /* only the model is wanted */
        if (gpuarb_optimize(ctx, spec, cat, &e, &r) == GPUARB_OK) {
            gpuarb_result_free(r);
            cbc_fig c = run_cbc(lp, limit_s, dir);
            if (c.ran) {
                fmt_ms(c1, sizeof c1, c.t_gap, limit_s);
                fmt_ms(c2, sizeof c2, c.t_opt, limit_s);
                if (c.t_opt < 0 && c.gap >= 0)
                    snprintf(c2 + strlen(c2), sizeof c2 - strlen(c2), " (%.3f%%)", 100 * c.gap);
            }
        }
        unlink(lp);
    }
    char gg[48];
    snprintf(gg, sizeof gg, "%s", g2);
    if (gap > 0)
        snprintf(gg + strlen(gg), sizeof gg - strlen(gg), " (%.3f%%)", 100 * gap);
    printf("%-30s %-10s %9s %18s %9s %18s\n", name, st_s, g1, gg, c1, c2);
    fflush(stdout);
    gpuarb_spec_free(spec);
    gpuarb_catalog_free(cat);
    gpuarb_ctx_free(ctx);
}

/* ---- table 2: a week of hourly re-planning ---- */

typedef struct offer_px {
    double base, walk; /* list price and its current factor */
} offer_px;

/* The built-in catalog's on-demand offers at the prices of this hour. */
static gpuarb_catalog *priced(gpuarb_ctx *ctx, const gpuarb_catalog *b, const offer_px *px)
{
    size_t m = gpuarb_catalog_count(b), cap = 256 + m * 160, n = 0;
    char *t = malloc(cap);
    if (!t)
        return NULL;
    n += (size_t)snprintf(t, cap, "provider,region,zone,instance_type,gpu,gpu_count,price_hour\n");
    for (size_t i = 0; i < m; i++) {
        gpuarb_offer o;
        gpuarb_catalog_offer(b, i, &o);
        if (o.price_hour < 0 || strpbrk(o.region, ",\"") || strpbrk(o.instance_type, ",\"") ||
            strpbrk(o.zone, ",\""))
            continue;
        n += (size_t)snprintf(t + n, cap - n, "%s,%s,%s,%s,%s,%d,%.6f\n", o.provider, o.region,
                              o.zone, o.instance_type, o.gpu, o.gpu_count,
                              px[i].base * px[i].walk);
    }
    gpuarb_catalog *c = NULL;
    if (gpuarb_catalog_parse(ctx, t, n, "hour.csv", GPUARB_CATALOG_NATIVE, NULL, &c))
        c = NULL;
    free(t);
    return c;
}

/* Instances launched going from plan a (NULL: none) to plan b, and their
 * launch cost at move_hours x b's price. */
static void launches(const gpuarb_result *a, const gpuarb_result *b, double mh, long *n,
                     double *cost)
{
    *n = 0;
    *cost = 0;
    for (int32_t i = 0; i < gpuarb_result_allocation_count(b); i++) {
        gpuarb_allocation x;
        gpuarb_result_allocation(b, i, &x);
        long had = 0;
        for (int32_t j = 0; a && j < gpuarb_result_allocation_count(a); j++) {
            gpuarb_allocation y;
            gpuarb_result_allocation(a, j, &y);
            if (!strcmp(x.workload, y.workload) && !strcmp(x.provider, y.provider) &&
                !strcmp(x.region, y.region) && !strcmp(x.zone, y.zone) &&
                !strcmp(x.instance_type, y.instance_type) && x.spot == y.spot)
                had += y.count;
        }
        if (x.count > had) {
            *n += x.count - had;
            *cost += (x.count - had) * mh * x.price_hour;
        }
    }
}

/* $/h of plan r at the prices of catalog c. */
static double cost_now(const gpuarb_result *r, const gpuarb_catalog *c)
{
    double s = 0;
    for (int32_t i = 0; i < gpuarb_result_allocation_count(r); i++) {
        gpuarb_allocation x;
        gpuarb_result_allocation(r, i, &x);
        for (size_t k = 0; k < gpuarb_catalog_count(c); k++) {
            gpuarb_offer o;
            gpuarb_catalog_offer(c, k, &o);
            if (!strcmp(o.provider, x.provider) && !strcmp(o.region, x.region) &&
                !strcmp(o.zone, x.zone) && !strcmp(o.instance_type, x.instance_type)) {
                s += x.count * o.price_hour;
                break;
            }
        }
    }
    return s;
}

static void replan_week(int hours)
{
    gpuarb_ctx *ctx;
    gpuarb_ctx_create(&ctx);
    gpuarb_catalog *b = NULL;
    gpuarb_catalog_builtin(ctx, &b);
    size_t m = gpuarb_catalog_count(b);
    offer_px *px = calloc(m, sizeof *px);
    for (size_t i = 0; i < m; i++) {
        gpuarb_offer o;
        gpuarb_catalog_offer(b, i, &o);
        px[i].base = o.price_hour;
        px[i].walk = 1;
    }
    char spec_text[8192];
    size_t n = (size_t)snprintf(spec_text, sizeof spec_text,
                                "version: 1\nhorizon_hours: 24\ntime_limit_s: 5\nworkloads:\n");
    for (int w = 0; w < 40; w++)
        n += (size_t)snprintf(spec_text + n, sizeof spec_text - n,
                              "  - {name: w%d, gpus: %d, gpu: [%s]}\n", w, 1 + w % 8,
                              w % 3 == 0 ? "H100" : w % 3 == 1 ? "A100-80GB, A100" : "L4, A10G");
    const double mh = 0.25;
    gpuarb_result *prev_d = NULL, *prev_s = NULL, *never = NULL;
    long mv_d = 0, mv_s = 0;
    double cost_d = 0, cost_s = 0, cost_n = 0, ms_d = 0, ms_s = 0;
    int ok = 1;
    for (int h = 0; h < hours && ok; h++) {
        if (h > 0)
            for (size_t i = 0; i < m; i++)
                px[i].walk = fmin(1.3, fmax(0.7, px[i].walk * (1 + 0.04 * (urand() - 0.5))));
        gpuarb_catalog *c = priced(ctx, b, px);
        gpuarb_spec *sd = NULL, *ss = NULL;
        if (!c || gpuarb_spec_parse(ctx, spec_text, n, "week.yaml", NULL, &sd) ||
            gpuarb_spec_parse(ctx, spec_text, n, "week.yaml", NULL, &ss)) {
            ok = 0;
            break;
        }
        gpuarb_optimize_opts o;
        gpuarb_optimize_opts_init(&o);
        o.skip_baseline = 1;
        if (prev_d) {
            char *js = NULL;
            gpuarb_fleet *f = NULL;
            gpuarb_result_to_json(ctx, prev_d, &js);
            if (!js || gpuarb_fleet_parse(ctx, js, strlen(js), "prev.json", &f) ||
                gpuarb_spec_set_current(ctx, sd, f))
                ok = 0;
            gpuarb_fleet_free(f);
            gpuarb_free(js);
        }
        gpuarb_result *r_d = NULL, *r_s = NULL;
        double t0 = now_ms();
        if (!ok || gpuarb_optimize(ctx, sd, c, &o, &r_d)) {
            ok = 0;
        } else {
            ms_d += now_ms() - t0;
            t0 = now_ms();
            if (gpuarb_optimize(ctx, ss, c, &o, &r_s))
                ok = 0;
            ms_s += now_ms() - t0;
        }
        if (ok) {
            long l;
            double lc;
            launches(prev_d, r_d, mh, &l, &lc);
            if (h > 0) /* the first hour launches the fleet: the same for all three */
                mv_d += l, cost_d += lc;
            launches(prev_s, r_s, mh, &l, &lc);
            if (h > 0)
                mv_s += l, cost_s += lc;
            cost_d += cost_now(r_d, c);
            cost_s += cost_now(r_s, c);
            cost_n += cost_now(never ? never : r_s, c);
            gpuarb_result_free(prev_d);
            prev_d = r_d;
            r_d = NULL;
            /* the first scratch plan is also the one that never moves */
            if (prev_s != never)
                gpuarb_result_free(prev_s);
            if (!never)
                never = r_s;
            prev_s = r_s;
            r_s = NULL;
        }
        gpuarb_result_free(r_d);
        gpuarb_result_free(r_s);
        gpuarb_spec_free(sd);
        gpuarb_spec_free(ss);
        gpuarb_catalog_free(c);
    }
    if (!ok) {
        printf("re-planning failed: %s\n", gpuarb_errfull(ctx));
    } else {
        printf("%-26s %14s %14s %12s\n", "policy", "moves/hour", "cost $", "vs never");
        printf("%-26s %14.2f %14.2f %11.3f%%\n", "delta plan (move 0.25 h)",
               (double)mv_d / (hours - 1), cost_d, 100 * (cost_d / cost_n - 1));
        printf("%-26s %14.2f %14.2f %11.3f%%\n", "from scratch", (double)mv_s / (hours - 1),
               cost_s, 100 * (cost_s / cost_n - 1));
        printf("%-26s %14.2f %14.2f %11.3f%%\n", "never moving", 0.0, cost_n, 0.0);
        printf("(mean solve: delta %.0f ms, scratch %.0f ms; %d hours)\n", ms_d / hours,
               ms_s / hours, hours);
    }
    gpuarb_result_free(prev_d);
    if (prev_s != never)
        gpuarb_result_free(prev_s);
    gpuarb_result_free(never);
    free(px);
    gpuarb_catalog_free(b);
    gpuarb_ctx_free(ctx);
}

int main(int argc, char **argv)
{
    int quick = 0, use_cbc = 1, scale = 1, replan = 1, limit_s = 10, cbc_all = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--no-cbc"))
            use_cbc = 0;
        else if (!strcmp(argv[i], "--cbc-all"))
            cbc_all = 1;
        else if (!strcmp(argv[i], "--no-scale"))
            scale = 0;
        else if (!strcmp(argv[i], "--no-replan"))
            replan = 0;
        else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
            limit_s = atoi(argv[++i]);
    }
    if (use_cbc && system("command -v cbc >/dev/null 2>&1") != 0) {
        printf("cbc not found: its columns are skipped (Debian: apt-get install coinor-cbc)\n");
        use_cbc = 0;
    }
    char dir[] = "/tmp/bench_fleet.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    if (scale) {
        printf("fleet scale with binding caps (max_provider_share 0.3, max_spot_share 0.4),\n"
               "limit %d s each; time to a proven 0.1 %% gap and to proven optimality (gap at\n"
               "the limit in parentheses); cbc on the exported model with the same limit\n\n",
               limit_s);
        printf("%-30s %-10s %9s %18s %9s %18s\n", "case", "status", "gpuarb", "gpuarb",
               "cbc", "cbc");
        printf("%-30s %-10s %9s %18s %9s %18s\n", "", "", "0.1% gap", "optimal", "0.1% gap",
               "optimal");
        char cat[600];
        snprintf(cat, sizeof cat, "%s/offers20k.csv", dir);
        if (!quick && write_catalog(cat, 20000))
            return 1;
        static const int nws[] = {100, 300, 1000};
        for (int c = 0; c < 2; c++) {
            if (c == 1 && quick)
                break;
            for (int k = 0; k < 3; k++) {
                if (quick && nws[k] > 300)
                    continue;
                for (int maxt = 0; maxt <= 1; maxt++) {
                    char spec[700], name[80];
                    snprintf(spec, sizeof spec, "%s/s%d_%d_%d.yaml", dir, c, nws[k], maxt);
                    if (write_spec(spec, c ? cat : "builtin", nws[k], maxt, limit_s))
                        return 1;
                    snprintf(name, sizeof name, "%s x %d, %s", c ? "20k offers" : "built-in",
                             nws[k], maxt ? "max_tput" : "min_cost");
                    /* cbc on 20k offers x 1,000 workloads: its LP file and cbc's
                     * copy of it take gigabytes; only with --cbc-all */
                    int cbc_here = use_cbc && (cbc_all || !(c == 1 && nws[k] == 1000));
                    scale_case(name, spec, c ? cat : NULL, limit_s, cbc_here, dir);
                    unlink(spec);
                }
            }
        }
        unlink(cat);
        printf("\n");
    }
    if (replan) {
        int hours = quick ? 24 : 168;
        printf("re-planning: %d hours of prices (random walk +-2 %%/h within +-30 %%), 40\n"
               "on-demand workloads on the built-in catalog, 24 h look-ahead, launch = 0.25 h\n"
               "of price; cost = sum of hourly $/h at that hour's prices + launch costs\n\n",
               hours);
        replan_week(hours);
    }
    rmdir(dir);
    return 0;
}
