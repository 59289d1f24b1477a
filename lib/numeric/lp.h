/*
 * lp.h - a small MIP builder and solver interface.  lp.c is the only module
 * that includes glpk.h; every other solver builds its model here in our own
 * types (0-based indices) and never sees GLPK.
 */
#ifndef GPUARB_LP_H
#define GPUARB_LP_H

#include "base/internal.h"

#define GA_INF 1e300

typedef struct ga_mip ga_mip;

enum {
    GA_MIP_OPTIMAL = 0,     /* proven optimal within the requested gap */
    GA_MIP_FEASIBLE = 1,    /* stopped (time limit) with an incumbent */
    GA_MIP_INFEASIBLE = 2,  /* proven infeasible */
    GA_MIP_NOSOLUTION = 3,  /* stopped (time limit) without an incumbent */
    GA_MIP_UNBOUNDED = 4
};

/* Positional initialisers ({time, gap, abs_gap, cuts}) stay valid: members
 * are only ever appended, and an omitted one is 0 = its "none". */
typedef struct ga_mip_opts {
    double time_limit_ms;   /* <= 0: none.  One deadline for the whole call,
                               from its start: checking and building the
                               model, GLPK's presolver, scaling and basis,
                               the LP relaxation and branch and cut */
    double mip_gap;         /* relative gap to stop at; 0 = prove optimality */
    double abs_gap;         /* stop when incumbent and bound are this close */
    int32_t cuts;           /* 1: Gomory, MIR and cover cuts (never clique: GLPK bug) */
    double mem_limit_mib;   /* <= 0: none.  Memory budget of the model: our
                               copy of it plus everything GLPK allocates
                               (glp_mem_limit, in whole MiB: GLPK gets what
                               our copy leaves, at least 1 MiB).  Past it:
                               GPUARB_ERR_LIMIT, "the model needs more than
                               the memory budget of N MiB (memory_limit_mib)" */
    /* Called at every branch-and-cut callback with the incumbent's
     * objective (NaN while there is none) and the best bound (NaN while
     * there is none); a non-zero return stops the search with what it has
     * (as a time limit would).  NULL: none.  The callee throttles. */
    int (*progress)(void *arg, double incumbent, double bound);
    void *progress_arg;
    int32_t progress_inc, progress_bound; /* 0: pass NaN for that figure */
} ga_mip_opts;

/* Outcomes (out->status) when the time runs out:
 *   - before the LP relaxation is solved: GA_MIP_FEASIBLE with the offered
 *     start when there is one and it is feasible (out->x = the start,
 *     has_bound = 0, bound = -HUGE_VAL when minimising and +HUGE_VAL when
 *     maximising, gap = HUGE_VAL: nothing is proven), else
 *     GA_MIP_NOSOLUTION with has_bound = 0;
 *   - after it, during branch and cut: GA_MIP_FEASIBLE with the best
 *     incumbent (never worse than the offered start), or GA_MIP_NOSOLUTION;
 *     both with has_bound = 1 and the best open node's bound.
 * GLPK's presolver, scaling and initial basis cannot be interrupted; their
 * time is charged to the deadline and the phases after them get what is
 * left (none at all once it has passed). */
typedef struct ga_mip_out {
    int32_t status;         /* GA_MIP_* */
    double obj;             /* objective of the incumbent (valid if a plan) */
    double bound;           /* best proven bound on the objective (has_bound) */
    int32_t has_bound;      /* 1: bound is proven; 0: stopped before the LP
                               relaxation gave one */
    double gap;             /* |obj - bound| / max(1e-9, |obj|); 0 when optimal */
    double *x;              /* column values (n_cols), owned by the caller */
    int64_t nodes;          /* branch-and-bound nodes explored */
} ga_mip_out;

/* A new empty model.  maximize: 1 to maximise the objective. */
ga_mip *ga_mip_new(int32_t maximize);
void ga_mip_free(ga_mip *m);
/* Add a column; returns its 0-based index or -1 on allocation failure.
 * ub may be GA_INF.  name may be NULL (then "x<index>"). */
int32_t ga_mip_add_col(ga_mip *m, double obj, double lb, double ub, int32_t integer,
                       const char *name);
/* Add a row lo <= sum(val[k] * x[col[k]]) <= hi (lo may be -GA_INF, hi GA_INF);
 * returns its index or -1 on allocation failure. */
int32_t ga_mip_add_row(ga_mip *m, int32_t n, const int32_t *col, const double *val, double lo,
                       double hi, const char *name);
int32_t ga_mip_cols(const ga_mip *m);
int32_t ga_mip_rows(const ga_mip *m);
/* Constant added to the objective (reported, not solved). */
void ga_mip_set_obj_const(ga_mip *m, double c);
/* Offer a feasible integer point (n_cols values) as the first incumbent.
 * It is checked by ga_mip_solve; an infeasible point is ignored.  -1 on
 * allocation failure (then no start is set). */
int ga_mip_set_start(ga_mip *m, const double *x);
/* Solve.  out->x must point to ga_mip_cols(m) doubles.  Returns GPUARB_OK
 * whenever the solver ran (whatever out->status says); GPUARB_ERR_SOLVER if
 * GLPK failed, GPUARB_ERR_LIMIT past opts->mem_limit_mib, GPUARB_ERR_NOMEM
 * when an allocation failed, ours or GLPK's (also when GLPK cannot set up
 * its environment): never a different answer.  A GLPK environment the calling thread already has (the
 * host's) is never used, changed or freed: see glp_guarded in lp.c. */
gpuarb_status ga_mip_solve(gpuarb_ctx *ctx, ga_mip *m, const ga_mip_opts *opts, ga_mip_out *out);
/* Write the model in CPLEX LP format (GLPK's layout; written by lp.c, not
 * by GLPK).  GPUARB_ERR_IO when the file cannot be written, GPUARB_ERR_NOMEM
 * (then the file is not touched). */
gpuarb_status ga_mip_write_lp(gpuarb_ctx *ctx, ga_mip *m, const char *path);

#endif
