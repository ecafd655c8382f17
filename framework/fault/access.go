package fault

import (
	"fmt"
	"slices"

	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/preflight"
)

// Needs is what carrying out some faults on a cluster gameday does not own
// takes: API permissions, Chaos Mesh kinds, and chaos-daemon on the nodes.
type Needs struct {
	Access      []preflight.Access
	ChaosKinds  []chaosmesh.Kind
	ChaosDaemon bool
	// Refused lists the kinds that cannot be carried out there, with why.
	Refused []string
}

// MeasureAccess is what every drill reads to measure (pods, Deployments,
// PodDisruptionBudgets, events and nodes): read-only.
func MeasureAccess(ns string) []preflight.Access {
	var out []preflight.Access
	for _, r := range []struct{ group, resource, ns string }{
		{"", "pods", ns}, {"apps", "deployments", ns}, {"apps", "replicasets", ns}, {"policy", "poddisruptionbudgets", ns},
		{"", "events", ns}, {"", "services", ns}, {"", "nodes", ""}, {"", "namespaces", ""},
	} {
		for _, v := range []string{"get", "list", "watch"} {
			if r.resource == "namespaces" && v != "get" {
				continue
			}
			out = append(out, preflight.Access{Verb: v, Group: r.group, Resource: r.resource, Namespace: r.ns, Why: "measurements: read " + r.resource})
		}
	}
	return out
}

// NeedsFor is what the kinds need on a cluster gameday does not own, in
// namespace ns (t.ChaosMesh set): the Chaos Mesh object each applies and the
// verbs to create, follow and delete it, or a drain's cordon and evictions.
func NeedsFor(kinds []Kind, ns string, t *Target) Needs {
	var n Needs
	for _, k := range kinds {
		d, err := Lookup(k)
		if err != nil {
			n.Refused = append(n.Refused, err.Error())
			continue
		}
		switch impl := implFor(t, d).(type) {
		case refused:
			n.Refused = append(n.Refused, fmt.Sprintf("%s: %s", k, impl.why))
		case chaosImpl:
			kind := chaosKindOf(k)
			if !slices.Contains(n.ChaosKinds, kind) {
				n.ChaosKinds = append(n.ChaosKinds, kind)
			}
			n.ChaosDaemon = n.ChaosDaemon || impl.daemon
			res := chaosResource(kind)
			for _, v := range []string{"create", "get", "list", "watch", "delete", "patch"} {
				n.Access = append(n.Access, preflight.Access{Verb: v, Group: chaosmesh.Group.Group, Resource: res, Namespace: ns,
					Why: fmt.Sprintf("%s: %s the %s", k, v, kind)})
			}
		default:
			if k == Drain {
				n.Access = append(n.Access,
					preflight.Access{Verb: "patch", Resource: "nodes", Why: "drain: cordon and uncordon nodes"},
					preflight.Access{Verb: "create", Resource: "pods", Subresource: "eviction", Namespace: ns, Why: "drain: evict pods (the PodDisruptionBudget decides)"})
			}
		}
	}
	return n
}

// chaosKindOf is the Chaos Mesh kind a fault kind's description uses.
func chaosKindOf(k Kind) chaosmesh.Kind {
	p := &Plan{ID: "x", Spec: Spec{Kind: k}}
	if _, ref, err := chaosObject(p, Selector{Namespace: "x"}); err == nil {
		return ref.Kind
	}
	return ""
}

// chaosResource is a Chaos Mesh kind's resource name (podchaos).
func chaosResource(k chaosmesh.Kind) string {
	gvr, err := k.Resource()
	if err != nil {
		return string(k)
	}
	return gvr.Resource
}
