/*
 * mig_spec.c - the mig place spec of SPEC section 5 (YAML or JSON) into a
 * gpuarb_mig_problem, read with the shared getters and key walker of
 * lib/io/docread.c so errors name the source, line, column and key path.
 *
 * Keys: version (1), gpus (list of {name, model, count, instances: [{profile,
 * start}]}), requests (list of {name, profile | fraction, memory_gb, count,
 * priority, model}), objective (min_gpus | spread), allow_moves.  GPUs
 * without a name are gpu<i> by position; copies of a named entry (count > 1)
 * and of a request are NAME#0, NAME#1, ...  An existing layout must be one
 * the GPU allows (legal starts, no overlap, instance and compute limits).
 * A request names a profile of its model (when it gives one) or of some GPU
 * in the spec; a share's fraction lies in (0, 1] and its memory_gb within
 * the memory of some GPU it may use.  Returns GPUARB_ERR_INPUT for invalid
 * values, GPUARB_ERR_LIMIT past GA_MP_MAX, GPUARB_ERR_NOMEM, and what the
 * doc readers return (SYNTAX, LIMIT, INPUT, IO).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/gpumodel.h"
#include "io/docread.h"
#include "mig/mig.h"

#define GA_MP_MAX 10000000    /* GPUs, and requests, per spec */

typedef struct ms {
    gpuarb_ctx *ctx;
    ga_rd rd;
    gpuarb_mig_problem *p;
} ms;

void gpuarb_mig_problem_free(gpuarb_mig_problem *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->ngpus; i++)
        free(p->gpus[i].name);
    for (size_t i = 0; i < p->nreqs; i++) {
        free(p->reqs[i].name);
        free(p->reqs[i].profile);
    }
    free(p->gpus);
    free(p->reqs);
    free(p->source);
    free(p);
}

static gpuarb_status find_model(ms *s, const ga_doc_node *v, int32_t *out)
{
    const char *name;
    gpuarb_status st = ga_rd_string(&s->rd, v, &name);
    if (st)
        return st;
    int32_t m = ga_gpumodel_find(name);
    if (m >= 0) {
        *out = m;
        return GPUARB_OK;
    }
    char near[128];
    ga_gpumodel_near(name, near, sizeof near);
    if (near[0])
        return ga_rd_fail(&s->rd, v, "unknown GPU model '%.100s'; did you mean: %s?", name,
                          near);
    return ga_rd_fail(&s->rd, v, "unknown GPU model '%.100s'", name);
}

/* "1g.10gb, 2g.20gb, ..." of a table into buf. */
static void profile_list(const ga_mig_table *t, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int32_t i = 0; i < t->nprofiles && n + 1 < cap; i++) {
        int w = snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", t->profiles[i].name);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

enum { I_PROFILE, I_START };
static const ga_rd_field INST_KEYS[] = {{"profile", GA_RD_REQUIRED},
                                        {"start", GA_RD_REQUIRED}, {NULL, 0}};

static gpuarb_status parse_instances(ms *s, const ga_doc_node *n, ga_mp_gpu *g,
                                     const ga_doc_node **at)
{
    ga_rd *r = &s->rd;
    gpuarb_status st = ga_rd_kind(r, n, GA_DOC_SEQ);
    if (st)
        return st;
    if (n->n > 0 && !g->t)
        return ga_rd_fail(r, n, "GPU model '%s' has no MIG profiles, so no instances",
                          ga_gpumodel_at(g->model)->name);
    if (n->n > (size_t)g->t->slots)
        return ga_rd_fail(r, n, "at most %d instances fit on a %s", (int)g->t->slots,
                          g->t->model);
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = ga_rd_push_index(r, i);
        ga_rd_map m;
        int k;
        const ga_doc_node *v;
        const char *prof = NULL;
        int32_t start = 0, pi = -1;
        st = ga_rd_map_begin(r, n->items[i], INST_KEYS, "a mapping {profile, start}", &m);
        while (!st && !(st = ga_rd_map_next(r, &m, &k, &v)) && k >= 0) {
            if (k == I_PROFILE) {
                if ((st = ga_rd_string(r, v, &prof)))
                    break;
                if ((pi = ga_mig_profile_find(g->t, prof)) < 0) {
                    char list[256];
                    profile_list(g->t, list, sizeof list);
                    st = ga_rd_fail(r, v, "'%.60s' is not a MIG profile of %s (%s)", prof,
                                    g->t->model, list);
                }
            } else {
                st = ga_rd_int32(r, v, 0, g->t->slots - 1, &start);
            }
        }
        if (st)
            return st;
        g->inst[i].profile = pi;
        g->inst[i].start = start;
        at[i] = n->items[i];
        ga_rd_pop(r, mark);
    }
    g->ninst = (int32_t)n->n;
    int32_t bad;
    const char *why;
    if (ga_mig_layout_check(g->t, g->inst, g->ninst, &bad, &why) != 0) {
        size_t mark = ga_rd_push_index(r, (size_t)bad);
        const ga_mig_profile *pr = &g->t->profiles[g->inst[bad].profile];
        char starts[64] = "";
        size_t w = 0;
        for (int32_t sl = 0; sl < g->t->slots; sl++)
            if (pr->starts & (1u << sl))
                w += (size_t)snprintf(starts + w, sizeof starts - w, "%s%d", w ? "," : "",
                                      (int)sl);
        st = ga_rd_fail(r, at[bad], "%s at slot %d: %s (legal starts {%s}:%d)", pr->name,
                        (int)g->inst[bad].start, why, starts, (int)pr->size);
        ga_rd_pop(r, mark);
        return st;
    }
    return GPUARB_OK;
}

enum { G_NAME, G_MODEL, G_COUNT, G_INST };
static const ga_rd_field GPU_KEYS[] = {{"name", 0}, {"model", GA_RD_REQUIRED}, {"count", 0},
                                       {"instances", 0}, {NULL, 0}};

static gpuarb_status add_gpu(ms *s, const ga_mp_gpu *proto, const char *name)
{
    gpuarb_mig_problem *p = s->p;
    if (p->ngpus >= GA_MP_MAX)
        return ga_error(s->ctx, GPUARB_ERR_LIMIT, p->source, 0, 0, "gpus",
                        "more than %d GPUs", GA_MP_MAX);
    if (ga_grow((void **)&p->gpus, &p->gcap, p->ngpus + 1, sizeof *p->gpus))
        return ga_nomem(s->ctx);
    char def[32];
    if (!name) {
        snprintf(def, sizeof def, "gpu%zu", p->ngpus);
        name = def;
    }
    ga_mp_gpu *g = &p->gpus[p->ngpus];
    *g = *proto;
    if (!(g->name = ga_strdup(name)))
        return ga_nomem(s->ctx);
    p->ngpus++;
    return GPUARB_OK;
}

static gpuarb_status parse_gpu(ms *s, const ga_doc_node *n)
{
    ga_rd *r = &s->rd;
    ga_mp_gpu g;
    memset(&g, 0, sizeof g);
    g.model = -1;
    int64_t count = 1;
    const char *name = NULL;
    ga_rd_map m;
    int k;
    const ga_doc_node *v, *inst = NULL;
    gpuarb_status st = ga_rd_map_begin(r, n, GPU_KEYS,
                                       "a mapping {name, model, count, instances}", &m);
    while (!st && !(st = ga_rd_map_next(r, &m, &k, &v)) && k >= 0) {
        switch (k) {
        case G_NAME: st = ga_rd_string(r, v, &name); break;
        case G_MODEL:
            if ((st = find_model(s, v, &g.model)))
                break;
            g.t = ga_mig_table_find(ga_gpumodel_at(g.model)->name);
            g.memory_gb = g.t ? g.t->memory_gb : ga_gpumodel_at(g.model)->memory_gb;
            if (inst) { /* instances came first: read them now the model is known */
                size_t mark = ga_rd_push_key(r, "instances");
                const ga_doc_node *at[GA_MIG_SLOTS];
                st = parse_instances(s, inst, &g, at);
                ga_rd_pop(r, mark);
            }
            break;
        case G_COUNT: st = ga_rd_int(r, v, 0, GA_MP_MAX, &count); break;
        case G_INST:
            if (g.model < 0) {
                inst = v;
                break;
            }
            {
                const ga_doc_node *at[GA_MIG_SLOTS];
                st = parse_instances(s, v, &g, at);
            }
            break;
        }
    }
    if (st)
        return st;
    for (int64_t c = 0; c < count; c++) {
        char buf[176];
        const char *nm = name;
        if (name && count > 1) {
            snprintf(buf, sizeof buf, "%.140s#%lld", name, (long long)c);
            nm = buf;
        }
        if ((st = add_gpu(s, &g, nm)))
            return st;
    }
    return GPUARB_OK;
}

enum { R_NAME, R_PROFILE, R_FRACTION, R_MEMORY, R_COUNT, R_PRIORITY, R_MODEL };
static const ga_rd_field REQ_KEYS[] = {
    {"name", 0},  {"profile", 0},  {"fraction", 0}, {"memory_gb", 0},
    {"count", 0}, {"priority", 0}, {"model", 0},    {NULL, 0}};

static gpuarb_status parse_req(ms *s, const ga_doc_node *n, size_t idx)
{
    ga_rd *r = &s->rd;
    ga_mp_req q;
    memset(&q, 0, sizeof q);
    q.model = -1;
    q.item = (int32_t)idx;
    int64_t count = 1;
    const char *name = NULL, *prof = NULL;
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(
        r, n, REQ_KEYS, "a mapping {name, profile or fraction, memory_gb, count, priority}", &m);
    while (!st && !(st = ga_rd_map_next(r, &m, &k, &v)) && k >= 0) {
        switch (k) {
        case R_NAME: st = ga_rd_string(r, v, &name); break;
        case R_PROFILE:
            st = ga_rd_string(r, v, &prof);
            q.line = v->line;
            q.col = v->col;
            break;
        case R_FRACTION: st = ga_rd_number(r, v, GA_RD_ABOVE_UPTO(0, 1), &q.fraction); break;
        case R_MEMORY:
            st = ga_rd_number(r, v, GA_RD_ABOVE(0), &q.memory_gb);
            q.mline = v->line;
            q.mcol = v->col;
            break;
        case R_COUNT: st = ga_rd_int(r, v, 0, GA_MP_MAX, &count); break;
        case R_PRIORITY: st = ga_rd_int32(r, v, -1000000, 1000000, &q.priority); break;
        case R_MODEL: st = find_model(s, v, &q.model); break;
        }
    }
    if (st)
        return st;
    if (!prof == !m.at[R_FRACTION])
        return ga_rd_fail(r, n, "a request has either a profile (MIG) or a fraction (share)");
    if (prof && m.at[R_MEMORY])
        return ga_rd_fail_at(r, GPUARB_ERR_INPUT, q.mline, q.mcol,
                             "memory_gb belongs to shares; a MIG profile fixes its memory");
    q.kind = prof ? GA_MP_MIG : GA_MP_SHARE;
    if (!prof) {
        q.milli = (int32_t)ceil(q.fraction * 1000.0 - 1e-9);
        if (q.milli < 1)
            q.milli = 1;
        q.line = m.at[R_FRACTION]->line;
        q.col = m.at[R_FRACTION]->col;
    }
    char def[32];
    if (!name) {
        snprintf(def, sizeof def, "request%zu", idx);
        name = def;
    }
    gpuarb_mig_problem *p = s->p;
    for (int64_t c = 0; c < count; c++) {
        if (p->nreqs >= GA_MP_MAX)
            return ga_rd_fail_at(r, GPUARB_ERR_LIMIT, n->line, n->col, "more than %d requests",
                                 GA_MP_MAX);
        if (ga_grow((void **)&p->reqs, &p->rcap, p->nreqs + 1, sizeof *p->reqs))
            return ga_nomem(s->ctx);
        char buf[176];
        const char *nm = name;
        if (count > 1) {
            snprintf(buf, sizeof buf, "%.140s#%lld", name, (long long)c);
            nm = buf;
        }
        ga_mp_req *d = &p->reqs[p->nreqs];
        *d = q;
        d->name = ga_strdup(nm);
        d->profile = prof ? ga_strdup(prof) : NULL;
        if (!d->name || (prof && !d->profile)) {
            free(d->name);
            free(d->profile);
            return ga_nomem(s->ctx);
        }
        p->nreqs++;
    }
    return GPUARB_OK;
}

static gpuarb_status parse_list(ms *s, const ga_doc_node *n, int gpus)
{
    gpuarb_status st = ga_rd_kind(&s->rd, n, GA_DOC_SEQ);
    for (size_t i = 0; !st && i < n->n; i++) {
        size_t mark = ga_rd_push_index(&s->rd, i);
        st = gpus ? parse_gpu(s, n->items[i]) : parse_req(s, n->items[i], i);
        if (!st)
            ga_rd_pop(&s->rd, mark);
    }
    return st;
}

enum { K_VERSION, K_GPUS, K_REQUESTS, K_OBJECTIVE, K_MOVES };
static const ga_rd_field ROOT_KEYS[] = {{"version", 0}, {"gpus", GA_RD_REQUIRED},
                                        {"requests", GA_RD_REQUIRED}, {"objective", 0},
                                        {"allow_moves", 0}, {NULL, 0}};
static const char *const OBJECTIVES[] = {"min_gpus", "spread", NULL};

static gpuarb_status root_field(void *arg, int k, const ga_doc_node *v)
{
    ms *s = arg;
    switch (k) {
    case K_VERSION: return ga_rd_version(&s->rd, v, 1);
    case K_GPUS: return parse_list(s, v, 1);
    case K_REQUESTS: return parse_list(s, v, 0);
    case K_OBJECTIVE: return ga_rd_enum(&s->rd, v, OBJECTIVES, &s->p->spread);
    case K_MOVES: return ga_rd_bool(&s->rd, v, &s->p->allow_moves);
    }
    return GPUARB_OK;
}

/* Checks that need every GPU: each request's profile exists on a GPU it may
 * use, and a share's memory fits one. */
static gpuarb_status check_requests(ms *s)
{
    gpuarb_mig_problem *p = s->p;
    for (size_t i = 0; i < p->nreqs; i++) {
        ga_mp_req *q = &p->reqs[i];
        if (i > 0 && p->reqs[i - 1].item == q->item)
            continue; /* a copy of a request already checked */
        int ok = 0;
        double maxmem = 0;
        for (size_t g = 0; g < p->ngpus && !ok; g++) {
            const ga_mp_gpu *G = &p->gpus[g];
            if (q->model >= 0 && G->model != q->model)
                continue;
            if (q->kind == GA_MP_MIG)
                ok = G->t && ga_mig_profile_find(G->t, q->profile) >= 0;
            else if (G->memory_gb > maxmem)
                maxmem = G->memory_gb;
        }
        size_t mark = ga_rd_push_key(&s->rd, "requests");
        ga_rd_push_index(&s->rd, (size_t)q->item);
        gpuarb_status st = GPUARB_OK;
        if (q->kind == GA_MP_MIG && !ok) {
            const ga_mig_table *t =
                q->model >= 0 ? ga_mig_table_find(ga_gpumodel_at(q->model)->name) : NULL;
            ga_rd_push_key(&s->rd, "profile");
            if (q->model >= 0 && !t) {
                st = ga_rd_fail_at(&s->rd, GPUARB_ERR_INPUT, q->line, q->col,
                                   "GPU model '%s' has no MIG profiles",
                                   ga_gpumodel_at(q->model)->name);
            } else if (t && ga_mig_profile_find(t, q->profile) < 0) {
                char l[256];
                profile_list(t, l, sizeof l);
                st = ga_rd_fail_at(&s->rd, GPUARB_ERR_INPUT, q->line, q->col,
                                   "'%.60s' is not a MIG profile of %s (%s)", q->profile,
                                   t->model, l);
            } else {
                st = ga_rd_fail_at(&s->rd, GPUARB_ERR_INPUT, q->line, q->col,
                                   "no GPU in the spec has the MIG profile '%.60s'", q->profile);
            }
        } else if (q->kind == GA_MP_SHARE && q->memory_gb > maxmem) {
            ga_rd_push_key(&s->rd, "memory_gb");
            st = ga_rd_fail_at(&s->rd, GPUARB_ERR_INPUT, q->mline, q->mcol,
                               "%g GB is more than the memory of any GPU it may use (%g GB)",
                               q->memory_gb, maxmem);
        }
        ga_rd_pop(&s->rd, mark);
        if (st)
            return st;
    }
    return GPUARB_OK;
}

static gpuarb_status from_doc(gpuarb_ctx *ctx, ga_doc *doc, gpuarb_mig_problem **out)
{
    gpuarb_mig_problem *p = ga_calloc(1, sizeof *p);
    gpuarb_status st = GPUARB_OK;
    if (!p || !(p->source = ga_strdup(doc->source)))
        st = ga_nomem(ctx);
    if (!st) {
        ms s = {ctx, {0}, p};
        ga_rd_init(&s.rd, ctx, p->source);
        ga_rd_map m;
        st = ga_rd_map_each(&s.rd, doc->root, ROOT_KEYS, "a mapping with gpus and requests", &m,
                            root_field, &s);
        if (!st)
            st = check_requests(&s);
    }
    ga_doc_free(doc);
    if (st) {
        gpuarb_mig_problem_free(p);
        return st;
    }
    *out = p;
    return GPUARB_OK;
}

gpuarb_status gpuarb_mig_spec_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                    const char *source, gpuarb_mig_problem **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_from_text(ctx, out != NULL, text, len, source, &doc);
    if (st)
        return st;
    return from_doc(ctx, &doc, out);
}

gpuarb_status gpuarb_mig_spec_load(gpuarb_ctx *ctx, const char *path, gpuarb_mig_problem **out)
{
    if (out)
        *out = NULL;
    ga_doc doc;
    gpuarb_status st = ga_doc_load(ctx, out != NULL, path, &doc);
    if (st)
        return st;
    return from_doc(ctx, &doc, out);
}
