package globallb

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The reference DestinationRule's failover order, with its missing target.
var referenceFailover = []FailoverRule{{From: "us-east1", To: "us-west1"}, {From: "europe-west1", To: "us-east1"}}

func TestRouting(t *testing.T) {
	tests := []struct {
		name      string
		unhealthy []string
		client    string
		want      answer
	}{
		{name: "local us-east1", client: "us-east1", want: answer{code: 200, region: "us-east1", route: RouteLocal}},
		{name: "local europe-west1", client: "europe-west1", want: answer{code: 200, region: "europe-west1", route: RouteLocal}},
		{name: "no header means primary", client: "", want: answer{code: 200, region: "us-east1", route: RouteLocal}},
		{name: "failover to the named target", unhealthy: []string{"europe-west1"}, client: "europe-west1",
			want: answer{code: 200, region: "us-east1", route: RouteFailover}},
		{name: "missing target falls back", unhealthy: []string{"us-east1"}, client: "us-east1",
			want: answer{code: 200, region: "europe-west1", route: RouteFallback}},
		{name: "unknown client region without rule", client: "asia-east1",
			want: answer{code: 200, region: "us-east1", route: RouteFallback}},
		{name: "no healthy region", unhealthy: []string{"us-east1", "europe-west1"}, client: "us-east1",
			want: answer{code: 503}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			east, eu := newFakeGateway(t, "us-east1"), newFakeGateway(t, "europe-west1")
			lb := newLB(t, []*fakeGateway{east, eu}, WithFailover(referenceFailover))
			for _, name := range tt.unhealthy {
				map[string]*fakeGateway{"us-east1": east, "europe-west1": eu}[name].ready.Store(http.StatusServiceUnavailable)
				waitHealth(t, lb, name, false)
			}
			got := send(t, lb, tt.client)
			if got.code != tt.want.code || got.region != tt.want.region || got.route != tt.want.route {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMissingFailoverTargetIsRecorded(t *testing.T) {
	east, eu := newFakeGateway(t, "us-east1"), newFakeGateway(t, "europe-west1")
	lb := newLB(t, []*fakeGateway{east, eu}, WithFailover(referenceFailover))
	if m := lb.MissingTargets(); len(m) != 1 || m[0].To != "us-west1" {
		t.Fatalf("MissingTargets = %+v, want us-east1 -> us-west1", m)
	}
	east.ready.Store(http.StatusServiceUnavailable)
	waitHealth(t, lb, "us-east1", false)
	for range 5 {
		if a := send(t, lb, "us-east1"); a.route != RouteFallback || a.region != "europe-west1" {
			t.Fatalf("got %+v", a)
		}
	}
	c := lb.Status().Counters
	if c.MissingTarget["us-west1"] != 5 || c.Fallback != 5 || c.Failover != 0 {
		t.Fatalf("counters %+v: want 5 misses of us-west1 and 5 fallbacks", c)
	}
}

func TestNoHealthyRegionSaysWhy(t *testing.T) {
	east, eu := newFakeGateway(t, "us-east1"), newFakeGateway(t, "europe-west1")
	east.ready.Store(http.StatusServiceUnavailable)
	eu.ready.Store(http.StatusServiceUnavailable)
	lb := newLB(t, []*fakeGateway{east, eu})
	a := send(t, lb, "us-east1")
	for _, want := range []string{"no healthy region", "us-east1 unhealthy since", "europe-west1 unhealthy since", "503 Service Unavailable"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("body %q lacks %q", a.body, want)
		}
	}
	if a.code != 503 || lb.Status().Counters.NoHealthyRegion != 1 {
		t.Fatalf("got %+v", a)
	}
}

func TestHealthThresholdDelaysFailover(t *testing.T) {
	east, eu := newFakeGateway(t, "us-east1"), newFakeGateway(t, "europe-west1")
	lb := newLB(t, []*fakeGateway{east, eu}, WithHealthCheck(20*time.Millisecond, 3), WithFailover(referenceFailover))
	before := regionStatus(lb, "europe-west1")
	eu.ready.Store(http.StatusServiceUnavailable)
	failedAt := time.Now()
	waitHealth(t, lb, "europe-west1", false)
	after := regionStatus(lb, "europe-west1")
	if took := after.Since.Sub(failedAt); took < 40*time.Millisecond {
		t.Fatalf("unhealthy %s after the gateway failed; 3 checks 20ms apart take at least 40ms", took)
	}
	if after.ConsecutiveFailures < 3 || after.Transitions != before.Transitions+1 || after.LastError == "" {
		t.Fatalf("status %+v", after)
	}
	if a := send(t, lb, "europe-west1"); a.route != RouteFailover || a.region != "us-east1" {
		t.Fatalf("got %+v", a)
	}
	eu.ready.Store(http.StatusOK)
	waitHealth(t, lb, "europe-west1", true)
	if back := regionStatus(lb, "europe-west1"); back.ConsecutiveSuccesses < 3 {
		t.Fatalf("healthy again after %d successes, want 3", back.ConsecutiveSuccesses)
	}
	if a := send(t, lb, "europe-west1"); a.route != RouteLocal {
		t.Fatalf("got %+v", a)
	}
	st := lb.Status()
	if r := regionStatus(lb, "europe-west1"); r.Share <= 0 || r.Share >= 1 || st.Counters.Requests != 2 {
		t.Fatalf("traffic share %v of %d requests", r.Share, st.Counters.Requests)
	}
}

func TestPartition(t *testing.T) {
	east, eu := newFakeGateway(t, "us-east1"), newFakeGateway(t, "europe-west1")
	lb := newLB(t, []*fakeGateway{east, eu}, WithFailover(referenceFailover))
	if err := lb.Partition("us-east1", "europe-west1"); err != nil {
		t.Fatal(err)
	}
	if !lb.Partitioned("europe-west1", "us-east1") {
		t.Fatal("partition is not symmetric")
	}
	if a := send(t, lb, "us-east1"); a.code != 200 || a.route != RouteLocal {
		t.Fatalf("local traffic crossed no partition but got %+v", a)
	}
	east.ready.Store(http.StatusServiceUnavailable)
	waitHealth(t, lb, "us-east1", false)
	a := send(t, lb, "us-east1")
	if a.code != 503 || a.route != RouteFallback || !strings.Contains(a.body, "network partition between us-east1 and europe-west1") {
		t.Fatalf("cross-partition request got %+v", a)
	}
	if a := send(t, lb, "europe-west1"); a.code != 200 || a.route != RouteLocal {
		t.Fatalf("europe-west1's own traffic got %+v", a)
	}
	if st := lb.Status(); st.Counters.Partitioned != 1 || len(st.Partitions) != 1 || regionStatus(lb, "europe-west1").Errors != 1 {
		t.Fatalf("status %+v", st)
	}
	if err := lb.Heal("europe-west1", "us-east1"); err != nil {
		t.Fatal(err)
	}
	if a := send(t, lb, "us-east1"); a.code != 200 || a.region != "europe-west1" {
		t.Fatalf("after heal got %+v", a)
	}
	if err := lb.Partition("us-east1", "us-east1"); err == nil {
		t.Fatal("partition of a region with itself accepted")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	ok := []Region{{Name: "a", GatewayURL: "http://127.0.0.1:1"}}
	tests := []struct {
		name    string
		regions []Region
		opts    []Option
	}{
		{"no regions", nil, nil},
		{"repeated region", []Region{ok[0], ok[0]}, nil},
		{"bad url", []Region{{Name: "a", GatewayURL: "127.0.0.1:1"}}, nil},
		{"unknown primary", ok, []Option{WithPrimary("b")}},
		{"two targets for one region", ok, []Option{WithFailover([]FailoverRule{{"a", "b"}, {"a", "c"}})}},
		{"empty rule", ok, []Option{WithFailover([]FailoverRule{{"a", ""}})}},
		{"zero threshold", ok, []Option{WithHealthCheck(time.Second, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.regions, tt.opts...); err == nil || !strings.Contains(err.Error(), "invalid input") {
				t.Fatalf("New = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestStatusPath(t *testing.T) {
	east, eu := newFakeGateway(t, "us-east1"), newFakeGateway(t, "europe-west1")
	lb := newLB(t, []*fakeGateway{east, eu}, WithFailover(referenceFailover), WithPrimary("us-east1"))
	send(t, lb, "europe-west1")
	rec := httptest.NewRecorder()
	lb.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, StatusPath, nil))
	var st Status
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if st.Primary != "us-east1" || len(st.Regions) != 2 || !st.Regions[1].Healthy || st.Regions[1].Share != 1 ||
		st.Counters.Local != 1 || len(st.Failover) != 2 || st.HealthCheckThreshold != 2 {
		t.Fatalf("status %+v", st)
	}
}

// TestOutOfRotation is the runbook's DNS switch: a healthy region taken out
// of rotation gets no traffic until it is put back.
func TestOutOfRotation(t *testing.T) {
	east, eu := newFakeGateway(t, "us-east1"), newFakeGateway(t, "europe-west1")
	lb := newLB(t, []*fakeGateway{east, eu}, WithFailover([]FailoverRule{{From: "us-east1", To: "europe-west1"}}))
	if err := lb.SetInRotation("us-east1", false); err != nil {
		t.Fatal(err)
	}
	if a := send(t, lb, "us-east1"); a.region != "europe-west1" || a.route != RouteFailover {
		t.Fatalf("out of rotation: got %+v, want europe-west1 by failover", a)
	}
	if st := regionStatus(lb, "us-east1"); st.InRotation || !st.Healthy {
		t.Fatalf("status %+v: want healthy but out of rotation", st)
	}
	if err := lb.SetInRotation("us-east1", true); err != nil {
		t.Fatal(err)
	}
	if a := send(t, lb, "us-east1"); a.region != "us-east1" || a.route != RouteLocal {
		t.Fatalf("back in rotation: got %+v", a)
	}
	if err := lb.SetInRotation("us-west1", false); err == nil {
		t.Fatal("a region that is not behind the load balancer must be refused")
	}
}
