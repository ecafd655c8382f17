package backup

import (
	"errors"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

func TestWorstWindow(t *testing.T) {
	epoch := utc("2024-01-15T00:00:00Z")
	cases := []struct {
		name, expr, tz string
		from           time.Time
		horizon        time.Duration
		gap            time.Duration
		last           string
	}{
		{"seed 6-hourly", "0 */6 * * *", "", epoch, DefaultHorizon, 6 * time.Hour, "2024-01-15T06:00:00Z"},
		{"hourly", "0 * * * *", "", epoch, DefaultHorizon, time.Hour, "2024-01-15T01:00:00Z"},
		{"velero daily", "0 2 * * *", "", epoch, DefaultHorizon, 24 * time.Hour, "2024-01-15T02:00:00Z"},
		{"uneven hours", "0 2,3 * * *", "", epoch, 7 * 24 * time.Hour, 23 * time.Hour, "2024-01-15T03:00:00Z"},
		{"*/7 minutes", "*/7 * * * *", "", epoch, 24 * time.Hour, 7 * time.Minute, "2024-01-15T00:07:00Z"},
		{"*/7 hours", "0 */7 * * *", "", epoch, 7 * 24 * time.Hour, 7 * time.Hour, "2024-01-15T07:00:00Z"},
		{"month ends: 31st", "0 0 31 * *", "", epoch, DefaultHorizon, 61 * 24 * time.Hour, "2024-03-31T00:00:00Z"},
		{"weekdays only", "0 0 * * 1-5", "", epoch, 14 * 24 * time.Hour, 3 * 24 * time.Hour, "2024-01-19T00:00:00Z"},
		{"DST fall back in New York", "CRON_TZ=America/New_York 0 */6 * * *", "", utc("2024-10-01T00:00:00Z"), 60 * 24 * time.Hour, 7 * time.Hour, "2024-11-03T04:00:00Z"},
		{"DST in the CronJob's timeZone (BST ends)", "0 */6 * * *", "Europe/London", utc("2024-10-01T00:00:00Z"), 60 * 24 * time.Hour, 7 * time.Hour, "2024-10-26T23:00:00Z"},
		{"every 90 minutes", "@every 90m", "", epoch, 24 * time.Hour, 90 * time.Minute, "2024-01-15T01:30:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSchedule(t, tc.expr, tc.tz)
			w, err := WorstWindow(s, tc.from, tc.horizon)
			if err != nil {
				t.Fatal(err)
			}
			if w.Gap != tc.gap || !w.Last.Equal(utc(tc.last)) || !w.Next.Equal(w.Last.Add(tc.gap)) {
				t.Errorf("worst window %s → %s (%s), want %s from %s", w.Last.Format(time.RFC3339), w.Next.Format(time.RFC3339), w.Gap, tc.gap, tc.last)
			}
			// The worst instant falls in that window: the newest backup
			// before it is the window's start.
			at, err := WindowAt(s, tc.from, w.Next.Add(-DefaultFaultLead))
			if err != nil {
				t.Fatal(err)
			}
			if at != w {
				t.Errorf("WindowAt(worst instant) = %+v, want %+v", at, w)
			}
		})
	}
}

func TestWindowAt(t *testing.T) {
	s := mustSchedule(t, "0 */6 * * *", "")
	epoch := utc("2024-01-15T00:00:00Z")
	cases := []struct {
		name, at, last, next string
	}{
		{"before any backup", "2024-01-15T05:00:00Z", "", "2024-01-15T06:00:00Z"},
		{"just after a backup", "2024-01-15T06:00:01Z", "2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z"},
		{"at a backup instant the fault wins", "2024-01-15T12:00:00Z", "2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z"},
		{"just before", "2024-01-15T11:59:59Z", "2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z"},
		{"next day", "2024-01-16T01:00:00Z", "2024-01-16T00:00:00Z", "2024-01-16T06:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := WindowAt(s, epoch, utc(tc.at))
			if err != nil {
				t.Fatal(err)
			}
			var last time.Time
			if tc.last != "" {
				last = utc(tc.last)
			}
			if !w.Last.Equal(last) || !w.Next.Equal(utc(tc.next)) {
				t.Errorf("window %s → %s, want %s → %s", w.Last, w.Next, tc.last, tc.next)
			}
		})
	}
}

func TestWorstWindowRejects(t *testing.T) {
	s := mustSchedule(t, "0 0 1 1 *", "") // yearly
	epoch := utc("2024-01-15T00:00:00Z")
	if _, err := WorstWindow(s, epoch, 30*24*time.Hour); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("no activation in the horizon: %v", err)
	}
	if _, err := WorstWindow(s, epoch, 400*24*time.Hour); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("a single activation has no gap: %v", err)
	}
}

func TestRandomFaultIsSeeded(t *testing.T) {
	s := mustSchedule(t, "0 */6 * * *", "")
	cfg := DrillConfig{Schedule: s, Epoch: DefaultEpoch, RandomWindow: DefaultRandomWindow}
	first := s.Next(DefaultEpoch)
	seen := map[time.Time]bool{}
	for seed := range uint64(20) {
		cfg.Seed = seed
		a, _ := randomFault(cfg)
		b, _ := randomFault(cfg)
		if !a.Equal(b) {
			t.Fatalf("seed %d gave %s then %s", seed, a, b)
		}
		if !a.After(first) || a.After(first.Add(DefaultRandomWindow)) || a.Truncate(time.Second) != a {
			t.Errorf("seed %d: fault %s outside (%s, +%s] or not on a second", seed, a, first, DefaultRandomWindow)
		}
		seen[a] = true
	}
	if len(seen) < 15 {
		t.Errorf("20 seeds gave only %d distinct instants", len(seen))
	}
}

func TestCompletedWindowAt(t *testing.T) {
	s := mustSchedule(t, "0 */6 * * *", "")
	epoch := utc("2024-01-15T00:00:00Z")
	const d = 5 * time.Minute
	cases := []struct {
		name, at, last, next string
	}{
		{"the first backup still running", "2024-01-15T06:04:00Z", "", "2024-01-15T06:00:00Z"},
		{"completing at the fault does not count", "2024-01-15T06:05:00Z", "", "2024-01-15T06:00:00Z"},
		{"just after it completed", "2024-01-15T06:05:01Z", "2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z"},
		{"the next one started but is not done", "2024-01-15T12:04:59Z", "2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z"},
		{"before it starts", "2024-01-15T11:59:00Z", "2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := CompletedWindowAt(s, epoch, utc(tc.at), d)
			if err != nil {
				t.Fatal(err)
			}
			var last time.Time
			wantLoss := time.Duration(0)
			if tc.last != "" {
				last, wantLoss = utc(tc.last), 6*time.Hour+d
			}
			if !w.Last.Equal(last) || !w.Next.Equal(utc(tc.next)) || w.BackupDuration != d || w.WorstLoss != wantLoss {
				t.Errorf("window %+v, want %s → %s, worst loss %s", w, tc.last, tc.next, wantLoss)
			}
		})
	}
	if _, err := CompletedWindowAt(s, epoch, epoch, -time.Second); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("negative duration: %v", err)
	}
}

func TestSchedulesGapsAddTheBackupDuration(t *testing.T) {
	scheds := []*Schedule{mustSchedule(t, "0 * * * *", ""), mustSchedule(t, "*/30 * * * *", "")}
	gaps := SchedulesGaps(scheds, DefaultEpoch, 24*time.Hour, time.Hour)
	if g := gaps[0]; g.Worst != Duration(time.Hour) || g.WorstLoss != g.Worst || g.BackupDuration != 0 || !g.Meets {
		t.Errorf("without a duration: %+v", g)
	}
	d := func(s *Schedule) time.Duration { return 2 * time.Minute }
	gaps = SchedulesGapsWith(scheds, DefaultEpoch, 24*time.Hour, time.Hour, d)
	if g := gaps[0]; g.Worst != Duration(time.Hour) || g.WorstLoss != Duration(time.Hour+2*time.Minute) || g.BackupDuration != Duration(2*time.Minute) || g.Meets {
		t.Errorf("hourly with a 2 min backup: %+v, want worst loss 1h2m, missing 1h", g)
	}
	if g := gaps[1]; g.WorstLoss != Duration(32*time.Minute) || !g.Meets {
		t.Errorf("half-hourly with a 2 min backup: %+v", g)
	}
}
