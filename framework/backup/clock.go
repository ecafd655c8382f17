package backup

import (
	"context"
	"fmt"
	"sync"
	"time"

	"gameday.io/gameday/framework"
)

// Clock is the virtual clock of a drill. It stands still until the drill
// advances it to the instant of the next scheduled event, so what happens and
// in which order depends only on the schedule, the cadence and the seed,
// never on how fast the machine is.
//
// With a positive factor the clock is also paced against real time: reaching
// virtual instant v waits until (v − start)/factor of real time has passed
// since the clock was created, so a drill lasts the compressed span (one
// real second stands for factor seconds of operation). That wait stands for
// time passing, not for synchronisation: nothing waits on anything else.
// Factor 0 runs unpaced, as fast as the storage answers.
type Clock struct {
	mu        sync.Mutex
	start     time.Time
	now       time.Time
	factor    float64
	realStart time.Time
}

// NewClock returns a clock at start compressing time by factor (0: unpaced).
func NewClock(start time.Time, factor float64) (*Clock, error) {
	if factor < 0 {
		return nil, fmt.Errorf("clock factor %v: must not be negative: %w", factor, framework.ErrInvalid)
	}
	return &Clock{start: start.UTC(), now: start.UTC(), factor: factor, realStart: time.Now()}, nil
}

// Now is the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Factor is the compression factor (0: unpaced).
func (c *Clock) Factor() float64 { return c.factor }

// AdvanceTo moves the clock forward to t, pacing against real time when the
// factor is positive. Moving backwards is an error.
func (c *Clock) AdvanceTo(ctx context.Context, t time.Time) error {
	c.mu.Lock()
	if t.Before(c.now) {
		now := c.now
		c.mu.Unlock()
		return fmt.Errorf("virtual clock at %s cannot go back to %s", now.Format(time.RFC3339), t.Format(time.RFC3339))
	}
	c.mu.Unlock()
	if c.factor > 0 {
		due := c.realStart.Add(time.Duration(float64(t.Sub(c.start)) / c.factor))
		if wait := time.Until(due); wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return ctx.Err()
			case <-timer.C:
			}
		}
	}
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
	return nil
}

// Elapsed returns the virtual time covered and the real time it took.
func (c *Clock) Elapsed() (virtual, real time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now.Sub(c.start), time.Since(c.realStart)
}
