package preflight

import (
	"context"
	"strings"

	"gameday.io/gameday/framework/chaosmesh"
)

// chaosMesh checks that the CRDs of the planned kinds are established and a
// Chaos Mesh controller runs; it applies only when faults use Chaos Mesh.
func (rr *regionRun) chaosMesh(ctx context.Context) []Check {
	const name = "chaos-mesh"
	if len(rr.ChaosKinds) == 0 {
		return nil
	}
	kinds := joinKinds(rr.ChaosKinds)
	if rr.Dynamic == nil {
		return []Check{rr.fail(name, "no dynamic client for region %s to read Chaos Mesh (%s)", rr.Name, kinds)}
	}
	c, err := chaosmesh.New(rr.Dynamic, chaosmesh.WithControllerNamespaces(rr.cfg.chaosNS...))
	if err != nil {
		return []Check{rr.fail(name, "chaos mesh client: %v", err)}
	}
	if err := c.Installed(ctx, rr.ChaosKinds...); err != nil {
		return []Check{rr.fail(name, "Chaos Mesh not ready for %s: %v: install Chaos Mesh (its Helm chart) with those CRDs, or pass the namespaces its controller runs in",
			kinds, err)}
	}
	return []Check{rr.pass(name, "CRDs of %s established; controller running", kinds)}
}

func joinKinds(kinds []chaosmesh.Kind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
