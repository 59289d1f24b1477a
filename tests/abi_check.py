#!/usr/bin/env python3
"""Check that the ctypes structs of examples/optimize.py match the C layout.

    python3 tests/abi_check.py build/tests/test_abi

The layout comes from the C compiler, through `test_abi --layout` (lines of
"struct field offset size"; the line "STRUCT sizeof 0 N" gives sizeof).  A binding
that declares a field the header does not have, misses one, or puts one at another
offset or size fails.  Loading the example loads the library: set GPUARB_LIB to it.
"""
import ctypes
import importlib.util
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINDINGS = {'gpuarb_optimize_opts': 'OptimizeOpts'}


def c_layout(test_abi):
    out = subprocess.run([test_abi, '--layout'], check=True, capture_output=True, text=True).stdout
    layout = {}
    for line in out.splitlines():
        struct, field, offset, size = line.split()
        layout.setdefault(struct, {})[field] = (int(offset), int(size))
    return layout


def py_layout(cls):
    fields = {name: (getattr(cls, name).offset, getattr(cls, name).size)
              for name, _ in cls._fields_}
    fields['sizeof'] = (0, ctypes.sizeof(cls))
    return fields


def main():
    spec = importlib.util.spec_from_file_location('optimize', os.path.join(HERE, '..', 'examples',
                                                                           'optimize.py'))
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    layout = c_layout(sys.argv[1])
    bad = 0
    for struct, cls_name in BINDINGS.items():
        want, got = layout[struct], py_layout(getattr(example, cls_name))
        for field in sorted(set(want) | set(got)):
            if want.get(field) != got.get(field):
                print('%s.%s: C has (offset, size) %s, examples/optimize.py %s'
                      % (struct, field, want.get(field), got.get(field)), file=sys.stderr)
                bad += 1
    print('abi_check: %d struct(s) compared, %d difference(s)' % (len(BINDINGS), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
