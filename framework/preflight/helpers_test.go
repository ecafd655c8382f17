package preflight_test

import (
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/platform"
	"gameday.io/gameday/framework/preflight"
)

// The reference platform's names, as a region's manifests would give them.
const (
	ns       = "ml-serving"
	workload = "inference-service"
	chaosNS  = "chaos-mesh"
)

// world is one region's cluster: typed and dynamic objects, and the
// permissions ("verb resource") its RBAC denies.
type world struct {
	typed []runtime.Object
	dyn   []runtime.Object
	deny  map[string]bool
	// onTyped, when set, reacts to typed calls before the tracker does.
	onTyped func(k8stesting.Action)
}

// healthy returns a fresh cluster where every check passes: the workload's
// pods on node-a and node-b, chaos-daemon on both.
func healthy() *world {
	return &world{
		typed: []runtime.Object{
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{platform.ChaosLabel: platform.ChaosLabelEnabled}}},
			deployment(2, 2),
			pod(ns, "inference-1", "node-a", map[string]string{"app": "inference"}, true),
			pod(ns, "inference-2", "node-b", map[string]string{"app": "inference"}, true),
			pod(ns, "other", "node-c", map[string]string{"app": "other"}, true),
			daemon("chaos-daemon-a", "node-a", true),
			daemon("chaos-daemon-b", "node-b", true),
			&policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: workload, Namespace: ns}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: workload, Namespace: ns}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "model-registry", Namespace: ns}},
		},
		dyn: []runtime.Object{
			crd(chaosmesh.PodChaos), crd(chaosmesh.NetworkChaos),
			controllerPod(),
		},
		deny: map[string]bool{},
	}
}

// drop removes the typed or dynamic objects named name of the given kind.
func (w *world) drop(kind, name string) *world {
	match := func(o runtime.Object) bool {
		m, _ := o.(metav1.Object)
		k := o.GetObjectKind().GroupVersionKind().Kind
		if k == "" {
			k = typeName(o)
		}
		return k == kind && m.GetName() == name
	}
	w.typed = slices.DeleteFunc(w.typed, match)
	w.dyn = slices.DeleteFunc(w.dyn, match)
	return w
}

func typeName(o runtime.Object) string {
	switch o.(type) {
	case *corev1.Namespace:
		return "Namespace"
	case *appsv1.Deployment:
		return "Deployment"
	case *corev1.Pod:
		return "Pod"
	case *policyv1.PodDisruptionBudget:
		return "PodDisruptionBudget"
	case *corev1.Service:
		return "Service"
	}
	return ""
}

// region returns a Region over fake clients of w, expecting what healthy holds.
func region(t *testing.T, name string, w *world) preflight.Region {
	t.Helper()
	cs := fake.NewClientset(w.typed...)
	cs.Discovery().(*fakediscovery.FakeDiscovery).FakedServerVersion = &version.Info{GitVersion: "v1.37.2"}
	cs.PrependReactor("create", "selfsubjectaccessreviews", func(a k8stesting.Action) (bool, runtime.Object, error) {
		r := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SelfSubjectAccessReview).DeepCopy()
		ra := r.Spec.ResourceAttributes
		r.Status.Allowed = !w.deny[ra.Verb+" "+ra.Resource]
		if !r.Status.Allowed {
			r.Status.Reason = "no RBAC policy matched"
		}
		return true, r, nil
	})
	if w.onTyped != nil {
		cs.PrependReactor("*", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
			w.onTyped(a)
			return false, nil, nil
		})
	}
	listKinds := map[schema.GroupVersionResource]string{
		{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}: "CustomResourceDefinitionList",
		{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}:                     "LeaseList",
		{Version: "v1", Resource: "pods"}:                                                     "PodList",
	}
	// chaos-daemon pods are read through the dynamic client (chaosmesh.DaemonNodes).
	dynObjs := append([]runtime.Object(nil), w.dyn...)
	for _, o := range w.typed {
		if p, ok := o.(*corev1.Pod); ok && p.Labels["app.kubernetes.io/component"] == "chaos-daemon" {
			m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(p)
			if err != nil {
				t.Fatal(err)
			}
			u := &unstructured.Unstructured{Object: m}
			u.SetAPIVersion("v1")
			u.SetKind("Pod")
			dynObjs = append(dynObjs, u)
		}
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds, dynObjs...)
	return preflight.Region{
		Name: name, Client: cs, Dynamic: dyn, Namespace: ns, Deployment: workload,
		PDBs: []string{workload}, Services: []string{workload, "model-registry"},
		Access: []preflight.Access{
			{Verb: "create", Group: "chaos-mesh.org", Resource: "podchaos", Namespace: ns, Why: "zone-outage: kill pods"},
			{Verb: "create", Resource: "pods", Subresource: "eviction", Namespace: ns, Why: "zone-drain: evict pods"},
			{Verb: "patch", Resource: "nodes", Why: "node-loss: cordon nodes"},
		},
		ChaosKinds:  []chaosmesh.Kind{chaosmesh.PodChaos, chaosmesh.NetworkChaos},
		ChaosDaemon: true,
	}
}

func deployment(replicas, ready int32) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: workload, Namespace: ns},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "inference"}}},
		Status: appsv1.DeploymentStatus{ReadyReplicas: ready},
	}
}

func pod(namespace, name, node string, labels map[string]string, ready bool) *corev1.Pod {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
		Spec:       corev1.PodSpec{NodeName: node},
		Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}},
	}
}

func daemon(name, node string, ready bool) *corev1.Pod {
	return pod(chaosNS, name, node, map[string]string{"app.kubernetes.io/component": "chaos-daemon"}, ready)
}

func crd(k chaosmesh.Kind) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": k.CRDName()},
		"status":   map[string]any{"conditions": []any{map[string]any{"type": "Established", "status": "True"}}},
	}}
}

// controllerPod is a Ready Chaos Mesh controller-manager (no Lease: leader
// election off), so the check does not depend on the wall clock.
func controllerPod() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "chaos-controller-manager-0", "namespace": chaosNS,
			"labels": map[string]any{"app.kubernetes.io/component": "controller-manager"}},
		"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}},
	}}
}
