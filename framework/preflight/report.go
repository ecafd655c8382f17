package preflight

import (
	"fmt"
	"io"

	"gameday.io/gameday/framework"
)

// Report is every check of every region: a region's checks in a fixed
// order, the regions in input order.
type Report struct {
	Checks []Check `json:"checks"`
	// invalid is the bad option that stopped Run before any check.
	invalid error
}

// Failed returns the failed checks in report order.
func (r Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

// OK reports whether every check passed.
func (r Report) OK() bool { return len(r.Failed()) == 0 && r.invalid == nil }

// Print writes one line per check, "  ok   REGION  NAME  DETAIL" or
// "  FAIL REGION  NAME  DETAIL", with the columns aligned. Write errors are
// ignored (the report stays in r).
func (r Report) Print(w io.Writer) {
	rw, nw := 0, 0
	for _, c := range r.Checks {
		rw, nw = max(rw, len(c.Region)), max(nw, len(c.Name))
	}
	for _, c := range r.Checks {
		status := "ok"
		if !c.OK {
			status = "FAIL"
		}
		fmt.Fprintf(w, "  %-4s %-*s  %-*s  %s\n", status, rw, c.Region, nw, c.Name, c.Detail)
	}
}

// Error returns nil when every check passed; else an error wrapping
// framework.ErrRefused (framework.ErrInvalid for a bad option) that counts
// the failed checks and quotes the first.
func (r Report) Error() error {
	if r.invalid != nil {
		return fmt.Errorf("preflight: %w", r.invalid)
	}
	failed := r.Failed()
	if len(failed) == 0 {
		return nil
	}
	first := failed[0]
	more := ""
	if len(failed) > 1 {
		more = "…"
	}
	return fmt.Errorf("preflight: %d check(s) failed: %s %s: %s%s: %w", len(failed), first.Region, first.Name, first.Detail, more, framework.ErrRefused)
}
