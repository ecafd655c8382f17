package backup

import (
	"strings"
	"testing"
	"time"
)

// checkWorstInstant checks a worst-instant result for a schedule whose
// longest gap is gap and returns the backup duration it counted.
func checkWorstInstant(t *testing.T, res RPOResult, gap time.Duration) time.Duration {
	t.Helper()
	d := time.Duration(res.BackupDuration)
	if d <= 0 || res.MeasuredBackupDuration <= 0 || time.Duration(res.MeasuredBackupDuration) > d {
		t.Errorf("backup duration %s counted, %s measured: want a measured duration, counted rounded up", d, res.MeasuredBackupDuration)
	}
	want := gap + d - min(time.Second, d/2)
	if time.Duration(res.RPO) != want || time.Duration(res.RPO) <= gap {
		t.Errorf("worst-case RPO %s, want %s: the %s gap plus the %s backup, lost %s before it completed", res.RPO, want, gap, d, min(time.Second, d/2))
	}
	if w := res.Window; w.Gap != gap || w.BackupDuration != d || w.WorstLoss != gap+d {
		t.Errorf("window %+v, want gap %s, worst loss %s", w, gap, gap+d)
	}
	return d
}

// An hourly backup does not meet a 1 h RPO: data written just after a backup
// started is safe only once the next one has completed, an hour and the
// backup's duration later.
func TestRPODrillHourlyMissesByTheBackupDuration(t *testing.T) {
	_, _, cfg := regions(t)
	cfg.Schedule = scheduleFrom(t, "testdata/backup-hourly.yaml", "")
	rep, err := RunDrill(drillCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Met {
		t.Fatalf("hourly backups met the 1h objective: %s", rep.Reason)
	}
	checkWorstInstant(t, rep.Results[0], time.Hour)
	if !strings.Contains(rep.Reason, "exceeds the 1h0m0s objective") {
		t.Errorf("reason %q", rep.Reason)
	}
	// With the objective at the worst loss it is met.
	cfg.Objective = rep.Results[0].Window.WorstLoss
	if rep, err := RunDrill(drillCtx(t), cfg); err != nil || !rep.Met || !strings.Contains(rep.Reason, "within") {
		t.Errorf("objective %s: met %v (%v): %s", cfg.Objective, rep != nil && rep.Met, err, rep.Reason)
	}
}

// A backup duration known from the platform replaces the measured one.
func TestRPODrillConfiguredBackupDuration(t *testing.T) {
	_, _, cfg := regions(t)
	cfg.Schedule = scheduleFrom(t, "testdata/backup-hourly.yaml", "")
	cfg.BackupDuration = 5 * time.Minute
	cfg.Objective = 2 * time.Hour
	rep, err := RunDrill(drillCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	worst := rep.Results[0]
	if worst.RPO != Duration(time.Hour+5*time.Minute-time.Second) || worst.Window.WorstLoss != time.Hour+5*time.Minute || !rep.Met {
		t.Errorf("worst RPO %s, worst loss %s, met %v; want 1h4m59s, 1h5m0s, met", worst.RPO, worst.Window.WorstLoss, rep.Met)
	}
	// The writes at the 5 minutes' start (xx:00) are published, then lost.
	if last := worst.Lost[len(worst.Lost)-1].PublishedAt; !last.Equal(worst.InProgress) {
		t.Errorf("last lost version %s, backup in progress %s", last, worst.InProgress)
	}

	// A fixed instant 2 minutes after a backup started: it was in progress,
	// the one an hour earlier is the newest restored.
	at := utc("2024-01-15T03:02:00Z")
	res, err := RunScenario(drillCtx(t), cfg, ScenarioRandom, at)
	if err != nil {
		t.Fatal(err)
	}
	if !res.InProgress.Equal(utc("2024-01-15T03:00:00Z")) || !res.NewestRestored.Equal(utc("2024-01-15T02:00:00Z")) ||
		res.RPO != Duration(time.Hour+2*time.Minute) || !res.Window.Last.Equal(res.NewestRestored) {
		t.Errorf("in progress %s, newest restored %s, RPO %s, window %+v", res.InProgress, res.NewestRestored, res.RPO, res.Window)
	}
	// 6 minutes after: it had completed.
	res, err = RunScenario(drillCtx(t), cfg, ScenarioRandom, at.Add(4*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !res.InProgress.IsZero() || !res.NewestRestored.Equal(utc("2024-01-15T03:00:00Z")) || res.RPO != Duration(6*time.Minute) {
		t.Errorf("in progress %s, newest restored %s, RPO %s", res.InProgress, res.NewestRestored, res.RPO)
	}
}
