package preflight

import (
	"context"

	"k8s.io/client-go/discovery"
)

// reachable asks the API server for its version. When it fails, the
// region's other checks are skipped: they would all fail the same way.
func (rr *regionRun) reachable(ctx context.Context) (Check, bool) {
	at := ""
	if rr.Config != nil && rr.Config.Host != "" {
		at = " at " + rr.Config.Host
	}
	if rr.Client == nil {
		return rr.fail("reachable", "unreachable: region %s has no Kubernetes client: give its kubeconfig context", rr.Name), false
	}
	// The context-aware call, so the region's timeout bounds it.
	v, err := discovery.ToServerVersionInterfaceWithContext(rr.Client.Discovery()).ServerVersionWithContext(ctx)
	if err != nil {
		return rr.fail("reachable", "unreachable: API server%s of region %s: %v: check the kubeconfig context, the network path and credentials", at, rr.Name, err), false
	}
	return rr.pass("reachable", "Kubernetes %s%s", v.GitVersion, at), true
}
