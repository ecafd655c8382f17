package load

import (
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Recorder builds a Timeline from vegeta results gathered elsewhere (a
// results file, a synthetic run in a test). The Generator uses the same code.
// It is safe for concurrent use.
type Recorder struct {
	rec *recorder
}

// NewRecorder starts a timeline at start in phase, with one stream per client
// region (none: results without a client region).
func NewRecorder(start time.Time, phase string, clientRegions ...string) *Recorder {
	clients := slices.Clone(clientRegions)
	if len(clients) == 0 {
		clients = []string{""}
	}
	return &Recorder{rec: newRecorder(start, phase, clients)}
}

// Mark starts phase at the instant at (marks must come in time order).
func (r *Recorder) Mark(phase string, at time.Time) Mark { return r.rec.mark(phase, at) }

// Record adds one result of clientRegion's stream (a region not given to
// NewRecorder counts only in the totals).
func (r *Recorder) Record(res *vegeta.Result, clientRegion string) {
	r.rec.record(res, slices.Index(r.rec.clients, clientRegion))
}

// Timeline returns the timeline of [0, duration), counting every result
// recorded as sent.
func (r *Recorder) Timeline(duration time.Duration) *Timeline {
	tl := r.rec.timeline(duration)
	tl.Sent = tl.Recorded
	return tl
}
