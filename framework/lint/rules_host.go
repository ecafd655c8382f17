package lint

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/fixtures"
)

func hostRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "destinationrule-host", Severity: SeverityError,
			Summary: "a DestinationRule's host names no Service of the platform",
			Help: "Istio applies a DestinationRule to the service its host names: a name without dots means name.<rule's namespace>.svc.cluster.local; any other host is " +
				"taken as written (a leading * matches any prefix). A host that names no Service (a typo, another namespace) leaves the Service without the rule's outlier " +
				"detection and failover. name.namespace and name.namespace.svc resolve in Kubernetes DNS but not in Istio: warning. Hosts outside the cluster " +
				"(not a short name, not *.svc.*) are left alone: a ServiceEntry may define them."},
			checkDestinationRuleHost},
	}
}

func checkDestinationRuleHost(in *Input) []Finding {
	var out []Finding
	for _, d := range in.destinationRules() {
		host := d.dr.Spec.GetHost()
		inCluster := !strings.Contains(host, ".") || strings.Contains(host+".", ".svc.")
		best, match := fixtures.HostNoMatch, service{}
		for _, s := range in.services() {
			for _, ns := range serviceNamespaces(s, d) {
				if m := fixtures.MatchHost(host, effectiveNamespace(d.dr.Namespace), s.svc.Name, ns); hostRank(m) > hostRank(best) {
					best, match = m, s
				}
			}
		}
		switch {
		case best == fixtures.HostExact, best == fixtures.HostNoMatch && !inCluster:
		case best == fixtures.HostPartial:
			out = append(out, Finding{Severity: SeverityWarning, Position: d.obj.At("spec.host"), Object: d.obj.Ref(),
				Message: fmt.Sprintf("host %q reaches %s through Kubernetes DNS search paths, but Istio expands only a name without dots: it applies the rule to the host %q as written, so the Service gets none of its traffic policy",
					host, match.obj.Ref(), host),
				Fix: fmt.Sprintf("write the FQDN %s.%s.svc.cluster.local (or the short name %s in namespace %s)", match.svc.Name, effectiveNamespace(match.svc.Namespace), match.svc.Name, effectiveNamespace(match.svc.Namespace))})
		default:
			out = append(out, Finding{Position: d.obj.At("spec.host"), Object: d.obj.Ref(),
				Message: fmt.Sprintf("host %q (%s) matches no Service of these manifests (%s): the rule's outlier detection and failover apply to nothing",
					host, expandHost(host, d.dr.Namespace), serviceList(in)),
				Fix: "name the Service the clients call: its short name in the rule's namespace, or name.namespace.svc.cluster.local"})
		}
	}
	return out
}

// serviceNamespaces are the namespaces a Service may be in for a rule: its
// own, or, when it names none, the rule's (service-selector and
// namespace-missing report the missing namespace).
func serviceNamespaces(s service, d destinationRule) []string {
	if s.svc.Namespace != "" {
		return []string{s.svc.Namespace}
	}
	return []string{effectiveNamespace(d.dr.Namespace), metav1.NamespaceDefault}
}

func expandHost(host, ns string) string {
	if strings.Contains(host, ".") {
		return "taken as written"
	}
	return host + "." + effectiveNamespace(ns) + ".svc.cluster.local"
}

func serviceList(in *Input) string {
	var names []string
	for _, s := range in.services() {
		names = append(names, s.svc.Name+"."+effectiveNamespace(s.svc.Namespace))
	}
	if len(names) == 0 {
		return "none defined"
	}
	return "Services: " + strings.Join(names, ", ")
}

// hostRank orders matches: exact beats partial beats none.
func hostRank(m fixtures.HostMatch) int {
	switch m {
	case fixtures.HostExact:
		return 2
	case fixtures.HostPartial:
		return 1
	}
	return 0
}
