package gateway

import (
	"sync/atomic"
	"time"
)

type counters struct {
	requests, responses5xx, attempts, retries, overflow, noHealthy, upstreamErrors, timeouts atomic.Uint64
	ejections, ejectionsOverflow, unejections                                                atomic.Uint64
}

// Counters are the gateway's cumulative counts since New.
type Counters struct {
	// Requests proxied (not counting ReadyPath and StatusPath).
	Requests uint64 `json:"requests"`
	// Responses5xx answered to clients, from endpoints or made by the gateway.
	Responses5xx uint64 `json:"responses5xx"`
	// Attempts sent to endpoints, retries included.
	Attempts uint64 `json:"attempts"`
	Retries  uint64 `json:"retries"`
	// UpstreamErrors are attempts that got no answer (refused, reset, timeout).
	UpstreamErrors uint64 `json:"upstreamErrors"`
	// Timeouts are attempts ended by the per-try or the request timeout.
	Timeouts uint64 `json:"timeouts"`
	// Overflow requests were refused by the MaxRequests breaker.
	Overflow uint64 `json:"overflow"`
	// NoHealthyUpstream requests found no endpoint to go to.
	NoHealthyUpstream uint64 `json:"noHealthyUpstream"`
	// Ejections enforced; EjectionsOverflow detected but refused by the
	// MaxEjectionPercent cap; Unejections returned endpoints to service.
	Ejections         uint64 `json:"ejections"`
	EjectionsOverflow uint64 `json:"ejectionsOverflow"`
	Unejections       uint64 `json:"unejections"`
}

// EndpointStatus is one endpoint's state.
type EndpointStatus struct {
	Endpoint
	Ejected bool `json:"ejected"`
	// EjectedSince and EjectedUntil bound the current ejection; the endpoint
	// returns at the first sweep at or after EjectedUntil.
	EjectedSince *time.Time `json:"ejectedSince,omitempty"`
	EjectedUntil *time.Time `json:"ejectedUntil,omitempty"`
	// Ejections counts every ejection of this endpoint.
	Ejections int `json:"ejections"`
	// Multiplier is Envoy's ejection time multiplier: +1 per ejection, -1 per
	// interval spent in service.
	Multiplier int `json:"multiplier"`
	// Consecutive5xx is the current run of errors.
	Consecutive5xx int `json:"consecutive5xx"`
	// ConsecutiveGatewayErrors is the current run of gateway errors.
	ConsecutiveGatewayErrors int `json:"consecutiveGatewayErrors,omitempty"`
	// Requests and Failures count attempts charged to it.
	Requests uint64 `json:"requests"`
	Failures uint64 `json:"failures"`
}

// Status is a snapshot of the gateway.
type Status struct {
	Region  string `json:"region"`
	URL     string `json:"url,omitempty"`
	Running bool   `json:"running"`
	// BlackHole is true while the gateway accepts connections and answers
	// nothing (a region outage in black-hole mode).
	BlackHole bool `json:"blackHole,omitempty"`
	// Ready is true while at least one endpoint is not ejected.
	Ready            bool             `json:"ready"`
	Endpoints        []EndpointStatus `json:"endpoints"`
	Ejected          []EndpointStatus `json:"ejected"`
	InFlight         int64            `json:"inFlight"`
	Counters         Counters         `json:"counters"`
	OutlierDetection OutlierDetection `json:"outlierDetection"`
	Retry            RetryPolicy      `json:"retry"`
	// RequestTimeout bounds a whole request (0: none).
	RequestTimeout time.Duration `json:"requestTimeout,omitempty"`
	MaxRequests    int64         `json:"maxRequests"`
}

// Status returns a snapshot of endpoints, ejections and counters.
func (g *Gateway) Status() Status {
	st := Status{
		Region: g.region, InFlight: g.active.Load(),
		OutlierDetection: g.cfg.od, Retry: g.cfg.retry, RequestTimeout: g.cfg.timeout, MaxRequests: g.cfg.maxRequests,
		Endpoints: []EndpointStatus{}, Ejected: []EndpointStatus{},
		Counters: Counters{
			Requests: g.counters.requests.Load(), Responses5xx: g.counters.responses5xx.Load(),
			Attempts: g.counters.attempts.Load(), Retries: g.counters.retries.Load(),
			UpstreamErrors: g.counters.upstreamErrors.Load(), Timeouts: g.counters.timeouts.Load(), Overflow: g.counters.overflow.Load(),
			NoHealthyUpstream: g.counters.noHealthy.Load(), Ejections: g.counters.ejections.Load(),
			EjectionsOverflow: g.counters.ejectionsOverflow.Load(), Unejections: g.counters.unejections.Load(),
		},
	}
	g.srvMu.Lock()
	if g.srv != nil {
		st.URL, st.Running, st.BlackHole = g.srv.URL(), g.srv.Running(), g.srv.Frozen()
	}
	g.srvMu.Unlock()

	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.pool.Load()
	st.Ready = len(p.healthy) > 0
	for _, h := range p.all {
		es := EndpointStatus{Endpoint: h.ep, Ejected: h.ejected, Ejections: h.ejections, Multiplier: h.multiplier,
			Consecutive5xx: int(h.consecutive.Load()), ConsecutiveGatewayErrors: int(h.consecutiveGw.Load()), Requests: h.requests.Load(), Failures: h.failures.Load()}
		if h.ejected {
			since, until := h.ejectedAt, h.ejectedAt.Add(g.ejectionTime(h))
			es.EjectedSince, es.EjectedUntil = &since, &until
			st.Ejected = append(st.Ejected, es)
		}
		st.Endpoints = append(st.Endpoints, es)
	}
	return st
}
