package lint

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gameday.io/gameday/fixtures"
)

// FuzzLint feeds decoded manifests of any shape to every rule: no rule may
// panic or take long, and every finding must name a known rule and a line of
// the input.
func FuzzLint(f *testing.F) {
	files, _ := filepath.Glob("../../fixtures/*/*.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil && filepath.Base(filepath.Dir(name)) != "topologies" {
			f.Add(data)
		}
	}
	f.Add([]byte(workloadYAML))
	f.Add([]byte(cronJob + "---\n" + velero + "---\n" + drYAML + alertsYAML))
	small := topo(f, 2, 1, 2)
	known := map[string]bool{}
	for _, r := range Rules() {
		known[r.Meta().ID] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := fixtures.Decode("fuzz.yaml", data)
		if err != nil {
			return
		}
		var rep *Report
		done := make(chan struct{})
		go func() {
			defer close(done)
			rep, err = Lint(context.Background(), fixtures.NewPlatform(objs), WithTopology(small))
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("lint did not finish in 10s on %q", data)
		}
		if err != nil {
			t.Fatalf("lint failed on decoded input: %v", err)
		}
		for _, fd := range rep.Findings {
			if !known[fd.Rule] || fd.Position.File != "fuzz.yaml" || fd.Position.Line < 1 || fd.Message == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}
