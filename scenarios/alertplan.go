package scenarios

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/lint"
	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/objectives"
	"gameday.io/gameday/framework/monitoring"
)

// alertSignal says whether one of the platform's alerts exists for a kind
// of fault, from the series its expression reads, and why.
type alertSignal func(a fixtures.PromRule) (why string, ok bool)

// readsNodeReadiness: the rule reads kube-state-metrics' node conditions.
func readsNodeReadiness(a fixtures.PromRule) bool {
	return strings.Contains(a.Expr, "kube_node_status_condition")
}

// aboutZones: the rule groups or labels by a zone.
func aboutZones(a fixtures.PromRule) bool { return strings.Contains(strings.ToLower(a.Expr), "zone") }

// alertSignals are the alerts each fault kind should raise, read from the
// rules' expressions (a scenario names any other with `alert:`). A region
// outage raises the alert that starts the runbook (runbookAlert).
var alertSignals = map[fault.Kind]alertSignal{
	fault.ZoneOutage: func(a fixtures.PromRule) (string, bool) {
		return "its expression reads node readiness per zone", readsNodeReadiness(a) && aboutZones(a)
	},
	fault.NodeLoss: func(a fixtures.PromRule) (string, bool) {
		return "its expression reads node readiness", readsNodeReadiness(a) && !aboutZones(a)
	},
	fault.StorageOutage: func(a fixtures.PromRule) (string, bool) {
		return "its expression reads probe_success, the storage probe", strings.Contains(a.Expr, "probe_success")
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
	rules := d.env.alertRules()
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
	for _, r := range rules {
		a := objectives.Alert{Name: r.Alert, Runbook: r.Alert == runbook}
		if sig := alertSignals[d.spec.Kind]; sig != nil {
			if why, ok := sig(r); ok {
				a.Why = why
			}
		}
		if a.Runbook {
			a.Why = "it starts the platform's runbook"
		}
		if a.Why == "" && !slices.Contains(named, r.Alert) {
			continue
		}
		if f, err := time.ParseDuration(r.For); err == nil {
			a.For = t.Scale(f)
		}
		a.Within = a.For + lag
		out = append(out, a)
	}
	if !slices.ContainsFunc(out, func(a objectives.Alert) bool { return a.Why != "" }) && (alertSignals[d.spec.Kind] != nil || d.spec.Kind == fault.RegionOutage) {
		names := []string{"no alerting rule"}
		if len(rules) > 0 {
			names = names[:0]
			for _, r := range rules {
				names = append(names, r.Alert)
			}
		}
		d.findings = append(d.findings, evidence.Finding{ID: "no-alert-for-fault", Severity: evidence.SeverityWarning,
			Message: fmt.Sprintf("the platform has no alert for a %s: none of its rules (%s) reads what such a fault changes, so nobody would be paged", d.spec.Kind, strings.Join(names, ", "))})
	}
	return out
}

// staticAlertReasons is what the platform's lint says about each of the
// alerts' ability to fire, by alert name: the reason a silent alert stayed
// silent.
func (d *drill) staticAlertReasons(alerts []objectives.Alert) map[string]string {
	out := map[string]string{}
	rep, err := lint.Lint(context.Background(), d.env.Platform, lint.WithTopology(d.env.Topology))
	if err != nil {
		return out
	}
	for _, f := range rep.Findings {
		if !strings.HasPrefix(f.Rule, "alert-") {
			continue
		}
		for _, a := range alerts {
			if strings.HasPrefix(f.Message, "alert "+a.Name+" ") && out[a.Name] == "" {
				out[a.Name] = "lint " + f.Rule + ": " + f.Message
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
// the revert began, each the earliest in any region; the region is where
// it fired first, else where it went pending first. An alert that never
// fired gets what the lint says about it (linted only then).
func (d *drill) observeAlerts(events []measure.ClusterEvent) []objectives.Alert {
	out := slices.Clone(d.alertPlan)
	order, first := firstAlertStates(events, d.injected, d.reverting)
	earliest := func(a *objectives.Alert, state string) (time.Time, string) {
		var at time.Time
		region := ""
		for _, k := range order {
			if t, ok := first[k][state]; ok && k.alert == a.Name && (at.IsZero() || t.Before(at)) {
				at, region = t, k.region
			}
		}
		return at, region
	}
	var silent []objectives.Alert
	for i := range out {
		a := &out[i]
		var fired string
		a.Pending, a.Region = earliest(a, monitoring.StatePending)
		if a.Firing, fired = earliest(a, monitoring.StateFiring); fired != "" {
			a.Region = fired
		}
		a.Resolved, _ = earliest(a, monitoring.StateResolved)
		if a.Firing.IsZero() {
			silent = append(silent, *a)
		}
		if !a.Firing.IsZero() && a.Resolved.IsZero() {
			d.findings = append(d.findings, evidence.Finding{ID: "alert-unresolved", Severity: evidence.SeverityWarning,
				Message: fmt.Sprintf("alert %s fired during the fault but had not resolved by the end of the drill (%s after the revert began)", a.Name, d.alerts.settleTime())})
		}
	}
	if len(silent) > 0 {
		static := d.staticAlertReasons(silent)
		for i := range out {
			out[i].Static = static[out[i].Name]
		}
	}
	return out
}
