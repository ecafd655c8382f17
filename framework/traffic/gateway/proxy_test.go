package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"gameday.io/gameday/framework/inference/inferencetest"
)

func TestRoundRobin(t *testing.T) {
	a, b, c := newBackend(t, "a"), newBackend(t, "b"), newBackend(t, "c")
	g := newGateway(t, []*backend{a, b, c})
	counts := map[string]int{}
	for range 30 {
		code, from := send(t, g)
		if code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		counts[from]++
	}
	if counts["a"] != 10 || counts["b"] != 10 || counts["c"] != 10 {
		t.Fatalf("round robin spread %v, want 10 each", counts)
	}
}

func TestRetries(t *testing.T) {
	fastRetry := WithRetryPolicy(RetryPolicy{Attempts: 2, RetriableStatusCodes: []int{503}, BaseInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond})
	t.Run("503 is retried on another endpoint", func(t *testing.T) {
		a, b := newBackend(t, "a"), newBackend(t, "b")
		a.code.Store(http.StatusServiceUnavailable)
		g := newGateway(t, []*backend{a, b}, fastRetry)
		for range 10 {
			if code, from := send(t, g); code != http.StatusOK || from != "b" {
				t.Fatalf("got %d from %q, want 200 from b", code, from)
			}
		}
		if st := g.Status(); st.Counters.Retries == 0 || st.Counters.Responses5xx != 0 {
			t.Fatalf("counters %+v: want retries and no 5xx to clients", st.Counters)
		}
	})
	t.Run("500 is not retried", func(t *testing.T) {
		a := newBackend(t, "a")
		a.code.Store(http.StatusInternalServerError)
		g := newGateway(t, []*backend{a, newBackend(t, "b")}, fastRetry, WithOutlierDetection(OutlierDetection{Consecutive5xx: 0, Interval: time.Second, BaseEjectionTime: time.Second}))
		if code, _ := send(t, g); code != http.StatusInternalServerError {
			t.Fatalf("first request = %d, want a's 500", code)
		}
		if g.Status().Counters.Retries != 0 {
			t.Fatal("500 was retried")
		}
	})
	t.Run("attempts are bounded", func(t *testing.T) {
		bs := []*backend{newBackend(t, "a"), newBackend(t, "b"), newBackend(t, "c"), newBackend(t, "d")}
		for _, b := range bs {
			b.code.Store(http.StatusServiceUnavailable)
		}
		g := newGateway(t, bs, fastRetry, WithOutlierDetection(OutlierDetection{Consecutive5xx: 0, Interval: time.Second, BaseEjectionTime: time.Second}))
		if code, _ := send(t, g); code != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503", code)
		}
		if st := g.Status(); st.Counters.Attempts != 3 || st.Counters.Retries != 2 {
			t.Fatalf("attempts %d retries %d, want 3 and 2", st.Counters.Attempts, st.Counters.Retries)
		}
		hit := 0
		for _, b := range bs {
			if b.hits.Load() > 1 {
				t.Fatalf("endpoint %s tried %d times for one request", b.name, b.hits.Load())
			}
			hit += int(b.hits.Load())
		}
		if hit != 3 {
			t.Fatalf("%d endpoints tried, want 3 distinct", hit)
		}
	})
}

func TestMaxRequestsOverflow(t *testing.T) {
	a := newBackend(t, "a")
	a.hold = make(chan struct{})
	g := newGateway(t, []*backend{a}, WithMaxRequests(2))
	done := make(chan int, 2)
	for range 2 {
		go func() { code, _ := send(t, g); done <- code }()
	}
	inferencetest.Eventually(t, 5*time.Second, "two requests in flight", func() (bool, string) {
		return g.Status().InFlight == 2 && a.hits.Load() == 2, fmt.Sprint(g.Status().InFlight)
	})
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v2/models/default", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "upstream overflow") || rec.Header().Get("X-Envoy-Overloaded") != "true" {
		t.Fatalf("third request = %d %q, want 503 overflow", rec.Code, rec.Body.String())
	}
	close(a.hold)
	for range 2 {
		if code := <-done; code != http.StatusOK {
			t.Fatalf("held request = %d", code)
		}
	}
	if st := g.Status(); st.Counters.Overflow != 1 || len(st.Ejected) != 0 {
		t.Fatalf("counters %+v", st.Counters)
	}
}

func TestReadyPath(t *testing.T) {
	b := newBackend(t, "b")
	g, err := New("europe-west1", noRetries(), fastOutliers(100))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	ready := func() (int, map[string]any) {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, ReadyPath, nil))
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body
	}
	if code, body := ready(); code != 503 || !strings.Contains(fmt.Sprint(body["reason"]), "no Ready endpoints") {
		t.Fatalf("no endpoints: %d %v", code, body)
	}
	if err := g.SetEndpoints([]Endpoint{b.endpoint()}); err != nil {
		t.Fatal(err)
	}
	if code, body := ready(); code != 200 || body["ready"] != true {
		t.Fatalf("one endpoint: %d %v", code, body)
	}
	b.code.Store(http.StatusInternalServerError)
	for range 3 {
		send(t, g)
	}
	if code, body := ready(); code != 503 || !strings.Contains(fmt.Sprint(body["reason"]), "all 1 endpoints ejected") {
		t.Fatalf("all ejected: %d %v", code, body)
	}
	if code, _ := send(t, g); code != http.StatusServiceUnavailable {
		t.Fatalf("request with every endpoint ejected = %d, want 503", code)
	}
	if st := g.Status(); st.Counters.NoHealthyUpstream != 1 {
		t.Fatalf("counters %+v", st.Counters)
	}
}

func TestStopStartRefusesAtOnce(t *testing.T) {
	g := newGateway(t, []*backend{newBackend(t, "a")})
	if err := g.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	url := g.URL()
	client := &http.Client{Timeout: 5 * time.Second}
	get := func() (*http.Response, error) { return client.Get(url + ReadyPath) }
	resp, err := get()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("before stop: %v %v", resp, err)
	}
	resp.Body.Close()

	if err := g.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := get(); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("after stop: err = %v, want connection refused", err)
	}
	if st := g.Status(); st.Running {
		t.Fatal("status says running after Stop")
	}
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	if g.URL() != url {
		t.Fatalf("restarted on %s, want %s", g.URL(), url)
	}
	resp, err = get()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after start: %v %v", resp, err)
	}
	resp.Body.Close()

	resp, err = client.Get(url + StatusPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st Status
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || st.Region != "us-east1" || len(st.Endpoints) != 1 || !st.Running {
		t.Fatalf("status JSON = %+v, %v", st, err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
	}{
		{"negative consecutive", []Option{WithOutlierDetection(OutlierDetection{Consecutive5xx: -1, Interval: time.Second, BaseEjectionTime: time.Second})}},
		{"zero interval", []Option{WithOutlierDetection(OutlierDetection{Consecutive5xx: 3, BaseEjectionTime: time.Second})}},
		{"percent over 100", []Option{WithOutlierDetection(OutlierDetection{Consecutive5xx: 3, Interval: time.Second, BaseEjectionTime: time.Second, MaxEjectionPercent: 101})}},
		{"zero max requests", []Option{WithMaxRequests(0)}},
		{"negative retries", []Option{WithRetryPolicy(RetryPolicy{Attempts: -1})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New("r", tt.opts...); err == nil || !strings.Contains(err.Error(), "invalid input") {
				t.Fatalf("New = %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := New(""); err == nil {
		t.Fatal("empty region accepted")
	}
}
