package topology

import (
	"fmt"

	"gameday.io/gameday/framework"
)

// APIVersion and Kind identify a topology document.
const (
	APIVersion = "gameday.io/v1alpha1"
	Kind       = "Topology"
)

// Labels and resources every simulated node carries.
const (
	LabelRegion     = "topology.kubernetes.io/region"
	LabelZone       = "topology.kubernetes.io/zone"
	LabelHostname   = "kubernetes.io/hostname"
	LabelGPUProduct = "nvidia.com/gpu.product"
	ResourceGPU     = "nvidia.com/gpu"
	// LabelNode names the topology node a Kubernetes node stands for, on
	// providers whose node names are their own (kind: the container's).
	LabelNode = "gameday.io/topology-node"
)

// NodeName is the topology name of a Kubernetes node with these labels and
// name: its LabelNode when set, else its name (sim names nodes as the
// topology does).
func NodeName(labels map[string]string, name string) string {
	if n := labels[LabelNode]; n != "" {
		return n
	}
	return name
}

// Topology is a parsed, validated topology file.
type Topology struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   Metadata `yaml:"metadata"`
	// Node is the default spec of every node.
	Node    NodeSpec `yaml:"node"`
	Regions []Region `yaml:"regions"`
	// Storage names the platform's model storage when its manifests do not
	// (no backup job copies the model bucket); optional.
	Storage Storage `yaml:"storage,omitempty"`
	// Existing describes clusters gameday did not create (provider
	// existing): where clients call the platform and which contexts faults
	// may touch. Set exactly when every region names its Cluster.
	Existing *Existing `yaml:"existing,omitempty"`

	// File is where it was read from ("" when parsed from memory).
	File string `yaml:"-"`
}

// Existing is what gameday needs to know about clusters it did not create.
type Existing struct {
	// URL is the global URL clients call the platform at (the load goes there).
	URL string `yaml:"url"`
	// AllowContexts allow-lists kubeconfig contexts for faults, besides the
	// command line's --allow-context. A context in neither is never touched.
	AllowContexts []string `yaml:"allowContexts,omitempty"`
}

// ClusterRef names an existing cluster: a context of a kubeconfig file.
type ClusterRef struct {
	// Kubeconfig is the file ("" : $KUBECONFIG or ~/.kube/config).
	Kubeconfig string `yaml:"kubeconfig,omitempty"`
	// Context is the kubeconfig context; required.
	Context string `yaml:"context"`
}

// Metadata names a topology.
type Metadata struct {
	Name string `yaml:"name"`
}

// Storage names a platform's buckets: ModelBucket holds the published
// models (the inference servers load theirs from it), BackupBucket receives
// its backups. Both or neither are set.
type Storage struct {
	ModelBucket  string `yaml:"modelBucket,omitempty"`
	BackupBucket string `yaml:"backupBucket,omitempty"`
}

// NodeSpec describes one GPU node. Zero fields inherit from the enclosing level.
type NodeSpec struct {
	GPUs       *int   `yaml:"gpus,omitempty"`
	GPUProduct string `yaml:"gpuProduct,omitempty"`
	CPU        string `yaml:"cpu,omitempty"`
	Memory     string `yaml:"memory,omitempty"`
	Pods       *int   `yaml:"pods,omitempty"`
}

// Region is one region: one cluster.
type Region struct {
	Name  string         `yaml:"name"`
	Role  framework.Role `yaml:"role"`
	Node  NodeSpec       `yaml:"node,omitempty"`
	Zones []Zone         `yaml:"zones"`
	// Cluster names the region's existing cluster (provider existing); its
	// nodes are the cluster's, found by their zone label, so zones list no
	// node count.
	Cluster *ClusterRef `yaml:"cluster,omitempty"`
	// StorageEndpoint is the S3 endpoint of the region's model storage on
	// an existing cluster (recorded for reports; never broken by gameday).
	StorageEndpoint string `yaml:"storageEndpoint,omitempty"`
}

// Zone is a failure domain of a region.
type Zone struct {
	Name  string   `yaml:"name"`
	Nodes int      `yaml:"nodes"`
	Node  NodeSpec `yaml:"node,omitempty"`
}

// Node is one concrete node of the topology, with every field resolved.
type Node struct {
	Name       string
	Region     string
	Zone       string
	GPUs       int
	GPUProduct string
	CPU        string
	Memory     string
	Pods       int
}

// Labels returns the node's well-known labels.
func (n Node) Labels() map[string]string {
	return map[string]string{
		LabelRegion:     n.Region,
		LabelZone:       n.Zone,
		LabelHostname:   n.Name,
		LabelGPUProduct: n.GPUProduct,
	}
}

// merge returns s with its empty fields taken from parent.
func (s NodeSpec) merge(parent NodeSpec) NodeSpec {
	if s.GPUs == nil {
		s.GPUs = parent.GPUs
	}
	if s.GPUProduct == "" {
		s.GPUProduct = parent.GPUProduct
	}
	if s.CPU == "" {
		s.CPU = parent.CPU
	}
	if s.Memory == "" {
		s.Memory = parent.Memory
	}
	if s.Pods == nil {
		s.Pods = parent.Pods
	}
	return s
}

// IsExisting reports whether the topology describes existing clusters.
func (t *Topology) IsExisting() bool { return t.Existing != nil }

// Region returns the named region.
func (t *Topology) Region(name string) (*Region, error) {
	for i := range t.Regions {
		if t.Regions[i].Name == name {
			return &t.Regions[i], nil
		}
	}
	return nil, fmt.Errorf("region %q is not in topology %s (regions: %v): %w", name, t.Metadata.Name, t.RegionNames(), framework.ErrNotFound)
}

// RegionNames lists the regions in order.
func (t *Topology) RegionNames() []string {
	out := make([]string, len(t.Regions))
	for i, r := range t.Regions {
		out[i] = r.Name
	}
	return out
}

// Zone returns the region holding the named zone, and the zone.
func (t *Topology) Zone(name string) (*Region, *Zone, error) {
	for i := range t.Regions {
		for j := range t.Regions[i].Zones {
			if t.Regions[i].Zones[j].Name == name {
				return &t.Regions[i], &t.Regions[i].Zones[j], nil
			}
		}
	}
	return nil, nil, fmt.Errorf("zone %q is not in topology %s: %w", name, t.Metadata.Name, framework.ErrNotFound)
}

// Nodes returns every node of a region, zone by zone, with inherited fields
// resolved. Names are <zone>-gpu-<index>.
func (t *Topology) Nodes(region string) []Node {
	var out []Node
	for _, r := range t.Regions {
		if r.Name != region {
			continue
		}
		for _, z := range r.Zones {
			spec := z.Node.merge(r.Node.merge(t.Node))
			for i := range z.Nodes {
				out = append(out, Node{
					Name:       fmt.Sprintf("%s-gpu-%d", z.Name, i),
					Region:     r.Name,
					Zone:       z.Name,
					GPUs:       deref(spec.GPUs),
					GPUProduct: spec.GPUProduct,
					CPU:        spec.CPU,
					Memory:     spec.Memory,
					Pods:       deref(spec.Pods),
				})
			}
		}
	}
	return out
}

// ZoneNames lists a region's zones in order.
func (r *Region) ZoneNames() []string {
	out := make([]string, len(r.Zones))
	for i, z := range r.Zones {
		out[i] = z.Name
	}
	return out
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
