package gateway

import (
	"context"
	"slices"
	"time"
)

// record charges one upstream attempt's outcome to h and ejects it on the spot
// when its consecutive errors reach a threshold. failed is a 5xx answer or a
// local-origin error; gatewayErr a 502/503/504 answer or a local-origin error.
func (g *Gateway) record(h *host, failed, gatewayErr bool) {
	h.requests.Add(1)
	if !gatewayErr && h.consecutiveGw.Load() != 0 {
		h.consecutiveGw.Store(0)
	}
	if !failed {
		if h.consecutive.Load() != 0 {
			h.consecutive.Store(0)
		}
		return
	}
	h.failures.Add(1)
	if t := g.cfg.od.Consecutive5xx; t > 0 && int(h.consecutive.Add(1)) == t {
		g.onConsecutive5xx(h)
		return
	}
	if t := g.cfg.od.ConsecutiveGatewayErrors; gatewayErr && t > 0 && int(h.consecutiveGw.Add(1)) == t {
		g.onConsecutive5xx(h)
	}
}

// recordLocal charges a local-origin error (refused, reset, timeout): Istio
// leaves split_external_local_origin_errors off, so Envoy counts it as a
// 5xx and as a gateway error.
func (g *Gateway) recordLocal(h *host) { g.record(h, true, true) }

// recordAnswer charges an answer by its status.
func (g *Gateway) recordAnswer(h *host, status int) {
	g.record(h, status >= 500, status == 502 || status == 503 || status == 504)
}

// onConsecutive5xx is Envoy's DetectorImpl::onConsecutiveErrorWorker: eject if
// the cap allows, and restart the count either way.
func (g *Gateway) onConsecutive5xx(h *host) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.pool.Load()
	if h.ejected || !slices.Contains(p.all, h) {
		return // already ejected, or removed meanwhile
	}
	defer h.consecutive.Store(0)
	defer h.consecutiveGw.Store(0)
	ejected := len(p.all) - len(p.healthy)
	if float64(100*(ejected+1)) > float64(g.cfg.od.MaxEjectionPercent*len(p.all)) {
		g.counters.ejectionsOverflow.Add(1)
		g.cfg.logger.Warn("outlier not ejected: max ejection percent reached", "region", g.region, "endpoint", h.ep.Name,
			"ejected", ejected, "endpoints", len(p.all), "maxEjectionPercent", g.cfg.od.MaxEjectionPercent)
		return
	}
	h.ejected, h.ejectedAt = true, time.Now()
	h.ejections++
	od := g.cfg.od
	if time.Duration(h.multiplier)*od.BaseEjectionTime < od.MaxEjectionTime+od.BaseEjectionTime {
		h.multiplier++
	}
	g.counters.ejections.Add(1)
	g.publish(p.all)
	g.cfg.logger.Info("endpoint ejected", "region", g.region, "endpoint", h.ep.Name, "for", g.ejectionTime(h), "times", h.ejections)
}

// ejectionTime is how long h stays ejected; g.mu must be held.
func (g *Gateway) ejectionTime(h *host) time.Duration {
	return min(time.Duration(h.multiplier)*g.cfg.od.BaseEjectionTime, g.cfg.od.MaxEjectionTime)
}

// sweep is Envoy's interval timer: return endpoints whose ejection time has
// passed, and decay the multiplier of those not ejected.
func (g *Gateway) sweep(now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.pool.Load()
	changed := false
	for _, h := range p.all {
		switch {
		case !h.ejected:
			if h.multiplier > 0 {
				h.multiplier--
			}
		case now.Sub(h.ejectedAt) >= g.ejectionTime(h):
			h.ejected = false
			h.consecutive.Store(0)
			h.consecutiveGw.Store(0)
			changed = true
			g.counters.unejections.Add(1)
			g.cfg.logger.Info("endpoint returned to service", "region", g.region, "endpoint", h.ep.Name, "after", now.Sub(h.ejectedAt))
		}
	}
	if changed {
		g.publish(p.all)
	}
}

// runSweeps sweeps every interval until ctx ends.
func (g *Gateway) runSweeps(ctx context.Context) {
	t := time.NewTicker(g.cfg.od.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			g.sweep(now)
		}
	}
}
