/*
 * mig_place.c - gpuarb_mig_place: MIG instances and GPU shares onto GPUs
 * that may already hold instances (SPEC section 5).
 *
 * Objective, lexicographic: place as many requests as possible, higher
 * priority first; then use as few GPUs as possible (objective min_gpus;
 * spread uses as many); then keep free space unfragmented: the sum over
 * GPUs of the largest profile still creatable on each (mig.h's rank).
 *
 * Requests are first put in a canonical order (priority, size, kind,
 * profile, name), so the answer never depends on the order they are listed
 * in.  One GPU's layout is always solved exactly (mig_slots.c): the
 * instances assigned to a GPU are re-placed together, so three 1g then a
 * 4g on one GPU is found as the 4g at 0 and the 1g's at 4-6.
 *
 * Across GPUs: a greedy over classes of identical GPU states (same model,
 * same layout, same new instances or share load) so 10,000 GPUs cost as
 * much as the few hundred states among them; each request goes to the best
 * class (a used GPU before an idle one; then the GPU where the request takes
 * the smallest share of the GPU, so a 1g.10gb goes to an H100 before taking
 * two slots of an A100-40GB; then the tightest fit, leaving the largest
 * profile still creatable, then the smaller model),
 * and the lowest-indexed GPU of that class.  Small cases (at most
 * MP_EXACT_REQS requests and MP_EXACT_GPUS GPUs) are then searched exactly
 * by branch and bound over request-to-GPU assignments (identical requests
 * in non-decreasing GPU order, one idle GPU per model); when its node
 * budget runs out the better of the two is kept and not called exact.
 * gpus_lower_bound is max(GPUs with existing instances, ceil of the summed
 * memory-slot shares, ceil of the summed compute shares), each instance
 * and request counted with its smallest share over the tables it may use
 * and a GPU share with its fraction in both (no GPU holds more than 1 of
 * either).
 *
 * allow_moves: a MIG request that fits on no GPU as it stands may re-create
 * existing instances of one GPU at other start slots; the GPU with the
 * fewest such moves is chosen (exact per GPU).  Moves never cross GPUs.
 *
 * Returns GPUARB_OK with a result, GPUARB_ERR_ARG, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/gpumodel.h"
#include "mig/mig.h"

#define MP_EXACT_REQS 12
#define MP_EXACT_GPUS 12
#define MP_EXACT_NODES 400000

/* One GPU's state during the search. */
typedef struct gst {
    int32_t mode;                  /* 0 idle, 1 MIG, 2 shared */
    int32_t nfixed;
    ga_mig_inst fixed[GA_MIG_SLOTS];
    int32_t nadd;
    int32_t add[GA_MIG_SLOTS];     /* profile index per new instance */
    int32_t milli;                 /* shares: thousandths in use */
    double mem;                    /* shares: GB in use */
} gst;

/* A request resolved against the problem. */
typedef struct rq {
    const ga_mp_req *q;
    int32_t idx;                   /* index in the problem */
    int32_t level;                 /* priority level (0 = highest) */
    double demand;                 /* max of the two below (sort key) */
    double dslot, dcomp;           /* smallest memory-slot and compute share of a
                                      GPU it may take (shares: the fraction) */
    double size;                   /* sort key */
} rq;

typedef struct mp {
    gpuarb_ctx *ctx;
    const gpuarb_mig_problem *p;
    rq *r;                         /* canonical order */
    int32_t nr, nlevels, ng;
    const ga_mig_table *tabs[16];  /* the distinct MIG tables of the GPUs */
    int32_t ntab;
    int32_t *gtab;                 /* per GPU: index into tabs, -1 no MIG */
    int32_t *prof;                 /* nr x ntab: profile index in the table, -1 none */
    gst *g;
    int32_t *assign;               /* per canonical request: GPU or -1 */
    int32_t *moved;                /* per GPU: some existing instance moved */
} mp;

/* ---- helpers on one GPU ---- */

/* Request k's profile index on GPU gi's table, -1 when it has none. */
static int32_t prof_of(const mp *m, int32_t k, int32_t gi)
{
    int32_t ti = m->gtab[gi];
    return ti < 0 ? -1 : m->prof[(size_t)k * (size_t)m->ntab + (size_t)ti];
}

static int32_t gpu_layout(const mp *m, int32_t gi, const gst *s, int32_t *out)
{
    const ga_mp_gpu *G = &m->p->gpus[gi];
    if (s->mode != 1)
        return 1;
    return ga_mig_solve_gpu(G->t, s->fixed, s->nfixed, 0, s->add, s->nadd, out);
}

/* Rank of the largest profile creatable (shares: free thousandths scaled to
 * the same 0..64 range; an idle GPU: its whole size). */
static int32_t gpu_free_rank(const mp *m, int32_t gi, const gst *s)
{
    const ga_mp_gpu *G = &m->p->gpus[gi];
    if (s->mode == 2)
        return (1000 - s->milli) * 64 / 1000;
    if (!G->t)
        return s->mode == 0 ? 64 : 0;
    int32_t out[2 * GA_MIG_SLOTS], count[GA_MIG_MAX_PROFILES] = {0}, compute = 0;
    uint32_t used = 0;
    if (!gpu_layout(m, gi, s, out))
        return 0;
    for (int32_t i = 0; i < s->nfixed + s->nadd; i++) {
        int32_t p = i < s->nfixed ? s->fixed[i].profile : s->add[i - s->nfixed];
        const ga_mig_profile *pr = &G->t->profiles[p];
        used |= ((1u << pr->size) - 1u) << out[i];
        count[p]++;
        compute += pr->compute;
    }
    return ga_mig_largest_free(G->t, used, count, compute);
}

/* Can request k go onto GPU gi in state s (without moves)? */
static int fits(const mp *m, int32_t k, int32_t gi, const gst *s)
{
    const ga_mp_req *q = m->r[k].q;
    const ga_mp_gpu *G = &m->p->gpus[gi];
    if (q->model >= 0 && q->model != G->model)
        return 0;
    if (q->kind == GA_MP_SHARE) {
        if (s->mode == 1)
            return 0;
        return s->milli + q->milli <= 1000 && s->mem + q->memory_gb <= G->memory_gb + 1e-9;
    }
    int32_t p = prof_of(m, k, gi);
    if (p < 0 || s->mode == 2 || s->nfixed + s->nadd >= G->t->slots)
        return 0;
    gst t = *s;
    t.add[t.nadd++] = p;
    t.mode = 1;
    int32_t out[2 * GA_MIG_SLOTS];
    return gpu_layout(m, gi, &t, out);
}

static void apply(const mp *m, int32_t k, int32_t gi, gst *s)
{
    const ga_mp_req *q = m->r[k].q;
    if (q->kind == GA_MP_SHARE) {
        s->mode = 2;
        s->milli += q->milli;
        s->mem += q->memory_gb;
    } else {
        s->mode = 1;
        s->add[s->nadd++] = prof_of(m, k, gi);
    }
}

static void init_state(const ga_mp_gpu *G, gst *s)
{
    memset(s, 0, sizeof *s);
    s->nfixed = G->ninst;
    memcpy(s->fixed, G->inst, sizeof s->fixed);
    s->mode = G->ninst > 0 ? 1 : 0;
}

/* ---- the objective of a full assignment ---- */

typedef struct obj {
    int32_t placed[64];            /* per priority level (capped at 64 levels) */
    int32_t used;
    int64_t frag;                  /* higher is better */
} obj;

/* <0 a worse than b, 0 equal, >0 better. */
static int obj_cmp(const mp *m, const obj *a, const obj *b)
{
    int32_t nl = m->nlevels < 64 ? m->nlevels : 64;
    for (int32_t l = 0; l < nl; l++)
        if (a->placed[l] != b->placed[l])
            return a->placed[l] > b->placed[l] ? 1 : -1;
    if (a->used != b->used)
        return (m->p->spread ? a->used > b->used : a->used < b->used) ? 1 : -1;
    if (a->frag != b->frag)
        return a->frag > b->frag ? 1 : -1;
    return 0;
}

static void eval(const mp *m, const gst *g, const int32_t *assign, obj *o)
{
    memset(o, 0, sizeof *o);
    for (int32_t k = 0; k < m->nr; k++)
        if (assign[k] >= 0 && m->r[k].level < 64)
            o->placed[m->r[k].level]++;
    for (int32_t i = 0; i < m->ng; i++) {
        if (g[i].mode != 0)
            o->used++;
        o->frag += gpu_free_rank(m, i, &g[i]);
    }
}

/* ---- the greedy over classes of identical GPU states ---- */

typedef struct ckey {
    int32_t model, mode, nfixed, nadd, milli, pad;
    int64_t mem_mb;
    int16_t fixed[GA_MIG_SLOTS][2];
    int8_t add[GA_MIG_SLOTS];
} ckey;

typedef struct cls {
    ckey key;
    int32_t *heap;                 /* member GPU indices, min-heap */
    size_t n, cap;
    int8_t fit[GA_MIG_MAX_PROFILES + 1]; /* cache: -1 unknown; [MAX] shares unused */
    int32_t after[GA_MIG_MAX_PROFILES];  /* free rank after adding profile p */
    double score[GA_MIG_MAX_PROFILES];   /* fit_class's score for profile p */
} cls;

typedef struct ctab {
    cls *c;
    size_t n, cap;
    int32_t *act;                  /* classes with members (unordered) */
    size_t nact, acap;
    int32_t *slot;                 /* hash slots: class index + 1, 0 empty */
    size_t nslot;
} ctab;

static void make_key(const mp *m, int32_t gi, const gst *s, ckey *k)
{
    memset(k, 0, sizeof *k);
    k->model = m->p->gpus[gi].model;
    k->mode = s->mode;
    k->nfixed = s->nfixed;
    k->nadd = s->nadd;
    k->milli = s->milli;
    k->mem_mb = (int64_t)llround(s->mem * 1000.0);
    for (int32_t i = 0; i < s->nfixed; i++) {
        k->fixed[i][0] = (int16_t)s->fixed[i].profile;
        k->fixed[i][1] = (int16_t)s->fixed[i].start;
    }
    /* new instances as a sorted multiset */
    int32_t a[GA_MIG_SLOTS];
    memcpy(a, s->add, sizeof a);
    for (int32_t i = 1; i < s->nadd; i++)
        for (int32_t j = i; j > 0 && a[j - 1] > a[j]; j--) {
            int32_t t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
    for (int32_t i = 0; i < s->nadd; i++)
        k->add[i] = (int8_t)a[i];
}

static uint64_t key_hash(const ckey *k)
{
    const unsigned char *b = (const unsigned char *)k;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < sizeof *k; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* c gained its first member: list it as active. */
static int activate(ctab *t, int32_t c)
{
    if (ga_grow((void **)&t->act, &t->acap, t->nact + 1, sizeof *t->act))
        return -1;
    t->act[t->nact++] = c;
    return 0;
}

static int heap_push(cls *c, int32_t v)
{
    if (ga_grow((void **)&c->heap, &c->cap, c->n + 1, sizeof *c->heap))
        return -1;
    size_t i = c->n++;
    while (i > 0 && c->heap[(i - 1) / 2] > v) {
        c->heap[i] = c->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    c->heap[i] = v;
    return 0;
}

static int32_t heap_pop(cls *c)
{
    int32_t top = c->heap[0], v = c->heap[--c->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, s = i;
        int32_t sv = v;
        if (l < c->n && c->heap[l] < sv) {
            s = l;
            sv = c->heap[l];
        }
        if (r < c->n && c->heap[r] < sv)
            s = r;
        if (s == i)
            break;
        c->heap[i] = c->heap[s];
        i = s;
    }
    if (c->n)
        c->heap[i] = v;
    return top;
}

/* The class of key k (created when new): its index, or -1 out of memory. */
static int32_t class_of(ctab *t, const ckey *k)
{
    if (t->n * 2 + 2 > t->nslot) {
        size_t ns = t->nslot ? t->nslot * 2 : 256;
        int32_t *s = ga_calloc(ns, sizeof *s);
        if (!s)
            return -1;
        for (size_t i = 0; i < t->n; i++) {
            size_t h = (size_t)(key_hash(&t->c[i].key) & (ns - 1));
            while (s[h])
                h = (h + 1) & (ns - 1);
            s[h] = (int32_t)i + 1;
        }
        free(t->slot);
        t->slot = s;
        t->nslot = ns;
    }
    size_t h = (size_t)(key_hash(k) & (t->nslot - 1));
    while (t->slot[h]) {
        cls *c = &t->c[t->slot[h] - 1];
        if (memcmp(&c->key, k, sizeof *k) == 0)
            return t->slot[h] - 1;
        h = (h + 1) & (t->nslot - 1);
    }
    if (ga_grow((void **)&t->c, &t->cap, t->n + 1, sizeof *t->c))
        return -1;
    cls *c = &t->c[t->n];
    memset(c, 0, sizeof *c);
    c->key = *k;
    memset(c->fit, -1, sizeof c->fit);
    t->slot[h] = (int32_t)t->n + 1;
    return (int32_t)t->n++;
}

static void ctab_free(ctab *t)
{
    free(t->act);
    for (size_t i = 0; i < t->n; i++)
        free(t->c[i].heap);
    free(t->c);
    free(t->slot);
}

/* Score of putting request k into class c (lower is better), or -1 when it
 * does not fit.  Used GPUs before idle ones (min_gpus), tightest fit, then
 * the largest profile left creatable, then the smaller model. */
static int fit_class(mp *m, cls *c, int32_t k, double *score)
{
    int32_t gi = c->heap[0]; /* any member: they share one state */
    const gst *s = &m->g[gi];
    const ga_mp_req *q = m->r[k].q;
    const ga_mp_gpu *G = &m->p->gpus[gi];
    double resid, lfree, demand;
    if (q->kind == GA_MP_SHARE) {
        if (!fits(m, k, gi, s))
            return -1;
        resid = (double)(1000 - s->milli - q->milli) / 1000.0;
        lfree = 0;
        demand = q->milli / 1000.0;
    } else {
        int32_t p = prof_of(m, k, gi);
        if (p < 0 || (q->model >= 0 && q->model != G->model))
            return -1;
        if (c->fit[p] > 0 && !m->p->spread) {
            *score = c->score[p];
            return 0;
        }
        if (c->fit[p] < 0) {
            c->fit[p] = (int8_t)fits(m, k, gi, s);
            if (c->fit[p]) {
                gst t = *s;
                apply(m, k, gi, &t);
                c->after[p] = gpu_free_rank(m, gi, &t);
            }
        }
        if (!c->fit[p])
            return -1;
        int32_t su = G->t->profiles[p].size;
        for (int32_t i = 0; i < s->nfixed; i++)
            su += G->t->profiles[s->fixed[i].profile].size;
        for (int32_t i = 0; i < s->nadd; i++)
            su += G->t->profiles[s->add[i]].size;
        resid = (double)(G->t->slots - su) / (double)G->t->slots;
        lfree = c->after[p];
        const ga_mig_profile *pr = &G->t->profiles[p];
        demand = fmax((double)pr->size / G->t->slots, (double)pr->compute / G->t->compute);
    }
    int idle = s->mode == 0;
    double tier = m->p->spread ? (idle ? 0 : 1) : (idle ? 1 : 0);
    double sgn = m->p->spread ? -1.0 : 1.0;
    *score = tier * 1e12 + demand * 1e9 + sgn * resid * 1e6 - lfree * 1e3 + G->memory_gb * 1e-3;
    if (q->kind == GA_MP_MIG) {
        int32_t p = prof_of(m, k, gi);
        c->score[p] = *score;
    }
    return 0;
}

static int same_req(const ga_mp_req *a, const ga_mp_req *b)
{
    return a->kind == b->kind && a->model == b->model && a->priority == b->priority &&
           a->milli == b->milli && a->memory_gb == b->memory_gb &&
           (a->kind != GA_MP_MIG || strcmp(a->profile, b->profile) == 0);
}

static gpuarb_status greedy(mp *m, gst *g, int32_t *assign)
{
    ctab t;
    memset(&t, 0, sizeof t);
    int32_t *gcls = ga_mallocarray((size_t)m->ng, sizeof *gcls);
    gpuarb_status st = GPUARB_OK;
    if (!gcls)
        goto nomem;
    for (int32_t i = 0; i < m->ng; i++) {
        init_state(&m->p->gpus[i], &g[i]);
        ckey k;
        make_key(m, i, &g[i], &k);
        int32_t c = class_of(&t, &k);
        if (c < 0 || heap_push(&t.c[c], i) || (t.c[c].n == 1 && activate(&t, c)))
            goto nomem;
        gcls[i] = c;
    }
    int32_t prev_best = -1, prev_recv = -1;
    for (int32_t k = 0; k < m->nr; k++) {
        int32_t best = -1;
        double bs = 0;
        /* capacity only shrinks without moves: a request like the last
         * failed one fails too */
        if (k > 0 && assign[k - 1] < 0 && !m->p->allow_moves &&
            same_req(m->r[k].q, m->r[k - 1].q)) {
            assign[k] = -1;
            continue;
        }
        /* the best class: least score, ties to the class made first.  For
         * a request like the last placed one only two classes can have
         * changed, the last best (its score stays) and the one that took
         * the GPU, so the best is the better of those two. */
        int shortcut = k > 0 && assign[k - 1] >= 0 && prev_best >= 0 &&
                       t.c[prev_best].n > 0 && same_req(m->r[k].q, m->r[k - 1].q) &&
                       !m->p->allow_moves;
        for (size_t ai = 0; ai < (shortcut ? 2 : t.nact); ai++) {
            double sc;
            size_t c = shortcut ? (size_t)(ai ? prev_recv : prev_best) : (size_t)t.act[ai];
            if (!shortcut && t.c[c].n == 0) { /* emptied: drop it from the list */
                t.act[ai--] = t.act[--t.nact];
                continue;
            }
            if (t.c[c].n > 0 && fit_class(m, &t.c[c], k, &sc) == 0 &&
                (best < 0 || sc < bs || (sc == bs && c < (size_t)best))) {
                best = (int32_t)c;
                bs = sc;
            }
        }
        prev_best = best;
        int32_t gi = -1;
        if (best >= 0) {
            gi = heap_pop(&t.c[best]);
            apply(m, k, gi, &g[gi]);
        } else if (m->p->allow_moves && m->r[k].q->kind == GA_MP_MIG) {
            /* fewest moves on one GPU that make room */
            int32_t bm = 0;
            int32_t out[2 * GA_MIG_SLOTS], bout[2 * GA_MIG_SLOTS];
            for (int32_t i = 0; i < m->ng; i++) {
                gst *s = &g[i];
                int32_t p = prof_of(m, k, i);
                const ga_mp_gpu *G = &m->p->gpus[i];
                if (p < 0 || s->mode != 1 || s->nfixed == 0 ||
                    s->nfixed + s->nadd >= G->t->slots ||
                    (m->r[k].q->model >= 0 && m->r[k].q->model != G->model))
                    continue;
                int32_t add[GA_MIG_SLOTS + 1];
                memcpy(add, s->add, sizeof s->add);
                add[s->nadd] = p;
                if (!ga_mig_solve_gpu(G->t, s->fixed, s->nfixed, (1u << s->nfixed) - 1u, add,
                                      s->nadd + 1, out))
                    continue;
                int32_t mv = 0;
                for (int32_t j = 0; j < s->nfixed; j++)
                    mv += out[j] != s->fixed[j].start;
                if (gi < 0 || mv < bm) {
                    gi = i;
                    bm = mv;
                    memcpy(bout, out, sizeof out);
                }
            }
            if (gi >= 0) {
                /* take gi out of its class (rebuild that heap without it) */
                cls *c = &t.c[gcls[gi]];
                size_t w = 0;
                for (size_t j = 0; j < c->n; j++)
                    if (c->heap[j] != gi)
                        c->heap[w++] = c->heap[j];
                c->n = 0;
                for (size_t j = 0; j < w; j++)
                    heap_push(c, c->heap[j]); /* within capacity: cannot fail */
                for (int32_t j = 0; j < g[gi].nfixed; j++)
                    g[gi].fixed[j].start = bout[j];
                m->moved[gi] = 1;
                apply(m, k, gi, &g[gi]);
            }
        }
        assign[k] = gi;
        if (gi >= 0) {
            ckey key;
            make_key(m, gi, &g[gi], &key);
            int32_t c = class_of(&t, &key);
            if (c < 0 || heap_push(&t.c[c], gi) || (t.c[c].n == 1 && activate(&t, c)))
                goto nomem;
            gcls[gi] = c;
            prev_recv = c;
        }
    }
    goto out;
nomem:
    st = ga_nomem(m->ctx);
out:
    free(gcls);
    ctab_free(&t);
    return st;
}

/* ---- the exact search on small cases ---- */

typedef struct ex {
    mp *m;
    gst *g;
    int32_t *cur, *best;
    obj bo;
    int64_t nodes;
    int32_t aborted;
    int32_t *remain;               /* per level: requests at k.. of that level */
} ex;

static void ex_dfs(ex *e, int32_t k, int32_t used)
{
    mp *m = e->m;
    if (e->aborted)
        return;
    if (++e->nodes > MP_EXACT_NODES) {
        e->aborted = 1;
        return;
    }
    /* bound: everything left placed, GPU count only grows (min_gpus) */
    obj ub;
    memset(&ub, 0, sizeof ub);
    for (int32_t j = 0; j < m->nr; j++)
        if ((j < k ? e->cur[j] >= 0 : 1) && m->r[j].level < 64)
            ub.placed[m->r[j].level]++;
    int32_t nl = m->nlevels < 64 ? m->nlevels : 64, cmp = 0;
    for (int32_t l = 0; l < nl && !cmp; l++)
        if (ub.placed[l] != e->bo.placed[l])
            cmp = ub.placed[l] > e->bo.placed[l] ? 1 : -1;
    if (cmp < 0 || (cmp == 0 && !m->p->spread && used > e->bo.used))
        return;
    if (k == m->nr) {
        obj o;
        eval(m, e->g, e->cur, &o);
        if (obj_cmp(m, &o, &e->bo) > 0) {
            e->bo = o;
            memcpy(e->best, e->cur, (size_t)m->nr * sizeof *e->cur);
        }
        return;
    }
    int32_t lo = 0;
    if (k > 0 && same_req(m->r[k].q, m->r[k - 1].q))
        lo = e->cur[k - 1] < 0 ? m->ng : e->cur[k - 1];
    for (int32_t gi = lo; gi < m->ng; gi++) {
        gst *s = &e->g[gi];
        /* one idle, untouched GPU per model */
        if (s->mode == 0) {
            int dup = 0;
            for (int32_t h = 0; h < gi && !dup; h++)
                dup = e->g[h].mode == 0 && m->p->gpus[h].model == m->p->gpus[gi].model &&
                      (h >= lo);
            if (dup)
                continue;
        }
        if (!fits(m, k, gi, s))
            continue;
        gst save = *s;
        apply(m, k, gi, s);
        e->cur[k] = gi;
        ex_dfs(e, k + 1, used + (save.mode == 0));
        *s = save;
    }
    e->cur[k] = -1;
    ex_dfs(e, k + 1, used);
}

/* ---- setup, result ---- */

static int rq_cmp(const void *a, const void *b)
{
    const rq *x = a, *y = b;
    if (x->q->priority != y->q->priority)
        return x->q->priority > y->q->priority ? -1 : 1;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    if (x->q->kind != y->q->kind)
        return x->q->kind < y->q->kind ? -1 : 1;
    if (x->q->model != y->q->model)
        return x->q->model < y->q->model ? -1 : 1;
    if (x->q->kind == GA_MP_MIG) {
        int c = strcmp(x->q->profile, y->q->profile);
        if (c)
            return c;
    } else if (x->q->memory_gb != y->q->memory_gb) {
        return x->q->memory_gb > y->q->memory_gb ? -1 : 1;
    }
    int c = strcmp(x->q->name, y->q->name);
    if (c)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx; /* equal twins: keep a total order */
}

void gpuarb_mig_result_free(gpuarb_mig_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->gpu_names && i < r->ngpus; i++)
        free(r->gpu_names[i]);
    for (size_t i = 0; r->req_names && i < r->nreqs; i++)
        free(r->req_names[i]);
    free(r->gpu_names);
    free(r->req_names);
    free(r->tables);
    free(r->reqs);
    free(r->place);
    free(r->moves);
    free(r->changed);
    free(r->used);
    free(r->final_inst);
    free(r->final_n);
    free(r->mode);
    free(r);
}

static gpuarb_status build_result(mp *m, const gst *g, const int32_t *assign, int exact,
                                  double t0, gpuarb_mig_result **out)
{
    const gpuarb_mig_problem *p = m->p;
    size_t ng = p->ngpus, nr = p->nreqs;
    gpuarb_mig_result *r = ga_calloc(1, sizeof *r);
    if (!r)
        return ga_nomem(m->ctx);
    r->ngpus = ng;
    r->nreqs = nr;
    r->gpu_names = ga_calloc(ng + 1, sizeof *r->gpu_names);
    r->req_names = ga_calloc(nr + 1, sizeof *r->req_names);
    r->tables = ga_calloc(ng + 1, sizeof *r->tables);
    r->reqs = ga_calloc(nr + 1, sizeof *r->reqs);
    r->place = ga_calloc(nr + 1, sizeof *r->place);
    r->moves = ga_calloc(ng * GA_MIG_SLOTS + 1, sizeof *r->moves);
    r->changed = ga_calloc(ng + 1, sizeof *r->changed);
    r->used = ga_calloc(ng + 1, sizeof *r->used);
    r->final_inst = ga_calloc(ng * GA_MIG_SLOTS * 2 + 1, sizeof *r->final_inst);
    r->final_n = ga_calloc(ng + 1, sizeof *r->final_n);
    r->mode = ga_calloc(ng + 1, sizeof *r->mode);
    if (!r->gpu_names || !r->req_names || !r->tables || !r->reqs || !r->place || !r->moves ||
        !r->changed || !r->used || !r->final_inst || !r->final_n || !r->mode)
        goto nomem;
    for (size_t i = 0; i < ng; i++) {
        if (!(r->gpu_names[i] = ga_strdup(p->gpus[i].name)))
            goto nomem;
        r->tables[i] = p->gpus[i].t;
    }
    for (size_t i = 0; i < nr; i++) {
        if (!(r->req_names[i] = ga_strdup(p->reqs[i].name)))
            goto nomem;
        r->reqs[i] = p->reqs[i];
        r->reqs[i].name = r->req_names[i];
        r->reqs[i].profile = NULL; /* the profile is named through the table */
    }
    /* per GPU: the final layout and which request got which start */
    for (int32_t k = 0; k < m->nr; k++) {
        ga_mp_place *pl = &r->place[k];
        pl->req = m->r[k].idx;
        pl->gpu = assign[k];
        pl->profile = pl->start = -1;
        if (assign[k] < 0)
            pl->reason = m->r[k].q->kind == GA_MP_MIG
                             ? "no GPU has legal free slots for this profile"
                             : "no GPU has that much free compute share and memory";
    }
    /* the requests of each GPU, in canonical order (a counting sort) */
    int32_t *bstart = ga_calloc(ng + 2, sizeof *bstart);
    int32_t *bucket = ga_mallocarray(nr + 1, sizeof *bucket);
    if (!bstart || !bucket) {
        free(bstart);
        free(bucket);
        goto nomem;
    }
    for (int32_t k = 0; k < m->nr; k++)
        if (assign[k] >= 0)
            bstart[assign[k] + 1]++;
    for (size_t gi = 0; gi < ng; gi++)
        bstart[gi + 1] += bstart[gi];
    {
        int32_t *fill = ga_mallocarray(ng + 1, sizeof *fill);
        if (!fill) {
            free(bstart);
            free(bucket);
            goto nomem;
        }
        memcpy(fill, bstart, ng * sizeof *fill);
        for (int32_t k = 0; k < m->nr; k++)
            if (assign[k] >= 0)
                bucket[fill[assign[k]]++] = k;
        free(fill);
    }
    int64_t placed = 0, lbsum_fixed = 0;
    double dslot = 0, dcomp = 0;
    for (size_t gi = 0; gi < ng; gi++) {
        const gst *s = &g[gi];
        const ga_mp_gpu *G = &p->gpus[gi];
        int32_t starts[2 * GA_MIG_SLOTS];
        r->mode[gi] = s->mode;
        r->used[gi] = s->mode != 0;
        if (G->ninst > 0)
            lbsum_fixed++;
        if (s->mode == 1 && !gpu_layout(m, (int32_t)gi, s, starts)) {
            free(bstart);
            free(bucket);
            gpuarb_mig_result_free(r);
            return ga_error(m->ctx, GPUARB_ERR_INTERNAL, NULL, 0, 0, NULL,
                            "mig place: a layout the search accepted has no solution");
        }
        ga_mig_inst *fi = &r->final_inst[gi * GA_MIG_SLOTS * 2];
        int32_t n = 0;
        for (int32_t j = 0; s->mode == 1 && j < s->nfixed; j++) {
            fi[n].profile = s->fixed[j].profile;
            fi[n++].start = starts[j];
            if (starts[j] != G->inst[j].start) {
                ga_mp_move *mv = &r->moves[r->nmoves++];
                mv->gpu = (int32_t)gi;
                mv->profile = s->fixed[j].profile;
                mv->from = G->inst[j].start;
                mv->to = starts[j];
            }
            const ga_mig_profile *pr = &G->t->profiles[s->fixed[j].profile];
            dslot += (double)pr->size / G->t->slots;
            dcomp += (double)pr->compute / G->t->compute;
        }
        /* new instances: the k-th request on this GPU in canonical order is
         * s->add[k]'s owner */
        int32_t j = 0;
        for (int32_t bi = bstart[gi]; bi < bstart[gi + 1]; bi++) {
            int32_t k = bucket[bi];
            placed++;
            dslot += m->r[k].dslot;
            dcomp += m->r[k].dcomp;
            if (m->r[k].q->kind == GA_MP_MIG) {
                r->place[k].profile = s->add[j];
                r->place[k].start = starts[s->nfixed + j];
                fi[n].profile = s->add[j];
                fi[n++].start = starts[s->nfixed + j];
                j++;
            }
        }
        r->final_n[gi] = n;
        r->changed[gi] = s->nadd > 0 || s->milli > 0 || m->moved[gi];
    }
    free(bstart);
    free(bucket);
    gpuarb_mig_summary *sum = &r->sum;
    sum->size = sizeof *sum;
    sum->exact = exact;
    sum->requests = (int64_t)nr;
    sum->placed = placed;
    sum->unplaced = (int64_t)nr - placed;
    for (size_t gi = 0; gi < ng; gi++) {
        sum->gpus_used += r->used[gi];
        sum->gpus_changed += r->changed[gi];
    }
    int64_t lb = (int64_t)ceil(fmax(dslot, dcomp) - 1e-9);
    sum->gpus_lower_bound = lb > lbsum_fixed ? lb : lbsum_fixed;
    sum->moves = (int64_t)r->nmoves;
    sum->solve_ms = ga_now_ms() - t0;
    *out = r;
    return GPUARB_OK;
nomem:
    gpuarb_mig_result_free(r);
    return ga_nomem(m->ctx);
}

gpuarb_status gpuarb_mig_place(gpuarb_ctx *ctx, const gpuarb_mig_problem *p,
                               gpuarb_mig_result **out)
{
    if (out)
        *out = NULL;
    if (!p || !out)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "mig place: %s is NULL",
                        p ? "out" : "problem");
    double t0 = ga_now_ms();
    mp m;
    memset(&m, 0, sizeof m);
    m.ctx = ctx;
    m.p = p;
    m.nr = (int32_t)p->nreqs;
    m.ng = (int32_t)p->ngpus;
    gpuarb_status st = GPUARB_OK;
    gst *g2 = NULL;
    int32_t *a2 = NULL;
    ex e;
    memset(&e, 0, sizeof e);
    m.r = ga_calloc((size_t)m.nr + 1, sizeof *m.r);
    m.gtab = ga_mallocarray((size_t)m.ng + 1, sizeof *m.gtab);
    m.g = ga_calloc((size_t)m.ng + 1, sizeof *m.g);
    m.assign = ga_calloc((size_t)m.nr + 1, sizeof *m.assign);
    m.moved = ga_calloc((size_t)m.ng + 1, sizeof *m.moved);
    if (!m.r || !m.gtab || !m.g || !m.assign || !m.moved)
        goto nomem;
    for (int32_t gi = 0; gi < m.ng; gi++) {
        const ga_mig_table *t = p->gpus[gi].t;
        int32_t ti = -1;
        for (int32_t j = 0; t && j < m.ntab && ti < 0; j++)
            if (m.tabs[j] == t)
                ti = j;
        if (t && ti < 0 && m.ntab < 16) {
            ti = m.ntab;
            m.tabs[m.ntab++] = t;
        }
        m.gtab[gi] = ti;
    }
    m.prof = ga_mallocarray((size_t)m.nr * (size_t)(m.ntab ? m.ntab : 1) + 1, sizeof *m.prof);
    if (!m.prof)
        goto nomem;
    for (int32_t k = 0; k < m.nr; k++) {
        const ga_mp_req *q = &p->reqs[k];
        rq *x = &m.r[k];
        x->q = q;
        x->idx = k;
        x->dslot = x->dcomp = 1.0;
        if (q->kind == GA_MP_SHARE)
            x->dslot = x->dcomp = q->milli / 1000.0;
        const ga_mig_table *mt =
            q->model >= 0 ? ga_mig_table_find(ga_gpumodel_at(q->model)->name) : NULL;
        for (int32_t ti = 0; ti < m.ntab; ti++) {
            const ga_mig_table *t = m.tabs[ti];
            int32_t pi = q->kind == GA_MP_MIG ? ga_mig_profile_find(t, q->profile) : -1;
            m.prof[(size_t)k * (size_t)m.ntab + (size_t)ti] = pi;
            if (pi < 0 || (q->model >= 0 && t != mt))
                continue;
            const ga_mig_profile *pr = &t->profiles[pi];
            x->dslot = fmin(x->dslot, (double)pr->size / t->slots);
            x->dcomp = fmin(x->dcomp, (double)pr->compute / t->compute);
        }
        x->demand = fmax(x->dslot, x->dcomp);
        x->size = x->demand;
    }
    qsort(m.r, (size_t)m.nr, sizeof *m.r, rq_cmp);
    /* prof rows follow the canonical order */
    int32_t *pr2 = ga_mallocarray((size_t)m.nr * (size_t)(m.ntab ? m.ntab : 1) + 1, sizeof *pr2);
    if (!pr2)
        goto nomem;
    for (int32_t k = 0; k < m.nr; k++) {
        memcpy(&pr2[(size_t)k * (size_t)m.ntab], &m.prof[(size_t)m.r[k].idx * (size_t)m.ntab],
               (size_t)m.ntab * sizeof *pr2);
        if (k > 0 && m.r[k].q->priority != m.r[k - 1].q->priority)
            m.nlevels++;
        m.r[k].level = m.nlevels;
    }
    free(m.prof);
    m.prof = pr2;
    m.nlevels++;
    if ((st = greedy(&m, m.g, m.assign)))
        goto out;
    int exact = 0;
    if (m.nr <= MP_EXACT_REQS && m.ng <= MP_EXACT_GPUS && !p->allow_moves) {
        g2 = ga_calloc((size_t)m.ng + 1, sizeof *g2);
        a2 = ga_calloc(2 * (size_t)m.nr + 2, sizeof *a2);
        if (!g2 || !a2)
            goto nomem;
        for (int32_t i = 0; i < m.ng; i++)
            init_state(&p->gpus[i], &g2[i]);
        e.m = &m;
        e.g = g2;
        e.cur = a2;
        e.best = a2 + m.nr + 1;
        /* the greedy's answer is the incumbent */
        eval(&m, m.g, m.assign, &e.bo);
        memcpy(e.best, m.assign, (size_t)m.nr * sizeof *m.assign);
        int32_t used0 = 0;
        for (int32_t i = 0; i < m.ng; i++)
            used0 += g2[i].mode != 0;
        ex_dfs(&e, 0, used0);
        exact = !e.aborted;
        if (memcmp(e.best, m.assign, (size_t)m.nr * sizeof *m.assign) != 0) {
            /* rebuild the states of the better assignment */
            memcpy(m.assign, e.best, (size_t)m.nr * sizeof *m.assign);
            for (int32_t i = 0; i < m.ng; i++)
                init_state(&p->gpus[i], &m.g[i]);
            for (int32_t k = 0; k < m.nr; k++)
                if (m.assign[k] >= 0)
                    apply(&m, k, m.assign[k], &m.g[m.assign[k]]);
        }
    }
    st = build_result(&m, m.g, m.assign, exact, t0, out);
    goto out;
nomem:
    st = ga_nomem(ctx);
out:
    free(g2);
    free(a2);
    free(m.r);
    free(m.prof);
    free(m.gtab);
    free(m.g);
    free(m.assign);
    free(m.moved);
    return st;
}

gpuarb_status gpuarb_mig_result_summary(const gpuarb_mig_result *res, gpuarb_mig_summary *out)
{
    if (!res || !out || out->size < sizeof *out)
        return GPUARB_ERR_ARG;
    uint32_t size = out->size;
    *out = res->sum;
    out->size = size;
    return GPUARB_OK;
}
