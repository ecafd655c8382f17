package fault

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/topology"
)

func init() {
	Register(Definition{
		Kind: RegionOutage, Help: "a whole region goes down: its nodes, pods, gateway, model storage and control plane (mode black-hole, the default, or refuse)",
		Params: []string{"mode"}, Check: checkLossMode, Impl: regionOutage{},
		DefaultHold: func(t framework.Timeouts) time.Duration {
			return max(t.Scale(300*time.Second), 4*t.HealthCheckInterval*time.Duration(t.HealthCheckThreshold))
		},
	})
}

// regionOutage takes a whole region down: its nodes (through the provider),
// and its gateway, model storage and control plane (through the agent).
type regionOutage struct{}

// The parts of a region outage the data-plane agent carries out, each under
// the fault's ID with its part as suffix.
const (
	partGateway      = "gateway"
	partStorage      = "storage"
	partControlPlane = "control-plane"
)

func agentID(p *Plan, part string) string { return p.ID + "-" + part }

func (regionOutage) Validate(s *Spec, _ *topology.Topology) error {
	defaultLossMode(s)
	return nil
}

func (regionOutage) Plan(ctx context.Context, t *Target, p *Plan) error {
	if t.Agent == nil {
		return fmt.Errorf("region-outage needs the environment's data plane: %w", framework.ErrInvalid)
	}
	if _, ok := t.Provider.(provider.NodeController); !ok {
		return provider.Lacks(t.Provider, provider.AbilityNodes, "a region outage")
	}
	if _, ok := t.Provider.(provider.ControlPlaneController); !ok {
		return provider.Lacks(t.Provider, provider.AbilityControlPlane, "a region outage")
	}
	if _, err := planNodes(ctx, t, p); err != nil {
		return err
	}
	r, err := t.Env.Region(p.Spec.Region)
	if err != nil {
		return err
	}
	p.ControlPlane = r.Cluster
	p.AgentFaults = []string{agentID(p, partGateway), agentID(p, partStorage), agentID(p, partControlPlane)}
	p.Steps = []string{
		fmt.Sprintf("stop all %d nodes of %s; the servers of its %d pods %s", len(p.Nodes), p.Spec.Region, len(p.Pods), lossEffect(p.Spec.Mode)),
		fmt.Sprintf("take the %s gateway down: %s; the global load balancer sees its health checks fail", p.Spec.Region, gatewayEffect(p.Spec.Mode)),
		fmt.Sprintf("make %s's model storage and cache fail (cache-error)", p.Spec.Region),
		fmt.Sprintf("stop %s's control plane (%s): its API is unreachable", p.Spec.Region, r.Cluster),
	}
	p.Revert = "start the control plane, start the nodes, bring the gateway and storage back"
	return nil
}

func (regionOutage) Inject(ctx context.Context, t *Target, p *Plan, until time.Time, _ *Result) error {
	if err := setNodes(ctx, t, p.Nodes, until, false, p.Spec.Mode); err != nil {
		return err
	}
	r := []string{p.Spec.Region}
	for part, f := range map[string]dataplane.FaultSpec{
		partGateway:      {Kind: dataplane.FaultGateway, Regions: r, Until: until, BlackHole: provider.NodeFailMode(p.Spec.Mode) != provider.Refuse},
		partStorage:      {Kind: dataplane.FaultStorage, Regions: r, Mode: storage.FaultCacheError, Until: until},
		partControlPlane: {Kind: dataplane.FaultControlPlane, Regions: r, Until: until},
	} {
		if err := t.Agent.Inject(ctx, agentID(p, part), f); err != nil {
			return err
		}
	}
	return nil
}

func (regionOutage) Revert(ctx context.Context, t *Target, p *Plan) error {
	// The control plane first: the nodes are started through its API.
	if err := revertAgent(ctx, t, agentID(p, partControlPlane)); err != nil {
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
	if err := setNodes(ctx, t, p.Nodes, time.Time{}, true, p.Spec.Mode); err != nil {
		return err
	}
	return revertAgent(ctx, t, agentID(p, partGateway), agentID(p, partStorage))
}

// gatewayEffect says what clients of a region's lost gateway see in a mode.
func gatewayEffect(mode string) string {
	if provider.NodeFailMode(mode) == provider.Refuse {
		return "connections refused (refuse mode)"
	}
	return "connections accepted and never answered (black-hole mode)"
}
