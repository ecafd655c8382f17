package gateway

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/traffic/gateway/forward"
)

// Gateway is one region's ingress. Mount it as an http.Handler, or Listen.
type Gateway struct {
	region    string
	cfg       settings
	transport *http.Transport

	pool     atomic.Pointer[pool]
	rr       atomic.Uint64
	active   atomic.Int64 // upstream requests in flight (MaxRequests breaker)
	counters counters

	mu        sync.Mutex // guards host outlier state and pool changes
	srvMu     sync.Mutex
	srv       *forward.Server
	stopSweep context.CancelFunc
	sweepDone chan struct{}
}

// New returns a gateway for region with no endpoints. Its ejection sweeps run
// until Close.
func New(region string, opts ...Option) (*Gateway, error) {
	if region == "" {
		return nil, invalid("region name is empty")
	}
	cfg := defaults()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.od.MaxEjectionTime == 0 {
		cfg.od.MaxEjectionTime = DefaultMaxEjectionTime
	}
	g := &Gateway{region: region, cfg: cfg, transport: forward.NewTransport(cfg.connect), sweepDone: make(chan struct{})}
	g.pool.Store(&pool{})
	ctx, cancel := context.WithCancel(context.Background())
	g.stopSweep = cancel
	go func() {
		defer close(g.sweepDone)
		g.runSweeps(ctx)
	}()
	return g, nil
}

// Region is the gateway's region.
func (g *Gateway) Region() string { return g.region }

// Listen serves the gateway on addr (e.g. 127.0.0.1:0) until Close.
func (g *Gateway) Listen(addr string) error {
	g.srvMu.Lock()
	defer g.srvMu.Unlock()
	if g.srv != nil {
		return fmt.Errorf("gateway %s already listens on %s: %w", g.region, g.srv.Addr(), framework.ErrExists)
	}
	srv, err := forward.Listen(addr, g, g.cfg.logger)
	if err != nil {
		return fmt.Errorf("gateway %s: %w", g.region, err)
	}
	g.srv = srv
	return nil
}

// URL is where the gateway listens ("" before Listen).
func (g *Gateway) URL() string {
	g.srvMu.Lock()
	defer g.srvMu.Unlock()
	if g.srv == nil {
		return ""
	}
	return g.srv.URL()
}

// Stop takes the gateway off the network at once (region outage): new
// connections are refused and open ones are closed. Endpoint and outlier
// state are kept.
func (g *Gateway) Stop() error { return g.withServer("stop", (*forward.Server).Stop) }

// BlackHole takes the gateway off the network silently (region outage in
// black-hole mode): its address still accepts connections, open ones are
// kept, and nothing is answered, so clients wait for their own timeouts.
func (g *Gateway) BlackHole() error { return g.withServer("black-hole", (*forward.Server).Freeze) }

// Start puts a stopped or black-holed gateway back on its address.
func (g *Gateway) Start() error { return g.withServer("start", (*forward.Server).Start) }

func (g *Gateway) withServer(what string, f func(*forward.Server) error) error {
	g.srvMu.Lock()
	srv := g.srv
	g.srvMu.Unlock()
	if srv == nil {
		return fmt.Errorf("gateway %s: %s before Listen: %w", g.region, what, framework.ErrInvalid)
	}
	if err := f(srv); err != nil {
		return fmt.Errorf("gateway %s: %s: %w", g.region, what, err)
	}
	g.cfg.logger.Info("gateway "+what, "region", g.region, "addr", srv.Addr())
	return nil
}

// Close stops serving and sweeping and drops idle upstream connections.
func (g *Gateway) Close() error {
	g.stopSweep()
	<-g.sweepDone
	g.srvMu.Lock()
	srv := g.srv
	g.srvMu.Unlock()
	var err error
	if srv != nil {
		err = srv.Close()
	}
	g.transport.CloseIdleConnections()
	return err
}
