package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

var creds = env("S3_ACCESS_KEY", "ak", "S3_SECRET_KEY", "sk")

func TestBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		getenv  func(string) string
		want    int
		wantErr string
	}{
		{"unknown flag", []string{"--nope"}, creds, exitUsage, "flag provided but not defined"},
		{"no credentials", nil, env(), exitUsage, "S3_ACCESS_KEY and S3_SECRET_KEY"},
		{"negative latency", []string{"--latency", "-1s"}, creds, exitUsage, "must not be negative"},
		{"stray argument", []string{"extra"}, creds, exitUsage, "unexpected arguments"},
		{"stdin as listener", []string{"--listen-fd", "1"}, creds, exitUsage, "stdin/stdout/stderr"},
		{"bad log format", []string{"--log-format", "xml"}, creds, exitUsage, "want text or json"},
		{"help", []string{"--help"}, creds, exitOK, "-listen-fd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if got := run(context.Background(), tt.args, tt.getenv, &stderr); got != tt.want {
				t.Fatalf("exit = %d, want %d; stderr: %s", got, tt.want, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Fatalf("stderr %q lacks %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

func TestPortConflict(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stderr bytes.Buffer
	got := run(context.Background(), []string{"--listen", ln.Addr().String()}, creds, &stderr)
	if got != exitFailed || !strings.Contains(stderr.String(), "listen on "+ln.Addr().String()) ||
		!strings.Contains(stderr.String(), "address already in use") {
		t.Fatalf("exit = %d, stderr %q; want 1 naming the address in use", got, stderr.String())
	}
}

// TestInheritedListenerAndStorageDown serves on a socket passed as a file
// descriptor, with model storage unreachable: the server must answer its
// probes, stay unready with the reason, and exit 0 on shutdown.
func TestInheritedListenerAndStorageDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd, err := syscall.Dup(int(f.Fd())) // run owns and closes this one
	if err != nil {
		t.Fatal(err)
	}
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + dead.Addr().String()
	dead.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"--listen-fd", fmt.Sprint(fd), "--s3-endpoint", deadURL, "--pod", "p-1", "--region", "us-east1"}, creds, &stderr)
	}()

	url := "http://" + ln.Addr().String() + "/v2/health/ready"
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var last string
	for {
		resp, err := http.Get(url)
		if err == nil {
			var body map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			last = fmt.Sprint(resp.StatusCode, body)
			if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("X-Gameday-Pod") == "p-1" &&
				strings.Contains(fmt.Sprint(body["reason"]), "model not loaded: storage unreachable at "+deadURL) {
				break
			}
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			t.Fatalf("no unready answer naming the storage outage; last: %s; stderr: %s", last, stderr.String())
		}
		<-tick.C
	}
	cancel()
	select {
	case got := <-exit:
		if got != exitOK {
			t.Fatalf("exit = %d after shutdown, want 0; stderr: %s", got, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop after its context ended")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
