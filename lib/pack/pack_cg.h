/*
 * pack_cg.h - what the column-generation bound (pack_cg.c) shares with its
 * dive (pack_cg_dive.c): the master's state, its column kinds, and the few
 * master operations the dive calls (add a column, refactor the basis, run
 * column generation, restart over residual demands).  Private to lib/pack.
 */
#ifndef GPUARB_PACK_CG_H
#define GPUARB_PACK_CG_H

#include <stddef.h>

#include "pack/pack.h"

#define DIVE_TABU 512  /* columns a restart may forbid */
#define DIVE_RUNS 4000 /* dives at most per call (the budget ends them first) */
#define DIVE_DEPTH 256 /* steps a dive can back up to */

enum { COL_PATTERN = 0, COL_EXCHANGE = 1, COL_SURPLUS = 2 };

typedef struct cg {
    size_t m;              /* rows: distinct weights, non-increasing */
    const int64_t *s;      /* weight of row i */
    const int64_t *d;      /* demand of row i */
    double *dp;            /* perturbed demand used by the simplex */
    int64_t C;
    /* columns in compressed form */
    size_t ncol, capcol;
    int32_t *kind;
    size_t *start;         /* ncol + 1 entries into rows/coef */
    int32_t *rows;
    double *coef;
    size_t nnz, capnnz;
    size_t max_nnz;        /* the memory budget's cap on nnz */
    /* basis */
    int32_t *basis;        /* column in each basis position */
    unsigned char *inbasis;
    double *binv;          /* m x m, row-major */
    double *xb;
    double *pi;
    double *u;
    int pivots_since_refactor;
    /* knapsack scratch */
    int32_t *kord;
    int64_t *kcnt, *kbest, *kub;
    double *ktop;          /* (m+1) x KTOP: best j duals from a position on */
    int64_t *ksmin;        /* smallest weight from a position on */
    /* pattern dedup: hash of each pattern column */
    uint64_t *hash;
    /* dynamic-programming pricing scratch (NULL when C is too large) */
    double *dpv;
    uint64_t *dpbits;      /* one bit row of C+1 bits per chunk */
    int32_t *chrow;        /* chunk -> row */
    int64_t *chcnt;        /* chunk -> copies */
    size_t nch_cap, words;
    int64_t gran;          /* DP granularity: 1 = exact */
    int64_t gran_min;      /* the finest granularity memory allows */
    /* diving: columns below ndead with dead[j] set hold more of some
     * weight than is left and may not enter the basis */
    unsigned char *dead;
    size_t ndead;
} cg;

/* Append a column of kind with entries (rows[t], coef[t]), t < k (a
 * pattern that is already a column returns that column).  Returns its
 * index, -1 when no column may be added (a cap), -2 on allocation
 * failure (pack_cg.c). */
ptrdiff_t ga_cg_add_col(cg *c, int32_t kind, const int32_t *rows, const double *coef, size_t k);

/* Rebuild the basis inverse from the basis columns.  0, or nonzero when
 * the basis is singular (pack_cg.c). */
int ga_cg_refactor(cg *c, double *work);

/* Column generation from the current basis to the LP optimum, or until
 * the bound reaches target, or the budget ends.  pic, pir (m) and prow
 * (2m), pcoef (m) are scratch.  Returns the best Farley bound rounded up
 * (>= 0) for the demands c->d, or -1 when an allocation fails; *zout is
 * the restricted master's last value (pack_cg.c). */
int64_t ga_cg_loop(cg *c, double *work, double *pic, double *pir, int32_t *prow,
                   double *pcoef, int64_t target, ga_budget *budget, double *zout);

/* Restart the master over the demands d, columns in tabu forbidden, and
 * generate columns until the bound reaches target.  The bound (>= 0), -1
 * on allocation failure, -2 when the master could not be restarted
 * (pack_cg_dive.c). */
int64_t ga_cg_resolve(cg *c, const int64_t *d, const int32_t *tabu, size_t ntabu,
                      int64_t target, double *work, double *pic, double *pir,
                      int32_t *prow, double *pcoef, ga_budget *budget);

/* Dive on the master from its LP solution for a packing better than sol,
 * with tabu restarts; lb is the bound already proved.  0 or -1
 * (pack_cg_dive.c). */
int ga_cg_dive(cg *c, int64_t *d, const ga_bpp *p, ga_bpp_sol *sol, int64_t lb,
               double *work, double *pic, double *pir, int32_t *prow, double *pcoef,
               ga_budget *budget);

#endif
