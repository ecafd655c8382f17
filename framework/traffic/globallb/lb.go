package globallb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/traffic/gateway/forward"
)

// LB is the global load balancer. Mount it as an http.Handler, or Listen.
type LB struct {
	cfg       settings
	regions   []*region // topology order
	byName    map[string]*region
	failover  map[string]string         // from -> to
	missing   map[string]*atomic.Uint64 // failover targets that are not regions
	transport *http.Transport
	counters  counters

	partitions atomic.Pointer[map[pair]bool]
	partMu     sync.Mutex

	mu      sync.Mutex
	srv     *forward.Server
	stop    context.CancelFunc
	checks  sync.WaitGroup
	started bool
}

// New returns a load balancer over regions; Start begins health checking.
func New(regions []Region, opts ...Option) (*LB, error) {
	cfg := defaults()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if len(regions) == 0 {
		return nil, invalid("no regions")
	}
	if cfg.timeout == 0 {
		cfg.timeout = cfg.interval
	}
	lb := &LB{cfg: cfg, byName: map[string]*region{}, failover: map[string]string{}, missing: map[string]*atomic.Uint64{},
		transport: forward.NewTransport(cfg.timeout)}
	for _, r := range regions {
		if r.Name == "" || lb.byName[r.Name] != nil {
			return nil, invalid("region name %q is empty or repeated", r.Name)
		}
		u, err := url.Parse(r.GatewayURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, invalid("region %s: bad gateway URL %q", r.Name, r.GatewayURL)
		}
		rs := &region{Region: r, target: &url.URL{Scheme: u.Scheme, Host: u.Host}}
		lb.regions = append(lb.regions, rs)
		lb.byName[r.Name] = rs
	}
	if cfg.primary == "" {
		lb.cfg.primary = regions[0].Name
	} else if lb.byName[cfg.primary] == nil {
		return nil, invalid("primary region %q is not one of the regions", cfg.primary)
	}
	for _, f := range cfg.failover {
		lb.failover[f.From] = f.To
		if lb.byName[f.To] == nil {
			lb.missing[f.To] = new(atomic.Uint64)
			cfg.logger.Warn("failover target is not a region", "from", f.From, "to", f.To)
		}
	}
	lb.partitions.Store(&map[pair]bool{})
	return lb, nil
}

// MissingTargets lists the failover rules whose target is not a region.
func (lb *LB) MissingTargets() []FailoverRule {
	var out []FailoverRule
	for _, f := range lb.cfg.failover {
		if lb.byName[f.To] == nil {
			out = append(out, f)
		}
	}
	return out
}

// Start checks every region once (those results are the initial states), then
// keeps checking every interval until ctx ends or Close.
func (lb *LB) Start(ctx context.Context) error {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if lb.started {
		return fmt.Errorf("global load balancer already started: %w", framework.ErrInvalid)
	}
	lb.started = true
	ctx, lb.stop = context.WithCancel(ctx)
	var first sync.WaitGroup
	for _, r := range lb.regions {
		first.Go(func() { lb.check(ctx, r, true) })
	}
	first.Wait()
	for _, r := range lb.regions {
		lb.checks.Go(func() { lb.runChecks(ctx, r) })
	}
	return nil
}

// Listen serves the load balancer on addr (e.g. 127.0.0.1:0) until Close.
func (lb *LB) Listen(addr string) error {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if lb.srv != nil {
		return fmt.Errorf("global load balancer already listens on %s: %w", lb.srv.Addr(), framework.ErrExists)
	}
	srv, err := forward.Listen(addr, lb, lb.cfg.logger)
	if err != nil {
		return fmt.Errorf("global load balancer: %w", err)
	}
	lb.srv = srv
	return nil
}

// URL is the global endpoint ("" before Listen).
func (lb *LB) URL() string {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if lb.srv == nil {
		return ""
	}
	return lb.srv.URL()
}

// Close stops health checks and serving.
func (lb *LB) Close() error {
	lb.mu.Lock()
	stop, srv := lb.stop, lb.srv
	lb.mu.Unlock()
	if stop != nil {
		stop()
	}
	lb.checks.Wait()
	var err error
	if srv != nil {
		err = srv.Close()
	}
	lb.transport.CloseIdleConnections()
	return err
}
