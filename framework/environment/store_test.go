package environment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
)

func TestValidateName(t *testing.T) {
	for name, ok := range map[string]bool{"demo": true, "gd-1": true, "": false, "Demo": false, "a_b": false, "this-name-is-far-too-long": false} {
		err := ValidateName(name)
		if (err == nil) != ok {
			t.Errorf("ValidateName(%q) = %v", name, err)
		}
		if err != nil && !errors.Is(err, framework.ErrInvalid) {
			t.Errorf("ValidateName(%q) error is not ErrInvalid", name)
		}
	}
}

func TestStoreSaveLoadList(t *testing.T) {
	s := Store{Root: t.TempDir()}
	if _, err := s.Load("nope"); !errors.Is(err, framework.ErrNotFound) || !strings.Contains(err.Error(), "gameday up --name nope") {
		t.Fatalf("missing environment: %v", err)
	}
	for _, n := range []string{"b", "a"} {
		if err := s.Save(&Record{Environment: framework.Environment{Name: n}, Phase: PhaseReady}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(s.Root, "a", "state.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	list, err := s.List()
	if err != nil || len(list) != 2 || list[0].Name != "a" || list[1].Name != "b" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if list[0].Phase != PhaseFailed || !strings.Contains(list[0].Error, "corrupt") {
		t.Errorf("a corrupt record is listed as failed with the reason, got %+v", list[0])
	}
	if _, err := s.Load("a"); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("corrupt record: %v", err)
	}
}

func TestLockIsExclusive(t *testing.T) {
	s := Store{Root: t.TempDir()}
	unlock, err := s.Lock("x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lock("x"); !errors.Is(err, framework.ErrExists) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second lock: %v, want in use", err)
	}
	unlock()
	again, err := s.Lock("x")
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	again()
}

func TestDownOfMissingEnvironmentSucceeds(t *testing.T) {
	if err := Down(context.Background(), Store{Root: t.TempDir()}, "ghost", nil); err != nil {
		t.Fatalf("down of a missing environment: %v", err)
	}
}

func TestUpRejectsBadInputBeforeCreatingAnything(t *testing.T) {
	root := t.TempDir()
	bin := t.TempDir() // no binaries
	cases := []struct {
		o    Options
		want error
		text string
	}{
		{Options{Name: "Bad_Name", BinDir: bin}, framework.ErrInvalid, "environment name"},
		{Options{Name: "x", Profile: "slow", BinDir: bin}, framework.ErrInvalid, `unknown profile "slow"`},
		{Options{Name: "x", BinDir: bin}, framework.ErrMissingBinary, "make tools"},
		// The platform is judged before any binary is looked for.
		{Options{Name: "x", BinDir: bin, Platform: "second", Workload: "nosuch"}, framework.ErrInvalid, `platform second: no Deployment "nosuch"`},
		{Options{Name: "x", BinDir: bin, Bare: true, Workload: "ranker"}, framework.ErrInvalid, `--workload ranker: a --bare environment deploys no platform`},
	}
	for _, c := range cases {
		_, err := Up(context.Background(), Store{Root: root}, c.o)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("Up(%+v) = %v, want %v containing %q", c.o, err, c.want, c.text)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("rejected ups left %d entries in the state directory", len(entries))
	}
}
