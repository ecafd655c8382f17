package scenarios

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/measure"
)

func podOn(node string, deleting bool) corev1.Pod {
	p := corev1.Pod{Spec: corev1.PodSpec{NodeName: node}}
	if deleting {
		p.DeletionTimestamp = &metav1.Time{Time: time.Now()}
	}
	return p
}

func TestBusiestNode(t *testing.T) {
	for _, tt := range []struct {
		name string
		pods []corev1.Pod
		want string
	}{
		{"packed after a zone returned", []corev1.Pod{podOn("a-0", false), podOn("b-1", false), podOn("a-2", false), podOn("a-2", false), podOn("b-0", false), podOn("a-2", false)}, "a-2"},
		{"tie: first by name, whatever the order", []corev1.Pod{podOn("b-1", false), podOn("a-1", false), podOn("a-0", false)}, "a-0"},
		{"deleting pods do not count", []corev1.Pod{podOn("a-2", true), podOn("a-2", true), podOn("b-0", false)}, "b-0"},
		{"unbound pods do not count", []corev1.Pod{podOn("", false), podOn("", false)}, ""},
		{"none", nil, ""},
	} {
		if got := busiestNode(tt.pods); got != tt.want {
			t.Errorf("%s: busiestNode = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestUntargetedNotReady(t *testing.T) {
	start := time.Now().Add(-time.Minute)
	notReady := func(region, node string) measure.ClusterEvent {
		return measure.ClusterEvent{At: start.Add(10 * time.Second), Region: region, Object: "node/" + node, Event: "NotReady (Unknown: NodeStatusUnknown)"}
	}
	d := &drill{res: &Result{Drill: evidence.Drill{Start: start}, Fault: &fault.Entry{Plan: fault.Plan{Nodes: []string{"us-east1/a-0"}}}},
		spec: fault.Spec{Kind: fault.NodeLoss, Region: "us-east1"},
		events: []measure.ClusterEvent{
			notReady("us-east1", "a-0"), // the fault's node
			notReady("us-east1", "a-1"), // a flap
			notReady("europe-west1", "a-0"),
		}}
	if got := strings.Join(d.untargetedNotReady(), ","); got != "us-east1/a-1,europe-west1/a-0" {
		t.Errorf("node loss: untargeted NotReady = %q", got)
	}
	// A region outage stops the whole region's control plane.
	d.spec = fault.Spec{Kind: fault.RegionOutage, Region: "us-east1"}
	d.res.Fault = &fault.Entry{}
	if got := strings.Join(d.untargetedNotReady(), ","); got != "europe-west1/a-0" {
		t.Errorf("region outage: untargeted NotReady = %q", got)
	}
}

func TestUntaintedNotReadyScalesWithTheFault(t *testing.T) {
	tm, err := framework.TimeoutsFor(framework.ProfileProduction) // 5 s monitor period, 0.1 nodes/s
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-10 * time.Minute)
	ev := func(s int, node, what string) measure.ClusterEvent {
		return measure.ClusterEvent{At: start.Add(time.Duration(s) * time.Second), Region: "us-east1", Object: "node/" + node, Event: what}
	}
	// A three-node zone outage: at 0.1 nodes/s the third node is tainted
	// 20 s after the first, which is not a missing eviction.
	events := []measure.ClusterEvent{
		ev(60, "a-0", "NotReady (Unknown: NodeStatusUnknown)"), ev(60, "a-1", "NotReady (Unknown: NodeStatusUnknown)"), ev(60, "a-2", "NotReady (Unknown: NodeStatusUnknown)"),
		ev(60, "a-0", "taint added node.kubernetes.io/unreachable:NoExecute"),
		ev(70, "a-1", "taint added node.kubernetes.io/unreachable:NoExecute"),
		ev(80, "a-2", "taint added node.kubernetes.io/unreachable:NoExecute"),
	}
	d := &drill{env: &Env{Env: &environment.Env{Timeouts: tm}}, events: events, res: &Result{Drill: evidence.Drill{Start: start},
		Fault: &fault.Entry{Plan: fault.Plan{Nodes: []string{"us-east1/a-0", "us-east1/a-1", "us-east1/a-2"}}}}}
	if got := d.untaintedNotReady(); len(got) != 0 {
		t.Errorf("a zone tainted at the eviction rate: %v, want none", got)
	}
	d.events = events[:5] // a-2 never tainted
	if got := strings.Join(d.untaintedNotReady(), ","); got != "us-east1/a-2" {
		t.Errorf("untainted = %q, want us-east1/a-2", got)
	}
}
