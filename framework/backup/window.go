package backup

import (
	"fmt"
	"time"

	"gameday.io/gameday/framework"
)

// MaxActivations bounds how many activations a window search walks; a
// schedule firing every minute reaches it after about 69 days, where its
// gaps have long repeated.
const MaxActivations = 100_000

// Window is the stretch between two consecutive backups: data written after
// Last is lost if storage is lost before Next.
type Window struct {
	Last time.Time     `json:"last"`
	Next time.Time     `json:"next"`
	Gap  time.Duration `json:"gap"`
}

// WorstWindow returns the longest gap between consecutive activations of s
// whose first activation is after from and second within from+horizon (the
// earliest of equally long gaps). Losing storage just before its Next loses
// the most data the schedule allows.
func WorstWindow(s *Schedule, from time.Time, horizon time.Duration) (Window, error) {
	end := from.Add(horizon)
	last := s.Next(from)
	if last.IsZero() || last.After(end) {
		return Window{}, fmt.Errorf("%s does not fire between %s and %s: %w", s, from.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), framework.ErrInvalid)
	}
	var worst Window
	for range MaxActivations {
		next := s.Next(last)
		if next.IsZero() || next.After(end) {
			break
		}
		if gap := next.Sub(last); gap > worst.Gap {
			worst = Window{Last: last, Next: next, Gap: gap}
		}
		last = next
	}
	if worst.Gap == 0 {
		return Window{}, fmt.Errorf("%s fires only once between %s and %s: %w", s, from.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), framework.ErrInvalid)
	}
	return worst, nil
}

// WindowAt returns the window holding instant t: Last is the latest
// activation after from and strictly before t (a backup due at the very
// instant of a fault does not run), Next the first at or after t. Last is
// zero when no backup ran between from and t.
func WindowAt(s *Schedule, from, t time.Time) (Window, error) {
	var last time.Time
	next := s.Next(from)
	for i := 0; !next.IsZero() && next.Before(t); i++ {
		if i == MaxActivations {
			return Window{}, fmt.Errorf("%s: more than %d activations between %s and %s: %w", s, MaxActivations, from, t, framework.ErrInvalid)
		}
		last, next = next, s.Next(next)
	}
	if next.IsZero() {
		return Window{}, fmt.Errorf("%s does not fire after %s: %w", s, from, framework.ErrInvalid)
	}
	w := Window{Last: last, Next: next}
	if !last.IsZero() {
		w.Gap = next.Sub(last)
	}
	return w, nil
}
