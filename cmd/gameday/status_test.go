package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/sensor"
)

// TestStatusShowsAlerts: with monitoring, status names each region's
// Prometheus and Alertmanager and lists the alerts pending or firing,
// with their labels; without alerts it says so, and without monitoring
// it prints nothing about it.
func TestStatusShowsAlerts(t *testing.T) {
	since := time.Date(2026, 12, 5, 10, 4, 5, 0, time.UTC)
	st := &environment.Status{Name: "e", Phase: environment.PhaseReady, Regions: []environment.RegionStatus{
		{Name: "east", Reachable: true, Monitoring: &environment.MonitoringStatus{
			MonitoringStatus: dataplane.MonitoringStatus{PrometheusURL: "http://127.0.0.1:1", AlertmanagerURL: "http://127.0.0.1:2"},
			Alerts:           []environment.AlertStatus{{Name: "ServingDown", State: "firing", Since: since, Labels: map[string]string{"severity": "critical", "region": "east"}}},
		}},
		{Name: "west", Reachable: true, Monitoring: &environment.MonitoringStatus{
			MonitoringStatus: dataplane.MonitoringStatus{PrometheusURL: "http://127.0.0.1:3"}, Error: "Prometheus unreachable: refused", Alerts: []environment.AlertStatus{},
		}},
	}}
	var b bytes.Buffer
	printStatus(&b, st)
	out := b.String()
	for _, want := range []string{
		"east: prometheus http://127.0.0.1:1  alertmanager http://127.0.0.1:2",
		"Prometheus unreachable: refused",
		"ServingDown", "firing", "10:04:05", "region=east,severity=critical",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status output lacks %q:\n%s", want, out)
		}
	}
	if statusError(st) != nil {
		t.Errorf("a firing alert is the platform's state, not an unhealthy environment: %v", statusError(st))
	}

	st.Regions[0].Monitoring.Alerts = nil
	b.Reset()
	printStatus(&b, st)
	if out := b.String(); !strings.Contains(out, "no alert pending or firing") || strings.Contains(out, "ALERT") {
		t.Errorf("without alerts:\n%s", out)
	}

	st.Regions[0].Monitoring, st.Regions[1].Monitoring = nil, nil
	b.Reset()
	printStatus(&b, st)
	if out := b.String(); strings.Contains(out, "prometheus") || strings.Contains(out, "alert") {
		t.Errorf("without monitoring:\n%s", out)
	}
}

// TestStatusShowsSensorActions: status lists what the platform's Sensor did
// in each region, also when no alert is active any more.
func TestStatusShowsSensorActions(t *testing.T) {
	at := time.Date(2026, 12, 5, 3, 4, 5, 0, time.UTC)
	st := &environment.Status{Regions: []environment.RegionStatus{
		{Name: "west", Monitoring: &environment.MonitoringStatus{
			MonitoringStatus: dataplane.MonitoringStatus{PrometheusURL: "http://127.0.0.1:9090", AlertmanagerURL: "http://127.0.0.1:9093"},
			Automation: []sensor.Action{
				{At: at, Sensor: "failover", Alert: "Down", Object: "Service shop/web", Values: []sensor.Value{{Dest: "metadata.annotations.from", Value: "east"}}},
				{At: at.Add(time.Second), Sensor: "failover", Alert: "Down", Object: "Service shop/web", Err: "connection refused"},
			}}},
	}}
	var buf bytes.Buffer
	printAlerts(&buf, st)
	out := buf.String()
	for _, want := range []string{
		"no alert pending or firing",
		"03:04:05 west: Sensor failover, alert Down: patched Service shop/web: metadata.annotations.from=east",
		"03:04:06 west: Sensor failover, alert Down: failed to patch Service shop/web: connection refused",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}
