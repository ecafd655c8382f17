package objectives

import (
	"fmt"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/measure"
)

func init() {
	Register("error-budget", errorBudget{plain{help: "failure ratio of Phase (baseline, fault or recovery) ≤ target (default 0.001)"}})
}

type errorBudget struct{ plain }

func (errorBudget) Validate(s Spec) error {
	if s.Phase == "" {
		return fmt.Errorf("an error budget names its phase (baseline, fault or recovery): %w", framework.ErrInvalid)
	}
	return nil
}

func (errorBudget) Evaluate(s Spec, o *Observation) evidence.Objective {
	e := evidence.Objective{Name: "error budget of the " + s.Phase + " phase", Comparison: evidence.AtMost, Target: target(s, 0.001), Unit: "ratio",
		Method: "failed / sent requests of the phase"}
	if o.Timeline == nil {
		return e
	}
	p, err := measure.Phase(o.Timeline, s.Phase)
	switch {
	case err != nil:
		e.Detail = err.Error()
	case p.Sent == 0:
		e.Detail = "no request was sent in the phase"
	default:
		e.Achieved = evidence.Measured(1 - p.SuccessRatio())
	}
	return e
}
