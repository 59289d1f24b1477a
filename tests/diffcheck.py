#!/usr/bin/env python3
"""The differential check of `gpuarb optimize` (SPEC section 2) on many generated specs.

    python3 tests/diffcheck.py GPUARB REFSOLVE [COUNT] [SEED] [--keep DIR] [--jobs N]

Each spec is solved by gpuarb and by the independent reference ../shared/tools/refsolve.py (its
own model on CBC).  Neither is trusted: both plans are checked by this file's own plan checker,
written from SPEC section 2 alone (eligibility, GPU counts, gangs, capacities summed over
workloads, budget, both share caps in GPUs, the cost, egress and throughput formulas).  Then

  agree      same status and the same objective (cost; for max_throughput throughput, then cost);
  ours       a disagreement that is gpuarb's fault: its plan fails the checker, its figures are
             not the checker's, it says optimal (or infeasible) while the reference holds a
             checked plan that is better, or its bound is beaten by a checked plan;
  reference  the reference is wrong and gpuarb's checked plan is the witness (a better plan than
             the reference's "optimal", or a plan where it says infeasible), or the reference's
             own plan fails the checker;
  unproven   gpuarb stopped at its time limit with an honest gap (status feasible) and the
             reference is better;

and the run fails (exit 1) on any "ours".  The generated families, in turn: random specs as in
tests/gen_specs.py with gangs kept on demand (SPEC's gang-on-spot rate is not in the reference);
gangs on demand with capacities; a cheap provider under a binding max_provider_share; cheap spot
under a binding max_spot_share; max_throughput under a tight budget.  Whether a cap binds is
measured (the reference re-solved without it), and the count is printed.  A sixth family stresses
tolerances and restrictions: throughput factors from 1e-6 to 10, near-free offers, gangs without
max_gpus, long horizons, large counts under share caps.
"""
import fnmatch
import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_specs  # noqa: E402  (the random families share its catalog shapes)

DEFAULT_RATE = 0.05
# Plans are compared to a relative 1e-9: both figures are sums of catalog prices (or GPU
# counts x throughput factors down to 1e-6) computed by the same checker, so anything larger
# is a real difference (one instance of a 1e-6 factor is one, and "optimal within a cent"
# is another).
REL = 1e-9

# ---------------------------------------------------------------- the checker


def read_catalog(path):
    import csv
    with open(path) as f:
        rows = list(csv.DictReader(l for l in f if not l.startswith('#')))
    out = []
    for r in rows:
        def num(k):
            v = r.get(k, '')
            return None if v in ('', None) else float(v)
        out.append({'provider': r['provider'], 'region': r['region'], 'zone': r.get('zone') or '',
                    'instance_type': r['instance_type'], 'gpu': r['gpu'],
                    'gpu_count': int(r['gpu_count']), 'mem': num('gpu_memory_gb') or 0.0,
                    'price': num('price_hour'), 'spot': num('spot_price_hour'),
                    'rate': num('interruption_rate'), 'cap': None if r.get('capacity', '') == ''
                    else int(r['capacity'])})
    return out


def glob_ok(name, rule):
    if not rule:
        return True
    if rule.get('allow') and not any(fnmatch.fnmatchcase(name, g) for g in rule['allow']):
        return False
    return not any(fnmatch.fnmatchcase(name, g) for g in rule.get('deny', []))


def eligible(spec, w, o, market):
    cons = spec.get('constraints', {})
    if not glob_ok(o['provider'], cons.get('providers')) or not glob_ok(o['region'], cons.get('regions')):
        return 'filtered out by constraints'
    models = w.get('gpu')
    if isinstance(models, str):
        models = [models]
    if models and o['gpu'].lower() not in [m.lower() for m in models]:
        return 'GPU model not accepted'
    if w.get('min_gpu_memory_gb') and o['mem'] < w['min_gpu_memory_gb']:
        return 'GPU memory too small'
    if w.get('gpus_per_node') and o['gpu_count'] != w['gpus_per_node']:
        return 'gpus_per_node'
    spot = w.get('spot', 'never')
    if market == 'spot' and (spot == 'never' or o['spot'] is None):
        return 'spot not allowed or not offered'
    if market == 'ondemand' and (spot == 'only' or o['price'] is None):
        return 'on demand not allowed or not offered'
    return None


def loss(w):
    return w.get('checkpoint_minutes', 60) / 120.0 + w.get('restart_minutes', 5) / 60.0


def gang(w):
    return bool(w.get('same_region') or w.get('same_zone'))


def check_plan(spec, cat, allocs):
    """SPEC section 2 applied to a plan: (problems, figures)."""
    bad = []
    ws = {w['name']: w for w in spec['workloads']}
    H = spec.get('horizon_hours', 1)
    rates = spec.get('egress_per_gb', {})
    used = {}       # catalog index -> instances over all workloads
    gpus = {n: 0 for n in ws}
    places = {n: set() for n in ws}
    zones = {n: set() for n in ws}
    prov_gpus, spot_gpus, all_gpus = {}, 0, 0
    per_w = {n: [] for n in ws}
    for a in allocs:
        w = ws.get(a['workload'])
        if w is None:
            bad.append('unknown workload %r' % a['workload'])
            continue
        idx = [i for i, o in enumerate(cat) if o['provider'] == a['provider'] and
               o['region'] == a['region'] and o['instance_type'] == a['instance_type'] and
               o['zone'] == (a.get('zone') or '')]
        if len(idx) != 1:
            bad.append('allocation names %d catalog rows: %r' % (len(idx), a))
            continue
        o = cat[idx[0]]
        why = eligible(spec, w, o, a['market'])
        if why:
            bad.append('%s on %s: %s' % (a['workload'], a['instance_type'], why))
        n = a['count']
        if not isinstance(n, int) or n <= 0:
            bad.append('count %r' % n)
            continue
        used[idx[0]] = used.get(idx[0], 0) + n
        g = n * o['gpu_count']
        gpus[a['workload']] += g
        places[a['workload']].add((o['provider'], o['region']))
        zones[a['workload']].add((o['provider'], o['region'], o['zone']))
        prov_gpus[o['provider']] = prov_gpus.get(o['provider'], 0) + g
        all_gpus += g
        if a['market'] == 'spot':
            spot_gpus += g
        per_w[a['workload']].append((o, a['market'], n))
    cph = egress = tput = 0.0
    for name, w in ws.items():
        lo = w.get('gpus', w.get('min_gpus', 0))
        hi = w.get('gpus', w.get('max_gpus'))
        if gpus[name] < lo or (hi is not None and gpus[name] > hi):
            bad.append('%s has %d GPUs, wants [%s, %s]' % (name, gpus[name], lo, hi))
        if gang(w) and len(places[name]) > 1:
            bad.append('gang %s spans %s' % (name, sorted(places[name])))
        if w.get('same_zone') and len(zones[name]) > 1:
            bad.append('same_zone %s spans %s' % (name, sorted(zones[name])))
        # cost: independent replicas per instance; a gang with spot instances stops as a whole
        lam = sum(n * (o['rate'] if o['rate'] is not None else DEFAULT_RATE)
                  for o, m, n in per_w[name] if m == 'spot')
        gden = 1 - lam * loss(w)
        if gang(w) and lam > 0 and gden <= 0.1:
            bad.append('gang %s interruption denominator %.4f <= 0.1' % (name, gden))
        for o, m, n in per_w[name]:
            price = o['spot'] if m == 'spot' else o['price']
            if gang(w) and lam > 0:
                unit = price / gden
            elif m == 'spot':
                den = 1 - (o['rate'] if o['rate'] is not None else DEFAULT_RATE) * loss(w)
                if den <= 0.1:
                    bad.append('%s spot on %s: denominator %.4f <= 0.1' % (name, o['instance_type'], den))
                unit = price / den
            else:
                unit = price
            cph += n * unit
            thr = {k.lower(): v for k, v in w.get('throughput', {}).items()}.get(o['gpu'].lower(), 1.0)
            tput += n * o['gpu_count'] * thr
        d = w.get('data')
        if d:
            for p, r in places[name]:
                if (p, r) == (d['provider'], d['region']):
                    continue
                egress += d['gb'] * (rates.get('same_provider', 0.02) if p == d['provider']
                                     else rates.get('other_provider', 0.09))
    for i, n in used.items():
        if cat[i]['cap'] is not None and n > cat[i]['cap']:
            bad.append('%s: %d instances, capacity %d' % (cat[i]['instance_type'], n, cat[i]['cap']))
    b = spec.get('budget_per_hour')
    if b is not None and cph > b * (1 + 1e-9) + 1e-9:
        bad.append('cost %.6f/h over the budget %s' % (cph, b))
    cons = spec.get('constraints', {})
    ps = cons.get('max_provider_share')
    if ps is not None:
        for p, g in prov_gpus.items():
            if g > ps * all_gpus + 1e-9:
                bad.append('provider %s has %d of %d GPUs, share %s' % (p, g, all_gpus, ps))
    ss = cons.get('max_spot_share')
    if ss is not None and spot_gpus > ss * all_gpus + 1e-9:
        bad.append('%d of %d GPUs on spot, share %s' % (spot_gpus, all_gpus, ss))
    return bad, {'cph': cph, 'egress': egress, 'total': H * cph + egress, 'tput': tput}


def close(a, b):
    return abs(a - b) <= REL * (1 + abs(b))


def better(obj, a, b):
    """1 if figures a are strictly better than b for the objective."""
    if obj == 'max_throughput':
        if a['tput'] > b['tput'] + REL * (1 + abs(b['tput'])):
            return True
        if not close(a['tput'], b['tput']):
            return False
    return a['total'] < b['total'] - REL * (1 + abs(b['total']))


# ---------------------------------------------------------------- the reference's plan

def load_ref(path):
    import importlib.util
    spec = importlib.util.spec_from_file_location('refsolve', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def ref_plan(R, spec, rcat, **kw):
    """(status, allocations) of the reference on spec, read from CBC's solution file."""
    d = tempfile.mkdtemp(prefix='gpuarb-ref-')
    res = R.solve(spec, rcat, tmp=d, **kw)
    if res['status'] != 'optimal':
        return res['status'], None
    cols = R.columns(spec, rcat, kw.get('providers'), kw.get('ondemand_only', False))
    vals = {}
    with open(os.path.join(d, 'm.sol')) as f:
        for line in f.readlines()[1:]:
            p = line.split()
            if len(p) >= 3:
                vals[p[1]] = float(p[2])
    allocs = {}
    for k, (wi, o, m, u) in enumerate(cols):
        n = int(round(vals.get('x%d' % k, 0)))
        if n > 0:
            key = (spec['workloads'][wi]['name'], o['provider'], o['region'], o['zone'] or '',
                   o['instance_type'], m)
            allocs[key] = allocs.get(key, 0) + n
    return 'optimal', [{'workload': k[0], 'provider': k[1], 'region': k[2], 'zone': k[3],
                        'instance_type': k[4], 'market': k[5], 'count': n}
                       for k, n in allocs.items()]


# ---------------------------------------------------------------- the generator

def offers_cheap(rng, cheap_provider=None, cheap_spot=False):
    rows = gen_specs.offer_rows(rng)
    for r in rows:
        if cheap_provider and r[0] == cheap_provider:
            r[7] = round(r[7] * 0.5, 4)
        if cheap_spot and r[8] == '':
            r[8] = round(r[7] * 0.3, 4)
            r[9] = round(rng.uniform(0.01, 0.08), 3)
    return rows


def extreme_case(rng):
    """Wide ranges that stress tolerances and model restrictions: throughput factors from 1e-6
    to 10, prices from $0.0001/h, gangs without max_gpus, large counts under share caps."""
    rows = gen_specs.offer_rows(rng)
    for r in rows[:2]:
        r[7] = rng.choice([0.0001, 0.001, 0.05])
    obj = rng.choice(['min_cost', 'max_throughput'])
    spec = {'version': 1, 'objective': obj, 'horizon_hours': rng.choice([1, 24, 720]),
            'budget_per_hour': rng.choice([20, 100, 400])}
    models = sorted({r[4] for r in rows})
    ws = []
    for i in range(rng.randint(1, 3)):
        w = {'name': 'w%d' % i, 'min_gpus': rng.choice([1, 4, 16, 40])}
        if rng.random() < 0.5:
            w['same_region'] = True
        if obj == 'max_throughput':
            w['throughput'] = {m: rng.choice([0.000001, 0.01, 1, 10]) for m in models}
        if rng.random() < 0.3:
            w['spot'] = 'allow'
        ws.append(w)
    spec['workloads'] = ws
    cons = {}
    if rng.random() < 0.6:
        cons['max_provider_share'] = rng.choice([0.3, 0.5, 0.7])
    if rng.random() < 0.3:
        cons['max_spot_share'] = rng.choice([0.2, 0.5])
    if cons:
        spec['constraints'] = cons
    if obj == 'min_cost' and rng.random() < 0.5:
        del spec['budget_per_hour']
    return spec, rows


def make_case(rng, n):
    fam = n % 6
    if fam == 5:
        spec, rows = extreme_case(rng)
        fam = -1
    if fam == -1:
        pass
    elif fam == 0:    # random, gangs on demand
        spec, rows = gen_specs.case(rng, n)
    elif fam == 1:    # gangs on demand with capacities
        spec, rows = gen_specs.case(rng, n)
        for w in spec['workloads']:
            w['same_region'] = rng.random() < 0.7
        for r in rows:
            if r[10] == '' and rng.random() < 0.5:
                r[10] = rng.choice([1, 2, 3])
    elif fam == 2:    # a cheap provider under a provider cap
        rows = offers_cheap(rng)
        prov = rng.choice(sorted({r[0] for r in rows}))
        for r in rows:
            if r[0] == prov:
                r[7] = round(r[7] * 0.4, 4)
        spec, _ = gen_specs.case(rng, n)
        spec['workloads'] = [gen_specs.workload(rng, i, rows, spec['objective'])
                             for i in range(rng.randint(1, 3))]
        spec.setdefault('constraints', {})['max_provider_share'] = rng.choice([0.4, 0.5, 0.6, 0.75])
        spec['constraints'].pop('providers', None)
    elif fam == 3:    # cheap spot under a spot cap
        rows = offers_cheap(rng, cheap_spot=True)
        spec, _ = gen_specs.case(rng, n)
        spec['workloads'] = [gen_specs.workload(rng, i, rows, spec['objective'])
                             for i in range(rng.randint(1, 3))]
        for w in spec['workloads']:
            if w['spot'] == 'never' and rng.random() < 0.7:
                w['spot'] = 'allow'
                w['checkpoint_minutes'] = 30
                w['restart_minutes'] = 5
        spec.setdefault('constraints', {})['max_spot_share'] = rng.choice([0.2, 0.3, 0.5, 0.6])
        if rng.random() < 0.4:
            spec['constraints']['max_provider_share'] = rng.choice([0.5, 0.7])
    else:             # max_throughput under a tight budget
        rows = gen_specs.offer_rows(rng)
        spec = {'version': 1, 'objective': 'max_throughput',
                'horizon_hours': rng.choice([1, 8, 24]), 'time_limit_s': 30,
                'budget_per_hour': rng.choice([8, 15, 25, 40, 60])}
        spec['workloads'] = [gen_specs.workload(rng, i, rows, 'max_throughput')
                             for i in range(rng.randint(1, 3))]
        if rng.random() < 0.5:
            spec['constraints'] = {'max_provider_share': rng.choice([0.5, 0.7])}
            if rng.random() < 0.5:
                spec['constraints']['max_spot_share'] = rng.choice([0.3, 0.5])
    spec['catalog'] = 'case_%03d.csv' % n
    spec['time_limit_s'] = 30
    # a family that swaps the catalog keeps the first one's provider rules: a
    # provider the catalog lacks is bad input (SPEC section 2), so drop those
    have = {r[0] for r in rows}
    rule = spec.get('constraints', {}).get('providers')
    if rule:
        for k in ('allow', 'deny'):
            if k in rule:
                rule[k] = [q for q in rule[k] if q in have]
                if not rule[k]:
                    del rule[k]
        if not rule:
            del spec['constraints']['providers']
    for w in spec['workloads']:
        g = w.get('gpus_per_node')
        if g and 'max_gpus' in w and w['max_gpus'] < g * -(-max(w.get('min_gpus', 0), 1) // g):
            # a range no whole node fits is bad input (exit 3), not a solver case
            w['max_gpus'] = g * -(-max(w.get('min_gpus', 0), 1) // g)
        if gang(w) and w.get('spot', 'never') != 'never':
            # SPEC's gang-on-spot rate is not in the reference: keep gangs on demand
            w['spot'] = 'never'
            w.pop('checkpoint_minutes', None)
            w.pop('restart_minutes', None)
    return spec, rows


# ---------------------------------------------------------------- one case

def run_gpuarb(gpuarb, path):
    p = subprocess.run([gpuarb, 'optimize', '--format', 'json', path], capture_output=True,
                       text=True, timeout=600)
    try:
        return json.loads(p.stdout), p.returncode, p.stderr
    except ValueError:
        return None, p.returncode, p.stderr


def one(args):
    gpuarb, R, d, n, spec = args
    path = os.path.join(d, 'case_%03d.json' % n)
    cat = read_catalog(os.path.join(d, spec['catalog']))
    rcat = R.load_catalog(os.path.join(d, spec['catalog']))
    obj = spec.get('objective', 'min_cost')
    out = {'case': os.path.basename(path), 'family': n % 6, 'binding': []}
    a, rc, err = run_gpuarb(gpuarb, path)
    if a is None:
        out.update(verdict='ours', why='no JSON (exit %d): %s' % (rc, err.strip()[-200:]))
        return out
    rst, rplan = ref_plan(R, spec, rcat)
    out['status'] = (a['status'], rst)
    problems = []
    ours = None
    if a['status'] in ('optimal', 'feasible'):
        bad, ours = check_plan(spec, cat, a['allocations'])
        problems += ['gpuarb plan: ' + b for b in bad]
        for k, kk in (('cost_per_hour', 'cph'), ('total_cost', 'total'), ('egress_cost', 'egress'),
                      ('throughput', 'tput')):
            # SPEC: money is printed rounded to 6 decimals
            tol = 5.01e-7 + 1e-12 * abs(ours[kk]) if kk != 'tput' else REL * (1 + abs(ours[kk]))
            if abs(a[k] - ours[kk]) > tol:
                problems.append('gpuarb says %s %.9g, the checker %.9g' % (k, a[k], ours[kk]))
    ref = None
    ref_bad = []
    if rplan is not None:
        ref_bad, ref = check_plan(spec, cat, rplan)
        if ref_bad:
            ref = None
    # the reference's cap-free optimum tells whether a cap binds
    cons = spec.get('constraints', {})
    for cap in ('max_provider_share', 'max_spot_share'):
        if cap in cons and ref is not None:
            s2 = json.loads(json.dumps(spec))
            del s2['constraints'][cap]
            st2, p2 = ref_plan(R, s2, rcat)
            if st2 == 'optimal':
                f2 = check_plan(s2, cat, p2)[1]
                if better(obj, f2, ref):
                    out['binding'].append(cap)
    if not problems:
        if ref is not None and ours is not None and a['status'] == 'optimal' and better(obj, ref, ours):
            problems.append('gpuarb says optimal at %.9g, the reference has a checked plan at %.9g'
                            % (ours['total'], ref['total']))
        if ref is not None and a['status'] == 'infeasible':
            problems.append('gpuarb says infeasible, the reference has a checked plan')
        if ref is not None and a.get('bound') is not None and a['status'] in ('optimal', 'feasible'):
            if obj == 'min_cost' and a['bound'] > ref['total'] + 5.01e-7 + REL * ref['total']:
                problems.append('bound %.9g above a checked plan at %.9g' % (a['bound'], ref['total']))
            if obj == 'max_throughput' and a['bound'] < ref['tput'] - REL * (1 + ref['tput']):
                problems.append('bound %.9g below a checked plan\'s throughput %.9g' % (a['bound'], ref['tput']))
    # the baseline: cheapest single-provider on-demand plan (min_cost)
    if not problems and obj == 'min_cost' and a['status'] == 'optimal':
        best = None
        for p in sorted({o['provider'] for o in rcat}):
            st3, p3 = ref_plan(R, spec, rcat, providers={p}, ondemand_only=True)
            if st3 == 'optimal':
                b3, f3 = check_plan(spec, cat, p3)
                if not b3 and (best is None or f3['total'] < best - 1e-9):
                    best = f3['total']
        ob = (a.get('baseline') or {}).get('total_cost')
        if best is not None and (ob is None or best < ob - REL * (1 + best)):
            problems.append('baseline %s, the reference has a checked single-provider plan at %.9g'
                            % (ob, best))
    if problems:
        out.update(verdict='ours', why='; '.join(problems))
    elif ours is not None and ref is not None and close(ours['total'], ref['total']) and \
            (obj != 'max_throughput' or close(ours['tput'], ref['tput'])):
        out['verdict'] = 'agree'
    elif ours is None and a['status'] == 'infeasible' and rst == 'infeasible':
        out['verdict'] = 'agree'
    elif ref_bad:
        out.update(verdict='reference', why='its plan fails the checker: ' + '; '.join(ref_bad))
    elif ours is not None and (ref is None or better(obj, ours, ref)):
        fig = (lambda f: 'throughput %.9g at %.9g' % (f['tput'], f['total'])) \
            if obj == 'max_throughput' else (lambda f: '%.9g' % f['total'])
        out.update(verdict='reference', why='gpuarb\'s checked plan (%s) is better than the '
                   'reference\'s %s' % (fig(ours), 'infeasible' if ref is None else
                                        'optimum %s' % fig(ref)))
    elif a['status'] == 'feasible':
        out.update(verdict='unproven', why='gpuarb stopped with gap %.3g' % a.get('mip_gap', 0))
    else:
        out.update(verdict='ours', why='unexplained: gpuarb %s, reference %s' % (a['status'], rst))
    return out


def main(argv):
    keep = None
    jobs = 2
    pos = []
    i = 0
    while i < len(argv):
        if argv[i] == '--keep':
            keep = argv[i + 1]
            i += 2
        elif argv[i] == '--jobs':
            jobs = int(argv[i + 1])
            i += 2
        else:
            pos.append(argv[i])
            i += 1
    if len(pos) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    gpuarb, refsolve = pos[0], pos[1]
    count = int(pos[2]) if len(pos) > 2 else 500
    rng = random.Random(int(pos[3]) if len(pos) > 3 else 15)
    R = load_ref(refsolve)
    d = keep or tempfile.mkdtemp(prefix='gpuarb-diff-')
    os.makedirs(d, exist_ok=True)
    jobs_in = []
    for n in range(count):
        spec, rows = make_case(rng, n)
        with open(os.path.join(d, 'case_%03d.json' % n), 'w') as f:
            json.dump(spec, f, indent=1)
        with open(os.path.join(d, spec['catalog']), 'w') as f:
            f.write(','.join(gen_specs.HEADER) + '\n')
            for r in rows:
                f.write(','.join(str(x) for x in r) + '\n')
        jobs_in.append((gpuarb, R, d, n, spec))
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        results = list(ex.map(one, jobs_in))
    tally = {}
    feats = {'gang': 0, 'provider cap binds': 0, 'spot cap binds': 0, 'max_throughput': 0}
    for (_, _, _, n, spec), r in zip(jobs_in, results):
        tally[r['verdict']] = tally.get(r['verdict'], 0) + 1
        feats['gang'] += any(gang(w) for w in spec['workloads'])
        feats['provider cap binds'] += 'max_provider_share' in r['binding']
        feats['spot cap binds'] += 'max_spot_share' in r['binding']
        feats['max_throughput'] += spec.get('objective') == 'max_throughput'
        if r['verdict'] != 'agree':
            print('  %-9s %s %s: %s' % (r['verdict'], r['case'], r.get('status'), r.get('why')))
    print('differential check: %d specs (%s); %s; kept in %s' % (
        count, ', '.join('%s %d' % kv for kv in feats.items()),
        ', '.join('%s %d' % (k, tally.get(k, 0)) for k in ('agree', 'ours', 'reference', 'unproven')),
        d if keep else 'a temporary folder'))
    return 1 if tally.get('ours') else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
