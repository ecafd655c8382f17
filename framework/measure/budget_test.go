package measure

import (
	"errors"
	"math"
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
		if g.Phase != w.phase || g.Sent != w.sent || g.Failed != w.failed || g.Within != w.within || math.Abs(g.Allowed-0.01) > 1e-9 {
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

func synthFailing(t *testing.T) *load.Timeline {
	t.Helper()
	return synthesize(100, 6*sec, marks(2*sec, load.Mark{Phase: "recovery", Offset: 4 * sec}),
		failing("us-east1", span(2*sec, 3*sec), span(ms(4500), ms(4501))))
}
