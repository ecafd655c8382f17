package backup

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// Every schedule of the reference is drilled, and the schedule analysis
// reports the same worst loss as the drills: the gap plus the backup's
// measured duration.
func TestRunDrillsEverySchedule(t *testing.T) {
	_, _, cfg := regions(t)
	scheds, err := ScheduleFromFile(referenceBackup)
	if err != nil {
		t.Fatal(err)
	}
	yearly := mustSchedule(t, "0 0 1 1 *", "") // fires once in the horizon: cannot be drilled
	DefaultBuckets([]*Schedule{yearly}, scheds[0].Buckets, scheds[0].BucketsFrom)
	all := append(append([]*Schedule{}, scheds...), yearly)
	rep, err := RunDrills(drillCtx(t), cfg, all)
	if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "fires only once") {
		t.Errorf("error %v, want the yearly schedule's", err)
	}
	if rep == nil || len(rep.Drills) != len(all) || len(rep.Schedules) != len(all) {
		t.Fatalf("report %+v, want one drill and one gap per schedule", rep)
	}
	if rep.Met || !strings.Contains(rep.Reason, "exceeds the 1h0m0s objective") {
		t.Errorf("met %v, reason %q", rep.Met, rep.Reason)
	}
	gaps := map[string]time.Duration{"0 2 * * *": 24 * time.Hour, "0 */6 * * *": 6 * time.Hour}
	for i, s := range scheds {
		d, g := rep.Drills[i], rep.Schedules[i]
		if d.Report == nil || d.Error != "" || d.Schedule != s.ID() || d.Expr != s.Expr {
			t.Fatalf("drill %d: %+v", i, d)
		}
		worst := d.Report.Results[0]
		gap := gaps[s.Expr]
		dur := checkWorstInstant(t, worst, gap)
		if g.Name != s.ID() || time.Duration(g.Worst) != gap || time.Duration(g.BackupDuration) != dur ||
			g.WorstLoss != Duration(worst.Window.WorstLoss) || g.Meets {
			t.Errorf("%s: gap analysis %+v, drill worst loss %s", s, g, worst.Window.WorstLoss)
		}
	}
	if d := rep.Drills[len(all)-1]; d.Report != nil || !strings.Contains(d.Error, "fires only once") || rep.Schedules[len(all)-1].Meets || rep.Schedules[len(all)-1].Error == "" {
		t.Errorf("yearly: %+v, gap %+v", d, rep.Schedules[len(all)-1])
	}
	var text strings.Builder
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RPO drills of 3 backup schedule(s): FAIL", "ml-backup-daily", "model-registry-backup", "worst loss", "cannot be analysed: CronJob test"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text does not say %q:\n%s", want, text.String())
		}
	}
	t.Log(text.String())
}

func TestRunDrillsNoSchedule(t *testing.T) {
	_, _, cfg := regions(t)
	if _, err := RunDrills(drillCtx(t), cfg, nil); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("no schedule: %v", err)
	}
}

// The second platform's schedules are drilled with its own buckets, read
// from its CronJob's sync command: the restore lands in its model bucket in
// the DR region, and no bucket of another platform is touched.
func TestRunDrillsSecondPlatformBuckets(t *testing.T) {
	_, _, cfg := regions(t)
	scheds, err := ScheduleFromFile("../../fixtures/second/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := drillCtx(t)
	rep, err := RunDrills(ctx, cfg, scheds)
	if err != nil {
		t.Fatal(err)
	}
	want := storage.Buckets{Model: "recsys-models", Backup: "recsys-models-dr"}
	if len(rep.Drills) != 2 {
		t.Fatalf("%d drills, want both schedules", len(rep.Drills))
	}
	for _, d := range rep.Drills {
		for _, res := range d.Report.Results {
			if res.Buckets != want || !strings.Contains(res.BucketsFrom, "second/backup.yaml:30") || res.Restored == 0 {
				t.Errorf("%s %s: buckets %+v from %q, %d restored", d.Schedule, res.Scenario, res.Buckets, res.BucketsFrom, res.Restored)
			}
		}
	}
	for name, exists := range map[string]bool{want.Model: true, want.Backup: true, "model-registry": false, "model-registry-backup": false} {
		ok, err := storage.BucketExists(ctx, cfg.DR.Bucket(name))
		if err != nil || ok != exists {
			t.Errorf("DR bucket %s exists = %v (%v), want %v", name, ok, err, exists)
		}
	}
	var text strings.Builder
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "buckets         recsys-models → recsys-models-dr (from ") {
		t.Errorf("text does not name the buckets:\n%s", text.String())
	}
}
