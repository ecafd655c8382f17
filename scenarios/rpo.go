package scenarios

import (
	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/objectives"

	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/backup"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/storage"
)

// RPO drill buckets: the drill publishes, backs up, loses and restores in
// buckets of its own, so the environment's live model registry is untouched.
const (
	rpoRegistryBucket = "rpo-drill-registry"
	rpoBackupBucket   = "rpo-drill-backup"
)

// runRPO runs the RPO drill against the environment's real S3 servers with
// the platform's own model backup schedule on the profile's compressed clock.
func runRPO(ctx context.Context, env *Env, s *Scenario, o Options) (*Result, error) {
	res := &Result{Scenario: s}
	dr := &res.Drill
	*dr = evidence.Drill{Name: s.Name, Scenario: s.Name, Description: s.Description, Start: time.Now().UTC()}
	report, err := rpoDrill(ctx, env, s, o)
	res.RPO = report
	if err != nil {
		dr.Error = err.Error()
	}
	objective := time.Duration(backup.DefaultObjective)
	for _, ob := range s.Objectives {
		if ob.Target != "" {
			v, _ := objectives.ParseTarget(ob.Target)
			objective = time.Duration(v * float64(time.Second))
		}
	}
	obs := &objectives.Observation{Criteria: measure.NewCriteria(env.Timeouts)}
	obs.Criteria.RPO = objective
	if report != nil {
		worst, measured := time.Duration(0), false
		for _, d := range report.Drills {
			if d.Report == nil {
				dr.Findings = append(dr.Findings, evidence.Finding{ID: "rpo-drill-failed", Severity: evidence.SeverityError,
					Message: fmt.Sprintf("the RPO drill of %s %q (%s) did not run: %s", d.Schedule, d.Expr, d.Source, d.Error)})
				continue
			}
			measured = true
			for _, r := range d.Report.Results {
				worst = max(worst, time.Duration(r.RPO))
				at := " (" + string(r.Scenario) + ", " + d.Schedule + ")"
				dr.Metrics = append(dr.Metrics,
					evidence.Metric{Name: "rpo" + at, Value: time.Duration(r.RPO).Seconds(), Unit: "s", Method: d.Expr + " from " + d.Source},
					evidence.Metric{Name: "restore duration" + at, Value: time.Duration(r.RestoreDuration).Seconds(), Unit: "s", Method: "real time to restore and verify the latest backup"},
					evidence.Metric{Name: "versions lost" + at, Value: float64(len(r.Lost)), Unit: "versions"})
				for _, c := range r.Corrupted {
					dr.Findings = append(dr.Findings, evidence.Finding{ID: "backup-corrupt", Severity: evidence.SeverityError, Message: fmt.Sprintf("%s: backup object failed its checksum and was not restored: %+v", d.Schedule, c)})
				}
			}
			dr.Metrics = append(dr.Metrics, evidence.Metric{Name: "clock factor (" + d.Schedule + ")", Value: d.Report.ClockFactor, Unit: "x", Method: "virtual seconds per real second"})
		}
		if measured {
			// The platform's RPO is its worst schedule's.
			obs.RPO = &objectives.RPO{Worst: worst, Reason: report.Reason}
		}
		for _, g := range report.Schedules {
			if !g.Meets {
				dr.Findings = append(dr.Findings, evidence.Finding{ID: "backup-schedule-gap", Severity: evidence.SeverityError,
					Message: fmt.Sprintf("%s %q (%s) leaves up to %s between backups, more than the %s RPO", g.Name, g.Expr, g.Source, g.Worst, objective)})
			}
		}
	}
	dr.Objectives = objectives.Evaluate(s.Objectives, obs)
	dr.End = time.Now().UTC()
	finish(dr)
	return res, err
}

func rpoDrill(ctx context.Context, env *Env, s *Scenario, o Options) (*backup.DrillsReport, error) {
	scheds, err := platformSchedules(env)
	if err != nil {
		return nil, err
	}
	creds, err := env.Store.LoadCredentials(env.Record.Name)
	if err != nil {
		return nil, err
	}
	primary, err := env.Record.Primary()
	if err != nil {
		return nil, err
	}
	drRegion, err := env.Record.DR()
	if err != nil {
		return nil, err
	}
	store := func(r *framework.Region) (storage.Store, error) {
		return storage.NewStore(storage.Endpoint{URL: r.StorageBackendURL, Region: r.Name, AccessKey: creds.AccessKey, SecretKey: creds.SecretKey, PathStyle: true}, 30*time.Second)
	}
	ps, err := store(primary)
	if err != nil {
		return nil, err
	}
	ds, err := store(drRegion)
	if err != nil {
		return nil, err
	}
	cfg := backup.DrillConfig{
		Primary: ps, DR: ds,
		Registry: rpoRegistryBucket, BackupBucket: rpoBackupBucket, Wipe: true,
		ClockFactor: env.Timeouts.ClockFactor, Seed: o.Seed, Logger: env.Logger,
	}
	// Every schedule is drilled: the platform's RPO is its worst one's.
	return backup.RunDrills(ctx, cfg, scheds)
}

// platformSchedules reads the platform's backup schedules: its backup
// CronJob and its Velero Schedule.
func platformSchedules(env *Env) ([]*backup.Schedule, error) {
	var out []*backup.Schedule
	p := env.Platform
	if cj := p.BackupCronJob; cj != nil {
		src := backup.Source{}
		if obj := p.ObjectOf(cj); obj != nil {
			pos := obj.At("spec.schedule")
			src = backup.Source{File: pos.File, Line: pos.Line}
		}
		tz := ""
		if cj.Spec.TimeZone != nil {
			tz = *cj.Spec.TimeZone
		}
		s, err := backup.NewSchedule("CronJob", cj.Namespace+"/"+cj.Name, cj.Spec.Schedule, tz, src)
		if err != nil {
			return nil, fmt.Errorf("CronJob %s schedule: %w", cj.Name, err)
		}
		out = append(out, s)
	}
	if v := p.VeleroSchedule; v != nil {
		expr, _, _ := unstructured.NestedString(v.Object, "spec", "schedule")
		src := backup.Source{}
		if obj := p.ObjectOf(v); obj != nil {
			pos := obj.At("spec.schedule")
			src = backup.Source{File: pos.File, Line: pos.Line}
		}
		if s, err := backup.NewSchedule("Schedule", v.GetNamespace()+"/"+v.GetName(), expr, "", src); err == nil {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the platform has no backup schedule (CronJob or Velero Schedule) to drill: %w", framework.ErrInvalid)
	}
	return out, nil
}
