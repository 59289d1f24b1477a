/*
 * learn.c - the actor-critic network, its PPO trainer and its file format
 * (see learn.h).
 *
 * Every matrix product goes through numeric/linalg.h (cblas); the few
 * element-wise steps (ReLU, softmax, the loss gradients) are plain loops.
 * The trainer allocates all its buffers before the first step, so a
 * failure is GPUARB_ERR_NOMEM before any work; inference never allocates.
 * Randomness (initial weights, action sampling, minibatch order) comes from
 * the library's seeded generator only, so a seed fixes the result.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/rng.h"
#include "learn/learn.h"
#include "numeric/linalg.h"

#define OBS_CLIP 5.0
#define OBS_EPS 1e-8

static size_t count_params(int32_t D, int32_t H, int32_t A)
{
    return (size_t)H * (size_t)D + (size_t)H + (size_t)H * (size_t)H + (size_t)H +
           (size_t)A * (size_t)H + (size_t)A + (size_t)H + 1;
}

static void set_views(ga_net *n)
{
    size_t D = (size_t)n->obs_dim, H = (size_t)n->hidden, A = (size_t)n->n_actions;
    double *p = n->params;
    n->w1 = p;
    p += H * D;
    n->b1 = p;
    p += H;
    n->w2 = p;
    p += H * H;
    n->b2 = p;
    p += H;
    n->wp = p;
    p += A * H;
    n->bp = p;
    p += A;
    n->wv = p;
    p += H;
    n->bv = p;
}

static double urand(ga_rng *r)
{
    return (double)(ga_rng_next(r) >> 11) / 9007199254740992.0;
}

void ga_net_free(ga_net *net)
{
    if (!net)
        return;
    free(net->params);
    free(net->obs_mean);
    free(net->scratch);
    free(net);
}

static gpuarb_status net_alloc(gpuarb_ctx *ctx, int32_t D, int32_t H, int32_t A, ga_net **out)
{
    *out = NULL;
    if (D < 1 || D > GA_NET_MAX_DIM || H < 1 || H > GA_NET_MAX_DIM || A < 2 ||
        A > GA_NET_MAX_ACTIONS)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "learn: dimensions %d x %d x %d out of range (observations and hidden "
                        "1..%d, actions 2..%d)",
                        (int)D, (int)H, (int)A, GA_NET_MAX_DIM, GA_NET_MAX_ACTIONS);
    ga_net *n = ga_calloc(1, sizeof *n);
    if (!n)
        return ga_nomem(ctx);
    n->obs_dim = D;
    n->hidden = H;
    n->n_actions = A;
    n->nparams = count_params(D, H, A);
    n->params = ga_calloc(n->nparams, sizeof *n->params);
    n->obs_mean = ga_calloc(2 * (size_t)D, sizeof *n->obs_mean);
    n->scratch = ga_calloc((size_t)D + 2 * (size_t)H + (size_t)A, sizeof *n->scratch);
    if (!n->params || !n->obs_mean || !n->scratch) {
        ga_net_free(n);
        return ga_nomem(ctx);
    }
    n->obs_var = n->obs_mean + D;
    for (int32_t i = 0; i < D; i++)
        n->obs_var[i] = 1;
    set_views(n);
    *out = n;
    return GPUARB_OK;
}

gpuarb_status ga_net_create(gpuarb_ctx *ctx, int32_t obs_dim, int32_t hidden, int32_t n_actions,
                            uint64_t seed, ga_net **out)
{
    gpuarb_status st = net_alloc(ctx, obs_dim, hidden, n_actions, out);
    if (st != GPUARB_OK)
        return st;
    ga_net *n = *out;
    ga_rng r;
    ga_rng_seed(&r, seed, 0xac7u);
    size_t D = (size_t)obs_dim, H = (size_t)hidden, A = (size_t)n_actions;
    /* uniform with the variance of He's rule for ReLU layers */
    double s1 = sqrt(6.0 / (double)D), s2 = sqrt(6.0 / (double)H);
    for (size_t i = 0; i < H * D; i++)
        n->w1[i] = (2 * urand(&r) - 1) * s1;
    for (size_t i = 0; i < H * H; i++)
        n->w2[i] = (2 * urand(&r) - 1) * s2;
    for (size_t i = 0; i < A * H; i++)
        n->wp[i] = (2 * urand(&r) - 1) * s2 * 0.01;
    for (size_t i = 0; i < H; i++)
        n->wv[i] = (2 * urand(&r) - 1) * s2;
    return GPUARB_OK;
}

/* The trunk's activation: ReLU, which costs a compare where tanh costs a
 * libm call (tanh was a third of a decision's time, against the 2 us
 * inference target). */
static double relu(double x)
{
    return x > 0 ? x : 0;
}

static void normalise(const ga_net *n, const double *obs, double *xn)
{
    for (int32_t i = 0; i < n->obs_dim; i++) {
        double z = (obs[i] - n->obs_mean[i]) / sqrt(n->obs_var[i] + OBS_EPS);
        xn[i] = z > OBS_CLIP ? OBS_CLIP : z < -OBS_CLIP ? -OBS_CLIP : z;
    }
}

/* The trunk and heads on one normalised observation. */
static void forward_norm(ga_net *n, const double *xn, double *logits, double *value)
{
    size_t D = (size_t)n->obs_dim, H = (size_t)n->hidden, A = (size_t)n->n_actions;
    double *h1 = n->scratch + D, *h2 = h1 + H;
    ga_gemv(GA_LA_NOTRANS, H, D, 1, n->w1, D, xn, 0, h1);
    for (size_t i = 0; i < H; i++)
        h1[i] = relu(h1[i] + n->b1[i]);
    ga_gemv(GA_LA_NOTRANS, H, H, 1, n->w2, H, h1, 0, h2);
    for (size_t i = 0; i < H; i++)
        h2[i] = relu(h2[i] + n->b2[i]);
    ga_gemv(GA_LA_NOTRANS, A, H, 1, n->wp, H, h2, 0, logits);
    for (size_t i = 0; i < A; i++)
        logits[i] += n->bp[i];
    if (value) {
        double v;
        ga_dot(H, n->wv, h2, &v);
        *value = v + n->bv[0];
    }
}

void ga_net_forward(ga_net *n, const double *obs, double *logits, double *value)
{
    double *xn = n->scratch;
    normalise(n, obs, xn);
    forward_norm(n, xn, logits, value);
}

int32_t ga_net_act(ga_net *n, const double *obs)
{
    double *logits = n->scratch + n->obs_dim + 2 * (size_t)n->hidden;
    ga_net_forward(n, obs, logits, NULL);
    int32_t best = 0;
    for (int32_t a = 1; a < n->n_actions; a++)
        if (logits[a] > logits[best])
            best = a;
    return best;
}

/* ---- PPO ---------------------------------------------------------------- */

void ga_ppo_opts_init(ga_ppo_opts *o)
{
    memset(o, 0, sizeof *o);
    o->total_steps = 200000;
    o->rollout = 2048;
    o->epochs = 4;
    o->minibatch = 256;
    o->gamma = 0.99;
    o->lambda = 0.95;
    o->clip = 0.2;
    o->lr = 3e-4;
    o->ent_coef = 0.01;
    o->vf_coef = 0.5;
    o->max_grad_norm = 0.5;
    o->seed = 1;
}

/* softmax in place; returns log of the normaliser */
static double softmax(double *z, int32_t A)
{
    double m = z[0];
    for (int32_t a = 1; a < A; a++)
        if (z[a] > m)
            m = z[a];
    double s = 0;
    for (int32_t a = 0; a < A; a++) {
        z[a] = exp(z[a] - m);
        s += z[a];
    }
    for (int32_t a = 0; a < A; a++)
        z[a] /= s;
    return m + log(s);
}

typedef struct ppo_buf {
    double *obs;      /* T x D, normalised as collected */
    double *raw;      /* T x D, for the statistics */
    int32_t *act;
    double *logp, *val, *rew, *adv, *ret;
    uint8_t *done;
    /* minibatch work */
    double *x, *h1, *h2, *lg, *v, *dlg, *dv, *dh2, *dh1;
    double *grad, *m, *s;
    size_t *idx;
    double *obs_now;
} ppo_buf;

gpuarb_status ga_ppo_train(gpuarb_ctx *ctx, ga_net *net, ga_env *env, const ga_ppo_opts *o,
                           ga_ppo_stats *stats)
{
    if (!net || !env || !o || env->obs_dim != net->obs_dim || env->n_actions != net->n_actions)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL,
                        "learn: the environment's observation or action count does not match "
                        "the network's");
    if (o->rollout < 2 || o->minibatch < 1 || o->minibatch > o->rollout || o->epochs < 1 ||
        !(o->lr > 0) || !(o->clip > 0) || o->total_steps < 1)
        return ga_error(ctx, GPUARB_ERR_ARG, NULL, 0, 0, NULL, "learn: bad PPO options");
    size_t T = (size_t)o->rollout, D = (size_t)net->obs_dim, H = (size_t)net->hidden,
           A = (size_t)net->n_actions, B = (size_t)o->minibatch, P = net->nparams;
    ppo_buf b;
    size_t dbl = 2 * T * D + 5 * T + 1 + B * D + 2 * B * H + B * A + B + B * A + B + 2 * B * H +
                 3 * P + D;
    double *mem = ga_calloc(dbl, sizeof *mem);
    int32_t *act = ga_mallocarray(T, sizeof *act);
    uint8_t *done = ga_malloc(T);
    size_t *idx = ga_mallocarray(T, sizeof *idx);
    if (!mem || !act || !done || !idx) {
        free(mem);
        free(act);
        free(done);
        free(idx);
        return ga_nomem(ctx);
    }
    double *p = mem;
    b.obs = p, p += T * D;
    b.raw = p, p += T * D;
    b.logp = p, p += T;
    b.val = p, p += T + 1;
    b.rew = p, p += T;
    b.adv = p, p += T;
    b.ret = p, p += T;
    b.x = p, p += B * D;
    b.h1 = p, p += B * H;
    b.h2 = p, p += B * H;
    b.lg = p, p += B * A;
    b.v = p, p += B;
    b.dlg = p, p += B * A;
    b.dv = p, p += B;
    b.dh2 = p, p += B * H;
    b.dh1 = p, p += B * H;
    b.grad = p, p += P;
    b.m = p, p += P;
    b.s = p, p += P;
    b.obs_now = p;
    b.act = act;
    b.done = done;
    b.idx = idx;

    ga_rng rng;
    ga_rng_seed(&rng, o->seed, 0x990u);
    uint64_t episode = 0;
    env->reset(env->state, o->seed * 1000003u + episode, b.obs_now);
    double ep_ret = 0, sum_ret = 0;
    int64_t steps = 0, episodes = 0, ended = 0, adam_t = 0;
    double logits[GA_NET_MAX_ACTIONS];
    while (steps < o->total_steps) {
        /* ---- collect ---- */
        sum_ret = 0;
        ended = 0;
        for (size_t t = 0; t < T; t++) {
            memcpy(b.raw + t * D, b.obs_now, D * sizeof(double));
            normalise(net, b.obs_now, b.obs + t * D);
            forward_norm(net, b.obs + t * D, logits, &b.val[t]);
            softmax(logits, (int32_t)A);
            double u = urand(&rng), c = 0;
            int32_t a = (int32_t)A - 1;
            for (size_t k = 0; k < A; k++) {
                c += logits[k];
                if (u < c) {
                    a = (int32_t)k;
                    break;
                }
            }
            b.act[t] = a;
            b.logp[t] = log(logits[a] > 1e-300 ? logits[a] : 1e-300);
            double r = 0;
            int d = env->step(env->state, a, b.obs_now, &r);
            b.rew[t] = r;
            b.done[t] = (uint8_t)d;
            ep_ret += r;
            steps++;
            if (d) {
                sum_ret += ep_ret;
                ended++;
                episodes++;
                ep_ret = 0;
            }
        }
        {
            double *xn = net->scratch;
            normalise(net, b.obs_now, xn);
            forward_norm(net, xn, logits, &b.val[T]);
        }
        if (stats && ended > 0)
            stats->last_mean_return = sum_ret / (double)ended;
        /* ---- GAE ---- */
        double gae = 0;
        for (size_t t = T; t-- > 0;) {
            double nonterm = b.done[t] ? 0 : 1;
            double delta = b.rew[t] + o->gamma * b.val[t + 1] * nonterm - b.val[t];
            gae = delta + o->gamma * o->lambda * nonterm * gae;
            b.adv[t] = gae;
            b.ret[t] = gae + b.val[t];
        }
        double mean = 0, var = 0;
        for (size_t t = 0; t < T; t++)
            mean += b.adv[t];
        mean /= (double)T;
        for (size_t t = 0; t < T; t++)
            var += (b.adv[t] - mean) * (b.adv[t] - mean);
        double sd = sqrt(var / (double)T) + 1e-8;
        for (size_t t = 0; t < T; t++)
            b.adv[t] = (b.adv[t] - mean) / sd;
        /* ---- update ---- */
        for (int32_t ep = 0; ep < o->epochs; ep++) {
            for (size_t t = 0; t < T; t++)
                b.idx[t] = t;
            for (size_t t = T - 1; t > 0; t--) {
                size_t j = (size_t)ga_rng_below(&rng, t + 1), tmp = b.idx[t];
                b.idx[t] = b.idx[j];
                b.idx[j] = tmp;
            }
            for (size_t s0 = 0; s0 + B <= T; s0 += B) {
                for (size_t i = 0; i < B; i++)
                    memcpy(b.x + i * D, b.obs + b.idx[s0 + i] * D, D * sizeof(double));
                /* forward */
                ga_gemm(GA_LA_NOTRANS, GA_LA_TRANS, B, H, D, 1, b.x, D, net->w1, D, 0, b.h1, H);
                for (size_t i = 0; i < B; i++)
                    for (size_t j = 0; j < H; j++)
                        b.h1[i * H + j] = relu(b.h1[i * H + j] + net->b1[j]);
                ga_gemm(GA_LA_NOTRANS, GA_LA_TRANS, B, H, H, 1, b.h1, H, net->w2, H, 0, b.h2, H);
                for (size_t i = 0; i < B; i++)
                    for (size_t j = 0; j < H; j++)
                        b.h2[i * H + j] = relu(b.h2[i * H + j] + net->b2[j]);
                ga_gemm(GA_LA_NOTRANS, GA_LA_TRANS, B, A, H, 1, b.h2, H, net->wp, H, 0, b.lg, A);
                ga_gemm(GA_LA_NOTRANS, GA_LA_TRANS, B, 1, H, 1, b.h2, H, net->wv, H, 0, b.v, 1);
                /* loss gradients per sample, averaged over the minibatch */
                for (size_t i = 0; i < B; i++) {
                    size_t t = b.idx[s0 + i];
                    double *z = b.lg + i * A, *dz = b.dlg + i * A;
                    for (size_t k = 0; k < A; k++)
                        z[k] += net->bp[k];
                    softmax(z, (int32_t)A);
                    int32_t a = b.act[t];
                    double logp = log(z[a] > 1e-300 ? z[a] : 1e-300);
                    double ratio = exp(logp - b.logp[t]), adv = b.adv[t];
                    int clipped = (adv >= 0 && ratio > 1 + o->clip) ||
                                  (adv < 0 && ratio < 1 - o->clip);
                    double g = clipped ? 0 : -adv * ratio; /* d loss / d logp */
                    double ent = 0;
                    for (size_t k = 0; k < A; k++)
                        ent -= z[k] > 0 ? z[k] * log(z[k]) : 0;
                    for (size_t k = 0; k < A; k++) {
                        double lk = z[k] > 0 ? log(z[k]) : -700;
                        dz[k] = g * (((int32_t)k == a ? 1 : 0) - z[k]) +
                                o->ent_coef * z[k] * (lk + ent);
                        dz[k] /= (double)B;
                    }
                    double v = b.v[i] + net->bv[0];
                    b.dv[i] = o->vf_coef * (v - b.ret[t]) / (double)B;
                }
                /* backward */
                double *gw1 = b.grad, *gb1 = gw1 + H * D, *gw2 = gb1 + H, *gb2 = gw2 + H * H,
                       *gwp = gb2 + H, *gbp = gwp + A * H, *gwv = gbp + A, *gbv = gwv + H;
                ga_gemm(GA_LA_TRANS, GA_LA_NOTRANS, A, H, B, 1, b.dlg, A, b.h2, H, 0, gwp, H);
                ga_gemm(GA_LA_TRANS, GA_LA_NOTRANS, 1, H, B, 1, b.dv, 1, b.h2, H, 0, gwv, H);
                memset(gbp, 0, A * sizeof(double));
                gbv[0] = 0;
                for (size_t i = 0; i < B; i++) {
                    for (size_t k = 0; k < A; k++)
                        gbp[k] += b.dlg[i * A + k];
                    gbv[0] += b.dv[i];
                }
                ga_gemm(GA_LA_NOTRANS, GA_LA_NOTRANS, B, H, A, 1, b.dlg, A, net->wp, H, 0, b.dh2,
                        H);
                ga_gemm(GA_LA_NOTRANS, GA_LA_NOTRANS, B, H, 1, 1, b.dv, 1, net->wv, H, 1, b.dh2,
                        H);
                memset(gb2, 0, H * sizeof(double));
                for (size_t i = 0; i < B; i++)
                    for (size_t j = 0; j < H; j++) {
                        if (b.h2[i * H + j] <= 0)
                            b.dh2[i * H + j] = 0;
                        gb2[j] += b.dh2[i * H + j];
                    }
                ga_gemm(GA_LA_TRANS, GA_LA_NOTRANS, H, H, B, 1, b.dh2, H, b.h1, H, 0, gw2, H);
                ga_gemm(GA_LA_NOTRANS, GA_LA_NOTRANS, B, H, H, 1, b.dh2, H, net->w2, H, 0, b.dh1,
                        H);
                memset(gb1, 0, H * sizeof(double));
                for (size_t i = 0; i < B; i++)
                    for (size_t j = 0; j < H; j++) {
                        if (b.h1[i * H + j] <= 0)
                            b.dh1[i * H + j] = 0;
                        gb1[j] += b.dh1[i * H + j];
                    }
                ga_gemm(GA_LA_TRANS, GA_LA_NOTRANS, H, D, B, 1, b.dh1, H, b.x, D, 0, gw1, D);
                /* clip the global norm, then Adam */
                double nrm;
                ga_dot(P, b.grad, b.grad, &nrm);
                nrm = sqrt(nrm);
                double scale = nrm > o->max_grad_norm && o->max_grad_norm > 0
                                   ? o->max_grad_norm / nrm
                                   : 1;
                adam_t++;
                double c1 = 1 - pow(0.9, (double)adam_t), c2 = 1 - pow(0.999, (double)adam_t);
                for (size_t k = 0; k < P; k++) {
                    double g = b.grad[k] * scale;
                    b.m[k] = 0.9 * b.m[k] + 0.1 * g;
                    b.s[k] = 0.999 * b.s[k] + 0.001 * g * g;
                    net->params[k] -= o->lr * (b.m[k] / c1) / (sqrt(b.s[k] / c2) + 1e-8);
                }
            }
        }
        /* ---- the observation statistics, merged with this rollout's ---- */
        for (size_t j = 0; j < D; j++) {
            double m = 0, v = 0;
            for (size_t t = 0; t < T; t++)
                m += b.raw[t * D + j];
            m /= (double)T;
            for (size_t t = 0; t < T; t++)
                v += (b.raw[t * D + j] - m) * (b.raw[t * D + j] - m);
            v /= (double)T;
            double n0 = net->obs_count, n1 = (double)T, n = n0 + n1;
            double d = m - net->obs_mean[j];
            double var0 = n0 > 0 ? net->obs_var[j] : 0;
            net->obs_mean[j] += d * n1 / n;
            net->obs_var[j] = (var0 * n0 + v * n1 + d * d * n0 * n1 / n) / n;
        }
        net->obs_count += (double)T;
    }
    if (stats) {
        stats->steps = steps;
        stats->episodes = episodes;
    }
    free(mem);
    free(act);
    free(done);
    free(idx);
    return GPUARB_OK;
}

/* ---- the file ----------------------------------------------------------- */

static const uint8_t MAGIC[4] = {'G', 'A', 'A', 'C'};

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_f64(uint8_t *p, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_u64(p, v);
}

static double get_f64(const uint8_t *p)
{
    uint64_t v = get_u64(p);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

/* header: magic 4, version 4, obs_dim 4, hidden 4, actions 4, reserved 4,
 * nparams 8, obs_count 8 = 40 bytes */
#define HDR 40

gpuarb_status ga_net_to_bytes(gpuarb_ctx *ctx, const ga_net *n, uint8_t **out, size_t *len)
{
    size_t D = (size_t)n->obs_dim, total = HDR + 8 * (2 * D + n->nparams) + 8;
    uint8_t *b = ga_malloc(total);
    if (!b)
        return ga_nomem(ctx);
    memcpy(b, MAGIC, 4);
    put_u32(b + 4, GA_NET_FILE_VERSION);
    put_u32(b + 8, (uint32_t)n->obs_dim);
    put_u32(b + 12, (uint32_t)n->hidden);
    put_u32(b + 16, (uint32_t)n->n_actions);
    put_u32(b + 20, 0);
    put_u64(b + 24, (uint64_t)n->nparams);
    put_f64(b + 32, n->obs_count);
    uint8_t *p = b + HDR;
    for (size_t i = 0; i < D; i++, p += 8)
        put_f64(p, n->obs_mean[i]);
    for (size_t i = 0; i < D; i++, p += 8)
        put_f64(p, n->obs_var[i]);
    for (size_t i = 0; i < n->nparams; i++, p += 8)
        put_f64(p, n->params[i]);
    put_u64(p, fnv1a(b, (size_t)(p - b)));
    *out = b;
    *len = total;
    return GPUARB_OK;
}

gpuarb_status ga_net_from_bytes(gpuarb_ctx *ctx, const uint8_t *b, size_t len, const char *source,
                                ga_net **out)
{
    *out = NULL;
    if (len < HDR)
        return ga_error(ctx, GPUARB_ERR_INPUT, source, 0, 0, NULL,
                        "model file truncated: %zu bytes, shorter than its %d-byte header", len,
                        HDR);
    if (memcmp(b, MAGIC, 4) != 0)
        return ga_error(ctx, GPUARB_ERR_INPUT, source, 0, 0, NULL,
                        "not a model file (byte 0: no \"GAAC\" magic)");
    uint32_t ver = get_u32(b + 4);
    if (ver != GA_NET_FILE_VERSION)
        return ga_error(ctx, GPUARB_ERR_INPUT, source, 0, 0, NULL,
                        "model file version %u; this library reads version %d", (unsigned)ver,
                        GA_NET_FILE_VERSION);
    uint32_t D = get_u32(b + 8), H = get_u32(b + 12), A = get_u32(b + 16);
    uint64_t np = get_u64(b + 24);
    if (D < 1 || D > GA_NET_MAX_DIM || H < 1 || H > GA_NET_MAX_DIM || A < 2 ||
        A > GA_NET_MAX_ACTIONS || np != count_params((int32_t)D, (int32_t)H, (int32_t)A))
        return ga_error(ctx, GPUARB_ERR_INPUT, source, 0, 0, NULL,
                        "model file header is corrupt (byte 8: dimensions %u x %u x %u, %llu "
                        "weights)",
                        (unsigned)D, (unsigned)H, (unsigned)A, (unsigned long long)np);
    size_t need = HDR + 8 * (2 * (size_t)D + (size_t)np) + 8;
    if (len != need)
        return ga_error(ctx, GPUARB_ERR_INPUT, source, 0, 0, NULL,
                        "model file %s: %zu bytes where its header promises %zu",
                        len < need ? "truncated" : "has trailing bytes", len, need);
    if (get_u64(b + need - 8) != fnv1a(b, need - 8))
        return ga_error(ctx, GPUARB_ERR_INPUT, source, 0, 0, NULL,
                        "model file is corrupt: the checksum at byte %zu does not match",
                        need - 8);
    ga_net *n;
    gpuarb_status st = net_alloc(ctx, (int32_t)D, (int32_t)H, (int32_t)A, &n);
    if (st != GPUARB_OK)
        return st;
    n->obs_count = get_f64(b + 32);
    const uint8_t *p = b + HDR;
    for (size_t i = 0; i < D; i++, p += 8)
        n->obs_mean[i] = get_f64(p);
    for (size_t i = 0; i < D; i++, p += 8)
        n->obs_var[i] = get_f64(p);
    for (size_t i = 0; i < np; i++, p += 8)
        n->params[i] = get_f64(p);
    for (size_t i = 0; i < np; i++)
        if (!isfinite(n->params[i])) {
            ga_net_free(n);
            return ga_error(ctx, GPUARB_ERR_INPUT, source, 0, 0, NULL,
                            "model file holds a weight that is not finite (byte %zu)",
                            HDR + 8 * (2 * (size_t)D + i));
        }
    for (size_t i = 0; i < D; i++)
        if (!isfinite(n->obs_mean[i]) || !(n->obs_var[i] >= 0) || !isfinite(n->obs_var[i])) {
            ga_net_free(n);
            return ga_error(ctx, GPUARB_ERR_INPUT, source, 0, 0, NULL,
                            "model file holds bad observation statistics (byte %zu)",
                            HDR + 8 * i);
        }
    *out = n;
    return GPUARB_OK;
}

gpuarb_status ga_net_save(gpuarb_ctx *ctx, const ga_net *net, const char *path)
{
    uint8_t *b;
    size_t len;
    gpuarb_status st = ga_net_to_bytes(ctx, net, &b, &len);
    if (st != GPUARB_OK)
        return st;
    errno = 0;
    FILE *f = fopen(path, "wb");
    if (!f) {
        int err = errno;
        free(b);
        /* fopen allocates its FILE: out of memory is never a file problem */
        if (err == ENOMEM)
            return ga_nomem(ctx);
        return ga_error(ctx, GPUARB_ERR_IO, path, 0, 0, NULL, "cannot open for writing: %s",
                        strerror(err));
    }
    size_t w = fwrite(b, 1, len, f);
    int c = fclose(f);
    free(b);
    if (w != len || c != 0)
        return ga_error(ctx, GPUARB_ERR_IO, path, 0, 0, NULL, "write failed");
    return GPUARB_OK;
}

gpuarb_status ga_net_load(gpuarb_ctx *ctx, const char *path, ga_net **out)
{
    char *text;
    size_t len;
    *out = NULL;
    gpuarb_status st = ga_load_file(ctx, 1, path, "model", (size_t)1 << 30, &text, &len);
    if (st != GPUARB_OK)
        return st;
    st = ga_net_from_bytes(ctx, (const uint8_t *)text, len, path, out);
    free(text);
    return st;
}
