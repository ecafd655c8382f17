package evidence

import "time"

// Drill is one drill of a run: the faults injected, the load that measured
// them and the objectives judged.
type Drill struct {
	// Name identifies the drill within the run (e.g. "zone-outage").
	Name string `json:"name"`
	// Scenario is the scenario it ran.
	Scenario string `json:"scenario"`
	// Description says in a sentence what the drill does.
	Description string `json:"description,omitempty"`
	// Targets are the regions and zones the faults hit.
	Targets Targets `json:"targets"`
	// Start and End are UTC wall-clock times of the drill.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Faults in injection order.
	Faults []Fault `json:"faults"`
	// Load sums the load per phase, in order.
	Load []PhaseLoad `json:"load"`
	// Timeline is the load over time; nil when the drill sent no load
	// (an RPO drill) or failed before load started.
	Timeline *Timeline `json:"timeline,omitempty"`
	// Windows are measured spans to shade on the timeline (RTO, failover,
	// disruptions); fault windows come from Faults.
	Windows []Window `json:"windows"`
	// Objectives are what the drill is judged against.
	Objectives []Objective `json:"objectives"`
	// Metrics are further measured figures that are not objectives
	// (detection time, failover time, time to full capacity, clock factor).
	Metrics []Metric `json:"metrics"`
	// Findings are the drill's observations.
	Findings []Finding `json:"findings"`
	// Events are what the control planes did while the drill ran: nodes
	// turning NotReady or tainted, the inference pods evicted, created,
	// scheduled and Ready, in time order. They say where recovery time went.
	Events []Event `json:"events,omitempty"`
	// EventsDropped counts events not kept (a recorder keeps a bounded number).
	EventsDropped int `json:"eventsDropped,omitempty"`
	// Error is why the drill could not complete, if it could not.
	Error string `json:"error,omitempty"`
	// Aborted says why the drill stopped before it had measured everything
	// (interrupted, or the harness failed); nil when it ran to the end.
	Aborted *Abort `json:"aborted,omitempty"`
	// Verdict is fail when an objective was missed or not measured, or the
	// drill errored; interrupted or harness-failed when it was aborted
	// (Finalize).
	Verdict Verdict `json:"verdict"`
}

// Targets are what a drill's faults hit.
type Targets struct {
	Regions []string `json:"regions,omitempty"`
	Zones   []string `json:"zones,omitempty"`
	Nodes   []string `json:"nodes,omitempty"`
	// Workloads are the workloads under test (namespace/name), the entry
	// (the one clients call, through which the load goes) first.
	Workloads []string `json:"workloads,omitempty"`
}

// Fault is one injected fault.
type Fault struct {
	// Kind is the fault kind (node-loss, zone-outage, storage-outage,
	// region-outage, partition, pod-kill, drain).
	Kind string `json:"kind"`
	// Target names what it hit ("us-east1/us-east1-a").
	Target string `json:"target"`
	// ChaosKind is the Chaos Mesh kind that describes it, if any (PodChaos,
	// NetworkChaos, IOChaos).
	ChaosKind string `json:"chaosKind,omitempty"`
	// JournalID is the fault's id in the on-disk fault journal.
	JournalID string `json:"journalID"`
	// InjectedAt is when it was applied; RevertedAt when it was reverted,
	// nil when it never was (the report says so).
	InjectedAt time.Time  `json:"injectedAt"`
	RevertedAt *time.Time `json:"revertedAt"`
	// Parameters are the fault's settings; values of sensitive names are
	// redacted (Redactor).
	Parameters map[string]string `json:"parameters,omitempty"`
	// Error is why injecting or reverting failed, if it did.
	Error string `json:"error,omitempty"`
}

// PhaseLoad sums the load of one phase (baseline, fault, recovery, ...).
type PhaseLoad struct {
	Phase string `json:"phase"`
	// FromSeconds and ToSeconds bound the phase, as offsets from the start
	// of the load.
	FromSeconds float64 `json:"fromSeconds"`
	ToSeconds   float64 `json:"toSeconds"`
	Sent        int     `json:"sent"`
	OK          int     `json:"ok"`
	// ErrorRatio is (Sent-OK)/Sent, 0 when nothing was sent.
	ErrorRatio float64 `json:"errorRatio"`
	P50Ms      float64 `json:"p50Ms"`
	P99Ms      float64 `json:"p99Ms"`
	// Failures counts failed requests by cause (refused, reset, timeout, 5xx, ...).
	Failures map[string]int `json:"failures,omitempty"`
	// Regions counts successful responses by the region that served them.
	Regions map[string]int `json:"regions,omitempty"`
}

// Timeline is the load over time in fixed buckets.
type Timeline struct {
	// Start is the wall-clock instant of offset 0 (UTC).
	Start time.Time `json:"start"`
	// BucketSeconds is the width of one point.
	BucketSeconds float64 `json:"bucketSeconds"`
	// Regions are the serving regions, in the order charts draw them.
	Regions []string `json:"regions"`
	// Points in time order, one per bucket.
	Points []Point `json:"points"`
}

// Point is one bucket of the timeline.
type Point struct {
	// T is the bucket's start, in seconds from Timeline.Start.
	T float64 `json:"t"`
	// Sent is how many requests were sent in the bucket.
	Sent int `json:"sent"`
	// Success is the ratio of requests that succeeded (1 when none was sent).
	Success float64 `json:"success"`
	// P50Ms and P99Ms are latency quantiles of the bucket's requests.
	P50Ms float64 `json:"p50Ms"`
	P99Ms float64 `json:"p99Ms"`
	// Share is the fraction of the bucket's requests each region served successfully.
	Share map[string]float64 `json:"share,omitempty"`
}

// Window kinds the reports know; others are shaded neutrally.
const (
	WindowFault      = "fault"
	WindowRTO        = "rto"
	WindowDetection  = "detection"
	WindowFailover   = "failover"
	WindowDisruption = "disruption"
	// WindowOutage: a span after the fault with the success ratio below
	// the objective's threshold (an RTO ends with the last one).
	WindowOutage = "outage"
	// WindowAlert: one of the platform's alerts firing, until it resolved.
	WindowAlert = "alert"
)

// Window is a measured span on the timeline.
type Window struct {
	// Kind is one of the Window* constants (or another word).
	Kind string `json:"kind"`
	// Label says what it is ("RTO 41.2s").
	Label string `json:"label"`
	// FromSeconds and ToSeconds are offsets from Timeline.Start.
	FromSeconds float64 `json:"fromSeconds"`
	ToSeconds   float64 `json:"toSeconds"`
}

// Metric is a measured figure that is not judged.
type Metric struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Method string  `json:"method,omitempty"`
}

// Event is one change a control plane made during a drill.
type Event struct {
	// At is when the watch saw it (UTC).
	At     time.Time `json:"at"`
	Region string    `json:"region"`
	// Object is "node/NAME", "pod/NAME" or, with monitoring, "alert/NAME"
	// (a Prometheus alert of the platform's rules, its state as Event).
	Object string `json:"object"`
	// Event says what changed ("NotReady (Unknown: NodeStatusUnknown)",
	// "deleting (DeletionByTaintManager)", "scheduled to NODE", "Ready").
	Event string `json:"event"`
}
