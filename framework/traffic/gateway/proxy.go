package gateway

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/traffic/gateway/forward"
)

// Paths the gateway answers itself.
const (
	// ReadyPath is the gateway's own readiness, for operators: 200 while at
	// least one endpoint is not ejected. The global load balancer checks the
	// application's /v2/health/ready instead, which the gateway proxies to an
	// endpoint like any request, as a DNS health check reaches a backend.
	ReadyPath = "/gameday/gateway/ready"
	// StatusPath serves Status as JSON.
	StatusPath = "/gameday/gateway/status"
)

// ServeHTTP proxies r to an endpoint (see the package documentation).
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case ReadyPath:
		g.serveReady(w)
		return
	case StatusPath:
		forward.WriteJSON(w, http.StatusOK, g.Status())
		return
	}
	g.counters.requests.Add(1)
	if n := g.active.Add(1); n > g.cfg.maxRequests {
		g.active.Add(-1)
		g.counters.overflow.Add(1)
		w.Header()["X-Envoy-Overloaded"] = []string{"true"}
		g.fail(w, fmt.Sprintf("upstream overflow: %d requests in flight reach maxRequests %d", n-1, g.cfg.maxRequests))
		return
	}
	defer g.active.Add(-1)

	body, err := forward.ReadBody(r)
	if err != nil {
		code := http.StatusBadRequest
		if errors.Is(err, forward.ErrBodyTooLarge) {
			code = http.StatusRequestEntityTooLarge
		}
		g.failWith(w, code, "read request body: "+err.Error())
		return
	}

	ctx := r.Context()
	if g.cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.cfg.timeout)
		defer cancel()
	}
	var triedBuf [4]*host
	tried := triedBuf[:0]
	for attempt := 0; ; attempt++ {
		h := g.pick(tried)
		if h == nil {
			g.counters.noHealthy.Add(1)
			g.fail(w, g.unavailableReason())
			return
		}
		tried = append(tried, h)
		g.counters.attempts.Add(1)
		resp, o, err := g.try(ctx, r, h, body)
		if r.Context().Err() != nil {
			forward.Discard(resp)
			return // the client went away: not the endpoint's fault, nobody to answer
		}
		if ctx.Err() != nil {
			// The request (route) timeout: Envoy charges the attempt in
			// flight to its endpoint (a local-origin timeout) and answers 504.
			forward.Discard(resp)
			g.recordLocal(h)
			g.counters.upstreamErrors.Add(1)
			g.counters.timeouts.Add(1)
			g.failWith(w, http.StatusGatewayTimeout, fmt.Sprintf("upstream request timeout after %s: endpoint %s", g.cfg.timeout, h.ep.Name))
			return
		}
		if o != outcomeAnswer {
			g.recordLocal(h)
			g.counters.upstreamErrors.Add(1)
			if o == outcomeTimeout {
				g.counters.timeouts.Add(1)
			}
			if g.cfg.retry.retriable(o, 0) && g.retry(ctx, attempt) {
				continue
			}
			if o == outcomeTimeout {
				g.failWith(w, http.StatusGatewayTimeout, fmt.Sprintf("upstream request timeout: endpoint %s gave no answer within the per-try timeout %s", h.ep.Name, g.cfg.retry.PerTryTimeout))
				return
			}
			g.fail(w, fmt.Sprintf("upstream connect error or disconnect/reset before headers: endpoint %s: %v", h.ep.Name, err))
			return
		}
		g.recordAnswer(h, resp.StatusCode)
		if g.cfg.retry.retriable(o, resp.StatusCode) && g.retry(ctx, attempt) {
			forward.Discard(resp)
			continue
		}
		if resp.StatusCode >= 500 {
			g.counters.responses5xx.Add(1)
		}
		_ = forward.CopyResponse(w, resp)
		return
	}
}

// try sends one attempt to h, bounded by the per-try timeout until its
// answer's headers arrive, and says how it ended.
func (g *Gateway) try(ctx context.Context, r *http.Request, h *host, body *forward.Body) (*http.Response, outcome, error) {
	actx := ctx
	var t *time.Timer
	if d := g.cfg.retry.PerTryTimeout; d > 0 {
		var cancel context.CancelCauseFunc
		actx, cancel = context.WithCancelCause(ctx)
		// Not cancelled on return: the answer's body is copied after try
		// returns. The attempt's context ends with ctx (the request's).
		t = time.AfterFunc(d, func() { cancel(errPerTryTimeout) })
	}
	resp, err := g.transport.RoundTrip(forward.Upstream(actx, r, h.target, body))
	if t != nil && !t.Stop() && errors.Is(context.Cause(actx), errPerTryTimeout) {
		forward.Discard(resp)
		return nil, outcomeTimeout, errPerTryTimeout
	}
	switch {
	case err == nil:
		return resp, outcomeAnswer, nil
	case forward.IsConnectFailure(err):
		return nil, outcomeConnectFailed, err
	}
	return nil, outcomeReset, err
}

// retry reports whether attempt may be retried, after Envoy's jittered
// exponential backoff; false when attempts are used up or the request's
// context (client or request timeout) ends.
func (g *Gateway) retry(ctx context.Context, attempt int) bool {
	p := g.cfg.retry
	if attempt >= p.Attempts {
		return false
	}
	g.counters.retries.Add(1)
	if p.BaseInterval <= 0 {
		return true
	}
	ceiling := min(p.BaseInterval<<attempt, p.MaxInterval)
	t := time.NewTimer(rand.N(ceiling) + 1)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// fail answers 503 made by the gateway itself.
func (g *Gateway) fail(w http.ResponseWriter, msg string) {
	g.failWith(w, http.StatusServiceUnavailable, msg)
}

func (g *Gateway) failWith(w http.ResponseWriter, code int, msg string) {
	if code >= 500 {
		g.counters.responses5xx.Add(1)
	}
	w.Header()[framework.HeaderRegion] = []string{g.region}
	forward.WriteError(w, code, "gateway "+g.region+": "+msg)
}

func (g *Gateway) serveReady(w http.ResponseWriter) {
	w.Header()[framework.HeaderRegion] = []string{g.region}
	p := g.pool.Load()
	if len(p.healthy) == 0 {
		forward.WriteJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "reason": g.unavailableReason()})
		return
	}
	forward.WriteJSON(w, http.StatusOK, map[string]any{"ready": true, "endpoints": len(p.all), "healthy": len(p.healthy)})
}

// unavailableReason says why no endpoint can take a request.
func (g *Gateway) unavailableReason() string {
	p := g.pool.Load()
	if len(p.all) == 0 {
		return "no healthy upstream: no Ready endpoints"
	}
	return fmt.Sprintf("no healthy upstream: all %d endpoints ejected", len(p.all))
}
