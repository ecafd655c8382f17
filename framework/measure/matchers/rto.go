package matchers

import (
	"fmt"
	"strings"
	"time"

	"github.com/onsi/gomega/types"

	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/measure"
)

// HaveRTOBelow succeeds for a measure.RTOResult (or pointer) that recovered
// in less than limit.
func HaveRTOBelow(limit time.Duration) types.GomegaMatcher { return &rtoMatcher{limit: limit} }

type rtoMatcher struct {
	limit time.Duration
}

func (m *rtoMatcher) Match(actual any) (bool, error) {
	r, err := rtoResult(actual, "HaveRTOBelow")
	if err != nil {
		return false, err
	}
	return r.Recovered && r.RTO < m.limit, nil
}

func (m *rtoMatcher) FailureMessage(actual any) string {
	r, _ := rtoResult(actual, "")
	var b strings.Builder
	if r.Recovered {
		fmt.Fprintf(&b, "Expected an RTO below %v, measured %v.\n", m.limit, r.RTO)
	} else {
		fmt.Fprintf(&b, "Expected an RTO below %v, but the load never recovered (RTO at least %v): %s.\n", m.limit, r.RTO, r.Reason)
	}
	describeRTO(&b, r)
	return b.String()
}

func (m *rtoMatcher) NegatedFailureMessage(actual any) string {
	r, _ := rtoResult(actual, "")
	var b strings.Builder
	fmt.Fprintf(&b, "Expected an RTO of at least %v, measured %v.\n", m.limit, r.RTO)
	describeRTO(&b, r)
	return b.String()
}

func rtoResult(actual any, matcher string) (measure.RTOResult, error) {
	switch r := actual.(type) {
	case measure.RTOResult:
		return r, nil
	case *measure.RTOResult:
		if r != nil {
			return *r, nil
		}
	}
	return measure.RTOResult{}, fmt.Errorf("%s expects a measure.RTOResult, got %T", matcher, actual)
}

// describeRTO writes the figures and the timeline around the fault and the
// recovery (or the end).
func describeRTO(b *strings.Builder, r measure.RTOResult) {
	o := r.Criteria
	fmt.Fprintf(b, "  fault (%s) at +%s", r.FaultPhase, secs(r.FaultOffset))
	if r.Impacted {
		fmt.Fprintf(b, ", first failure +%s (detection %v)", secs(r.FaultOffset+r.Detection), r.Detection)
	} else {
		b.WriteString(", no request failed after it")
	}
	if r.Recovered {
		fmt.Fprintf(b, ", recovered at +%s, declared at +%s", secs(r.RecoveredOffset), secs(r.DeclaredOffset))
	}
	fmt.Fprintf(b, "\n  objective: success ratio >= %v for %v; outage: %d of %d requests failed\n",
		o.SuccessThreshold, o.StabilityWindow, r.Outage.Failures.Total(), r.Outage.Sent)
	if r.Failover != nil {
		fmt.Fprintf(b, "  failover to %s: %s\n", r.Failover.Region, failoverSummary(*r.Failover))
	}
	if c := r.FullCapacity; c != nil {
		fmt.Fprintf(b, "  capacity: min %d Ready, back at desired %v after the fault (restored %v)\n", c.MinReady, c.Time, c.Restored)
	}
	tl := r.Timeline
	if tl == nil {
		return
	}
	writeWindow(b, tl, "around the fault", r.FaultOffset-300*time.Millisecond, r.FaultOffset+500*time.Millisecond)
	if r.Recovered {
		writeWindow(b, tl, "around the recovery", r.RecoveredOffset-time.Second, r.RecoveredOffset+500*time.Millisecond)
	} else {
		writeWindow(b, tl, "the end of the timeline", tl.End()-2*time.Second, tl.End())
	}
}

func writeWindow(b *strings.Builder, tl *load.Timeline, title string, from, to time.Duration) {
	from = max(from, 0)
	fmt.Fprintf(b, "  timeline %s (+%s to +%s):\n", title, secs(from), secs(to))
	for _, line := range strings.SplitAfter(tl.Table(from, to), "\n") {
		if line != "" {
			b.WriteString("    " + line)
		}
	}
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }
