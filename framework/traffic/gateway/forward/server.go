package forward

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server serves a handler on one loopback address that survives Stop/Start:
// Stop closes the listener and every connection at once (clients see refused
// or reset connections, as in a region outage in refuse mode); Freeze keeps
// the listener and connections but answers nothing (a black hole: clients
// wait for their own timeouts); Start binds the same address again and
// answers again.
type Server struct {
	handler http.Handler
	logger  *slog.Logger

	mu     sync.Mutex
	addr   string // fixed after the first bind
	srv    *http.Server
	closed bool
	frozen chan struct{} // non-nil while frozen; closed when answering again
}

// Listen binds addr (port 0 picks a free port, kept across restarts) and
// serves h until Close.
func Listen(addr string, h http.Handler, logger *slog.Logger) (*Server, error) {
	s := &Server{handler: h, logger: logger, addr: addr}
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// Addr is the bound host:port.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// URL is http://Addr.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Running reports whether the server accepts connections.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.srv != nil
}

// serve holds every request while the server is frozen: until the client
// gives up (nothing is answered) or the server answers again.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	hold := s.frozen
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	s.handler.ServeHTTP(w, r)
}

// Frozen reports whether the server is frozen.
func (s *Server) Frozen() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frozen != nil
}

// Freeze makes the server a black hole: the listener stays, connections
// are accepted and kept, and no request is answered until Start (held
// requests are then served) or the client gives up. Freezing a frozen
// server does nothing.
func (s *Server) Freeze() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("freeze %s: %w", s.addr, net.ErrClosed)
	}
	if s.frozen == nil {
		s.frozen = make(chan struct{})
	}
	return nil
}

// Start answers again after Freeze and binds the address again after Stop.
// Starting a running server does nothing. It fails when the address was
// taken meanwhile or after Close.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("start %s: %w", s.addr, net.ErrClosed)
	}
	if s.frozen != nil {
		close(s.frozen)
		s.frozen = nil
	}
	if s.srv != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.addr, err)
	}
	s.addr = ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	s.srv = srv
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && s.logger != nil {
			s.logger.Error("serve", "addr", ln.Addr().String(), "err", err)
		}
	}()
	return nil
}

// Stop closes the listener and all connections at once. Stopping a stopped
// server does nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// Shutdown stops accepting and waits for in-flight requests (bounded by ctx),
// then closes for good.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv := s.srv
	s.srv, s.closed = nil, true
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Shutdown(ctx); err != nil {
		return errors.Join(err, srv.Close())
	}
	return nil
}

// Close stops the server for good (held requests end with their
// connections).
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return s.Stop()
}
