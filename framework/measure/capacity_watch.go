package measure

import (
	"context"
	"fmt"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
)

// CapacityWatcher records a Deployment's Ready replicas against its desired
// replicas (spec.replicas) on every change, for FullCapacity.
type CapacityWatcher struct {
	client          kubernetes.Interface
	namespace, name string

	stopper
	mu      sync.Mutex
	samples []CapacitySample
}

// NewCapacityWatcher returns a watcher of Deployment namespace/name.
func NewCapacityWatcher(client kubernetes.Interface, namespace, name string) (*CapacityWatcher, error) {
	if namespace == "" || name == "" {
		return nil, fmt.Errorf("capacity watcher: want a namespace and a Deployment name (got %q, %q): %w", namespace, name, framework.ErrInvalid)
	}
	return &CapacityWatcher{client: client, namespace: namespace, name: name}, nil
}

// Start begins watching and returns once the Deployment's current state is
// recorded (if it exists). The watch ends with ctx or Stop.
func (w *CapacityWatcher) Start(ctx context.Context) error {
	sel := fields.OneTermEqualSelector("metadata.name", w.name).String()
	f := informers.NewSharedInformerFactoryWithOptions(w.client, 0, informers.WithNamespace(w.namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.FieldSelector = sel }))
	stop, err := runInformer(ctx, f.Apps().V1().Deployments().Informer(), "deployment "+w.namespace+"/"+w.name, w.observe)
	if err != nil {
		return fmt.Errorf("capacity watcher: %w", err)
	}
	w.set(stop)
	return nil
}

func (w *CapacityWatcher) observe(_ string, obj any) {
	d, ok := obj.(*appsv1.Deployment)
	if !ok || d.Name != w.name {
		return // deleted, or another Deployment (a fake client ignores field selectors)
	}
	desired := 1
	if d.Spec.Replicas != nil {
		desired = int(*d.Spec.Replicas)
	}
	s := CapacitySample{At: now(), Ready: int(d.Status.ReadyReplicas), Desired: desired}
	w.mu.Lock()
	defer w.mu.Unlock()
	if n := len(w.samples); n > 0 && w.samples[n-1].Ready == s.Ready && w.samples[n-1].Desired == s.Desired {
		return
	}
	w.samples = append(w.samples, s)
}

// Samples returns the samples so far, in order.
func (w *CapacityWatcher) Samples() []CapacitySample {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]CapacitySample(nil), w.samples...)
}
