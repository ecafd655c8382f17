package backup

import (
	"errors"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func mustSchedule(t testing.TB, expr, tz string) *Schedule {
	t.Helper()
	s, err := NewSchedule(KindCronJob, "test", expr, tz, Source{File: "test.yaml", Line: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScheduleNext(t *testing.T) {
	cases := []struct {
		name, expr, tz string
		from           string
		want           []string // successive activations
	}{
		{"seed 6-hourly", "0 */6 * * *", "", "2024-01-15T00:00:00Z",
			[]string{"2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z", "2024-01-15T18:00:00Z", "2024-01-16T00:00:00Z"}},
		{"velero daily at 02:00", "0 2 * * *", "", "2024-01-15T02:00:00Z",
			[]string{"2024-01-16T02:00:00Z", "2024-01-17T02:00:00Z"}},
		{"*/7 minutes restart at each hour", "*/7 * * * *", "", "2024-01-15T10:50:00Z",
			[]string{"2024-01-15T10:56:00Z", "2024-01-15T11:00:00Z", "2024-01-15T11:07:00Z"}},
		{"*/7 hours restart at each day", "0 */7 * * *", "", "2024-01-15T15:00:00Z",
			[]string{"2024-01-15T21:00:00Z", "2024-01-16T00:00:00Z", "2024-01-16T07:00:00Z"}},
		{"31st skips short months", "0 0 31 * *", "", "2024-01-31T00:00:00Z",
			[]string{"2024-03-31T00:00:00Z", "2024-05-31T00:00:00Z", "2024-07-31T00:00:00Z", "2024-08-31T00:00:00Z"}},
		{"30th skips February", "0 0 30 * *", "", "2024-01-30T00:00:00Z",
			[]string{"2024-03-30T00:00:00Z"}},
		{"29 February only in leap years", "0 0 29 2 *", "", "2024-03-01T00:00:00Z",
			[]string{"2028-02-29T00:00:00Z"}},
		{"year end rolls over", "59 23 31 12 *", "", "2024-06-01T00:00:00Z",
			[]string{"2024-12-31T23:59:00Z", "2025-12-31T23:59:00Z"}},
		{"day of month or day of week", "0 0 1 * MON", "", "2024-01-01T00:00:00Z",
			[]string{"2024-01-08T00:00:00Z", "2024-01-15T00:00:00Z"}},
		{"descriptor", "@daily", "", "2024-01-15T00:00:00Z", []string{"2024-01-16T00:00:00Z"}},
		{"CRON_TZ winter", "CRON_TZ=America/New_York 0 2 * * *", "", "2024-01-15T00:00:00Z",
			[]string{"2024-01-15T07:00:00Z"}},
		{"TZ summer", "TZ=America/New_York 0 2 * * *", "", "2024-07-15T00:00:00Z",
			[]string{"2024-07-15T06:00:00Z"}},
		{"CronJob spec.timeZone", "0 2 * * *", "Asia/Tokyo", "2024-01-15T00:00:00Z",
			[]string{"2024-01-15T17:00:00Z"}},
		{"DST fall back stretches a 6-hour gap to 7", "CRON_TZ=America/New_York 0 */6 * * *", "", "2024-11-03T03:00:00Z",
			[]string{"2024-11-03T04:00:00Z", "2024-11-03T11:00:00Z", "2024-11-03T17:00:00Z"}},
		{"DST spring forward shrinks it to 5", "CRON_TZ=America/New_York 0 */6 * * *", "", "2024-03-10T04:00:00Z",
			[]string{"2024-03-10T05:00:00Z", "2024-03-10T10:00:00Z", "2024-03-10T16:00:00Z"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSchedule(t, tc.expr, tc.tz)
			at := utc(tc.from)
			for i, w := range tc.want {
				at = s.Next(at)
				if !at.Equal(utc(w)) {
					t.Fatalf("activation %d = %s, want %s", i+1, at.Format(time.RFC3339), w)
				}
			}
		})
	}
}

func TestParseCronRejects(t *testing.T) {
	for _, tc := range []struct{ name, expr, tz string }{
		{"empty", "", ""},
		{"six fields", "0 0 */6 * * *", ""},
		{"minute 60", "60 * * * *", ""},
		{"step 0", "*/0 * * * *", ""},
		{"unknown zone", "CRON_TZ=Mars/Olympus 0 * * * *", ""},
		{"unknown spec.timeZone", "0 * * * *", "Mars/Olympus"},
		{"two zones", "CRON_TZ=UTC 0 * * * *", "Asia/Tokyo"},
		{"L is not standard", "0 0 L * *", ""},
		{"zone without fields (panics robfig/cron)", "TZ=0000000000", ""},
		{"zone then tab", "CRON_TZ=UTC\t0 * * * *", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseCron(tc.expr, tc.tz); !errors.Is(err, framework.ErrInvalid) {
				t.Errorf("ParseCron(%q, %q) = %v, want ErrInvalid", tc.expr, tc.tz, err)
			}
		})
	}
	if _, err := NewSchedule(KindCronJob, "feb30", "0 0 30 2 *", "", Source{File: "x.yaml", Line: 3}); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("a schedule that never fires: %v", err)
	}
}
