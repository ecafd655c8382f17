package scenarios

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/lint"
	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/objectives"
	"gameday.io/gameday/framework/monitoring"
)

// alertSignal says whether one of the platform's alerts exists for a kind
// of fault, from the series its expression reads, and why.
type alertSignal func(a alertRule) (why string, ok bool)

// readsNodeReadiness: the rule reads kube-state-metrics' node conditions.
func readsNodeReadiness(a alertRule) bool {
	return strings.Contains(a.expr, "kube_node_status_condition")
}

// aboutZones: the rule groups or labels by a zone.
func aboutZones(a alertRule) bool { return strings.Contains(strings.ToLower(a.expr), "zone") }

// alertSignals are the alerts each fault kind should raise, read from the
// rules' expressions (a scenario names any other with `alert:`). A region
// outage raises the alert that starts the runbook (runbookAlert).
var alertSignals = map[fault.Kind]alertSignal{
	fault.ZoneOutage: func(a alertRule) (string, bool) {
		return "its expression reads node readiness per zone", readsNodeReadiness(a) && aboutZones(a)
	},
	fault.NodeLoss: func(a alertRule) (string, bool) {
		return "its expression reads node readiness", readsNodeReadiness(a) && !aboutZones(a)
	},
	fault.StorageOutage: func(a alertRule) (string, bool) {
		return "its expression reads probe_success, the storage probe", strings.Contains(a.expr, "probe_success")
	},
}

// planAlerts lists the platform's alerts the drill follows: those it has
// for the fault and those the scenario's objectives name. Without
// monitoring it lists none. A fault the platform has no alert for is a
// finding.
func (d *drill) planAlerts(ctx context.Context) []objectives.Alert {
	if !d.env.Record.Monitoring {
		return nil
	}
	t := d.env.Timeouts
	interval := monitoring.Interval(t)
	// The condition turns true once the control plane notices (a node's
	// grace period at most), then a scrape, an evaluation to go pending, the
	// for:, an evaluation to fire and a poll: six intervals cover the steps.
	lag := t.NodeMonitorGracePeriod + t.NodeMonitorPeriod + 6*interval
	static := d.staticAlertReasons(ctx)
	var named []string
	for _, o := range d.s.Objectives {
		if o.Alert != "" {
			named = append(named, o.Alert)
		}
	}
	runbook := ""
	if d.spec.Kind == fault.RegionOutage {
		if n, _, err := d.env.runbookAlert(); err == nil {
			runbook = n
		}
	}
	var out []objectives.Alert
	for _, r := range d.env.alertRules() {
		a := objectives.Alert{Name: r.name, Static: static[r.name], Runbook: r.name == runbook}
		if sig := alertSignals[d.spec.Kind]; sig != nil {
			if why, ok := sig(r); ok {
				a.Why = why
			}
		}
		if a.Runbook {
			a.Why = "it starts the platform's runbook"
		}
		if a.Why == "" && !slices.Contains(named, r.name) {
			continue
		}
		if f, err := time.ParseDuration(r.forText); err == nil {
			a.For = t.Scale(f)
		}
		a.Within = a.For + lag
		out = append(out, a)
	}
	if !slices.ContainsFunc(out, func(a objectives.Alert) bool { return a.Why != "" }) && (alertSignals[d.spec.Kind] != nil || d.spec.Kind == fault.RegionOutage) {
		d.findings = append(d.findings, evidence.Finding{ID: "no-alert-for-fault", Severity: evidence.SeverityWarning,
			Message: fmt.Sprintf("the platform has no alert for a %s: none of its rules (%s) reads what such a fault changes, so nobody would be paged", d.spec.Kind, strings.Join(d.ruleNames(), ", "))})
	}
	return out
}

func (d *drill) ruleNames() []string {
	var out []string
	for _, r := range d.env.alertRules() {
		out = append(out, r.name)
	}
	if len(out) == 0 {
		return []string{"no alerting rule"}
	}
	return out
}

// staticAlertReasons is what the platform's lint says about each alert's
// ability to fire, by alert name: the reason a silent alert stayed silent.
func (d *drill) staticAlertReasons(ctx context.Context) map[string]string {
	out := map[string]string{}
	rep, err := lint.Lint(ctx, d.env.Platform, lint.WithTopology(d.env.Topology))
	if err != nil {
		return out
	}
	for _, f := range rep.Findings {
		if !strings.HasPrefix(f.Rule, "alert-") {
			continue
		}
		for _, r := range d.env.alertRules() {
			if strings.HasPrefix(f.Message, "alert "+r.name+" ") && out[r.name] == "" {
				out[r.name] = "lint " + f.Rule + ": " + f.Message
			}
		}
	}
	return out
}

// holdForAlerts lengthens a hold the scenario left to the profile so that
// every alert the fault should raise has time to fire before the revert.
func (d *drill) holdForAlerts(hold time.Duration) time.Duration {
	interval := monitoring.Interval(d.env.Timeouts)
	for _, a := range d.alertPlan {
		if a.Why == "" || a.Within+2*interval <= hold {
			continue
		}
		d.log.Info("holding the fault longer, so the platform's alert can fire", "alert", a.Name, "for", a.For, "hold", a.Within+2*interval)
		hold = a.Within + 2*interval
	}
	return hold
}

// observeAlerts fills each planned alert's first transitions from the
// drill's alert events: pending and firing after the fault, resolved after
// the revert began; the region is where it went pending or fired first.
func (d *drill) observeAlerts(events []measure.ClusterEvent) []objectives.Alert {
	out := slices.Clone(d.alertPlan)
	for i := range out {
		a := &out[i]
		for _, e := range events {
			if e.Object != "alert/"+a.Name || e.At.Before(d.injected) {
				continue
			}
			state, _, _ := strings.Cut(e.Event, " ")
			switch {
			case state == monitoring.StatePending && a.Pending.IsZero():
				a.Pending = e.At
				if a.Region == "" {
					a.Region = e.Region
				}
			case state == monitoring.StateFiring && a.Firing.IsZero():
				a.Firing, a.Region = e.At, e.Region
			case state == monitoring.StateResolved && a.Resolved.IsZero() && !d.reverting.IsZero() && !e.At.Before(d.reverting):
				a.Resolved = e.At
			}
		}
		if !a.Firing.IsZero() && a.Resolved.IsZero() {
			d.findings = append(d.findings, evidence.Finding{ID: "alert-unresolved", Severity: evidence.SeverityWarning,
				Message: fmt.Sprintf("alert %s fired during the fault but had not resolved by the end of the drill (%s after the revert began)", a.Name, d.alerts.settleTime())})
		}
	}
	return out
}
