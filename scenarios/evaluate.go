package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/intstr"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/measure"
)

// evaluate measures the drill and judges each objective.
func (d *drill) evaluate() {
	dr := &d.res.Drill
	tl := d.res.Timeline
	obj := measure.NewCriteria(d.env.Timeouts)
	if tl != nil {
		var opts []measure.Option
		if d.has("failover") || d.has("failover-order") {
			opts = append(opts, measure.FailoverTo(d.region("dr"), d.primary))
		}
		opts = append(opts, measure.WithCapacity(d.res.Capacity[d.spec.Region]))
		if r, err := measure.RTO(tl, obj, opts...); err == nil {
			d.res.RTO = &r
			d.res.Failover = r.Failover
		}
		d.recordLoad(tl)
	}
	for _, o := range d.s.Objectives {
		dr.Objectives = append(dr.Objectives, d.objective(o, obj))
	}
	d.addFindings()
	dr.Findings = append(dr.Findings, d.findings...)
}

func (d *drill) region(role string) string {
	r, err := d.env.regionByRole(role)
	if err != nil {
		return role
	}
	return r
}

// target reads an objective's target or returns def.
func target(o Objective, def float64) float64 {
	if o.Target == "" {
		return def
	}
	v, _ := parseTarget(o.Target)
	return v
}

func (d *drill) objective(o Objective, obj measure.Criteria) evidence.Objective {
	faultSecs := d.reverted.Sub(d.injected).Seconds()
	switch o.Kind {
	case "rto":
		e := evidence.Objective{Name: "rto", Comparison: evidence.AtMost, Target: target(o, obj.RTO.Seconds()), Unit: "s",
			Method: fmt.Sprintf("from the fault's injection until the success ratio of the load stays ≥ %.2f for %s (no failures: 0)", obj.SuccessThreshold, obj.StabilityWindow)}
		if r := d.res.RTO; r != nil {
			e.Achieved, e.LowerBound = evidence.Measured(r.RTO.Seconds()), !r.Recovered
			if !r.Recovered {
				e.Detail = r.Reason
			}
		}
		return e
	case "failover":
		region := d.region(or(o.Region, "dr"))
		e := evidence.Objective{Name: "failover to " + region, Comparison: evidence.AtLeast, Target: target(o, obj.FailoverShare), Unit: "ratio",
			Method: fmt.Sprintf("share of %s's clients' successful requests served by %s after the switch", d.primary, region)}
		if f := d.res.Failover; f != nil {
			e.Achieved = evidence.Measured(f.ShareAfter)
			if !f.FailedOver {
				e.Detail = f.Reason
			}
		}
		return e
	case "failover-order":
		region := d.region(or(o.Region, "dr"))
		e := evidence.Objective{Name: "failover follows the DestinationRule", Comparison: evidence.AtLeast, Target: target(o, 0.99), Unit: "ratio",
			Method: "share of the failed-over requests the global load balancer routed by the DestinationRule's failover order (X-Gameday-Route: failover) rather than as a last-resort fallback to any healthy region"}
		failover, fallback := routesDuringFault(d.res.Timeline)
		if failover+fallback > 0 {
			e.Achieved = evidence.Measured(float64(failover) / float64(failover+fallback))
			if fallback > 0 {
				e.Detail = fmt.Sprintf("%d of %d requests reached %s only through the fallback: %s", fallback, failover+fallback, region, d.failoverRuleText())
			}
		} else {
			e.Detail = "no request failed over"
		}
		return e
	case "capacity-during-fault":
		region := d.region(or(o.Region, "primary"))
		e := evidence.Objective{Name: "capacity restored in " + region + " while the fault holds", Comparison: evidence.AtMost, Target: target(o, faultSecs), Unit: "s",
			Method: "time from the fault to all desired replicas Ready again, while the fault still holds (kube Deployment status)"}
		c := measure.FullCapacity(d.res.Capacity[region], d.injected)
		switch {
		case c.Restored && !c.RestoredAt.After(d.reverted):
			e.Achieved = evidence.Measured(c.Time.Seconds())
		default:
			e.Achieved, e.LowerBound = evidence.Measured(faultSecs), true
			e.Detail = fmt.Sprintf("capacity fell to %d Ready replicas and did not come back while the fault held", c.MinReady)
			if len(d.pending) > 0 {
				e.Detail += fmt.Sprintf("; %d replacement(s) Pending: %s", len(d.pending), firstReason(d.pending))
			}
			if len(d.events) > 0 {
				e.Detail += "; in the fault: " + measure.Chain(d.events, region, d.injected, d.reverted).String(d.injected)
			}
		}
		return e
	case "min-ready":
		region := d.region(or(o.Region, "primary"))
		minAvail := d.minAvailable()
		e := evidence.Objective{Name: "Ready replicas in " + region + " stay ≥ the PDB's minAvailable", Comparison: evidence.AtLeast, Target: target(o, float64(minAvail)), Unit: "replicas",
			Method: "the fewest Ready inference replicas observed while the fault held (watch of pods/Deployment)"}
		if m, ok := d.minReady(region); ok {
			e.Achieved = evidence.Measured(float64(m))
		}
		return e
	case "dr-capacity":
		region := d.region(or(o.Region, "dr"))
		e := evidence.Objective{Name: "DR region " + region + " scaled up and Ready", Comparison: evidence.AtMost, Target: target(o, obj.RTO.Seconds()), Unit: "s",
			Method: "time from the runbook's scale action to all its replicas Ready"}
		a, ok := d.action("scale", region)
		switch {
		case !ok:
			e.Detail = "the runbook's scale action was not taken"
		case a.Err != "":
			e.Detail = a.Err
		default:
			if t, ok := readyAfter(d.res.Capacity[region], a.At, int(a.Action.Replicas)); ok {
				e.Achieved = evidence.Measured(t.Seconds())
			} else {
				e.Achieved, e.LowerBound = evidence.Measured(time.Since(a.At).Seconds()), true
				e.Detail = fmt.Sprintf("%d replicas never all Ready", a.Action.Replicas)
			}
		}
		return e
	case "drain-completes":
		e := evidence.Objective{Name: "the drain finishes", Comparison: evidence.AtLeast, Target: target(o, 1), Unit: "ratio",
			Method: "share of the drained nodes' pods evicted before the drain's time ran out (refusals retried)"}
		if f := d.res.Fault; f != nil && f.Result != nil && len(f.Pods) > 0 {
			e.Achieved = evidence.Measured(float64(f.Result.Evicted) / float64(len(f.Pods)))
			if n := len(f.Result.Remaining); n > 0 {
				e.Detail = fmt.Sprintf("%d pod(s) could not leave after %d refusals (HTTP 429); replacements could not be scheduled: %s", n, f.Result.Refused, firstReason(d.pending))
			}
		}
		return e
	case "error-budget":
		e := evidence.Objective{Name: "error budget of the " + o.Phase + " phase", Comparison: evidence.AtMost, Target: target(o, 0.001), Unit: "ratio",
			Method: "failed / sent requests of the phase"}
		if d.res.Timeline != nil {
			if p, err := measure.Phase(d.res.Timeline, o.Phase); err == nil && p.Sent > 0 {
				e.Achieved = evidence.Measured(1 - p.SuccessRatio())
			}
		}
		return e
	case "capacity-after-revert":
		max := s(d.s.Recovery, recoveryFor(d.env.Timeouts))
		e := evidence.Objective{Name: "full capacity after the revert", Comparison: evidence.AtMost, Target: target(o, max.Seconds()), Unit: "s",
			Method: "time from the revert until every region has all desired replicas Ready, the global load balancer sees every region healthy with every Ready pod behind its gateway, and the load then stays successful for the stability window"}
		switch {
		case d.reverted.IsZero():
			e.Detail = "the fault was not reverted by the drill"
		case d.recovered.IsZero():
			e.Achieved, e.LowerBound = evidence.Measured(max.Seconds()), true
		default:
			e.Achieved = evidence.Measured(math.Max(0, d.recovered.Sub(d.reverted).Seconds()))
		}
		return e
	}
	return evidence.Objective{Name: o.Kind, Comparison: evidence.AtMost, Detail: "unknown objective"}
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func firstReason(rs []string) string {
	if len(rs) == 0 {
		return "no scheduling message"
	}
	return rs[0]
}

// minAvailable resolves the PDB's minAvailable against the desired replicas.
func (d *drill) minAvailable() int {
	pdb := d.env.Platform.PDB
	if pdb == nil || pdb.Spec.MinAvailable == nil {
		return 0
	}
	n := int32(1)
	if dep := d.env.Platform.Deployment; dep != nil && dep.Spec.Replicas != nil {
		n = *dep.Spec.Replicas
	}
	v, _ := intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MinAvailable, int(n), true)
	return v
}

// minReady is the fewest Ready replicas while the fault held.
func (d *drill) minReady(region string) (int, bool) {
	if d.pdb != nil && region == d.spec.Region && d.res.PDB != nil {
		if m := d.res.PDB.MinReady(); m >= 0 {
			return m, true
		}
	}
	samples := d.res.Capacity[region]
	if len(samples) == 0 || d.injected.IsZero() {
		return 0, false
	}
	end := d.reverted
	if end.IsZero() {
		end = time.Now()
	}
	m, seen := math.MaxInt, false
	for i, c := range samples {
		// The sample in effect at the injection counts too.
		inEffect := c.At.Before(d.injected) && (i+1 == len(samples) || !samples[i+1].At.Before(d.injected))
		if inEffect || (!c.At.Before(d.injected) && !c.At.After(end)) {
			m, seen = min(m, c.Ready), true
		}
	}
	return m, seen
}

func (d *drill) action(do, region string) (actionRecord, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, a := range d.actions {
		if a.Action.Do == do && (a.Region == region || a.Region == "") {
			return a, true
		}
	}
	return actionRecord{}, false
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

// routesDuringFault counts the fault phase's successes by global LB route.
func routesDuringFault(tl *load.Timeline) (failover, fallback int) {
	if tl == nil {
		return 0, 0
	}
	for _, b := range tl.Buckets {
		if b.Phase == "fault" {
			failover += b.Routes["failover"]
			fallback += b.Routes["fallback"]
		}
	}
	return failover, fallback
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
	if len(d.pending) > 0 {
		add("replacements-pending", evidence.SeverityWarning, fmt.Sprintf("%d replacement pod(s) were still Pending when the fault ended: %s", len(d.pending), firstReason(d.pending)))
	}
	if _, fallback := routesDuringFault(d.res.Timeline); fallback > 0 {
		add("failover-target-missing", evidence.SeverityError, d.failoverRuleText()+fmt.Sprintf("; %d requests reached another region only through the load balancer's last-resort fallback", fallback))
	}
	for _, a := range d.actions {
		switch {
		case a.Err != "":
			add("runbook-"+a.Action.Do, evidence.SeverityWarning, fmt.Sprintf("runbook action %s (%s) failed: %s", a.Action.Do, a.Action.After, a.Err))
		case a.Action.Do == "pod-kill":
			if c := measure.FullCapacity(d.res.Capacity[a.Region], a.At); !c.Restored || c.RestoredAt.After(d.reverted) {
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
