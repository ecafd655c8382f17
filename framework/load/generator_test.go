package load

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestGeneratorRecordsEveryRequest(t *testing.T) {
	tg := newTarget(t)
	g, err := New(tg.URL(), WithRate(300), WithClientRegions("us-east1", "europe-west1"), WithV2Fraction(0.25))
	if err != nil {
		t.Fatal(err)
	}
	startLoad(t, g)
	untilSent(t, g, 300)
	tl := g.Stop()

	checkInvariant(t, tl)
	if got := tg.Requests(); got != tl.Recorded+1 {
		t.Errorf("the server saw %d requests (one of them the probe), the timeline recorded %d", got, tl.Recorded)
	}
	// Rate: what was sent over the run's duration.
	if rate := float64(tl.Sent) / tl.Duration.Seconds(); math.Abs(rate-300) > 30 {
		t.Errorf("sent %d in %v: %.0f/s, want 300/s", tl.Sent, tl.Duration, rate)
	}
	// Never more than planned; fewer only by what a loaded machine's
	// scheduling delays (the same 10% the rate allows; keeping up under
	// load is measured by the benchmarks, not asserted here).
	if diff := int64(tl.Planned) - int64(tl.Sent); diff < -5 || diff > int64(tl.Planned)/10 {
		t.Errorf("planned %d, sent %d: the attackers did not keep up", tl.Planned, tl.Sent)
	}
	// Mix: a quarter v2 calls, nothing malformed.
	v1, v2, bad := tg.Calls()
	if bad != 0 || math.Abs(float64(v2)/float64(v1+v2)-0.25) > 0.02 {
		t.Errorf("v1 %d, v2 %d, bad %d: want a quarter v2 and none bad", v1, v2, bad)
	}
	// Streams: one per client region, each with half the rate.
	clients := tg.ClientRegions()
	total := tl.Totals(0, tl.End())
	if total.OK != int(tl.Sent) || total.Regions["us-east1"] != total.OK {
		t.Errorf("totals %+v: want every request served by us-east1", total)
	}
	for _, c := range []string{"us-east1", "europe-west1"} {
		var sent int
		for _, b := range tl.Buckets {
			sent += b.Clients[c].Sent
		}
		probe := map[string]uint64{"us-east1": 1}[c] // the probe goes as the first stream
		if uint64(sent)+probe != clients[c] || math.Abs(float64(sent)-float64(tl.Sent)/2) > 10 {
			t.Errorf("client %s: recorded %d, server saw %d, want about half of %d", c, sent, clients[c], tl.Sent)
		}
	}
	if tl.Latency.P50 <= 0 || tl.Latency.P99 < tl.Latency.P50 || tl.Latency.Max < tl.Latency.P99 {
		t.Errorf("latency %+v", tl.Latency)
	}
	if z := tl.Buckets[len(tl.Buckets)/2].Zones["us-east1/us-east1-a"]; z == 0 {
		t.Errorf("bucket %+v counts no zone", tl.Buckets[len(tl.Buckets)/2])
	}
}

func TestMarkTagsBuckets(t *testing.T) {
	tg := newTarget(t)
	g, err := New(tg.URL(), WithRate(200))
	if err != nil {
		t.Fatal(err)
	}
	startLoad(t, g)
	untilSent(t, g, 60)
	before := time.Now()
	fault, err := g.Mark("fault")
	if err != nil {
		t.Fatal(err)
	}
	tg.SetStatus(http.StatusServiceUnavailable)
	// Requests sent between the mark and the flip (a loaded machine can
	// deschedule this goroutine there) still succeed, in the fault phase.
	flip := time.Since(before)
	untilSent(t, g, 120)
	recovery, _ := g.Mark("recovery")
	tg.SetStatus(http.StatusOK)
	untilSent(t, g, 180)
	tl := g.Stop()
	checkInvariant(t, tl)

	if len(tl.Marks) != 3 || tl.Marks[0].Phase != DefaultPhase || tl.Marks[1] != fault || tl.Marks[2] != recovery {
		t.Fatalf("marks %+v", tl.Marks)
	}
	for _, b := range tl.Buckets {
		end := b.Offset + BucketWidth
		want := DefaultPhase
		if end > fault.Offset {
			want = "fault"
		}
		if end > recovery.Offset {
			want = "recovery"
		}
		if b.Phase != want {
			t.Errorf("bucket %v: phase %q, want %q (fault at %v, recovery at %v)", b.Offset, b.Phase, want, fault.Offset, recovery.Offset)
		}
	}
	var phases []string
	for _, p := range tl.Phases {
		phases = append(phases, p.Phase)
	}
	if !reflect.DeepEqual(phases, []string{"baseline", "fault", "recovery"}) {
		t.Fatalf("phases %v", phases)
	}
	if b := tl.Phases[0]; b.Failures.Total() != 0 {
		t.Errorf("baseline has failures: %+v", b)
	}
	// Every fault-phase request failed with a 5xx, but those sent before the
	// status flipped: at 200/s over the flip's delay, plus a few in flight.
	if f, late := tl.Phases[1], int(flip.Seconds()*200)+3; f.Failures.Status5xx+f.OK != f.Sent || f.OK > late {
		t.Errorf("fault phase %+v: want every request a 5xx but at most %d sent in the %v before the status flipped", f, late, flip)
	}
	// Failures are placed by send time: the fault bucket's first failure is
	// no earlier than the mark, except a request already in flight when the
	// status flipped (sent before the mark, answered after it), which can be
	// at most one request latency early.
	i := tl.Index(fault.Offset)
	if b := tl.Buckets[i]; b.FirstFailure != 0 && b.FirstFailure < fault.Offset-b.Latency.Max {
		t.Errorf("bucket %v: first failure sent at %v, more than the longest request (%v) before the fault at %v", b.Offset, b.FirstFailure, b.Latency.Max, fault.Offset)
	}
}

func TestStopByContext(t *testing.T) {
	tg := newTarget(t)
	g, err := New(tg.URL(), WithRate(100))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := g.Start(ctx); err != nil {
		t.Fatal(err)
	}
	untilSent(t, g, 10)
	cancel()
	eventually(t, 5*time.Second, "the run to end", func() bool { return !g.Running() })
	tl := g.Stop()
	checkInvariant(t, tl)
	if g.Stop() != tl || g.Snapshot() != tl {
		t.Error("Stop and Snapshot after the run should return its timeline")
	}
	// The generator can run again, with a new timeline.
	if err := g.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	untilSent(t, g, 5)
	if tl2 := g.Stop(); tl2 == tl || !tl2.Start.After(tl.Start) {
		t.Error("second run returned the first run's timeline")
	}
}

func TestFailureCauses(t *testing.T) {
	tg := newTarget(t)
	g, err := New(tg.URL(), WithRate(200), WithTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	startLoad(t, g)
	untilSent(t, g, 20)
	tg.SetStatus(http.StatusServiceUnavailable)
	eventually(t, 10*time.Second, "503s", func() bool { return g.Snapshot().Totals(0, time.Hour).Failures.Status5xx >= 30 })
	tg.SetStatus(http.StatusOK)
	tg.Hang()
	eventually(t, 10*time.Second, "timeouts", func() bool { return g.Snapshot().Totals(0, time.Hour).Failures.Timeout >= 30 })
	tg.Release()
	tl := g.Stop()
	checkInvariant(t, tl)
	total := tl.Totals(0, tl.End())
	if total.Failures.Status5xx < 30 || total.Failures.Timeout < 30 {
		t.Errorf("failures %+v: want the 503s and the timeouts counted", total.Failures)
	}
	if total.Failures.Total() != total.Failures.Status5xx+total.Failures.Timeout {
		t.Errorf("failures %+v: want only 5xx and timeouts", total.Failures)
	}
}

func TestTimelineJSON(t *testing.T) {
	tg := newTarget(t)
	g, err := New(tg.URL(), WithRate(100), WithClientRegions("us-east1"))
	if err != nil {
		t.Fatal(err)
	}
	startLoad(t, g)
	untilSent(t, g, 20)
	g.Mark("fault")
	untilSent(t, g, 30)
	tl := g.Stop()
	b, err := json.Marshal(tl)
	if err != nil {
		t.Fatal(err)
	}
	var back Timeline
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	// Times lose their monotonic reading and location; everything else survives.
	for _, tt := range []*Timeline{tl, &back} {
		tt.Start = tt.Start.UTC().Round(0)
		for i := range tt.Marks {
			tt.Marks[i].At = tt.Marks[i].At.UTC().Round(0)
		}
	}
	got, want := reflect.ValueOf(back), reflect.ValueOf(*tl)
	for i := range got.NumField() {
		if g, w := got.Field(i).Interface(), want.Field(i).Interface(); !reflect.DeepEqual(g, w) {
			t.Errorf("JSON round trip changed %s:\n got %+v\nwant %+v", got.Type().Field(i).Name, g, w)
		}
	}
}
