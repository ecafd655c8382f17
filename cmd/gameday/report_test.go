package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework/evidence/evidencetest"
	"gameday.io/gameday/reports/bundle"
)

// runReportCmds runs a report or verify command and returns its output
// (stdout, stderr, then the error) and exit code.
func runReportCmds(t *testing.T, cmd *cobra.Command, args ...string) (string, int) {
	t.Helper()
	r := execute(t, time.Minute, cmd, args...)
	out := r.out + r.errOut
	if r.err != nil {
		out += "error: " + r.err.Error()
	}
	return out, r.code
}

func sampleBundle(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := bundle.Write(context.Background(), dir, evidencetest.Failing()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVerifyCommand(t *testing.T) {
	dir := sampleBundle(t)
	out, code := runReportCmds(t, newVerifyCmd(), dir)
	if code != exitOK || !strings.Contains(out, "verifies: 4 files") || !strings.Contains(out, "result FAILED") {
		t.Fatalf("verify a good bundle: exit %d\n%s", code, out)
	}
	out, code = runReportCmds(t, newVerifyCmd(), dir, "-o", "json")
	var rep bundle.Report
	if code != exitOK || json.Unmarshal([]byte(out), &rep) != nil || !rep.OK() {
		t.Errorf("verify -o json: exit %d\n%s", code, out)
	}

	html := filepath.Join(dir, bundle.HTMLFile)
	data, _ := os.ReadFile(html)
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(html, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = runReportCmds(t, newVerifyCmd(), dir)
	if code != exitFailed || !strings.Contains(out, "FAIL  report.html: SHA-256") {
		t.Errorf("verify a tampered bundle: exit %d, want %d naming report.html\n%s", code, exitFailed, out)
	}
	if _, code := runReportCmds(t, newVerifyCmd(), filepath.Join(dir, "missing")); code != exitUsage {
		t.Errorf("verify a missing dir: exit %d, want %d", code, exitUsage)
	}
}

func TestReportSignCommand(t *testing.T) {
	dir := sampleBundle(t)
	key := filepath.Join(t.TempDir(), "approver.key")
	out, code := runReportCmds(t, newReportCmd(), "sign", dir, "--approver", "Amina Haddad", "--comment", "accepted", "--key", key)
	if code != exitOK || !strings.Contains(out, "signed off by Amina Haddad") {
		t.Fatalf("report sign: exit %d\n%s", code, out)
	}
	k, err := bundle.ReadKey(key)
	if err != nil {
		t.Fatalf("--key did not create the key: %v", err)
	}
	pub := filepath.Join(t.TempDir(), "approver.pub")
	if err := os.WriteFile(pub, k.PublicPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := runReportCmds(t, newVerifyCmd(), dir, "--pubkey", pub); code != exitOK {
		t.Errorf("verify --pubkey after sign-off: exit %d\n%s", code, out)
	}
	if out, code := runReportCmds(t, newReportCmd(), "sign", dir); code != exitUsage {
		t.Errorf("sign without --approver: exit %d, want %d\n%s", code, exitUsage, out)
	}
}

func TestReportRenderCommand(t *testing.T) {
	dir := sampleBundle(t)
	gd := filepath.Join(t.TempDir(), "gameday.yaml")
	if err := os.WriteFile(gd, []byte("remediation: [{title: x, owner: '', due: '2026-12-01'}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := runReportCmds(t, newReportCmd(), "render", dir, "--gameday", gd); code != exitUsage || !strings.Contains(out, "owner") {
		t.Errorf("render with a bad game-day file: exit %d, want %d\n%s", code, exitUsage, out)
	}
	if err := os.WriteFile(gd, []byte("participants: [{name: Jonas Berg}]\nnextDrill: '2027-03-01'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := runReportCmds(t, newReportCmd(), "render", dir, "--gameday", gd); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, out)
	}
	md, _ := os.ReadFile(filepath.Join(dir, bundle.SummaryFile))
	if !strings.Contains(string(md), "next drill 2027-03-01") {
		t.Errorf("summary.md lacks the game-day record:\n%s", md)
	}
	if out, code := runReportCmds(t, newVerifyCmd(), dir); code != exitOK {
		t.Errorf("verify after render: exit %d\n%s", code, out)
	}
}
