/*
 * test_learn.c - the actor-critic and PPO (lib/learn): on toy environments
 * whose optimal actions are known by construction, the trained policy
 * takes them; the file round trip keeps every bit; truncated, corrupt and
 * foreign files are clear errors; inference does not allocate.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "learn/learn.h"

/* A contextual bandit: the observation is +1 or -1 (and a constant 0.5);
 * action 2 pays 1 on +1, action 0 pays 1 on -1, action 1 pays 0.3 always;
 * episodes of 8 steps.  The optimal policy: 2 on +1, 0 on -1. */
typedef struct bandit {
    uint64_t rs;
    int32_t t;
    double x;
} bandit;

static void bandit_obs(bandit *b, double *obs)
{
    b->x = tu_rng_next(&b->rs) & 1 ? 1.0 : -1.0;
    obs[0] = b->x;
    obs[1] = 0.5;
}

static void bandit_reset(void *st, uint64_t seed, double *obs)
{
    bandit *b = st;
    b->rs = seed * 2654435761u + 1;
    b->t = 0;
    bandit_obs(b, obs);
}

static int bandit_step(void *st, int32_t a, double *obs, double *r)
{
    bandit *b = st;
    *r = a == 1 ? 0.3 : (a == 2 && b->x > 0) || (a == 0 && b->x < 0) ? 1.0 : 0.0;
    if (++b->t == 8) {
        b->t = 0;
        bandit_obs(b, obs);
        return 1;
    }
    bandit_obs(b, obs);
    return 0;
}

static void ppo_learns_the_bandit(void **state)
{
    fixture *f = *state;
    bandit b = {0};
    ga_env env = {2, 3, &b, bandit_reset, bandit_step};
    ga_net *net = NULL;
    assert_int_equal(ga_net_create(f->ctx, 2, 16, 3, 7, &net), GPUARB_OK);
    double pos[2] = {1, 0.5}, neg[2] = {-1, 0.5};
    ga_ppo_opts o;
    ga_ppo_opts_init(&o);
    o.total_steps = 30000;
    o.rollout = 512;
    o.minibatch = 128;
    o.lr = 3e-3;
    ga_ppo_stats s = {0};
    assert_int_equal(ga_ppo_train(f->ctx, net, &env, &o, &s), GPUARB_OK);
    assert_int_equal(ga_net_act(net, pos), 2);
    assert_int_equal(ga_net_act(net, neg), 0);
    /* and it is confident: the optimal action has most of the probability */
    double lg[3], v;
    ga_net_forward(net, pos, lg, &v);
    double m = fmax(lg[0], fmax(lg[1], lg[2]));
    double p2 = exp(lg[2] - m) / (exp(lg[0] - m) + exp(lg[1] - m) + exp(lg[2] - m));
    assert_true(p2 > 0.9);
    /* an optimal episode returns 8; the last rollout's episodes come close */
    assert_true(s.last_mean_return > 7.0);
    assert_true(s.steps >= 30000);
    ga_net_free(net);
}

/* A corridor of 6 cells, one-hot observation, start at cell 0: action 1
 * moves right, 0 left (a wall at 0); reaching cell 5 pays 1 and ends the
 * episode; every other step pays -0.05; episodes are cut at 30 steps.  The
 * reward is delayed, so only credit assignment (GAE) teaches "right" in the
 * first cells: the optimal action is 1 everywhere. */
typedef struct corridor {
    int32_t pos, t;
} corridor;

static void corridor_obs(const corridor *c, double *obs)
{
    for (int i = 0; i < 6; i++)
        obs[i] = i == c->pos;
}

static void corridor_reset(void *st, uint64_t seed, double *obs)
{
    (void)seed;
    corridor *c = st;
    c->pos = 0;
    c->t = 0;
    corridor_obs(c, obs);
}

static int corridor_step(void *st, int32_t a, double *obs, double *r)
{
    corridor *c = st;
    c->pos += a == 1 ? 1 : c->pos > 0 ? -1 : 0;
    c->t++;
    int end = c->pos == 5 || c->t == 30;
    *r = c->pos == 5 ? 1.0 : -0.05;
    if (end)
        corridor_reset(c, 0, obs);
    else
        corridor_obs(c, obs);
    return end;
}

static void ppo_learns_a_delayed_reward(void **state)
{
    fixture *f = *state;
    corridor c = {0};
    ga_env env = {6, 2, &c, corridor_reset, corridor_step};
    ga_net *net = NULL;
    assert_int_equal(ga_net_create(f->ctx, 6, 16, 2, 3, &net), GPUARB_OK);
    ga_ppo_opts o;
    ga_ppo_opts_init(&o);
    o.total_steps = 40000;
    o.rollout = 1024;
    o.minibatch = 128;
    o.lr = 3e-3;
    ga_ppo_stats s = {0};
    assert_int_equal(ga_ppo_train(f->ctx, net, &env, &o, &s), GPUARB_OK);
    for (int cell = 0; cell < 5; cell++) {
        double obs[6] = {0};
        obs[cell] = 1;
        assert_int_equal(ga_net_act(net, obs), 1);
    }
    /* optimal: 5 steps, return 1 - 4 x 0.05 = 0.8 */
    assert_true(s.last_mean_return > 0.75);
    ga_net_free(net);
}

static void save_load_round_trip(void **state)
{
    fixture *f = *state;
    ga_net *a = NULL, *b = NULL;
    assert_int_equal(ga_net_create(f->ctx, 5, 8, 3, 11, &a), GPUARB_OK);
    a->obs_mean[2] = 0.125;
    a->obs_var[4] = 3.5;
    a->obs_count = 4096;
    char path[] = "/tmp/gpuarb-test-learn-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(ga_net_save(f->ctx, a, path), GPUARB_OK);
    assert_int_equal(ga_net_load(f->ctx, path, &b), GPUARB_OK);
    remove(path);
    assert_int_equal(b->nparams, a->nparams);
    assert_memory_equal(a->params, b->params, a->nparams * sizeof(double));
    assert_memory_equal(a->obs_mean, b->obs_mean, 5 * sizeof(double));
    assert_memory_equal(a->obs_var, b->obs_var, 5 * sizeof(double));
    assert_true(b->obs_count == 4096);
    double obs[5] = {0.3, -1, 2, 0, 7}, la[3], lb[3], va, vb;
    ga_net_forward(a, obs, la, &va);
    ga_net_forward(b, obs, lb, &vb);
    assert_memory_equal(la, lb, sizeof la);
    assert_true(va == vb);
    ga_net_free(a);
    ga_net_free(b);
}

/* The byte layout is little-endian whatever the host: the header's fields
 * sit where the format says, and 1.0 is 00 .. f0 3f. */
static void file_is_little_endian(void **state)
{
    fixture *f = *state;
    ga_net *a = NULL;
    assert_int_equal(ga_net_create(f->ctx, 2, 3, 2, 1, &a), GPUARB_OK);
    a->obs_count = 1.0;
    uint8_t *bytes;
    size_t len;
    assert_int_equal(ga_net_to_bytes(f->ctx, a, &bytes, &len), GPUARB_OK);
    static const uint8_t head[] = {'G', 'A', 'A', 'C', 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0,
                                   2, 0, 0, 0, 0, 0, 0, 0};
    assert_memory_equal(bytes, head, sizeof head);
    /* 3x2 + 3 + 3x3 + 3 + 2x3 + 2 + 3 + 1 = 33 weights */
    assert_int_equal(bytes[24], 33);
    static const uint8_t one[] = {0, 0, 0, 0, 0, 0, 0xf0, 0x3f};
    assert_memory_equal(bytes + 32, one, 8);
    assert_int_equal(len, 40 + 8 * (2 * 2 + 33) + 8);
    free(bytes);
    ga_net_free(a);
}

static void bad_files_are_clear_errors(void **state)
{
    fixture *f = *state;
    ga_net *a = NULL, *b = NULL;
    assert_int_equal(ga_net_create(f->ctx, 4, 6, 3, 5, &a), GPUARB_OK);
    uint8_t *bytes;
    size_t len;
    assert_int_equal(ga_net_to_bytes(f->ctx, a, &bytes, &len), GPUARB_OK);
    /* every truncation */
    for (size_t cut = 0; cut < len; cut += 7) {
        gpuarb_status st = ga_net_from_bytes(f->ctx, bytes, cut, "m.bin", &b);
        assert_int_equal(st, GPUARB_ERR_INPUT);
        assert_null(b);
        assert_non_null(strstr(gpuarb_errmsg(f->ctx), "truncated"));
    }
    /* a flipped bit anywhere after the header's checks: the checksum */
    bytes[100] ^= 4;
    tu_assert_error(f->ctx, ga_net_from_bytes(f->ctx, bytes, len, "m.bin", &b),
                    GPUARB_ERR_INPUT, 0, 0, "checksum");
    bytes[100] ^= 4;
    bytes[4] = 9; /* a future version */
    tu_assert_error(f->ctx, ga_net_from_bytes(f->ctx, bytes, len, "m.bin", &b),
                    GPUARB_ERR_INPUT, 0, 0, "version 9");
    bytes[4] = 1;
    bytes[0] = 'X';
    tu_assert_error(f->ctx, ga_net_from_bytes(f->ctx, bytes, len, "m.bin", &b),
                    GPUARB_ERR_INPUT, 0, 0, "not a model file");
    bytes[0] = 'G';
    assert_int_equal(ga_net_from_bytes(f->ctx, bytes, len, "m.bin", &b), GPUARB_OK);
    ga_net_free(b);
    free(bytes);
    ga_net_free(a);
    tu_assert_error(f->ctx, ga_net_load(f->ctx, "/nonexistent/m.bin", &b), GPUARB_ERR_IO, 0, 0,
                    "cannot open");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_TEST(ppo_learns_the_bandit),
        TU_TEST(ppo_learns_a_delayed_reward),
        TU_TEST(save_load_round_trip),
        TU_TEST(file_is_little_endian),
        TU_TEST(bad_files_are_clear_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
