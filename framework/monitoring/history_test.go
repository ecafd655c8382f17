package monitoring

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework"
)

var t0 = time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC)

func alert(name, state string, activeAt time.Duration, labels ...string) Alert {
	l := map[string]string{"alertname": name}
	for i := 0; i+1 < len(labels); i += 2 {
		l[labels[i]] = labels[i+1]
	}
	return Alert{Labels: l, State: state, ActiveAt: t0.Add(activeAt)}
}

// steps renders transitions as "alert:from>to@seconds" for comparison.
func steps(ts []Transition) string {
	var out []string
	for _, t := range ts {
		key := t.Alert
		if z := t.Labels["zone"]; z != "" {
			key += "/" + z
		}
		out = append(out, fmt.Sprintf("%s:%s>%s@%g", key, t.From, t.To, t.At.Sub(t0).Seconds()))
	}
	return strings.Join(out, " ")
}

func TestHistoryObserve(t *testing.T) {
	down := func(state string, activeAt time.Duration) Alert { return alert("Down", state, activeAt) }
	zone := func(z, state string) Alert { return alert("Zone", state, time.Second, "zone", z) }
	for _, tc := range []struct {
		name  string
		polls [][]Alert // poll i happens at t0+i seconds
		want  string
	}{
		{"pending, firing, resolved",
			[][]Alert{{}, {down(StatePending, time.Second)}, {down(StatePending, time.Second)}, {down(StateFiring, time.Second)}, {}},
			"Down:inactive>pending@1 Down:pending>firing@3 Down:firing>resolved@4"},
		{"pending that never fires",
			[][]Alert{{down(StatePending, 0)}, {}},
			"Down:inactive>pending@0 Down:pending>inactive@1"},
		{"fires again after resolving",
			[][]Alert{{down(StateFiring, 0)}, {}, {down(StatePending, 2*time.Second)}},
			"Down:inactive>firing@0 Down:firing>resolved@1 Down:resolved>pending@2"},
		{"ended and started again between polls",
			[][]Alert{{down(StateFiring, 0)}, {down(StatePending, 500*time.Millisecond)}},
			"Down:inactive>firing@0 Down:firing>resolved@1 Down:resolved>pending@1"},
		{"alerts told apart by labels",
			[][]Alert{{zone("b", StatePending), zone("a", StatePending)}, {zone("a", StateFiring)}},
			"Zone/a:inactive>pending@0 Zone/b:inactive>pending@0 Zone/a:pending>firing@1 Zone/b:pending>inactive@1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHistory(t0)
			for i, p := range tc.polls {
				h.Observe(t0.Add(time.Duration(i)*time.Second), p)
			}
			if got := steps(h.Transitions()); got != tc.want {
				t.Errorf("transitions\n got %s\nwant %s", got, tc.want)
			}
			if ok, _ := h.Polls(); ok != len(tc.polls) {
				t.Errorf("Polls() = %d, want %d", ok, len(tc.polls))
			}
		})
	}
}

func TestHistorySummary(t *testing.T) {
	h := NewHistory(t0)
	a := alert("InferenceServiceDown", StatePending, time.Second, "severity", "critical")
	h.Observe(t0.Add(1500*time.Millisecond), []Alert{a})
	a.State = StateFiring
	h.Observe(t0.Add(13*time.Second), []Alert{a})
	h.Observe(t0.Add(20*time.Second), nil)
	want := `InferenceServiceDown{severity="critical"}: pending at +1.5s, firing at +13.0s, resolved at +20.0s`
	if got := h.Summary(); len(got) != 1 || got[0] != want {
		t.Errorf("Summary() = %q, want [%q]", got, want)
	}
	if p, ok := h.First("InferenceServiceDown", StatePending); !ok || !p.ActiveAt.Equal(t0.Add(time.Second)) {
		t.Errorf("pending transition %+v: want Prometheus' activeAt kept", p)
	}
}

// fakePrometheus serves /api/v1/alerts from a script, one answer per request
// (the last one repeated), with failures where the script has nil.
func fakePrometheus(t *testing.T, script [][]Alert) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/alerts" {
			http.NotFound(w, r)
			return
		}
		i := min(int(n.Add(1))-1, len(script)-1)
		if script[i] == nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			json.NewEncoder(w).Encode(map[string]any{"status": "error", "error": "starting"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"alerts": script[i]}})
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestWatchRecordsTransitionsFromTheAPI(t *testing.T) {
	down := func(state string) Alert { return alert("InferenceServiceDown", state, time.Second) }
	srv, requests := fakePrometheus(t, [][]Alert{nil, {}, {down(StatePending)}, {down(StateFiring)}, {down(StateFiring)}, {}})
	h := NewHistory(time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, NewClient(srv.URL), h, 5*time.Millisecond, framework.DiscardLogger()) }()
	t.Cleanup(func() { cancel(); <-done })

	err := wait.PollUntilContextTimeout(context.Background(), 5*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		_, ok := h.First("InferenceServiceDown", StateResolved)
		return ok, nil
	})
	if err != nil {
		t.Fatalf("no resolution after %d polls: %v; transitions %s", requests.Load(), err, steps(h.Transitions()))
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch returned %v after cancellation, want nil", err)
	}
	done <- nil // for the cleanup
	var tos []string
	for _, tr := range h.Transitions() {
		tos = append(tos, tr.To)
	}
	if got := strings.Join(tos, ","); got != "pending,firing,resolved" {
		t.Errorf("transitions to %s, want pending,firing,resolved", got)
	}
	if ok, failed := h.Polls(); failed != 1 || ok < 5 {
		t.Errorf("Polls() = %d ok, %d failed; want >= 5 ok and the one failure", ok, failed)
	}
}

// TestActiveSince names only the alerts active now that became active at
// or after the given time: one already firing before it, or one that has
// resolved, is not waited for.
func TestActiveSince(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	h := NewHistory(t0)
	old := Alert{Labels: map[string]string{"alertname": "Old"}, State: StateFiring, ActiveAt: t0.Add(-time.Minute)}
	raised := Alert{Labels: map[string]string{"alertname": "Raised", "zone": "a"}, State: StatePending, ActiveAt: t0.Add(2 * time.Second)}
	gone := Alert{Labels: map[string]string{"alertname": "Gone"}, State: StateFiring, ActiveAt: t0.Add(time.Second)}
	h.Observe(t0.Add(3*time.Second), []Alert{old, raised, gone})
	if got := h.ActiveSince(t0); len(got) != 2 || got[0] != "Gone{}" || got[1] != `Raised{zone="a"}` {
		t.Errorf("ActiveSince = %q, want Gone and Raised", got)
	}
	h.Observe(t0.Add(4*time.Second), []Alert{old, raised})
	if got := h.ActiveSince(t0); len(got) != 1 || got[0] != `Raised{zone="a"}` {
		t.Errorf("after Gone resolved: ActiveSince = %q", got)
	}
	if got := h.ActiveSince(t0.Add(3 * time.Second)); len(got) != 0 {
		t.Errorf("nothing became active after +3s: %q", got)
	}
}
