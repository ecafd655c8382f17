package backup

import (
	"context"
	"strings"
	"testing"
	"time"
)

// fakeWriter publishes every 10 minutes from the epoch, in memory.
type fakeWriter struct{ published []time.Time }

func (w *fakeWriter) Every() time.Duration { return DefaultWriteEvery }

func (w *fakeWriter) Due(t time.Time) time.Time {
	n := (t.Sub(DefaultEpoch) + DefaultWriteEvery - 1) / DefaultWriteEvery
	return DefaultEpoch.Add(n * DefaultWriteEvery)
}

func (w *fakeWriter) Publish(_ context.Context, at time.Time) (Version, error) {
	w.published = append(w.published, at)
	return Version{PublishedAt: at}, nil
}

// fakeJob backs up on a schedule, each run taking took (real time).
type fakeJob struct {
	s    *Schedule
	took time.Duration
	runs []time.Time
}

func (j *fakeJob) Next(t time.Time) time.Time { return j.s.Next(t) }

func (j *fakeJob) Run(_ context.Context, at time.Time) (*JobRun, error) {
	j.runs = append(j.runs, at)
	return &JobRun{At: at, Duration: j.took}, nil
}

// operateRPO runs operate for s from a warm-up before the backup preceding
// the loss and measures the RPO as the drill does: the loss instant minus
// the newest version the last completed backup held.
func operateRPO(t *testing.T, s *Schedule, took time.Duration, l loss) (operation, RPOResult) {
	t.Helper()
	anchor := l.before
	if anchor.IsZero() {
		anchor = l.at
	}
	win, err := WindowAt(s, DefaultEpoch, anchor)
	if err != nil {
		t.Fatal(err)
	}
	clock, err := NewClock(win.Last.Add(-DefaultWarmup), 0)
	if err != nil {
		t.Fatal(err)
	}
	w, job := &fakeWriter{}, &fakeJob{s: s, took: took}
	op, err := operate(context.Background(), clock, w, job, l)
	if err != nil {
		t.Fatal(err)
	}
	if !clock.Now().Equal(op.fault) {
		t.Errorf("clock at %s, loss at %s", clock.Now(), op.fault)
	}
	res := RPOResult{FaultAt: op.fault, Objective: Duration(DefaultObjective), BackupDuration: Duration(op.counted), InProgress: op.inProgress}
	if res.Window, err = CompletedWindowAt(s, DefaultEpoch, op.fault, op.counted); err != nil {
		t.Fatal(err)
	}
	last := job.runs[len(job.runs)-1]
	for _, p := range w.published {
		if !p.After(last) {
			res.NewestRestored = p
		}
		if p.After(op.fault) {
			t.Errorf("published at %s, after the loss at %s", p, op.fault)
		}
	}
	res.RPO = Duration(res.FaultAt.Sub(res.NewestRestored))
	res.Met, res.Reason = judge(&res, s)
	return op, res
}

// The worst instant is just before the backup ending the longest gap
// completes: an hourly schedule loses more than an hour, by the backup's
// duration (less the lead), and misses a 1 h RPO.
func TestWorstInstantIsBeforeTheBackupCompletes(t *testing.T) {
	cases := []struct {
		name, expr string
		took       time.Duration // real time of each backup run
		configured time.Duration
		gap, d     time.Duration // the gap and the counted duration
		lead       time.Duration
	}{
		{"hourly, measured", "0 * * * *", 40 * time.Millisecond, 0, time.Hour, time.Second, 500 * time.Millisecond},
		{"hourly, a slow backup", "0 * * * *", 1500 * time.Millisecond, 0, time.Hour, 2 * time.Second, time.Second},
		{"hourly, configured 5 min", "0 * * * *", 40 * time.Millisecond, 5 * time.Minute, time.Hour, 5 * time.Minute, time.Second},
		{"the reference's 6-hourly", "0 */6 * * *", 40 * time.Millisecond, 0, 6 * time.Hour, time.Second, 500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSchedule(t, tc.expr, "")
			worst, err := WorstWindow(s, DefaultEpoch, DefaultHorizon)
			if err != nil {
				t.Fatal(err)
			}
			op, res := operateRPO(t, s, tc.took, loss{before: worst.Next, lead: DefaultFaultLead, duration: tc.configured})
			want := tc.gap + tc.d - tc.lead
			if op.counted != tc.d || !op.inProgress.Equal(worst.Next) || !op.fault.Equal(worst.Next.Add(tc.d-tc.lead)) {
				t.Errorf("counted %s, in progress %s, loss at %s; want %s, %s, %s", op.counted, op.inProgress, op.fault, tc.d, worst.Next, worst.Next.Add(tc.d-tc.lead))
			}
			if time.Duration(res.RPO) != want || time.Duration(res.RPO) <= tc.gap || res.Window.WorstLoss != tc.gap+tc.d {
				t.Errorf("RPO %s, worst loss %s; want %s, %s", res.RPO, res.Window.WorstLoss, want, tc.gap+tc.d)
			}
			if res.Met || !strings.Contains(res.Reason, "exceeds the 1h0m0s objective") || !strings.Contains(res.Reason, "was still running") {
				t.Errorf("met %v: %s", res.Met, res.Reason)
			}
		})
	}
}

// A backup still running at a fixed loss instant protects nothing; one that
// completed just before does.
func TestBackupInProgressAtTheLoss(t *testing.T) {
	s := mustSchedule(t, "0 * * * *", "")
	at := utc("2024-01-15T03:00:00Z")
	for _, tc := range []struct {
		name   string
		loss   time.Duration // after the 03:00 backup started
		newest string
	}{
		{"running", 500 * time.Millisecond, "2024-01-15T02:00:00Z"},
		{"completing at the loss", time.Second, "2024-01-15T02:00:00Z"},
		{"completed", time.Second + time.Nanosecond, "2024-01-15T03:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op, res := operateRPO(t, s, 40*time.Millisecond, loss{at: at.Add(tc.loss)})
			running := res.NewestRestored.Before(at)
			if !res.NewestRestored.Equal(utc(tc.newest)) || running != op.inProgress.Equal(at) || running != res.InProgress.Equal(at) {
				t.Errorf("newest %s, in progress %s; want newest %s", res.NewestRestored, op.inProgress, tc.newest)
			}
			if !res.Window.Last.Equal(res.NewestRestored) {
				t.Errorf("window %+v, newest %s", res.Window, res.NewestRestored)
			}
		})
	}
}
