"""unittest tests of the Python binding's forecast, spot and simulation calls.

Run as test_binding.py is (make check-bindings, from the repository root).  Every known
answer is a hand computation stated beside it, the same ones tests/cli.sh checks:

- a series that is exactly 40 + 0.25 t + 2 p(t mod 24) continues the formula;
- spot always available, a 2 h job, a 4 h deadline and a 0.5 h changeover: 2.5 spot-hours,
  normalised by 2 h x price ratio 3; on demand only: (2 + 0.2) / 2;
- tests/data/sim/catalog.csv's $3.60/h two-GPU node and a two-job trace: cost $1.60 and
  objective $2.245 (tests/test_sim.c's first case, worked by hand there);
- error positions counted by hand in the inputs.
"""
import os
import unittest

import gpuarb

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
SPOT = os.path.join(ROOT, 'tests', 'data', 'spot')
P = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4]
SERIES = [40 + 0.25 * t + 2 * P[t % 24] for t in range(240)]
SIM_YAML = ('catalog: %s\noffer: {provider: test, instance_type: n2}\nmarkets: [ondemand]\n'
            'provisioning_delay_s: 100\ndecision_interval_s: 60\nmin_billed_s: 0\n'
            'wait_penalty_per_gpu_hour: 1.8\nlimits: {max_nodes: 1}\n'
            % os.path.join(ROOT, 'tests', 'data', 'sim', 'catalog.csv'))
TRACE = 'job_id,submit_s,duration_s,gpus\na,0,1000,2\nb,10,500,1\n'


class ForecastTest(unittest.TestCase):
    def test_trend_plus_season_is_continued(self):
        with gpuarb.Context() as ctx:
            d = ctx.forecast(SERIES, 2)
        self.assertEqual(d['horizon'], 2)
        # t = 240, 241: 40 + 60 + 2 p(0) = 106 and 40 + 60.25 + 2 p(1) = 102.25
        self.assertAlmostEqual(d['forecast'][0], 106, delta=1e-9)
        self.assertAlmostEqual(d['forecast'][1], 102.25, delta=1e-9)
        self.assertLess(d['mape'], 1e-6)
        self.assertGreater(d['mape_seasonal_naive'], 1e-6)

    def test_csv_text_and_a_fixed_method(self):
        text = 'time_s,value\n' + ''.join('%d,%r\n' % (3600 * t, v) for t, v in enumerate(SERIES))
        with gpuarb.Context() as ctx:
            d = ctx.forecast_csv(text, 1, method='seasonal_naive')
        self.assertEqual(d['method'], 'seasonal_naive')
        self.assertAlmostEqual(d['forecast'][0], SERIES[216], delta=1e-12)  # one day earlier

    def test_a_bad_value_names_line_and_column(self):
        with gpuarb.Context() as ctx, self.assertRaises(gpuarb.GpuarbError) as cm:
            ctx.forecast_csv('time_s,value\n0,1\n3600,2\n7200,oops\n', 1, source='s.csv')
        e = cm.exception
        self.assertEqual((e.source, e.line, e.column), ('s.csv', 4, 6))
        with gpuarb.Context() as ctx, self.assertRaises(gpuarb.GpuarbError) as cm:
            ctx.forecast([1.0, float('nan')], 1)
        self.assertEqual(cm.exception.name, 'GPUARB_ERR_ARG')
        with self.assertRaises(ValueError):
            gpuarb.Context().forecast(SERIES, 1, method='prophet')


class SpotTest(unittest.TestCase):
    def test_uniform_progress_on_an_always_available_trace(self):
        with gpuarb.Context() as ctx, ctx.load_spot_trace(os.path.join(SPOT, 'always.json')) as tr:
            self.assertEqual((tr.ticks, tr.gap_s), (10, 3600.0))
            d = ctx.spot(tr, 'uniform_progress', job_hours=2, deadline_hours=4, restart_hours=0.5,
                         price_ratio=3, starts=5, compare_optimum=True)
            od = ctx.spot(tr, 'ondemand', job_hours=2, deadline_hours=4, starts=3)
        self.assertEqual((d['policy'], d['deadline_misses']), ('uniform_progress', 0))
        self.assertAlmostEqual(d['normalized_cost'], 2.5 / 6, delta=1e-12)
        self.assertAlmostEqual(d['spot_hours'], 2, delta=1e-12)
        self.assertAlmostEqual(d['gap_to_optimum'], 0, delta=1e-12)
        self.assertAlmostEqual(od['normalized_cost'], (2 + 0.2) / 2, delta=1e-12)
        self.assertEqual(od['spot_hours'], 0)

    def test_bad_trace_and_short_trace(self):
        with self.assertRaises(gpuarb.GpuarbError) as cm:
            gpuarb.spot(os.path.join(SPOT, 'bad.json'), 'greedy')
        e = cm.exception
        self.assertEqual((e.line, e.column, e.path), (2, 17, 'data[2]'))
        with self.assertRaises(gpuarb.GpuarbError) as cm:   # 10 ticks of 1 h < 20 h
            gpuarb.spot(os.path.join(SPOT, 'always.json'), 'greedy', job_hours=2,
                        deadline_hours=20)
        self.assertEqual(cm.exception.name, 'GPUARB_ERR_INPUT')


class SimulateTest(unittest.TestCase):
    def test_the_hand_worked_trace(self):
        with gpuarb.Context() as ctx, ctx.parse_sim_config(SIM_YAML, 'sim.yaml') as cfg, \
                ctx.parse_trace(TRACE, source='t.csv') as tr:
            self.assertEqual(len(tr), 2)
            info = cfg.describe()
            d = ctx.simulate(tr, cfg, 'threshold:up=0,idle=0')
        self.assertEqual((info['offer'].split('/')[0], info['node_gpus'], info['max_nodes']),
                         ('test', 2, 1))
        self.assertAlmostEqual(info['od_price_hour'], 3.6)
        self.assertIsNone(info['spot_price_hour'])          # markets: [ondemand]
        self.assertEqual((d['jobs'], d['jobs_done']), (2, 2))
        self.assertAlmostEqual(d['cost'], 1.6, delta=1e-9)
        self.assertAlmostEqual(d['objective'], 2.245, delta=1e-9)
        self.assertAlmostEqual(d['utilization'], 0.78125, delta=1e-9)

    def test_window_and_csv_round_trip(self):
        with gpuarb.Context() as ctx, ctx.parse_trace(TRACE) as tr, tr.window(5, 100) as w:
            self.assertEqual(len(w), 1)        # only b (submitted at 10) is in [5, 100)
            lines = w.to_csv().splitlines()
            self.assertTrue(lines[0].startswith('job_id,submit_s,duration_s,gpus'))
            f = lines[1].split(',')
            self.assertEqual((len(lines), f[0], float(f[1]), float(f[2]), int(f[3])),
                             (2, 'b', 5.0, 500.0, 1), lines)   # submit 10 - 5

    def test_tune_within_its_budget(self):
        with gpuarb.Context() as ctx, ctx.parse_sim_config(SIM_YAML) as cfg, \
                ctx.parse_trace(TRACE) as tr:
            d = ctx.tune([tr, tr], 'threshold', cfg, budget=10)
        self.assertLessEqual(d['simulations'], 10)
        self.assertTrue(d['best'].startswith('threshold:'), d['best'])
        self.assertEqual(d['policy'], d['best'])

    def test_errors_carry_positions(self):
        with gpuarb.Context() as ctx:
            with self.assertRaises(gpuarb.GpuarbError) as cm:
                ctx.parse_sim_config('provisioning_delay_s: 100\nlimits:\n  max_nodes: -3\n',
                                     'bad.yaml')
            e = cm.exception
            self.assertEqual((e.source, e.line, e.column, e.path),
                             ('bad.yaml', 3, 14, 'limits.max_nodes'))
            with self.assertRaises(gpuarb.GpuarbError) as cm:
                ctx.parse_trace('job_id,submit_s,duration_s,gpus\na,0,10,two\n', source='b.csv')
            self.assertEqual((cm.exception.line, cm.exception.column), (2, 8))
            with ctx.parse_trace(TRACE) as tr, self.assertRaises(gpuarb.GpuarbError):
                ctx.simulate(tr, None, 'thresold')


if __name__ == '__main__':
    unittest.main()
