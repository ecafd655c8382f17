package scenarios

import (
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/objectives"
	"gameday.io/gameday/framework/monitoring"
)

func TestAlertEventNamesStateAndLabels(t *testing.T) {
	got := alertEvent(monitoring.Transition{Alert: "Down", To: monitoring.StateFiring,
		Labels: map[string]string{"alertname": "Down", "severity": "critical", "region": "east"}})
	if want := "firing {region=east,severity=critical}"; got != want {
		t.Errorf("alertEvent = %q, want %q", got, want)
	}
	if got := alertEvent(monitoring.Transition{Alert: "Down", To: monitoring.StatePending, Labels: map[string]string{"alertname": "Down"}}); got != "pending" {
		t.Errorf("alertEvent without labels = %q", got)
	}
}

// TestAlertMetricsCountFromTheFault: time to detect is measured from the
// injection to the first pending and firing after it, per region and alert;
// an alert already active before the fault does not count as detection of
// it, and resolution counts from the revert, only after it.
func TestAlertMetricsCountFromTheFault(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	injected, reverted := at(10), at(40)
	ev := func(s float64, region, obj, event string) measure.ClusterEvent {
		return measure.ClusterEvent{At: at(s), Region: region, Object: obj, Event: event}
	}
	events := []measure.ClusterEvent{
		ev(2, "east", "alert/Noisy", "firing {severity=info}"), // before the fault
		ev(5, "east", "alert/Down", "pending"),                 // before the fault
		ev(6, "east", "alert/Down", "inactive"),
		ev(11, "east", "node/n1", "NotReady"),
		ev(13.5, "east", "alert/Down", "pending {severity=critical}"),
		ev(20, "east", "alert/Down", "firing {severity=critical}"),
		ev(21, "west", "alert/Down", "pending"),
		ev(30, "east", "alert/Down", "resolved"), // before the revert: not the revert's doing
		ev(31, "east", "alert/Down", "pending"),
		ev(32, "east", "alert/Down", "firing"),
		ev(45.5, "east", "alert/Down", "resolved"),
	}
	got := map[string]float64{}
	for _, m := range alertMetrics(events, injected, reverted, 500*time.Millisecond) {
		if _, dup := got[m.Name]; dup {
			t.Errorf("metric %q twice", m.Name)
		}
		got[m.Name] = m.Value
		if m.Method == "" || m.Unit == "" {
			t.Errorf("metric %q without method or unit: %+v", m.Name, m)
		}
	}
	want := map[string]float64{
		"alert Down pending (east)":  3.5,
		"alert Down firing (east)":   10,
		"alert Down resolved (east)": 5.5,
		"alert Down pending (west)":  11,
	}
	if len(got) != len(want) {
		t.Errorf("metrics %v, want %v", got, want)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	if m := alertMetrics(events, injected, time.Time{}, time.Second); len(m) != 3 {
		// without a revert nothing resolved "after" it: pending and firing east, pending west
		t.Errorf("without a revert: %v", m)
	}
}

// TestObserveAlerts: each planned alert takes its earliest pending, firing
// and (after the revert began) resolution in any region, its region where
// it fired first; one that fired and never resolved is a finding, and one
// that never fired carries what the lint says about it.
func TestObserveAlerts(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	ev := func(s float64, region, alert, event string) measure.ClusterEvent {
		return measure.ClusterEvent{At: at(s), Region: region, Object: "alert/" + alert, Event: event}
	}
	d := &drill{env: platformEnv(t, "reference"), injected: at(10), reverting: at(40),
		alertPlan: []objectives.Alert{{Name: "InferenceServiceDown"}, {Name: "ModelStorageUnavailable"}, {Name: "ZoneFailure"}}}
	got := d.observeAlerts([]measure.ClusterEvent{
		ev(5, "east", "InferenceServiceDown", "pending"), // before the fault
		ev(12, "west", "InferenceServiceDown", "pending"),
		ev(13, "east", "InferenceServiceDown", "pending"),
		ev(20, "east", "InferenceServiceDown", "firing"),
		ev(30, "west", "InferenceServiceDown", "resolved"), // before the revert
		ev(44, "east", "InferenceServiceDown", "resolved"),
		ev(15, "east", "ModelStorageUnavailable", "pending"),
		ev(25, "east", "ModelStorageUnavailable", "firing"),
	})
	isd, msu, zf := got[0], got[1], got[2]
	if !isd.Pending.Equal(at(12)) || !isd.Firing.Equal(at(20)) || !isd.Resolved.Equal(at(44)) || isd.Region != "east" {
		t.Errorf("InferenceServiceDown %+v", isd)
	}
	if !msu.Firing.Equal(at(25)) || !msu.Resolved.IsZero() {
		t.Errorf("ModelStorageUnavailable %+v", msu)
	}
	if !zf.Pending.IsZero() || !zf.Firing.IsZero() || !strings.Contains(zf.Static, "lint alert-never-fires") {
		t.Errorf("ZoneFailure %+v: never fired, with the lint's reason", zf)
	}
	var unresolved []string
	for _, f := range d.findings {
		if f.ID == "alert-unresolved" {
			unresolved = append(unresolved, f.Message)
		}
	}
	if len(unresolved) != 1 || !strings.Contains(unresolved[0], "ModelStorageUnavailable") {
		t.Errorf("alert-unresolved findings %q", unresolved)
	}
	if len(d.alertPlan) != 3 || !d.alertPlan[0].Firing.IsZero() {
		t.Error("the plan itself is not changed")
	}
}
