package scenarios

import (
	"fmt"
	"slices"
	"sort"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/fault"
)

// ZoneOutage loses every node of the primary region's first zone at once
// under load. The reference's DoNotSchedule spread keeps the replacements
// Pending while the zone is down.
//
// Every traffic drill of a fault the platform has alerts for judges them
// when the environment runs monitoring (alert-fires; without monitoring
// that objective gives nothing).
func ZoneOutage() *Scenario {
	return &Scenario{
		Name:        "zone-outage",
		Description: "every node of one zone of the primary region stops at once under load; the gateway must eject the dead endpoints and capacity must come back in the surviving zone",
		Labels:      []string{"zone", "disruptive"},
		Fault:       Fault{Kind: "zone-outage", Region: "primary", Zone: "first"},
		Objectives: []Objective{
			{Kind: "rto"},
			{Kind: "min-ready", Region: "primary"},
			{Kind: "capacity-during-fault", Region: "primary"},
			{Kind: "error-budget", Phase: "baseline", Target: "0.001"},
			{Kind: "capacity-after-revert"},
			{Kind: "alert-fires"},
		},
	}
}

// NodeLoss loses one node that runs an inference pod.
func NodeLoss() *Scenario {
	return &Scenario{
		Name:        "node-loss",
		Description: "the GPU node running the most inference pods loses power; the control plane notices after its grace period and reschedules its pods",
		Labels:      []string{"node", "disruptive"},
		Fault:       Fault{Kind: "node-loss", Region: "primary", Node: "auto"},
		Objectives: []Objective{
			{Kind: "rto"},
			{Kind: "capacity-during-fault", Region: "primary"},
			{Kind: "error-budget", Phase: "baseline", Target: "0.001"},
			{Kind: "capacity-after-revert"},
			{Kind: "alert-fires"},
		},
	}
}

// StorageOutage makes the primary region's model storage and cache fail,
// and kills a pod during the outage: running servers keep serving from
// memory, the replacement cannot load its model until storage returns.
func StorageOutage() *Scenario {
	return &Scenario{
		Name:        "storage-outage",
		Description: "the primary region's model storage and regional cache fail; running servers keep serving from memory while a replacement pod cannot load its model",
		Labels:      []string{"storage", "disruptive"},
		Fault:       Fault{Kind: "storage-outage", Region: "primary", Mode: "cache-error"},
		Actions:     []Action{{Do: "pod-kill", Region: "primary", After: "3s"}},
		Objectives: []Objective{
			{Kind: "rto"},
			{Kind: "error-budget", Phase: "fault", Target: "0.01"},
			{Kind: "capacity-after-revert"},
			{Kind: "alert-fires"},
		},
	}
}

// RegionOutage takes the primary region down and follows the platform's
// runbook: once the alert that starts it would fire, switch DNS away from
// the primary and scale the DR region as the runbook's `kubectl scale`
// commands say. The global load balancer has moved traffic on its own
// health checks by then; the switch keeps it away until the drill fails
// back after the revert.
func RegionOutage() *Scenario {
	return &Scenario{
		Name:        "region-outage",
		Description: "the primary region goes down (nodes, servers, gateway, storage, control plane); traffic must fail over to the DR region, which the platform's runbook scales up",
		Labels:      []string{"region", "disruptive"},
		Load:        Load{ClientRegions: []string{"primary"}},
		Fault:       Fault{Kind: "region-outage", Region: "primary"},
		Actions: []Action{
			{Do: "switch-traffic", Region: "primary", After: "alert"},
			{Do: "scale", Region: "dr", After: "alert"},
		},
		Objectives: []Objective{
			{Kind: "rto"},
			{Kind: "failover", Region: "dr"},
			{Kind: "failover-order", Region: "dr"},
			{Kind: "dr-capacity", Region: "dr"},
			{Kind: "error-budget", Phase: "baseline", Target: "0.001"},
			{Kind: "capacity-after-revert"},
			{Kind: "alert-fires"},
			{Kind: "alert-to-failover", Region: "dr"},
		},
	}
}

// ZoneDrain is a voluntary disruption: drain a zone through the Eviction
// API; the PDB must hold and the drain should be able to finish.
func ZoneDrain() *Scenario {
	return &Scenario{
		Name:        "zone-drain",
		Description: "drain one zone of the primary region through the Eviction API (zone maintenance); the PodDisruptionBudget must hold and the drain must be able to finish",
		Labels:      []string{"pdb", "disruptive"},
		Fault:       Fault{Kind: "drain", Region: "primary", Zone: "first"},
		Objectives: []Objective{
			{Kind: "min-ready", Region: "primary"},
			{Kind: "drain-completes"},
			{Kind: "rto"},
			{Kind: "capacity-after-revert"},
		},
	}
}

// RPO loses the primary's model storage at the worst instant of the
// platform's model backup schedule and restores the latest backup.
func RPO() *Scenario {
	return &Scenario{
		Name:        "rpo",
		Description: "model storage of the primary region is lost just before a scheduled backup (and at a seeded random instant); the latest backup is restored into the DR region and verified",
		Labels:      []string{"rpo"},
		Type:        TypeRPO,
		Objectives:  []Objective{{Kind: "rpo"}},
	}
}

// builders by scenario name.
var builders = map[string]func() *Scenario{
	"zone-outage":    ZoneOutage,
	"node-loss":      NodeLoss,
	"storage-outage": StorageOutage,
	"region-outage":  RegionOutage,
	"zone-drain":     ZoneDrain,
	"rpo":            RPO,
}

// Suites maps the suite names of `gameday run --suite` to scenarios.
var Suites = map[string]string{
	"zone": "zone-outage", "node": "node-loss", "storage": "storage-outage",
	"region": "region-outage", "pdb": "zone-drain", "rpo": "rpo",
}

// SuiteNames lists the suites in run order.
func SuiteNames() []string { return []string{"zone", "node", "storage", "region", "pdb", "rpo"} }

// Names lists the built-in scenarios.
func Names() []string {
	out := make([]string, 0, len(builders))
	for n := range builders {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Builtin returns a fresh copy of a built-in scenario.
func Builtin(name string) (*Scenario, error) {
	b, ok := builders[name]
	if !ok {
		return nil, fmt.Errorf("unknown scenario %q (built-in: %v): %w", name, Names(), framework.ErrInvalid)
	}
	s := b()
	s.APIVersion, s.Kind = APIVersion, KindScenario
	if s.Type == "" {
		s.Type = TypeTraffic
	}
	return s, nil
}

// HasLabel reports whether the scenario carries label.
func (s *Scenario) HasLabel(label string) bool { return slices.Contains(s.Labels, label) }

// SuiteFaults lists the fault kinds the suites' drills inject, in suite
// order without repeats ("all" or none: every suite).
func SuiteFaults(suites []string) ([]fault.Kind, error) {
	if len(suites) == 0 || slices.Contains(suites, "all") {
		suites = SuiteNames()
	}
	var out []fault.Kind
	for _, s := range suites {
		name, ok := Suites[s]
		if !ok {
			return nil, fmt.Errorf("unknown suite %q (want one of %v): %w", s, SuiteNames(), framework.ErrInvalid)
		}
		sc, err := Builtin(name)
		if err != nil {
			return nil, err
		}
		if k := fault.Kind(sc.Fault.Kind); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}
