package objectives

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/measure"
)

func observation() *Observation {
	fast, _ := framework.TimeoutsFor(framework.ProfileFast)
	t0 := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
	return &Observation{
		Criteria: measure.NewCriteria(fast), Primary: "us-east1",
		Region: func(role string) string {
			return map[string]string{"primary": "us-east1", "dr": "europe-west1"}[role]
		},
		Injected: t0, Reverted: t0.Add(30 * time.Second), RecoveryWindow: time.Minute,
		Capacity: map[string][]measure.CapacitySample{"us-east1": {
			{At: t0.Add(-time.Second), Ready: 6, Desired: 6}, {At: t0.Add(2 * time.Second), Ready: 3, Desired: 6}, {At: t0.Add(40 * time.Second), Ready: 6, Desired: 6},
		}},
		MinAvailable: 4,
	}
}

func TestEvaluators(t *testing.T) {
	cases := []struct {
		name   string
		spec   Spec
		change func(o *Observation)
		met    bool
		value  float64 // -1: not measured
		detail string
	}{
		{"rto met", Spec{Kind: "rto"}, func(o *Observation) { o.RTO = &measure.RTOResult{RTO: 3 * time.Second, Recovered: true} }, true, 3, ""},
		{"rto never recovered", Spec{Kind: "rto"}, func(o *Observation) {
			o.RTO = &measure.RTOResult{RTO: 50 * time.Second, Recovered: false, Reason: "relapse at +41 s"}
		}, false, 50, "relapse at +41 s"},
		{"rto with a target", Spec{Kind: "rto", Target: "2s"}, func(o *Observation) { o.RTO = &measure.RTOResult{RTO: 3 * time.Second, Recovered: true} }, false, 3, ""},
		{"rto not measured", Spec{Kind: "rto"}, nil, false, -1, ""},
		{"min-ready below the PDB", Spec{Kind: "min-ready", Region: "primary"}, nil, false, 3, ""},
		{"min-ready with a lower target", Spec{Kind: "min-ready", Target: "3"}, nil, true, 3, ""},
		{"capacity back only after the revert", Spec{Kind: "capacity-during-fault"}, func(o *Observation) { o.Pending = []string{"p: didn't match pod topology spread constraints"} }, false, 30, "topology spread"},
		{"capacity during an interrupted fault", Spec{Kind: "capacity-during-fault"}, func(o *Observation) { o.Reverted = time.Time{} }, false, -1, "not measured"},
		{"capacity during an interrupted fault of a known hold", Spec{Kind: "capacity-during-fault"}, func(o *Observation) { o.Reverted, o.Hold = time.Time{}, 30*time.Second }, false, -1, "not measured"},
		{"capacity-after-revert not reverted", Spec{Kind: "capacity-after-revert"}, func(o *Observation) { o.Reverted = time.Time{} }, false, -1, "not reverted"},
		{"capacity-after-revert recovered", Spec{Kind: "capacity-after-revert"}, func(o *Observation) { o.Recovered = o.Reverted.Add(4 * time.Second) }, true, 4, ""},
		{"drain incomplete", Spec{Kind: "drain-completes"}, func(o *Observation) {
			o.Fault = &fault.Entry{Plan: fault.Plan{Pods: []string{"a", "b", "c"}}, Result: &fault.Result{Evicted: 2, Refused: 23, Remaining: []string{"c"}}}
		}, false, 2.0 / 3, "23 refusals"},
		{"dr-capacity without the action", Spec{Kind: "dr-capacity"}, nil, false, -1, "not taken"},
		{"error budget without load", Spec{Kind: "error-budget", Phase: "fault"}, nil, false, -1, ""},
		{"rpo missed", Spec{Kind: "rpo"}, func(o *Observation) { o.RPO = &RPO{Worst: 6 * time.Hour, Reason: "6-hourly"} }, false, 6 * 3600, "6-hourly"},
		{"unknown kind", Spec{Kind: "vibes"}, nil, false, -1, "unknown objective"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := observation()
			if c.change != nil {
				c.change(o)
			}
			got := Evaluate([]Spec{c.spec}, o)[0]
			got.Met = got.Evaluate()
			switch {
			case c.value < 0 && got.Achieved != nil:
				t.Errorf("measured %v, want not measured", *got.Achieved)
			case c.value >= 0 && (got.Achieved == nil || abs(*got.Achieved-c.value) > 1e-9):
				t.Errorf("measured %v, want %v", got.Achieved, c.value)
			}
			if c.value >= 0 && got.Met != c.met {
				t.Errorf("met = %v, want %v (%+v)", got.Met, c.met, got)
			}
			if !strings.Contains(got.Detail, c.detail) {
				t.Errorf("detail %q does not say %q", got.Detail, c.detail)
			}
			if got.Target < 0 || (got.Achieved != nil && *got.Achieved < 0) {
				t.Errorf("a negative figure (an unset duration?): target %v, achieved %v", got.Target, got.Achieved)
			}
			if got.Method == "" && c.spec.Kind != "vibes" {
				t.Error("no method: the evidence must say how it was measured")
			}
		})
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestValidateAndNeeds(t *testing.T) {
	if err := Validate(Spec{Kind: "error-budget"}); !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "phase") {
		t.Errorf("error budget without a phase: %v", err)
	}
	if err := Validate(Spec{Kind: "rto", Target: "soon"}); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("a target that is neither duration nor number: %v", err)
	}
	if err := Validate(Spec{Kind: "rto", Target: "30m"}); err != nil {
		t.Error(err)
	}
	n := NeedsOf([]Spec{{Kind: "rto"}, {Kind: "min-ready"}})
	if !n.PDBWatch || n.Failover {
		t.Errorf("needs %+v, want the PDB watch only", n)
	}
	if err := Validate(Spec{Kind: "rto", Alert: "ZoneFailure"}); !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "alert") {
		t.Errorf("an alert on a kind that judges none: %v", err)
	}
	if err := Validate(Spec{Kind: "alert-fires", Alert: "ZoneFailure"}); err != nil {
		t.Error(err)
	}
	if len(Kinds()) != 12 {
		t.Errorf("kinds %v", Kinds())
	}
}
