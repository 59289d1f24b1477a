/*
 * sim.h - the cluster simulator's private types: job traces (trace.c), the
 * SIM.yaml configuration with its spot availability series (config.c), the
 * discrete-event engine (engine.c), cost attribution by team and project
 * (attr.c) and the interface a policy decides through (lib/policy).  Public handles gpuarb_trace, gpuarb_sim_config,
 * gpuarb_sim_result and gpuarb_sim_env are these structs.
 *
 * Units inside the simulator: seconds for time, GPUs for capacity (a
 * fractional pod is milli/1000 of one GPU), dollars for money.
 */
#ifndef GPUARB_SIM_H
#define GPUARB_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "base/internal.h"
#include "base/rng.h"

/* ---- traces ---- */

/* Most GPUs one job may ask for, and most jobs one trace may hold. */
#define GA_SIM_MAX_JOB_GPUS 4096
#define GA_SIM_MAX_JOBS 10000000
/* Largest trace or throughput file read (bytes). */
#define GA_SIM_MAX_FILE_BYTES ((size_t)512 << 20)
/* Most decision intervals plus spot-availability ticks one simulation may
 * span, from the first arrival to the last plus max_days (issue 12, resource
 * limits): an idle step costs about 40 ns, so this is seconds, not hours. */
#define GA_SIM_MAX_STEPS 1e8

typedef struct ga_job {
    double submit;      /* s from the trace's start */
    double dur;         /* s of run time on the reference GPU */
    int32_t gpus;       /* whole GPUs (>= 1) */
    int32_t milli;      /* share of each GPU, 1..1000; < 1000 only with gpus == 1 */
    uint32_t id_off;    /* job id: ids + id_off, NUL-terminated */
    int32_t line;       /* line in the source file (0 = made in memory) */
    uint32_t team_off;  /* cost attribution labels: labels + off, */
    uint32_t project_off; /* NUL-terminated; offset 0 is "" (none) */
} ga_job;

struct gpuarb_trace {
    ga_job *jobs;       /* sorted by submit; ties keep file order */
    size_t n;
    char *ids;          /* every job id, NUL-separated */
    size_t ids_len;
    int64_t skipped;    /* importer: rows left out (pods without GPUs) */
    char *labels;       /* team and project labels, NUL-separated; starts with "" */
    size_t labels_len;
    int32_t has_labels; /* 1: some job carries a team or project */
};

/* A job's team or project (which 0 / 1); NULL when it has none. */
static inline const char *ga_job_label(const gpuarb_trace *tr, const ga_job *j, int which)
{
    uint32_t off = which ? j->project_off : j->team_off;
    return off ? tr->labels + off : NULL;
}

/* A job's GPU demand in GPUs (fractional for shared pods). */
static inline double ga_job_gpus(const ga_job *j)
{
    return j->milli < 1000 ? j->milli / 1000.0 : (double)j->gpus;
}

/* ---- configuration ---- */

struct gpuarb_sim_config {
    /* the node shape, from one catalog offer */
    char *offer;              /* "provider/region/instance_type" for reports */
    int32_t node_gpus;        /* GPUs per node */
    int32_t has_spot;         /* 1: spot market configured (spot_price >= 0) */
    double od_price;          /* $/h per node, on demand; < 0: no on-demand market */
    double spot_price;        /* $/h per node, spot */
    double spot_rate;         /* interruptions per hour when there is no trace */
    /* timing and money */
    double delay_s;           /* provisioning delay */
    double interval_s;        /* decision interval */
    double wait_penalty;      /* $ per GPU-hour a job waits */
    double min_billed_s;      /* a node is billed at least this long */
    double restart_s;         /* work a preempted job loses (re-done) */
    /* limits */
    int32_t max_nodes;        /* on-demand plus spot, ready or pending */
    int32_t min_nodes;        /* on-demand nodes kept at all times */
    int32_t backfill_depth;   /* queued jobs looked at past the head */
    double max_days;          /* simulated time past the last arrival */
    /* spot availability series (empty: Poisson interruptions at spot_rate) */
    double *avail;
    size_t navail;
    double avail_gap_s;
    int32_t avail_is_count;   /* values are node counts (else 0/1 market flags) */
    double avail_start_s;     /* offset into the series; < 0: drawn from the seed */
    char *spot_trace;         /* its name, for reports */
};

/* ---- the engine ---- */

enum { GA_NODE_PENDING = 0, GA_NODE_READY = 1, GA_NODE_GONE = 2 };
enum { GA_JOB_FUTURE = 0, GA_JOB_QUEUED, GA_JOB_RUNNING, GA_JOB_DONE, GA_JOB_NEVER };

typedef struct ga_node {
    int32_t spot;
    int32_t state;
    double req_t;             /* billed from here */
    double ready_t;
    double idle_since;        /* when it last became empty (ready nodes) */
    int32_t njobs;
    int32_t free_whole;       /* GPUs with nothing on them */
    uint32_t gen;             /* bumps when the node goes, cancelling its events */
    int32_t reserved0;
} ga_node;

typedef struct ga_rjob {
    double remaining;         /* s of work left at the last (re)start */
    double start_t;           /* of the current run */
    double enq_t;             /* when it last entered the queue */
    double wait;              /* s spent queued so far */
    int32_t state;
    int32_t node;             /* single-node placement; -1 for spans */
    uint32_t mask;            /* GPUs used on node (bit k = GPU k) */
    uint32_t gen;             /* bumps on preemption, cancelling its finish */
    int32_t span_off;         /* spans: first entry in the span pool */
    int32_t span_n;           /* spans: whole nodes used (0 = single node) */
} ga_rjob;

typedef struct ga_event {
    double t;
    int32_t kind;
    int32_t a;                /* job or node index */
    uint32_t gen;
    uint32_t seq;
} ga_event;

/* What a policy asks for at a decision: nodes to buy in each market, and
 * idle nodes to give back (longest idle first, only those idle at least
 * min_idle_s; pending nodes are never cancelled).  move_od: busy on-demand
 * nodes to give back after stopping their jobs (they go back to the queue
 * with restart_s of work to redo, as if preempted), so that idle spot
 * nodes take them; done first, before the drops. */
typedef struct ga_sim_action {
    int32_t add_od, add_spot;
    int32_t drop_od, drop_spot;
    double min_idle_s;
    int32_t move_od;
    int32_t reserved0;
} ga_sim_action;

typedef struct ga_sim ga_sim;

/* A policy: decide at each interval from the simulator's public view of
 * the past (ga_sim_view, ga_sim_idle_count, ga_sim_queue_*).  Returns
 * GPUARB_OK or an error (NOMEM). */
typedef gpuarb_status (*ga_policy_fn)(void *arg, gpuarb_ctx *ctx, const ga_sim *s,
                                      ga_sim_action *act);

/* The observation a learning policy sees (gpuarb.h: GPUARB_SIM_OBS values). */
#define GA_SIM_OBS 12

typedef struct ga_sim_view {
    double t;                 /* now, s */
    int32_t node_gpus;
    int32_t max_nodes;
    int32_t od_ready, od_pending, spot_ready, spot_pending;
    int32_t queued_jobs;
    int32_t spot_open;        /* 1: a spot launch now would be accepted */
    int32_t has_spot;
    int32_t reserved0;
    double spot_open_s;       /* how long the spot market has been open (0: closed) */
    double queued_gpus;       /* GPU demand of the queue */
    double busy_gpus;         /* GPU demand of running jobs */
    double free_gpus;         /* whole GPUs free on ready nodes */
    double oldest_wait_s;     /* of the queue's head */
    double arrived_gpus;      /* GPU demand that arrived in the last interval */
    double interval_s, delay_s, od_price, spot_price, wait_penalty;
} ga_sim_view;

struct ga_sim {
    const gpuarb_sim_config *cfg;
    const gpuarb_trace *tr;
    uint64_t seed;
    ga_rng rng;
    int32_t G;                /* GPUs per node */
    double t;
    /* nodes */
    ga_node *nodes;
    int16_t *gm;              /* free milli of GPU k of node i: gm[i * G + k] */
    size_t nnodes, cap_nodes;
    size_t cap_gm;            /* nodes gm has room for */
    int32_t *live;            /* indices of nodes not gone, ascending */
    size_t nlive, cap_live;
    int32_t n_od[2], n_spot[2];  /* [pending, ready] */
    /* jobs */
    ga_rjob *rj;
    int32_t *span;            /* span pool */
    size_t next_arrival;
    int32_t *queue;           /* job indices, FIFO (original submit order) */
    size_t qlen;
    int32_t *running;         /* job indices running, unordered */
    int32_t *run_pos;         /* position in running[] of each job, -1 if not */
    size_t nrun;
    double queued_gpus, busy_gpus;
    double q_enq_sum;         /* sum over queued jobs of gpus * enq_t */
    /* events */
    ga_event *heap;
    size_t nheap, cap_heap;
    uint32_t seq;
    double next_decide;
    size_t avail_i;           /* index of the current availability tick */
    double avail_next_t;      /* when the availability next changes tick */
    double avail_off_s;       /* offset into the series (per seed) */
    int64_t spot_cap;         /* spot nodes the market has now; -1 = any */
    double spot_open_since;   /* when the market last opened (cap went above 0) */
    int64_t moves;            /* on-demand nodes given back by move_od */
    /* cost attribution (attr.c): what the jobs' runs cost, at the price
     * per GPU-second of the nodes they ran on, and the GPU-seconds they
     * held; per job only when the trace carries labels (else NULL) */
    double held_cost, held_gpu_s;
    double *job_cost, *job_gpu_s;
    /* accounting */
    double cost_closed;       /* $ of nodes already released */
    double price_open;        /* sum of $/h of open nodes */
    double price_t_open;      /* sum of $/h * req_t of open nodes */
    double gpu_s_paid_closed, gpus_open, gpus_t_open;
    double busy_gpu_s;        /* GPU-seconds of job running (counted at stop) */
    double wait_gpu_s_closed; /* GPU-seconds waited, of jobs no longer queued */
    double arrived_gpus_iv;   /* demand that arrived since the last decision */
    int64_t events;
    int64_t preemptions;
    int64_t jobs_done, jobs_never;
    int64_t spot_rejected;
    int64_t free_whole_total; /* whole free GPUs on ready nodes */
    int32_t head_job;         /* the blocked head of the last pass */
    size_t new_from;          /* queue positions from here arrived since the last pass */
    double horizon;           /* the run stops here at the latest */
    int32_t idle_decisions;   /* decisions in a row at which nothing could change */
    double stall_since;       /* when the first of them was */
    int64_t decisions;
    int32_t dirty;            /* capacity freed since the last scheduling pass */
    int32_t finished;         /* the run is over */
    int32_t stalled;          /* ended because nothing could change */
    double end_t;
    /* scratch for backfill */
    double *scratch;
    size_t scratch_cap;
};

/* Create a simulation of trace under cfg (both borrowed; they must outlive
 * it); seed drives the spot trace offset and Poisson interruptions. */
gpuarb_status ga_sim_new(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                         const gpuarb_trace *tr, uint64_t seed, ga_sim **out);
void ga_sim_free(ga_sim *s);
/* Run events up to the next decision point: returns 1 with s->t at the
 * decision (call ga_sim_apply next), 0 when the run is over, or -1 with an
 * error in ctx (NOMEM). */
int ga_sim_advance(gpuarb_ctx *ctx, ga_sim *s);
/* Carry out a policy's action at the current decision. */
gpuarb_status ga_sim_apply(gpuarb_ctx *ctx, ga_sim *s, const ga_sim_action *act);
/* Run to the end under a policy. */
gpuarb_status ga_sim_run(gpuarb_ctx *ctx, ga_sim *s, ga_policy_fn fn, void *arg);

/* The view policies decide from; it holds only the past and present. */
void ga_sim_view_get(const ga_sim *s, ga_sim_view *v);
/* Nodes of a market (spot 0/1) that are ready, empty, and idle at least idle_s. */
int32_t ga_sim_idle_count(const ga_sim *s, int32_t spot, double idle_s);
/* Ready nodes of a market with at least one job. */
int32_t ga_sim_busy_count(const ga_sim *s, int32_t spot);
/* The normalised observation vector (GA_SIM_OBS values). */
void ga_sim_observe(const ga_sim *s, double *obs);
/* Cost plus wait penalty accrued up to now, $ (the objective so far). */
double ga_sim_objective_now(const ga_sim *s);
/* Nodes (of G GPUs) that first-fit decreasing needs for the queued jobs
 * that the free capacity cannot take now, through the packing module;
 * -1 when out of memory. */
int64_t ga_sim_queue_nodes(const ga_sim *s);
/* The same, and the GPUs each of those nodes would hold (fullest first)
 * in load[0..min(need, cap)); load may be NULL when cap is 0. */
int64_t ga_sim_queue_bins(const ga_sim *s, double *load, size_t cap);

/* ---- results ---- */

/* One row of a simulation's cost attribution (attr.c). */
typedef struct ga_sim_attr {
    char *label;              /* owned; NULL: unlabelled jobs, or the idle row */
    double cost;              /* $ */
    double gpu_hours;         /* GPU-hours held (the idle row: paid, held by none) */
    int64_t jobs;
    int32_t idle;             /* 1: paid capacity no job held */
    int32_t reserved0;
} ga_sim_attr;

struct gpuarb_sim_result {
    char *policy;
    uint64_t seed;
    int64_t jobs, jobs_done, jobs_never, preemptions, events, spot_rejected, decisions, moves;
    double cost, gpu_hours_paid, gpu_hours_busy, utilization;
    double mean_wait_h, p95_wait_h, wait_gpu_hours, objective;
    double sim_hours;
    int32_t stalled;
    /* cost by team (0) and project (1), attr.c: the labels' rows sorted by
     * label, the unlabelled jobs' row, then the idle row */
    ga_sim_attr *attr[2];
    size_t n_attr[2];
};

/* What the run of job j on its placement for ran seconds costs: adds it to
 * the totals (and per job) of s (engine.c calls it where a run stops). */
void ga_sim_charge(ga_sim *s, int32_t j, double ran);
/* The attribution rows of a finished simulation into res (after
 * ga_sim_result_fill); GPUARB_OK or GPUARB_ERR_NOMEM. */
gpuarb_status ga_sim_result_attribute(gpuarb_ctx *ctx, const ga_sim *s, gpuarb_sim_result *res);
void ga_sim_result_attr_free(gpuarb_sim_result *res);
/* by_team and by_project members of the result's JSON. */
struct ga_writer;
void ga_sim_attr_json(struct ga_writer *w, const gpuarb_sim_result *res);
/* The table's COST BY TEAM / PROJECT sections, each with its total. */
void ga_sim_attr_table(ga_strbuf *b, const gpuarb_sim_result *res);

/* Summarise a finished simulation into res (fields other than policy). */
gpuarb_status ga_sim_result_fill(gpuarb_ctx *ctx, const ga_sim *s, gpuarb_sim_result *res);

#endif
