package matchers

import (
	"fmt"
	"strings"
	"time"

	"github.com/onsi/gomega/types"

	"gameday.io/gameday/framework/measure"
)

// HaveFailedOverTo succeeds for a measure.FailoverResult (or an RTOResult
// measured with measure.FailoverTo) whose traffic moved to region and stayed.
func HaveFailedOverTo(region string) types.GomegaMatcher { return &failoverMatcher{region: region} }

type failoverMatcher struct{ region string }

func (m *failoverMatcher) Match(actual any) (bool, error) {
	r, err := failoverResult(actual)
	if err != nil {
		return false, err
	}
	if r.Region != m.region {
		return false, fmt.Errorf("HaveFailedOverTo(%q): the failover was measured for %q; measure it for %q", m.region, r.Region, m.region)
	}
	return r.FailedOver, nil
}

func (m *failoverMatcher) FailureMessage(actual any) string {
	r, _ := failoverResult(actual)
	return fmt.Sprintf("Expected traffic to fail over to %s: %s\n%s", m.region, failoverSummary(r), failoverWindow(r))
}

func (m *failoverMatcher) NegatedFailureMessage(actual any) string {
	r, _ := failoverResult(actual)
	return fmt.Sprintf("Expected traffic not to fail over to %s: %s\n%s", m.region, failoverSummary(r), failoverWindow(r))
}

func failoverResult(actual any) (measure.FailoverResult, error) {
	switch r := actual.(type) {
	case measure.FailoverResult:
		return r, nil
	case *measure.FailoverResult:
		if r != nil {
			return *r, nil
		}
	case measure.RTOResult:
		if r.Failover != nil {
			return *r.Failover, nil
		}
		return measure.FailoverResult{}, fmt.Errorf("HaveFailedOverTo: the RTOResult has no failover; measure it with measure.FailoverTo")
	case *measure.RTOResult:
		if r != nil {
			return failoverResult(*r)
		}
	}
	return measure.FailoverResult{}, fmt.Errorf("HaveFailedOverTo expects a measure.FailoverResult or RTOResult, got %T", actual)
}

func failoverSummary(r measure.FailoverResult) string {
	who := "all requests"
	if r.ClientRegion != "" {
		who = "requests from " + r.ClientRegion
	}
	if r.FailedOver {
		return fmt.Sprintf("%s's share of %s reached %v %v after the fault and held (share %.1f%% before, %.1f%% after)",
			r.Region, who, r.Threshold, r.Time, 100*r.ShareBefore, 100*r.ShareAfter)
	}
	return fmt.Sprintf("%s's share of %s was %.1f%% before the fault and %.1f%% after it; %s",
		r.Region, who, 100*r.ShareBefore, 100*r.ShareAfter, r.Reason)
}

func failoverWindow(r measure.FailoverResult) string {
	if r.Timeline == nil {
		return ""
	}
	var b strings.Builder
	at := r.Window.From
	if r.FailedOver {
		at = r.Offset
	}
	writeWindow(&b, r.Timeline, "around the switch", at-time.Second, at+time.Second)
	return b.String()
}
