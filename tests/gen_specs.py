#!/usr/bin/env python3
"""Generate small random optimize specs and native CSV catalogs for the differential check in
tests/cli.sh, which solves each with `gpuarb optimize` and with an independent reference solver
(../shared/tools/refsolve.py, on CBC) and compares the costs.

    python3 tests/gen_specs.py OUTDIR [COUNT] [SEED]

writes OUTDIR/case_NN.json (spec) and OUTDIR/case_NN.csv (its catalog) for NN = 00..COUNT-1.
The seed is fixed by default so every run checks the same cases.  The cases mix the features of
SPEC section 2: exact and ranged GPU counts, model lists, gpus_per_node, same_region, spot
never/allow/only with checkpoint and restart times, data egress (with and without overridden
rates), capacities, budgets, provider and spot shares, provider and region filters, and both
objectives.  They stay small (at most 10 offers, 3 workloads) so CBC proves each in well under
a second.  Only canonical GPU names are used (the reference knows no aliases), and every row
gives gpu_memory_gb (the reference knows no model table).
"""
import json
import os
import random
import sys

REGIONS = {
    'aws': ['us-east-1', 'us-west-2', 'eu-west-1'],
    'gcp': ['us-central1', 'europe-west4'],
    'azure': ['eastus', 'westeurope'],
    'lambda': ['us-east-1', 'us-south-1'],
}
# Model, memory per GPU (GB), rough on-demand $/GPU-hour.
MODELS = [('H100', 80, 4.0), ('A100-80GB', 80, 2.5), ('L4', 24, 0.8), ('A10G', 24, 1.0)]


def offer_rows(rng):
    rows = []
    for k in range(rng.randint(6, 10)):
        prov = rng.choice(sorted(REGIONS))
        region = rng.choice(REGIONS[prov])
        gpu, mem, per_gpu = rng.choice(MODELS)
        count = rng.choice([1, 2, 4, 8])
        price = round(count * per_gpu * rng.uniform(0.7, 1.3), 4)
        spot = rate = ''
        if rng.random() < 0.5:
            spot = round(price * rng.uniform(0.3, 0.6), 4)
            if rng.random() < 0.7:
                rate = round(rng.uniform(0.01, 0.3), 3)
        cap = rng.choice(['', '', '', 1, 2, 3])
        rows.append([prov, region, '', '%s-%s-%dx-%d' % (prov, gpu.lower(), count, k), gpu,
                     count, mem, price, spot, rate, cap])
    return rows


def workload(rng, i, rows, objective):
    w = {'name': 'w%d' % i}
    models = sorted({r[4] for r in rows})
    if rng.random() < 0.6:
        w['gpu'] = rng.sample(models, rng.randint(1, len(models)))
    elif rng.random() < 0.3:
        w['min_gpu_memory_gb'] = 40
    if objective == 'max_throughput':
        w['min_gpus'] = rng.choice([0, 1, 2])
        w['max_gpus'] = rng.choice([4, 8, 16])
        if rng.random() < 0.5:
            w['throughput'] = {m: round(rng.uniform(0.5, 3.0), 2) for m in models[:2]}
    elif rng.random() < 0.7:
        # Every node size (1, 2, 4, 8) divides 8 and 16, so these counts can be met.
        w['gpus'] = rng.choice([4, 8, 8, 16])
    else:
        w['min_gpus'] = rng.choice([1, 2, 4])
        w['max_gpus'] = w['min_gpus'] + rng.choice([7, 8, 12])
    if rng.random() < 0.2:
        # A node size the catalog has, and an exact count it divides.
        w['gpus_per_node'] = rng.choice(sorted({r[5] for r in rows}))
        if 'gpus' in w:
            w['gpus'] = w['gpus_per_node'] * rng.choice([1, 2])
    if rng.random() < 0.3:
        w['same_region'] = True
    w['spot'] = rng.choice(['never', 'never', 'allow', 'allow', 'only'])
    if w['spot'] != 'never':
        w['checkpoint_minutes'] = rng.choice([10, 30, 60, 120])
        w['restart_minutes'] = rng.choice([2, 5, 15])
    if rng.random() < 0.5:
        # a provider of the catalog: one that none offers is bad input (SPEC 2)
        prov = rng.choice(sorted({r[0] for r in rows}))
        w['data'] = {'provider': prov, 'region': rng.choice(REGIONS[prov]),
                     'gb': rng.choice([10, 200, 1500])}
    return w


def case(rng, n):
    rows = offer_rows(rng)
    objective = 'max_throughput' if rng.random() < 0.2 else 'min_cost'
    spec = {'version': 1, 'catalog': 'case_%02d.csv' % n, 'objective': objective,
            'horizon_hours': rng.choice([1, 8, 24, 72]), 'time_limit_s': 30}
    spec['workloads'] = [workload(rng, i, rows, objective) for i in range(rng.randint(1, 3))]
    if objective == 'max_throughput' or rng.random() < 0.3:
        spec['budget_per_hour'] = rng.choice([30, 80, 200])
    cons = {}
    if rng.random() < 0.3:
        cons['max_provider_share'] = rng.choice([0.5, 0.7, 0.9])
    if rng.random() < 0.25:
        cons['max_spot_share'] = rng.choice([0.3, 0.6])
    if rng.random() < 0.2:
        cons['providers'] = {'deny': [rng.choice(sorted({r[0] for r in rows}))]}
    if rng.random() < 0.2:
        cons['regions'] = {'allow': ['us-*', 'eastus']}
    if cons:
        spec['constraints'] = cons
    if rng.random() < 0.2:
        spec['egress_per_gb'] = {'same_provider': 0.01, 'other_provider': 0.12}
    return spec, rows


HEADER = ['provider', 'region', 'zone', 'instance_type', 'gpu', 'gpu_count', 'gpu_memory_gb',
          'price_hour', 'spot_price_hour', 'interruption_rate', 'capacity']


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[0]
    count = int(argv[1]) if len(argv) > 1 else 20
    rng = random.Random(int(argv[2]) if len(argv) > 2 else 20260520)
    os.makedirs(out, exist_ok=True)
    for n in range(count):
        spec, rows = case(rng, n)
        with open(os.path.join(out, 'case_%02d.json' % n), 'w') as f:
            json.dump(spec, f, indent=1)
        with open(os.path.join(out, 'case_%02d.csv' % n), 'w') as f:
            f.write(','.join(HEADER) + '\n')
            for r in rows:
                f.write(','.join(str(x) for x in r) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
