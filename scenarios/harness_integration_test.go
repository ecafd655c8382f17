package scenarios_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/envtest"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/supervise"
	"gameday.io/gameday/scenarios"
)

// victim is a kind of process gameday starts for a drill, and how to find
// the PID of one.
type victim struct {
	name string // as the harness failure names it
	pid  func(e *envtest.Env) (int, error)
}

// controlPlaneProcess finds a component of the primary region's control plane.
func controlPlaneProcess(component string) func(e *envtest.Env) (int, error) {
	return func(e *envtest.Env) (int, error) {
		prov, err := environment.ProviderOf(e.Record, nil)
		if err != nil {
			return 0, err
		}
		pl, ok := prov.(provider.ProcessLister)
		if !ok {
			return 0, fmt.Errorf("provider %s lists no process", prov.Name())
		}
		procs, err := pl.Processes(provider.ClusterOf(e.Record.Regions[0]))
		for _, p := range procs {
			if p.Component == component {
				return p.PID, nil
			}
		}
		return 0, fmt.Errorf("no %s among %v (%v)", component, procs, err)
	}
}

// storageServer finds the primary region's S3 server (a child of the agent).
func storageServer(e *envtest.Env) (int, error) {
	var pid int
	err := filepath.WalkDir(filepath.Join(e.Store.Root, e.Record.Name), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "versitygw.pid" || !strings.Contains(p, e.Record.Regions[0].Name) {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil {
			pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		return err
	})
	if pid == 0 && err == nil {
		err = errors.New("no versitygw.pid of the primary region in the environment's directory")
	}
	return pid, err
}

// TestHarnessFailureStopsTheDrill kills, during the held fault of a zone
// outage, each kind of process gameday started: the drill stops, reverts
// what it can, and says the harness failed and when, with no objective met
// or missed. Each kill gets its own environment (the kill breaks it).
func TestHarnessFailureStopsTheDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: brings up an environment per process kind (needs make tools build)")
	}
	victims := []victim{
		{"data-plane agent", func(e *envtest.Env) (int, error) { return e.Record.AgentPID, nil }},
		{"s3 server", storageServer},
		{"kube-apiserver", controlPlaneProcess("kube-apiserver")},
		{"etcd", controlPlaneProcess("etcd")},
		{"kube-controller-manager", controlPlaneProcess("kube-controller-manager")},
	}
	for _, v := range victims {
		t.Run(v.name, func(t *testing.T) { killDuringFault(t, v) })
	}
}

func killDuringFault(t *testing.T, v victim) {
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	e, err := envtest.Up(ctx, "hf", framework.ProfileFast, "")
	g.Expect(err).NotTo(HaveOccurred())
	procs := envtest.Processes(filepath.Join(e.Store.Root, e.Record.Name))
	t.Cleanup(func() {
		g.Expect(e.Down()).To(Succeed(), "a broken harness is still torn down")
		for _, p := range procs {
			g.Expect(p.Running()).To(BeFalse(), "process %d of the environment outlived its teardown", p.PID)
		}
	})
	env, err := scenarios.Connect(e.Store, e.Record.Name, nil)
	g.Expect(err).NotTo(HaveOccurred())
	s, err := scenarios.Builtin("zone-outage")
	g.Expect(err).NotTo(HaveOccurred())
	s.Baseline, s.Fault.Hold, s.Recovery = scenarios.Duration(3*time.Second), scenarios.Duration(time.Minute), scenarios.Duration(30*time.Second)

	type outcome struct {
		res *scenarios.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := scenarios.Run(ctx, env, s, scenarios.Options{Seed: 1})
		done <- outcome{res, err}
	}()
	journal := fault.Journal{Dir: filepath.Join(e.Store.Root, e.Record.Name, "faults")}
	g.Eventually(func(g Gomega) {
		entries, err := journal.List()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(entries).To(ContainElement(HaveField("State", fault.StateActive)))
	}).WithTimeout(3*time.Minute).WithPolling(100*time.Millisecond).Should(Succeed(), "the zone outage is injected")

	pid, err := v.pid(e)
	g.Expect(err).NotTo(HaveOccurred())
	killed := time.Now()
	g.Expect(syscall.Kill(pid, syscall.SIGKILL)).To(Succeed())

	var out outcome
	g.Eventually(done).WithTimeout(5 * time.Minute).Should(Receive(&out))
	var f *supervise.Failure
	g.Expect(errors.As(out.err, &f)).To(BeTrue(), "the drill's error is the harness failure, got %v", out.err)
	g.Expect(f.Error()).To(ContainSubstring(v.name))
	noticed := f.At.Sub(killed)
	t.Logf("%s (pid %d) killed %s into the drill; noticed after %s: %v", v.name, pid, killed.Sub(out.res.Drill.Start).Round(100*time.Millisecond), noticed.Round(10*time.Millisecond), f)
	g.Expect(noticed).To(BeNumerically("<", 30*time.Second), "noticed within the probes' tolerance")

	d := out.res.Drill
	g.Expect(d.Verdict).To(Equal(evidence.VerdictHarnessFailed))
	g.Expect(d.Aborted).NotTo(BeNil())
	g.Expect(d.Aborted.Cause).To(Equal(evidence.AbortHarness))
	g.Expect(d.Aborted.What).To(ContainSubstring(v.name))
	g.Expect(d.Aborted.AfterSeconds).To(BeNumerically(">=", 3), "after the baseline")
	g.Expect(d.Objectives).NotTo(BeEmpty())
	for _, o := range d.Objectives {
		g.Expect(o.Met).To(BeFalse(), "objective %s of a broken harness is not met", o.Name)
		g.Expect(o.Status).To(Equal(evidence.StatusNotMeasured), "objective %s", o.Name)
		g.Expect(o.Achieved).To(BeNil(), "objective %s", o.Name)
	}
	g.Expect(strings.Join(d.FailureReasons(), "\n")).To(ContainSubstring("the harness failed at +"))
}
