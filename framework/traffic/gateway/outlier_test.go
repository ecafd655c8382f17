package gateway

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"gameday.io/gameday/framework/inference/inferencetest"
)

func TestEjectionAfterConsecutive5xxAndReturn(t *testing.T) {
	a, b, c := newBackend(t, "a"), newBackend(t, "b"), newBackend(t, "c")
	b.code.Store(http.StatusInternalServerError)
	g := newGateway(t, []*backend{a, b, c}, noRetries(), fastOutliers(50))

	// Round robin sends every third request to b; its third 500 ejects it on the spot.
	var failures int
	for range 9 {
		if code, _ := send(t, g); code != http.StatusOK {
			failures++
		}
	}
	if failures != 3 || b.hits.Load() != 3 {
		t.Fatalf("failures = %d, b hits = %d; want 3 and 3 before the ejection", failures, b.hits.Load())
	}
	eb := endpointStatus(t, g, "b")
	if !eb.Ejected || eb.Ejections != 1 || eb.EjectedUntil.Sub(*eb.EjectedSince) != 150*time.Millisecond {
		t.Fatalf("b status = %+v, want ejected once for the 150ms base ejection time", eb)
	}
	if st := g.Status(); len(st.Ejected) != 1 || st.Ejected[0].Name != "b" || st.Counters.Ejections != 1 {
		t.Fatalf("status ejected = %+v counters %+v", st.Ejected, st.Counters)
	}
	for range 20 {
		if code, from := send(t, g); code != http.StatusOK || from == "b" {
			t.Fatalf("request while b is ejected: %d from %q", code, from)
		}
	}
	if b.hits.Load() != 3 {
		t.Fatalf("b got %d requests while ejected", b.hits.Load()-3)
	}

	// b recovers; it returns at the first sweep after the ejection time.
	b.code.Store(http.StatusOK)
	ejectedAt := *eb.EjectedSince
	inferencetest.Eventually(t, 2*time.Second, "b back in service", func() (bool, string) {
		e := endpointStatus(t, g, "b")
		return !e.Ejected, fmt.Sprintf("%+v", e)
	})
	if back := time.Since(ejectedAt); back < 150*time.Millisecond {
		t.Fatalf("b returned after %s, before its 150ms ejection time", back)
	}
	inferencetest.Eventually(t, time.Second, "b serves again", func() (bool, string) {
		_, from := send(t, g)
		return from == "b", from
	})
}

func TestEjectionTimeGrowsWithEachEjection(t *testing.T) {
	a, b := newBackend(t, "a"), newBackend(t, "b")
	b.code.Store(http.StatusBadGateway)
	// The multiplier decays one step per sweep in service, so re-eject b well
	// within one 100ms interval of its return.
	g := newGateway(t, []*backend{a, b}, noRetries(), WithOutlierDetection(OutlierDetection{Consecutive5xx: 3,
		Interval: 100 * time.Millisecond, BaseEjectionTime: 150 * time.Millisecond, MaxEjectionPercent: 50}))

	ejectB := func() EndpointStatus {
		t.Helper()
		inferencetest.Eventually(t, 2*time.Second, "b ejected", func() (bool, string) {
			send(t, g)
			e := endpointStatus(t, g, "b")
			return e.Ejected, fmt.Sprintf("%+v", e)
		})
		return endpointStatus(t, g, "b")
	}
	first := ejectB()
	inferencetest.Eventually(t, 2*time.Second, "b returned", func() (bool, string) { return !endpointStatus(t, g, "b").Ejected, "still ejected" })
	second := ejectB()
	if d1, d2 := first.EjectedUntil.Sub(*first.EjectedSince), second.EjectedUntil.Sub(*second.EjectedSince); d1 != 150*time.Millisecond || d2 != 300*time.Millisecond {
		t.Fatalf("ejection times %s then %s, want 150ms then 300ms (base x times ejected)", d1, d2)
	}
	if second.Ejections != 2 || second.Multiplier != 2 {
		t.Fatalf("ejections = %d, multiplier %d; want 2 and 2", second.Ejections, second.Multiplier)
	}
	// Healthy again, b's multiplier decays back to 0, one interval at a time.
	b.code.Store(http.StatusOK)
	inferencetest.Eventually(t, 3*time.Second, "multiplier decays to 0", func() (bool, string) {
		e := endpointStatus(t, g, "b")
		return !e.Ejected && e.Multiplier == 0, fmt.Sprintf("%+v", e)
	})
}

func TestMaxEjectionPercentCap(t *testing.T) {
	tests := []struct {
		name        string
		backends    int
		maxPercent  int
		wantEjected int
	}{
		{"four at 50% eject two", 4, 50, 2},
		{"six at 50% eject three", 6, 50, 3},
		{"one at 50% ejects none", 1, 50, 0},
		{"three at 10% eject none", 3, 10, 0},
		{"two at 100% eject both", 2, 100, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bs []*backend
			for i := range tt.backends {
				b := newBackend(t, fmt.Sprint("b", i))
				b.code.Store(http.StatusServiceUnavailable)
				bs = append(bs, b)
			}
			// A long ejection so nothing returns during the test.
			g := newGateway(t, bs, noRetries(), WithOutlierDetection(OutlierDetection{Consecutive5xx: 3,
				Interval: time.Hour, BaseEjectionTime: time.Hour, MaxEjectionPercent: tt.maxPercent}))
			for range 3 * tt.backends * 3 {
				send(t, g)
			}
			st := g.Status()
			if len(st.Ejected) != tt.wantEjected || st.Counters.Ejections != uint64(tt.wantEjected) {
				t.Fatalf("ejected %d (counter %d), want %d", len(st.Ejected), st.Counters.Ejections, tt.wantEjected)
			}
			if tt.wantEjected < tt.backends && st.Counters.EjectionsOverflow == 0 {
				t.Fatal("refused ejections were not counted as overflow")
			}
			if wantReady := tt.wantEjected < tt.backends; st.Ready != wantReady {
				t.Fatalf("ready = %v, want %v", st.Ready, wantReady)
			}
		})
	}
}

func TestSuccessResetsConsecutiveCount(t *testing.T) {
	b := newBackend(t, "b")
	g := newGateway(t, []*backend{b}, noRetries(), fastOutliers(100))
	for i := range 10 {
		code := http.StatusInternalServerError
		if i%3 == 2 {
			code = http.StatusOK // two errors, then a success, repeatedly
		}
		b.code.Store(int32(code))
		send(t, g)
	}
	if e := endpointStatus(t, g, "b"); e.Ejected || e.Ejections != 0 {
		t.Fatalf("b ejected without 3 consecutive errors: %+v", e)
	}
}

func TestSetEndpointsKeepsOutlierState(t *testing.T) {
	a, b, c := newBackend(t, "a"), newBackend(t, "b"), newBackend(t, "c")
	b.code.Store(http.StatusInternalServerError)
	g := newGateway(t, []*backend{a, b}, noRetries(),
		WithOutlierDetection(OutlierDetection{Consecutive5xx: 3, Interval: time.Hour, BaseEjectionTime: time.Hour, MaxEjectionPercent: 50}))
	for range 6 {
		send(t, g)
	}
	if !endpointStatus(t, g, "b").Ejected {
		t.Fatal("b not ejected")
	}
	if err := g.SetEndpoints([]Endpoint{a.endpoint(), b.endpoint(), c.endpoint()}); err != nil {
		t.Fatal(err)
	}
	if e := endpointStatus(t, g, "b"); !e.Ejected {
		t.Fatalf("b lost its ejection on an endpoint update: %+v", e)
	}
	if err := g.SetEndpoints([]Endpoint{a.endpoint(), c.endpoint()}); err != nil {
		t.Fatal(err)
	}
	if st := g.Status(); len(st.Endpoints) != 2 || len(st.Ejected) != 0 {
		t.Fatalf("after removing b: %+v", st)
	}
	if err := g.SetEndpoints([]Endpoint{a.endpoint(), a.endpoint()}); err == nil {
		t.Fatal("duplicate endpoint accepted")
	}
	if err := g.SetEndpoints([]Endpoint{{Name: "x", URL: "127.0.0.1:80"}}); err == nil {
		t.Fatal("URL without scheme accepted")
	}
}
