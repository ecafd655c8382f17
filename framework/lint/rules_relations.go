package lint

import (
	"gameday.io/gameday/fixtures"
)

func relationRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "port-name", Severity: SeverityError,
			Summary: "a Service targetPort or a probe port names no port of the container",
			Help: "The endpoints controller resolves a named targetPort among the pod's container ports (name and protocol); when none has it the pod is not an " +
				"endpoint of the Service. The kubelet resolves a probe's named port among its own container's ports; when it is missing the probe fails and the pod " +
				"never becomes Ready (or, for liveness, restarts)."},
			checkRelations(fixtures.RelationPort)},
		ruleFunc{RuleMeta{ID: "pdb-overlap", Severity: SeverityError,
			Summary: "a pod is covered by more than one PodDisruptionBudget",
			Help:    "The Eviction API refuses to evict a pod that more than one PodDisruptionBudget selects (HTTP 500): node drains and upgrades stop at these pods."},
			checkRelations(fixtures.RelationOverlap)},
	}
}

// checkRelations turns the platform's failed relations of one kind into
// findings at the field at fault. Budgets that do not parse are reported as
// invalid-value.
func checkRelations(kinds ...fixtures.RelationKind) func(in *Input) []Finding {
	return func(in *Input) []Finding {
		var out []Finding
		for _, e := range in.relationErrors() {
			for _, k := range kinds {
				if e.Kind == k {
					out = append(out, Finding{Position: e.Position(), Object: e.Object.Ref(), Message: e.Msg, Fix: relationFix(k)})
				}
			}
		}
		return out
	}
}

func checkBudgetValues(in *Input) []Finding {
	var out []Finding
	for _, e := range in.relationErrors() {
		if e.Kind == fixtures.RelationBudget {
			out = append(out, Finding{Rule: "invalid-value", Severity: SeverityError, Position: e.Position(), Object: e.Object.Ref(), Message: e.Msg,
				Fix: "write an integer or a percentage (\"25%\"), and only one of minAvailable and maxUnavailable"})
		}
	}
	return out
}

func relationFix(k fixtures.RelationKind) string {
	switch k {
	case fixtures.RelationPort:
		return "name a port the container declares (containers[].ports[].name), or use the port number"
	case fixtures.RelationOverlap:
		return "let exactly one PodDisruptionBudget select each pod"
	}
	return "make the objects refer to each other"
}

// relationErrors are the platform's failed relations, computed once.
func (in *Input) relationErrors() []*fixtures.RelationError {
	if !in.relationsDone {
		in.relations = in.Platform.CheckRelations()
		in.relationsDone = true
	}
	return in.relations
}
