package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/storage/storagetest"
)

// regions starts the primary and DR regions' S3 servers.
func regions(t *testing.T) (primary, dr *storage.Server, cfg DrillConfig) {
	t.Helper()
	primary, dr = storagetest.StartServer(t, "us-east1"), storagetest.StartServer(t, "europe-west1")
	return primary, dr, DrillConfig{Primary: storagetest.Store(t, primary), DR: storagetest.Store(t, dr), Seed: 42}
}

func scheduleFrom(t *testing.T, file, name string) *Schedule {
	t.Helper()
	scheds, err := ScheduleFromFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Find(scheds, name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func drillCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestRPODrillSeedSchedule is the headline: the reference's 6-hourly
// CronJob cannot meet the runbook's 1 h RPO, measured on real S3 servers at
// the fast profile's clock compression.
func TestRPODrillSeedSchedule(t *testing.T) {
	_, _, cfg := regions(t)
	to, err := framework.TimeoutsFor(framework.ProfileFast)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Schedule = scheduleFrom(t, referenceBackup, "model-registry-backup")
	cfg.ClockFactor = to.ClockFactor
	rep, err := RunDrill(drillCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Met || len(rep.Results) != 2 {
		t.Fatalf("drill met the objective with a 6-hourly backup: %+v", rep)
	}
	worst := rep.Results[0]
	t.Logf("worst: RPO %s (backup %s measured, %s counted), restore %s, wall %s, compression %.0fx; random: fault %s RPO %s; drill wall time %s",
		worst.RPO, worst.MeasuredBackupDuration, worst.BackupDuration, worst.RestoreDuration, worst.WallTime, worst.Compression,
		rep.Results[1].FaultAt.Format(time.RFC3339), rep.Results[1].RPO, rep.WallTime)
	// Storage is lost just before the 12:00 backup completes: the worst case
	// is the 6 h gap plus the backup's measured duration, less the lead.
	d := checkWorstInstant(t, worst, 6*time.Hour)
	if worst.Scenario != ScenarioWorst || !worst.InProgress.Equal(utc("2024-01-15T12:00:00Z")) {
		t.Errorf("scenario %s, backup in progress at the loss %s, want the 12:00 one", worst.Scenario, worst.InProgress)
	}
	for _, want := range []string{"model-registry-backup", `"0 */6 * * *"`, "backup.yaml:36", "exceeds the 1h0m0s objective", "only once complete",
		"started at 2024-01-15T12:00:00Z was still running"} {
		if !strings.Contains(rep.Reason, want) {
			t.Errorf("reason %q does not mention %s", rep.Reason, want)
		}
	}
	// Writes every 10 minutes from 05:00 (an hour before the last backup
	// that completed); the 36 from 06:10 to 12:00 came after it.
	if len(worst.Lost) != 36 || worst.Lost[0].PublishedAt != utc("2024-01-15T06:10:00Z") || worst.Published != 43 {
		t.Errorf("lost %d of %d versions (first %+v), want 36 of 43 from 06:10", len(worst.Lost), worst.Published, worst.Lost)
	}
	if worst.NewestRestored != utc("2024-01-15T06:00:00Z") || !worst.FaultAt.Equal(utc("2024-01-15T12:00:00Z").Add(d-min(time.Second, d/2))) {
		t.Errorf("newest restored %s, fault %s", worst.NewestRestored, worst.FaultAt)
	}
	if worst.Restored != worst.Published-len(worst.Lost)+1 || len(worst.Corrupted) != 0 { // +1: models/default/model.json
		t.Errorf("restored %d objects, corrupted %v", worst.Restored, worst.Corrupted)
	}
	if worst.ClockFactor != to.ClockFactor || worst.Compression < to.ClockFactor/2 || worst.Compression > to.ClockFactor*1.05 {
		t.Errorf("compression %.0f at clock factor %.0f", worst.Compression, worst.ClockFactor)
	}
	random := rep.Results[1]
	if lim := random.Window.WorstLoss; time.Duration(random.RPO) > lim || random.RPO <= 0 || random.Scenario != ScenarioRandom || lim != 6*time.Hour+time.Duration(random.BackupDuration) {
		t.Errorf("random-instant RPO %s outside (0, %s]", random.RPO, lim)
	}
	if w := random.Window; random.FaultAt.Before(w.Last) || random.FaultAt.After(w.Next) {
		t.Errorf("random fault %s outside its window %+v", random.FaultAt, w)
	}
}

func TestRPODrillIsDeterministic(t *testing.T) {
	_, _, cfg := regions(t)
	cfg.Schedule = scheduleFrom(t, referenceBackup, "model-registry-backup")
	cfg.Seed = 7
	a, err := RunDrill(drillCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := RunDrill(drillCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The measured backup duration may differ between runs (it is real
	// time, rounded up to a second); the rest may not.
	for i := range a.Results {
		x, y := a.Results[i], b.Results[i]
		if x.Scenario == ScenarioWorst { // lost just before the same backup completed
			x.FaultAt, y.FaultAt = x.InProgress, y.InProgress
			x.RPO, y.RPO = Duration(x.FaultAt.Sub(x.NewestRestored)), Duration(y.FaultAt.Sub(y.NewestRestored))
		}
		if x.FaultAt != y.FaultAt || x.RPO != y.RPO || len(x.Lost) != len(y.Lost) || x.Restored != y.Restored {
			t.Errorf("%s differs between runs: %s/%s/%d vs %s/%s/%d", x.Scenario, x.FaultAt, x.RPO, len(x.Lost), y.FaultAt, y.RPO, len(y.Lost))
		}
	}
}

// TestRPODrillDetectsDamagedBackups damages backup objects between the loss
// and the restore: overwritten through S3 (metadata kept) and truncated on
// the server's disk. Both are reported and neither reaches the DR region.
func TestRPODrillDetectsDamagedBackups(t *testing.T) {
	_, dr, cfg := regions(t)
	cfg.Schedule = scheduleFrom(t, referenceBackup, "model-registry-backup")
	var overwritten, truncated string
	cfg.BeforeRestore = func(ctx context.Context, backup storage.Bucket) error {
		objs, err := storage.List(ctx, backup, DefaultVersionsPrefix)
		if err != nil || len(objs) < 2 {
			return errors.Join(err, errors.New("too few versions in the backup"))
		}
		overwritten, truncated = objs[0].Key, objs[len(objs)-1].Key
		o, err := storage.Get(ctx, backup, overwritten)
		if err != nil {
			return err
		}
		body := []byte(strings.Replace(string(o.Body), "0.5", "9.5", 1)) // same size, other bias
		if err := storage.Put(ctx, backup, overwritten, body, o.ContentType, o.Metadata); err != nil {
			return err
		}
		path := filepath.Join(storage.DataDir(dr.Dir()), backup.Name, filepath.FromSlash(truncated))
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		return os.Truncate(path, st.Size()/2)
	}
	rep, err := RunDrill(drillCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	res := rep.Results[0]
	if len(res.Corrupted) != 2 {
		t.Fatalf("corrupted %+v, want the overwritten and the truncated object", res.Corrupted)
	}
	byKey := map[string]string{}
	for _, c := range res.Corrupted {
		byKey[c.Key] = c.Reason
	}
	if !strings.Contains(byKey[overwritten], "sha256") || !strings.Contains(byKey[truncated], "truncated") {
		t.Errorf("reasons %v", byKey)
	}
	if res.Met || !strings.Contains(res.Reason, "failed checksum verification") {
		t.Errorf("met=%v reason %q", res.Met, res.Reason)
	}
	if res.Restored != 8-2 { // 7 versions (05:00-06:00) + model.json backed up at 06:00, two damaged
		t.Errorf("restored %d", res.Restored)
	}
}

func TestRestoreNeverWritesDamagedObjects(t *testing.T) {
	ctx := drillCtx(t)
	_, _, cfg := regions(t)
	backup, target := cfg.DR.Bucket("test-models-backup"), cfg.DR.Bucket("restore-target")
	src := cfg.Primary.Bucket("test-models")
	for _, b := range []storage.Bucket{backup, src} {
		if err := storage.EnsureBucket(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	w, err := NewWriter(src, time.Minute, DefaultEpoch)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := w.Publish(ctx, DefaultEpoch.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	job := &Job{Schedule: mustSchedule(t, "0 * * * *", ""), Source: src, Target: backup}
	run, err := job.Run(ctx, DefaultEpoch.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if run.Objects != 4 || run.Copied != 4 {
		t.Fatalf("backup run %+v", run)
	}
	if _, err := storage.Head(ctx, backup, "manifest-20240115.json"); err != nil {
		t.Errorf("dated manifest: %v", err)
	}
	bad := w.Published()[1].Key
	if err := storage.Put(ctx, backup, bad, []byte("{}"), "", nil); err != nil {
		t.Fatal(err)
	}
	rep, err := Restore(ctx, backup, target)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Restored) != 3 || len(rep.Corrupt) != 1 || rep.Corrupt[0].Key != bad || rep.ManifestKey != ManifestKey {
		t.Fatalf("restore %+v", rep)
	}
	if _, err := storage.Head(ctx, target, bad); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("damaged object restored: %v", err)
	}

	t.Run("damaged manifest", func(t *testing.T) {
		if err := storage.Put(ctx, backup, ManifestKey, []byte(`{"format":1}`), "", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := Restore(ctx, backup, target); !errors.Is(err, storage.ErrChecksum) || errors.Is(err, framework.ErrInvalid) {
			t.Errorf("got %v, want ErrChecksum (not bad input)", err)
		}
	})
	t.Run("falls back to the dated manifest", func(t *testing.T) {
		if err := storage.Delete(ctx, backup, ManifestKey); err != nil {
			t.Fatal(err)
		}
		rep, err := Restore(ctx, backup, target)
		if err != nil || rep.ManifestKey != "manifest-20240115.json" {
			t.Errorf("restore %+v %v", rep, err)
		}
	})
	t.Run("no manifest", func(t *testing.T) {
		empty := cfg.DR.Bucket("empty-backup")
		if err := storage.EnsureBucket(ctx, empty); err != nil {
			t.Fatal(err)
		}
		if _, err := Restore(ctx, empty, target); !errors.Is(err, framework.ErrNotFound) || !strings.Contains(err.Error(), "no manifest") {
			t.Errorf("got %v", err)
		}
	})
}

func TestRPODrillMissingBackupBucket(t *testing.T) {
	_, _, cfg := regions(t)
	cfg.Schedule = scheduleFrom(t, referenceBackup, "model-registry-backup")
	cfg.BeforeRestore = func(ctx context.Context, backup storage.Bucket) error { return storage.DeleteBucket(ctx, backup) }
	_, err := RunDrill(drillCtx(t), cfg)
	if !errors.Is(err, framework.ErrNotFound) || !strings.Contains(err.Error(), "backup bucket") || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("got %v, want a clear missing-bucket error", err)
	}
	// The backup job itself refuses to run without its bucket, too.
	ctx := drillCtx(t)
	job := &Job{Schedule: cfg.Schedule, Source: cfg.Primary.Bucket(cfg.Schedule.Buckets.Model), Target: cfg.DR.Bucket("gone")}
	if _, err := job.Run(ctx, DefaultEpoch); !errors.Is(err, framework.ErrNotFound) || !strings.Contains(err.Error(), "model-registry-backup") {
		t.Errorf("backup job without bucket: %v", err)
	}
}

func TestRPODrillRefusesNonEmptyBuckets(t *testing.T) {
	_, _, cfg := regions(t)
	cfg.Schedule = scheduleFrom(t, referenceBackup, "model-registry-backup")
	ctx := drillCtx(t)
	if err := storage.Seed(ctx, cfg.Primary, cfg.Schedule.Buckets, storage.DefaultModel(storage.SeedVersion, DefaultEpoch)); err != nil {
		t.Fatal(err)
	}
	if _, err := RunDrill(ctx, cfg); !errors.Is(err, framework.ErrRefused) {
		t.Errorf("got %v, want ErrRefused for a registry holding data", err)
	}
	cfg.Wipe = true
	cfg.Schedule = scheduleFrom(t, "testdata/backup-hourly.yaml", "")
	if _, err := RunDrill(ctx, cfg); err != nil {
		t.Errorf("with wipe: %v", err)
	}
}
