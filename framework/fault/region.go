package fault

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster/sim"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/storage"
)

// regionOutage takes a whole region down: its nodes and servers, gateway,
// model storage and control plane.
type regionOutage struct{}

func (regionOutage) plan(ctx context.Context, t *Target, p *Plan) error {
	if t.Agent == nil {
		return fmt.Errorf("region-outage needs the environment's data plane: %w", framework.ErrInvalid)
	}
	if _, err := planNodes(ctx, t, p); err != nil {
		return err
	}
	r, err := t.Env.Region(p.Spec.Region)
	if err != nil {
		return err
	}
	p.ControlPlane = r.Cluster
	p.AgentFaults = []string{p.ID + "-gateway", p.ID + "-storage", p.ID + "-control-plane"}
	p.Steps = []string{
		fmt.Sprintf("stop the heartbeats of all %d nodes of %s; its %d inference servers die at once", len(p.Nodes), p.Spec.Region, len(p.Pods)),
		fmt.Sprintf("take the %s gateway down: connections refused; the global load balancer sees its health checks fail", p.Spec.Region),
		fmt.Sprintf("make %s's model storage and cache fail (cache-error)", p.Spec.Region),
		fmt.Sprintf("stop %s's control plane (%s): its API is unreachable", p.Spec.Region, r.Cluster),
	}
	p.Revert = "start the control plane, release the nodes, bring the gateway and storage back"
	return nil
}

func (regionOutage) inject(ctx context.Context, t *Target, p *Plan, until time.Time, res *Result) error {
	if err := (nodeFault{}).inject(ctx, t, p, until, res); err != nil {
		return err
	}
	r := []string{p.Spec.Region}
	for i, f := range []dataplane.FaultSpec{
		{Kind: dataplane.FaultGateway, Regions: r, Until: until},
		{Kind: dataplane.FaultStorage, Regions: r, Mode: storage.FaultCacheError, Until: until},
		{Kind: dataplane.FaultControlPlane, Regions: r, Until: until},
	} {
		if err := t.Agent.Inject(ctx, p.AgentFaults[i], f); err != nil {
			return err
		}
	}
	return nil
}

func (regionOutage) revert(ctx context.Context, t *Target, p *Plan) error {
	// The control plane first: the nodes are released through its API.
	if err := revertAgent(ctx, t, p.AgentFaults[2]); err != nil {
		return err
	}
	c, err := t.client(p.Spec.Region)
	if err != nil {
		return err
	}
	err = wait.PollUntilContextTimeout(ctx, t.Timeouts.Poll, t.Timeouts.ClusterCreate, true, func(ctx context.Context) (bool, error) {
		_, err := c.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err == nil, nil
	})
	if err != nil {
		return fmt.Errorf("control plane of %s not ready after %s: %w", p.Spec.Region, t.Timeouts.ClusterCreate, err)
	}
	if err := forNodes(p.Nodes, func(region, node string) error {
		cl, err := t.client(region)
		if err != nil {
			return err
		}
		return sim.StartNode(ctx, cl, node)
	}); err != nil {
		return err
	}
	return revertAgent(ctx, t, p.AgentFaults[:2]...)
}
