// Package gpuarb is the Go binding of libgpuarb (include/gpuarb.h): where GPU workloads
// should run, on which offers, at what price, and how to pack jobs onto nodes.
//
// It links the library through pkg-config (`gpuarb.pc`, installed by `make install`; for a
// build tree, point PKG_CONFIG_PATH at build/pkgconfig, which `make check-bindings`
// writes).  Results come back as Go values decoded from the library's JSON (SPEC sections
// 3 and 4), so no pointer into library memory is ever kept: every string the library
// returns is copied and freed before a function returns.
//
// Errors: a failing call returns an *Error carrying the status name, message, source, line,
// column and key path.  An infeasible spec or a time limit is a Plan, not an error.
//
// Threads: a Context wraps one gpuarb_ctx and must not be used by two goroutines at once;
// give each goroutine its own.  Specs and catalogs may be shared once loaded.
package gpuarb

/*
#cgo pkg-config: gpuarb
#include <stdlib.h>
#include <gpuarb.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime"
	"unsafe"
)

// HeaderVersion is the gpuarb.h version this binding was written against; cgo compiles it
// against the installed header, whose macros are checked by Check.
const HeaderVersion = "0.1.0"

// Version returns the linked library's version, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.gpuarb_version_string()) }

// Check reports whether the linked library suits the header this package was compiled
// with: the same major version, and a minor.patch at least the header's.
func Check() error {
	have := int(C.gpuarb_version_number())
	want := int(C.GPUARB_VERSION_NUMBER)
	if have/10000 != want/10000 || have < want {
		return fmt.Errorf("gpuarb: library %s does not suit header %d.%d.%d", Version(),
			want/10000, want/100%100, want%100)
	}
	return nil
}

// Error is a failed library call.
type Error struct {
	Status  int    // gpuarb_status
	Name    string // "GPUARB_ERR_INPUT"
	Message string // without the location
	Source  string // file name, "<string>", or ""
	Line    int    // 1-based; 0 when unknown
	Column  int    // 1-based; 0 when unknown
	Path    string // key path such as "workloads[0].gpus", or ""
	full    string
}

func (e *Error) Error() string { return e.full }

// Context is one library context: the unit of threading and of error state.
type Context struct{ c *C.gpuarb_ctx }

// NewContext creates a context; Close frees it (a finalizer does too).
func NewContext() (*Context, error) {
	if err := Check(); err != nil {
		return nil, err
	}
	var c *C.gpuarb_ctx
	if st := C.gpuarb_ctx_create(&c); st != C.GPUARB_OK {
		return nil, &Error{Status: int(st), Name: C.GoString(C.gpuarb_status_name(st)),
			Message: C.GoString(C.gpuarb_strerror(st)), full: C.GoString(C.gpuarb_strerror(st))}
	}
	ctx := &Context{c}
	runtime.SetFinalizer(ctx, (*Context).Close)
	return ctx, nil
}

// Close frees the context.  Handles made with it stay valid.
func (x *Context) Close() {
	if x.c != nil {
		C.gpuarb_ctx_free(x.c)
		x.c = nil
	}
}

func (x *Context) err(st C.gpuarb_status) error {
	if st == C.GPUARB_OK {
		return nil
	}
	return &Error{Status: int(st), Name: C.GoString(C.gpuarb_status_name(st)),
		Message: C.GoString(C.gpuarb_errmsg(x.c)), Source: C.GoString(C.gpuarb_errsource(x.c)),
		Line: int(C.gpuarb_errline(x.c)), Column: int(C.gpuarb_errcolumn(x.c)),
		Path: C.GoString(C.gpuarb_errpath(x.c)), full: C.GoString(C.gpuarb_errfull(x.c))}
}

// take copies a library string into Go memory and frees it.
func take(s *C.char) string {
	defer C.gpuarb_free(unsafe.Pointer(s))
	return C.GoString(s)
}

// text runs a call that returns a library string and copies it out.
func (x *Context) text(call func(out **C.char) C.gpuarb_status) (string, error) {
	var out *C.char
	st := call(&out)
	if st != C.GPUARB_OK {
		C.gpuarb_free(unsafe.Pointer(out))
		return "", x.err(st)
	}
	return take(out), nil
}

func cstr(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

func free(p *C.char) { C.free(unsafe.Pointer(p)) }

// Spec is a loaded, validated optimize spec (SPEC section 2).
type Spec struct{ p *C.gpuarb_spec }

// Close frees the spec (a finalizer does too).
func (s *Spec) Close() {
	if s.p != nil {
		C.gpuarb_spec_free(s.p)
		s.p = nil
	}
}

func newSpec(p *C.gpuarb_spec) *Spec {
	s := &Spec{p}
	runtime.SetFinalizer(s, (*Spec).Close)
	return s
}

// LoadSpec loads a spec file (".json" as JSON, anything else as YAML).
func (x *Context) LoadSpec(path string) (*Spec, error) {
	cpath := C.CString(path)
	defer free(cpath)
	var p *C.gpuarb_spec
	if err := x.err(C.gpuarb_spec_load(x.c, cpath, &p)); err != nil {
		return nil, err
	}
	return newSpec(p), nil
}

// ParseSpec parses a spec from text; source names it in errors ("" = "<string>"), baseDir
// resolves relative catalog paths ("" = the current directory).
func (x *Context) ParseSpec(text, source, baseDir string) (*Spec, error) {
	ctext, csrc, cdir := C.CString(text), cstr(source), cstr(baseDir)
	defer free(ctext)
	defer free(csrc)
	defer free(cdir)
	var p *C.gpuarb_spec
	if err := x.err(C.gpuarb_spec_parse(x.c, ctext, C.size_t(len(text)), csrc, cdir, &p)); err != nil {
		return nil, err
	}
	return newSpec(p), nil
}

// Catalog is a set of offers.
type Catalog struct{ p *C.gpuarb_catalog }

// Close frees the catalog (a finalizer does too).
func (c *Catalog) Close() {
	if c.p != nil {
		C.gpuarb_catalog_free(c.p)
		c.p = nil
	}
}

// Len is the number of offers.
func (c *Catalog) Len() int { return int(C.gpuarb_catalog_count(c.p)) }

// LoadCatalog loads "builtin", a native CSV path or "skypilot:PROVIDER:PATH".
func (x *Context) LoadCatalog(ref string) (*Catalog, error) {
	cref := C.CString(ref)
	defer free(cref)
	var p *C.gpuarb_catalog
	if err := x.err(C.gpuarb_catalog_load_ref(x.c, cref, nil, nil, &p)); err != nil {
		return nil, err
	}
	c := &Catalog{p}
	runtime.SetFinalizer(c, (*Catalog).Close)
	return c, nil
}

// Offers returns the catalog's offers (SPEC JSON "offers").
func (x *Context) Offers(c *Catalog) ([]Offer, error) {
	s, err := x.text(func(out **C.char) C.gpuarb_status { return C.gpuarb_catalog_to_json(x.c, c.p, out) })
	if err != nil {
		return nil, err
	}
	var v struct {
		Offers []Offer `json:"offers"`
	}
	return v.Offers, json.Unmarshal([]byte(s), &v)
}

// OptimizeOptions are gpuarb_optimize_opts; nil fields take the spec's values.
type OptimizeOptions struct {
	TimeLimitS     *float64
	MIPGap         *float64
	AbsGap         *float64
	MemoryLimitMiB *float64
	SkipBaseline   bool
	Explain        bool
}

// Result is a solve's outcome, kept for Export; Plan holds its figures.
type Result struct {
	p    *C.gpuarb_result
	spec *Spec
	Plan Plan
}

// Close frees the result (a finalizer does too).
func (r *Result) Close() {
	if r.p != nil {
		C.gpuarb_result_free(r.p)
		r.p = nil
	}
}

// Optimize solves spec on catalog (nil: the spec's own catalog).
func (x *Context) Optimize(spec *Spec, catalog *Catalog, o *OptimizeOptions) (*Result, error) {
	var opts C.gpuarb_optimize_opts
	C.gpuarb_optimize_opts_init(&opts)
	if o != nil {
		if o.TimeLimitS != nil {
			opts.time_limit_s = C.double(*o.TimeLimitS)
		}
		if o.MIPGap != nil {
			opts.mip_gap = C.double(*o.MIPGap)
		}
		if o.AbsGap != nil {
			opts.abs_gap = C.double(*o.AbsGap)
		}
		if o.MemoryLimitMiB != nil {
			opts.memory_limit_mib = C.double(*o.MemoryLimitMiB)
		}
		if o.SkipBaseline {
			opts.skip_baseline = 1
		}
		if o.Explain {
			opts.explain = 1
		}
	}
	var cat *C.gpuarb_catalog
	if catalog != nil {
		cat = catalog.p
	}
	var p *C.gpuarb_result
	if err := x.err(C.gpuarb_optimize(x.c, spec.p, cat, &opts, &p)); err != nil {
		return nil, err
	}
	r := &Result{p: p, spec: spec}
	runtime.SetFinalizer(r, (*Result).Close)
	s, err := x.text(func(out **C.char) C.gpuarb_status { return C.gpuarb_result_to_json(x.c, p, out) })
	if err == nil {
		err = json.Unmarshal([]byte(s), &r.Plan)
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	runtime.KeepAlive(spec)
	return r, nil
}

// ExportFormat selects gpuarb_result_export's output.
type ExportFormat int

// The export formats (gpuarb_export_format).
const (
	K8s      ExportFormat = C.GPUARB_EXPORT_K8S
	Kueue    ExportFormat = C.GPUARB_EXPORT_KUEUE
	SkyPilot ExportFormat = C.GPUARB_EXPORT_SKYPILOT
)

// ExportOptions are gpuarb_export_opts; "" takes the default.
type ExportOptions struct {
	Namespace, Image, Queue string
}

// Export writes the plan as YAML for a cluster engine.
func (x *Context) Export(r *Result, f ExportFormat, o *ExportOptions) (string, error) {
	var opts C.gpuarb_export_opts
	C.gpuarb_export_opts_init(&opts)
	opts.format = C.int32_t(f)
	if o != nil {
		opts.k8s_namespace, opts.image, opts.queue = cstr(o.Namespace), cstr(o.Image), cstr(o.Queue)
		defer free(opts.k8s_namespace)
		defer free(opts.image)
		defer free(opts.queue)
	}
	var spec *C.gpuarb_spec
	if r.spec != nil {
		spec = r.spec.p
	}
	s, err := x.text(func(out **C.char) C.gpuarb_status {
		return C.gpuarb_result_export(x.c, r.p, spec, &opts, out)
	})
	runtime.KeepAlive(r)
	return s, err
}

// PackOptions are gpuarb_pack_opts; nil fields take the spec's values.
type PackOptions struct {
	Algorithm   *int // gpuarb_pack_algorithm
	Objective   *int // gpuarb_pack_objective
	TimeLimitMs *float64
	Seed        uint64
}

// PackFile packs a pack spec (bpp false) or a BPPLIB instance (bpp true).
func (x *Context) PackFile(path string, bpp bool, o *PackOptions) (*Packing, error) {
	cpath := C.CString(path)
	defer free(cpath)
	var prob *C.gpuarb_pack_problem
	var st C.gpuarb_status
	if bpp {
		st = C.gpuarb_pack_bpp_load(x.c, cpath, &prob)
	} else {
		st = C.gpuarb_pack_spec_load(x.c, cpath, &prob)
	}
	if err := x.err(st); err != nil {
		return nil, err
	}
	defer C.gpuarb_pack_problem_free(prob)
	var opts C.gpuarb_pack_opts
	C.gpuarb_pack_opts_init(&opts)
	if o != nil {
		if o.Algorithm != nil {
			opts.algorithm = C.int32_t(*o.Algorithm)
		}
		if o.Objective != nil {
			opts.objective = C.int32_t(*o.Objective)
		}
		if o.TimeLimitMs != nil {
			opts.time_limit_ms = C.double(*o.TimeLimitMs)
		}
		opts.seed = C.uint64_t(o.Seed)
	}
	var res *C.gpuarb_pack_result
	if err := x.err(C.gpuarb_pack_solve(x.c, prob, &opts, &res)); err != nil {
		return nil, err
	}
	defer C.gpuarb_pack_result_free(res)
	s, err := x.text(func(out **C.char) C.gpuarb_status { return C.gpuarb_pack_result_to_json(x.c, res, out) })
	if err != nil {
		return nil, err
	}
	var p Packing
	return &p, json.Unmarshal([]byte(s), &p)
}

// OptimizeFile loads the spec at path, solves it and returns the plan: the one-call form.
func OptimizeFile(path string, o *OptimizeOptions) (*Plan, error) {
	x, err := NewContext()
	if err != nil {
		return nil, err
	}
	defer x.Close()
	spec, err := x.LoadSpec(path)
	if err != nil {
		return nil, err
	}
	defer spec.Close()
	r, err := x.Optimize(spec, nil, o)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	plan := r.Plan
	return &plan, nil
}
