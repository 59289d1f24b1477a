package gpuarb

// MIG profiles, mig place, the incremental fractional-GPU placer and the share replay
// (SPEC section 5; gpuarb.h "MIG and fractional GPU placement").

/*
#include <stdlib.h>
#include <gpuarb.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime"
)

// MigProfile is one row of a GPU model's MIG table, as nvidia-smi mig -lgip/-lgipp
// print it.
type MigProfile struct {
	Name          string
	ID            int // nvidia-smi profile id; -1 when not known
	ComputeSlices int
	MemorySlots   int
	MaxInstances  int
	MemoryGiB     float64
	Placements    []int // start slots
	Slots         int   // the GPU's slot axis (8, or 4 on A30 / RTX PRO 6000)
}

// MigProfiles returns model's MIG table; an *Error (GPUARB_ERR_INPUT, naming the MIG
// models) when it has none.
func (x *Context) MigProfiles(model string) ([]MigProfile, error) {
	m := C.CString(model)
	defer free(m)
	n := int(C.gpuarb_mig_profile_count(m))
	if n < 0 {
		_, err := x.text(func(out **C.char) C.gpuarb_status {
			return C.gpuarb_mig_profiles_to_text(x.c, m, 0, out)
		})
		if err == nil {
			err = fmt.Errorf("gpuarb: no MIG table for %q", model)
		}
		return nil, err
	}
	rows := make([]MigProfile, n)
	for i := range rows {
		var p C.gpuarb_mig_profile
		if st := C.gpuarb_mig_profile_get(m, C.int32_t(i), &p); st != C.GPUARB_OK {
			return nil, x.err(st)
		}
		r := MigProfile{Name: C.GoString(p.name), ID: int(p.id),
			ComputeSlices: int(p.compute_slices), MemorySlots: int(p.memory_slots),
			MaxInstances: int(p.max_instances), MemoryGiB: float64(p.memory_gib),
			Slots: int(p.slots), Placements: []int{}}
		for s := 0; s < 32; s++ {
			if uint32(p.start_mask)>>s&1 != 0 {
				r.Placements = append(r.Placements, s)
			}
		}
		rows[i] = r
	}
	return rows, nil
}

// MigProblem is a loaded, validated mig place spec.
type MigProblem struct{ p *C.gpuarb_mig_problem }

// Close frees the problem (a finalizer does too).
func (m *MigProblem) Close() {
	if m.p != nil {
		C.gpuarb_mig_problem_free(m.p)
		m.p = nil
	}
}

func (x *Context) migProblem(st C.gpuarb_status, p *C.gpuarb_mig_problem) (*MigProblem, error) {
	if st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	m := &MigProblem{p}
	runtime.SetFinalizer(m, (*MigProblem).Close)
	return m, nil
}

// LoadMig loads a mig place spec file (".json" as JSON, else YAML).
func (x *Context) LoadMig(path string) (*MigProblem, error) {
	p := C.CString(path)
	defer free(p)
	var m *C.gpuarb_mig_problem
	return x.migProblem(C.gpuarb_mig_spec_load(x.c, p, &m), m)
}

// ParseMig parses a mig place spec from text; source names it in errors.
func (x *Context) ParseMig(text, source string) (*MigProblem, error) {
	s, src := C.CString(text), cstr(source)
	defer free(s)
	defer free(src)
	var m *C.gpuarb_mig_problem
	return x.migProblem(C.gpuarb_mig_spec_parse(x.c, s, C.size_t(len(text)), src, &m), m)
}

// MigPlacement is one placed request: a MIG instance (Profile, Start) or a share of a
// whole GPU (Fraction, MemoryGB).
type MigPlacement struct {
	Request  string   `json:"request"`
	GPU      string   `json:"gpu"`
	Profile  string   `json:"profile,omitempty"`
	Start    *int     `json:"start,omitempty"`
	Fraction *float64 `json:"fraction,omitempty"`
	MemoryGB *float64 `json:"memory_gb,omitempty"`
}

// MigMove is an existing instance re-created elsewhere on its GPU.
type MigMove struct {
	GPU     string `json:"gpu"`
	Profile string `json:"profile"`
	From    int    `json:"from"`
	To      int    `json:"to"`
}

// MigPlan is SPEC section 5's mig place JSON plus the exported figures.
type MigPlan struct {
	Status         string         `json:"status"` // optimal (proven) or feasible
	Requests       int            `json:"requests"`
	Placed         int            `json:"placed"`
	GPUsUsed       int            `json:"gpus_used"`
	GPUsLowerBound int            `json:"gpus_lower_bound"`
	Placements     []MigPlacement `json:"placements"`
	Unplaced       []struct {
		Request string `json:"request"`
		Reason  string `json:"reason"`
	} `json:"unplaced"`
	Moves         []MigMove `json:"moves"`
	GPUsChanged   []string  `json:"gpus_changed"`
	GPUsUntouched []string  `json:"gpus_untouched"`
	SolveMs       float64   `json:"solve_ms"`
	// MigParted is the layout as an NVIDIA mig-parted v1 config; K8s one Pod per
	// placement asking for nvidia.com/mig-<profile> (or a shared nvidia.com/gpu).
	MigParted string `json:"-"`
	K8s       string `json:"-"`
}

// MigPlace places p's requests.  Unplaced requests are in the plan, not an error.
func (x *Context) MigPlace(p *MigProblem, o *ExportOptions) (*MigPlan, error) {
	var r *C.gpuarb_mig_result
	if st := C.gpuarb_mig_place(x.c, p.p, &r); st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	defer C.gpuarb_mig_result_free(r)
	format := func(f C.int32_t) (string, error) {
		return x.text(func(out **C.char) C.gpuarb_status {
			return C.gpuarb_mig_result_to_text(x.c, r, f, out)
		})
	}
	js, err := format(C.GPUARB_MIG_JSON)
	if err != nil {
		return nil, err
	}
	var plan MigPlan
	if err := json.Unmarshal([]byte(js), &plan); err != nil {
		return nil, fmt.Errorf("gpuarb: mig place JSON: %w", err)
	}
	if plan.MigParted, err = format(C.GPUARB_MIG_PARTED); err != nil {
		return nil, err
	}
	var opts C.gpuarb_export_opts
	C.gpuarb_export_opts_init(&opts)
	var ns, image, queue *C.char
	if o != nil {
		ns, image, queue = cstr(o.Namespace), cstr(o.Image), cstr(o.Queue)
		defer free(ns)
		defer free(image)
		defer free(queue)
		opts.k8s_namespace, opts.image, opts.queue = ns, image, queue
	}
	plan.K8s, err = x.text(func(out **C.char) C.gpuarb_status {
		return C.gpuarb_mig_result_export(x.c, r, &opts, out)
	})
	if err != nil {
		return nil, err
	}
	return &plan, nil
}

// SharePolicy is a gpuarb_share_policy.
type SharePolicy int

const (
	ShareRandom  SharePolicy = C.GPUARB_SHARE_RANDOM
	ShareBestFit SharePolicy = C.GPUARB_SHARE_BESTFIT
	ShareDotProd SharePolicy = C.GPUARB_SHARE_DOTPROD
	SharePacking SharePolicy = C.GPUARB_SHARE_PACKING
	ShareFGD     SharePolicy = C.GPUARB_SHARE_FGD
	ShareAuto    SharePolicy = C.GPUARB_SHARE_AUTO
	ShareOffline SharePolicy = C.GPUARB_SHARE_OFFLINE // replay only
)

// ShareCluster is the incremental fractional-GPU placer.  Like its Context, it must not
// be used by two goroutines at once.
type ShareCluster struct {
	p   *C.gpuarb_share_cluster
	ctx *Context
}

// Close frees the cluster (a finalizer does too).
func (s *ShareCluster) Close() {
	if s.p != nil {
		C.gpuarb_share_cluster_free(s.p)
		s.p = nil
	}
}

// NewShareCluster returns an empty cluster placing by policy (seed: RANDOM and ties).
func (x *Context) NewShareCluster(policy SharePolicy, seed uint64) (*ShareCluster, error) {
	var p *C.gpuarb_share_cluster
	if st := C.gpuarb_share_cluster_create(x.c, C.int32_t(policy), C.uint64_t(seed), &p); st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	s := &ShareCluster{p, x}
	runtime.SetFinalizer(s, (*ShareCluster).Close)
	return s, nil
}

// AddNode adds a node (model "" for CPU only) and returns its 0-based index.
func (s *ShareCluster) AddNode(model string, gpus int, cpus, memoryGB float64) (int, error) {
	m := cstr(model)
	defer free(m)
	var ix C.int32_t
	st := C.gpuarb_share_add_node(s.ctx.c, s.p, m, C.int32_t(gpus), C.double(cpus),
		C.double(memoryGB), &ix)
	if st != C.GPUARB_OK {
		return -1, s.ctx.err(st)
	}
	return int(ix), nil
}

// SharePod is a pod: GPUs whole GPUs (Fraction 1, or 0 taken as 1), or one share of a
// GPU (GPUs 1, 0 < Fraction < 1), or no GPU (GPUs 0).  Models limits the GPU models it
// may use (nil: any).
type SharePod struct {
	GPUs     int
	Fraction float64
	CPUs     float64
	MemoryGB float64
	Models   []string
}

// cpod fills a C pod; the returned string (models) must be freed by the caller.
func cpod(p SharePod) (C.gpuarb_share_pod, *C.char) {
	var c C.gpuarb_share_pod
	C.gpuarb_share_pod_init(&c)
	c.gpus = C.int32_t(p.GPUs)
	if p.Fraction != 0 {
		c.gpu_fraction = C.double(p.Fraction)
	}
	c.cpus, c.memory_gb = C.double(p.CPUs), C.double(p.MemoryGB)
	var models *C.char
	if len(p.Models) > 0 {
		joined := p.Models[0]
		for _, m := range p.Models[1:] {
			joined += "|" + m
		}
		models = C.CString(joined)
		c.models = models
	}
	return c, models
}

// AddTarget tells the FGD and AUTO policies a pod typical of the workload to come.
func (s *ShareCluster) AddTarget(p SharePod) error {
	c, models := cpod(p)
	defer free(models)
	return s.ctx.err(C.gpuarb_share_add_target(s.ctx.c, s.p, &c))
}

// ShareSlot is where a pod went: Node -1 and Reason when it fits nowhere.
type ShareSlot struct {
	Node   int
	GPUs   []int // GPU indices on the node
	Reason string
}

// Place places one pod.  An invalid pod is an *Error (GPUARB_ERR_ARG); a pod that fits
// nowhere is a ShareSlot with Node -1.
func (s *ShareCluster) Place(p SharePod) (ShareSlot, error) {
	c, models := cpod(p)
	defer free(models)
	var node C.int32_t
	var mask C.uint64_t
	var why *C.char
	if st := C.gpuarb_share_place(s.ctx.c, s.p, &c, &node, &mask, &why); st != C.GPUARB_OK {
		return ShareSlot{Node: -1}, s.ctx.err(st)
	}
	if node < 0 {
		return ShareSlot{Node: -1, GPUs: []int{}, Reason: C.GoString(why)}, nil // static text
	}
	slot := ShareSlot{Node: int(node), GPUs: []int{}}
	for g := 0; g < 64; g++ {
		if uint64(mask)>>g&1 != 0 {
			slot.GPUs = append(slot.GPUs, g)
		}
	}
	return slot, nil
}

// Replay is SPEC section 5's share replay JSON.
type Replay struct {
	Policy            string             `json:"policy"`
	Seed              uint64             `json:"seed"`
	Tune              float64            `json:"tune"`
	Nodes             int                `json:"nodes"`
	ClusterGPUs       int                `json:"cluster_gpus"`
	Pods              int                `json:"pods"`
	Placed            int                `json:"placed"`
	Failed            int                `json:"failed"`
	UnallocatedGPUPct map[string]float64 `json:"unallocated_gpu_pct"`
	LowerBoundPct     map[string]float64 `json:"lower_bound_pct,omitempty"` // offline only
	SolveMs           float64            `json:"solve_ms"`
}

// ShareReplay replays openb node and pod CSV files (paths) as `gpuarb share replay`
// does; tune 0 means 1.3.
func (x *Context) ShareReplay(nodesCSV, podsCSV string, policy SharePolicy, seed uint64,
	tune float64) (*Replay, error) {
	if tune == 0 {
		tune = 1.3
	}
	n, p := C.CString(nodesCSV), C.CString(podsCSV)
	defer free(n)
	defer free(p)
	js, err := x.text(func(out **C.char) C.gpuarb_status {
		return C.gpuarb_share_replay(x.c, n, p, C.int32_t(policy), C.uint64_t(seed),
			C.double(tune), out)
	})
	if err != nil {
		return nil, err
	}
	var r Replay
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return nil, fmt.Errorf("gpuarb: share replay JSON: %w", err)
	}
	return &r, nil
}
