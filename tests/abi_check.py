#!/usr/bin/env python3
"""Check that the ctypes structs the Python code declares match the C layout.

    python3 tests/abi_check.py build/tests/test_abi

The layout comes from the C compiler, through `test_abi --layout` (lines of
"struct field offset size"; the line "STRUCT sizeof 0 N" gives sizeof).  Two
declarers are checked: the binding (bindings/python/gpuarb/_native.py, every struct
in its STRUCTS table) and examples/optimize.py (its OptimizeOpts).  A declaration that
has a field the header does not have, misses one, or puts one at another offset or
size fails; so does a struct the binding declares that test_abi does not print.
The binding's module is read without loading the library.
"""
import ctypes
import importlib.util
import os
import subprocess
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..')


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


def load(name, path, package=None):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    if package:
        mod.__package__ = package
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def declarers():
    """(who, {C struct name: ctypes class}) for every Python declarer."""
    pkg = os.path.join(ROOT, 'bindings', 'python', 'gpuarb')
    # _native imports ._version only: load both as a bare package, without __init__
    # (which would load the library).
    sys.modules['gpuarb'] = types.ModuleType('gpuarb')
    sys.modules['gpuarb'].__path__ = [pkg]
    load('gpuarb._version', os.path.join(pkg, '_version.py'), 'gpuarb')
    native = load('gpuarb._native', os.path.join(pkg, '_native.py'), 'gpuarb')
    out = [('bindings/python/gpuarb/_native.py', native.STRUCTS)]
    example = load('optimize_example', os.path.join(ROOT, 'examples', 'optimize.py'))
    out.append(('examples/optimize.py', {'gpuarb_optimize_opts': example.OptimizeOpts}))
    return out


def main():
    layout = c_layout(sys.argv[1])
    bad = count = 0
    for who, structs in declarers():
        for struct, cls in structs.items():
            count += 1
            if struct not in layout:
                print('%s: %s is not printed by test_abi --layout (add it there)' % (who, struct),
                      file=sys.stderr)
                bad += 1
                continue
            want, got = layout[struct], py_layout(cls)
            for field in sorted(set(want) | set(got)):
                if want.get(field) != got.get(field):
                    print('%s.%s: C has (offset, size) %s, %s %s'
                          % (struct, field, want.get(field), who, got.get(field)), file=sys.stderr)
                    bad += 1
    print('abi_check: %d struct declaration(s) compared, %d difference(s)' % (count, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
