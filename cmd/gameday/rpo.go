package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/backup"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/storage"
)

// defaultBackupFixture is the reference backup manifests, relative to the repository.
const defaultBackupFixture = "fixtures/reference/backup.yaml"

// S3 credentials for --primary-endpoint and --dr-endpoint come from the environment.
const (
	envS3AccessKey = "GAMEDAY_S3_ACCESS_KEY"
	envS3SecretKey = "GAMEDAY_S3_SECRET_KEY"
)

type rpoOptions struct {
	scheduleFrom string
	schedule     string
	objective    time.Duration
	seed         uint64
	output       string
	profile      string
	clockFactor  float64
	writeEvery   time.Duration
	primaryURL   string
	drURL        string
	wipe         bool
	retain       bool
}

func newRPOCmd() *cobra.Command {
	o := &rpoOptions{}
	cmd := &cobra.Command{
		Use:   "rpo",
		Short: "Measure RPO: run the backup schedule on a compressed clock, lose the primary storage, restore, verify",
		Long: `rpo measures the recovery point objective of a platform's model backups.

It reads the backup schedules (CronJobs, Velero Schedules) from --schedule-from
and drills each one (--schedule picks one) with the platform's own buckets: the
source and destination of the sync command its backup CronJob runs. It starts
an S3 server per region (primary and DR) on loopback, publishes a model version
every --write-every of virtual time, runs the backup job on the schedule's own
cron instants on a compressed clock, loses the primary region's storage just
before the backup that ends the schedule's longest gap (and again at a seeded
random instant), restores the newest backup into the DR region, verifies every
object's checksum and reports RPO = fault time − newest restored version.

Exit codes: 0 objective met, 1 objective missed or drill failed, 2 bad input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRPO(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.scheduleFrom, "schedule-from", "", "YAML file with the backup CronJobs and Velero Schedules (default: the embedded "+defaultBackupFixture+")")
	f.StringVar(&o.schedule, "schedule", "", "drill only the schedule of this name (default: every schedule in the file, each measured and reported)")
	f.DurationVar(&o.objective, "objective", backup.DefaultObjective, "RPO objective")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the random-instant scenario")
	f.StringVarP(&o.output, "output", "o", "text", "output format: text or json")
	f.StringVar(&o.profile, "profile", string(framework.DefaultProfile), "timing profile; its clock factor compresses the drill")
	f.Float64Var(&o.clockFactor, "clock-factor", 0, "virtual seconds per real second (overrides the profile's; 0 with the flag set: unpaced)")
	f.DurationVar(&o.writeEvery, "write-every", backup.DefaultWriteEvery, "virtual time between published model versions")
	f.StringVar(&o.primaryURL, "primary-endpoint", "", "S3 endpoint of the primary region instead of a local server (credentials from $"+envS3AccessKey+"/$"+envS3SecretKey+")")
	f.StringVar(&o.drURL, "dr-endpoint", "", "S3 endpoint of the DR region instead of a local server")
	f.BoolVar(&o.wipe, "wipe", false, "allow emptying non-empty drill buckets on the given endpoints")
	f.BoolVar(&o.retain, "retain", false, "keep the local S3 servers' directory for inspection")
	return cmd
}

func runRPO(cmd *cobra.Command, o *rpoOptions) error {
	ctx := cmd.Context()
	if o.output != "text" && o.output != "json" {
		return fmt.Errorf("--output %q: want text or json: %w", o.output, framework.ErrInvalid)
	}
	if o.objective <= 0 || o.writeEvery <= 0 {
		return fmt.Errorf("--objective and --write-every must be positive: %w", framework.ErrInvalid)
	}
	if (o.primaryURL == "") != (o.drURL == "") {
		return fmt.Errorf("--primary-endpoint and --dr-endpoint go together: %w", framework.ErrInvalid)
	}
	profile, err := framework.ParseProfile(o.profile)
	if err != nil {
		return err
	}
	to, err := framework.TimeoutsFor(profile)
	if err != nil {
		return err
	}
	factor := to.ClockFactor
	if cmd.Flags().Changed("clock-factor") {
		factor = o.clockFactor
	}
	file := o.scheduleFrom
	var scheds []*backup.Schedule
	if file == "" {
		file = defaultBackupFixture
		data, rerr := fs.ReadFile(fixtures.FS(), strings.TrimPrefix(defaultBackupFixture, "fixtures/"))
		if rerr != nil {
			return rerr
		}
		scheds, err = backup.SchedulesFromYAML(data, file)
	} else {
		scheds, err = backup.ScheduleFromFile(file)
	}
	if err != nil {
		return err
	}
	var sched *backup.Schedule
	if o.schedule != "" {
		if sched, err = backup.Find(scheds, o.schedule); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	cfg := backup.DrillConfig{
		Schedule: sched, Objective: o.objective, ClockFactor: factor, Seed: o.seed,
		WriteEvery: o.writeEvery, Wipe: o.wipe, Logger: framework.Logger(ctx),
	}
	if o.primaryURL != "" {
		err = remoteRegions(&cfg, o)
	} else {
		var cleanup func() error
		cleanup, err = localRegions(ctx, &cfg, o.retain)
		if cleanup != nil {
			defer func() { err = errors.Join(err, cleanup()) }()
		}
	}
	if err != nil {
		return err
	}
	if sched == nil {
		return drillEverySchedule(ctx, cmd, o.output, cfg, scheds)
	}
	rep, err := backup.RunDrill(ctx, cfg)
	if err != nil {
		return err
	}
	rep.Schedules = backup.SchedulesGapsWith(scheds, backup.DefaultEpoch, backup.DefaultHorizon, o.objective, drilledDuration(cfg.Schedule, rep))
	if err := writeRPO(cmd, o.output, rep); err != nil {
		return err
	}
	if !rep.Met {
		return fmt.Errorf("%s: %w", rep.Reason, framework.ErrObjectiveFailed)
	}
	return nil
}

func writeRPO(cmd *cobra.Command, format string, rep *backup.RPOReport) error {
	if format == "json" {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteText(cmd.OutOrStdout())
}

// remoteRegions points the drill at existing S3 endpoints.
func remoteRegions(cfg *backup.DrillConfig, o *rpoOptions) error {
	ak, sk := os.Getenv(envS3AccessKey), os.Getenv(envS3SecretKey)
	if ak == "" || sk == "" {
		return fmt.Errorf("--primary-endpoint needs $%s and $%s: %w", envS3AccessKey, envS3SecretKey, framework.ErrInvalid)
	}
	var err error
	for _, r := range []struct {
		url string
		st  *storage.Store
	}{{o.primaryURL, &cfg.Primary}, {o.drURL, &cfg.DR}} {
		if *r.st, err = storage.NewStore(storage.Endpoint{URL: r.url, AccessKey: ak, SecretKey: sk, PathStyle: true}, 30*time.Second); err != nil {
			return err
		}
	}
	return nil
}

// localRegions starts a versitygw per region in a temporary directory. The
// primary region's storage is lost by killing its server and deleting its
// data; it is started afresh for the next scenario.
func localRegions(ctx context.Context, cfg *backup.DrillConfig, retain bool) (cleanup func() error, err error) {
	dir, err := os.MkdirTemp("", "gameday-rpo-")
	if err != nil {
		return nil, err
	}
	var primary, dr *storage.Server
	cleanup = func() error {
		var errs []error
		for _, s := range []*storage.Server{primary, dr} {
			if s != nil {
				errs = append(errs, s.Stop(context.WithoutCancel(ctx)))
			}
		}
		if retain {
			framework.Logger(ctx).Info("kept the drill's S3 servers' directory", "dir", dir)
		} else {
			errs = append(errs, os.RemoveAll(dir))
		}
		return errors.Join(errs...)
	}
	ak, sk, err := storage.GenerateCredentials()
	if err != nil {
		return cleanup, err
	}
	bin := filepath.Join(environment.FindBinDir(), storage.DefaultServerBinary)
	start := func(region string, port int) (*storage.Server, storage.Store, error) {
		s, err := storage.StartServer(ctx, storage.ServerConfig{Region: region, Dir: filepath.Join(dir, region), Binary: bin, Port: port, AccessKey: ak, SecretKey: sk})
		if err != nil {
			return nil, storage.Store{}, err
		}
		st, err := s.Store(10 * time.Second)
		return s, st, err
	}
	if primary, cfg.Primary, err = start("primary", 0); err != nil {
		return cleanup, err
	}
	if dr, cfg.DR, err = start("dr", 0); err != nil {
		return cleanup, err
	}
	cfg.Lose = func(ctx context.Context) error {
		if err := primary.Stop(ctx); err != nil {
			return err
		}
		return os.RemoveAll(storage.DataDir(primary.Dir()))
	}
	cfg.Restart = func(ctx context.Context) error {
		primary, _, err = start("primary", primary.Port())
		return err
	}
	return cleanup, nil
}

// drilledDuration is the backup duration the drill measured, for the
// schedule it drilled: the schedule table and the drill then give the same
// worst loss (gap + duration). Schedules not drilled have no measured
// duration.
func drilledDuration(drilled *backup.Schedule, rep *backup.RPOReport) func(*backup.Schedule) time.Duration {
	return func(s *backup.Schedule) time.Duration {
		if s == drilled {
			return rep.BackupDuration()
		}
		return 0
	}
}

// drillEverySchedule drills each backup schedule of the file in turn and
// reports every one: a platform's RPO is its worst schedule's.
func drillEverySchedule(ctx context.Context, cmd *cobra.Command, format string, cfg backup.DrillConfig, scheds []*backup.Schedule) error {
	rep, err := backup.RunDrills(ctx, cfg, scheds)
	if rep == nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		if werr := enc.Encode(rep); werr != nil {
			return werr
		}
	} else if werr := rep.WriteText(cmd.OutOrStdout()); werr != nil {
		return werr
	}
	if !rep.Met {
		return errors.Join(err, fmt.Errorf("%s: %w", rep.Reason, framework.ErrObjectiveFailed))
	}
	return err
}
