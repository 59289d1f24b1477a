package gpuarb

// Known answers by hand, the same as bindings/python/tests/test_mig.py, tests/test_mig.c,
// tests/test_share.c and tests/cli.sh: NVIDIA's H100 table (3g.40gb: id 9, 3 slices,
// 4 slots, 39.5 GiB, 2 instances, starts 0 and 4); on one H100 a 4g.40gb may start at 0
// only, so three 1g.10gb take slots 4, 5, 6; on a 2-GPU T4, best fit puts shares 0.5, 0.6,
// 0.5 on GPU 0, 1, 0 and a fourth 0.5 nowhere; the tiny openb trace resampled to
// 1.3 x 2 GPUs is 3 pods, 2 placed; error positions counted in the inputs.

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const oneH100 = "gpus:\n  - {name: node-a/0, model: H100}\nrequests:\n" +
	"  - {name: big, profile: 4g.40gb}\n  - {name: small, profile: 1g.10gb, count: 3}\n"

func TestMigProfilesH100(t *testing.T) {
	ctx, _ := NewContext()
	defer ctx.Close()
	rows, err := ctx.MigProfiles("H100")
	if err != nil {
		t.Fatal(err)
	}
	want := MigProfile{Name: "3g.40gb", ID: 9, ComputeSlices: 3, MemorySlots: 4,
		MaxInstances: 2, MemoryGiB: 39.5, Placements: []int{0, 4}, Slots: 8}
	found := false
	for _, r := range rows {
		if r.Name == "3g.40gb" {
			found = reflect.DeepEqual(r, want)
		}
	}
	if !found {
		t.Fatalf("no %+v in %+v", want, rows)
	}
	_, err = ctx.MigProfiles("L4")
	var e *Error
	if !errors.As(err, &e) || e.Name != "GPUARB_ERR_INPUT" {
		t.Fatalf("L4: %v", err)
	}
}

func TestMigPlaceThree1gAnd4gOnOneH100(t *testing.T) {
	ctx, _ := NewContext()
	defer ctx.Close()
	p, err := ctx.ParseMig(oneH100, "one.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	plan, err := ctx.MigPlace(p, &ExportOptions{Namespace: "ml"})
	if err != nil {
		t.Fatal(err)
	}
	starts := map[string]int{}
	for _, pl := range plan.Placements {
		if pl.Start == nil || pl.GPU != "node-a/0" {
			t.Fatalf("placement %+v", pl)
		}
		starts[pl.Request] = *pl.Start
	}
	want := map[string]int{"big": 0, "small#0": 4, "small#1": 5, "small#2": 6}
	if !reflect.DeepEqual(starts, want) || plan.GPUsUsed != 1 || len(plan.Unplaced) != 0 {
		t.Fatalf("got %+v", plan)
	}
	if strings.Count(plan.K8s, "nvidia.com/mig-1g.10gb: 1") != 3 ||
		strings.Count(plan.K8s, "nvidia.com/mig-4g.40gb: 1") != 1 ||
		strings.Count(plan.K8s, "namespace: ml") != 4 || !strings.Contains(plan.MigParted, "v1") {
		t.Fatalf("exports:\n%s\n%s", plan.K8s, plan.MigParted)
	}
}

func TestMigBadProfilePosition(t *testing.T) {
	ctx, _ := NewContext()
	defer ctx.Close()
	_, err := ctx.LoadMig(filepath.Join("..", "..", "tests", "data", "mig", "bad_profile.yaml"))
	var e *Error
	if !errors.As(err, &e) || e.Line != 5 || e.Column != 26 {
		t.Fatalf("got %v", err)
	}
}

func TestShareBestFitOnTwoT4(t *testing.T) {
	ctx, _ := NewContext()
	defer ctx.Close()
	cl, err := ctx.NewShareCluster(ShareBestFit, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if ix, err := cl.AddNode("T4", 2, 16, 64); err != nil || ix != 0 {
		t.Fatal(ix, err)
	}
	wantGPU := []int{0, 1, 0, -1, 1}
	for i, f := range []float64{0.5, 0.6, 0.5, 0.5, 0.4} {
		s, err := cl.Place(SharePod{GPUs: 1, Fraction: f, CPUs: 1, MemoryGB: 1})
		if err != nil {
			t.Fatal(err)
		}
		if wantGPU[i] < 0 {
			if s.Node != -1 || !strings.Contains(s.Reason, "share") {
				t.Fatalf("pod %d: %+v", i, s)
			}
		} else if s.Node != 0 || !reflect.DeepEqual(s.GPUs, []int{wantGPU[i]}) {
			t.Fatalf("pod %d: %+v", i, s)
		}
	}
	if _, err := cl.Place(SharePod{GPUs: 1, Fraction: 1.5}); err == nil {
		t.Fatal("fraction 1.5 accepted")
	}
}

func TestShareReplayByHand(t *testing.T) {
	ctx, _ := NewContext()
	defer ctx.Close()
	dir := filepath.Join("..", "..", "tests", "data", "mig")
	r, err := ctx.ShareReplay(filepath.Join(dir, "nodes_small.csv"),
		filepath.Join(dir, "pods_small.csv"), ShareFGD, 42, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Policy != "fgd" || r.Pods != 3 || r.Placed != 2 || r.Failed != 1 ||
		len(r.UnallocatedGPUPct) != 6 {
		t.Fatalf("got %+v", r)
	}
	_, err = ctx.ShareReplay(filepath.Join(dir, "nodes_small.csv"),
		filepath.Join(dir, "pods_bad.csv"), ShareAuto, 0, 0)
	var e *Error
	if !errors.As(err, &e) || e.Line != 3 || e.Column != 16 {
		t.Fatalf("got %v", err)
	}
}
