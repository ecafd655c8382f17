package evidence

import (
	"strings"
	"testing"
	"time"
)

// An aborted drill has no met or missed objective, whatever was measured
// before the abort, and its verdict names the cause.
func TestAbortedDrillMeasuresNothing(t *testing.T) {
	for _, tt := range []struct {
		cause  AbortCause
		want   Verdict
		reason string
	}{
		{AbortInterrupted, VerdictInterrupted, "interrupted at +19.0 s: signal interrupt"},
		{AbortHarness, VerdictHarnessFailed, "the harness failed at +19.0 s: data-plane agent (pid 7) exited"},
	} {
		t.Run(string(tt.cause), func(t *testing.T) {
			what := map[AbortCause]string{AbortInterrupted: "signal interrupt", AbortHarness: "data-plane agent (pid 7) exited"}[tt.cause]
			missed := Objective{Name: "rpo", Comparison: AtMost, Target: 1, Achieved: Measured(2), Unit: "s", Method: "m"}
			ev := New("r", t0)
			ev.End, ev.Profile = t0.Add(time.Minute), "fast"
			ev.Drills = []Drill{{Name: "zone-outage", Start: t0, End: t0.Add(30 * time.Second),
				Objectives: []Objective{metObjective(), missed}, Aborted: NewAbort(tt.cause, what, t0.Add(19*time.Second), t0)}}
			ev.Finalize()
			d := ev.Drills[0]
			if d.Verdict != tt.want || ev.Verdict != tt.want {
				t.Fatalf("drill verdict %s, run verdict %s, want %s", d.Verdict, ev.Verdict, tt.want)
			}
			for _, o := range d.Objectives {
				if o.Met || o.Achieved != nil || o.Status != StatusNotMeasured || !strings.Contains(o.Detail, "partial figure") {
					t.Errorf("objective %s: met=%v achieved=%v status=%s detail %q; want not measured with the partial figure in its detail", o.Name, o.Met, o.Achieved, o.Status, o.Detail)
				}
			}
			why := strings.Join(d.FailureReasons(), "\n")
			if !strings.Contains(why, tt.reason) || strings.Contains(why, "not met") {
				t.Errorf("reasons %q: want %q and no objective judged", why, tt.reason)
			}
			if err := ev.Validate(); err != nil {
				t.Fatal(err)
			}
			ev.Finalize() // idempotent: the partial figure is not wrapped twice
			if n := strings.Count(ev.Drills[0].Objectives[0].Detail, "partial figure"); n != 1 {
				t.Errorf("detail %q after a second Finalize", ev.Drills[0].Objectives[0].Detail)
			}
			if got := ev.NotMeasuredCount(); got != 2 {
				t.Errorf("NotMeasuredCount %d, want 2", got)
			}
		})
	}
}

// The run's verdict is the worst of its drills': a harness failure outranks
// an interruption, which outranks a missed objective.
func TestRunVerdictIsTheWorst(t *testing.T) {
	missed := Drill{Name: "a", Objectives: []Objective{{Name: "rpo", Comparison: AtMost, Target: 1, Achieved: Measured(2), Unit: "s", Method: "m"}}}
	interrupted := Drill{Name: "b", Objectives: []Objective{metObjective()}, Aborted: NewAbort(AbortInterrupted, "signal terminated", t0, t0)}
	harness := Drill{Name: "c", Objectives: []Objective{metObjective()}, Aborted: NewAbort(AbortHarness, "etcd of us-east1 exited", t0, t0)}
	for _, tt := range []struct {
		drills []Drill
		abort  *Abort
		want   Verdict
	}{
		{[]Drill{missed}, nil, VerdictFail},
		{[]Drill{missed, interrupted}, nil, VerdictInterrupted},
		{[]Drill{interrupted, missed}, nil, VerdictInterrupted},
		{[]Drill{harness, interrupted, missed}, nil, VerdictHarnessFailed},
		{[]Drill{missed}, NewAbort(AbortInterrupted, "signal interrupt", t0, t0), VerdictInterrupted},
		{[]Drill{{Name: "d", Objectives: []Objective{metObjective()}}}, NewAbort(AbortInterrupted, "signal interrupt", t0, t0), VerdictInterrupted},
	} {
		ev := New("r", t0)
		ev.Drills, ev.Aborted = tt.drills, tt.abort
		ev.Finalize()
		if ev.Verdict != tt.want {
			t.Errorf("drills %v abort %v: verdict %s, want %s", verdicts(ev.Drills), tt.abort, ev.Verdict, tt.want)
		}
	}
}

func verdicts(ds []Drill) []Verdict {
	var out []Verdict
	for _, d := range ds {
		out = append(out, d.Verdict)
	}
	return out
}

func TestValidateRejectsAJudgedObjectiveOfAnAbortedDrill(t *testing.T) {
	ev := New("r", t0)
	ev.End, ev.Profile = t0.Add(time.Minute), "fast"
	ev.Drills = []Drill{{Name: "d", Start: t0, End: t0, Objectives: []Objective{metObjective()}, Aborted: NewAbort(AbortHarness, "agent exited", t0, t0)}}
	ev.Finalize()
	ev.Drills[0].Objectives[0].Achieved = Measured(3) // tampered after Finalize
	if err := ev.Validate(); err == nil || !strings.Contains(err.Error(), "drills[0].objectives[0].achieved") {
		t.Fatalf("Validate = %v, want an error naming the objective", err)
	}
	ev.Drills[0].Aborted.What = ""
	ev.Drills[0].Objectives[0].Achieved = nil
	if err := ev.Validate(); err == nil || !strings.Contains(err.Error(), "aborted.what") {
		t.Fatalf("Validate = %v, want an error naming aborted.what", err)
	}
}
