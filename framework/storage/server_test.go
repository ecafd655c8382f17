package storage

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

func TestServerLifecycle(t *testing.T) {
	s := startTestServer(t, "us-east1")
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" {
		t.Errorf("server listens on %s, want loopback", u.Host)
	}
	ep := s.Endpoint()
	if len(ep.AccessKey) != 20 || len(ep.SecretKey) != 40 {
		t.Errorf("generated credentials have unexpected shape: %d/%d chars", len(ep.AccessKey), len(ep.SecretKey))
	}
	// A client with other credentials is refused: the keys really are the root's.
	bad := ep
	bad.SecretKey = "wrong" + bad.SecretKey[5:]
	c, err := NewClient(bad, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := Ping(context.Background(), c); err == nil {
		t.Error("server accepted a wrong secret key")
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "versitygw.pid")); err != nil {
		t.Errorf("pid file: %v", err)
	}
	pid := s.PID()
	if err := s.Exited(); err != nil {
		t.Errorf("Exited() of a running server: %v", err)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Exited(); err != nil {
		t.Errorf("Exited() after Stop: %v; an exit Stop caused is not a failure", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists after Stop: %v", pid, err)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// A server killed behind gameday's back says so: the data plane reports it
// as a harness failure.
func TestServerKilledIsReported(t *testing.T) {
	s := startTestServer(t, "eu-west1")
	if err := syscall.Kill(s.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.Exited() == nil {
		if time.Now().After(deadline) {
			t.Fatal("Exited() still nil 10 s after SIGKILL")
		}
		select {
		case <-s.done:
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := s.Exited(); !strings.Contains(err.Error(), "s3 server eu-west1 (versitygw pid "+strconv.Itoa(s.PID())+") exited: signal: killed") {
		t.Fatalf("Exited() = %v", err)
	}
}

func TestServerKeepsDataAcrossRestart(t *testing.T) {
	s := startTestServer(t, "eu-west1")
	ctx := context.Background()
	st, err := s.Store(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := Seed(ctx, st, testBuckets, DefaultModel(SeedVersion, time.Unix(0, 0))); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	ep := s.Endpoint()
	s2, err := StartServer(ctx, ServerConfig{Region: "eu-west1", Dir: s.Dir(), Binary: serverBinary(), AccessKey: ep.AccessKey, SecretKey: ep.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s2.Stop(context.Background()) })
	st2, err := s2.Store(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadModel(ctx, st2.Bucket(testBuckets.Model), DefaultModelKey)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != SeedVersion {
		t.Errorf("model version %q after restart", m.Version)
	}
}

func TestServerStartErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("missing binary", func(t *testing.T) {
		_, err := StartServer(ctx, ServerConfig{Dir: t.TempDir(), Binary: filepath.Join(t.TempDir(), "versitygw")})
		if !errors.Is(err, framework.ErrMissingBinary) {
			t.Errorf("got %v, want ErrMissingBinary", err)
		}
	})
	t.Run("no dir", func(t *testing.T) {
		if _, err := StartServer(ctx, ServerConfig{Binary: serverBinary()}); !errors.Is(err, framework.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("port in use", func(t *testing.T) {
		if _, err := os.Stat(serverBinary()); err != nil {
			t.Skipf("needs %s (make tools): the binary is checked before the port", serverBinary())
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		port := l.Addr().(*net.TCPAddr).Port
		_, err = StartServer(ctx, ServerConfig{Dir: t.TempDir(), Binary: serverBinary(), Port: port})
		if !errors.Is(err, ErrPortInUse) {
			t.Errorf("got %v, want ErrPortInUse", err)
		}
		if err != nil && !strings.Contains(err.Error(), strconv.Itoa(port)) {
			t.Errorf("error does not name the port: %v", err)
		}
	})
}
