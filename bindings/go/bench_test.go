package gpuarb

import (
	"os"
	"testing"
)

// BenchmarkOptimize is bench/bindings.sh's Go figure: one optimize of $BENCH_SPEC
// on $BENCH_CATALOG (default examples/spec.yaml, builtin), both loaded once, through the binding
// (optimize, result_to_json, JSON decoded into a Plan, result freed), the same
// work bench_threads --per-call times in C.
func BenchmarkOptimize(b *testing.B) {
	x, err := NewContext()
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	specPath, catRef := os.Getenv("BENCH_SPEC"), os.Getenv("BENCH_CATALOG")
	if specPath == "" {
		specPath, catRef = example, "builtin"
	}
	spec, err := x.LoadSpec(specPath)
	if err != nil {
		b.Fatal(err)
	}
	cat, err := x.LoadCatalog(catRef)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := x.Optimize(spec, cat, nil)
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

// BenchmarkAPI is bench/bindings.sh's Go figure for issue 11's calls ($BENCH_API:
// forecast, simulate or spot; mig for mig place, issue 12), on the inputs bench_threads --per-call-api times in C:
// the call, the library's JSON decoded into the Go result, everything freed.
func BenchmarkAPI(b *testing.B) {
	x, err := NewContext()
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	var call func() error
	switch os.Getenv("BENCH_API") {
	case "", "forecast":
		y := series()
		call = func() error { _, err := x.Forecast(y, 24, nil); return err }
	case "simulate":
		cfg, err := x.ParseSimConfig(benchSimYAML, "sim.yaml", "../..")
		if err != nil {
			b.Fatal(err)
		}
		defer cfg.Close()
		tr, err := x.ParseTrace(simTrace, "t.csv", TraceNative, "")
		if err != nil {
			b.Fatal(err)
		}
		defer tr.Close()
		call = func() error { _, err := x.Simulate(cfg, tr, "threshold:up=0,idle=0", 0); return err }
	case "spot":
		tr, err := x.LoadSpotTrace("../../tests/data/spot/always.json")
		if err != nil {
			b.Fatal(err)
		}
		defer tr.Close()
		o := &SpotOptions{JobHours: 2, DeadlineHours: 4, RestartHours: 0.5, PriceRatio: 3, Starts: 5}
		call = func() error { _, err := x.Spot(tr, SpotUniformProgress, o); return err }
	case "mig": // bench/bench_embed_mig.c's call: place, JSON decoded, mig-parted, k8s
		p, err := x.ParseMig(oneH100, "h100")
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		call = func() error { _, err := x.MigPlace(p, nil); return err }
	default:
		b.Fatalf("BENCH_API %q: forecast, simulate, spot or mig", os.Getenv("BENCH_API"))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
}

const benchSimYAML = "catalog: tests/data/sim/catalog.csv\n" +
	"offer: {provider: test, instance_type: n2}\nmarkets: [ondemand]\n" +
	"provisioning_delay_s: 100\ndecision_interval_s: 60\nmin_billed_s: 0\n" +
	"wait_penalty_per_gpu_hour: 1.8\nlimits: {max_nodes: 1}\n"
