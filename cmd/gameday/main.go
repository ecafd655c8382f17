// Command gameday builds multi-region inference environments, injects
// failures into them and measures RTO, RPO and PodDisruptionBudgets.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
)

// Exit codes CI can rely on.
const (
	exitOK = 0
	// exitFailed: the command ran and failed (a drill missed an objective, a
	// cluster did not come up, verification failed).
	exitFailed = 1
	// exitUsage: bad input (unknown flag or profile, malformed file, unknown name).
	exitUsage = 2
	// exitBroken: gameday run could not complete its drills (an environment did
	// not come up, a suite crashed) or gameday's own harness failed during a
	// drill (a process it started died or stopped answering, the load
	// stalled); CI can tell this from a missed objective.
	exitBroken = 3
	// exitInterrupted: the command was stopped (Ctrl-C, SIGTERM, a CI
	// timeout's signal) before it finished; a run's report says
	// "interrupted" and judges nothing it could not measure.
	exitInterrupted = 4
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:]))
}

func run(ctx context.Context, args []string) int { return runTo(ctx, args, os.Stderr) }

// runTo runs gameday with args, writing its log and its error to stderr,
// and returns the exit code.
func runTo(ctx context.Context, args []string, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "gameday: %v\n", err)
	if ctx.Err() != nil && exitCode(err) != exitBroken {
		return exitInterrupted // stopped by a signal, whatever the command then said
	}
	return exitCode(err)
}

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var ue *usageError
	var be *brokenError
	var ie *interruptedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &be):
		return exitBroken
	case errors.As(err, &ie):
		return exitInterrupted
	case errors.As(err, &ue), errors.Is(err, framework.ErrInvalid), errors.Is(err, framework.ErrNotFound),
		errors.Is(err, framework.ErrExists), errors.Is(err, framework.ErrRefused), isCobraUsage(err):
		return exitUsage
	default:
		return exitFailed
	}
}

// isCobraUsage recognises the argument errors cobra returns as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"required flag", "unknown command", "accepts ", "unknown flag", "unknown shorthand", "invalid argument", "flag needs an argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// brokenError marks a run that could not complete its drills (exit 3).
type brokenError struct{ err error }

func (e *brokenError) Error() string { return e.err.Error() }
func (e *brokenError) Unwrap() error { return e.err }

// interruptedError marks a run stopped by a signal (exit 4).
type interruptedError struct{ err error }

func (e *interruptedError) Error() string { return e.err.Error() }
func (e *interruptedError) Unwrap() error { return e.err }

// stoppedError is the error of a run or drill that stopped early, by its
// verdict: the harness failed (exit 3) or it was interrupted (exit 4); nil
// for any other verdict.
func stoppedError(v evidence.Verdict, why string) error {
	switch v {
	case evidence.VerdictHarnessFailed:
		return &brokenError{errors.New(why)}
	case evidence.VerdictInterrupted:
		return &interruptedError{errors.New(why)}
	}
	return nil
}

// usageError marks a command-line mistake (exit 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }
