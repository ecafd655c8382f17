package objectives

import (
	"math"

	"gameday.io/gameday/framework/evidence"
)

func init() {
	Register("capacity-after-revert", capacityAfterRevert{plain{help: "time from the revert to full capacity in every region, a settled data plane and stable load ≤ target (default: the recovery window)"}})
}

type capacityAfterRevert struct{ plain }

func (capacityAfterRevert) Evaluate(s Spec, o *Observation) evidence.Objective {
	limit := o.RecoveryWindow.Seconds()
	e := evidence.Objective{Name: "full capacity after the revert", Comparison: evidence.AtMost, Target: target(s, limit), Unit: "s",
		Method: "time from the revert until every region has all desired replicas Ready, the global load balancer sees every region healthy with every Ready pod behind its gateway, and the load then stays successful for the stability window"}
	switch {
	case o.Reverted.IsZero():
		e.Detail = "the fault was not reverted by the drill"
	case o.Recovered.IsZero():
		e.Achieved, e.LowerBound = evidence.Measured(limit), true
	default:
		e.Achieved = evidence.Measured(math.Max(0, o.Recovered.Sub(o.Reverted).Seconds()))
	}
	return e
}
