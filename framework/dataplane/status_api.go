package dataplane

import (
	"sort"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane/gateway"
	"gameday.io/gameday/framework/dataplane/globallb"
	"gameday.io/gameday/framework/storage"
)

// Status is a snapshot of the whole data plane.
type Status struct {
	URL         string                      `json:"url"`
	Regions     []RegionStatus              `json:"regions"`
	LB          globallb.Status             `json:"globalLB"`
	Replication []storage.ReplicationStatus `json:"replication"`
	Faults      []ActiveFault               `json:"faults"`
}

// RegionStatus is one region's data plane.
type RegionStatus struct {
	Name              string             `json:"name"`
	Role              framework.Role     `json:"role"`
	GatewayURL        string             `json:"gatewayURL"`
	StorageURL        string             `json:"storageURL"`
	StorageBackendURL string             `json:"storageBackendURL"`
	Gateway           gateway.Status     `json:"gateway"`
	Pods              []PodState         `json:"pods"`
	Storage           storage.CacheStats `json:"storage"`
}

// Status returns a snapshot of the data plane.
func (a *Agent) Status() Status {
	st := Status{URL: a.URL(), LB: a.lb.Status(), Faults: a.Faults()}
	for _, rp := range a.regions {
		pods := rp.kubelet.Pods()
		sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
		st.Regions = append(st.Regions, RegionStatus{
			Name: rp.name, Role: rp.role, GatewayURL: rp.gw.URL(),
			StorageURL: rp.cache.URL(), StorageBackendURL: rp.server.URL(),
			Gateway: rp.gw.Status(), Pods: pods, Storage: rp.cache.Stats(),
		})
		if r := a.repl[rp.name]; r != nil {
			st.Replication = append(st.Replication, r.Status())
		}
	}
	return st
}
