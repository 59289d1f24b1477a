/*
 * spot.c - the replay of a deadline job over a spot availability trace,
 * the hand-written policies and the offline optimum (see spot.h for the
 * model).
 *
 * The policies are the paper's rules (Wu et al., NSDI'24, sections 3.3,
 * 3.4 and 5.2), checked at each tick's start:
 *   Safety Net: idle and R(t) < C(t) + 2d: on-demand until the end.
 *   Exploitation: on a spot instance, stay until it is preempted.
 *   Greedy: spot whenever available, otherwise wait, plus the two above.
 *   Uniform Progress: idle and cp(t) < ep(t) = C(0) t / R(0): on-demand;
 *     spot whenever available (Taking Risks), except that on on-demand the
 *     job stays until cp(t) >= ep(t + 2d) (Hysteresis).
 * Leaving on-demand for idle or spot while R(t) < C(t) + 2d would put the
 * job straight back under the Safety Net, so it is the Safety Net's case
 * too.  When a tick is longer than d, a check at tick starts could pass the
 * threshold by up to a tick: the margin gap - d is then added (it is 0 for
 * the paper's traces, whose ticks are shorter than d).
 *
 * The optimum is a dynamic programme over (tick, progress, instance,
 * changeover left) in whole units of gcd(gap, d, C, R) seconds, restricted
 * to the band of progress from which the deadline can still be met.  No
 * errors beyond the allocation failure and the size bound it reports.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "spot/spot.h"

static int avail_at(const ga_spot_trace *tr, size_t j)
{
    return j < tr->n ? tr->avail[j] : 0;
}

void ga_spot_sim_init(ga_spot_sim *s, const ga_spot_trace *tr, const ga_spot_job *job,
                      size_t start)
{
    memset(s, 0, sizeof *s);
    s->tr = tr;
    s->job = *job;
    s->start = start;
    s->cur = GA_SPOT_IDLE;
    s->remaining = job->job_s;
    s->avail = avail_at(tr, start);
    s->done = job->job_s <= 0;
}

void ga_spot_sim_observe(const ga_spot_sim *s, ga_spot_obs *o)
{
    o->t = (double)s->k * s->tr->gap_s;
    o->R = s->job.deadline_s - o->t;
    o->C = s->remaining;
    o->C0 = s->job.job_s;
    o->R0 = s->job.deadline_s;
    o->d = s->job.restart_s;
    o->k = s->job.price_ratio;
    o->gap = s->tr->gap_s;
    o->cur = s->cur;
    o->avail = s->avail;
    o->delay_left = s->delay_left;
    int32_t st = 0;
    for (size_t j = s->start + s->k; st < 255 && avail_at(s->tr, j); j--) {
        st++;
        if (j == 0)
            break;
    }
    o->streak = st;
    o->hist = ga_spot_sim_history(s, (size_t)(GA_SPOT_HIST_H * 3600 / s->tr->gap_s + 0.5));
}

void ga_spot_sim_step(ga_spot_sim *s, int choice)
{
    if (s->done)
        return;
    if (choice == GA_SPOT_SPOT && !s->avail)
        choice = GA_SPOT_IDLE;
    if (choice != GA_SPOT_IDLE && choice != GA_SPOT_SPOT && choice != GA_SPOT_OD)
        choice = GA_SPOT_IDLE;
    if (choice != s->cur) {
        s->delay_left = choice == GA_SPOT_IDLE ? 0 : s->job.restart_s;
        s->switches += choice != GA_SPOT_IDLE;
        s->cur = choice;
    }
    double L = s->tr->gap_s, t = (double)s->k * L;
    if (s->cur != GA_SPOT_IDLE) {
        double use = s->delay_left < L ? s->delay_left : L;
        s->delay_left -= use;
        double prog = L - use < s->remaining ? L - use : s->remaining;
        s->remaining -= prog;
        double bill = s->remaining > 0 ? L : use + prog; /* per-second billing */
        s->cost += (s->cur == GA_SPOT_OD ? s->job.price_ratio : 1.0) * bill / 3600.0;
        if (s->cur == GA_SPOT_SPOT)
            s->spot_s += prog;
        else
            s->od_s += prog;
        if (s->remaining <= 0) {
            s->remaining = 0;
            s->done = 1;
            s->finish_s = t + use + prog;
        }
    }
    s->k++;
    s->avail = avail_at(s->tr, s->start + s->k);
    if (s->cur == GA_SPOT_SPOT && !s->avail) { /* preempted */
        s->cur = GA_SPOT_IDLE;
        s->delay_left = 0;
    }
}

double ga_spot_sim_history(const ga_spot_sim *s, size_t w)
{
    size_t now = s->start + s->k, lo = now > w ? now - w : 0;
    size_t hi = now < s->tr->n ? now : s->tr->n;
    if (w == 0)
        return 0;
    int64_t sum = hi > lo ? s->tr->prefix[hi] - s->tr->prefix[lo] : 0;
    return (double)sum / (double)w;
}

/* ---- the rules ---------------------------------------------------------- */

void ga_spot_rule_init(ga_spot_rule *p, int kind)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->hyst = 2;
    p->exit_idle = 1;
    p->min_streak = 1;
    if (kind == GA_SPOT_POL_AUTO) {
        /* chosen on the training starts by bench_spot (see bench/README.md) */
        p->lag_h = GA_SPOT_AUTO_LAG_H;
        p->hyst = GA_SPOT_AUTO_HYST;
        p->exit_idle = GA_SPOT_AUTO_EXIT_IDLE;
        p->min_streak = GA_SPOT_AUTO_MIN_STREAK;
    }
}

/* R(t) < C(t) + 2d, with the tick-length margin of the file comment. */
int ga_spot_safety(const ga_spot_obs *o)
{
    double margin = o->gap > o->d ? o->gap - o->d : 0;
    return o->R < o->C + 2 * o->d + margin;
}

static int decide_greedy(ga_spot_rule *p, const ga_spot_obs *o)
{
    if (o->cur == GA_SPOT_SPOT)
        return GA_SPOT_SPOT;               /* Exploitation */
    if (o->cur == GA_SPOT_OD || ga_spot_safety(o)) { /* Safety Net: to the end */
        p->latched = 1;
        return GA_SPOT_OD;
    }
    return o->avail ? GA_SPOT_SPOT : GA_SPOT_IDLE;
}

/* Uniform Progress (lag 0, hysteresis 2d, exit_idle, min_streak 1).  auto
 * is the same rules with four knobs moved: the on-demand trigger lag_h
 * hours below the uniform line, the hysteresis lead hyst x d, on-demand
 * left only for spot (never for idle, which would soon need a second
 * changeover), and only after min_streak ticks of availability in a row
 * (a fresh spot is the likeliest to be preempted at once). */
static int decide_up(ga_spot_rule *p, const ga_spot_obs *o)
{
    double cp = o->C0 - o->C;
    double lag = p->lag_h * 3600.0;
    double rho = o->C0 / o->R0; /* ep(t) = C0 t / R0 = C0 - rho R(t) */
    if (o->cur == GA_SPOT_SPOT)
        return GA_SPOT_SPOT;                                  /* Exploitation */
    if (o->cur == GA_SPOT_OD) {
        if (cp >= o->C0 - rho * (o->R - p->hyst * o->d) - lag && !ga_spot_safety(o)) {
            if (o->avail && o->streak >= p->min_streak)
                return GA_SPOT_SPOT;                          /* Hysteresis met */
            if (!o->avail && p->exit_idle)
                return GA_SPOT_IDLE;
        }
        if (ga_spot_safety(o))
            p->latched = 1;
        return GA_SPOT_OD;
    }
    if (ga_spot_safety(o)) {                                          /* Safety Net */
        p->latched = 1;
        return GA_SPOT_OD;
    }
    if (o->avail)
        return GA_SPOT_SPOT;                                  /* Taking Risks */
    if (cp < o->C0 - rho * o->R - lag)
        return GA_SPOT_OD;                                    /* Uniform Progress */
    return GA_SPOT_IDLE;
}

int ga_spot_rule_decide(ga_spot_rule *p, const ga_spot_obs *o)
{
    if (o->R <= 0 || p->latched)
        return GA_SPOT_OD; /* latched by the Safety Net, or already late */
    switch (p->kind) {
    case GA_SPOT_POL_GREEDY: return decide_greedy(p, o);
    case GA_SPOT_POL_UP:
    case GA_SPOT_POL_AUTO: return decide_up(p, o);
    default: return GA_SPOT_OD;
    }
}

void ga_spot_replay(ga_spot_sim *s, const ga_spot_trace *tr, const ga_spot_job *job,
                    size_t start, ga_spot_rule *p)
{
    ga_spot_sim_init(s, tr, job, start);
    ga_spot_obs o;
    while (!s->done) {
        ga_spot_sim_observe(s, &o);
        ga_spot_sim_step(s, ga_spot_rule_decide(p, &o));
    }
}

/* ---- the offline optimum ------------------------------------------------ */

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int ga_spot_optimum(const ga_spot_trace *tr, const ga_spot_job *job, size_t start,
                    double *cost, double *spot_s)
{
    int64_t g = llround(tr->gap_s), d = llround(job->restart_s), C = llround(job->job_s),
            R = llround(job->deadline_s);
    if (C <= 0) {
        *cost = 0;
        *spot_s = 0;
        return 1;
    }
    if (C > R || g <= 0)
        return 0;
    int64_t u = gcd64(gcd64(g, d > 0 ? d : g), gcd64(C, R));
    int64_t G = g / u, D = d / u, Cu = C / u, Ru = R / u, band = Ru - Cu + 1;
    int64_t K = (Ru + G - 1) / G;
    /* the changeover remainders a tick boundary can see: 0 and D - mG > 0 */
    int64_t nr = 1;
    for (int64_t r = D - G; r > 0; r -= G)
        nr++;
    int64_t S = 1 + 2 * nr; /* idle, spot(r), od(r) */
    if ((double)band * (double)S * (double)K > GA_SPOT_DP_MAX_CELLS)
        return -2;
    int64_t *rval = ga_mallocarray((size_t)nr, sizeof *rval);
    double *buf = ga_mallocarray((size_t)(band * S * 4), sizeof *buf);
    if (!rval || !buf) {
        free(rval);
        free(buf);
        return -1;
    }
    rval[0] = 0;
    for (int64_t i = 1, r = D - G; r > 0; r -= G, i++)
        rval[i] = r;
    double *cur = buf, *curs = buf + band * S, *nxt = buf + 2 * band * S,
           *nxts = buf + 3 * band * S;
    for (int64_t i = 0; i < band * S; i++)
        cur[i] = INFINITY;
    /* cells are indexed by progress offset within [lo_j, lo_j + band) */
    int64_t lo = Cu - Ru > 0 ? Cu - Ru : 0; /* lo at j = 0 is 0 since C <= R */
    cur[0 * S + 0] = 0;
    curs[0] = 0;
    double best = INFINITY, best_spot = 0;
    const double price[3] = {0, 1, job->price_ratio};
    for (int64_t j = 0; j < K; j++) {
        int64_t L = Ru - j * G < G ? Ru - j * G : G;
        int64_t nlo = Cu - (Ru - (j * G + L));
        if (nlo < 0)
            nlo = 0;
        for (int64_t i = 0; i < band * S; i++)
            nxt[i] = INFINITY;
        int a = avail_at(tr, start + (size_t)j);
        for (int64_t off = 0; off < band; off++) {
            int64_t p = lo + off;
            if (p >= Cu)
                break;
            for (int64_t s = 0; s < S; s++) {
                double c = cur[off * S + s];
                if (!isfinite(c))
                    continue;
                double sp = curs[off * S + s];
                int inst = s == 0 ? GA_SPOT_IDLE : s <= nr ? GA_SPOT_SPOT : GA_SPOT_OD;
                int64_t r = s == 0 ? 0 : rval[(s - 1) % nr];
                if (inst == GA_SPOT_SPOT && !a) {
                    inst = GA_SPOT_IDLE;
                    r = 0;
                }
                /* idle */
                if (p >= nlo) {
                    int64_t o2 = (p - nlo) * S;
                    if (c < nxt[o2]) {
                        nxt[o2] = c;
                        nxts[o2] = sp;
                    }
                }
                for (int choice = GA_SPOT_SPOT; choice <= GA_SPOT_OD; choice++) {
                    if (choice == GA_SPOT_SPOT && !a)
                        continue;
                    int64_t r0 = inst == choice ? r : D;
                    int64_t use = r0 < L ? r0 : L, prog = L - use, r1 = r0 - use;
                    if (p + prog >= Cu) {
                        double total = c + (double)(use + Cu - p) * price[choice];
                        double tsp = sp + (choice == GA_SPOT_SPOT ? (double)(Cu - p) : 0);
                        if (total < best || (total == best && tsp > best_spot)) {
                            best = total;
                            best_spot = tsp;
                        }
                        continue;
                    }
                    if (p + prog < nlo)
                        continue;
                    int64_t ri = 0;
                    while (ri < nr && rval[ri] != r1)
                        ri++;
                    int64_t s2 = (choice == GA_SPOT_SPOT ? 1 : 1 + nr) + ri;
                    int64_t o2 = (p + prog - nlo) * S + s2;
                    double c2 = c + (double)L * price[choice];
                    if (c2 < nxt[o2]) {
                        nxt[o2] = c2;
                        nxts[o2] = sp + (choice == GA_SPOT_SPOT ? (double)prog : 0);
                    }
                }
            }
        }
        double *t1 = cur, *t2 = curs;
        cur = nxt;
        curs = nxts;
        nxt = t1;
        nxts = t2;
        lo = nlo;
    }
    free(rval);
    free(buf);
    if (!isfinite(best))
        return 0;
    *cost = best * (double)u / 3600.0;
    *spot_s = best_spot * (double)u;
    return 1;
}
