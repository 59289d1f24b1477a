"""ctypes declarations of libgpuarb's public API (include/gpuarb.h), and the loader.

Nothing here is public: gpuarb/__init__.py wraps it.  Every struct below is declared
field by field in the order of gpuarb.h; tests/abi_check.py compares their offsets and
sizes with the C compiler's (`test_abi --layout`).
"""
import ctypes
import os
from typing import Optional

from ._version import HEADER_VERSION

P = ctypes.c_void_p
PP = ctypes.POINTER(ctypes.c_void_p)
STR = ctypes.c_char_p
I32 = ctypes.c_int32
I64 = ctypes.c_int64
DBL = ctypes.c_double
SIZE = ctypes.c_size_t

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, P, DBL, DBL, DBL)


class OptimizeOpts(ctypes.Structure):
    """gpuarb_optimize_opts."""
    _fields_ = [('size', ctypes.c_uint32),
                ('skip_baseline', I32),
                ('time_limit_s', DBL),
                ('mip_gap', DBL),
                ('write_model', STR),
                ('abs_gap', DBL),
                ('memory_limit_mib', DBL),
                ('progress', P),
                ('progress_arg', P),
                ('explain', I32),
                ('reserved0', I32),
                ('reserved', ctypes.c_uint8 * 24)]


class PackOpts(ctypes.Structure):
    """gpuarb_pack_opts."""
    _fields_ = [('size', ctypes.c_uint32),
                ('algorithm', I32),
                ('objective', I32),
                ('reserved0', I32),
                ('time_limit_ms', DBL),
                ('seed', ctypes.c_uint64),
                ('memory_limit_mib', DBL),
                ('reserved', ctypes.c_uint8 * 56)]


class CatalogQuery(ctypes.Structure):
    """gpuarb_catalog_query."""
    _fields_ = [('size', ctypes.c_uint32),
                ('spot_only', I32),
                ('gpu', STR),
                ('provider', STR),
                ('region', STR),
                ('sort', I32),
                ('min_gpus', I32),
                ('reserved', ctypes.c_uint8 * 64)]


class ExportOpts(ctypes.Structure):
    """gpuarb_export_opts."""
    _fields_ = [('size', ctypes.c_uint32),
                ('format', I32),
                ('k8s_namespace', STR),
                ('image', STR),
                ('queue', STR),
                ('reserved', ctypes.c_uint8 * 64)]


class ForecastOpts(ctypes.Structure):
    """gpuarb_forecast_opts."""
    _fields_ = [('size', ctypes.c_uint32),
                ('horizon', I32),
                ('season', I32),
                ('method', I32),
                ('origins', I32),
                ('reserved0', I32),
                ('reserved', ctypes.c_uint8 * 48)]


class SpotOpts(ctypes.Structure):
    """gpuarb_spot_opts."""
    _fields_ = [('size', ctypes.c_uint32),
                ('policy', I32),
                ('job_hours', DBL),
                ('deadline_hours', DBL),
                ('restart_hours', DBL),
                ('price_ratio', DBL),
                ('starts', I32),
                ('max_ticks', I32),
                ('seed', ctypes.c_uint64),
                ('model_path', STR),
                ('compare_optimum', I32),
                ('reserved0', I32),
                ('reserved', ctypes.c_uint8 * 40)]


class SpotSummary(ctypes.Structure):
    """gpuarb_spot_summary."""
    _fields_ = [('size', ctypes.c_uint32),
                ('policy', I32),
                ('starts', I32),
                ('deadline_misses', I32),
                ('normalized_cost', DBL),
                ('spot_hours', DBL),
                ('ondemand_hours', DBL),
                ('optimum_normalized_cost', DBL),
                ('optimum_spot_hours', DBL),
                ('has_optimum', I32),
                ('reserved0', I32),
                ('reserved', ctypes.c_uint8 * 64)]


class SimConfigInfo(ctypes.Structure):
    """gpuarb_sim_config_info."""
    _fields_ = [('size', ctypes.c_uint32),
                ('node_gpus', I32),
                ('has_spot', I32),
                ('max_nodes', I32),
                ('min_nodes', I32),
                ('reserved0', I32),
                ('od_price_hour', DBL),
                ('spot_price_hour', DBL),
                ('provisioning_delay_s', DBL),
                ('decision_interval_s', DBL),
                ('wait_penalty_per_gpu_hour', DBL),
                ('offer', STR),
                ('reserved', ctypes.c_uint8 * 56)]


class TuneOpts(ctypes.Structure):
    """gpuarb_tune_opts."""
    _fields_ = [('size', ctypes.c_uint32),
                ('budget', I32),
                ('seeds', I32),
                ('reserved0', I32),
                ('seed', ctypes.c_uint64),
                ('reserved', ctypes.c_uint8 * 40)]


class MigProfile(ctypes.Structure):
    """gpuarb_mig_profile."""
    _fields_ = [('name', STR),
                ('id', I32),
                ('compute_slices', I32),
                ('memory_slots', I32),
                ('max_instances', I32),
                ('memory_gib', DBL),
                ('start_mask', ctypes.c_uint32),
                ('slots', I32)]


class MigSummary(ctypes.Structure):
    """gpuarb_mig_summary."""
    _fields_ = [('size', ctypes.c_uint32),
                ('exact', I32),
                ('requests', I64),
                ('placed', I64),
                ('unplaced', I64),
                ('gpus_used', I64),
                ('gpus_lower_bound', I64),
                ('moves', I64),
                ('gpus_changed', I64),
                ('solve_ms', DBL),
                ('reserved', ctypes.c_uint8 * 64)]


class SharePod(ctypes.Structure):
    """gpuarb_share_pod."""
    _fields_ = [('size', ctypes.c_uint32),
                ('gpus', I32),
                ('gpu_fraction', DBL),
                ('cpus', DBL),
                ('memory_gb', DBL),
                ('models', STR),
                ('reserved', ctypes.c_uint8 * 32)]


# Every struct a binding declares, by its C name (tests/abi_check.py reads this).
STRUCTS = {'gpuarb_optimize_opts': OptimizeOpts,
           'gpuarb_pack_opts': PackOpts,
           'gpuarb_catalog_query': CatalogQuery,
           'gpuarb_export_opts': ExportOpts,
           'gpuarb_forecast_opts': ForecastOpts,
           'gpuarb_spot_opts': SpotOpts,
           'gpuarb_spot_summary': SpotSummary,
           'gpuarb_sim_config_info': SimConfigInfo,
           'gpuarb_tune_opts': TuneOpts,
           'gpuarb_mig_profile': MigProfile,
           'gpuarb_mig_summary': MigSummary,
           'gpuarb_share_pod': SharePod}

# name: (restype, argtypes).  A status return is int32 (a C enum).
PROTOTYPES = {
    'gpuarb_version_string': (STR, []),
    'gpuarb_version_number': (I32, []),
    'gpuarb_strerror': (STR, [I32]),
    'gpuarb_status_name': (STR, [I32]),
    'gpuarb_free': (None, [P]),
    'gpuarb_ctx_create': (I32, [PP]),
    'gpuarb_ctx_free': (None, [P]),
    'gpuarb_errcode': (I32, [P]),
    'gpuarb_errmsg': (STR, [P]),
    'gpuarb_errsource': (STR, [P]),
    'gpuarb_errline': (I32, [P]),
    'gpuarb_errcolumn': (I32, [P]),
    'gpuarb_errpath': (STR, [P]),
    'gpuarb_errfull': (STR, [P]),
    'gpuarb_errclear': (None, [P]),
    'gpuarb_catalog_load_ref': (I32, [P, STR, STR, STR, PP]),
    'gpuarb_catalog_parse': (I32, [P, STR, SIZE, STR, I32, STR, PP]),
    'gpuarb_catalog_builtin': (I32, [P, PP]),
    'gpuarb_catalog_builtin_info': (STR, []),
    'gpuarb_catalog_free': (None, [P]),
    'gpuarb_catalog_count': (SIZE, [P]),
    'gpuarb_catalog_query_init': (None, [ctypes.POINTER(CatalogQuery)]),
    'gpuarb_catalog_select': (I32, [P, P, ctypes.POINTER(CatalogQuery), PP]),
    'gpuarb_catalog_to_json': (I32, [P, P, PP]),
    'gpuarb_spec_load': (I32, [P, STR, PP]),
    'gpuarb_spec_parse': (I32, [P, STR, SIZE, STR, STR, PP]),
    'gpuarb_spec_free': (None, [P]),
    'gpuarb_spec_to_json': (I32, [P, P, PP]),
    'gpuarb_optimize_opts_init': (None, [ctypes.POINTER(OptimizeOpts)]),
    'gpuarb_optimize': (I32, [P, P, P, ctypes.POINTER(OptimizeOpts), PP]),
    'gpuarb_result_free': (None, [P]),
    'gpuarb_result_to_json': (I32, [P, P, PP]),
    'gpuarb_result_to_table': (I32, [P, P, PP]),
    'gpuarb_pack_spec_load': (I32, [P, STR, PP]),
    'gpuarb_pack_spec_parse': (I32, [P, STR, SIZE, STR, PP]),
    'gpuarb_pack_bpp_load': (I32, [P, STR, PP]),
    'gpuarb_pack_bpp_parse': (I32, [P, STR, SIZE, STR, PP]),
    'gpuarb_pack_problem_free': (None, [P]),
    'gpuarb_pack_opts_init': (None, [ctypes.POINTER(PackOpts)]),
    'gpuarb_pack_solve': (I32, [P, P, ctypes.POINTER(PackOpts), PP]),
    'gpuarb_pack_result_free': (None, [P]),
    'gpuarb_pack_result_to_json': (I32, [P, P, PP]),
    'gpuarb_pack_result_to_table': (I32, [P, P, PP]),
    'gpuarb_export_opts_init': (None, [ctypes.POINTER(ExportOpts)]),
    'gpuarb_result_export': (I32, [P, P, P, ctypes.POINTER(ExportOpts), PP]),
    # forecast (issue 11): the series is passed as a double array
    'gpuarb_forecast_opts_init': (None, [ctypes.POINTER(ForecastOpts)]),
    'gpuarb_forecast_method_name': (STR, [I32]),
    'gpuarb_forecast_run': (I32, [P, ctypes.POINTER(DBL), SIZE, ctypes.POINTER(ForecastOpts),
                                  PP]),
    'gpuarb_forecast_parse': (I32, [P, STR, SIZE, STR, ctypes.POINTER(ForecastOpts), PP]),
    'gpuarb_forecast_load': (I32, [P, STR, ctypes.POINTER(ForecastOpts), PP]),
    'gpuarb_forecast_result_to_json': (I32, [P, P, PP]),
    'gpuarb_forecast_result_free': (None, [P]),
    # spot with a deadline (issue 11)
    'gpuarb_spot_trace_parse': (I32, [P, STR, SIZE, STR, PP]),
    'gpuarb_spot_trace_load': (I32, [P, STR, PP]),
    'gpuarb_spot_trace_ticks': (I64, [P]),
    'gpuarb_spot_trace_gap_s': (DBL, [P]),
    'gpuarb_spot_trace_free': (None, [P]),
    'gpuarb_spot_opts_init': (None, [ctypes.POINTER(SpotOpts)]),
    'gpuarb_spot_policy_name': (STR, [I32]),
    'gpuarb_spot_run': (I32, [P, P, ctypes.POINTER(SpotOpts), ctypes.POINTER(SpotSummary)]),
    'gpuarb_spot_summary_to_json': (I32, [P, ctypes.POINTER(SpotSummary), PP]),
    # simulation and tuning (issue 11)
    'gpuarb_trace_load': (I32, [P, STR, I32, STR, PP]),
    'gpuarb_trace_parse': (I32, [P, STR, SIZE, STR, I32, STR, SIZE, PP]),
    'gpuarb_trace_free': (None, [P]),
    'gpuarb_trace_job_count': (I64, [P]),
    'gpuarb_trace_skipped_count': (I64, [P]),
    'gpuarb_trace_window': (I32, [P, P, DBL, DBL, PP]),
    'gpuarb_trace_to_csv': (I32, [P, P, PP]),
    'gpuarb_sim_config_load': (I32, [P, STR, PP]),
    'gpuarb_sim_config_parse': (I32, [P, STR, SIZE, STR, STR, PP]),
    'gpuarb_sim_config_default': (I32, [P, PP]),
    'gpuarb_sim_config_free': (None, [P]),
    'gpuarb_sim_config_describe': (I32, [P, P, ctypes.POINTER(SimConfigInfo)]),
    'gpuarb_simulate': (I32, [P, P, P, STR, ctypes.c_uint64, PP]),
    'gpuarb_sim_result_free': (None, [P]),
    'gpuarb_sim_result_to_json': (I32, [P, P, PP]),
    'gpuarb_tune_opts_init': (None, [ctypes.POINTER(TuneOpts)]),
    'gpuarb_tune': (I32, [P, P, PP, I32, STR, ctypes.POINTER(TuneOpts), PP, PP]),
    # MIG and fractional GPUs (issues 10 and 12)
    'gpuarb_mig_profile_count': (I32, [STR]),
    'gpuarb_mig_profile_get': (I32, [STR, I32, ctypes.POINTER(MigProfile)]),
    'gpuarb_mig_profiles_to_text': (I32, [P, STR, I32, PP]),
    'gpuarb_mig_spec_load': (I32, [P, STR, PP]),
    'gpuarb_mig_spec_parse': (I32, [P, STR, SIZE, STR, PP]),
    'gpuarb_mig_problem_free': (None, [P]),
    'gpuarb_mig_place': (I32, [P, P, PP]),
    'gpuarb_mig_result_free': (None, [P]),
    'gpuarb_mig_result_summary': (I32, [P, ctypes.POINTER(MigSummary)]),
    'gpuarb_mig_result_to_text': (I32, [P, P, I32, PP]),
    'gpuarb_mig_result_export': (I32, [P, P, ctypes.POINTER(ExportOpts), PP]),
    'gpuarb_share_cluster_create': (I32, [P, I32, ctypes.c_uint64, PP]),
    'gpuarb_share_cluster_free': (None, [P]),
    'gpuarb_share_add_node': (I32, [P, P, STR, I32, DBL, DBL, ctypes.POINTER(I32)]),
    'gpuarb_share_pod_init': (None, [ctypes.POINTER(SharePod)]),
    'gpuarb_share_add_target': (I32, [P, P, ctypes.POINTER(SharePod)]),
    'gpuarb_share_place': (I32, [P, P, ctypes.POINTER(SharePod), ctypes.POINTER(I32),
                                 ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(STR)]),
    'gpuarb_share_replay': (I32, [P, STR, STR, I32, ctypes.c_uint64, DBL, PP]),
}


def _candidates():
    """Where libgpuarb.so.MAJOR is looked for, in order."""
    soname = 'libgpuarb.so.%d' % HEADER_VERSION[0]
    env = os.environ.get('GPUARB_LIB')
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.normpath(os.path.join(here, '..', '..', '..', 'build', soname))
    return [soname, tree]   # the dynamic loader's search (installed), then this checkout


def load() -> ctypes.CDLL:
    """Load the library, declare its functions and check its version.

    Raises ImportError when no library loads or its version is not one this binding
    was written for (same major; minor and patch at least the header's)."""
    errors = []
    lib: Optional[ctypes.CDLL] = None
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
            break
        except OSError as e:
            errors.append('%s: %s' % (path, e))
    if lib is None:
        raise ImportError('gpuarb: cannot load libgpuarb (%s); install it (make install) or '
                          'set GPUARB_LIB to libgpuarb.so.%d' % ('; '.join(errors),
                                                                 HEADER_VERSION[0]))
    number = lib.gpuarb_version_number
    number.restype = I32
    number.argtypes = []
    have = number()
    major, minor, patch = have // 10000, have // 100 % 100, have % 100
    want = HEADER_VERSION
    if major != want[0] or (minor, patch) < want[1:]:
        raise ImportError('gpuarb: the library is version %d.%d.%d; this binding needs %d.%d.%d '
                          'or a later %d.x' % (major, minor, patch, *want, want[0]))
    for name, (res, args) in PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return lib
