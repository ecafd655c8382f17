package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"gameday.io/gameday/framework"
)

// Defaults of ServerConfig.
const (
	// DefaultServerBinary is looked up on PATH when ServerConfig.Binary is empty
	// (make puts bin/ on PATH; `make tools` builds it there).
	DefaultServerBinary = "versitygw"
	// DefaultStartTimeout bounds waiting for a new server to answer S3.
	DefaultStartTimeout = 15 * time.Second
	// DefaultStopGrace is how long Stop waits after SIGTERM before SIGKILL.
	DefaultStopGrace = 5 * time.Second
	// DefaultPollInterval is how often StartServer polls a starting server.
	DefaultPollInterval = 50 * time.Millisecond
)

// ErrPortInUse marks a listen address another process already holds.
var ErrPortInUse = errors.New("port in use")

// ServerConfig describes one region's S3 server. Zero fields take the
// documented defaults.
type ServerConfig struct {
	// Region names the region; it labels logs and is the signing region.
	// Default DefaultSigningRegion.
	Region string
	// Dir holds the server's files: data/ (the posix backend's root, one
	// directory per bucket), versitygw.log and versitygw.pid. Required.
	Dir string
	// Binary is the versitygw executable. Default: DefaultServerBinary on PATH.
	Binary string
	// Port to listen on at 127.0.0.1. Default 0: a free port is chosen.
	Port int
	// AccessKey and SecretKey are the root credentials. Default: generated.
	AccessKey, SecretKey string
	// StartTimeout bounds waiting for the server to answer. Default DefaultStartTimeout.
	StartTimeout time.Duration
	// StopGrace is how long Stop waits after SIGTERM. Default DefaultStopGrace.
	StopGrace time.Duration
	// Poll is the readiness poll interval. Default DefaultPollInterval.
	Poll time.Duration
	// Logger receives lifecycle messages. Default: the context's logger.
	Logger *slog.Logger
}

// Server is one running versitygw process bound to loopback.
type Server struct {
	cfg      ServerConfig
	endpoint Endpoint
	cmd      *exec.Cmd
	done     chan struct{} // closed when the process has exited
	waitErr  error         // set before done is closed
	logPath  string
	log      *slog.Logger
	port     int
	stopping atomic.Bool // Stop was called: an exit is expected
}

// DataDir is the posix backend root of a server kept in dir.
func DataDir(dir string) string { return filepath.Join(dir, "data") }

// StartServer starts a versitygw process for cfg.Region and waits, polling with
// a deadline, until it answers an authenticated S3 request. The process is
// bound to 127.0.0.1 and dies with its parent (Pdeathsig). On failure nothing
// is left running.
func StartServer(ctx context.Context, cfg ServerConfig) (*Server, error) {
	cfg, err := cfg.withDefaults(ctx)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(DataDir(cfg.Dir), 0o755); err != nil {
		return nil, fmt.Errorf("s3 server %s: %w", cfg.Region, err)
	}
	port, err := listenPort(cfg.Port)
	if err != nil {
		return nil, fmt.Errorf("s3 server %s: %w", cfg.Region, err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s := &Server{
		cfg:     cfg,
		port:    port,
		done:    make(chan struct{}),
		logPath: filepath.Join(cfg.Dir, "versitygw.log"),
		log:     cfg.Logger.With("region", cfg.Region, "addr", addr),
		endpoint: Endpoint{
			URL: "http://" + addr, Region: cfg.Region,
			AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, PathStyle: true,
		},
	}
	if err := s.spawn(addr); err != nil {
		return nil, err
	}
	if err := s.waitReady(ctx); err != nil {
		return nil, errors.Join(err, s.Stop(context.WithoutCancel(ctx)))
	}
	s.log.Info("s3 server ready", "pid", s.PID(), "dir", cfg.Dir)
	return s, nil
}

func (cfg ServerConfig) withDefaults(ctx context.Context) (ServerConfig, error) {
	if cfg.Dir == "" {
		return cfg, fmt.Errorf("s3 server %s: no directory given: %w", cfg.Region, framework.ErrInvalid)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultSigningRegion
	}
	if cfg.Binary == "" {
		cfg.Binary = DefaultServerBinary
	}
	bin, err := exec.LookPath(cfg.Binary)
	if err != nil {
		return cfg, fmt.Errorf("s3 server %s: %s not found (run make tools): %w", cfg.Region, cfg.Binary, framework.ErrMissingBinary)
	}
	cfg.Binary = bin
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		if cfg.AccessKey, cfg.SecretKey, err = GenerateCredentials(); err != nil {
			return cfg, err
		}
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = DefaultStartTimeout
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = DefaultStopGrace
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPollInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = framework.Logger(ctx)
	}
	return cfg, nil
}

// Endpoint returns how to reach the server (root credentials included).
func (s *Server) Endpoint() Endpoint { return s.endpoint }

// URL is the server's S3 endpoint, http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.endpoint.URL }

// Port is the server's port at 127.0.0.1.
func (s *Server) Port() int { return s.port }

// Exited says why the server's process ended when it ended on its own (it
// died, was killed): nil while it runs and after Stop ended it. The data
// plane reports it as a failure of gameday's harness, not of the system
// under test.
func (s *Server) Exited() error {
	select {
	case <-s.done:
	default:
		return nil
	}
	if s.stopping.Load() {
		return nil
	}
	return fmt.Errorf("s3 server %s (versitygw pid %d) exited: %v", s.cfg.Region, s.PID(), s.waitErr)
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Dir is the server's directory; DataDir(Dir()) holds the buckets.
func (s *Server) Dir() string { return s.cfg.Dir }

// LogPath is the server's log file.
func (s *Server) LogPath() string { return s.logPath }

// Client returns an S3 client for the server with per-attempt timeout.
func (s *Server) Client(timeout time.Duration) (*s3.Client, error) {
	return NewClient(s.endpoint, timeout)
}

// Store returns the server as a Store with per-attempt timeout.
func (s *Server) Store(timeout time.Duration) (Store, error) { return NewStore(s.endpoint, timeout) }

// Done is closed once the process has exited.
func (s *Server) Done() <-chan struct{} { return s.done }
