package scenarios

import (
	"gameday.io/gameday/framework/measure/objectives"

	"fmt"
	"slices"
	"strings"
	"time"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/measure"
)

// evaluate measures the drill and judges each objective with its
// registered evaluator (framework/measure/objectives).
func (d *drill) evaluate() {
	dr := &d.res.Drill
	tl := d.res.Timeline
	crit := measure.NewCriteria(d.env.Timeouts)
	if tl != nil {
		var opts []measure.Option
		if objectives.NeedsOf(d.s.Objectives).Failover {
			opts = append(opts, measure.FailoverTo(d.region("dr"), d.primary))
		}
		opts = append(opts, measure.WithCapacity(d.res.Capacity[d.spec.Region]))
		if r, err := measure.RTO(tl, crit, opts...); err == nil {
			d.res.RTO = &r
			d.res.Failover = r.Failover
		}
		d.recordLoad(tl)
	}
	dr.Objectives = objectives.Evaluate(d.s.Objectives, d.observation(crit))
	d.addFindings()
	dr.Findings = append(dr.Findings, d.findings...)
}

// observation is what the drill measured, for the evaluators.
func (d *drill) observation(crit measure.Criteria) *objectives.Observation {
	o := &objectives.Observation{
		Criteria: crit, Region: d.region, Primary: d.primary, Timeline: d.res.Timeline,
		RTO: d.res.RTO, Failover: d.res.Failover, Capacity: d.res.Capacity, PDB: d.res.PDB, PDBRegion: d.spec.Region,
		Fault: d.res.Fault, Events: d.events,
		Injected: d.injected, Reverted: d.reverted, Recovered: d.recovered, Hold: d.hold,
		RecoveryWindow: s(d.s.Recovery, recoveryFor(d.env.Timeouts)), FailoverRule: d.failoverRuleText(),
		Monitoring: d.env.Record.Monitoring, Alerts: d.observeAlerts(d.events),
	}
	for i, sub := range d.subjects {
		w := sub.observed()
		o.Workloads = append(o.Workloads, w)
		if i == 0 {
			o.Workload, o.MinAvailable, o.Pending = w.Name, w.MinAvailable, w.Pending
		}
	}
	d.res.Workloads = o.Workloads
	for _, a := range d.rb.actions() {
		w := a.Action.Workload
		if ww, err := d.env.workloadNamed(w); err == nil {
			w = ww.Name()
		}
		o.Actions = append(o.Actions, objectives.Action{Do: a.Action.Do, Region: a.Region, Workload: w, Replicas: a.Action.Replicas, After: a.Action.After, At: a.At, Err: a.Err})
	}
	return o
}

func (d *drill) region(role string) string {
	r, err := d.env.regionByRole(role)
	if err != nil {
		return role
	}
	return r
}

// failoverRuleText describes the DestinationRule's failover rule for the primary.
func (d *drill) failoverRuleText() string {
	dr := d.env.Platform.DestinationRule
	if dr == nil || dr.Spec.TrafficPolicy == nil || dr.Spec.TrafficPolicy.LoadBalancer == nil || dr.Spec.TrafficPolicy.LoadBalancer.LocalityLbSetting == nil {
		return "the DestinationRule sets no failover order"
	}
	var rules []string
	for _, f := range dr.Spec.TrafficPolicy.LoadBalancer.LocalityLbSetting.Failover {
		if f.From == d.primary {
			if _, err := d.env.Record.Region(f.To); err != nil {
				rules = append(rules, fmt.Sprintf("DestinationRule %s sends %s's traffic to %s, which is not a region of the topology (%s)",
					dr.Name, f.From, f.To, strings.Join(d.env.Record.RegionNames(), ", ")))
			}
		}
	}
	if len(rules) == 0 {
		return fmt.Sprintf("DestinationRule %s names no failover target for %s", dr.Name, d.primary)
	}
	return strings.Join(rules, "; ")
}

// addFindings records what the drill saw beyond the objectives.
func (d *drill) addFindings() {
	add := func(id string, sev evidence.Severity, msg string) {
		d.findings = append(d.findings, evidence.Finding{ID: id, Severity: sev, Message: msg})
	}
	if f := d.res.Fault; f != nil && f.Result != nil && f.Spec.Kind == fault.Drain {
		add("drain-refusals", evidence.SeverityInfo, fmt.Sprintf("the PodDisruptionBudget refused %d eviction attempts (HTTP 429) and allowed %d", f.Result.Refused, f.Result.Evicted))
	}
	if f := d.res.Fault; f != nil && f.Result != nil {
		for _, o := range f.Result.ChaosMesh {
			add("chaos-mesh-object", evidence.SeverityInfo, chaosHistory(o, f.PlannedAt))
		}
	}
	if flapped := d.untargetedNotReady(); len(flapped) > 0 {
		add("environment-node-flap", evidence.SeverityWarning, fmt.Sprintf(
			"%d node(s) no fault targeted went NotReady during the drill (%s): the simulated control plane missed their heartbeats, so the machine was likely overloaded and timings of this drill are suspect",
			len(flapped), strings.Join(flapped, ", ")))
	}
	if stuck := d.untaintedNotReady(); len(stuck) > 0 {
		add("no-taint-based-eviction", evidence.SeverityWarning, fmt.Sprintf(
			"%d NotReady node(s) were never tainted NoExecute, so their pods were not evicted (%s): kube-controller-manager stops evictions in a zone it considers disrupted (--unhealthy-zone-threshold, --large-cluster-size-threshold) and in every zone when all nodes are NotReady",
			len(stuck), strings.Join(stuck, ", ")))
	}
	svc, vs, route := d.routeToService()
	if f := silentServerFinding(d.res.Drill.Load, svc, vs, route); f != nil {
		d.findings = append(d.findings, *f)
	}
	var pending []string
	for _, sub := range d.subjects {
		pending = append(pending, sub.pending...)
	}
	if len(pending) > 0 {
		add("replacements-pending", evidence.SeverityWarning, fmt.Sprintf("%d replacement pod(s) were still Pending when the fault ended: %s", len(pending), objectives.FirstReason(pending)))
	}
	if _, fallback := objectives.RoutesDuringFault(d.res.Timeline); fallback > 0 {
		add("failover-target-missing", evidence.SeverityError, d.failoverRuleText()+fmt.Sprintf("; %d requests reached another region only through the load balancer's last-resort fallback", fallback))
	}
	for _, a := range d.rb.actions() {
		switch {
		case a.Err != "":
			what := a.Action.Do
			if a.Region != "" {
				what += " in " + a.Region
			}
			if a.Action.Workload != "" {
				what += " of " + a.Action.Workload
			}
			add("runbook-"+a.Action.Do, evidence.SeverityWarning, fmt.Sprintf("runbook action %s (%s) failed: %s", what, a.Action.After, a.Err))
		case a.Action.Do == "pod-kill":
			if c := measure.FullCapacity(d.capacityOf(a.Action.Workload)[a.Region], a.At); !c.Restored || c.RestoredAt.After(d.reverted) {
				add("model-load-during-outage", evidence.SeverityInfo, fmt.Sprintf(
					"a pod killed %s into the outage could not become Ready while model storage was down (its replacement must load the model); capacity stayed at %d until storage returned",
					a.At.Sub(d.injected).Round(time.Second), c.MinReady))
			}
		}
	}
}

// untargetedNotReady lists the nodes ("region/node") that went NotReady
// during the drill although its fault did not stop them. A region outage
// stops a whole control plane, whose nodes may read NotReady as it returns.
func (d *drill) untargetedNotReady() []string {
	var targeted []string
	if f := d.res.Fault; f != nil {
		targeted = f.Nodes
	}
	var out []string
	for _, n := range measure.NodesNotReady(d.events, d.res.Drill.Start, time.Now()) {
		if slices.Contains(targeted, n) || (d.spec.Kind == fault.RegionOutage && strings.HasPrefix(n, d.spec.Region+"/")) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// untaintedNotReady lists nodes that stayed NotReady longer than the node
// lifecycle controller needs to taint them all (two monitor periods plus one
// eviction-rate interval per node the fault stopped, plus margin) without
// ever being tainted.
func (d *drill) untaintedNotReady() []string {
	t := d.env.Timeouts
	nodes := 1
	if f := d.res.Fault; f != nil && len(f.Nodes) > 0 {
		nodes = len(f.Nodes)
	}
	minDown := 2*t.NodeMonitorPeriod + 5*time.Second
	if t.NodeEvictionRate > 0 {
		minDown += time.Duration(float64(nodes) / t.NodeEvictionRate * float64(time.Second))
	}
	return measure.UntaintedNotReady(d.events, d.res.Drill.Start, time.Now(), minDown)
}

// capacityOf is the capacity samples of a workload under test by region
// (the entry's when workload is empty).
func (d *drill) capacityOf(workload string) map[string][]measure.CapacitySample {
	for _, sub := range d.subjects {
		if isWorkload(sub.name(), workload) {
			return sub.capacity
		}
	}
	return nil
}

// chaosHistory describes a Chaos Mesh object the fault applied and what its
// status said, each change at its offset from t0 (when the fault was planned).
func chaosHistory(o fault.ChaosObject, t0 time.Time) string {
	parts := make([]string, 0, len(o.History))
	for _, e := range o.History {
		parts = append(parts, fmt.Sprintf("%s at %+.1fs", e, e.At.Sub(t0).Seconds()))
	}
	if len(parts) == 0 {
		parts = append(parts, "no status seen")
	}
	return fmt.Sprintf("Chaos Mesh %s in %s: %s", o.Object, o.Region, strings.Join(parts, ", "))
}
