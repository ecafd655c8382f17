package app_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/environment"
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

// TestRunSecondPlatformFailsForItsOwnReasons runs every drill on the second
// platform (fixtures/second: another team's names, labels and ports, two
// workloads): each workload is measured on its own, the runbook's scale
// commands and alert are the platform's, and it fails exactly where its
// own manifests fall short.
func TestRunSecondPlatformFailsForItsOwnReasons(t *testing.T) {
	needBinaries(t)
	g := NewWithT(t)
	ev, code, out := runAll(t, "second")
	g.Expect(code).To(Equal(1), "a missed objective exits 1:\n%s", out)
	g.Expect(ev.Drills).To(HaveLen(6))
	// Replicas spread over the primary's two zones cannot keep a budget of
	// maxUnavailable 1 (ranker: 5 of 6) or 25% (embedder: 3 of 4) through
	// an involuntary zone loss, which takes half of them; an hourly Velero
	// Schedule cannot meet a 1 h RPO.
	g.Expect(missed(ev)).To(Equal([]string{
		"rpo/rpo",
		"zone-outage/Ready replicas in us-east1 stay ≥ the PDB's minimum (recsys/embedder)",
		"zone-outage/Ready replicas in us-east1 stay ≥ the PDB's minimum (recsys/ranker)",
	}), "output:\n%s", out)
	perWorkload := map[string][]string{} // drill/kind -> workloads judged
	for _, d := range ev.Drills {
		g.Expect(d.Error).To(BeEmpty(), "drill %s ran cleanly", d.Name)
		if d.Name != "rpo" {
			g.Expect(d.Targets.Workloads).To(Equal([]string{"recsys/ranker", "recsys/embedder"}), "drill %s: the entry first", d.Name)
		}
		for _, o := range d.Objectives {
			if o.Workload != "" {
				perWorkload[d.Name+"/"+o.Kind] = append(perWorkload[d.Name+"/"+o.Kind], o.Workload)
			}
		}
	}
	both := []string{"recsys/ranker", "recsys/embedder"}
	for _, k := range []string{"zone-outage/min-ready", "zone-outage/capacity-during-fault", "zone-drain/min-ready", "region-outage/dr-capacity"} {
		g.Expect(perWorkload[k]).To(ConsistOf(both), "%s judged for each workload", k)
	}
	g.Expect(out).NotTo(ContainSubstring("InferenceServiceDown"), "no reference name in the run")
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
	var ee *exec.ExitError
	g.Expect(errors.As(err, &ee)).To(BeTrue(), "an interrupted run does not pass: %v", err)
	g.Expect(ee.ExitCode()).To(Equal(4), "an interrupt has its own exit code:\n%s", &out)
	g.Expect(out.String()).To(ContainSubstring("verdict: interrupted"))

	entries, _ := os.ReadDir(state)
	for _, e := range entries {
		g.Expect(e.IsDir() && !strings.HasPrefix(e.Name(), ".")).To(BeFalse(), "environment %s left behind:\n%s", e.Name(), &out)
	}
	for _, p := range procs {
		g.Expect(p.Running()).To(BeFalse(), "process %d of the environment still running", p.PID)
	}
	ev, err := evidence.ReadFile(filepath.Join(reports, "evidence.json"))
	g.Expect(err).NotTo(HaveOccurred(), "the report of an interrupted run is written:\n%s", &out)
	g.Expect(ev.Verdict).To(Equal(evidence.VerdictInterrupted))
	g.Expect(ev.Drills).To(HaveLen(1))
	g.Expect(ev.Drills[0].Verdict).To(Equal(evidence.VerdictInterrupted))
	expectNothingJudged(g, reports, ev, "interrupted at +", everyFormat...)
}

// everyFormat lists the report files of a run whose suites wrote reports.
var everyFormat = []string{"summary.md", "report.html", "junit.xml"}

// expectNothingJudged checks that no objective of the run's drills is met or
// missed, that every report format says why (want), and that no figure in
// the report is negative or unset.
func expectNothingJudged(g Gomega, reports string, ev *evidence.Evidence, want string, formats ...string) {
	for _, d := range ev.Drills {
		for _, o := range d.Objectives {
			g.Expect(o.Met).To(BeFalse(), "objective %s/%s", d.Name, o.Name)
			g.Expect(o.Status).To(Equal(evidence.StatusNotMeasured), "objective %s/%s", d.Name, o.Name)
		}
	}
	for _, f := range formats {
		b, err := os.ReadFile(filepath.Join(reports, f))
		g.Expect(err).NotTo(HaveOccurred())
		text := strings.ReplaceAll(string(b), "&#43;", "+")
		g.Expect(text).To(ContainSubstring(want), "%s says why nothing was judged", f)
		g.Expect(text).NotTo(MatchRegexp(`[≤≥] -\d|-9\.22e\+09|-9223372`), "%s has an unset or negative figure", f)
	}
	md, _ := os.ReadFile(filepath.Join(reports, "summary.md"))
	g.Expect(string(md)).NotTo(ContainSubstring("MISSED"))
}

// startZoneRun starts gameday run --suite zone in its own process group and
// waits until the zone outage is injected; it returns the command, its
// output, the state and report directories, and the environment's record.
func startZoneRun(t *testing.T, ctx context.Context) (*exec.Cmd, *bytes.Buffer, string, string, *environment.Record) {
	t.Helper()
	g := NewWithT(t)
	state, reports := t.TempDir(), filepath.Join(t.TempDir(), "report")
	out := &bytes.Buffer{}
	cmd := gameday(ctx, state, "run", "--suite", "zone", "--profile", "fast", "--report-dir", reports)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	g.Expect(cmd.Start()).To(Succeed())
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	var rec *environment.Record
	g.Eventually(func(g Gomega) {
		files, _ := filepath.Glob(filepath.Join(state, "*", "faults", "*.json"))
		g.Expect(files).NotTo(BeEmpty())
		e, err := fault.Journal{Dir: filepath.Dir(files[0])}.List()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(e[0].State).To(Equal(fault.StateActive))
		envDir := filepath.Dir(filepath.Dir(files[0]))
		rec, err = environment.Store{Root: state}.Load(filepath.Base(envDir))
		g.Expect(err).NotTo(HaveOccurred())
	}).WithTimeout(5*time.Minute).WithPolling(250*time.Millisecond).Should(Succeed(), "output:\n%s", out)
	return cmd, out, state, reports, rec
}

// expectHarnessFailure waits for the run and checks exit 3, a report that
// says the harness failed, and an environment gone with all its processes.
func expectHarnessFailure(t *testing.T, cmd *exec.Cmd, out *bytes.Buffer, state, reports string, procs []cluster.Proc, want string, formats ...string) {
	t.Helper()
	g := NewWithT(t)
	err := cmd.Wait()
	var ee *exec.ExitError
	g.Expect(errors.As(err, &ee)).To(BeTrue(), "a run whose harness failed does not pass: %v", err)
	g.Expect(ee.ExitCode()).To(Equal(3), "the harness failed: exit 3:\n%s", out)
	g.Expect(out.String()).To(ContainSubstring("verdict: harness-failed"))
	ev, err := evidence.ReadFile(filepath.Join(reports, "evidence.json"))
	g.Expect(err).NotTo(HaveOccurred(), "the report is written:\n%s", out)
	g.Expect(ev.Verdict).To(Equal(evidence.VerdictHarnessFailed))
	expectNothingJudged(g, reports, ev, want, formats...)
	entries, _ := os.ReadDir(state)
	for _, e := range entries {
		g.Expect(e.IsDir() && !strings.HasPrefix(e.Name(), ".")).To(BeFalse(), "environment %s left behind:\n%s", e.Name(), out)
	}
	for _, p := range procs {
		g.Expect(p.Running()).To(BeFalse(), "process %d of the environment still running", p.PID)
	}
}

// TestRunAgentKilledExits3 kills the data-plane agent during the zone
// outage (SIGKILL, as in the issue that found it): the run says the harness
// failed and when, judges no objective, exits 3, and leaves nothing behind.
func TestRunAgentKilledExits3(t *testing.T) {
	needBinaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd, out, state, reports, rec := startZoneRun(t, ctx)
	procs := envtest.Processes(filepath.Join(state, rec.Name))
	NewWithT(t).Expect(syscall.Kill(rec.AgentPID, syscall.SIGKILL)).To(Succeed())
	expectHarnessFailure(t, cmd, out, state, reports, procs, "the harness failed at +", everyFormat...)
}

// TestRunSuiteKilledExits3 kills the suite process, which runs the load
// generator, during the zone outage: the run reverts the fault the suite
// could not, exits 3 and says which suite broke.
func TestRunSuiteKilledExits3(t *testing.T) {
	needBinaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd, out, state, reports, rec := startZoneRun(t, ctx)
	procs := envtest.Processes(filepath.Join(state, rec.Name))
	suite := childNamed(cmd.Process.Pid, "zone.test")
	g := NewWithT(t)
	g.Expect(suite).NotTo(BeZero(), "the zone suite runs under gameday run")
	g.Expect(syscall.Kill(suite, syscall.SIGKILL)).To(Succeed())
	// The suite died before Ginkgo wrote its reports: there is no junit.xml,
	// and the run's own reports say why.
	expectHarnessFailure(t, cmd, out, state, reports, procs, "suite zone could not complete", "summary.md", "report.html")
	g.Expect(out.String()).To(ContainSubstring("reverted a fault a broken suite left"))
}

// childNamed returns the PID of parent's child whose executable is named
// name, 0 if none.
func childNamed(parent int, name string) int {
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 2 || fields[1] != strconv.Itoa(parent) {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", d.Name(), "exe")); err == nil && filepath.Base(exe) == name {
			return pid
		}
	}
	return 0
}

// TestRunKilledLeavesAnOrphanThatIsCleanedUp kills gameday run and its
// suite with SIGKILL during the zone outage: the environment they leave is
// listed as an orphan, `recover --all` reverts its fault and `down
// --orphans` removes it, leaving no process, listening port, journal entry
// or state directory.
func TestRunKilledLeavesAnOrphanThatIsCleanedUp(t *testing.T) {
	needBinaries(t)
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd, out, state, _, rec := startZoneRun(t, ctx)
	envDir := filepath.Join(state, rec.Name)
	procs := envtest.Processes(envDir)
	g.Expect(procs).NotTo(BeEmpty())
	t.Cleanup(func() { // whatever happens, nothing of it outlives the test
		_ = gameday(context.Background(), state, "down", "--orphans").Run()
		for _, p := range procs {
			if p.Running() {
				_ = syscall.Kill(p.PID, syscall.SIGKILL)
			}
		}
	})
	g.Expect(syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)).To(Succeed())
	_ = cmd.Wait()

	ls, err := gameday(ctx, state, "ls").CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), "%s", ls)
	g.Expect(string(ls)).To(ContainSubstring(rec.Name))
	g.Expect(string(ls)).To(ContainSubstring("orphan"))

	rc, err := gameday(ctx, state, "recover", "--all").CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), "recover --all:\n%s\nrun output:\n%s", rc, out)
	entries, err := fault.Journal{Dir: filepath.Join(envDir, "faults")}.List()
	g.Expect(err).NotTo(HaveOccurred())
	for _, e := range entries {
		g.Expect(e.Open()).To(BeFalse(), "fault %s still in effect after recover --all:\n%s", e.ID, rc)
	}

	dn, err := gameday(ctx, state, "down", "--orphans").CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), "down --orphans:\n%s", dn)
	for _, p := range procs {
		g.Expect(p.Running()).To(BeFalse(), "process %d of the orphan still running", p.PID)
	}
	_, err = os.Stat(envDir)
	g.Expect(os.IsNotExist(err)).To(BeTrue(), "the orphan's state directory is gone: %v", err)
	for _, u := range []string{rec.AgentURL, rec.URL} {
		if u == "" {
			continue
		}
		c := http.Client{Timeout: 2 * time.Second}
		_, err := c.Get(u)
		g.Expect(err).To(HaveOccurred(), "%s still answers after down --orphans", u)
	}
}
