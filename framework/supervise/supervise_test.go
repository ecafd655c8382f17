package supervise

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gameday.io/gameday/framework/cluster"
)

// startSleeper starts a real child process the test kills; it is reaped
// and killed at cleanup whatever happens.
func startSleeper(t *testing.T) (cluster.Proc, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command("sleep", "600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })
	p, ok := cluster.FindProc(cmd.Process.Pid)
	if !ok {
		t.Fatal("the sleeper is not running")
	}
	return p, cmd
}

// whileLive polls until done, failing when ctx ends first (what must not
// have ended it) or after 10 s.
func whileLive(t *testing.T, ctx context.Context, what string, done func() bool) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !done() {
		select {
		case <-ctx.Done():
			t.Fatalf("%s ended the context: %v", what, context.Cause(ctx))
		case <-deadline:
			t.Fatal("the probes did not run")
		case <-tick.C:
		}
	}
}

func TestKilledProcessEndsTheContext(t *testing.T) {
	p, cmd := startSleeper(t)
	ctx, s, err := Start(t.Context(), Options{Interval: 10 * time.Millisecond}, Process("etcd of us-east1", p))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	select {
	case <-ctx.Done():
		t.Fatalf("ended before the process died: %v", context.Cause(ctx))
	case <-time.After(50 * time.Millisecond): // several probes of a live process pass
	}
	killed := time.Now()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the supervised context did not end after the process was killed")
	}
	f, ok := AsFailure(ctx)
	if !ok || f != s.Failure() {
		t.Fatalf("cause %v, want the supervisor's failure %v", context.Cause(ctx), s.Failure())
	}
	if !strings.Contains(f.Error(), "the harness failed: etcd of us-east1 (pid ") || f.At.Before(killed) {
		t.Fatalf("failure %q at %s, killed at %s", f, f.At, killed)
	}
}

func TestToleratedFailures(t *testing.T) {
	var calls atomic.Int32
	probe := func(context.Context) error {
		if calls.Add(1) <= 3 {
			return errors.New("no answer")
		}
		return nil
	}
	ctx, s, err := Start(t.Context(), Options{Interval: 5 * time.Millisecond}, Check{Name: "agent API", Probe: probe, Tolerate: 3})
	if err != nil {
		t.Fatal(err)
	}
	whileLive(t, ctx, "three tolerated failures", func() bool { return calls.Load() >= 10 })
	s.Stop()
	if s.Failure() != nil {
		t.Fatalf("failure %v", s.Failure())
	}
	if !errors.Is(context.Cause(ctx), ErrStopped) {
		t.Fatalf("cause after Stop: %v", context.Cause(ctx))
	}
}

func TestDefiniteFailureIsNotTolerated(t *testing.T) {
	ctx, s, err := Start(t.Context(), Options{Interval: 5 * time.Millisecond}, Check{Name: "data-plane agent API", Tolerate: 100,
		Probe: func(context.Context) error { return Definite(errors.New("s3 server us-east1 exited")) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a definite failure was tolerated")
	}
	if f := s.Failure(); f == nil || f.Err.Error() != "s3 server us-east1 exited" {
		t.Fatalf("failure %v", f)
	}
}

func TestPausedGroupDoesNotCount(t *testing.T) {
	p, cmd := startSleeper(t)
	c := Process("kube-apiserver of europe-west1", p)
	c.Group = "europe-west1"
	var other atomic.Int32
	ctx, s, err := Start(t.Context(), Options{Interval: 5 * time.Millisecond, ResumeGrace: time.Hour}, c,
		Check{Name: "us-east1 control plane", Group: "us-east1", Probe: func(context.Context) error { other.Add(1); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	s.Pause("europe-west1")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// The other group goes on being probed meanwhile.
	whileLive(t, ctx, "a paused group's failure", func() bool { return other.Load() >= 20 })
	s.Resume("europe-west1") // within the grace: still not counted
	whileLive(t, ctx, "a failure within the resume grace", func() bool { return other.Load() >= 40 })
}

func TestResumedGroupCountsAfterTheGrace(t *testing.T) {
	p, cmd := startSleeper(t)
	c := Process("kube-apiserver of europe-west1", p)
	c.Group = "europe-west1"
	ctx, s, err := Start(t.Context(), Options{Interval: 5 * time.Millisecond, ResumeGrace: 20 * time.Millisecond}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	s.Pause("europe-west1")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	resumed := time.Now()
	s.Resume("europe-west1")
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a dead process of a resumed group was never reported")
	}
	if f := s.Failure(); f == nil || f.At.Sub(resumed) < 20*time.Millisecond {
		t.Fatalf("failure %v, resumed at %s: want one after the grace", f, resumed)
	}
}

func TestCheckNeedsNameAndProbe(t *testing.T) {
	if _, _, err := Start(t.Context(), Options{}, Check{Name: "x"}); err == nil {
		t.Fatal("a check without a probe was accepted")
	}
}
