package objectives

import (
	"fmt"

	"gameday.io/gameday/framework/evidence"
)

func init() {
	Register("failover-order", failoverOrder{plain{help: "share of the failed-over traffic routed by the DestinationRule's failover order rather than a last-resort fallback ≥ target (default 0.99)", needs: Needs{Failover: true}}})
}

type failoverOrder struct{ plain }

func (failoverOrder) Evaluate(s Spec, o *Observation) evidence.Objective {
	region := o.Region(or(s.Region, "dr"))
	e := evidence.Objective{Name: "failover follows the DestinationRule", Comparison: evidence.AtLeast, Target: target(s, 0.99), Unit: "ratio",
		Method: "share of the failed-over requests the global load balancer routed by the DestinationRule's failover order (X-Gameday-Route: failover) rather than as a last-resort fallback to any healthy region"}
	failover, fallback := RoutesDuringFault(o.Timeline)
	if failover+fallback == 0 {
		e.Detail = "no request failed over"
		return e
	}
	e.Achieved = evidence.Measured(float64(failover) / float64(failover+fallback))
	if fallback > 0 {
		e.Detail = fmt.Sprintf("%d of %d requests reached %s only through the fallback: %s", fallback, failover+fallback, region, o.FailoverRule)
	}
	return e
}
