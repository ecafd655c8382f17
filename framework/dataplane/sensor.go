package dataplane

import (
	"context"
	"fmt"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework/monitoring"
	"gameday.io/gameday/framework/sensor"
)

// RegionLabel on a Sensor pins it to one region: it runs in that region's
// cluster only, and every region's Alertmanager routes to it (failover
// automation outside the failure domains it acts on). Without it the Sensor
// runs in every region, as every other manifest does, and hears only its
// own region's alerts.
const RegionLabel = "topology.kubernetes.io/region"

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
	pinned := u.GetLabels()[RegionLabel]
	if _, err := a.region(pinned); pinned != "" && err != nil {
		return fmt.Errorf("Sensor %s: label %s=%s names no region of the environment", s.Name, RegionLabel, pinned)
	}
	for _, rp := range a.regions {
		if pinned != "" && rp.name != pinned {
			continue
		}
		r, err := a.sensorRunner(s, rp)
		if err != nil {
			return err
		}
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

// sensorRunner is the Sensor as deployed in rp's cluster.
func (a *Agent) sensorRunner(s *sensor.Sensor, rp *regionPlane) (*sensor.Runner, error) {
	kubeconfig := ""
	for _, r := range a.cfg.Env.Regions {
		if r.Name == rp.name {
			kubeconfig = r.Kubeconfig
		}
	}
	dyn, mapper, err := sensor.Clients(kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("Sensor %s in %s: %w", s.Name, rp.name, err)
	}
	var alerts []string
	for _, r := range fixtures.PromRules(a.cfg.Platform.PrometheusRules) {
		if r.Alert != "" {
			alerts = append(alerts, r.Alert)
		}
	}
	runbook, _, _ := a.cfg.Platform.RunbookAlert()
	ns := a.cfg.Platform.Sensor.GetNamespace()
	if ns == "" {
		ns = "default"
	}
	return &sensor.Runner{Sensor: s, Region: rp.name, Namespace: ns, Client: dyn, Mapper: mapper,
		Routes: sensor.Routes(s, alerts, runbook)}, nil
}
