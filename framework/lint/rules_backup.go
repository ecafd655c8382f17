package lint

import (
	"fmt"
	"strings"
	"time"

	"gameday.io/gameday/fixtures"
)

// DefaultVeleroTTL is Velero's backup retention when a Schedule sets none.
const DefaultVeleroTTL = 720 * time.Hour

func backupRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "backup-rpo", Severity: SeverityError,
			Summary: "a backup schedule's worst-case interval does not meet the RPO",
			Help: "Walks the cron expression of every backup CronJob (named *backup* or running a copy or dump tool) and Velero Schedule with robfig/cron, " +
				"as Kubernetes and Velero do, and takes the longest gap between two runs. A backup protects data only once it has completed: data written just " +
				"after a run starts is safe only when the next run completes, so the worst-case RPO is the gap plus the backup's duration. A backup takes some time, " +
				"so the gap must be strictly below the RPO: an hourly schedule does not meet a 1h RPO. Error when it is not, or when the schedule is suspended or paused."},
			checkBackupRPO},
		ruleFunc{RuleMeta{ID: "backup-ttl", Severity: SeverityError,
			Summary: "Velero backups expire before the next one exists",
			Help:    "A Velero Schedule's template.ttl (default 720h) shorter than the schedule's longest gap leaves times with no backup at all."},
			checkBackupTTL},
		ruleFunc{RuleMeta{ID: "backup-coverage", Severity: SeverityWarning,
			Summary: "an object of the platform's namespaces is in no Velero backup",
			Help: "For every namespaced object in a namespace that runs a Deployment, checks whether some Velero Schedule includes its namespace and resource " +
				"and selects its labels (labelSelector, orLabelSelectors). Objects no schedule covers cannot be restored with `velero restore`."},
			checkBackupCoverage},
	}
}

// schedule is one backup schedule to check against the RPO.
type schedule struct {
	obj      *fixtures.Object
	path     string // of the cron expression
	spec, tz string
	stopped  string // why it does not run at all ("" when it runs)
	what     string
}

func (in *Input) schedules() []schedule {
	var out []schedule
	for _, j := range in.backupJobs() {
		s := schedule{obj: j.obj, path: "spec.schedule", spec: j.cj.Spec.Schedule, what: "CronJob " + j.cj.Name}
		if j.cj.Spec.TimeZone != nil {
			s.tz = *j.cj.Spec.TimeZone
		}
		if j.cj.Spec.Suspend != nil && *j.cj.Spec.Suspend {
			s.stopped = "spec.suspend is true"
		}
		out = append(out, s)
	}
	for _, v := range in.veleroSchedules() {
		s := schedule{obj: v.obj, path: "spec.schedule", spec: v.schedule, what: "Velero Schedule " + v.obj.Name()}
		if v.paused {
			s.stopped = "spec.paused is true"
		}
		out = append(out, s)
	}
	return out
}

func checkBackupRPO(in *Input) []Finding {
	var out []Finding
	for _, s := range in.schedules() {
		if s.stopped != "" {
			out = append(out, Finding{Position: s.obj.At(s.path), Object: s.obj.Ref(),
				Message: fmt.Sprintf("%s takes no backups: %s", s.what, s.stopped), Fix: "resume the schedule"})
			continue
		}
		c, err := in.cadence(s.spec, s.tz)
		if err != nil {
			continue // invalid-value reports it
		}
		if c.longest < in.RPO {
			continue
		}
		tz := s.tz
		if tz == "" {
			tz = "UTC"
		}
		out = append(out, Finding{Position: s.obj.At(s.path), Object: s.obj.Ref(),
			Message: fmt.Sprintf("%s runs on %q (%s): up to %s between runs, so the worst-case RPO is %s + the backup's duration "+
				"(data is safe only once a backup has completed, and a failure can strike just before the next one completes); the RPO is %s%s",
				s.what, s.spec, tz, human(c.longest), human(c.longest), human(in.RPO), rpoMargin(c.longest, in.RPO)),
			Fix: fmt.Sprintf("run at least every %s (e.g. %q), or replicate continuously", human(in.RPO/2), everyCron(in.RPO/2))})
	}
	return out
}

// rpoMargin explains why a gap equal to the RPO misses it.
func rpoMargin(gap, rpo time.Duration) string {
	if gap == rpo {
		return ", which any backup duration exceeds"
	}
	return ""
}

// everyCron suggests a cron expression running every d (rounded down to a
// divisor of an hour or a day).
func everyCron(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return "0 0 * * *"
	case d >= time.Hour:
		h := int(d / time.Hour)
		for 24%h != 0 {
			h--
		}
		return fmt.Sprintf("0 */%d * * *", h)
	default:
		m := max(int(d/time.Minute), 1)
		for 60%m != 0 {
			m--
		}
		return fmt.Sprintf("*/%d * * * *", m)
	}
}

// human renders a duration without trailing zero units (6h, 1h30m, 45s).
func human(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

func checkBackupTTL(in *Input) []Finding {
	var out []Finding
	for _, v := range in.veleroSchedules() {
		ttl := DefaultVeleroTTL
		if v.ttl != "" {
			d, err := time.ParseDuration(v.ttl)
			if err != nil {
				continue // invalid-value reports it
			}
			ttl = d
		}
		c, err := in.cadence(v.schedule, "")
		if err != nil || ttl >= c.longest {
			continue
		}
		out = append(out, Finding{Position: v.obj.At("spec.template.ttl"), Object: v.obj.Ref(),
			Message: fmt.Sprintf("backups are kept %s but the schedule %q leaves up to %s between runs: for %s of every cycle no backup exists",
				human(ttl), v.schedule, human(c.longest), human(c.longest-ttl)),
			Fix: fmt.Sprintf("keep backups at least %s (several intervals, e.g. %s)", human(c.longest), human(DefaultVeleroTTL))})
	}
	return out
}
