package existing

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

// Name is the provider's registered name.
const Name = provider.Existing

// DefaultReachTimeout bounds how long Create waits for a cluster to answer.
const DefaultReachTimeout = 30 * time.Second

func init() {
	provider.Register(provider.Registration{
		Name: Name,
		Doc:  "clusters gameday did not create (kubeconfig contexts named per region in the topology, allow-listed); faults as Chaos Mesh objects or API calls",
		New:  func(cfg provider.Config) (provider.Provider, error) { return New(cfg), nil },
	})
}

// Provider adopts existing clusters.
type Provider struct {
	log *slog.Logger
}

var (
	_ provider.Provider        = (*Provider)(nil)
	_ provider.ChaosMeshFaults = (*Provider)(nil)
)

// New returns the provider.
func New(cfg provider.Config) *Provider {
	log := cfg.Logger
	if log == nil {
		log = framework.DiscardLogger()
	}
	return &Provider{log: log}
}

// Name is "existing".
func (*Provider) Name() string { return Name }

// ChaosMeshNamespaces are where the clusters' Chaos Mesh controller is
// looked for: the Helm chart's namespace, then default.
func (*Provider) ChaosMeshNamespaces() []string { return chaosmesh.DefaultControllerNamespaces }

// Check needs nothing on this machine: the clusters run elsewhere.
func (*Provider) Check(context.Context) error { return nil }

// Create adopts the cluster spec.Existing names: the context must exist and
// its API server answer, and every zone of the region must have nodes
// labelled with it. It writes a one-context kubeconfig to spec.Dir and
// changes nothing in the cluster.
func (p *Provider) Create(ctx context.Context, spec provider.ClusterSpec) (*provider.Cluster, error) {
	ref := spec.Existing
	if ref == nil || ref.Context == "" {
		return nil, fmt.Errorf("region %s: the existing provider needs the region's cluster context (topology regions[].cluster.context): %w", spec.Region, framework.ErrInvalid)
	}
	cfg, err := oneContext(ref)
	if err != nil {
		return nil, fmt.Errorf("region %s: %w", spec.Region, err)
	}
	if err := os.MkdirAll(spec.Dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(spec.Dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return nil, fmt.Errorf("region %s: write the kubeconfig of context %s: %w", spec.Region, ref.Context, err)
	}
	rc, err := clientcmd.NewDefaultClientConfig(*cfg, nil).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("region %s: context %s: %w", spec.Region, ref.Context, err)
	}
	rc.Timeout = DefaultReachTimeout
	c, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("region %s: context %s: %w", spec.Region, ref.Context, err)
	}
	v, err := c.Discovery().ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("region %s: context %s (%s) does not answer: %w", spec.Region, ref.Context, rc.Host, err)
	}
	if err := zonesHaveNodes(ctx, c, spec.Zones); err != nil {
		return nil, fmt.Errorf("region %s: context %s: %w", spec.Region, ref.Context, err)
	}
	p.log.Info("adopted existing cluster", "region", spec.Region, "context", ref.Context, "server", rc.Host, "version", v.GitVersion)
	return &provider.Cluster{Name: spec.Name, Region: spec.Region, Kubeconfig: path, Context: ref.Context}, nil
}

// Delete forgets the cluster: gameday never deletes a cluster it did not
// create (the kubeconfig copy goes with the environment's state directory).
func (p *Provider) Delete(_ context.Context, c provider.Cluster) error {
	p.log.Info("forgetting existing cluster (it is not touched)", "region", c.Region, "context", c.Context)
	return nil
}

// oneContext loads the kubeconfig ref names and keeps only its context,
// with credentials inlined, as the current context.
func oneContext(ref *topology.ClusterRef) (*clientcmdapi.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if ref.Kubeconfig != "" {
		rules.ExplicitPath = ref.Kubeconfig
	}
	raw, err := rules.Load()
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig %s: %w", kubeconfigName(ref), err)
	}
	if _, ok := raw.Contexts[ref.Context]; !ok {
		var have []string
		for n := range raw.Contexts {
			have = append(have, n)
		}
		return nil, fmt.Errorf("kubeconfig %s has no context %q (it has %v): %w", kubeconfigName(ref), ref.Context, have, framework.ErrNotFound)
	}
	raw.CurrentContext = ref.Context
	if err := clientcmdapi.MinifyConfig(raw); err != nil {
		return nil, fmt.Errorf("kubeconfig %s context %s: %w", kubeconfigName(ref), ref.Context, err)
	}
	if err := clientcmdapi.FlattenConfig(raw); err != nil {
		return nil, fmt.Errorf("kubeconfig %s context %s: %w", kubeconfigName(ref), ref.Context, err)
	}
	return raw, nil
}

func kubeconfigName(ref *topology.ClusterRef) string {
	if ref.Kubeconfig == "" {
		return "(default: $KUBECONFIG or ~/.kube/config)"
	}
	return ref.Kubeconfig
}

// zonesHaveNodes checks that every zone has at least one node labelled with it.
func zonesHaveNodes(ctx context.Context, c kubernetes.Interface, zones []string) error {
	for _, z := range zones {
		nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: topology.LabelZone + "=" + z, Limit: 1})
		if err != nil {
			return fmt.Errorf("list the nodes of zone %s: %w", z, err)
		}
		if len(nodes.Items) == 0 {
			return fmt.Errorf("zone %s: no node is labelled %s=%s (the topology's zones must be the cluster's): %w", z, topology.LabelZone, z, framework.ErrNotFound)
		}
	}
	return nil
}
