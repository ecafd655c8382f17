package dataplane

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/monitoring"
	"gameday.io/gameday/framework/sensor"
)

// RegionLabel on a Sensor pins it to one region: it runs in that region's
// cluster only, and every region's Alertmanager routes to it (failover
// automation outside the failure domains it acts on). Without it the Sensor
// runs in every region, as every other manifest does, and hears only its
// own region's alerts.
const RegionLabel = "topology.kubernetes.io/region"

// SensorRegion is the region a Sensor is pinned to (RegionLabel; "" when
// it runs in every region), refused when it is none of regions, the
// regions of where ("topology NAME", "the environment").
func SensorRegion(u *unstructured.Unstructured, where string, regions []string) (string, error) {
	r := u.GetLabels()[RegionLabel]
	if r == "" || slices.Contains(regions, r) {
		return r, nil
	}
	return "", fmt.Errorf("Sensor %s: label %s=%s names no region of %s (%s): %w",
		u.GetName(), RegionLabel, r, where, strings.Join(regions, ", "), framework.ErrInvalid)
}

// startSensor carries out the platform's Argo Events Sensor with the
// monitoring stacks' alerts: every firing notification that reaches one of
// its dependencies runs its triggers against the API server of the region
// it runs in. Nothing starts without monitoring or a Sensor.
func (a *Agent) startSensor(runCtx context.Context) error {
	u := a.cfg.Platform.Sensor
	if u == nil || !a.cfg.Monitoring {
		return nil
	}
	s, err := sensor.Parse(u)
	if err != nil {
		return err
	}
	var names []string
	for _, rp := range a.regions {
		names = append(names, rp.name)
	}
	pinned, err := SensorRegion(u, "the environment", names)
	if err != nil {
		return err
	}
	var alerts []string
	for _, r := range fixtures.AlertRules(a.cfg.Platform.PrometheusRules) {
		alerts = append(alerts, r.Alert)
	}
	runbook, _, _ := a.cfg.Platform.RunbookAlert()
	routes := sensor.Routes(s, alerts, runbook)
	ns := cmp.Or(u.GetNamespace(), "default")
	for _, rp := range a.regions {
		if pinned != "" && rp.name != pinned {
			continue
		}
		dyn, mapper, err := sensor.Clients(rp.kubeconfig)
		if err != nil {
			return fmt.Errorf("Sensor %s in %s: %w", s.Name, rp.name, err)
		}
		r := &sensor.Runner{Sensor: s, Region: rp.name, Namespace: ns, Client: dyn, Mapper: mapper, Routes: routes}
		rp.sensor = r
		log := a.log.With("region", rp.name, "sensor", s.Name)
		for _, from := range a.regions {
			if from.monitoring == nil || (pinned == "" && from != rp) {
				continue
			}
			from.monitoring.Receiver.Subscribe(func(n monitoring.Notification) {
				if n.Status != monitoring.StatusFiring {
					return
				}
				go func() {
					for _, act := range r.Handle(runCtx, n.Alert, n.Body) {
						log.Info("Sensor trigger", "alert", n.Alert, "from", from.name, "action", act.String())
					}
				}()
			})
		}
	}
	return nil
}
