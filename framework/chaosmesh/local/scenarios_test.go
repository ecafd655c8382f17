package local_test

import (
	"context"
	"strings"
	"testing"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"gameday.io/gameday/framework/chaosmesh"
)

// podOf returns the pod name of a target record id "ns/name".
func podOf(id string) string { _, name, _ := strings.Cut(id, "/"); return name }

func waitFor(t *testing.T, ctx context.Context, h *chaosmesh.History, what, name, value string) chaosmesh.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	e, err := h.WaitFor(ctx, what, name, value)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// podKill: the real controller deletes exactly one selected pod and records it.
func podKill(t *testing.T, ctx context.Context, cm *chaosmesh.Client, kube kubernetes.Interface, run string) {
	names := waitPods(t, ctx, kube, "kill", 3)
	obj := podChaos("kill-one", "app", "kill", chaosv1alpha1.PodKillAction)
	h, ref := watchApply(t, ctx, cm, chaosmesh.PodChaos, obj, func() (chaosmesh.Ref, error) { return cm.Apply(ctx, obj, run) })
	sel := waitFor(t, ctx, h, chaosmesh.EntryCondition, "Selected", "True")
	inj := waitFor(t, ctx, h, chaosmesh.EntryCondition, "AllInjected", "True")
	target := waitFor(t, ctx, h, chaosmesh.EntryTarget, "", string(chaosv1alpha1.Injected))
	if inj.At.Before(sel.At) {
		t.Errorf("AllInjected at %s before Selected at %s", inj.At, sel.At)
	}
	victim := podOf(target.Name)
	if !strings.HasPrefix(victim, "kill-") {
		t.Fatalf("target %q is not one of the selected pods %v", target.Name, names)
	}
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := kube.CoreV1().Pods(ns).Get(ctx, victim, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		t.Fatalf("pod %s recorded as killed still exists: %v", victim, err)
	}
	left, err := kube.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=kill"})
	if err != nil || len(left.Items) != len(names)-1 {
		t.Fatalf("mode one killed %d pods, want 1 (err %v)", len(names)-len(left.Items), err)
	}
	if err := cm.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, h, chaosmesh.EntryDeleted, "", "")
	// Deleting the object makes the controller recover the target before it
	// drops its finalizer (for pod-kill recovery only marks the record).
	rec, ok := h.First(chaosmesh.EntryTarget, target.Name, string(chaosv1alpha1.NotInjected))
	if !ok || rec.At.Before(target.At) {
		t.Errorf("no recovery of %s recorded after its injection: %v", target.Name, h.Entries())
	}
}

// podFailure: the controller swaps the pod's image for the pause image for
// the object's duration, then restores it, and the status says so.
func podFailure(t *testing.T, ctx context.Context, cm *chaosmesh.Client, kube kubernetes.Interface, run string) {
	waitPods(t, ctx, kube, "fail", 2)
	obj := podChaos("fail-one", "app", "fail", chaosv1alpha1.PodFailureAction)
	obj.Spec.Duration = ptr.To("6s")
	h, _ := watchApply(t, ctx, cm, chaosmesh.PodChaos, obj, func() (chaosmesh.Ref, error) { return cm.Apply(ctx, obj, run) })
	inj := waitFor(t, ctx, h, chaosmesh.EntryCondition, "AllInjected", "True")
	target := waitFor(t, ctx, h, chaosmesh.EntryTarget, "", string(chaosv1alpha1.Injected))
	image := func() string {
		p, err := kube.CoreV1().Pods(ns).Get(ctx, podOf(target.Name), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p.Spec.Containers[0].Image
	}
	if img := image(); img == "gameday/inference-sim:dev" {
		// The record may be written before the patch is read back; poll briefly.
		_ = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
			return image() != "gameday/inference-sim:dev", nil
		})
	}
	if img := image(); !strings.Contains(img, "pause") {
		t.Errorf("injected pod runs %q, want the pause image", img)
	}
	rec := waitFor(t, ctx, h, chaosmesh.EntryCondition, "AllRecovered", "True")
	if !rec.At.After(inj.At) {
		t.Errorf("AllRecovered at %s not after AllInjected at %s", rec.At, inj.At)
	}
	waitFor(t, ctx, h, chaosmesh.EntryPhase, "", string(chaosv1alpha1.StoppedPhase))
	if img := image(); img != "gameday/inference-sim:dev" {
		t.Errorf("recovered pod runs %q, want its own image back", img)
	}
	t.Logf("injected after %s, recovered %s later (duration 6s)", inj.At.Sub(h.Entries()[0].At).Round(time.Millisecond), rec.At.Sub(inj.At).Round(time.Millisecond))
}

// networkWithoutDaemon: a partition is accepted and its pods selected, but
// nothing can be injected without chaos-daemon on the nodes; the status says why.
func networkWithoutDaemon(t *testing.T, ctx context.Context, cm *chaosmesh.Client, kube kubernetes.Interface, run string) {
	waitPods(t, ctx, kube, "net-a", 1)
	waitPods(t, ctx, kube, "net-b", 1)
	sel := func(app string) chaosv1alpha1.PodSelector {
		return chaosv1alpha1.PodSelector{Mode: chaosv1alpha1.AllMode, Selector: chaosv1alpha1.PodSelectorSpec{
			GenericSelectorSpec: chaosv1alpha1.GenericSelectorSpec{Namespaces: []string{ns}, LabelSelectors: map[string]string{"app": app}}}}
	}
	obj := &chaosv1alpha1.NetworkChaos{
		ObjectMeta: metav1.ObjectMeta{Name: "partition", Namespace: ns},
		Spec: chaosv1alpha1.NetworkChaosSpec{PodSelector: sel("net-a"), Action: chaosv1alpha1.PartitionAction,
			Direction: chaosv1alpha1.Both, Target: ptr.To(sel("net-b")), Duration: ptr.To("1m")},
	}
	h, ref := watchApply(t, ctx, cm, chaosmesh.NetworkChaos, obj, func() (chaosmesh.Ref, error) { return cm.Apply(ctx, obj, run) })
	waitFor(t, ctx, h, chaosmesh.EntryCondition, "Selected", "True")
	fail := waitFor(t, ctx, h, chaosmesh.EntryFailure, "", "")
	t.Logf("injection failed as expected without chaos-daemon: %s", fail)
	if !strings.Contains(fail.Reason, "daemon") {
		t.Errorf("failure %q does not name the missing daemon", fail.Reason)
	}
	if e, ok := h.First(chaosmesh.EntryCondition, "AllInjected", "True"); ok {
		t.Errorf("partition reported injected without any chaos-daemon: %v", e)
	}
	// The controller cannot recover through a missing daemon either, so its
	// finalizer stays: Delete must say so, and ForceDelete must remove it.
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := cm.Delete(short, ref)
	if err == nil || !strings.Contains(err.Error(), "finalizers [") {
		t.Fatalf("Delete of an unrecoverable partition = %v, want a timeout naming its finalizers", err)
	}
	t.Logf("Delete refused as expected: %v", err)
	if err := cm.ForceDelete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, h, chaosmesh.EntryDeleted, "", "")
}
