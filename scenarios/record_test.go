package scenarios

import (
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/measure"
)

// Every outage after the fault is shaded and counted, a relapse says so,
// and one that had not ended says that too.
func TestRecordOutages(t *testing.T) {
	outages := []measure.Outage{
		{From: 20 * time.Second, To: 23500 * time.Millisecond, Ended: true, Sent: 70, Failed: 31},
		{From: 41 * time.Second, To: 60 * time.Second, Sent: 380, Failed: 380, Relapse: true, Clean: 17500 * time.Millisecond},
	}
	var dr evidence.Drill
	recordOutages(&dr, outages, 1)
	if len(dr.Windows) != 2 {
		t.Fatalf("windows %+v", dr.Windows)
	}
	want := []string{"outage 1: 3.5s, 31 of 70 failed", "outage 2: 19s, 380 of 380 failed (relapse after 17.5s clean) (had not ended)"}
	for i, w := range dr.Windows {
		if w.Kind != evidence.WindowOutage || w.Label != want[i] || w.FromSeconds != outages[i].From.Seconds() || w.ToSeconds != outages[i].To.Seconds() {
			t.Errorf("window %d = %+v, want %q over %s–%s", i, w, want[i], outages[i].From, outages[i].To)
		}
	}
	got := map[string]float64{}
	for _, m := range dr.Metrics {
		got[m.Name] = m.Value
	}
	if got["outages after the fault"] != 2 || got["relapses"] != 1 {
		t.Errorf("metrics %v", got)
	}
	if !strings.Contains(dr.Metrics[1].Method, "not the first recovery") {
		t.Errorf("the relapse metric does not say what it means: %q", dr.Metrics[1].Method)
	}
}
