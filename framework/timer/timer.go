// Package timer holds the one way gameday waits for a length of time: a
// scripted phase, a retry back-off. It never synchronises with anything;
// waiting for a state is polling with a deadline.
package timer

import (
	"context"
	"time"
)

// Pause waits d or until ctx ends, and reports whether d passed.
func Pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
