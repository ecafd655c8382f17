package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// executed is what one subcommand did: its stdout, its stderr, its error and
// the exit code gameday would give it.
type executed struct {
	out, errOut string
	err         error
	code        int
}

// execute runs one subcommand alone, set up as the root command sets up its
// children (errors and usage silenced, a flag error is a usage error), with
// a deadline against a hang.
func execute(t *testing.T, timeout time.Duration, cmd *cobra.Command, args ...string) executed {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return executed{out: out.String(), errOut: errOut.String(), err: err, code: exitCode(err)}
}
