package objectives

import (
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/measure"
)

// alertObservation is a 30 s outage (observation) with monitoring and two
// alerts: ZoneFailure, the platform's alert for the fault, and
// InferenceServiceDown, which starts the runbook.
func alertObservation() *Observation {
	o := observation()
	o.Monitoring = true
	o.Alerts = []Alert{
		{Name: "ZoneFailure", For: 30 * time.Second, Within: 44 * time.Second, Why: "its expression reads node readiness per zone"},
		{Name: "InferenceServiceDown", For: 12 * time.Second, Within: 26 * time.Second, Runbook: true, Why: "it starts the platform's runbook"},
	}
	return o
}

// judged is what an objective should say: its value (-1: not measured),
// its verdict and a part of its detail.
type judged struct {
	value  float64
	met    bool
	detail string
}

func TestAlertFires(t *testing.T) {
	at := func(s float64) time.Time { return observation().Injected.Add(time.Duration(s * float64(time.Second))) }
	cases := []struct {
		name   string
		spec   Spec
		change func(o *Observation)
		// want per alert objective: value (-1 not measured), met, detail.
		want []judged
	}{
		{"both fire within", Spec{Kind: "alert-fires"}, func(o *Observation) {
			o.Alerts[0].Pending, o.Alerts[0].Firing, o.Alerts[0].Region = at(9), at(40), "us-east1"
			o.Alerts[1].Firing, o.Alerts[1].Region = at(14), "us-east1"
		}, []judged{{40, true, "fired in us-east1"}, {14, true, ""}}},
		{"late and never", Spec{Kind: "alert-fires"}, func(o *Observation) {
			o.Alerts[0].Firing = at(50)
			o.Alerts[1].Static = "lint alert-empty-aggregation: alert InferenceServiceDown cannot fire once every up series is gone"
		}, []judged{{50, false, ""}, {30, false, "(never pending); lint alert-empty-aggregation"}}},
		{"pending when the outage ended", Spec{Kind: "alert-fires", Alert: "ZoneFailure"}, func(o *Observation) {
			o.Alerts[0].Pending, o.Alerts[0].Region = at(9), "us-east1"
		}, []judged{{30, false, "pending from +9.0s in us-east1, but the 30s outage ended before its for: of 30s"}}},
		{"a target of the scenario's", Spec{Kind: "alert-fires", Alert: "InferenceServiceDown", Target: "10s"}, func(o *Observation) {
			o.Alerts[1].Firing = at(14)
		}, []judged{{14, false, ""}}},
		{"no monitoring: the default gives nothing", Spec{Kind: "alert-fires"}, func(o *Observation) {
			o.Monitoring, o.Alerts = false, nil
		}, nil},
		{"no monitoring: a named alert is not measured", Spec{Kind: "alert-fires", Alert: "ZoneFailure"}, func(o *Observation) {
			o.Monitoring, o.Alerts = false, nil
		}, []judged{{-1, false, "runs no Prometheus"}}},
		{"an alert the platform lacks", Spec{Kind: "alert-fires", Alert: "NoSuch"}, nil, []judged{{-1, false, "no alerting rule NoSuch"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := alertObservation()
			if c.change != nil {
				c.change(o)
			}
			got := Evaluate([]Spec{c.spec}, o)
			if len(got) != len(c.want) {
				t.Fatalf("%d objectives, want %d: %+v", len(got), len(c.want), got)
			}
			for i, w := range c.want {
				checkObjective(t, got[i], w.value, w.met, w.detail)
				if got[i].Kind != "alert-fires" || !strings.HasPrefix(got[i].Name, "alert ") {
					t.Errorf("kind %q name %q", got[i].Kind, got[i].Name)
				}
			}
		})
	}
}

func TestAlertToFailover(t *testing.T) {
	at := func(s float64) time.Time { return observation().Injected.Add(time.Duration(s * float64(time.Second))) }
	failedOver := func(after time.Duration) *measure.FailoverResult {
		return &measure.FailoverResult{Region: "europe-west1", FailedOver: true, Time: after}
	}
	cases := []struct {
		name   string
		change func(o *Observation)
		value  float64
		met    bool
		detail string
	}{
		{"automation after the alert", func(o *Observation) {
			o.Alerts[1].Firing, o.Failover = at(14), failedOver(20*time.Second)
		}, 6, true, ""},
		{"load balancer before the alert", func(o *Observation) {
			o.Alerts[1].Firing, o.Failover = at(14), failedOver(2*time.Second)
		}, -12, true, "12.0s before InferenceServiceDown fired"},
		{"too slow", func(o *Observation) {
			o.Alerts[1].Firing, o.Failover = at(14), failedOver(60*time.Second)
		}, 46, false, ""},
		{"the alert never fired", func(o *Observation) { o.Failover = failedOver(2 * time.Second) }, -1, false, "never fired"},
		{"no failover", func(o *Observation) {
			o.Alerts[1].Firing, o.Failover = at(14), &measure.FailoverResult{Reason: "the DR region served 3%"}
		}, -1, false, "served 3%"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := alertObservation()
			c.change(o)
			got := Evaluate([]Spec{{Kind: "alert-to-failover"}}, o)
			if len(got) != 1 {
				t.Fatalf("%d objectives: %+v", len(got), got)
			}
			checkObjective(t, got[0], c.value, c.met, c.detail)
			if got[0].Target != 30 {
				t.Errorf("target %v, want 5m scaled by the fast profile (30 s)", got[0].Target)
			}
		})
	}
	o := alertObservation()
	o.Monitoring = false
	if got := Evaluate([]Spec{{Kind: "alert-to-failover"}}, o); len(got) != 0 {
		t.Errorf("without monitoring no alert was evaluated, so nothing is judged: %+v", got)
	}
}

func checkObjective(t *testing.T, got evidence.Objective, value float64, met bool, detail string) {
	t.Helper()
	got.Met = got.Evaluate()
	switch {
	case value == -1 && got.Achieved != nil:
		t.Errorf("%s: measured %v, want not measured", got.Name, *got.Achieved)
	case value != -1 && (got.Achieved == nil || abs(*got.Achieved-value) > 1e-9):
		t.Errorf("%s: measured %v, want %v", got.Name, got.Achieved, value)
	}
	if got.Met != met {
		t.Errorf("%s: met = %v, want %v (%+v)", got.Name, got.Met, met, got)
	}
	if !strings.Contains(got.Detail, detail) {
		t.Errorf("%s: detail %q does not say %q", got.Name, got.Detail, detail)
	}
	if got.Method == "" {
		t.Errorf("%s: no method", got.Name)
	}
}
