package chaosmesh

import (
	"fmt"
	"log/slog"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"gameday.io/gameday/framework"
)

// Defaults of the Client's options.
const (
	// DefaultPollInterval is how often Delete and Installed re-read the cluster.
	DefaultPollInterval = 250 * time.Millisecond
	// DefaultDeleteTimeout bounds how long Delete waits for Chaos Mesh to
	// recover the targets and drop its finalizer.
	DefaultDeleteTimeout = 2 * time.Minute
	// DefaultFieldManager is the field manager of server-side applies (CRDs).
	DefaultFieldManager = "gameday"
)

// DefaultControllerNamespaces are where Installed looks for the controller:
// the Helm chart's namespace, then "default" (the controller's leader-election
// namespace when its NAMESPACE variable is unset).
var DefaultControllerNamespaces = []string{"chaos-mesh", "default"}

// Client applies, watches and deletes Chaos Mesh objects in one cluster.
// It is safe for concurrent use.
type Client struct {
	dyn                  dynamic.Interface
	log                  *slog.Logger
	poll                 time.Duration
	deleteTimeout        time.Duration
	controllerNamespaces []string
	now                  func() time.Time
}

// Option configures a Client.
type Option func(*Client) error

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return framework.Invalidf("chaos mesh", "nil logger")
		}
		c.log = l
		return nil
	}
}

// WithPollInterval sets how often waits re-read the cluster (default DefaultPollInterval).
func WithPollInterval(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return framework.Invalidf("chaos mesh", "poll interval %s is not positive", d)
		}
		c.poll = d
		return nil
	}
}

// WithDeleteTimeout bounds each Delete and DeleteByLabel wait (default DefaultDeleteTimeout).
func WithDeleteTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return framework.Invalidf("chaos mesh", "delete timeout %s is not positive", d)
		}
		c.deleteTimeout = d
		return nil
	}
}

// WithControllerNamespaces sets where Installed looks for the controller's
// leader-election Lease and pods (default DefaultControllerNamespaces).
func WithControllerNamespaces(ns ...string) Option {
	return func(c *Client) error {
		if len(ns) == 0 {
			return framework.Invalidf("chaos mesh", "no controller namespace given")
		}
		c.controllerNamespaces = append([]string(nil), ns...)
		return nil
	}
}

// New returns a Client using dyn.
func New(dyn dynamic.Interface, opts ...Option) (*Client, error) {
	if dyn == nil {
		return nil, framework.Invalidf("chaos mesh", "nil dynamic client")
	}
	c := &Client{
		dyn: dyn, log: framework.DiscardLogger(), poll: DefaultPollInterval, deleteTimeout: DefaultDeleteTimeout,
		controllerNamespaces: DefaultControllerNamespaces, now: time.Now,
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// NewForConfig returns a Client for the cluster cfg points at.
func NewForConfig(cfg *rest.Config, opts ...Option) (*Client, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("chaos mesh client for %s: %w", cfg.Host, err)
	}
	return New(dyn, opts...)
}
