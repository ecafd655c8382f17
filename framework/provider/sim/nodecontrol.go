package sim

import (
	"context"
	"time"

	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/provider/sim/simapi"
)

// StopNode implements provider.NodeController. The node is marked failed
// (simapi.AnnotationNodeState, with the mode in simapi.AnnotationFailMode),
// so the data plane's servers on it go silent at once (frozen: connections
// hang) or, in refuse mode, are killed (connections refused), and its Lease
// is taken over so kwok can no longer renew it: to the control plane the
// machine has gone silent. The node lifecycle
// controller marks it NotReady after its grace period and evicts its pods
// after their tolerations, as when a machine loses power. (kwok decides
// which nodes it manages only when it first sees them, so changing its own
// annotation later would not stop the heartbeats.) The simulated kubelet
// starts the node again at until if nobody else does.
func (p *Provider) StopNode(ctx context.Context, c provider.Cluster, node string, until time.Time, mode provider.NodeFailMode) error {
	cs, err := cluster.Client(c.Kubeconfig)
	if err != nil {
		return err
	}
	return simapi.StopNode(ctx, cs, node, until, string(mode))
}

// StartNode implements provider.NodeController: the Lease is released, kwok
// renews it again and reports the node Ready; the failed mark is removed.
func (p *Provider) StartNode(ctx context.Context, c provider.Cluster, node string) error {
	cs, err := cluster.Client(c.Kubeconfig)
	if err != nil {
		return err
	}
	return simapi.StartNode(ctx, cs, node, p.statusUpdate)
}
