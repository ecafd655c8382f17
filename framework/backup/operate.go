package backup

import (
	"context"
	"fmt"
	"time"
)

// DurationResolution is what a measured backup duration is rounded up to
// before it counts in virtual time: the drill's backups against local S3
// servers take milliseconds that vary from run to run; whole seconds keep the
// drill deterministic and err on the side of a longer exposure.
const DurationResolution = time.Second

// loss is when a scenario loses the primary's storage: at a fixed instant, or
// (worst) lead before the backup due at before would have completed.
type loss struct {
	at     time.Time
	before time.Time
	lead   time.Duration
	// duration is the configured backup duration (0: measured).
	duration time.Duration
}

// operation is what happened on the virtual clock up to the loss.
type operation struct {
	fault   time.Time
	backups int
	// measured is the longest backup run (real time); counted is the
	// duration a backup takes in virtual time (configured, or measured and
	// rounded up to DurationResolution).
	measured, counted time.Duration
	// inProgress is the start of the backup running when storage was lost
	// (zero when none was).
	inProgress time.Time
}

// counted is the virtual duration of a backup: the configured one, else the
// longest measured so far rounded up to DurationResolution (0 before any).
func (l loss) counted(measured time.Duration) time.Duration {
	if l.duration > 0 {
		return l.duration
	}
	if measured <= 0 {
		return 0
	}
	return (measured + DurationResolution - 1) / DurationResolution * DurationResolution
}

// instant is the loss instant once the backup duration is known: lead before
// the completion of the backup at before (at most half the backup's duration
// before it, so that backup has started; lead before it starts when its
// duration is 0).
func (l loss) instant(d time.Duration) time.Time {
	if d <= 0 {
		return l.before.Add(-l.lead)
	}
	return l.before.Add(d - min(l.lead, d/2))
}

// publisher is the writer as operate uses it.
type publisher interface {
	// Due is the first publication at or after t; Every the cadence.
	Due(t time.Time) time.Time
	Every() time.Duration
	Publish(ctx context.Context, at time.Time) (Version, error)
}

// backupJob is the backup job as operate uses it.
type backupJob interface {
	// Next is the schedule's first activation strictly after t.
	Next(t time.Time) time.Time
	Run(ctx context.Context, at time.Time) (*JobRun, error)
}

// Next is the job's schedule's next activation.
func (j *Job) Next(t time.Time) time.Time { return j.Schedule.Next(t) }

// operate advances the clock event by event until the loss: the writer's
// publications and the schedule's backups (a publication due at the same
// instant as a backup comes first). A backup runs, instantly in virtual time
// and snapshotting the registry at its start, only if it completes (its start
// plus the counted duration) strictly before the loss; one that would not was
// in progress when storage was lost and protects nothing.
func operate(ctx context.Context, clock *Clock, w publisher, job backupJob, l loss) (op operation, err error) {
	nextWrite := w.Due(clock.Now())
	nextBackup := job.Next(clock.Now().Add(-time.Nanosecond))
	op.fault, op.counted = l.at, l.counted(0)
	for {
		if op.fault.IsZero() && !nextBackup.IsZero() && !nextBackup.Before(l.before) {
			op.fault = l.instant(op.counted)
		}
		t := nextWrite
		if !nextBackup.IsZero() && nextBackup.Before(t) {
			t = nextBackup
		}
		if !op.fault.IsZero() && !t.Before(op.fault) {
			return op, clock.AdvanceTo(ctx, op.fault)
		}
		if err := clock.AdvanceTo(ctx, t); err != nil {
			return op, err
		}
		if t.Equal(nextWrite) {
			if _, err := w.Publish(ctx, t); err != nil {
				return op, err
			}
			nextWrite = nextWrite.Add(w.Every())
		}
		if !t.Equal(nextBackup) {
			continue
		}
		if !op.fault.IsZero() && !t.Add(op.counted).Before(op.fault) {
			op.inProgress = t
		} else {
			run, err := job.Run(ctx, t)
			if err != nil {
				return op, err
			}
			op.backups++
			if len(run.Corrupt) > 0 {
				return op, fmt.Errorf("backup at %s found corrupt source objects: %v", t.Format(time.RFC3339), run.Corrupt)
			}
			op.measured = max(op.measured, run.Duration)
			op.counted = l.counted(op.measured)
		}
		nextBackup = job.Next(t)
	}
}
