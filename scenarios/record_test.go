package scenarios

import (
	"slices"
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

func TestAlertWindows(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	ev := func(s int, region, alert, event string) measure.ClusterEvent {
		return measure.ClusterEvent{At: at(s), Region: region, Object: "alert/" + alert, Event: event}
	}
	events := []measure.ClusterEvent{
		ev(5, "a", "Down", "pending {severity=critical}"),
		ev(10, "a", "Down", "firing {severity=critical}"),
		{At: at(11), Region: "a", Object: "pod/x", Event: "firing"}, // not an alert
		ev(12, "b", "Down", "firing"),
		ev(20, "a", "Down", "resolved"),
		ev(30, "a", "Down", "firing"),
	}
	got := alertWindows(events, t0, at(40))
	want := []evidence.Window{
		{Kind: evidence.WindowAlert, Label: "alert Down firing (a)", FromSeconds: 10, ToSeconds: 20},
		{Kind: evidence.WindowAlert, Label: "alert Down firing (b)", FromSeconds: 12, ToSeconds: 40},
		{Kind: evidence.WindowAlert, Label: "alert Down firing (a)", FromSeconds: 30, ToSeconds: 40},
	}
	if len(got) != len(want) {
		t.Fatalf("windows %+v, want %+v", got, want)
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %+v in %+v", w, got)
		}
	}
}
