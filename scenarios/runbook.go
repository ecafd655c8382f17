package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework/lint"
)

// alertRule is one alerting rule of the platform's PrometheusRules.
type alertRule struct {
	name, expr, forText string
	meta                map[string]string // labels and annotations
}

func (e *Env) alertRules() []alertRule {
	var out []alertRule
	for _, r := range fixtures.PromRules(e.Platform.PrometheusRules) {
		if r.Alert == "" {
			continue
		}
		a := alertRule{name: r.Alert, expr: r.Expr, forText: r.For, meta: map[string]string{}}
		maps.Copy(a.meta, r.Labels)
		maps.Copy(a.meta, r.Annotations)
		out = append(out, a)
	}
	return out
}

// runbookAlert is the platform's alert that starts its runbook, for an
// action due "after: alert" without a name. In order of preference: an
// alert whose labels or annotations name the runbook's ConfigMap (runbook:
// NAME, runbook_url: .../NAME); the alert the platform's failover Sensor
// depends on (its eventName is the alert's name in kebab-case); the alert
// whose expression names the entry workload's Deployment or Service, the
// one with the shortest `for:` first.
func (e *Env) runbookAlert() (string, string, error) {
	rules := e.alertRules()
	if len(rules) == 0 {
		return "", "", fmt.Errorf("the runbook's alert: the platform has no PrometheusRule with an alert")
	}
	if rb := e.Platform.Runbook; rb != nil {
		for _, a := range rules {
			for k, v := range a.meta {
				if strings.HasPrefix(k, "runbook") && (v == rb.Name || strings.HasSuffix(v, "/"+rb.Name)) {
					return a.name, fmt.Sprintf("its %s names the runbook %s", k, rb.Name), nil
				}
			}
		}
	}
	if s := e.Platform.Sensor; s != nil {
		deps, _, _ := unstructured.NestedSlice(s.Object, "spec", "dependencies")
		for _, d := range deps {
			dm, _ := d.(map[string]any)
			ev, _ := dm["eventName"].(string)
			for _, a := range rules {
				if ev != "" && sameName(ev, a.name) {
					return a.name, fmt.Sprintf("Sensor %s depends on it (event %s)", s.GetName(), ev), nil
				}
			}
		}
	}
	var names []string
	if d := e.Platform.Deployment; d != nil {
		names = append(names, d.Name)
	}
	if s := e.Platform.Service; s != nil {
		names = append(names, s.Name)
	}
	var best *alertRule
	var bestFor time.Duration
	for i, a := range rules {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(a.expr, `"`+n+`"`) }) {
			continue
		}
		f, _ := time.ParseDuration(a.forText)
		if best == nil || f < bestFor {
			best, bestFor = &rules[i], f
		}
	}
	if best != nil {
		return best.name, "its expression is about " + strings.Join(names, "/"), nil
	}
	return "", "", fmt.Errorf("the runbook's alert: no alert names the runbook (label runbook), is what the failover Sensor waits for, or is about %s", strings.Join(names, "/"))
}

// sameName reports whether an event name and an alert name are the same
// words however they are joined and cased: ranker-capacity-low and
// RankerCapacityLow, gpu_node_not_ready and GPUNodeNotReady.
func sameName(a, b string) bool { return squash(a) == squash(b) }

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// expandActions turns the scenario's actions into the ones the drill takes:
// a scale without replicas becomes the runbook's scale commands for its
// region (one per workload under test the runbook scales there, or only
// for the action's workload when it names one); a scale with replicas
// scales the action's workload (the entry by default).
func (d *drill) expandActions() ([]Action, error) {
	var out []Action
	for _, a := range d.s.Actions {
		if a.Do != "scale" || a.Replicas > 0 {
			out = append(out, a)
			continue
		}
		region, err := d.env.regionByRole(a.Region)
		if err != nil {
			return nil, err
		}
		n := 0
		seen := map[string]bool{}
		for _, s := range lint.RunbookScales(d.env.Platform, d.env.Topology) {
			if !slices.Contains(s.Regions, region) {
				continue
			}
			name := s.Deployment
			if s.Namespace != "" {
				name = s.Namespace + "/" + s.Deployment
			}
			w, err := d.env.workloadNamed(name)
			if err != nil || (a.Workload != "" && !isWorkload(w.Name(), a.Workload)) {
				continue
			}
			// The first command for a workload counts: two concurrent
			// scales of one Deployment would leave it at either size.
			if seen[w.Name()] {
				d.log.Warn("the runbook scales a workload twice in one region; the first command counts", "workload", w.Name(), "region", region, "ignored", s.At)
				continue
			}
			seen[w.Name()] = true
			b := a
			b.Workload, b.Replicas = w.Name(), int32(s.Replicas)
			out = append(out, b)
			n++
		}
		if n == 0 {
			out = append(out, a) // taken, it says why it could not be
		}
	}
	return out, nil
}
