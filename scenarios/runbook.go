package scenarios

import (
	"slices"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework/lint"
)

// alertRules are the alerting rules of the platform's PrometheusRules.
func (e *Env) alertRules() []fixtures.PromRule {
	return fixtures.AlertRules(e.Platform.PrometheusRules)
}

// runbookAlert is the platform's alert that starts its runbook
// (fixtures.Platform.RunbookAlert).
func (e *Env) runbookAlert() (string, string, error) { return e.Platform.RunbookAlert() }

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
