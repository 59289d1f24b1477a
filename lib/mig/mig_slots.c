/*
 * mig_slots.c - the exact solver for one GPU's MIG layout.  A layout is a
 * set of (profile, start) instances on the slot axis of mig.h; the solver
 * enumerates every start of every instance to be placed (at most 8 slots,
 * so at most a few thousand leaves), keeping instances that may not move
 * where they are.  It allocates nothing and cannot fail; it reports "no
 * layout" as 0.
 */
#include <string.h>

#include "mig/mig.h"

static uint32_t span(const ga_mig_profile *p, int32_t s)
{
    return ((1u << p->size) - 1u) << s;
}

int ga_mig_fits_at(const ga_mig_table *t, int32_t p, int32_t s, uint32_t used)
{
    if (p < 0 || p >= t->nprofiles || s < 0 || s >= t->slots)
        return 0;
    const ga_mig_profile *pr = &t->profiles[p];
    if (!(pr->starts & (1u << s)) || s + pr->size > t->slots)
        return 0;
    return (span(pr, s) & used) == 0;
}

int ga_mig_layout_check(const ga_mig_table *t, const ga_mig_inst *v, int32_t n, int32_t *bad,
                        const char **why)
{
    uint32_t used = 0;
    int32_t count[GA_MIG_MAX_PROFILES] = {0}, compute = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t p = v[i].profile, s = v[i].start;
        *bad = i;
        if (p < 0 || p >= t->nprofiles) {
            *why = "unknown profile";
            return -1;
        }
        const ga_mig_profile *pr = &t->profiles[p];
        if (s < 0 || s >= t->slots || !(pr->starts & (1u << s)) || s + pr->size > t->slots) {
            *why = "not a legal start slot for this profile";
            return -1;
        }
        if (span(pr, s) & used) {
            *why = "overlaps another instance";
            return -1;
        }
        if (++count[p] > pr->max_instances) {
            *why = "more instances of this profile than the GPU allows";
            return -1;
        }
        compute += pr->compute;
        if (compute > t->compute) {
            *why = "more compute slices than the GPU has";
            return -1;
        }
        used |= span(pr, s);
    }
    *bad = -1;
    *why = NULL;
    return 0;
}

int32_t ga_mig_largest_free(const ga_mig_table *t, uint32_t used, const int32_t *count,
                            int32_t compute_used)
{
    int32_t best = 0;
    for (int32_t p = 0; p < t->nprofiles; p++) {
        const ga_mig_profile *pr = &t->profiles[p];
        int32_t rank = pr->size * 8 + pr->compute;
        if (rank <= best || count[p] >= pr->max_instances ||
            compute_used + pr->compute > t->compute)
            continue;
        for (int32_t s = 0; s < t->slots; s++)
            if (ga_mig_fits_at(t, p, s, used)) {
                best = rank;
                break;
            }
    }
    return best;
}

/* The search state: items to place (movable fixed ones first, in their
 * order, then the new ones), the partial layout and the best leaf. */
typedef struct gs {
    const ga_mig_table *t;
    int32_t n;                     /* items */
    int32_t prof[2 * GA_MIG_SLOTS];
    int32_t orig[2 * GA_MIG_SLOTS];   /* a movable instance's start; -1 new */
    int32_t cur[2 * GA_MIG_SLOTS];
    int32_t best[2 * GA_MIG_SLOTS];
    int32_t count[GA_MIG_MAX_PROFILES];
    int32_t found, best_moves, best_free;
} gs;

static int better(const gs *g, int32_t moves, int32_t lfree)
{
    if (!g->found)
        return 1;
    if (moves != g->best_moves)
        return moves < g->best_moves;
    if (lfree != g->best_free)
        return lfree > g->best_free;
    return 0; /* the first leaf in search order keeps the lowest starts */
}

static void dfs(gs *g, int32_t i, uint32_t used, int32_t compute, int32_t moves)
{
    if (g->found && moves > g->best_moves)
        return;
    if (i == g->n) {
        int32_t lfree = ga_mig_largest_free(g->t, used, g->count, compute);
        if (better(g, moves, lfree)) {
            g->found = 1;
            g->best_moves = moves;
            g->best_free = lfree;
            memcpy(g->best, g->cur, sizeof g->cur);
        }
        return;
    }
    int32_t p = g->prof[i];
    const ga_mig_profile *pr = &g->t->profiles[p];
    if (g->count[p] >= pr->max_instances || compute + pr->compute > g->t->compute)
        return;
    /* identical new items: non-decreasing starts, so each set is seen once */
    int32_t s0 = 0;
    if (i > 0 && g->orig[i] < 0 && g->orig[i - 1] < 0 && g->prof[i - 1] == p)
        s0 = g->cur[i - 1] + 1;
    /* a movable instance tries its own start first */
    if (g->orig[i] >= 0 && ga_mig_fits_at(g->t, p, g->orig[i], used)) {
        g->cur[i] = g->orig[i];
        g->count[p]++;
        dfs(g, i + 1, used | span(pr, g->orig[i]), compute + pr->compute, moves);
        g->count[p]--;
    }
    for (int32_t s = s0; s < g->t->slots; s++) {
        if (s == g->orig[i] || !ga_mig_fits_at(g->t, p, s, used))
            continue;
        g->cur[i] = s;
        g->count[p]++;
        dfs(g, i + 1, used | span(pr, s), compute + pr->compute,
            moves + (g->orig[i] >= 0 ? 1 : 0));
        g->count[p]--;
    }
}

int ga_mig_solve_gpu(const ga_mig_table *t, const ga_mig_inst *fixed, int32_t nfixed,
                     uint32_t movable, const int32_t *add, int32_t nadd, int32_t *out)
{
    gs g;
    memset(&g, 0, sizeof g);
    g.t = t;
    uint32_t used = 0;
    int32_t compute = 0, map[2 * GA_MIG_SLOTS];
    if (nfixed + nadd > t->slots)   /* every instance takes a slot */
        return 0;
    for (int32_t i = 0; i < nfixed; i++) {
        const ga_mig_profile *pr = &t->profiles[fixed[i].profile];
        if (movable & (1u << i)) {
            map[g.n] = i;
            g.prof[g.n] = fixed[i].profile;
            g.orig[g.n++] = fixed[i].start;
            continue;
        }
        if (!ga_mig_fits_at(t, fixed[i].profile, fixed[i].start, used))
            return 0;
        used |= span(pr, fixed[i].start);
        compute += pr->compute;
        g.count[fixed[i].profile]++;
        out[i] = fixed[i].start;
    }
    /* new items, largest first (identical ones adjacent), remembering where
     * each goes in out */
    int32_t order[2 * GA_MIG_SLOTS];
    for (int32_t j = 0; j < nadd; j++)
        order[j] = j;
    for (int32_t a = 1; a < nadd; a++)
        for (int32_t b = a; b > 0; b--) {
            const ga_mig_profile *x = &t->profiles[add[order[b - 1]]];
            const ga_mig_profile *y = &t->profiles[add[order[b]]];
            int swap = x->size < y->size ||
                       (x->size == y->size && (x->compute < y->compute ||
                                               (x->compute == y->compute &&
                                                add[order[b - 1]] > add[order[b]])));
            if (!swap)
                break;
            int32_t tmp = order[b];
            order[b] = order[b - 1];
            order[b - 1] = tmp;
        }
    for (int32_t j = 0; j < nadd; j++) {
        map[g.n] = nfixed + order[j];
        g.prof[g.n] = add[order[j]];
        g.orig[g.n++] = -1;
    }
    dfs(&g, 0, used, compute, 0);
    if (!g.found)
        return 0;
    for (int32_t i = 0; i < g.n; i++)
        out[map[i]] = g.best[i];
    return 1;
}
