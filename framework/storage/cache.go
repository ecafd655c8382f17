package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"gameday.io/gameday/framework"
)

// Defaults of a Cache.
const (
	// DefaultCacheMaxBytes bounds the memory a cache holds.
	DefaultCacheMaxBytes = 256 << 20
	// DefaultCacheTTL is how long an entry is served without asking the
	// backend; after it the entry is revalidated with If-None-Match.
	DefaultCacheTTL = 30 * time.Second
	// DefaultCacheBackendTimeout bounds one request to the backend.
	DefaultCacheBackendTimeout = 30 * time.Second
)

// HeaderCache says how the cache answered: HIT, MISS, REVALIDATED, STALE
// (served from memory because the backend failed) or PASS (not cacheable).
const HeaderCache = "X-Gameday-Cache"

// Cache is a regional model cache: an HTTP server on loopback that speaks S3
// in front of a backend S3 endpoint. GET and HEAD object responses are kept in
// memory (keyed by bucket/key, bounded in bytes, revalidated by ETag after a
// TTL); everything else passes through with the Host header the client
// signed, so SigV4 signatures verify at the backend. Its fault switch
// simulates storage outages at runtime. Safe for concurrent use.
type Cache struct {
	backend   *url.URL
	transport http.RoundTripper
	proxy     *httputil.ReverseProxy
	ttl       time.Duration
	maxBytes  int64
	timeout   time.Duration
	log       *slog.Logger
	now       func() time.Time
	store     *lru
	fault     atomic.Value // CacheFault
	n         cacheCounters

	closing   chan struct{}
	closeOnce sync.Once
	srv       *http.Server
	url       string
}

// CacheOption configures a Cache.
type CacheOption func(*Cache) error

// WithCacheMaxBytes bounds the cached bytes (default DefaultCacheMaxBytes).
func WithCacheMaxBytes(n int64) CacheOption {
	return func(c *Cache) error {
		if n <= 0 {
			return fmt.Errorf("cache size %d: must be positive: %w", n, framework.ErrInvalid)
		}
		c.maxBytes = n
		return nil
	}
}

// WithCacheTTL sets how long entries are served before revalidation
// (default DefaultCacheTTL; 0 revalidates every hit).
func WithCacheTTL(d time.Duration) CacheOption {
	return func(c *Cache) error {
		if d < 0 {
			return fmt.Errorf("cache ttl %s: must not be negative: %w", d, framework.ErrInvalid)
		}
		c.ttl = d
		return nil
	}
}

// WithCacheBackendTimeout bounds one backend request (default DefaultCacheBackendTimeout).
func WithCacheBackendTimeout(d time.Duration) CacheOption {
	return func(c *Cache) error { c.timeout = d; return nil }
}

// WithCacheLogger sets the logger (default: discard).
func WithCacheLogger(l *slog.Logger) CacheOption {
	return func(c *Cache) error { c.log = l; return nil }
}

// NewCache returns a cache in front of the S3 endpoint backendURL
// (http://host:port). Serve it with Start, or mount it as an http.Handler.
func NewCache(backendURL string, opts ...CacheOption) (*Cache, error) {
	u, err := url.Parse(backendURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("cache backend %q: want http(s)://host:port: %w", backendURL, framework.ErrInvalid)
	}
	c := &Cache{
		backend: u, ttl: DefaultCacheTTL, maxBytes: DefaultCacheMaxBytes, timeout: DefaultCacheBackendTimeout,
		log: framework.DiscardLogger(), now: time.Now, closing: make(chan struct{}),
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	c.fault.Store(FaultNone)
	c.store = newLRU(c.maxBytes, func() { c.n.evictions.Add(1) })
	// No transparent gzip: bodies and lengths reach clients as the backend sent them.
	c.transport = &http.Transport{
		Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 64,
		ResponseHeaderTimeout: c.timeout, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	c.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(c.backend)
			pr.Out.Host = pr.In.Host // the client signed this Host
		},
		Transport: c.transport,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			c.n.backendErrors.Add(1)
			c.log.Warn("cache backend request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			writeS3Error(w, http.StatusBadGateway, "BadGateway", "model storage backend unreachable: "+err.Error())
		},
	}
	return c, nil
}

// Start serves the cache at 127.0.0.1:port (0: a free port) until Close.
func (c *Cache) Start(port int) error { return c.StartAt("127.0.0.1", port) }

// StartAt serves the cache at host:port (0: a free port) until Close: host
// is where its clients reach this machine (loopback for the sim's servers,
// the docker network's gateway for kind's pods).
func (c *Cache) StartAt(host string, port int) error {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("model cache: %s: %w", addr, ErrPortInUse)
		}
		return fmt.Errorf("model cache: %w", err)
	}
	c.url = "http://" + l.Addr().String()
	c.srv = &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := c.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.log.Error("model cache stopped", "err", err)
		}
	}()
	c.log.Info("model cache serving", "url", c.url, "backend", c.backend.String())
	return nil
}

// URL is where Start serves the cache.
func (c *Cache) URL() string { return c.url }

// Backend is the S3 endpoint behind the cache.
func (c *Cache) Backend() string { return c.backend.String() }

// Close releases requests a timeout fault holds and stops the server.
func (c *Cache) Close(ctx context.Context) error {
	c.closeOnce.Do(func() { close(c.closing) })
	if c.srv == nil {
		return nil
	}
	return c.srv.Shutdown(ctx)
}

// Purge drops every cached entry.
func (c *Cache) Purge() { c.store.removePrefix("") }
