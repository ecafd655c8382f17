package measure

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/load"
)

func TestErrorBudget(t *testing.T) {
	// 2 s baseline, fault 2-4 s with 1 s of failures, recovery 4-6 s with 0.5 %.
	tl := synthFailing(t)
	got, err := ErrorBudget(tl, objective())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		phase  string
		sent   int
		failed int
		within bool
	}{{"baseline", 200, 0, true}, {"fault", 200, 100, false}, {"recovery", 200, 1, true}}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i, w := range want {
		g := got[i]
		if g.Phase != w.phase || g.Sent != w.sent || g.Failed != w.failed || g.Within != w.within || math.Abs(g.Allowed-0.01) > 1e-9 ||
			!g.Measured || g.Reason != "" || math.Abs(g.FailureRatio-float64(w.failed)/float64(w.sent)) > 1e-9 {
			t.Errorf("phase %d: %+v, want %+v", i, g, w)
		}
	}
	if got[1].Worst < 2*sec || got[1].Worst >= 3*sec {
		t.Errorf("worst fault bucket at %v", got[1].Worst)
	}
	if _, err := Phase(tl, "drain"); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("missing phase: %v", err)
	}
}

func TestFaultBudget(t *testing.T) {
	tl := synthFailing(t)
	b, err := FaultBudget(tl, objective())
	if err != nil {
		t.Fatal(err)
	}
	if b.Phase != "fault" || b.Sent != 200 || b.Failed != 100 || b.FailureRatio != 0.5 || b.Within || !b.Measured || b.Window != (Window{2 * sec, 4 * sec}) {
		t.Errorf("fault budget %+v", b)
	}
	if b, err := FaultBudget(tl, objective(), FaultPhase("recovery")); err != nil || b.Failed != 1 || !b.Within {
		t.Errorf("recovery as the fault phase: %+v, %v", b, err)
	}
	if _, err := FaultBudget(tl, objective(), FaultPhase("zone-outage")); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("missing phase: %v", err)
	}
	if _, err := FaultBudget(nil, objective()); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("no timeline: %v", err)
	}
	bad := objective()
	bad.SuccessThreshold = 2
	if _, err := FaultBudget(tl, bad); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("bad objective: %v", err)
	}
}

// Nothing sent in a phase (the attackers blocked on a hanging target for all
// of it) is no evidence: not measured, not within the budget.
func TestFaultBudgetNothingSent(t *testing.T) {
	tl := synthFailing(t)
	for i := range tl.Buckets {
		if b := &tl.Buckets[i]; b.Phase == "fault" {
			*b = load.Bucket{Offset: b.Offset, Phase: b.Phase}
		}
	}
	p, err := Phase(tl, "fault")
	if err != nil {
		t.Fatal(err)
	}
	p.Counts = load.Counts{} // as the recorder sums the empty buckets
	b := PhaseErrorBudget(tl, p, 0.01)
	if b.Measured || b.Within || b.FailureRatio != 0 || !strings.Contains(b.Reason, "no request was sent in the fault phase") {
		t.Errorf("empty phase: %+v", b)
	}
	if r, ok := FailureRatio(load.Counts{}); ok || r != 0 {
		t.Errorf("FailureRatio of nothing = %v, %v", r, ok)
	}
	if r, ok := FailureRatio(load.Counts{Sent: 4, OK: 3, Failures: load.Failures{Refused: 1}}); !ok || r != 0.25 {
		t.Errorf("FailureRatio of 1/4 = %v, %v", r, ok)
	}
}

func synthFailing(t *testing.T) *load.Timeline {
	t.Helper()
	return synthesize(100, 6*sec, marks(2*sec, load.Mark{Phase: "recovery", Offset: 4 * sec}),
		failing("us-east1", span(2*sec, 3*sec), span(ms(4500), ms(4501))))
}
