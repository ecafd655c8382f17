package lint

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Kubernetes defaults the recovery estimate uses.
const (
	// NodeMonitorGracePeriod is how long kube-controller-manager waits for a
	// silent node before marking it NotReady (default since Kubernetes 1.32).
	NodeMonitorGracePeriod = 50 * time.Second
	// DefaultTolerationSeconds is the toleration the DefaultTolerationSeconds
	// admission plugin gives pods for node.kubernetes.io/unreachable and
	// not-ready: their eviction from a lost node waits this long.
	DefaultTolerationSeconds = 300 * time.Second
)

func timingRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "rto-recovery", Severity: SeverityError,
			Summary: "replacing pods lost with a node or zone takes too much of the RTO",
			Help: "Estimates the time from a node or zone failure to replacement pods being Ready: node-monitor-grace-period (50s) + the pods' " +
				"unreachable toleration (300s by default) + the readiness probe's initialDelaySeconds + periodSeconds x successThreshold. Error when it reaches the RTO, warning past half of it."},
			checkRecoveryTime},
		ruleFunc{RuleMeta{ID: "rto-alert", Severity: SeverityError,
			Summary: "an alert fires too late for the RTO",
			Help: "An alert fires after its `for:` plus up to one evaluation interval (the group's interval, else the assumed Prometheus default of 1m). " +
				"Error when that reaches the RTO, warning past half of it: the response the alert starts needs the rest of the budget."},
			checkAlertTime},
	}
}

func probeTime(p *corev1.Probe) time.Duration {
	if p == nil {
		return 0
	}
	period, success := p.PeriodSeconds, p.SuccessThreshold
	if period == 0 {
		period = 10
	}
	if success == 0 {
		success = 1
	}
	return time.Duration(p.InitialDelaySeconds+period*success) * time.Second
}

// unreachableToleration is how long the pods stay bound to an unreachable node.
func unreachableToleration(spec *corev1.PodSpec) time.Duration {
	for _, t := range spec.Tolerations {
		if (t.Key == corev1.TaintNodeUnreachable || t.Key == "") && t.Effect == corev1.TaintEffectNoExecute && t.TolerationSeconds != nil {
			return time.Duration(*t.TolerationSeconds) * time.Second
		}
	}
	return DefaultTolerationSeconds
}

func checkRecoveryTime(in *Input) []Finding {
	var out []Finding
	for _, w := range in.workloads {
		spec := &w.dep.Spec.Template.Spec
		for i, c := range spec.Containers {
			ready := probeTime(c.ReadinessProbe)
			tol := unreachableToleration(spec)
			total := NodeMonitorGracePeriod + tol + ready
			sev, late := rtoShare(total, in.RTO)
			if !late {
				continue
			}
			out = append(out, Finding{Severity: sev, Position: w.obj.At(fmt.Sprintf("spec.template.spec.containers[%d].readinessProbe", i)), Object: w.obj.Ref(),
				Message: fmt.Sprintf("replacing %s's pods after a node or zone loss takes about %s (node-monitor-grace-period %s + unreachable toleration %s + readiness %s) of the %s RTO",
					c.Name, human(total), human(NodeMonitorGracePeriod), human(tol), human(ready), human(in.RTO)),
				Fix: "shorten the readiness probe's initialDelaySeconds (use a startupProbe for slow model loads) or set a shorter node.kubernetes.io/unreachable toleration"})
		}
	}
	return out
}

func checkAlertTime(in *Input) []Finding {
	var out []Finding
	rules, _ := in.alertRules()
	for _, a := range rules {
		if a.forErr != nil {
			continue
		}
		total := a.forDur + a.interval
		sev, late := rtoShare(total, in.RTO)
		if !late {
			continue
		}
		out = append(out, Finding{Severity: sev, Position: a.obj.At(a.path + ".for"), Object: a.obj.Ref(),
			Message: fmt.Sprintf("alert %s fires up to %s after the failure (for: %s + evaluation interval %s), %s of the %s RTO",
				a.name, human(total), human(a.forDur), human(a.interval), percent(total, in.RTO), human(in.RTO)),
			Fix: "shorten `for:` so detection leaves most of the RTO for failover and recovery"})
	}
	return out
}

// rtoShare rates a step's duration against the RTO: an error when it takes
// the whole RTO, a warning past half of it (late is false below that).
func rtoShare(d, rto time.Duration) (sev Severity, late bool) {
	switch {
	case d >= rto:
		return SeverityError, true
	case d > rto/2:
		return SeverityWarning, true
	}
	return "", false
}

func percent(a, b time.Duration) string { return fmt.Sprintf("%.0f%%", 100*float64(a)/float64(b)) }
