package fault

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"

	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/topology"
)

// Options tune a Target built from an environment.
type Options struct {
	Guard  Guard
	Logger *slog.Logger
	// Seed makes random target choices repeatable (0: random).
	Seed uint64
}

// ForEnvironment builds the Target for an environment gameday keeps.
func ForEnvironment(rec *environment.Record, o Options) (*Target, error) {
	topo, err := topology.Load(rec.Topology)
	if err != nil {
		return nil, fmt.Errorf("environment %s: %w", rec.Name, err)
	}
	to, err := rec.Timeouts()
	if err != nil {
		return nil, err
	}
	plat, err := environment.LoadPlatform(rec.Platform)
	if err != nil {
		return nil, err
	}
	t := &Target{
		Env: &rec.Environment, Topology: topo, Timeouts: to,
		Namespace: "ml-serving", App: "inference",
		Journal: Journal{Dir: filepath.Join(rec.StateDir, "faults")},
		Guard:   o.Guard, Logger: o.Logger,
	}
	if d := plat.Deployment; d != nil {
		if d.Namespace != "" {
			t.Namespace = d.Namespace
		}
		if d.Spec.Selector != nil && d.Spec.Selector.MatchLabels["app"] != "" {
			t.App = d.Spec.Selector.MatchLabels["app"]
		}
	}
	if rec.AgentURL != "" {
		t.Agent = dataplane.NewClient(rec.AgentURL)
	}
	seed := o.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Rand = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return t, nil
}
