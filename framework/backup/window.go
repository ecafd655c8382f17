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
// the backup at Last started is lost if storage is lost before the backup at
// Next has completed. A backup protects data only once it has completed, so
// the most a window can lose, WorstLoss, is its Gap plus BackupDuration, the
// time a backup takes (0 when not known).
type Window struct {
	Last           time.Time     `json:"last"`
	Next           time.Time     `json:"next"`
	Gap            time.Duration `json:"gap"`
	BackupDuration time.Duration `json:"backupDuration"`
	WorstLoss      time.Duration `json:"worstLoss"`
}

// WithDuration returns w for backups that take d to complete.
func (w Window) WithDuration(d time.Duration) Window {
	w.BackupDuration, w.WorstLoss = d, 0
	if w.Gap > 0 {
		w.WorstLoss = w.Gap + d
	}
	return w
}

// WorstWindow returns the longest gap between consecutive activations of s
// whose first activation is after from and second within from+horizon (the
// earliest of equally long gaps), for backups of no duration (see
// Window.WithDuration: the longest gap is the worst window whatever the
// duration). Losing storage just before the backup at its Next completes
// loses the most data the schedule allows.
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
			worst = Window{Last: last, Next: next, Gap: gap, WorstLoss: gap}
		}
		last = next
	}
	if worst.Gap == 0 {
		return Window{}, fmt.Errorf("%s fires only once between %s and %s: %w", s, from.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), framework.ErrInvalid)
	}
	return worst, nil
}

// WindowAt returns the window holding instant t for backups of no duration:
// CompletedWindowAt(s, from, t, 0).
func WindowAt(s *Schedule, from, t time.Time) (Window, error) {
	return CompletedWindowAt(s, from, t, 0)
}

// CompletedWindowAt returns the window holding instant t for backups that
// take d to complete: Last is the latest activation after from whose backup
// completed strictly before t (a backup due, or completing, at the very
// instant of a fault does not count), Next the first whose backup had not
// (it may have started before t: it was in progress). Last is zero when no
// backup completed between from and t.
func CompletedWindowAt(s *Schedule, from, t time.Time, d time.Duration) (Window, error) {
	if d < 0 {
		return Window{}, fmt.Errorf("%s: backup duration %s is negative: %w", s, d, framework.ErrInvalid)
	}
	var last time.Time
	next := s.Next(from)
	for i := 0; !next.IsZero() && next.Add(d).Before(t); i++ {
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
	return w.WithDuration(d), nil
}
