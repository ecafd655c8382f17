package load

import (
	"context"
	"testing"
	"time"

	"gameday.io/gameday/framework/load/loadtest"
)

// eventually polls cond every 10 ms until it holds or timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond) // poll interval
	}
}

// startLoad starts g and stops it when the test ends.
func startLoad(t testing.TB, g *Generator) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := g.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { g.Stop() })
}

// untilSent waits until the run has sent n requests.
func untilSent(t testing.TB, g *Generator, n uint64) {
	t.Helper()
	eventually(t, 30*time.Second, "requests sent", func() bool { return g.Snapshot().Sent >= n })
}

// checkInvariant fails unless every request sent was recorded, in the totals
// and in the buckets.
func checkInvariant(t testing.TB, tl *Timeline) {
	t.Helper()
	var sum, ok, failed int
	for _, b := range tl.Buckets {
		sum += b.Sent
		ok += b.OK
		failed += b.Failures.Total()
		if b.Sent != b.OK+b.Failures.Total() {
			t.Errorf("bucket %v: sent %d != ok %d + failed %d", b.Offset, b.Sent, b.OK, b.Failures.Total())
		}
	}
	if tl.Sent != tl.Recorded || uint64(sum) != tl.Recorded {
		t.Errorf("sent %d, recorded %d, in buckets %d: want all equal", tl.Sent, tl.Recorded, sum)
	}
	if tl.Sent == 0 {
		t.Error("nothing was sent")
	}
}

func newTarget(t testing.TB) *loadtest.Target { return loadtest.New(t, "us-east1", "us-east1-a") }
