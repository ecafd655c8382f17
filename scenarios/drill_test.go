package scenarios

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
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
	notReady := func(region, node string) evidence.Event {
		return evidence.Event{At: start.Add(10 * time.Second), Region: region, Object: "node/" + node, Event: "NotReady (Unknown: NodeStatusUnknown)"}
	}
	d := &drill{res: &Result{Drill: evidence.Drill{Start: start, Events: []evidence.Event{
		notReady("us-east1", "a-0"), // the fault's node
		notReady("us-east1", "a-1"), // a flap
		notReady("europe-west1", "a-0"),
	}}, Fault: &fault.Entry{Plan: fault.Plan{Nodes: []string{"us-east1/a-0"}}}}, spec: fault.Spec{Kind: fault.NodeLoss, Region: "us-east1"}}
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
