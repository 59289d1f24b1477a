#!/usr/bin/env python3
"""Solve a spec through libgpuarb with ctypes and print the plan.

    make && python3 examples/optimize.py [SPEC]     (default examples/spec.yaml)

Loads build/libgpuarb.so (or the library named by $GPUARB_LIB).  Only the public API of
include/gpuarb.h is used: the option struct is declared here field by field, the result is
read back as the SPEC JSON.
"""
import ctypes
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
lib = ctypes.CDLL(os.environ.get('GPUARB_LIB', os.path.join(HERE, '..', 'build', 'libgpuarb.so')))
P = ctypes.c_void_p


class OptimizeOpts(ctypes.Structure):
    """gpuarb_optimize_opts, field by field in the order of gpuarb.h (tests/abi_check.py
    compares this layout with the C compiler's)."""
    _fields_ = [('size', ctypes.c_uint32),
                ('skip_baseline', ctypes.c_int32),
                ('time_limit_s', ctypes.c_double),
                ('mip_gap', ctypes.c_double),
                ('write_model', ctypes.c_char_p),
                ('abs_gap', ctypes.c_double),
                ('memory_limit_mib', ctypes.c_double),
                ('progress', ctypes.c_void_p),
                ('progress_arg', ctypes.c_void_p),
                ('explain', ctypes.c_int32),
                ('reserved0', ctypes.c_int32),
                ('reserved', ctypes.c_uint8 * 24)]


lib.gpuarb_ctx_create.argtypes = [ctypes.POINTER(P)]
lib.gpuarb_ctx_free.argtypes = [P]
lib.gpuarb_errfull.argtypes = [P]
lib.gpuarb_errfull.restype = ctypes.c_char_p
lib.gpuarb_spec_load.argtypes = [P, ctypes.c_char_p, ctypes.POINTER(P)]
lib.gpuarb_spec_free.argtypes = [P]
lib.gpuarb_optimize_opts_init.argtypes = [ctypes.POINTER(OptimizeOpts)]
lib.gpuarb_optimize.argtypes = [P, P, P, ctypes.POINTER(OptimizeOpts), ctypes.POINTER(P)]
lib.gpuarb_result_to_json.argtypes = [P, P, ctypes.POINTER(P)]
lib.gpuarb_result_free.argtypes = [P]
lib.gpuarb_free.argtypes = [P]


def optimize(path, time_limit_s=10.0):
    """The plan for the spec at path, as the dict of SPEC section 3."""
    ctx, spec, res, text = P(), P(), P(), P()
    if lib.gpuarb_ctx_create(ctypes.byref(ctx)) != 0:
        raise MemoryError('gpuarb_ctx_create')
    try:
        opts = OptimizeOpts()
        lib.gpuarb_optimize_opts_init(ctypes.byref(opts))
        opts.time_limit_s = time_limit_s
        if (lib.gpuarb_spec_load(ctx, path.encode(), ctypes.byref(spec)) != 0
                or lib.gpuarb_optimize(ctx, spec, None, ctypes.byref(opts), ctypes.byref(res)) != 0
                or lib.gpuarb_result_to_json(ctx, res, ctypes.byref(text)) != 0):
            raise ValueError(lib.gpuarb_errfull(ctx).decode())
        return json.loads(ctypes.string_at(text))
    finally:
        lib.gpuarb_free(text)
        lib.gpuarb_result_free(res)
        lib.gpuarb_spec_free(spec)
        lib.gpuarb_ctx_free(ctx)


if __name__ == '__main__':
    plan = optimize(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'spec.yaml'))
    for a in plan['allocations']:
        print('%-13s %2d x %-22s %-7s %-16s %s' % (a['workload'], a['count'], a['instance_type'],
                                                   a['provider'], a['region'], a['market']))
    print('%s: total $%.2f, %.2f $/h, savings vs one provider on demand: %s %%'
          % (plan['status'], plan['total_cost'], plan['cost_per_hour'],
             'n/a' if plan['savings_pct'] is None else '%.1f' % plan['savings_pct']))
