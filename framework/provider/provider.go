package provider

import (
	"context"
	"log/slog"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
)

// Config is what every provider is constructed with.
type Config struct {
	// BinDir holds the pinned tools `make tools` builds.
	BinDir string
	// Dir is where the provider keeps this environment's files (inside the
	// environment's state directory).
	Dir string
	// Env is the environment's name; providers prefix what they create with it.
	Env string
	// Logger receives progress (discarded when nil).
	Logger *slog.Logger
	// Timeouts are the environment's profile timings (zero when unknown).
	Timeouts framework.Timeouts
}

// ClusterSpec is what a provider needs to create one region's cluster.
type ClusterSpec struct {
	// Name is the provider-level cluster name, unique on the machine.
	Name string
	// Region is the topology region the cluster serves.
	Region string
	// Nodes are the nodes the cluster must have, with labels and capacity.
	Nodes []topology.Node
	// Timeouts are the profile's timings (control-plane flags and waits).
	Timeouts framework.Timeouts
	// Dir is where the provider may keep this cluster's files.
	Dir string
	// Zones are the region's zones, in topology order.
	Zones []string
	// Existing names the cluster to adopt instead of creating one (the
	// existing provider): a context of a kubeconfig file.
	Existing *topology.ClusterRef
}

// Cluster is a created (or, for existing, an adopted) cluster.
type Cluster struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	// Kubeconfig is a path plain kubectl can use.
	Kubeconfig string `json:"kubeconfig"`
	// Context is the kubeconfig context, when it is not the current one.
	Context string `json:"context,omitempty"`
}

// ClusterOf returns the cluster of an environment's region.
func ClusterOf(r framework.Region) Cluster {
	return Cluster{Name: r.Cluster, Region: r.Name, Kubeconfig: r.Kubeconfig, Context: r.Context}
}

// Provider creates and deletes one cluster per region. Everything a fault,
// drill or report needs beyond that is an optional ability below, found by
// type assertion; a fault that needs an ability its provider lacks is
// refused with the reason.
type Provider interface {
	// Name returns the provider's registered name: sim, kind or existing.
	Name() string
	// Check verifies that the provider can work on this machine (binaries,
	// a container engine), naming what is missing (framework.ErrMissingBinary).
	Check(ctx context.Context) error
	// Create brings a region's cluster up and returns once its API server
	// answers and every node of spec is registered and Ready.
	Create(ctx context.Context, spec ClusterSpec) (*Cluster, error)
	// Delete removes a cluster and everything the provider started for it.
	// Deleting a cluster that does not exist is not an error.
	Delete(ctx context.Context, c Cluster) error
}

// Ability names an optional provider ability, for refusals and help.
type Ability string

// The optional abilities.
const (
	AbilityNodes        Ability = "stop and start nodes"
	AbilityControlPlane Ability = "stop and start a region's control plane"
	AbilityPods         Ability = "host the data plane's pods"
)
