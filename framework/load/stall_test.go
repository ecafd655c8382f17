package load

import (
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/load/loadtest"
)

// A target that never answers is the system's failure, not the generator's:
// requests time out and are recorded, so the generator is not stalled. A
// generator that records nothing for longer than the timeout plus the
// margin, or that stopped, is.
func TestStalled(t *testing.T) {
	tg := loadtest.New(t, "us-east1", "us-east1-a")
	g, err := New(tg.URL(), WithRate(50), WithTimeout(100*time.Millisecond), WithProbe(false, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Stalled(time.Now()); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Fatalf("Stalled before Start = %v", err)
	}
	startLoad(t, g)
	hungAt := tg.Hang()
	defer tg.Release()
	hung := g.Snapshot().Recorded
	eventually(t, 30*time.Second, "timeouts recorded", func() bool { return g.Snapshot().Recorded >= hung+10 })
	if err := g.Stalled(time.Now()); err != nil {
		t.Fatalf("a generator recording timeouts is not stalled: %v", err)
	}
	// Every result counts as a sign of life, timeouts included: the last
	// one seen is after the target hung.
	last := lastSeen(g)
	if !last.After(hungAt.Add(100 * time.Millisecond)) {
		t.Fatalf("last result seen at %s, the target hung at %s: timeout results were not counted", last, hungAt)
	}
	if err := g.Stalled(last.Add(100*time.Millisecond + stallMargin - time.Second)); err != nil {
		t.Fatalf("stalled within the limit after the last result: %v", err)
	}
	later := last.Add(100*time.Millisecond + stallMargin + time.Second)
	if err := g.Stalled(later); err == nil || !strings.Contains(err.Error(), "stalled: no result for") {
		t.Fatalf("Stalled(%s after the last result) = %v, want stalled", later.Sub(last).Round(time.Second), err)
	}
	tg.Release()
	g.Stop()
	if err := g.Stalled(time.Now()); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Fatalf("Stalled after Stop = %v", err)
	}
}

// lastSeen is when the running generator recorded its latest result.
func lastSeen(g *Generator) time.Time {
	g.mu.Lock()
	r := g.run
	g.mu.Unlock()
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	return r.rec.lastSeen
}
