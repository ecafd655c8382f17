package load

import (
	"fmt"
	"time"
)

// stallMargin: how long beyond the request timeout a running generator may record no result before
// Stalled says it is stuck: every request ends within the request timeout,
// answered or not (a black-holed server gives a timeout result), so a
// silence longer than the timeout plus this margin is the generator's own
// failure, not the system's.
const stallMargin = 10 * time.Second

// Stalled returns nil while the generator records results; an error when
// it is not running (stopped, its context ended) or has recorded nothing
// for longer than the request timeout plus a margin (plus the ramp, and two
// requests' spacing at the configured rate) at now. A drill treats
// either as a failure of gameday's harness.
func (g *Generator) Stalled(now time.Time) error {
	g.mu.Lock()
	r := g.run
	g.mu.Unlock()
	if r == nil {
		return fmt.Errorf("load generator for %s is not running", g.base)
	}
	select {
	case <-r.done:
		return fmt.Errorf("load generator for %s stopped", g.base)
	default:
	}
	r.rec.mu.Lock()
	last := r.rec.lastSeen
	r.rec.mu.Unlock()
	if last.IsZero() {
		last = r.rec.start
	}
	limit := g.s.timeout + stallMargin + g.s.ramp // a ramp starts near 0 requests per second
	if g.s.rate > 0 {
		limit += time.Duration(2 * float64(time.Second) / g.s.rate) // two requests apart at a low rate
	}
	if now.Sub(last) > limit {
		return fmt.Errorf("load generator for %s stalled: no result for %s (every request ends within %s)",
			g.base, now.Sub(last).Round(time.Second), g.s.timeout)
	}
	return nil
}
