package kind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

// Images the provider runs, built by hack/kind/build-images.sh.
const (
	// DefaultNodeImage is the control-plane node image (every kubeadm image preloaded).
	DefaultNodeImage = "gameday/kind-node:v1.37.2"
	// DefaultWorkerImage is the worker node image (pause, kube-proxy, CoreDNS preloaded).
	DefaultWorkerImage = "gameday/kind-node-worker:v1.37.2"
	// DefaultInferenceImage is the inference server loaded into every node.
	DefaultInferenceImage = "gameday/inference-sim:dev"
	// NamePrefix starts the name of every kind cluster this provider creates.
	NamePrefix = "gdk-"
	// LabelTopologyNode names the topology node a Kubernetes node stands for.
	LabelTopologyNode = topology.LabelNode
)

// The provider-level types (provider.Config and friends), named here for
// the package's own code.
type (
	Config      = provider.Config
	ClusterSpec = provider.ClusterSpec
	Cluster     = provider.Cluster
)

// Name is the provider's registered name.
const Name = "kind"

func init() {
	provider.Register(provider.Registration{
		Name: Name,
		Doc:  "one real kind cluster per region (Docker, kubelets v1.37.2, images built offline by hack/kind); node loss = docker pause",
		New:  func(cfg provider.Config) (provider.Provider, error) { return New(cfg) },
	})
}

var (
	_ provider.Provider               = (*Provider)(nil)
	_ provider.NodeController         = (*Provider)(nil)
	_ provider.ControlPlaneController = (*Provider)(nil)
	_ provider.PlatformAdapter        = (*Provider)(nil)
)

// Provider creates one kind cluster per region. Safe for concurrent use:
// regions are created in parallel.
type Provider struct {
	cfg Config
	// NodeImage, WorkerImage and InferenceImage default to the Default* images.
	NodeImage, WorkerImage, InferenceImage string
	// SubnetDir holds the machine-wide subnet allocations (default
	// ${XDG_CACHE_HOME:-~/.cache}/gameday/kind/subnets).
	SubnetDir string
	// Retain keeps the cluster of a failed Create for debugging (Delete removes it).
	Retain bool

	mu    sync.Mutex   // serialises subnet allocation
	netMu sync.RWMutex // creates hold it shared, the removal of the network exclusively
}

// New returns a kind provider for one environment.
func New(cfg Config) (*Provider, error) {
	if cfg.Dir == "" || cfg.Env == "" {
		return nil, fmt.Errorf("kind provider config: Dir and Env are required: %w", framework.ErrInvalid)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("kind provider: %w", err)
	}
	return &Provider{
		cfg: cfg, NodeImage: DefaultNodeImage, WorkerImage: DefaultWorkerImage,
		InferenceImage: DefaultInferenceImage, SubnetDir: filepath.Join(cache, "gameday", "kind", "subnets"),
	}, nil
}

// Name returns "kind".
func (p *Provider) Name() string { return Name }

// Network is the docker network every cluster of the environment joins.
func (p *Provider) Network() string { return NamePrefix + p.cfg.Env }

// Check reports what is missing to create clusters: the docker client, an
// engine that answers, the node and inference images, the ip tool for host
// routes. Missing programs wrap framework.ErrMissingBinary, missing images
// framework.ErrNotFound, each naming the remedy.
func (p *Provider) Check(ctx context.Context) error {
	var errs []error
	for _, b := range []string{"docker", "ip"} {
		if _, err := exec.LookPath(b); err != nil {
			errs = append(errs, fmt.Errorf("%s not on PATH (hack/kind/ensure-docker.sh installs docker.io): %w", b, framework.ErrMissingBinary))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if _, err := docker(ctx, "info", "-f", "{{.ServerVersion}}"); err != nil {
		return fmt.Errorf("no Docker engine answers (run hack/kind/ensure-docker.sh): %w", err)
	}
	for _, img := range []string{p.NodeImage, p.WorkerImage, p.InferenceImage} {
		if _, err := docker(ctx, "image", "inspect", "-f", "{{.Id}}", img); err != nil {
			errs = append(errs, fmt.Errorf("image %s is missing (run hack/kind/build-images.sh): %w", img, framework.ErrNotFound))
		}
	}
	return errors.Join(errs...)
}

// HostAddress returns this machine's address on the environment's docker
// network (its gateway): where pods reach gameday's storage and gateways.
func (p *Provider) HostAddress(ctx context.Context) (string, error) {
	out, err := docker(ctx, "network", "inspect", "-f", "{{range .IPAM.Config}}{{.Gateway}} {{end}}", p.Network())
	if err != nil {
		return "", fmt.Errorf("host address on docker network %s: %w", p.Network(), err)
	}
	for _, gw := range strings.Fields(out) {
		if !strings.Contains(gw, ":") {
			return gw, nil
		}
	}
	return "", fmt.Errorf("docker network %s has no IPv4 gateway: %w", p.Network(), framework.ErrNotFound)
}

// kindName is the kind cluster name for a provider-level cluster name.
func kindName(name string) string {
	if strings.HasPrefix(name, NamePrefix) {
		return name
	}
	return NamePrefix + name
}
