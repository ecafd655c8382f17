package reports

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
)

// minSeriesPoints is the fewest points a chart series may have to count as data.
const minSeriesPoints = 50

// checkCharts checks every drill with a timeline has a chart whose success,
// p50, p99 and per-region share series all hold data, and that the verdict shows.
func checkCharts(t *testing.T, ev *evidence.Evidence, p *page) {
	t.Helper()
	if p.verdict != verdictWord(ev.Verdict) || p.verdictAttr != string(ev.Verdict) {
		t.Errorf("verdict element says %q (%q), want %q", p.verdict, p.verdictAttr, verdictWord(ev.Verdict))
	}
	for _, d := range ev.Drills {
		if got := p.sections["drill-"+d.Name]; got != string(d.Verdict) {
			t.Errorf("drill %s: section verdict %q, want %q", d.Name, got, d.Verdict)
		}
		c, ok := p.charts[d.Name]
		if d.Timeline == nil {
			if ok {
				t.Errorf("drill %s has no timeline but a chart", d.Name)
			}
			continue
		}
		if !ok {
			t.Errorf("drill %s: no chart", d.Name)
			continue
		}
		series := map[string]string{"success": hexColor(colorSuccess), "p50": hexColor(colorP50), "p99": hexColor(colorP99)}
		for i, r := range d.Timeline.Regions {
			series["share "+r] = hexColor(regionColors[i%len(regionColors)])
		}
		for name, col := range series {
			if c[col] < minSeriesPoints {
				t.Errorf("drill %s: series %s (%s) has %d points, want >= %d", d.Name, name, col, c[col], minSeriesPoints)
			}
		}
	}
}

func TestWriteHTML(t *testing.T) {
	for name, ev := range map[string]*evidence.Evidence{"passing": evidencetest.Passing(), "failing": evidencetest.Failing()} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteHTML(ev, &buf); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			assertSelfContained(t, out)
			p, err := parsePage(strings.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			checkCharts(t, ev, p)
			for _, want := range []string{ev.RunID, "Sample data", "Q4 regional failover game day", "Not signed off", "fixtures/"} {
				if !strings.Contains(p.text, want) {
					t.Errorf("report lacks %q", want)
				}
			}
			for _, d := range ev.Drills {
				for _, o := range d.Objectives {
					if !strings.Contains(p.text, o.Method) {
						t.Errorf("drill %s: objective %s's method is not in the report", d.Name, o.Name)
					}
				}
				for _, e := range d.Events {
					since := fmt.Sprintf("%+.1f s", e.At.Sub(d.Faults[0].InjectedAt).Seconds())
					if !strings.Contains(p.text, since+e.At.UTC().Format("15:04:05.000")+e.Region+e.Object+e.Event) { // cells, as text nodes in a row
						t.Errorf("drill %s: event %s %s is not in the report at %s", d.Name, e.Object, e.Event, since)
					}
				}
			}
		})
	}
}

var svgPath = regexp.MustCompile(`<path d="([^"]*)" style="([^"]*)"`)

var externalRef = regexp.MustCompile(`(?i)<script|<link|<iframe|<object|<embed|@import|url\(|\b(src|href)="(https?:)?//`)

func assertSelfContained(t *testing.T, page string) {
	t.Helper()
	if m := externalRef.FindString(page); m != "" {
		t.Errorf("report.html is not self-contained: found %q", m)
	}
	if !strings.Contains(page, `http-equiv="Content-Security-Policy" content="default-src 'none'`) {
		t.Error("report.html lacks its Content-Security-Policy")
	}
}

func TestWriteHTMLEscapes(t *testing.T) {
	ev := evidencetest.Failing()
	ev.Drills[0].Findings = append(ev.Drills[0].Findings, evidence.Finding{ID: "x", Severity: evidence.SeverityInfo, Message: `<script>alert("x")</script>`})
	ev.Drills[0].Windows[0].Label = `<b>RTO</b> & "more"`
	var buf bytes.Buffer
	if err := WriteHTML(ev, &buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "<script>") || strings.Contains(buf.String(), "<b>RTO</b>") {
		t.Error("evidence text reached report.html unescaped")
	}
}

// A failed drill's report is as complete as a passing one's: a drill that
// errored before any load, a fault never reverted, nothing measured.
func TestWriteHTMLBrokenDrill(t *testing.T) {
	ev := evidencetest.Failing()
	d := &ev.Drills[1]
	d.Error = "context deadline exceeded waiting for 6 ready replicas"
	d.Faults[0].RevertedAt = nil
	d.Objectives[1].Achieved = nil
	ev.Drills = append(ev.Drills, evidence.Drill{Name: "pod-kill", Scenario: "pod-kill", Start: ev.Start, End: ev.Start.Add(time.Second), Error: "environment not ready"})
	ev.Finalize()
	var buf bytes.Buffer
	if err := WriteHTML(ev, &buf); err != nil {
		t.Fatal(err)
	}
	p, err := parsePage(&buf)
	if err != nil {
		t.Fatal(err)
	}
	checkCharts(t, ev, p)
	for _, want := range []string{"never reverted", "not measured", "environment not ready", "No objective was measured", "context deadline exceeded"} {
		if !strings.Contains(p.text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestDrillChart(t *testing.T) {
	d := evidencetest.Passing().Drills[0]
	if _, err := DrillChart(&evidence.Drill{Name: "empty"}); err == nil {
		t.Error("a drill without a timeline was charted")
	}
	// Buckets that sent nothing are gaps, not zeros.
	for i := 40; i < 50; i++ {
		d.Timeline.Points[i].Sent = 0
	}
	svg, err := DrillChart(&d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Errorf("chart does not start with <svg: %.40q", svg)
	}
	n := 0
	for _, m := range svgPath.FindAllStringSubmatch(string(svg), -1) {
		if strokeOf(m[2]) == hexColor(colorSuccess) && pathPoints(m[1]) > 2 {
			n++
		}
	}
	if n != 2 {
		t.Errorf("success series drawn as %d paths, want 2 around the gap", n)
	}
	for _, label := range []string{"fault: zone-outage", "RTO 4.5s", "Success ratio", "Latency", "Traffic share"} {
		if !bytes.Contains(svg, []byte(label)) {
			t.Errorf("chart lacks %q", label)
		}
	}
}

// The platform's alerts get a table of their first transitions and their
// firing spans are shaded on the chart.
func TestWriteHTMLAlerts(t *testing.T) {
	ev := evidencetest.Passing()
	d := &ev.Drills[0]
	t0 := d.Faults[0].InjectedAt
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	d.Events = append(d.Events,
		evidence.Event{At: at(2), Region: "us-east1", Object: "alert/ZoneFailure", Event: "pending {zone=us-east1-a}"},
		evidence.Event{At: at(32.5), Region: "us-east1", Object: "alert/ZoneFailure", Event: "firing {zone=us-east1-a}"},
		evidence.Event{At: at(50), Region: "us-east1", Object: "alert/ZoneFailure", Event: "resolved {zone=us-east1-a}"},
		evidence.Event{At: at(3), Region: "europe-west1", Object: "alert/Other", Event: "pending"},
	)
	from := at(32.5).Sub(d.Timeline.Start).Seconds()
	d.Windows = append(d.Windows, evidence.Window{Kind: evidence.WindowAlert, Label: "alert ZoneFailure firing (us-east1)", FromSeconds: from, ToSeconds: from + 17.5})
	var buf bytes.Buffer
	if err := WriteHTML(ev, &buf); err != nil {
		t.Fatal(err)
	}
	p, err := parsePage(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{"ZoneFailureus-east1+2.0 s+32.5 s+50.0 s", "Othereurope-west1+3.0 s——"} {
		if !strings.Contains(p.text, row) {
			t.Errorf("alert table lacks the row %q", row)
		}
	}
	svg, err := DrillChart(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("alert ZoneFailure firing (us-east1)")) {
		t.Error("the chart does not shade the alert's firing span")
	}
}
