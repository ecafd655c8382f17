package local

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes/fake"

	"gameday.io/gameday/framework/chaosmesh"
)

func TestDaemonObjects(t *testing.T) {
	svc, ds := daemonObjects(DaemonConfig{Image: "img:1", Namespace: "cm", ContainerdSocket: "/run/c.sock"})
	// The controller finds a node's daemon through EndpointSlices named
	// chaos-daemon-*, i.e. of a Service named chaos-daemon.
	if svc.Name != "chaos-daemon" || svc.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Errorf("Service %s (clusterIP %q), want the headless chaos-daemon", svc.Name, svc.Spec.ClusterIP)
	}
	podLabels := labels.Set(ds.Spec.Template.Labels)
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(podLabels) {
		t.Errorf("the Service's selector %v does not select the daemon's pods %v", svc.Spec.Selector, podLabels)
	}
	if sel, _ := labels.Parse(chaosmesh.DaemonSelector); !sel.Matches(podLabels) {
		t.Errorf("gameday's check (%s) would not find the daemon's pods %v", chaosmesh.DaemonSelector, podLabels)
	}
	if sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector); err != nil || !sel.Matches(podLabels) {
		t.Errorf("the DaemonSet's selector does not select its own template (%v)", err)
	}
	spec := ds.Spec.Template.Spec
	if !spec.HostNetwork || !spec.HostPID {
		t.Errorf("hostNetwork %v, hostPID %v: the daemon enters targets' namespaces by host PID and is dialled at the node's address", spec.HostNetwork, spec.HostPID)
	}
	if len(spec.Tolerations) != 1 || spec.Tolerations[0].Operator != corev1.TolerationOpExists || spec.Tolerations[0].Key != "" {
		t.Errorf("tolerations %+v, want every taint tolerated (GPU nodes are tainted)", spec.Tolerations)
	}
	c := spec.Containers[0]
	if c.Image != "img:1" || c.ImagePullPolicy != corev1.PullNever || c.SecurityContext == nil || c.SecurityContext.Privileged == nil || !*c.SecurityContext.Privileged {
		t.Errorf("container %s %s privileged %v, want img:1, never pulled, privileged", c.Image, c.ImagePullPolicy, c.SecurityContext)
	}
	args := strings.Join(c.Args, " ")
	if !strings.Contains(args, "--runtime containerd --runtime-socket-path /run/c.sock") || !strings.Contains(args, "--grpc-port 31767") {
		t.Errorf("args %q", args)
	}
	if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != "/run/c.sock" || spec.Volumes[0].HostPath.Path != "/run/c.sock" {
		t.Errorf("the containerd socket is not mounted at its own path: %+v %+v", c.VolumeMounts, spec.Volumes)
	}
}

func daemonPod(node string, ready bool) *corev1.Pod {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "chaos-daemon-" + node, Namespace: DefaultNamespace, Labels: map[string]string{"app.kubernetes.io/component": "chaos-daemon"}},
		Spec:       corev1.PodSpec{NodeName: node},
		Status:     corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}},
	}
}

func node(name string) *corev1.Node { return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}} }

func TestInstallDaemonWaitsForEveryNode(t *testing.T) {
	ctx := context.Background()
	cs := fake.NewClientset(node("a"), node("b"), daemonPod("a", true), daemonPod("b", true))
	if err := InstallDaemon(ctx, cs, DaemonConfig{Image: "img:1", ReadyTimeout: 5 * time.Second}); err != nil {
		t.Fatalf("every node has a Ready daemon: %v", err)
	}
	if _, err := cs.AppsV1().DaemonSets(DefaultNamespace).Get(ctx, DaemonName, metav1.GetOptions{}); err != nil {
		t.Errorf("DaemonSet not created: %v", err)
	}
	if _, err := cs.CoreV1().Services(DefaultNamespace).Get(ctx, DaemonName, metav1.GetOptions{}); err != nil {
		t.Errorf("Service not created: %v", err)
	}
	// Again, with a new image: the template is updated, not refused.
	if err := InstallDaemon(ctx, cs, DaemonConfig{Image: "img:2", ReadyTimeout: 5 * time.Second}); err != nil {
		t.Fatalf("second install: %v", err)
	}
	ds, _ := cs.AppsV1().DaemonSets(DefaultNamespace).Get(ctx, DaemonName, metav1.GetOptions{})
	if got := ds.Spec.Template.Spec.Containers[0].Image; got != "img:2" {
		t.Errorf("image after the second install %s, want img:2", got)
	}

	// A node whose daemon is not Ready, and one without any: both named.
	cs = fake.NewClientset(node("a"), node("b"), node("c"), daemonPod("a", true), daemonPod("b", false))
	err := InstallDaemon(ctx, cs, DaemonConfig{Image: "img:1", ReadyTimeout: 1500 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "not Ready on node(s) b, c") {
		t.Errorf("err %v, want one naming nodes b and c", err)
	}
	if err := InstallDaemon(ctx, cs, DaemonConfig{}); err == nil || !strings.Contains(err.Error(), "Image is required") {
		t.Errorf("no image: err %v", err)
	}
}
