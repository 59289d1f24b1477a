/*
 * gpuarb.h - the one public header of libgpuarb.
 *
 * libgpuarb answers where GPU workloads should run, on which offers, at what
 * price, and how to pack jobs onto what was bought.  The contract for file
 * formats, CLI verbs and JSON output is SPEC.md; this header is the C API.
 *
 * Conventions (they hold for every function below unless its comment says
 * otherwise):
 *   - Every fallible call returns a gpuarb_status; GPUARB_OK is 0.  On error
 *     the context passed in keeps the message and the input location
 *     (source, 1-based line and column, key path) until the next failing call.
 *   - A solve outcome (optimal, feasible, infeasible, time limit) is a result,
 *     not an error: the call returns GPUARB_OK and the result says which.
 *   - Handles are opaque; every _create/_load has a _free, and _free(NULL)
 *     is a no-op.  Strings the library allocates for the caller are released
 *     with gpuarb_free().  Strings inside a handle are borrowed: they live as
 *     long as the handle.
 *   - Inputs are copied unless the comment says "borrowed".
 *   - Indices are 0-based.  Sizes are GB (1e9 bytes), money USD, time hours
 *     unless a name carries a unit (_s, _ms, _minutes).
 *   - Threads: the library has no mutable global state.  Use one context per
 *     thread; distinct contexts and the handles made with them may be used
 *     concurrently.  Read-only handles (catalog, spec) may be shared between
 *     threads once built.
 *   - The library never prints, exits or aborts; diagnostics go to an
 *     optional log callback on the context.
 *   - GLPK: a host that uses GLPK itself keeps its GLPK environment, problems,
 *     terminal hook and error hook untouched by every call here (the library
 *     then solves on a short-lived thread of its own while the call waits).
 *     This needs a GLPK with thread-local storage, as Debian's; with any
 *     other the calls leave GLPK's hooks unset, never freeing the host's
 *     environment.
 *
 * ABI rule for public structs (one rule for all; tests/test_abi.c pins every
 * size and offset, so a change that moves a field fails the build's tests):
 *   - A struct passed by pointer that may grow (options, queries, summaries)
 *     starts with `uint32_t size` and ends with `uint8_t reserved[N]`.  The
 *     caller sets size to sizeof the struct it was compiled with; the *_init
 *     functions do that and fill in every default.
 *   - A new field is carved from the front of `reserved` (reserved shrinks by
 *     as much, so sizeof and every existing offset stay the same); only when
 *     reserved is used up is a field appended after it.  A field is never
 *     inserted in the middle, moved, retyped or removed.
 *   - The library reads and writes only the first `size` bytes: an option
 *     beyond size takes its default, an output beyond size is not written.  A
 *     larger size (a newer caller) is accepted; bytes the library does not
 *     know are ignored (inputs) or left untouched (outputs).  A size smaller
 *     than the struct's first version is GPUARB_ERR_ARG; every struct below
 *     is still in its first version, so today that is its sizeof.
 *   - Initialise option structs with *_init: it writes this library's
 *     defaults into carved fields too, which an older caller cannot know.
 *     *_init writes sizeof(struct) bytes, which only grows once reserved is
 *     used up.
 *   - Rows the library fills by value (gpuarb_gpu_model, gpuarb_offer,
 *     gpuarb_allocation, gpuarb_pack_node) have no size field: they are
 *     frozen, and more data about a row will come through a new accessor
 *     with its own sized struct, never through a longer row.
 */
#ifndef GPUARB_H
#define GPUARB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================
 * Version
 * ====================================================================== */
#define GPUARB_VERSION_MAJOR 0
#define GPUARB_VERSION_MINOR 1
#define GPUARB_VERSION_PATCH 0
#define GPUARB_VERSION_NUMBER \
    (GPUARB_VERSION_MAJOR * 10000 + GPUARB_VERSION_MINOR * 100 + GPUARB_VERSION_PATCH)

/* ======================================================================
 * Export macro
 * ====================================================================== */
#if defined(GPUARB_BUILDING) && defined(__GNUC__)
#define GPUARB_API __attribute__((visibility("default")))
#else
#define GPUARB_API
#endif

/** Version of the linked library as "MAJOR.MINOR.PATCH"; static storage. */
GPUARB_API const char *gpuarb_version_string(void);
/** Version of the linked library as GPUARB_VERSION_NUMBER computes it. */
GPUARB_API int32_t gpuarb_version_number(void);

/** A capacity or count without a limit (gpuarb_offer.capacity, node type
 *  counts).  Functions that take a count treat any negative value so. */
#define GPUARB_UNLIMITED (-1)

/* ======================================================================
 * Status codes (values are pinned forever; new ones are appended)
 * ====================================================================== */
typedef enum gpuarb_status {
    GPUARB_OK = 0,
    GPUARB_ERR_NOMEM = 1,       /* an allocation failed */
    GPUARB_ERR_ARG = 2,         /* API misuse: NULL handle, bad option value */
    GPUARB_ERR_IO = 3,          /* a file could not be opened or read */
    GPUARB_ERR_SYNTAX = 4,      /* malformed YAML, JSON or CSV */
    GPUARB_ERR_INPUT = 5,       /* well-formed input with an invalid value */
    GPUARB_ERR_LIMIT = 6,       /* input beyond a size, depth or alias bound */
    GPUARB_ERR_SOLVER = 7,      /* the solver failed (not infeasibility) */
    GPUARB_ERR_INTERNAL = 8,    /* a bug: please report it */
    GPUARB_ERR_UNSUPPORTED = 9  /* a feature this build does not have */
} gpuarb_status;

/** Short static message for a status ("out of memory", ...); never NULL. */
GPUARB_API const char *gpuarb_strerror(gpuarb_status status);
/** Stable name of a status ("GPUARB_ERR_INPUT"); never NULL. */
GPUARB_API const char *gpuarb_status_name(gpuarb_status status);

/** Release memory the library allocated for the caller; NULL is a no-op. */
GPUARB_API void gpuarb_free(void *ptr);

/* ======================================================================
 * Context and errors
 * ====================================================================== */
typedef struct gpuarb_ctx gpuarb_ctx;

/** Log levels passed to the log callback. */
typedef enum gpuarb_log_level {
    GPUARB_LOG_ERROR = 0,
    GPUARB_LOG_WARN = 1,
    GPUARB_LOG_INFO = 2,
    GPUARB_LOG_DEBUG = 3
} gpuarb_log_level;

/** Log callback: level, NUL-terminated message (borrowed for the call). */
typedef void (*gpuarb_log_fn)(void *user, int32_t level, const char *message);

/** Create a context.  *out receives the handle.  Returns GPUARB_ERR_NOMEM
 *  or GPUARB_ERR_ARG (out NULL). */
GPUARB_API gpuarb_status gpuarb_ctx_create(gpuarb_ctx **out);
/** Free a context; NULL is a no-op. */
GPUARB_API void gpuarb_ctx_free(gpuarb_ctx *ctx);
/** Install a log callback (NULL to remove) and the most verbose level to
 *  deliver.  The library logs nothing anywhere else. */
GPUARB_API void gpuarb_ctx_set_log(gpuarb_ctx *ctx, gpuarb_log_fn fn, void *user,
                                   int32_t max_level);

/** Status of the last failing call on this context (GPUARB_OK if none). */
GPUARB_API gpuarb_status gpuarb_errcode(const gpuarb_ctx *ctx);
/** Message of the last error, without location; "" if none.  Borrowed. */
GPUARB_API const char *gpuarb_errmsg(const gpuarb_ctx *ctx);
/** Source (file name, or "<stdin>", "<string>") of the last error; "" if the
 *  error has no input location.  Borrowed. */
GPUARB_API const char *gpuarb_errsource(const gpuarb_ctx *ctx);
/** 1-based line and column of the last error; 0 where unknown. */
GPUARB_API int32_t gpuarb_errline(const gpuarb_ctx *ctx);
GPUARB_API int32_t gpuarb_errcolumn(const gpuarb_ctx *ctx);
/** Key path of the offending field, such as "workloads[2].gpus"; "" if none. */
GPUARB_API const char *gpuarb_errpath(const gpuarb_ctx *ctx);
/** The whole error as one line, "SOURCE:LINE:COL: PATH: message" with the
 *  parts that are known.  Borrowed; valid until the next call on ctx. */
GPUARB_API const char *gpuarb_errfull(gpuarb_ctx *ctx);
/** Forget the last error. */
GPUARB_API void gpuarb_errclear(gpuarb_ctx *ctx);

/* ======================================================================
 * GPU models
 * ====================================================================== */
/** One row of the GPU model table.  Strings are static. */
typedef struct gpuarb_gpu_model {
    const char *name;          /* canonical name, e.g. "A100-80GB" */
    const char *vendor;        /* "nvidia", "amd", ... */
    double memory_gb;          /* per GPU */
    double relative_speed;     /* dense BF16/FP16 training speed, V100 = 1.0 */
    int32_t mig_capable;       /* 1 if the GPU supports MIG */
    int32_t reserved0;
} gpuarb_gpu_model;

/** Number of rows in the GPU model table. */
GPUARB_API int32_t gpuarb_gpu_model_count(void);
/** Row i (0 <= i < count) into *out.  GPUARB_ERR_ARG if out of range. */
GPUARB_API gpuarb_status gpuarb_gpu_model_get(int32_t i, gpuarb_gpu_model *out);
/** Index of a model by canonical name or alias, case-insensitively;
 *  -1 if unknown. */
GPUARB_API int32_t gpuarb_gpu_model_find(const char *name);

/* ======================================================================
 * Catalogs (offers)
 * ====================================================================== */
typedef struct gpuarb_catalog gpuarb_catalog;

/** One offer.  Strings are borrowed from the catalog.  Absent numbers are
 *  negative (-1): gpu memory is always known (defaulted from the model
 *  table), prices are -1 when the market does not exist, capacity is -1
 *  when unlimited. */
typedef struct gpuarb_offer {
    const char *provider;
    const char *region;
    const char *zone;          /* "" = region-wide */
    const char *instance_type;
    const char *gpu;           /* canonical model name */
    int32_t gpu_count;
    int32_t source_line;       /* line in the file it came from; 0 = builtin */
    double gpu_memory_gb;      /* per GPU */
    double vcpus;              /* -1 = unknown */
    double memory_gb;          /* -1 = unknown */
    double price_hour;         /* on demand, per instance; -1 = none */
    double spot_price_hour;    /* -1 = no spot market */
    double interruption_rate;  /* spot interruptions per hour */
    int64_t capacity;          /* GPUARB_UNLIMITED (-1) = unlimited */
} gpuarb_offer;

/** Catalog file formats. */
typedef enum gpuarb_catalog_format {
    GPUARB_CATALOG_NATIVE = 0,   /* SPEC section 1 CSV */
    GPUARB_CATALOG_SKYPILOT = 1  /* SkyPilot vms.csv; provider given by caller */
} gpuarb_catalog_format;

/** Load a catalog file.  provider is required for GPUARB_CATALOG_SKYPILOT
 *  and ignored for native files. */
GPUARB_API gpuarb_status gpuarb_catalog_load(gpuarb_ctx *ctx, const char *path,
                                             int32_t format, const char *provider,
                                             gpuarb_catalog **out);
/** Load the catalog a reference names, the form specs and the CLI use:
 *  "builtin" (the built-in snapshot), "skypilot:PROVIDER:PATH" (a SkyPilot
 *  vms.csv of PROVIDER, folded to lower case) or PATH (a native CSV).
 *  ref: the reference (borrowed).  base_dir: folder that resolves a relative
 *  PATH (NULL or "" = the current directory).  skypilot_provider: NULL, or a
 *  provider that makes a plain PATH a SkyPilot vms.csv of it (it does not
 *  apply to "builtin" or to a "skypilot:" reference, which names its own).
 *  out: the new catalog, freed with gpuarb_catalog_free.  Returns
 *  GPUARB_ERR_ARG for a malformed "skypilot:" reference (the message says
 *  what was expected and found) and the loaders' statuses otherwise. */
GPUARB_API gpuarb_status gpuarb_catalog_load_ref(gpuarb_ctx *ctx, const char *ref,
                                                 const char *base_dir,
                                                 const char *skypilot_provider,
                                                 gpuarb_catalog **out);
/** Parse a catalog from memory; source names it in errors (may be NULL). */
GPUARB_API gpuarb_status gpuarb_catalog_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                              const char *source, int32_t format,
                                              const char *provider, gpuarb_catalog **out);
/** The built-in snapshot of public list prices compiled into the library. */
GPUARB_API gpuarb_status gpuarb_catalog_builtin(gpuarb_ctx *ctx, gpuarb_catalog **out);
/** A one-line description of the built-in snapshot's sources and dates;
 *  static storage. */
GPUARB_API const char *gpuarb_catalog_builtin_info(void);
/** Append copies of every offer of src to dst. */
GPUARB_API gpuarb_status gpuarb_catalog_append(gpuarb_ctx *ctx, gpuarb_catalog *dst,
                                               const gpuarb_catalog *src);
GPUARB_API void gpuarb_catalog_free(gpuarb_catalog *cat);
/** Number of offers. */
GPUARB_API size_t gpuarb_catalog_count(const gpuarb_catalog *cat);
/** Offer i into *out (strings borrowed).  GPUARB_ERR_ARG if out of range. */
GPUARB_API gpuarb_status gpuarb_catalog_offer(const gpuarb_catalog *cat, size_t i,
                                              gpuarb_offer *out);

/** Sort keys for gpuarb_catalog_query. */
typedef enum gpuarb_catalog_sort {
    GPUARB_SORT_NONE = 0,            /* catalog order */
    GPUARB_SORT_PRICE = 1,           /* on-demand price per instance */
    GPUARB_SORT_PRICE_PER_GPU = 2,   /* on-demand price per GPU */
    GPUARB_SORT_SPOT_PER_GPU = 3     /* spot price per GPU (no spot last) */
} gpuarb_catalog_sort;

/** Filter for gpuarb_catalog_select.  Initialise with _init.  q->size below
 *  sizeof(gpuarb_catalog_query) (104) is GPUARB_ERR_ARG. */
typedef struct gpuarb_catalog_query {
    uint32_t size;            /* sizeof(gpuarb_catalog_query) */
    int32_t spot_only;        /* 1: only offers with a spot market */
    const char *gpu;          /* model name or alias; NULL = any */
    const char *provider;     /* NULL = any */
    const char *region;       /* shell glob, or globs separated by '|'; NULL = any */
    int32_t sort;             /* gpuarb_catalog_sort */
    int32_t min_gpus;         /* offers with at least this many GPUs; 0 = any */
    uint8_t reserved[64];
} gpuarb_catalog_query;

GPUARB_API void gpuarb_catalog_query_init(gpuarb_catalog_query *q);
/** A new catalog with copies of the offers that match q, in q's order. */
GPUARB_API gpuarb_status gpuarb_catalog_select(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                               const gpuarb_catalog_query *q,
                                               gpuarb_catalog **out);
/** A new catalog where offers that differ only in zone (same provider,
 *  region, instance type, GPUs, sizes and prices) become one region-wide
 *  offer (zone "", capacity the sum, unlimited if any is).  An offer whose
 *  zone has no twin keeps its zone.  Order: first occurrence. */
GPUARB_API gpuarb_status gpuarb_catalog_merge_zones(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                                    gpuarb_catalog **out);
/** Serialise as SPEC JSON {"offers": [...]} into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_catalog_to_json(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                                char **out);
/** Serialise as the native CSV (with header) into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_catalog_to_csv(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                               char **out);
/** A human-readable table into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_catalog_to_table(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                                 char **out);

/* ======================================================================
 * Cost model (SPEC section 2; the formulas are the contract)
 * ====================================================================== */
/** Effective price per useful hour of a spot instance:
 *  spot_price / (1 - rate * (checkpoint_minutes/120 + restart_minutes/60)).
 *  Returns -1 when the denominator is <= 0.1 (the offer is unusable) or an
 *  argument is negative or not finite. */
GPUARB_API double gpuarb_spot_effective_price(double spot_price_hour, double interruption_rate,
                                              double checkpoint_minutes, double restart_minutes);
/** One-time cost of copying gb from (data_provider, data_region) to
 *  (provider, region): 0 in the same region, gb * same_provider_per_gb in
 *  another region of the same provider, gb * other_provider_per_gb
 *  elsewhere.  Negative rates mean the SPEC defaults (0.02, 0.09). */
GPUARB_API double gpuarb_egress_cost(const char *data_provider, const char *data_region,
                                     double gb, const char *provider, const char *region,
                                     double same_provider_per_gb, double other_provider_per_gb);

/* ======================================================================
 * Optimize specs
 * ====================================================================== */
typedef struct gpuarb_spec gpuarb_spec;

/** Load a spec file.  ".json" files are read as JSON, anything else as
 *  YAML.  Relative catalog paths are resolved against the file's folder. */
GPUARB_API gpuarb_status gpuarb_spec_load(gpuarb_ctx *ctx, const char *path, gpuarb_spec **out);
/** Parse a spec from memory.  It is JSON if its first non-blank byte is '{',
 *  YAML otherwise.  source names it in errors (NULL = "<string>"); base_dir
 *  resolves relative catalog paths (NULL = current directory). */
GPUARB_API gpuarb_status gpuarb_spec_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                           const char *source, const char *base_dir,
                                           gpuarb_spec **out);
GPUARB_API void gpuarb_spec_free(gpuarb_spec *spec);
/** Serialise the validated spec, defaults filled in, as canonical JSON. */
GPUARB_API gpuarb_status gpuarb_spec_to_json(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                                             char **out);
/** Number of workloads in the spec. */
GPUARB_API int32_t gpuarb_spec_workload_count(const gpuarb_spec *spec);

/* ======================================================================
 * Allocation (optimize)
 * ====================================================================== */
typedef struct gpuarb_result gpuarb_result;

/** Options for gpuarb_optimize.  Initialise with _init.  opts.size below
 *  sizeof(gpuarb_optimize_opts) (96) is GPUARB_ERR_ARG. */
/** Progress of a solve: the best plan's objective (NaN while there is none),
 *  the proven bound (NaN while there is none) and the milliseconds elapsed.
 *  Return non-zero to stop the solve. */
typedef int (*gpuarb_progress_fn)(void *arg, double incumbent, double bound, double elapsed_ms);

typedef struct gpuarb_optimize_opts {
    uint32_t size;              /* sizeof(gpuarb_optimize_opts) */
    int32_t skip_baseline;      /* 1: do not compute the SPEC section 3 baseline */
    double time_limit_s;        /* < 0: the spec's time_limit_s (default); 0: none */
    double mip_gap;             /* relative gap at which the solver may stop;
                                   default 0.  A plan accepted under it is
                                   FEASIBLE with its true gap, never OPTIMAL */
    const char *write_model;    /* if set, write the MIP in CPLEX LP format here */
    /* carved from reserved (0.1.0): */
    double abs_gap;             /* the solver may stop when a plan's total cost is
                                   within this many dollars of the proven bound;
                                   default 0 (prove optimality).  A plan accepted
                                   under it is FEASIBLE with its true gap */
    /* carved from reserved (0.2.0): */
    double memory_limit_mib;    /* < 0: the spec's memory_limit_mib (default 2048);
                                   0: none.  The model is sized before it is built:
                                   past the budget the solve ends in GPUARB_ERR_LIMIT
                                   with a message, never in the out-of-memory killer */
    /* carved from reserved (0.2.0): */
    gpuarb_progress_fn progress; /* called about every 0.2 s of a solve with its
                                   incumbent, bound and elapsed time; a non-zero
                                   return stops the solve with its best plan
                                   (FEASIBLE, or TIME_LIMIT with none).  NULL: none */
    void *progress_arg;         /* passed to progress */
    int32_t explain;            /* 1: also compute, per workload, the best plan on
                                   each other provider and market and why it lost
                                   (JSON "alternatives") */
    int32_t reserved0;
    uint8_t reserved[24];
} gpuarb_optimize_opts;

GPUARB_API void gpuarb_optimize_opts_init(gpuarb_optimize_opts *opts);

/** Outcome of a solve. */
typedef enum gpuarb_solve_status {
    GPUARB_SOLVE_OPTIMAL = 0,     /* proven optimal (no gap tolerance) */
    GPUARB_SOLVE_FEASIBLE = 1,    /* a plan not proven optimal (time limit or a
                                     gap tolerance); see mip_gap */
    GPUARB_SOLVE_INFEASIBLE = 2,  /* no plan exists; see the diagnostics */
    GPUARB_SOLVE_TIME_LIMIT = 3   /* time limit before any plan */
} gpuarb_solve_status;

/** Solve a spec.  catalog may be NULL: then the spec's catalog (builtin or
 *  files) is loaded.  A borrowed catalog is not modified.  Returns GPUARB_OK
 *  whenever a result was produced, whatever its solve status. */
GPUARB_API gpuarb_status gpuarb_optimize(gpuarb_ctx *ctx, const gpuarb_spec *spec,
                                         const gpuarb_catalog *catalog,
                                         const gpuarb_optimize_opts *opts,
                                         gpuarb_result **out);
GPUARB_API void gpuarb_result_free(gpuarb_result *res);

/** Figures of a plan.  Values that do not exist are -1 (baseline_* and
 *  savings_pct where no single-provider on-demand plan exists). */
typedef struct gpuarb_plan_summary {
    uint32_t size;              /* sizeof(gpuarb_plan_summary), set by caller */
    int32_t status;             /* gpuarb_solve_status */
    int32_t objective;          /* 0 = min_cost, 1 = max_throughput */
    int32_t allocation_count;
    double cost_per_hour;
    double total_cost;          /* horizon_hours * cost_per_hour + egress_cost */
    double egress_cost;
    double throughput;          /* sum of GPUs x relative throughput */
    double mip_gap;             /* relative; 0 when optimal */
    double bound;               /* proven bound on the objective; -1 when none is
                                   known (infeasible, or stopped before the LP
                                   relaxation was solved) */
    double solve_ms;
    double baseline_cost_per_hour;
    double baseline_total_cost;
    double savings_pct;
    const char *baseline_provider; /* borrowed; NULL when there is no baseline */
    /* carved from reserved (0.2.0): */
    double baseline_throughput; /* the baseline plan's throughput (0 when none) */
    double throughput_gain_pct; /* max_throughput: 100 (throughput / baseline
                                   throughput - 1); 0 when there is no baseline */
    double churn_cost;          /* delta plans: launch cost of the changes */
    int32_t warning_count;      /* SPEC section 3 warnings */
    int32_t change_count;       /* delta plans: rows of "changes" */
    uint8_t reserved[32];
} gpuarb_plan_summary;

/** Fill *out (whose size field the caller sets) from the result; only the
 *  first out->size bytes are written.  GPUARB_ERR_ARG when out->size is below
 *  sizeof(gpuarb_plan_summary) (168). */
GPUARB_API gpuarb_status gpuarb_result_summary(const gpuarb_result *res,
                                               gpuarb_plan_summary *out);

/** One row of a plan: a workload's instances of one offer in one market. */
typedef struct gpuarb_allocation {
    const char *workload;       /* borrowed */
    const char *provider;
    const char *region;
    const char *zone;
    const char *instance_type;
    const char *gpu;
    int32_t gpus_per_instance;
    int32_t count;
    int32_t spot;               /* 1 = spot market, 0 = on demand */
    int32_t reserved0;
    double price_hour;          /* list price of the market, per instance */
    double cost_per_hour;       /* count x per-hour cost (spot: effective) */
} gpuarb_allocation;

GPUARB_API int32_t gpuarb_result_allocation_count(const gpuarb_result *res);
GPUARB_API gpuarb_status gpuarb_result_allocation(const gpuarb_result *res, int32_t i,
                                                  gpuarb_allocation *out);
/** Diagnostics: sentences naming what binds (infeasible) or what was
 *  noticed.  Borrowed. */
GPUARB_API int32_t gpuarb_result_diagnostic_count(const gpuarb_result *res);
GPUARB_API const char *gpuarb_result_diagnostic(const gpuarb_result *res, int32_t i);
/** SPEC section 3 JSON of the result into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_result_to_json(gpuarb_ctx *ctx, const gpuarb_result *res,
                                               char **out);
/** A readable plan (table) into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_result_to_table(gpuarb_ctx *ctx, const gpuarb_result *res,
                                                char **out);

/* ======================================================================
 * Packing (SPEC section 4)
 * ====================================================================== */
/* GPUARB-PACK-BEGIN: this section is owned by the packing module. */
/* Jobs (items) with GPU, CPU and memory sizes are packed onto nodes (bins)
 * of one or more node types.  A problem comes from a pack spec (SPEC
 * section 4, YAML or JSON), a classic one-dimensional BPPLIB file, or the
 * add_node_type/add_item calls below.  Sizes may be zero; capacities must
 * be positive in at least one dimension. */
typedef struct gpuarb_pack_problem gpuarb_pack_problem;
typedef struct gpuarb_pack_result gpuarb_pack_result;

/** Objectives. */
typedef enum gpuarb_pack_objective {
    GPUARB_PACK_MIN_NODES = 0,  /* fewest nodes (ties: cheaper) */
    GPUARB_PACK_MIN_COST = 1    /* least cost_hour summed over the nodes */
} gpuarb_pack_objective;

/** Algorithms.  AUTO runs the constructive heuristics, improves the best
 *  packing by local search and, while it does not meet the lower bound,
 *  tightens the bound and searches exactly until the time limit. */
typedef enum gpuarb_pack_algorithm {
    GPUARB_PACK_AUTO = 0,
    GPUARB_PACK_FFD = 1,        /* first-fit decreasing only */
    GPUARB_PACK_BFD = 2,        /* best-fit decreasing only */
    GPUARB_PACK_LOCAL = 3,      /* heuristics and local search, no exact phase */
    GPUARB_PACK_EXACT = 4       /* like AUTO, with the exact search on small cases */
} gpuarb_pack_algorithm;

/** Create an empty problem (no node types, no items). */
GPUARB_API gpuarb_status gpuarb_pack_problem_create(gpuarb_ctx *ctx, gpuarb_pack_problem **out);
GPUARB_API void gpuarb_pack_problem_free(gpuarb_pack_problem *prob);

/** Add a node type.  name is copied (NULL: "type<index>"); gpus, cpus,
 *  memory_gb are capacities >= 0, not all zero; cost_hour < 0 means not
 *  given (counts as 0 for min_cost); count < 0 means unlimited.  *index
 *  (may be NULL) receives the type's 0-based index. */
GPUARB_API gpuarb_status gpuarb_pack_add_node_type(gpuarb_ctx *ctx, gpuarb_pack_problem *prob,
                                                   const char *name, double gpus, double cpus,
                                                   double memory_gb, double cost_hour,
                                                   int64_t count, int32_t *index);
/** Add count >= 1 identical items (sizes >= 0).  With count 1 the item is
 *  called name; with more they are NAME#0, NAME#1, ...; name NULL names
 *  items by their 0-based index.  *first (may be NULL) receives the index
 *  of the first item added. */
GPUARB_API gpuarb_status gpuarb_pack_add_item(gpuarb_ctx *ctx, gpuarb_pack_problem *prob,
                                              const char *name, double gpus, double cpus,
                                              double memory_gb, int64_t count, int64_t *first);

/** Set the priority of the items one gpuarb_pack_add_item call added
 *  (first is the index it returned; default 0).  When node counts cannot
 *  hold every item, items of higher priority are placed first (SPEC
 *  section 4).  GPUARB_ERR_ARG when no add_item call returned first. */
GPUARB_API gpuarb_status gpuarb_pack_set_item_priority(gpuarb_ctx *ctx,
                                                       gpuarb_pack_problem *prob, int64_t first,
                                                       int32_t priority);
/** Load a pack spec file (".json" as JSON, anything else as YAML). */
GPUARB_API gpuarb_status gpuarb_pack_spec_load(gpuarb_ctx *ctx, const char *path,
                                               gpuarb_pack_problem **out);
/** Parse a pack spec from memory: JSON if its first non-blank byte is '{',
 *  YAML otherwise.  source names it in errors (NULL = "<string>"). */
GPUARB_API gpuarb_status gpuarb_pack_spec_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                                const char *source,
                                                gpuarb_pack_problem **out);
/** Load a BPPLIB instance: n, the capacity C, then n integer weights, one
 *  number per line (CRLF accepted).  Every weight must be 0..C, and
 *  1 <= C < 2^31; anything else is GPUARB_ERR_SYNTAX/INPUT/LIMIT with the
 *  file, line and column.  Items are
 *  named by their 0-based index; the node type is called "bin". */
GPUARB_API gpuarb_status gpuarb_pack_bpp_load(gpuarb_ctx *ctx, const char *path,
                                              gpuarb_pack_problem **out);
GPUARB_API gpuarb_status gpuarb_pack_bpp_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                               const char *source,
                                               gpuarb_pack_problem **out);
/** Number of items and of node types. */
GPUARB_API int64_t gpuarb_pack_problem_item_count(const gpuarb_pack_problem *prob);
GPUARB_API int32_t gpuarb_pack_problem_type_count(const gpuarb_pack_problem *prob);

/** Options for gpuarb_pack_solve.  Initialise with _init.  opts.size below
 *  sizeof(gpuarb_pack_opts) (96) is GPUARB_ERR_ARG. */
typedef struct gpuarb_pack_opts {
    uint32_t size;              /* sizeof(gpuarb_pack_opts) */
    int32_t algorithm;          /* gpuarb_pack_algorithm; -1 = the spec's (default auto) */
    int32_t objective;          /* gpuarb_pack_objective; -1 = the spec's (default min_nodes) */
    int32_t reserved0;
    double time_limit_ms;       /* -1: the spec's time_limit_s (default 10 s);
                                   0 or >= 1e9 (infinity too): no limit (the
                                   search may then run long); it bounds the
                                   whole call.  NaN, other negatives: ERR_ARG */
    uint64_t seed;              /* local-search seed; same seed, same packing */
    /* carved from reserved (0.2.0): */
    double memory_limit_mib;    /* -1: the spec's memory_limit_mib (default 2048);
                                   0 or >= 1048576: none.  A problem whose
                                   estimated need is past it: GPUARB_ERR_LIMIT
                                   before any work, at the spec's count.
                                   NaN, other negatives: GPUARB_ERR_ARG */
    uint8_t reserved[56];
} gpuarb_pack_opts;

GPUARB_API void gpuarb_pack_opts_init(gpuarb_pack_opts *opts);

/** Solve.  Returns GPUARB_OK whenever a result was produced (even with
 *  unplaced items).  opts may be NULL (defaults).  The problem is not
 *  modified.  Same problem and options give the same packing unless the
 *  wall clock, not the deterministic work budget, ended a phase (see
 *  gpuarb_pack_summary.clock_limited). */
GPUARB_API gpuarb_status gpuarb_pack_solve(gpuarb_ctx *ctx, const gpuarb_pack_problem *prob,
                                           const gpuarb_pack_opts *opts,
                                           gpuarb_pack_result **out);
GPUARB_API void gpuarb_pack_result_free(gpuarb_pack_result *res);

/** Figures of a packing. */
typedef struct gpuarb_pack_summary {
    uint32_t size;              /* sizeof(gpuarb_pack_summary), set by caller */
    int32_t status;             /* gpuarb_solve_status: OPTIMAL or FEASIBLE */
    int32_t objective;          /* gpuarb_pack_objective */
    int32_t algorithm;          /* gpuarb_pack_algorithm that ran */
    int64_t nodes_used;
    int64_t lower_bound;        /* proven bound on nodes_used (min_nodes) */
    int64_t item_count;
    int64_t unplaced_count;
    double cost_per_hour;       /* sum of cost_hour of the nodes used */
    double cost_lower_bound;    /* proven bound on cost_per_hour; -1 none */
    double solve_ms;
    int32_t clock_limited;      /* 1: the wall clock cut a phase short */
    int32_t reserved0;
    uint8_t reserved[64];
} gpuarb_pack_summary;

/** Fill *out (whose size field the caller sets); only the first out->size
 *  bytes are written.  GPUARB_ERR_ARG when out->size is below
 *  sizeof(gpuarb_pack_summary) (144). */
GPUARB_API gpuarb_status gpuarb_pack_result_summary(const gpuarb_pack_result *res,
                                                    gpuarb_pack_summary *out);
/** One node of a packing.  type is borrowed from the result. */
typedef struct gpuarb_pack_node {
    const char *type;
    int32_t type_index;
    int32_t reserved0;
    int64_t item_count;
    double gpus, cpus, memory_gb;  /* used */
    double size;                   /* used, BPP instances (else 0) */
} gpuarb_pack_node;

/** Node i (0 <= i < nodes_used) into *out. */
GPUARB_API gpuarb_status gpuarb_pack_result_node(const gpuarb_pack_result *res, int64_t i,
                                                 gpuarb_pack_node *out);
/** Index of the k-th item on node i, or -1 if out of range. */
GPUARB_API int64_t gpuarb_pack_result_node_item(const gpuarb_pack_result *res, int64_t i,
                                                int64_t k);
/** Node of item j, or -1 if it is unplaced or out of range. */
GPUARB_API int64_t gpuarb_pack_result_item_node(const gpuarb_pack_result *res, int64_t j);
/** Name of item j written into buf (cap bytes, NUL-terminated, truncated);
 *  returns the length it needs without the NUL, or -1 if out of range. */
GPUARB_API int32_t gpuarb_pack_result_item_name(const gpuarb_pack_result *res, int64_t j,
                                                char *buf, size_t cap);
/** The i-th unplaced item (0 <= i < unplaced_count): *item receives its
 *  index; returns the reason (borrowed), or NULL if out of range. */
GPUARB_API const char *gpuarb_pack_result_unplaced(const gpuarb_pack_result *res, int64_t i,
                                                   int64_t *item);
/** SPEC section 4 JSON of the result into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_pack_result_to_json(gpuarb_ctx *ctx,
                                                    const gpuarb_pack_result *res, char **out);
/** A readable table into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_pack_result_to_table(gpuarb_ctx *ctx,
                                                     const gpuarb_pack_result *res, char **out);
/* GPUARB-PACK-END */

/* ======================================================================
 * Utilities
 * ====================================================================== */
/** The linked library's version and built-in catalog as one JSON object on
 *  one line, {"library": "MAJOR.MINOR.PATCH", "library_number": N,
 *  "builtin_catalog": "..."} and a newline, into *out (free with
 *  gpuarb_free).  Returns GPUARB_ERR_ARG for a NULL out, GPUARB_ERR_NOMEM. */
GPUARB_API gpuarb_status gpuarb_version_to_json(gpuarb_ctx *ctx, char **out);

#ifdef __cplusplus
}
#endif
#endif /* GPUARB_H */
