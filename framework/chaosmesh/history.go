package chaosmesh

import (
	"context"
	"fmt"
	"sync"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
)

// What an Entry records.
const (
	// EntryCondition is a change of a status condition (Selected, AllInjected,
	// AllRecovered, Paused); Value is "True", "False" or "Unknown".
	EntryCondition = "condition"
	// EntryPhase is a change of status.experiment.desiredPhase ("Run", "Stop").
	EntryPhase = "desiredPhase"
	// EntryTarget is a change of one target's phase ("Injected", "Not Injected");
	// Name is the target's record id (e.g. "ns/pod").
	EntryTarget = "target"
	// EntryFailure is a failed record event reported by the controller
	// (repeats of the same message are recorded once); Name is the target,
	// Value "Apply" or "Recover", Reason the message.
	EntryFailure = "failure"
	// EntryDeleted is the object's removal.
	EntryDeleted = "deleted"
)

// Entry is one change gameday saw in an object's status.
type Entry struct {
	// At is when gameday observed the change (Chaos Mesh conditions carry no time).
	At     time.Time `json:"at"`
	What   string    `json:"what"`
	Name   string    `json:"name,omitempty"`
	Value  string    `json:"value,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

// String returns e.g. "AllInjected=True" or "target ns/pod: Injected".
func (e Entry) String() string {
	s := ""
	switch e.What {
	case EntryCondition:
		s = e.Name + "=" + e.Value
	case EntryPhase:
		s = "desiredPhase=" + e.Value
	case EntryTarget:
		s = "target " + e.Name + ": " + e.Value
	case EntryFailure:
		s = "failed " + e.Value + " on " + e.Name
	default:
		s = e.What
	}
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	return s
}

// History is the status history of one object, filled by Watch.
// Its methods are safe for concurrent use.
type History struct {
	ref      Ref
	mu       sync.Mutex
	entries  []Entry
	conds    map[string]string
	phase    string
	targets  map[string]string
	failures map[string]string // last failure message per target and operation
	deleted  bool
	changed  chan struct{} // closed and replaced on every new entry
}

func newHistory(ref Ref) *History {
	return &History{ref: ref, conds: map[string]string{}, targets: map[string]string{}, failures: map[string]string{}, changed: make(chan struct{})}
}

// Ref returns the object the history is about.
func (h *History) Ref() Ref { return h.ref }

// Entries returns a copy of the entries, oldest first.
func (h *History) Entries() []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Entry(nil), h.entries...)
}

// First returns the first entry that matches what, name and value ("" matches any).
func (h *History) First(what, name, value string) (Entry, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.first(what, name, value)
}

func (h *History) first(what, name, value string) (Entry, bool) {
	for _, e := range h.entries {
		if e.What == what && (name == "" || e.Name == name) && (value == "" || e.Value == value) {
			return e, true
		}
	}
	return Entry{}, false
}

// WaitFor waits until an entry matching what, name and value ("" matches any)
// is recorded and returns it. It gives up when ctx ends, and at once when the
// object is deleted without the entry ever appearing.
func (h *History) WaitFor(ctx context.Context, what, name, value string) (Entry, error) {
	for {
		h.mu.Lock()
		e, ok := h.first(what, name, value)
		deleted, changed := h.deleted, h.changed
		h.mu.Unlock()
		if ok {
			return e, nil
		}
		want := (Entry{What: what, Name: name, Value: value}).String()
		if deleted {
			return Entry{}, fmt.Errorf("%s was deleted before %s; history: %v", h.ref, want, h.Entries())
		}
		select {
		case <-ctx.Done():
			return Entry{}, fmt.Errorf("waiting for %s of %s: %w; history: %v", want, h.ref, ctx.Err(), h.Entries())
		case <-changed:
		}
	}
}

// observe records what changed between the last seen status and st.
func (h *History) observe(at time.Time, st *chaosv1alpha1.ChaosStatus) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.entries)
	for _, c := range st.Conditions {
		if h.conds[string(c.Type)] != string(c.Status) {
			h.conds[string(c.Type)] = string(c.Status)
			h.entries = append(h.entries, Entry{At: at, What: EntryCondition, Name: string(c.Type), Value: string(c.Status), Reason: c.Reason})
		}
	}
	if p := string(st.Experiment.DesiredPhase); p != "" && p != h.phase {
		h.phase = p
		h.entries = append(h.entries, Entry{At: at, What: EntryPhase, Value: p})
	}
	for _, r := range st.Experiment.Records {
		if r == nil {
			continue
		}
		if p := string(r.Phase); p != "" && h.targets[r.Id] != p {
			h.targets[r.Id] = p
			h.entries = append(h.entries, Entry{At: at, What: EntryTarget, Name: r.Id, Value: p})
		}
		// The controller retries a failing target and appends one event per
		// try; a failure is recorded when its message changes.
		for _, ev := range r.Events {
			key := r.Id + "|" + string(ev.Operation)
			if ev.Type != chaosv1alpha1.TypeFailed || h.failures[key] == ev.Message {
				continue
			}
			h.failures[key] = ev.Message
			h.entries = append(h.entries, Entry{At: at, What: EntryFailure, Name: r.Id, Value: string(ev.Operation), Reason: ev.Message})
		}
	}
	if len(h.entries) > n {
		h.notify()
	}
}

// markDeleted records the object's removal.
func (h *History) markDeleted(at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted {
		return
	}
	h.deleted = true
	h.entries = append(h.entries, Entry{At: at, What: EntryDeleted})
	h.notify()
}

func (h *History) notify() {
	close(h.changed)
	h.changed = make(chan struct{})
}
