package objectives

import (
	"fmt"

	"gameday.io/gameday/framework/evidence"
)

func init() {
	Register("rto", rto{plain{help: "RTO: from the fault until the success ratio stays at or above the threshold to the end of the observation ≤ target (default 30m)"}})
}

type rto struct{ plain }

func (rto) Evaluate(s Spec, o *Observation) evidence.Objective {
	c := o.Criteria
	e := evidence.Objective{Name: "rto", Comparison: evidence.AtMost, Target: target(s, c.RTO.Seconds()), Unit: "s",
		Method: fmt.Sprintf("from the fault's injection until the success ratio of the load stays ≥ %.2f to the end of the observation (the revert plus the recovery window); the end of the last outage, relapses included (no failures: 0)", c.SuccessThreshold)}
	if r := o.RTO; r != nil {
		e.Achieved, e.LowerBound = evidence.Measured(r.RTO.Seconds()), !r.Recovered
		if !r.Recovered {
			e.Detail = r.Reason
		}
	}
	return e
}
