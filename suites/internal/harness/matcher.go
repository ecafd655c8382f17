package harness

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"gameday.io/gameday/scenarios"
)

// MeetObjective matches a drill result whose objectives of the given kind
// (see scenarios.Objective) were all met: one per workload under test for a
// kind judged per workload. The failure message shows, for the first that
// missed, the requirement, the measured value, how it was measured and why.
func MeetObjective(kind string) types.GomegaMatcher { return &objectiveMatcher{kind: kind} }

type objectiveMatcher struct{ kind string }

// find returns the drill's objectives of the kind, the first missed (or
// the first, when all were met) first.
func (m *objectiveMatcher) find(actual any) (*scenarios.Result, []int, error) {
	r, ok := actual.(*scenarios.Result)
	if !ok || r == nil {
		return nil, nil, fmt.Errorf("MeetObjective expects a *scenarios.Result, got %T", actual)
	}
	var all []int
	for i, o := range r.Drill.Objectives {
		if o.Kind == m.kind {
			all = append(all, i)
		}
	}
	if len(all) == 0 {
		return nil, nil, fmt.Errorf("drill %s has no %s objective", r.Scenario.Name, m.kind)
	}
	for j, i := range all {
		if !r.Drill.Objectives[i].Met {
			all[0], all[j] = all[j], all[0]
			break
		}
	}
	return r, all, nil
}

func (m *objectiveMatcher) Match(actual any) (bool, error) {
	r, all, err := m.find(actual)
	if err != nil {
		return false, err
	}
	for _, i := range all {
		if !r.Drill.Objectives[i].Met {
			return false, nil
		}
	}
	return true, nil
}

func (m *objectiveMatcher) FailureMessage(actual any) string { return m.message(actual, "to meet") }

func (m *objectiveMatcher) NegatedFailureMessage(actual any) string {
	return m.message(actual, "not to meet")
}

func (m *objectiveMatcher) message(actual any, want string) string {
	r, all, err := m.find(actual)
	if err != nil {
		return err.Error()
	}
	o := r.Drill.Objectives[all[0]]
	got := "nothing was measured"
	if o.Achieved != nil {
		got = fmt.Sprintf("measured %.4g %s", *o.Achieved, o.Unit)
		if o.LowerBound {
			got = "measured at least " + strings.TrimPrefix(got, "measured ")
		}
	}
	msg := fmt.Sprintf("Expected drill %s %s objective %q (%s): %s.\nMethod: %s", r.Scenario.Name, want, o.Name, o.Requirement(), got, o.Method)
	if o.Detail != "" {
		msg += "\nWhy: " + o.Detail
	}
	for _, f := range r.Drill.Findings {
		msg += fmt.Sprintf("\nFinding [%s] %s", f.Severity, f.Message)
	}
	return msg
}
