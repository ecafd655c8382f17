package environment

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
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
	var wg sync.WaitGroup
	for i, r := range rec.Regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.Regions[i] = regionStatus(ctx, r)
		}()
	}
	wg.Wait()
	return st
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
