package scenarios

import (
	"gameday.io/gameday/framework/measure/objectives"

	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"gameday.io/gameday/framework"
)

// Scenario is one drill.
type Scenario struct {
	APIVersion  string   `yaml:"apiVersion" json:"-"`
	Kind        string   `yaml:"kind" json:"-"`
	Name        string   `yaml:"name" json:"name"`
	Description string   `yaml:"description,omitempty" json:"description,omitempty"`
	Labels      []string `yaml:"labels,omitempty" json:"labels,omitempty"`
	// Type is traffic (a fault under load; the default) or rpo (backups,
	// loss and restore on a compressed clock).
	Type Type `yaml:"type,omitempty" json:"type,omitempty"`
	// Load is the inference load driven through the global endpoint.
	Load Load `yaml:"load,omitempty" json:"load"`
	// Baseline is how long load runs before the fault.
	Baseline Duration `yaml:"baseline,omitempty" json:"baseline"`
	// Fault is what fails and for how long.
	Fault Fault `yaml:"fault,omitempty" json:"fault"`
	// Actions are the runbook steps taken while the fault holds.
	Actions []Action `yaml:"actions,omitempty" json:"actions,omitempty"`
	// Recovery bounds the observation after the fault is reverted; it ends
	// early once every region is back to full capacity and the load stable.
	Recovery Duration `yaml:"recovery,omitempty" json:"recovery"`
	// Objectives judge the drill.
	Objectives []Objective `yaml:"objectives" json:"objectives"`
}

// Type is the kind of drill.
type Type string

const (
	TypeTraffic Type = "traffic"
	TypeRPO     Type = "rpo"
)

// Load describes the drill's traffic.
type Load struct {
	// Rate is requests per second over all client regions (default DefaultRate).
	Rate float64 `yaml:"rate,omitempty" json:"rate"`
	// ClientRegions are where clients are; "primary" and "dr" name regions by role (default: primary).
	ClientRegions []string `yaml:"clientRegions,omitempty" json:"clientRegions"`
	// V2Fraction of requests use the KServe v2 protocol, the rest v1 predict.
	V2Fraction float64 `yaml:"v2Fraction,omitempty" json:"v2Fraction"`
}

// DefaultRate is the drills' load, modest enough for a 2-core machine
// running two control planes.
const DefaultRate = 100

// Fault is the fault of a drill. Region may be "primary" or "dr". Node may
// be "auto": the node running the most pods of the workloads under test in
// the region (ties by name), the worst single node to lose. Workload is the
// workload whose pods a pod fault picks from and "auto" counts ("name" or
// "namespace/name"; pod faults default to the entry, "auto" to all).
type Fault struct {
	Kind   string `yaml:"kind" json:"kind"`
	Region string `yaml:"region,omitempty" json:"region,omitempty"`
	Zone   string `yaml:"zone,omitempty" json:"zone,omitempty"`
	Node   string `yaml:"node,omitempty" json:"node,omitempty"`
	Peer   string `yaml:"peer,omitempty" json:"peer,omitempty"`
	Mode   string `yaml:"mode,omitempty" json:"mode,omitempty"`
	// Workload narrows the fault's pods to one workload under test.
	Workload string `yaml:"workload,omitempty" json:"workload,omitempty"`
	// Hold is how long the fault lasts (0: sized from the profile for the kind).
	Hold Duration `yaml:"hold,omitempty" json:"hold"`
}

// Action is a runbook step.
type Action struct {
	// Do is scale (set the workload's replicas in Region to Replicas; with
	// no Replicas, do what the platform's runbook's `kubectl scale`
	// commands for Region say, for each workload under test they scale),
	// pod-kill (kill one pod of the workload in Region) or switch-traffic
	// (take Region out of the global load balancer's rotation, as a DNS
	// change does, until the fault is reverted).
	Do       string `yaml:"do" json:"do"`
	Region   string `yaml:"region,omitempty" json:"region,omitempty"`
	Replicas int32  `yaml:"replicas,omitempty" json:"replicas,omitempty"`
	// Workload is the workload acted on ("name" or "namespace/name"; the
	// entry, the one clients call, by default).
	Workload string `yaml:"workload,omitempty" json:"workload,omitempty"`
	// After is the delay from the fault's injection, "alert:NAME": when the
	// platform's alert NAME would fire (its `for:` duration, scaled by the
	// profile, after the fault), or "alert": when the alert that starts the
	// platform's runbook would fire (the alert labelled with the runbook,
	// else the one the failover Sensor waits for, else the first about the
	// entry workload).
	After string `yaml:"after" json:"after"`
}

// Objective is a criterion the drill is judged by: its kind names a
// registered evaluator (framework/measure/objectives; `gameday drill --help`
// lists them).
type Objective = objectives.Spec

// Duration is a time.Duration written as "30s" in YAML and JSON.
type Duration time.Duration

// D returns the duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalText reads "30s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration (e.g. 30s, 5m): %w", b, framework.ErrInvalid)
	}
	if v < 0 {
		return fmt.Errorf("duration %s is negative: %w", v, framework.ErrInvalid)
	}
	*d = Duration(v)
	return nil
}

// UnmarshalYAML reads "30s" and names the line of a bad value.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if err := d.UnmarshalText([]byte(n.Value)); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return nil
}

// MarshalText writes "30s".
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }
