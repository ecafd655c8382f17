package chaosmesh

import (
	"context"
	"errors"
	"testing"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"gameday.io/gameday/framework"
)

func meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: "ml-serving", Labels: map[string]string{"app": "inference"}}
}

func podKill(name string) *chaosv1alpha1.PodChaos {
	return &chaosv1alpha1.PodChaos{ObjectMeta: meta(name), Spec: chaosv1alpha1.PodChaosSpec{
		Action: chaosv1alpha1.PodKillAction,
		ContainerSelector: chaosv1alpha1.ContainerSelector{PodSelector: chaosv1alpha1.PodSelector{
			Mode: chaosv1alpha1.OneMode, Selector: chaosv1alpha1.PodSelectorSpec{GenericSelectorSpec: chaosv1alpha1.GenericSelectorSpec{
				Namespaces: []string{"ml-serving"}, LabelSelectors: map[string]string{"app": "inference"}}}}},
	}}
}

func TestApplyEveryKind(t *testing.T) {
	objs := []runtime.Object{
		podKill("pk"),
		&chaosv1alpha1.NetworkChaos{ObjectMeta: meta("net"), Spec: chaosv1alpha1.NetworkChaosSpec{Action: chaosv1alpha1.PartitionAction}},
		&chaosv1alpha1.HTTPChaos{ObjectMeta: meta("http")},
		&chaosv1alpha1.IOChaos{ObjectMeta: meta("io")},
		&chaosv1alpha1.AWSChaos{ObjectMeta: meta("aws")},
		&chaosv1alpha1.GCPChaos{ObjectMeta: meta("gcp")},
		&chaosv1alpha1.AzureChaos{ObjectMeta: meta("azure")},
	}
	want := []Kind{PodChaos, NetworkChaos, HTTPChaos, IOChaos, AWSChaos, GCPChaos, AzureChaos}
	for i, obj := range objs {
		t.Run(string(want[i]), func(t *testing.T) {
			c, dyn := newFake(t, nil)
			ref, err := c.Apply(context.Background(), obj, "run-1")
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if ref.Kind != want[i] || ref.Namespace != "ml-serving" {
				t.Fatalf("ref = %v, want kind %s in ml-serving", ref, want[i])
			}
			gvr, _ := ref.Kind.Resource()
			got, err := dyn.Resource(gvr).Namespace(ref.Namespace).Get(context.Background(), ref.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("object not stored as %s: %v", gvr.Resource, err)
			}
			l := got.GetLabels()
			if l[LabelRun] != "run-1" || l[LabelManagedBy] != ManagedBy || l["app"] != "inference" {
				t.Errorf("labels = %v, want run, managed-by and the object's own", l)
			}
			if got.GetKind() != string(want[i]) || got.GetAPIVersion() != "chaos-mesh.org/v1alpha1" {
				t.Errorf("type = %s %s", got.GetAPIVersion(), got.GetKind())
			}
			if _, ok := obj.(metav1.Object).GetLabels()[LabelRun]; ok {
				t.Error("Apply modified the caller's object")
			}
		})
	}
}

func TestApplyKeepsSpec(t *testing.T) {
	c, dyn := newFake(t, nil)
	ref, err := c.Apply(context.Background(), podKill("pk"), "r")
	if err != nil {
		t.Fatal(err)
	}
	gvr, _ := ref.Kind.Resource()
	u, _ := dyn.Resource(gvr).Namespace("ml-serving").Get(context.Background(), "pk", metav1.GetOptions{})
	var back chaosv1alpha1.PodChaos
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &back); err != nil {
		t.Fatal(err)
	}
	if back.Spec.Action != chaosv1alpha1.PodKillAction || back.Spec.Mode != chaosv1alpha1.OneMode || back.Spec.Selector.LabelSelectors["app"] != "inference" {
		t.Errorf("stored spec = %+v", back.Spec)
	}
}

func TestApplyRejectsBadInput(t *testing.T) {
	noNS := podKill("x")
	noNS.Namespace = ""
	withRV := podKill("x")
	withRV.ResourceVersion = "7"
	tests := []struct {
		name string
		obj  runtime.Object
		run  string
	}{
		{"empty run", podKill("x"), ""},
		{"run not a label value", podKill("x"), "run with spaces"},
		{"no namespace", noNS, "r"},
		{"resourceVersion set", withRV, "r"},
		{"not a chaos type", &corev1.Pod{ObjectMeta: meta("p")}, "r"},
		{"chaos type gameday does not apply", &chaosv1alpha1.StressChaos{ObjectMeta: meta("s")}, "r"},
		{"nil", nil, "r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newFake(t, nil)
			if _, err := c.Apply(context.Background(), tt.obj, tt.run); !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("Apply = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestApplyExisting(t *testing.T) {
	c, _ := newFake(t, nil)
	ctx := context.Background()
	if _, err := c.Apply(ctx, podKill("pk"), "run-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Apply(ctx, podKill("pk"), "run-1"); err != nil {
		t.Errorf("re-apply by the same run = %v, want nil", err)
	}
	if _, err := c.Apply(ctx, podKill("pk"), "run-2"); !errors.Is(err, framework.ErrExists) {
		t.Errorf("apply by another run = %v, want ErrExists", err)
	}
}
