package fault

import (
	"context"
	"fmt"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	"k8s.io/utils/ptr"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/topology"
)

func init() {
	Register(Definition{
		Kind: StorageOutage, Help: "a region's model storage fails (backend-error, backend-timeout, cache-error, cache-timeout)",
		Params: []string{"mode"}, Impl: storageOutage{},
		Check: func(s Spec) error {
			if s.Mode == "" {
				return nil
			}
			_, err := storage.ParseCacheFault(s.Mode)
			return err
		},
		DefaultHold: func(t framework.Timeouts) time.Duration { return max(t.Scale(150*time.Second), 10*time.Second) },
		// The pods' requests to model storage fail (error modes) or hang
		// (timeout modes): every HTTPS request, whatever the bucket.
		ChaosMesh: func(p *Plan, sel Selector) (any, error) {
			actions := chaosv1alpha1.PodHttpChaosActions{}
			switch storage.CacheFault(p.Spec.Mode) {
			case storage.FaultBackendTimeout, storage.FaultCacheTimeout:
				actions.Delay = ptr.To(p.Spec.Duration.String())
			default:
				actions.Abort = ptr.To(true)
			}
			return &chaosv1alpha1.HTTPChaos{TypeMeta: chaosType("HTTPChaos"), ObjectMeta: chaosMeta(p, sel), Spec: chaosv1alpha1.HTTPChaosSpec{
				PodSelector: chaosv1alpha1.PodSelector{Selector: podSelector(sel, p.Spec.Region), Mode: chaosv1alpha1.AllMode},
				Target:      chaosv1alpha1.PodHttpRequest, PodHttpChaosActions: actions, Port: 443,
				Duration: ptr.To(p.Spec.Duration.String()),
			}}, nil
		},
	})
}

// storageOutage makes a region's model storage or cache fail (the data
// plane's agent carries it out).
type storageOutage struct{}

func (storageOutage) Validate(s *Spec, _ *topology.Topology) error {
	if s.Mode == "" {
		s.Mode = string(storage.FaultBackendError)
	}
	return nil
}

func (storageOutage) Plan(_ context.Context, t *Target, p *Plan) error {
	if t.Agent == nil {
		return fmt.Errorf("storage-outage needs the environment's data plane: %w", framework.ErrInvalid)
	}
	p.AgentFaults = []string{p.ID}
	what := map[storage.CacheFault]string{
		storage.FaultBackendError:   "model storage answers 503; the regional cache still serves what it holds",
		storage.FaultBackendTimeout: "model storage stops answering; the regional cache still serves what it holds",
		storage.FaultCacheError:     "the regional model cache answers 503 to everything",
		storage.FaultCacheTimeout:   "the regional model cache stops answering",
	}[storage.CacheFault(p.Spec.Mode)]
	p.Steps = []string{fmt.Sprintf("region %s: %s (%s); running servers keep their model in memory, new pods cannot load theirs", p.Spec.Region, what, p.Spec.Mode)}
	p.Revert = "storage and cache answer normally again"
	return nil
}

func (storageOutage) Inject(ctx context.Context, t *Target, p *Plan, until time.Time, _ *Result) error {
	return t.Agent.Inject(ctx, p.AgentFaults[0], dataplane.FaultSpec{Kind: dataplane.FaultStorage, Regions: []string{p.Spec.Region}, Mode: storage.CacheFault(p.Spec.Mode), Until: until})
}

func (storageOutage) Revert(ctx context.Context, t *Target, p *Plan) error {
	return revertAgent(ctx, t, p.AgentFaults...)
}
