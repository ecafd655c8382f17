package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"gameday.io/gameday/framework/evidence"
)

// maxMarkdownFindings bounds the findings listed in summary.md; the HTML
// report lists all.
const maxMarkdownFindings = 10

// WriteMarkdown writes summary.md: the verdict, one table row per drill with
// its objectives, why it failed, the findings and the game-day status. It
// is short enough for a PR comment or a chat message.
func WriteMarkdown(ev *evidence.Evidence, w io.Writer) error {
	var b bytes.Buffer
	mark := map[evidence.Verdict]string{evidence.VerdictPass: "✅", evidence.VerdictInterrupted: "⏹️", evidence.VerdictHarnessFailed: "⚠️"}[ev.Verdict]
	if mark == "" {
		mark = "❌"
	}
	fmt.Fprintf(&b, "### %s gameday %s\n\n", mark, headline(ev))
	if ev.SampleData {
		b.WriteString("> **Sample data** — constructed for documentation and tests, not measured in a drill.\n\n")
	}
	fmt.Fprintf(&b, "Run `%s` · profile `%s` · %s · topology `%s` · gameday %s (%s) · %s → %s (%s)\n\n",
		ev.RunID, ev.Profile, md(ev.Environment.Provider), md(ev.Topology.Name), md(ev.Gameday.Version),
		shortCommit(ev.Gameday.Commit), utc(ev.Start), utc(ev.End), span(ev.Duration()))

	b.WriteString("| Drill | Verdict | Objectives |\n|---|---|---|\n")
	for _, d := range ev.Drills {
		var objs []string
		for _, o := range d.Objectives {
			m := map[string]string{"met": "✅", "not met": "❌", "not measured": "➖"}[statusWord(o)]
			objs = append(objs, fmt.Sprintf("%s %s %s (%s)", m, md(o.Name), md(o.AchievedText()), md(o.Requirement())))
		}
		if len(objs) == 0 {
			objs = append(objs, "none measured")
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", md(d.Name), strings.ToLower(verdictWord(d.Verdict)), strings.Join(objs, "<br>"))
	}

	if why := ev.FailureReasons(); len(why) > 0 {
		b.WriteString("\n**Why it failed**\n\n")
		for _, r := range why {
			fmt.Fprintf(&b, "- %s\n", md(r))
		}
	}

	if fs := allFindings(ev); len(fs) > 0 {
		fmt.Fprintf(&b, "\n**Findings** (%s)\n\n", severityCounts(fs))
		for i, f := range fs {
			if i == maxMarkdownFindings {
				fmt.Fprintf(&b, "- … and %d more in report.html\n", len(fs)-i)
				break
			}
			where := ""
			if f.Drill != "" {
				where = " (" + md(f.Drill) + ")"
			}
			fmt.Fprintf(&b, "- **%s** `%s`%s: %s\n", f.Severity, f.ID, where, md(f.Message))
		}
	}

	if g := ev.GameDay; g != nil {
		b.WriteString("\n**Game day**: ")
		b.WriteString(gameDayLine(g))
		b.WriteString("\n")
	}
	_, err := w.Write(b.Bytes())
	if err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// gameDayLine summarises the compliance record in one line.
func gameDayLine(g *evidence.GameDay) string {
	var parts []string
	if s := g.SignOff; s != nil {
		parts = append(parts, fmt.Sprintf("signed off by %s at %s", md(s.Approver), utc(s.At)))
	} else {
		parts = append(parts, "not signed off")
	}
	parts = append(parts, fmt.Sprintf("%d participants", len(g.Participants)))
	parts = append(parts, fmt.Sprintf("%d issues", len(g.Issues)))
	open := 0
	for _, r := range g.Remediation {
		if r.Status != "done" {
			open++
		}
	}
	parts = append(parts, fmt.Sprintf("%d remediation items (%d open)", len(g.Remediation), open))
	if g.NextDrill != "" {
		parts = append(parts, "next drill "+string(g.NextDrill))
	}
	return strings.Join(parts, " · ")
}

// md escapes text for a Markdown table cell or list item.
func md(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", "", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "'")
	return r.Replace(s)
}
