package matchers

import (
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/load/synth"
	"gameday.io/gameday/framework/measure"
)

const sec = time.Second

var objective = measure.Criteria{RTO: 30 * time.Minute, SuccessThreshold: 0.99, FailoverShare: 0.9, StabilityWindow: sec}

// outage: us-east1 until 3 s, refused until 5 s, then europe-west1.
func outage(_ string, at time.Duration) synth.Outcome {
	switch {
	case at < 3*sec:
		return synth.OK("us-east1")
	case at < 5*sec:
		return synth.Refused
	}
	return synth.OK("europe-west1")
}

func measured(t *testing.T, outcome func(string, time.Duration) synth.Outcome) measure.RTOResult {
	t.Helper()
	tl := synth.Synthesize(100, 10*sec, []load.Mark{{Phase: "fault", Offset: 3 * sec}}, nil, outcome)
	r, err := measure.RTO(tl, objective, measure.FailoverTo("europe-west1", ""))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// check runs m on actual and wants the verdict ok; the message shown on
// failure must hold every string in want.
func check(t *testing.T, m types.GomegaMatcher, actual any, ok bool, want ...string) {
	t.Helper()
	got, err := m.Match(actual)
	if err != nil {
		t.Fatalf("Match: %v", err)
	}
	if got != ok {
		t.Fatalf("Match = %v, want %v", got, ok)
	}
	msg := m.FailureMessage(actual)
	if ok {
		msg = m.NegatedFailureMessage(actual)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message lacks %q:\n%s", w, msg)
		}
	}
}

func TestHaveRTOBelow(t *testing.T) {
	r := measured(t, outage) // RTO 1.99 s
	check(t, HaveRTOBelow(2*sec), r, true, "measured 1.99s")
	check(t, HaveRTOBelow(2*sec), &r, true)
	check(t, HaveRTOBelow(sec), r, false,
		"Expected an RTO below 1s, measured 1.99s",
		"fault (fault) at +3.000s", "recovered at +4.990s",
		"200 of 200 requests failed",
		"timeline around the recovery", "+4.9s", "connectionRefused:10", "europe-west1:10")

	never := measured(t, func(string, time.Duration) synth.Outcome { return synth.Status(http.StatusServiceUnavailable) })
	check(t, HaveRTOBelow(time.Hour), never, false, "never recovered", "the end of the timeline", "5xx:10")

	if _, err := HaveRTOBelow(sec).Match(42); err == nil {
		t.Error("an int matched")
	}
	NewWithT(t).Expect(r).To(HaveRTOBelow(30 * time.Minute))
}

func TestHaveFailedOverTo(t *testing.T) {
	r := measured(t, outage)
	check(t, HaveFailedOverTo("europe-west1"), r, true, "reached 0.9 2s after the fault")
	check(t, HaveFailedOverTo("europe-west1"), *r.Failover, true)

	stay := measured(t, func(string, time.Duration) synth.Outcome { return synth.OK("us-east1") })
	check(t, HaveFailedOverTo("europe-west1"), stay, false,
		"europe-west1's share of all requests was 0.0% before the fault and 0.0% after it",
		"around the switch", "us-east1:10")

	if _, err := HaveFailedOverTo("us-west1").Match(r); err == nil || !strings.Contains(err.Error(), `measured for "europe-west1"`) {
		t.Errorf("another region: %v", err)
	}
	r.Failover = nil
	if _, err := HaveFailedOverTo("europe-west1").Match(r); err == nil {
		t.Error("an RTOResult without failover matched")
	}
}

func TestStayWithinErrorBudget(t *testing.T) {
	tl := synth.Synthesize(100, 6*sec, []load.Mark{{Phase: "fault", Offset: 2 * sec}}, nil, func(_ string, at time.Duration) synth.Outcome {
		if at >= ms(2500) && at < ms(2550) {
			return synth.Status(http.StatusInternalServerError)
		}
		return synth.OK("us-east1")
	})
	check(t, StayWithinErrorBudget("baseline", 0), tl, true, "more than")
	check(t, StayWithinErrorBudget("fault", 0.002), tl, false, "5 of 400 failed (1.250%)", "worst bucket is at +2.500s", "5xx:5")
	check(t, StayWithinErrorBudget("fault", 0.02), *tl, true)
	if _, err := StayWithinErrorBudget("recovery", 0.1).Match(tl); err == nil || !strings.Contains(err.Error(), `no phase "recovery"`) {
		t.Errorf("missing phase: %v", err)
	}
}

func TestHoldPDBMinAvailable(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := measure.PDBResult{
		Namespace: "ml-serving", Selector: "app=inference-service",
		Windows: []measure.DisruptionWindow{
			{Name: "drain zone a", Begin: t0, End: t0.Add(20 * sec), ReadyAtBegin: 6, MinReady: 4, MinAt: t0.Add(2 * sec), ReadyAtEnd: 6, Evictions: 3, Refused: 1},
			{Name: "drain zone b", Begin: t0.Add(30 * sec), End: t0.Add(50 * sec), ReadyAtBegin: 6, MinReady: 3, MinAt: t0.Add(33 * sec), ReadyAtEnd: 6, Evictions: 3},
		},
		Samples:   []measure.ReadySample{{At: t0.Add(-sec), Ready: 6}, {At: t0.Add(2 * sec), Ready: 4}, {At: t0.Add(10 * sec), Ready: 6}, {At: t0.Add(33 * sec), Ready: 3}, {At: t0.Add(45 * sec), Ready: 6}},
		Evictions: []measure.Eviction{{Pod: "p1", At: t0.Add(31 * sec), Window: "drain zone b"}},
	}
	check(t, HoldPDBMinAvailable(3), r, true)
	check(t, HoldPDBMinAvailable(4), &r, false,
		"drain zone a (20s long): Ready 6 at the start, min 4 at +2s, 6 at the end; 3 evictions, 1 refused (429): held",
		"drain zone b (20s long): Ready 6 at the start, min 3 at +3s", "BROKEN",
		"+3s  3 Ready", "+1s  evict p1")
	check(t, HoldPDBMinAvailable(1), measure.PDBResult{Namespace: "ml-serving"}, false, "no disruption window was recorded")
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }
