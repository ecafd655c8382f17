package environment

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/backup"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

// Options say what environment to bring up.
type Options struct {
	// Name of the environment (DefaultName when empty).
	Name string
	// Topology file (empty: the embedded fixtures/topologies/two-region.yaml).
	TopologyFile string
	// Profile of timings (framework.DefaultProfile when empty).
	Profile framework.Profile
	// BinDir holds the tool binaries (FindBinDir when empty).
	BinDir string
	// Platform is the manifests to deploy: "" (the embedded reference),
	// "remediated", or a file or directory.
	Platform string
	// Workload names the platform's entry workload, the one clients call
	// ("name" or "namespace/name"); "" lets gameday choose
	// (fixtures.Platform.Entry).
	Workload string
	// Monitoring runs a real Prometheus, Alertmanager and kube-state-metrics
	// per region beside the data plane, evaluating the platform's rules.
	Monitoring bool
	// Bare creates the clusters only: no platform, no data plane.
	Bare bool
	// Provider names the provider (provider.Default when empty).
	Provider string
	// Ephemeral marks an environment its creator tears down when it ends
	// (`gameday run`, a suite): the creating process is recorded as its
	// owner, and `gameday ls` shows it as an orphan if the owner dies first.
	Ephemeral bool
	// AllowContexts allow-lists the existing clusters' kubeconfig contexts
	// for faults (recorded, so every later command and suite honours it).
	AllowContexts []string
	// Retain keeps whatever was created when Up fails, for debugging.
	Retain bool
	// Logger receives progress (discarded when nil).
	Logger *slog.Logger

	providerNamed bool // Provider was set by the caller, not defaulted
}

// DefaultTopologyFile names the embedded topology used when
// Options.TopologyFile is empty.
const DefaultTopologyFile = fixtures.DefaultTopologyFile

// ClusterName is the provider-level name of a region's cluster.
func ClusterName(env, region string) string { return "gd-" + env + "-" + region }

func (o *Options) complete() error {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if err := ValidateName(o.Name); err != nil {
		return err
	}
	if o.Profile == "" {
		o.Profile = framework.DefaultProfile
	}
	if o.Provider == "" {
		o.Provider = provider.Default
	} else {
		o.providerNamed = true
	}
	if _, err := framework.ParseProfile(string(o.Profile)); err != nil {
		return err
	}
	if o.BinDir == "" {
		o.BinDir = FindBinDir()
	}
	abs, err := filepath.Abs(o.BinDir)
	if err != nil {
		return err
	}
	o.BinDir = abs
	if o.Logger == nil {
		o.Logger = framework.DiscardLogger()
	}
	return nil
}

// Up creates the environment: one cluster per region of the topology, in
// parallel. Bad input fails before anything is created. When a step fails,
// everything created so far is torn down (unless Retain) and the error names
// the step. An environment whose previous Up did not finish is cleaned up and
// created afresh; a ready environment of the same name is ErrExists.
func Up(ctx context.Context, store Store, o Options) (*Record, error) {
	if err := o.complete(); err != nil {
		return nil, err
	}
	topoData, topoName, err := readTopology(o.TopologyFile)
	if err != nil {
		return nil, err
	}
	topo, err := topology.Parse(topoName, topoData)
	if err != nil {
		return nil, err
	}
	if err := o.providerFor(topo); err != nil {
		return nil, err
	}
	existing := topo.IsExisting()
	var plat *fixtures.Platform
	if o.Bare && o.Monitoring {
		return nil, fmt.Errorf("--monitoring: a --bare environment runs no data plane to monitor: %w", framework.ErrInvalid)
	}
	if o.Bare && o.Workload != "" {
		return nil, fmt.Errorf("--workload %s: a --bare environment deploys no platform: %w", o.Workload, framework.ErrInvalid)
	}
	if !o.Bare {
		// A platform whose parts do not fit together (a Service selecting no
		// pod, a DestinationRule for no Service) is refused before anything
		// is created or looked for (the provider's binaries included),
		// naming the objects.
		var entry fixtures.Entry
		if plat, entry, err = LoadPlatform(o.Platform, o.Workload); err != nil {
			return nil, fmt.Errorf("platform %s: %w", platformLabel(o.Platform), err)
		}
		ws, err := plat.UnderTest(entry)
		if err != nil {
			return nil, fmt.Errorf("platform %s: %w", platformLabel(o.Platform), err)
		}
		o.Logger.Info("platform", "entry", entry.Name(), "why", entry.Why, "workloads", len(ws))
		for _, w := range ws {
			for _, n := range w.Notes {
				o.Logger.Info("platform", "workload", w.Name(), "note", n)
			}
		}
		if err := checkSensorRegion(plat, topo, o.Monitoring); err != nil {
			return nil, fmt.Errorf("platform %s: %w", platformLabel(o.Platform), err)
		}
		// The data plane seeds and serves the platform's own model bucket.
		if _, _, err := backup.PlatformBuckets(plat, topo); err != nil && !existing {
			return nil, fmt.Errorf("platform %s: %w", platformLabel(o.Platform), err)
		}
	}
	timeouts, err := framework.TimeoutsFor(o.Profile)
	if err != nil {
		return nil, err
	}
	nodes := 0
	for _, r := range topo.Regions {
		nodes += len(topo.Nodes(r.Name))
	}
	if scaled := timeouts.ForNodes(nodes); scaled != timeouts {
		o.Logger.Info("lengthening node heartbeats for the node count", "nodes", nodes,
			"lease", scaled.NodeLeaseDuration, "grace", scaled.NodeMonitorGracePeriod)
		timeouts = scaled
	}
	dir := store.Dir(o.Name)
	pcfg := providerConfig(o.BinDir, dir, o.Name, o.Provider, o.Logger)
	pcfg.Timeouts = timeouts
	prov, err := provider.New(o.Provider, pcfg)
	if err != nil {
		return nil, err
	}
	if err := prov.Check(ctx); err != nil {
		return nil, err
	}
	if !o.Bare && !existing {
		if err := RequireBinaries(o.BinDir, "gameday", "inference-sim", "versitygw"); err != nil {
			return nil, fmt.Errorf("%w (gameday and inference-sim come from `make build`)", err)
		}
		if o.Monitoring {
			if err := RequireBinaries(o.BinDir, "prometheus", "alertmanager", "kube-state-metrics"); err != nil {
				return nil, fmt.Errorf("%w (the monitoring stack comes from `make tools`)", err)
			}
		}
	}
	unlock, err := store.Lock(o.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if prev, err := store.Load(o.Name); err == nil {
		if prev.Phase == PhaseReady {
			return nil, fmt.Errorf("environment %q already exists (created %s); remove it with `gameday down --name %s` or pick another --name: %w",
				o.Name, prev.CreatedAt.Format(time.RFC3339), o.Name, framework.ErrExists)
		}
		o.Logger.Warn("a previous `up` did not finish; cleaning up before starting again", "env", o.Name, "phase", prev.Phase)
		if err := teardown(ctx, store, prev, o.Logger); err != nil {
			return nil, fmt.Errorf("clean up the unfinished environment %q: %w", o.Name, err)
		}
	}

	rec := &Record{
		Environment: framework.Environment{
			Name: o.Name, Provider: prov.Name(), Profile: o.Profile, StateDir: dir,
			Topology: topoName, CreatedByGameday: !existing,
		},
		Platform:      o.Platform,
		Workload:      o.Workload,
		Monitoring:    o.Monitoring,
		AllowContexts: o.AllowContexts,
		Nodes:         nodes,
		Phase:         PhaseCreating,
		CreatedAt:     time.Now().UTC(),
		BinDir:        o.BinDir,
	}
	if o.Ephemeral {
		rec.Owner = self(strings.Join(os.Args, " "))
	}
	for _, r := range topo.Regions {
		cdir := filepath.Join(dir, "regions", r.Name)
		rec.Regions = append(rec.Regions, framework.Region{
			Name: r.Name, Role: r.Role, Zones: r.ZoneNames(),
			Cluster: ClusterName(o.Name, r.Name), Kubeconfig: filepath.Join(cdir, "kubeconfig"),
			StorageURL: r.StorageEndpoint,
		})
	}
	if existing {
		rec.URL = topo.Existing.URL
	}
	// The topology is kept with the environment, which stays usable wherever
	// the file it came from goes.
	if err := os.WriteFile(filepath.Join(dir, "topology.yaml"), topoData, 0o644); err != nil {
		return nil, err
	}
	rec.Topology = filepath.Join(dir, "topology.yaml")
	// Saved before anything is created, so a killed `up` leaves enough for `down`.
	if err := store.Save(rec); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := createClusters(ctx, prov, topo, timeouts, rec); err != nil {
		return nil, failed(ctx, store, rec, o, err)
	}
	if plat != nil && !existing {
		if err := deployPlatform(ctx, store, rec, prov, plat, timeouts, o.Logger); err != nil {
			return nil, failed(ctx, store, rec, o, err)
		}
	}
	rec.Phase = PhaseReady
	if err := store.Save(rec); err != nil {
		return nil, err
	}
	o.Logger.Info("environment ready", "env", o.Name, "regions", len(rec.Regions), "took", time.Since(start).Round(time.Millisecond))
	return rec, nil
}

// providerFor picks the provider of an existing topology when none is named,
// and refuses a provider that does not fit the topology: existing clusters
// are only adopted, and the other providers need nodes to create.
func (o *Options) providerFor(topo *topology.Topology) error {
	const existing = provider.Existing
	switch {
	case topo.IsExisting() && o.Provider == provider.Default && !o.providerNamed:
		o.Provider = existing
	case topo.IsExisting() && o.Provider != existing:
		return fmt.Errorf("topology %s names existing clusters (regions[].cluster): use --provider existing, not %s: %w", topo.File, o.Provider, framework.ErrInvalid)
	case !topo.IsExisting() && o.Provider == existing:
		return fmt.Errorf("--provider existing needs a topology naming each region's cluster (regions[].cluster.context and existing.url); %s names none: %w", topo.File, framework.ErrInvalid)
	}
	if o.Provider == existing && o.Monitoring {
		return fmt.Errorf("--monitoring: on existing clusters gameday does not run its own Prometheus; drill them without it: %w", framework.ErrInvalid)
	}
	return nil
}

// createClusters creates every region's cluster concurrently.
func createClusters(ctx context.Context, p provider.Provider, topo *topology.Topology, t framework.Timeouts, rec *Record) error {
	g, ctx := errgroup.WithContext(ctx)
	for i := range rec.Regions {
		r := &rec.Regions[i]
		g.Go(func() error {
			tr, err := topo.Region(r.Name)
			if err != nil {
				return err
			}
			c, err := p.Create(ctx, provider.ClusterSpec{
				Name: r.Cluster, Region: r.Name, Nodes: topo.Nodes(r.Name), Timeouts: t,
				Dir: filepath.Dir(r.Kubeconfig), Zones: r.Zones, Existing: tr.Cluster,
			})
			if err != nil {
				return err
			}
			r.Kubeconfig, r.Context = c.Kubeconfig, c.Context
			return nil
		})
	}
	return g.Wait()
}

// failed handles a failed Up: tear down (unless Retain) and return the cause.
func failed(ctx context.Context, store Store, rec *Record, o Options, cause error) error {
	rec.Phase, rec.Error = PhaseFailed, cause.Error()
	_ = store.Save(rec)
	if o.Retain {
		o.Logger.Warn("up failed; keeping what was created (--retain)", "env", rec.Name, "state", rec.StateDir)
		return cause
	}
	// The caller's context may be what failed; teardown gets its own.
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout(rec))
	defer cancel()
	if err := teardown(tctx, store, rec, o.Logger); err != nil {
		return errors.Join(cause, fmt.Errorf("tear down after failure: %w", err))
	}
	return cause
}

// readTopology reads the topology file, or the embedded default when path
// is empty (never a file looked for relative to the binary or the working
// directory).
func readTopology(path string) (data []byte, name string, err error) {
	if path == "" {
		data, err = fs.ReadFile(fixtures.FS(), strings.TrimPrefix(fixtures.DefaultTopologyFile, "fixtures/"))
		return data, fixtures.DefaultTopologyFile, err
	}
	data, err = os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, path, fmt.Errorf("topology file %s: %w", path, framework.ErrNotFound)
	}
	return data, path, err
}

// providerConfig is what an environment's provider is constructed with: its
// files live in the environment's state directory, under the provider's name.
func providerConfig(binDir, envDir, env, name string, log *slog.Logger) provider.Config {
	dir := filepath.Join(envDir, name)
	if name == "sim" {
		dir = filepath.Join(envDir, "kwok") // where environments of earlier versions keep it
	}
	return provider.Config{BinDir: binDir, Dir: dir, Env: env, Logger: log}
}

func platformLabel(p string) string {
	if p == "" {
		return "reference"
	}
	return p
}

// checkSensorRegion refuses, with monitoring (which carries the Sensor
// out), a Sensor pinned to a region the topology does not have.
func checkSensorRegion(p *fixtures.Platform, topo *topology.Topology, monitoring bool) error {
	if !monitoring || p.Sensor == nil {
		return nil
	}
	var names []string
	for _, tr := range topo.Regions {
		names = append(names, tr.Name)
	}
	_, err := dataplane.SensorRegion(p.Sensor, "topology "+topo.Metadata.Name, names)
	return err
}
