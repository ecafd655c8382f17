package matchers

import (
	"fmt"
	"strings"
	"time"

	"github.com/onsi/gomega/types"

	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/measure"
)

// StayWithinErrorBudget succeeds for a *load.Timeline whose requests of phase
// failed at a ratio of at most allowed.
func StayWithinErrorBudget(phase string, allowed float64) types.GomegaMatcher {
	return &budgetMatcher{phase: phase, allowed: allowed}
}

type budgetMatcher struct {
	phase   string
	allowed float64
}

func (m *budgetMatcher) budget(actual any) (*load.Timeline, measure.PhaseBudget, error) {
	var tl *load.Timeline
	switch t := actual.(type) {
	case *load.Timeline:
		tl = t
	case load.Timeline:
		tl = &t
	}
	if tl == nil {
		return nil, measure.PhaseBudget{}, fmt.Errorf("StayWithinErrorBudget expects a *load.Timeline, got %T", actual)
	}
	p, err := measure.Phase(tl, m.phase)
	if err != nil {
		return nil, measure.PhaseBudget{}, fmt.Errorf("StayWithinErrorBudget: %w", err)
	}
	return tl, measure.PhaseErrorBudget(tl, p, m.allowed), nil
}

func (m *budgetMatcher) Match(actual any) (bool, error) {
	_, b, err := m.budget(actual)
	return err == nil && b.Within, err
}

func (m *budgetMatcher) FailureMessage(actual any) string {
	return m.message(actual, "at most")
}

func (m *budgetMatcher) NegatedFailureMessage(actual any) string {
	return m.message(actual, "more than")
}

func (m *budgetMatcher) message(actual any, want string) string {
	tl, b, err := m.budget(actual)
	if err != nil {
		return err.Error()
	}
	var s strings.Builder
	fmt.Fprintf(&s, "Expected %s of the %s phase's requests to fail, %d of %d failed (%.3f%%) between +%s and +%s.\n",
		want, m.phase, b.Failed, b.Sent, 100*b.FailureRatio, secs(b.Window.From), secs(b.Window.To))
	if b.Failed > 0 {
		fmt.Fprintf(&s, "  (budget %.3f%%; the worst bucket is at +%s)\n", 100*b.Allowed, secs(b.Worst))
		writeWindow(&s, tl, "around the worst bucket", b.Worst-500*time.Millisecond, b.Worst+500*time.Millisecond)
	}
	return s.String()
}
