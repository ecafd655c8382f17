package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"gameday.io/gameday/framework/evidence"
)

var (
	//go:embed report.html.tmpl
	reportTemplate string
	//go:embed report.css
	reportCSS string
)

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"utc":      utc,
	"seconds":  seconds,
	"bucket":   bucketText,
	"percent":  percent,
	"short":    shortCommit,
	"verdict":  verdictWord,
	"status":   statusWord,
	"abort":    func(a *evidence.Abort) string { return strings.ToUpper(a.Sentence()[:1]) + a.Sentence()[1:] },
	"lower":    strings.ToLower,
	"value":    evidence.FormatValue,
	"headline": headline,
	"gameDay":  gameDayLine,
	"severity": severityCounts,
	"drillDur": func(d *evidence.Drill) string { return span(d.Duration()) },
	"runDur":   func(e *evidence.Evidence) string { return span(e.Duration()) },
	"join":     strings.Join,
	"metCount": metCount,
	"css":      func() template.CSS { return template.CSS(reportCSS) },
}).Parse(reportTemplate))

// htmlDrill is a drill with its rendered chart.
type htmlDrill struct {
	*evidence.Drill
	// Chart is the inline SVG; empty when the drill has no timeline.
	Chart template.HTML
	// Reasons says why the drill failed.
	Reasons []string
	// Points is how many timeline points the chart draws from.
	Points int
	// EventRows are the drill's cluster events with their offsets.
	EventRows []eventRow
	// Alerts: some events are the platform's alerts (monitoring was on).
	Alerts bool
	// AlertRows summarise each alert's first transitions.
	AlertRows []alertRow
}

// alertRow is one alert of one region: its first pending and firing, and
// the first resolution after it fired, as offsets from the first fault
// ("—" when not seen).
type alertRow struct {
	Alert, Region             string
	Pending, Firing, Resolved string
}

// alertRows summarises d's alert events per region and alert, in the order
// they first appear.
func alertRows(d *evidence.Drill) []alertRow {
	origin := faultOrigin(d)
	var out []alertRow
	index := map[[2]string]int{}
	for _, e := range d.Events {
		name, ok := strings.CutPrefix(e.Object, "alert/")
		if !ok {
			continue
		}
		k := [2]string{e.Region, name}
		i, seen := index[k]
		if !seen {
			i = len(out)
			index[k] = i
			out = append(out, alertRow{Alert: name, Region: e.Region, Pending: "—", Firing: "—", Resolved: "—"})
		}
		r := &out[i]
		at := fmt.Sprintf("%+.1f s", e.At.Sub(origin).Seconds())
		state, _, _ := strings.Cut(e.Event, " ")
		switch {
		case state == "pending" && r.Pending == "—":
			r.Pending = at
		case state == "firing" && r.Firing == "—":
			r.Firing = at
		case state == "resolved" && r.Firing != "—" && r.Resolved == "—":
			r.Resolved = at
		}
	}
	return out
}

// eventRow is one cluster event as the report shows it.
type eventRow struct {
	// Since is the offset from the first fault ("+8.7 s", "-0.2 s"), or
	// from the drill's start when it injected none.
	Since, Clock          string
	Region, Object, Event string
}

// faultOrigin is what event offsets count from: the first fault's
// injection, or the drill's start when it injected none.
func faultOrigin(d *evidence.Drill) time.Time {
	if len(d.Faults) > 0 {
		return d.Faults[0].InjectedAt
	}
	return d.Start
}

// eventRows renders d's events relative to its first fault.
func eventRows(d *evidence.Drill) []eventRow {
	origin := faultOrigin(d)
	rows := make([]eventRow, 0, len(d.Events))
	for _, e := range d.Events {
		rows = append(rows, eventRow{Since: fmt.Sprintf("%+.1f s", e.At.Sub(origin).Seconds()), Clock: e.At.UTC().Format("15:04:05.000"),
			Region: e.Region, Object: e.Object, Event: e.Event})
	}
	return rows
}

type htmlView struct {
	*evidence.Evidence
	Drills   []htmlDrill
	Findings []drillFinding
	Reasons  []string
}

// WriteHTML writes report.html: one self-contained page (inline CSS, inline
// SVG charts drawn with gonum.org/v1/plot, no script, no external resource)
// with the verdict on top, then per drill its chart, faults, load per phase,
// objectives, metrics and findings, then the findings of the run, the
// game-day record and the fixture digests.
func WriteHTML(ev *evidence.Evidence, w io.Writer) error {
	view := htmlView{Evidence: ev, Findings: allFindings(ev), Reasons: ev.FailureReasons()}
	for i := range ev.Drills {
		d := &ev.Drills[i]
		hd := htmlDrill{Drill: d, Reasons: d.FailureReasons(), EventRows: eventRows(d), AlertRows: alertRows(d)}
		for _, e := range d.Events {
			hd.Alerts = hd.Alerts || strings.HasPrefix(e.Object, "alert/")
		}
		if d.Timeline != nil && len(d.Timeline.Points) > 0 {
			svg, err := DrillChart(d)
			if err != nil {
				return err
			}
			hd.Chart = template.HTML(svg) // produced by vgsvg, which escapes all text
			hd.Points = len(d.Timeline.Points)
		}
		view.Drills = append(view.Drills, hd)
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, view); err != nil {
		return fmt.Errorf("render report.html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write report.html: %w", err)
	}
	return nil
}

// metCount renders "1 of 2".
func metCount(d *evidence.Drill) string {
	met := 0
	for _, o := range d.Objectives {
		if o.Evaluate() {
			met++
		}
	}
	return fmt.Sprintf("%d of %d", met, len(d.Objectives))
}
