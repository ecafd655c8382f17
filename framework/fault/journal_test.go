package fault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

func TestJournal(t *testing.T) {
	j := Journal{Dir: filepath.Join(t.TempDir(), "faults")}
	if list, err := j.List(); err != nil || len(list) != 0 {
		t.Fatalf("empty journal: %v %v", list, err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := &Entry{Plan: Plan{ID: "b-second", Spec: Spec{Kind: NodeLoss}}, State: StateActive, PlannedAt: t0.Add(time.Minute)}
	b := &Entry{Plan: Plan{ID: "a-first", Spec: Spec{Kind: Drain}}, State: StateReverted, PlannedAt: t0, Result: &Result{Refused: 3}}
	for _, e := range []*Entry{a, b} {
		if err := j.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	list, err := j.List()
	if err != nil || len(list) != 2 || list[0].ID != "a-first" || list[1].ID != "b-second" {
		t.Fatalf("list = %v, %v (want oldest first)", list, err)
	}
	if list[0].Result.Refused != 3 || list[0].Open() || !list[1].Open() {
		t.Fatalf("entries = %+v %+v", list[0], list[1])
	}
	a.State = StateReverted
	if err := j.Write(a); err != nil {
		t.Fatal(err)
	}
	got, err := j.Get("b-second")
	if err != nil || got.State != StateReverted {
		t.Fatalf("rewritten entry = %+v, %v", got, err)
	}
	if _, err := j.Get("missing"); !errors.Is(err, framework.ErrNotFound) {
		t.Fatalf("missing entry: %v", err)
	}
	// No temporary files are left behind by atomic writes.
	files, _ := os.ReadDir(j.Dir)
	if len(files) != 2 {
		t.Fatalf("%d files in the journal, want 2", len(files))
	}
}

func TestGuardRefusesForeignEnvironment(t *testing.T) {
	env := &framework.Environment{Name: "staging", Regions: []framework.Region{{Name: "us-east1", Context: "staging-us"}, {Name: "eu", Context: "staging-eu"}}}
	if err := (Guard{}).CheckEnvironment(env); !errors.Is(err, framework.ErrRefused) {
		t.Fatalf("foreign environment: %v, want ErrRefused", err)
	}
	if err := (Guard{AllowContexts: []string{"staging-us"}}).CheckEnvironment(env); !errors.Is(err, framework.ErrRefused) {
		t.Fatalf("half allow-listed environment: %v, want ErrRefused", err)
	}
	if err := (Guard{AllowContexts: []string{"staging-us", "staging-eu"}}).CheckEnvironment(env); err != nil {
		t.Fatalf("allow-listed environment refused: %v", err)
	}
	env.CreatedByGameday, env.Regions[0].Context = true, ""
	if err := (Guard{}).CheckEnvironment(env); err != nil {
		t.Fatalf("gameday's own environment refused: %v", err)
	}
}
