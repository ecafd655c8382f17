package gateway

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// backend is a real HTTP server whose answer the test controls.
type backend struct {
	name string
	code atomic.Int32
	hits atomic.Int64
	hold chan struct{} // when not nil, requests wait for it to close
	srv  *httptest.Server
}

func newBackend(t *testing.T, name string) *backend {
	t.Helper()
	b := &backend{name: name}
	b.code.Store(http.StatusOK)
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		if b.hold != nil {
			<-b.hold
		}
		w.Header().Set("X-Backend", b.name)
		w.WriteHeader(int(b.code.Load()))
		_, _ = io.WriteString(w, b.name)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *backend) endpoint() Endpoint {
	return Endpoint{Name: b.name, URL: b.srv.URL, Zone: "z", Node: "n-" + b.name}
}

// newGateway returns a gateway over backends, closed when the test ends.
func newGateway(t *testing.T, backends []*backend, opts ...Option) *Gateway {
	t.Helper()
	g, err := New("us-east1", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	eps := make([]Endpoint, len(backends))
	for i, b := range backends {
		eps[i] = b.endpoint()
	}
	if err := g.SetEndpoints(eps); err != nil {
		t.Fatal(err)
	}
	return g
}

// send makes one request through h and returns the status and serving backend.
func send(t *testing.T, h http.Handler) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/models/default:predict", strings.NewReader(`{"instances": [[1,2,3,4]]}`)))
	return rec.Code, rec.Header().Get("X-Backend")
}

func noRetries() Option { return WithRetryPolicy(RetryPolicy{}) }

func fastOutliers(maxPercent int) Option {
	return WithOutlierDetection(OutlierDetection{Consecutive5xx: 3, Interval: 10 * time.Millisecond,
		BaseEjectionTime: 150 * time.Millisecond, MaxEjectionPercent: maxPercent})
}

func endpointStatus(t *testing.T, g *Gateway, name string) EndpointStatus {
	t.Helper()
	for _, e := range g.Status().Endpoints {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("endpoint %s not in status", name)
	return EndpointStatus{}
}
