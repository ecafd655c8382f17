package dataplane

import (
	"fmt"
	"testing"

	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/traffic/gateway"
	"gameday.io/gameday/framework/traffic/globallb"
)

// A region hosting two workloads is settled when every Ready pod of the
// gateway's Service is an endpoint: the other workload's pods are not.
func TestSettledCountsOnlyTheServicesPods(t *testing.T) {
	var pods []provider.PodState
	var eps []gateway.EndpointStatus
	for i := range 6 {
		name := fmt.Sprintf("ranker-%d", i)
		pods = append(pods, provider.PodState{Name: name, Namespace: "recsys", Labels: map[string]string{"app.kubernetes.io/name": "ranker"}, Running: true, Ready: true})
		eps = append(eps, gateway.EndpointStatus{Endpoint: gateway.Endpoint{Name: name}})
	}
	for i := range 4 {
		pods = append(pods, provider.PodState{Name: fmt.Sprintf("embedder-%d", i), Namespace: "recsys", Labels: map[string]string{"app.kubernetes.io/name": "embedder"}, Running: true, Ready: true})
	}
	region := RegionStatus{Name: "us-east1", HostsPods: true, Pods: pods, Gateway: gateway.Status{Endpoints: eps},
		Service: "recsys/ranker", Selector: map[string]string{"app.kubernetes.io/name": "ranker"}}
	st := Status{LB: globallb.Status{Regions: []globallb.RegionStatus{{Region: globallb.Region{Name: "us-east1"}, Healthy: true}}}, Regions: []RegionStatus{region}}
	if ok, why := st.Settled(); !ok {
		t.Fatalf("not settled: %s", why)
	}
	st.Regions[0].Gateway.Endpoints = eps[:5]
	if ok, why := st.Settled(); ok || why != "region us-east1: gateway has 5 endpoints for 6 Ready servers" {
		t.Fatalf("settled=%v (%s) with a Ready ranker pod missing from the gateway", ok, why)
	}
	st.Regions[0].Gateway.Endpoints = eps
	st.Regions[0].Selector = nil // no selector known: every hosted pod counts, as before
	if ok, _ := st.Settled(); ok {
		t.Fatal("settled without a selector although 10 pods are Ready and 6 are endpoints")
	}
}
