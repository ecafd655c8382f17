package lint

import (
	"fmt"
	"slices"
	"strings"

	networking "istio.io/api/networking/v1alpha3"
	istionetv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"

	"gameday.io/gameday/fixtures"
)

// DefaultMaxEjectionPercent is Istio's outlierDetection.maxEjectionPercent
// when unset.
const DefaultMaxEjectionPercent = 10

func failoverRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "failover-unknown-region", Severity: SeverityError,
			Summary: "a DestinationRule fails over to or from a region the topology does not have",
			Help: "Istio gives the endpoints of a localityLbSetting.failover target the next priority after the local region and every other region the " +
				"last; a target that does not exist leaves the declared failover path empty, so traffic reaches the real DR region only as a last resort. " +
				"A `from` that is not a region never applies."},
			checkFailoverRegions},
		ruleFunc{RuleMeta{ID: "failover-needs-outlier-detection", Severity: SeverityError,
			Summary: "locality failover without outlier detection",
			Help:    "Envoy only moves traffic to another locality when endpoints are ejected; Istio's locality failover needs outlierDetection in the same traffic policy."},
			checkFailoverOutlier},
		ruleFunc{RuleMeta{ID: "outlier-max-ejection", Severity: SeverityWarning,
			Summary: "outlier detection may not eject a whole zone's endpoints",
			Help: "When a zone fails, its share of a region's endpoints fails at once. Envoy stops ejecting at maxEjectionPercent (Istio default 10%): " +
				"endpoints beyond it keep receiving traffic (and failing) until Kubernetes removes them from the endpoints, about a node-monitor-grace-period later."},
			checkMaxEjection},
	}
}

// destinationRule is a DestinationRule with its traffic policies.
type destinationRule struct {
	obj *fixtures.Object
	dr  *istionetv1beta1.DestinationRule
}

func (in *Input) destinationRules() []destinationRule {
	var out []destinationRule
	for _, o := range in.Platform.ByGroupKind(fixtures.DestinationRuleGK) {
		if dr, ok := o.Object.(*istionetv1beta1.DestinationRule); ok {
			out = append(out, destinationRule{obj: o, dr: dr})
		}
	}
	return out
}

// policies returns the rule's traffic policies with their field paths.
func (d destinationRule) policies() map[string]*networking.TrafficPolicy {
	out := map[string]*networking.TrafficPolicy{}
	if tp := d.dr.Spec.GetTrafficPolicy(); tp != nil {
		out["spec.trafficPolicy"] = tp
	}
	for i, s := range d.dr.Spec.GetSubsets() {
		if tp := s.GetTrafficPolicy(); tp != nil {
			out[fmt.Sprintf("spec.subsets[%d].trafficPolicy", i)] = tp
		}
	}
	return out
}

func checkFailoverRegions(in *Input) []Finding {
	var out []Finding
	regions := in.Topology.RegionNames()
	known := func(r string) bool { return slices.Contains(regions, r) }
	for _, d := range in.destinationRules() {
		for path, tp := range d.policies() {
			lb := tp.GetLoadBalancer().GetLocalityLbSetting()
			if lb == nil || (lb.GetEnabled() != nil && !lb.GetEnabled().GetValue()) {
				continue
			}
			for i, f := range lb.GetFailover() {
				at := fmt.Sprintf("%s.loadBalancer.localityLbSetting.failover[%d]", path, i)
				if !known(f.GetTo()) {
					out = append(out, Finding{Position: d.obj.At(at + ".to"), Object: d.obj.Ref(),
						Message: fmt.Sprintf("failover from %s goes to %s, which is not a region of topology %s (regions: %s): the declared failover path is empty and traffic reaches another region only at the lowest priority",
							f.GetFrom(), f.GetTo(), in.Topology.Metadata.Name, strings.Join(regions, ", ")),
						Fix: fmt.Sprintf("fail over to a region that exists: %s", suggestTarget(in, f.GetFrom()))})
				}
				if !known(f.GetFrom()) {
					out = append(out, Finding{Severity: SeverityWarning, Position: d.obj.At(at + ".from"), Object: d.obj.Ref(),
						Message: fmt.Sprintf("failover from %s never applies: it is not a region of topology %s (regions: %s)", f.GetFrom(), in.Topology.Metadata.Name, strings.Join(regions, ", ")),
						Fix:     "name a region of the topology"})
				}
			}
		}
	}
	return out
}

// suggestTarget names the regions other than from, DR regions first.
func suggestTarget(in *Input, from string) string {
	var dr, other []string
	for _, r := range in.Topology.Regions {
		switch {
		case r.Name == from:
		case r.Role == "dr":
			dr = append(dr, r.Name)
		default:
			other = append(other, r.Name)
		}
	}
	return strings.Join(append(dr, other...), " or ")
}

func checkFailoverOutlier(in *Input) []Finding {
	var out []Finding
	for _, d := range in.destinationRules() {
		for path, tp := range d.policies() {
			lb := tp.GetLoadBalancer().GetLocalityLbSetting()
			if lb == nil || (len(lb.GetFailover()) == 0 && len(lb.GetFailoverPriority()) == 0) || tp.GetOutlierDetection() != nil {
				continue
			}
			out = append(out, Finding{Position: d.obj.At(path + ".loadBalancer.localityLbSetting"), Object: d.obj.Ref(),
				Message: "locality failover is configured without outlierDetection: Envoy never ejects the failed endpoints, so traffic never moves to the failover locality",
				Fix:     "add outlierDetection (e.g. consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s) to the same trafficPolicy"})
		}
	}
	return out
}

func checkMaxEjection(in *Input) []Finding {
	var out []Finding
	for _, d := range in.destinationRules() {
		workloads := in.workloadsForHost(d)
		for path, tp := range d.policies() {
			od := tp.GetOutlierDetection()
			if od == nil {
				continue
			}
			pct := int(od.GetMaxEjectionPercent())
			if pct == 0 {
				pct = DefaultMaxEjectionPercent
			}
			for _, w := range workloads {
				for _, r := range in.Topology.Regions {
					m := newRegionModel(in.Topology, r.Name, w)
					st := m.steady()
					total, worst := st.total(), 0
					for _, c := range st.counts {
						worst = max(worst, c)
					}
					if total == 0 || len(m.zones) < 2 {
						continue
					}
					ejectable := pct * total / 100
					if ejectable >= worst {
						continue
					}
					out = append(out, Finding{Position: d.obj.At(path + ".outlierDetection.maxEjectionPercent"), Object: d.obj.Ref(),
						Message: fmt.Sprintf("a zone of %s holds %d of %s's %d endpoints (%d%%), but maxEjectionPercent %d lets outlier detection eject only %d: when the zone fails, %s receiving traffic until Kubernetes removes them",
							r.Name, worst, w.dep.Name, total, 100*worst/total, pct, ejectable, keeps(worst-ejectable)),
						Fix: fmt.Sprintf("set maxEjectionPercent to at least %d", ceilDiv(100*worst, total))})
					break
				}
			}
		}
	}
	return out
}

// workloadsForHost returns the Deployments a DestinationRule's host reaches
// through the Services it names (fixtures.MatchHost: short name, FQDN,
// wildcard, or name.namespace as DNS resolves it). A Service without a
// namespace is taken to be beside the rule (service-selector reports it).
func (in *Input) workloadsForHost(d destinationRule) []*workload {
	host := d.dr.Spec.GetHost()
	var out []*workload
	for _, s := range in.services() {
		for _, ns := range serviceNamespaces(s, d) {
			if fixtures.MatchHost(host, effectiveNamespace(d.dr.Namespace), s.svc.Name, ns) == fixtures.HostNoMatch {
				continue
			}
			for _, w := range in.workloads {
				if w.ns == ns && selectsPods(s.svc.Spec.Selector, w) && !slices.Contains(out, w) {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// keeps says how many dead endpoints keep receiving traffic.
func keeps(n int) string {
	if n == 1 {
		return "1 dead endpoint keeps"
	}
	return fmt.Sprintf("%d dead endpoints keep", n)
}
