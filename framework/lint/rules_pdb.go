package lint

import (
	"fmt"
	"strings"

	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"gameday.io/gameday/fixtures"
)

func pdbRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "pdb-no-disruption", Severity: SeverityError,
			Summary: "PodDisruptionBudget allows no eviction even with every replica healthy",
			Help:    "minAvailable >= replicas (or maxUnavailable 0) leaves disruptionsAllowed at 0: every node drain and cluster upgrade hangs on HTTP 429."},
			checkPDBNoDisruption},
		ruleFunc{RuleMeta{ID: "pdb-zone-loss", Severity: SeverityError,
			Summary: "after losing one zone the PodDisruptionBudget's minimum cannot be met",
			Help: "Places the replicas as the scheduler would (spread constraints, GPU capacity per zone from the topology), removes the zone holding the most, " +
				"and reschedules the lost pods. Error when even after rescheduling fewer than the PDB's minimum can run (the budget stays exhausted and every voluntary " +
				"eviction in the region is refused until the zone returns); warning when the minimum is missed only until replacements are Ready."},
			checkPDBZoneLoss},
		ruleFunc{RuleMeta{ID: "pdb-zone-drain", Severity: SeverityError,
			Summary: "a zone cannot be drained through the Eviction API",
			Help: "Cordons a zone and evicts its pods one at a time while the PDB allows, scheduling each replacement as the scheduler would. Error when the PDB " +
				"refuses an eviction (HTTP 429) before the zone is empty because replacements cannot schedule, e.g. a DoNotSchedule spread constraint still counting the cordoned zone."},
			checkPDBZoneDrain},
	}
}

// budget is a PDB that covers a workload.
type budget struct {
	obj *fixtures.Object
	pdb *policyv1.PodDisruptionBudget
}

// path is the field that sets the budget.
func (b budget) path() string {
	if b.pdb.Spec.MaxUnavailable != nil {
		return "spec.maxUnavailable"
	}
	return "spec.minAvailable"
}

// describe says what the budget asks of replicas pods: "minAvailable 4",
// "maxUnavailable 1: at least 5 of 6 Ready".
func (b budget) describe(replicas int) string {
	if v := b.pdb.Spec.MinAvailable; v != nil && b.pdb.Spec.MaxUnavailable == nil && v.Type == intstr.Int {
		return "minAvailable " + v.String()
	}
	if b.pdb.Spec.MinAvailable == nil && b.pdb.Spec.MaxUnavailable == nil {
		return "no minAvailable or maxUnavailable"
	}
	return fmt.Sprintf("%s: at least %d of %d Ready", b.field(), b.desiredHealthy(replicas), replicas)
}

// below names the minimum a count falls short of: "minAvailable 4", "the 5
// Ready that maxUnavailable 1 requires".
func (b budget) below(replicas int) string {
	if v := b.pdb.Spec.MinAvailable; v != nil && b.pdb.Spec.MaxUnavailable == nil && v.Type == intstr.Int {
		return "minAvailable " + v.String()
	}
	return fmt.Sprintf("the %d Ready that %s requires", b.desiredHealthy(replicas), b.field())
}

// field renders the field that sets the budget and its value.
func (b budget) field() string {
	if v := b.pdb.Spec.MaxUnavailable; v != nil {
		return "maxUnavailable " + v.String()
	}
	if v := b.pdb.Spec.MinAvailable; v != nil {
		return "minAvailable " + v.String()
	}
	return "no minAvailable or maxUnavailable"
}

// desiredHealthy is the disruption controller's minimum of healthy pods for
// expected pods (fixtures.MinReady). A value the API server would reject
// counts as allowing no disruption (invalid-value reports it).
func (b budget) desiredHealthy(expected int) int {
	n, err := fixtures.MinReady(b.pdb, expected)
	if err != nil {
		return expected
	}
	return n
}

// budgetsFor returns the PDBs whose selector matches the workload's pods in
// its namespace.
func (in *Input) budgetsFor(w *workload) []budget {
	var out []budget
	for _, o := range in.Platform.Objects {
		p, ok := o.Object.(*policyv1.PodDisruptionBudget)
		if ok && effectiveNamespace(p.Namespace) == w.ns && selects(p.Spec.Selector, labels.Set(w.dep.Spec.Template.Labels)) {
			out = append(out, budget{obj: o, pdb: p})
		}
	}
	return out
}

func checkPDBNoDisruption(in *Input) []Finding {
	var out []Finding
	for _, w := range in.workloads {
		for _, b := range in.budgetsFor(w) {
			if w.replicas > 0 && b.desiredHealthy(w.replicas) >= w.replicas {
				out = append(out, Finding{
					Position: b.obj.At(b.path()), Object: b.obj.Ref(),
					Message: fmt.Sprintf("%s with %d replicas of %s allows no voluntary disruption even when all are healthy: node drains and upgrades hang",
						b.field(), w.replicas, w.dep.Name),
					Fix: noDisruptionFix(b, w.replicas),
				})
			}
		}
	}
	return out
}

func checkPDBZoneLoss(in *Input) []Finding {
	var out []Finding
	for _, w := range in.workloads {
		for _, b := range in.budgetsFor(w) {
			need := b.desiredHealthy(w.replicas)
			var errs, warns regionNotes
			var zones int
			for _, r := range in.Topology.Regions {
				m := newRegionModel(in.Topology, r.Name, w)
				l, ok := m.worstZoneLoss()
				if !ok {
					continue
				}
				zones = len(m.zones)
				switch {
				case l.recovered < need:
					errs.add(r.Name, fmt.Sprintf("in %s, losing zone %s takes %d of %d replicas (%s) and only %d can run again (%s), below %s",
						l.region, l.zone, l.lost, w.replicas, perZone(m.zones, l.before), l.recovered, l.why(w), b.below(w.replicas)))
				case l.immediate < need:
					warns.add(r.Name, fmt.Sprintf("in %s, losing zone %s leaves %d of %d replicas, below %s, until %d replacements are scheduled and Ready",
						l.region, l.zone, l.immediate, w.replicas, b.below(w.replicas), l.recovered-l.immediate))
				}
			}
			fix := pdbFix(b, w.replicas, need, zones)
			if !errs.empty() {
				fix += "; and let replacements schedule in the surviving zones (rule spread-zone-loss)"
				out = append(out, Finding{Severity: SeverityError, Position: b.obj.At(b.path()), Object: b.obj.Ref(), Fix: fix,
					Message: errs.String() + ": the budget stays exhausted, so every voluntary eviction of these pods is refused (HTTP 429) until the zone returns"})
			} else if !warns.empty() {
				out = append(out, Finding{Severity: SeverityWarning, Position: b.obj.At(b.path()), Object: b.obj.Ref(), Fix: fix,
					Message: warns.String()})
			}
		}
	}
	return out
}

// pdbFix suggests replicas or a budget that survive losing one of zones.
func pdbFix(b budget, replicas, need, zones int) string {
	if zones < 2 {
		return "spread the replicas over more than one zone"
	}
	// The smallest r with r - ceil(r/zones) >= need is ceil(need*zones/(zones-1)).
	r := int(ceilDiv64(int64(need)*int64(zones), int64(zones-1)))
	share := ceilDiv(replicas, zones) // the most one zone holds
	if v := b.pdb.Spec.MaxUnavailable; v != nil {
		// More replicas do not help: a zone's share grows with them.
		want := fmt.Sprintf("maxUnavailable %d", share)
		if v.Type == intstr.String {
			want = fmt.Sprintf("maxUnavailable %d%%", ceilDiv(100, zones))
		}
		return fmt.Sprintf("let the budget absorb a zone: %s (one zone holds up to %d of %d replicas), or spread over more zones", want, share, replicas)
	}
	return fmt.Sprintf("keep the minimum after losing a zone: run at least %d replicas for this minimum of %d (each zone then holds at most %d), "+
		"or lower the minimum to %d for %d replicas",
		r, need, ceilDiv(r, zones), replicas-share, replicas)
}

// noDisruptionFix suggests a budget that allows one eviction.
func noDisruptionFix(b budget, replicas int) string {
	if b.pdb.Spec.MaxUnavailable != nil {
		return "allow at least one disruption: maxUnavailable 1 or more"
	}
	return fmt.Sprintf("allow at least one disruption: minAvailable below %d (or maxUnavailable 1)", replicas)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func ceilDiv64(a, b int64) int64 { return (a + b - 1) / b }

func checkPDBZoneDrain(in *Input) []Finding {
	var out []Finding
	for _, w := range in.workloads {
		for _, b := range in.budgetsFor(w) {
			need := b.desiredHealthy(w.replicas)
			if need >= w.replicas {
				continue // pdb-no-disruption reports it
			}
			var stuck regionNotes
			for _, r := range in.Topology.Regions {
				m := newRegionModel(in.Topology, r.Name, w)
				if len(m.zones) < 2 {
					continue
				}
				for z := range m.zones {
					d := m.drainZone(z, need)
					if d.left == 0 {
						continue
					}
					stuck.add(r.Name, fmt.Sprintf("in %s, draining zone %s (%s) stops after %s: the PDB (%s) refuses the next with HTTP 429 because %s stay Pending (%s), and %s cannot leave the zone",
						d.region, d.zone, perZone(m.zones, d.before), plural(d.evicted, "eviction"), b.describe(w.replicas), plural(d.pending, "replacement"), m.pendingWhy(w, d), plural(d.left, "pod")))
					break // zones of a region behave alike; one is enough
				}
			}
			if !stuck.empty() {
				out = append(out, Finding{Position: b.obj.At(b.path()), Object: b.obj.Ref(),
					Message: stuck.String(),
					Fix:     "let replacements schedule outside a cordoned zone: nodeTaintsPolicy: Honor on the zone spread constraint (cordoned and NotReady nodes then stop counting as a domain) or whenUnsatisfiable: ScheduleAnyway, with GPU headroom in the other zones"})
			}
		}
	}
	return out
}

// pendingWhy says what keeps a drain's replacements Pending.
func (m *regionModel) pendingWhy(w *workload, d zoneDrain) string {
	room := 0
	for z, name := range m.zones {
		if name != d.zone {
			room += m.capacity[z]
		}
	}
	if room >= w.replicas && w.hardSpread() != nil {
		return "the DoNotSchedule zone spread constraint still counts the cordoned zone as a domain"
	}
	return fmt.Sprintf("the other zones fit only %d pods of %s", room, w.shape.describe())
}

// why says what limits recovery after a zone loss.
func (l zoneLoss) why(w *workload) string {
	if l.recovered < l.capacityOnly {
		return fmt.Sprintf("the DoNotSchedule zone spread constraint keeps %d replacements Pending", l.capacityOnly-l.recovered)
	}
	return fmt.Sprintf("the surviving zones fit only %d pods of %s", l.capacityOnly, w.shape.describe())
}

// hardSpread returns the first DoNotSchedule zone constraint, or nil.
func (w *workload) hardSpread() *zoneSpread {
	for i := range w.spread {
		if w.spread[i].hard {
			return &w.spread[i]
		}
	}
	return nil
}

func perZone(zones []string, counts []int) string {
	parts := make([]string, len(zones))
	for i, z := range zones {
		parts[i] = fmt.Sprintf("%s: %d", z, counts[i])
	}
	return strings.Join(parts, ", ")
}
