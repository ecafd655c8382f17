package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runLint runs `gameday lint ARGS` through the lint command alone and
// returns its output and exit code.
func runLint(t *testing.T, args ...string) (string, int) {
	t.Helper()
	r := execute(t, time.Minute, newLintCmd(), args...)
	return r.out + r.errOut, r.code
}

func TestLintCommand(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   oops: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"embedded reference", nil, exitFailed, "fixtures/reference/backup.yaml:36: error backup-rpo:"},
		{"remediated", []string{"../../fixtures/remediated"}, exitOK, "0 errors, 0 warnings"},
		{"reference from disk", []string{"../../fixtures/reference/failover.yaml"}, exitFailed, "../../fixtures/reference/failover.yaml:26: error failover-unknown-region"},
		{"warnings only", []string{"../../fixtures/reference/backup.yaml", "--rpo", "25h"}, exitOK, "0 errors, 3 warnings"},
		{"malformed YAML", []string{bad}, exitUsage, ""},
		{"missing path", []string{filepath.Join(dir, "nope")}, exitUsage, ""},
		{"bad output format", []string{"-o", "xml"}, exitUsage, ""},
		{"bad duration", []string{"--rto", "soon"}, exitUsage, ""},
		{"zero RPO", []string{"--rpo", "0s"}, exitUsage, ""},
		{"missing topology", []string{"--topology", filepath.Join(dir, "t.yaml")}, exitUsage, ""},
		{"topology file", []string{"../../fixtures/remediated", "--topology", "../../fixtures/topologies/two-region.yaml"}, exitOK, "topology two-region"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, code := runLint(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; output:\n%s", code, c.code, out)
			}
			if !strings.Contains(out, c.out) {
				t.Errorf("output lacks %q:\n%s", c.out, out)
			}
		})
	}
}

func TestLintCommandLooserRPO(t *testing.T) {
	out, _ := runLint(t, "../../fixtures/reference/backup.yaml", "--rpo", "25h", "-o", "json")
	var rep struct {
		RPO      string
		Findings []struct{ Rule string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if rep.RPO != "25h" {
		t.Errorf("rpo %q", rep.RPO)
	}
	for _, f := range rep.Findings {
		if f.Rule == "backup-rpo" {
			t.Errorf("backup-rpo reported against a 25h RPO")
		}
	}
}

func TestLintCommandSARIF(t *testing.T) {
	out, code := runLint(t, "-o", "sarif")
	if code != exitFailed {
		t.Fatalf("exit %d", code)
	}
	var log struct {
		Version string
		Runs    []struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Fatalf("sarif %v: %.200s", err, out)
	}
}
