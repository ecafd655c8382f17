package globallb

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

// fakeGateway is a real HTTP server standing in for a region's gateway: its
// readiness is controlled by the test, and it names its region in answers.
type fakeGateway struct {
	region string
	ready  atomic.Int32 // status of the readiness answer
	srv    *httptest.Server
}

func newFakeGateway(t *testing.T, region string) *fakeGateway {
	t.Helper()
	g := &fakeGateway{region: region}
	g.ready.Store(http.StatusOK)
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set(framework.HeaderRegion, region)
		if r.URL.Path == DefaultHealthPath {
			w.WriteHeader(int(g.ready.Load()))
			return
		}
		_, _ = io.WriteString(w, `{"predictions":[3.5]}`)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// newLB starts a load balancer over the gateways with fast health checks.
// Checks are frequent but each may take up to healthCheckTimeout: a loaded
// CI machine can take longer than the 5 ms interval to answer on loopback,
// and a region must only go unhealthy when its fake gateway says so.
func newLB(t *testing.T, gws []*fakeGateway, opts ...Option) *LB {
	t.Helper()
	var regions []Region
	for _, g := range gws {
		regions = append(regions, Region{Name: g.region, GatewayURL: g.srv.URL})
	}
	opts = append([]Option{WithHealthCheck(5*time.Millisecond, 2), WithHealthCheckTimeout(healthCheckTimeout)}, opts...)
	lb, err := New(regions, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := lb.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lb.Close() })
	return lb
}

const healthCheckTimeout = 5 * time.Second

type answer struct {
	code          int
	region, route string
	body          string
}

// send makes a request through h as a client of region client ("" for none).
func send(t *testing.T, h http.Handler, client string) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/v1/models/default:predict", strings.NewReader(`{"instances": [[1,2,3,4]]}`))
	if client != "" {
		req.Header.Set(framework.HeaderClientRegion, client)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{code: rec.Code, region: rec.Header().Get(framework.HeaderRegion), route: rec.Header().Get(framework.HeaderRoute), body: rec.Body.String()}
}

func regionStatus(lb *LB, name string) RegionStatus {
	for _, r := range lb.Status().Regions {
		if r.Name == name {
			return r
		}
	}
	return RegionStatus{}
}

// waitHealth polls until region name has the given health.
func waitHealth(t *testing.T, lb *LB, name string, healthy bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for regionStatus(lb, name).Healthy != healthy {
		if time.Now().After(deadline) {
			t.Fatalf("region %s healthy=%v not reached: %+v", name, healthy, regionStatus(lb, name))
		}
		<-tick.C
	}
}
