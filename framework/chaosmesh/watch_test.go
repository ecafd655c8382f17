package chaosmesh

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestWatchFollowsStatusUntilDeleted(t *testing.T) {
	c, dyn := newFake(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ref, err := c.Apply(ctx, podKill("pk"), "r")
	if err != nil {
		t.Fatal(err)
	}
	// Another object of the same kind must not show up in the history.
	if _, err := c.Apply(ctx, podKill("other"), "r"); err != nil {
		t.Fatal(err)
	}
	h, err := c.Watch(ctx, ref)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	gvr, _ := ref.Kind.Resource()
	res := dyn.Resource(gvr).Namespace(ref.Namespace)
	setStatus := func(name, cond string) {
		t.Helper()
		u, err := res.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		conds := []any{map[string]any{"type": cond, "status": "True"}}
		if err := unstructured.SetNestedSlice(u.Object, conds, "status", "conditions"); err != nil {
			t.Fatal(err)
		}
		if _, err := res.UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	setStatus("other", "Paused")
	setStatus("pk", "AllInjected")
	if _, err := h.WaitFor(ctx, EntryCondition, "AllInjected", "True"); err != nil {
		t.Fatal(err)
	}
	if err := res.Delete(ctx, "pk", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.WaitFor(ctx, EntryDeleted, "", ""); err != nil {
		t.Fatal(err)
	}
	if e, ok := h.First(EntryCondition, "Paused", ""); ok {
		t.Errorf("history of pk holds another object's condition: %v", e)
	}
}
