package globallb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"gameday.io/gameday/framework/traffic/gateway/forward"
)

// region is a region with its health and traffic.
type region struct {
	Region
	target  *url.URL
	healthy atomic.Bool
	// out is set while an operator has taken the region out of rotation
	// (the runbook's DNS switch); it gets no traffic however healthy it is.
	out    atomic.Bool
	routed atomic.Uint64 // requests sent to this region
	errors atomic.Uint64 // of those, unreachable gateway or partitioned

	mu          sync.Mutex // the check state below
	consecFail  int
	consecOK    int
	since       time.Time // of the current state
	lastCheck   time.Time
	lastError   string
	transitions int
}

// runChecks checks r every interval until ctx ends.
func (lb *LB) runChecks(ctx context.Context, r *region) {
	t := time.NewTicker(lb.cfg.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			lb.check(ctx, r, false)
		}
	}
}

// check probes r once and applies the threshold; initial takes the result as
// the state at once.
func (lb *LB) check(ctx context.Context, r *region, initial bool) {
	err := lb.probe(ctx, r)
	if ctx.Err() != nil {
		return // shutting down: not the region's fault
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastCheck = now
	if err != nil {
		r.lastError = err.Error()
		r.consecFail++
		r.consecOK = 0
	} else {
		r.lastError = ""
		r.consecOK++
		r.consecFail = 0
	}
	healthy := r.healthy.Load()
	switch {
	case initial:
		r.healthy.Store(err == nil)
		r.since = now
		lb.cfg.logger.Info("region health", "region", r.Name, "healthy", err == nil, "err", err)
	case healthy && r.consecFail >= lb.cfg.threshold:
		lb.transition(r, false, now)
	case !healthy && r.consecOK >= lb.cfg.threshold:
		lb.transition(r, true, now)
	}
}

// transition flips r's state; r.mu must be held.
func (lb *LB) transition(r *region, healthy bool, now time.Time) {
	r.healthy.Store(healthy)
	r.since = now
	r.transitions++
	lb.cfg.logger.Info("region health changed", "region", r.Name, "healthy", healthy, "lastError", r.lastError)
}

// probe GETs the gateway's readiness; nil when it answers 200.
func (lb *LB) probe(ctx context.Context, r *region) error {
	ctx, cancel := context.WithTimeout(ctx, lb.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.target.String()+lb.cfg.path, nil)
	if err != nil {
		return err
	}
	resp, err := lb.transport.RoundTrip(req)
	if err != nil {
		return err
	}
	forward.Discard(resp)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", lb.cfg.path, resp.Status)
	}
	return nil
}
