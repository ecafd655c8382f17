package storage

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// testBuckets are the model and backup buckets of the tests' platform.
var testBuckets = Buckets{Model: "test-models", Backup: "test-models-backup"}

// serverBinary is bin/versitygw of this repository (built by make tools).
func serverBinary() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "bin", "versitygw")
}

// startTestServer starts a real versitygw for one test and stops it at cleanup.
func startTestServer(t testing.TB, region string) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: starts versitygw (make tools)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := StartServer(ctx, ServerConfig{Region: region, Dir: t.TempDir(), Binary: serverBinary()})
	if err != nil {
		t.Fatalf("start s3 server: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(context.Background()); err != nil {
			t.Errorf("stop s3 server: %v", err)
		}
	})
	return s
}

// testBucket returns a bucket on s, created.
func testBucket(t testing.TB, s *Server, name string) Bucket {
	t.Helper()
	c, err := s.Client(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	b := Bucket{Client: c, Name: name, Server: s.URL()}
	if err := EnsureBucket(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b
}
