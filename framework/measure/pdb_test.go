package measure

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"

	"gameday.io/gameday/framework"
)

const ns = "ml-serving"

func pod(name string, ready bool, labels map[string]string) *corev1.Pod {
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Status:     corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: status}}},
	}
}

var app = map[string]string{"app": "inference-service"}

// until polls cond until it holds (the watch delivers events asynchronously).
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // poll interval
	}
}

func setReady(t *testing.T, c kubernetes.Interface, name string, ready bool) {
	t.Helper()
	if _, err := c.CoreV1().Pods(ns).UpdateStatus(context.Background(), pod(name, ready, app), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestPDBWatcher(t *testing.T) {
	c := fake.NewClientset()
	for i := range 6 {
		if _, err := c.CoreV1().Pods(ns).Create(context.Background(), pod(fmt.Sprintf("inf-%d", i), true, app), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Not selected: another app, another namespace.
	other := pod("other", true, map[string]string{"app": "other"})
	c.CoreV1().Pods(ns).Create(context.Background(), other, metav1.CreateOptions{})

	w, err := NewPDBWatcher(c, ns, "app=inference-service")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Begin("too early"); err == nil {
		t.Error("Begin before Start succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if got := w.Ready(); got != 6 {
		t.Fatalf("Ready after start = %d, want 6", got)
	}

	if err := w.Begin("drain zone a"); err != nil {
		t.Fatal(err)
	}
	if err := w.Begin("drain zone a"); !errors.Is(err, framework.ErrExists) {
		t.Errorf("second Begin: %v", err)
	}
	setReady(t, c, "inf-0", false)
	w.RecordEviction("inf-0", false)
	setReady(t, c, "inf-1", false)
	w.RecordEviction("inf-1", false)
	until(t, "4 Ready", func() bool { return w.Ready() == 4 })
	w.RecordEviction("inf-2", true) // the budget held
	// A drain evicts every pod of the node; another workload's pods are
	// not this budget's and must not count.
	w.RecordEviction("other-ns/embedder-0", false)
	w.RecordEviction("not-watched", true)
	// A quick dip and back must not be lost.
	setReady(t, c, "inf-3", false)
	setReady(t, c, "inf-3", true)
	// Deleting a pod counts at once.
	if err := c.CoreV1().Pods(ns).Delete(context.Background(), "inf-4", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	until(t, "3 Ready", func() bool { return w.Ready() == 3 })
	setReady(t, c, "inf-0", true)
	setReady(t, c, "inf-1", true)
	until(t, "5 Ready", func() bool { return w.Ready() == 5 })
	if err := w.End("drain zone a"); err != nil {
		t.Fatal(err)
	}
	if err := w.End("drain zone a"); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("second End: %v", err)
	}

	r := w.Result()
	if len(r.Windows) != 1 {
		t.Fatalf("windows %+v", r.Windows)
	}
	win := r.Windows[0]
	// inf-0, inf-1 and inf-3 unready together with 6 pods: 3; inf-4 deleted while
	// inf-3 was back: 3 again. The minimum is 3 either way.
	if win.ReadyAtBegin != 6 || win.MinReady != 3 || win.ReadyAtEnd != 5 || win.Evictions != 3 || win.Refused != 1 {
		t.Errorf("window %+v", win)
	}
	if r.Refused() != 1 || r.MinReady() != 3 || r.Evictions[2].Window != "drain zone a" {
		t.Errorf("result %+v", r)
	}
	var readies []int
	for _, s := range r.Samples {
		readies = append(readies, s.Ready)
	}
	want := []int{6, 5, 4, 3, 4, 3, 4, 5}
	if fmt.Sprint(readies) != fmt.Sprint(want) {
		t.Errorf("samples %v, want %v", readies, want)
	}
}

func TestNewPDBWatcherBadInput(t *testing.T) {
	c := fake.NewClientset()
	for _, tt := range []struct{ ns, sel string }{{ns, "app in (a"}, {"", "app=x"}, {ns, ""}} {
		if _, err := NewPDBWatcher(c, tt.ns, tt.sel); !errors.Is(err, framework.ErrInvalid) {
			t.Errorf("NewPDBWatcher(%q, %q): %v", tt.ns, tt.sel, err)
		}
	}
}

func TestCapacityWatcher(t *testing.T) {
	replicas := int32(6)
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "inference-service", Namespace: ns},
		Spec: appsv1.DeploymentSpec{Replicas: &replicas}, Status: appsv1.DeploymentStatus{ReadyReplicas: 6}}
	c := fake.NewClientset(d)
	w, err := NewCapacityWatcher(c, ns, "inference-service")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	fault := time.Now()
	for _, ready := range []int32{4, 2, 6} {
		d.Status.ReadyReplicas = ready
		if _, err := c.AppsV1().Deployments(ns).UpdateStatus(ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		until(t, fmt.Sprintf("%d ready", ready), func() bool {
			s := w.Samples()
			return s[len(s)-1].Ready == int(ready)
		})
	}
	r := FullCapacity(w.Samples(), fault)
	if !r.Dipped || !r.Restored || r.MinReady != 2 || r.Time <= 0 {
		t.Errorf("%+v from %+v", r, w.Samples())
	}
}
