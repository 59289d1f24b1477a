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

/* ==== forecasting, reinforcement learning, spot with a deadline (issue 11) ==== */

/* ---- forecasting (SPEC section 6, `gpuarb forecast`) ---- */
/** Forecasting methods.  AUTO chooses among the others by a rolling-origin
 *  backtest over the series' recent past (the last 14 seasons, at least
 *  336 steps), remade for every forecast. */
typedef enum gpuarb_forecast_method {
    GPUARB_FORECAST_AUTO = -1,
    GPUARB_FORECAST_SEASONAL_NAIVE = 0, /* the value one season earlier */
    GPUARB_FORECAST_HOLT_WINTERS = 1,   /* additive seasonality, damped or not */
    GPUARB_FORECAST_SEASONAL_AR = 2,    /* lags 1, 2, S, S+1, 2S; least squares */
    GPUARB_FORECAST_COMBINED = 3        /* the mean of the two above */
} gpuarb_forecast_method;

typedef struct gpuarb_forecast_opts {
    uint32_t size;        /* sizeof(gpuarb_forecast_opts) */
    int32_t horizon;      /* steps to forecast, 1..100000 (default 24) */
    int32_t season;       /* steps per season, 0 none (default 24: hourly, daily) */
    int32_t method;       /* gpuarb_forecast_method (default AUTO) */
    int32_t origins;      /* backtest origins, 0..1000 (default 30), one horizon apart */
    int32_t reserved0;
    uint8_t reserved[48];
} gpuarb_forecast_opts;

typedef struct gpuarb_forecast_result gpuarb_forecast_result;

GPUARB_API void gpuarb_forecast_opts_init(gpuarb_forecast_opts *opts);
/** Stable name of a method ("holt_winters"; "auto" for AUTO). */
GPUARB_API const char *gpuarb_forecast_method_name(int32_t method);
/** Forecast y[n .. n + horizon) from y[0..n) (evenly spaced, finite) and
 *  backtest the procedure: at each origin o = n - horizon (k + 1), k <
 *  origins, while two seasons of past remain, the same procedure sees
 *  y[0..o) only.  opts may be NULL (defaults).  Returns GPUARB_ERR_ARG
 *  (bad options, a NaN or infinite value), GPUARB_ERR_INPUT (empty series;
 *  a fixed method the series is too short for), GPUARB_ERR_NOMEM.
 *  *out is freed with gpuarb_forecast_result_free. */
GPUARB_API gpuarb_status gpuarb_forecast_run(gpuarb_ctx *ctx, const double *y, size_t n,
                                             const gpuarb_forecast_opts *opts,
                                             gpuarb_forecast_result **out);
/** gpuarb_forecast_run on a SERIES CSV (`time_s,value` rows, the header
 *  optional, '#' comments; times increasing and evenly spaced).  source
 *  (may be NULL) names the text in errors, which carry line and column. */
GPUARB_API gpuarb_status gpuarb_forecast_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                               const char *source,
                                               const gpuarb_forecast_opts *opts,
                                               gpuarb_forecast_result **out);
/** gpuarb_forecast_parse on a file. */
GPUARB_API gpuarb_status gpuarb_forecast_load(gpuarb_ctx *ctx, const char *path,
                                              const gpuarb_forecast_opts *opts,
                                              gpuarb_forecast_result **out);
/** The method that made the forecast (AUTO resolved). */
GPUARB_API int32_t gpuarb_forecast_result_method(const gpuarb_forecast_result *res);
GPUARB_API int32_t gpuarb_forecast_result_horizon(const gpuarb_forecast_result *res);
/** The horizon forecasts (borrowed). */
GPUARB_API const double *gpuarb_forecast_result_values(const gpuarb_forecast_result *res);
/** Backtest MAPE in percent over the actual values that are not 0: of the
 *  procedure asked for (method AUTO) or of one method alone at the same
 *  origins.  Returns 1 with *mape set, 0 when there is none (no origin, or
 *  every actual value 0). */
GPUARB_API int32_t gpuarb_forecast_result_mape(const gpuarb_forecast_result *res,
                                               int32_t method, double *mape);
/** SPEC section 6 JSON {"method", "horizon", "season", "origins", "mape",
 *  "mape_seasonal_naive", "mape_methods", "forecast"} (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_forecast_result_to_json(gpuarb_ctx *ctx,
                                                        const gpuarb_forecast_result *res,
                                                        char **out);
GPUARB_API void gpuarb_forecast_result_free(gpuarb_forecast_result *res);
/* ---- spot with a deadline (SPEC section 6, `gpuarb spot`; Can't Be Late,
 * Wu et al., NSDI'24) ---- */
/** A spot availability trace: {"metadata": {"gap_seconds": N}, "data":
 *  [...]}, one count per tick, 1 or more = spot available. */
typedef struct gpuarb_spot_trace gpuarb_spot_trace;

typedef enum gpuarb_spot_policy {
    GPUARB_SPOT_ONDEMAND = 0,         /* on-demand from start to end */
    GPUARB_SPOT_GREEDY = 1,           /* spot when available, wait, safety net */
    GPUARB_SPOT_UNIFORM_PROGRESS = 2, /* the paper's policy, with hysteresis */
    GPUARB_SPOT_OMNISCIENT = 3,       /* the offline optimum (knows the future) */
    GPUARB_SPOT_AUTO = 4,             /* the library's best online policy */
    GPUARB_SPOT_RL = 5                /* a trained policy (model_path) */
} gpuarb_spot_policy;

typedef struct gpuarb_spot_opts {
    uint32_t size;           /* sizeof(gpuarb_spot_opts) */
    int32_t policy;          /* gpuarb_spot_policy (default AUTO) */
    double job_hours;        /* C(0), default 48 */
    double deadline_hours;   /* R(0) >= C(0), default 60 */
    double restart_hours;    /* changeover delay d, default 0.2 */
    double price_ratio;      /* on-demand / spot price, >= 1, default 3.14 */
    int32_t starts;          /* random start points, 1..100000 (default 300) */
    int32_t max_ticks;       /* use the first max_ticks ticks only; 0 all */
    uint64_t seed;           /* start points; same seed, same starts (default 1) */
    const char *model_path;  /* policy RL: the model file (borrowed) */
    int32_t compare_optimum; /* 1: also compute the optimum at the same starts */
    int32_t reserved0;
    uint8_t reserved[40];
} gpuarb_spot_opts;

typedef struct gpuarb_spot_summary {
    uint32_t size;           /* set by the caller */
    int32_t policy;
    int32_t starts;
    int32_t deadline_misses; /* starts that finished after the deadline */
    double normalized_cost;  /* mean cost / (price_ratio x job_hours) */
    double spot_hours;       /* mean progress hours made on spot */
    double ondemand_hours;   /* mean progress hours made on on-demand */
    double optimum_normalized_cost; /* with has_optimum, else -1 */
    double optimum_spot_hours;      /* with has_optimum, else -1 */
    int32_t has_optimum;
    int32_t reserved0;
    uint8_t reserved[64];
} gpuarb_spot_summary;

GPUARB_API gpuarb_status gpuarb_spot_trace_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                                 const char *source, gpuarb_spot_trace **out);
GPUARB_API gpuarb_status gpuarb_spot_trace_load(gpuarb_ctx *ctx, const char *path,
                                                gpuarb_spot_trace **out);
GPUARB_API int64_t gpuarb_spot_trace_ticks(const gpuarb_spot_trace *trace);
GPUARB_API double gpuarb_spot_trace_gap_s(const gpuarb_spot_trace *trace);
GPUARB_API void gpuarb_spot_trace_free(gpuarb_spot_trace *trace);
GPUARB_API void gpuarb_spot_opts_init(gpuarb_spot_opts *opts);
/** "ondemand", "greedy", "uniform_progress", "omniscient", "auto", "rl". */
GPUARB_API const char *gpuarb_spot_policy_name(int32_t policy);
/** Replay the job from opts->starts seeded random start points (each with
 *  the whole deadline inside the trace) under one policy; means over the
 *  starts into *out (whose size the caller sets).  A job that misses its
 *  deadline finishes on on-demand and counts in deadline_misses.  Returns
 *  GPUARB_ERR_ARG, GPUARB_ERR_INPUT (a trace shorter than the deadline),
 *  GPUARB_ERR_LIMIT, GPUARB_ERR_IO / INPUT / SYNTAX (the RL model file),
 *  GPUARB_ERR_NOMEM. */
GPUARB_API gpuarb_status gpuarb_spot_run(gpuarb_ctx *ctx, const gpuarb_spot_trace *trace,
                                         const gpuarb_spot_opts *opts,
                                         gpuarb_spot_summary *out);
/** SPEC section 6 JSON {"policy", "normalized_cost", "deadline_misses",
 *  "spot_hours", "ondemand_hours", "starts"} and, with has_optimum,
 *  "optimum_normalized_cost" and "gap_to_optimum" (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_spot_summary_to_json(gpuarb_ctx *ctx,
                                                     const gpuarb_spot_summary *summary,
                                                     char **out);
typedef struct gpuarb_spot_train_stats {
    uint32_t size;             /* set by the caller */
    int32_t reserved0;
    int64_t decisions;         /* agent decisions trained on */
    int64_t episodes;          /* jobs run to completion */
    double last_mean_return;   /* -10 x the normalised cost of the last update's jobs */
    uint8_t reserved[32];
} gpuarb_spot_train_stats;

/** Train an RL spot policy by PPO (a residual policy on auto's rules: at each
 *  decision it follows them or overrides with idle, spot or on-demand; the
 *  Safety Net and Exploitation rules stay in force) on opts->starts seeded
 *  starts (seed + i for trace i) of each trace, for `decisions` decisions,
 *  and write the model to out_path for GPUARB_SPOT_RL.  stats may be NULL.
 *  Deterministic for a seed.  Returns GPUARB_ERR_ARG, GPUARB_ERR_INPUT (a
 *  trace shorter than the deadline), GPUARB_ERR_IO, GPUARB_ERR_NOMEM. */
GPUARB_API gpuarb_status gpuarb_spot_train(gpuarb_ctx *ctx,
                                           const gpuarb_spot_trace *const *traces,
                                           size_t ntraces, const gpuarb_spot_opts *opts,
                                           int64_t decisions, const char *out_path,
                                           gpuarb_spot_train_stats *stats);
/* ==== end of issue 11 part B ==== */
/* ==== Embedding: export plans to cluster engines ==== */
/* A plan (an optimize result) written as what the engines that run clusters
 * read: Kubernetes manifests, Kueue quotas, SkyPilot tasks.  YAML, one
 * document per object, separated by "---" lines.  The field choices, and why
 * a workload becomes a Job or a Deployment, are in libgpuarb(3), EXPORT. */
typedef enum gpuarb_export_format {
    GPUARB_EXPORT_K8S = 0,      /* batch/v1 Job (gangs: same_region) or apps/v1
                                   Deployment (independent replicas) per
                                   allocation, pinned by nodeSelector to its
                                   instance type, region and zone, with
                                   nvidia.com/gpu requests and spot tolerations */
    GPUARB_EXPORT_KUEUE = 1,    /* kueue.x-k8s.io/v1beta1: a ResourceFlavor per
                                   (provider, instance type, market), a
                                   ClusterQueue whose nominal GPU quotas are the
                                   plan's, and a LocalQueue onto it */
    GPUARB_EXPORT_SKYPILOT = 2  /* a SkyPilot task per allocation: cloud, region,
                                   zone, instance_type, accelerators, use_spot */
} gpuarb_export_format;

/** Options for gpuarb_result_export.  Initialise with _init.  size below
 *  sizeof(gpuarb_export_opts) (96) is GPUARB_ERR_ARG. */
typedef struct gpuarb_export_opts {
    uint32_t size;              /* sizeof(gpuarb_export_opts) */
    int32_t format;             /* gpuarb_export_format; default K8S */
    const char *k8s_namespace;  /* metadata.namespace (k8s, the LocalQueue);
                                   NULL = "default" */
    const char *image;          /* the pods' container image (k8s); NULL =
                                   "nvidia/cuda:12.4.1-base-ubuntu22.04" */
    const char *queue;          /* kueue: the ClusterQueue and LocalQueue name; NULL =
                                   "gpuarb".  k8s: when set, every Job and
                                   Deployment carries the label
                                   kueue.x-k8s.io/queue-name: queue, so Kueue
                                   admits it against those quotas; NULL: none */
    uint8_t reserved[64];
} gpuarb_export_opts;

GPUARB_API void gpuarb_export_opts_init(gpuarb_export_opts *opts);

/** Write the plan of res in opts->format into *out (free with gpuarb_free).
 *  spec: the spec res was solved from, or NULL (then every workload is
 *  exported as a Job: without the spec, whether it is a gang is unknown).
 *  opts may be NULL (defaults).  Returns GPUARB_ERR_INPUT when res has no
 *  plan (infeasible, time limit) or a name the target cannot carry (an
 *  instance type, region or zone that is not a valid Kubernetes label value;
 *  the message names it), GPUARB_ERR_LIMIT past an engine's bound (more than
 *  16 Kueue flavors), GPUARB_ERR_ARG, GPUARB_ERR_NOMEM. */
GPUARB_API gpuarb_status gpuarb_result_export(gpuarb_ctx *ctx, const gpuarb_result *res,
                                              const gpuarb_spec *spec,
                                              const gpuarb_export_opts *opts, char **out);
/* ==== Trust: price sources and dates, warnings, catalog check, alternatives ==== */
/* Where prices come from and how old they are travel with a catalog (one
 * record per provider and source) into a plan's "catalog.sources"; what a
 * user should know before trusting a plan is its "warnings" (SPEC section 3);
 * with gpuarb_optimize_opts.explain a plan also lists, per workload, the best
 * plan on each other provider and market and why it lost ("alternatives"). */

/** Set the date the 180-day price-age warning counts from, "YYYY-MM-DD";
 *  NULL or "" goes back to the system clock (the default).  Returns
 *  GPUARB_ERR_ARG for anything but a calendar date. */
GPUARB_API gpuarb_status gpuarb_ctx_set_today(gpuarb_ctx *ctx, const char *date);

/** Price sources of a catalog: *provider, *source (a file, or an upstream
 *  repository and commit) and *date ("YYYY-MM-DD", NULL when unknown), all
 *  borrowed from the catalog; any out pointer may be NULL.  GPUARB_ERR_ARG
 *  when i is out of range. */
GPUARB_API size_t gpuarb_catalog_source_count(const gpuarb_catalog *cat);
GPUARB_API gpuarb_status gpuarb_catalog_source(const gpuarb_catalog *cat, size_t i,
                                               const char **provider, const char **source,
                                               const char **date);

/** Output formats of gpuarb_catalog_check. */
typedef enum gpuarb_check_format {
    GPUARB_CHECK_JSON = 0,
    GPUARB_CHECK_TABLE = 1
} gpuarb_check_format;

/** Lint a catalog for the price anomalies a user should see before trusting
 *  it: an instance type priced above 1.8x its median across regions, spot
 *  above on-demand, GPU-only prices (no VM), duplicate offers, part-GPU sizes
 *  sold as whole GPUs.  The report (JSON {"findings": [{"check", "provider",
 *  "region", "zone", "instance_type", "message"}], "counts": {...}} or a
 *  table) goes to *out (free with gpuarb_free); *findings (may be NULL)
 *  receives how many there are.  GPUARB_ERR_ARG, GPUARB_ERR_NOMEM. */
GPUARB_API gpuarb_status gpuarb_catalog_check(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                              int32_t format, char **out, int32_t *findings);

/** Warnings of a plan (SPEC section 3 "warnings"), borrowed sentences; NULL
 *  when i is out of range.  gpuarb_plan_summary.warning_count has the count. */
GPUARB_API int32_t gpuarb_result_warning_count(const gpuarb_result *res);
GPUARB_API const char *gpuarb_result_warning(const gpuarb_result *res, int32_t i);
/** The price sources of the providers the plan could use (catalog.sources);
 *  as gpuarb_catalog_source, borrowed from the result. */
GPUARB_API int32_t gpuarb_result_source_count(const gpuarb_result *res);
GPUARB_API gpuarb_status gpuarb_result_source(const gpuarb_result *res, int32_t i,
                                              const char **provider, const char **source,
                                              const char **date);
/** Alternatives (opts.explain): for workload *workload, the cheapest plan for
 *  it alone on *provider in one market (*spot 1 = spot, 0 = on demand);
 *  *cost_per_hour is -1 when there is none, *extra_per_hour what it costs
 *  above the plan's own rows for that workload, *reason why it lost
 *  (borrowed).  Any out pointer may be NULL; GPUARB_ERR_ARG out of range. */
GPUARB_API int32_t gpuarb_result_alternative_count(const gpuarb_result *res);
GPUARB_API gpuarb_status gpuarb_result_alternative(const gpuarb_result *res, int32_t i,
                                                   const char **workload, const char **provider,
                                                   int32_t *spot, double *cost_per_hour,
                                                   double *extra_per_hour, const char **reason);
/* ======================================================================
 * ==== simulation and autoscaling ====
 * ====================================================================== */
/* A discrete-event simulation of an autoscaled GPU pool (SPEC section 6):
 * jobs arrive from a trace, a policy buys and releases nodes of one catalog
 * offer (on demand and/or spot) at each decision interval, nodes come up
 * after a provisioning delay and are billed per second, spot nodes are
 * preempted by a real availability trace, and a FIFO-with-backfill
 * scheduler places jobs on free GPUs.  Same inputs and seed, same result. */
typedef struct gpuarb_trace gpuarb_trace;
typedef struct gpuarb_sim_config gpuarb_sim_config;
typedef struct gpuarb_sim_result gpuarb_sim_result;
typedef struct gpuarb_sim_env gpuarb_sim_env;

/** Job trace formats. */
typedef enum gpuarb_trace_format {
    GPUARB_TRACE_NATIVE = 0,  /* SPEC section 6 CSV: job_id,submit_s,duration_s,gpus,... */
    GPUARB_TRACE_OPENB = 1,   /* Alibaba cluster-trace-gpu-v2023 openb pod list */
    GPUARB_TRACE_GAVEL = 2    /* Gavel job trace (needs its throughput table) */
} gpuarb_trace_format;

/** Load a trace.  throughputs_path: Gavel's simulation_throughputs.json for
 *  GPUARB_TRACE_GAVEL (durations = steps / measured V100 throughput),
 *  ignored otherwise.  Jobs are ordered by submit time. */
GPUARB_API gpuarb_status gpuarb_trace_load(gpuarb_ctx *ctx, const char *path, int32_t format,
                                           const char *throughputs_path, gpuarb_trace **out);
/** The same from memory; thr_text/thr_len is the throughput table (Gavel
 *  only; NULL otherwise).  source names the trace in errors. */
GPUARB_API gpuarb_status gpuarb_trace_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                            const char *source, int32_t format,
                                            const char *thr_text, size_t thr_len,
                                            gpuarb_trace **out);
GPUARB_API void gpuarb_trace_free(gpuarb_trace *trace);
/** Jobs in the trace; rows an importer left out (openb CPU-only pods). */
GPUARB_API int64_t gpuarb_trace_job_count(const gpuarb_trace *trace);
GPUARB_API int64_t gpuarb_trace_skipped_count(const gpuarb_trace *trace);
/** A new trace of the jobs submitted in [from_s, to_s), times shifted so
 *  from_s becomes 0 (train/test splits by day). */
GPUARB_API gpuarb_status gpuarb_trace_window(gpuarb_ctx *ctx, const gpuarb_trace *trace,
                                             double from_s, double to_s, gpuarb_trace **out);
/** The trace as the native CSV into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_trace_to_csv(gpuarb_ctx *ctx, const gpuarb_trace *trace,
                                             char **out);

/** Load SIM.yaml (gpuarb(1), SIMULATE): offer, markets, delays, spot
 *  trace (relative to the file's folder), wait penalty, limits. */
GPUARB_API gpuarb_status gpuarb_sim_config_load(gpuarb_ctx *ctx, const char *path,
                                                gpuarb_sim_config **out);
/** The same from memory; base_dir resolves relative paths (NULL = cwd). */
GPUARB_API gpuarb_status gpuarb_sim_config_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                                 const char *source, const char *base_dir,
                                                 gpuarb_sim_config **out);
/** The default configuration (an empty SIM.yaml): builtin catalog, AWS
 *  us-east-1 p3.16xlarge (8 x V100) on demand and spot. */
GPUARB_API gpuarb_status gpuarb_sim_config_default(gpuarb_ctx *ctx, gpuarb_sim_config **out);
GPUARB_API void gpuarb_sim_config_free(gpuarb_sim_config *cfg);

/** What a configuration resolved to.  size = sizeof (128) or more. */
typedef struct gpuarb_sim_config_info {
    uint32_t size;
    int32_t node_gpus;              /* GPUs per node */
    int32_t has_spot;               /* 1: the spot market is used */
    int32_t max_nodes, min_nodes;
    int32_t reserved0;
    double od_price_hour;           /* per node; -1 = on demand not used */
    double spot_price_hour;         /* per node; -1 = spot not used */
    double provisioning_delay_s;
    double decision_interval_s;
    double wait_penalty_per_gpu_hour;
    const char *offer;              /* "provider/region[/zone]/instance_type"; borrowed */
    uint8_t reserved[56];
} gpuarb_sim_config_info;
GPUARB_API gpuarb_status gpuarb_sim_config_describe(gpuarb_ctx *ctx,
                                                    const gpuarb_sim_config *cfg,
                                                    gpuarb_sim_config_info *info);

/** Run a simulation under a named policy:
 *    "threshold[:up=Q,idle=S,spot=0|1]"  buy nodes when more than Q GPUs
 *        queue (as many as first-fit decreasing needs for the queue), give
 *        back nodes idle S seconds; spot=1 buys spot while it is open
 *    "predictive[:margin=M,idle=S,spot=0|1]"  provision ahead of the demand
 *        forecast (M x the forecast peak of the provisioning horizon)
 *    "economic[:patience=P,idle=S,spot=0|1,move=M]"  buy a node when the
 *        queued GPUs it would hold are worth its price in wait penalty (or
 *        the head waited P s); move=M moves on-demand work to spot once
 *        the market has been open M s
 *    "auto"  the best policy of this release (gpuarb(1) says which)
 *  Every policy sees only the past.  seed moves the spot trace's start and
 *  draws Poisson interruptions.  *out: free with gpuarb_sim_result_free. */
GPUARB_API gpuarb_status gpuarb_simulate(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                                         const gpuarb_trace *trace, const char *policy,
                                         uint64_t seed, gpuarb_sim_result **out);

/** Values in an observation, and actions of a learning policy. */
#define GPUARB_SIM_OBS 12
#define GPUARB_SIM_ACTIONS 5
typedef enum gpuarb_sim_action {
    GPUARB_SIM_HOLD = 0,
    GPUARB_SIM_OD_UP = 1,      /* buy step on-demand nodes */
    GPUARB_SIM_OD_DOWN = 2,    /* give back up to step idle on-demand nodes */
    GPUARB_SIM_SPOT_UP = 3,
    GPUARB_SIM_SPOT_DOWN = 4
} gpuarb_sim_action;

/** A policy as a function: given the observation (GPUARB_SIM_OBS values,
 *  the past only, each scaled to about [0, 1]; gpuarb(1) lists them),
 *  return a gpuarb_sim_action.  An out-of-range action holds. */
typedef int32_t (*gpuarb_sim_policy_fn)(void *arg, const double *obs, int32_t n_obs);
/** Run a simulation whose decisions come from fn (step nodes per action);
 *  name is what the result reports as its policy. */
GPUARB_API gpuarb_status gpuarb_simulate_fn(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                                            const gpuarb_trace *trace, const char *name,
                                            gpuarb_sim_policy_fn fn, void *arg, int32_t step,
                                            uint64_t seed, gpuarb_sim_result **out);
GPUARB_API void gpuarb_sim_result_free(gpuarb_sim_result *res);

/** Figures of a simulation (SPEC section 6).  size = sizeof (192). */
typedef struct gpuarb_sim_summary {
    uint32_t size;
    int32_t stalled;            /* 1: ended with jobs that could never start */
    int64_t jobs, jobs_done, preemptions, events;
    double cost;                /* $ billed */
    double gpu_hours_paid, gpu_hours_busy, utilization;
    double mean_wait_h, p95_wait_h;
    double wait_gpu_hours;      /* GPU-hours jobs spent queued */
    double objective;           /* cost + wait_penalty_per_gpu_hour x wait_gpu_hours */
    double sim_hours;           /* simulated time */
    uint8_t reserved[80];
} gpuarb_sim_summary;
GPUARB_API gpuarb_status gpuarb_sim_result_summary(const gpuarb_sim_result *res,
                                                   gpuarb_sim_summary *out);
/** SPEC section 6 JSON into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_sim_result_to_json(gpuarb_ctx *ctx,
                                                   const gpuarb_sim_result *res, char **out);

/** The simulator as a reinforcement-learning environment: reset, then
 *  step once per decision interval.  The reward of a step is minus the
 *  dollars of cost and wait penalty accrued during it, so the rewards of an
 *  episode sum to minus its objective.  cfg and trace are borrowed and must
 *  outlive the environment; step: nodes per scaling action (>= 1). */
GPUARB_API gpuarb_status gpuarb_sim_env_create(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                                               const gpuarb_trace *trace, int32_t step,
                                               gpuarb_sim_env **out);
GPUARB_API void gpuarb_sim_env_free(gpuarb_sim_env *env);
/** Start an episode; obs receives GPUARB_SIM_OBS values.  *done is 1 when
 *  the trace ends before the first decision. */
GPUARB_API gpuarb_status gpuarb_sim_env_reset(gpuarb_ctx *ctx, gpuarb_sim_env *env,
                                              uint64_t seed, double *obs, int32_t *done);
/** Apply action and run to the next decision: obs, reward, *done = 1 at
 *  the episode's end (obs then holds the final state). */
GPUARB_API gpuarb_status gpuarb_sim_env_step(gpuarb_ctx *ctx, gpuarb_sim_env *env,
                                             int32_t action, double *obs, double *reward,
                                             int32_t *done);
/** The finished (or current) episode's figures as a result. */
GPUARB_API gpuarb_status gpuarb_sim_env_result(gpuarb_ctx *ctx, const gpuarb_sim_env *env,
                                               gpuarb_sim_result **out);

/** Options of gpuarb_tune.  size = sizeof (64). */
typedef struct gpuarb_tune_opts {
    uint32_t size;
    int32_t budget;             /* most simulations in all (default 120) */
    int32_t seeds;              /* seeds per trace and candidate (default 1) */
    int32_t reserved0;
    uint64_t seed;              /* first seed (default 0) */
    uint8_t reserved[40];
} gpuarb_tune_opts;
GPUARB_API void gpuarb_tune_opts_init(gpuarb_tune_opts *opts);
/** Grid-search a policy's parameters ("threshold" or "predictive") on
 *  training traces, minimising the summed objective, within the budget of
 *  simulations.  *best: the winning policy string for gpuarb_simulate;
 *  *json (may be NULL): every candidate and its objective.  Free both with
 *  gpuarb_free. */
GPUARB_API gpuarb_status gpuarb_tune(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                                     const gpuarb_trace *const *traces, int32_t n_traces,
                                     const char *policy, const gpuarb_tune_opts *opts,
                                     char **best, char **json);

/* ==== market: competitive benchmarking, dynamic pricing (issue 13) ==== */

/* ---- competitive benchmarking (`gpuarb market compare`) ---- */
/** Per GPU model, each provider's cheapest on-demand and spot price per
 *  GPU-hour (price_hour / gpu_count, least over its offers), the cheapest
 *  competitor and where "our" provider ranks among the on-demand prices. */
typedef struct gpuarb_market_compare gpuarb_market_compare;

typedef struct gpuarb_market_compare_opts {
    uint32_t size;          /* sizeof(gpuarb_market_compare_opts) */
    int32_t reserved0;
    const char *ours;       /* our provider (borrowed); NULL = none: no rank */
    const char *gpu;        /* one model, by name or alias; NULL = every model */
    uint8_t reserved[48];
} gpuarb_market_compare_opts;

GPUARB_API void gpuarb_market_compare_opts_init(gpuarb_market_compare_opts *opts);
/** Compare the offers of cat (borrowed; not kept).  opts may be NULL.
 *  Returns GPUARB_ERR_ARG (misuse, opts->size below 72), GPUARB_ERR_INPUT
 *  (an unknown model; an "ours" provider with no offer in cat, the message
 *  naming the providers cat has), GPUARB_ERR_NOMEM.  Models come in model
 *  table order, providers by on-demand price (none last), then spot price,
 *  then name. */
GPUARB_API gpuarb_status gpuarb_market_compare_run(gpuarb_ctx *ctx, const gpuarb_catalog *cat,
                                                   const gpuarb_market_compare_opts *opts,
                                                   gpuarb_market_compare **out);
GPUARB_API void gpuarb_market_compare_free(gpuarb_market_compare *cmp);
GPUARB_API int32_t gpuarb_market_compare_model_count(const gpuarb_market_compare *cmp);

/** One model of a comparison.  Strings are borrowed from the comparison;
 *  prices are per GPU-hour, -1 (strings NULL) where absent. */
typedef struct gpuarb_market_model_summary {
    uint32_t size;                /* sizeof(gpuarb_market_model_summary), set by caller */
    int32_t provider_count;
    const char *gpu;              /* canonical model name */
    const char *cheapest;         /* cheapest competitor on demand (ours excluded) */
    const char *ours;             /* our provider, if it sells this model */
    double cheapest_per_gpu_hour;
    double ours_per_gpu_hour;     /* on demand */
    int32_t rank;                 /* 1 + providers strictly cheaper on demand; 0 = none */
    int32_t ranked_count;         /* providers with an on-demand price */
    double percentile;            /* 100 (rank - 1) / (ranked_count - 1); 0 cheapest */
    double gap_pct;               /* 100 (ours / cheapest - 1); valid when have_gap */
    int32_t have_gap;
    int32_t reserved0;
    uint8_t reserved[32];
} gpuarb_market_model_summary;

/** Model i into *out (the caller sets out->size; only that many bytes are
 *  written).  GPUARB_ERR_ARG if i is out of range or out->size is below
 *  sizeof(gpuarb_market_model_summary) (112). */
GPUARB_API gpuarb_status gpuarb_market_compare_model(const gpuarb_market_compare *cmp, int32_t i,
                                                     gpuarb_market_model_summary *out);
/** Provider j of model i: its name (borrowed) and per-GPU-hour prices
 *  (-1 = no such market); any out pointer may be NULL. */
GPUARB_API gpuarb_status gpuarb_market_compare_provider(const gpuarb_market_compare *cmp,
                                                        int32_t i, int32_t j,
                                                        const char **provider,
                                                        double *ondemand_per_gpu_hour,
                                                        double *spot_per_gpu_hour);
/** JSON {"ours", "models": [{"gpu", "providers": [{"provider",
 *  "ondemand_per_gpu_hour", "spot_per_gpu_hour", "instance_type", "region",
 *  ...}], "cheapest", "ours", "rank", "percentile", "gap_pct", ...}]} and a
 *  readable table (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_market_compare_to_json(gpuarb_ctx *ctx,
                                                       const gpuarb_market_compare *cmp,
                                                       char **out);
GPUARB_API gpuarb_status gpuarb_market_compare_to_table(gpuarb_ctx *ctx,
                                                        const gpuarb_market_compare *cmp,
                                                        char **out);

/* ---- dynamic pricing (`gpuarb market price`) ---- */
/** Recommended hourly prices per GPU model of a seller's fleet (a FLEET
 *  YAML or JSON file, man gpuarb(1)): demand q(p) = D_t (p / p0)^e with the
 *  forecast demand D_t at today's price p0 and elasticity e (given, or
 *  fitted in log-log with one intercept per hour of day), served up to
 *  capacity; each period's price maximises p min(capacity, q(p)) within the
 *  policy: at least undercut_pct under the cheapest competitor, at least
 *  cost (1 + min_margin_pct/100), and at most a factor (1 + max_step_pct/100)
 *  from the previous period's price. */
typedef struct gpuarb_market_price_result gpuarb_market_price_result;

/** Load a fleet file and price it.  catalog: the competitors' offers
 *  (borrowed), or NULL for the fleet's `catalog` (default builtin).
 *  Returns GPUARB_ERR_IO, GPUARB_ERR_SYNTAX / GPUARB_ERR_INPUT (with file,
 *  line, column and key path), GPUARB_ERR_LIMIT, GPUARB_ERR_NOMEM. */
GPUARB_API gpuarb_status gpuarb_market_price_load(gpuarb_ctx *ctx, const char *path,
                                                  const gpuarb_catalog *catalog,
                                                  gpuarb_market_price_result **out);
/** As _load from memory: JSON if the first non-blank byte is '{', YAML
 *  otherwise; source names it in errors (NULL "<string>"); base_dir
 *  resolves relative history and catalog paths (NULL: the current
 *  directory). */
GPUARB_API gpuarb_status gpuarb_market_price_parse(gpuarb_ctx *ctx, const char *text,
                                                   size_t len, const char *source,
                                                   const char *base_dir,
                                                   const gpuarb_catalog *catalog,
                                                   gpuarb_market_price_result **out);
GPUARB_API void gpuarb_market_price_result_free(gpuarb_market_price_result *res);
GPUARB_API int32_t gpuarb_market_price_model_count(const gpuarb_market_price_result *res);

/** One model's recommendation.  Money per GPU-hour or per period (USD). */
typedef struct gpuarb_market_price_summary {
    uint32_t size;                   /* sizeof(gpuarb_market_price_summary), set by caller */
    int32_t periods;                 /* prices recommended */
    const char *gpu;                 /* borrowed */
    double current_price;            /* today's price p0 */
    double elasticity;               /* used */
    int32_t elasticity_fitted;       /* 1: fitted from the history */
    int32_t reserved0;
    double floor_price;              /* cost (1 + margin) */
    double cap_price;                /* undercut cap; -1 none */
    double expected_revenue;         /* over the periods, at the recommended prices */
    double revenue_at_current_price; /* the same demand at today's price */
    double mean_utilization;         /* served / capacity, mean over the periods */
    double mean_utilization_at_current_price;
    uint8_t reserved[32];
} gpuarb_market_price_summary;

/** Model i into *out (only out->size bytes written; below 120 is
 *  GPUARB_ERR_ARG); prices (may be NULL) receives `periods` prices. */
GPUARB_API gpuarb_status gpuarb_market_price_model(const gpuarb_market_price_result *res,
                                                   int32_t i, gpuarb_market_price_summary *out,
                                                   double *prices);
/** JSON {"horizon", "models": [{"gpu", "prices": [...], ...}], "warnings"}
 *  and a readable table (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_market_price_to_json(gpuarb_ctx *ctx,
                                                     const gpuarb_market_price_result *res,
                                                     char **out);
GPUARB_API gpuarb_status gpuarb_market_price_to_table(gpuarb_ctx *ctx,
                                                      const gpuarb_market_price_result *res,
                                                      char **out);
/* ==== end of market ==== */
/* ==== delta plans (the fleet running now) ==== */
/** A fleet: the instances running now, as rows of (workload, provider,
 *  region, zone, instance_type, market, count).  Read from YAML or JSON: a
 *  list of rows, a mapping with current: [...], or the JSON plan printed by
 *  gpuarb optimize (its allocations).  Opaque; free with gpuarb_fleet_free. */
typedef struct gpuarb_fleet gpuarb_fleet;

/** Load a fleet file (JSON when the name ends in .json, YAML otherwise).
 *  Errors name the file, line, column and key (GPUARB_ERR_INPUT, _SYNTAX,
 *  _IO, _LIMIT, _NOMEM). */
GPUARB_API gpuarb_status gpuarb_fleet_load(gpuarb_ctx *ctx, const char *path,
                                           gpuarb_fleet **out);
/** The same from len bytes of text; source names it in errors (NULL:
 *  "<string>"). */
GPUARB_API gpuarb_status gpuarb_fleet_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                            const char *source, gpuarb_fleet **out);
/** Rows of a fleet (0 for NULL). */
GPUARB_API int32_t gpuarb_fleet_count(const gpuarb_fleet *fleet);
GPUARB_API void gpuarb_fleet_free(gpuarb_fleet *fleet);
/** Make fleet (copied; NULL clears it) the spec's current fleet, replacing
 *  its current: key.  gpuarb_optimize then plans the delta: launching an
 *  instance costs the workload's move_hours of its price, keeping one costs
 *  nothing extra; the result lists the changes and their churn_cost. */
GPUARB_API gpuarb_status gpuarb_spec_set_current(gpuarb_ctx *ctx, gpuarb_spec *spec,
                                                 const gpuarb_fleet *fleet);
/** The i-th change of a delta plan (0 <= i < summary.change_count).
 *  Strings are borrowed from the result. */
typedef struct gpuarb_change {
    uint32_t size;              /* sizeof(gpuarb_change), set by caller */
    int32_t spot;               /* market: 1 spot, 0 on demand */
    const char *workload, *provider, *region, *zone, *instance_type;
    int64_t launch, keep, terminate;
    double launch_cost;         /* launch x move_hours x price */
    uint8_t reserved[32];
} gpuarb_change;
GPUARB_API gpuarb_status gpuarb_result_change(const gpuarb_result *res, int32_t i,
                                              gpuarb_change *out);
/* ==== MIG and fractional GPU placement ==== */
/* MIG profile tables (NVIDIA's names, ids, slices and start slots as
 * `nvidia-smi mig -lgip`/`-lgipp` print them), the `mig place` solver
 * (SPEC section 5), and fractional-GPU placement: an incremental placer
 * a scheduler can call pod by pod, and the FGD-style replay of
 * `gpuarb share replay`. */

/** One MIG profile of a GPU model.  Rows are filled by value and frozen;
 *  name is static. */
typedef struct gpuarb_mig_profile {
    const char *name;           /* NVIDIA's, e.g. "1g.10gb" */
    int32_t id;                 /* nvidia-smi profile id; -1 when not known */
    int32_t compute_slices;
    int32_t memory_slots;       /* slots of the GPU's slot axis it occupies */
    int32_t max_instances;
    double memory_gib;          /* as nvidia-smi prints it */
    uint32_t start_mask;        /* bit s set: the instance may start at slot s */
    int32_t slots;              /* the GPU's slot axis (8, or 4 on A30 / RTX PRO 6000) */
} gpuarb_mig_profile;

/** Number of MIG profiles of a model (canonical name or alias, any case);
 *  -1 when the model is unknown or has no MIG table. */
GPUARB_API int32_t gpuarb_mig_profile_count(const char *model);
/** Profile i (0 <= i < count) of model into *out; GPUARB_ERR_ARG if the
 *  model has no table or i is out of range. */
GPUARB_API gpuarb_status gpuarb_mig_profile_get(const char *model, int32_t i,
                                                gpuarb_mig_profile *out);
/** The profile table of model as SPEC section 5 JSON ({"gpu", "profiles":
 *  [...]}) or a readable table (table != 0), into *out (free with
 *  gpuarb_free).  GPUARB_ERR_INPUT, naming near matches, for a model that
 *  is unknown or not MIG-capable. */
GPUARB_API gpuarb_status gpuarb_mig_profiles_to_text(gpuarb_ctx *ctx, const char *model,
                                                     int32_t table, char **out);

typedef struct gpuarb_mig_problem gpuarb_mig_problem;
typedef struct gpuarb_mig_result gpuarb_mig_result;

/** Load / parse a mig place spec (SPEC section 5; YAML or JSON).  Invalid
 *  input (unknown model or profile for the model, an illegal or
 *  overlapping existing instance, a fraction outside (0, 1], memory over
 *  the GPU's) is GPUARB_ERR_INPUT with source, line, column and key path. */
GPUARB_API gpuarb_status gpuarb_mig_spec_load(gpuarb_ctx *ctx, const char *path,
                                              gpuarb_mig_problem **out);
GPUARB_API gpuarb_status gpuarb_mig_spec_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                                               const char *source, gpuarb_mig_problem **out);
GPUARB_API void gpuarb_mig_problem_free(gpuarb_mig_problem *prob);

/** Place the requests.  Returns GPUARB_OK whenever a result was produced,
 *  also when some requests are unplaced.  The problem is not modified;
 *  the answer does not depend on the order requests are listed in. */
GPUARB_API gpuarb_status gpuarb_mig_place(gpuarb_ctx *ctx, const gpuarb_mig_problem *prob,
                                          gpuarb_mig_result **out);
GPUARB_API void gpuarb_mig_result_free(gpuarb_mig_result *res);

/** Figures of a placement. */
typedef struct gpuarb_mig_summary {
    uint32_t size;              /* sizeof(gpuarb_mig_summary), set by caller */
    int32_t exact;              /* 1: the exact search proved the placement best */
    int64_t requests;
    int64_t placed;
    int64_t unplaced;
    int64_t gpus_used;          /* GPUs holding anything afterwards */
    int64_t gpus_lower_bound;   /* proven bound on gpus_used for the placed requests */
    int64_t moves;              /* existing instances re-created elsewhere */
    int64_t gpus_changed;       /* GPUs whose layout the plan changes */
    double solve_ms;
    uint8_t reserved[64];
} gpuarb_mig_summary;

/** Fill *out; GPUARB_ERR_ARG when out->size is below
 *  sizeof(gpuarb_mig_summary) (136). */
GPUARB_API gpuarb_status gpuarb_mig_result_summary(const gpuarb_mig_result *res,
                                                   gpuarb_mig_summary *out);

/** Output formats of gpuarb_mig_result_to_text. */
typedef enum gpuarb_mig_format {
    GPUARB_MIG_JSON = 0,        /* SPEC section 5 JSON */
    GPUARB_MIG_TABLE = 1,       /* readable table */
    GPUARB_MIG_PARTED = 2       /* an NVIDIA mig-parted v1 config (YAML) */
} gpuarb_mig_format;

/** The result in a gpuarb_mig_format into *out (free with gpuarb_free). */
GPUARB_API gpuarb_status gpuarb_mig_result_to_text(gpuarb_ctx *ctx,
                                                   const gpuarb_mig_result *res,
                                                   int32_t format, char **out);

/* ---- fractional GPUs: the incremental placer ---- */

/** Placement policies.  RANDOM: a random feasible node; BESTFIT: the node
 *  left with the least free (GPU, CPU) after placing; DOTPROD: the largest
 *  dot product of request and free vector; PACKING: partly used GPUs first,
 *  then used nodes, then idle ones; FGD: fragmentation gradient descent
 *  (Weng et al., USENIX ATC'23): the least growth of the expected
 *  fragmentation under the target workload; AUTO: ours, FGD with ties
 *  broken by best fit (the replay also weighs in a dot-product term and
 *  GPU-weighted classes, tuned on a different shuffle of the trace). */
typedef enum gpuarb_share_policy {
    GPUARB_SHARE_RANDOM = 0,
    GPUARB_SHARE_BESTFIT = 1,
    GPUARB_SHARE_DOTPROD = 2,
    GPUARB_SHARE_PACKING = 3,
    GPUARB_SHARE_FGD = 4,
    GPUARB_SHARE_AUTO = 5,
    GPUARB_SHARE_OFFLINE = 6    /* replay only: each level's pods packed at once,
                                   largest first, best fit, with a lower bound */
} gpuarb_share_policy;

typedef struct gpuarb_share_cluster gpuarb_share_cluster;

/** An empty cluster placing by policy with the given seed (for RANDOM and
 *  ties).  Same nodes, pods and seed give the same placements. */
GPUARB_API gpuarb_status gpuarb_share_cluster_create(gpuarb_ctx *ctx, int32_t policy,
                                                     uint64_t seed,
                                                     gpuarb_share_cluster **out);
GPUARB_API void gpuarb_share_cluster_free(gpuarb_share_cluster *cl);
/** Add a node: model (copied; NULL or "" for a CPU-only node), gpus 0..64,
 *  cpus and memory_gb >= 0.  *index (may be NULL) gets its 0-based index. */
GPUARB_API gpuarb_status gpuarb_share_add_node(gpuarb_ctx *ctx, gpuarb_share_cluster *cl,
                                               const char *model, int32_t gpus, double cpus,
                                               double memory_gb, int32_t *index);

/** A pod: either gpus whole GPUs (gpu_fraction 1) or one share
 *  (gpus 1, 0 < gpu_fraction < 1), or no GPU (gpus 0). */
typedef struct gpuarb_share_pod {
    uint32_t size;              /* sizeof(gpuarb_share_pod) */
    int32_t gpus;               /* 0..64 */
    double gpu_fraction;        /* per GPU, (0, 1]; 1 for whole GPUs */
    double cpus;
    double memory_gb;
    const char *models;         /* allowed models, '|'-separated; NULL or "" = any */
    uint8_t reserved[32];
} gpuarb_share_pod;

/** Initialise a pod: size set, one whole GPU, nothing else. */
GPUARB_API void gpuarb_share_pod_init(gpuarb_share_pod *pod);

/** Tell the FGD and AUTO policies the target workload: pods that are typical
 *  of what will arrive (each counts once).  Without it the pods placed so
 *  far are used. */
GPUARB_API gpuarb_status gpuarb_share_add_target(gpuarb_ctx *ctx, gpuarb_share_cluster *cl,
                                                 const gpuarb_share_pod *pod);

/** Place one pod.  On success *node is the node's index and gpu_mask has
 *  bit g set for each of its GPUs the pod uses; when it fits nowhere *node
 *  is -1 and *reason (static text) says why.  Returns GPUARB_OK either way;
 *  GPUARB_ERR_ARG for an invalid pod. */
GPUARB_API gpuarb_status gpuarb_share_place(gpuarb_ctx *ctx, gpuarb_share_cluster *cl,
                                            const gpuarb_share_pod *pod, int32_t *node,
                                            uint64_t *gpu_mask, const char **reason);

/** The replay of SPEC section 5 (`gpuarb share replay`): openb node and pod
 *  CSVs, pods shuffled by seed and resampled or trimmed to tune x the
 *  cluster's GPUs, placed one at a time; the JSON into *out (free with
 *  gpuarb_free).  policy is a gpuarb_share_policy. */
GPUARB_API gpuarb_status gpuarb_share_replay(gpuarb_ctx *ctx, const char *nodes_csv,
                                             const char *pods_csv, int32_t policy,
                                             uint64_t seed, double tune, char **out);
/* ==== simulation cost attribution (issue 13) ==== */
/* Trace jobs may carry `team` and `project` labels (native CSV columns).
 * gpuarb_sim_result_to_json then adds "by_team" and "by_project": rows
 * {"team"|"project", "cost", "gpu_hours", "jobs", "idle"}, one per label
 * (sorted), one for unlabelled jobs (label null), and one "idle": true row
 * for paid capacity no job held; each list's costs sum to "cost" and its
 * GPU-hours to "gpu_hours_paid".  A job pays for the GPUs it holds while
 * it runs at its node's price per GPU-second (gpuarb(1), SIMULATE). */

/** The result as a readable table: its figures, one per line, then COST BY
 *  TEAM (and, when jobs carry projects, COST BY PROJECT) with their totals.
 *  *out: free with gpuarb_free. */
GPUARB_API gpuarb_status gpuarb_sim_result_to_table(gpuarb_ctx *ctx,
                                                    const gpuarb_sim_result *res, char **out);
/* ==== end of simulation cost attribution ==== */
/* ==== RL autoscaling policy (issue 11) ==== */
/* The learned autoscaling policy: an actor-critic network (shared trunk,
 * policy and value heads) over the simulator's normalised observation,
 * trained by PPO with GAE and an entropy bonus.  gpuarb_simulate runs it as
 * the policy "rl" (the model shipped in the library) or "rl:FILE" (a model
 * written by gpuarb_rl_train).  A residual model (the default) decides at
 * each interval whether to do what auto does, wait (auto without its
 * purchases), buy one node more, or keep the idle nodes; a plain model
 * chooses among the environment's actions (gpuarb_sim_action, one node).
 * Whether auto uses the shipped model, and why: libgpuarb(3), RL POLICY. */
typedef struct gpuarb_rl_train_opts {
    uint32_t size;             /* set by gpuarb_rl_train_opts_init */
    int32_t hidden;            /* units in each trunk layer (default 32) */
    int64_t steps;             /* decisions to train on (default 100000) */
    uint64_t seed;             /* weights, episode draws and sampling (default 1) */
    int32_t plain;             /* 1: the environment's actions; 0: residual on auto */
    int32_t reserved0;
    double lr;                 /* Adam step (default 3e-4) */
    double ent_coef;           /* entropy bonus (default 0.003) */
    double gamma;              /* discount per decision (default 0.99) */
    uint8_t reserved[32];
} gpuarb_rl_train_opts;

typedef struct gpuarb_rl_train_stats {
    uint32_t size;             /* set by the caller */
    int32_t reserved0;
    int64_t decisions;         /* decisions trained on */
    int64_t episodes;          /* simulations run to their end */
    double last_mean_return;   /* minus the objective of the last update's episodes, in
                                  units of the whole pool on demand for one interval */
    uint8_t reserved[32];
} gpuarb_rl_train_stats;

/** Defaults (see the fields). */
GPUARB_API void gpuarb_rl_train_opts_init(gpuarb_rl_train_opts *opts);
/** Train the RL autoscaling policy by PPO on the training traces under cfg
 *  (all borrowed): each episode simulates one trace, drawn at random, from
 *  a random simulator seed; the reward is minus the objective accrued
 *  between decisions.  Writes the model (lib/learn's versioned little-
 *  endian file with a checksum) to out_path.  opts may be NULL (defaults),
 *  stats may be NULL.  Deterministic for opts->seed on one machine
 *  (OpenBLAS kernels differ by CPU in the last bits).  Returns
 *  GPUARB_ERR_ARG, GPUARB_ERR_INPUT (traces with no decision in them),
 *  GPUARB_ERR_IO, GPUARB_ERR_NOMEM. */
GPUARB_API gpuarb_status gpuarb_rl_train(gpuarb_ctx *ctx, const gpuarb_sim_config *cfg,
                                         const gpuarb_trace *const *traces, size_t ntraces,
                                         const gpuarb_rl_train_opts *opts,
                                         const char *out_path, gpuarb_rl_train_stats *stats);
/* ==== end of RL autoscaling policy ==== */

/* ==== embedding: MIG placements as Kubernetes resource requests (issue 12) ==== */
/** A mig place result as Kubernetes pods (YAML, "---"-separated), one v1 Pod
 *  per placed request, through the shared YAML writer.  A MIG placement
 *  requests and is limited to one `nvidia.com/mig-<profile>` (the NVIDIA
 *  device plugin's "mixed" MIG strategy names); a time-sliced share asks for
 *  one `nvidia.com/gpu` and carries its fraction and memory as gpuarb.io/
 *  annotations.  When a GPU's name is "NODE/..." (text before its last '/')
 *  the pod gets nodeSelector kubernetes.io/hostname: NODE; otherwise no
 *  nodeSelector (the GPU's node is not known).  Annotations gpuarb.io/gpu
 *  (and gpuarb.io/mig-start) say where gpuarb placed it.  opts may be NULL;
 *  its format must be GPUARB_EXPORT_K8S; k8s_namespace, image and queue (the
 *  kueue.x-k8s.io/queue-name label, only when given) are used as by
 *  gpuarb_result_export.  Unplaced requests are listed in a leading comment.
 *  *out: free with gpuarb_free.  GPUARB_ERR_ARG (arguments, options),
 *  GPUARB_ERR_INPUT (a node name that is no label value), GPUARB_ERR_NOMEM. */
GPUARB_API gpuarb_status gpuarb_mig_result_export(gpuarb_ctx *ctx, const gpuarb_mig_result *res,
                                                  const gpuarb_export_opts *opts, char **out);
/* ==== end of embedding: MIG placements ==== */

#ifdef __cplusplus
}
#endif
#endif /* GPUARB_H */
