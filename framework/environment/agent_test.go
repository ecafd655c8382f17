package environment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
)

// TestStartAgentStopsAnAgentThatNeverReports: when the agent does not
// publish agent.json before the deadline, startAgent stops it itself rather
// than leaving a daemon `down` might not recognise.
func TestStartAgentStopsAnAgentThatNeverReports(t *testing.T) {
	s := Store{Root: t.TempDir()}
	rec := &Record{Environment: framework.Environment{Name: "mute"}}
	if err := os.MkdirAll(s.Dir(rec.Name), 0o755); err != nil {
		t.Fatal(err)
	}
	// A stand-in agent that starts but never reports.
	fake := filepath.Join(t.TempDir(), "gameday")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexec sleep 300\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := startAgent(ctx, s, rec, fake, framework.Timeouts{})
	if err == nil || !strings.Contains(err.Error(), "did not start") {
		t.Fatalf("startAgent = %v, want a did-not-start error", err)
	}
	if rec.AgentPID == 0 {
		t.Fatal("startAgent did not record the agent's PID")
	}
	t.Cleanup(func() { // if the assertion below fails, do not leave the stand-in running
		isFake := func(args []string) bool { return len(args) == 2 && args[0] == "sleep" && args[1] == "300" }
		if p, ok := cluster.FindProcMatching(rec.AgentPID, isFake); ok {
			_ = syscall.Kill(p.PID, syscall.SIGKILL)
		}
	})
	if cluster.ProcessRunning(rec.AgentPID) {
		t.Fatalf("agent %d still runs after startAgent failed", rec.AgentPID)
	}
}
