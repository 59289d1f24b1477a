/*
 * share_replay.c - the public fractional-GPU API: the incremental placer
 * (gpuarb_share_cluster_*, gpuarb_share_place) and the replay of SPEC
 * section 5 (gpuarb_share_replay) over the Alibaba cluster-trace-gpu-v2023
 * ("openb") node and pod CSVs, read with lib/io/csvtable.h so bad rows are
 * reported with file, line, column and column name.
 *
 * The replay follows the FGD paper's evaluation (Weng et al., USENIX
 * ATC'23): the pod list is shuffled by the seed, then pods drawn uniformly
 * from it (with replacement) are appended, or the list is cut, until the
 * GPU the pods request reaches tune x the cluster's GPUs; pods arrive one at
 * a time, never leave, and a pod that fits nowhere is skipped.  When the
 * requested GPU first reaches 80, 90, ..., 130 % of capacity, the share of
 * the cluster's GPU not allocated is recorded.  The target workload of fgd
 * and auto is the trace's pod classes (CPU, GPU count, GPU share, models;
 * CPU-only pods included) weighted by pod count, the most popular that
 * cover 95 % of the pods: the FGD simulator's documented typicalPodsConfig
 * (isInvolvedCpuPods true, podPopularityThreshold 95, podIncreaseStep 1).
 *
 * The pseudo-policy "offline" (GPUARB_SHARE_OFFLINE) is the reference with
 * full knowledge: at each level, all pods arrived by then are placed at once,
 * largest GPU request first, by best fit and by fgd (with those pods as its
 * target workload), and also the online fgd and packing placements of the
 * same arrivals; the best of the four counts; its JSON adds
 * "lower_bound_pct", a bound no placement can beat: the GPU of the arrived
 * pods that fit an empty node at all, capped at the cluster's GPU.
 *
 * Returns GPUARB_OK, GPUARB_ERR_ARG, GPUARB_ERR_IO/SYNTAX/INPUT (the CSVs),
 * GPUARB_ERR_NOMEM.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csvtable.h"
#include "io/writer.h"
#include "mig/share.h"

#define SHARE_MAX_ROWS 10000000
#define SHARE_MAX_CSV (512u * 1024u * 1024u)
#define OFFLINE_POLICY 6
/* The target workload: the most popular pod classes covering this share of
 * all pods (the FGD simulator's popularity threshold, 95 %). */
#define TARGET_SHARE 0.95

static const int LEVELS[] = {80, 90, 100, 110, 120, 130};
#define NLEVELS 6

/* ---- the incremental API ---- */

gpuarb_status gpuarb_share_cluster_create(gpuarb_ctx *ctx, int32_t policy, uint64_t seed,
                                          gpuarb_share_cluster **out)
{
    if (out)
        *out = NULL;
    if (!out || policy < 0 || policy >= GA_SHARE_POL_COUNT)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "share cluster: %s", out ? "unknown policy" : "out is NULL");
    ga_share_cluster *c = ga_share_new(policy, seed);
    if (!c)
        return ga_nomem(ctx);
    *out = (gpuarb_share_cluster *)c;
    return GPUARB_OK;
}

void gpuarb_share_cluster_free(gpuarb_share_cluster *cl)
{
    ga_share_free(cl ? &cl->c : NULL);
}

gpuarb_status gpuarb_share_add_node(gpuarb_ctx *ctx, gpuarb_share_cluster *cl, const char *model,
                                    int32_t gpus, double cpus, double memory_gb, int32_t *index)
{
    if (!cl || gpus < 0 || gpus > GA_SHARE_MAX_GPUS || !(cpus >= 0) || !(memory_gb >= 0) ||
        cpus > 1e9 || memory_gb > 1e9 || cl->c.n >= INT32_MAX)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "share add node: gpus 0..64, cpus and memory_gb >= 0");
    ga_share_cluster *c = &cl->c;
    int32_t m = -1;
    if (model && *model) {
        m = ga_share_model_id(c, model, strlen(model), 1);
        if (m == -2)
            return ga_error(ctx, GPUARB_ERR_LIMIT, NULL, 0, 0, NULL,
                            "share add node: more than %d GPU models", GA_SHARE_MAX_MODELS);
        if (m < 0)
            return ga_nomem(ctx);
    }
    if (ga_share_add_node(c, m, gpus, llround(cpus * 1000.0),
                          llround(memory_gb * 1e9 / 1048576.0)))
        return ga_nomem(ctx);
    if (index)
        *index = (int32_t)c->n - 1;
    return GPUARB_OK;
}

void gpuarb_share_pod_init(gpuarb_share_pod *pod)
{
    if (!pod)
        return;
    memset(pod, 0, sizeof *pod);
    pod->size = sizeof *pod;
    pod->gpus = 1;
    pod->gpu_fraction = 1;
}

/* The public pod into ours; models unknown to the cluster are ignored (a
 * pod naming only unknown models fits nowhere). */
static gpuarb_status convert(gpuarb_ctx *ctx, ga_share_cluster *c, const gpuarb_share_pod *pod,
                             ga_share_pod *p)
{
    if (!pod || pod->size < sizeof *pod || pod->gpus < 0 || pod->gpus > GA_SHARE_MAX_GPUS ||
        !(pod->gpu_fraction > 0 && pod->gpu_fraction <= 1) || !(pod->cpus >= 0) ||
        !(pod->memory_gb >= 0) || pod->cpus > 1e9 || pod->memory_gb > 1e9 ||
        (pod->gpus > 1 && pod->gpu_fraction < 1))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "share pod: gpus 0..64, gpu_fraction in (0, 1] (1 when gpus > 1), "
                        "cpus and memory_gb >= 0");
    memset(p, 0, sizeof *p);
    p->k = pod->gpus;
    p->milli = pod->gpus ? (int32_t)ceil(pod->gpu_fraction * 1000.0 - 1e-9) : 0;
    p->cpu = llround(pod->cpus * 1000.0);
    p->mem = llround(pod->memory_gb * 1e9 / 1048576.0);
    if (pod->models && *pod->models) {
        const char *s = pod->models;
        while (*s) {
            size_t n = strcspn(s, "|");
            int32_t m = n ? ga_share_model_id(c, s, n, 0) : -1;
            if (m >= 0)
                p->mask |= (uint64_t)1 << m;
            s += n;
            if (*s == '|')
                s++;
        }
        if (!p->mask)
            p->mask = (uint64_t)1 << 63; /* no model of this cluster */
    }
    return GPUARB_OK;
}

gpuarb_status gpuarb_share_add_target(gpuarb_ctx *ctx, gpuarb_share_cluster *cl,
                                      const gpuarb_share_pod *pod)
{
    if (!cl)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "share: cluster is NULL");
    ga_share_pod p;
    gpuarb_status st = convert(ctx, &cl->c, pod, &p);
    if (st)
        return st;
    cl->c.explicit_target = 1;
    return ga_share_add_class(&cl->c, &p, 1.0) ? ga_nomem(ctx) : GPUARB_OK;
}

gpuarb_status gpuarb_share_place(gpuarb_ctx *ctx, gpuarb_share_cluster *cl,
                                 const gpuarb_share_pod *pod, int32_t *node, uint64_t *gpu_mask,
                                 const char **reason)
{
    if (node)
        *node = -1;
    if (gpu_mask)
        *gpu_mask = 0;
    if (reason)
        *reason = NULL;
    if (!cl || !node || !gpu_mask)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "share place: cluster, node and gpu_mask must not be NULL");
    ga_share_pod p;
    gpuarb_status st = convert(ctx, &cl->c, pod, &p);
    if (st)
        return st;
    if (!cl->c.explicit_target && ga_share_add_class(&cl->c, &p, 1.0))
        return ga_nomem(ctx);
    uint64_t m = 0;
    int64_t i = ga_share_place(&cl->c, &p, &m);
    if (i == -2)
        return ga_nomem(ctx);
    if (i < 0) {
        if (reason)
            *reason = ga_share_reason(&cl->c, &p);
        return GPUARB_OK;
    }
    *node = (int32_t)i;
    *gpu_mask = m;
    return GPUARB_OK;
}

/* ---- the openb CSVs ---- */

enum { N_SN, N_CPU, N_MEM, N_GPU, N_MODEL };
static const ga_tab_col NODE_COLS[] = {
    {"sn", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {"cpu_milli", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 1000000000, 0},
    {"memory_mib", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 1000000000000, 0},
    {"gpu", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, GA_SHARE_MAX_GPUS, 0},
    {"model", GA_TAB_STRING, GA_TAB_COLUMN, 0, 0, 0, 0},
    {NULL, 0, 0, 0, 0, 0, 0}};

enum { P_NAME, P_CPU, P_MEM, P_NGPU, P_MILLI, P_SPEC };
static const ga_tab_col POD_COLS[] = {
    {"name", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {"cpu_milli", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 1000000000, 0},
    {"memory_mib", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 1000000000000, 0},
    {"num_gpu", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, GA_SHARE_MAX_GPUS, 0},
    {"gpu_milli", GA_TAB_INTEGER, GA_TAB_COLUMN | GA_TAB_VALUE, 0, 0, 1000, 0},
    {"gpu_spec", GA_TAB_STRING, 0, 0, 0, 0, 0},
    {NULL, 0, 0, 0, 0, 0, 0}};

typedef struct node_row {
    int32_t model, gpus;
    int64_t cpu, mem;
} node_row;

typedef struct trace {
    node_row *nodes;
    size_t nn, ncap;
    ga_share_pod *pods;
    size_t np, pcap;
    char *models[GA_SHARE_MAX_MODELS];
    int32_t nmodels;
    int64_t gpus;
} trace;

static void trace_free(trace *t)
{
    free(t->nodes);
    free(t->pods);
    for (int32_t i = 0; i < t->nmodels; i++)
        free(t->models[i]);
}

static int32_t model_id(trace *t, const char *s, size_t n, int add)
{
    for (int32_t i = 0; i < t->nmodels; i++)
        if (strlen(t->models[i]) == n && strncmp(t->models[i], s, n) == 0)
            return i;
    if (!add)
        return -1;
    if (t->nmodels >= GA_SHARE_MAX_MODELS - 1)
        return -2;
    if (!(t->models[t->nmodels] = ga_strndup(s, n)))
        return -3;
    return t->nmodels++;
}

static gpuarb_status read_csv(gpuarb_ctx *ctx, const char *path, const ga_tab_col *cols,
                              trace *t, int pods)
{
    char *text = NULL;
    size_t len = 0;
    gpuarb_status st = ga_read_file(ctx, path, SHARE_MAX_CSV, &text, &len);
    if (st)
        return st;
    ga_tab tab;
    int empty = 0, got = 0;
    ga_tab_init(&tab, ctx, text, len, path, cols, GA_TAB_COMMENTS);
    st = ga_tab_header(&tab, &empty);
    while (!st && !empty && !(st = ga_tab_next(&tab, &got)) && got) {
        int64_t cpu, mem, g, milli = 0;
        char *spec = NULL;
        if ((st = ga_tab_int(&tab, pods ? P_CPU : N_CPU, 0, &cpu)) ||
            (st = ga_tab_int(&tab, pods ? P_MEM : N_MEM, 0, &mem)) ||
            (st = ga_tab_int(&tab, pods ? P_NGPU : N_GPU, 0, &g)) ||
            (pods && (st = ga_tab_int(&tab, P_MILLI, 0, &milli))) ||
            (st = ga_tab_str(&tab, pods ? P_SPEC : N_MODEL, &spec)))
            break;
        if ((pods ? t->np : t->nn) >= SHARE_MAX_ROWS) {
            free(spec);
            st = ga_error(ctx, GPUARB_ERR_LIMIT, path, ga_tab_row_line(&tab), 1, NULL,
                          "more than %d rows", SHARE_MAX_ROWS);
            break;
        }
        if (!pods) {
            int32_t m = -1;
            if (spec && *spec && (m = model_id(t, spec, strlen(spec), 1)) < -1) {
                free(spec);
                st = m == -3 ? ga_nomem(ctx)
                             : ga_error(ctx, GPUARB_ERR_LIMIT, path, ga_tab_row_line(&tab), 1,
                                        "model", "more than %d GPU models",
                                        GA_SHARE_MAX_MODELS - 1);
                break;
            }
            free(spec);
            if (ga_grow((void **)&t->nodes, &t->ncap, t->nn + 1, sizeof *t->nodes)) {
                st = ga_nomem(ctx);
                break;
            }
            t->nodes[t->nn++] = (node_row){m, (int32_t)g, cpu, mem};
            t->gpus += g;
            continue;
        }
        ga_share_pod p = {0, 0, cpu, mem, 0};
        if (g > 0) {
            p.k = (int32_t)g;
            p.milli = g > 1 || milli == 0 ? 1000 : (int32_t)milli;
        }
        for (const char *s = spec; s && *s;) {
            size_t n = strcspn(s, "|");
            int32_t m = n ? model_id(t, s, n, 0) : -1;
            if (m >= 0)
                p.mask |= (uint64_t)1 << m;
            s += n;
            if (*s == '|')
                s++;
        }
        if (spec && *spec && !p.mask)
            p.mask = (uint64_t)1 << 63;
        free(spec);
        if (ga_grow((void **)&t->pods, &t->pcap, t->np + 1, sizeof *t->pods)) {
            st = ga_nomem(ctx);
            break;
        }
        t->pods[t->np++] = p;
    }
    ga_tab_free(&tab);
    free(text);
    return st;
}

/* ---- the replay ---- */

static ga_share_cluster *make_cluster(const trace *t, int32_t policy, uint64_t seed)
{
    ga_share_cluster *c = ga_share_new(policy, seed);
    if (!c)
        return NULL;
    for (int32_t i = 0; i < t->nmodels; i++) {
        if (ga_share_model_id(c, t->models[i], strlen(t->models[i]), 1) != i) {
            ga_share_free(c);
            return NULL;
        }
    }
    for (size_t i = 0; i < t->nn; i++)
        if (ga_share_add_node(c, t->nodes[i].model, t->nodes[i].gpus, t->nodes[i].cpu,
                              t->nodes[i].mem)) {
            ga_share_free(c);
            return NULL;
        }
    return c;
}

static double unalloc_pct(const ga_share_cluster *c)
{
    double cap = 1000.0 * (double)c->gpus;
    return cap > 0 ? 100.0 * (cap - (double)c->allocated) / cap : 0;
}

/* The arrival order: shuffled, then resampled or cut to tune x capacity.
 * *n its length; level_end[l] = pods arrived when level l is reached. */
static int32_t *arrivals(const trace *t, uint64_t seed, double tune, size_t *n,
                         size_t *level_end)
{
    ga_rng r;
    ga_rng_seed(&r, seed, 0x0be7);
    size_t cap = t->np + 16;
    int32_t *ord = ga_mallocarray(cap, sizeof *ord);
    if (!ord)
        return NULL;
    for (size_t i = 0; i < t->np; i++)
        ord[i] = (int32_t)i;
    for (size_t i = t->np; i > 1; i--) {
        size_t j = (size_t)ga_rng_below(&r, i);
        int32_t x = ord[i - 1];
        ord[i - 1] = ord[j];
        ord[j] = x;
    }
    double target = tune * 1000.0 * (double)t->gpus, sum = 0, total = 0;
    for (size_t i = 0; i < t->np; i++)
        total += (double)t->pods[i].k * t->pods[i].milli;
    size_t k = 0, l = 0;
    for (;; k++) {
        /* pods that ask for no GPU never reach a GPU target: the shuffled
         * list once, no resampling (the fuzzer's hang) */
        if (sum >= target || t->np == 0 || (!(total > 0) && k >= t->np))
            break;
        if (k >= t->np) {
            if (ga_grow((void **)&ord, &cap, k + 1, sizeof *ord)) {
                free(ord);
                return NULL;
            }
            ord[k] = (int32_t)ga_rng_below(&r, t->np);
        }
        const ga_share_pod *p = &t->pods[ord[k]];
        sum += (double)p->k * p->milli;
        while (l < NLEVELS && sum >= LEVELS[l] / 100.0 * 1000.0 * (double)t->gpus)
            level_end[l++] = k + 1;
    }
    while (l < NLEVELS)
        level_end[l++] = k;
    *n = k;
    return ord;
}

typedef struct rep {
    double pct[NLEVELS];
    double bound[NLEVELS];
    size_t pods, placed;
    double ms;
    int auto_cfg;
} rep;

/* Offline order: larger GPU request first, then more CPU, then arrival. */
typedef struct okey {
    int64_t gpu, cpu;
    int32_t idx;
} okey;

static int okey_cmp(const void *a, const void *b)
{
    const okey *x = a, *y = b;
    if (x->gpu != y->gpu)
        return x->gpu > y->gpu ? -1 : 1;
    if (x->cpu != y->cpu)
        return x->cpu > y->cpu ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static gpuarb_status offline(gpuarb_ctx *ctx, const trace *t, const int32_t *ord,
                             const size_t *level_end, rep *out)
{
    okey *buf = ga_mallocarray(level_end[NLEVELS - 1] + 1, sizeof *buf);
    if (!buf)
        return ga_nomem(ctx);
    ga_share_cluster *empty = make_cluster(t, GA_SHARE_POL_BESTFIT, 1);
    if (!empty) {
        free(buf);
        return ga_nomem(ctx);
    }
    for (int l = 0; l < NLEVELS; l++) {
        size_t n = level_end[l];
        for (size_t i = 0; i < n; i++) {
            const ga_share_pod *p = &t->pods[ord[i]];
            buf[i] = (okey){(int64_t)p->k * p->milli, p->cpu, (int32_t)i};
        }
        /* the bound: arrived GPU that fits an empty node at all */
        double fit = 0;
        for (size_t i = 0; i < n; i++) {
            const ga_share_pod *p = &t->pods[ord[i]];
            for (size_t j = 0; j < empty->n; j++) {
                const ga_share_node *nd = &empty->nodes[j];
                if (p->cpu <= nd->cpu_cap && p->mem <= nd->mem_cap &&
                    (p->k == 0 || (nd->ngpu >= p->k &&
                                   (p->mask == 0 || (nd->model >= 0 &&
                                                     ((p->mask >> nd->model) & 1u)))))) {
                    fit += (double)p->k * p->milli;
                    break;
                }
            }
        }
        double cap = 1000.0 * (double)t->gpus;
        out->bound[l] = cap > 0 ? 100.0 * fmax(0.0, cap - fmin(cap, fit)) / cap : 0;
        qsort(buf, n, sizeof *buf, okey_cmp);
        /* two packers with full knowledge, largest first: best fit, and fgd
         * with the arrived pods as its target workload; the better counts */
        out->pct[l] = 100.0;
        for (int pass = 0; pass < 2; pass++) {
            ga_share_cluster *c =
                make_cluster(t, pass ? GA_SHARE_POL_FGD : GA_SHARE_POL_BESTFIT, 1);
            int bad = !c;
            for (size_t i = 0; pass && !bad && i < n; i++)
                bad = ga_share_add_class(c, &t->pods[ord[buf[i].idx]], 1.0) != 0;
            if (bad) {
                ga_share_free(c);
                ga_share_free(empty);
                free(buf);
                return ga_nomem(ctx);
            }
            for (size_t i = 0; i < n && !bad; i++) {
                uint64_t m;
                bad = ga_share_place(c, &t->pods[ord[buf[i].idx]], &m) == -2;
            }
            if (bad) {
                ga_share_free(c);
                ga_share_free(empty);
                free(buf);
                return ga_nomem(ctx);
            }
            out->pct[l] = fmin(out->pct[l], unalloc_pct(c));
            ga_share_free(c);
        }
    }
    ga_share_free(empty);
    free(buf);
    return GPUARB_OK;
}

/* auto's settings: the target workload weighted by pod count or by GPU
 * requested, and the weight of its dot-product term.  The four were chosen
 * on seeds 60-69 (each setting replayed alone on the four openb traces),
 * never on the evaluation seeds 42-51: {pods, 0.1} is best on multigpu50,
 * {gpu, 0} and {gpu, 0.3} on default and gpushare40, {pods, 10} on
 * gpuspec33. */
typedef struct auto_cfg {
    int by_gpu;
    double dot;
} auto_cfg;

static const auto_cfg AUTO_CFGS[] = {{0, 0.1}, {1, 0}, {0, 10}, {1, 0.3}};
#define N_AUTO_CFGS 4

static gpuarb_status replay_cfg(gpuarb_ctx *ctx, const trace *t, int32_t policy, uint64_t seed,
                                double tune, const auto_cfg *cfg, rep *out);

/* auto tunes itself on the target workload only: each setting replays a
 * different shuffle of the trace (seed ^ AUTO_SALT, never the arrival order
 * being measured) up to 100 % and the one leaving least unallocated wins
 * (ties: the earlier). */
#define AUTO_SALT 0x7f4a7c159e3779b9ull

static gpuarb_status replay(gpuarb_ctx *ctx, const trace *t, int32_t policy, uint64_t seed,
                            double tune, rep *out)
{
    if (policy != GA_SHARE_POL_AUTO)
        return replay_cfg(ctx, t, policy, seed, tune, NULL, out);
    double t0 = ga_now_ms();
    int best = 0;
    double bv = 0;
    for (int k = 0; k < N_AUTO_CFGS; k++) {
        rep r;
        gpuarb_status st = replay_cfg(ctx, t, policy, seed ^ AUTO_SALT, 1.0, &AUTO_CFGS[k], &r);
        if (st)
            return st;
        if (k == 0 || r.pct[2] < bv - 1e-9) {
            best = k;
            bv = r.pct[2];
        }
    }
    gpuarb_status st = replay_cfg(ctx, t, policy, seed, tune, &AUTO_CFGS[best], out);
    out->ms = ga_now_ms() - t0;
    out->auto_cfg = best;
    return st;
}

static gpuarb_status replay_cfg(gpuarb_ctx *ctx, const trace *t, int32_t policy, uint64_t seed,
                                double tune, const auto_cfg *cfg, rep *out)
{
    size_t n = 0, level_end[NLEVELS];
    double t0 = ga_now_ms();
    memset(out, 0, sizeof *out);
    int32_t *ord = arrivals(t, seed, tune, &n, level_end);
    if (!ord)
        return ga_nomem(ctx);
    gpuarb_status st = GPUARB_OK;
    out->pods = n;
    if (policy == OFFLINE_POLICY) {
        st = offline(ctx, t, ord, level_end, out);
        free(ord);
        /* the online fgd and packing placements of the same arrivals are
         * placements with full knowledge too: the reference is the best */
        for (int32_t pol = GA_SHARE_POL_PACKING; !st && pol <= GA_SHARE_POL_FGD; pol++) {
            rep on;
            st = replay_cfg(ctx, t, pol, seed, tune, NULL, &on);
            for (int l = 0; !st && l < NLEVELS; l++)
                out->pct[l] = fmin(out->pct[l], on.pct[l]);
        }
        out->ms = ga_now_ms() - t0;
        return st;
    }
    ga_share_cluster *c = make_cluster(t, policy, seed);
    if (!c) {
        free(ord);
        return ga_nomem(ctx);
    }
    c->auto_dot = cfg ? cfg->dot : 0;
    for (size_t i = 0; i < t->np; i++)
        if (ga_share_add_class(c, &t->pods[i],
                               cfg && cfg->by_gpu ? (double)t->pods[i].k * t->pods[i].milli / 1000.0
                                                  : 1.0)) {
            st = ga_nomem(ctx);
            break;
        }
    if (TARGET_SHARE < 1)
        ga_share_trim_classes(c, TARGET_SHARE);
    size_t l = 0;
    for (size_t i = 0; !st && i < n; i++) {
        uint64_t m;
        int64_t at = ga_share_place(c, &t->pods[ord[i]], &m);
        if (at == -2)
            st = ga_nomem(ctx);
        else if (at >= 0)
            out->placed++;
        while (l < NLEVELS && level_end[l] == i + 1)
            out->pct[l++] = unalloc_pct(c);
    }
    while (l < NLEVELS)
        out->pct[l++] = unalloc_pct(c);
    ga_share_free(c);
    free(ord);
    out->ms = ga_now_ms() - t0;
    return st;
}

gpuarb_status gpuarb_share_replay(gpuarb_ctx *ctx, const char *nodes_csv, const char *pods_csv,
                                  int32_t policy, uint64_t seed, double tune, char **out)
{
    if (out)
        *out = NULL;
    if (!out || !nodes_csv || !pods_csv || policy < 0 || policy > OFFLINE_POLICY ||
        !(tune >= 0.8 && tune <= 10))
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "share replay: nodes, pods and out must be given, a known policy, "
                        "0.8 <= tune <= 10");
    trace t;
    memset(&t, 0, sizeof t);
    rep r;
    gpuarb_status st = read_csv(ctx, nodes_csv, NODE_COLS, &t, 0);
    if (!st)
        st = read_csv(ctx, pods_csv, POD_COLS, &t, 1);
    if (!st && t.gpus == 0)
        st = ga_error(ctx, GPUARB_ERR_INPUT, nodes_csv, 0, 0, NULL, "the nodes have no GPU");
    if (!st)
        st = replay(ctx, &t, policy, seed, tune, &r);
    if (!st) {
        ga_writer w;
        ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
        ga_w_obj_open(&w, GA_W_LINES);
        ga_w_kv_str(&w, "policy",
                    policy == OFFLINE_POLICY ? "offline" : ga_share_policy_names[policy]);
        ga_w_kv_int(&w, "seed", (int64_t)seed);
        ga_w_kv_num(&w, "tune", tune);
        ga_w_kv_int(&w, "nodes", (int64_t)t.nn);
        ga_w_kv_int(&w, "cluster_gpus", t.gpus);
        ga_w_kv_int(&w, "pods", (int64_t)r.pods);
        if (policy == GA_SHARE_POL_AUTO) {
            ga_w_key(&w, "auto");
            ga_w_obj_open(&w, GA_W_INLINE);
            ga_w_kv_str(&w, "target_weight", AUTO_CFGS[r.auto_cfg].by_gpu ? "gpu" : "pods");
            ga_w_kv_num(&w, "dot_weight", AUTO_CFGS[r.auto_cfg].dot);
            ga_w_obj_end(&w);
        }
        if (policy != OFFLINE_POLICY) {
            ga_w_kv_int(&w, "placed", (int64_t)r.placed);
            ga_w_kv_int(&w, "failed", (int64_t)(r.pods - r.placed));
        }
        for (int pass = 0; pass < (policy == OFFLINE_POLICY ? 2 : 1); pass++) {
            ga_w_key(&w, pass ? "lower_bound_pct" : "unallocated_gpu_pct");
            ga_w_obj_open(&w, GA_W_INLINE);
            for (int l = 0; l < NLEVELS; l++) {
                char k[16];
                snprintf(k, sizeof k, "%d", LEVELS[l]);
                double v = pass ? r.bound[l] : r.pct[l];
                ga_w_kv_num(&w, k, round(v * 1e4) / 1e4);
            }
            ga_w_obj_end(&w);
        }
        ga_w_kv_num(&w, "solve_ms", round(r.ms * 1e3) / 1e3);
        ga_w_obj_end(&w);
        st = ga_w_finish(&w, ctx, out);
    }
    trace_free(&t);
    return st;
}
