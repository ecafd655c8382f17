package fault

import (
	"context"
	"fmt"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	"k8s.io/utils/ptr"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/topology"
)

func init() {
	Register(Definition{
		Kind: Partition, Help: "cut --region from --peer: cross-region routing and replication fail", Params: []string{"peer"},
		Impl: partition{}, DefaultHold: func(t framework.Timeouts) time.Duration { return t.Scale(60 * time.Second) },
		ChaosMesh: func(p *Plan, sel Selector) (any, error) {
			return &chaosv1alpha1.NetworkChaos{TypeMeta: chaosType("NetworkChaos"), ObjectMeta: chaosMeta(p, sel), Spec: chaosv1alpha1.NetworkChaosSpec{
				PodSelector: chaosv1alpha1.PodSelector{Selector: podSelector(sel, p.Spec.Region), Mode: chaosv1alpha1.AllMode},
				Action:      chaosv1alpha1.PartitionAction, Direction: chaosv1alpha1.Both,
				Target:   &chaosv1alpha1.PodSelector{Selector: podSelector(sel, p.Spec.Peer), Mode: chaosv1alpha1.AllMode},
				Duration: ptr.To(p.Spec.Duration.String()),
			}}, nil
		},
	})
}

// partition cuts two regions apart (the data plane's agent carries it out).
type partition struct{}

func (partition) Validate(s *Spec, topo *topology.Topology) error {
	if err := Need(s, s.Peer != "", "--peer (the other region)"); err != nil {
		return err
	}
	if _, err := topo.Region(s.Peer); err != nil {
		return fmt.Errorf("%s: %w: %w", s.Kind, err, framework.ErrInvalid)
	}
	return Need(s, s.Peer != s.Region, "two different regions")
}

func (partition) Plan(_ context.Context, t *Target, p *Plan) error {
	if t.Agent == nil {
		return fmt.Errorf("partition needs the environment's data plane: %w", framework.ErrInvalid)
	}
	p.AgentFaults = []string{p.ID}
	p.Steps = []string{fmt.Sprintf("cut the network between %s and %s: the global load balancer cannot route one region's clients to the other, and model replication between them fails", p.Spec.Region, p.Spec.Peer)}
	p.Revert = "heal the partition: cross-region routing and replication resume"
	return nil
}

func (partition) Inject(ctx context.Context, t *Target, p *Plan, until time.Time, _ *Result) error {
	return t.Agent.Inject(ctx, p.AgentFaults[0], dataplane.FaultSpec{Kind: dataplane.FaultPartition, Regions: []string{p.Spec.Region, p.Spec.Peer}, Until: until})
}

func (partition) Revert(ctx context.Context, t *Target, p *Plan) error {
	return revertAgent(ctx, t, p.AgentFaults...)
}
