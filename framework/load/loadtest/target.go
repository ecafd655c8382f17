package loadtest

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

// Target is a fake global inference endpoint. Its switches are safe to flip
// from any goroutine while load runs; each returns the instant it took effect.
type Target struct {
	srv *httptest.Server

	status   atomic.Int32
	id       atomic.Pointer[identity]
	latency  atomic.Int64
	requests atomic.Uint64
	v1, v2   atomic.Uint64
	bad      atomic.Uint64

	mu      sync.Mutex
	hang    chan struct{} // non-nil while hanging; closed to release
	clients map[string]uint64
}

// New starts a target that answers 200 as region/zone, and closes it when
// the test ends.
func New(t testing.TB, region, zone string) *Target {
	t.Helper()
	tg := &Target{clients: map[string]uint64{}}
	tg.status.Store(http.StatusOK)
	tg.id.Store(&identity{region, zone, "local"})
	tg.srv = httptest.NewServer(http.HandlerFunc(tg.serve))
	t.Cleanup(func() {
		tg.Release()
		tg.srv.CloseClientConnections()
		tg.srv.Close()
	})
	return tg
}

// URL is the target's base URL.
func (tg *Target) URL() string { return tg.srv.URL }

// SetStatus makes every later answer use code (200 to serve again).
func (tg *Target) SetStatus(code int) time.Time {
	tg.status.Store(int32(code))
	return time.Now()
}

// identity is what the response headers name.
type identity struct{ region, zone, route string }

// SetRegion makes every later answer name region and zone as the server and
// route (framework.HeaderRoute: local, failover, fallback) as the way there.
func (tg *Target) SetRegion(region, zone, route string) time.Time {
	tg.id.Store(&identity{region, zone, route})
	return time.Now()
}

// SetLatency delays every later answer by d (simulated compute time).
func (tg *Target) SetLatency(d time.Duration) { tg.latency.Store(int64(d)) }

// Hang makes every later request wait without an answer until Release (or
// until the client gives up).
func (tg *Target) Hang() time.Time {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	if tg.hang == nil {
		tg.hang = make(chan struct{})
	}
	return time.Now()
}

// Release lets hanging requests go on and stops hanging.
func (tg *Target) Release() time.Time {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	if tg.hang != nil {
		close(tg.hang)
		tg.hang = nil
	}
	return time.Now()
}

// Requests is how many requests reached the handler.
func (tg *Target) Requests() uint64 { return tg.requests.Load() }

// Calls returns how many v1 predict and v2 infer calls arrived, and how many
// requests were neither (wrong method, path or content type).
func (tg *Target) Calls() (v1, v2, bad uint64) { return tg.v1.Load(), tg.v2.Load(), tg.bad.Load() }

// ClientRegions counts requests by their client-region header.
func (tg *Target) ClientRegions() map[string]uint64 {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return maps.Clone(tg.clients)
}

func (tg *Target) serve(w http.ResponseWriter, r *http.Request) {
	tg.requests.Add(1)
	tg.mu.Lock()
	tg.clients[r.Header.Get(framework.HeaderClientRegion)]++
	hang := tg.hang
	tg.mu.Unlock()
	switch {
	case r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json":
		tg.bad.Add(1)
	case strings.HasPrefix(r.URL.Path, "/v1/models/") && strings.HasSuffix(r.URL.Path, ":predict"):
		tg.v1.Add(1)
	case strings.HasPrefix(r.URL.Path, "/v2/models/") && strings.HasSuffix(r.URL.Path, "/infer"):
		tg.v2.Add(1)
	default:
		tg.bad.Add(1)
	}
	if hang != nil {
		select {
		case <-hang:
		case <-r.Context().Done():
			return
		}
	}
	if d := time.Duration(tg.latency.Load()); d > 0 {
		time.Sleep(d) // simulated compute latency, not synchronisation
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	id := tg.id.Load()
	h.Set(framework.HeaderRegion, id.region)
	h.Set(framework.HeaderZone, id.zone)
	h.Set(framework.HeaderRoute, id.route)
	code := int(tg.status.Load())
	w.WriteHeader(code)
	if code == http.StatusOK {
		_, _ = w.Write([]byte(`{"predictions": [3.5]}`))
		return
	}
	_, _ = w.Write([]byte(`{"error": "unavailable"}`))
}
