package environment

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestOrphansAreEnvironmentsWhoseOwnerDied(t *testing.T) {
	s := Store{Root: t.TempDir()}
	// A process that has ended: its identity never matches a running one.
	child := exec.Command("true")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	dead := &Owner{PID: child.Process.Pid, Start: 1}
	if err := child.Wait(); err != nil {
		t.Fatal(err)
	}
	alive := self("test")
	if alive == nil || !alive.Alive() {
		t.Fatal("this process is not alive as an owner")
	}
	for _, r := range []*Record{
		{Phase: PhaseReady, CreatedAt: time.Now(), Owner: dead},
		{Phase: PhaseReady, CreatedAt: time.Now(), Owner: alive},
		{Phase: PhaseReady, CreatedAt: time.Now()}, // made with `gameday up`: never an orphan
	} {
		r.Name = map[bool]string{true: "run1"}[r.Owner == dead]
		if r.Name == "" {
			r.Name = map[bool]string{true: "run2", false: "mine"}[r.Owner == alive]
		}
		if err := s.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	orphans, err := s.Orphans()
	if err != nil {
		t.Fatal(err)
	}
	if len(orphans) != 1 || orphans[0].Name != "run1" {
		t.Fatalf("orphans %v, want run1 only", orphans)
	}
	if os.Getpid() != alive.PID {
		t.Fatal("self is not this process")
	}
}
