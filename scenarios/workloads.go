package scenarios

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/objectives"
)

// subject is one workload under test during a drill and what the drill
// watches of it: its Deployment's capacity in every region and, when an
// objective needs it, its pods' readiness against its PDB in the fault's
// region.
type subject struct {
	w        fixtures.Workload
	capWatch map[string]*measure.CapacityWatcher // by region
	pdb      *measure.PDBWatcher
	// What was seen, once the watchers stopped.
	capacity map[string][]measure.CapacitySample
	pdbRes   *measure.PDBResult
	pending  []string
}

func (s *subject) name() string { return s.w.Name() }

// minReady is the fewest Ready replicas the workload's PDB allows, as the
// disruption controller computes it (minAvailable or maxUnavailable,
// numbers or percentages, against the Deployment's replicas); 0 without a
// PDB.
func (s *subject) minReady() int {
	v, err := s.w.MinReady()
	if err != nil {
		return 0
	}
	return v
}

// observed is what the evaluators read of the workload.
func (s *subject) observed() objectives.Workload {
	return objectives.Workload{Name: s.name(), Capacity: s.capacity, PDB: s.pdbRes, MinAvailable: s.minReady(), Pending: s.pending}
}

// pods lists the workload's pods in a region.
func (e *Env) pods(ctx context.Context, region string, w fixtures.Workload) ([]corev1.Pod, error) {
	l, err := e.Clients[region].CoreV1().Pods(w.Namespace).List(ctx, metav1.ListOptions{LabelSelector: w.Selector})
	if err != nil {
		return nil, fmt.Errorf("list the pods of %s in %s: %w", w.Name(), region, err)
	}
	return l.Items, nil
}

// workloadNamed finds a workload under test by "name" or
// "namespace/name"; "" is the entry (the one clients call). A short name
// two namespaces share is ambiguous.
func (e *Env) workloadNamed(name string) (fixtures.Workload, error) {
	var names []string
	var hits []fixtures.Workload
	for _, w := range e.Workloads {
		if isWorkload(w.Name(), name) {
			hits = append(hits, w)
		}
		names = append(names, w.Name())
	}
	switch {
	case len(e.Workloads) == 0:
		return fixtures.Workload{}, fmt.Errorf("environment %s has no workload under test (created with --bare?): %w", e.Record.Name, framework.ErrInvalid)
	case name == "" || len(hits) == 1:
		return hits[0], nil
	case len(hits) > 1:
		return fixtures.Workload{}, fmt.Errorf("workload %q is ambiguous: %s (name it as namespace/name): %w", name, strings.Join(workloadNames(hits), ", "), framework.ErrInvalid)
	}
	return fixtures.Workload{}, fmt.Errorf("no workload under test is called %q (the platform's are %s): %w", name, strings.Join(names, ", "), framework.ErrInvalid)
}

func workloadNames(ws []fixtures.Workload) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Name()
	}
	return out
}

// checkWorkloads says at once when a scenario names a workload the
// platform does not have.
func (e *Env) checkWorkloads(s *Scenario) error {
	names := []string{s.Fault.Workload}
	for _, o := range s.Objectives {
		names = append(names, o.Workload)
	}
	for _, a := range s.Actions {
		names = append(names, a.Workload)
	}
	for _, n := range names {
		if n == "" {
			continue
		}
		if _, err := e.workloadNamed(n); err != nil {
			return fmt.Errorf("scenario %s: %w", s.Name, err)
		}
	}
	return nil
}

// isWorkload reports whether name ("name", "namespace/name", or "" for
// any) names the workload called full (namespace/name).
func isWorkload(full, name string) bool { return objectives.Workload{Name: full}.Is(name) }
