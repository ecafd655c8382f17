package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ScheduleDrill is the RPO drill of one schedule of a platform.
type ScheduleDrill struct {
	// Schedule names it (kind namespace/name), Expr and Source as written.
	Schedule string `json:"schedule"`
	Expr     string `json:"expr"`
	Source   string `json:"source"`
	// Report is the drill's (nil when it could not run); Error says why not.
	Report *RPOReport `json:"report,omitempty"`
	Error  string     `json:"error,omitempty"`
}

// DrillsReport is the RPO drill of every backup schedule of a platform.
type DrillsReport struct {
	Objective Duration        `json:"objective"`
	Drills    []ScheduleDrill `json:"drills"`
	// Schedules is each schedule's worst loss with the backup duration its
	// drill measured: the same figures as the drills'.
	Schedules []ScheduleGap `json:"schedules"`
	// Met: every schedule's drill ran and met the objective. Reason is the
	// first failing drill's reason (or error), else the first drill's.
	Met      bool     `json:"met"`
	Reason   string   `json:"reason"`
	WallTime Duration `json:"wallTime"`
}

// RunDrills runs the RPO drill (RunDrill) of each schedule in turn with cfg
// (its Schedule is ignored), restarting the primary storage between them
// (cfg.Restart). A drill that fails is recorded and the next one runs; the
// error returned joins every drill's error.
func RunDrills(ctx context.Context, cfg DrillConfig, scheds []*Schedule) (*DrillsReport, error) {
	start := time.Now()
	if len(scheds) == 0 {
		_, err := cfg.withDefaults(ctx) // reports the missing schedule
		return nil, err
	}
	rep := &DrillsReport{Met: true}
	var errs []error
	for i, s := range scheds {
		c := cfg
		c.Schedule = s
		d := ScheduleDrill{Schedule: s.ID(), Expr: s.Expr, Source: s.Source.String()}
		var err error
		if i > 0 && cfg.Restart != nil {
			if err = cfg.Restart(ctx); err != nil {
				err = fmt.Errorf("rpo drill: restart primary storage: %w", err)
			}
		}
		if err == nil {
			d.Report, err = RunDrill(ctx, c)
		}
		if err != nil {
			d.Error = err.Error()
			errs = append(errs, fmt.Errorf("%s: %w", s, err))
		}
		if d.Report != nil {
			rep.Objective = d.Report.Objective
		}
		rep.Drills = append(rep.Drills, d)
		if ok, why := d.verdict(); !ok && rep.Met {
			rep.Met, rep.Reason = false, why
		}
		if err := ctx.Err(); err != nil {
			break
		}
	}
	if rep.Objective == 0 {
		rep.Objective = Duration(cfg.Objective)
		if cfg.Objective == 0 {
			rep.Objective = Duration(DefaultObjective)
		}
	}
	if rep.Met {
		_, rep.Reason = rep.Drills[0].verdict()
	}
	epoch, horizon := cfg.Epoch, cfg.Horizon
	if epoch.IsZero() {
		epoch = DefaultEpoch
	}
	if horizon == 0 {
		horizon = DefaultHorizon
	}
	rep.Schedules = SchedulesGapsWith(scheds, epoch, horizon, time.Duration(rep.Objective), rep.BackupDuration)
	rep.WallTime = Duration(time.Since(start))
	return rep, errors.Join(errs...)
}

func (d ScheduleDrill) verdict() (bool, string) {
	switch {
	case d.Report == nil:
		return false, fmt.Sprintf("%s %q (%s): the drill did not run: %s", d.Schedule, d.Expr, d.Source, d.Error)
	case d.Error != "":
		return false, fmt.Sprintf("%s %q (%s): %s", d.Schedule, d.Expr, d.Source, d.Error)
	}
	return d.Report.Met, d.Report.Reason
}

// BackupDuration returns the backup duration the drill of s counted (the
// worst-instant scenario's), or 0 when s was not drilled.
func (r *DrillsReport) BackupDuration(s *Schedule) time.Duration {
	for _, d := range r.Drills {
		if d.Schedule == s.ID() && d.Expr == s.Expr && d.Report != nil {
			return d.Report.BackupDuration()
		}
	}
	return 0
}

// BackupDuration is the longest backup duration the drill's scenarios
// counted (0 without results).
func (r *RPOReport) BackupDuration() time.Duration {
	var d time.Duration
	for _, res := range r.Results {
		d = max(d, time.Duration(res.BackupDuration))
	}
	return d
}

// SchedulesGaps summarises every schedule's longest gap against objective,
// for backups of no known duration: a lower bound of the worst loss. Prefer
// SchedulesGapsWith and the durations a drill measured.
func SchedulesGaps(scheds []*Schedule, from time.Time, horizon, objective time.Duration) []ScheduleGap {
	return SchedulesGapsWith(scheds, from, horizon, objective, nil)
}

// SchedulesGapsWith summarises every schedule's worst loss, its longest gap
// plus duration(s) (nil: 0), the time its backup takes to complete, against
// objective.
func SchedulesGapsWith(scheds []*Schedule, from time.Time, horizon, objective time.Duration, duration func(*Schedule) time.Duration) []ScheduleGap {
	var out []ScheduleGap
	for _, s := range scheds {
		g := ScheduleGap{Name: s.ID(), Expr: s.Expr, Source: s.Source.String()}
		w, err := WorstWindow(s, from, horizon)
		if err != nil {
			g.Error = err.Error()
		} else {
			if duration != nil {
				w = w.WithDuration(duration(s))
			}
			g.Worst, g.BackupDuration, g.WorstLoss = Duration(w.Gap), Duration(w.BackupDuration), Duration(w.WorstLoss)
			g.Meets = w.WorstLoss <= objective
		}
		out = append(out, g)
	}
	return out
}

// WriteText renders every schedule's drill for people.
func (r *DrillsReport) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "RPO drills of %d backup schedule(s): %s (objective %s, wall time %s)\n%s\n",
		len(r.Drills), map[bool]string{true: "PASS", false: "FAIL"}[r.Met], r.Objective, r.WallTime, r.Reason)
	for _, d := range r.Drills {
		fmt.Fprintf(&b, "\n=== %s %q (%s)\n", d.Schedule, d.Expr, d.Source)
		if d.Error != "" {
			fmt.Fprintf(&b, "error: %s\n", d.Error)
		}
		if d.Report != nil {
			one := *d.Report
			one.Schedules = nil
			if err := one.WriteText(&b); err != nil {
				return err
			}
		}
	}
	if len(r.Schedules) > 0 {
		one := RPOReport{Schedules: r.Schedules}
		var s strings.Builder
		if err := one.WriteText(&s); err != nil {
			return err
		}
		// Only the schedules' table: drop the empty drill header line.
		_, table, _ := strings.Cut(s.String(), "\n")
		b.WriteString(table)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
