package provider

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"gameday.io/gameday/framework"
)

// Factory constructs a provider.
type Factory func(Config) (Provider, error)

// Registration is one provider kind in the registry.
type Registration struct {
	Name string
	// Doc is one line for --help.
	Doc string
	New Factory
}

var (
	mu       sync.RWMutex
	registry = map[string]Registration{}
)

// Register adds a provider; providers call it from init. Registering a
// name twice panics (a programming error, found at start-up).
func Register(r Registration) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[r.Name]; dup {
		panic("provider " + r.Name + " registered twice")
	}
	registry[r.Name] = r
}

// New constructs the named provider.
func New(name string, cfg Config) (Provider, error) {
	mu.RLock()
	r, ok := registry[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown provider %q (want one of %v): %w", name, Names(), framework.ErrInvalid)
	}
	if cfg.Logger == nil {
		cfg.Logger = framework.DiscardLogger()
	}
	return r.New(cfg)
}

// Names lists the registered providers, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Registrations lists the registered providers, sorted by name.
func Registrations() []Registration {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Registration, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Registration) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// Default is the provider used when none is named.
const Default = "sim"

// Existing is the name of the provider of clusters gameday did not create.
const Existing = "existing"
