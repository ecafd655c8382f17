// Package storagetest starts real S3 servers (versitygw from bin/, built by
// `make tools`) for tests of packages that use model storage. Tests that use
// it are integration tests: they are skipped under `go test -short`.
package storagetest

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"gameday.io/gameday/framework/storage"
)

// Binary is bin/versitygw of this repository.
func Binary() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "bin", "versitygw")
}

// StartServer starts a versitygw for region in a temporary directory and
// stops it when the test ends. It skips the test under -short and fails it
// when the server does not start.
func StartServer(t testing.TB, region string) *storage.Server {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: starts versitygw (make tools)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := storage.StartServer(ctx, storage.ServerConfig{Region: region, Dir: t.TempDir(), Binary: Binary()})
	if err != nil {
		t.Fatalf("start s3 server for %s: %v", region, err)
	}
	t.Cleanup(func() {
		if err := s.Stop(context.Background()); err != nil {
			t.Errorf("stop s3 server for %s: %v", region, err)
		}
	})
	return s
}

// Store returns a client for s.
func Store(t testing.TB, s *storage.Server) storage.Store {
	t.Helper()
	st, err := s.Store(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
