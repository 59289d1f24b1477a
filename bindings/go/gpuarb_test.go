package gpuarb

// Known answers from outside the code under test: tests/data/cli/spot.yaml's hand
// computation (its header comment), tiny.bpp's optimum by hand (6+4, 5+5: two bins),
// pack.yaml's (three nodes, its comment), bad.yaml's error position counted by hand,
// and examples/spec.yaml's GPU counts (16 + 8 + 12).

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
)

const data = "../../tests/data/cli/"
const example = "../../examples/spec.yaml"

func TestVersion(t *testing.T) {
	if err := Check(); err != nil {
		t.Fatal(err)
	}
	if Version() != HeaderVersion {
		t.Fatalf("library %s, binding written for %s", Version(), HeaderVersion)
	}
}

func TestSpotPlanByHand(t *testing.T) {
	plan, err := OptimizeFile(data+"spot.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := 12 / (1 - 0.10*(0.5/2+0.1))
	if plan.Status != "optimal" || len(plan.Allocations) != 1 || math.Abs(*plan.TotalCost-want) > 1e-6 {
		t.Fatalf("got %+v, want one aws spot instance at %.9f", plan, want)
	}
	if a := plan.Allocations[0]; a.Provider != "aws" || a.Market != "spot" {
		t.Fatalf("got %+v", a)
	}
}

func TestErrorCarriesPosition(t *testing.T) {
	_, err := OptimizeFile(data+"bad.yaml", nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %v", err)
	}
	if e.Name != "GPUARB_ERR_INPUT" || e.Line != 5 || e.Column != 11 || e.Path != "workloads[0].gpus" ||
		!strings.Contains(e.Message, "sixteen") || !strings.HasSuffix(e.Source, "bad.yaml") {
		t.Fatalf("got %#v", e)
	}
}

func TestInfeasibleIsAPlan(t *testing.T) {
	plan, err := OptimizeFile(data+"infeasible.yaml", nil)
	if err != nil || plan.Status != "infeasible" || plan.TotalCost != nil {
		t.Fatalf("got %+v, %v", plan, err)
	}
}

func TestPackByHand(t *testing.T) {
	x, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	p, err := x.PackFile(data+"tiny.bpp", true, nil)
	if err != nil || p.NodesUsed != 2 || p.LowerBound != 2 {
		t.Fatalf("tiny.bpp: %+v, %v", p, err)
	}
	p, err = x.PackFile(data+"pack.yaml", false, nil)
	if err != nil || p.NodesUsed != 3 || math.Abs(p.CostPerHour-30) > 1e-9 || len(p.Unplaced) != 0 {
		t.Fatalf("pack.yaml: %+v, %v", p, err)
	}
}

func TestExportAndSharedCatalog(t *testing.T) {
	x, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	cat, err := x.LoadCatalog(data + "cat3.csv")
	if err != nil || cat.Len() != 3 {
		t.Fatalf("cat3.csv: %v", err)
	}
	offers, err := x.Offers(cat)
	if err != nil || len(offers) != 3 || offers[2].Provider != "lambda" {
		t.Fatalf("offers: %+v, %v", offers, err)
	}
	spec, err := x.ParseSpec("version: 1\nworkloads:\n  - {name: w, gpus: 8}\n", "", "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := x.Optimize(spec, cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// cat3.csv: lambda on demand at $14.00 is the cheapest 8-GPU offer
	if *r.Plan.CostPerHour != 14 || r.Plan.Allocations[0].Provider != "lambda" {
		t.Fatalf("plan %+v", r.Plan)
	}
	y, err := x.Export(r, K8s, &ExportOptions{Namespace: "ml"})
	if err != nil || !strings.Contains(y, "kind: Deployment") || !strings.Contains(y, "namespace: ml") ||
		!strings.Contains(y, "node.kubernetes.io/instance-type: gpu_8x_a100") {
		t.Fatalf("k8s export: %v\n%s", err, y)
	}
	_, err = x.Export(r, K8s, &ExportOptions{Namespace: "Not A Label"})
	var e *Error
	if !errors.As(err, &e) || e.Name != "GPUARB_ERR_ARG" {
		t.Fatalf("bad namespace: %v", err)
	}
}

func TestGoroutinesWithTheirOwnContexts(t *testing.T) {
	want, err := OptimizeFile(example, nil)
	if err != nil {
		t.Fatal(err)
	}
	gpus := 0
	for _, a := range want.Allocations {
		gpus += a.Count * a.GPUsPerInstance
	}
	if gpus != 16+8+12 {
		t.Fatalf("plan has %d GPUs, the spec 36", gpus)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 3; i++ {
				got, err := OptimizeFile(example, nil)
				if err != nil {
					errs <- err
					return
				}
				if *got.TotalCost != *want.TotalCost || len(got.Allocations) != len(want.Allocations) {
					errs <- errors.New("a goroutine's plan differs")
					return
				}
				for k := range got.Allocations {
					if got.Allocations[k] != want.Allocations[k] {
						errs <- errors.New("a goroutine's allocation differs")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
