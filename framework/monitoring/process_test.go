package monitoring

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

func shell(t *testing.T, script string) *process {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	p, err := startProcess("test-server", sh, []string{"-c", script}, filepath.Join(t.TempDir(), "out.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.stop(time.Second, framework.DiscardLogger()) })
	return p
}

func TestProcessStopEndsIt(t *testing.T) {
	for _, tc := range []struct {
		name, script string
	}{
		{"stops on SIGTERM", "exec sleep 60"},
		{"killed when it ignores SIGTERM", "trap '' TERM; while :; do sleep 0.05; done"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := shell(t, tc.script)
			start := time.Now()
			if err := p.stop(300*time.Millisecond, framework.DiscardLogger()); err != nil {
				t.Fatalf("stop: %v", err)
			}
			if !p.exited() {
				t.Fatal("stop returned before the process exited")
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("stop took %v", d)
			}
		})
	}
}

func TestWaitReadyReportsAnExitWithItsLog(t *testing.T) {
	p := shell(t, "echo 'bind: address already in use' >&2; exit 3")
	err := p.waitReady(context.Background(), "http://127.0.0.1:1/-/ready", 20*time.Millisecond, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("waitReady = %v, want the exit status and the log's tail", err)
	}
	if err := p.stop(time.Second, framework.DiscardLogger()); err == nil || !strings.Contains(err.Error(), "had exited") {
		t.Errorf("stop of a failed process = %v, want its exit reported", err)
	}
}

func TestWaitReadyTimesOutNamingTheURL(t *testing.T) {
	p := shell(t, "exec sleep 60")
	err := p.waitReady(context.Background(), "http://127.0.0.1:1/-/ready", 20*time.Millisecond, 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "test-server") || !strings.Contains(err.Error(), "127.0.0.1:1/-/ready") {
		t.Errorf("waitReady = %v, want a timeout naming the process and URL", err)
	}
}
