/*
 * share.c - fractional-GPU placement: a cluster of nodes (CPU, memory and
 * up to 64 GPUs of one model each) that takes pods one at a time under a
 * policy, and the replay of `gpuarb share replay` (share_replay.c) built on
 * it.
 *
 * Units inside: CPU in milli-cores, memory in MiB, GPU in thousandths of
 * one GPU (as the Alibaba openb traces give them).  A pod asks for k whole
 * GPUs (milli 1000) or one share (k 1, milli < 1000) or no GPU, plus CPU
 * and memory, optionally limited to some models.
 *
 * Policies (the baselines of Weng et al., "Beware of Fragmentation",
 * USENIX ATC'23, as that paper describes them, and ours):
 *   random   a uniformly random feasible node;
 *   bestfit  the node left with the least free CPU + GPU (each as a share of
 *            the node's own capacity) after placing;
 *   dotprod  the smallest dot product of the pod's demand and the node's
 *            free vector (both normalised by the node's capacity);
 *   packing  a partly used GPU that fits first, then a node already in use,
 *            then an idle one; best fit within the tier;
 *   fgd      fragmentation gradient descent: the node and GPU whose choice
 *            grows the expected fragmentation of the cluster under the target
 *            workload least.  A node's fragmentation for one pod class m is
 *            all its free GPU when m cannot run there at all (model, CPU, or
 *            too little GPU), else the free GPU on GPUs that cannot hold m's
 *            per-GPU request; under the workload it is the popularity-
 *            weighted sum over classes (the paper's F_n(M));
 *   auto     ours: fgd's growth of fragmentation plus auto_dot times dotprod's
 *            score, ties (fgd leaves many) broken by the GPU left free on the
 *            node (best fit); the replay picks auto_dot and the target
 *            workload's weighting itself (share_replay.c).
 * Within a node every policy but fgd/auto takes the best-fitting GPU(s).
 * Ties go to the lower node index, then the lower GPU index; the only
 * randomness is random's, from the seed, so runs repeat exactly.
 *
 * FGD's cost is kept down by a table per pod shape (GPU count, share, CPU,
 * models) of each node's change of fragmentation, stamped with the node's
 * version: a placement changes one node, so only that node is re-scored
 * the next time a pod of the shape comes (shape_fgd).  Nothing is allocated
 * per pod once its shape has been seen.
 * Returns GPUARB_OK, GPUARB_ERR_ARG, GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "mig/share.h"

const char *const ga_share_policy_names[] = {"random", "bestfit", "dotprod",
                                             "packing", "fgd",     "auto", NULL};

void ga_share_free(ga_share_cluster *c)
{
    if (!c)
        return;
    for (int32_t i = 0; i < c->nmodels; i++)
        free(c->models[i]);
    free(c->nodes);
    free(c->cls);
    for (size_t i = 0; i < c->nshapes; i++) {
        free(c->shapes[i].stamp);
        free(c->shapes[i].delta);
        free(c->shapes[i].gm);
        free(c->shapes[i].cand);
    }
    free(c->shapes);
    free(c->shape_tab);
    for (int32_t i = 0; i <= GA_SHARE_MAX_MODELS; i++) {
        free(c->view[i].cls);
        free(c->view[i].wpre);
        free(c->view[i].ms);
        free(c->view[i].ks);
        free(c->view[i].sw);
        free(c->view[i].kw);
    }
    free((struct gpuarb_share_cluster *)c);
}

ga_share_cluster *ga_share_new(int32_t policy, uint64_t seed)
{
    struct gpuarb_share_cluster *h = ga_calloc(1, sizeof *h);
    if (!h)
        return NULL;
    ga_share_cluster *c = &h->c;
    c->policy = policy;
    ga_rng_seed(&c->rng, seed, 0x5a17);
    return c;
}

static int same_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i];
        int y = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];
        if (x != y)
            return 0;
    }
    return a[n] == '\0';
}

int32_t ga_share_model_id(ga_share_cluster *c, const char *name, size_t n, int add)
{
    for (int32_t i = 0; i < c->nmodels; i++)
        if (same_n(c->models[i], name, n))
            return i;
    if (!add)
        return -1;
    if (c->nmodels >= GA_SHARE_MAX_MODELS)
        return -2;
    char *s = ga_strndup(name, n);
    if (!s)
        return -3;
    c->models[c->nmodels] = s;
    return c->nmodels++;
}

int ga_share_add_node(ga_share_cluster *c, int32_t model, int32_t gpus, int64_t cpu, int64_t mem)
{
    if (ga_grow((void **)&c->nodes, &c->cap, c->n + 1, sizeof *c->nodes))
        return -1;
    if (c->n + 1 > c->shape_nodes) {
        size_t want = c->cap;
        for (size_t i = 0; i < c->nshapes; i++) {
            ga_share_shape *sh = &c->shapes[i];
            uint32_t *st = ga_reallocarray(sh->stamp, want, sizeof *st);
            if (st)
                sh->stamp = st;
            double *d = st ? ga_reallocarray(sh->delta, want, sizeof *d) : NULL;
            if (d)
                sh->delta = d;
            uint64_t *g = d ? ga_reallocarray(sh->gm, want, sizeof *g) : NULL;
            if (g)
                sh->gm = g;
            int32_t *cd = g ? ga_reallocarray(sh->cand, want, sizeof *cd) : NULL;
            if (!cd)
                return -1;
            sh->cand = cd;
            memset(st + c->n, 0, (want - c->n) * sizeof *st);
        }
        c->shape_nodes = want;
    }
    ga_share_node *nd = &c->nodes[c->n];
    memset(nd, 0, sizeof *nd);
    nd->model = model;
    nd->ngpu = gpus;
    nd->cpu_cap = nd->cpu_free = cpu;
    nd->mem_cap = nd->mem_free = mem;
    for (int32_t g = 0; g < gpus; g++)
        nd->gfree[g] = 1000;
    nd->frag_ok = 0;
    ga_share_rehash(nd);
    c->n++;
    c->gpus += gpus;
    return 0;
}

/* The target workload or its weights changed: every cached fragmentation
 * is stale (the shapes' tables and the views compare epochs). */
static void invalidate(ga_share_cluster *c)
{
    c->epoch++;
}

int ga_share_add_class(ga_share_cluster *c, const ga_share_pod *p, double weight)
{
    /* CPU-only pods are classes too (the FGD simulator's isInvolvedCpuPods):
     * all free GPU is fragment to them, and they count in the popularity
     * threshold of ga_share_trim_classes */
    for (size_t i = 0; i < c->ncls; i++) {
        ga_share_cls *x = &c->cls[i];
        if (x->k == p->k && x->milli == p->milli && x->cpu == p->cpu && x->mask == p->mask) {
            x->w += weight;
            c->wsum += weight;
            invalidate(c);
            return 0;
        }
    }
    if (ga_grow((void **)&c->cls, &c->clscap, c->ncls + 1, sizeof *c->cls))
        return -1;
    ga_share_cls *x = &c->cls[c->ncls++];
    x->k = p->k;
    x->milli = p->milli;
    x->cpu = p->cpu;
    x->mask = p->mask;
    x->w = weight;
    c->wsum += weight;
    invalidate(c);
    return 0;
}

/* ---- feasibility and fragmentation ---- */

static int model_ok(uint64_t mask, int32_t model)
{
    return mask == 0 || (model >= 0 && (mask >> model) & 1u);
}

/* Can p's shape (all but memory) run on nd? */
static int shape_fits(const ga_share_node *nd, const ga_share_pod *p)
{
    if (p->cpu > nd->cpu_free)
        return 0;
    if (p->k == 0)
        return 1;
    if (!model_ok(p->mask, nd->model) || nd->ngpu == 0)
        return 0;
    return p->milli < 1000 ? nd->gmax >= p->milli : nd->gfull >= p->k;
}


static int cls_cpu_desc(const void *a, const void *b, const ga_share_cls *cls)
{
    const ga_share_cls *x = &cls[*(const int32_t *)a], *y = &cls[*(const int32_t *)b];
    if (x->cpu != y->cpu)
        return x->cpu > y->cpu ? -1 : 1;
    return *(const int32_t *)a < *(const int32_t *)b ? -1 : 1;
}

/* The classes of model m by CPU descending (insertion sort: few classes,
 * and qsort has no context argument). */
static struct ga_share_view *view_of(ga_share_cluster *c, int32_t model)
{
    struct ga_share_view *v = &c->view[model + 1];
    if (v->built && v->epoch == c->epoch)
        return v;
    int32_t *ix = ga_reallocarray(v->cls, c->ncls + 1, sizeof *ix);
    if (!ix)
        return NULL;
    v->cls = ix;
    double *wp = ga_reallocarray(v->wpre, c->ncls + 2, sizeof *wp);
    if (!wp)
        return NULL;
    v->wpre = wp;
    v->n = 0;
    v->wout = 0;
    for (size_t i = 0; i < c->ncls; i++) {
        if (c->cls[i].k == 0 || !model_ok(c->cls[i].mask, model)) {
            v->wout += c->cls[i].w;
            continue;
        }
        int32_t j = v->n++;
        ix[j] = (int32_t)i;
        while (j > 0 && cls_cpu_desc(&ix[j - 1], &ix[j], c->cls) > 0) {
            int32_t t = ix[j];
            ix[j] = ix[j - 1];
            ix[j - 1] = t;
            j--;
        }
    }
    wp[0] = 0;
    for (int32_t j = 0; j < v->n; j++)
        wp[j + 1] = wp[j] + c->cls[ix[j]].w;
    /* distinct share milli and whole k */
    int32_t *ms = ga_reallocarray(v->ms, (size_t)v->n + 1, sizeof *ms);
    if (ms)
        v->ms = ms;
    int32_t *ks = ms ? ga_reallocarray(v->ks, (size_t)v->n + 1, sizeof *ks) : NULL;
    if (!ks)
        return NULL;
    v->ks = ks;
    v->nm = v->nk = 0;
    for (int32_t j = 0; j < v->n; j++) {
        const ga_share_cls *x = &c->cls[ix[j]];
        int32_t *a = x->milli < 1000 ? ms : ks, *na = x->milli < 1000 ? &v->nm : &v->nk;
        int32_t val = x->milli < 1000 ? x->milli : x->k, q = *na;
        int dup = 0;
        for (int32_t i = 0; i < q && !dup; i++)
            dup = a[i] == val;
        if (dup)
            continue;
        while (q > 0 && a[q - 1] > val) {
            a[q] = a[q - 1];
            q--;
        }
        a[q] = val;
        (*na)++;
    }
    size_t rows = (size_t)v->n + 1;
    double *sw = ga_reallocarray(v->sw, rows * (size_t)(v->nm + 1), sizeof *sw);
    if (sw)
        v->sw = sw;
    double *kw = sw ? ga_reallocarray(v->kw, rows * (size_t)(v->nk + 1), sizeof *kw) : NULL;
    if (!kw)
        return NULL;
    v->kw = kw;
    /* row lo: weights of classes lo..n-1, cumulative over the sorted values */
    for (int32_t lo = v->n; lo >= 0; lo--) {
        double *rs = &sw[(size_t)lo * (size_t)(v->nm + 1)];
        double *rk = &kw[(size_t)lo * (size_t)(v->nk + 1)];
        if (lo == v->n) {
            memset(rs, 0, (size_t)(v->nm + 1) * sizeof *rs);
            memset(rk, 0, (size_t)(v->nk + 1) * sizeof *rk);
            continue;
        }
        memcpy(rs, rs + v->nm + 1, (size_t)(v->nm + 1) * sizeof *rs);
        memcpy(rk, rk + v->nk + 1, (size_t)(v->nk + 1) * sizeof *rk);
        const ga_share_cls *x = &c->cls[ix[lo]];
        if (x->milli < 1000) {
            for (int32_t j = 0; j < v->nm; j++) /* rs[j + 1]: milli <= ms[j] */
                if (x->milli <= ms[j])
                    rs[j + 1] += x->w;
        } else {
            for (int32_t j = 0; j < v->nk; j++)
                if (x->k <= ks[j])
                    rk[j + 1] += x->w;
        }
    }
    v->built = 1;
    v->epoch = c->epoch;
    return v;
}

/* F_n(M): the expected free GPU (thousandths) that the target workload
 * cannot use on this node.  When memory for the view runs out it sets
 * c->oom (the caller gives up) and returns 0. */
static double node_frag(ga_share_cluster *c, const ga_share_node *nd, const int16_t *gfree,
                        int64_t cpu_free)
{
    int32_t S = 0, mx = 0, full = 0;
    for (int32_t g = 0; g < nd->ngpu; g++) {
        S += gfree[g];
        if (gfree[g] > mx)
            mx = gfree[g];
        full += gfree[g] == 1000;
    }
    if (S == 0)
        return 0;
    struct ga_share_view *v = view_of(c, nd->model);
    if (!v) {
        c->oom = 1;
        return 0;
    }
    /* classes needing more CPU than is free: a prefix (CPU descending) */
    int32_t lo = 0, hi = v->n;
    while (lo < hi) {
        int32_t mid = (lo + hi) / 2;
        if (c->cls[v->cls[mid]].cpu > cpu_free)
            lo = mid + 1;
        else
            hi = mid;
    }
    double f = (v->wout + v->wpre[lo]) * S;
    const double *rs = &v->sw[(size_t)lo * (size_t)(v->nm + 1)];
    const double *rk = &v->kw[(size_t)lo * (size_t)(v->nk + 1)];
    /* share classes: with the free GPU sorted g1 <= ... <= gG, a class of
     * milli x loses the free of GPUs below x, or everything above gG */
    if (v->nm > 0) {
        int16_t g[GA_SHARE_MAX_GPUS];
        int32_t n = nd->ngpu;
        memcpy(g, gfree, (size_t)n * sizeof *g);
        for (int32_t i = 1; i < n; i++)
            for (int32_t j = i; j > 0 && g[j - 1] > g[j]; j--) {
                int16_t t = g[j];
                g[j] = g[j - 1];
                g[j - 1] = t;
            }
        double prev = 0;   /* weight of milli <= the previous g */
        int32_t below = 0; /* free of the GPUs below */
        int32_t j = 0;
        for (int32_t i = 0; i < n; i++) {
            /* classes with milli in (g[i-1], g[i]] lose the GPUs below g[i] */
            while (j < v->nm && v->ms[j] <= g[i])
                j++;
            double upto = rs[j];
            f += (upto - prev) * below;
            prev = upto;
            below += g[i];
        }
        f += (rs[v->nm] - prev) * S; /* milli above every GPU's free */
    }
    if (v->nk > 0) {
        int32_t j = 0;
        while (j < v->nk && v->ks[j] <= full)
            j++;
        f += rk[j] * (double)(S - 1000 * full) + (rk[v->nk] - rk[j]) * S;
    }
    return f / (c->wsum > 0 ? c->wsum : 1);
}

void ga_share_trim_classes(ga_share_cluster *c, double share)
{
    /* sort by weight descending (selection: few classes) */
    for (size_t i = 0; i < c->ncls; i++) {
        size_t b = i;
        for (size_t j = i + 1; j < c->ncls; j++)
            if (c->cls[j].w > c->cls[b].w)
                b = j;
        ga_share_cls t = c->cls[i];
        c->cls[i] = c->cls[b];
        c->cls[b] = t;
    }
    double keep = 0, total = c->wsum;
    size_t n = 0;
    while (n < c->ncls && keep < share * total - 1e-9)
        keep += c->cls[n++].w;
    c->ncls = n;
    c->wsum = keep;
    invalidate(c);
}

static double frag_now(ga_share_cluster *c, ga_share_node *nd)
{
    if (!nd->frag_ok || nd->frag_epoch != c->epoch) {
        nd->frag = node_frag(c, nd, nd->gfree, nd->cpu_free);
        nd->frag_ok = 1;
        nd->frag_epoch = c->epoch;
    }
    return nd->frag;
}

/* The GPUs a pod takes on nd by best fit: *mask, and the GPU milli left
 * free on the node afterwards. */
static uint64_t bestfit_gpus(const ga_share_node *nd, const ga_share_pod *p)
{
    if (p->k == 0)
        return 0;
    if (p->milli < 1000) {
        int32_t best = -1;
        for (int32_t g = 0; g < nd->ngpu; g++)
            if (nd->gfree[g] >= p->milli && (best < 0 || nd->gfree[g] < nd->gfree[best]))
                best = g;
        return best < 0 ? 0 : (uint64_t)1 << best;
    }
    uint64_t m = 0;
    int32_t got = 0;
    for (int32_t g = 0; g < nd->ngpu && got < p->k; g++)
        if (nd->gfree[g] == 1000) {
            m |= (uint64_t)1 << g;
            got++;
        }
    return m;
}

/* FGD on one node: the GPU choice with the least growth of F_n(M); the
 * growth into *delta, the choice returned. */
static uint64_t fgd_node(ga_share_cluster *c, ga_share_node *nd, const ga_share_pod *p,
                         double *delta)
{
    double before = frag_now(c, nd);
    int16_t g2[GA_SHARE_MAX_GPUS];
    memcpy(g2, nd->gfree, (size_t)nd->ngpu * sizeof *g2);
    int64_t cpu = nd->cpu_free - p->cpu;
    if (p->k == 0 || p->milli == 1000) {
        uint64_t m = bestfit_gpus(nd, p); /* any k free GPUs: all the same to F */
        for (int32_t g = 0; g < nd->ngpu; g++)
            if ((m >> g) & 1u)
                g2[g] = 0;
        *delta = node_frag(c, nd, g2, cpu) - before;
        return m;
    }
    double best = 0;
    int32_t bg = -1;
    for (int32_t g = 0; g < nd->ngpu; g++) {
        if (nd->gfree[g] < p->milli)
            continue;
        int dup = 0; /* GPUs with equal free give equal states */
        for (int32_t h = 0; h < g && !dup; h++)
            dup = nd->gfree[h] == nd->gfree[g];
        if (dup)
            continue;
        g2[g] = (int16_t)(nd->gfree[g] - p->milli);
        double d = node_frag(c, nd, g2, cpu) - before;
        g2[g] = nd->gfree[g];
        if (bg < 0 || d < best) {
            best = d;
            bg = g;
        }
    }
    *delta = best;
    return (uint64_t)1 << bg;
}

static int32_t gpu_free_sum(const ga_share_node *nd)
{
    return nd->gsum;
}

static double share_of(double a, double cap)
{
    return cap > 0 ? a / cap : 0;
}

/* auto: two scores are equal when they differ by less than this */
#define AUTO_TOL 1e-9

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

void ga_share_rehash(ga_share_node *nd)
{
    int16_t g[GA_SHARE_MAX_GPUS];
    memcpy(g, nd->gfree, (size_t)nd->ngpu * sizeof *g);
    for (int32_t i = 1; i < nd->ngpu; i++)
        for (int32_t j = i; j > 0 && g[j - 1] > g[j]; j--) {
            int16_t t = g[j];
            g[j] = g[j - 1];
            g[j - 1] = t;
        }
    nd->gsum = nd->gfull = 0;
    nd->gmax = nd->ngpu ? g[nd->ngpu - 1] : 0;
    for (int32_t i = 0; i < nd->ngpu; i++) {
        nd->gsum += g[i];
        nd->gfull += g[i] == 1000;
    }
}

/* ---- pod shapes: FGD's score per shape and node, re-scored only where
 * the node changed ---- */

static uint64_t shape_key(const ga_share_pod *p)
{
    return mix64(((uint64_t)(uint32_t)p->k << 48) ^ ((uint64_t)(uint32_t)p->milli << 32) ^
                 (uint64_t)p->cpu) ^
           mix64(p->mask + 0x9e3779b97f4a7c15ull);
}

static int same_shape(const ga_share_shape *sh, const ga_share_pod *p)
{
    return sh->k == p->k && sh->milli == p->milli && sh->cpu == p->cpu && sh->mask == p->mask;
}

/* p's shape, added when new (with tables for every node); NULL when memory
 * runs out. */
static ga_share_shape *shape_of(ga_share_cluster *c, const ga_share_pod *p)
{
    uint64_t h = shape_key(p);
    size_t mask = c->shape_tab_n - 1;
    if (c->shape_tab_n) {
        for (size_t j = h & mask; c->shape_tab[j]; j = (j + 1) & mask)
            if (same_shape(&c->shapes[c->shape_tab[j] - 1], p))
                return &c->shapes[c->shape_tab[j] - 1];
    }
    if (c->nshapes >= INT32_MAX - 1)
        return NULL;
    if (2 * (c->nshapes + 1) > c->shape_tab_n) { /* grow and rehash */
        size_t n2 = c->shape_tab_n ? 2 * c->shape_tab_n : 64;
        int32_t *tab = ga_calloc(n2, sizeof *tab);
        if (!tab)
            return NULL;
        for (size_t i = 0; i < c->nshapes; i++) {
            const ga_share_shape *x = &c->shapes[i];
            ga_share_pod q = {x->k, x->milli, x->cpu, 0, x->mask};
            size_t j = shape_key(&q) & (n2 - 1);
            while (tab[j])
                j = (j + 1) & (n2 - 1);
            tab[j] = (int32_t)i + 1;
        }
        free(c->shape_tab);
        c->shape_tab = tab;
        c->shape_tab_n = n2;
        mask = n2 - 1;
    }
    if (ga_grow((void **)&c->shapes, &c->shapecap, c->nshapes + 1, sizeof *c->shapes))
        return NULL;
    ga_share_shape *sh = &c->shapes[c->nshapes];
    memset(sh, 0, sizeof *sh);
    size_t nn = c->shape_nodes ? c->shape_nodes : 1;
    sh->stamp = ga_calloc(nn, sizeof *sh->stamp);
    sh->delta = ga_mallocarray(nn, sizeof *sh->delta);
    sh->gm = ga_mallocarray(nn, sizeof *sh->gm);
    sh->cand = ga_mallocarray(nn, sizeof *sh->cand);
    if (!sh->stamp || !sh->delta || !sh->gm || !sh->cand) {
        free(sh->stamp);
        free(sh->delta);
        free(sh->gm);
        free(sh->cand);
        return NULL;
    }
    sh->k = p->k;
    sh->milli = p->milli;
    sh->cpu = p->cpu;
    sh->mask = p->mask;
    sh->epoch = c->epoch;
    size_t j = h & mask;
    while (c->shape_tab[j])
        j = (j + 1) & mask;
    c->shape_tab[j] = (int32_t)c->nshapes + 1;
    c->nshapes++;
    return sh;
}

/* FGD's change of fragmentation for p (of shape sh) on node i, and its
 * GPUs in *m: from the shape's table when node i has not changed since. */
static inline double shape_fgd(ga_share_cluster *c, ga_share_shape *sh, size_t i, const ga_share_pod *p,
                        uint64_t *m)
{
    ga_share_node *nd = &c->nodes[i];
    uint32_t v = nd->version + 1;
    if (sh->stamp[i] == v && v != 0) {
        *m = sh->gm[i];
        return sh->delta[i];
    }
    double d;
    *m = fgd_node(c, nd, p, &d);
    sh->stamp[i] = v;
    sh->delta[i] = d;
    sh->gm[i] = *m;
    return d;
}

int64_t ga_share_place(ga_share_cluster *c, const ga_share_pod *p, uint64_t *gmask)
{
    int64_t best = -1;
    double bs = 0, bs2 = 0;
    uint64_t bm = 0;
    size_t feasible = 0, pick = 0;
    const int32_t pol = c->policy;
    const double gneed = (double)p->k * p->milli;
    const int fgd = pol == GA_SHARE_POL_FGD || pol == GA_SHARE_POL_AUTO;
    ga_share_shape *sh = shape_of(c, p);
    if (!sh)
        return -2;
    if (fgd && sh->epoch != c->epoch) {
        memset(sh->stamp, 0, c->n * sizeof *sh->stamp);
        sh->epoch = c->epoch;
    }
    /* the shape's candidates: add new nodes, drop (in the same pass that
     * scores them) those it no longer fits */
    for (; sh->seen < c->n; sh->seen++)
        sh->cand[sh->ncand++] = (int32_t)sh->seen;
    size_t nc = 0, ncand = sh->ncand;
    if (pol == GA_SHARE_POL_RANDOM) {
        for (size_t j = 0; j < ncand; j++) {
            const ga_share_node *nd = &c->nodes[sh->cand[j]];
            if (!shape_fits(nd, p))
                continue;
            sh->cand[nc++] = sh->cand[j];
            feasible += p->mem <= nd->mem_free;
        }
        sh->ncand = ncand = nc;
        if (!feasible)
            return -1;
        pick = (size_t)ga_rng_below(&c->rng, feasible);
    }
    for (size_t j = 0; j < ncand; j++) {
        const size_t i = (size_t)sh->cand[j];
        ga_share_node *nd = &c->nodes[i];
        if (pol != GA_SHARE_POL_RANDOM) {
            if (!shape_fits(nd, p))
                continue;
            sh->cand[nc++] = (int32_t)i;
        }
        if (p->mem > nd->mem_free)
            continue;
        double sc = 0, sc2 = 0;
        uint64_t m = 0;
        switch (pol) {
        case GA_SHARE_POL_RANDOM:
            if (pick--)
                continue;
            break;
        case GA_SHARE_POL_BESTFIT:
            sc = share_of((double)(nd->cpu_free - p->cpu), (double)nd->cpu_cap) +
                 share_of(gpu_free_sum(nd) - gneed, 1000.0 * nd->ngpu);
            break;
        case GA_SHARE_POL_DOTPROD:
            sc = share_of((double)p->cpu, (double)nd->cpu_cap) *
                     share_of((double)nd->cpu_free, (double)nd->cpu_cap) +
                 share_of(gneed, 1000.0 * nd->ngpu) *
                     share_of(gpu_free_sum(nd), 1000.0 * nd->ngpu);
            break;
        case GA_SHARE_POL_PACKING: {
            int32_t tier = 2;
            if (p->k == 1 && p->milli < 1000) {
                m = bestfit_gpus(nd, p);
                if (m && nd->gfree[__builtin_ctzll(m)] < 1000)
                    tier = 0;
            }
            if (tier && gpu_free_sum(nd) < 1000 * nd->ngpu)
                tier = 1;
            sc = tier * 10.0 + share_of(gpu_free_sum(nd) - gneed, 1000.0 * nd->ngpu);
            break;
        }
        case GA_SHARE_POL_FGD:
            sc = shape_fgd(c, sh, i, p, &m);
            break;
        default: /* auto */
            sc = shape_fgd(c, sh, i, p, &m) +
                 c->auto_dot * 1000.0 *
                     (share_of((double)p->cpu, (double)nd->cpu_cap) *
                          share_of((double)nd->cpu_free, (double)nd->cpu_cap) +
                      share_of(gneed, 1000.0 * nd->ngpu) *
                          share_of(gpu_free_sum(nd), 1000.0 * nd->ngpu));
            sc2 = gpu_free_sum(nd) - gneed;
            break;
        }
        if (best < 0 || sc < bs - AUTO_TOL ||
            (pol == GA_SHARE_POL_AUTO && sc <= bs + AUTO_TOL && sc2 < bs2)) {
            best = (int64_t)i;
            bs = sc;
            bs2 = sc2;
            bm = m;
        }
        if (pol == GA_SHARE_POL_RANDOM)
            break;
    }
    if (pol != GA_SHARE_POL_RANDOM)
        sh->ncand = nc;
    if (c->oom) {
        /* changes computed without their view are wrong: drop them all */
        c->oom = 0;
        invalidate(c);
        return -2;
    }
    if (best < 0)
        return -1;
    ga_share_node *nd = &c->nodes[best];
    if (!fgd) /* the others take the best-fitting GPU(s) of the node chosen */
        bm = bestfit_gpus(nd, p);
    nd->cpu_free -= p->cpu;
    nd->mem_free -= p->mem;
    for (int32_t g = 0; g < nd->ngpu; g++)
        if ((bm >> g) & 1u)
            nd->gfree[g] = (int16_t)(nd->gfree[g] - p->milli);
    nd->version++;
    nd->frag_ok = 0;
    ga_share_rehash(nd);
    c->allocated += (int64_t)p->k * p->milli;
    *gmask = bm;
    return best;
}

/* Why p fits nowhere (static text). */
const char *ga_share_reason(const ga_share_cluster *c, const ga_share_pod *p)
{
    int model = 0, cpu = 0, mem = 0;
    for (size_t i = 0; i < c->n; i++) {
        const ga_share_node *nd = &c->nodes[i];
        if (p->k > 0 && (!model_ok(p->mask, nd->model) || nd->ngpu < p->k))
            continue;
        model = 1;
        if (p->cpu > nd->cpu_free)
            continue;
        cpu = 1;
        if (p->mem > nd->mem_free)
            continue;
        mem = 1;
    }
    if (!model)
        return "no node has the GPU model and count the pod asks for";
    if (!cpu)
        return "no node with the GPU model has enough free CPU";
    if (!mem)
        return "no node with the GPU model and CPU has enough free memory";
    return p->milli < 1000 ? "no GPU has that much free share"
                           : "no node has that many whole free GPUs";
}
