package dataplane

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/sensor"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/traffic/gateway"
	"gameday.io/gameday/framework/traffic/globallb"
)

// Status is a snapshot of the whole data plane.
type Status struct {
	URL         string                      `json:"url"`
	Regions     []RegionStatus              `json:"regions"`
	LB          globallb.Status             `json:"globalLB"`
	Replication []storage.ReplicationStatus `json:"replication"`
	Faults      []ActiveFault               `json:"faults"`
	// Problems are parts of gameday's own harness the agent runs that
	// failed (a storage server it started exited): a drill that sees one
	// stops and reports a harness failure, not the system's behaviour.
	Problems []string `json:"problems,omitempty"`
}

// RegionStatus is one region's data plane.
type RegionStatus struct {
	Name              string         `json:"name"`
	Role              framework.Role `json:"role"`
	GatewayURL        string         `json:"gatewayURL"`
	StorageURL        string         `json:"storageURL"`
	StorageBackendURL string         `json:"storageBackendURL"`
	Gateway           gateway.Status `json:"gateway"`
	// HostsPods is true when the data plane runs the region's pods (sim);
	// Pods then lists them.
	HostsPods bool `json:"hostsPods"`
	// Service is the Service whose endpoints the gateway serves, and
	// Selector its pod selector: hosted pods it does not select (another
	// workload's) are no gateway endpoints.
	Service  string              `json:"service,omitempty"`
	Selector map[string]string   `json:"selector,omitempty"`
	Pods     []provider.PodState `json:"pods"`
	Storage  storage.CacheStats  `json:"storage"`
	// Monitoring is where the region's Prometheus and Alertmanager answer
	// (nil without monitoring).
	Monitoring *MonitoringStatus `json:"monitoring,omitempty"`
	// Automation is what the platform's Sensor did in the region, in order.
	Automation []sensor.Action `json:"automation,omitempty"`
}

// Status returns a snapshot of the data plane.
func (a *Agent) Status() Status {
	st := Status{URL: a.URL(), LB: a.lb.Status(), Faults: a.Faults()}
	svc := a.service()
	var selector map[string]string
	if s := a.cfg.Platform.Service; s != nil {
		selector = s.Spec.Selector
	}
	for _, rp := range a.regions {
		pods := []provider.PodState{}
		if rp.pods != nil {
			pods = rp.pods.States()
			sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
		}
		st.Regions = append(st.Regions, RegionStatus{
			Name: rp.name, Role: rp.role, GatewayURL: rp.gw.URL(),
			StorageURL: rp.cache.URL(), StorageBackendURL: rp.server.URL(),
			Gateway: rp.gw.Status(), HostsPods: rp.pods != nil, Pods: pods, Storage: rp.cache.Stats(),
			Service: svc.String(), Selector: selector,
		})
		if m := rp.monitoring; m != nil {
			st.Regions[len(st.Regions)-1].Monitoring = &MonitoringStatus{PrometheusURL: m.PrometheusURL, AlertmanagerURL: m.AlertmanagerURL}
		}
		if rp.sensor != nil {
			st.Regions[len(st.Regions)-1].Automation = rp.sensor.Actions()
		}
		if r := a.repl[rp.name]; r != nil {
			st.Replication = append(st.Replication, r.Status())
		}
		if err := rp.server.Exited(); err != nil {
			st.Problems = append(st.Problems, err.Error())
		}
	}
	return st
}

// serves reports whether the gateway's Service selects the hosted pod: in
// the Service's namespace with every label of its selector. Without a
// selector known (an older agent), every pod counts.
func (r *RegionStatus) serves(p provider.PodState) bool {
	if len(r.Selector) == 0 {
		return true
	}
	if ns, _, ok := strings.Cut(r.Service, "/"); ok && p.Namespace != "" && p.Namespace != ns {
		return false
	}
	for k, v := range r.Selector {
		if p.Labels[k] != v {
			return false
		}
	}
	return true
}

// Settled reports whether the data plane serves with everything it has:
// every region healthy at the global load balancer and every Ready pod an
// endpoint of its region's gateway, none ejected. It says why not.
func (s *Status) Settled() (bool, string) {
	for _, r := range s.LB.Regions {
		if !r.Healthy {
			return false, fmt.Sprintf("region %s is not healthy at the global load balancer (%s)", r.Name, r.LastError)
		}
	}
	for _, r := range s.Regions {
		ready := len(r.Gateway.Endpoints) // real kubelets: the control plane's view
		if r.HostsPods {
			ready = 0
			for _, p := range r.Pods {
				if p.Ready && r.serves(p) {
					ready++
				}
			}
		}
		if ready == 0 {
			return false, fmt.Sprintf("region %s has no Ready inference server", r.Name)
		}
		if len(r.Gateway.Ejected) > 0 {
			return false, fmt.Sprintf("region %s: %d endpoint(s) ejected by outlier detection", r.Name, len(r.Gateway.Ejected))
		}
		if n := len(r.Gateway.Endpoints); n < ready {
			return false, fmt.Sprintf("region %s: gateway has %d endpoints for %d Ready servers", r.Name, n, ready)
		}
	}
	return true, ""
}

// WaitSettled polls the agent until its data plane is Settled.
func (c *Client) WaitSettled(ctx context.Context, timeout, poll time.Duration) error {
	why := "no answer"
	err := wait.PollUntilContextTimeout(ctx, poll, timeout, true, func(ctx context.Context) (bool, error) {
		st, err := c.Status(ctx)
		if err != nil {
			why = err.Error()
			return false, nil
		}
		var ok bool
		ok, why = st.Settled()
		return ok, nil
	})
	if err != nil {
		return fmt.Errorf("data plane not settled after %s: %s: %w", timeout, why, err)
	}
	return nil
}
