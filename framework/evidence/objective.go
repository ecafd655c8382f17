package evidence

import (
	"fmt"
	"slices"
)

// Comparison says how an objective's achieved value is judged against its target.
type Comparison string

const (
	// AtMost: met when achieved <= target (RTO, RPO, error ratio).
	AtMost Comparison = "<="
	// AtLeast: met when achieved >= target (min ready replicas, success ratio).
	AtLeast Comparison = ">="
)

// Comparisons lists the valid comparisons.
func Comparisons() []Comparison { return []Comparison{AtMost, AtLeast} }

// Objective is one judged measurement: a target, what was achieved and how
// it was measured.
type Objective struct {
	// Name identifies the objective within its drill ("rto", "rpo", "pdb-min-ready").
	Name string `json:"name"`
	// Kind is the objective's kind as the scenario states it ("min-ready");
	// a kind judged per workload gives one objective per workload.
	Kind string `json:"kind,omitempty"`
	// Workload is the workload (namespace/name) a per-workload objective
	// judges; empty for objectives about the whole platform.
	Workload string `json:"workload,omitempty"`
	// Description says in words what is required.
	Description string `json:"description,omitempty"`
	// Comparison and Target: the requirement is "achieved Comparison Target".
	Comparison Comparison `json:"comparison"`
	Target     float64    `json:"target"`
	// Achieved is the measured value; nil when it could not be measured,
	// which never meets the objective.
	Achieved *float64 `json:"achieved"`
	// LowerBound marks Achieved as a lower bound: measuring stopped while the
	// value was still growing (the service never recovered during the load).
	// A lower bound cannot prove an AtMost objective met.
	LowerBound bool `json:"lowerBound,omitempty"`
	// Unit of Target and Achieved: "s", "ratio", "replicas", "requests", ...
	Unit string `json:"unit"`
	// Met is the judgement; Finalize computes it (Evaluate).
	Met bool `json:"met"`
	// Status is met, missed or not-measured; Finalize computes it. An
	// objective of an aborted drill is always not-measured: it was neither
	// met nor missed.
	Status ObjectiveStatus `json:"status,omitempty"`
	// Method says how the value was measured, for an auditor.
	Method string `json:"method"`
	// Detail explains the result ("never recovered: 0.42 success at the end").
	Detail string `json:"detail,omitempty"`
}

// ObjectiveStatus is the outcome of one objective.
type ObjectiveStatus string

const (
	StatusMet         ObjectiveStatus = "met"
	StatusMissed      ObjectiveStatus = "missed"
	StatusNotMeasured ObjectiveStatus = "not-measured"
)

// Outcome derives the status from the achieved value and the comparison
// (what Finalize stores in Status); renderers call it rather than trusting
// a Status decoded from an older file.
func (o Objective) Outcome() ObjectiveStatus {
	switch {
	case o.Achieved == nil:
		return StatusNotMeasured
	case o.Evaluate():
		return StatusMet
	}
	return StatusMissed
}

// unmeasure marks the objective of an aborted drill not measured: a figure
// taken before the abort is kept in Detail as partial, never judged.
func (o *Objective) unmeasure(a *Abort) {
	if o.Achieved != nil {
		partial := "partial figure " + o.AchievedText() + ", taken before the drill stopped, not judged"
		if o.Detail != "" {
			partial += "; " + o.Detail
		}
		o.Detail = partial
	}
	o.Achieved, o.LowerBound = nil, false
	if o.Detail == "" {
		o.Detail = a.Sentence()
	}
}

// Measured returns v as an achieved value.
func Measured(v float64) *float64 { return &v }

// Evaluate judges the objective: met when it was measured and the achieved
// value satisfies the comparison (a lower bound never satisfies AtMost).
func (o Objective) Evaluate() bool {
	if o.Achieved == nil {
		return false
	}
	a := *o.Achieved
	switch o.Comparison {
	case AtMost:
		return !o.LowerBound && a <= o.Target
	case AtLeast:
		return a >= o.Target
	}
	return false
}

// Requirement renders the requirement for people: "≤ 1800 s".
func (o Objective) Requirement() string {
	sym := map[Comparison]string{AtMost: "≤", AtLeast: "≥"}[o.Comparison]
	if sym == "" {
		sym = string(o.Comparison)
	}
	return sym + " " + withUnit(o.Target, o.Unit)
}

// withUnit renders a value and its unit; ratios go without.
func withUnit(v float64, unit string) string {
	if unit == "ratio" || unit == "" {
		return FormatValue(v, unit)
	}
	return FormatValue(v, unit) + " " + unit
}

// AchievedText renders the achieved value: "41.2 s", "≥ 312 s" for a lower
// bound, "not measured" when nil.
func (o Objective) AchievedText() string {
	if o.Achieved == nil {
		return "not measured"
	}
	s := withUnit(*o.Achieved, o.Unit)
	if o.LowerBound {
		s = "≥ " + s
	}
	return s
}

// FormatValue renders a value with a precision that suits its unit.
func FormatValue(v float64, unit string) string {
	switch {
	case unit == "ratio" && v < 1 && v > 0.99:
		return fmt.Sprintf("%.4f", v)
	case unit == "ratio":
		return fmt.Sprintf("%.3f", v)
	case v == float64(int64(v)):
		return fmt.Sprintf("%d", int64(v))
	case v >= 100 || v <= -100:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.1f", v)
	}
}

func validComparison(c Comparison) bool { return slices.Contains(Comparisons(), c) }
