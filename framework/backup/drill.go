package backup

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// Defaults of DrillConfig.
var (
	// DefaultEpoch is where the drill's virtual time starts: a fixed date,
	// so drills repeat.
	DefaultEpoch = time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
)

const (
	// DefaultObjective is the runbook's RPO.
	DefaultObjective = time.Hour
	// DefaultWriteEvery is the writer's cadence in virtual time.
	DefaultWriteEvery = 10 * time.Minute
	// DefaultWarmup is how long the writer runs before the backup that opens
	// the fault's window.
	DefaultWarmup = time.Hour
	// DefaultFaultLead is how long before the next backup completes the
	// worst-instant fault strikes (at most half the backup's duration).
	DefaultFaultLead = time.Second
	// DefaultHorizon is how far after the epoch the worst gap is searched
	// (a year: month ends, leap days and DST changes included).
	DefaultHorizon = 366 * 24 * time.Hour
	// DefaultRandomWindow is the span after the first backup in which the
	// random fault falls.
	DefaultRandomWindow = 24 * time.Hour
)

// DrillConfig describes an RPO drill. Zero fields take the defaults above.
type DrillConfig struct {
	// Schedule drives the backups. Required.
	Schedule *Schedule
	// Primary holds the model registry that is lost; DR receives the
	// restore; Backup holds the backup bucket (default: DR, a cross-region
	// backup that survives the primary). Primary and DR are required.
	Primary, DR, Backup storage.Store
	// Registry and BackupBucket name the model bucket the drill publishes
	// to, backs up and loses, and the backup bucket. Default (both empty):
	// the Schedule's Buckets, the platform's own names.
	Registry, BackupBucket string
	// Wipe allows the drill to empty the buckets it uses when they hold
	// objects; without it non-empty buckets are refused (framework.ErrRefused).
	Wipe bool
	// Lose destroys the primary region's storage at the fault instant.
	// Default: delete the primary registry bucket and everything in it.
	Lose func(ctx context.Context) error
	// Restart brings the primary storage back for the next scenario after
	// Lose (default: nothing; the bucket is recreated).
	Restart func(ctx context.Context) error
	// BeforeRestore runs after the loss, before the restore (tests tamper
	// with the backup here).
	BeforeRestore func(ctx context.Context, backup storage.Bucket) error

	// BackupDuration is how long a backup takes to complete, when known from
	// the platform (e.g. its backup Jobs' completionTime − startTime). 0:
	// measured in the drill, the longest backup run rounded up to
	// DurationResolution. A backup protects data only from its completion.
	BackupDuration time.Duration

	Objective    time.Duration
	ClockFactor  float64 // 0: unpaced
	Seed         uint64
	Epoch        time.Time
	WriteEvery   time.Duration
	Warmup       time.Duration
	FaultLead    time.Duration
	Horizon      time.Duration
	RandomWindow time.Duration
	Logger       *slog.Logger
}

func (c DrillConfig) withDefaults(ctx context.Context) (DrillConfig, error) {
	if c.Schedule == nil {
		return c, fmt.Errorf("rpo drill: no backup schedule: %w", framework.ErrInvalid)
	}
	if c.Primary.Client == nil || c.DR.Client == nil {
		return c, fmt.Errorf("rpo drill: primary and DR storage are required: %w", framework.ErrInvalid)
	}
	if c.Backup.Client == nil {
		c.Backup = c.DR
	}
	set := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	set(&c.Objective, DefaultObjective)
	set(&c.WriteEvery, DefaultWriteEvery)
	set(&c.Warmup, DefaultWarmup)
	set(&c.FaultLead, DefaultFaultLead)
	set(&c.Horizon, DefaultHorizon)
	set(&c.RandomWindow, DefaultRandomWindow)
	for name, d := range map[string]time.Duration{"backup duration": c.BackupDuration, "objective": c.Objective, "writer cadence": c.WriteEvery, "warm-up": c.Warmup, "fault lead": c.FaultLead, "horizon": c.Horizon, "random window": c.RandomWindow} {
		if d < 0 {
			return c, fmt.Errorf("rpo drill: %s %s is negative: %w", name, d, framework.ErrInvalid)
		}
	}
	if c.ClockFactor < 0 {
		return c, fmt.Errorf("rpo drill: clock factor %v is negative: %w", c.ClockFactor, framework.ErrInvalid)
	}
	if c.Epoch.IsZero() {
		c.Epoch = DefaultEpoch
	}
	if c.Registry == "" && c.BackupBucket == "" {
		if c.Schedule.Buckets.IsZero() {
			return c, fmt.Errorf("rpo drill: %s: %s: %w", c.Schedule.ID(), noBuckets(c.Schedule), framework.ErrInvalid)
		}
		c.Registry, c.BackupBucket = c.Schedule.Buckets.Model, c.Schedule.Buckets.Backup
	}
	if err := (storage.Buckets{Model: c.Registry, Backup: c.BackupBucket}).Validate(); err != nil {
		return c, fmt.Errorf("rpo drill: %s: %w", c.Schedule, err)
	}
	if c.Logger == nil {
		c.Logger = framework.Logger(ctx)
	}
	if c.Lose == nil {
		reg := c.Primary.Bucket(c.Registry)
		c.Lose = func(ctx context.Context) error { return storage.DeleteBucket(ctx, reg) }
	}
	return c, nil
}

// RunDrill runs the RPO drill of cfg.Schedule: the worst-instant scenario
// (storage lost just before the backup that ends the schedule's longest gap
// completes), then the seeded random one.
func RunDrill(ctx context.Context, cfg DrillConfig) (*RPOReport, error) {
	start := time.Now()
	cfg, err := cfg.withDefaults(ctx)
	if err != nil {
		return nil, err
	}
	worst, err := WorstWindow(cfg.Schedule, cfg.Epoch, cfg.Horizon)
	if err != nil {
		return nil, err
	}
	cfg.FaultLead = min(cfg.FaultLead, worst.Gap/2)
	random, err := randomFault(cfg)
	if err != nil {
		return nil, err
	}
	rep := &RPOReport{Objective: Duration(cfg.Objective), ClockFactor: cfg.ClockFactor, Seed: cfg.Seed, Met: true}
	for i, run := range []func() (*RPOResult, error){
		func() (*RPOResult, error) { return RunBeforeCompletion(ctx, cfg, ScenarioWorst, worst.Next) },
		func() (*RPOResult, error) { return RunScenario(ctx, cfg, ScenarioRandom, random) },
	} {
		if i > 0 && cfg.Restart != nil {
			if err := cfg.Restart(ctx); err != nil {
				return nil, fmt.Errorf("rpo drill: restart primary storage: %w", err)
			}
		}
		res, err := run()
		if err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, *res)
		if !res.Met && rep.Met {
			rep.Met, rep.Reason = false, res.Reason
		}
	}
	if rep.Met {
		rep.Reason = rep.Results[0].Reason
	}
	rep.WallTime = Duration(time.Since(start))
	return rep, nil
}

// randomFault is a seeded instant after the first backup following the epoch.
func randomFault(cfg DrillConfig) (time.Time, error) {
	first := cfg.Schedule.Next(cfg.Epoch)
	if first.IsZero() {
		return time.Time{}, fmt.Errorf("%s does not fire after %s: %w", cfg.Schedule, cfg.Epoch, framework.ErrInvalid)
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	secs := int64(cfg.RandomWindow / time.Second)
	return first.Add(time.Duration(1+r.Int64N(max(secs, 1))) * time.Second), nil
}

// noBuckets says why a schedule names no buckets to drill.
func noBuckets(s *Schedule) string {
	why := fmt.Sprintf("it copies no bucket, and the CronJobs of %s do not copy exactly one pair of buckets with %s", s.Source.File, SyncHint)
	if s.Kind == KindCronJob {
		why = fmt.Sprintf("its job runs no %s in %s[].command or args", SyncHint, JobContainersField)
	}
	return "no buckets to drill: " + why + " (the model bucket is the source, the backup bucket the destination; a topology names them with storage.modelBucket and storage.backupBucket)"
}
