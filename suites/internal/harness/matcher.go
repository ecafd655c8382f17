package harness

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"gameday.io/gameday/scenarios"
)

// MeetObjective matches a drill result whose objective of the given kind
// (see scenarios.Objective) was met. The failure message shows the
// requirement, the measured value, how it was measured and why it missed.
func MeetObjective(kind string) types.GomegaMatcher { return &objectiveMatcher{kind: kind} }

type objectiveMatcher struct{ kind string }

func (m *objectiveMatcher) find(actual any) (*scenarios.Result, int, error) {
	r, ok := actual.(*scenarios.Result)
	if !ok || r == nil {
		return nil, 0, fmt.Errorf("MeetObjective expects a *scenarios.Result, got %T", actual)
	}
	for i, o := range r.Scenario.Objectives {
		if o.Kind == m.kind && i < len(r.Drill.Objectives) {
			return r, i, nil
		}
	}
	return nil, 0, fmt.Errorf("drill %s has no %s objective", r.Scenario.Name, m.kind)
}

func (m *objectiveMatcher) Match(actual any) (bool, error) {
	r, i, err := m.find(actual)
	if err != nil {
		return false, err
	}
	return r.Drill.Objectives[i].Met, nil
}

func (m *objectiveMatcher) FailureMessage(actual any) string { return m.message(actual, "to meet") }

func (m *objectiveMatcher) NegatedFailureMessage(actual any) string {
	return m.message(actual, "not to meet")
}

func (m *objectiveMatcher) message(actual any, want string) string {
	r, i, err := m.find(actual)
	if err != nil {
		return err.Error()
	}
	o := r.Drill.Objectives[i]
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
