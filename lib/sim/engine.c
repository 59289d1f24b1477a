/*
 * engine.c - the discrete-event core of the cluster simulator.
 *
 * Time jumps from event to event (never in fixed ticks).  Job finishes,
 * node readiness and Poisson spot interruptions live in a binary heap;
 * arrivals (the sorted trace), spot availability changes (the series) and
 * decision points (every interval) are streams merged with it.  Events at
 * the same instant run in a fixed order - finish, preemption, availability
 * change, node ready, arrival, decision - and ties within a kind in the
 * order they were made, so a run depends only on its inputs and seed.
 *
 * Nodes: one offer's shape, bought on demand or spot, billed per second
 * from the request (the provisioning delay is a booted, billed instance
 * setting up) to the release, with a minimum billed time.  A GPU is 1000
 * milli; a fractional job takes milli of one GPU, a job of g <= G GPUs takes
 * g whole GPUs of one node, a larger job ceil(g/G) whole empty nodes.
 *
 * Scheduler: FIFO with EASY backfill on GPU counts.  The queue's head gets
 * a reservation at the earliest time enough GPUs free up (by the running
 * jobs' expected ends, the trace durations standing for user estimates); a
 * later job may start now if it fits and either ends by then or uses only
 * GPUs the head will not need.  At most backfill_depth jobs past the head
 * are looked at.  Placement is best fit (the node, or GPU, with the least
 * room that fits).  Policies see none of the durations.
 *
 * Spot: with an availability series, the spot market holds "value" nodes
 * at each tick (a 0/1 series: none or any number); when it shrinks, the
 * newest spot nodes are preempted, and launches past it are refused.
 * Without a series, each spot node lives an exponential time at the
 * offer's interruption rate.  A preempted job goes back to the queue in
 * its submit order with its remaining work plus restart_s.
 *
 * Returns GPUARB_OK, GPUARB_ERR_NOMEM (the state is then unusable).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"
#include "sim/sim.h"

enum { K_FINISH = 0, K_PREEMPT = 1, K_AVAIL = 2, K_READY = 3, K_ARRIVAL = 4, K_DECIDE = 5 };

/* ---- heap ---- */

static int ev_less(const ga_event *a, const ga_event *b)
{
    if (a->t != b->t)
        return a->t < b->t;
    if (a->kind != b->kind)
        return a->kind < b->kind;
    return a->seq < b->seq;
}

static int heap_push(ga_sim *s, double t, int32_t kind, int32_t a, uint32_t gen)
{
    if (ga_grow((void **)&s->heap, &s->cap_heap, s->nheap + 1, sizeof *s->heap))
        return -1;
    ga_event e = {t, kind, a, gen, s->seq++};
    size_t i = s->nheap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_less(&e, &s->heap[p]))
            break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = e;
    return 0;
}

static ga_event heap_pop(ga_sim *s)
{
    ga_event top = s->heap[0];
    ga_event last = s->heap[--s->nheap];
    size_t i = 0, n = s->nheap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_less(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!ev_less(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n)
        s->heap[i] = last;
    return top;
}

/* ---- helpers ---- */

static double job_demand(const ga_sim *s, int32_t j)
{
    return ga_job_gpus(&s->tr->jobs[j]);
}

static double u01(ga_sim *s)
{
    return ((double)(ga_rng_next(&s->rng) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double node_price(const ga_sim *s, const ga_node *nd)
{
    return nd->spot ? s->cfg->spot_price : s->cfg->od_price;
}

static int32_t *market_count(ga_sim *s, int32_t spot, int32_t state)
{
    return spot ? &s->n_spot[state] : &s->n_od[state];
}

static int32_t live_nodes(const ga_sim *s)
{
    return s->n_od[0] + s->n_od[1] + s->n_spot[0] + s->n_spot[1];
}

static int32_t spot_nodes(const ga_sim *s)
{
    return s->n_spot[0] + s->n_spot[1];
}

/* ---- nodes ---- */

static int launch(ga_sim *s, int32_t spot)
{
    size_t G = (size_t)s->G;
    if (ga_grow((void **)&s->nodes, &s->cap_nodes, s->nnodes + 1, sizeof *s->nodes) ||
        ga_grow((void **)&s->live, &s->cap_live, s->nlive + 1, sizeof *s->live))
        return -1;
    if (s->cap_gm < s->cap_nodes) { /* grow with nodes, not at every launch: a realloc
                                     * per launch copied gm each time (quadratic under
                                     * ASan, fuzz_trace_gavel's timeout) */
        int16_t *gm = ga_reallocarray(s->gm, s->cap_nodes * G, sizeof *s->gm);
        if (!gm)
            return -1;
        s->gm = gm;
        s->cap_gm = s->cap_nodes;
    }
    int32_t i = (int32_t)s->nnodes;
    ga_node *nd = &s->nodes[i];
    memset(nd, 0, sizeof *nd);
    nd->spot = spot;
    nd->state = GA_NODE_PENDING;
    nd->req_t = s->t;
    for (size_t k = 0; k < G; k++)
        s->gm[(size_t)i * G + k] = 0;
    if (heap_push(s, s->t + s->cfg->delay_s, K_READY, i, nd->gen))
        return -1;
    if (spot && s->cfg->navail == 0 && s->cfg->spot_rate > 0) {
        double life_h = -log(u01(s)) / s->cfg->spot_rate;
        if (heap_push(s, s->t + life_h * 3600.0, K_PREEMPT, i, nd->gen))
            return -1;
    }
    s->nnodes++;
    s->live[s->nlive++] = i; /* indices grow: live stays sorted */
    (*market_count(s, spot, GA_NODE_PENDING))++;
    double p = node_price(s, nd);
    s->price_open += p;
    s->price_t_open += p * s->t;
    s->gpus_open += s->G;
    s->gpus_t_open += s->G * s->t;
    return 0;
}

static void release(ga_sim *s, int32_t i)
{
    ga_node *nd = &s->nodes[i];
    double billed = ceil(s->t - nd->req_t - 1e-9);
    if (billed < s->cfg->min_billed_s)
        billed = s->cfg->min_billed_s;
    double p = node_price(s, nd);
    s->cost_closed += p * billed / 3600.0;
    s->gpu_s_paid_closed += s->G * billed;
    s->price_open -= p;
    s->price_t_open -= p * nd->req_t;
    s->gpus_open -= s->G;
    s->gpus_t_open -= s->G * nd->req_t;
    (*market_count(s, nd->spot, nd->state))--;
    if (nd->state == GA_NODE_READY)
        s->free_whole_total -= nd->free_whole;
    nd->state = GA_NODE_GONE;
    nd->gen++;
    size_t lo = 0, hi = s->nlive;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->live[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(s->live + lo, s->live + lo + 1, (s->nlive - lo - 1) * sizeof *s->live);
    s->nlive--;
    if (live_nodes(s) == 0)
        s->price_open = s->price_t_open = s->gpus_open = s->gpus_t_open = 0;
}

/* ---- jobs ---- */

static int queue_insert(ga_sim *s, int32_t j)
{
    /* the queue is in job (= submit) order; arrivals append */
    size_t lo = 0, hi = s->qlen;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->queue[mid] < j)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(s->queue + lo + 1, s->queue + lo, (s->qlen - lo) * sizeof *s->queue);
    s->queue[lo] = j;
    s->qlen++;
    ga_rjob *r = &s->rj[j];
    r->state = GA_JOB_QUEUED;
    r->enq_t = s->t;
    double d = job_demand(s, j);
    s->queued_gpus += d;
    s->q_enq_sum += d * s->t;
    return 0;
}

/* Free the GPUs job j holds. */
static void unplace(ga_sim *s, int32_t j)
{
    ga_rjob *r = &s->rj[j];
    const ga_job *jb = &s->tr->jobs[j];
    size_t G = (size_t)s->G;
    if (r->span_n > 0) {
        for (int32_t k = 0; k < r->span_n; k++) {
            int32_t i = s->span[r->span_off + k];
            ga_node *nd = &s->nodes[i];
            for (size_t g = 0; g < G; g++)
                s->gm[(size_t)i * G + g] = 1000;
            nd->free_whole = s->G;
            s->free_whole_total += s->G;
            nd->njobs = 0;
            nd->idle_since = s->t;
        }
        return;
    }
    ga_node *nd = &s->nodes[r->node];
    int16_t *gm = s->gm + (size_t)r->node * G;
    for (size_t g = 0; g < G; g++) {
        if (!(r->mask >> g & 1u))
            continue;
        int16_t before = gm[g];
        gm[g] = (int16_t)(gm[g] + (jb->milli < 1000 ? jb->milli : 1000));
        if (gm[g] == 1000 && before != 1000) {
            nd->free_whole++;
            s->free_whole_total++;
        }
    }
    if (--nd->njobs == 0)
        nd->idle_since = s->t;
}

static void running_add(ga_sim *s, int32_t j)
{
    s->run_pos[j] = (int32_t)s->nrun;
    s->running[s->nrun++] = j;
}

static void running_del(ga_sim *s, int32_t j)
{
    int32_t p = s->run_pos[j];
    int32_t last = s->running[--s->nrun];
    s->running[p] = last;
    s->run_pos[last] = p;
    s->run_pos[j] = -1;
}

/* Where job j would go now: 1 with *node and *mask (or the span written to
 * s->span at the job's offset), 0 if it does not fit. */
static int find_place(ga_sim *s, int32_t j, int32_t *node, uint32_t *mask)
{
    const ga_job *jb = &s->tr->jobs[j];
    size_t G = (size_t)s->G;
    if (jb->milli < 1000) {
        if (s->n_od[1] + s->n_spot[1] == 0)
            return 0;
        int32_t best = -1, bestg = -1, bestfree = 1001;
        for (size_t q = 0; q < s->nlive; q++) {
            size_t i = (size_t)s->live[q];
            if (s->nodes[i].state != GA_NODE_READY)
                continue;
            const int16_t *gm = s->gm + i * G;
            for (size_t g = 0; g < G; g++)
                if (gm[g] >= jb->milli && gm[g] < bestfree) {
                    bestfree = gm[g], best = (int32_t)i, bestg = (int32_t)g;
                }
            if (bestfree == jb->milli)
                break;
        }
        if (best < 0)
            return 0;
        *node = best;
        *mask = 1u << bestg;
        return 1;
    }
    if (jb->gpus <= s->G) {
        if (s->free_whole_total < jb->gpus)
            return 0;
        int32_t best = -1, bestfree = s->G + 1;
        for (size_t q = 0; q < s->nlive; q++) {
            size_t i = (size_t)s->live[q];
            const ga_node *nd = &s->nodes[i];
            if (nd->state == GA_NODE_READY && nd->free_whole >= jb->gpus &&
                nd->free_whole < bestfree) {
                bestfree = nd->free_whole, best = (int32_t)i;
                if (bestfree == jb->gpus)
                    break;
            }
        }
        if (best < 0)
            return 0;
        const int16_t *gm = s->gm + (size_t)best * G;
        uint32_t m = 0;
        int32_t need = jb->gpus;
        for (size_t g = 0; g < G && need > 0; g++)
            if (gm[g] == 1000) {
                m |= 1u << g;
                need--;
            }
        *node = best;
        *mask = m;
        return 1;
    }
    int32_t k = (jb->gpus + s->G - 1) / s->G;
    if (s->free_whole_total < (int64_t)k * s->G)
        return 0;
    int32_t got = 0;
    int32_t *sp = s->span + s->rj[j].span_off;
    for (size_t q = 0; q < s->nlive && got < k; q++) {
        size_t i = (size_t)s->live[q];
        const ga_node *nd = &s->nodes[i];
        if (nd->state == GA_NODE_READY && nd->njobs == 0 && nd->free_whole == s->G)
            sp[got++] = (int32_t)i;
    }
    if (got < k)
        return 0;
    *node = -1;
    *mask = 0;
    return 1;
}

static int start_job(ga_sim *s, int32_t j, int32_t node, uint32_t mask)
{
    ga_rjob *r = &s->rj[j];
    const ga_job *jb = &s->tr->jobs[j];
    size_t G = (size_t)s->G;
    double d = job_demand(s, j);
    double waited = s->t - r->enq_t;
    r->wait += waited;
    s->wait_gpu_s_closed += d * waited;
    s->queued_gpus -= d;
    s->q_enq_sum -= d * r->enq_t;
    if (node < 0) {
        int32_t k = (jb->gpus + s->G - 1) / s->G;
        r->span_n = k;
        for (int32_t q = 0; q < k; q++) {
            int32_t i = s->span[r->span_off + q];
            ga_node *nd = &s->nodes[i];
            for (size_t g = 0; g < G; g++)
                s->gm[(size_t)i * G + g] = 0;
            s->free_whole_total -= nd->free_whole;
            nd->free_whole = 0;
            nd->njobs = 1;
        }
    } else {
        r->span_n = 0;
        r->node = node;
        r->mask = mask;
        ga_node *nd = &s->nodes[node];
        int16_t *gm = s->gm + (size_t)node * G;
        for (size_t g = 0; g < G; g++) {
            if (!(mask >> g & 1u))
                continue;
            if (gm[g] == 1000) {
                nd->free_whole--;
                s->free_whole_total--;
            }
            gm[g] = (int16_t)(gm[g] - (jb->milli < 1000 ? jb->milli : 1000));
        }
        nd->njobs++;
    }
    r->state = GA_JOB_RUNNING;
    r->start_t = s->t;
    s->busy_gpus += d;
    running_add(s, j);
    return heap_push(s, s->t + r->remaining, K_FINISH, j, r->gen);
}

/* Stop a running job (preemption): back to the queue with its remaining
 * work plus the restart cost. */
static int stop_job(ga_sim *s, int32_t j)
{
    ga_rjob *r = &s->rj[j];
    double d = job_demand(s, j);
    double ran = s->t - r->start_t;
    s->busy_gpu_s += d * ran;
    ga_sim_charge(s, j, ran);
    s->busy_gpus -= d;
    r->remaining = GA_MAX(0.0, r->remaining - ran) + s->cfg->restart_s;
    r->gen++;
    unplace(s, j);
    running_del(s, j);
    return queue_insert(s, j);
}

static int job_on_node(const ga_sim *s, int32_t j, int32_t i)
{
    const ga_rjob *r = &s->rj[j];
    if (r->span_n == 0)
        return r->node == i;
    for (int32_t k = 0; k < r->span_n; k++)
        if (s->span[r->span_off + k] == i)
            return 1;
    return 0;
}

static int preempt_node(ga_sim *s, int32_t i)
{
    ga_node *nd = &s->nodes[i];
    if (nd->state == GA_NODE_READY && nd->njobs > 0) {
        /* the running list changes as jobs stop: walk it from the end */
        for (size_t p = s->nrun; p-- > 0;) {
            if (p >= s->nrun)
                continue;
            int32_t j = s->running[p];
            if (job_on_node(s, j, i) && stop_job(s, j))
                return -1;
        }
    }
    s->preemptions++;
    release(s, i);
    s->dirty = 1;
    return 0;
}

/* ---- scheduling ---- */

static int cmp_end(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The head's reservation: the earliest time enough GPUs are free, and how
 * many GPUs beyond its need are free then. */
static int reservation(ga_sim *s, double need, double *shadow, double *extra)
{
    double freeg = (double)s->free_whole_total;
    if (freeg >= need) {
        *shadow = s->t;
        *extra = freeg - need;
        return 0;
    }
    if (ga_grow((void **)&s->scratch, &s->scratch_cap, 2 * s->nrun + 2, sizeof *s->scratch))
        return -1;
    for (size_t p = 0; p < s->nrun; p++) {
        int32_t j = s->running[p];
        s->scratch[2 * p] = s->rj[j].start_t + s->rj[j].remaining;
        s->scratch[2 * p + 1] = job_demand(s, j);
    }
    qsort(s->scratch, s->nrun, 2 * sizeof *s->scratch, cmp_end);
    for (size_t p = 0; p < s->nrun; p++) {
        freeg += s->scratch[2 * p + 1];
        if (freeg >= need) {
            *shadow = s->scratch[2 * p];
            *extra = freeg - need;
            return 0;
        }
    }
    *shadow = INFINITY;
    *extra = 0;
    return 0;
}

/* One pass over the queue: positions before from are known not to fit
 * (nothing was freed since the last pass, only arrivals came). */
static int sched_pass(ga_sim *s, size_t from)
{
    if (s->qlen == 0)
        return 0;
    size_t limit = (size_t)s->cfg->backfill_depth + 1;
    if (limit > s->qlen)
        limit = s->qlen;
    int blocked = 0, have_res = 0;
    double shadow = 0, extra = 0;
    size_t w = 0, p = 0;
    /* a pass only takes capacity: once a size failed to fit, every job as
     * large fails too (whole GPUs and milli of one GPU apart) */
    int32_t fail_whole = INT32_MAX, fail_milli = INT32_MAX;
    for (; p < limit; p++) {
        int32_t j = s->queue[p];
        const ga_job *jb = &s->tr->jobs[j];
        int placed = 0, fits = 0;
        int32_t node = -1;
        uint32_t mask = 0;
        if (p >= from) {
            int frac = jb->milli < 1000;
            int32_t size = frac ? jb->milli : jb->gpus;
            if (size < (frac ? fail_milli : fail_whole)) {
                fits = find_place(s, j, &node, &mask);
                if (!fits && frac)
                    fail_milli = size;
                else if (!fits)
                    fail_whole = size;
            }
        }
        if (fits) {
            int ok = 1;
            if (blocked) {
                double d = job_demand(s, j);
                if (!have_res) {
                    if (reservation(s, job_demand(s, s->head_job), &shadow, &extra))
                        return -1;
                    have_res = 1;
                }
                if (s->t + s->rj[j].remaining <= shadow)
                    ok = 1;
                else if (d <= extra + 1e-9)
                    extra -= d;
                else
                    ok = 0;
            }
            if (ok) {
                if (start_job(s, j, node, mask))
                    return -1;
                placed = 1;
            }
        } else if (!blocked) {
            blocked = 1;
            s->head_job = j;
        }
        if (!placed)
            s->queue[w++] = j;
    }
    if (w < p) {
        memmove(s->queue + w, s->queue + p, (s->qlen - p) * sizeof *s->queue);
        s->qlen -= p - w;
    }
    return 0;
}

/* ---- streams ---- */

static double next_arrival_t(const ga_sim *s)
{
    return s->next_arrival < s->tr->n ? s->tr->jobs[s->next_arrival].submit : INFINITY;
}

static void set_spot_cap(ga_sim *s)
{
    const gpuarb_sim_config *c = s->cfg;
    if (!c->has_spot) {
        s->spot_cap = 0;
        return;
    }
    if (c->navail == 0) {
        s->spot_cap = -1;
        return;
    }
    double v = c->avail[s->avail_i];
    int was_open = s->spot_cap != 0;
    s->spot_cap = c->avail_is_count ? (int64_t)v : (v > 0 ? -1 : 0);
    if (s->spot_cap != 0 && !was_open)
        s->spot_open_since = s->t;
}

static int on_avail(ga_sim *s)
{
    const gpuarb_sim_config *c = s->cfg;
    s->avail_i = (s->avail_i + 1) % c->navail;
    s->avail_next_t += c->avail_gap_s;
    set_spot_cap(s);
    if (s->spot_cap < 0)
        return 0;
    /* the market shrank below what we hold: the newest spot nodes go */
    for (size_t q = s->nlive; q-- > 0 && spot_nodes(s) > s->spot_cap;) {
        if (q >= s->nlive)
            continue;
        size_t i = (size_t)s->live[q];
        ga_node *nd = &s->nodes[i];
        if (nd->spot && nd->state != GA_NODE_GONE && preempt_node(s, (int32_t)i))
            return -1;
    }
    return 0;
}

/* ---- the run ---- */

static void finish_run(ga_sim *s)
{
    /* jobs still queued or running at the end: their time so far counts */
    for (size_t p = 0; p < s->qlen; p++) {
        int32_t j = s->queue[p];
        double d = job_demand(s, j);
        s->rj[j].wait += s->t - s->rj[j].enq_t;
        s->wait_gpu_s_closed += d * (s->t - s->rj[j].enq_t);
    }
    s->queued_gpus = s->q_enq_sum = 0;
    for (size_t p = 0; p < s->nrun; p++) {
        int32_t j = s->running[p];
        s->busy_gpu_s += job_demand(s, j) * (s->t - s->rj[j].start_t);
        ga_sim_charge(s, j, s->t - s->rj[j].start_t);
    }
    while (s->nlive > 0)
        release(s, s->live[s->nlive - 1]);
    s->end_t = s->t;
    s->finished = 1;
}

int ga_sim_advance(gpuarb_ctx *ctx, ga_sim *s)
{
    const gpuarb_trace *tr = s->tr;
    while (!s->finished) {
        if (s->next_arrival >= tr->n && s->qlen == 0 && s->nrun == 0) {
            finish_run(s);
            break;
        }
        if (s->t > s->horizon) {
            finish_run(s);
            break;
        }
        /* the next event: heap top or a stream, by (time, kind) */
        double t = INFINITY;
        int32_t kind = 99;
        if (s->nheap) {
            t = s->heap[0].t;
            kind = s->heap[0].kind;
        }
        double ta = next_arrival_t(s);
        if (s->cfg->navail && (s->avail_next_t < t || (s->avail_next_t == t && K_AVAIL < kind)))
            t = s->avail_next_t, kind = K_AVAIL;
        if (ta < t || (ta == t && K_ARRIVAL < kind))
            t = ta, kind = K_ARRIVAL;
        if (s->next_decide < t || (s->next_decide == t && K_DECIDE < kind))
            t = s->next_decide, kind = K_DECIDE;
        if (t > s->t)
            s->t = t;
        s->events++;
        if (kind == K_DECIDE) {
            s->next_decide += s->cfg->interval_s;
            if (s->dirty || s->new_from < s->qlen) {
                if (sched_pass(s, s->dirty ? 0 : s->new_from))
                    goto oom;
                s->dirty = 0;
                s->new_from = s->qlen;
            }
            return 1;
        }
        if (kind == K_ARRIVAL) {
            int32_t j = (int32_t)s->next_arrival++;
            const ga_job *jb = &tr->jobs[j];
            s->arrived_gpus_iv += ga_job_gpus(jb);
            if ((int64_t)jb->gpus > (int64_t)s->cfg->max_nodes * s->G) {
                s->rj[j].state = GA_JOB_NEVER;
                s->jobs_never++;
            } else {
                if (s->new_from > s->qlen)
                    s->new_from = s->qlen;
                queue_insert(s, j);
            }
        } else if (kind == K_AVAIL) {
            if (on_avail(s))
                goto oom;
        } else {
            ga_event e = heap_pop(s);
            if (e.kind == K_FINISH) {
                ga_rjob *r = &s->rj[e.a];
                if (r->gen == e.gen && r->state == GA_JOB_RUNNING) {
                    s->busy_gpu_s += job_demand(s, e.a) * (s->t - r->start_t);
                    ga_sim_charge(s, e.a, s->t - r->start_t);
                    s->busy_gpus -= job_demand(s, e.a);
                    unplace(s, e.a);
                    running_del(s, e.a);
                    r->state = GA_JOB_DONE;
                    r->remaining = 0;
                    s->jobs_done++;
                    s->dirty = 1;
                } else {
                    s->events--;
                }
            } else if (e.kind == K_READY) {
                ga_node *nd = &s->nodes[e.a];
                if (nd->gen == e.gen && nd->state == GA_NODE_PENDING) {
                    (*market_count(s, nd->spot, GA_NODE_PENDING))--;
                    (*market_count(s, nd->spot, GA_NODE_READY))++;
                    nd->state = GA_NODE_READY;
                    nd->ready_t = s->t;
                    nd->idle_since = s->t;
                    nd->free_whole = s->G;
                    s->free_whole_total += s->G;
                    for (int32_t g = 0; g < s->G; g++)
                        s->gm[(size_t)e.a * (size_t)s->G + (size_t)g] = 1000;
                    s->dirty = 1;
                } else {
                    s->events--;
                }
            } else if (e.kind == K_PREEMPT) {
                ga_node *nd = &s->nodes[e.a];
                if (nd->gen == e.gen && nd->state != GA_NODE_GONE) {
                    if (preempt_node(s, e.a))
                        goto oom;
                } else {
                    s->events--;
                }
            }
        }
        /* schedule once every event of this instant has run */
        double tn = s->nheap ? s->heap[0].t : INFINITY;
        tn = GA_MIN(tn, next_arrival_t(s));
        if (s->cfg->navail)
            tn = GA_MIN(tn, s->avail_next_t);
        if (tn > s->t && (s->dirty || s->new_from < s->qlen)) {
            if (sched_pass(s, s->dirty ? 0 : s->new_from))
                goto oom;
            s->dirty = 0;
            s->new_from = s->qlen;
        }
    }
    return 0;
oom:
    ga_nomem(ctx);
    return -1;
}

static int cmp_idle(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Give back up to n idle ready nodes of a market, longest idle first. */
static int drop_idle(ga_sim *s, int32_t spot, int32_t n, double min_idle_s)
{
    if (n <= 0)
        return 0;
    size_t m = 0;
    if (ga_grow((void **)&s->scratch, &s->scratch_cap, 2 * s->nlive + 2, sizeof *s->scratch))
        return -1;
    for (size_t q = 0; q < s->nlive; q++) {
        size_t i = (size_t)s->live[q];
        const ga_node *nd = &s->nodes[i];
        if (nd->state == GA_NODE_READY && nd->spot == spot && nd->njobs == 0 &&
            s->t - nd->idle_since >= min_idle_s) {
            s->scratch[2 * m] = nd->idle_since;
            s->scratch[2 * m + 1] = (double)i;
            m++;
        }
    }
    qsort(s->scratch, m, 2 * sizeof *s->scratch, cmp_idle);
    for (size_t k = 0; k < m && (int32_t)k < n; k++)
        release(s, (int32_t)s->scratch[2 * k + 1]);
    return 0;
}

gpuarb_status ga_sim_apply(gpuarb_ctx *ctx, ga_sim *s, const ga_sim_action *act)
{
    const gpuarb_sim_config *c = s->cfg;
    int32_t before = live_nodes(s);
    if (act->move_od > 0) {
        /* the busy on-demand nodes with the fewest jobs first, ties to the
         * newest (least work done on them is lost the least) */
        int32_t moved = 0;
        while (moved < act->move_od) {
            int32_t pick = -1, pick_jobs = INT32_MAX;
            for (size_t q = s->nlive; q-- > 0;) {
                const ga_node *nd = &s->nodes[s->live[q]];
                if (!nd->spot && nd->state == GA_NODE_READY && nd->njobs > 0 &&
                    nd->njobs < pick_jobs)
                    pick = s->live[q], pick_jobs = nd->njobs;
            }
            if (pick < 0)
                break;
            for (size_t p = s->nrun; p-- > 0;) {
                if (p >= s->nrun)
                    continue;
                int32_t j = s->running[p];
                if (job_on_node(s, j, pick) && stop_job(s, j))
                    return ga_nomem(ctx);
            }
            release(s, pick);
            s->moves++;
            moved++;
        }
        if (moved && sched_pass(s, 0))
            return ga_nomem(ctx);
        s->new_from = s->qlen;
    }
    int32_t drop_od = act->drop_od;
    int32_t od_live = s->n_od[0] + s->n_od[1];
    if (od_live - drop_od < c->min_nodes)
        drop_od = od_live - c->min_nodes;
    if (drop_idle(s, 0, drop_od, act->min_idle_s) ||
        drop_idle(s, 1, act->drop_spot, act->min_idle_s))
        return ga_nomem(ctx);
    int32_t add_od = c->od_price >= 0 ? GA_MAX(act->add_od, 0) : 0;
    if (c->od_price >= 0 && s->n_od[0] + s->n_od[1] + add_od < c->min_nodes)
        add_od = c->min_nodes - (s->n_od[0] + s->n_od[1]);
    int32_t add_spot = c->has_spot ? GA_MAX(act->add_spot, 0) : 0;
    for (int32_t k = 0; k < add_od && live_nodes(s) < c->max_nodes; k++)
        if (launch(s, 0))
            return ga_nomem(ctx);
    for (int32_t k = 0; k < add_spot && live_nodes(s) < c->max_nodes; k++) {
        if (s->spot_cap >= 0 && spot_nodes(s) >= s->spot_cap) {
            s->spot_rejected += add_spot - k;
            break;
        }
        if (launch(s, 1))
            return ga_nomem(ctx);
    }
    s->decisions++;
    s->arrived_gpus_iv = 0;
    /* nothing can change any more: no arrivals to come, nothing running or
     * coming up, the policy buys nothing, for a day and a whole period of
     * the spot series (which could reopen the market) - the run is stuck */
    if (s->next_arrival >= s->tr->n && s->nrun == 0 && s->n_od[0] + s->n_spot[0] == 0 &&
        live_nodes(s) <= before && s->qlen > 0 && !s->dirty) {
        if (s->idle_decisions++ == 0)
            s->stall_since = s->t;
        double span = GA_MAX(86400.0, (double)c->navail * c->avail_gap_s);
        if (s->t - s->stall_since >= span) {
            s->stalled = 1;
            finish_run(s);
        }
    } else {
        s->idle_decisions = 0;
    }
    return GPUARB_OK;
}

gpuarb_status ga_sim_run(gpuarb_ctx *ctx, ga_sim *s, ga_policy_fn fn, void *arg)
{
    int r;
    while ((r = ga_sim_advance(ctx, s)) == 1) {
        ga_sim_action act = {0, 0, 0, 0, 0};
        gpuarb_status st = fn(arg, ctx, s, &act);
        if (st)
            return st;
        if ((st = ga_sim_apply(ctx, s, &act)))
            return st;
    }
    return r < 0 ? GPUARB_ERR_NOMEM : GPUARB_OK;
}

/* ---- creation ---- */

gpuarb_status ga_sim_new(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg, const gpuarb_trace *tr,
                         uint64_t seed, ga_sim **out)
{
    *out = NULL;
    /* The running time: a decision every interval and a spot tick every gap
     * from the first arrival to the horizon, busy or idle.  A trace whose
     * arrivals span centuries (submit_s goes to 1e12) would loop for hours;
     * refuse it before any work (found by fuzz/fuzz_trace.c). */
    double first = tr->n ? tr->jobs[0].submit : 0, last = tr->n ? tr->jobs[tr->n - 1].submit : 0;
    double span = last + cfg->max_days * 86400.0 - floor(first / cfg->interval_s) * cfg->interval_s;
    double steps = span / cfg->interval_s + (cfg->navail ? span / cfg->avail_gap_s : 0);
    if (!(steps <= GA_SIM_MAX_STEPS))
        return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL,
                        "simulate: arrivals from %.0f s to %.0f s plus max_days (%g) make %.3g "
                        "decision intervals and spot ticks, more than the limit of %.0e; use a "
                        "window of the trace, a longer decision_interval_s or fewer max_days",
                        first, last, cfg->max_days, steps, GA_SIM_MAX_STEPS);
    ga_sim *s = ga_calloc(1, sizeof *s);
    if (!s)
        return ga_nomem(ctx);
    s->cfg = cfg;
    s->tr = tr;
    s->seed = seed;
    s->G = cfg->node_gpus;
    ga_rng_seed(&s->rng, seed, 0x51u);
    size_t n = tr->n;
    s->rj = ga_calloc(n ? n : 1, sizeof *s->rj);
    s->queue = ga_mallocarray(n ? n : 1, sizeof *s->queue);
    s->running = ga_mallocarray(n ? n : 1, sizeof *s->running);
    s->run_pos = ga_mallocarray(n ? n : 1, sizeof *s->run_pos);
    if (tr->has_labels) {
        /* per-job costs for the attribution by label (attr.c) */
        s->job_cost = ga_calloc(n ? n : 1, sizeof *s->job_cost);
        s->job_gpu_s = ga_calloc(n ? n : 1, sizeof *s->job_gpu_s);
    }
    if (!s->rj || !s->queue || !s->running || !s->run_pos ||
        (tr->has_labels && (!s->job_cost || !s->job_gpu_s))) {
        ga_sim_free(s);
        return ga_nomem(ctx);
    }
    size_t span_total = 0;
    for (size_t j = 0; j < n; j++) {
        s->rj[j].remaining = tr->jobs[j].dur;
        s->rj[j].node = -1;
        s->run_pos[j] = -1;
        if (tr->jobs[j].gpus > s->G) {
            s->rj[j].span_off = (int32_t)span_total;
            span_total += (size_t)((tr->jobs[j].gpus + s->G - 1) / s->G);
        }
    }
    s->span = span_total <= INT32_MAX ? ga_mallocarray(span_total ? span_total : 1, sizeof *s->span)
                                      : NULL;
    if (!s->span) {
        ga_sim_free(s);
        return ga_nomem(ctx);
    }
    /* decisions on the interval grid from the first arrival's interval */
    s->next_decide = floor(first / cfg->interval_s) * cfg->interval_s;
    s->t = s->next_decide;
    s->horizon = last + cfg->max_days * 86400.0;
    if (cfg->navail) {
        if (cfg->avail_start_s >= 0) {
            double k = floor(cfg->avail_start_s / cfg->avail_gap_s);
            s->avail_i = (size_t)fmod(k, (double)cfg->navail);
        } else {
            s->avail_i = (size_t)ga_rng_below(&s->rng, cfg->navail);
        }
        s->avail_next_t = s->t + cfg->avail_gap_s;
    }
    set_spot_cap(s);
    s->new_from = 0;
    *out = s;
    return GPUARB_OK;
}

void ga_sim_free(ga_sim *s)
{
    if (!s)
        return;
    free(s->nodes);
    free(s->live);
    free(s->gm);
    free(s->rj);
    free(s->span);
    free(s->queue);
    free(s->running);
    free(s->run_pos);
    free(s->heap);
    free(s->scratch);
    free(s->job_cost);
    free(s->job_gpu_s);
    free(s);
}

/* ---- what policies see ---- */

void ga_sim_view_get(const ga_sim *s, ga_sim_view *v)
{
    const gpuarb_sim_config *c = s->cfg;
    memset(v, 0, sizeof *v);
    v->t = s->t;
    v->node_gpus = s->G;
    v->max_nodes = c->max_nodes;
    v->od_pending = s->n_od[0];
    v->od_ready = s->n_od[1];
    v->spot_pending = s->n_spot[0];
    v->spot_ready = s->n_spot[1];
    v->queued_jobs = (int32_t)s->qlen;
    v->has_spot = c->has_spot;
    v->spot_open = c->has_spot && (s->spot_cap < 0 || spot_nodes(s) < s->spot_cap);
    v->spot_open_s = c->has_spot && s->spot_cap != 0 ? s->t - s->spot_open_since : 0;
    v->queued_gpus = GA_MAX(0.0, s->queued_gpus);
    v->busy_gpus = GA_MAX(0.0, s->busy_gpus);
    v->free_gpus = (double)s->free_whole_total;
    v->oldest_wait_s = s->qlen ? s->t - s->rj[s->queue[0]].enq_t : 0;
    v->arrived_gpus = s->arrived_gpus_iv;
    v->interval_s = c->interval_s;
    v->delay_s = c->delay_s;
    v->od_price = c->od_price;
    v->spot_price = c->spot_price;
    v->wait_penalty = c->wait_penalty;
}

int32_t ga_sim_busy_count(const ga_sim *s, int32_t spot)
{
    int32_t n = 0;
    for (size_t q = 0; q < s->nlive; q++) {
        const ga_node *nd = &s->nodes[s->live[q]];
        if (nd->state == GA_NODE_READY && nd->spot == spot && nd->njobs > 0)
            n++;
    }
    return n;
}

int32_t ga_sim_idle_count(const ga_sim *s, int32_t spot, double idle_s)
{
    int32_t n = 0;
    for (size_t q = 0; q < s->nlive; q++) {
        const ga_node *nd = &s->nodes[s->live[q]];
        if (nd->state == GA_NODE_READY && nd->spot == spot && nd->njobs == 0 &&
            s->t - nd->idle_since >= idle_s)
            n++;
    }
    return n;
}

static double clip01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

void ga_sim_observe(const ga_sim *s, double *obs)
{
    ga_sim_view v;
    ga_sim_view_get(s, &v);
    double cap = (double)v.max_nodes * v.node_gpus;
    double mn = (double)v.max_nodes;
    double day = fmod(v.t, 86400.0) / 86400.0 * 2.0 * 3.14159265358979323846;
    obs[0] = clip01(v.queued_gpus / cap);
    obs[1] = clip01(v.busy_gpus / cap);
    obs[2] = clip01(v.free_gpus / cap);
    obs[3] = clip01(v.od_ready / mn);
    obs[4] = clip01(v.spot_ready / mn);
    obs[5] = clip01((v.od_pending + v.spot_pending) / mn);
    obs[6] = clip01(v.oldest_wait_s / 36000.0);
    obs[7] = clip01(v.arrived_gpus / cap);
    obs[8] = 0.5 + 0.5 * sin(day);
    obs[9] = 0.5 + 0.5 * cos(day);
    obs[10] = v.spot_open;
    obs[11] = clip01((ga_sim_idle_count(s, 0, v.interval_s) + ga_sim_idle_count(s, 1, v.interval_s)) /
                     mn);
}

double ga_sim_objective_now(const ga_sim *s)
{
    double cost = s->cost_closed + (s->price_open * s->t - s->price_t_open) / 3600.0;
    double wait_gpu_s = s->wait_gpu_s_closed + (s->queued_gpus * s->t - s->q_enq_sum);
    return cost + s->cfg->wait_penalty * wait_gpu_s / 3600.0;
}

/* ---- results ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

gpuarb_status ga_sim_result_fill(gpuarb_ctx *ctx, const ga_sim *s, gpuarb_sim_result *res)
{
    size_t n = s->tr->n;
    double *w = ga_mallocarray(n ? n : 1, sizeof *w);
    if (!w)
        return ga_nomem(ctx);
    size_t m = 0;
    double sum = 0;
    for (size_t j = 0; j < n; j++) {
        const ga_rjob *r = &s->rj[j];
        if (r->state == GA_JOB_NEVER || r->state == GA_JOB_FUTURE)
            continue;
        w[m++] = r->wait;
        sum += r->wait;
    }
    qsort(w, m, sizeof *w, cmp_double);
    double p95 = 0;
    if (m) {
        size_t k = (size_t)ceil(0.95 * (double)m); /* nearest rank */
        p95 = w[k ? k - 1 : 0];
    }
    free(w);
    res->seed = s->seed;
    res->jobs = (int64_t)n;
    res->jobs_done = s->jobs_done;
    res->jobs_never = s->jobs_never;
    res->preemptions = s->preemptions;
    res->events = s->events;
    res->spot_rejected = s->spot_rejected;
    res->decisions = s->decisions;
    res->moves = s->moves;
    double open_cost = (s->price_open * s->t - s->price_t_open) / 3600.0;
    res->cost = s->cost_closed + open_cost;
    res->gpu_hours_paid = (s->gpu_s_paid_closed + (s->gpus_open * s->t - s->gpus_t_open)) / 3600.0;
    res->gpu_hours_busy = s->busy_gpu_s / 3600.0;
    res->utilization = res->gpu_hours_paid > 0 ? res->gpu_hours_busy / res->gpu_hours_paid : 0;
    res->mean_wait_h = m ? sum / (double)m / 3600.0 : 0;
    res->p95_wait_h = p95 / 3600.0;
    res->wait_gpu_hours = (s->wait_gpu_s_closed + (s->queued_gpus * s->t - s->q_enq_sum)) / 3600.0;
    res->objective = res->cost + s->cfg->wait_penalty * res->wait_gpu_hours;
    double t0 = n ? floor(s->tr->jobs[0].submit / s->cfg->interval_s) * s->cfg->interval_s : 0;
    res->sim_hours = ((s->finished ? s->end_t : s->t) - t0) / 3600.0;
    res->stalled = s->stalled;
    return GPUARB_OK;
}

/* ---- the queue's node need, through the packing module ---- */

static int cmp_desc_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x > y ? -1 : x < y;
}

/* At most this many queued jobs are packed (the head of the queue). */
#define QUEUE_PACK_MAX 4096

int64_t ga_sim_queue_nodes(const ga_sim *s)
{
    return ga_sim_queue_bins(s, NULL, 0);
}

static int cmp_desc_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

int64_t ga_sim_queue_bins(const ga_sim *s, double *load, size_t cap)
{
    size_t n = GA_MIN(s->qlen, (size_t)QUEUE_PACK_MAX);
    if (n == 0)
        return 0;
    int64_t C = (int64_t)s->G * 1000, whole_nodes = 0;
    int64_t *w = ga_mallocarray(n, sizeof *w);
    int32_t *bin = ga_mallocarray(n, sizeof *bin);
    double *bl = ga_calloc(n + 1, sizeof *bl);
    if (!w || !bin || !bl) {
        free(w);
        free(bin);
        free(bl);
        return -1;
    }
    size_t m = 0;
    for (size_t p = 0; p < n; p++) {
        const ga_job *jb = &s->tr->jobs[s->queue[p]];
        if (jb->gpus > s->G)
            whole_nodes += (jb->gpus + s->G - 1) / s->G;
        else
            w[m++] = jb->milli < 1000 ? jb->milli : (int64_t)jb->gpus * 1000;
    }
    qsort(w, m, sizeof *w, cmp_desc_i64);
    int64_t total = 0;
    for (size_t i = 0; i < m; i++)
        total += w[i];
    ga_bpp p = {w, m, C, total};
    ga_bpp_sol sol = {bin, 0};
    int rc = ga_bpp_ffd(&p, &sol);
    if (!rc)
        for (size_t i = 0; i < m; i++)
            bl[bin[i]] += (double)w[i] / 1000.0;
    free(w);
    free(bin);
    if (rc) {
        free(bl);
        return -1;
    }
    /* the free whole GPUs of ready nodes take the fullest bins first (the
     * FIFO scheduler starts the large jobs they hold there) */
    int64_t nb = sol.nbins;
    qsort(bl, (size_t)nb, sizeof *bl, cmp_desc_d);
    int64_t have = s->free_whole_total / s->G;
    int64_t skip = GA_MIN(have, nb);
    int64_t need = nb - skip + whole_nodes;
    if (have > nb)
        need = GA_MAX(0, need - (have - nb));
    /* the bins left to buy, fullest first: whole-node spans, then the rest */
    size_t k = 0;
    for (int64_t i = 0; i < whole_nodes && k < cap && k < (size_t)need; i++)
        load[k++] = (double)s->G;
    for (int64_t i = skip; i < nb && k < cap && k < (size_t)need; i++)
        load[k++] = bl[i];
    free(bl);
    return need;
}
