package reports

import (
	"fmt"
	"strings"
	"time"

	"gameday.io/gameday/framework/evidence"
)

// Helpers shared by the Markdown and HTML renderers.

// verdictWord is "PASS", "FAIL", "INTERRUPTED" or "HARNESS FAILED".
func verdictWord(v evidence.Verdict) string {
	switch v {
	case evidence.VerdictPass:
		return "PASS"
	case evidence.VerdictInterrupted:
		return "INTERRUPTED"
	case evidence.VerdictHarnessFailed:
		return "HARNESS FAILED"
	}
	return "FAIL"
}

// statusWord is how an objective's outcome reads: "met", "not met", "not
// measured".
func statusWord(o evidence.Objective) string {
	return map[evidence.ObjectiveStatus]string{evidence.StatusMet: "met", evidence.StatusMissed: "not met", evidence.StatusNotMeasured: "not measured"}[o.Outcome()]
}

// shortCommit is the first 12 characters of a commit.
func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// utc formats a time as "2006-01-02 15:04:05 UTC"; "—" for the zero time.
func utc(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// span formats a duration rounded for people: "14m32s", "4.5s".
func span(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// seconds formats an offset in seconds: "20.0s".
func seconds(s float64) string { return fmt.Sprintf("%.1fs", s) }

// bucketText formats a bucket width: "250ms", "1s".
func bucketText(s float64) string { return span(time.Duration(s * float64(time.Second))) }

// percent formats a ratio as a percentage: "0.52%".
func percent(r float64) string { return fmt.Sprintf("%.2f%%", 100*r) }

// failedDrills counts the drills that failed.
func failedDrills(ev *evidence.Evidence) int {
	n := 0
	for _, d := range ev.Drills {
		if d.Verdict != evidence.VerdictPass {
			n++
		}
	}
	return n
}

// headline is the one-line outcome: "FAIL: 2 of 4 drills failed, 5 of 8 objectives met".
func headline(ev *evidence.Evidence) string {
	met, total := ev.MetCount()
	var b strings.Builder
	b.WriteString(verdictWord(ev.Verdict))
	if f := failedDrills(ev); f > 0 {
		fmt.Fprintf(&b, ": %d of %d drills failed", f, len(ev.Drills))
	} else {
		fmt.Fprintf(&b, ": %d of %d drills passed", len(ev.Drills), len(ev.Drills))
	}
	fmt.Fprintf(&b, ", %d of %d objectives met", met, total)
	if n := ev.NotMeasuredCount(); n > 0 {
		fmt.Fprintf(&b, ", %d not measured", n)
	}
	if a := ev.Aborted; a != nil {
		b.WriteString("; run " + a.Sentence())
	}
	return b.String()
}

// allFindings lists run-level findings then each drill's, with the drill name.
func allFindings(ev *evidence.Evidence) []drillFinding {
	var out []drillFinding
	for _, f := range ev.Findings {
		out = append(out, drillFinding{Finding: f})
	}
	for _, d := range ev.Drills {
		for _, f := range d.Findings {
			out = append(out, drillFinding{Drill: d.Name, Finding: f})
		}
	}
	return out
}

type drillFinding struct {
	Drill string
	evidence.Finding
}

// severityCounts renders "2 error, 1 warning".
func severityCounts(fs []drillFinding) string {
	var parts []string
	for _, s := range []evidence.Severity{evidence.SeverityError, evidence.SeverityWarning, evidence.SeverityInfo} {
		n := 0
		for _, f := range fs {
			if f.Severity == s {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}
