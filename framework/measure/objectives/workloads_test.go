package objectives

import (
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/measure"
)

// twoWorkloads is the observation of a drill on a platform with two
// workloads: the entry (recsys/ranker) keeps its PDB's minimum and gets its
// capacity back during the fault; the second (recsys/embedder) falls below
// its minimum and stays there.
func twoWorkloads() *Observation {
	o := observation()
	t0 := o.Injected
	ranker := Workload{Name: "recsys/ranker", MinAvailable: 5, Capacity: map[string][]measure.CapacitySample{"us-east1": {
		{At: t0.Add(-time.Second), Ready: 6, Desired: 6}, {At: t0.Add(time.Second), Ready: 5, Desired: 6}, {At: t0.Add(10 * time.Second), Ready: 6, Desired: 6},
	}}}
	embedder := Workload{Name: "recsys/embedder", MinAvailable: 3, Pending: []string{"embedder-x: 0/4 nodes are available"}, Capacity: map[string][]measure.CapacitySample{"us-east1": {
		{At: t0.Add(-time.Second), Ready: 4, Desired: 4}, {At: t0.Add(time.Second), Ready: 2, Desired: 4},
	}}}
	o.Workloads = []Workload{ranker, embedder}
	o.Workload, o.Capacity, o.MinAvailable, o.Pending = ranker.Name, ranker.Capacity, ranker.MinAvailable, nil
	return o
}

func TestPerWorkloadObjectives(t *testing.T) {
	got := Evaluate([]Spec{{Kind: "min-ready", Region: "primary"}, {Kind: "capacity-during-fault"}, {Kind: "rto"}}, twoWorkloads())
	type want struct {
		kind, workload string
		met            bool
		value          float64
	}
	wants := []want{
		{"min-ready", "recsys/ranker", true, 5},
		{"min-ready", "recsys/embedder", false, 2},
		{"capacity-during-fault", "recsys/ranker", true, 10},
		{"capacity-during-fault", "recsys/embedder", false, 30},
		{"rto", "", false, -1}, // about the platform: once, not per workload
	}
	if len(got) != len(wants) {
		t.Fatalf("got %d objectives, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		g.Met = g.Evaluate()
		if g.Kind != w.kind || g.Workload != w.workload || g.Met != w.met {
			t.Errorf("objective %d: kind %q workload %q met %v, want %+v (%s: %s)", i, g.Kind, g.Workload, g.Met, w, g.Name, g.Detail)
		}
		if w.workload != "" && !strings.HasSuffix(g.Name, "("+w.workload+")") {
			t.Errorf("objective %d: name %q does not say its workload %s", i, g.Name, w.workload)
		}
		switch {
		case w.value < 0 && g.Achieved != nil:
			t.Errorf("objective %d (%s): measured %v, want nothing", i, g.Name, *g.Achieved)
		case w.value >= 0 && (g.Achieved == nil || *g.Achieved != w.value):
			t.Errorf("objective %d (%s): measured %v, want %v", i, g.Name, g.Achieved, w.value)
		}
	}
	// The missed capacity says the embedder's own Pending reason, not the ranker's.
	if !strings.Contains(got[3].Detail, "embedder-x") {
		t.Errorf("embedder's capacity detail %q lacks its Pending reason", got[3].Detail)
	}
}

func TestPerWorkloadObjectiveNamingOneWorkload(t *testing.T) {
	for _, name := range []string{"embedder", "recsys/embedder"} {
		got := Evaluate([]Spec{{Kind: "min-ready", Workload: name}}, twoWorkloads())
		if len(got) != 1 || got[0].Workload != "recsys/embedder" {
			t.Errorf("workload %q: %+v", name, got)
		}
	}
	got := Evaluate([]Spec{{Kind: "min-ready", Workload: "ghost"}}, twoWorkloads())
	if len(got) != 1 || got[0].Achieved != nil || !strings.Contains(got[0].Detail, `"ghost"`) || !strings.Contains(got[0].Detail, "recsys/ranker") {
		t.Errorf("unknown workload: %+v", got)
	}
	// One workload: the objective keeps its plain name.
	o := twoWorkloads()
	o.Workloads = o.Workloads[:1]
	got = Evaluate([]Spec{{Kind: "min-ready"}}, o)
	if len(got) != 1 || strings.Contains(got[0].Name, "(") || got[0].Workload != "recsys/ranker" {
		t.Errorf("single workload: %+v", got)
	}
}

func TestDRCapacityPerScaledWorkload(t *testing.T) {
	o := twoWorkloads()
	t0 := o.Injected
	o.Workloads[0].Capacity["europe-west1"] = []measure.CapacitySample{{At: t0, Ready: 6, Desired: 6}, {At: t0.Add(5 * time.Second), Ready: 8, Desired: 8}}
	o.Workloads[1].Capacity["europe-west1"] = []measure.CapacitySample{{At: t0, Ready: 4, Desired: 4}}
	o.Actions = []Action{
		{Do: "scale", Region: "europe-west1", Workload: "recsys/ranker", Replicas: 8, At: t0.Add(time.Second)},
		{Do: "scale", Region: "europe-west1", Workload: "recsys/embedder", Replicas: 6, At: t0.Add(time.Second)},
	}
	got := Evaluate([]Spec{{Kind: "dr-capacity"}}, o)
	if len(got) != 2 {
		t.Fatalf("want one dr-capacity per scaled workload, got %+v", got)
	}
	for i := range got {
		got[i].Met = got[i].Evaluate()
	}
	if !got[0].Met || *got[0].Achieved != 4 || got[1].Met || !got[1].LowerBound {
		t.Errorf("ranker scaled in 4 s, embedder never: %+v", got)
	}
	// Only the entry is scaled: the other workload is not judged.
	o.Actions = o.Actions[:1]
	if got := Evaluate([]Spec{{Kind: "dr-capacity"}}, o); len(got) != 1 || got[0].Workload != "recsys/ranker" {
		t.Errorf("entry only: %+v", got)
	}
	// Nothing scaled: the entry's objective says so.
	o.Actions = nil
	if got := Evaluate([]Spec{{Kind: "dr-capacity"}}, o); len(got) != 1 || got[0].Achieved != nil || !strings.Contains(got[0].Detail, "not taken") {
		t.Errorf("nothing scaled: %+v", got)
	}
}

// A workload the scenario names is judged even when nothing applies to it:
// an objective never disappears from the evidence.
func TestNamedWorkloadIsAlwaysJudged(t *testing.T) {
	o := twoWorkloads()
	o.Actions = []Action{{Do: "scale", Region: "europe-west1", Workload: "recsys/ranker", Replicas: 8, At: o.Injected}}
	got := Evaluate([]Spec{{Kind: "dr-capacity", Workload: "embedder"}}, o)
	if len(got) != 1 || got[0].Workload != "recsys/embedder" || got[0].Achieved != nil || !strings.Contains(got[0].Detail, "not taken") {
		t.Errorf("dr-capacity of the unscaled embedder: %+v", got)
	}
	if got[0].Unit == "" || got[0].Method == "" {
		t.Errorf("a not-measured objective still says its unit and method: %+v", got[0])
	}
}

func TestWorkloadOnlyOnPerWorkloadKinds(t *testing.T) {
	if err := Validate(Spec{Kind: "rto", Workload: "embedder"}); err == nil || !strings.Contains(err.Error(), "min-ready") {
		t.Errorf("rto with a workload: %v", err)
	}
	if err := Validate(Spec{Kind: "min-ready", Workload: "embedder"}); err != nil {
		t.Errorf("min-ready with a workload: %v", err)
	}
}
