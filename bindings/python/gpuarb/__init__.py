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
from typing import Any, Dict, List, Optional, Union

from . import _native
from ._native import P
from ._version import BINDING_VERSION, HEADER_VERSION

__all__ = ['GpuarbError', 'Context', 'Spec', 'Catalog', 'Result', 'PackProblem',
           'optimize', 'pack', 'catalog', 'version', 'library_version',
           'BINDING_VERSION', 'HEADER_VERSION', 'EXPORT_FORMATS']

_lib = _native.load()

EXPORT_FORMATS = {'k8s': 0, 'kueue': 1, 'skypilot': 2}
_CATALOG_FORMATS = {'native': 0, 'skypilot': 1}
_PACK_ALGORITHMS = {'auto': 0, 'ffd': 1, 'bfd': 2, 'local': 3, 'exact': 4}
_PACK_OBJECTIVES = {'min_nodes': 0, 'min_cost': 1}
_SORTS = {None: 0, 'none': 0, 'price': 1, 'price_per_gpu': 2, 'spot_per_gpu': 3}


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
