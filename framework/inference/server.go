package inference

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"gameday.io/gameday/framework"
)

// Server is one inference server: one pod's container.
type Server struct {
	cfg      settings
	m        *metrics
	state    atomic.Pointer[state]
	ids      [][2][]string // identity headers, set on every response
	inflight atomic.Int64

	mu      sync.Mutex
	httpSrv *http.Server
}

// New returns a server; it serves nothing until Serve (or Handler is mounted).
func New(opts ...Option) (*Server, error) {
	cfg := defaults()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.source == nil {
		return nil, invalid("no model source (use WithModelSource)")
	}
	s := &Server{cfg: cfg}
	s.m = newMetrics(s.InFlight)
	for _, h := range [][2]string{
		{framework.HeaderRegion, cfg.id.Region}, {framework.HeaderZone, cfg.id.Zone},
		{framework.HeaderNode, cfg.id.Node}, {framework.HeaderPod, cfg.id.Pod},
	} {
		if h[1] != "" {
			s.ids = append(s.ids, [2][]string{{h[0]}, {h[1]}})
		}
	}
	s.setState(&state{Status: Status{Live: true, Reason: "model not loaded: loading from " + cfg.source.String()}})
	return s, nil
}

// Serve loads the model in the background and serves ln until ctx ends; then
// it stops accepting, reports not ready, and drains in-flight requests within
// the shutdown timeout (graceful shutdown, as on SIGTERM). It returns nil
// after a graceful stop or Close.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	s.mu.Lock()
	if s.httpSrv != nil {
		s.mu.Unlock()
		return fmt.Errorf("inference server %s: Serve called twice: %w", s.cfg.id.Pod, framework.ErrInvalid)
	}
	s.httpSrv = srv
	s.mu.Unlock()

	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	go func() { _ = s.Load(loadCtx) }()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("inference server %s: serve %s: %w", s.cfg.id.Pod, ln.Addr(), err)
	case <-ctx.Done():
	}
	stopLoad()
	st := s.Status()
	st.Ready, st.Reason = false, "shutting down"
	s.setState(&state{Status: st, model: s.state.Load().model})
	s.cfg.logger.Info("shutting down", "drain", s.cfg.shutdownTimeout)
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(dctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("inference server %s: drain: %w", s.cfg.id.Pod, err)
	}
	return nil
}

// Close kills the server at once: the listener and every connection are
// closed, so clients see refused or reset connections (a node failure).
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.httpSrv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}
