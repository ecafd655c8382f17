package evidence

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)

func metObjective() Objective {
	return Objective{Name: "rto", Comparison: AtMost, Target: 1800, Achieved: Measured(4), Unit: "s", Method: "m"}
}

func reverted(f Fault) Fault {
	r := f.InjectedAt.Add(time.Minute)
	f.RevertedAt = &r
	return f
}

func TestFinalizeDrillVerdict(t *testing.T) {
	fault := Fault{Kind: "zone-outage", Target: "us-east1/us-east1-a", InjectedAt: t0}
	tests := []struct {
		name   string
		drill  Drill
		want   Verdict
		reason string
	}{
		{"all met", Drill{Objectives: []Objective{metObjective()}, Faults: []Fault{reverted(fault)}}, VerdictPass, ""},
		{"missed", Drill{Objectives: []Objective{{Name: "rpo", Comparison: AtMost, Target: 3600, Achieved: Measured(21540), Unit: "s"}}}, VerdictFail, "objective rpo not met"},
		{"not measured", Drill{Objectives: []Objective{{Name: "rto", Comparison: AtMost, Target: 1800, Unit: "s"}}}, VerdictFail, "achieved not measured"},
		{"no objective", Drill{}, VerdictFail, "no objective was measured"},
		{"drill error", Drill{Objectives: []Objective{metObjective()}, Error: "pods never ready"}, VerdictFail, "drill error: pods never ready"},
		{"never reverted", Drill{Objectives: []Objective{metObjective()}, Faults: []Fault{fault}}, VerdictFail, "was never reverted"},
		{"fault error", Drill{Objectives: []Objective{metObjective()}, Faults: []Fault{{Kind: "drain", Target: "x", InjectedAt: t0, Error: "eviction refused"}}}, VerdictFail, "eviction refused"},
		{"stale met flag is recomputed", Drill{Objectives: []Objective{{Name: "rpo", Comparison: AtMost, Target: 1, Achieved: Measured(2), Unit: "s", Met: true}}}, VerdictFail, "objective rpo not met"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := New("r", t0)
			ev.End = t0.Add(time.Minute)
			tt.drill.Name = "d"
			ev.Drills = []Drill{tt.drill}
			ev.Finalize()
			d := ev.Drills[0]
			if d.Verdict != tt.want || ev.Verdict != tt.want {
				t.Fatalf("drill verdict %s, run verdict %s, want %s (reasons %q)", d.Verdict, ev.Verdict, tt.want, d.FailureReasons())
			}
			got := strings.Join(ev.FailureReasons(), "\n")
			if tt.reason == "" && got != "" || !strings.Contains(got, tt.reason) {
				t.Errorf("reasons %q, want one containing %q", got, tt.reason)
			}
		})
	}
}

func TestFinalizeRun(t *testing.T) {
	ev := New("r", t0)
	ev.Finalize()
	if ev.Verdict != VerdictFail {
		t.Errorf("a run without drills: verdict %s, want fail", ev.Verdict)
	}
	ev.Drills = []Drill{{Name: "d", Objectives: []Objective{metObjective()}}}
	ev.Finalize()
	if ev.Verdict != VerdictPass {
		t.Errorf("verdict %s, want pass (%q)", ev.Verdict, ev.FailureReasons())
	}
	ev.Error = "interrupted"
	ev.Finalize()
	if ev.Verdict != VerdictFail {
		t.Errorf("a run that errored: verdict %s, want fail", ev.Verdict)
	}
}

func TestFinalizeNormalises(t *testing.T) {
	local := time.FixedZone("CET", 3600)
	ev := &Evidence{SchemaVersion: SchemaVersion, Start: t0.In(local), Drills: []Drill{{Name: "d", Start: t0.In(local)}}}
	ev.Finalize()
	if ev.Start.Location() != time.UTC || ev.Drills[0].Start.Location() != time.UTC {
		t.Errorf("times not UTC: %v, %v", ev.Start, ev.Drills[0].Start)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Errorf("finalised evidence has null lists: %s", b)
	}
	first := string(b)
	ev.Finalize()
	if b, _ := json.Marshal(ev); string(b) != first {
		t.Errorf("Finalize is not idempotent:\n%s\n%s", first, b)
	}
}
