package load

import (
	"log/slog"
	"math"
	"time"

	"gameday.io/gameday/framework"
)

// Defaults of the options.
const (
	// DefaultRate is the total request rate per second over all streams.
	DefaultRate = 100.0
	// DefaultRamp: start at full rate.
	DefaultRamp = 0
	// DefaultTimeout bounds one request, response body included. A request
	// that takes longer fails with CauseTimeout.
	DefaultTimeout = 2 * time.Second
	// DefaultMaxWorkers bounds the requests in flight over all streams. At
	// rate R and a hanging target the attackers keep up for MaxWorkers/R
	// seconds, then fall behind (see Timeline.Planned).
	DefaultMaxWorkers = 1000
	// DefaultV2Fraction is the share of requests sent as v2 infer calls; the
	// rest are v1 predict calls.
	DefaultV2Fraction = 0.5
	// DefaultModel is the model name in the request paths.
	DefaultModel = "default"
	// DefaultPhase is the phase a run starts in.
	DefaultPhase = "baseline"
	// DefaultProbeTimeout bounds the reachability probe Start sends.
	DefaultProbeTimeout = 5 * time.Second
	// DefaultProgressInterval is how often the progress callback runs.
	DefaultProgressInterval = time.Second
	// MaxBody is how much of a response body is read; the rest is discarded.
	MaxBody = 4 << 10
)

// Option configures a Generator.
type Option func(*settings) error

type settings struct {
	rate             float64
	ramp             time.Duration
	clientRegions    []string
	knownRegions     []string
	timeout          time.Duration
	maxWorkers       int
	v2Fraction       float64
	model            string
	phase            string
	probe            bool
	probeTimeout     time.Duration
	progress         func(Progress)
	progressInterval time.Duration
	logger           *slog.Logger
}

func defaults() settings {
	return settings{
		rate:             DefaultRate,
		ramp:             DefaultRamp,
		timeout:          DefaultTimeout,
		maxWorkers:       DefaultMaxWorkers,
		v2Fraction:       DefaultV2Fraction,
		model:            DefaultModel,
		phase:            DefaultPhase,
		probe:            true,
		probeTimeout:     DefaultProbeTimeout,
		progressInterval: DefaultProgressInterval,
		logger:           framework.DiscardLogger(),
	}
}

func invalid(format string, args ...any) error {
	return framework.Invalidf("load", format, args...)
}

// WithRate sets the total rate in requests per second (default DefaultRate),
// split evenly over the streams. It must be positive.
func WithRate(perSecond float64) Option {
	return func(s *settings) error {
		if !(perSecond > 0) || math.IsInf(perSecond, 0) {
			return invalid("rate %v: want a positive number of requests per second", perSecond)
		}
		s.rate = perSecond
		return nil
	}
}

// WithRamp raises the rate linearly from 0 to the full rate over d (default
// DefaultRamp: full rate at once).
func WithRamp(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return invalid("ramp %v is negative", d)
		}
		s.ramp = d
		return nil
	}
}

// WithClientRegions runs one stream per client region, each sending
// framework.HeaderClientRegion. Default: one stream without the header.
func WithClientRegions(regions ...string) Option {
	return func(s *settings) error {
		seen := map[string]bool{}
		for _, r := range regions {
			if r == "" {
				return invalid("client region is empty")
			}
			if seen[r] {
				return invalid("client region %q given twice", r)
			}
			seen[r] = true
		}
		s.clientRegions = append([]string(nil), regions...)
		return nil
	}
}

// WithKnownRegions names the regions that exist (an environment's); New
// rejects a client region outside them. Default: any name is accepted.
func WithKnownRegions(regions ...string) Option {
	return func(s *settings) error { s.knownRegions = append([]string(nil), regions...); return nil }
}

// WithTimeout bounds each request (default DefaultTimeout).
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return invalid("timeout %v: want a positive duration", d)
		}
		s.timeout = d
		return nil
	}
}

// WithMaxWorkers bounds the requests in flight over all streams (default
// DefaultMaxWorkers); each stream gets an equal share, at least one.
func WithMaxWorkers(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return invalid("max workers %d: want at least 1", n)
		}
		s.maxWorkers = n
		return nil
	}
}

// WithV2Fraction sets the share of v2 infer requests, 0 to 1 (default
// DefaultV2Fraction); the rest are v1 predict requests.
func WithV2Fraction(f float64) Option {
	return func(s *settings) error {
		if !(f >= 0 && f <= 1) {
			return invalid("v2 fraction %v: want a number from 0 to 1", f)
		}
		s.v2Fraction = f
		return nil
	}
}

// WithModel sets the model name in the request paths (default DefaultModel).
func WithModel(name string) Option {
	return func(s *settings) error {
		if name == "" {
			return invalid("model name is empty")
		}
		s.model = name
		return nil
	}
}

// WithPhase sets the phase a run starts in (default DefaultPhase).
func WithPhase(phase string) Option {
	return func(s *settings) error {
		if phase == "" {
			return invalid("phase is empty")
		}
		s.phase = phase
		return nil
	}
}

// WithProbe turns the reachability probe of Start on or off (default on) and
// bounds it by timeout (0 keeps DefaultProbeTimeout).
func WithProbe(enabled bool, timeout time.Duration) Option {
	return func(s *settings) error {
		if timeout < 0 {
			return invalid("probe timeout %v is negative", timeout)
		}
		s.probe = enabled
		if timeout > 0 {
			s.probeTimeout = timeout
		}
		return nil
	}
}

// WithProgress calls f every interval (0 keeps DefaultProgressInterval) while
// a run lasts, with the figures of the results that completed in it. f runs
// on its own goroutine and should return quickly.
func WithProgress(f func(Progress), interval time.Duration) Option {
	return func(s *settings) error {
		if interval < 0 {
			return invalid("progress interval %v is negative", interval)
		}
		s.progress = f
		if interval > 0 {
			s.progressInterval = interval
		}
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
