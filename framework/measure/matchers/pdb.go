package matchers

import (
	"fmt"
	"strings"
	"time"

	"github.com/onsi/gomega/types"

	"gameday.io/gameday/framework/measure"
)

// HoldPDBMinAvailable succeeds for a measure.PDBResult (or pointer, or a
// *measure.PDBWatcher) with at least one disruption window, in every one of
// which at least n replicas stayed Ready.
func HoldPDBMinAvailable(n int) types.GomegaMatcher { return &pdbMatcher{n: n} }

type pdbMatcher struct{ n int }

func pdbResult(actual any) (measure.PDBResult, error) {
	switch r := actual.(type) {
	case measure.PDBResult:
		return r, nil
	case *measure.PDBResult:
		if r != nil {
			return *r, nil
		}
	case *measure.PDBWatcher:
		if r != nil {
			return r.Result(), nil
		}
	}
	return measure.PDBResult{}, fmt.Errorf("HoldPDBMinAvailable expects a measure.PDBResult or *measure.PDBWatcher, got %T", actual)
}

func (m *pdbMatcher) Match(actual any) (bool, error) {
	r, err := pdbResult(actual)
	if err != nil {
		return false, err
	}
	return len(r.Windows) > 0 && r.MinReady() >= m.n, nil
}

func (m *pdbMatcher) FailureMessage(actual any) string {
	r, _ := pdbResult(actual)
	if len(r.Windows) == 0 {
		return fmt.Sprintf("Expected at least %d Ready replicas of %s in %s during every voluntary disruption, but no disruption window was recorded (call Begin and End around the drain).",
			m.n, r.Selector, r.Namespace)
	}
	return fmt.Sprintf("Expected at least %d Ready replicas of %s in %s during every voluntary disruption:\n%s", m.n, r.Selector, r.Namespace, describePDB(r, m.n))
}

func (m *pdbMatcher) NegatedFailureMessage(actual any) string {
	r, _ := pdbResult(actual)
	return fmt.Sprintf("Expected fewer than %d Ready replicas of %s in %s during some voluntary disruption:\n%s", m.n, r.Selector, r.Namespace, describePDB(r, m.n))
}

// describePDB writes a line per window and the Ready samples of the windows
// that went below n.
func describePDB(r measure.PDBResult, n int) string {
	var b strings.Builder
	for _, w := range r.Windows {
		end, verdict := "still open", "held"
		if !w.End.IsZero() {
			end = fmt.Sprintf("%v long", w.End.Sub(w.Begin).Round(time.Millisecond))
		}
		if w.MinReady < n {
			verdict = "BROKEN"
		}
		fmt.Fprintf(&b, "  %s (%s): Ready %d at the start, min %d at +%v, %d at the end; %d evictions, %d refused (429): %s\n",
			w.Name, end, w.ReadyAtBegin, w.MinReady, w.MinAt.Sub(w.Begin).Round(time.Millisecond), w.ReadyAtEnd, w.Evictions, w.Refused, verdict)
		if w.MinReady >= n {
			continue
		}
		for _, s := range r.Samples {
			if !s.At.Before(w.Begin) && (w.End.IsZero() || !s.At.After(w.End)) {
				fmt.Fprintf(&b, "    +%v  %d Ready\n", s.At.Sub(w.Begin).Round(time.Millisecond), s.Ready)
			}
		}
		for _, e := range r.Evictions {
			if e.Window == w.Name {
				fmt.Fprintf(&b, "    +%v  evict %s: refused=%v\n", e.At.Sub(w.Begin).Round(time.Millisecond), e.Pod, e.Refused)
			}
		}
	}
	return b.String()
}
