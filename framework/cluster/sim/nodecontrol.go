package sim

import (
	"context"

	"gameday.io/gameday/framework/cluster"
)

// StopNode implements cluster.NodeController: kwok stops renewing the node's
// lease and status, so the node lifecycle controller marks it NotReady after
// its grace period and the taint manager evicts its pods after their
// tolerations, as when a machine loses power.
func (p *Provider) StopNode(ctx context.Context, kubeconfig, node string) error {
	c, err := cluster.Client(kubeconfig)
	if err != nil {
		return err
	}
	return setNodeAnnotation(ctx, c, node, AnnotationDown)
}

// StartNode implements cluster.NodeController: kwok heartbeats the node again.
func (p *Provider) StartNode(ctx context.Context, kubeconfig, node string) error {
	c, err := cluster.Client(kubeconfig)
	if err != nil {
		return err
	}
	return setNodeAnnotation(ctx, c, node, AnnotationAlive)
}
