package gateway

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/inference"
	"gameday.io/gameday/framework/inference/inferencetest"
	"gameday.io/gameday/framework/storage"
)

// startPods serves n real, ready inference servers on loopback and returns
// their endpoints and servers.
func startPods(t *testing.T, n int) ([]Endpoint, []*inference.Server) {
	t.Helper()
	model := storage.DefaultModel("v1", time.Now())
	var eps []Endpoint
	var srvs []*inference.Server
	for i := range n {
		pod := fmt.Sprintf("inference-%d", i)
		url, srv := inferencetest.StartReady(t, inference.WithModelSource(inference.StaticSource{Model: model}),
			inference.WithIdentity(inference.Identity{Region: "us-east1", Zone: "us-east1-a", Node: "node-" + pod, Pod: pod}))
		eps = append(eps, Endpoint{Name: pod, URL: url, Zone: "us-east1-a", Node: "node-" + pod})
		srvs = append(srvs, srv)
	}
	return eps, srvs
}

// TestKilledEndpoint kills one of three real inference servers (a node
// failure): requests routed to it fail, or are retried, until outlier
// detection ejects it; then nothing fails, long before any controller would
// have removed the endpoint.
func TestKilledEndpoint(t *testing.T) {
	for _, retries := range []bool{false, true} {
		t.Run(fmt.Sprintf("retries=%v", retries), func(t *testing.T) {
			eps, srvs := startPods(t, 3)
			opts := []Option{WithOutlierDetection(OutlierDetection{Consecutive5xx: 3, Interval: 50 * time.Millisecond,
				BaseEjectionTime: time.Hour, MaxEjectionPercent: 50})}
			if !retries {
				opts = append(opts, noRetries())
			}
			g, err := New("us-east1", opts...)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = g.Close() })
			if err := g.SetEndpoints(eps); err != nil {
				t.Fatal(err)
			}
			if err := g.Listen("127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			client := &http.Client{Timeout: 10 * time.Second}
			predict := func() (int, string) {
				resp, err := client.Post(g.URL()+"/v1/models/default:predict", "application/json", strings.NewReader(`{"instances": [[1,2,3,4]]}`))
				if err != nil {
					t.Fatalf("client: %v", err)
				}
				resp.Body.Close()
				return resp.StatusCode, resp.Header.Get(framework.HeaderPod)
			}
			for range 6 {
				if code, _ := predict(); code != 200 {
					t.Fatalf("before the kill: %d", code)
				}
			}

			if err := srvs[1].Close(); err != nil { // the node dies: refused/reset at once
				t.Fatal(err)
			}
			clientFailures := 0
			inferencetest.Eventually(t, 5*time.Second, "dead endpoint ejected", func() (bool, string) {
				if code, _ := predict(); code != 200 {
					clientFailures++
				}
				e := endpointStatus(t, g, "inference-1")
				return e.Ejected, fmt.Sprintf("%+v", e)
			})
			dead := endpointStatus(t, g, "inference-1")
			if dead.Failures < 3 {
				t.Fatalf("dead endpoint charged %d failures, want >= 3", dead.Failures)
			}
			if retries && clientFailures >= int(dead.Failures) {
				t.Fatalf("retries hid nothing: %d client failures for %d endpoint failures", clientFailures, dead.Failures)
			}
			if !retries && clientFailures == 0 {
				t.Fatal("without retries, requests routed to the dead endpoint should fail")
			}
			t.Logf("dead endpoint failures %d, client-visible failures %d", dead.Failures, clientFailures)

			for range 30 {
				if code, pod := predict(); code != 200 || pod == "inference-1" {
					t.Fatalf("after ejection: %d from %q", code, pod)
				}
			}
		})
	}
}
