package dataplane

import (
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
)

func TestMeshFromReferenceDestinationRule(t *testing.T) {
	ref, err := fixtures.Reference()
	if err != nil {
		t.Fatal(err)
	}
	fast, _ := framework.TimeoutsFor(framework.ProfileFast)
	m := MeshFrom(ref.DestinationRule, "", nil, fast)
	if m.Outlier.Consecutive5xx != 3 || m.Outlier.Interval != time.Second || m.Outlier.BaseEjectionTime != 3*time.Second || m.Outlier.MaxEjectionPercent != 50 {
		t.Fatalf("outlier detection = %+v (want 3 consecutive, 10s and 30s scaled by 0.1, 50%%)", m.Outlier)
	}
	if m.MaxRequests != 1000 {
		t.Fatalf("max requests = %d", m.MaxRequests)
	}
	if len(m.Failover) != 2 || m.Failover[0].From != "us-east1" || m.Failover[0].To != "us-west1" || m.Failover[1].To != "us-east1" {
		t.Fatalf("failover = %+v", m.Failover)
	}
	if got := MeshFrom(nil, "", nil, fast); got.Outlier.Interval != 0 || len(got.GatewayOptions()) != 0 {
		t.Fatalf("no DestinationRule must mean no mesh settings, got %+v", got)
	}
}

func TestMeshFromVirtualService(t *testing.T) {
	fast, _ := framework.TimeoutsFor(framework.ProfileFast)
	svc := types.NamespacedName{Namespace: "ml-serving", Name: "inference-service"}
	ref, err := fixtures.Reference()
	if err != nil {
		t.Fatal(err)
	}
	if vs, route := RouteTo(ref.VirtualServices, svc); route != nil {
		t.Fatalf("the reference has no VirtualService, found %s", vs)
	}
	rem, err := fixtures.Remediated()
	if err != nil {
		t.Fatal(err)
	}
	vs, route := RouteTo(rem.VirtualServices, svc)
	if vs != "ml-serving/inference-service" || route == nil {
		t.Fatalf("route to %s = %q, %v", svc, vs, route)
	}
	m := MeshFrom(rem.DestinationRule, vs, route, fast)
	if m.RequestTimeout != 1500*time.Millisecond || m.Retry == nil {
		t.Fatalf("mesh = %+v, want the route's 1.5 s timeout (not scaled) and its retries", m)
	}
	r := *m.Retry
	if r.Attempts != 2 || r.PerTryTimeout != 400*time.Millisecond || !slices.Contains(r.On, "gateway-error") ||
		!slices.Contains(r.On, "retriable-status-codes") || !slices.Equal(r.RetriableStatusCodes, []int{503}) {
		t.Fatalf("retry = %+v", r)
	}
	if n := len(m.GatewayOptions()); n != 4 {
		t.Fatalf("%d gateway options, want outlier, max requests, retries, timeout", n)
	}
	// A route to another Service does not apply.
	if vs, route := RouteTo(rem.VirtualServices, types.NamespacedName{Namespace: "ml-serving", Name: "other"}); route != nil {
		t.Fatalf("route to another Service = %s", vs)
	}
}
