package main

import (
	"encoding/json"
	"testing"

	"gameday.io/gameday/framework/backup"
	"gameday.io/gameday/framework/storage"
)

// TestRPOCommandSecondPlatform: a file of another team's schedules (a
// CronJob and a Velero Schedule, other names everywhere) needs no
// --schedule: both are drilled and reported, each with that platform's own
// buckets, read from its CronJob's sync command.
func TestRPOCommandSecondPlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts versitygw (make tools)")
	}
	out, code, err := runRPOCmd(t, "-o", "json", "--seed", "5", "--profile", "fast", "--schedule-from", "../../fixtures/second/backup.yaml")
	if code != exitFailed {
		t.Fatalf("exit %d (%v), want %d (the hourly Velero Schedule misses 1 h):\n%s", code, err, exitFailed, out)
	}
	var rep backup.DrillsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	met := map[string]bool{}
	want := storage.Buckets{Model: "recsys-models", Backup: "recsys-models-dr"}
	for _, d := range rep.Drills {
		if d.Report == nil {
			t.Fatalf("%s was not drilled: %s", d.Schedule, d.Error)
		}
		met[d.Schedule] = d.Report.Met
		for _, r := range d.Report.Results {
			if r.Buckets != want {
				t.Errorf("%s %s drilled buckets %+v, want %+v", d.Schedule, r.Scenario, r.Buckets, want)
			}
		}
	}
	if len(rep.Drills) != 2 || !met["CronJob recsys/model-artifact-sync"] || met["Schedule velero/recsys-hourly"] || rep.Met {
		t.Errorf("drills %v (met %v): want the 30-minute CronJob met and the hourly Schedule missed", met, rep.Met)
	}
}
