package cluster

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// TestProcIdentity follows a child from start to reaping: running while it
// lives, not running once it is a zombie, and a different start time (a
// recycled PID) is never the same process.
func TestProcIdentity(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	p, ok := FindProc(cmd.Process.Pid)
	if !ok || !p.Running() || p.Start == 0 {
		t.Fatalf("FindProc(%d) = %+v, %v: want a running process with a start time", cmd.Process.Pid, p, ok)
	}
	if (Proc{PID: p.PID, Start: p.Start + 1}).Running() {
		t.Fatal("a process with another start time (a recycled PID) counts as running")
	}
	// Start returns once the child has begun exec, which may be before the
	// kernel has written the new program's arguments: until then the command
	// line reads empty. Poll for it rather than racing.
	isSleep := func(args []string) bool { return len(args) == 2 && args[1] == "60" }
	var m Proc
	err := wait.PollUntilContextTimeout(context.Background(), 5*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		m, ok = FindProcMatching(p.PID, isSleep)
		return ok, nil
	})
	if err != nil || m != p {
		t.Fatalf("FindProcMatching(%d, sleep 60) = %+v, %v (cmdline %q); want %+v", p.PID, m, ok, ProcessCmdline(p.PID), p)
	}
	if _, ok := FindProcMatching(p.PID, func([]string) bool { return false }); ok {
		t.Fatal("FindProcMatching accepted a command line its matcher refused")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Not reaped yet: a zombie, which does not run.
	err = wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		return !p.Running(), nil
	})
	if err != nil {
		t.Fatalf("killed child %d still counts as running", p.PID)
	}
	if _, ok := FindProc(p.PID); ok {
		t.Fatalf("FindProc found zombie %d", p.PID)
	}
}

func TestProcStatParsesOddNames(t *testing.T) {
	// A command name (from the executable's file name) with spaces and ')'
	// must not shift the fields.
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	odd := filepath.Join(t.TempDir(), "a) b ) c")
	if err := os.Symlink(sleep, odd); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(odd, "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	self, ok := FindProc(cmd.Process.Pid)
	if !ok || self.Start == 0 {
		t.Fatalf("FindProc = %+v, %v", self, ok)
	}
	if b, _ := os.ReadFile("/proc/" + strconv.Itoa(self.PID) + "/stat"); !strings.Contains(string(b), "(a) b ) c)") {
		t.Fatalf("the test did not produce an odd command name: %s", b)
	}
	st, _ := procStat(self.PID)
	if st.state != "S" && st.state != "R" {
		t.Fatalf("state %q of a sleeping process: fields shifted by the command name", st.state)
	}
}
