package evidence_test

import (
	"errors"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
)

func TestSamplesValidate(t *testing.T) {
	for name, ev := range map[string]*evidence.Evidence{"passing": evidencetest.Passing(), "failing": evidencetest.Failing()} {
		t.Run(name, func(t *testing.T) {
			if err := ev.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
	if v := evidencetest.Passing().Verdict; v != evidence.VerdictPass {
		t.Errorf("passing sample: verdict %s", v)
	}
	if v := evidencetest.Failing().Verdict; v != evidence.VerdictFail {
		t.Errorf("failing sample: verdict %s", v)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(*evidence.Evidence)
		field  string
	}{
		{"schema", func(e *evidence.Evidence) { e.SchemaVersion = "v0" }, "schemaVersion"},
		{"run id", func(e *evidence.Evidence) { e.RunID = "" }, "runID"},
		{"end before start", func(e *evidence.Evidence) { e.End = e.Start.Add(-1) }, "end"},
		{"profile", func(e *evidence.Evidence) { e.Profile = "" }, "profile"},
		{"verdict", func(e *evidence.Evidence) { e.Verdict = "maybe" }, "verdict"},
		{"fixture digest", func(e *evidence.Evidence) { e.Fixtures[1].SHA256 = "abc" }, "fixtures[1].sha256"},
		{"topology digest", func(e *evidence.Evidence) { e.Topology.SHA256 = "zz" }, "topology.sha256"},
		{"duplicate drill", func(e *evidence.Evidence) { e.Drills[1].Name = e.Drills[0].Name }, "drills[1].name"},
		{"objective method", func(e *evidence.Evidence) { e.Drills[0].Objectives[1].Method = "" }, "drills[0].objectives[1].method"},
		{"objective comparison", func(e *evidence.Evidence) { e.Drills[2].Objectives[0].Comparison = "<" }, "drills[2].objectives[0].comparison"},
		{"fault kind", func(e *evidence.Evidence) { e.Drills[1].Faults[0].Kind = "" }, "drills[1].faults[0].kind"},
		{"revert before inject", func(e *evidence.Evidence) {
			f := &e.Drills[0].Faults[0]
			r := f.InjectedAt.Add(-1)
			f.RevertedAt = &r
		}, "drills[0].faults[0].revertedAt"},
		{"load ok > sent", func(e *evidence.Evidence) { e.Drills[0].Load[1].OK = e.Drills[0].Load[1].Sent + 1 }, "drills[0].load[1].ok"},
		{"timeline order", func(e *evidence.Evidence) { e.Drills[0].Timeline.Points[5].T = 0 }, "drills[0].timeline.points[5].t"},
		{"success ratio", func(e *evidence.Evidence) { e.Drills[0].Timeline.Points[3].Success = 1.5 }, "drills[0].timeline.points[3].success"},
		{"event order", func(e *evidence.Evidence) { e.Drills[0].Events[2].At = e.Drills[0].Events[1].At.Add(-1) }, "drills[0].events[2].at"},
		{"event region", func(e *evidence.Evidence) { e.Drills[0].Events[0].Region = "" }, "drills[0].events[0].region"},
		{"event text", func(e *evidence.Evidence) { e.Drills[0].Events[3].Event = "" }, "drills[0].events[3].event"},
		{"finding severity", func(e *evidence.Evidence) { e.Findings[0].Severity = "fatal" }, "findings[0].severity"},
		{"drill finding message", func(e *evidence.Evidence) { e.Drills[2].Findings[0].Message = "" }, "drills[2].findings[0].message"},
		{"remediation owner", func(e *evidence.Evidence) { e.GameDay.Remediation[0].Owner = "" }, "gameDay.remediation[0].owner"},
		{"remediation due", func(e *evidence.Evidence) { e.GameDay.Remediation[1].Due = "" }, "gameDay.remediation[1].due"},
		{"remediation due date", func(e *evidence.Evidence) { e.GameDay.Remediation[1].Due = "next week" }, "gameDay.remediation[1].due"},
		{"remediation issue", func(e *evidence.Evidence) { e.GameDay.Remediation[0].Issue = "GD-9" }, "gameDay.remediation[0].issue"},
		{"next drill", func(e *evidence.Evidence) { e.GameDay.NextDrill = "2027-13-01" }, "gameDay.nextDrill"},
		{"participant", func(e *evidence.Evidence) { e.GameDay.Participants[2].Name = "" }, "gameDay.participants[2].name"},
		{"sign-off approver", func(e *evidence.Evidence) { e.GameDay.SignOff = &evidence.SignOff{At: e.End} }, "gameDay.signOff.approver"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := evidencetest.Failing()
			tt.break_(ev)
			err := ev.Validate()
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("Validate() = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), "field "+tt.field+":") {
				t.Errorf("error %q does not name field %s", err, tt.field)
			}
		})
	}
}
