package objectives

import (
	"fmt"

	"gameday.io/gameday/framework/evidence"
)

func init() {
	Register("alert-to-failover", alertToFailover{plain{help: "from the runbook's alert firing to the DR Region (default dr) serving the client region's traffic ≤ target (default 5m, scaled by the profile); negative when traffic moved before the alert", needs: Needs{Failover: true}}})
}

type alertToFailover struct{ plain }

// EvaluateAll gives nothing without monitoring (no alert was evaluated).
func (a alertToFailover) EvaluateAll(s Spec, o *Observation) []evidence.Objective {
	if !o.Monitoring {
		return nil
	}
	return []evidence.Objective{a.Evaluate(s, o)}
}

func (alertToFailover) Evaluate(s Spec, o *Observation) evidence.Objective {
	region := o.Region(or(s.Region, "dr"))
	e := evidence.Objective{Name: "failover to " + region + " after the alert", Comparison: evidence.AtMost,
		Target: target(s, o.Criteria.AlertToFailover.Seconds()), Unit: "s",
		Method: fmt.Sprintf("from the first firing of the alert that starts the runbook to the start of the window in which %s served at least %.0f%% of %s's clients' successful requests", region, o.Criteria.FailoverShare*100, o.Primary)}
	var al *Alert
	for i := range o.Alerts {
		if o.Alerts[i].Runbook && (s.Alert == "" || o.Alerts[i].Name == s.Alert) || s.Alert != "" && o.Alerts[i].Name == s.Alert {
			al = &o.Alerts[i]
			break
		}
	}
	f := o.Failover
	switch {
	case al == nil:
		e.Detail = "not measured: the platform has no alert that starts its runbook"
	case al.Firing.IsZero():
		e.Detail = "not measured: alert " + al.Name + " never fired"
	case f == nil || !f.FailedOver:
		e.Detail = "not measured: traffic never failed over to " + region
		if f != nil && f.Reason != "" {
			e.Detail += " (" + f.Reason + ")"
		}
	default:
		d := o.Injected.Add(f.Time).Sub(al.Firing)
		e.Achieved = evidence.Measured(d.Seconds())
		e.Description = "alert " + al.Name
		if d < 0 {
			e.Detail = fmt.Sprintf("traffic reached %s %.1fs before %s fired: the load balancer's health checks moved it, not the alert's automation", region, -d.Seconds(), al.Name)
		}
	}
	return e
}
