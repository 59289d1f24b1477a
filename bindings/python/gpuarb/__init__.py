"""gpuarb: where GPU workloads should run, at what price, and how to pack them.

A ctypes binding of libgpuarb (include/gpuarb.h), standard library only.  Results come
back as plain dicts and lists: the library's own JSON (SPEC sections 3 and 4), parsed.

    import gpuarb
    plan = gpuarb.optimize("examples/spec.yaml")
    print(plan["total_cost"])

Errors: every failing library call raises GpuarbError, which carries the status name
(``GPUARB_ERR_INPUT``), the message, and the input's source, 1-based line and column and
key path.  An infeasible spec or a time limit is a result, not an error.

Threads: a Context is one gpuarb_ctx; use one per thread (the library has no global
state, and ctypes releases the GIL during calls, so threads solve in parallel).  Specs and
catalogs may be shared between threads once loaded.
"""
import ctypes
import json
from typing import Any, Dict, List, Optional, Sequence, Union

from . import _native
from ._native import P
from ._version import BINDING_VERSION, HEADER_VERSION

__all__ = ['GpuarbError', 'Context', 'Spec', 'Catalog', 'Result', 'PackProblem',
           'SpotTrace', 'Trace', 'SimConfig', 'MigProblem', 'MigResult', 'ShareCluster',
           'optimize', 'pack', 'catalog', 'forecast', 'simulate', 'spot', 'mig_place',
           'version', 'library_version',
           'BINDING_VERSION', 'HEADER_VERSION', 'EXPORT_FORMATS', 'FORECAST_METHODS',
           'SPOT_POLICIES', 'TRACE_FORMATS', 'MIG_FORMATS', 'SHARE_POLICIES']

_lib = _native.load()

EXPORT_FORMATS = {'k8s': 0, 'kueue': 1, 'skypilot': 2}
_CATALOG_FORMATS = {'native': 0, 'skypilot': 1}
_PACK_ALGORITHMS = {'auto': 0, 'ffd': 1, 'bfd': 2, 'local': 3, 'exact': 4}
_PACK_OBJECTIVES = {'min_nodes': 0, 'min_cost': 1}
_SORTS = {None: 0, 'none': 0, 'price': 1, 'price_per_gpu': 2, 'spot_per_gpu': 3}
FORECAST_METHODS = {'auto': -1, 'seasonal_naive': 0, 'holt_winters': 1, 'seasonal_ar': 2,
                    'combined': 3}
SPOT_POLICIES = {'ondemand': 0, 'greedy': 1, 'uniform_progress': 2, 'omniscient': 3, 'auto': 4,
                 'rl': 5}
TRACE_FORMATS = {'native': 0, 'openb': 1, 'gavel': 2}
MIG_FORMATS = {'json': 0, 'table': 1, 'mig-parted': 2, 'k8s': -1}
SHARE_POLICIES = {'random': 0, 'bestfit': 1, 'dotprod': 2, 'packing': 3, 'fgd': 4, 'auto': 5,
                  'offline': 6}


def _pick(table: Dict[Any, int], key: Any, what: str) -> int:
    if key not in table:
        raise ValueError('%s must be one of %s' % (what, ', '.join(str(k) for k in table
                                                                     if k is not None)))
    return table[key]


def _b(s: Optional[str]) -> Optional[bytes]:
    return None if s is None else s.encode()


def _s(b: Optional[bytes]) -> str:
    return '' if b is None else b.decode('utf-8', 'replace')


class GpuarbError(Exception):
    """A library call failed.

    Attributes: status (int, a gpuarb_status), name ("GPUARB_ERR_INPUT"), message (without
    location), source (file name, "<string>", or ""), line and column (1-based; 0 when
    unknown), path (key path such as "workloads[0].gpus", or "").  str(e) is the whole
    error as gpuarb_errfull() writes it."""

    def __init__(self, status: int, name: str, message: str, source: str = '', line: int = 0,
                 column: int = 0, path: str = '', full: str = ''):
        super().__init__(full or message)
        self.status = status
        self.name = name
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.path = path


def version() -> str:
    """The linked library's version, "MAJOR.MINOR.PATCH"."""
    return _s(_lib.gpuarb_version_string())


def library_version() -> Dict[str, Any]:
    """Library version, number and built-in catalog description."""
    return {'library': version(), 'library_number': _lib.gpuarb_version_number(),
            'builtin_catalog': _s(_lib.gpuarb_catalog_builtin_info()), 'binding': BINDING_VERSION}


class _Handle:
    """An owned library handle, freed by close(), the with statement or collection."""
    _free = None

    def __init__(self, ptr: P, ctx: 'Context'):
        self._ptr = ptr
        self._ctx = ctx  # keeps the context alive as long as the handle

    def close(self) -> None:
        """Free the handle now (it is also freed when collected)."""
        if self._ptr is not None and self._ptr.value:
            getattr(_lib, self._free)(self._ptr)
        self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def _as_parameter_(self):
        if self._ptr is None:
            raise ValueError('%s is closed' % type(self).__name__)
        return self._ptr


class Spec(_Handle):
    """An optimize spec (SPEC section 2), loaded and validated."""
    _free = 'gpuarb_spec_free'

    def to_dict(self) -> Dict[str, Any]:
        """The validated spec with its defaults, as canonical JSON parsed."""
        return json.loads(self._ctx._text(_lib.gpuarb_spec_to_json, self))


class Catalog(_Handle):
    """A catalog of offers."""
    _free = 'gpuarb_catalog_free'

    def __len__(self) -> int:
        return _lib.gpuarb_catalog_count(self)

    def offers(self) -> List[Dict[str, Any]]:
        """Every offer as a dict (SPEC JSON {"offers": [...]})."""
        return json.loads(self._ctx._text(_lib.gpuarb_catalog_to_json, self))['offers']

    def select(self, gpu: Optional[str] = None, provider: Optional[str] = None,
               region: Optional[str] = None, spot_only: bool = False, min_gpus: int = 0,
               sort: Optional[str] = None) -> 'Catalog':
        """A new catalog of the offers matching the filter, sorted by sort (None, "price",
        "price_per_gpu", "spot_per_gpu")."""
        q = _native.CatalogQuery()
        _lib.gpuarb_catalog_query_init(ctypes.byref(q))
        keep = [_b(gpu), _b(provider), _b(region)]
        q.gpu, q.provider, q.region = keep
        q.spot_only = int(bool(spot_only))
        q.min_gpus = int(min_gpus)
        q.sort = _SORTS[sort]
        out = P()
        self._ctx._check(_lib.gpuarb_catalog_select(self._ctx, self, ctypes.byref(q),
                                                    ctypes.byref(out)))
        return Catalog(out, self._ctx)


class Result(_Handle):
    """The outcome of optimize: a plan, or why there is none."""
    _free = 'gpuarb_result_free'

    def __init__(self, ptr: P, ctx: 'Context', spec: Spec):
        super().__init__(ptr, ctx)
        self._spec = spec  # export reads the spec's gang flags

    def to_dict(self) -> Dict[str, Any]:
        """SPEC section 3 JSON, parsed."""
        return json.loads(self._ctx._text(_lib.gpuarb_result_to_json, self))

    def table(self) -> str:
        """The readable plan the CLI prints with --format table."""
        return self._ctx._text(_lib.gpuarb_result_to_table, self)

    def export(self, format: str = 'k8s', namespace: Optional[str] = None,
               image: Optional[str] = None, queue: Optional[str] = None) -> str:
        """The plan as YAML for a cluster engine: format "k8s" (Jobs and Deployments),
        "kueue" (ResourceFlavors, ClusterQueue, LocalQueue) or "skypilot" (tasks).  Gangs
        become Jobs and other workloads Deployments; once the spec is closed, all are Jobs."""
        if format not in EXPORT_FORMATS:
            raise ValueError('format must be one of %s' % ', '.join(EXPORT_FORMATS))
        o = _native.ExportOpts()
        _lib.gpuarb_export_opts_init(ctypes.byref(o))
        o.format = EXPORT_FORMATS[format]
        keep = [_b(namespace), _b(image), _b(queue)]
        o.k8s_namespace, o.image, o.queue = keep
        spec = self._spec if self._spec is not None and self._spec._ptr is not None else None
        return self._ctx._text(_lib.gpuarb_result_export, self, spec, ctypes.byref(o))


class PackProblem(_Handle):
    """A packing problem: a pack spec (SPEC section 4) or a BPPLIB instance."""
    _free = 'gpuarb_pack_problem_free'


class SpotTrace(_Handle):
    """A spot availability trace (Can't Be Late's JSON: gap_seconds and one count a tick)."""
    _free = 'gpuarb_spot_trace_free'

    @property
    def ticks(self) -> int:
        return _lib.gpuarb_spot_trace_ticks(self)

    @property
    def gap_s(self) -> float:
        """Seconds per tick."""
        return _lib.gpuarb_spot_trace_gap_s(self)


class Trace(_Handle):
    """A job trace for the simulator (native CSV, openb pod list or Gavel), jobs by submit
    time."""
    _free = 'gpuarb_trace_free'

    def __len__(self) -> int:
        return _lib.gpuarb_trace_job_count(self)

    @property
    def skipped(self) -> int:
        """Rows the importer left out (openb CPU-only pods)."""
        return _lib.gpuarb_trace_skipped_count(self)

    def window(self, from_s: float, to_s: float) -> 'Trace':
        """A new trace of the jobs submitted in [from_s, to_s), shifted so from_s is 0."""
        return self._ctx._new(Trace, _lib.gpuarb_trace_window, self, float(from_s), float(to_s))

    def to_csv(self) -> str:
        """The trace as the native CSV (SPEC section 6)."""
        return self._ctx._text(_lib.gpuarb_trace_to_csv, self)


class SimConfig(_Handle):
    """A simulator configuration (SIM.yaml), loaded and resolved."""
    _free = 'gpuarb_sim_config_free'

    def describe(self) -> Dict[str, Any]:
        """What the configuration resolved to; prices are None for a market not used."""
        i = _native.SimConfigInfo()
        i.size = ctypes.sizeof(i)
        self._ctx._check(_lib.gpuarb_sim_config_describe(self._ctx, self, ctypes.byref(i)))
        return {'offer': _s(i.offer), 'node_gpus': i.node_gpus, 'has_spot': bool(i.has_spot),
                'min_nodes': i.min_nodes, 'max_nodes': i.max_nodes,
                'od_price_hour': None if i.od_price_hour < 0 else i.od_price_hour,
                'spot_price_hour': None if i.spot_price_hour < 0 else i.spot_price_hour,
                'provisioning_delay_s': i.provisioning_delay_s,
                'decision_interval_s': i.decision_interval_s,
                'wait_penalty_per_gpu_hour': i.wait_penalty_per_gpu_hour}


class MigProblem(_Handle):
    """A mig place spec (SPEC section 5), loaded and validated."""
    _free = 'gpuarb_mig_problem_free'


class MigResult(_Handle):
    """A MIG / GPU-share placement (gpuarb_mig_result)."""
    _free = 'gpuarb_mig_result_free'

    def to_dict(self) -> Dict[str, Any]:
        """SPEC section 5 JSON: status, placements, unplaced (with reasons), moves, ..."""
        return json.loads(self.text('json'))

    def summary(self) -> Dict[str, Any]:
        """The figures of gpuarb_mig_summary (exact: the placement is proven best)."""
        s = _native.MigSummary()
        s.size = ctypes.sizeof(s)
        self._ctx._check(_lib.gpuarb_mig_result_summary(self, ctypes.byref(s)))
        return {'exact': bool(s.exact), 'requests': s.requests, 'placed': s.placed,
                'unplaced': s.unplaced, 'gpus_used': s.gpus_used,
                'gpus_lower_bound': s.gpus_lower_bound, 'moves': s.moves,
                'gpus_changed': s.gpus_changed, 'solve_ms': s.solve_ms}

    def text(self, format: str = 'table') -> str:
        """The result as "json", "table", "mig-parted" (an NVIDIA mig-parted v1 config) or
        "k8s" (one Pod per placement asking for nvidia.com/mig-<profile>)."""
        f = _pick(MIG_FORMATS, format, 'format')
        if f < 0:
            return self.k8s()
        return self._ctx._text(_lib.gpuarb_mig_result_to_text, self, f)

    def k8s(self, namespace: Optional[str] = None, image: Optional[str] = None,
            queue: Optional[str] = None) -> str:
        """Kubernetes pods (YAML) for the placements; queue adds Kueue's queue-name label."""
        o = _native.ExportOpts()
        _lib.gpuarb_export_opts_init(ctypes.byref(o))
        o.k8s_namespace, o.image, o.queue = _b(namespace), _b(image), _b(queue)
        return self._ctx._text(_lib.gpuarb_mig_result_export, self, ctypes.byref(o))


class ShareCluster(_Handle):
    """The incremental fractional-GPU placer: add nodes, then place pods one at a time."""
    _free = 'gpuarb_share_cluster_free'

    @staticmethod
    def _pod(gpus: int, fraction: float, cpus: float, memory_gb: float,
             models: Optional[Sequence[str]]) -> '_native.SharePod':
        p = _native.SharePod()
        _lib.gpuarb_share_pod_init(ctypes.byref(p))
        p.gpus, p.gpu_fraction, p.cpus, p.memory_gb = int(gpus), float(fraction), cpus, memory_gb
        p.models = _b('|'.join(models)) if models else None
        return p

    def add_node(self, model: Optional[str], gpus: int, cpus: float = 0.0,
                 memory_gb: float = 0.0) -> int:
        """Add a node (model None: CPU only); returns its 0-based index."""
        ix = _native.I32(-1)
        self._ctx._check(_lib.gpuarb_share_add_node(self._ctx, self, _b(model), int(gpus),
                                                    float(cpus), float(memory_gb),
                                                    ctypes.byref(ix)))
        return ix.value

    def add_target(self, gpus: int = 1, fraction: float = 1.0, cpus: float = 0.0,
                   memory_gb: float = 0.0, models: Optional[Sequence[str]] = None) -> None:
        """Tell fgd and auto a pod typical of the workload to come."""
        p = self._pod(gpus, fraction, cpus, memory_gb, models)
        self._ctx._check(_lib.gpuarb_share_add_target(self._ctx, self, ctypes.byref(p)))

    def place(self, gpus: int = 1, fraction: float = 1.0, cpus: float = 0.0,
              memory_gb: float = 0.0, models: Optional[Sequence[str]] = None
              ) -> Dict[str, Any]:
        """Place one pod: {"node": index, "gpus": [GPU indices on it]}, or, when it fits
        nowhere, {"node": None, "gpus": [], "reason": why}.  fraction < 1 is a share of one
        GPU (gpus 1); models limits the GPU models it may use."""
        p = self._pod(gpus, fraction, cpus, memory_gb, models)
        node, mask, why = _native.I32(-1), ctypes.c_uint64(0), _native.STR()
        self._ctx._check(_lib.gpuarb_share_place(self._ctx, self, ctypes.byref(p),
                                                 ctypes.byref(node), ctypes.byref(mask),
                                                 ctypes.byref(why)))
        if node.value < 0:
            return {'node': None, 'gpus': [], 'reason': _s(why.value)}
        return {'node': node.value, 'gpus': [g for g in range(64) if mask.value >> g & 1]}


class Context:
    """One library context (gpuarb_ctx): the unit of threading and of error state.

    Use one per thread.  Every method raises GpuarbError on failure."""

    def __init__(self):
        self._ptr = P()
        st = _lib.gpuarb_ctx_create(ctypes.byref(self._ptr))
        if st != 0:
            raise GpuarbError(st, _s(_lib.gpuarb_status_name(st)),
                              _s(_lib.gpuarb_strerror(st)))

    def close(self) -> None:
        if self._ptr is not None and self._ptr.value:
            _lib.gpuarb_ctx_free(self._ptr)
        self._ptr = None

    def __enter__(self) -> 'Context':
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def _as_parameter_(self):
        if self._ptr is None:
            raise ValueError('Context is closed')
        return self._ptr

    # -- plumbing: every wrapper below is one of these two patterns, so a new API
    #    (MIG placement, forecast, simulation) is a prototype in _native.py and a few lines.
    def _check(self, status: int) -> None:
        if status == 0:
            return
        c = self._ptr
        raise GpuarbError(status, _s(_lib.gpuarb_status_name(status)), _s(_lib.gpuarb_errmsg(c)),
                          _s(_lib.gpuarb_errsource(c)), _lib.gpuarb_errline(c),
                          _lib.gpuarb_errcolumn(c), _s(_lib.gpuarb_errpath(c)),
                          _s(_lib.gpuarb_errfull(c)))

    def _text(self, fn, *args) -> str:
        """Call fn(ctx, *args, &char*) and return the string, freed with gpuarb_free."""
        out = P()
        try:
            self._check(fn(self, *args, ctypes.byref(out)))
            return _s(ctypes.string_at(out))
        finally:
            _lib.gpuarb_free(out)

    def _new(self, cls, fn, *args):
        out = P()
        self._check(fn(self, *args, ctypes.byref(out)))
        return cls(out, self)

    # -- specs and catalogs
    def load_spec(self, path: str) -> Spec:
        """Load an optimize spec file (".json" as JSON, anything else as YAML)."""
        return self._new(Spec, _lib.gpuarb_spec_load, _b(path))

    def parse_spec(self, text: str, source: Optional[str] = None,
                   base_dir: Optional[str] = None) -> Spec:
        """Parse a spec from a string (JSON if it starts with '{', else YAML); source names it
        in errors, base_dir resolves relative catalog paths."""
        data = text.encode()
        return self._new(Spec, _lib.gpuarb_spec_parse, data, len(data), _b(source),
                         _b(base_dir))

    def load_catalog(self, ref: str = 'builtin', base_dir: Optional[str] = None) -> Catalog:
        """A catalog by reference: "builtin", a native CSV path or "skypilot:PROVIDER:PATH"."""
        return self._new(Catalog, _lib.gpuarb_catalog_load_ref, _b(ref), _b(base_dir), None)

    def parse_catalog(self, text: str, format: str = 'native', provider: Optional[str] = None,
                      source: Optional[str] = None) -> Catalog:
        """A catalog from CSV text: format "native" or "skypilot" (then provider is needed)."""
        data = text.encode()
        return self._new(Catalog, _lib.gpuarb_catalog_parse, data, len(data), _b(source),
                         _CATALOG_FORMATS[format], _b(provider))

    # -- optimize
    def optimize(self, spec: Union[Spec, str], catalog: Optional[Catalog] = None, *,
                 time_limit_s: Optional[float] = None, mip_gap: Optional[float] = None,
                 abs_gap: Optional[float] = None, memory_limit_mib: Optional[float] = None,
                 skip_baseline: bool = False, explain: bool = False) -> Result:
        """Solve spec (a Spec or a spec file's path) on catalog (None: the spec's own).
        Options left None take the spec's values.  Returns a Result whatever the solve
        status (optimal, feasible, infeasible, time_limit)."""
        if isinstance(spec, str):
            spec = self.load_spec(spec)
        o = _native.OptimizeOpts()
        _lib.gpuarb_optimize_opts_init(ctypes.byref(o))
        if time_limit_s is not None:
            o.time_limit_s = time_limit_s
        if mip_gap is not None:
            o.mip_gap = mip_gap
        if abs_gap is not None:
            o.abs_gap = abs_gap
        if memory_limit_mib is not None:
            o.memory_limit_mib = memory_limit_mib
        o.skip_baseline = int(bool(skip_baseline))
        o.explain = int(bool(explain))
        out = P()
        self._check(_lib.gpuarb_optimize(self, spec, catalog, ctypes.byref(o), ctypes.byref(out)))
        return Result(out, self, spec)

    # -- pack
    def load_pack(self, path: str) -> PackProblem:
        """A pack spec file (SPEC section 4; ".json" as JSON, else YAML)."""
        return self._new(PackProblem, _lib.gpuarb_pack_spec_load, _b(path))

    def parse_pack(self, text: str, source: Optional[str] = None) -> PackProblem:
        """A pack spec from a string."""
        data = text.encode()
        return self._new(PackProblem, _lib.gpuarb_pack_spec_parse, data, len(data), _b(source))

    def load_bpp(self, path: str) -> PackProblem:
        """A BPPLIB instance (n, capacity, then n weights, one per line)."""
        return self._new(PackProblem, _lib.gpuarb_pack_bpp_load, _b(path))

    def pack(self, problem: PackProblem, *, algorithm: Optional[str] = None,
             objective: Optional[str] = None, time_limit_ms: Optional[float] = None,
             seed: int = 0, memory_limit_mib: Optional[float] = None) -> Dict[str, Any]:
        """Solve a packing problem; SPEC section 4 JSON as a dict.  None: the spec's value."""
        o = _native.PackOpts()
        _lib.gpuarb_pack_opts_init(ctypes.byref(o))
        if algorithm is not None:
            o.algorithm = _PACK_ALGORITHMS[algorithm]
        if objective is not None:
            o.objective = _PACK_OBJECTIVES[objective]
        if time_limit_ms is not None:
            o.time_limit_ms = time_limit_ms
        if memory_limit_mib is not None:
            o.memory_limit_mib = memory_limit_mib
        o.seed = seed
        out = P()
        self._check(_lib.gpuarb_pack_solve(self, problem, ctypes.byref(o), ctypes.byref(out)))
        try:
            return json.loads(self._text(_lib.gpuarb_pack_result_to_json, out))
        finally:
            _lib.gpuarb_pack_result_free(out)


    # -- forecast (SPEC section 6)
    def _forecast(self, fn, args, horizon, season, method, origins) -> Dict[str, Any]:
        o = _native.ForecastOpts()
        _lib.gpuarb_forecast_opts_init(ctypes.byref(o))
        o.horizon = int(horizon)
        if season is not None:
            o.season = int(season)
        if method is not None:
            o.method = _pick(FORECAST_METHODS, method, 'method')
        if origins is not None:
            o.origins = int(origins)
        out = P()
        self._check(fn(self, *args, ctypes.byref(o), ctypes.byref(out)))
        try:
            return json.loads(self._text(_lib.gpuarb_forecast_result_to_json, out))
        finally:
            _lib.gpuarb_forecast_result_free(out)

    def forecast(self, values: Sequence[float], horizon: int, *, season: Optional[int] = None,
                 method: Optional[str] = None, origins: Optional[int] = None) -> Dict[str, Any]:
        """Forecast the next horizon values of an evenly spaced series; SPEC section 6 JSON
        ({"method", "horizon", "mape", "forecast", ...}) as a dict.  season: steps per season
        (default 24), method: a FORECAST_METHODS key (default "auto"), origins: backtest
        origins (default 30)."""
        arr = (_native.DBL * len(values))(*[float(v) for v in values])
        return self._forecast(_lib.gpuarb_forecast_run, (arr, len(values)), horizon, season,
                              method, origins)

    def forecast_csv(self, text: str, horizon: int, *, source: Optional[str] = None,
                     **options: Any) -> Dict[str, Any]:
        """The same on a SERIES CSV text (time_s,value rows); errors carry line and column."""
        data = text.encode()
        return self._forecast(_lib.gpuarb_forecast_parse, (data, len(data), _b(source)), horizon,
                              options.get('season'), options.get('method'),
                              options.get('origins'))

    def forecast_file(self, path: str, horizon: int, **options: Any) -> Dict[str, Any]:
        """The same on a SERIES CSV file."""
        return self._forecast(_lib.gpuarb_forecast_load, (_b(path),), horizon,
                              options.get('season'), options.get('method'),
                              options.get('origins'))

    # -- spot with a deadline (SPEC section 6)
    def load_spot_trace(self, path: str) -> SpotTrace:
        """A spot availability trace file (JSON)."""
        return self._new(SpotTrace, _lib.gpuarb_spot_trace_load, _b(path))

    def parse_spot_trace(self, text: str, source: Optional[str] = None) -> SpotTrace:
        """A spot availability trace from a JSON string."""
        data = text.encode()
        return self._new(SpotTrace, _lib.gpuarb_spot_trace_parse, data, len(data), _b(source))

    def spot(self, trace: SpotTrace, policy: str = 'auto', *, job_hours: Optional[float] = None,
             deadline_hours: Optional[float] = None, restart_hours: Optional[float] = None,
             price_ratio: Optional[float] = None, starts: Optional[int] = None,
             max_ticks: Optional[int] = None, seed: Optional[int] = None,
             model_path: Optional[str] = None, compare_optimum: bool = False) -> Dict[str, Any]:
        """Replay a job with a deadline on the trace under policy (a SPOT_POLICIES key;
        "rl" needs model_path); SPEC section 6 JSON as a dict.  None: the library default."""
        o = _native.SpotOpts()
        _lib.gpuarb_spot_opts_init(ctypes.byref(o))
        o.policy = _pick(SPOT_POLICIES, policy, 'policy')
        for name, v in (('job_hours', job_hours), ('deadline_hours', deadline_hours),
                        ('restart_hours', restart_hours), ('price_ratio', price_ratio),
                        ('starts', starts), ('max_ticks', max_ticks), ('seed', seed)):
            if v is not None:
                setattr(o, name, v)
        keep = _b(model_path)
        o.model_path = keep
        o.compare_optimum = int(bool(compare_optimum))
        m = _native.SpotSummary()
        m.size = ctypes.sizeof(m)
        self._check(_lib.gpuarb_spot_run(self, trace, ctypes.byref(o), ctypes.byref(m)))
        return json.loads(self._text(_lib.gpuarb_spot_summary_to_json, ctypes.byref(m)))

    # -- simulation and tuning (SPEC section 6)
    def load_trace(self, path: str, format: str = 'native',
                   throughputs: Optional[str] = None) -> Trace:
        """A job trace file: format a TRACE_FORMATS key; throughputs is Gavel's
        simulation_throughputs.json (format "gavel" only)."""
        return self._new(Trace, _lib.gpuarb_trace_load, _b(path),
                         _pick(TRACE_FORMATS, format, 'format'), _b(throughputs))

    def parse_trace(self, text: str, format: str = 'native', source: Optional[str] = None,
                    throughputs: Optional[str] = None) -> Trace:
        """A job trace from a string; throughputs is the Gavel table's JSON text."""
        data = text.encode()
        thr = None if throughputs is None else throughputs.encode()
        return self._new(Trace, _lib.gpuarb_trace_parse, data, len(data), _b(source),
                         _pick(TRACE_FORMATS, format, 'format'), thr,
                         0 if thr is None else len(thr))

    def load_sim_config(self, path: str) -> SimConfig:
        """A SIM.yaml file (relative paths in it resolve from its folder)."""
        return self._new(SimConfig, _lib.gpuarb_sim_config_load, _b(path))

    def parse_sim_config(self, text: str, source: Optional[str] = None,
                         base_dir: Optional[str] = None) -> SimConfig:
        """SIM.yaml from a string; base_dir resolves relative paths (None: the cwd)."""
        data = text.encode()
        return self._new(SimConfig, _lib.gpuarb_sim_config_parse, data, len(data), _b(source),
                         _b(base_dir))

    def default_sim_config(self) -> SimConfig:
        """The configuration of an empty SIM.yaml."""
        return self._new(SimConfig, _lib.gpuarb_sim_config_default)

    def simulate(self, trace: Trace, config: Optional[SimConfig] = None, policy: str = 'auto',
                 seed: int = 0) -> Dict[str, Any]:
        """Simulate the trace on config (None: the default) under a policy string
        ("threshold:up=0,idle=600", "auto", ...); SPEC section 6 JSON as a dict."""
        if config is None:
            with self.default_sim_config() as cfg:
                return self.simulate(trace, cfg, policy, seed)
        out = P()
        self._check(_lib.gpuarb_simulate(self, config, trace, _b(policy), seed, ctypes.byref(out)))
        try:
            return json.loads(self._text(_lib.gpuarb_sim_result_to_json, out))
        finally:
            _lib.gpuarb_sim_result_free(out)

    def tune(self, traces: Sequence[Trace], policy: str, config: Optional[SimConfig] = None, *,
             budget: Optional[int] = None, seeds: Optional[int] = None,
             seed: Optional[int] = None) -> Dict[str, Any]:
        """Grid-search policy ("threshold", "predictive", ...) on the training traces within
        budget simulations: the library's JSON (every candidate) as a dict, with "best", the
        winning policy string for simulate()."""
        if config is None:
            with self.default_sim_config() as cfg:
                return self.tune(traces, policy, cfg, budget=budget, seeds=seeds, seed=seed)
        o = _native.TuneOpts()
        _lib.gpuarb_tune_opts_init(ctypes.byref(o))
        if budget is not None:
            o.budget = budget
        if seeds is not None:
            o.seeds = seeds
        if seed is not None:
            o.seed = seed
        arr = (P * len(traces))(*[t._as_parameter_ for t in traces])
        best, js = P(), P()
        try:
            self._check(_lib.gpuarb_tune(self, config, arr, len(traces), _b(policy),
                                         ctypes.byref(o), ctypes.byref(best), ctypes.byref(js)))
            d = json.loads(_s(ctypes.string_at(js)))
            d['best'] = _s(ctypes.string_at(best))
            return d
        finally:
            _lib.gpuarb_free(best)
            _lib.gpuarb_free(js)

    # -- MIG and fractional GPUs (SPEC section 5)
    def mig_profiles(self, model: str) -> List[Dict[str, Any]]:
        """The MIG profiles of a GPU model as nvidia-smi mig -lgip/-lgipp print them:
        name, id, compute_slices, memory_slots, memory_gib, max_instances, placements
        (start slots), slots.  GpuarbError (GPUARB_ERR_INPUT) for a model without MIG."""
        n = _lib.gpuarb_mig_profile_count(_b(model))
        if n < 0:   # the library's message names the MIG models
            self._text(_lib.gpuarb_mig_profiles_to_text, _b(model), 0)
            raise ValueError('no MIG table for %r' % model)
        out = []
        for i in range(n):
            p = _native.MigProfile()
            self._check(_lib.gpuarb_mig_profile_get(_b(model), i, ctypes.byref(p)))
            out.append({'name': _s(p.name), 'id': p.id, 'compute_slices': p.compute_slices,
                        'memory_slots': p.memory_slots, 'memory_gib': p.memory_gib,
                        'max_instances': p.max_instances,
                        'placements': [b for b in range(32) if p.start_mask >> b & 1],
                        'slots': p.slots})
        return out

    def load_mig(self, path: str) -> MigProblem:
        """A mig place spec file (".json" as JSON, else YAML)."""
        return self._new(MigProblem, _lib.gpuarb_mig_spec_load, _b(path))

    def parse_mig(self, text: str, source: Optional[str] = None) -> MigProblem:
        """A mig place spec from a string."""
        data = text.encode()
        return self._new(MigProblem, _lib.gpuarb_mig_spec_parse, data, len(data), _b(source))

    def mig_place(self, problem: Union[MigProblem, str]) -> MigResult:
        """Place a problem (or a spec file's path).  Unplaced requests are part of the
        result (to_dict()["unplaced"]), not an error."""
        if isinstance(problem, str):
            problem = self.load_mig(problem)
        return self._new(MigResult, _lib.gpuarb_mig_place, problem)

    def share_cluster(self, policy: str = 'auto', seed: int = 0) -> ShareCluster:
        """An empty cluster for the incremental placer (policy: SHARE_POLICIES but
        "offline")."""
        if policy == 'offline':
            raise ValueError('"offline" is a replay policy only')
        return self._new(ShareCluster, _lib.gpuarb_share_cluster_create,
                         _pick(SHARE_POLICIES, policy, 'policy'), seed)

    def share_replay(self, nodes_csv: str, pods_csv: str, policy: str = 'auto', seed: int = 0,
                     tune: float = 1.3) -> Dict[str, Any]:
        """Replay openb node and pod CSV files (paths) as `gpuarb share replay` does."""
        return json.loads(self._text(_lib.gpuarb_share_replay, _b(nodes_csv), _b(pods_csv),
                                     _pick(SHARE_POLICIES, policy, 'policy'), seed,
                                     float(tune)))


# -- one-call conveniences (a fresh context each; for loops, keep a Context)
def optimize(spec_path: str, **options: Any) -> Dict[str, Any]:
    """Solve the spec file at spec_path; SPEC section 3 JSON as a dict.  options: those of
    Context.optimize."""
    with Context() as ctx, ctx.load_spec(spec_path) as spec, \
            ctx.optimize(spec, **options) as res:
        return res.to_dict()


def pack(path: str, bpp: bool = False, **options: Any) -> Dict[str, Any]:
    """Pack the pack spec (or, with bpp=True, the BPPLIB file) at path; SPEC section 4 JSON
    as a dict.  options: those of Context.pack."""
    with Context() as ctx:
        with (ctx.load_bpp(path) if bpp else ctx.load_pack(path)) as prob:
            return ctx.pack(prob, **options)


def catalog(ref: str = 'builtin', **query: Any) -> List[Dict[str, Any]]:
    """The offers of a catalog reference, filtered by query (those of Catalog.select)."""
    with Context() as ctx, ctx.load_catalog(ref) as cat:
        if not query:
            return cat.offers()
        with cat.select(**query) as sel:
            return sel.offers()


def forecast(series_path: str, horizon: int, **options: Any) -> Dict[str, Any]:
    """Forecast a SERIES CSV file; options: those of Context.forecast."""
    with Context() as ctx:
        return ctx.forecast_file(series_path, horizon, **options)


def simulate(trace_path: str, config_path: Optional[str] = None, policy: str = 'auto',
             seed: int = 0, format: str = 'native',
             throughputs: Optional[str] = None) -> Dict[str, Any]:
    """Simulate a trace file on a SIM.yaml file (None: the default configuration)."""
    with Context() as ctx, ctx.load_trace(trace_path, format, throughputs) as tr:
        if config_path is None:
            return ctx.simulate(tr, None, policy, seed)
        with ctx.load_sim_config(config_path) as cfg:
            return ctx.simulate(tr, cfg, policy, seed)


def spot(trace_path: str, policy: str = 'auto', **options: Any) -> Dict[str, Any]:
    """Replay a deadline job on a spot trace file; options: those of Context.spot."""
    with Context() as ctx, ctx.load_spot_trace(trace_path) as tr:
        return ctx.spot(tr, policy, **options)


def mig_place(spec_path: str) -> Dict[str, Any]:
    """Place the mig place spec file at spec_path; SPEC section 5 JSON as a dict."""
    with Context() as ctx, ctx.load_mig(spec_path) as prob, ctx.mig_place(prob) as res:
        return res.to_dict()
