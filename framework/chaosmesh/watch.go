package chaosmesh

import (
	"context"
	"fmt"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
)

// Watch follows ref's status until ctx ends and returns its History. It
// returns once the first state has been read (an object that does not exist
// yet is recorded from its creation on). Every update the API server sends is
// observed; states that come and go between two updates are not.
func (c *Client) Watch(ctx context.Context, ref Ref) (*History, error) {
	gvr, err := ref.Kind.Resource()
	if err != nil {
		return nil, err
	}
	h := newHistory(ref)
	byName := func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("metadata.name", ref.Name).String()
	}
	inf := dynamicinformer.NewFilteredDynamicInformer(c.dyn, gvr, ref.Namespace, 0, cache.Indexers{}, byName).Informer()
	seen := func(obj any) {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok || u.GetName() != ref.Name {
			return
		}
		st, err := statusOf(u)
		if err != nil {
			c.log.Warn("chaos mesh status unreadable", "object", ref.String(), "err", err)
			return
		}
		h.observe(c.now(), st)
	}
	_, err = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    seen,
		UpdateFunc: func(_, obj any) { seen(obj) },
		DeleteFunc: func(obj any) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if u, ok := obj.(*unstructured.Unstructured); ok && u.GetName() == ref.Name {
				h.markDeleted(c.now())
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", ref, err)
	}
	go inf.Run(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		return nil, fmt.Errorf("watch %s: the first list did not complete: %w", ref, context.Cause(ctx))
	}
	return h, nil
}

// statusOf reads the Chaos Mesh status common to every kind.
func statusOf(u *unstructured.Unstructured) (*chaosv1alpha1.ChaosStatus, error) {
	st := &chaosv1alpha1.ChaosStatus{}
	m, ok, err := unstructured.NestedMap(u.Object, "status")
	if err != nil || !ok {
		return st, err
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, st); err != nil {
		return nil, fmt.Errorf("status of %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	return st, nil
}

// Status returns ref's current status, read from the API server.
func (c *Client) Status(ctx context.Context, ref Ref) (*chaosv1alpha1.ChaosStatus, error) {
	gvr, err := ref.Kind.Resource()
	if err != nil {
		return nil, err
	}
	u, err := c.dyn.Resource(gvr).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("status of %s: %w", ref, err)
	}
	return statusOf(u)
}
