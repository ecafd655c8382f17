package gateway

import (
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"

	"gameday.io/gameday/framework"
)

// OutlierDetection is the DestinationRule's trafficPolicy.outlierDetection.
type OutlierDetection struct {
	// Consecutive5xx errors eject an endpoint (consecutive5xxErrors); 0 turns
	// outlier detection off, as in Istio.
	Consecutive5xx int `json:"consecutive5xx"`
	// ConsecutiveGatewayErrors eject an endpoint (consecutiveGatewayErrors:
	// 502, 503, 504 and local-origin errors such as timeouts and resets);
	// 0 (Istio's default) turns this detector off.
	ConsecutiveGatewayErrors int `json:"consecutiveGatewayErrors,omitempty"`
	// Interval between ejection sweeps, which return endpoints to service.
	Interval time.Duration `json:"interval"`
	// BaseEjectionTime is multiplied by the endpoint's ejection multiplier.
	BaseEjectionTime time.Duration `json:"baseEjectionTime"`
	// MaxEjectionPercent of the endpoints may be ejected at once (0..100).
	MaxEjectionPercent int `json:"maxEjectionPercent"`
	// MaxEjectionTime caps the ejection time; 0 means DefaultMaxEjectionTime.
	MaxEjectionTime time.Duration `json:"maxEjectionTime,omitempty"`
}

// DefaultOutlierDetection is what Istio configures for an outlierDetection
// block with no fields: 5 consecutive 5xx, 10 s interval, 30 s base ejection
// time, at most 10 % ejected.
var DefaultOutlierDetection = OutlierDetection{Consecutive5xx: 5, Interval: 10 * time.Second, BaseEjectionTime: 30 * time.Second, MaxEjectionPercent: 10}

// DefaultMaxEjectionTime is Envoy's default cap on an ejection.
const DefaultMaxEjectionTime = 300 * time.Second

func (o OutlierDetection) validate() error {
	switch {
	case o.Consecutive5xx < 0:
		return fmt.Errorf("outlierDetection.consecutive5xxErrors %d is negative", o.Consecutive5xx)
	case o.ConsecutiveGatewayErrors < 0:
		return fmt.Errorf("outlierDetection.consecutiveGatewayErrors %d is negative", o.ConsecutiveGatewayErrors)
	case o.Interval <= 0:
		return fmt.Errorf("outlierDetection.interval %s must be positive", o.Interval)
	case o.BaseEjectionTime <= 0:
		return fmt.Errorf("outlierDetection.baseEjectionTime %s must be positive", o.BaseEjectionTime)
	case o.MaxEjectionPercent < 0 || o.MaxEjectionPercent > 100:
		return fmt.Errorf("outlierDetection.maxEjectionPercent %d is not in 0..100", o.MaxEjectionPercent)
	case o.MaxEjectionTime < 0:
		return fmt.Errorf("outlierDetection.maxEjectionTime %s is negative", o.MaxEjectionTime)
	}
	return nil
}

// RetryPolicy says when a request is tried again on another endpoint (a
// VirtualService route's retries, as Envoy carries them out).
type RetryPolicy struct {
	// Attempts is the number of retries after the first try; 0 disables retries.
	Attempts int `json:"attempts"`
	// On lists Envoy's retry conditions (retryOn): connect-failure,
	// refused-stream, reset, 5xx, gateway-error, retriable-status-codes
	// (gRPC conditions such as unavailable and cancelled are accepted and
	// never match HTTP/1.1 answers). Empty means Istio's default
	// (DefaultRetryOn).
	On []string `json:"retryOn,omitempty"`
	// RetriableStatusCodes are answers retried under retriable-status-codes.
	RetriableStatusCodes []int `json:"retriableStatusCodes,omitempty"`
	// PerTryTimeout bounds each attempt until its answer's headers (0: none,
	// Istio's default); an attempt that runs out is an error charged to its
	// endpoint and retried under 5xx, gateway-error or reset.
	PerTryTimeout time.Duration `json:"perTryTimeout,omitempty"`
	// BaseInterval and MaxInterval bound Envoy's jittered exponential backoff:
	// retry n waits a random time in [0, min(BaseInterval*2^(n-1), MaxInterval)).
	BaseInterval time.Duration `json:"baseInterval"`
	MaxInterval  time.Duration `json:"maxInterval"`
}

// DefaultRetryOn is Istio's default retryOn.
var DefaultRetryOn = []string{"connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes"}

// DefaultRetryPolicy is Istio's default: 2 retries on connect-failure,
// refused-stream, unavailable, cancelled and retriable-status-codes (503),
// no per-try timeout, with Envoy's default backoff (25 ms base, 250 ms max).
var DefaultRetryPolicy = RetryPolicy{Attempts: 2, On: DefaultRetryOn, RetriableStatusCodes: []int{http.StatusServiceUnavailable},
	BaseInterval: 25 * time.Millisecond, MaxInterval: 250 * time.Millisecond}

// DefaultMaxRequests is Istio's default http2MaxRequests (2^32-1: unbounded).
const DefaultMaxRequests = math.MaxUint32

// Option configures a Gateway.
type Option func(*settings) error

type settings struct {
	od          OutlierDetection
	retry       RetryPolicy
	maxRequests int64
	connect     time.Duration
	timeout     time.Duration // request (route) timeout; 0: none
	logger      *slog.Logger
}

func defaults() settings {
	return settings{od: DefaultOutlierDetection, retry: DefaultRetryPolicy, maxRequests: DefaultMaxRequests, logger: framework.DiscardLogger()}
}

func invalid(format string, args ...any) error {
	return framework.Invalidf("gateway", format, args...)
}

// WithOutlierDetection sets outlier detection (default DefaultOutlierDetection).
func WithOutlierDetection(od OutlierDetection) Option {
	return func(s *settings) error {
		if err := od.validate(); err != nil {
			return invalid("%v", err)
		}
		if od.MaxEjectionTime == 0 {
			od.MaxEjectionTime = DefaultMaxEjectionTime
		}
		s.od = od
		return nil
	}
}

// WithRetryPolicy sets the retry policy (default DefaultRetryPolicy);
// RetryPolicy{} disables retries.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(s *settings) error {
		if p.Attempts < 0 || p.BaseInterval < 0 || p.MaxInterval < p.BaseInterval || p.PerTryTimeout < 0 {
			return invalid("retry policy %+v: want attempts >= 0, perTryTimeout >= 0 and 0 <= baseInterval <= maxInterval", p)
		}
		for _, c := range p.On {
			if !knownRetryOn[c] {
				return invalid("retryOn %q is not a retry condition (want one of %s)", c, knownRetryOnList())
			}
		}
		if len(p.On) == 0 {
			p.On = DefaultRetryOn
		}
		s.retry = p
		return nil
	}
}

// WithMaxRequests bounds concurrent upstream requests (http2MaxRequests;
// default DefaultMaxRequests).
func WithMaxRequests(n int) Option {
	return func(s *settings) error {
		if n <= 0 {
			return invalid("maxRequests %d must be positive", n)
		}
		s.maxRequests = int64(n)
		return nil
	}
}

// WithConnectTimeout bounds connecting to an endpoint (default
// forward.DefaultConnectTimeout, Envoy's 10 s).
func WithConnectTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return invalid("connect timeout %s must be positive", d)
		}
		s.connect = d
		return nil
	}
}

// WithRequestTimeout bounds a whole request, retries included (a
// VirtualService route's timeout; default 0: none, as in Istio). A request
// that runs out gets 504 and its current attempt is charged to its endpoint.
func WithRequestTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return invalid("request timeout %s is negative", d)
		}
		s.timeout = d
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
