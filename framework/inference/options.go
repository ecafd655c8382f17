package inference

import (
	"log/slog"
	"time"

	"gameday.io/gameday/framework"
)

// Defaults of the options.
const (
	// DefaultModelName is the name the model is served under, as in the
	// runbook's /v1/models/default:predict.
	DefaultModelName = "default"
	// DefaultLoadTimeout bounds the model download with its retries.
	DefaultLoadTimeout = 2 * time.Minute
	// DefaultRetryInterval is the first pause between load attempts; it doubles
	// up to DefaultMaxRetryInterval.
	DefaultRetryInterval    = 100 * time.Millisecond
	DefaultMaxRetryInterval = 2 * time.Second
	// DefaultShutdownTimeout bounds draining in-flight requests on Shutdown.
	DefaultShutdownTimeout = 10 * time.Second
	// DefaultLatency and DefaultJitter: no simulated compute latency.
	DefaultLatency = 0
	DefaultJitter  = 0
)

// Identity names what a server runs as; every response carries it in headers.
type Identity struct {
	Region, Zone, Node, Pod string
}

// Option configures a Server.
type Option func(*settings) error

type settings struct {
	id               Identity
	modelName        string
	source           ModelSource
	loadTimeout      time.Duration
	retryInterval    time.Duration
	maxRetryInterval time.Duration
	shutdownTimeout  time.Duration
	latency, jitter  time.Duration
	logger           *slog.Logger
}

func defaults() settings {
	return settings{
		modelName:        DefaultModelName,
		loadTimeout:      DefaultLoadTimeout,
		retryInterval:    DefaultRetryInterval,
		maxRetryInterval: DefaultMaxRetryInterval,
		shutdownTimeout:  DefaultShutdownTimeout,
		latency:          DefaultLatency,
		jitter:           DefaultJitter,
		logger:           framework.DiscardLogger(),
	}
}

func invalid(format string, args ...any) error {
	return framework.Invalidf("inference server", format, args...)
}

// WithIdentity sets the region, zone, node and pod the server reports.
func WithIdentity(id Identity) Option {
	return func(s *settings) error { s.id = id; return nil }
}

// WithModelName sets the name the model is served under (default DefaultModelName).
func WithModelName(name string) Option {
	return func(s *settings) error {
		if name == "" {
			return invalid("model name is empty")
		}
		s.modelName = name
		return nil
	}
}

// WithModelSource sets where the model artifact comes from. Required.
func WithModelSource(src ModelSource) Option {
	return func(s *settings) error {
		if src == nil {
			return invalid("model source is nil")
		}
		s.source = src
		return nil
	}
}

// WithLoadTimeout bounds the model download including retries (default
// DefaultLoadTimeout; 0 retries forever).
func WithLoadTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return invalid("load timeout %s is negative", d)
		}
		s.loadTimeout = d
		return nil
	}
}

// WithRetryInterval sets the first and the largest pause between load attempts
// (defaults DefaultRetryInterval, DefaultMaxRetryInterval).
func WithRetryInterval(first, max time.Duration) Option {
	return func(s *settings) error {
		if first <= 0 || max < first {
			return invalid("retry interval %s..%s: want 0 < first <= max", first, max)
		}
		s.retryInterval, s.maxRetryInterval = first, max
		return nil
	}
}

// WithLatency sets the simulated GPU compute latency of each inference: fixed
// plus a uniformly random jitter in [0, jitter) (defaults: none).
func WithLatency(fixed, jitter time.Duration) Option {
	return func(s *settings) error {
		if fixed < 0 || jitter < 0 {
			return invalid("latency %s + jitter %s: must not be negative", fixed, jitter)
		}
		s.latency, s.jitter = fixed, jitter
		return nil
	}
}

// WithShutdownTimeout bounds the drain of in-flight requests when the serve
// context ends (default DefaultShutdownTimeout).
func WithShutdownTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return invalid("shutdown timeout %s must be positive", d)
		}
		s.shutdownTimeout = d
		return nil
	}
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l != nil {
			s.logger = l
		}
		return nil
	}
}
