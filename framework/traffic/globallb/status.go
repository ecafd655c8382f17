package globallb

import (
	"sort"
	"sync/atomic"
	"time"
)

type counters struct {
	requests, local, failover, fallback, noHealthy, partitioned, upstreamErrors atomic.Uint64
	targetUnhealthy, noRule                                                     atomic.Uint64
}

// Counters are the load balancer's cumulative counts since New.
type Counters struct {
	Requests uint64 `json:"requests"`
	// Local, Failover and Fallback count the routes taken.
	Local    uint64 `json:"local"`
	Failover uint64 `json:"failover"`
	Fallback uint64 `json:"fallback"`
	// MissingTarget counts, per failover target that is not a region, the
	// requests that would have gone there and fell back instead.
	MissingTarget map[string]uint64 `json:"missingTarget"`
	// TargetUnhealthy counts fallbacks because the failover target was
	// unhealthy; NoRule those of client regions without a failover rule.
	TargetUnhealthy uint64 `json:"targetUnhealthy"`
	NoRule          uint64 `json:"noRule"`
	// NoHealthyRegion requests got 503: no region was healthy.
	NoHealthyRegion uint64 `json:"noHealthyRegion"`
	// Partitioned requests got 503: routed across a partition.
	Partitioned uint64 `json:"partitioned"`
	// UpstreamErrors requests got 503: the chosen gateway did not answer.
	UpstreamErrors uint64 `json:"upstreamErrors"`
}

// RegionStatus is one region's health and traffic.
type RegionStatus struct {
	Region
	Healthy bool `json:"healthy"`
	// InRotation is false while an operator has taken the region out (SetInRotation).
	InRotation bool `json:"inRotation"`
	// Since is when the current state began.
	Since                time.Time `json:"since"`
	LastCheck            time.Time `json:"lastCheck"`
	LastError            string    `json:"lastError,omitempty"`
	ConsecutiveFailures  int       `json:"consecutiveFailures"`
	ConsecutiveSuccesses int       `json:"consecutiveSuccesses"`
	Transitions          int       `json:"transitions"`
	// Requests routed here, Errors among them (unreachable or partitioned),
	// and Share of all routed requests.
	Requests uint64  `json:"requests"`
	Errors   uint64  `json:"errors"`
	Share    float64 `json:"share"`
}

// Status is a snapshot of the load balancer.
type Status struct {
	URL                  string         `json:"url,omitempty"`
	Primary              string         `json:"primary"`
	Failover             []FailoverRule `json:"failover"`
	HealthCheckInterval  time.Duration  `json:"healthCheckInterval"`
	HealthCheckThreshold int            `json:"healthCheckThreshold"`
	Regions              []RegionStatus `json:"regions"`
	// Partitions lists the cut region pairs.
	Partitions [][2]string `json:"partitions"`
	Counters   Counters    `json:"counters"`
}

// Status returns per-region health and traffic share and the counters.
func (lb *LB) Status() Status {
	st := Status{URL: lb.URL(), Primary: lb.cfg.primary, Failover: lb.cfg.failover,
		HealthCheckInterval: lb.cfg.interval, HealthCheckThreshold: lb.cfg.threshold, Partitions: [][2]string{},
		Counters: Counters{
			Requests: lb.counters.requests.Load(), Local: lb.counters.local.Load(), Failover: lb.counters.failover.Load(),
			Fallback: lb.counters.fallback.Load(), MissingTarget: map[string]uint64{},
			TargetUnhealthy: lb.counters.targetUnhealthy.Load(), NoRule: lb.counters.noRule.Load(),
			NoHealthyRegion: lb.counters.noHealthy.Load(), Partitioned: lb.counters.partitioned.Load(),
			UpstreamErrors: lb.counters.upstreamErrors.Load(),
		}}
	for to, n := range lb.missing {
		st.Counters.MissingTarget[to] = n.Load()
	}
	var total uint64
	for _, r := range lb.regions {
		r.mu.Lock()
		rs := RegionStatus{Region: r.Region, Healthy: r.healthy.Load(), InRotation: !r.out.Load(), Since: r.since, LastCheck: r.lastCheck,
			LastError: r.lastError, ConsecutiveFailures: r.consecFail, ConsecutiveSuccesses: r.consecOK,
			Transitions: r.transitions, Requests: r.routed.Load(), Errors: r.errors.Load()}
		r.mu.Unlock()
		total += rs.Requests
		st.Regions = append(st.Regions, rs)
	}
	for i := range st.Regions {
		if total > 0 {
			st.Regions[i].Share = float64(st.Regions[i].Requests) / float64(total)
		}
	}
	for p := range *lb.partitions.Load() {
		st.Partitions = append(st.Partitions, [2]string{p.a, p.b})
	}
	sort.Slice(st.Partitions, func(i, j int) bool {
		return st.Partitions[i][0]+st.Partitions[i][1] < st.Partitions[j][0]+st.Partitions[j][1]
	})
	return st
}
