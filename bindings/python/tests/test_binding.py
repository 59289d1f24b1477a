"""unittest tests of the Python binding (run by make test through make check-bindings).

Run from the repository root (the data paths are relative to it):

    GPUARB_LIB=build/libgpuarb.so.0 PYTHONPATH=bindings/python \
        python3 -m unittest discover -s bindings/python/tests -v

Known answers come from outside the code under test: tests/data/cli/spot.yaml's hand
computation in its header comment, tests/data/cli/tiny.bpp's optimum by hand (weights
6 5 5 4, capacity 10: 6+4 and 5+5, two bins) and tests/data/cli/pack.yaml's
(three nodes, in its comment), the header's version macros, the
positions of tests/data/cli/bad.yaml counted by hand (line 5, column 11), and
examples/spec.yaml's GPU counts (16 + 8 + 12).
"""
import os
import re
import threading
import unittest

import gpuarb

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
DATA = os.path.join(ROOT, 'tests', 'data', 'cli')
EXAMPLE = os.path.join(ROOT, 'examples', 'spec.yaml')

try:
    import yaml  # python3-yaml (Debian), an independent YAML parser; optional
except ImportError:  # pragma: no cover
    yaml = None


class VersionTest(unittest.TestCase):
    def test_binding_follows_the_header(self):
        """HEADER_VERSION is include/gpuarb.h's: a header bump the binding missed fails."""
        with open(os.path.join(ROOT, 'include', 'gpuarb.h')) as f:
            text = f.read()
        want = tuple(int(re.search(r'#define GPUARB_VERSION_%s (\d+)' % k, text).group(1))
                     for k in ('MAJOR', 'MINOR', 'PATCH'))
        self.assertEqual(gpuarb.HEADER_VERSION, want)
        self.assertEqual(gpuarb.version(), '%d.%d.%d' % want)

    def test_a_library_older_than_the_header_is_refused(self):
        from gpuarb import _native
        saved = _native.HEADER_VERSION
        try:
            _native.HEADER_VERSION = (saved[0], saved[1] + 1, 0)
            with self.assertRaises(ImportError) as cm:
                _native.load()
            self.assertIn('this binding needs %d.%d.0' % (saved[0], saved[1] + 1),
                          str(cm.exception))
            _native.HEADER_VERSION = (saved[0] + 1, 0, 0)
            with self.assertRaises(ImportError):
                _native.load()   # another major: another SONAME, not found or refused
        finally:
            _native.HEADER_VERSION = saved

    def test_a_missing_library_says_where_it_looked(self):
        from gpuarb import _native
        saved = os.environ.get('GPUARB_LIB')
        os.environ['GPUARB_LIB'] = '/nonexistent/libgpuarb.so.0'
        try:
            with self.assertRaises(ImportError) as cm:
                _native.load()
            self.assertIn('/nonexistent/libgpuarb.so.0', str(cm.exception))
        finally:
            if saved is None:
                del os.environ['GPUARB_LIB']
            else:
                os.environ['GPUARB_LIB'] = saved


class OptimizeTest(unittest.TestCase):
    def test_spot_plan_matches_the_hand_computation(self):
        # 12 / (1 - 0.10 x (0.5/2 + 0.1)) = 12.435233160621761 for one aws spot instance
        plan = gpuarb.optimize(os.path.join(DATA, 'spot.yaml'))
        self.assertEqual(plan['status'], 'optimal')
        self.assertEqual(len(plan['allocations']), 1)
        a = plan['allocations'][0]
        self.assertEqual((a['provider'], a['market'], a['count']), ('aws', 'spot', 1))
        self.assertAlmostEqual(plan['total_cost'], 12 / (1 - 0.10 * (0.5 / 2 + 0.1)), places=6)

    def test_infeasible_is_a_result_not_an_error(self):
        plan = gpuarb.optimize(os.path.join(DATA, 'infeasible.yaml'))
        self.assertEqual(plan['status'], 'infeasible')
        self.assertEqual(plan['allocations'], [])

    def test_context_objects_and_options(self):
        with gpuarb.Context() as ctx:
            spec = ctx.load_spec(EXAMPLE)
            self.assertEqual(sum(w['gpus'] for w in spec.to_dict()['workloads']), 36)
            res = ctx.optimize(spec, time_limit_s=5, skip_baseline=True)
            plan = res.to_dict()
            self.assertIsNone(plan['baseline'])
            self.assertEqual(sum(a['count'] * a['gpus_per_instance'] for a in plan['allocations']),
                             16 + 8 + 12)
            self.assertIn('WORKLOAD', res.table())

    def test_a_borrowed_catalog(self):
        with gpuarb.Context() as ctx:
            cat = ctx.load_catalog(os.path.join(DATA, 'cat3.csv'))
            self.assertEqual(len(cat), 3)
            spec = ctx.parse_spec('version: 1\nworkloads:\n  - {name: w, gpus: 8}\n')
            plan = ctx.optimize(spec, cat).to_dict()
            # cat3.csv: lambda on demand at $14.00 is the cheapest 8-GPU offer
            self.assertEqual(plan['allocations'][0]['provider'], 'lambda')
            self.assertAlmostEqual(plan['cost_per_hour'], 14.0)


class ErrorTest(unittest.TestCase):
    def test_status_name_message_line_column_path(self):
        with self.assertRaises(gpuarb.GpuarbError) as cm:
            gpuarb.optimize(os.path.join(DATA, 'bad.yaml'))
        e = cm.exception
        self.assertEqual(e.name, 'GPUARB_ERR_INPUT')
        self.assertEqual(e.status, 5)
        self.assertEqual((e.line, e.column), (5, 11))  # "    gpus: sixteen", the value
        self.assertEqual(e.path, 'workloads[0].gpus')
        self.assertIn('sixteen', e.message)
        self.assertTrue(e.source.endswith('bad.yaml'))
        self.assertTrue(str(e).endswith('bad.yaml:5:11: workloads[0].gpus: ' + e.message))

    def test_syntax_error_in_a_string(self):
        with gpuarb.Context() as ctx:
            with self.assertRaises(gpuarb.GpuarbError) as cm:
                ctx.parse_spec('version: 1\nworkloads: [\n', source='mine.yaml')
        self.assertEqual(cm.exception.name, 'GPUARB_ERR_SYNTAX')
        self.assertEqual(cm.exception.source, 'mine.yaml')
        self.assertGreater(cm.exception.line, 0)

    def test_missing_file_and_bad_option(self):
        with self.assertRaises(gpuarb.GpuarbError) as cm:
            gpuarb.optimize(os.path.join(DATA, 'no-such-spec.yaml'))
        self.assertEqual(cm.exception.name, 'GPUARB_ERR_IO')
        with self.assertRaises(gpuarb.GpuarbError) as cm:
            gpuarb.optimize(EXAMPLE, mip_gap=-1)
        self.assertEqual(cm.exception.name, 'GPUARB_ERR_ARG')


class PackTest(unittest.TestCase):
    def test_bpp_optimum_by_hand(self):
        res = gpuarb.pack(os.path.join(DATA, 'tiny.bpp'), bpp=True)
        self.assertEqual(res['nodes_used'], 2)
        self.assertEqual(res['lower_bound'], 2)
        self.assertEqual(sorted(len(n['items']) for n in res['nodes']), [2, 2])

    def test_pack_spec_optimum_by_hand(self):
        # pack.yaml: five 3-GPU jobs on 8-GPU nodes, two per node: ceil(5/2) = 3 nodes, $30/h
        res = gpuarb.pack(os.path.join(DATA, 'pack.yaml'))
        self.assertEqual(res['unplaced'], [])
        self.assertEqual(res['nodes_used'], 3)
        self.assertAlmostEqual(res['cost_per_hour'], 30.0)


class CatalogTest(unittest.TestCase):
    def test_select_and_sort(self):
        offers = gpuarb.catalog(gpu='H100', sort='price_per_gpu')
        self.assertTrue(offers)
        self.assertTrue(all(o['gpu'] == 'H100' for o in offers))
        per_gpu = [o['price_hour'] / o['gpu_count'] for o in offers if o['price_hour'] is not None]
        self.assertEqual(per_gpu, sorted(per_gpu))


class ExportTest(unittest.TestCase):
    def test_three_formats(self):
        with gpuarb.Context() as ctx:
            res = ctx.optimize(EXAMPLE)
            plan = res.to_dict()
            k8s = res.export('k8s', namespace='ml', image='registry.example/train:1')
            kueue = res.export('kueue', queue='gpus')
            sky = res.export('skypilot')
            with self.assertRaises(ValueError):
                res.export('nomad')
            with self.assertRaises(gpuarb.GpuarbError) as cm:
                res.export('k8s', namespace='Not A Label')
            self.assertEqual(cm.exception.name, 'GPUARB_ERR_ARG')
        if yaml is None:
            self.skipTest('python3-yaml is not installed: the YAML is not parsed')
        docs = list(yaml.safe_load_all(k8s))
        self.assertEqual(len(docs), len(plan['allocations']))
        self.assertEqual({d['metadata']['namespace'] for d in docs}, {'ml'})
        pods = sum((d['spec'].get('parallelism') or d['spec'].get('replicas')) *
                   d['spec']['template']['spec']['containers'][0]['resources']['limits']['nvidia.com/gpu']
                   for d in docs)
        self.assertEqual(pods, 36)
        kdocs = list(yaml.safe_load_all(kueue))
        cq = [d for d in kdocs if d['kind'] == 'ClusterQueue'][0]
        self.assertEqual(cq['metadata']['name'], 'gpus')
        quota = sum(r['nominalQuota'] for f in cq['spec']['resourceGroups'][0]['flavors']
                    for r in f['resources'])
        self.assertEqual(quota, 36)
        tasks = list(yaml.safe_load_all(sky))
        self.assertEqual([t['num_nodes'] for t in tasks], [a['count'] for a in plan['allocations']])
        self.assertEqual([t['resources']['use_spot'] for t in tasks],
                         [a['market'] == 'spot' for a in plan['allocations']])


class ThreadTest(unittest.TestCase):
    def test_four_threads_with_their_own_contexts(self):
        want = gpuarb.optimize(EXAMPLE)
        want.pop('solve_ms')
        got, errors = [], []

        def work():
            try:
                with gpuarb.Context() as ctx:
                    for _ in range(3):
                        d = ctx.optimize(EXAMPLE).to_dict()
                        d.pop('solve_ms')
                        got.append(d)
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(got), 12)
        for d in got:
            self.assertEqual(d, want)


if __name__ == '__main__':
    unittest.main()
