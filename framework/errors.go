package framework

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors shared by the framework and its subpackages; test with errors.Is.
var (
	// ErrInvalid marks bad input: a malformed file, an unknown name, a bad flag.
	// The CLI exits 2 on it.
	ErrInvalid = errors.New("invalid input")
	// ErrNotFound marks a missing environment, region, node, fault or file.
	ErrNotFound = errors.New("not found")
	// ErrExists marks a name already in use.
	ErrExists = errors.New("already exists")
	// ErrMissingBinary marks a tool missing from bin/ (hint: make tools).
	ErrMissingBinary = errors.New("missing binary")
	// ErrRefused marks an action the safety guard refused.
	ErrRefused = errors.New("refused by safety guard")
	// ErrObjectiveFailed marks a drill whose measured result misses an objective.
	ErrObjectiveFailed = errors.New("objective not met")
)

// Invalidf returns bad input found by component (the prefix of the
// message), wrapping ErrInvalid: "gateway: retries -1 is negative: invalid input".
func Invalidf(component, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", component, fmt.Sprintf(format, args...), ErrInvalid)
}

// CommandError is a failed external command with its output kept for the report.
type CommandError struct {
	Command []string
	Output  string
	Err     error
}

func (e *CommandError) Error() string {
	out := strings.TrimSpace(e.Output)
	if i := strings.LastIndex(out, "\n"); i >= 0 && len(out) > 2000 {
		out = "…" + out[len(out)-2000:]
	}
	return fmt.Sprintf("command %q failed: %v: %s", strings.Join(e.Command, " "), e.Err, out)
}

func (e *CommandError) Unwrap() error { return e.Err }
