package fault

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/topology"
)

// Agent is the data-plane agent's fault API (dataplane.Client implements it).
type Agent interface {
	Inject(ctx context.Context, id string, f dataplane.FaultSpec) error
	Revert(ctx context.Context, id string) error
}

var _ Agent = (*dataplane.Client)(nil)

// Target is an environment faults run against.
type Target struct {
	Env      *framework.Environment
	Topology *topology.Topology
	Timeouts framework.Timeouts
	// Clients by region name.
	Clients map[string]kubernetes.Interface
	// Agent carries out data-plane faults (storage, gateway, partition,
	// control plane); nil when the environment has no data plane.
	Agent Agent
	// Namespace is where the inference workload runs, App its label value.
	Namespace string
	App       string
	Journal   Journal
	Guard     Guard
	Logger    *slog.Logger
	// Rand picks random targets (a pod for pod-kill); seed it for repeatable drills.
	Rand *rand.Rand
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// OnEviction, if set, is told of every eviction a drain attempts and
	// whether the PodDisruptionBudget refused it (a PDB watcher listens here).
	OnEviction func(pod string, refused bool)
}

func (t *Target) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Target) log() *slog.Logger {
	if t.Logger == nil {
		return framework.DiscardLogger()
	}
	return t.Logger
}

// client returns a region's client.
func (t *Target) client(region string) (kubernetes.Interface, error) {
	c, ok := t.Clients[region]
	if !ok {
		r, err := t.Env.Region(region)
		if err != nil {
			return nil, err
		}
		cs, err := cluster.Client(r.Kubeconfig)
		if err != nil {
			return nil, err
		}
		if t.Clients == nil {
			t.Clients = map[string]kubernetes.Interface{}
		}
		t.Clients[region] = cs
		c = cs
	}
	return c, nil
}
