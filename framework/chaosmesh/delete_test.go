package chaosmesh

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"

	"gameday.io/gameday/framework"
)

// holdDeletes makes the fake API server keep deleted PodChaos objects, as a
// finalizer does, until release is closed; deleted receives each name.
func holdDeletes(t *testing.T, c *Client, release <-chan struct{}, deleted chan<- string) {
	t.Helper()
	dyn := c.dyn.(interface {
		PrependReactor(verb, resource string, fn k8stesting.ReactionFunc)
		Tracker() k8stesting.ObjectTracker
	})
	gvr, _ := PodChaos.Resource()
	dyn.PrependReactor("delete", gvr.Resource, func(a k8stesting.Action) (bool, runtime.Object, error) {
		d := a.(k8stesting.DeleteAction)
		deleted <- d.GetName()
		go func() {
			<-release
			_ = dyn.Tracker().Delete(gvr, d.GetNamespace(), d.GetName())
		}()
		return true, nil, nil
	})
}

func TestDeleteWaitsUntilGone(t *testing.T) {
	c, _ := newFake(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ref, err := c.Apply(ctx, podKill("pk"), "r")
	if err != nil {
		t.Fatal(err)
	}
	release, deleted := make(chan struct{}), make(chan string, 1)
	holdDeletes(t, c, release, deleted)
	gets := make(chan struct{})
	var counting atomic.Bool
	counting.Store(true)
	c.dyn.(interface {
		PrependReactor(verb, resource string, fn k8stesting.ReactionFunc)
	}).PrependReactor("get", "podchaos", func(k8stesting.Action) (bool, runtime.Object, error) {
		if counting.Load() {
			gets <- struct{}{}
		}
		return false, nil, nil
	})
	done := make(chan error, 1)
	go func() { done <- c.Delete(ctx, ref) }()
	<-deleted
	// Let Delete poll three times while the object still exists: it must not return.
	for range 3 {
		select {
		case <-gets:
		case err := <-done:
			t.Fatalf("Delete returned (%v) while the object still exists", err)
		}
	}
	select {
	case err := <-done:
		t.Fatalf("Delete returned (%v) while the object still exists", err)
	default:
	}
	counting.Store(false)
	go func() { // a poll may be blocked sending
		for range gets {
		}
	}()
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := c.Status(ctx, ref); err == nil {
		t.Error("object still readable after Delete returned")
	}
	if err := c.Delete(ctx, ref); err != nil {
		t.Errorf("deleting a deleted object = %v, want nil", err)
	}
}

func TestDeleteTimeoutNamesFinalizers(t *testing.T) {
	c, _ := newFake(t, nil, WithDeleteTimeout(100*time.Millisecond))
	obj := podKill("pk")
	obj.Finalizers = []string{"chaos-mesh/records"}
	ctx := context.Background()
	ref, err := c.Apply(ctx, obj, "r")
	if err != nil {
		t.Fatal(err)
	}
	holdDeletes(t, c, make(chan struct{}), make(chan string, 1))
	err = c.Delete(ctx, ref)
	if err == nil || !strings.Contains(err.Error(), "chaos-mesh/records") || !strings.Contains(err.Error(), "PodChaos ml-serving/pk") {
		t.Fatalf("Delete = %v, want a timeout naming the object and its finalizer", err)
	}
}

func TestDeleteByLabel(t *testing.T) {
	c, _ := newFake(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	apply := func(obj runtime.Object, run string) {
		t.Helper()
		if _, err := c.Apply(ctx, obj, run); err != nil {
			t.Fatal(err)
		}
	}
	other := podKill("in-other-ns")
	other.Namespace = "staging"
	apply(podKill("a1"), "run-a")
	apply(&chaosv1alpha1.NetworkChaos{ObjectMeta: meta("a2")}, "run-a")
	apply(other, "run-a")
	apply(podKill("b1"), "run-b")
	// An object gameday did not make, with a look-alike run label.
	gvr, _ := PodChaos.Resource()
	foreign := podKill("foreign")
	foreign.Labels = map[string]string{LabelRun: "run-a"}
	u, _ := runtime.DefaultUnstructuredConverter.ToUnstructured(foreign)
	if _, err := c.dyn.Resource(gvr).Namespace("ml-serving").Create(ctx, toU(u), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	refs, err := c.DeleteByLabel(ctx, Selector{Run: "run-a", Namespaces: []string{"ml-serving"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(refs); got != "NetworkChaos ml-serving/a2,PodChaos ml-serving/a1" {
		t.Errorf("deleted %s", got)
	}
	refs, err = c.DeleteByLabel(ctx, Selector{Namespaces: []string{metav1.NamespaceAll}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(refs); got != "PodChaos ml-serving/b1,PodChaos staging/in-other-ns" {
		t.Errorf("deleted %s", got)
	}
	if _, err := c.Status(ctx, Ref{Kind: PodChaos, Namespace: "ml-serving", Name: "foreign"}); err != nil {
		t.Errorf("an object gameday does not manage was touched: %v", err)
	}
	if _, err := c.DeleteByLabel(ctx, Selector{Run: "r"}); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("no namespace = %v, want ErrInvalid", err)
	}
}

func names(refs []Ref) string {
	var s []string
	for _, r := range refs {
		s = append(s, r.String())
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}

func TestForceDeleteAnnotatesFirst(t *testing.T) {
	c, dyn := newFake(t, nil)
	ctx := context.Background()
	ref, err := c.Apply(ctx, podKill("stuck"), "r")
	if err != nil {
		t.Fatal(err)
	}
	var annotated bool
	dyn.PrependReactor("delete", "podchaos", func(a k8stesting.Action) (bool, runtime.Object, error) {
		gvr, _ := PodChaos.Resource()
		obj, err := dyn.Tracker().Get(gvr, ref.Namespace, ref.Name) // the fake's lock is held here: use its tracker
		if err == nil {
			m, _ := obj.(metav1.Object)
			annotated = m != nil && m.GetAnnotations()[AnnotationCleanFinalizer] == "forced"
		}
		return false, nil, nil
	})
	if err := c.ForceDelete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if !annotated {
		t.Error("deleted before the cleanFinalizer annotation was set")
	}
	if err := c.ForceDelete(ctx, ref); err != nil {
		t.Errorf("force-deleting a deleted object = %v, want nil", err)
	}
}

// DeleteByLabel searches only the kinds asked for, and skips a kind the
// identity may not list (it cannot have applied objects of it).
func TestDeleteByLabelKindsAndForbidden(t *testing.T) {
	c, dyn := newFake(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Apply(ctx, podKill("pk"), "r"); err != nil {
		t.Fatal(err)
	}
	dyn.PrependReactor("list", "networkchaos", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: Group.Group, Resource: "networkchaos"}, "", errors.New("RBAC"))
	})
	refs, err := c.DeleteByLabel(ctx, Selector{Run: "r", Namespaces: []string{"ml-serving"}, Kinds: []Kind{NetworkChaos, PodChaos}})
	if err != nil || len(refs) != 1 || refs[0].Name != "pk" {
		t.Fatalf("DeleteByLabel = %v, %v; want pk deleted and the forbidden kind skipped", refs, err)
	}
	var listed []string
	for _, a := range dyn.Actions() {
		if a.GetVerb() == "list" {
			listed = append(listed, a.GetResource().Resource)
		}
	}
	if len(listed) != 2 {
		t.Errorf("listed %v, want only networkchaos and podchaos", listed)
	}
}
