package cluster

import (
	"context"
	"log/slog"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
)

// Spec is what a provider needs to create one region's cluster.
type Spec struct {
	// Name is the provider-level cluster name, unique on the machine.
	Name string
	// Region is the topology region the cluster serves.
	Region string
	// Nodes are the nodes to register, with labels and capacity.
	Nodes []topology.Node
	// Timeouts are the profile's timings (control-plane flags and waits).
	Timeouts framework.Timeouts
	// Dir is where the provider may keep this cluster's files.
	Dir string
	// Logger receives progress.
	Logger *slog.Logger
}

// Cluster is a created cluster.
type Cluster struct {
	Name   string
	Region string
	// Kubeconfig is a path plain kubectl can use.
	Kubeconfig string
}

// Provider creates and deletes clusters. Implementations must make Delete
// idempotent and leave no process or port behind.
type Provider interface {
	// Name returns the provider's name: sim, kind or existing.
	Name() string
	// Create brings the cluster up and returns once its API server answers and
	// every node in spec is registered and Ready.
	Create(ctx context.Context, spec Spec) (*Cluster, error)
	// Delete removes the named cluster and everything it started. Deleting a
	// cluster that does not exist is not an error.
	Delete(ctx context.Context, name string) error
}

// NodeController is an optional Provider ability: make a node stop and resume
// heartbeating, as a machine that loses power and comes back. The control
// plane notices on its own timers.
type NodeController interface {
	// StopNode makes the node stop heartbeating.
	StopNode(ctx context.Context, kubeconfig, node string) error
	// StartNode makes the node heartbeat again.
	StartNode(ctx context.Context, kubeconfig, node string) error
}

// ControlPlaneController is an optional Provider ability: make a cluster's
// control plane unreachable and bring it back (region outage).
type ControlPlaneController interface {
	// StopControlPlane stops the cluster's API server and controllers.
	StopControlPlane(ctx context.Context, name string) error
	// StartControlPlane starts them again and returns once the API server answers.
	StartControlPlane(ctx context.Context, name string) error
}
