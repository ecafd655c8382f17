package forward

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// A frozen server accepts connections and answers nothing until Start; a
// stopped one refuses them.
func TestFreezeHangsStopRefuses(t *testing.T) {
	s, err := Listen("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(timeout time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL(), nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := s.Freeze(); err != nil {
		t.Fatal(err)
	}
	// The connection is accepted (a raw dial succeeds) and the request hangs.
	c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
	if err != nil {
		t.Fatalf("dial a frozen server: %v (a black hole accepts)", err)
	}
	c.Close()
	if err := get(150 * time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("request to a frozen server: %v, want the client's own timeout", err)
	}
	// A request held while frozen is answered once the server is started.
	held := make(chan error, 1)
	go func() { held <- get(5 * time.Second) }()
	select {
	case err := <-held:
		t.Fatalf("held request ended while frozen: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if err := <-held; err != nil {
		t.Fatalf("held request after Start: %v", err)
	}
	if s.Frozen() {
		t.Fatal("still frozen after Start")
	}
	// Stop refuses.
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := get(time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("request to a stopped server: %v, want connection refused", err)
	}
}
