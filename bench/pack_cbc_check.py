#!/usr/bin/env python3
"""pack_cbc_check.py - issue 9's small random vector cases against CBC.

Usage: python3 bench/pack_cbc_check.py GPUARB [CASES] [CBC_SECONDS]

36 cases (by default) of 17-25 jobs with GPUs, CPUs and memory on 1-3 priced
node types (p4d, g5.12xlarge and p5-like shapes), alternately min_nodes and
min_cost.  Each case is written as a pack spec for `gpuarb pack` and as an
assignment MIP in CPLEX LP format for CBC (coinor-cbc): slot k may open one
node type (z_k_t), x_i_k puts job i on slot k, slots are used in order and
job i sits in a slot <= i (slots numbered by their lowest job).  min_nodes
minimises (K * max price + 1) * nodes + cost, so ties go to the cheaper
packing as SPEC section 4 says; min_cost minimises the cost.  K, the slots,
is what first fit on type 0 needs (min_nodes) or the cost of that packing
over the cheapest price (min_cost), capped at the job count: never fewer
than an optimum uses.  Prints one line per case and the count of cases
where gpuarb is worse than CBC's proven optimum.  Needs cbc on PATH.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

SHAPES = [(8, 96, 1152, 32.77), (4, 48, 192, 5.67), (8, 192, 2048, 98.32)]
JOB_GPUS = [1, 1, 2, 2, 2, 3, 4, 4]


def make_case(c, rng):
    n = 17 + c % 9
    nt = 1 + c % 3
    types = [SHAPES[(t + c // 3) % 3] for t in range(nt)]
    cap0 = types[0]
    jobs = []
    for _ in range(n):
        g = min(rng.choice(JOB_GPUS), cap0[0])
        cpu = 4 + rng.randrange(cap0[1] // 2)
        mem = 16 + rng.randrange(cap0[2] // 2)
        jobs.append((g, cpu, mem))
    return jobs, types, c % 2


def first_fit_slots(jobs, cap):
    loads = []
    for j in jobs:
        for ld in loads:
            if all(ld[d] + j[d] <= cap[d] for d in range(3)):
                for d in range(3):
                    ld[d] += j[d]
                break
        else:
            loads.append(list(j))
    return len(loads)


def write_lp(path, jobs, types, min_cost):
    n, nt = len(jobs), len(types)
    K = first_fit_slots(jobs, types[0])
    cmax = max(t[3] for t in types)
    if min_cost:
        cmin = min(t[3] for t in types)
        K = min(n, int(K * types[0][3] / cmin + 1e-9))
    big = K * cmax + 1
    z = lambda k, t: 'z_%d_%d' % (k, t)
    x = lambda i, k: 'x_%d_%d' % (i, k)
    out = ['Minimize', ' obj: ' + ' + '.join(
        '%.6f %s' % ((0 if min_cost else big) + types[t][3], z(k, t))
        for k in range(K) for t in range(nt)), 'Subject To']
    for i in range(n):
        out.append(' a%d: %s = 1' % (i, ' + '.join(x(i, k) for k in range(min(i + 1, K)))))
    for k in range(K):
        for d in range(3):
            lhs = ' + '.join('%g %s' % (jobs[i][d], x(i, k)) for i in range(k, n))
            out.append(' c%d_%d: %s - %s <= 0' % (k, d, lhs, ' - '.join(
                '%g %s' % (types[t][d], z(k, t)) for t in range(nt))))
        out.append(' o%d: %s <= 1' % (k, ' + '.join(z(k, t) for t in range(nt))))
        if k + 1 < K:
            out.append(' s%d: %s - %s >= 0' % (k, ' + '.join(z(k, t) for t in range(nt)),
                                               ' - '.join(z(k + 1, t) for t in range(nt))))
        for i in range(k, n):
            out.append(' l%d_%d: %s - %s <= 0' % (i, k, x(i, k), ' - '.join(
                z(k, t) for t in range(nt))))
    out.append('Binaries')
    out += [' ' + z(k, t) for k in range(K) for t in range(nt)]
    out += [' ' + x(i, k) for i in range(n) for k in range(min(i + 1, K))]
    out.append('End')
    with open(path, 'w') as f:
        f.write('\n'.join(out) + '\n')


def cbc_solve(lp, sol, secs, types):
    subprocess.run(['cbc', lp, 'sec', str(secs), 'solve', 'solu', sol],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    with open(sol) as f:
        head = f.readline()
        nodes, cost = 0, 0.0
        for line in f:
            p = line.split()
            if len(p) >= 3 and p[1].startswith('z_') and float(p[2]) > 0.5:
                nodes += 1
                cost += types[int(p[1].split('_')[2])][3]
    return head.startswith('Optimal'), nodes, cost


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    gpuarb = argv[0]
    cases = int(argv[1]) if len(argv) > 1 else 36
    secs = int(argv[2]) if len(argv) > 2 else 120
    rng = random.Random(2026)
    worse = proven = 0
    tmp = tempfile.mkdtemp(prefix='packcbc')
    for c in range(cases):
        jobs, types, min_cost = make_case(c, rng)
        spec = {'nodes': [{'name': 't%d' % t, 'gpus': s[0], 'cpus': s[1], 'memory_gb': s[2],
                           'cost_hour': s[3]} for t, s in enumerate(types)],
                'items': [{'name': 'j%d' % i, 'gpus': j[0], 'cpus': j[1], 'memory_gb': j[2]}
                          for i, j in enumerate(jobs)],
                'objective': 'min_cost' if min_cost else 'min_nodes'}
        sp = os.path.join(tmp, 'c%d.json' % c)
        with open(sp, 'w') as f:
            json.dump(spec, f)
        r = subprocess.run([gpuarb, 'pack', '--format', 'json', sp], capture_output=True,
                           text=True)
        d = json.loads(r.stdout)
        lp, sol = os.path.join(tmp, 'c%d.lp' % c), os.path.join(tmp, 'c%d.sol' % c)
        write_lp(lp, jobs, types, min_cost)
        opt, mn, mc = cbc_solve(lp, sol, secs, types)
        if not opt:
            print('case %2d n %d types %d %-9s gpuarb %d nodes %.2f (%s) | cbc not proven'
                  % (c, len(jobs), len(types), spec['objective'], d['nodes_used'],
                     d['cost_per_hour'], d['status']))
            continue
        proven += 1
        if min_cost:
            bad = d['cost_per_hour'] > mc + 1e-6
        else:
            bad = d['nodes_used'] > mn or (d['nodes_used'] == mn and
                                           d['cost_per_hour'] > mc + 1e-6)
        worse += bad
        print('case %2d n %d types %d %-9s gpuarb %d nodes %.2f (%s, %.0f ms) | cbc %d nodes '
              '%.2f%s' % (c, len(jobs), len(types), spec['objective'], d['nodes_used'],
                          d['cost_per_hour'], d['status'], d['solve_ms'], mn, mc,
                          '  WORSE' if bad else ''))
    print('%d of %d cases proven by CBC; gpuarb worse than the optimum on %d' %
          (proven, cases, worse))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
