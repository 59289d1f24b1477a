"""unittest tests of the Python binding's MIG placement, share placer and share replay.

Run as test_binding.py is (make check-bindings, from the repository root).  Known answers,
each worked by hand and the same ones tests/test_mig.c, tests/test_share.c and tests/cli.sh
check:

- NVIDIA's H100 table (nvidia-smi mig -lgip / -lgipp): 3g.40gb is profile 9, 3 compute
  slices, 4 memory slots, 39.5 GiB, 2 instances, starts 0 and 4; 1g.10gb starts 0..6;
- three 1g.10gb and one 4g.40gb on one H100: 4g.40gb may start at slot 0 only and takes
  slots 0-3, so the 1g instances take 4, 5 and 6 (slot 7 is no 1g start): one GPU;
- a 2-GPU T4 node, best fit: shares 0.5, 0.6, 0.5 go to GPU 0, 1, 0; another 0.5 fits
  nowhere (0.4 left on GPU 1), 0.4 then goes to GPU 1;
- the tiny openb trace (one 2-GPU node, two 1-GPU pods) resampled to 1.3 x 2 GPUs is
  3 pods, of which 2 fit;
- error positions counted by hand in the inputs.
"""
import os
import unittest

import gpuarb

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
MIG = os.path.join(ROOT, 'tests', 'data', 'mig')
ONE_H100 = ('gpus:\n  - {name: node-a/0, model: H100}\nrequests:\n'
            '  - {name: big, profile: 4g.40gb}\n  - {name: small, profile: 1g.10gb, count: 3}\n')


class MigProfilesTest(unittest.TestCase):
    def test_h100_rows_as_nvidia_smi_prints_them(self):
        with gpuarb.Context() as ctx:
            rows = {r['name']: r for r in ctx.mig_profiles('H100')}
        self.assertEqual(rows['3g.40gb'], {'name': '3g.40gb', 'id': 9, 'compute_slices': 3,
                                           'memory_slots': 4, 'memory_gib': 39.5,
                                           'max_instances': 2, 'placements': [0, 4],
                                           'slots': 8})
        self.assertEqual(rows['1g.10gb']['placements'], [0, 1, 2, 3, 4, 5, 6])
        self.assertEqual(rows['7g.80gb']['placements'], [0])

    def test_a_gpu_without_mig_raises(self):
        with gpuarb.Context() as ctx:
            with self.assertRaises(gpuarb.GpuarbError) as cm:
                ctx.mig_profiles('L4')
        self.assertEqual(cm.exception.name, 'GPUARB_ERR_INPUT')
        self.assertIn('H100', cm.exception.message)


class MigPlaceTest(unittest.TestCase):
    def test_three_1g_and_a_4g_share_one_h100(self):
        with gpuarb.Context() as ctx, ctx.parse_mig(ONE_H100, 'one.yaml') as prob, \
                ctx.mig_place(prob) as res:
            d = res.to_dict()
            s = res.summary()
            pods = res.text('k8s')
            parted = res.text('mig-parted')
        starts = {p['request']: p['start'] for p in d['placements']}
        self.assertEqual(starts, {'big': 0, 'small#0': 4, 'small#1': 5, 'small#2': 6})
        self.assertEqual(d['unplaced'], [])
        self.assertEqual((s['requests'], s['placed'], s['unplaced'], s['gpus_used']),
                         (4, 4, 0, 1))
        self.assertGreaterEqual(s['gpus_used'], s['gpus_lower_bound'])
        self.assertEqual(pods.count('nvidia.com/mig-1g.10gb: 1'), 3)
        self.assertEqual(pods.count('nvidia.com/mig-4g.40gb: 1'), 1)
        self.assertEqual(pods.count('kubernetes.io/hostname: node-a'), 4)
        self.assertIn('version: v1', parted)

    def test_unplaced_is_a_result_with_a_reason(self):
        d = gpuarb.mig_place(os.path.join(MIG, 'unplaced.yaml'))
        self.assertEqual(d['unplaced'][0]['request'], 'big')
        self.assertTrue(d['unplaced'][0]['reason'])

    def test_bad_profile_names_line_and_column(self):
        path = os.path.join(MIG, 'bad_profile.yaml')
        with gpuarb.Context() as ctx:
            with self.assertRaises(gpuarb.GpuarbError) as cm:
                ctx.load_mig(path)
        e = cm.exception
        self.assertEqual((e.name, e.line, e.column), ('GPUARB_ERR_INPUT', 5, 26))
        self.assertTrue(e.source.endswith('bad_profile.yaml'))

    def test_unknown_format(self):
        with gpuarb.Context() as ctx, ctx.mig_place(ctx.parse_mig(ONE_H100)) as res:
            with self.assertRaises(ValueError):
                res.text('helm')


class ShareTest(unittest.TestCase):
    def test_best_fit_shares_on_two_t4(self):
        with gpuarb.Context() as ctx, ctx.share_cluster('bestfit', seed=1) as cl:
            self.assertEqual(cl.add_node('T4', 2, cpus=16, memory_gb=64), 0)
            got = [cl.place(1, f, cpus=1, memory_gb=1) for f in (0.5, 0.6, 0.5, 0.5, 0.4)]
        self.assertEqual([g['node'] for g in got], [0, 0, 0, None, 0])
        self.assertEqual([g['gpus'] for g in got], [[0], [1], [0], [], [1]])
        self.assertIn('share', got[3]['reason'])

    def test_model_limit_and_whole_gpus(self):
        with gpuarb.Context() as ctx, ctx.share_cluster('packing') as cl:
            cl.add_node('T4', 2, 8, 32)
            cl.add_node('A100', 4, 8, 32)
            self.assertEqual(cl.place(3, models=['A100']), {'node': 1, 'gpus': [0, 1, 2]})
            self.assertIsNone(cl.place(2, models=['A100'])['node'])   # one A100 GPU left

    def test_bad_pod_raises(self):
        with gpuarb.Context() as ctx, ctx.share_cluster() as cl:
            cl.add_node('T4', 1)
            with self.assertRaises(gpuarb.GpuarbError) as cm:
                cl.place(1, fraction=1.5)
        self.assertEqual(cm.exception.name, 'GPUARB_ERR_ARG')

    def test_replay_counts_by_hand(self):
        with gpuarb.Context() as ctx:
            d = ctx.share_replay(os.path.join(MIG, 'nodes_small.csv'),
                                 os.path.join(MIG, 'pods_small.csv'), 'fgd', 42)
            self.assertEqual((d['policy'], d['pods'], d['placed'], d['failed']),
                             ('fgd', 3, 2, 1))
            self.assertEqual(set(d['unallocated_gpu_pct']),
                             {'80', '90', '100', '110', '120', '130'})
            with self.assertRaises(gpuarb.GpuarbError) as cm:
                ctx.share_replay(os.path.join(MIG, 'nodes_small.csv'),
                                 os.path.join(MIG, 'pods_bad.csv'))
            self.assertEqual((cm.exception.line, cm.exception.column), (3, 16))
            with self.assertRaises(ValueError):
                ctx.share_replay('a', 'b', 'best')


if __name__ == '__main__':
    unittest.main()
