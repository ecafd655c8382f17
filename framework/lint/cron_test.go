package lint

import (
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func TestCadence(t *testing.T) {
	const day = 24 * time.Hour
	cases := []struct {
		spec, tz          string
		longest, shortest time.Duration
		err               string
	}{
		{spec: "0 */6 * * *", longest: 6 * time.Hour, shortest: 6 * time.Hour},
		{spec: "0 2 * * *", longest: day, shortest: day},
		{spec: "*/15 * * * *", longest: 15 * time.Minute, shortest: 15 * time.Minute},
		{spec: "0 9,17 * * *", longest: 16 * time.Hour, shortest: 8 * time.Hour},
		{spec: "0 2 * * 1-5", longest: 3 * day, shortest: day},
		{spec: "0 0 1 * *", longest: 31 * day, shortest: 28 * day},
		{spec: "0 0 29 2 *", longest: (4*365 + 1) * day, shortest: (4*365 + 1) * day},
		{spec: "@hourly", longest: time.Hour, shortest: time.Hour},
		{spec: "@every 45m", longest: 45 * time.Minute, shortest: 45 * time.Minute},
		// Daylight saving: 02:30 does not exist on the spring-forward day.
		{spec: "30 2 * * *", tz: "America/New_York", longest: 47 * time.Hour, shortest: 24 * time.Hour},
		{spec: "CRON_TZ=Europe/Berlin 0 3 * * *", longest: 25 * time.Hour, shortest: 23 * time.Hour},
		{spec: "61 * * * *", err: "end of range (61) above maximum (59)"},
		{spec: "0 0 30 2 *", err: "does not run twice in eight years"},
		{spec: "0 0 * * *", tz: "Nowhere/Land", err: `time zone "Nowhere/Land"`},
		{spec: "", err: "empty spec string"},
	}
	for _, c := range cases {
		t.Run(c.spec+" "+c.tz, func(t *testing.T) {
			got, err := cadenceOf(c.spec, c.tz)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.longest != c.longest || got.shortest != c.shortest {
				t.Errorf("longest %s shortest %s, want %s %s", got.longest, got.shortest, c.longest, c.shortest)
			}
		})
	}
}

func TestEveryCron(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Minute: "*/30 * * * *", 25 * time.Minute: "*/20 * * * *", 7 * time.Hour: "0 */6 * * *",
		2 * 24 * time.Hour: "0 0 * * *", 10 * time.Second: "*/1 * * * *",
	} {
		if got := everyCron(d); got != want {
			t.Errorf("everyCron(%s) = %q, want %q", d, got, want)
		}
		c, err := cadenceOf(everyCron(d), "")
		if err != nil || (c.longest > d && d >= time.Minute && d < 24*time.Hour) {
			t.Errorf("everyCron(%s) runs every %s (%v)", d, c.longest, err)
		}
	}
}

func TestHuman(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "1h", 30 * time.Minute: "30m", 90 * time.Minute: "1h30m", 45 * time.Second: "45s", 36 * time.Minute: "36m",
		6*time.Hour + 10*time.Second: "6h0m10s", 720 * time.Hour: "720h",
	} {
		if got := human(d); got != want {
			t.Errorf("human(%s) = %q, want %q", d, got, want)
		}
	}
}

func BenchmarkCadence(b *testing.B) {
	for _, spec := range []string{"0 */6 * * *", "* * * * *", "0 2 1 * *", "CRON_TZ=Europe/Berlin * * * * *"} {
		b.Run(spec, func(b *testing.B) {
			for b.Loop() {
				if _, err := cadenceOf(spec, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestWalkDaysMatchesWalk checks the day-by-day measurement against
// robfig/cron's runs one by one, daylight-saving days included.
func TestWalkDaysMatchesWalk(t *testing.T) {
	specs := []string{"*/7 * * * *", "0 */6 * * *", "30 2 * * *", "15,45 1-3 * * 0", "0 0 1,15 * *", "5 4 * 3,11 *", "0 12 * * 1-5", "* 2 * * *"}
	for _, tz := range []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range specs {
			s, err := cron.ParseStandard(spec)
			if err != nil {
				t.Fatal(err)
			}
			from := cronEpoch.In(loc)
			until := from.AddDate(1, 0, 1)
			want, _ := walk(s, from, until)
			got, _ := walkDays(s.(*cron.SpecSchedule), from, until)
			if got != want {
				t.Errorf("%s in %s: walkDays %+v, walk %+v", spec, tz, got, want)
			}
		}
	}
}
