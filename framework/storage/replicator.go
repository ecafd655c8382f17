package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"gameday.io/gameday/framework"
)

// DefaultReplicationInterval is how often a Replicator syncs by default.
const DefaultReplicationInterval = time.Second

// DefaultReplicationTimeout bounds each HTTP attempt of a Replicator.
const DefaultReplicationTimeout = 5 * time.Second

// ErrPartitioned marks traffic refused by the inter-region partition fault.
var ErrPartitioned = errors.New("inter-region partition")

// Replicator copies the primary region's model bucket to the DR region's,
// like S3 cross-region replication: continuously, at an interval, new and
// changed objects only, deletes not replicated. Its partition switch cuts the
// traffic to the destination region, so replication fails until it is
// cleared. Safe for concurrent use.
type Replicator struct {
	src, dst    Bucket
	interval    time.Duration
	timeout     time.Duration
	log         *slog.Logger
	partitioned atomic.Bool

	mu     sync.Mutex
	status ReplicationStatus
}

// ReplicatorOption configures a Replicator.
type ReplicatorOption func(*Replicator) error

// WithReplicationInterval sets the pause between passes (default
// DefaultReplicationInterval); it must be positive.
func WithReplicationInterval(d time.Duration) ReplicatorOption {
	return func(r *Replicator) error {
		if d <= 0 {
			return fmt.Errorf("replication interval %s: must be positive: %w", d, framework.ErrInvalid)
		}
		r.interval = d
		return nil
	}
}

// WithReplicationTimeout bounds each HTTP attempt (default DefaultReplicationTimeout).
func WithReplicationTimeout(d time.Duration) ReplicatorOption {
	return func(r *Replicator) error { r.timeout = d; return nil }
}

// WithReplicatorLogger sets the logger (default: discard).
func WithReplicatorLogger(l *slog.Logger) ReplicatorOption {
	return func(r *Replicator) error { r.log = l; return nil }
}

// ReplicationStatus reports a Replicator's progress.
type ReplicationStatus struct {
	Source      string        `json:"source"`
	Destination string        `json:"destination"`
	Interval    time.Duration `json:"interval"`
	Partitioned bool          `json:"partitioned"`
	// LastReplicated is the start of the last successful pass: every object
	// written to the source before it is in the destination.
	LastReplicated time.Time `json:"lastReplicated"`
	// Lag is now − LastReplicated (since the replicator was created while no
	// pass has succeeded): how much recent data the DR region may lack.
	Lag                 time.Duration `json:"lag"`
	LastAttempt         time.Time     `json:"lastAttempt"`
	Passes              int           `json:"passes"`
	Failures            int           `json:"failures"`
	ConsecutiveFailures int           `json:"consecutiveFailures"`
	ObjectsCopied       int           `json:"objectsCopied"`
	LastError           string        `json:"lastError,omitempty"`
	created             time.Time
}

// NewReplicator replicates bucket (the platform's model bucket, the same
// name on both sides) from src to dst.
func NewReplicator(src, dst Endpoint, bucket string, opts ...ReplicatorOption) (*Replicator, error) {
	if err := CheckBucketName(bucket); err != nil {
		return nil, fmt.Errorf("replicated bucket: %w", err)
	}
	r := &Replicator{interval: DefaultReplicationInterval, timeout: DefaultReplicationTimeout, log: framework.DiscardLogger()}
	r.src.Name, r.dst.Name = bucket, bucket
	for _, o := range opts {
		if err := o(r); err != nil {
			return nil, err
		}
	}
	// One attempt per request: the replicator's own interval is its retry.
	once := func(o *s3.Options) { o.RetryMaxAttempts = 1 }
	sc, err := newClient(src, &http.Client{Timeout: r.timeout}, once)
	if err != nil {
		return nil, fmt.Errorf("replication source: %w", err)
	}
	cut := &partitionTransport{cut: &r.partitioned, next: http.DefaultTransport}
	dc, err := newClient(dst, &http.Client{Timeout: r.timeout, Transport: cut}, once)
	if err != nil {
		return nil, fmt.Errorf("replication destination: %w", err)
	}
	r.src.Client, r.src.Server = sc, src.URL
	r.dst.Client, r.dst.Server = dc, dst.URL
	r.status = ReplicationStatus{Source: r.src.String(), Destination: r.dst.String(), Interval: r.interval, created: time.Now()}
	return r, nil
}

// SetPartitioned cuts (true) or restores (false) the traffic to the
// destination region.
func (r *Replicator) SetPartitioned(on bool) {
	r.partitioned.Store(on)
	r.log.Info("replication partition", "on", on, "destination", r.dst.String())
}

// Run replicates until ctx ends: one pass at once, then one per interval. A
// failed pass is recorded in Status and retried at the next tick.
func (r *Replicator) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		if _, err := r.SyncOnce(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("replication pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SyncOnce runs one replication pass.
func (r *Replicator) SyncOnce(ctx context.Context) (*SyncReport, error) {
	start := time.Now()
	rep, err := Sync(ctx, r.src, r.dst, SyncOptions{})
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &r.status
	s.LastAttempt = start
	s.Passes++
	s.ObjectsCopied += rep.Copied
	if err != nil {
		s.Failures++
		s.ConsecutiveFailures++
		s.LastError = err.Error()
		return rep, err
	}
	s.LastReplicated, s.ConsecutiveFailures, s.LastError = start, 0, ""
	return rep, nil
}

// Status returns a snapshot of the replicator's progress.
func (r *Replicator) Status() ReplicationStatus {
	r.mu.Lock()
	s := r.status
	r.mu.Unlock()
	s.Partitioned = r.partitioned.Load()
	since := s.LastReplicated
	if since.IsZero() {
		since = s.created
	}
	s.Lag = time.Since(since)
	return s
}

// partitionTransport refuses every request while cut is set.
type partitionTransport struct {
	cut  *atomic.Bool
	next http.RoundTripper
}

func (p *partitionTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if p.cut.Load() {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Host, ErrPartitioned)
	}
	return p.next.RoundTrip(req)
}
