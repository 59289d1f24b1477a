package gpuarb

// Forecast, spot with a deadline, and the cluster simulator (issue 11's APIs; SPEC
// section 6), on the same conventions as optimize and pack: (T, error), results decoded
// from the library's JSON, every library string copied and freed before returning.

/*
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

// ForecastMethod is a gpuarb_forecast_method.
type ForecastMethod int

const (
	ForecastAuto          ForecastMethod = C.GPUARB_FORECAST_AUTO
	ForecastSeasonalNaive ForecastMethod = C.GPUARB_FORECAST_SEASONAL_NAIVE
	ForecastHoltWinters   ForecastMethod = C.GPUARB_FORECAST_HOLT_WINTERS
	ForecastSeasonalAR    ForecastMethod = C.GPUARB_FORECAST_SEASONAL_AR
	ForecastCombined      ForecastMethod = C.GPUARB_FORECAST_COMBINED
)

// ForecastOptions are gpuarb_forecast_opts; nil fields take the library's defaults
// (season 24, method auto, 30 backtest origins).
type ForecastOptions struct {
	Season  *int
	Method  *ForecastMethod
	Origins *int
}

// Forecast is SPEC section 6's forecast JSON.  MAPE figures that do not exist are nil.
type Forecast struct {
	Method            string             `json:"method"`
	Horizon           int                `json:"horizon"`
	Season            int                `json:"season"`
	Origins           int                `json:"origins"`
	MAPE              *float64           `json:"mape"`
	MAPESeasonalNaive *float64           `json:"mape_seasonal_naive"`
	MAPEMethods       map[string]float64 `json:"mape_methods"`
	Values            []float64          `json:"forecast"`
}

func forecastOpts(horizon int, o *ForecastOptions) C.gpuarb_forecast_opts {
	var opts C.gpuarb_forecast_opts
	C.gpuarb_forecast_opts_init(&opts)
	opts.horizon = C.int32_t(horizon)
	if o != nil {
		if o.Season != nil {
			opts.season = C.int32_t(*o.Season)
		}
		if o.Method != nil {
			opts.method = C.int32_t(*o.Method)
		}
		if o.Origins != nil {
			opts.origins = C.int32_t(*o.Origins)
		}
	}
	return opts
}

func (x *Context) forecastResult(st C.gpuarb_status, r *C.gpuarb_forecast_result) (*Forecast, error) {
	if st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	defer C.gpuarb_forecast_result_free(r)
	s, err := x.text(func(out **C.char) C.gpuarb_status {
		return C.gpuarb_forecast_result_to_json(x.c, r, out)
	})
	if err != nil {
		return nil, err
	}
	var f Forecast
	return &f, json.Unmarshal([]byte(s), &f)
}

// Forecast forecasts the next horizon values of an evenly spaced series.
func (x *Context) Forecast(values []float64, horizon int, o *ForecastOptions) (*Forecast, error) {
	opts := forecastOpts(horizon, o)
	var r *C.gpuarb_forecast_result
	var y *C.double
	if len(values) > 0 {
		y = (*C.double)(unsafe.Pointer(&values[0])) // float64 is C double; read during the call only
	}
	st := C.gpuarb_forecast_run(x.c, y, C.size_t(len(values)), &opts, &r)
	runtime.KeepAlive(values)
	return x.forecastResult(st, r)
}

// ForecastCSV forecasts a SERIES CSV text (time_s,value rows); source names it in errors.
func (x *Context) ForecastCSV(text, source string, horizon int, o *ForecastOptions) (*Forecast, error) {
	opts := forecastOpts(horizon, o)
	t, src := C.CString(text), cstr(source)
	defer free(t)
	defer free(src)
	var r *C.gpuarb_forecast_result
	st := C.gpuarb_forecast_parse(x.c, t, C.size_t(len(text)), src, &opts, &r)
	return x.forecastResult(st, r)
}

// ForecastFile forecasts a SERIES CSV file.
func (x *Context) ForecastFile(path string, horizon int, o *ForecastOptions) (*Forecast, error) {
	opts := forecastOpts(horizon, o)
	p := C.CString(path)
	defer free(p)
	var r *C.gpuarb_forecast_result
	st := C.gpuarb_forecast_load(x.c, p, &opts, &r)
	return x.forecastResult(st, r)
}

// SpotTrace is a spot availability trace (Can't Be Late's JSON).
type SpotTrace struct{ p *C.gpuarb_spot_trace }

// Close frees the trace (a finalizer does too).
func (t *SpotTrace) Close() {
	if t.p != nil {
		C.gpuarb_spot_trace_free(t.p)
		t.p = nil
	}
}

// Ticks is the trace's length; GapS its seconds per tick.
func (t *SpotTrace) Ticks() int64  { return int64(C.gpuarb_spot_trace_ticks(t.p)) }
func (t *SpotTrace) GapS() float64 { return float64(C.gpuarb_spot_trace_gap_s(t.p)) }

func (x *Context) spotTrace(st C.gpuarb_status, p *C.gpuarb_spot_trace) (*SpotTrace, error) {
	if st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	t := &SpotTrace{p}
	runtime.SetFinalizer(t, (*SpotTrace).Close)
	return t, nil
}

// LoadSpotTrace loads a spot trace file.
func (x *Context) LoadSpotTrace(path string) (*SpotTrace, error) {
	p := C.CString(path)
	defer free(p)
	var t *C.gpuarb_spot_trace
	return x.spotTrace(C.gpuarb_spot_trace_load(x.c, p, &t), t)
}

// ParseSpotTrace parses a spot trace from JSON text.
func (x *Context) ParseSpotTrace(text, source string) (*SpotTrace, error) {
	s, src := C.CString(text), cstr(source)
	defer free(s)
	defer free(src)
	var t *C.gpuarb_spot_trace
	return x.spotTrace(C.gpuarb_spot_trace_parse(x.c, s, C.size_t(len(text)), src, &t), t)
}

// SpotPolicy is a gpuarb_spot_policy.
type SpotPolicy int

const (
	SpotOnDemand        SpotPolicy = C.GPUARB_SPOT_ONDEMAND
	SpotGreedy          SpotPolicy = C.GPUARB_SPOT_GREEDY
	SpotUniformProgress SpotPolicy = C.GPUARB_SPOT_UNIFORM_PROGRESS
	SpotOmniscient      SpotPolicy = C.GPUARB_SPOT_OMNISCIENT
	SpotAuto            SpotPolicy = C.GPUARB_SPOT_AUTO
	SpotRL              SpotPolicy = C.GPUARB_SPOT_RL
)

// SpotOptions are gpuarb_spot_opts; zero fields take the library's defaults (48 h job,
// 60 h deadline, 0.2 h changeover, price ratio 3.14, 300 starts, seed 1).
type SpotOptions struct {
	JobHours, DeadlineHours, RestartHours, PriceRatio float64
	Starts, MaxTicks                                  int
	Seed                                              *uint64
	ModelPath                                         string // SpotRL
	CompareOptimum                                    bool
}

// SpotSummary is SPEC section 6's spot JSON; the optimum's figures are nil unless asked.
type SpotSummary struct {
	Policy                string   `json:"policy"`
	NormalizedCost        float64  `json:"normalized_cost"`
	DeadlineMisses        int      `json:"deadline_misses"`
	SpotHours             float64  `json:"spot_hours"`
	OnDemandHours         float64  `json:"ondemand_hours"`
	Starts                int      `json:"starts"`
	OptimumNormalizedCost *float64 `json:"optimum_normalized_cost"`
	GapToOptimum          *float64 `json:"gap_to_optimum"`
}

// Spot replays a job with a deadline on the trace under policy.
func (x *Context) Spot(t *SpotTrace, policy SpotPolicy, o *SpotOptions) (*SpotSummary, error) {
	var opts C.gpuarb_spot_opts
	C.gpuarb_spot_opts_init(&opts)
	opts.policy = C.int32_t(policy)
	if o != nil {
		set := func(dst *C.double, v float64) {
			if v != 0 {
				*dst = C.double(v)
			}
		}
		set(&opts.job_hours, o.JobHours)
		set(&opts.deadline_hours, o.DeadlineHours)
		set(&opts.restart_hours, o.RestartHours)
		set(&opts.price_ratio, o.PriceRatio)
		if o.Starts != 0 {
			opts.starts = C.int32_t(o.Starts)
		}
		if o.MaxTicks != 0 {
			opts.max_ticks = C.int32_t(o.MaxTicks)
		}
		if o.Seed != nil {
			opts.seed = C.uint64_t(*o.Seed)
		}
		if o.CompareOptimum {
			opts.compare_optimum = 1
		}
		if o.ModelPath != "" {
			m := C.CString(o.ModelPath)
			defer free(m)
			opts.model_path = m
		}
	}
	var m C.gpuarb_spot_summary
	m.size = C.uint32_t(unsafe.Sizeof(m))
	if st := C.gpuarb_spot_run(x.c, t.p, &opts, &m); st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	s, err := x.text(func(out **C.char) C.gpuarb_status {
		return C.gpuarb_spot_summary_to_json(x.c, &m, out)
	})
	if err != nil {
		return nil, err
	}
	var v SpotSummary
	return &v, json.Unmarshal([]byte(s), &v)
}

// TraceFormat is a gpuarb_trace_format.
type TraceFormat int

const (
	TraceNative TraceFormat = C.GPUARB_TRACE_NATIVE
	TraceOpenB  TraceFormat = C.GPUARB_TRACE_OPENB
	TraceGavel  TraceFormat = C.GPUARB_TRACE_GAVEL
)

// Trace is a job trace for the simulator, jobs by submit time.
type Trace struct{ p *C.gpuarb_trace }

// Close frees the trace (a finalizer does too).
func (t *Trace) Close() {
	if t.p != nil {
		C.gpuarb_trace_free(t.p)
		t.p = nil
	}
}

// Jobs is the number of jobs; Skipped the rows an importer left out.
func (t *Trace) Jobs() int64    { return int64(C.gpuarb_trace_job_count(t.p)) }
func (t *Trace) Skipped() int64 { return int64(C.gpuarb_trace_skipped_count(t.p)) }

func (x *Context) trace(st C.gpuarb_status, p *C.gpuarb_trace) (*Trace, error) {
	if st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	t := &Trace{p}
	runtime.SetFinalizer(t, (*Trace).Close)
	return t, nil
}

// LoadTrace loads a trace file; throughputs is Gavel's table (TraceGavel only).
func (x *Context) LoadTrace(path string, f TraceFormat, throughputs string) (*Trace, error) {
	p, thr := C.CString(path), cstr(throughputs)
	defer free(p)
	defer free(thr)
	var t *C.gpuarb_trace
	return x.trace(C.gpuarb_trace_load(x.c, p, C.int32_t(f), thr, &t), t)
}

// ParseTrace parses a trace from text; throughputs is the Gavel table's JSON text.
func (x *Context) ParseTrace(text, source string, f TraceFormat, throughputs string) (*Trace, error) {
	s, src, thr := C.CString(text), cstr(source), cstr(throughputs)
	defer free(s)
	defer free(src)
	defer free(thr)
	var t *C.gpuarb_trace
	st := C.gpuarb_trace_parse(x.c, s, C.size_t(len(text)), src, C.int32_t(f), thr,
		C.size_t(len(throughputs)), &t)
	return x.trace(st, t)
}

// Window is a new trace of the jobs submitted in [fromS, toS), shifted so fromS is 0.
func (x *Context) Window(t *Trace, fromS, toS float64) (*Trace, error) {
	var w *C.gpuarb_trace
	return x.trace(C.gpuarb_trace_window(x.c, t.p, C.double(fromS), C.double(toS), &w), w)
}

// TraceCSV writes the trace as the native CSV.
func (x *Context) TraceCSV(t *Trace) (string, error) {
	return x.text(func(out **C.char) C.gpuarb_status { return C.gpuarb_trace_to_csv(x.c, t.p, out) })
}

// SimConfig is a simulator configuration (SIM.yaml).
type SimConfig struct{ p *C.gpuarb_sim_config }

// Close frees the configuration (a finalizer does too).
func (c *SimConfig) Close() {
	if c.p != nil {
		C.gpuarb_sim_config_free(c.p)
		c.p = nil
	}
}

func (x *Context) simConfig(st C.gpuarb_status, p *C.gpuarb_sim_config) (*SimConfig, error) {
	if st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	c := &SimConfig{p}
	runtime.SetFinalizer(c, (*SimConfig).Close)
	return c, nil
}

// LoadSimConfig loads a SIM.yaml file (relative paths resolve from its folder).
func (x *Context) LoadSimConfig(path string) (*SimConfig, error) {
	p := C.CString(path)
	defer free(p)
	var c *C.gpuarb_sim_config
	return x.simConfig(C.gpuarb_sim_config_load(x.c, p, &c), c)
}

// ParseSimConfig parses SIM.yaml text; baseDir resolves relative paths ("" = cwd).
func (x *Context) ParseSimConfig(text, source, baseDir string) (*SimConfig, error) {
	s, src, base := C.CString(text), cstr(source), cstr(baseDir)
	defer free(s)
	defer free(src)
	defer free(base)
	var c *C.gpuarb_sim_config
	return x.simConfig(C.gpuarb_sim_config_parse(x.c, s, C.size_t(len(text)), src, base, &c), c)
}

// DefaultSimConfig is the configuration of an empty SIM.yaml.
func (x *Context) DefaultSimConfig() (*SimConfig, error) {
	var c *C.gpuarb_sim_config
	return x.simConfig(C.gpuarb_sim_config_default(x.c, &c), c)
}

// SimInfo is what a configuration resolved to; a price is nil for a market not used.
type SimInfo struct {
	Offer                        string
	NodeGPUs, MinNodes, MaxNodes int
	HasSpot                      bool
	ODPriceHour, SpotPriceHour   *float64
	ProvisioningDelayS           float64
	DecisionIntervalS            float64
	WaitPenaltyPerGPUHour        float64
}

// Describe reports what cfg resolved to.
func (x *Context) Describe(cfg *SimConfig) (*SimInfo, error) {
	var i C.gpuarb_sim_config_info
	i.size = C.uint32_t(unsafe.Sizeof(i))
	if st := C.gpuarb_sim_config_describe(x.c, cfg.p, &i); st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	price := func(v C.double) *float64 {
		if v < 0 {
			return nil
		}
		f := float64(v)
		return &f
	}
	return &SimInfo{Offer: C.GoString(i.offer), NodeGPUs: int(i.node_gpus),
		MinNodes: int(i.min_nodes), MaxNodes: int(i.max_nodes), HasSpot: i.has_spot != 0,
		ODPriceHour: price(i.od_price_hour), SpotPriceHour: price(i.spot_price_hour),
		ProvisioningDelayS:    float64(i.provisioning_delay_s),
		DecisionIntervalS:     float64(i.decision_interval_s),
		WaitPenaltyPerGPUHour: float64(i.wait_penalty_per_gpu_hour)}, nil
}

// SimResult is SPEC section 6's simulate JSON.
type SimResult struct {
	Policy            string  `json:"policy"`
	Seed              uint64  `json:"seed"`
	Jobs              int64   `json:"jobs"`
	JobsDone          int64   `json:"jobs_done"`
	Cost              float64 `json:"cost"`
	GPUHoursPaid      float64 `json:"gpu_hours_paid"`
	GPUHoursBusy      float64 `json:"gpu_hours_busy"`
	Utilization       float64 `json:"utilization"`
	MeanWaitH         float64 `json:"mean_wait_h"`
	P95WaitH          float64 `json:"p95_wait_h"`
	Preemptions       int64   `json:"preemptions"`
	Objective         float64 `json:"objective"`
	WaitGPUHours      float64 `json:"wait_gpu_hours"`
	JobsUnschedulable int64   `json:"jobs_unschedulable"`
	SpotRefused       int64   `json:"spot_refused"`
	Moves             int64   `json:"moves"`
	Decisions         int64   `json:"decisions"`
	Events            int64   `json:"events"`
	SimHours          float64 `json:"sim_hours"`
	Stalled           bool    `json:"stalled"`
}

// Simulate runs the trace on cfg (nil: the default configuration) under a policy string
// ("threshold:up=0,idle=600", "auto", ...).
func (x *Context) Simulate(cfg *SimConfig, t *Trace, policy string, seed uint64) (*SimResult, error) {
	if cfg == nil {
		d, err := x.DefaultSimConfig()
		if err != nil {
			return nil, err
		}
		defer d.Close()
		cfg = d
	}
	pol := C.CString(policy)
	defer free(pol)
	var r *C.gpuarb_sim_result
	if st := C.gpuarb_simulate(x.c, cfg.p, t.p, pol, C.uint64_t(seed), &r); st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	defer C.gpuarb_sim_result_free(r)
	s, err := x.text(func(out **C.char) C.gpuarb_status { return C.gpuarb_sim_result_to_json(x.c, r, out) })
	if err != nil {
		return nil, err
	}
	var v SimResult
	return &v, json.Unmarshal([]byte(s), &v)
}

// TuneOptions are gpuarb_tune_opts; zero fields take the defaults (budget 120, 1 seed,
// first seed 0).
type TuneOptions struct {
	Budget, Seeds int
	Seed          uint64
}

// Tuning is gpuarb_tune's JSON: the winner (Policy, a string for Simulate) and every
// candidate run.
type Tuning struct {
	Policy      string  `json:"policy"`
	Objective   float64 `json:"objective"`
	Traces      int     `json:"traces"`
	Seeds       int     `json:"seeds"`
	Simulations int     `json:"simulations"`
	Grid        int     `json:"grid"`
	Candidates  []struct {
		Policy    string  `json:"policy"`
		Objective float64 `json:"objective"`
	} `json:"candidates"`
}

// Tune grid-searches policy ("threshold", "predictive", ...) on the training traces.
func (x *Context) Tune(cfg *SimConfig, traces []*Trace, policy string, o *TuneOptions) (*Tuning, error) {
	if len(traces) == 0 {
		return nil, fmt.Errorf("gpuarb: Tune needs at least one trace")
	}
	if cfg == nil {
		d, err := x.DefaultSimConfig()
		if err != nil {
			return nil, err
		}
		defer d.Close()
		cfg = d
	}
	var opts C.gpuarb_tune_opts
	C.gpuarb_tune_opts_init(&opts)
	if o != nil {
		if o.Budget != 0 {
			opts.budget = C.int32_t(o.Budget)
		}
		if o.Seeds != 0 {
			opts.seeds = C.int32_t(o.Seeds)
		}
		opts.seed = C.uint64_t(o.Seed)
	}
	// The array of trace pointers lives in C memory: cgo forbids passing Go memory
	// that holds Go pointers, and these are C pointers kept in a Go slice's backing.
	arr := (**C.gpuarb_trace)(C.malloc(C.size_t(len(traces)) * C.size_t(unsafe.Sizeof(traces[0].p))))
	defer C.free(unsafe.Pointer(arr))
	for i, t := range traces {
		*(**C.gpuarb_trace)(unsafe.Pointer(uintptr(unsafe.Pointer(arr)) + uintptr(i)*unsafe.Sizeof(t.p))) = t.p
	}
	pol := C.CString(policy)
	defer free(pol)
	var best, js *C.char
	st := C.gpuarb_tune(x.c, cfg.p, arr, C.int32_t(len(traces)), pol, &opts, &best, &js)
	runtime.KeepAlive(traces)
	b, j := take(best), take(js)
	if st != C.GPUARB_OK {
		return nil, x.err(st)
	}
	var v Tuning
	if err := json.Unmarshal([]byte(j), &v); err != nil {
		return nil, err
	}
	v.Policy = b
	return &v, nil
}
