package reports_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
	"gameday.io/gameday/reports"
	"gameday.io/gameday/reports/internal/reporttest"
)

// abortedRun is the failing sample with its first drill interrupted and its
// second stopped by a harness failure, as a run Ctrl-C'd or broken mid-drill.
func abortedRun() *evidence.Evidence {
	ev := evidencetest.Failing()
	d0, d1 := &ev.Drills[0], &ev.Drills[1]
	d0.Aborted = evidence.NewAbort(evidence.AbortInterrupted, "interrupt signal received", d0.Start.Add(19*time.Second), d0.Start)
	d1.Aborted = evidence.NewAbort(evidence.AbortHarness, "data-plane agent (pid 4242): process 4242 exited", d1.Start.Add(21900*time.Millisecond), d1.Start)
	ev.Finalize()
	return ev
}

// negative finds a negative figure anywhere in a rendered report.
var negative = regexp.MustCompile(`(^|[\s(>≤≥=:])-\d`)

// Every format says the drill was interrupted or the harness failed, and
// judges none of its objectives: not met, not missed, no unset figure.
func TestAbortedDrillInEveryFormat(t *testing.T) {
	ev := abortedRun()
	if ev.Verdict != evidence.VerdictHarnessFailed {
		t.Fatalf("run verdict %s, want harness-failed", ev.Verdict)
	}
	var md, html bytes.Buffer
	if err := reports.WriteMarkdown(ev, &md); err != nil {
		t.Fatal(err)
	}
	if err := reports.WriteHTML(ev, &html); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"summary.md": md.String(), "report.html": html.String()} {
		for _, want := range []string{"HARNESS FAILED", "interrupted at +19.0 s: interrupt signal received",
			"the harness failed at +21.9 s: data-plane agent (pid 4242)", "not measured"} {
			if !strings.Contains(strings.ReplaceAll(text, "&#43;", "+"), want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if m := negative.FindString(text); m != "" && !strings.Contains(name, "html") {
			t.Errorf("%s has a negative figure: %q", name, m)
		}
	}
	// The aborted drills' objectives are never listed as met or missed.
	for _, line := range strings.Split(md.String(), "\n") {
		if strings.HasPrefix(line, "| "+ev.Drills[0].Name+" ") || strings.HasPrefix(line, "| "+ev.Drills[1].Name+" ") {
			if strings.Contains(line, "✅") || strings.Contains(line, "❌") {
				t.Errorf("an aborted drill's objective is judged in summary.md: %s", line)
			}
		}
	}

	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	back, err := evidence.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the evidence of an aborted run does not decode: %v", err)
	}
	if back.Drills[0].Aborted == nil || back.Drills[0].Verdict != evidence.VerdictInterrupted {
		t.Fatalf("decoded drill: %+v", back.Drills[0].Aborted)
	}

	dir := t.TempDir()
	src, _, err := reporttest.Write(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "junit.xml")
	if err := reports.EnrichJUnit(src, dst, ev, evidence.NewRedactor()); err != nil {
		t.Fatal(err)
	}
	props := readJUnit(t, dst).TestSuites[0].Properties
	d0 := ev.Drills[0]
	for name, want := range map[string]string{
		reports.PropVerdict:                                      "harness-failed",
		"gameday.drill." + d0.Name + ".verdict":                  "interrupted",
		"gameday.objective." + d0.Name + ".rto.met":              "false",
		"gameday.objective." + d0.Name + ".rto.status":           "not-measured",
		"gameday.objective." + d0.Name + ".rto.achieved":         "",
		"gameday.drill." + ev.Drills[1].Name + ".verdict":        "harness-failed",
		"gameday.objective." + ev.Drills[2].Name + ".rpo.status": "not-met",
	} {
		if v := props.WithName(name); v != want {
			t.Errorf("junit property %s = %q, want %q", name, v, want)
		}
	}
}
