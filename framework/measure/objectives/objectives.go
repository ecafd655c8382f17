// Package objectives judges a drill: one evaluator per objective kind, each
// in its own file and registered by name, so scenarios, the CLI's help and
// the evidence all come from the registry. An evaluator reads what the drill
// observed (Observation) and returns the evidence record of the objective:
// its requirement, what was measured, how, and why it missed.
package objectives

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
)

// Spec is an objective as a scenario states it: the one objective type
// scenarios, evaluators and evidence share (the evidence records its Kind).
type Spec struct {
	Kind   string `yaml:"kind" json:"kind"`
	Region string `yaml:"region,omitempty" json:"region,omitempty"`
	Phase  string `yaml:"phase,omitempty" json:"phase,omitempty"`
	// Target overrides the kind's default: a duration ("30m") or a number ("0.9", "4").
	Target string `yaml:"target,omitempty" json:"target,omitempty"`
	// Workload limits an objective judged per workload (PerWorkload) to
	// one workload ("name" or "namespace/name"); empty: every workload
	// under test.
	Workload string `yaml:"workload,omitempty" json:"workload,omitempty"`
	// Alert names the platform's alert an alert objective judges; empty:
	// the alerts the platform has for the drill's fault.
	Alert string `yaml:"alert,omitempty" json:"alert,omitempty"`
}

// Needs are the measurements an objective needs the drill to take.
type Needs struct {
	// PDBWatch: the fewest Ready replicas and the evictions refused.
	PDBWatch bool
	// Failover: the traffic share served by the DR region.
	Failover bool
}

// Evaluator judges one kind of objective.
type Evaluator interface {
	// Help is one line for the scenario format's documentation.
	Help() string
	// Validate checks a spec of this kind (the target's form is checked already).
	Validate(s Spec) error
	// Needs says what the drill must measure for it.
	Needs() Needs
	// Evaluate judges the spec against what the drill observed.
	Evaluate(s Spec, o *Observation) evidence.Objective
}

// PerWorkload is implemented by evaluators that judge each workload under
// test on its own (its capacity, its PDB): Evaluate gives one objective per
// workload it applies to, each judged on Observation.For(that workload).
type PerWorkload interface {
	AppliesTo(s Spec, o *Observation) bool
}

// Several is implemented by evaluators that give any number of objectives
// for one spec, e.g. one per alert the platform has for the fault. None
// means the spec does not apply to this drill (each kind says when).
type Several interface {
	EvaluateAll(s Spec, o *Observation) []evidence.Objective
}

var (
	mu       sync.RWMutex
	registry = map[string]Evaluator{}
)

// Register adds an evaluator; kinds call it from init.
func Register(kind string, e Evaluator) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[kind]; dup {
		panic("objective " + kind + " registered twice")
	}
	registry[kind] = e
}

// Lookup returns the evaluator of a kind.
func Lookup(kind string) (Evaluator, error) {
	mu.RLock()
	e, ok := registry[kind]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown objective %q (want one of %v): %w", kind, Kinds(), framework.ErrInvalid)
	}
	return e, nil
}

// Kinds lists the registered kinds, sorted.
func Kinds() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Validate checks a spec: a known kind, a target of the right form, and
// what the kind asks of its fields.
func Validate(s Spec) error {
	e, err := Lookup(s.Kind)
	if err != nil {
		return err
	}
	if s.Target != "" {
		if _, err := ParseTarget(s.Target); err != nil {
			return fmt.Errorf("objective %s: target: %w", s.Kind, err)
		}
	}
	if _, several := e.(Several); s.Alert != "" && !several {
		return fmt.Errorf("objective %s: alert: only alert objectives name an alert (alert-fires, alert-to-failover): %w", s.Kind, framework.ErrInvalid)
	}
	if _, perWorkload := e.(PerWorkload); s.Workload != "" && !perWorkload {
		return fmt.Errorf("objective %s: workload: %s judges the whole platform, not one workload (kinds judged per workload: %v): %w", s.Kind, s.Kind, perWorkloadKinds(), framework.ErrInvalid)
	}
	return e.Validate(s)
}

// perWorkloadKinds lists the kinds judged per workload, sorted.
func perWorkloadKinds() []string {
	var out []string
	for _, k := range Kinds() {
		if e, _ := Lookup(k); e != nil {
			if _, ok := e.(PerWorkload); ok {
				out = append(out, k)
			}
		}
	}
	return out
}

// NeedsOf is what a set of objectives needs measured.
func NeedsOf(specs []Spec) Needs {
	var n Needs
	for _, s := range specs {
		if e, err := Lookup(s.Kind); err == nil {
			m := e.Needs()
			n.PDBWatch = n.PDBWatch || m.PDBWatch
			n.Failover = n.Failover || m.Failover
		}
	}
	return n
}

// Evaluate judges every spec, in order; an unknown kind is reported as not
// measured with the reason. A kind judged per workload gives one objective
// per workload under test (those Spec.Workload names), in the order of
// o.Workloads, each named with its workload when there are several.
func Evaluate(specs []Spec, o *Observation) []evidence.Objective {
	out := make([]evidence.Objective, 0, len(specs))
	for _, s := range specs {
		e, err := Lookup(s.Kind)
		if err != nil {
			out = append(out, evidence.Objective{Name: s.Kind, Kind: s.Kind, Comparison: evidence.AtMost, Detail: err.Error()})
			continue
		}
		if sv, ok := e.(Several); ok {
			for _, j := range sv.EvaluateAll(s, o) {
				j.Kind = s.Kind
				out = append(out, j)
			}
			continue
		}
		pw, ok := e.(PerWorkload)
		if !ok || len(o.Workloads) == 0 {
			j := e.Evaluate(s, o)
			j.Kind = s.Kind
			out = append(out, j)
			continue
		}
		n := len(out)
		for _, w := range o.Workloads {
			if !w.Is(s.Workload) {
				continue
			}
			ow := o.For(w)
			// A workload the scenario names is always judged.
			if s.Workload == "" && !pw.AppliesTo(s, ow) {
				continue
			}
			j := e.Evaluate(s, ow)
			j.Kind, j.Workload = s.Kind, w.Name
			if len(o.Workloads) > 1 {
				j.Name += " (" + w.Name + ")"
			}
			out = append(out, j)
		}
		if len(out) == n {
			// An objective never disappears: judging nothing is not met.
			j := e.Evaluate(s, o)
			j.Kind, j.Workload, j.Achieved = s.Kind, s.Workload, nil
			j.Detail = fmt.Sprintf("not measured: it applies to none of the workloads under test (%s)", o.workloadNames())
			if s.Workload != "" {
				j.Name += " (" + s.Workload + ")"
				j.Detail = fmt.Sprintf("not measured: no workload under test is called %q (%s)", s.Workload, o.workloadNames())
			}
			out = append(out, j)
		}
	}
	return out
}

// ParseTarget reads a target: a duration (as seconds) or a plain number.
func ParseTarget(s string) (float64, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d.Seconds(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is neither a duration (30m) nor a number (0.9): %w", s, framework.ErrInvalid)
	}
	return v, nil
}

// target reads a spec's target or returns def.
func target(s Spec, def float64) float64 {
	if s.Target == "" {
		return def
	}
	v, _ := ParseTarget(s.Target)
	return v
}

// or returns v, or def when v is empty.
func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// plain is an evaluator's fixed parts.
type plain struct {
	help  string
	needs Needs
}

func (p plain) Help() string        { return p.help }
func (p plain) Validate(Spec) error { return nil }
func (p plain) Needs() Needs        { return p.needs }
