package measure

import (
	"fmt"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/load"
)

// PhaseBudget is one phase's errors against its budget.
type PhaseBudget struct {
	Phase string `json:"phase"`
	// Window spans the phase's buckets (first to last, when it recurs).
	Window Window `json:"window"`
	Sent   int    `json:"sent"`
	Failed int    `json:"failed"`
	// FailureRatio is Failed/Sent (0 when nothing was sent); Allowed the
	// budget; Within whether the ratio stayed at or under it.
	FailureRatio float64 `json:"failureRatio"`
	Allowed      float64 `json:"allowed"`
	Within       bool    `json:"within"`
	// Worst is the offset of the phase's bucket with the most failures.
	Worst time.Duration `json:"worst"`
}

// ErrorBudget returns every phase's budget use, in order of first
// appearance, against the allowed failure ratio 1 - obj.SuccessThreshold.
func ErrorBudget(tl *load.Timeline, obj Objective) ([]PhaseBudget, error) {
	if err := obj.Validate(); err != nil {
		return nil, err
	}
	if tl == nil {
		return nil, fmt.Errorf("measure: no timeline: %w", framework.ErrInvalid)
	}
	out := make([]PhaseBudget, len(tl.Phases))
	for i, p := range tl.Phases {
		out[i] = PhaseErrorBudget(tl, p, 1-obj.SuccessThreshold)
	}
	return out, nil
}

// PhaseErrorBudget measures one phase summary against allowed, a failure ratio.
func PhaseErrorBudget(tl *load.Timeline, p load.PhaseSummary, allowed float64) PhaseBudget {
	b := PhaseBudget{Phase: p.Phase, Window: Window{p.From, p.To}, Sent: p.Sent, Failed: p.Failures.Total(), Allowed: allowed}
	if b.Sent > 0 {
		b.FailureRatio = float64(b.Failed) / float64(b.Sent)
	}
	b.Within = b.FailureRatio <= allowed
	worst := -1
	for _, bk := range tl.Window(p.From, p.To) {
		if bk.Phase == p.Phase && bk.Failures.Total() > worst {
			worst, b.Worst = bk.Failures.Total(), bk.Offset
		}
	}
	return b
}

// Phase returns the summary of phase (framework.ErrNotFound if the timeline
// has none).
func Phase(tl *load.Timeline, phase string) (load.PhaseSummary, error) {
	if tl != nil {
		for _, p := range tl.Phases {
			if p.Phase == phase {
				return p, nil
			}
		}
	}
	return load.PhaseSummary{}, fmt.Errorf("measure: the timeline has no phase %q: %w", phase, framework.ErrNotFound)
}
