package kubelet

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes/fake"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/provider/sim/simapi"
)

// runKubelet plays one pod on one node of a fake API with a real
// inference-sim server, probed every 100 ms (fast profile), and stops it
// when the test ends.
func runKubelet(t *testing.T) (*Kubelet, *fake.Clientset, *corev1.Pod) {
	t.Helper()
	bin := simBinary(t)
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", Annotations: map[string]string{simapi.AnnotationNode: simapi.AnnotationAlive}}}
	httpProbe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/v2/health/live", Port: intstr.FromInt32(8080)}},
		PeriodSeconds: 1, FailureThreshold: 1}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p1", Namespace: "ml-serving", UID: "uid-p1", Labels: map[string]string{simapi.LabelDataPlane: "true"}},
		Spec:       corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "inference", ReadinessProbe: httpProbe, LivenessProbe: httpProbe}}},
	}
	cs := fake.NewClientset(node, pod)
	fast, err := framework.TimeoutsFor(framework.ProfileFast)
	if err != nil {
		t.Fatal(err)
	}
	k := New(provider.PodHostConfig{Region: "r1", Client: cs, Timeouts: fast,
		Server: func(*corev1.Pod, *corev1.Node) provider.ServerSpec { return testSpec(t, bin) }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- k.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("kubelet: %v", err)
		}
	})
	return k, cs, pod
}

// current returns the pod's server process and restart count.
func current(k *Kubelet, pod *corev1.Pod) (*serverProc, int32) {
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.pods[pod.UID]
	if r == nil {
		return nil, 0
	}
	return r.proc, r.restarts
}

func eventually(t *testing.T, what string, f func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, 15*time.Second, true, func(context.Context) (bool, error) { return f(), nil })
	if err != nil {
		t.Fatalf("%s: not within 15 s", what)
	}
}

func readyServer(k *Kubelet, pod *corev1.Pod) *serverProc {
	p, _ := current(k, pod)
	for _, s := range k.States() {
		if s.Name == pod.Name && s.Ready && p != nil {
			return p
		}
	}
	return nil
}

// A node lost in black-hole mode freezes its server: no probe restarts it
// while the node is down, the node's return resumes the same process, and
// the pod's deletion kills a frozen server. Refuse mode kills it at once.
func TestNodeLossFreezesResumesKills(t *testing.T) {
	k, cs, pod := runKubelet(t)
	ctx := context.Background()
	var p *serverProc
	eventually(t, "server ready", func() bool { p = readyServer(k, pod); return p != nil })
	pid := p.cmd.Process.Pid

	if err := simapi.StopNode(ctx, cs, "n1", time.Time{}, simapi.ModeBlackHole); err != nil {
		t.Fatal(err)
	}
	eventually(t, "server frozen", func() bool { return procState(pid) == "T" })
	eventually(t, "state says frozen, not running", func() bool {
		st := k.States()
		return len(st) == 1 && st[0].Frozen && !st[0].Running && !st[0].Ready
	})
	if err := live(ctx, p, 300*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("request to a black-holed node's server: %v, want the caller's timeout (a hang, not a refusal)", err)
	}
	// Ten liveness periods (failure threshold 1): a dead machine's kubelet
	// probes nothing, so the frozen server is neither restarted nor killed.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for end := time.Now().Add(time.Second); time.Now().Before(end); <-tick.C {
		if q, restarts := current(k, pod); q != p || restarts != 0 || procState(pid) != "T" {
			t.Fatalf("while the node is down: server %p (was %p), restarts %d, state %q", q, p, restarts, procState(pid))
		}
	}
	if err := simapi.StartNode(ctx, cs, "n1", 0); err != nil {
		t.Fatal(err)
	}
	eventually(t, "server resumed and ready", func() bool { return readyServer(k, pod) == p && procState(pid) != "T" })
	if _, restarts := current(k, pod); restarts != 0 {
		t.Fatalf("resume counted as %d restarts", restarts)
	}

	if err := simapi.StopNode(ctx, cs, "n1", time.Time{}, simapi.ModeRefuse); err != nil {
		t.Fatal(err)
	}
	eventually(t, "server killed (refuse mode)", p.exited)
	if _, err := net.DialTimeout("tcp", p.addr, time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial a refuse-mode node's server: %v, want connection refused", err)
	}
	if err := simapi.StartNode(ctx, cs, "n1", 0); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a new server after refuse", func() bool { q := readyServer(k, pod); return q != nil && q != p })
	q, _ := current(k, pod)

	if err := simapi.StopNode(ctx, cs, "n1", time.Time{}, ""); err != nil { // "" is black-hole
		t.Fatal(err)
	}
	eventually(t, "new server frozen", func() bool { return procState(q.cmd.Process.Pid) == "T" })
	if err := cs.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "frozen server killed when its pod is gone", q.exited)
}
