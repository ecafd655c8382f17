package backup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// RunScenario runs the writer and the backup schedule on a virtual clock from
// shortly before the backup preceding fault until fault, loses the primary
// registry at fault, restores the newest backup into the DR registry and
// measures the RPO. A backup counts only if it completed before fault (see
// DrillConfig.BackupDuration).
func RunScenario(ctx context.Context, cfg DrillConfig, name Scenario, fault time.Time) (*RPOResult, error) {
	return runScenario(ctx, cfg, name, loss{at: fault.UTC(), duration: cfg.BackupDuration})
}

// RunBeforeCompletion is RunScenario with storage lost just before the backup
// due at backupAt completes: cfg.FaultLead before it (at most half the
// backup's duration), the duration being measured on the backups before it.
// It is the worst instant when backupAt ends the schedule's longest gap.
func RunBeforeCompletion(ctx context.Context, cfg DrillConfig, name Scenario, backupAt time.Time) (*RPOResult, error) {
	lead := cfg.FaultLead
	if lead == 0 {
		lead = DefaultFaultLead
	}
	return runScenario(ctx, cfg, name, loss{before: backupAt.UTC(), lead: lead, duration: cfg.BackupDuration})
}

func runScenario(ctx context.Context, cfg DrillConfig, name Scenario, l loss) (*RPOResult, error) {
	wall := time.Now()
	cfg, err := cfg.withDefaults(ctx)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger.With("scenario", name)
	primary, backup, dr := cfg.Primary.Bucket(cfg.Registry), cfg.Backup.Bucket(cfg.BackupBucket), cfg.DR.Bucket(cfg.Registry)
	if primary.String() == dr.String() || primary.String() == backup.String() {
		return nil, fmt.Errorf("rpo drill: the primary registry %s must be neither the DR registry %s nor the backup bucket %s: %w", primary, dr, backup, framework.ErrInvalid)
	}
	// The operation starts a warm-up before the last backup that completes
	// before the loss (before the one the loss interrupts, for the worst
	// instant; for a fixed instant, one that started less than the backup's
	// duration before it is still running then).
	anchor := l.before
	if anchor.IsZero() {
		anchor = l.at.Add(-max(l.duration, DurationResolution))
	}
	win, err := WindowAt(cfg.Schedule, cfg.Epoch, anchor)
	if err != nil {
		return nil, err
	}
	start := cfg.Epoch
	if !win.Last.IsZero() {
		start = win.Last.Add(-cfg.Warmup)
	}
	if err := prepare(ctx, cfg.Wipe, primary, backup, dr); err != nil {
		return nil, err
	}
	res := &RPOResult{
		Scenario: name, Seed: cfg.Seed, Schedule: cfg.Schedule.Expr, ScheduleName: cfg.Schedule.ID(),
		Source: cfg.Schedule.Source.String(), ClockFactor: cfg.ClockFactor, Objective: Duration(cfg.Objective),
		Buckets: storage.Buckets{Model: cfg.Registry, Backup: cfg.BackupBucket},
	}
	if res.Buckets == cfg.Schedule.Buckets {
		res.BucketsFrom = cfg.Schedule.BucketsFrom
	}
	log.Info("rpo scenario", "from", start, "fault", l.at, "beforeBackupAt", l.before)

	clock, err := NewClock(start, cfg.ClockFactor)
	if err != nil {
		return nil, err
	}
	writer, err := NewWriter(primary, cfg.WriteEvery, cfg.Epoch)
	if err != nil {
		return nil, err
	}
	job := &Job{Schedule: cfg.Schedule, Source: primary, Target: backup}
	op, err := operate(ctx, clock, writer, job, l)
	if err != nil {
		return nil, fmt.Errorf("rpo drill %s: %w", name, err)
	}
	res.BackupsRun, res.FaultAt, res.InProgress = op.backups, op.fault, op.inProgress
	res.BackupDuration, res.MeasuredBackupDuration = Duration(op.counted), Duration(op.measured)
	if res.Window, err = CompletedWindowAt(cfg.Schedule, cfg.Epoch, op.fault, op.counted); err != nil {
		return nil, err
	}
	virtual, real := clock.Elapsed()
	if real > 0 {
		res.Compression = virtual.Seconds() / real.Seconds()
	}

	// The primary region's storage is lost.
	if err := cfg.Lose(ctx); err != nil {
		return nil, fmt.Errorf("rpo drill %s: lose primary storage: %w", name, err)
	}
	if objs, err := storage.List(ctx, primary, ""); err == nil {
		return nil, fmt.Errorf("rpo drill %s: primary registry %s still answers with %d objects after the loss", name, primary, len(objs))
	}
	if cfg.BeforeRestore != nil {
		if err := cfg.BeforeRestore(ctx, backup); err != nil {
			return nil, fmt.Errorf("rpo drill %s: before restore: %w", name, err)
		}
	}
	restored, err := Restore(ctx, backup, dr)
	if err != nil {
		return nil, fmt.Errorf("rpo drill %s: %w", name, err)
	}
	res.RestoreDuration = Duration(restored.Duration)
	res.Restored = len(restored.Restored)
	res.Corrupted = restored.Corrupt
	if err := measure(ctx, res, writer, dr, restored); err != nil {
		return nil, fmt.Errorf("rpo drill %s: %w", name, err)
	}
	res.Met, res.Reason = judge(res, cfg.Schedule)
	if err := errors.Join(storage.Empty(ctx, backup), storage.Empty(ctx, dr)); err != nil {
		return nil, fmt.Errorf("rpo drill %s: clean up: %w", name, err)
	}
	res.WallTime = Duration(time.Since(wall))
	log.Info("rpo scenario done", "rpo", res.RPO, "met", res.Met, "restore", res.RestoreDuration)
	return res, nil
}

// prepare makes sure the drill's buckets exist and are empty.
func prepare(ctx context.Context, wipe bool, buckets ...storage.Bucket) error {
	for _, b := range buckets {
		if err := storage.EnsureBucket(ctx, b); err != nil {
			return fmt.Errorf("rpo drill: %w", err)
		}
		objs, err := storage.List(ctx, b, "")
		if err != nil {
			return fmt.Errorf("rpo drill: %w", err)
		}
		if len(objs) == 0 {
			continue
		}
		if !wipe {
			return fmt.Errorf("rpo drill: bucket %s holds %d objects and the drill deletes what it uses (allow with wipe): %w", b, len(objs), framework.ErrRefused)
		}
		if err := storage.Empty(ctx, b); err != nil {
			return fmt.Errorf("rpo drill: %w", err)
		}
	}
	return nil
}

// measure fills the RPO, the newest restored version and the lost versions,
// reading the restored versions back from the DR registry.
func measure(ctx context.Context, res *RPOResult, w *Writer, dr storage.Bucket, restored *RestoreReport) error {
	have := map[string]bool{}
	for _, o := range restored.Restored {
		if !w.IsVersionKey(o.Key) {
			continue
		}
		m, err := storage.LoadModel(ctx, dr, o.Key)
		if err != nil {
			return fmt.Errorf("read restored version: %w", err)
		}
		have[o.Key] = true
		if m.PublishedAt.After(res.NewestRestored) {
			res.NewestRestored = m.PublishedAt.UTC()
		}
	}
	published := w.Published()
	res.Published = len(published)
	for _, v := range published {
		if !have[v.Key] {
			res.Lost = append(res.Lost, LostVersion{Key: v.Key, Version: v.Version, PublishedAt: v.PublishedAt})
		}
	}
	switch {
	case !res.NewestRestored.IsZero():
		res.RPO = Duration(res.FaultAt.Sub(res.NewestRestored))
	case len(published) > 0:
		res.RPO = Duration(res.FaultAt.Sub(published[0].PublishedAt))
	}
	return nil
}

// inProgress names the backup the loss interrupted.
func inProgress(res *RPOResult) string {
	if res.InProgress.IsZero() {
		return ""
	}
	return fmt.Sprintf(" (the backup started at %s was still running, due to complete at %s)",
		stamp(res.InProgress), stamp(res.InProgress.Add(time.Duration(res.BackupDuration))))
}

// judge decides whether the objective was met and says why.
func judge(res *RPOResult, s *Schedule) (bool, string) {
	var why []string
	met := true
	if n := len(res.Corrupted); n > 0 {
		met = false
		var list []string
		for _, c := range res.Corrupted {
			list = append(list, c.Key+": "+c.Reason)
		}
		why = append(why, fmt.Sprintf("%d backup objects failed checksum verification and were not restored (%s)", n, strings.Join(list, "; ")))
	}
	if res.NewestRestored.IsZero() {
		return false, strings.Join(append(why, fmt.Sprintf("no model version was restored: every one of the %d versions published before the loss at %s is gone (%s)",
			res.Published, stamp(res.FaultAt), s)), "; ")
	}
	verdict := "within"
	if time.Duration(res.RPO) > time.Duration(res.Objective) {
		met, verdict = false, "exceeds"
	}
	why = append(why, fmt.Sprintf("RPO %s %s the %s objective: %s leaves up to %s between backups (%s → %s) and a backup protects data only once complete, %s later, so up to %s can be lost; storage lost at %s%s, newest restored version from %s, versions lost: %d",
		res.RPO, verdict, res.Objective, s, res.Window.Gap, stamp(res.Window.Last), stamp(res.Window.Next), res.Window.BackupDuration, res.Window.WorstLoss,
		stamp(res.FaultAt), inProgress(res), stamp(res.NewestRestored), len(res.Lost)))
	return met, strings.Join(why, "; ")
}
