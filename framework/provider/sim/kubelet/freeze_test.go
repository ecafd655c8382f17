package kubelet

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework/provider"
)

// simBinary is bin/inference-sim of this checkout; the test is skipped under
// -short or when it is not built.
func simBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real inference-sim processes")
	}
	_, file, _, _ := runtime.Caller(0)
	bin := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "bin", "inference-sim")
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("bin/inference-sim is missing (run `make build`): %v", err)
	}
	return bin
}

// testSpec starts inference-sim with model storage on a closed loopback
// port: the model never loads, but the server listens and answers
// /v2/health/live.
func testSpec(t *testing.T, bin string) provider.ServerSpec {
	return provider.ServerSpec{
		Binary: bin,
		Args:   []string{"--s3-endpoint", "http://127.0.0.1:1", "--load-timeout", "0", "--log-format", "json"},
		Env:    []string{"S3_ACCESS_KEY=test", "S3_SECRET_KEY=test-secret"},
		Log:    filepath.Join(t.TempDir(), "server.log"),
	}
}

// startTestServer starts a server, killed when the test ends, and waits
// until it answers.
func startTestServer(t *testing.T) *serverProc {
	t.Helper()
	p, err := startServer(testSpec(t, simBinary(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.kill)
	err = wait.PollUntilContextTimeout(context.Background(), 20*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		return live(ctx, p, time.Second) == nil, nil
	})
	if err != nil {
		t.Fatalf("server at %s never answered: %v", p.addr, err)
	}
	return p
}

// live GETs /v2/health/live within timeout.
func live(ctx context.Context, p *serverProc, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL()+"/v2/health/live", nil)
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}

// A frozen server keeps its listener: connections are accepted, requests
// hang until the caller's timeout, and a request held while frozen is
// answered once it resumes.
func TestFreezeHangsThenResumes(t *testing.T) {
	p := startTestServer(t)
	if err := p.freeze(); err != nil {
		t.Fatal(err)
	}
	if st := procState(p.cmd.Process.Pid); st != "T" {
		t.Fatalf("process state %q after freeze, want T (stopped)", st)
	}
	c, err := net.DialTimeout("tcp", p.addr, time.Second)
	if err != nil {
		t.Fatalf("dial a frozen server: %v (the kernel still accepts into the backlog)", err)
	}
	c.Close()
	if err := live(context.Background(), p, 300*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("request to a frozen server: %v, want the caller's timeout", err)
	}
	held := make(chan error, 1)
	go func() { held <- live(context.Background(), p, 10*time.Second) }()
	if err := p.thaw(); err != nil {
		t.Fatal(err)
	}
	if err := <-held; err != nil {
		t.Fatalf("request held while frozen, after resume: %v", err)
	}
	if p.exited() {
		t.Fatal("the process ended; resume must keep it")
	}
}

// Killing a frozen server ends it (SIGKILL needs no SIGCONT) and its
// listener: connections are then refused.
func TestKillFrozenServer(t *testing.T) {
	p := startTestServer(t)
	if err := p.freeze(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { p.kill(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("kill of a frozen server did not return in 10 s")
	}
	_, err := net.DialTimeout("tcp", p.addr, time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial after kill: %v, want connection refused", err)
	}
}

// Stopping a frozen server gracefully resumes it so it handles SIGTERM:
// it exits well before the grace period would force a kill.
func TestStopFrozenServerGracefully(t *testing.T) {
	p := startTestServer(t)
	if err := p.freeze(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	p.stop(20 * time.Second)
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("graceful stop of a frozen server took %s: SIGTERM was not delivered", took)
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() {
		t.Fatalf("server ended by signal %v, want a graceful exit on SIGTERM", exit.Sys().(syscall.WaitStatus).Signal())
	}
}
