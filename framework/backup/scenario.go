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
// measures the RPO.
func RunScenario(ctx context.Context, cfg DrillConfig, name Scenario, fault time.Time) (*RPOResult, error) {
	wall := time.Now()
	cfg, err := cfg.withDefaults(ctx)
	if err != nil {
		return nil, err
	}
	fault = fault.UTC()
	log := cfg.Logger.With("scenario", name)
	primary, backup, dr := cfg.Primary.Bucket(cfg.Registry), cfg.Backup.Bucket(cfg.BackupBucket), cfg.DR.Bucket(cfg.Registry)
	if primary.String() == dr.String() || primary.String() == backup.String() {
		return nil, fmt.Errorf("rpo drill: the primary registry %s must be neither the DR registry %s nor the backup bucket %s: %w", primary, dr, backup, framework.ErrInvalid)
	}
	win, err := WindowAt(cfg.Schedule, cfg.Epoch, fault)
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
		Source: cfg.Schedule.Source.String(), ClockFactor: cfg.ClockFactor, Window: win, FaultAt: fault,
		Objective: Duration(cfg.Objective),
	}
	log.Info("rpo scenario", "from", start, "fault", fault, "window", win)

	clock, err := NewClock(start, cfg.ClockFactor)
	if err != nil {
		return nil, err
	}
	writer, err := NewWriter(primary, cfg.WriteEvery, cfg.Epoch)
	if err != nil {
		return nil, err
	}
	job := &Job{Schedule: cfg.Schedule, Source: primary, Target: backup}
	if res.BackupsRun, err = operate(ctx, clock, writer, job, fault); err != nil {
		return nil, fmt.Errorf("rpo drill %s: %w", name, err)
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

// operate advances the clock event by event until fault: the writer's
// publications and the schedule's backups (a publication due at the same
// instant as a backup comes first; a backup due at the fault does not run).
func operate(ctx context.Context, clock *Clock, w *Writer, job *Job, fault time.Time) (backups int, err error) {
	nextWrite := w.Due(clock.Now())
	nextBackup := job.Schedule.Next(clock.Now().Add(-time.Nanosecond))
	for {
		t := nextWrite
		if !nextBackup.IsZero() && nextBackup.Before(t) {
			t = nextBackup
		}
		if !t.Before(fault) {
			return backups, clock.AdvanceTo(ctx, fault)
		}
		if err := clock.AdvanceTo(ctx, t); err != nil {
			return backups, err
		}
		if t.Equal(nextWrite) {
			if _, err := w.Publish(ctx, t); err != nil {
				return backups, err
			}
			nextWrite = nextWrite.Add(w.Every())
		}
		if t.Equal(nextBackup) {
			run, err := job.Run(ctx, t)
			if err != nil {
				return backups, err
			}
			backups++
			if len(run.Corrupt) > 0 {
				return backups, fmt.Errorf("backup at %s found corrupt source objects: %v", t.Format(time.RFC3339), run.Corrupt)
			}
			nextBackup = job.Schedule.Next(t)
		}
	}
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
	why = append(why, fmt.Sprintf("RPO %s %s the %s objective: %s leaves up to %s between backups (%s → %s); storage lost at %s, newest restored version from %s, versions lost: %d",
		res.RPO, verdict, res.Objective, s, res.Window.Gap, stamp(res.Window.Last), stamp(res.Window.Next), stamp(res.FaultAt), stamp(res.NewestRestored), len(res.Lost)))
	return met, strings.Join(why, "; ")
}
