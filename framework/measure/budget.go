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
	// FailureRatio is Failed/Sent; Allowed the budget; Within whether the
	// ratio stayed at or under it.
	FailureRatio float64 `json:"failureRatio"`
	Allowed      float64 `json:"allowed"`
	Within       bool    `json:"within"`
	// Measured: requests were sent in the phase. When none were the ratio is
	// undefined: FailureRatio is 0, Within false (no evidence is no pass)
	// and Reason says why.
	Measured bool   `json:"measured"`
	Reason   string `json:"reason,omitempty"`
	// Worst is the offset of the phase's bucket with the most failures.
	Worst time.Duration `json:"worst"`
}

// ErrorBudget returns every phase's budget use, in order of first
// appearance, against the allowed failure ratio 1 - obj.SuccessThreshold.
func ErrorBudget(tl *load.Timeline, obj Criteria) ([]PhaseBudget, error) {
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
	b.FailureRatio, b.Measured = FailureRatio(p.Counts)
	b.Within = b.Measured && b.FailureRatio <= allowed
	if !b.Measured {
		b.Reason = fmt.Sprintf("no request was sent in the %s phase (+%s to +%s): its failure ratio is not measured", p.Phase, secs(p.From), secs(p.To))
	}
	worst := -1
	for _, bk := range tl.Window(p.From, p.To) {
		if bk.Phase == p.Phase && bk.Failures.Total() > worst {
			worst, b.Worst = bk.Failures.Total(), bk.Offset
		}
	}
	return b
}

// FailureRatio returns the failed share of the requests sent, and whether it
// is defined: it is not when nothing was sent (then 0, false).
func FailureRatio(c load.Counts) (float64, bool) {
	if c.Sent <= 0 {
		return 0, false
	}
	return float64(c.Failures.Total()) / float64(c.Sent), true
}

// FaultBudget is the error budget of the fault phase (DefaultFaultPhase, or
// the FaultPhase option's; other options are ignored): the failed share of
// the requests sent from the fault mark until the next mark, against the
// allowed share 1 - obj.SuccessThreshold. Errors: an invalid objective or no
// timeline (framework.ErrInvalid), no such phase (framework.ErrNotFound).
func FaultBudget(tl *load.Timeline, obj Criteria, opts ...Option) (PhaseBudget, error) {
	o := rtoOptions{faultPhase: DefaultFaultPhase}
	for _, opt := range opts {
		opt(&o)
	}
	if err := obj.Validate(); err != nil {
		return PhaseBudget{}, err
	}
	if tl == nil {
		return PhaseBudget{}, fmt.Errorf("measure: no timeline: %w", framework.ErrInvalid)
	}
	p, err := Phase(tl, o.faultPhase)
	if err != nil {
		return PhaseBudget{}, err
	}
	return PhaseErrorBudget(tl, p, 1-obj.SuccessThreshold), nil
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
