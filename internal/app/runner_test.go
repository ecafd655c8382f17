package app

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/scenarios"
)

func TestCompleteSuites(t *testing.T) {
	bin := t.TempDir()
	if err := os.MkdirAll(filepath.Join(bin, "suites"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range scenarios.SuiteNames() {
		if err := os.WriteFile(suiteBinary(bin, s), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		in   []string
		want []string
	}{
		{nil, scenarios.SuiteNames()},
		{[]string{"all"}, scenarios.SuiteNames()},
		{[]string{"rpo,zone", "zone"}, []string{"zone", "rpo"}},
		{[]string{"pdb", "region"}, []string{"region", "pdb"}},
	}
	for _, c := range cases {
		o := Options{Suites: c.in, BinDir: bin}
		got, err := o.complete()
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("suites %v = %v, %v; want %v (in run order)", c.in, got, err, c.want)
		}
	}
	o := Options{Suites: []string{"zone,typo"}, BinDir: bin}
	if _, err := o.complete(); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("unknown suite: %v", err)
	}
	o = Options{Suites: []string{"zone"}, BinDir: t.TempDir()}
	if _, err := o.complete(); !errors.Is(err, framework.ErrMissingBinary) {
		t.Errorf("missing suite binary: %v", err)
	}
	o = Options{Profile: "slow", BinDir: bin}
	if _, err := o.complete(); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("bad profile: %v", err)
	}
}
