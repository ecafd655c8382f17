package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/provider"
)

// Binaries are the tools the provider needs in its bin directory.
func Binaries() []string {
	out := []string{"kwokctl"}
	for _, b := range binaries {
		out = append(out, b)
	}
	slices.Sort(out)
	return out
}

// Provider creates sim clusters with kwokctl. Each environment gives it its
// own work directory, so environments never see each other's clusters.
type Provider struct {
	binDir  string
	workdir string
	logger  *slog.Logger
	ports   cluster.PortRegistry
	// statusUpdate is the profile's node status update period: how long a
	// node back from a failure waits before it is Ready (simapi.StartNode).
	statusUpdate time.Duration
}

var (
	_ provider.Provider               = (*Provider)(nil)
	_ provider.NodeController         = (*Provider)(nil)
	_ provider.ControlPlaneController = (*Provider)(nil)
	_ provider.PlatformAdapter        = (*Provider)(nil)
	_ provider.ProcessLister          = (*Provider)(nil)
	_ provider.PodHost                = (*Provider)(nil)
)

// Name is the provider's registered name.
const Name = "sim"

func init() {
	provider.Register(provider.Registration{
		Name: Name,
		Doc:  "one real control plane per region as local processes (kwokctl --runtime binary) with kwok-simulated GPU nodes; no Docker",
		New:  func(cfg provider.Config) (provider.Provider, error) { return New(cfg) },
	})
}

// New returns a provider running the binaries in cfg.BinDir, keeping
// kwokctl's state under cfg.Dir. Ports come from the machine-wide
// cluster.DefaultPortRegistry, so concurrent clusters of any environment
// never collide.
func New(cfg provider.Config) (*Provider, error) {
	abs, err := filepath.Abs(cfg.BinDir)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = framework.DiscardLogger()
	}
	return &Provider{binDir: abs, workdir: cfg.Dir, logger: log, ports: cluster.DefaultPortRegistry(), statusUpdate: cfg.Timeouts.NodeStatusUpdate}, nil
}

// Check verifies that every binary the provider runs is present, naming the
// missing ones (framework.ErrMissingBinary).
func (p *Provider) Check(context.Context) error {
	if missing := cluster.MissingBinaries(p.binDir, Binaries()...); len(missing) > 0 {
		return fmt.Errorf("%s not found in %s (run `make tools`): %w", strings.Join(missing, ", "), p.binDir, framework.ErrMissingBinary)
	}
	return nil
}

// Name implements provider.Provider.
func (p *Provider) Name() string { return Name }

// Create implements provider.Provider.
func (p *Provider) Create(ctx context.Context, spec provider.ClusterSpec) (*provider.Cluster, error) {
	log := p.logger.With("region", spec.Region, "cluster", spec.Name)
	if err := p.Check(ctx); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(spec.Dir, 0o755); err != nil {
		return nil, err
	}
	// kwokctl picks ports by scanning down from 32767, which races when
	// clusters are created in parallel; every port is chosen here instead.
	ports, err := p.ports.Allocate(p.owner(spec.Name), len(portOptions))
	if err != nil {
		return nil, fmt.Errorf("allocate ports for cluster %s: %w", spec.Name, err)
	}
	cfg, err := renderConfig(p.binDir, ports, spec.Timeouts)
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(spec.Dir, "kwokctl.yaml")
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		return nil, err
	}
	kubeconfig := filepath.Join(spec.Dir, "kubeconfig")
	start := time.Now()
	log.Info("starting control plane")
	if err := p.kwokctl(ctx, spec.Dir, "--name", spec.Name, "--config", cfgPath, "create", "cluster",
		"--runtime", "binary", "--kubeconfig", kubeconfig, "--wait", spec.Timeouts.ClusterCreate.String()); err != nil {
		return nil, fmt.Errorf("create cluster %s for region %s: %w", spec.Name, spec.Region, err)
	}
	log.Info("control plane ready", "took", time.Since(start).Round(time.Millisecond))
	c, err := cluster.Client(kubeconfig)
	if err != nil {
		return nil, err
	}
	start = time.Now()
	if err := registerNodes(ctx, c, spec.Nodes); err != nil {
		return nil, fmt.Errorf("register nodes of region %s: %w", spec.Region, err)
	}
	names := make([]string, len(spec.Nodes))
	for i, n := range spec.Nodes {
		names[i] = n.Name
	}
	// Every node costs the control plane a few API calls before the
	// scheduler may use it, so the wait grows with the node count.
	wait := spec.Timeouts.NodesReady + time.Duration(len(names))*100*time.Millisecond
	if err := cluster.WaitNodesReady(ctx, c, names, wait, spec.Timeouts.Poll, log); err != nil {
		// kwok-controller makes the nodes Ready: say whether it runs and what it logged.
		return nil, fmt.Errorf("region %s: %w (%s)", spec.Region, err, p.controllerState(spec.Name))
	}
	log.Info("nodes ready", "nodes", len(names), "took", time.Since(start).Round(time.Millisecond))
	return &provider.Cluster{Name: spec.Name, Region: spec.Region, Kubeconfig: kubeconfig}, nil
}

// Delete implements provider.Provider.
func (p *Provider) Delete(ctx context.Context, c provider.Cluster) error {
	name := c.Name
	if p.exists(name) {
		procs := p.clusterProcs(name)
		if err := p.kwokctl(ctx, "", "--name", name, "delete", "cluster"); err != nil {
			return fmt.Errorf("delete cluster %s: %w", name, err)
		}
		if err := awaitExit(ctx, procs, 10*time.Second); err != nil {
			return fmt.Errorf("delete cluster %s: its processes did not exit: %w", name, err)
		}
	}
	return p.ports.Release(p.owner(name))
}

// owner names a cluster in the machine-wide port registry: its name within
// this provider's work directory (two state directories may hold clusters of
// the same name).
func (p *Provider) owner(cluster string) string {
	sum := sha256.Sum256([]byte(p.workdir))
	return cluster + "@" + hex.EncodeToString(sum[:6])
}

// StopControlPlane implements provider.ControlPlaneController.
func (p *Provider) StopControlPlane(ctx context.Context, c provider.Cluster) error {
	return p.kwokctl(ctx, "", "--name", c.Name, "stop", "cluster")
}

// StartControlPlane implements provider.ControlPlaneController.
func (p *Provider) StartControlPlane(ctx context.Context, c provider.Cluster) error {
	return p.kwokctl(ctx, "", "--name", c.Name, "start", "cluster")
}

// exists reports whether kwokctl has state for the cluster.
func (p *Provider) exists(name string) bool {
	_, err := os.Stat(filepath.Join(p.workdir, "clusters", name))
	return err == nil
}

// kwokctl runs kwokctl with the provider's work directory. Its output goes to
// logDir/kwokctl.log when logDir is set, and into the error when it fails.
func (p *Provider) kwokctl(ctx context.Context, logDir string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(p.binDir, "kwokctl"), args...)
	cmd.Env = append(os.Environ(), "KWOK_WORKDIR="+p.workdir, "PATH="+p.binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	var out bytes.Buffer
	var w io.Writer = &out
	if logDir != "" {
		f, err := os.OpenFile(filepath.Join(logDir, "kwokctl.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		w = io.MultiWriter(&out, f)
	}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: %v", ctx.Err(), err)
		}
		return &framework.CommandError{Command: append([]string{"kwokctl"}, args...), Output: out.String(), Err: err}
	}
	return nil
}

// controllerState says whether a cluster's kwok-controller runs and what it
// logged last, for an error about nodes that never became Ready.
func (p *Provider) controllerState(name string) string {
	dir := filepath.Join(p.workdir, "clusters", name)
	state := "kwok-controller is not running"
	if comps, _ := Components(dir); slices.ContainsFunc(comps, func(c Component) bool { return c.Name == "kwok-controller" }) {
		state = "kwok-controller is running"
	}
	b, err := os.ReadFile(filepath.Join(dir, "logs", "kwok-controller.log"))
	if err != nil {
		return state + "; no log: " + err.Error()
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return state + "; its log ends: " + strings.Join(lines, " | ")
}
