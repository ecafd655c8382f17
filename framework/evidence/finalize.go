package evidence

import (
	"fmt"
	"time"
)

// Finalize evaluates every objective (Objective.Evaluate), normalises times
// to UTC and computes the verdicts:
//   - a drill fails when it errored, has no objective, misses (or could not
//     measure) an objective, or a fault errored or was never reverted;
//   - the run fails when it errored, has no drill, or any drill failed.
//
// Findings inform; they do not decide the verdict. Finalize is idempotent.
func (e *Evidence) Finalize() {
	e.Start, e.End = e.Start.UTC(), e.End.UTC()
	if e.GameDay != nil && e.GameDay.SignOff != nil {
		e.GameDay.SignOff.At = e.GameDay.SignOff.At.UTC()
	}
	e.Fixtures, e.Scenarios = nonNil(e.Fixtures), nonNil(e.Scenarios)
	e.Drills, e.Findings = nonNil(e.Drills), nonNil(e.Findings)
	if g := e.GameDay; g != nil {
		g.Participants, g.Issues, g.Remediation = nonNil(g.Participants), nonNil(g.Issues), nonNil(g.Remediation)
	}
	if e.Aborted != nil {
		e.Aborted.At = e.Aborted.At.UTC()
	}
	e.Verdict = VerdictPass
	if e.Error != "" || len(e.Drills) == 0 {
		e.Verdict = VerdictFail
	}
	if e.Aborted != nil {
		e.Verdict = worse(e.Verdict, e.Aborted.Verdict())
	}
	for i := range e.Drills {
		d := &e.Drills[i]
		d.finalize()
		if d.Verdict != VerdictPass {
			e.Verdict = worse(e.Verdict, worse(VerdictFail, d.Verdict))
		}
	}
}

// Finalize normalises one drill and sets its verdict by the rules Finalize
// applies to a whole run's drills.
func (d *Drill) Finalize() { d.finalize() }

func (d *Drill) finalize() {
	d.Start, d.End = d.Start.UTC(), d.End.UTC()
	if d.Timeline != nil {
		d.Timeline.Start = d.Timeline.Start.UTC()
	}
	for i := range d.Faults {
		f := &d.Faults[i]
		f.InjectedAt = f.InjectedAt.UTC()
		if f.RevertedAt != nil {
			t := f.RevertedAt.UTC()
			f.RevertedAt = &t
		}
	}
	d.Faults, d.Load, d.Windows = nonNil(d.Faults), nonNil(d.Load), nonNil(d.Windows)
	d.Objectives, d.Metrics, d.Findings = nonNil(d.Objectives), nonNil(d.Metrics), nonNil(d.Findings)
	for i := range d.Objectives {
		o := &d.Objectives[i]
		if d.Aborted != nil {
			o.unmeasure(d.Aborted)
		}
		o.Met, o.Status = o.Evaluate(), o.Outcome()
	}
	d.Verdict = VerdictPass
	if len(d.FailureReasons()) > 0 {
		d.Verdict = VerdictFail
	}
	if d.Aborted != nil {
		d.Aborted.At = d.Aborted.At.UTC()
		d.Verdict = d.Aborted.Verdict()
	}
}

// FailureReasons says why the drill fails, one sentence each; empty when it passes.
func (d *Drill) FailureReasons() []string {
	var why []string
	if a := d.Aborted; a != nil {
		// Its objectives were neither met nor missed: say why once.
		why = append(why, a.Sentence()+"; the drill's objectives were not measured")
	}
	if d.Error != "" && d.Aborted == nil {
		why = append(why, "drill error: "+d.Error)
	}
	if len(d.Objectives) == 0 && d.Aborted == nil {
		why = append(why, "no objective was measured")
	}
	for _, o := range d.Objectives {
		if d.Aborted == nil && !o.Evaluate() {
			why = append(why, fmt.Sprintf("objective %s not met: achieved %s, required %s", o.Name, o.AchievedText(), o.Requirement()))
		}
	}
	for _, f := range d.Faults {
		switch {
		case f.Error != "":
			why = append(why, fmt.Sprintf("fault %s on %s: %s", f.Kind, f.Target, f.Error))
		case f.RevertedAt == nil:
			why = append(why, fmt.Sprintf("fault %s on %s was never reverted", f.Kind, f.Target))
		}
	}
	return why
}

// FailureReasons says why the run fails, drill by drill; empty when it passes.
func (e *Evidence) FailureReasons() []string {
	var why []string
	if e.Aborted != nil {
		why = append(why, "run "+e.Aborted.Sentence())
	}
	if e.Error != "" {
		why = append(why, "run error: "+e.Error)
	}
	if len(e.Drills) == 0 {
		why = append(why, "no drill ran")
	}
	for i := range e.Drills {
		for _, r := range e.Drills[i].FailureReasons() {
			why = append(why, e.Drills[i].Name+": "+r)
		}
	}
	return why
}

// Duration is End − Start.
func (d *Drill) Duration() time.Duration { return d.End.Sub(d.Start) }

// Duration is End − Start.
func (e *Evidence) Duration() time.Duration { return e.End.Sub(e.Start) }

// NotMeasuredCount counts the objectives that were not measured (all those
// of an aborted drill, and those a drill could not measure).
func (e *Evidence) NotMeasuredCount() int {
	n := 0
	for _, d := range e.Drills {
		for _, o := range d.Objectives {
			if o.Achieved == nil {
				n++
			}
		}
	}
	return n
}

// MetCount counts the objectives met and all objectives over all drills.
func (e *Evidence) MetCount() (met, total int) {
	for _, d := range e.Drills {
		for _, o := range d.Objectives {
			total++
			if o.Evaluate() {
				met++
			}
		}
	}
	return met, total
}

// nonNil makes a nil slice empty, so evidence.json says [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
