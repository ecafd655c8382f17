package measure

import (
	"context"
	"net/http"
	"testing"
	"time"

	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/load/loadtest"
)

// Ground truth: a real target fails (or changes region) at instants the test
// takes itself, under constant load from the real generator; the measured
// figures must match them within 200 ms.
const tolerance = 200 * time.Millisecond

func TestGroundTruthRTO(t *testing.T) {
	tests := []struct {
		name           string
		outage, window time.Duration
		long           bool
	}{
		{"half-second outage", 500 * time.Millisecond, 300 * time.Millisecond, false},
		{"two-second outage", 2 * time.Second, time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.long && testing.Short() {
				t.Skip("takes 4 s")
			}
			// A starved machine (timers or answers late) is retried, then
			// skipped: see groundTruth.
			tl, at := groundTruth(t, []step{
				{http.StatusServiceUnavailable, tt.outage}, // the outage itself
				{http.StatusOK, tt.window + 300*time.Millisecond},
			})
			truth := at[1]

			obj := objective()
			obj.StabilityWindow = tt.window
			r, err := RTO(tl, obj)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("outage %v: measured RTO %v (error %v), detection %v, %d requests failed, declared at +%v",
				truth, r.RTO, r.RTO-truth, r.Detection, r.Outage.Failures.Total(), r.DeclaredOffset-r.FaultOffset)
			if !r.Recovered || !r.Impacted {
				t.Fatalf("recovered %v impacted %v: %s", r.Recovered, r.Impacted, r.Reason)
			}
			if d := r.RTO - truth; d > tolerance || d < -tolerance {
				t.Errorf("RTO %v, truth %v: off by %v (tolerance %v)", r.RTO, truth, d, tolerance)
			}
			if r.Detection > tolerance {
				t.Errorf("detection %v: the target failed at once", r.Detection)
			}
			// The bound tells definitions apart: counting the stability window
			// in (the declaration instant) would fail it.
			if d := r.DeclaredOffset - r.FaultOffset - truth; d <= tolerance {
				t.Errorf("declared %v after the fault, truth %v: the tolerance cannot tell RTO from RTO+window", d+truth, truth)
			}
		})
	}
}

func TestGroundTruthFailover(t *testing.T) {
	const window = 300 * time.Millisecond
	tg := loadtest.New(t, "us-east1", "us-east1-a")
	g := startGenerator(t, tg)
	waitFor(t, g, 500*time.Millisecond)
	fault, err := g.Mark("fault")
	if err != nil {
		t.Fatal(err)
	}
	hold(700 * time.Millisecond) // traffic stays until the switch
	moved := tg.SetRegion("europe-west1", "europe-west1-b", "failover")
	truth := moved.Sub(fault.At)
	waitFor(t, g, moved.Sub(g.Snapshot().Start)+window+300*time.Millisecond)
	tl := g.Stop()

	obj := objective()
	obj.StabilityWindow = window
	r, err := Failover(tl, obj, "fault", "europe-west1", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("switch %v after the fault: measured failover %v (error %v), share %.2f -> %.2f", truth, r.Time, r.Time-truth, r.ShareBefore, r.ShareAfter)
	if !r.FailedOver {
		t.Fatalf("no failover: %s", r.Reason)
	}
	if d := r.Time - truth; d > tolerance || d < -tolerance {
		t.Errorf("failover %v, truth %v: off by %v", r.Time, truth, d)
	}
	if r.ShareBefore != 0 || r.ShareAfter < obj.FailoverShare {
		t.Errorf("share before %v after %v", r.ShareBefore, r.ShareAfter)
	}
	// The wrong region never took over.
	if r, _ := Failover(tl, obj, "fault", "us-west1", ""); r.FailedOver {
		t.Errorf("failed over to us-west1: %+v", r)
	}
}

func startGenerator(t *testing.T, tg *loadtest.Target) *load.Generator {
	t.Helper()
	g, err := load.New(tg.URL(), load.WithRate(400), load.WithClientRegions("us-east1", "europe-west1"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := g.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Stop() })
	return g
}

// waitFor polls until the run is at least d old.
func waitFor(t *testing.T, g *load.Generator, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d + 10*time.Second)
	for g.Snapshot().Duration < d {
		if time.Now().After(deadline) {
			t.Fatalf("the run did not reach %v", d)
		}
		time.Sleep(10 * time.Millisecond) // poll interval
	}
}

func hold(d time.Duration) { <-time.After(d) }
