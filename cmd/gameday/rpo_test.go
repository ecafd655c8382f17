package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/backup"
)

// runRPOCmd runs `gameday rpo args...` and returns its stdout and exit code.
func runRPOCmd(t *testing.T, args ...string) (string, int, error) {
	t.Helper()
	r := execute(t, 2*time.Minute, newRPOCmd(), args...)
	return r.out, r.code, r.err
}

func TestRPOCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	noSched := filepath.Join(dir, "none.yaml")
	if err := os.WriteFile(noSched, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"output format", []string{"-o", "yaml"}},
		{"missing file", []string{"--schedule-from", filepath.Join(dir, "missing.yaml")}},
		{"file without schedules", []string{"--schedule-from", noSched}},
		{"unknown schedule", []string{"--schedule", "nightly"}},
		{"zero objective", []string{"--objective", "0s"}},
		{"unknown profile", []string{"--profile", "slow"}},
		{"one endpoint", []string{"--primary-endpoint", "http://127.0.0.1:9"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, code, err := runRPOCmd(t, tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d (%v), want %d", code, err, exitUsage)
			}
		})
	}
}

func TestRPOCommandSeedFailsObjective(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts versitygw (make tools)")
	}
	start := time.Now()
	out, code, err := runRPOCmd(t, "-o", "json", "--seed", "3", "--schedule", "model-registry-backup")
	t.Logf("gameday rpo took %s", time.Since(start))
	if code != exitFailed {
		t.Fatalf("exit %d (%v), want %d:\n%s", code, err, exitFailed, out)
	}
	for _, want := range []string{"model-registry-backup", "0 */6 * * *", "exceeds the 1h0m0s objective"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	var rep backup.RPOReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	// A backup protects data only once complete: the worst loss is the gap
	// plus the backup's duration (storage lost just before it completes).
	if got := time.Duration(rep.Results[0].RPO); rep.Met || len(rep.Results) != 2 || got <= 6*time.Hour || got > 6*time.Hour+time.Duration(rep.Results[0].BackupDuration) || rep.ClockFactor != 7200 {
		t.Errorf("report %+v", rep)
	}
	if len(rep.Schedules) != 2 || rep.Schedules[0].Worst != backup.Duration(24*time.Hour) || rep.Schedules[0].Meets {
		t.Errorf("schedules %+v: want the Velero daily schedule's 24h gap reported", rep.Schedules)
	}
}

// TestRPOCommandHourlyMissesByTheBackupDuration: hourly backups do not meet
// a 1 h RPO, because data is protected only once a backup completes.
func TestRPOCommandHourlyMissesByTheBackupDuration(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts versitygw (make tools)")
	}
	out, code, err := runRPOCmd(t, "--schedule-from", "../../framework/backup/testdata/backup-hourly.yaml", "--clock-factor", "0")
	if code != exitFailed {
		t.Fatalf("exit %d (%v), want %d:\n%s", code, err, exitFailed, out)
	}
	if !strings.Contains(out, "RPO drill: FAIL") || !strings.Contains(out, "worst-instant: RPO 1h0m") || !strings.Contains(err.Error(), "protects data only once complete") {
		t.Errorf("%v\ntext output:\n%s", err, out)
	}
}

// TestRPOCommandDrillsEverySchedule: without --schedule every schedule of
// the file is drilled and reported (the reference has two).
func TestRPOCommandDrillsEverySchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts versitygw (make tools)")
	}
	out, code, err := runRPOCmd(t, "-o", "json", "--seed", "5")
	if code != exitFailed {
		t.Fatalf("exit %d (%v), want %d:\n%s", code, err, exitFailed, out)
	}
	var rep backup.DrillsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	names := map[string]bool{}
	for _, d := range rep.Drills {
		names[d.Schedule] = d.Report != nil && !d.Report.Met
	}
	if len(rep.Drills) != 2 || !names["Schedule velero/ml-backup-daily"] || !names["CronJob ml-serving/model-registry-backup"] || rep.Met {
		t.Fatalf("drills %+v: want both schedules drilled and missed", rep.Drills)
	}
}
