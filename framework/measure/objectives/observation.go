package objectives

import (
	"math"
	"strings"
	"time"

	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/measure"
)

// Observation is everything a drill measured, as the evaluators read it.
type Observation struct {
	Criteria measure.Criteria
	// Region resolves "primary", "dr" or a region name.
	Region func(role string) string
	// Primary is the primary region's name.
	Primary  string
	Timeline *load.Timeline
	RTO      *measure.RTOResult
	Failover *measure.FailoverResult
	// Capacity samples by region.
	Capacity map[string][]measure.CapacitySample
	// PDB is the PDB watch of PDBRegion (nil without one).
	PDB       *measure.PDBResult
	PDBRegion string
	// MinAvailable is the PDB's minimum Ready replicas, resolved against the
	// workload's replicas (0 without a PDB).
	MinAvailable int
	Fault        *fault.Entry
	Events       []measure.ClusterEvent
	// Pending are the scheduler's messages for Pending replacements at the
	// end of the hold.
	Pending []string
	Actions []Action
	// Injected, Reverted and Recovered are the fault's injection, its revert
	// and the instant recovery was complete (zero: not reached).
	Injected, Reverted, Recovered time.Time
	// Hold is how long the fault was planned to hold (the default target of
	// objectives bounded by it); zero when unknown.
	Hold time.Duration
	// RecoveryWindow bounds the observation after the revert.
	RecoveryWindow time.Duration
	// FailoverRule describes the DestinationRule's failover rule for the
	// primary, in words, for a failover that missed it.
	FailoverRule string
	// RPO is the RPO drill's outcome (nil for traffic drills).
	RPO *RPO
	// Workloads are the workloads under test, the entry (the one clients
	// call) first. Capacity, PDB, MinAvailable and Pending above are the
	// entry's; For gives the observation of another.
	Workloads []Workload
	// Workload names the workload Capacity, PDB, MinAvailable and Pending
	// describe ("" when the drill did not say).
	Workload string
	// Monitoring: the environment ran the platform's rules in a real
	// Prometheus, so Alerts were observed.
	Monitoring bool
	// Alerts are the platform's alerts the drill followed: those it has for
	// the fault and those a scenario names.
	Alerts []Alert
}

// Alert is what a drill saw of one of the platform's alerts.
type Alert struct {
	Name string
	// For is the rule's `for:`, scaled by the profile.
	For time.Duration
	// Within is the default time-to-detect objective: For plus what the
	// fault takes to make the condition true and Prometheus to see it.
	Within time.Duration
	// Why says why the drill expects the fault to raise it ("its
	// expression reads probe_success"); empty for an alert only named.
	Why string
	// Runbook: it is the alert that starts the platform's runbook.
	Runbook bool
	// Static is what the platform's lint says about it firing at all.
	Static string
	// Region is where it first went pending or fired after the fault.
	Region string
	// Pending, Firing and Resolved are its first such transitions after
	// the fault (Resolved: after the revert began); zero when not seen.
	Pending, Firing, Resolved time.Time
}

// Workload is what a drill measured of one workload under test.
type Workload struct {
	// Name is namespace/name of its Deployment.
	Name string `json:"name"`
	// Capacity samples of its Deployment by region.
	Capacity map[string][]measure.CapacitySample `json:"capacity,omitempty"`
	// PDB is the watch of its pods in the PDB region (nil without one).
	PDB *measure.PDBResult `json:"pdb,omitempty"`
	// MinAvailable is its PDB's minimum Ready replicas (0 without a PDB).
	MinAvailable int `json:"minAvailable"`
	// Pending are the scheduler's messages for its Pending replacements.
	Pending []string `json:"pending,omitempty"`
}

// Is reports whether name ("name", "namespace/name" or "" for any) names w.
func (w Workload) Is(name string) bool {
	if name == "" || name == w.Name {
		return true
	}
	_, n, _ := strings.Cut(w.Name, "/")
	return !strings.Contains(name, "/") && name == n
}

// For returns the observation as seen for workload w: the same drill, with
// w's capacity, PDB watch, minimum and Pending replacements.
func (o *Observation) For(w Workload) *Observation {
	c := *o
	c.Workload, c.Capacity, c.PDB, c.MinAvailable, c.Pending = w.Name, w.Capacity, w.PDB, w.MinAvailable, w.Pending
	return &c
}

func (o *Observation) workloadNames() string {
	names := make([]string, len(o.Workloads))
	for i, w := range o.Workloads {
		names[i] = w.Name
	}
	return strings.Join(names, ", ")
}

// Action is a runbook action the drill took.
type Action struct {
	Do     string
	Region string
	// Workload is namespace/name of the workload acted on.
	Workload string
	Replicas int32
	After    string
	At       time.Time
	Err      string
}

// RPO is what an RPO drill measured.
type RPO struct {
	// Worst is the worst-case RPO measured; Reason says what decided it.
	Worst  time.Duration
	Reason string
}

// action returns the first action of a kind in region, on the observed
// workload when the observation is one workload's (For).
func (o *Observation) action(do, region string) (Action, bool) {
	for _, a := range o.Actions {
		if a.Do == do && (a.Region == region || a.Region == "") && (o.Workload == "" || a.Workload == "" || a.Workload == o.Workload) {
			return a, true
		}
	}
	return Action{}, false
}

// faultSeconds is how long the fault held.
func (o *Observation) faultSeconds() float64 { return o.Reverted.Sub(o.Injected).Seconds() }

// holdSeconds is the fault's planned hold, or how long it held when the plan
// is unknown; 0 when neither is (never an unset duration).
func (o *Observation) holdSeconds() float64 {
	switch {
	case o.Hold > 0:
		return o.Hold.Seconds()
	case !o.Injected.IsZero() && !o.Reverted.IsZero():
		return o.faultSeconds()
	}
	return 0
}

// MinReady is the fewest Ready replicas in region while the fault held: the
// PDB watch's when it watched region, else from the capacity samples.
func (o *Observation) MinReady(region string) (int, bool) {
	if o.PDB != nil && region == o.PDBRegion {
		if m := o.PDB.MinReady(); m >= 0 {
			return m, true
		}
	}
	samples := o.Capacity[region]
	if len(samples) == 0 || o.Injected.IsZero() {
		return 0, false
	}
	end := o.Reverted
	if end.IsZero() {
		end = time.Now()
	}
	m, seen := math.MaxInt, false
	for i, c := range samples {
		// The sample in effect at the injection counts too.
		inEffect := c.At.Before(o.Injected) && (i+1 == len(samples) || !samples[i+1].At.Before(o.Injected))
		if inEffect || (!c.At.Before(o.Injected) && !c.At.After(end)) {
			m, seen = min(m, c.Ready), true
		}
	}
	return m, seen
}

// RoutesDuringFault counts the fault phase's successes by global LB route.
func RoutesDuringFault(tl *load.Timeline) (failover, fallback int) {
	if tl == nil {
		return 0, 0
	}
	for _, b := range tl.Buckets {
		if b.Phase == "fault" {
			failover += b.Routes["failover"]
			fallback += b.Routes["fallback"]
		}
	}
	return failover, fallback
}

// AllPending is every workload's Pending replacements (the entry's alone
// when the drill did not measure workloads one by one).
func (o *Observation) AllPending() []string {
	if len(o.Workloads) == 0 {
		return o.Pending
	}
	var out []string
	for _, w := range o.Workloads {
		out = append(out, w.Pending...)
	}
	return out
}

// FirstReason is the first of the scheduler's messages, or says there was none.
func FirstReason(rs []string) string {
	if len(rs) == 0 {
		return "no scheduling message"
	}
	return rs[0]
}
