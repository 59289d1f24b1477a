// optimize.go - solve a spec through libgpuarb from Go with cgo and print the plan.
//
// Build and run from the repository root after `make` (Debian: apt-get install golang-go):
//
//	go run examples/optimize.go examples/spec.yaml
//
// The #cgo lines below point at include/ and build/ of this checkout; for an
// installed library use `#cgo pkg-config: gpuarb` instead.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#cgo LDFLAGS: -L${SRCDIR}/../build -lgpuarb -Wl,-rpath,${SRCDIR}/../build
#include <stdlib.h>
#include "gpuarb.h"
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"os"
	"unsafe"
)

// Plan holds the fields of the SPEC section 3 JSON this example prints.
type Plan struct {
	Status      string  `json:"status"`
	TotalCost   float64 `json:"total_cost"`
	CostPerHour float64 `json:"cost_per_hour"`
	Allocations []struct {
		Workload     string `json:"workload"`
		Provider     string `json:"provider"`
		Region       string `json:"region"`
		InstanceType string `json:"instance_type"`
		Count        int    `json:"count"`
		Market       string `json:"market"`
	} `json:"allocations"`
}

func optimize(path string) (*Plan, error) {
	var ctx *C.gpuarb_ctx
	if C.gpuarb_ctx_create(&ctx) != C.GPUARB_OK {
		return nil, fmt.Errorf("gpuarb_ctx_create failed")
	}
	defer C.gpuarb_ctx_free(ctx)
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var spec *C.gpuarb_spec
	var res *C.gpuarb_result
	var text *C.char
	var opts C.gpuarb_optimize_opts
	C.gpuarb_optimize_opts_init(&opts)
	defer func() { C.gpuarb_free(unsafe.Pointer(text)); C.gpuarb_result_free(res); C.gpuarb_spec_free(spec) }()
	if C.gpuarb_spec_load(ctx, cpath, &spec) != C.GPUARB_OK ||
		C.gpuarb_optimize(ctx, spec, nil, &opts, &res) != C.GPUARB_OK ||
		C.gpuarb_result_to_json(ctx, res, &text) != C.GPUARB_OK {
		return nil, fmt.Errorf("%s", C.GoString(C.gpuarb_errfull(ctx)))
	}
	var plan Plan
	err := json.Unmarshal([]byte(C.GoString(text)), &plan)
	return &plan, err
}

func main() {
	path := "examples/spec.yaml"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	plan, err := optimize(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "optimize:", err)
		os.Exit(1)
	}
	for _, a := range plan.Allocations {
		fmt.Printf("%-13s %2d x %-22s %-7s %-16s %s\n", a.Workload, a.Count, a.InstanceType, a.Provider, a.Region, a.Market)
	}
	fmt.Printf("%s: total $%.2f, %.2f $/h\n", plan.Status, plan.TotalCost, plan.CostPerHour)
}
