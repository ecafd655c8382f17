package gateway

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// silentEndpoint listens on loopback and never accepts: the kernel completes
// handshakes into the backlog and nothing ever answers, as with a frozen
// server or a machine that went silent.
func silentEndpoint(t *testing.T, name string) Endpoint {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return Endpoint{Name: name, URL: "http://" + l.Addr().String(), Zone: "z", Node: "n-" + name}
}

func sendCtx(ctx context.Context, h http.Handler) int {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/v1/models/default:predict", strings.NewReader(`{"instances": [[1,2,3,4]]}`)).WithContext(ctx)
	h.ServeHTTP(rec, req)
	return rec.Code
}

// Istio's defaults (no request timeout, no per-try timeout): a request to a
// silent endpoint hangs until the client gives up, and outlier detection
// never hears of it.
func TestSilentEndpointDefaultsHangUnseen(t *testing.T) {
	g, err := New("us-east1", fastOutliers(100))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	if err := g.SetEndpoints([]Endpoint{silentEndpoint(t, "silent")}); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		start := time.Now()
		sendCtx(ctx, g)
		cancel()
		if took := time.Since(start); took < 100*time.Millisecond {
			t.Fatalf("the request ended after %s, before the client's timeout: the silent endpoint answered?", took)
		}
	}
	e := endpointStatus(t, g, "silent")
	if e.Ejected || e.Failures != 0 || g.Status().Counters.Timeouts != 0 {
		t.Fatalf("silent endpoint %+v, timeouts %d: client-side timeouts must not reach outlier detection", e, g.Status().Counters.Timeouts)
	}
}

// A per-try timeout turns silence into a gateway error: retried on another
// endpoint (gateway-error), charged to the silent one, which is ejected
// after 3.
func TestPerTryTimeoutRetriesAndEjects(t *testing.T) {
	good := newBackend(t, "good")
	retry := RetryPolicy{Attempts: 2, On: []string{"connect-failure", "gateway-error"}, PerTryTimeout: 50 * time.Millisecond}
	g, err := New("us-east1", fastOutliers(50), WithRetryPolicy(retry))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	if err := g.SetEndpoints([]Endpoint{silentEndpoint(t, "silent"), good.endpoint()}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if code, from := send(t, g); code != http.StatusOK || from != "good" {
			t.Fatalf("request %d: %d from %q, want 200 from good (retried past the silent endpoint)", i, code, from)
		}
	}
	e := endpointStatus(t, g, "silent")
	if e.Ejections != 1 || e.Failures != 3 {
		t.Fatalf("silent endpoint %+v: want ejected once after 3 timeouts", e)
	}
	if c := g.Status().Counters; c.Timeouts != 3 || c.Retries != 3 {
		t.Fatalf("counters %+v: want 3 timeouts, 3 retries", c)
	}
	// Without a retry condition that covers timeouts, the client gets 504.
	g2, err := New("us-east1", noRetries(), WithRetryPolicy(RetryPolicy{Attempts: 2, PerTryTimeout: 50 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g2.Close() })
	if err := g2.SetEndpoints([]Endpoint{silentEndpoint(t, "silent2")}); err != nil {
		t.Fatal(err)
	}
	if code, _ := send(t, g2); code != http.StatusGatewayTimeout {
		t.Fatalf("per-try timeout under Istio's default retryOn: %d, want 504", code)
	}
}

// The request (route) timeout answers 504 and charges the endpoint.
func TestRequestTimeout(t *testing.T) {
	g, err := New("us-east1", fastOutliers(100), WithRequestTimeout(80*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	if err := g.SetEndpoints([]Endpoint{silentEndpoint(t, "silent")}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code, _ := send(t, g); code != http.StatusGatewayTimeout {
		t.Fatalf("status %d, want 504", code)
	}
	if took := time.Since(start); took < 80*time.Millisecond || took > 2*time.Second {
		t.Fatalf("answered after %s, want about the 80 ms request timeout", took)
	}
	if e := endpointStatus(t, g, "silent"); e.Failures != 1 {
		t.Fatalf("silent endpoint %+v: the timeout must be charged to it", e)
	}
	if _, err := New("x", WithRequestTimeout(-time.Second)); err == nil {
		t.Fatal("a negative request timeout must be refused")
	}
	if _, err := New("x", WithRetryPolicy(RetryPolicy{Attempts: 1, On: []string{"sometimes"}})); err == nil {
		t.Fatal("an unknown retry condition must be refused")
	}
}

func TestRetriable(t *testing.T) {
	def := DefaultRetryPolicy
	gw := RetryPolicy{On: []string{"gateway-error"}}
	fives := RetryPolicy{On: []string{"5xx"}}
	reset := RetryPolicy{On: []string{"reset"}}
	cases := []struct {
		name   string
		p      RetryPolicy
		o      outcome
		status int
		want   bool
	}{
		{"default connect failure", def, outcomeConnectFailed, 0, true},
		{"default reset", def, outcomeReset, 0, false},
		{"default timeout", def, outcomeTimeout, 0, false},
		{"default 503", def, outcomeAnswer, 503, true},
		{"default 500", def, outcomeAnswer, 500, false},
		{"gateway-error timeout", gw, outcomeTimeout, 0, true},
		{"gateway-error reset", gw, outcomeReset, 0, true},
		{"gateway-error 504", gw, outcomeAnswer, 504, true},
		{"gateway-error 500", gw, outcomeAnswer, 500, false},
		{"5xx 500", fives, outcomeAnswer, 500, true},
		{"5xx timeout", fives, outcomeTimeout, 0, true},
		{"reset timeout", reset, outcomeTimeout, 0, true},
		{"reset 503", reset, outcomeAnswer, 503, false},
		{"200 never", fives, outcomeAnswer, 200, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.retriable(c.o, c.status); got != c.want {
				t.Fatalf("retriable = %v, want %v", got, c.want)
			}
		})
	}
}

// consecutiveGatewayErrors ejects on timeouts (local-origin gateway errors)
// but not on 500 answers, which are not gateway errors.
func TestConsecutiveGatewayErrors(t *testing.T) {
	od := OutlierDetection{ConsecutiveGatewayErrors: 2, Interval: 10 * time.Millisecond, BaseEjectionTime: time.Minute, MaxEjectionPercent: 100}
	retry := RetryPolicy{Attempts: 0, PerTryTimeout: 30 * time.Millisecond}
	g, err := New("us-east1", WithOutlierDetection(od), WithRetryPolicy(retry))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	broken := newBackend(t, "broken")
	broken.code.Store(http.StatusInternalServerError)
	if err := g.SetEndpoints([]Endpoint{silentEndpoint(t, "silent"), broken.endpoint()}); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		send(t, g)
	}
	if e := endpointStatus(t, g, "silent"); !e.Ejected || e.Failures != 2 {
		t.Fatalf("silent endpoint %+v: want ejected after 2 timeouts", e)
	}
	if e := endpointStatus(t, g, "broken"); e.Ejected || e.Failures != 2 {
		t.Fatalf("broken endpoint %+v: 500s are not gateway errors, want 2 failures and no ejection", e)
	}
}
