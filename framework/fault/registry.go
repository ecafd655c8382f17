package fault

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
)

// Impl carries out one kind of fault. Every method must be safe to call
// again after a partial failure (recover reverts whatever was journalled).
type Impl interface {
	// Validate checks the kind's own parameters against the topology and
	// fills in its defaults (the generic checks have run).
	Validate(s *Spec, topo *topology.Topology) error
	// Plan resolves targets into p without changing anything.
	Plan(ctx context.Context, t *Target, p *Plan) error
	// Inject applies p until `until`; the plan is journalled already.
	Inject(ctx context.Context, t *Target, p *Plan, until time.Time, res *Result) error
	// Revert undoes p; it must be safe after a partial inject and when run twice.
	Revert(ctx context.Context, t *Target, p *Plan) error
}

// Definition is one fault kind in the registry: everything the CLI's help,
// validation, drills and Chaos Mesh need to know about it.
type Definition struct {
	Kind Kind
	// Help is one line for `gameday inject --help`.
	Help string
	// Params are the spec keys the kind takes besides duration (region,
	// zone, node, pod, peer, mode).
	Params []string
	// Check checks the kind's parameters without a topology (optional).
	Check func(s Spec) error
	// DefaultHold is how long a drill holds the fault when its scenario
	// leaves it open, from the profile's timings.
	DefaultHold func(t framework.Timeouts) time.Duration
	// ChaosMesh describes a plan as a Chaos Mesh object; nil when Chaos
	// Mesh has no kind for the fault.
	ChaosMesh func(p *Plan, sel Selector) (any, error)
	// Instant faults are over once injected (nothing stays to revert).
	Instant bool
	// Foreground faults run their course inside Inject (a drain evicts
	// until its time runs out), so they cannot be detached.
	Foreground bool
	Impl       Impl
}

var (
	regMu    sync.RWMutex
	registry = map[Kind]Definition{}
)

// Register adds a fault kind; kinds call it from init. Registering a kind
// twice, or without an implementation, panics (a programming error).
func Register(d Definition) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[d.Kind]; dup || d.Impl == nil || d.DefaultHold == nil {
		panic(fmt.Sprintf("fault kind %q registered twice or incompletely", d.Kind))
	}
	registry[d.Kind] = d
}

// Lookup returns a registered kind.
func Lookup(k Kind) (Definition, error) {
	regMu.RLock()
	d, ok := registry[k]
	regMu.RUnlock()
	if !ok {
		return Definition{}, fmt.Errorf("unknown fault kind %q (want one of %v): %w", k, Kinds(), framework.ErrInvalid)
	}
	return d, nil
}

// Kinds lists the registered kinds, sorted.
func Kinds() []Kind {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]Kind, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Help lists the kinds for --help, one line each with their parameters.
func Help() string {
	var b strings.Builder
	for _, k := range Kinds() {
		d, _ := Lookup(k)
		params := ""
		if len(d.Params) > 0 {
			params = " (--" + strings.Join(d.Params, ", --") + ")"
		}
		fmt.Fprintf(&b, "  %-15s %s%s\n", k, d.Help, params)
	}
	return b.String()
}

// DefaultHold is how long a drill holds a fault of kind k in a profile.
func DefaultHold(k Kind, t framework.Timeouts) (time.Duration, error) {
	d, err := Lookup(k)
	if err != nil {
		return 0, err
	}
	return d.DefaultHold(t), nil
}

// takes reports whether kind k takes parameter key.
func takes(k Kind, key string) bool {
	d, err := Lookup(k)
	return err == nil && slices.Contains(d.Params, key)
}

// takenBy lists the kinds that take a parameter.
func takenBy(key string) []string {
	var out []string
	for _, k := range Kinds() {
		if takes(k, key) {
			out = append(out, string(k))
		}
	}
	return out
}
