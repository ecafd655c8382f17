package lint

import (
	"fmt"
)

func capacityRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "spread-zone-loss", Severity: SeverityError,
			Summary: "a DoNotSchedule zone spread constraint keeps replacements Pending after a zone loss",
			Help: "When a zone fails its Node objects stay registered (NotReady, tainted node.kubernetes.io/unreachable). kube-scheduler's PodTopologySpread " +
				"counts a zone as a domain when its nodes pass the constraint's nodeAffinityPolicy and nodeTaintsPolicy; nodeTaintsPolicy defaults to Ignore, so " +
				"the failed zone stays a domain with 0 pods (terminating pods are not counted). With whenUnsatisfiable: DoNotSchedule a surviving zone may then " +
				"hold at most maxSkew pods, and the replacements stay Pending until the zone returns. (If the Node objects were deleted instead, the zone would " +
				"stop being a domain and the pods would schedule.) nodeTaintsPolicy: Honor or ScheduleAnyway lets capacity recover."},
			checkSpreadZoneLoss},
		ruleFunc{RuleMeta{ID: "capacity-zone-loss", Severity: SeverityError,
			Summary: "the surviving zones lack GPU capacity for every replica (N-1 zone headroom)",
			Help: "Sums, per zone of each topology region, how many pods of the workload's shape fit (GPUs, CPU and memory requests, pods per node, one pod " +
				"per node under required hostname anti-affinity) and checks that the region still fits every replica after losing its largest zone."},
			checkCapacityZoneLoss},
		ruleFunc{RuleMeta{ID: "capacity-dr-runbook", Severity: SeverityError,
			Summary: "the DR region cannot run the replicas the runbook scales to",
			Help: "Reads `kubectl scale deployment NAME --replicas=N` from runbook ConfigMaps and places N pods of that Deployment in the target region " +
				"(the region the --context names, else the topology's DR regions), with its spread constraints and the region's capacity."},
			checkDRRunbook},
	}
}

func checkSpreadZoneLoss(in *Input) []Finding {
	var out []Finding
	for _, w := range in.workloads {
		c := w.hardSpread()
		if c == nil {
			continue
		}
		var notes regionNotes
		for _, r := range in.Topology.Regions {
			m := newRegionModel(in.Topology, r.Name, w)
			l, ok := m.worstZoneLoss()
			if !ok || l.recovered >= l.capacityOnly || l.recovered >= w.replicas {
				continue
			}
			notes.add(r.Name, fmt.Sprintf("in %s, after zone %s fails (%s before), its nodes stay registered, NotReady and tainted, and with nodeTaintsPolicy Ignore (the default) "+
				"it still counts as a domain with 0 pods, so maxSkew %d caps every other zone at %s: %s stay Pending and the region runs %d of %d replicas until the zone returns",
				l.region, l.zone, perZone(m.zones, l.before), c.maxSkew, plural(c.maxSkew, "pod"), plural(l.capacityOnly-l.recovered, "replacement"), l.recovered, w.replicas))
		}
		if !notes.empty() {
			out = append(out, Finding{Position: w.obj.At(c.path() + ".whenUnsatisfiable"), Object: w.obj.Ref(),
				Message: notes.String(),
				Fix: "add nodeTaintsPolicy: Honor to the constraint (tainted NotReady or cordoned nodes stop counting as a domain, so spreading stays hard among healthy zones), " +
					"or set whenUnsatisfiable: ScheduleAnyway; keep per-zone GPU headroom for the moved pods"})
		}
	}
	return out
}

func checkCapacityZoneLoss(in *Input) []Finding {
	var out []Finding
	for _, w := range in.workloads {
		var notes regionNotes
		for _, r := range in.Topology.Regions {
			m := newRegionModel(in.Topology, r.Name, w)
			if placed := m.steady().total(); placed < w.replicas {
				notes.add(r.Name, fmt.Sprintf("%s fits only %d of %d pods (%s) even with every zone up (per zone: %s)",
					r.Name, placed, w.replicas, w.shape.describe(), perZone(m.zones, m.capacity)))
				continue
			}
			if l, ok := m.worstZoneLoss(); ok && l.capacityOnly < w.replicas {
				notes.add(r.Name, fmt.Sprintf("after losing zone %s, %s's other zones fit only %d of %d pods (%s; per zone: %s)",
					l.zone, r.Name, l.capacityOnly, w.replicas, w.shape.describe(), perZone(m.zones, m.capacity)))
			}
		}
		if !notes.empty() {
			out = append(out, Finding{Position: w.obj.At("spec.replicas"), Object: w.obj.Ref(),
				Message: notes.String(),
				Fix:     "add GPU nodes so that every zone but the largest can hold all replicas, or relax required anti-affinity"})
		}
	}
	return out
}

func checkDRRunbook(in *Input) []Finding {
	var out []Finding
	for _, s := range runbookScales(in.Platform) {
		w := in.workloadNamed(s.deployment, s.namespace)
		if w == nil {
			out = append(out, Finding{Severity: SeverityWarning, Position: s.pos, Object: s.obj.Ref(),
				Message: fmt.Sprintf("the runbook scales deployment %s, which these manifests do not define", s.deployment),
				Fix:     "scale the Deployment the platform defines (name and namespace)"})
			continue
		}
		scaled := *w
		scaled.replicas = s.replicas
		for _, region := range in.targetRegions(s.context) {
			m := newRegionModel(in.Topology, region, &scaled)
			st := m.steady()
			if placed := st.total(); placed < s.replicas {
				out = append(out, Finding{Position: s.pos, Object: s.obj.Ref(),
					Message: fmt.Sprintf("the runbook scales %s to %d replicas in %s (context %q), but only %d fit there (%s; capacity per zone: %s)",
						s.deployment, s.replicas, region, s.context, placed, w.shape.describe(), perZone(m.zones, m.capacity)),
					Fix: "add GPU nodes to the DR region or scale to what it can run"})
			}
		}
	}
	return out
}

// workloadNamed finds a Deployment by name, and by namespace when ns is set.
func (in *Input) workloadNamed(name, ns string) *workload {
	for _, w := range in.workloads {
		if w.dep.Name == name && (ns == "" || w.ns == ns) {
			return w
		}
	}
	return nil
}
