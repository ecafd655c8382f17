package load

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Progress is what happened during one progress interval, counted by
// completion (what a person watching wants), unlike the timeline's buckets,
// which count by send time.
type Progress struct {
	// Elapsed is the time since the run began; Interval the length of this report.
	Elapsed  time.Duration `json:"elapsed"`
	Interval time.Duration `json:"interval"`
	Phase    string        `json:"phase"`
	// Completed results in the interval, OK of them successful.
	Completed int `json:"completed"`
	OK        int `json:"ok"`
	// P99 latency of the completed results.
	P99 time.Duration `json:"p99"`
	// Regions counts successful responses by serving region.
	Regions map[string]int `json:"regions,omitempty"`
	// InFlight is how many requests were sent but not yet answered.
	InFlight uint64 `json:"inFlight"`
}

// RPS is the completion rate of the interval.
func (p Progress) RPS() float64 {
	if p.Interval <= 0 {
		return 0
	}
	return float64(p.Completed) / p.Interval.Seconds()
}

// Success is OK/Completed, or 1 when nothing completed.
func (p Progress) Success() float64 {
	if p.Completed == 0 {
		return 1
	}
	return float64(p.OK) / float64(p.Completed)
}

// String renders one line: "  12s baseline  rps 500.0  ok 100.00%  p99 2.1ms  in-flight 3  us-east1 51% europe-west1 49%".
func (p Progress) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%5.0fs %-10s rps %7.1f  ok %6.2f%%  p99 %-8v in-flight %-4d",
		p.Elapsed.Seconds(), p.Phase, p.RPS(), 100*p.Success(), p.P99.Round(100*time.Microsecond), p.InFlight)
	for _, r := range slices.Sorted(maps.Keys(p.Regions)) {
		name := r
		if name == "" {
			name = "(unnamed)"
		}
		fmt.Fprintf(&b, " %s %.0f%%", name, 100*float64(p.Regions[r])/float64(max(p.Completed, 1)))
	}
	return b.String()
}

// progressWindow accumulates the results completed since the last report.
type progressWindow struct {
	completed, ok int
	hist          histogram
	regions       tally
}

// add is called with the recorder's lock held.
func (w *progressWindow) add(latency time.Duration, cause Cause, region string) {
	w.completed++
	w.hist.add(latency)
	if cause == CauseNone {
		w.ok++
		w.regions.inc(region, "")
	}
}

// takeProgress returns the window's figures and starts a new window.
func (r *recorder) takeProgress() Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.window
	r.window = progressWindow{}
	return Progress{Completed: w.completed, OK: w.ok, P99: w.hist.quantile(0.99), Regions: w.regions.toMap(), Phase: r.marks[len(r.marks)-1].Phase}
}

// reportProgress calls f every interval until the run is done.
func (r *run) reportProgress(f func(Progress), interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	last := r.rec.start
	for {
		select {
		case <-r.done:
			return
		case now := <-t.C:
			p := r.rec.takeProgress()
			p.Elapsed, p.Interval = now.Sub(r.rec.start), now.Sub(last)
			last = now
			r.rec.mu.Lock()
			p.InFlight = r.sent.n.Load() - r.rec.recorded
			r.rec.mu.Unlock()
			f(p)
		}
	}
}

// ProgressWriter prints progress lines: on a terminal it rewrites one line in
// place, elsewhere (a CI log, a pipe) it writes one line per report.
type ProgressWriter struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	pending bool
}

// NewProgressWriter writes to w, rewriting in place when w is a terminal.
func NewProgressWriter(w io.Writer) *ProgressWriter {
	return &ProgressWriter{w: w, tty: IsTerminal(w)}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Update prints p; its method value is what WithProgress takes.
func (pw *ProgressWriter) Update(p Progress) {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	if pw.tty {
		fmt.Fprintf(pw.w, "\r\x1b[K%s", p)
		pw.pending = true
		return
	}
	fmt.Fprintln(pw.w, p)
}

// Close ends the line being rewritten, if any.
func (pw *ProgressWriter) Close() error {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	if pw.pending {
		pw.pending = false
		_, err := fmt.Fprintln(pw.w)
		return err
	}
	return nil
}
