package globallb

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/traffic/gateway/forward"
)

// Routes named in the X-Gameday-Route header.
const (
	RouteLocal    = "local"
	RouteFailover = "failover"
	RouteFallback = "fallback"
)

// StatusPath serves Status as JSON.
const StatusPath = "/gameday/globallb/status"

var routeHeader = map[string][]string{RouteLocal: {RouteLocal}, RouteFailover: {RouteFailover}, RouteFallback: {RouteFallback}}

// ServeHTTP routes r to a region's gateway (see the package documentation).
func (lb *LB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == StatusPath {
		forward.WriteJSON(w, http.StatusOK, lb.Status())
		return
	}
	lb.counters.requests.Add(1)
	client := lb.cfg.primary
	if v := r.Header[framework.HeaderClientRegion]; len(v) > 0 && v[0] != "" {
		client = v[0]
	}
	to, route := lb.route(client)
	if to == nil {
		lb.counters.noHealthy.Add(1)
		forward.WriteError(w, http.StatusServiceUnavailable, "global load balancer: no healthy region: "+lb.describeRegions())
		return
	}
	w.Header()[framework.HeaderRoute] = routeHeader[route]
	to.routed.Add(1)
	if to.Name != client && lb.Partitioned(client, to.Name) {
		to.errors.Add(1)
		lb.counters.partitioned.Add(1)
		forward.WriteError(w, http.StatusServiceUnavailable, fmt.Sprintf(
			"global load balancer: network partition between %s and %s: client in %s cannot reach region %s (route %s)",
			client, to.Name, client, to.Name, route))
		return
	}

	// One attempt only (DNS does not retry): stream the body through.
	resp, err := lb.transport.RoundTrip(forward.Upstream(r.Context(), r, to.target, nil))
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away
		}
		to.errors.Add(1)
		lb.counters.upstreamErrors.Add(1)
		forward.WriteError(w, http.StatusServiceUnavailable, fmt.Sprintf("global load balancer: region %s gateway unreachable: %v", to.Name, err))
		return
	}
	_ = forward.CopyResponse(w, resp)
}

// serving reports whether a region takes traffic: healthy and in rotation.
func (r *region) serving() bool { return r.healthy.Load() && !r.out.Load() }

// SetInRotation puts a region in or out of rotation, as an operator changes
// DNS: out of rotation it gets no traffic, whatever its health checks say.
func (lb *LB) SetInRotation(name string, in bool) error {
	r := lb.byName[name]
	if r == nil {
		return invalid("region %q is not behind the load balancer", name)
	}
	r.out.Store(!in)
	lb.cfg.logger.Info("region rotation", "region", name, "inRotation", in)
	return nil
}

// route picks the region for a client of region client.
func (lb *LB) route(client string) (*region, string) {
	if r := lb.byName[client]; r != nil && r.serving() {
		lb.counters.local.Add(1)
		return r, RouteLocal
	}
	if to, ok := lb.failover[client]; ok {
		if r := lb.byName[to]; r == nil {
			lb.missing[to].Add(1)
		} else if r.serving() {
			lb.counters.failover.Add(1)
			return r, RouteFailover
		} else {
			lb.counters.targetUnhealthy.Add(1)
		}
	} else {
		lb.counters.noRule.Add(1)
	}
	for _, r := range lb.regions {
		if r.Name != client && r.serving() {
			lb.counters.fallback.Add(1)
			return r, RouteFallback
		}
	}
	return nil, ""
}

// describeRegions says what every region's health is, for the 503 body.
func (lb *LB) describeRegions() string {
	parts := make([]string, 0, len(lb.regions))
	for _, r := range lb.regions {
		r.mu.Lock()
		state := "healthy"
		if !r.healthy.Load() {
			state = "unhealthy"
		}
		s := fmt.Sprintf("%s %s since %s", r.Name, state, r.since.Format(time.RFC3339Nano))
		if r.lastError != "" {
			s += " (last check: " + r.lastError + ")"
		}
		r.mu.Unlock()
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// pair is an unordered pair of region names.
type pair struct{ a, b string }

func pairOf(a, b string) pair {
	if a > b {
		a, b = b, a
	}
	return pair{a, b}
}

// Partition cuts routing between regions a and b (either may be a client
// region without a gateway). Reverse with Heal.
func (lb *LB) Partition(a, b string) error { return lb.setPartition(a, b, true) }

// Heal restores routing between a and b.
func (lb *LB) Heal(a, b string) error { return lb.setPartition(a, b, false) }

// Partitioned reports whether a and b are cut off from each other.
func (lb *LB) Partitioned(a, b string) bool {
	p := *lb.partitions.Load()
	return len(p) > 0 && p[pairOf(a, b)]
}

func (lb *LB) setPartition(a, b string, cut bool) error {
	if a == "" || b == "" || a == b {
		return fmt.Errorf("partition between %q and %q: want two different regions: %w", a, b, framework.ErrInvalid)
	}
	lb.partMu.Lock()
	defer lb.partMu.Unlock()
	next := map[pair]bool{}
	for k := range *lb.partitions.Load() {
		next[k] = true
	}
	if cut {
		next[pairOf(a, b)] = true
	} else {
		delete(next, pairOf(a, b))
	}
	lb.partitions.Store(&next)
	lb.cfg.logger.Info("partition", "a", a, "b", b, "cut", cut)
	return nil
}
