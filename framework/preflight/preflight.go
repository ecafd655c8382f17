package preflight

import (
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"gameday.io/gameday/framework/chaosmesh"
)

// Access is one API permission a planned fault or measurement needs.
type Access struct {
	Verb, Group, Resource, Subresource string
	// Namespace is where the permission is needed; "" means cluster-scoped
	// or all namespaces.
	Namespace string
	// Why names what needs it, e.g. "zone-drain: evict pods".
	Why string
}

// Region is what to check in one region's cluster.
type Region struct {
	Name string
	// Client is the typed client of the region's cluster.
	Client kubernetes.Interface
	// Dynamic reads Chaos Mesh objects; it may be nil when ChaosKinds is empty.
	Dynamic dynamic.Interface
	// Config, when set, names the API server in details and lets the
	// clock-skew check read the server's Date header; without it that check
	// is skipped.
	Config *rest.Config
	// Namespace is the platform's namespace.
	Namespace string
	// Deployment is the workload under test.
	Deployment string
	// PDBs and Services are the names expected in Namespace (may be empty).
	PDBs     []string
	Services []string
	// Access lists the permissions to check with SelfSubjectAccessReviews.
	Access []Access
	// ChaosKinds are the Chaos Mesh kinds the planned faults apply; empty
	// means Chaos Mesh is not needed.
	ChaosKinds []chaosmesh.Kind
	// ChaosDaemon says the planned faults need chaos-daemon running on the
	// workload's nodes (NetworkChaos, IOChaos, HTTPChaos).
	ChaosDaemon bool
}

// Check is the result of one check in one region.
type Check struct {
	Region string `json:"region"`
	// Name is a short id: reachable, namespace-label, workload, pdb,
	// service, rbac, chaos-mesh, chaos-daemon, clock-skew; "stopped" when
	// the region's timeout or a cancellation stopped its checks, "options"
	// (with no region) for an invalid option.
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	// Detail is one line: what was found, or what is missing and how to fix it.
	Detail string `json:"detail"`
}
