package measure

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/load/loadtest"
)

// step is a span of the target answering code.
type step struct {
	code int
	hold time.Duration
}

// starved is how late a timer may fire, or a request be answered, before the
// machine counts as too loaded for ground truth: the target then answers
// requests long after they were sent, with the status of a later step, while
// a request counts at the instant it was sent.
const starved = 100 * time.Millisecond

// attempts is how many runs a ground-truth test makes when the machine is
// starved; all starved: skipped, saying so.
const attempts = 3

// runSteps starts load on a new target, marks the fault, plays steps on it
// and returns the timeline, the instant each step took effect (relative to
// the fault) and whether every timer fired on time (within starved).
func runSteps(t *testing.T, steps []step) (*load.Timeline, []time.Duration, bool) {
	t.Helper()
	tg := loadtest.New(t, "us-east1", "us-east1-a")
	g := startGenerator(t, tg)
	waitFor(t, g, 500*time.Millisecond) // baseline
	m, err := g.Mark("fault")
	if err != nil {
		t.Fatal(err)
	}
	var at []time.Duration
	onTime := true
	for i, s := range steps {
		at = append(at, tg.SetStatus(s.code).Sub(m.At))
		if i > 0 && at[i]-at[i-1]-steps[i-1].hold > starved {
			onTime = false
		}
		hold(s.hold) // the outage or the clean spell itself: a timer, not synchronisation
	}
	tl := g.Stop()
	for _, b := range tl.Buckets {
		onTime = onTime && b.Latency.Max <= starved
	}
	return tl, at, onTime
}

// groundTruth runs steps until a run is not starved (at most attempts) and
// returns it; it skips the test when every run was.
func groundTruth(t *testing.T, steps []step) (*load.Timeline, []time.Duration) {
	t.Helper()
	for i := range attempts {
		tl, at, ok := runSteps(t, steps)
		if ok {
			return tl, at
		}
		t.Logf("attempt %d: a timer fired or a request was answered more than %v late (steps at %v, max latency %v): the machine is too loaded for ground truth",
			i+1, starved, at, tl.Latency.Max)
	}
	t.Skipf("the machine was too loaded in all %d attempts: timers fired or requests were answered more than %v late", attempts, starved)
	return nil, nil
}

func near(got, want time.Duration) bool { return got-want <= tolerance && want-got <= tolerance }

// Two outages of known length, the second after a clean spell longer than
// the stability window: the RTO is the end of the second, which a
// stability-window definition (the end of the first) would miss.
func TestGroundTruthRTORelapse(t *testing.T) {
	const window = 300 * time.Millisecond
	tl, at := groundTruth(t, []step{
		{http.StatusServiceUnavailable, 400 * time.Millisecond},
		{http.StatusOK, 900 * time.Millisecond}, // three stability windows clean
		{http.StatusServiceUnavailable, 500 * time.Millisecond},
		{http.StatusOK, window + 400*time.Millisecond},
	})

	obj := objective()
	obj.StabilityWindow = window
	r, err := RTO(tl, obj)
	if err != nil {
		t.Fatal(err)
	}
	truth := at[3]
	t.Logf("outages [0, %v) and [%v, %v): measured RTO %v (error %v), outages %+v", at[1], at[2], at[3], r.RTO, r.RTO-truth, r.Outages)
	if !r.Recovered || !r.Impacted {
		t.Fatalf("recovered %v impacted %v: %s", r.Recovered, r.Impacted, r.Reason)
	}
	if !near(r.RTO, truth) {
		t.Errorf("RTO %v, truth %v: off by %v (tolerance %v)", r.RTO, truth, r.RTO-truth, tolerance)
	}
	if near(r.RTO, at[1]) {
		t.Errorf("RTO %v is the end of the first outage (%v): the relapse was not seen", r.RTO, at[1])
	}
	if len(r.Outages) != 2 || r.Relapses != 1 || !r.Outages[1].Relapse || r.Outages[0].Relapse {
		t.Fatalf("outages %+v, relapses %d: want two, the second a relapse", r.Outages, r.Relapses)
	}
	for i, w := range [][2]time.Duration{{at[0], at[1]}, {at[2], at[3]}} {
		o := r.Outages[i]
		from, to := o.From-r.FaultOffset, o.To-r.FaultOffset
		if !near(from, w[0]) || !near(to, w[1]) || !o.Ended || o.Failed == 0 || o.Failed > o.Sent {
			t.Errorf("outage %d: [%v, %v) %d of %d failed, truth [%v, %v)", i, from, to, o.Failed, o.Sent, w[0], w[1])
		}
	}
}

// A target that fails again after a clean spell longer than the stability
// window and then flaps until the observation ends has no RTO.
func TestGroundTruthRTOFlapsUntilTheEnd(t *testing.T) {
	const window = 300 * time.Millisecond
	steps := []step{{http.StatusServiceUnavailable, 400 * time.Millisecond}, {http.StatusOK, 900 * time.Millisecond}}
	for range 4 { // clean spells shorter than the window
		steps = append(steps, step{http.StatusServiceUnavailable, 150 * time.Millisecond}, step{http.StatusOK, 150 * time.Millisecond})
	}
	steps = append(steps, step{http.StatusServiceUnavailable, 200 * time.Millisecond})
	tl, at := groundTruth(t, steps)

	obj := objective()
	obj.StabilityWindow = window
	r, err := RTO(tl, obj)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("relapse at %v: recovered %v, RTO %v, reason %q, outages %+v", at[2], r.Recovered, r.RTO, r.Reason, r.Outages)
	if r.Recovered {
		t.Fatalf("recovered with RTO %v although the target failed until the end", r.RTO)
	}
	if !strings.Contains(r.Reason, "fell below 0.99 again at") || !strings.Contains(r.Reason, "had not recovered when the observation ended") {
		t.Errorf("reason %q", r.Reason)
	}
	if len(r.Outages) != 2 || r.Relapses != 1 || r.Outages[1].Ended || !r.Outages[0].Ended {
		t.Fatalf("outages %+v: want an ended one and an unended relapse", r.Outages)
	}
	if from := r.Outages[1].From - r.FaultOffset; !near(from, at[2]) {
		t.Errorf("relapse measured at %v, truth %v", from, at[2])
	}
	if end := max(tl.Duration, tl.End()); r.RTO != tl.Duration-r.FaultOffset || r.Outages[1].To > end {
		t.Errorf("RTO %v: want the lower bound %v to the end of the observation", r.RTO, tl.Duration-r.FaultOffset)
	}
}
