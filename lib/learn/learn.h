/*
 * learn.h - a small actor-critic for discrete actions, trained by PPO
 * (Schulman et al. 2017) with GAE (Schulman et al. 2016) and an entropy
 * bonus, on any environment behind the ga_env interface: reset, step,
 * a fixed-size observation, n discrete actions, a reward.
 *
 * The network: observations normalised by running mean and variance
 * (clipped to +-5), a shared trunk of two ReLU layers, a policy head
 * (logits, softmax) and a value head.  All matrix work goes through
 * numeric/linalg.h.  ga_net_act and ga_net_forward never allocate: the
 * scratch they need is allocated with the network.
 *
 * Files (ga_net_save / ga_net_load): "GAAC" magic, a format version, the
 * dimensions, the observation statistics and the weights, every integer
 * and double written byte by byte little-endian (IEEE-754 binary64), and
 * an FNV-1a 64-bit checksum of everything before it.  A truncated, corrupt
 * or foreign file is a GPUARB_ERR_INPUT naming the byte offset, never a
 * crash or a half-loaded network.
 */
#ifndef GPUARB_LEARN_H
#define GPUARB_LEARN_H

#include <stddef.h>
#include <stdint.h>

#include "gpuarb.h"

#define GA_NET_MAX_DIM 4096
#define GA_NET_MAX_ACTIONS 64
#define GA_NET_FILE_VERSION 1

/* An environment.  reset and step write obs_dim values into obs; step
 * writes the reward and returns 1 when the episode ended (obs is then the
 * next episode's first observation, after the reset step does itself), 0
 * otherwise.  Both must be deterministic given the state and the seed. */
typedef struct ga_env {
    int32_t obs_dim, n_actions;
    void *state;
    void (*reset)(void *state, uint64_t seed, double *obs);
    int (*step)(void *state, int32_t action, double *obs, double *reward);
} ga_env;

typedef struct ga_net {
    int32_t obs_dim, hidden, n_actions;
    size_t nparams;
    double *params;             /* W1 b1 W2 b2 Wp bp Wv bv, row-major */
    double *w1, *b1, *w2, *b2, *wp, *bp, *wv, *bv; /* views into params */
    double *obs_mean, *obs_var; /* running statistics */
    double obs_count;
    double *scratch;            /* inference: xn, h1, h2, logits */
} ga_net;

/* A new network with weights drawn from seed (scaled uniform; the policy
 * head 100 times smaller so the first policy is near uniform). */
gpuarb_status ga_net_create(gpuarb_ctx *ctx, int32_t obs_dim, int32_t hidden, int32_t n_actions,
                            uint64_t seed, ga_net **out);
void ga_net_free(ga_net *net);

/* Logits (n_actions) and value of one raw observation.  No allocation. */
void ga_net_forward(ga_net *net, const double *obs, double *logits, double *value);
/* The most probable action for obs (ties: the lowest).  No allocation. */
int32_t ga_net_act(ga_net *net, const double *obs);

typedef struct ga_ppo_opts {
    int64_t total_steps;   /* environment steps to train for */
    int32_t rollout;       /* steps per update */
    int32_t epochs;        /* passes over a rollout */
    int32_t minibatch;     /* samples per gradient step */
    double gamma, lambda;  /* discount, GAE */
    double clip;           /* PPO ratio clip */
    double lr;             /* Adam step */
    double ent_coef, vf_coef;
    double max_grad_norm;
    uint64_t seed;
} ga_ppo_opts;

void ga_ppo_opts_init(ga_ppo_opts *o);

typedef struct ga_ppo_stats {
    int64_t steps, episodes;
    double last_mean_return;  /* mean undiscounted return of the episodes
                                 that ended in the last rollout */
} ga_ppo_stats;

/* Train net on env.  Returns GPUARB_OK, GPUARB_ERR_ARG (dimensions that do
 * not match, bad options) or GPUARB_ERR_NOMEM.  Deterministic for a seed. */
gpuarb_status ga_ppo_train(gpuarb_ctx *ctx, ga_net *net, ga_env *env, const ga_ppo_opts *opts,
                           ga_ppo_stats *stats);

/* Save to / load from a file (see the file comment). */
gpuarb_status ga_net_save(gpuarb_ctx *ctx, const ga_net *net, const char *path);
gpuarb_status ga_net_load(gpuarb_ctx *ctx, const char *path, ga_net **out);
/* The same on memory: *out (free with free) holds *len bytes. */
gpuarb_status ga_net_to_bytes(gpuarb_ctx *ctx, const ga_net *net, uint8_t **out, size_t *len);
gpuarb_status ga_net_from_bytes(gpuarb_ctx *ctx, const uint8_t *b, size_t len, const char *source,
                                ga_net **out);

#endif
