package globallb

import (
	"log/slog"
	"time"

	"gameday.io/gameday/framework"
)

// Region is one region behind the load balancer.
type Region struct {
	Name string `json:"name"`
	// GatewayURL is the region's gateway, e.g. http://127.0.0.1:40001.
	GatewayURL string `json:"gatewayURL"`
}

// FailoverRule is one entry of the DestinationRule's
// localityLbSetting.failover: traffic of region From goes to To when From is
// unhealthy.
type FailoverRule struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Defaults of the options: the production profile's health checks.
const (
	DefaultHealthCheckInterval  = 10 * time.Second
	DefaultHealthCheckThreshold = 3
	// DefaultHealthPath is the gateways' readiness path.
	DefaultHealthPath = "/v2/health/ready"
)

// Option configures a load balancer.
type Option func(*settings) error

type settings struct {
	primary   string
	failover  []FailoverRule
	interval  time.Duration
	threshold int
	timeout   time.Duration
	path      string
	logger    *slog.Logger
}

func defaults() settings {
	return settings{interval: DefaultHealthCheckInterval, threshold: DefaultHealthCheckThreshold,
		path: DefaultHealthPath, logger: framework.DiscardLogger()}
}

func invalid(format string, args ...any) error {
	return framework.Invalidf("global load balancer", format, args...)
}

// WithPrimary names the region clients without a client-region header belong
// to (default: the first region).
func WithPrimary(name string) Option {
	return func(s *settings) error { s.primary = name; return nil }
}

// WithFailover sets the failover order. Targets that are not regions are
// allowed (and counted when they would have been used): finding them is the
// point of a drill. A region may be the From of one rule only.
func WithFailover(rules []FailoverRule) Option {
	return func(s *settings) error {
		seen := map[string]bool{}
		for i, r := range rules {
			if r.From == "" || r.To == "" {
				return invalid("failover[%d] %+v: from and to are required", i, r)
			}
			if seen[r.From] {
				return invalid("failover[%d]: region %q has more than one failover target", i, r.From)
			}
			seen[r.From] = true
		}
		s.failover = append([]FailoverRule(nil), rules...)
		return nil
	}
}

// WithHealthCheck sets the health-check interval and the consecutive results
// that change a region's state (defaults DefaultHealthCheckInterval and
// DefaultHealthCheckThreshold; framework.Timeouts has them per profile).
func WithHealthCheck(interval time.Duration, threshold int) Option {
	return func(s *settings) error {
		if interval <= 0 || threshold <= 0 {
			return invalid("health check every %s with threshold %d: both must be positive", interval, threshold)
		}
		s.interval, s.threshold = interval, threshold
		return nil
	}
}

// WithHealthCheckTimeout bounds one check (default: the interval).
func WithHealthCheckTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return invalid("health check timeout %s must be positive", d)
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
