/*
 * pack_vec.h - what the multi-dimensional packer (pack_vec.c) shares with
 * its exact search (pack_vec_exact.c) and its node elimination
 * (pack_vec_elim.c): nodes, packings, the solve context and the few node
 * operations they use.  Private to lib/pack.
 */
#ifndef GPUARB_PACK_VEC_H
#define GPUARB_PACK_VEC_H

#include "base/budget.h"
#include "base/rng.h"
#include "pack/pack.h"

/* Problems with at most this many items are searched exactly. */
#define EXACT_MAX 16

typedef struct vnode {
    int32_t type;
    int64_t load[GA_PACK_DIMS];
    int32_t *it;
    int32_t n, cap;
} vnode;

typedef struct vsol {
    vnode *nd;
    int32_t nn, capn;
    double cost;
} vsol;

typedef struct vctx {
    const ga_vec_problem *vp;
    size_t n, nt;
    double R[GA_PACK_DIMS]; /* largest finite capacity per dimension, 0 = none */
    double *meas;           /* per item */
    int32_t *ord;           /* items by measure, descending */
    int64_t *left0;         /* counts, -1 unlimited */
    int32_t *rank;          /* per item: its priority's rank, 0 = lowest */
    int32_t nlev;           /* distinct priorities */
    int limited;            /* count limits may leave items unplaced */
    int64_t *lev_a, *lev_b; /* nlev scratch counts for comparisons */
    ga_budget budget;
    ga_rng rng;
} vctx;

/* Free a packing's nodes and reset it to empty. */
void ga_vec_sol_free(vsol *s);
/* Append item (sizes sz) to node v; -1 when memory runs out. */
int ga_vec_node_push(vnode *v, int32_t item, const int64_t *sz);
/* Open an empty node of the given type; its index, or -1 (memory). */
int32_t ga_vec_open_node(vsol *s, int32_t type);
/* Take the item at position pos (sizes sz) out of node v; the last item
 * takes its place. */
void ga_vec_node_remove_at(vnode *v, int32_t pos, const int64_t *sz);
/* Make dst a copy of src (dst's nodes freed first); -1 when memory runs
 * out. */
int ga_vec_sol_copy(vsol *dst, const vsol *src);
/* Node elimination (pack_vec_elim.c): drop nodes of s until it has lb or
 * the budget is spent; 0, -1 when memory runs out. */
int ga_vec_improve(vctx *c, vsol *s, int64_t lb);
/* Exact branch and bound (pack_vec_exact.c) for problems of at most
 * EXACT_MAX items and 64 types: replaces *s by a better complete packing
 * when it finds one; 1 when the search finished (*s optimal), 0 when it
 * was cut short or the problem is too large, -1 when memory runs out. */
int ga_vec_exact(vctx *c, vsol *s, int64_t lb);

/* Branch and price (pack_vec_bp.c) for problems of at most BP_MAX items
 * and 64 types: the lexicographic optimum of SPEC section 4 (most items
 * placed by priority, then the objective, min_nodes ties by cost).
 * Replaces *s by a better packing when it finds one; 1 when *s is proven
 * optimal, 0 when not (cut short, too large, or a case it cannot
 * branch on), -1 when memory runs out. */
#define BP_MAX 40
int ga_vec_bp(vctx *c, vsol *s);
/* Is a better than b: more items placed, priority by priority from the
 * highest, then the objective (min_nodes ties by cost, min_cost ties by
 * nodes)? */
int ga_vec_better(const vctx *c, const vsol *a, const vsol *b);

/* Column-generation diving (pack_vec_dive.c) for problems without count
 * limits: replaces *s by a better packing when it finds one; 1 then, 0
 * when not, -1 when memory runs out. */
int ga_vec_dive(vctx *c, vsol *s);

/* Does s fit beside load within cap in every dimension? */
static inline int ga_vec_fits_add(const int64_t *load, const int64_t *s, const int64_t *cap)
{
    for (int d = 0; d < GA_PACK_DIMS; d++)
        if (load[d] + s[d] > cap[d])
            return 0;
    return 1;
}

/* The packing's cost per hour, summed over its nodes' types. */
static inline double ga_vec_sol_cost(const vctx *c, const vsol *s)
{
    double t = 0;
    for (int32_t k = 0; k < s->nn; k++)
        t += c->vp->types[s->nd[k].type].cost;
    return t;
}

/* How many items the packing places. */
static inline int64_t ga_vec_placed_count(const vsol *s)
{
    int64_t t = 0;
    for (int32_t k = 0; k < s->nn; k++)
        t += s->nd[k].n;
    return t;
}

#endif
