// Package inferencetest helps tests run real inference servers on loopback
// and wait for conditions by polling with a deadline.
package inferencetest

import (
	"context"
	"net"
	"testing"
	"time"

	"gameday.io/gameday/framework/inference"
)

// Serve serves srv on a new loopback port until the test ends (then shuts it
// down gracefully and checks that Serve returned nil) and returns its URL.
func Serve(tb testing.TB, srv *inference.Server) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("serve %s: %v", ln.Addr(), err)
		}
	})
	return "http://" + ln.Addr().String()
}

// Start builds a server from opts and serves it until the test ends.
func Start(tb testing.TB, opts ...inference.Option) (string, *inference.Server) {
	tb.Helper()
	srv, err := inference.New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return Serve(tb, srv), srv
}

// StartReady starts a server and waits until it is ready.
func StartReady(tb testing.TB, opts ...inference.Option) (string, *inference.Server) {
	tb.Helper()
	url, srv := Start(tb, opts...)
	Eventually(tb, 10*time.Second, "inference server ready", func() (bool, string) {
		st := srv.Status()
		return st.Ready, st.Reason
	})
	return url, srv
}

// Eventually polls cond every few milliseconds until it reports true, and
// fails tb with cond's last message when timeout passes first.
func Eventually(tb testing.TB, timeout time.Duration, what string, cond func() (ok bool, last string)) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not true within %s; last: %s", what, timeout, last)
		}
		<-tick.C
	}
}
