/*
 * decomp_priv.h - what the Lagrangian decomposition (decomp.c) shares with
 * its Lagrangian repair (decomp_repair.c): the multiplied rows, the cuts,
 * the decomposition's state, and the pricing both halves call.  Private to
 * lib/alloc.
 */
#ifndef GPUARB_DECOMP_PRIV_H
#define GPUARB_DECOMP_PRIV_H

#include "alloc/decomp.h"

enum { ROW_PROV = 0, ROW_SPOT = 1, ROW_BUDGET = 2, ROW_CAP = 3 };

typedef struct drow {
    int32_t type, id;  /* id: provider or class */
    double rhs, scale;
} drow;

typedef struct dcut {
    int32_t w;
    double obj;        /* obj(x) of the plan, group charges included */
    int32_t nz0, nnz;  /* its entries in nz_var / nz_val */
} dcut;

typedef struct dec {
    const prob *p;
    prob sp;           /* shadow of p whose column costs are reduced costs */
    gcol *sc;
    double *obj, *gcharge;
    int64_t *cap;      /* per class, -1 unlimited */
    drow *rows;
    int32_t R, nvar;   /* rows; LP variables: lambda_r, then M (pshare) */
    int32_t *prov_row, *cap_row, spot_row, budget_row, mvar;
    double ps, ss;     /* the share caps */
    dcut *cuts;
    size_t n_cuts, cap_cuts;
    int32_t *nz_var;
    double *nz_val;
    size_t n_nz, cap_nz;
    uint64_t *seen;    /* hash set of (workload, plan) */
    size_t n_seen, cap_seen;
    double *acc;       /* scratch over LP variables */
    int32_t *cols;     /* scratch column list */
    double *rc;        /* reduced costs by column */
    unsigned char *used; /* columns of some plan priced */
} dec;

/* The pricing of one workload: what fixing needs from it. */
typedef struct wfix {
    double limit;          /* keep what is within this reduced cost */
    unsigned char *off;    /* columns to hold at 0 (set here) */
    int32_t top;           /* the largest GPU count kept (out) */
} wfix;

/* Reduced costs of every column at multipliers lam (R values). */
void ga_dec_reduced_costs(dec *d, const double *lam);

/* Price workload wi at the reduced costs set by ga_dec_reduced_costs(): *lb
 * a lower bound on its least reduced cost (INF_COST: no plan), x its plan
 * (wi's columns).  With f, columns and counts past f->limit are fixed.  0,
 * -1 on allocation failure, -3 past the base's deadline (decomp.c). */
int ga_dec_price(dec *d, int32_t wi, double *lb, double *x, wfix *f);

/* Launch cost of workload wi's plan x (delta plans; 0 otherwise). */
double ga_dec_wl_churn(const prob *p, int32_t wi, const double *x);

/* Lagrangian repair from the plans priced at lam0: a plan of the view that
 * meets every row goes to inc (its evaluation to ie, *have set) when better
 * than what is there.  0, -1 NOMEM (decomp_repair.c). */
int ga_dec_repair(gpuarb_ctx *ctx, dec *d, const double *lam0, double deadline, double *inc,
                  plan_eval *ie, int *have);

#endif
