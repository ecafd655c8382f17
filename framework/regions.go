package framework

import "fmt"

// Role is a region's part in disaster recovery.
type Role string

const (
	// RolePrimary serves traffic in normal operation and owns the model registry.
	RolePrimary Role = "primary"
	// RoleDR is a disaster-recovery region that takes over on failover.
	RoleDR Role = "dr"
)

// Environment is a named multi-region environment: what `gameday up` created
// (or, for the existing provider, what the user allow-listed). It is plain data,
// saved as JSON in the environment's state directory.
type Environment struct {
	// Name identifies the environment; several may coexist.
	Name string `json:"name"`
	// Provider is sim, kind or existing.
	Provider string `json:"provider"`
	// Profile is the timing profile it was created with.
	Profile Profile `json:"profile"`
	// StateDir holds the environment's state, kubeconfigs, logs and fault journal.
	StateDir string `json:"stateDir"`
	// Topology is the path of the topology file it was created from.
	Topology string `json:"topology"`
	// CreatedByGameday is true when gameday created the clusters (and may
	// therefore inject faults into them without an allow-list).
	CreatedByGameday bool `json:"createdByGameday"`
	// URL is the global inference endpoint (the global load balancer).
	URL string `json:"url,omitempty"`
	// AgentURL is the data-plane agent's control endpoint (sim only).
	AgentURL string `json:"agentURL,omitempty"`
	// Regions in topology order.
	Regions []Region `json:"regions"`
}

// Region is one region of an environment: one Kubernetes cluster.
type Region struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Zones in topology order.
	Zones []string `json:"zones"`
	// Cluster is the provider's cluster name.
	Cluster string `json:"cluster"`
	// Kubeconfig is the path of a kubeconfig plain kubectl can use.
	Kubeconfig string `json:"kubeconfig"`
	// Context is the kubeconfig context (existing provider).
	Context string `json:"context,omitempty"`
	// GatewayURL is the regional gateway in front of the region's inference pods.
	GatewayURL string `json:"gatewayURL,omitempty"`
	// StorageURL is the S3 endpoint pods load models from (the regional cache).
	StorageURL string `json:"storageURL,omitempty"`
	// StorageBackendURL is the S3 server behind the cache.
	StorageBackendURL string `json:"storageBackendURL,omitempty"`
}

// Region returns the named region.
func (e *Environment) Region(name string) (*Region, error) {
	for i := range e.Regions {
		if e.Regions[i].Name == name {
			return &e.Regions[i], nil
		}
	}
	return nil, fmt.Errorf("region %q is not in environment %q (regions: %v): %w", name, e.Name, e.RegionNames(), ErrNotFound)
}

// RegionNames lists the regions in order.
func (e *Environment) RegionNames() []string {
	names := make([]string, len(e.Regions))
	for i, r := range e.Regions {
		names[i] = r.Name
	}
	return names
}

// Primary returns the first primary region.
func (e *Environment) Primary() (*Region, error) { return e.withRole(RolePrimary) }

// DR returns the first disaster-recovery region.
func (e *Environment) DR() (*Region, error) { return e.withRole(RoleDR) }

func (e *Environment) withRole(r Role) (*Region, error) {
	for i := range e.Regions {
		if e.Regions[i].Role == r {
			return &e.Regions[i], nil
		}
	}
	return nil, fmt.Errorf("environment %q has no %s region: %w", e.Name, r, ErrNotFound)
}
