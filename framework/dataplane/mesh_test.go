package dataplane

import (
	"testing"
	"time"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
)

func TestMeshFromReferenceDestinationRule(t *testing.T) {
	ref, err := fixtures.Reference()
	if err != nil {
		t.Fatal(err)
	}
	fast, _ := framework.TimeoutsFor(framework.ProfileFast)
	m := MeshFrom(ref.DestinationRule, fast)
	if m.Outlier.Consecutive5xx != 3 || m.Outlier.Interval != time.Second || m.Outlier.BaseEjectionTime != 3*time.Second || m.Outlier.MaxEjectionPercent != 50 {
		t.Fatalf("outlier detection = %+v (want 3 consecutive, 10s and 30s scaled by 0.1, 50%%)", m.Outlier)
	}
	if m.MaxRequests != 1000 {
		t.Fatalf("max requests = %d", m.MaxRequests)
	}
	if len(m.Failover) != 2 || m.Failover[0].From != "us-east1" || m.Failover[0].To != "us-west1" || m.Failover[1].To != "us-east1" {
		t.Fatalf("failover = %+v", m.Failover)
	}
	if got := MeshFrom(nil, fast); got.Outlier.Interval != 0 || len(got.GatewayOptions()) != 0 {
		t.Fatalf("no DestinationRule must mean no mesh settings, got %+v", got)
	}
}
