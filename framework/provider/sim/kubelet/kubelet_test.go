package kubelet

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
)

func TestProbeFromScalesManifestTimings(t *testing.T) {
	fast, _ := framework.TimeoutsFor(framework.ProfileFast)
	prod, _ := framework.TimeoutsFor(framework.ProfileProduction)
	ref, err := fixtures.Reference()
	if err != nil {
		t.Fatal(err)
	}
	ctr := ref.Deployment.Spec.Template.Spec.Containers[0]
	cases := []struct {
		name                string
		p                   *corev1.Probe
		t                   framework.Timeouts
		delay, period       time.Duration
		failures, successes int
	}{
		{"readiness production", ctr.ReadinessProbe, prod, 30 * time.Second, 10 * time.Second, 3, 1},
		{"readiness fast", ctr.ReadinessProbe, fast, 3 * time.Second, time.Second, 3, 1},
		{"liveness fast", ctr.LivenessProbe, fast, 6 * time.Second, 1500 * time.Millisecond, 3, 1},
		{"explicit thresholds", &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/x", Port: intstr.FromInt32(1)}}, FailureThreshold: 1, SuccessThreshold: 2}, prod, 0, 10 * time.Second, 1, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := probeFrom(c.p, c.t)
			if p.initialDelay != c.delay || p.period != c.period || p.failureThreshold != c.failures || p.successThreshold != c.successes {
				t.Fatalf("probe = %+v, want delay %s period %s thresholds %d/%d", p, c.delay, c.period, c.failures, c.successes)
			}
			if p.timeout < minProbeTimeout {
				t.Fatalf("timeout %s below the minimum", p.timeout)
			}
		})
	}
	if probeFrom(nil, fast) != nil {
		t.Fatal("a missing probe must be nil (always passes)")
	}
}

func TestProberThresholds(t *testing.T) {
	bad := errors.New("down")
	ready := &prober{p: &probe{successThreshold: 1, failureThreshold: 3}}
	if !ready.observe(nil) || !ready.ok {
		t.Fatal("readiness turns ready on the first success")
	}
	for i := range 2 {
		if ready.observe(bad) {
			t.Fatalf("turned unready after %d failures, threshold 3", i+1)
		}
	}
	if !ready.observe(bad) || ready.ok {
		t.Fatal("readiness must turn false on the 3rd consecutive failure")
	}
	live := &prober{p: &probe{successThreshold: 1, failureThreshold: 2}, ok: true}
	if live.observe(bad) || !live.ok {
		t.Fatal("one liveness failure of two allowed must not kill")
	}
	live.observe(nil) // a success resets the count
	if live.observe(bad) {
		t.Fatal("failures must be consecutive")
	}
	if !live.observe(bad) || live.ok {
		t.Fatal("liveness must fail after 2 consecutive failures")
	}
}

func TestProbeCheckAgainstServer(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusServiceUnavailable)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/health/ready" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	p := &probe{path: "/v2/health/ready", timeout: time.Second}
	if err := p.check(context.Background(), srv.Client(), srv.URL); err == nil {
		t.Fatal("503 must fail the probe")
	}
	status.Store(http.StatusOK)
	if err := p.check(context.Background(), srv.Client(), srv.URL); err != nil {
		t.Fatalf("200 must pass: %v", err)
	}
	srv.Close()
	if err := p.check(context.Background(), http.DefaultClient, srv.URL); err == nil {
		t.Fatal("a closed server must fail the probe")
	}
}

func TestStatusPatch(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "inference", Image: "inference:v1"}}},
		Status: corev1.PodStatus{Conditions: []corev1.PodCondition{
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: metav1.NewTime(time.Unix(100, 0))},
		}},
	}
	b, err := statusPatch(pod, "10.101.0.1", "10.0.0.2", containerState{running: true, ready: false, restarts: 2, startedAt: time.Unix(200, 0)})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Status corev1.PodStatus `json:"status"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	st := got.Status
	if st.Phase != corev1.PodRunning || st.PodIP != "10.101.0.1" || st.HostIP != "10.0.0.2" || len(st.ContainerStatuses) != 1 {
		t.Fatalf("status = %+v", st)
	}
	cs := st.ContainerStatuses[0]
	if cs.Ready || cs.RestartCount != 2 || cs.State.Running == nil || cs.Name != "inference" {
		t.Fatalf("container status = %+v", cs)
	}
	for _, c := range st.Conditions {
		if c.Type == corev1.PodReady && (c.Status != corev1.ConditionFalse || !c.LastTransitionTime.Equal(&metav1.Time{Time: time.Unix(100, 0)})) {
			t.Fatalf("unchanged Ready condition must keep its transition time: %+v", c)
		}
	}
	b, _ = statusPatch(pod, "", "", containerState{waiting: "CrashLoopBackOff", message: "liveness failed"})
	if err := json.Unmarshal(b, &got); err != nil || got.Status.ContainerStatuses[0].State.Waiting == nil || got.Status.ContainerStatuses[0].State.Waiting.Reason != "CrashLoopBackOff" {
		t.Fatalf("waiting status: %s", b)
	}
}
