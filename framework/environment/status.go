package environment

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/monitoring"
	"gameday.io/gameday/framework/sensor"
	"gameday.io/gameday/framework/topology"
)

// Status is a point-in-time view of an environment (gameday status -o json).
type Status struct {
	Name     string            `json:"name"`
	Phase    Phase             `json:"phase"`
	Error    string            `json:"error,omitempty"`
	Provider string            `json:"provider"`
	Profile  framework.Profile `json:"profile"`
	URL      string            `json:"url,omitempty"`
	Regions  []RegionStatus    `json:"regions"`
}

// RegionStatus is one region's view.
type RegionStatus struct {
	Name       string         `json:"name"`
	Role       framework.Role `json:"role"`
	Kubeconfig string         `json:"kubeconfig"`
	// Reachable is false when the region's API server did not answer.
	Reachable bool         `json:"reachable"`
	Error     string       `json:"error,omitempty"`
	Zones     []ZoneStatus `json:"zones"`
	// Inference is the region's inference service (absent without a data plane).
	Inference *InferenceStatus `json:"inference,omitempty"`
	// Monitoring is the region's Prometheus and Alertmanager and the alerts
	// pending or firing now (absent without `up --monitoring`).
	Monitoring *MonitoringStatus `json:"monitoring,omitempty"`
}

// MonitoringStatus is where a region's monitoring answers (as the data
// plane reports it) and what it alerts.
type MonitoringStatus struct {
	dataplane.MonitoringStatus
	// Alerts are the alerts Prometheus holds pending or firing.
	Alerts []AlertStatus `json:"alerts"`
	Error  string        `json:"error,omitempty"`
	// Automation is what the platform's Sensor did in the region.
	Automation []sensor.Action `json:"automation,omitempty"`
}

// AlertStatus is one active alert.
type AlertStatus struct {
	Name   string            `json:"name"`
	State  string            `json:"state"`
	Since  time.Time         `json:"since"`
	Labels map[string]string `json:"labels,omitempty"`
}

// InferenceStatus is a region's inference service as the control plane and
// the data plane see it.
type InferenceStatus struct {
	// Desired and Ready replicas of the inference Deployment.
	Desired int32 `json:"desired"`
	Ready   int32 `json:"ready"`
	// Endpoints the regional gateway routes to, and those it ejected.
	Endpoints int      `json:"endpoints"`
	Ejected   []string `json:"ejected"`
	// Healthy is the global load balancer's view of the region.
	Healthy bool `json:"healthy"`
	// Unready lists pods that are not Ready and why.
	Unready []PodReason `json:"unready,omitempty"`
	Error   string      `json:"error,omitempty"`
}

// PodReason is why a pod is not Ready.
type PodReason struct {
	Pod    string `json:"pod"`
	Reason string `json:"reason"`
}

// ZoneStatus counts a zone's nodes and GPUs.
type ZoneStatus struct {
	Name  string `json:"name"`
	Nodes int    `json:"nodes"`
	Ready int    `json:"ready"`
	// GPUs is the allocatable nvidia.com/gpu of the zone's Ready nodes.
	GPUs int64 `json:"gpus"`
}

// GetStatus asks every region's cluster, concurrently, for its state.
// Unreachable regions are reported, not failed.
func GetStatus(ctx context.Context, rec *Record) *Status {
	st := &Status{Name: rec.Name, Phase: rec.Phase, Error: rec.Error, Provider: rec.Provider, Profile: rec.Profile, URL: rec.URL}
	st.Regions = make([]RegionStatus, len(rec.Regions))
	var dp *dataplane.Status
	var dpErr error
	if rec.AgentURL != "" {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		dp, dpErr = dataplane.NewClient(rec.AgentURL).Status(actx)
		cancel()
	}
	var wg sync.WaitGroup
	for i, r := range rec.Regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.Regions[i] = regionStatus(ctx, r)
			if rec.AgentURL != "" {
				st.Regions[i].Inference = inferenceStatus(ctx, rec, r, dp, dpErr)
				st.Regions[i].Monitoring = monitoringStatus(ctx, r.Name, dp)
			}
		}()
	}
	wg.Wait()
	return st
}

// inferenceStatus joins the Deployment's status with the data plane's.
func inferenceStatus(ctx context.Context, rec *Record, r framework.Region, dp *dataplane.Status, dpErr error) *InferenceStatus {
	is := &InferenceStatus{Ejected: []string{}}
	if plat, _, err := LoadPlatform(rec.Platform, rec.Workload); err == nil && plat.Deployment != nil {
		if c, err := cluster.Client(r.Kubeconfig); err == nil {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			if d, err := c.AppsV1().Deployments(plat.Deployment.Namespace).Get(cctx, plat.Deployment.Name, metav1.GetOptions{}); err == nil {
				is.Ready = d.Status.ReadyReplicas
				if d.Spec.Replicas != nil {
					is.Desired = *d.Spec.Replicas
				}
			}
			cancel()
		}
	}
	if dpErr != nil {
		is.Error = fmt.Sprintf("data-plane agent unreachable: %v", dpErr)
		return is
	}
	for _, lr := range dp.LB.Regions {
		if lr.Name == r.Name {
			is.Healthy = lr.Healthy
		}
	}
	for _, dr := range dp.Regions {
		if dr.Name != r.Name {
			continue
		}
		is.Endpoints = len(dr.Gateway.Endpoints)
		for _, e := range dr.Gateway.Ejected {
			is.Ejected = append(is.Ejected, e.Name)
		}
		for _, p := range dr.Pods {
			if !p.Ready {
				is.Unready = append(is.Unready, PodReason{Pod: p.Name, Reason: p.Reason})
			}
		}
	}
	return is
}

func regionStatus(ctx context.Context, r framework.Region) RegionStatus {
	rs := RegionStatus{Name: r.Name, Role: r.Role, Kubeconfig: r.Kubeconfig}
	zones := map[string]*ZoneStatus{}
	for _, z := range r.Zones {
		rs.Zones = append(rs.Zones, ZoneStatus{Name: z})
	}
	for i := range rs.Zones {
		zones[rs.Zones[i].Name] = &rs.Zones[i]
	}
	c, err := cluster.Client(r.Kubeconfig)
	if err != nil {
		rs.Error = err.Error()
		return rs
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		rs.Error = fmt.Sprintf("API server unreachable: %v", err)
		return rs
	}
	rs.Reachable = true
	for i := range nodes.Items {
		n := &nodes.Items[i]
		z := zones[n.Labels[topology.LabelZone]]
		if z == nil {
			continue
		}
		z.Nodes++
		if cluster.NodeReady(n) {
			z.Ready++
			gpu := n.Status.Allocatable[corev1.ResourceName(topology.ResourceGPU)]
			z.GPUs += gpu.Value()
		}
	}
	return rs
}

// monitoringStatus asks the region's Prometheus for its active alerts.
func monitoringStatus(ctx context.Context, region string, dp *dataplane.Status) *MonitoringStatus {
	if dp == nil {
		return nil
	}
	for _, dr := range dp.Regions {
		if dr.Name != region || dr.Monitoring == nil {
			continue
		}
		ms := &MonitoringStatus{MonitoringStatus: *dr.Monitoring, Alerts: []AlertStatus{}, Automation: dr.Automation}
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		alerts, err := monitoring.NewClient(ms.PrometheusURL).Alerts(actx)
		if err != nil {
			ms.Error = fmt.Sprintf("Prometheus unreachable: %v", err)
			return ms
		}
		for _, a := range alerts {
			labels := maps.Clone(a.Labels)
			delete(labels, "alertname")
			ms.Alerts = append(ms.Alerts, AlertStatus{Name: a.Name(), State: a.State, Since: a.ActiveAt, Labels: labels})
		}
		slices.SortFunc(ms.Alerts, func(x, y AlertStatus) int {
			return cmp.Or(cmp.Compare(x.Name, y.Name), x.Since.Compare(y.Since))
		})
		return ms
	}
	return nil
}
