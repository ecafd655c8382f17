package preflight_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"gameday.io/gameday/framework/preflight"
)

// dateServer answers every request with a Date header offset from now.
func dateServer(t *testing.T, now time.Time, offset time.Duration) *rest.Config {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", now.Add(offset).UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"gitVersion":"v1.37.2"}`))
	}))
	t.Cleanup(srv.Close)
	return &rest.Config{Host: srv.URL}
}

func TestClockSkew(t *testing.T) {
	now := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		offset time.Duration
		opts   []preflight.Option
		fail   []string // substrings of the failed detail; none: ok
	}{
		{"in sync", 0, nil, nil},
		{"within limit and Date resolution", 6 * time.Second, nil, nil},
		{"behind within limit", -5 * time.Second, nil, nil},
		{"20s ahead", 20 * time.Second, nil, []string{"is +20.0s ahead of ours", "limit ±5s plus 1s Date resolution", "NTP"}},
		{"20s behind", -20 * time.Second, nil, []string{"is -20.0s behind ours"}},
		{"tighter limit", 2 * time.Second, []preflight.Option{preflight.WithMaxClockSkew(0)}, []string{"+2.0s ahead", "limit ±0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := region(t, "us-east1", healthy())
			r.Config = dateServer(t, now, tt.offset)
			opts := append([]preflight.Option{preflight.WithNow(func() time.Time { return now })}, tt.opts...)
			rep := preflight.Run(context.Background(), []preflight.Region{r}, opts...)
			var fail map[string][]string
			if tt.fail != nil {
				fail = map[string][]string{"clock-skew": tt.fail}
			}
			expect(t, rep, append(allChecks[:len(allChecks):len(allChecks)], "clock-skew"), fail)
			if got := rep.Checks[0].Detail; got != "Kubernetes v1.37.2 at "+r.Config.Host {
				t.Errorf("reachable detail %q lacks the host", got)
			}
		})
	}
}

func TestClockSkewNoDateHeader(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil // net/http adds none when the key is present
	}))
	t.Cleanup(srv.Close)
	r := region(t, "us-east1", healthy())
	r.Config = &rest.Config{Host: srv.URL}
	rep := preflight.Run(context.Background(), []preflight.Region{r})
	expect(t, rep, append(allChecks[:len(allChecks):len(allChecks)], "clock-skew"),
		map[string][]string{"clock-skew": {"cannot read the clock of API server " + srv.URL, "no valid Date header"}})
}
