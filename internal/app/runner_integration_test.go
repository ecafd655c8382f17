package app_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/envtest"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
)

// gameday runs bin/gameday with a private state directory.
func gameday(ctx context.Context, state string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(envtest.RepoRoot(), "bin", "gameday"), args...)
	cmd.Env = append(os.Environ(), "GAMEDAY_STATE_DIR="+state)
	return cmd
}

func needBinaries(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: runs every drill (needs make tools build)")
	}
	for _, b := range []string{"gameday", "kwokctl", "suites/zone.test"} {
		if _, err := os.Stat(filepath.Join(envtest.RepoRoot(), "bin", b)); err != nil {
			t.Fatalf("bin/%s missing: run make tools build", b)
		}
	}
}

// missed lists "drill/objective" for every objective not met.
func missed(ev *evidence.Evidence) []string {
	var out []string
	for _, d := range ev.Drills {
		for _, o := range d.Objectives {
			if !o.Met {
				out = append(out, d.Name+"/"+o.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// runAll runs every drill with the fast profile on a platform and returns
// the evidence and the exit code.
func runAll(t *testing.T, platform string) (*evidence.Evidence, int, string) {
	t.Helper()
	g := NewWithT(t)
	state, reports := t.TempDir(), filepath.Join(t.TempDir(), "report")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := gameday(ctx, state, "run", "--suite", "all", "--profile", "fast", "--platform", platform, "--report-dir", reports)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("gameday run --suite all --platform %s: %s", platform, time.Since(start).Round(time.Second))
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		g.Expect(err).NotTo(HaveOccurred())
	}
	ev, err := evidence.ReadFile(filepath.Join(reports, "evidence.json"))
	g.Expect(err).NotTo(HaveOccurred(), "output:\n%s", &out)
	v, err := gameday(ctx, state, "verify", reports).CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), "the bundle verifies: %s", v)
	// Every environment the run created is gone.
	entries, _ := os.ReadDir(state)
	for _, e := range entries {
		g.Expect(e.IsDir() && !strings.HasPrefix(e.Name(), ".")).To(BeFalse(), "environment %s left in %s", e.Name(), state)
	}
	return ev, code, out.String()
}

// TestRunReferenceFailsExactlyItsFlaws runs every drill on the reference
// architecture: it must fail exactly the objectives the reference breaches.
func TestRunReferenceFailsExactlyItsFlaws(t *testing.T) {
	needBinaries(t)
	g := NewWithT(t)
	ev, code, out := runAll(t, "reference")
	g.Expect(code).To(Equal(1), "a missed objective exits 1:\n%s", out)
	g.Expect(ev.Verdict).To(Equal(evidence.VerdictFail))
	g.Expect(ev.Drills).To(HaveLen(6))
	g.Expect(missed(ev)).To(Equal([]string{
		"region-outage/failover follows the DestinationRule",
		"rpo/rpo",
		"zone-drain/the drain finishes",
		"zone-outage/Ready replicas in us-east1 stay ≥ the PDB's minimum",
		"zone-outage/capacity restored in us-east1 while the fault holds",
	}), "output:\n%s", out)
	for _, d := range ev.Drills {
		g.Expect(d.Error).To(BeEmpty(), "drill %s ran cleanly", d.Name)
		for _, f := range d.Faults {
			g.Expect(f.RevertedAt).NotTo(BeNil(), "fault %s of %s reverted", f.JournalID, d.Name)
		}
	}
}

// TestRunRemediatedPasses runs every drill on the remediated fixtures.
func TestRunRemediatedPasses(t *testing.T) {
	needBinaries(t)
	g := NewWithT(t)
	ev, code, out := runAll(t, "remediated")
	g.Expect(missed(ev)).To(BeEmpty(), "output:\n%s", out)
	g.Expect(ev.Verdict).To(Equal(evidence.VerdictPass))
	g.Expect(code).To(Equal(0))
	g.Expect(ev.Drills).To(HaveLen(6))
}

// TestRunInterruptLeavesNothingBehind sends Ctrl-C (SIGINT) to gameday run in
// the middle of the zone outage: the fault is reverted, the environment torn
// down, no process of it left, and the report still written.
func TestRunInterruptLeavesNothingBehind(t *testing.T) {
	needBinaries(t)
	g := NewWithT(t)
	state, reports := t.TempDir(), filepath.Join(t.TempDir(), "report")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := gameday(ctx, state, "run", "--suite", "zone", "--profile", "fast", "--report-dir", reports)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	g.Expect(cmd.Start()).To(Succeed())
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }()

	// Wait for the zone outage to be injected.
	var journal string
	var procs []cluster.Proc
	g.Eventually(func(g Gomega) {
		files, _ := filepath.Glob(filepath.Join(state, "*", "faults", "*.json"))
		g.Expect(files).NotTo(BeEmpty())
		journal = filepath.Dir(files[0])
		e, err := fault.Journal{Dir: journal}.List()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(e[0].State).To(Equal(fault.StateActive))
	}).WithTimeout(5*time.Minute).WithPolling(250*time.Millisecond).Should(Succeed(), "output:\n%s", &out)
	procs = envtest.Processes(filepath.Dir(journal))
	g.Expect(procs).NotTo(BeEmpty())

	// Ctrl-C reaches the whole foreground process group, as from a terminal.
	g.Expect(syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)).To(Succeed())
	err := cmd.Wait()
	g.Expect(err).To(HaveOccurred(), "an interrupted run does not pass")

	entries, _ := os.ReadDir(state)
	for _, e := range entries {
		g.Expect(e.IsDir() && !strings.HasPrefix(e.Name(), ".")).To(BeFalse(), "environment %s left behind:\n%s", e.Name(), &out)
	}
	for _, p := range procs {
		g.Expect(p.Running()).To(BeFalse(), "process %d of the environment still running", p.PID)
	}
	_, err = os.Stat(filepath.Join(reports, "evidence.json"))
	g.Expect(err).NotTo(HaveOccurred(), "the report of an interrupted run is written:\n%s", &out)
}
