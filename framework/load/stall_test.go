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
	tg.Hang()
	defer tg.Release()
	hung := g.Snapshot().Recorded
	eventually(t, 30*time.Second, "timeouts recorded", func() bool { return g.Snapshot().Recorded >= hung+10 })
	if err := g.Stalled(time.Now()); err != nil {
		t.Fatalf("a generator recording timeouts is not stalled: %v", err)
	}
	later := time.Now().Add(100*time.Millisecond + stallMargin + time.Second)
	if err := g.Stalled(later); err == nil || !strings.Contains(err.Error(), "stalled: no result for") {
		t.Fatalf("Stalled(%s later) = %v, want stalled", time.Until(later).Round(time.Second), err)
	}
	tg.Release()
	g.Stop()
	if err := g.Stalled(time.Now()); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Fatalf("Stalled after Stop = %v", err)
	}
}
