package objectives

import (
	"fmt"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/measure"
)

func init() {
	Register("capacity-during-fault", capacityDuringFault{plain{help: "time to full Ready capacity in Region while the fault holds ≤ target (default: the hold)"}})
}

type capacityDuringFault struct{ plain }

// PerWorkload: each workload under test is judged on its own.
func (capacityDuringFault) AppliesTo(Spec, *Observation) bool { return true }

func (capacityDuringFault) Evaluate(s Spec, o *Observation) evidence.Objective {
	region := o.Region(or(s.Region, "primary"))
	e := evidence.Objective{Name: "capacity restored in " + region + " while the fault holds", Comparison: evidence.AtMost, Target: target(s, o.holdSeconds()), Unit: "s",
		Method: "time from the fault to all desired replicas Ready again, while the fault still holds (kube Deployment status)"}
	if o.Injected.IsZero() || o.Reverted.IsZero() {
		e.Detail = "not measured: the drill ended before the fault ran its course"
		return e
	}
	held := o.faultSeconds()
	c := measure.FullCapacity(o.Capacity[region], o.Injected)
	if c.Restored && !c.RestoredAt.After(o.Reverted) {
		e.Achieved = evidence.Measured(c.Time.Seconds())
		return e
	}
	e.Achieved, e.LowerBound = evidence.Measured(held), true
	e.Detail = fmt.Sprintf("capacity fell to %d Ready replicas and did not come back while the fault held", c.MinReady)
	if len(o.Pending) > 0 {
		e.Detail += fmt.Sprintf("; %d replacement(s) Pending: %s", len(o.Pending), FirstReason(o.Pending))
	}
	if len(o.Events) > 0 {
		e.Detail += "; in the fault: " + measure.Chain(o.Events, region, o.Injected, o.Reverted).String(o.Injected)
	}
	return e
}
