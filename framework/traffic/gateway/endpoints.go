package gateway

import (
	"fmt"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"gameday.io/gameday/framework"
)

// Endpoint is one Ready inference pod behind the gateway.
type Endpoint struct {
	// Name identifies it (the pod name).
	Name string `json:"name"`
	// URL is where it serves, e.g. http://127.0.0.1:41234 (loopback in sim).
	URL  string `json:"url"`
	Zone string `json:"zone,omitempty"`
	Node string `json:"node,omitempty"`
}

// host is an endpoint with its load-balancing and outlier state.
type host struct {
	ep     Endpoint
	target *url.URL

	consecutive atomic.Int32
	// consecutiveGw counts consecutive gateway errors (502/503/504 and
	// local-origin errors: refused, reset, timeout).
	consecutiveGw atomic.Int32
	requests      atomic.Uint64
	failures      atomic.Uint64

	// Guarded by Gateway.mu.
	ejected    bool
	ejectedAt  time.Time
	multiplier int // Envoy's ejection time backoff
	ejections  int // times ejected, ever
}

// pool is an immutable snapshot read lock-free on every request.
type pool struct {
	all     []*host
	healthy []*host // not ejected, in endpoint order
}

// SetEndpoints replaces the endpoint set. Endpoints that stay (same Name and
// URL) keep their outlier state; new ones start healthy.
func (g *Gateway) SetEndpoints(eps []Endpoint) error {
	hosts := make([]*host, 0, len(eps))
	seen := map[string]bool{}
	g.mu.Lock()
	defer g.mu.Unlock()
	old := map[Endpoint]*host{}
	for _, h := range g.pool.Load().all {
		old[h.ep] = h
	}
	for _, ep := range eps {
		if seen[ep.Name] {
			return fmt.Errorf("gateway %s: endpoint %q listed twice: %w", g.region, ep.Name, framework.ErrInvalid)
		}
		seen[ep.Name] = true
		if h, ok := old[ep]; ok {
			hosts = append(hosts, h)
			continue
		}
		u, err := url.Parse(ep.URL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("gateway %s: endpoint %q has bad URL %q: %w", g.region, ep.Name, ep.URL, framework.ErrInvalid)
		}
		hosts = append(hosts, &host{ep: ep, target: &url.URL{Scheme: u.Scheme, Host: u.Host}})
	}
	g.publish(hosts)
	return nil
}

// publish installs a new snapshot; g.mu must be held.
func (g *Gateway) publish(all []*host) {
	p := &pool{all: all, healthy: make([]*host, 0, len(all))}
	for _, h := range all {
		if !h.ejected {
			p.healthy = append(p.healthy, h)
		}
	}
	g.pool.Store(p)
}

// hostSelectionAttempts is Envoy's host_selection_retry_max_attempts in
// Istio's default retry policy: how often to re-pick to avoid a tried host.
const hostSelectionAttempts = 5

// pick returns the next endpoint in round-robin order that is not ejected and,
// if possible, not in tried; nil when no endpoint is available.
func (g *Gateway) pick(tried []*host) *host {
	p := g.pool.Load()
	n := uint64(len(p.healthy))
	if n == 0 {
		return nil
	}
	var h *host
	for range hostSelectionAttempts {
		h = p.healthy[(g.rr.Add(1)-1)%n]
		if !slices.Contains(tried, h) {
			break
		}
	}
	return h
}
