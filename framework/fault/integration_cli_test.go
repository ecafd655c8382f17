package fault_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework/fault"
)

// startInject runs `gameday inject` in the background and waits until its
// fault is journalled active.
func (f *fixture) startInject(args ...string) (*exec.Cmd, *fault.Entry, *bytes.Buffer) {
	f.t.Helper()
	var out bytes.Buffer
	cmd := env.Gameday(f.ctx, append([]string{"inject", "--name", env.Record.Name}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	f.g.Expect(cmd.Start()).To(Succeed())
	f.t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	var active *fault.Entry
	f.g.Eventually(func(g Gomega) {
		open, err := fault.Active(f.target)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(open).To(HaveLen(1))
		g.Expect(open[0].State).To(Equal(fault.StateActive))
		active = open[0]
	}).WithTimeout(20*time.Second).WithPolling(100*time.Millisecond).Should(Succeed(), "output: %s", &out)
	return cmd, active, &out
}

func (f *fixture) nodesDown(names []string, want bool) {
	f.t.Helper()
	f.g.Eventually(func(g Gomega) {
		for _, q := range names {
			n, err := f.clients["us-east1"].CoreV1().Nodes().Get(f.ctx, unqualify(q), metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(n.Annotations[nodeStateAnnotation] == "down").To(Equal(want), "node %s marked down", n.Name)
		}
	}).WithTimeout(10 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
}

// TestSIGKILLThenRecover kills `gameday inject` in the middle of a zone
// outage; the fault stays, and `gameday recover` reverts it from the journal.
func TestSIGKILLThenRecover(t *testing.T) {
	f := newFixture(t)
	cmd, e, out := f.startInject("zone-outage", "--zone", "us-east1-a", "--duration", "5m")
	f.nodesDown(e.Nodes, true)
	f.g.Expect(cmd.Process.Signal(syscall.SIGKILL)).To(Succeed())
	_ = cmd.Wait()
	left, err := fault.Active(f.target)
	f.g.Expect(err).NotTo(HaveOccurred())
	f.g.Expect(left).To(HaveLen(1), "a killed run leaves its fault in the journal (output: %s)", out)
	f.nodesDown(e.Nodes, true)

	rec, err := env.Gameday(f.ctx, "recover", "--name", env.Record.Name).CombinedOutput()
	f.g.Expect(err).NotTo(HaveOccurred(), "recover: %s", rec)
	f.g.Expect(string(rec)).To(ContainSubstring(e.ID))
	f.nodesDown(e.Nodes, false)
	f.settled()
	code, _, _ := predict(f.ctx, "us-east1")
	f.g.Expect(code).To(Equal(200))
}

// TestSIGINTReverts interrupts `gameday inject`: it reverts before it exits.
func TestSIGINTReverts(t *testing.T) {
	f := newFixture(t)
	cmd, e, out := f.startInject("zone-outage", "--zone", "us-east1-a", "--duration", "5m")
	f.nodesDown(e.Nodes, true)
	f.g.Expect(cmd.Process.Signal(syscall.SIGINT)).To(Succeed())
	_ = cmd.Wait()
	got, err := f.target.Journal.Get(e.ID)
	f.g.Expect(err).NotTo(HaveOccurred())
	f.g.Expect(got.State).To(Equal(fault.StateReverted), "output: %s", out)
	f.nodesDown(e.Nodes, false)
	f.settled()
}

// snapshot captures what a fault could change.
func (f *fixture) snapshot() string {
	f.t.Helper()
	var b bytes.Buffer
	for _, region := range []string{"us-east1", "europe-west1"} {
		c := f.clients[region]
		nodes, err := c.CoreV1().Nodes().List(f.ctx, metav1.ListOptions{})
		f.g.Expect(err).NotTo(HaveOccurred())
		for _, n := range nodes.Items {
			b.WriteString(n.Name + " " + n.Annotations[nodeStateAnnotation] + " " + n.Annotations[faultUntilAnnotation])
			if n.Spec.Unschedulable {
				b.WriteString(" cordoned")
			}
			lease, err := c.CoordinationV1().Leases("kube-node-lease").Get(f.ctx, n.Name, metav1.GetOptions{})
			if err == nil && lease.Spec.HolderIdentity != nil {
				b.WriteString(" lease=" + *lease.Spec.HolderIdentity)
			}
			b.WriteString("\n")
		}
		pods, err := c.CoreV1().Pods(f.target.Workload.Namespace).List(f.ctx, metav1.ListOptions{})
		f.g.Expect(err).NotTo(HaveOccurred())
		for _, p := range pods.Items {
			b.WriteString(p.Name + " " + p.Spec.NodeName + " " + string(p.UID) + "\n")
		}
	}
	faults, err := f.agent.Faults(f.ctx)
	f.g.Expect(err).NotTo(HaveOccurred())
	j, _ := json.Marshal(faults)
	b.Write(j)
	entries, err := f.target.Journal.List()
	f.g.Expect(err).NotTo(HaveOccurred())
	for _, e := range entries {
		b.WriteString(e.ID + string(e.State) + "\n")
	}
	return b.String()
}

// TestDryRunAndBadInputChangeNothing compares cluster, data-plane and journal
// state before and after dry runs and rejected commands.
func TestDryRunAndBadInputChangeNothing(t *testing.T) {
	f := newFixture(t)
	before := f.snapshot()
	for _, c := range []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"inject", "zone-outage", "--zone", "us-east1-a", "--duration", "1m", "--dry-run"}, 0, "dry run: nothing is changed"},
		{[]string{"inject", "region-outage", "--region", "europe-west1", "--duration", "1m", "--dry-run"}, 0, "control plane"},
		{[]string{"inject", "drain", "--zone", "us-east1-b", "--duration", "1m", "--dry-run"}, 0, "evict"},
		{[]string{"inject", "meteor", "--duration", "1m"}, 2, "unknown fault kind"},
		{[]string{"inject", "zone-outage", "--zone", "mars-1a", "--duration", "1m"}, 2, "not in topology"},
		{[]string{"inject", "node-loss", "--node", "us-east1-a-gpu-0", "--duration", "-1m"}, 2, "negative"},
		{[]string{"inject", "node-loss", "--node", "us-east1-a-gpu-0"}, 2, "a duration is required"},
		{[]string{"revert", "no-such-fault"}, 2, "no fault"},
	} {
		out, err := env.Gameday(f.ctx, append(c.args, "--name", env.Record.Name)...).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		f.g.Expect(code).To(Equal(c.wantCode), "%v: %s", c.args, out)
		f.g.Expect(string(out)).To(ContainSubstring(c.wantOut), "%v", c.args)
	}
	f.g.Expect(f.snapshot()).To(Equal(before))
}

// What the sim provider marks a stopped node with (these tests run on sim;
// only the provider's own tree may import it).
const (
	nodeStateAnnotation  = "gameday.io/node-state"
	leaseHolderDown      = "gameday-down"
	faultUntilAnnotation = "gameday.io/fault-until"
)
