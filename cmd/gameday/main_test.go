package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
)

func TestExitCodes(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{fmt.Errorf("wrapped: %w", framework.ErrInvalid), exitUsage},
		{fmt.Errorf("no such environment: %w", framework.ErrNotFound), exitUsage},
		{fmt.Errorf("name taken: %w", framework.ErrExists), exitUsage},
		{&usageError{errors.New("give an ID")}, exitUsage},
		{errors.New(`required flag(s) "region" not set`), exitUsage},
		{fmt.Errorf("drill: %w", framework.ErrObjectiveFailed), exitFailed},
		{fmt.Errorf("bin/kwokctl: %w", framework.ErrMissingBinary), exitFailed},
		{&brokenError{errors.New("suite crashed")}, exitBroken},
		{&interruptedError{errors.New("interrupted at +12.0 s")}, exitInterrupted},
		{fmt.Errorf("run: %w", &interruptedError{errors.New("interrupted")}), exitInterrupted},
		{stoppedError(evidence.VerdictHarnessFailed, "the harness failed at +4.1 s"), exitBroken},
		{stoppedError(evidence.VerdictInterrupted, "interrupted at +4.4 s"), exitInterrupted},
		{stoppedError(evidence.VerdictFail, "missed"), exitOK}, // not stopped: nil
	}
	for _, c := range cases {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

// TestBadInputExits2 runs the real command tree on bad input: each is one
// clear line on stderr and exit 2, before anything is created.
func TestBadInputExits2(t *testing.T) {
	t.Setenv("GAMEDAY_STATE_DIR", t.TempDir())
	for _, args := range [][]string{
		{"up", "--profile", "slow"},
		{"up", "--topology", "/nonexistent.yaml"},
		{"up", "--name", "Bad_Name"},
		{"status", "--name", "ghost"},
		{"kubeconfig", "--name", "ghost"},
		{"inject", "zone-outage", "--name", "ghost", "--zone", "z", "--duration", "1m"},
		{"run", "--suite", "typo"},

		{"drill", "meteor"},
		{"--no-such-flag"},
	} {
		code := run(context.Background(), args)
		if code != exitUsage {
			t.Errorf("gameday %s: exit %d, want %d", strings.Join(args, " "), code, exitUsage)
		}
	}
	var out bytes.Buffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil || !strings.Contains(out.String(), "Exit codes") {
		t.Errorf("--help: %v\n%s", err, out.String())
	}
}

// TestRunEnvRefusesCreationFlags: flags that shape a created environment are
// refused with --env instead of being silently ignored.
func TestRunEnvRefusesCreationFlags(t *testing.T) {
	t.Setenv("GAMEDAY_STATE_DIR", t.TempDir())
	for _, flag := range [][]string{{"--workload", "ranker"}, {"--platform", "second"}, {"--profile", "fast"}, {"--monitoring"}} {
		var stderr bytes.Buffer
		args := append([]string{"run", "--env", "demo"}, flag...)
		if code := runTo(context.Background(), args, &stderr); code != exitUsage || !strings.Contains(stderr.String(), flag[0]+" applies to an environment gameday run creates") {
			t.Errorf("gameday %s: exit %d, %s", strings.Join(args, " "), code, stderr.String())
		}
	}
}
