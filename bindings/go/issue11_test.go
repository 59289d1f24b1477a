package gpuarb

// Known answers by hand, the same as tests/cli.sh and bindings/python/tests/test_issue11.py:
// a series that is exactly 40 + 0.25 t + 2 p(t mod 24) continues the formula; spot always
// available, a 2 h job, a 4 h deadline and a 0.5 h changeover costs 2.5 spot-hours over
// 2 h x ratio 3; tests/data/sim/catalog.csv's $3.60/h two-GPU node on a two-job trace costs
// $1.60 with objective $2.245 (tests/test_sim.c); error positions counted in the inputs.

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

var season = []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4}

func series() []float64 {
	y := make([]float64, 240)
	for t := range y {
		y[t] = 40 + 0.25*float64(t) + 2*season[t%24]
	}
	return y
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestForecastContinuesTrendAndSeason(t *testing.T) {
	ctx, _ := NewContext()
	defer ctx.Close()
	f, err := ctx.Forecast(series(), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Horizon != 2 || !near(f.Values[0], 106, 1e-9) || !near(f.Values[1], 102.25, 1e-9) ||
		f.MAPE == nil || *f.MAPE > 1e-6 {
		t.Fatalf("got %+v", f)
	}
	m := ForecastSeasonalNaive
	var b strings.Builder
	b.WriteString("time_s,value\n")
	for i, v := range series() {
		fmt.Fprintf(&b, "%d,%.17g\n", 3600*i, v)
	}
	f, err = ctx.ForecastCSV(b.String(), "s.csv", 1, &ForecastOptions{Method: &m})
	if err != nil || f.Method != "seasonal_naive" || !near(f.Values[0], series()[216], 1e-12) {
		t.Fatalf("got %+v, %v", f, err)
	}
	_, err = ctx.ForecastCSV("time_s,value\n0,1\n3600,2\n7200,oops\n", "s.csv", 1, nil)
	var e *Error
	if !errors.As(err, &e) || e.Source != "s.csv" || e.Line != 4 || e.Column != 6 {
		t.Fatalf("got %#v", err)
	}
}

func TestSpotByHand(t *testing.T) {
	ctx, _ := NewContext()
	defer ctx.Close()
	tr, err := ctx.LoadSpotTrace("../../tests/data/spot/always.json")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if tr.Ticks() != 10 || tr.GapS() != 3600 {
		t.Fatalf("ticks %d gap %g", tr.Ticks(), tr.GapS())
	}
	s, err := ctx.Spot(tr, SpotUniformProgress, &SpotOptions{JobHours: 2, DeadlineHours: 4,
		RestartHours: 0.5, PriceRatio: 3, Starts: 5, CompareOptimum: true})
	if err != nil || s.DeadlineMisses != 0 || !near(s.NormalizedCost, 2.5/6, 1e-12) ||
		!near(s.SpotHours, 2, 1e-12) || s.GapToOptimum == nil || !near(*s.GapToOptimum, 0, 1e-12) {
		t.Fatalf("got %+v, %v", s, err)
	}
	s, err = ctx.Spot(tr, SpotOnDemand, &SpotOptions{JobHours: 2, DeadlineHours: 4, Starts: 3})
	if err != nil || !near(s.NormalizedCost, 2.2/2, 1e-12) || s.SpotHours != 0 || s.GapToOptimum != nil {
		t.Fatalf("got %+v, %v", s, err)
	}
	_, err = ctx.LoadSpotTrace("../../tests/data/spot/bad.json")
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || e.Column != 17 || e.Path != "data[2]" {
		t.Fatalf("got %#v", err)
	}
}

const simTrace = "job_id,submit_s,duration_s,gpus\na,0,1000,2\nb,10,500,1\n"

func simYAML(t *testing.T) string {
	cat, err := filepath.Abs("../../tests/data/sim/catalog.csv")
	if err != nil {
		t.Fatal(err)
	}
	return "catalog: " + cat + "\noffer: {provider: test, instance_type: n2}\nmarkets: [ondemand]\n" +
		"provisioning_delay_s: 100\ndecision_interval_s: 60\nmin_billed_s: 0\n" +
		"wait_penalty_per_gpu_hour: 1.8\nlimits: {max_nodes: 1}\n"
}

func TestSimulateByHand(t *testing.T) {
	ctx, _ := NewContext()
	defer ctx.Close()
	cfg, err := ctx.ParseSimConfig(simYAML(t), "sim.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	tr, err := ctx.ParseTrace(simTrace, "t.csv", TraceNative, "")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	info, err := ctx.Describe(cfg)
	if err != nil || info.NodeGPUs != 2 || info.MaxNodes != 1 || info.ODPriceHour == nil ||
		!near(*info.ODPriceHour, 3.6, 1e-12) || info.SpotPriceHour != nil {
		t.Fatalf("got %+v, %v", info, err)
	}
	r, err := ctx.Simulate(cfg, tr, "threshold:up=0,idle=0", 0)
	if err != nil || r.Jobs != 2 || r.JobsDone != 2 || !near(r.Cost, 1.6, 1e-9) ||
		!near(r.Objective, 2.245, 1e-9) || !near(r.Utilization, 0.78125, 1e-9) {
		t.Fatalf("got %+v, %v", r, err)
	}
	w, err := ctx.Window(tr, 5, 100)
	if err != nil || w.Jobs() != 1 {
		t.Fatalf("window: %v", err)
	}
	w.Close()
	tu, err := ctx.Tune(cfg, []*Trace{tr, tr}, "threshold", &TuneOptions{Budget: 10})
	if err != nil || tu.Simulations > 10 || !strings.HasPrefix(tu.Policy, "threshold:") ||
		len(tu.Candidates) != tu.Simulations/2 {
		t.Fatalf("got %+v, %v", tu, err)
	}
	_, err = ctx.ParseSimConfig("provisioning_delay_s: 100\nlimits:\n  max_nodes: -3\n", "bad.yaml", "")
	var e *Error
	if !errors.As(err, &e) || e.Line != 3 || e.Column != 14 || e.Path != "limits.max_nodes" {
		t.Fatalf("got %#v", err)
	}
	if _, err = ctx.Simulate(nil, tr, "thresold", 0); err == nil {
		t.Fatal("an unknown policy was accepted")
	}
}
