package evidence

import (
	"encoding/hex"
	"fmt"
	"math"
	"slices"

	"gameday.io/gameday/framework"
)

// Validate checks the evidence is complete and consistent, and names the
// first bad field (errors wrap framework.ErrInvalid).
func (e *Evidence) Validate() error {
	v := &validator{}
	v.check(e.SchemaVersion == SchemaVersion, "schemaVersion", "%q, want %q", e.SchemaVersion, SchemaVersion)
	v.check(e.RunID != "", "runID", "empty")
	v.check(!e.Start.IsZero(), "start", "not set")
	v.check(!e.End.Before(e.Start), "end", "%s is before start %s", e.End, e.Start)
	v.check(e.Profile != "", "profile", "empty")
	v.verdict("verdict", e.Verdict)
	v.abort("aborted", e.Aborted)
	if e.Topology.SHA256 != "" {
		v.digest("topology.sha256", e.Topology.SHA256)
	}
	for i, f := range e.Fixtures {
		p := fmt.Sprintf("fixtures[%d]", i)
		v.check(f.Path != "", p+".path", "empty")
		v.digest(p+".sha256", f.SHA256)
	}
	names := map[string]bool{}
	for i := range e.Drills {
		d := &e.Drills[i]
		p := fmt.Sprintf("drills[%d]", i)
		v.check(d.Name != "", p+".name", "empty")
		v.check(!names[d.Name], p+".name", "%q is used by an earlier drill", d.Name)
		names[d.Name] = true
		v.drill(p, d)
	}
	v.findings("findings", e.Findings)
	if e.GameDay != nil {
		v.gameDay("gameDay", e.GameDay)
	}
	return v.err
}

// validator keeps the first problem found.
type validator struct{ err error }

func (v *validator) check(ok bool, field, format string, args ...any) {
	if !ok && v.err == nil {
		v.err = fmt.Errorf("evidence field %s: %s: %w", field, fmt.Sprintf(format, args...), framework.ErrInvalid)
	}
}

func (v *validator) verdict(field string, x Verdict) {
	v.check(slices.Contains(Verdicts(), x), field, "%q, want one of %v", x, Verdicts())
}

func (v *validator) abort(field string, a *Abort) {
	if a == nil {
		return
	}
	v.check(slices.Contains(AbortCauses(), a.Cause), field+".cause", "%q, want one of %v", a.Cause, AbortCauses())
	v.check(a.What != "", field+".what", "empty: say what stopped it")
	v.check(!a.At.IsZero(), field+".at", "not set")
	v.check(a.AfterSeconds >= 0, field+".afterSeconds", "%v is negative", a.AfterSeconds)
}

func (v *validator) digest(field, hexDigest string) {
	b, err := hex.DecodeString(hexDigest)
	v.check(err == nil && len(b) == 32, field, "%q is not a hex SHA-256 digest", hexDigest)
}

func (v *validator) finite(field string, x float64) {
	v.check(!math.IsNaN(x) && !math.IsInf(x, 0), field, "%v is not a finite number", x)
}

func (v *validator) drill(p string, d *Drill) {
	v.verdict(p+".verdict", d.Verdict)
	v.abort(p+".aborted", d.Aborted)
	if d.Aborted != nil {
		v.check(d.Verdict == d.Aborted.Verdict(), p+".verdict", "%q for a drill stopped by %s", d.Verdict, d.Aborted.Cause)
	}
	v.check(!d.End.Before(d.Start), p+".end", "%s is before start %s", d.End, d.Start)
	for i, f := range d.Faults {
		q := fmt.Sprintf("%s.faults[%d]", p, i)
		v.check(f.Kind != "", q+".kind", "empty")
		v.check(!f.InjectedAt.IsZero(), q+".injectedAt", "not set")
		v.check(f.RevertedAt == nil || !f.RevertedAt.Before(f.InjectedAt), q+".revertedAt", "before injectedAt")
	}
	for i, l := range d.Load {
		q := fmt.Sprintf("%s.load[%d]", p, i)
		v.check(l.Phase != "", q+".phase", "empty")
		v.check(l.OK >= 0 && l.OK <= l.Sent, q+".ok", "%d is not within [0, sent=%d]", l.OK, l.Sent)
		v.check(l.ToSeconds >= l.FromSeconds, q+".toSeconds", "before fromSeconds")
	}
	if t := d.Timeline; t != nil {
		v.check(t.BucketSeconds > 0, p+".timeline.bucketSeconds", "%v, want > 0", t.BucketSeconds)
		for i, pt := range t.Points {
			q := fmt.Sprintf("%s.timeline.points[%d]", p, i)
			v.check(i == 0 || pt.T > t.Points[i-1].T, q+".t", "not after the previous point")
			v.check(pt.Success >= 0 && pt.Success <= 1, q+".success", "%v is not a ratio", pt.Success)
			v.finite(q+".p50Ms", pt.P50Ms)
			v.finite(q+".p99Ms", pt.P99Ms)
		}
	}
	for i, w := range d.Windows {
		q := fmt.Sprintf("%s.windows[%d]", p, i)
		v.check(w.Kind != "", q+".kind", "empty")
		v.check(w.ToSeconds >= w.FromSeconds, q+".toSeconds", "before fromSeconds")
	}
	for i, o := range d.Objectives {
		q := fmt.Sprintf("%s.objectives[%d]", p, i)
		v.check(o.Name != "", q+".name", "empty")
		v.check(validComparison(o.Comparison), q+".comparison", "%q, want one of %v", o.Comparison, Comparisons())
		v.check(o.Unit != "", q+".unit", "empty")
		v.check(o.Method != "", q+".method", "empty: say how it was measured")
		v.finite(q+".target", o.Target)
		if o.Achieved != nil {
			v.finite(q+".achieved", *o.Achieved)
		}
		v.check(d.Aborted == nil || (o.Achieved == nil && !o.Met), q+".achieved", "set for an aborted drill: its objectives are not measured")
	}
	for i, e := range d.Events {
		q := fmt.Sprintf("%s.events[%d]", p, i)
		v.check(!e.At.IsZero(), q+".at", "not set")
		v.check(i == 0 || !e.At.Before(d.Events[i-1].At), q+".at", "before the previous event")
		v.check(e.Region != "", q+".region", "empty")
		v.check(e.Object != "", q+".object", "empty")
		v.check(e.Event != "", q+".event", "empty")
	}
	v.check(d.EventsDropped >= 0, p+".eventsDropped", "%d is negative", d.EventsDropped)
	for i, m := range d.Metrics {
		q := fmt.Sprintf("%s.metrics[%d]", p, i)
		v.check(m.Name != "", q+".name", "empty")
		v.finite(q+".value", m.Value)
	}
	v.findings(p+".findings", d.Findings)
}

func (v *validator) findings(p string, fs []Finding) {
	for i, f := range fs {
		q := fmt.Sprintf("%s[%d]", p, i)
		v.check(f.ID != "", q+".id", "empty")
		v.check(slices.Contains(Severities(), f.Severity), q+".severity", "%q, want one of %v", f.Severity, Severities())
		v.check(f.Message != "", q+".message", "empty")
	}
}

func (v *validator) gameDay(p string, g *GameDay) {
	for i, x := range g.Participants {
		v.check(x.Name != "", fmt.Sprintf("%s.participants[%d].name", p, i), "empty")
	}
	if s := g.SignOff; s != nil {
		v.check(s.Approver != "", p+".signOff.approver", "empty")
		v.check(!s.At.IsZero(), p+".signOff.at", "not set")
	}
	issues := map[string]bool{}
	for i, x := range g.Issues {
		q := fmt.Sprintf("%s.issues[%d]", p, i)
		v.check(x.ID != "", q+".id", "empty")
		v.check(!issues[x.ID], q+".id", "%q is used by an earlier issue", x.ID)
		issues[x.ID] = true
		v.check(x.Title != "", q+".title", "empty")
		v.check(x.Severity == "" || slices.Contains(Severities(), x.Severity), q+".severity", "%q, want one of %v", x.Severity, Severities())
	}
	for i, x := range g.Remediation {
		q := fmt.Sprintf("%s.remediation[%d]", p, i)
		v.check(x.Title != "", q+".title", "empty")
		v.check(x.Owner != "", q+".owner", "empty: every remediation item needs an owner")
		v.check(x.Due != "", q+".due", "empty: every remediation item needs a due date")
		v.date(q+".due", x.Due)
		v.check(x.Issue == "" || issues[x.Issue], q+".issue", "%q is not an issue id", x.Issue)
	}
	if g.NextDrill != "" {
		v.date(p+".nextDrill", g.NextDrill)
	}
}

func (v *validator) date(field string, d Date) {
	if d == "" {
		return
	}
	_, err := d.Time()
	v.check(err == nil, field, "%q is not a date (YYYY-MM-DD)", string(d))
}
