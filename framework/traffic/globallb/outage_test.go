package globallb

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

// TestRegionOutageEndToEnd runs global LB -> gateways -> inference servers and
// stops the primary region's gateway: us-east1 clients fail until the health
// checks notice (not instantly, as with DNS), then fall back to europe-west1
// because the DestinationRule's target us-west1 does not exist.
func TestRegionOutageEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	lb, gws, _ := startStack(t, 3, WithHealthCheck(50*time.Millisecond, 3))
	client := &http.Client{Timeout: 5 * time.Second}
	predict := func(region string) (int, http.Header, string) {
		req, err := http.NewRequest(http.MethodPost, lb.URL()+"/v1/models/default:predict", strings.NewReader(`{"instances": [[1,2,3,4]]}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(framework.HeaderClientRegion, region)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	code, h, body := predict("us-east1")
	if code != 200 || h.Get(framework.HeaderRegion) != "us-east1" || h.Get(framework.HeaderRoute) != RouteLocal || !strings.Contains(body, "3.5") {
		t.Fatalf("before the outage: %d %v %s", code, h, body)
	}

	if err := gws["us-east1"].Stop(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	var failed int
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		code, h, body = predict("us-east1")
		if code == 200 {
			break
		}
		failed++
		if !strings.Contains(body, "region us-east1 gateway unreachable") {
			t.Fatalf("during detection: %d %s", code, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("us-east1 clients never failed over; last %d %s", code, body)
		}
		<-tick.C
	}
	detected := time.Since(stopped)
	if failed == 0 || detected < 100*time.Millisecond {
		t.Fatalf("failover after %s with %d failures: health checks (3 x 50ms) should delay it", detected, failed)
	}
	if h.Get(framework.HeaderRegion) != "europe-west1" || h.Get(framework.HeaderRoute) != RouteFallback {
		t.Fatalf("after failover: %v", h)
	}
	st := lb.Status()
	if st.Counters.MissingTarget["us-west1"] == 0 || st.Counters.UpstreamErrors != uint64(failed) {
		t.Fatalf("counters %+v, want us-west1 misses and %d upstream errors", st.Counters, failed)
	}
	t.Logf("failover after %s, %d failed requests", detected, failed)

	if err := gws["us-east1"].Start(); err != nil {
		t.Fatal(err)
	}
	waitHealth(t, lb, "us-east1", true)
	if code, h, _ := predict("us-east1"); code != 200 || h.Get(framework.HeaderRegion) != "us-east1" {
		t.Fatalf("after recovery: %d %v", code, h)
	}
}
