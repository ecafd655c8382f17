package fault

import (
	"gameday.io/gameday/framework/chaosmesh"

	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"gameday.io/gameday/framework"
)

// State is where a journalled fault is in its life.
type State string

const (
	// StateInjecting: written before injection starts; the fault may be
	// partly applied.
	StateInjecting State = "injecting"
	// StateActive: injected.
	StateActive State = "active"
	// StateReverted: undone.
	StateReverted State = "reverted"
	// StateFailed: injection or revert failed; Error says why. A failed
	// fault is still reverted by recover.
	StateFailed State = "failed"
)

// Entry is one fault in the journal.
type Entry struct {
	Plan
	State      State     `json:"state"`
	PlannedAt  time.Time `json:"plannedAt"`
	InjectedAt time.Time `json:"injectedAt,omitzero"`
	Until      time.Time `json:"until,omitzero"`
	RevertedAt time.Time `json:"revertedAt,omitzero"`
	Error      string    `json:"error,omitempty"`
	// PID of the process that injected it.
	PID int `json:"pid"`
	// Result holds what the fault observed (drain: evictions and refusals).
	Result *Result `json:"result,omitempty"`
}

// Result is what a fault observed while it ran.
type Result struct {
	// Evicted and Refused count a drain's evictions: accepted, and refused
	// by the PodDisruptionBudget (HTTP 429) — each retry counts.
	Evicted int `json:"evicted"`
	Refused int `json:"refused"`
	// Remaining pods a drain could not evict.
	Remaining []string `json:"remaining,omitempty"`
	// Killed pods of a pod-kill.
	Killed []string `json:"killed,omitempty"`
	// ChaosMesh are the Chaos Mesh objects gameday applied for the fault,
	// with what their status said and when (existing clusters).
	ChaosMesh []ChaosObject `json:"chaosMesh,omitempty"`
}

// ChaosObject is one Chaos Mesh object a fault applied and its status history.
type ChaosObject struct {
	Region  string            `json:"region"`
	Object  string            `json:"object"` // "PodChaos ns/name"
	History []chaosmesh.Entry `json:"history"`
}

// Open reports whether the fault may still be in effect.
func (e *Entry) Open() bool { return e.State != StateReverted }

// Journal keeps one JSON file per fault in a directory of the environment.
type Journal struct {
	Dir string
}

// Write saves an entry atomically (write, fsync, rename).
func (j Journal) Write(e *Entry) error {
	if err := os.MkdirAll(j.Dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(j.Dir, e.ID+".json")
	f, err := os.CreateTemp(j.Dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Get reads one entry.
func (j Journal) Get(id string) (*Entry, error) {
	b, err := os.ReadFile(filepath.Join(j.Dir, filepath.Base(id)+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no fault %q in the journal %s: %w", id, j.Dir, framework.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("journal entry %s: %w", id, err)
	}
	return &e, nil
}

// List returns every entry, oldest first.
func (j Journal) List() ([]*Entry, error) {
	files, err := filepath.Glob(filepath.Join(j.Dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, f := range files {
		e, err := j.Get(filepath.Base(f[:len(f)-len(".json")]))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].PlannedAt.Before(out[b].PlannedAt) })
	return out, nil
}
