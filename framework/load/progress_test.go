package load

import (
	"bytes"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProgressReports(t *testing.T) {
	tg := newTarget(t)
	var (
		mu      sync.Mutex
		reports []Progress
	)
	collect := func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, p)
	}
	g, err := New(tg.URL(), WithRate(200), WithProgress(collect, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	startLoad(t, g)
	eventually(t, 10*time.Second, "6 progress reports", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(reports) >= 6
	})
	tl := g.Stop()
	mu.Lock()
	defer mu.Unlock()
	var completed, later int
	var span time.Duration
	for i, p := range reports {
		completed += p.Completed
		if p.OK != p.Completed || p.Regions["us-east1"] != p.OK || p.Phase != DefaultPhase || p.Interval <= 0 {
			t.Errorf("report %d: %+v", i, p)
		}
		if i > 0 { // the first interval includes the start
			later += p.Completed
			span += p.Interval
		}
	}
	if rps := float64(later) / span.Seconds(); math.Abs(rps-200) > 40 {
		t.Errorf("reports count %.0f completions/s, want about 200", rps)
	}
	if completed > int(tl.Recorded) || completed == 0 {
		t.Errorf("reports count %d completions, the timeline %d", completed, tl.Recorded)
	}
}

func TestProgressWriter(t *testing.T) {
	p := Progress{Elapsed: 3 * time.Second, Interval: time.Second, Phase: "fault", Completed: 400, OK: 300,
		P99: 12 * time.Millisecond, Regions: map[string]int{"us-east1": 100, "europe-west1": 200}, InFlight: 7}
	line := p.String()
	for _, want := range []string{"3s", "fault", "rps   400.0", "ok  75.00%", "p99 12ms", "in-flight 7", "europe-west1 50%", "us-east1 25%"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}

	var plain bytes.Buffer
	pw := NewProgressWriter(&plain)
	pw.Update(p)
	pw.Update(p)
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	if got := plain.String(); got != line+"\n"+line+"\n" {
		t.Errorf("not a terminal: %q, want two plain lines", got)
	}

	var tty bytes.Buffer
	pw = &ProgressWriter{w: &tty, tty: true}
	pw.Update(p)
	pw.Update(p)
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := tty.String(), "\r\x1b[K"+line+"\r\x1b[K"+line+"\n"; got != want {
		t.Errorf("terminal: %q, want %q", got, want)
	}
	if IsTerminal(&tty) {
		t.Error("a buffer is not a terminal")
	}
}
