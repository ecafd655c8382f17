package load

import (
	"math"
	"runtime"
	"testing"
	"time"
)

// While the target hangs, the harness stays within MaxWorkers requests in
// flight: goroutines and heap stay flat instead of growing with the rate, and
// the requests not sent show as Planned - Sent.
func TestHangingTargetStaysBounded(t *testing.T) {
	const (
		rate       = 500
		maxWorkers = 40
	)
	tg := newTarget(t)
	g, err := New(tg.URL(), WithRate(rate), WithMaxWorkers(maxWorkers), WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	baseGoroutines := runtime.NumGoroutine()

	startLoad(t, g)
	tg.Hang()
	var peakGoroutines int
	var peakHeap uint64
	eventually(t, 10*time.Second, "1.2 s of planned load", func() bool {
		peakGoroutines = max(peakGoroutines, runtime.NumGoroutine())
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peakHeap = max(peakHeap, m.HeapInuse)
		return g.Snapshot().Planned >= 1.2*rate
	})
	snap := g.Snapshot()
	tg.Release()
	tl := g.Stop()
	checkInvariant(t, tl)

	// Per request in flight: a vegeta worker, the client connection's read
	// and write loops, the server's connection goroutine; plus a few per run.
	limit := baseGoroutines + 4*maxWorkers + 20
	t.Logf("hanging target, %d/s for %v: peak %d goroutines (base %d, limit %d), heap +%.1f MiB, planned %d, sent %d",
		rate, snap.Duration.Round(time.Millisecond), peakGoroutines, baseGoroutines, limit,
		float64(peakHeap-min(peakHeap, before.HeapInuse))/(1<<20), snap.Planned, snap.Sent)
	if peakGoroutines > limit {
		t.Errorf("peak %d goroutines while the target hung, want at most %d", peakGoroutines, limit)
	}
	if grew := peakHeap - min(peakHeap, before.HeapInuse); grew > 16<<20 {
		t.Errorf("heap grew by %d bytes while the target hung", grew)
	}
	if inFlight := snap.Sent - snap.Recorded; inFlight > maxWorkers {
		t.Errorf("%d requests in flight to a hanging target with %d workers", inFlight, maxWorkers)
	}
	if snap.Planned-snap.Sent < rate {
		t.Errorf("planned %d, sent %d: the shortfall should show", snap.Planned, snap.Sent)
	}
	if ok := tl.Totals(0, tl.End()).OK; ok != int(tl.Sent) {
		t.Errorf("%d of %d released requests succeeded", ok, tl.Sent)
	}
	// Nothing of the run outlives Stop: workers, drains and connections end.
	eventually(t, 5*time.Second, "the run's goroutines to end", func() bool { return runtime.NumGoroutine() <= baseGoroutines+2 })
}

// At the highest rate the machine sustains (an unreachable rate, so the
// attackers run flat out), every request sent is recorded and matches what
// the server saw.
func TestSentEqualsRecordedAtSaturation(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 2 s flat out")
	}
	tg := newTarget(t)
	g, err := New(tg.URL(), WithRate(1e6), WithMaxWorkers(64), WithClientRegions("us-east1", "europe-west1"))
	if err != nil {
		t.Fatal(err)
	}
	startLoad(t, g)
	eventually(t, 10*time.Second, "2 s of load", func() bool { return g.Snapshot().Duration >= 2*time.Second })
	tl := g.Stop()
	checkInvariant(t, tl)
	if got := tg.Requests(); got != tl.Recorded+1 {
		t.Errorf("the server saw %d requests (one the probe), the timeline recorded %d", got, tl.Recorded)
	}
	rate := float64(tl.Sent) / tl.Duration.Seconds()
	t.Logf("flat out: %d requests in %v = %.0f/s, all recorded; p99 %v", tl.Sent, tl.Duration.Round(time.Millisecond), rate, tl.Latency.P99)
	if math.IsNaN(rate) || rate < 300 { // far above the unit tests' rates, even under -race
		t.Errorf("only %.0f requests/s", rate)
	}
}
