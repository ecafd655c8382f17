package objectives

import (
	"fmt"
	"time"

	"gameday.io/gameday/framework/evidence"
)

func init() {
	Register("alert-fires", alertFires{plain{help: "time to detect: the alert (Alert; default every alert the platform has for the fault) fires within target of the fault (default its for: plus the time the fault takes to make its condition true and Prometheus to see it); one objective per alert, judged when the environment runs monitoring"}})
}

type alertFires struct{ plain }

// EvaluateAll gives one objective per alert the drill followed for the spec.
// Without monitoring an alert the scenario names is not measured, and the
// default (the alerts for the fault) gives none: nothing evaluated them.
func (a alertFires) EvaluateAll(s Spec, o *Observation) []evidence.Objective {
	var out []evidence.Objective
	for _, al := range o.Alerts {
		if s.Alert != "" && al.Name != s.Alert || s.Alert == "" && al.Why == "" {
			continue
		}
		out = append(out, a.judge(s, al, o))
	}
	if len(out) == 0 && s.Alert != "" {
		e := evidence.Objective{Name: "alert " + s.Alert + " fires", Comparison: evidence.AtMost, Target: target(s, 0), Unit: "s",
			Method: "first firing of the alert after the fault, in the region's Prometheus"}
		e.Detail = "not measured: the platform has no alerting rule " + s.Alert
		if !o.Monitoring {
			e.Detail = "not measured: the environment runs no Prometheus (bring it up with --monitoring)"
		}
		out = append(out, e)
	}
	return out
}

func (alertFires) Evaluate(s Spec, o *Observation) evidence.Objective {
	if all := (alertFires{}).EvaluateAll(s, o); len(all) > 0 {
		return all[0]
	}
	return evidence.Objective{Name: "alert fires", Comparison: evidence.AtMost, Unit: "s", Detail: "not measured: no alert"}
}

func (alertFires) judge(s Spec, al Alert, o *Observation) evidence.Objective {
	e := evidence.Objective{Name: "alert " + al.Name + " fires", Comparison: evidence.AtMost, Target: target(s, al.Within.Seconds()), Unit: "s",
		Method: fmt.Sprintf("from the fault's injection to the alert's first firing in the region's Prometheus, which evaluates the platform's rule as written (for: %s after scaling)", al.For)}
	if al.Why != "" {
		e.Description = "the platform's alert for this fault: " + al.Why
	}
	if !al.Firing.IsZero() {
		e.Achieved = evidence.Measured(al.Firing.Sub(o.Injected).Seconds())
		e.Detail = "fired in " + al.Region
		return e
	}
	// Silent for the whole outage: the time to detect is at least the
	// outage, a lower bound that misses any target (not merely unmeasured).
	outage := "the outage"
	if !o.Reverted.IsZero() {
		held := o.Reverted.Sub(o.Injected)
		outage = fmt.Sprintf("the %s outage", held.Round(100*time.Millisecond))
		e.Achieved, e.LowerBound = evidence.Measured(held.Seconds()), true
	}
	switch {
	case !al.Pending.IsZero():
		e.Detail = fmt.Sprintf("never fired: pending from +%.1fs in %s, but %s ended before its for: of %s had passed",
			al.Pending.Sub(o.Injected).Seconds(), al.Region, outage, al.For)
	default:
		e.Detail = fmt.Sprintf("never fired: its condition was never true during %s (never pending)", outage)
	}
	if al.Static != "" {
		e.Detail += "; " + al.Static
	}
	return e
}
