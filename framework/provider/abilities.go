package provider

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/platform"
)

// NodeController is an optional ability: make a node a dead machine and
// bring it back. A stopped node stops heartbeating and its pods stop
// answering (their connections hang: black-hole; or, in refuse mode, are
// refused), and the control plane notices on its own timers.
type NodeController interface {
	// StopNode stops the node. until is when the provider brings it back
	// even if gameday dies before reverting (zero: never). mode is how its
	// servers fail; a provider that cannot carry a mode out returns an error
	// wrapping framework.ErrInvalid.
	StopNode(ctx context.Context, c Cluster, node string, until time.Time, mode NodeFailMode) error
	// StartNode brings a stopped node back; starting a live node is a no-op.
	StartNode(ctx context.Context, c Cluster, node string) error
}

// NodeFailMode is how the servers of a stopped node fail.
type NodeFailMode string

// The node fail modes.
const (
	// BlackHole (the default, also for ""): the servers keep their listeners
	// and connections and never answer, as a machine that lost power or
	// network; callers wait for their own timeouts.
	BlackHole NodeFailMode = "black-hole"
	// Refuse: the servers are gone and connections are refused at once.
	Refuse NodeFailMode = "refuse"
)

// ChaosMeshFaults is an optional ability of providers whose clusters gameday
// does not own (existing): faults are carried out by the cluster's own Chaos
// Mesh, as objects gameday applies and deletes, or through the Kubernetes
// API; a fault with neither is refused.
type ChaosMeshFaults interface {
	// ChaosMeshNamespaces are where the cluster's Chaos Mesh controller runs.
	ChaosMeshNamespaces() []string
}

// ControlPlaneController is an optional ability: make a cluster's control
// plane unreachable and bring it back (region outage).
type ControlPlaneController interface {
	// StopControlPlane stops the cluster's API server and controllers.
	StopControlPlane(ctx context.Context, c Cluster) error
	// StartControlPlane starts them again and returns once the API answers.
	StartControlPlane(ctx context.Context, c Cluster) error
}

// PlatformAdapter is an optional ability: change a region's copy of the
// platform's manifests so they run on this provider, and say what changed
// (every adaptation is recorded in the report).
type PlatformAdapter interface {
	Adapt(m *platform.Manifests, in AdaptInput) ([]platform.Adaptation, error)
}

// AdaptInput is what a provider may need to adapt a region's manifests.
type AdaptInput struct {
	Region string
	// Timeouts are the profile's timings (a provider whose kubelets are real
	// scales the probes' timings here, as the sim's kubelet does itself).
	Timeouts framework.Timeouts
	// StorageURL is the region's model storage (the data plane's cache) as
	// pods reach it, and AccessKey, SecretKey its credentials.
	StorageURL, AccessKey, SecretKey string
	// ModelBucket is the bucket the data plane seeded with the model.
	ModelBucket string
}

// ContainerPods is an optional ability of providers whose nodes run the pods
// as real containers (kind): they reach this machine, where the data plane
// serves model storage, at HostAddress, and the data plane reaches them at
// their pod IPs.
type ContainerPods interface {
	HostAddress(ctx context.Context) (string, error)
}

// NodeExpirer is an optional ability of NodeControllers that keep each
// stopped node's deadline outside any process (kind): the data-plane agent
// calls ExpireNodes periodically, so a node comes back when its fault runs
// out even if the gameday that stopped it died.
type NodeExpirer interface {
	ExpireNodes(ctx context.Context, now time.Time) ([]string, error)
}

// ProcessLister is an optional ability of providers that run local
// processes: the processes a cluster consists of, for supervision, teardown
// checks and benchmarks.
type ProcessLister interface {
	Processes(c Cluster) ([]Process, error)
}

// Process is one local process a provider started: what it is and its
// identity (PID and start time, so a recycled PID is never taken for it).
type Process struct {
	// Component names it (kube-apiserver, etcd, ...).
	Component string
	cluster.Proc
}

// PodHost is an optional ability of providers whose nodes run no containers
// (sim): the data plane runs each pod's server itself, as a kubelet would,
// and asks the host where each pod serves.
type PodHost interface {
	// HostPods returns the pod host of one region; its Run serves until
	// its context ends.
	HostPods(cfg PodHostConfig) (Pods, error)
}

// PodHostConfig configures one region's pod host.
type PodHostConfig struct {
	Region string
	// Index is the region's position, for distinct fake pod addresses.
	Index  int
	Client kubernetes.Interface
	// Server says how to start the server of a pod on a node.
	Server func(pod *corev1.Pod, node *corev1.Node) ServerSpec
	// AddressChanged, if set, is called when a pod's server address changes.
	AddressChanged func()
	Timeouts       framework.Timeouts
	Logger         *slog.Logger
}

// ServerSpec says how to start one pod's server process.
type ServerSpec struct {
	// Binary is the executable (inference-sim).
	Binary string
	// Args are its flags, without the listener it is handed.
	Args []string
	// Env adds environment variables.
	Env []string
	// Log receives the server's output (appended).
	Log string
}

// Pods is a running pod host.
type Pods interface {
	// Run plays the kubelet until ctx ends, then stops every server.
	Run(ctx context.Context) error
	// Address is where the pod's server listens (its last address when it
	// died); ok is false for pods never started.
	Address(uid types.UID) (addr string, ok bool)
	// States lists the pods the host plays.
	States() []PodState
	// RestartWatches lists and watches anew at once (the control plane is back).
	RestartWatches()
	// Expire brings back the nodes whose fault ran out by now.
	Expire(ctx context.Context, now time.Time)
}

// PodState is a pod host's view of one pod.
type PodState struct {
	Name string `json:"name"`
	// Namespace and Labels are the pod's, to tell the workloads apart.
	Namespace string            `json:"namespace,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
	Node      string            `json:"node"`
	Address   string            `json:"address,omitempty"`
	Running   bool              `json:"running"`
	// Frozen: the server process exists but answers nothing (its node is
	// lost in black-hole mode); Running is false.
	Frozen   bool  `json:"frozen,omitempty"`
	Ready    bool  `json:"ready"`
	Restarts int32 `json:"restarts"`
	// Reason says why a pod is not Ready: its last failed probe or start error.
	Reason string `json:"reason,omitempty"`
}

// Lacks returns the refusal for a provider without an ability.
func Lacks(p Provider, a Ability, why string) error {
	return fmt.Errorf("provider %s cannot %s, which %s needs: %w", p.Name(), a, why, framework.ErrInvalid)
}
