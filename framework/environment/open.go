package environment

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

// Env is an opened environment: everything a CLI command, a drill or a
// suite needs about it, built once. Open it with Open.
type Env struct {
	Record   *Record
	Store    Store
	Topology *topology.Topology
	// Timeouts are the environment's effective timings (Record.Timeouts).
	Timeouts framework.Timeouts
	// Platform is the manifests the environment runs, focused on the entry
	// workload (fixtures.Platform.Focus).
	Platform *fixtures.Platform
	// Workloads are the workloads under test, the entry (the one clients
	// call) first.
	Workloads []fixtures.Workload
	Provider  provider.Provider
	// Clients by region name.
	Clients map[string]kubernetes.Interface
	// Agent is the data plane's control API; nil when the environment has
	// none (created with --bare).
	Agent  *dataplane.Client
	Logger *slog.Logger
}

// Open opens an environment `gameday up` made ready.
func Open(store Store, name string, log *slog.Logger) (*Env, error) {
	if log == nil {
		log = framework.DiscardLogger()
	}
	rec, err := store.Load(name)
	if err != nil {
		return nil, err
	}
	if rec.Phase != PhaseReady {
		return nil, fmt.Errorf("environment %s is %s, not ready: %w", name, rec.Phase, framework.ErrInvalid)
	}
	topo, err := topology.Load(rec.Topology)
	if err != nil {
		return nil, fmt.Errorf("environment %s: %w", rec.Name, err)
	}
	t, err := rec.Timeouts()
	if err != nil {
		return nil, err
	}
	plat, entry, err := LoadPlatform(rec.Platform, rec.Workload)
	if err != nil {
		return nil, err
	}
	workloads, err := plat.UnderTest(entry)
	if err != nil {
		return nil, err
	}
	prov, err := ProviderOf(rec, log)
	if err != nil {
		return nil, err
	}
	e := &Env{Record: rec, Store: store, Topology: topo, Timeouts: t, Platform: plat, Workloads: workloads, Provider: prov,
		Clients: map[string]kubernetes.Interface{}, Logger: log}
	if rec.AgentURL != "" {
		e.Agent = dataplane.NewClient(rec.AgentURL)
	}
	for _, r := range rec.Regions {
		c, err := cluster.Client(r.Kubeconfig)
		if err != nil {
			return nil, fmt.Errorf("environment %s region %s: %w", rec.Name, r.Name, err)
		}
		e.Clients[r.Name] = c
	}
	return e, nil
}

// Workload selects the pods of the workload under test: the Deployment's
// namespace and selector labels.
func (e *Env) Workload() fault.Selector {
	s := fault.Selector{Namespace: "default"}
	if d := e.Platform.Deployment; d != nil {
		if d.Namespace != "" {
			s.Namespace = d.Namespace
		}
		if d.Spec.Selector != nil {
			s.Labels = d.Spec.Selector.MatchLabels
		}
	}
	return s
}

// FaultOptions tune the fault target of an environment.
type FaultOptions struct {
	Guard fault.Guard
	// Seed makes random target choices repeatable (0: random).
	Seed uint64
}

// FaultTarget builds what faults run against in this environment.
func (e *Env) FaultTarget(o FaultOptions) *fault.Target {
	guard := o.Guard
	guard.AllowContexts = slices.Concat(guard.AllowContexts, e.Record.AllowContexts)
	if e.Topology.Existing != nil {
		guard.AllowContexts = append(guard.AllowContexts, e.Topology.Existing.AllowContexts...)
	}
	t := &fault.Target{
		Env: &e.Record.Environment, Topology: e.Topology, Timeouts: e.Timeouts, Clients: e.Clients,
		Provider: e.Provider, Workload: e.Workload(),
		Journal: fault.Journal{Dir: filepath.Join(e.Record.StateDir, "faults")},
		Guard:   guard, Logger: e.Logger,
	}
	if e.Agent != nil {
		t.Agent = e.Agent
	}
	if cf, ok := e.Provider.(provider.ChaosMeshFaults); ok {
		t.ChaosMesh = e.chaosMeshClients(cf.ChaosMeshNamespaces())
	}
	seed := o.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Rand = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return t
}

// chaosMeshClients returns a function giving each region's Chaos Mesh
// client, made once per region.
func (e *Env) chaosMeshClients(namespaces []string) func(region string) (*chaosmesh.Client, error) {
	var mu sync.Mutex
	made := map[string]*chaosmesh.Client{}
	return func(region string) (*chaosmesh.Client, error) {
		mu.Lock()
		defer mu.Unlock()
		if c, ok := made[region]; ok {
			return c, nil
		}
		r, err := e.Record.Region(region)
		if err != nil {
			return nil, err
		}
		cfg, err := clientcmd.BuildConfigFromFlags("", r.Kubeconfig)
		if err != nil {
			return nil, fmt.Errorf("region %s: load kubeconfig %s: %w", region, r.Kubeconfig, err)
		}
		c, err := chaosmesh.NewForConfig(cfg, chaosmesh.WithLogger(e.Logger), chaosmesh.WithControllerNamespaces(namespaces...))
		if err != nil {
			return nil, fmt.Errorf("region %s: %w", region, err)
		}
		made[region] = c
		return c, nil
	}
}
