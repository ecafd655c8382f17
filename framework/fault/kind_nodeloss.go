package fault

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

func init() {
	Register(Definition{
		Kind: NodeLoss, Help: "a node dies: it stops heartbeating and its pods stop answering (mode black-hole, the default, or refuse)",
		Params: []string{"node", "mode"}, Check: checkLossMode, Impl: nodeFault{}, DefaultHold: nodeHold,
	})
}

// checkLossMode checks the mode of a node, zone or region loss: black-hole
// (the default: connections hang, as to a machine that lost power or
// network) or refuse (connections are refused at once).
func checkLossMode(s Spec) error {
	switch provider.NodeFailMode(s.Mode) {
	case "", provider.BlackHole, provider.Refuse:
		return nil
	}
	return fmt.Errorf("%s: mode %q: want %s (default) or %s: %w", s.Kind, s.Mode, provider.BlackHole, provider.Refuse, framework.ErrInvalid)
}

// defaultLossMode fills in the default mode of a node, zone or region loss.
func defaultLossMode(s *Spec) {
	if s.Mode == "" {
		s.Mode = string(provider.BlackHole)
	}
}

// lossEffect says what clients of a lost machine's servers see in a mode.
func lossEffect(mode string) string {
	if provider.NodeFailMode(mode) == provider.Refuse {
		return "are killed at once: connections are refused (refuse mode)"
	}
	return "freeze at once: connections are accepted and hang until the caller's timeout, nothing answers (black-hole mode)"
}

// nodeHold is long enough for NotReady (grace plus one monitor period), the
// taint-based eviction and the replacements' probes, with margin: in the
// fast profile capacity is back about 21-22 s after the node is lost. (A
// miss once blamed on a loaded machine was kube-controller-manager never
// tainting: see framework.NodeEvictionRateOK.)
func nodeHold(t framework.Timeouts) time.Duration {
	return t.NodeMonitorGracePeriod + t.NodeMonitorPeriod + t.UnreachableToleration + t.Scale(150*time.Second)
}

// nodeFault stops nodes through the provider (provider.NodeController):
// one for node-loss, a zone's for zone-outage.
type nodeFault struct{}

func (f nodeFault) Validate(s *Spec, _ *topology.Topology) error {
	defaultLossMode(s)
	if s.Kind == ZoneOutage {
		return Need(s, s.Zone != "", "--zone")
	}
	return Need(s, s.Node != "", "--node")
}

func (nodeFault) Plan(ctx context.Context, t *Target, p *Plan) error {
	if _, ok := t.Provider.(provider.NodeController); !ok {
		return provider.Lacks(t.Provider, provider.AbilityNodes, string(p.Spec.Kind))
	}
	if _, err := planNodes(ctx, t, p); err != nil {
		return err
	}
	p.Steps = []string{
		fmt.Sprintf("stop %d node(s) at once (%s): the node lifecycle controller marks them NotReady after %s and evicts their pods after %s",
			len(p.Nodes), t.Provider.Name(), t.Timeouts.NodeMonitorGracePeriod, t.Timeouts.UnreachableToleration),
		fmt.Sprintf("the servers of the %d pod(s) on them %s", len(p.Pods), lossEffect(p.Spec.Mode)),
	}
	p.Revert = "start the nodes again: they heartbeat and turn Ready; evicted pods stuck Terminating are finalized"
	return nil
}

func (nodeFault) Inject(ctx context.Context, t *Target, p *Plan, until time.Time, _ *Result) error {
	return setNodes(ctx, t, p.Nodes, until, false, p.Spec.Mode)
}

func (nodeFault) Revert(ctx context.Context, t *Target, p *Plan) error {
	return setNodes(ctx, t, p.Nodes, time.Time{}, true, p.Spec.Mode)
}

// setNodes stops (until their fault's end, in mode) or starts qualified
// nodes at once.
func setNodes(ctx context.Context, t *Target, nodes []string, until time.Time, start bool, mode string) error {
	nc, ok := t.Provider.(provider.NodeController)
	if !ok {
		return provider.Lacks(t.Provider, provider.AbilityNodes, "a node fault")
	}
	return forNodes(nodes, func(region, node string) error {
		c, err := t.cluster(region)
		if err != nil {
			return err
		}
		if start {
			return nc.StartNode(ctx, c, node)
		}
		return nc.StopNode(ctx, c, node, until, provider.NodeFailMode(mode))
	})
}

// forNodes runs f for every qualified node concurrently ("at once").
func forNodes(nodes []string, f func(region, node string) error) error {
	errs := make(chan error, len(nodes))
	for _, q := range nodes {
		go func() {
			region, node := splitQualified(q)
			errs <- f(region, node)
		}()
	}
	var all []error
	for range nodes {
		if err := <-errs; err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}
