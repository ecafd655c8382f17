package lint

import (
	"fmt"
	"slices"
	"strings"

	networking "istio.io/api/networking/v1alpha3"

	"gameday.io/gameday/framework"
)

func failoverGraphRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "failover-same-region", Severity: SeverityError,
			Summary: "a failover rule sends a region's traffic to itself",
			Help: "Istio's validation rejects a localityLbSetting whose failover has from equal to to (\"locality lb failover settings must specify different regions\"), " +
				"so the DestinationRule is not applied at all: no outlier detection, no failover."},
			checkFailoverSame},
		ruleFunc{RuleMeta{ID: "failover-duplicate-source", Severity: SeverityWarning,
			Summary: "two failover rules for the same source region",
			Help: "For a client in region R, Istio gives the failover priority to the target of the first rule whose from is R and ignores the later ones " +
				"(pilot's applyLocalityFailover stops at the first match). gameday's global load balancer refuses such rules."},
			checkFailoverDuplicate},
		ruleFunc{RuleMeta{ID: "failover-no-path", Severity: SeverityWarning,
			Summary: "a region has no failover rule",
			Help: "A region with no rule of its own gives, when its endpoints are ejected, every other region the same lowest priority: its traffic spreads over all of them " +
				"instead of going to a chosen one. With two regions that is the other region anyway (info); with more it is a warning."},
			checkFailoverNoPath},
		ruleFunc{RuleMeta{ID: "failover-cycle", Severity: SeverityWarning,
			Summary: "failover rules form a cycle that leaves the DR region out, or never name it",
			Help: "Istio follows one failover hop: a client's region, then its rule's target, then every other region at the lowest priority. Regions failing over to each other " +
				"(A → B, B → A) is the usual mutual failover and is fine when the cycle includes the disaster-recovery region. When no rule names a region of role dr " +
				"(for example A → B → A with the DR region C outside), traffic reaches the DR region only as a last resort, together with every other region."},
			checkFailoverCycle},
	}
}

// failoverPolicy is one traffic policy with locality failover.
type failoverPolicy struct {
	d     destinationRule
	path  string // of the failover list
	rules []*networking.LocalityLoadBalancerSetting_Failover
}

func (in *Input) failoverPolicies() []failoverPolicy {
	var out []failoverPolicy
	for _, d := range in.destinationRules() {
		for path, tp := range d.policies() {
			lb := tp.GetLoadBalancer().GetLocalityLbSetting()
			if lb == nil || (lb.GetEnabled() != nil && !lb.GetEnabled().GetValue()) || len(lb.GetFailover()) == 0 {
				continue
			}
			out = append(out, failoverPolicy{d: d, path: path + ".loadBalancer.localityLbSetting.failover", rules: lb.GetFailover()})
		}
	}
	slices.SortFunc(out, func(a, b failoverPolicy) int {
		return strings.Compare(a.d.obj.Source.String()+a.path, b.d.obj.Source.String()+b.path)
	})
	return out
}

func (f failoverPolicy) at(i int, field string) string {
	return fmt.Sprintf("%s[%d].%s", f.path, i, field)
}

// graph returns, per source region, the target of its first rule (Istio's
// choice), and whether some rule names a region outside the topology.
func (f failoverPolicy) graph(regions []string) (next map[string]string, unknown bool) {
	next = map[string]string{}
	for _, r := range f.rules {
		if !slices.Contains(regions, r.GetTo()) || !slices.Contains(regions, r.GetFrom()) {
			unknown = true
		}
		if _, ok := next[r.GetFrom()]; !ok && r.GetFrom() != r.GetTo() {
			next[r.GetFrom()] = r.GetTo()
		}
	}
	return next, unknown
}

func checkFailoverSame(in *Input) []Finding {
	var out []Finding
	for _, f := range in.failoverPolicies() {
		for i, r := range f.rules {
			if r.GetFrom() == r.GetTo() {
				out = append(out, Finding{Position: f.d.obj.At(f.at(i, "to")), Object: f.d.obj.Ref(),
					Message: fmt.Sprintf("failover from %s goes to %s itself: Istio rejects the DestinationRule, so none of its traffic policy (outlier detection, failover) applies", r.GetFrom(), r.GetTo()),
					Fix:     fmt.Sprintf("fail over to another region: %s", suggestTarget(in, r.GetFrom()))})
			}
		}
	}
	return out
}

func checkFailoverDuplicate(in *Input) []Finding {
	var out []Finding
	for _, f := range in.failoverPolicies() {
		first := map[string]int{}
		for i, r := range f.rules {
			j, seen := first[r.GetFrom()]
			if !seen {
				first[r.GetFrom()] = i
				continue
			}
			out = append(out, Finding{Position: f.d.obj.At(f.at(i, "from")), Object: f.d.obj.Ref(),
				Message: fmt.Sprintf("a second failover rule for %s (to %s) never applies: Istio uses the first, failover[%d] (to %s); gameday's global load balancer refuses the pair",
					r.GetFrom(), r.GetTo(), j, f.rules[j].GetTo()),
				Fix: "keep one rule per source region"})
		}
	}
	return out
}

func checkFailoverNoPath(in *Input) []Finding {
	var out []Finding
	regions := in.Topology.RegionNames()
	if len(regions) < 2 {
		return nil
	}
	for _, f := range in.failoverPolicies() {
		next, _ := f.graph(regions)
		for _, r := range regions {
			if _, ok := next[r]; ok || slices.ContainsFunc(f.rules, func(x *networking.LocalityLoadBalancerSetting_Failover) bool { return x.GetFrom() == r }) {
				continue // has a rule (a broken one is reported by its own rule)
			}
			sev, what := SeverityWarning, "its traffic spreads over "+strings.Join(without(regions, r), ", ")+" at the same lowest priority instead of going to a chosen region"
			if len(regions) == 2 {
				sev, what = SeverityInfo, "its traffic still reaches "+without(regions, r)[0]+", the only other region, but only as Istio's last resort"
			}
			out = append(out, Finding{Severity: sev, Position: f.d.obj.At(f.path), Object: f.d.obj.Ref(),
				Message: fmt.Sprintf("region %s of topology %s has no failover rule: when its endpoints are ejected, %s", r, in.Topology.Metadata.Name, what),
				Fix:     fmt.Sprintf("add `- from: %s` `to: %s`", r, firstWord(suggestTarget(in, r)))})
		}
	}
	return out
}

func checkFailoverCycle(in *Input) []Finding {
	var out []Finding
	regions := in.Topology.RegionNames()
	for _, f := range in.failoverPolicies() {
		next, unknown := f.graph(regions)
		if unknown {
			continue // failover-unknown-region says where the path breaks
		}
		targets := map[string]bool{}
		for _, to := range next {
			targets[to] = true
		}
		for _, r := range in.Topology.Regions {
			if r.Role != framework.RoleDR || targets[r.Name] {
				continue
			}
			why := "no failover rule names it"
			if c := cycleWithout(next, r.Name); len(c) > 0 {
				why = fmt.Sprintf("the rules form a cycle without it (%s)", strings.Join(append(c, c[0]), " → "))
			}
			out = append(out, Finding{Position: f.d.obj.At(f.path), Object: f.d.obj.Ref(),
				Message: fmt.Sprintf("the DR region %s is never a failover target: %s, so traffic reaches it only at Istio's lowest priority, together with every other region", r.Name, why),
				Fix:     fmt.Sprintf("fail the primary region over to %s", r.Name)})
		}
	}
	return out
}

// cycleWithout returns a cycle of the failover graph (each region has at most
// one target) that does not contain region, in order from its smallest name.
func cycleWithout(next map[string]string, region string) []string {
	starts := make([]string, 0, len(next))
	for k := range next {
		starts = append(starts, k)
	}
	slices.Sort(starts)
	for _, s := range starts {
		seen := map[string]int{}
		var path []string
		for cur := s; ; cur = next[cur] {
			if i, ok := seen[cur]; ok {
				c := path[i:]
				if slices.Contains(c, region) {
					break
				}
				m := slices.Index(c, slices.Min(c))
				return append(append([]string(nil), c[m:]...), c[:m]...)
			}
			if _, ok := next[cur]; !ok {
				break
			}
			seen[cur] = len(path)
			path = append(path, cur)
		}
	}
	return nil
}

func without(list []string, x string) []string {
	var out []string
	for _, s := range list {
		if s != x {
			out = append(out, s)
		}
	}
	return out
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}
