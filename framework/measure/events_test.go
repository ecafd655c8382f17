package measure

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func node(name string, ready corev1.ConditionStatus, reason string, noExecute ...string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready, Reason: reason}}}}
	// A NoSchedule taint is not a recovery step: never recorded.
	n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: "kwok.x-k8s.io/node", Effect: corev1.TaintEffectNoSchedule})
	for _, k := range noExecute {
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: k, Effect: corev1.TaintEffectNoExecute})
	}
	return n
}

// eventTexts renders events as "object event" lines.
func eventTexts(evs []ClusterEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Object+" "+e.Event)
	}
	return out
}

// TestEventRecorderFollowsANodeLoss plays the control plane's side of a lost
// node: NotReady, the unreachable taint, the taint manager deleting the pod,
// a replacement created, scheduled and Ready, the node back.
func TestEventRecorderFollowsANodeLoss(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientset(node("gpu-0", corev1.ConditionTrue, "KubeletReady"), node("gpu-1", corev1.ConditionTrue, "KubeletReady"))
	lost := pod("inf-0", true, app)
	lost.Spec.NodeName = "gpu-0"
	if _, err := c.CoreV1().Pods(ns).Create(ctx, lost, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Not selected: never recorded.
	if _, err := c.CoreV1().Pods(ns).Create(ctx, pod("other", true, map[string]string{"app": "other"}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	r := NewEventRecorder(c, "us-east1", PodSelection{Namespace: ns, Selector: "app=inference-service"})
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	if evs := r.Events(); len(evs) != 0 {
		t.Fatalf("the state at Start is the baseline, not events: %v", eventTexts(evs))
	}

	updateNode := func(n *corev1.Node) {
		t.Helper()
		if _, err := c.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	updatePod := func(p *corev1.Pod) {
		t.Helper()
		if _, err := c.CoreV1().Pods(ns).Update(ctx, p, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	updateNode(node("gpu-0", corev1.ConditionUnknown, "NodeStatusUnknown"))
	updateNode(node("gpu-0", corev1.ConditionUnknown, "NodeStatusUnknown", "node.kubernetes.io/unreachable"))
	deleting := lost.DeepCopy()
	deleting.DeletionTimestamp = &metav1.Time{Time: time.Now()}
	deleting.Status.Conditions = append(deleting.Status.Conditions, corev1.PodCondition{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: "DeletionByTaintManager"})
	updatePod(deleting)
	if err := c.CoreV1().Pods(ns).Delete(ctx, "inf-0", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	repl := pod("inf-1", false, app)
	if _, err := c.CoreV1().Pods(ns).Create(ctx, repl, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	repl.Spec.NodeName = "gpu-1"
	updatePod(repl)
	ready := pod("inf-1", true, app)
	ready.Spec.NodeName = "gpu-1"
	updatePod(ready)
	updateNode(node("gpu-0", corev1.ConditionTrue, "KubeletReady"))

	want := []string{
		"node/gpu-0 NotReady (Unknown: NodeStatusUnknown)",
		"node/gpu-0 taint added node.kubernetes.io/unreachable:NoExecute",
		"pod/inf-0 deleting (DeletionByTaintManager)",
		"pod/inf-0 deleted",
		"pod/inf-1 created",
		"pod/inf-1 scheduled to gpu-1",
		"pod/inf-1 Ready",
		"node/gpu-0 Ready",
		"node/gpu-0 taint removed node.kubernetes.io/unreachable:NoExecute",
	}
	until(t, "every event", func() bool { return len(r.Events()) >= len(want) })
	// Nodes and pods come from two informers, which promise an order only
	// within one object: compare each object's events in order.
	if got := byObject(eventTexts(r.Events())); !reflect.DeepEqual(got, byObject(want)) {
		t.Fatalf("events by object:\n%v\nwant:\n%v", got, byObject(want))
	}
	for _, e := range r.Events() {
		if e.Region != "us-east1" || e.At.IsZero() {
			t.Errorf("event %+v: want region us-east1 and a time", e)
		}
	}
}

func TestEventRecorderBoundsItsMemory(t *testing.T) {
	r := NewEventRecorder(fake.NewClientset(), "r", PodSelection{Namespace: ns})
	r.mu.Lock()
	for i := range MaxClusterEvents + 5 {
		r.add(fmt.Sprintf("pod/p%d", i), EventCreated)
	}
	r.mu.Unlock()
	if len(r.Events()) != MaxClusterEvents || r.Dropped() != 5 {
		t.Fatalf("kept %d, dropped %d; want %d and 5", len(r.Events()), r.Dropped(), MaxClusterEvents)
	}
}

func TestChainAndNodesNotReady(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	evs := []ClusterEvent{
		{At: at(-1), Region: "a", Object: "pod/old", Event: EventPodDeleting}, // before the window
		{At: at(9), Region: "a", Object: "node/n0", Event: "NotReady (Unknown: NodeStatusUnknown)"},
		{At: at(9.5), Region: "a", Object: "node/n1", Event: "NotReady (Unknown: NodeStatusUnknown)"},
		{At: at(10), Region: "a", Object: "node/n0", Event: "NotReady (False: x)"}, // counted once
		{At: at(19), Region: "a", Object: "pod/p0", Event: EventPodDeleting + " (DeletionByTaintManager)"},
		{At: at(19.1), Region: "a", Object: "pod/p1", Event: EventCreated},
		{At: at(19.2), Region: "a", Object: "pod/p1", Event: eventScheduled + "n2"},
		{At: at(19.3), Region: "b", Object: "pod/q", Event: EventPodReady}, // another region
		{At: at(40), Region: "a", Object: "pod/p1", Event: EventPodReady},  // after the window
	}
	c := Chain(evs, "a", t0, at(34))
	if c.Deleting != 1 || c.Created != 1 || c.Scheduled != 1 || c.Ready != 0 || c.Last == nil || c.Last.Object != "pod/p1" {
		t.Fatalf("chain %+v", c)
	}
	if s := c.String(t0); s != "pods deleting 1, replacements created 1, scheduled 1, Ready 0; last: pod/p1 scheduled to n2 at +19.2 s" {
		t.Errorf("chain text %q", s)
	}
	if got := NodesNotReady(evs, t0, at(34)); strings.Join(got, ",") != "a/n0,a/n1" {
		t.Errorf("NodesNotReady = %v", got)
	}
	if s := Chain(nil, "a", t0, at(1)).String(t0); s != "pods deleting 0, replacements created 0, scheduled 0, Ready 0" {
		t.Errorf("empty chain text %q", s)
	}
}

func TestUntaintedNotReady(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	ev := func(s float64, node, what string) ClusterEvent {
		return ClusterEvent{At: at(s), Region: "r", Object: "node/" + node, Event: what}
	}
	evs := []ClusterEvent{
		ev(9, "tainted", "NotReady (Unknown: NodeStatusUnknown)"),
		ev(9.1, "tainted", eventTaintAdded+"node.kubernetes.io/unreachable:NoExecute"),
		ev(9, "stuck", "NotReady (Unknown: NodeStatusUnknown)"),         // never tainted, back at 35 s
		ev(9, "blip", "NotReady (Unknown: NodeStatusUnknown)"),          // back before minDown
		ev(9, "open", "NotReady (Unknown: NodeStatusUnknown)"),          // still down at the end
		ev(9.5, "open", eventTaintAdded+"example.com/other:NoSchedule"), // not an eviction taint
		ev(11, "blip", EventNodeReady),
		ev(35, "stuck", EventNodeReady),
		ev(35.1, "tainted", EventNodeReady),
	}
	if got := strings.Join(UntaintedNotReady(evs, t0, at(40), 10*time.Second), ","); got != "r/open,r/stuck" {
		t.Errorf("UntaintedNotReady = %q, want r/open,r/stuck", got)
	}
	if got := UntaintedNotReady(evs, t0, at(40), time.Minute); len(got) != 0 {
		t.Errorf("with minDown 1m: %v, want none", got)
	}
}

// byObject groups event texts ("node/gpu-0 NotReady ...") by their object,
// keeping each object's order.
func byObject(texts []string) map[string][]string {
	out := map[string][]string{}
	for _, t := range texts {
		obj, _, _ := strings.Cut(t, " ")
		out[obj] = append(out[obj], t)
	}
	return out
}
