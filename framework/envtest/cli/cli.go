// Package cli runs bin/gameday in tests as a user would, with a state root
// of its own. It imports nothing of gameday's, so tests of any package
// (providers included) can use it.
package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// StateRootEnv names gameday's state root; it equals
// environment.StateRootEnv (envtest's tests check it).
const StateRootEnv = "GAMEDAY_STATE_DIR"

// CLI runs bin/gameday with a state root of its own, as a user would.
type CLI struct {
	// Bin holds gameday (make build).
	Bin string
	// State is the state root (GAMEDAY_STATE_DIR).
	State string
}

// Run runs gameday and returns its stdout, stderr and exit code (-1 when it
// could not run).
func (c CLI) Run(ctx context.Context, args ...string) (stdout, stderr string, code int) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.Bin, "gameday"), args...)
	cmd.Env = append(os.Environ(), StateRootEnv+"="+c.State)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), errb.String(), 0
	case errors.As(err, &ee):
		return out.String(), errb.String(), ee.ExitCode()
	}
	return out.String(), errb.String() + err.Error(), -1
}

// Must runs gameday and fails the test unless it exits 0; it returns stdout.
func (c CLI) Must(t testing.TB, ctx context.Context, args ...string) string {
	t.Helper()
	out, errs, code := c.Run(ctx, args...)
	if code != 0 {
		t.Fatalf("gameday %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}
