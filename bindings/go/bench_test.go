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
