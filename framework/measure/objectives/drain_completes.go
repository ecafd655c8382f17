package objectives

import (
	"fmt"

	"gameday.io/gameday/framework/evidence"
)

func init() {
	Register("drain-completes", drainCompletes{plain{help: "share of the drained pods evicted before the drain's time ran out ≥ target (default 1)"}})
}

type drainCompletes struct{ plain }

func (drainCompletes) Evaluate(s Spec, o *Observation) evidence.Objective {
	e := evidence.Objective{Name: "the drain finishes", Comparison: evidence.AtLeast, Target: target(s, 1), Unit: "ratio",
		Method: "share of the drained nodes' pods evicted before the drain's time ran out (refusals retried)"}
	if f := o.Fault; f != nil && f.Result != nil && len(f.Pods) > 0 {
		e.Achieved = evidence.Measured(float64(f.Result.Evicted) / float64(len(f.Pods)))
		if n := len(f.Result.Remaining); n > 0 {
			e.Detail = fmt.Sprintf("%d pod(s) could not leave after %d refusals (HTTP 429); replacements could not be scheduled: %s", n, f.Result.Refused, FirstReason(o.AllPending()))
		}
	}
	return e
}
