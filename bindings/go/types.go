package gpuarb

// Plan is the SPEC section 3 JSON of an optimize result.  Figures that do not exist
// (no plan, no baseline) are nil.
type Plan struct {
	Version     int          `json:"version"`
	Status      string       `json:"status"` // optimal, feasible, infeasible, time_limit
	Objective   string       `json:"objective"`
	CostPerHour *float64     `json:"cost_per_hour"`
	TotalCost   *float64     `json:"total_cost"`
	EgressCost  *float64     `json:"egress_cost"`
	Throughput  *float64     `json:"throughput"`
	MIPGap      *float64     `json:"mip_gap"`
	Bound       *float64     `json:"bound"`
	SolveMs     float64      `json:"solve_ms"`
	Baseline    *Baseline    `json:"baseline"`
	SavingsPct  *float64     `json:"savings_pct"`
	Allocations []Allocation `json:"allocations"`
	Workloads   []struct {
		Name        string   `json:"name"`
		GPUs        int      `json:"gpus"`
		CostPerHour float64  `json:"cost_per_hour"`
		EgressCost  float64  `json:"egress_cost"`
		Throughput  *float64 `json:"throughput"`
	} `json:"workloads"`
	Diagnostics []string `json:"diagnostics"`
	Warnings    []string `json:"warnings"`
}

// Baseline is the cheapest single-provider, on-demand plan.
type Baseline struct {
	Provider    string   `json:"provider"`
	CostPerHour float64  `json:"cost_per_hour"`
	TotalCost   float64  `json:"total_cost"`
	Throughput  *float64 `json:"throughput"`
}

// Allocation is one row of a plan.
type Allocation struct {
	Workload        string  `json:"workload"`
	Provider        string  `json:"provider"`
	Region          string  `json:"region"`
	Zone            string  `json:"zone"`
	InstanceType    string  `json:"instance_type"`
	GPU             string  `json:"gpu"`
	GPUsPerInstance int     `json:"gpus_per_instance"`
	Count           int     `json:"count"`
	Market          string  `json:"market"` // ondemand or spot
	PriceHour       float64 `json:"price_hour"`
	CostPerHour     float64 `json:"cost_per_hour"`
}

// Offer is one catalog row (SPEC JSON).
type Offer struct {
	Provider         string   `json:"provider"`
	Region           string   `json:"region"`
	Zone             string   `json:"zone"`
	InstanceType     string   `json:"instance_type"`
	GPU              string   `json:"gpu"`
	GPUCount         int      `json:"gpu_count"`
	PriceHour        *float64 `json:"price_hour"`
	SpotPriceHour    *float64 `json:"spot_price_hour"`
	InterruptionRate *float64 `json:"interruption_rate"`
}

// Packing is the SPEC section 4 JSON of a pack result.
type Packing struct {
	Status      string  `json:"status"`
	Objective   string  `json:"objective"`
	Algorithm   string  `json:"algorithm"`
	NodesUsed   int     `json:"nodes_used"`
	CostPerHour float64 `json:"cost_per_hour"`
	LowerBound  int     `json:"lower_bound"`
	Items       int     `json:"items"`
	Nodes       []struct {
		Type  string   `json:"type"`
		Items []string `json:"items"`
	} `json:"nodes"`
	Unplaced []struct {
		Item   string `json:"item"`
		Reason string `json:"reason"`
	} `json:"unplaced"`
}
