package lint

import (
	"fmt"
	"time"
	_ "time/tzdata" // CronJob spec.timeZone names must resolve on any machine

	"github.com/robfig/cron/v3"
)

// cadence is how often a cron schedule fires: the longest and the shortest
// gap between two consecutive runs.
type cadence struct {
	longest, shortest time.Duration
}

// cronEpoch is where the gaps are measured from: a fixed instant, so results
// do not depend on when lint runs.
var cronEpoch = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)

const maxCronRuns = 600_000

// cadenceOf parses a standard five-field cron expression (or a descriptor
// such as @hourly or @every 30m), as Kubernetes CronJobs and Velero Schedules
// do with robfig/cron, in time zone tz ("" is UTC), and measures its gaps
// over a year and a day of runs (eight years when that holds fewer than
// three runs, to catch February 29). A schedule that does not run twice is
// an error.
func cadenceOf(spec, tz string) (cadence, error) {
	loc := time.UTC
	if tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return cadence{}, fmt.Errorf("time zone %q: %v", tz, err)
		}
		loc = l
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return cadence{}, fmt.Errorf("cron schedule %q: %v", spec, err)
	}
	if d, ok := sched.(cron.ConstantDelaySchedule); ok {
		return cadence{longest: d.Delay, shortest: d.Delay}, nil
	}
	measure := func(from, until time.Time) (cadence, int) { return walk(sched, from, until) }
	if s, ok := sched.(*cron.SpecSchedule); ok && s.Second&^starBit == 1 {
		measure = func(from, until time.Time) (cadence, int) { return walkDays(s, from, until) }
	}
	start := cronEpoch.In(loc)
	c, runs := measure(start, start.AddDate(1, 0, 1))
	if runs < 3 {
		c, runs = measure(start, start.AddDate(8, 0, 2))
	}
	if runs < 2 {
		return cadence{}, fmt.Errorf("cron schedule %q does not run twice in eight years", spec)
	}
	return c, nil
}

// starBit is robfig/cron's marker for a field written as *.
const starBit = 1 << 63

// gaps accumulates the gaps between consecutive runs.
type gaps struct {
	c    cadence
	prev time.Time
	runs int
}

func (g *gaps) run(t time.Time) {
	if g.runs > 0 {
		d := t.Sub(g.prev)
		g.c.longest = max(g.c.longest, d)
		if g.c.shortest == 0 || d < g.c.shortest {
			g.c.shortest = d
		}
	}
	g.prev = t
	g.runs++
}

// walkDays measures a standard schedule day by day. On a day of 24 hours
// the runs are the day's midnight plus the schedule's minutes of the day, so
// only the day's first run is asked of robfig/cron (which also skips days
// without runs); days of daylight-saving changes are walked run by run. It
// gives walk's result with about one Next call per day that runs instead of
// one per run (every minute: half a million a year).
func walkDays(s *cron.SpecSchedule, from, until time.Time) (cadence, int) {
	var minutes []time.Duration
	for h := range 24 {
		for m := range 60 {
			if s.Hour&(1<<h) != 0 && s.Minute&(1<<m) != 0 {
				minutes = append(minutes, time.Duration(h*60+m)*time.Minute)
			}
		}
	}
	var g gaps
	if len(minutes) == 0 {
		return g.c, 0
	}
	loc := from.Location()
	next := s.Next(from)
	for !next.IsZero() && next.Before(until) {
		y, mo, d := next.Date()
		day := time.Date(y, mo, d, 0, 0, 0, 0, loc)
		end := time.Date(y, mo, d+1, 0, 0, 0, 0, loc)
		if day.Add(24*time.Hour).Equal(end) && next.Equal(day.Add(minutes[0])) {
			for _, m := range minutes {
				g.run(day.Add(m))
			}
		} else { // a daylight-saving day: ask robfig/cron for every run
			for t := next; !t.IsZero() && t.Before(end); t = s.Next(t) {
				g.run(t)
			}
		}
		next = s.Next(end.Add(-time.Nanosecond))
	}
	if g.runs > 0 {
		if n := s.Next(g.prev); !n.IsZero() {
			g.run(n)
		}
	}
	return g.c, g.runs
}

// walk measures any schedule run by run (at most maxCronRuns runs).
func walk(s cron.Schedule, from, until time.Time) (cadence, int) {
	var c cadence
	prev := s.Next(from)
	runs := 0
	for !prev.IsZero() && prev.Before(until) && runs < maxCronRuns {
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		runs++
		gap := next.Sub(prev)
		c.longest = max(c.longest, gap)
		if c.shortest == 0 || gap < c.shortest {
			c.shortest = gap
		}
		prev = next
	}
	return c, runs + 1
}

type cadenceResult struct {
	c   cadence
	err error
}

// cadence is cadenceOf, computed once per schedule and time zone per run.
func (in *Input) cadence(spec, tz string) (cadence, error) {
	key := tz + "\x00" + spec
	if r, ok := in.cadences[key]; ok {
		return r.c, r.err
	}
	c, err := cadenceOf(spec, tz)
	if in.cadences == nil {
		in.cadences = map[string]cadenceResult{}
	}
	in.cadences[key] = cadenceResult{c, err}
	return c, err
}
