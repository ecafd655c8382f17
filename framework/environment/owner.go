package environment

import (
	"os"
	"time"

	"gameday.io/gameday/framework/cluster"
)

// Owner is the process an ephemeral environment belongs to (`gameday run`
// or a suite that created it for itself and tears it down when it ends).
type Owner struct {
	PID int `json:"pid"`
	// Start is the process's start time in clock ticks since boot: with the
	// PID, its identity (a recycled PID is not the owner).
	Start uint64 `json:"start"`
	// Command says what the owner was doing, for people.
	Command string `json:"command,omitempty"`
}

// self is the current process as an owner.
func self(command string) *Owner {
	p, ok := cluster.FindProc(os.Getpid())
	if !ok {
		return nil
	}
	return &Owner{PID: p.PID, Start: p.Start, Command: command}
}

// Alive reports whether the owner still runs.
func (o *Owner) Alive() bool {
	return o != nil && (cluster.Proc{PID: o.PID, Start: o.Start}).Running()
}

// Orphaned reports whether rec is an ephemeral environment whose owner died:
// nobody is left to tear it down.
func (r *Record) Orphaned() bool { return r.Owner != nil && !r.Owner.Alive() }

// Age is how long ago the environment was created.
func (r *Record) Age(now time.Time) time.Duration { return now.Sub(r.CreatedAt).Round(time.Second) }

// Orphans lists the environments whose owner died.
func (s Store) Orphans() ([]Record, error) {
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, r := range all {
		if r.Orphaned() {
			out = append(out, r)
		}
	}
	return out, nil
}
