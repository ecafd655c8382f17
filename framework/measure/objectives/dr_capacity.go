package objectives

import (
	"fmt"
	"time"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/measure"
)

func init() {
	Register("dr-capacity", drCapacity{plain{help: "time from the runbook's scale action to all its replicas Ready in Region ≤ target (default: the RTO objective)"}})
}

type drCapacity struct{ plain }

// AppliesTo: every workload the runbook scales in the region is judged, and
// the entry always (when nothing scaled it, that is what the objective says).
func (drCapacity) AppliesTo(s Spec, o *Observation) bool {
	if _, ok := o.action("scale", o.Region(or(s.Region, "dr"))); ok {
		return true
	}
	return len(o.Workloads) > 0 && o.Workload == o.Workloads[0].Name
}

func (drCapacity) Evaluate(s Spec, o *Observation) evidence.Objective {
	region := o.Region(or(s.Region, "dr"))
	e := evidence.Objective{Name: "DR region " + region + " scaled up and Ready", Comparison: evidence.AtMost, Target: target(s, o.Criteria.RTO.Seconds()), Unit: "s",
		Method: "time from the runbook's scale action to all its replicas Ready"}
	a, ok := o.action("scale", region)
	switch {
	case !ok:
		e.Detail = "the runbook's scale action was not taken"
	case a.Err != "":
		e.Detail = a.Err
	default:
		if t, ok := readyAfter(o.Capacity[region], a.At, int(a.Replicas)); ok {
			e.Achieved = evidence.Measured(t.Seconds())
		} else {
			e.Achieved, e.LowerBound = evidence.Measured(time.Since(a.At).Seconds()), true
			e.Detail = fmt.Sprintf("%d replicas never all Ready", a.Replicas)
		}
	}
	return e
}

// readyAfter is the time from t until want replicas were Ready.
func readyAfter(samples []measure.CapacitySample, t time.Time, want int) (time.Duration, bool) {
	for _, c := range samples {
		if !c.At.Before(t) && c.Ready >= want {
			return c.At.Sub(t), true
		}
	}
	return 0, false
}
