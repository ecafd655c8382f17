package fault

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/provider"
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
	// Provider is the environment's provider; faults use its abilities
	// (provider.NodeController, ...) and are refused when it lacks them.
	Provider provider.Provider
	// Workload is the pods under test: their namespace and labels.
	Workload Selector
	Journal  Journal
	Guard    Guard
	Logger   *slog.Logger
	// Rand picks random targets (a pod for pod-kill); seed it for repeatable drills.
	Rand *rand.Rand
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// ChaosMesh, when set, is the client of a region's Chaos Mesh: the
	// cluster is not gameday's (provider.ChaosMeshFaults), so the faults
	// Chaos Mesh has a kind for are applied as Chaos Mesh objects, drains go
	// through the API, and every other fault is refused.
	ChaosMesh func(region string) (*chaosmesh.Client, error)
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

// Selector selects the workload's pods: a namespace and the labels every
// one of its pods carries (the Deployment's selector).
type Selector struct {
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels"`
}

// String is the label selector, as kubectl takes it.
func (s Selector) String() string { return labels.SelectorFromSet(s.Labels).String() }

// cluster returns the provider's handle of a region's cluster.
func (t *Target) cluster(region string) (provider.Cluster, error) {
	r, err := t.Env.Region(region)
	if err != nil {
		return provider.Cluster{}, err
	}
	return provider.ClusterOf(*r), nil
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
