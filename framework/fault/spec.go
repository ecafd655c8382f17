package fault

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
)

// Kind names a fault.
type Kind string

// The fault kinds.
const (
	PodKill       Kind = "pod-kill"
	NodeLoss      Kind = "node-loss"
	ZoneOutage    Kind = "zone-outage"
	StorageOutage Kind = "storage-outage"
	RegionOutage  Kind = "region-outage"
	Partition     Kind = "partition"
	Drain         Kind = "drain"
)

// DefaultDuration bounds a fault when none is given.
const DefaultDuration = 5 * time.Minute

// MaxDuration is the longest a fault may last.
const MaxDuration = 24 * time.Hour

// Spec is what the user asks for: a kind and its target.
type Spec struct {
	Kind Kind `json:"kind"`
	// Region, Zone, Node select what fails; which are needed depends on Kind.
	Region string `json:"region,omitempty"`
	Zone   string `json:"zone,omitempty"`
	Node   string `json:"node,omitempty"`
	// Pod is the pod a pod-kill kills (default: one chosen at random).
	Pod string `json:"pod,omitempty"`
	// Peer is the other region of a partition.
	Peer string `json:"peer,omitempty"`
	// Mode of a storage outage (storage.CacheFault; default backend-error).
	Mode string `json:"mode,omitempty"`
	// Duration is how long the fault lasts before it is reverted.
	Duration time.Duration `json:"duration"`
}

// String renders a spec in the form Parse reads.
func (s Spec) String() string {
	parts := []string{string(s.Kind)}
	for _, kv := range [][2]string{{"region", s.Region}, {"zone", s.Zone}, {"node", s.Node}, {"pod", s.Pod}, {"peer", s.Peer}, {"mode", s.Mode}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if s.Duration != 0 {
		parts = append(parts, "duration="+s.Duration.String())
	}
	return strings.Join(parts, " ")
}

// Parse reads a spec written as `KIND key=value ...`, e.g.
// "zone-outage zone=us-east1-a duration=2m". It checks the syntax and the
// values' forms; Validate checks them against a topology.
func Parse(text string) (Spec, error) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return Spec{}, fmt.Errorf("empty fault spec: want KIND key=value...: %w", framework.ErrInvalid)
	}
	s := Spec{Kind: Kind(fields[0])}
	if _, err := Lookup(s.Kind); err != nil {
		return s, err
	}
	seen := map[string]bool{}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok || v == "" {
			return s, fmt.Errorf("fault spec %q: %q is not key=value: %w", text, f, framework.ErrInvalid)
		}
		if seen[k] {
			return s, fmt.Errorf("fault spec %q: %s given twice: %w", text, k, framework.ErrInvalid)
		}
		seen[k] = true
		switch k {
		case "region":
			s.Region = v
		case "zone":
			s.Zone = v
		case "node":
			s.Node = v
		case "pod":
			s.Pod = v
		case "peer":
			s.Peer = v
		case "mode":
			s.Mode = v
		case "duration":
			d, err := parseDuration(v)
			if err != nil {
				return s, fmt.Errorf("fault spec %q: duration: %w", text, err)
			}
			s.Duration = d
		default:
			return s, fmt.Errorf("fault spec %q: unknown key %q (want region, zone, node, pod, peer, mode, duration): %w", text, k, framework.ErrInvalid)
		}
	}
	return s, s.CheckForm()
}

func parseDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		if n, nerr := strconv.Atoi(v); nerr == nil {
			return 0, fmt.Errorf("%q has no unit (did you mean %ds?): %w", v, n, framework.ErrInvalid)
		}
		return 0, fmt.Errorf("%q is not a duration: %w", v, framework.ErrInvalid)
	}
	return d, nil
}

// CheckForm checks what can be checked without a topology.
func (s Spec) CheckForm() error {
	d, err := Lookup(s.Kind)
	if err != nil {
		return err
	}
	if s.Duration < 0 {
		return fmt.Errorf("%s: duration %s is negative: %w", s.Kind, s.Duration, framework.ErrInvalid)
	}
	if s.Duration > MaxDuration {
		return fmt.Errorf("%s: duration %s exceeds the maximum %s: %w", s.Kind, s.Duration, MaxDuration, framework.ErrInvalid)
	}
	// Zone and node place any fault (they name its region); the other
	// parameters mean something only to the kinds that take them.
	for _, kv := range [][2]string{{"pod", s.Pod}, {"peer", s.Peer}, {"mode", s.Mode}} {
		if kv[1] != "" && !slices.Contains(d.Params, kv[0]) {
			return fmt.Errorf("%s: %s applies to %s only: %w", s.Kind, kv[0], strings.Join(takenBy(kv[0]), ", "), framework.ErrInvalid)
		}
	}
	if d.Check != nil {
		return d.Check(s)
	}
	return nil
}

// Validate checks a spec against the environment's topology and fills in
// what the topology implies (the region of a zone or node, the default
// duration); the kind then checks its own parameters and defaults.
func (s *Spec) Validate(topo *topology.Topology) error {
	if err := s.CheckForm(); err != nil {
		return err
	}
	d, _ := Lookup(s.Kind)
	if s.Duration == 0 {
		if !d.Instant {
			return fmt.Errorf("%s: a duration is required (every fault must end; e.g. --duration 2m): %w", s.Kind, framework.ErrInvalid)
		}
		s.Duration = time.Second // an instant fault is over once injected
	}
	if s.Zone != "" {
		r, _, err := topo.Zone(s.Zone)
		if err != nil {
			return fmt.Errorf("%s: %w: %w", s.Kind, err, framework.ErrInvalid)
		}
		if s.Region != "" && s.Region != r.Name {
			return fmt.Errorf("%s: zone %s is in region %s, not %s: %w", s.Kind, s.Zone, r.Name, s.Region, framework.ErrInvalid)
		}
		s.Region = r.Name
	}
	if s.Node != "" {
		region := ""
		for _, r := range topo.Regions {
			for _, n := range topo.Nodes(r.Name) {
				if n.Name == s.Node {
					region = r.Name
					if s.Zone != "" && s.Zone != n.Zone {
						return fmt.Errorf("%s: node %s is in zone %s, not %s: %w", s.Kind, s.Node, n.Zone, s.Zone, framework.ErrInvalid)
					}
				}
			}
		}
		if region == "" {
			return fmt.Errorf("%s: node %q is not in the topology: %w", s.Kind, s.Node, framework.ErrInvalid)
		}
		s.Region = region
	}
	if s.Region == "" {
		if p, err := primaryOf(topo); err == nil {
			s.Region = p
		}
	}
	if _, err := topo.Region(s.Region); err != nil {
		return fmt.Errorf("%s: %w: %w", s.Kind, err, framework.ErrInvalid)
	}
	return d.Impl.Validate(s, topo)
}

// Need returns the refusal for a spec that lacks a parameter when cond is false.
func Need(s *Spec, cond bool, what string) error {
	if !cond {
		return fmt.Errorf("%s needs %s: %w", s.Kind, what, framework.ErrInvalid)
	}
	return nil
}

func primaryOf(topo *topology.Topology) (string, error) {
	for _, r := range topo.Regions {
		if r.Role == framework.RolePrimary {
			return r.Name, nil
		}
	}
	return "", framework.ErrNotFound
}
