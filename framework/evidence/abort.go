package evidence

import (
	"fmt"
	"time"
)

// AbortCause says why a drill or a run stopped before it had measured
// everything.
type AbortCause string

const (
	// AbortInterrupted: an operator or CI stopped the run (Ctrl-C, SIGTERM,
	// a timeout). Nothing is known about the system after that instant.
	AbortInterrupted AbortCause = "interrupted"
	// AbortHarness: a part of gameday's own harness failed (a process it
	// started died or stopped answering, the load generator stalled). What
	// was measured after that instant says nothing about the system.
	AbortHarness AbortCause = "harness"
)

// AbortCauses lists the valid causes.
func AbortCauses() []AbortCause { return []AbortCause{AbortInterrupted, AbortHarness} }

// Abort records that a drill or run stopped early, when and why. A drill
// with an Abort has no met or missed objective: each is "not measured"
// (Finalize), and its verdict says which cause stopped it.
type Abort struct {
	Cause AbortCause `json:"cause"`
	// What stopped it, in words: "signal interrupt", "data-plane agent
	// (pid 4242) exited".
	What string `json:"what"`
	// At is when it was noticed (UTC).
	At time.Time `json:"at"`
	// AfterSeconds is At as an offset from the drill's (or run's) start.
	AfterSeconds float64 `json:"afterSeconds"`
}

// NewAbort records an abort noticed at at, start being the beginning of the
// drill or run it stops.
func NewAbort(cause AbortCause, what string, at, start time.Time) *Abort {
	return &Abort{Cause: cause, What: what, At: at.UTC(), AfterSeconds: max(0, at.Sub(start).Seconds())}
}

// Verdict is the verdict an abort of this cause gives.
func (a *Abort) Verdict() Verdict {
	if a.Cause == AbortHarness {
		return VerdictHarnessFailed
	}
	return VerdictInterrupted
}

// Sentence says what happened: "interrupted at +12.3 s: signal interrupt",
// "the harness failed at +19.0 s: data-plane agent (pid 4242) exited".
func (a *Abort) Sentence() string {
	lead := "interrupted"
	if a.Cause == AbortHarness {
		lead = "the harness failed"
	}
	return fmt.Sprintf("%s at +%.1f s: %s", lead, a.AfterSeconds, a.What)
}
