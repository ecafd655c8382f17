package objectives

import (
	"fmt"

	"gameday.io/gameday/framework/evidence"
)

func init() {
	Register("failover", failover{plain{help: "share of the client region's traffic served by Region (default dr) after the switch ≥ target (default 0.9)", needs: Needs{Failover: true}}})
}

type failover struct{ plain }

func (failover) Evaluate(s Spec, o *Observation) evidence.Objective {
	region := o.Region(or(s.Region, "dr"))
	e := evidence.Objective{Name: "failover to " + region, Comparison: evidence.AtLeast, Target: target(s, o.Criteria.FailoverShare), Unit: "ratio",
		Method: fmt.Sprintf("share of %s's clients' successful requests served by %s after the switch", o.Primary, region)}
	if f := o.Failover; f != nil {
		e.Achieved = evidence.Measured(f.ShareAfter)
		if !f.FailedOver {
			e.Detail = f.Reason
		}
	}
	return e
}
