package measure

import (
	"net/http"
	"time"

	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/load/synth"
)

const sec = time.Second

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// objective is the default with a one-second stability window.
func objective() Criteria {
	return Criteria{RTO: DefaultRTO, RPO: DefaultRPO, SuccessThreshold: 0.99, FailoverShare: 0.9, StabilityWindow: sec}
}

// marks makes fault (and optional recovery) marks.
func marks(fault time.Duration, more ...load.Mark) []load.Mark {
	return append([]load.Mark{{Phase: "fault", Offset: fault}}, more...)
}

// failing returns an outcome function that fails (503) during the given spans
// [from, to) and is served by region otherwise.
func failing(region string, spans ...[2]time.Duration) func(string, time.Duration) synth.Outcome {
	return func(_ string, at time.Duration) synth.Outcome {
		for _, s := range spans {
			if at >= s[0] && at < s[1] {
				return synth.Status(http.StatusServiceUnavailable)
			}
		}
		return synth.OK(region)
	}
}

func span(from, to time.Duration) [2]time.Duration { return [2]time.Duration{from, to} }

func synthesize(rate float64, d time.Duration, m []load.Mark, outcome func(string, time.Duration) synth.Outcome) *load.Timeline {
	return synth.Synthesize(rate, d, m, nil, outcome)
}
