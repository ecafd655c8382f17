package inference

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gameday.io/gameday/framework/storage"
)

// ErrLoadGaveUp is returned by Load when the load timeout passed before the
// artifact could be loaded.
var ErrLoadGaveUp = errors.New("model load gave up")

// Status is a server's health as its probes report it.
type Status struct {
	// Live is false once the model load gave up (so liveness restarts it).
	Live bool `json:"live"`
	// Ready is true once the model is loaded and until shutdown begins.
	Ready bool `json:"ready"`
	// Reason says why the server is not ready (or not live).
	Reason string `json:"reason,omitempty"`
	// Model and Version name the loaded artifact.
	Model   string `json:"model,omitempty"`
	Version string `json:"version,omitempty"`
	// Attempts counts model download attempts.
	Attempts int `json:"attempts"`
}

// state is swapped atomically; handlers read it without locks.
type state struct {
	Status
	model *storage.Model
}

func (s *Server) setState(st *state) {
	s.state.Store(st)
	if st.model != nil {
		s.m.loaded.Set(1)
	} else {
		s.m.loaded.Set(0)
	}
}

// Status reports the server's current health.
func (s *Server) Status() Status { return s.state.Load().Status }

// Load downloads the model artifact, retrying with capped exponential backoff
// until it succeeds, ctx ends, or the load timeout passes. The server becomes
// ready when it returns nil. Serve calls it; call it directly only when using
// Handler without Serve.
func (s *Server) Load(ctx context.Context) error {
	if s.cfg.loadTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.loadTimeout)
		defer cancel()
	}
	src := s.cfg.source
	wait := s.cfg.retryInterval
	var last error
	for attempt := 1; ; attempt++ {
		s.m.loadTries.Inc()
		m, err := src.Fetch(ctx)
		if err == nil {
			s.setState(&state{Status: Status{Live: true, Ready: true, Model: m.Name, Version: m.Version, Attempts: attempt}, model: m})
			s.cfg.logger.Info("model loaded", "source", src.String(), "model", m.Name, "version", m.Version, "attempts", attempt)
			return nil
		}
		if last == nil || ctx.Err() == nil {
			last = err // keep the cause, not the deadline that cut the last try short
		}
		reason := fmt.Sprintf("model not loaded: %v (attempt %d, retrying)", last, attempt)
		if ctx.Err() == nil {
			s.setState(&state{Status: Status{Live: true, Reason: reason, Attempts: attempt}})
			s.cfg.logger.Warn("model load failed", "source", src.String(), "attempt", attempt, "err", err)
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
			wait = min(2*wait, s.cfg.maxRetryInterval)
		}
		if ctx.Err() != nil {
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) || s.cfg.loadTimeout == 0 {
				return fmt.Errorf("load model from %s: %w", src, ctx.Err())
			}
			reason = fmt.Sprintf("model not loaded: %v (gave up after %s, %d attempts)", last, s.cfg.loadTimeout, attempt)
			s.setState(&state{Status: Status{Live: false, Reason: reason, Attempts: attempt}})
			s.cfg.logger.Error("model load gave up", "source", src.String(), "attempts", attempt, "err", last)
			return fmt.Errorf("%s: %w: %w", reason, ErrLoadGaveUp, last)
		}
	}
}
