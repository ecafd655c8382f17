package backup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
)

const referenceBackup = "../../fixtures/reference/backup.yaml"

func TestScheduleFromReferenceFixture(t *testing.T) {
	scheds, err := ScheduleFromFile(referenceBackup)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind, apiVersion, ns, name, expr string
		line                             int
	}{
		{KindVeleroSchedule, "velero.io/v1", "velero", "ml-backup-daily", "0 2 * * *", 10},
		{KindCronJob, "batch/v1", "ml-serving", "model-registry-backup", "0 */6 * * *", 36},
	}
	if len(scheds) != len(want) {
		t.Fatalf("found %d schedules, want %d", len(scheds), len(want))
	}
	lines := strings.Split(readFile(t, referenceBackup), "\n")
	for i, w := range want {
		s := scheds[i]
		if s.Kind != w.kind || s.APIVersion != w.apiVersion || s.Namespace != w.ns || s.Name != w.name || s.Expr != w.expr || s.Source.Line != w.line || s.Source.File != referenceBackup {
			t.Errorf("schedule %d = %+v, want %+v", i, s, w)
		}
		if !strings.Contains(lines[s.Source.Line-1], "schedule:") {
			t.Errorf("line %d is %q, not the schedule", s.Source.Line, lines[s.Source.Line-1])
		}
	}
	cj, err := Find(scheds, "")
	if err != nil || cj.Name != "model-registry-backup" {
		t.Errorf("Find default = %v, %v; want the only CronJob", cj, err)
	}
	if _, err := Find(scheds, "nope"); !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "ml-backup-daily") {
		t.Errorf("Find unknown: %v", err)
	}
}

func TestScheduleFromFileTimeZones(t *testing.T) {
	scheds, err := ScheduleFromFile("testdata/timezone.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(scheds) != 2 {
		t.Fatalf("found %d schedules (the ConfigMap must be skipped)", len(scheds))
	}
	from := utc("2024-01-15T00:00:00Z")
	for _, tc := range []struct {
		s    *Schedule
		tz   string
		next string
	}{
		{scheds[0], "America/New_York", "2024-01-15T07:00:00Z"},
		{scheds[1], "", "2024-01-15T18:30:00Z"},
	} {
		if tc.s.TimeZone != tc.tz || !tc.s.Next(from).Equal(utc(tc.next)) {
			t.Errorf("%s: zone %q next %s, want %q %s", tc.s, tc.s.TimeZone, tc.s.Next(from), tc.tz, tc.next)
		}
	}
}

func TestScheduleFromFileErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, yaml string
		want       []string // in the message
	}{
		{"no schedules", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", []string{"no CronJob or Velero Schedule"}},
		{"malformed yaml", "apiVersion: batch/v1\nkind: CronJob\nspec: [\n", []string{"line"}},
		{"bad cron", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: bad\nspec:\n  schedule: \"0 */6 * *\"\n", []string{":6:", "CronJob bad", "0 */6 * *"}},
		{"velero without schedule", "apiVersion: velero.io/v1\nkind: Schedule\nmetadata:\n  name: v\nspec: {}\n", []string{"spec.schedule"}},
		{"velero schedule not a string", "apiVersion: velero.io/v1\nkind: Schedule\nmetadata:\n  name: v\nspec:\n  schedule: [1]\n", []string{"spec.schedule"}},
		{"cronjob with wrong field type", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: {a: b}\n", []string{"decode CronJob"}},
		{"no name", "apiVersion: batch/v1\nkind: CronJob\nspec:\n  schedule: \"0 * * * *\"\n", []string{"metadata.name"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ScheduleFromFile(p)
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
			for _, w := range append(tc.want, p) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := ScheduleFromFile(filepath.Join(dir, "none.yaml"))
		if !errors.Is(err, framework.ErrNotFound) || !errors.Is(err, framework.ErrInvalid) {
			t.Errorf("got %v", err)
		}
	})
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func FuzzSchedulesFromYAML(f *testing.F) {
	for _, p := range []string{referenceBackup, "testdata/backup-hourly.yaml", "testdata/timezone.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\nspec: {schedule: 'CRON_TZ=UTC */7 * * * *'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		scheds, err := SchedulesFromYAML(data, "fuzz.yaml")
		if err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		for _, s := range scheds {
			if s.Name == "" || s.Source.Line < 1 || s.Next(utc("2024-01-15T00:00:00Z")).IsZero() {
				t.Fatalf("accepted a schedule without name, line or activation: %+v", s)
			}
		}
	})
}

func FuzzParseCron(f *testing.F) {
	for _, s := range []string{"0 */6 * * *", "0 2 * * *", "*/7 * * * *", "CRON_TZ=Asia/Tokyo 0 0 31 * *", "@hourly", "TZ=UTC 0 0 29 2 *"} {
		f.Add(s, "")
	}
	f.Add("0 2 * * *", "Europe/London")
	f.Fuzz(func(t *testing.T, expr, tz string) {
		c, err := ParseCron(expr, tz)
		if err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		from := utc("2024-01-15T00:00:00Z")
		if n := c.Next(from); !n.IsZero() && !n.After(from) {
			t.Fatalf("%q: next %s is not after %s", expr, n, from)
		}
	})
}
