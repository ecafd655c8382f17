package load

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

func TestNewRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		url  string
		opts []Option
		want string // in the message
	}{
		{"zero rate", "http://127.0.0.1:1", []Option{WithRate(0)}, "rate 0"},
		{"negative rate", "http://127.0.0.1:1", []Option{WithRate(-5)}, "rate -5"},
		{"NaN rate", "http://127.0.0.1:1", []Option{WithRate(nan())}, "rate NaN"},
		{"unknown region", "http://127.0.0.1:1", []Option{WithKnownRegions("us-east1", "europe-west1"), WithClientRegions("us-east1", "mars-1")}, `unknown client region "mars-1"`},
		{"empty region", "http://127.0.0.1:1", []Option{WithClientRegions("")}, "client region is empty"},
		{"duplicate region", "http://127.0.0.1:1", []Option{WithClientRegions("a", "a")}, `"a" given twice`},
		{"no scheme", "127.0.0.1:8080", nil, "127.0.0.1:8080"},
		{"ftp", "ftp://example.test", nil, "want an http:// or https:// URL"},
		{"no host", "http://", nil, "has no host"},
		{"empty", "", nil, `url ""`},
		{"query", "http://127.0.0.1:1/?a=b", nil, "without query"},
		{"garbage", "http://[::1", nil, "http://[::1"},
		{"zero timeout", "http://127.0.0.1:1", []Option{WithTimeout(0)}, "timeout 0s"},
		{"zero workers", "http://127.0.0.1:1", []Option{WithMaxWorkers(0)}, "max workers 0"},
		{"v2 fraction", "http://127.0.0.1:1", []Option{WithV2Fraction(1.5)}, "v2 fraction 1.5"},
		{"negative ramp", "http://127.0.0.1:1", []Option{WithRamp(-time.Second)}, "ramp -1s"},
		{"empty phase", "http://127.0.0.1:1", []Option{WithPhase("")}, "phase is empty"},
		{"empty model", "http://127.0.0.1:1", []Option{WithModel("")}, "model name is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(tt.url, tt.opts...)
			if err == nil {
				t.Fatalf("New(%q) = %v, want an error", tt.url, g)
			}
			if !errors.Is(err, framework.ErrInvalid) {
				t.Errorf("error %q does not wrap framework.ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %q", err, tt.want)
			}
		})
	}
}

func TestNewAcceptsKnownRegions(t *testing.T) {
	if _, err := New("http://127.0.0.1:1/", WithKnownRegions("us-east1", "europe-west1"), WithClientRegions("europe-west1")); err != nil {
		t.Fatal(err)
	}
}

func TestStartUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	g, err := New(url, WithRate(100))
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	err = g.Start(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Start against a closed port: %v, want ErrUnreachable", err)
	}
	if !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %q should name the URL and the cause", err)
	}
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("probe took %v", d)
	}
	if g.Running() {
		t.Error("generator runs after a failed probe")
	}
	if _, err := g.Mark("fault"); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Mark on a stopped generator: %v, want ErrNotRunning", err)
	}
	if tl := g.Stop(); tl != nil {
		t.Errorf("Stop without a run returned %+v", tl)
	}
}

func TestStartTwice(t *testing.T) {
	tg := newTarget(t)
	g, err := New(tg.URL(), WithRate(50))
	if err != nil {
		t.Fatal(err)
	}
	startLoad(t, g)
	if err := g.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second Start: %v", err)
	}
}

func nan() float64 { z := 0.0; return z / z }
