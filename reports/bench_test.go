package reports

import (
	"bytes"
	"io"
	"testing"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
)

// longDrill stretches the sample zone outage to a production-length
// timeline: 30 min of 100 ms buckets (18,000 points).
func longDrill() *evidence.Evidence {
	ev := evidencetest.Passing()
	ev.Drills = ev.Drills[:1]
	tl := ev.Drills[0].Timeline
	src := tl.Points
	tl.BucketSeconds = 0.1
	tl.Points = make([]evidence.Point, 18000)
	for i := range tl.Points {
		p := src[i%len(src)]
		p.T = float64(i) / 10
		tl.Points[i] = p
	}
	return ev
}

func BenchmarkWriteHTMLProductionDrill(b *testing.B) {
	ev := longDrill()
	for b.Loop() {
		if err := WriteHTML(ev, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteJSONProductionDrill(b *testing.B) {
	ev := longDrill()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteJSON(ev, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/file")
}
