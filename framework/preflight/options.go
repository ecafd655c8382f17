package preflight

import (
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/chaosmesh"
)

// Defaults of Run's options.
const (
	// DefaultMaxClockSkew is how far the API server's clock may be from
	// ours, on top of DateResolution.
	DefaultMaxClockSkew = 5 * time.Second
	// DefaultTimeout bounds all the checks of one region.
	DefaultTimeout = 30 * time.Second
)

// DateResolution is the resolution of the HTTP Date header the clock-skew
// check reads; it is allowed on top of the maximum skew.
const DateResolution = time.Second

type config struct {
	maxSkew time.Duration
	timeout time.Duration
	now     func() time.Time
	// chaosNS is where Chaos Mesh's controller and chaos-daemon run.
	chaosNS []string
}

func defaultConfig() config {
	return config{maxSkew: DefaultMaxClockSkew, timeout: DefaultTimeout, now: time.Now,
		chaosNS: chaosmesh.DefaultControllerNamespaces}
}

// Option configures Run. An invalid option makes Run return a Report with one
// failed "options" check, whose Error wraps framework.ErrInvalid.
type Option func(*config) error

// WithMaxClockSkew sets how far the API server's clock may be from ours
// (default DefaultMaxClockSkew); DateResolution is allowed on top.
func WithMaxClockSkew(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return framework.Invalidf("preflight", "max clock skew %s is negative", d)
		}
		c.maxSkew = d
		return nil
	}
}

// WithNow sets the local clock (default time.Now), for tests.
func WithNow(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return framework.Invalidf("preflight", "nil clock")
		}
		c.now = now
		return nil
	}
}

// WithChaosControllerNamespaces sets where Chaos Mesh's controller and
// chaos-daemon pods run (default chaosmesh.DefaultControllerNamespaces); it
// is passed to chaosmesh.WithControllerNamespaces.
func WithChaosControllerNamespaces(ns ...string) Option {
	return func(c *config) error {
		if len(ns) == 0 {
			return framework.Invalidf("preflight", "no Chaos Mesh controller namespace given")
		}
		for _, n := range ns {
			if n == "" {
				return framework.Invalidf("preflight", "empty Chaos Mesh controller namespace in %q", ns)
			}
		}
		c.chaosNS = append([]string(nil), ns...)
		return nil
	}
}

// WithTimeout bounds all the checks of one region (default DefaultTimeout).
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return framework.Invalidf("preflight", "timeout %s is not positive", d)
		}
		c.timeout = d
		return nil
	}
}
