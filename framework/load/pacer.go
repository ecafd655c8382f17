package load

import (
	"math"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// rampPacer paces hits at rate per second, reached linearly over ramp. It
// accepts fractional rates, which vegeta's ConstantPacer does not. Hits that
// fall more than one bucket behind (every worker was blocked on a hanging
// target) are skipped rather than sent later in a burst; vegeta calls Pace
// from one goroutine, so the skip count needs no lock.
type rampPacer struct {
	rate    float64 // hits per second at full rate
	ramp    time.Duration
	skipped uint64
}

var _ vegeta.Pacer = (*rampPacer)(nil)

// expected is how many hits are due by elapsed.
func (p *rampPacer) expected(elapsed time.Duration) float64 {
	t, r := elapsed.Seconds(), p.ramp.Seconds()
	if t < r {
		return p.rate * t * t / (2 * r)
	}
	return p.rate * (t - r/2)
}

// at is when hit number k (1-based) is due.
func (p *rampPacer) at(k uint64) time.Duration {
	r := p.ramp.Seconds()
	var t float64
	if float64(k) <= p.rate*r/2 {
		t = math.Sqrt(2 * r * float64(k) / p.rate)
	} else {
		t = float64(k)/p.rate + r/2
	}
	return time.Duration(t * float64(time.Second))
}

// Pace implements vegeta.Pacer: wait until the next hit is due, at once when
// behind by up to one bucket's worth, skipping what is later than that.
func (p *rampPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	due := hits + p.skipped
	if behind := p.expected(elapsed) - float64(due); behind > p.slack() {
		p.skipped += uint64(behind - p.slack())
		due = hits + p.skipped
	}
	return max(p.at(due+1)-elapsed, 0), false
}

// slack is how many late hits may still be sent: one bucket's worth.
func (p *rampPacer) slack() float64 { return max(1, p.rate*BucketWidth.Seconds()) }

// Rate implements vegeta.Pacer.
func (p *rampPacer) Rate(elapsed time.Duration) float64 {
	if elapsed < p.ramp {
		return p.rate * elapsed.Seconds() / p.ramp.Seconds()
	}
	return p.rate
}
