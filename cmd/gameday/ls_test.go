package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
)

// TestLsAndDownOrphans: an environment whose owner died is listed as an
// orphan, and `down --orphans` removes it and nothing else.
func TestLsAndDownOrphans(t *testing.T) {
	root := t.TempDir()
	t.Setenv(environment.StateRootEnv, root)
	s := environment.Store{Root: root}
	child := exec.Command("true")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	dead := &environment.Owner{PID: child.Process.Pid, Start: 1}
	_ = child.Wait()
	for name, owner := range map[string]*environment.Owner{"run123": dead, "kept": nil} {
		rec := &environment.Record{Environment: framework.Environment{Name: name, Provider: "sim", Profile: framework.ProfileFast, StateDir: s.Dir(name)},
			Phase: environment.PhaseReady, CreatedAt: time.Now().Add(-time.Hour), Owner: owner, BinDir: t.TempDir()}
		if err := s.Save(rec); err != nil {
			t.Fatal(err)
		}
	}
	ls := execute(t, 10*time.Second, newLsCmd())
	if ls.err != nil || !strings.Contains(ls.out, "run123") || !strings.Contains(ls.out, "DEAD (orphan)") || strings.Count(ls.out, "orphan") != 1 {
		t.Fatalf("ls: %v\n%s", ls.err, ls.out)
	}
	down := execute(t, time.Minute, newDownCmd(), "--orphans")
	if down.err != nil || !strings.Contains(down.out, "orphan environment run123") {
		t.Fatalf("down --orphans: %v\n%s", down.err, down.out)
	}
	if _, err := os.Stat(filepath.Join(root, "run123")); !os.IsNotExist(err) {
		t.Errorf("the orphan's state is still there: %v", err)
	}
	if _, err := s.Load("kept"); err != nil {
		t.Errorf("an environment of `gameday up` was removed: %v", err)
	}
}
