package fault

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/platform"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

// foreignProvider stands for the existing provider: no abilities but Chaos Mesh.
type foreignProvider struct{}

func (foreignProvider) Name() string                  { return "existing" }
func (foreignProvider) Check(context.Context) error   { return nil }
func (foreignProvider) ChaosMeshNamespaces() []string { return []string{"chaos-mesh"} }
func (foreignProvider) Create(context.Context, provider.ClusterSpec) (*provider.Cluster, error) {
	return nil, errors.New("not here")
}
func (foreignProvider) Delete(context.Context, provider.Cluster) error { return nil }

var podsGVR = schema.GroupVersionResource{Version: "v1", Resource: "pods"}

// foreignTarget is a target on a cluster gameday does not own, whose Chaos
// Mesh is a fake dynamic client; labelled says whether the workload's
// namespace opted in, daemons lists the nodes running chaos-daemon.
func foreignTarget(t *testing.T, labelled bool, daemons ...string) (*Target, *dynamicfake.FakeDynamicClient) {
	t.Helper()
	topo := testTopology(t)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ml-serving"}}
	if labelled {
		ns.Labels = map[string]string{platform.ChaosLabel: platform.ChaosLabelEnabled}
	}
	objs := []runtime.Object{ns}
	for i, n := range topo.Nodes("us-east1") {
		objs = append(objs, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: map[string]string{topology.LabelZone: n.Zone}}})
		objs = append(objs, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "inference-" + string(rune('a'+i)), Namespace: "ml-serving", Labels: map[string]string{"app": "inference"}},
			Spec:       corev1.PodSpec{NodeName: n.Name}, Status: corev1.PodStatus{Phase: corev1.PodRunning},
		})
	}
	kinds := map[schema.GroupVersionResource]string{podsGVR: "PodList"}
	for _, k := range chaosmesh.Kinds() {
		gvr, _ := k.Resource()
		kinds[gvr] = string(k) + "List"
	}
	var dobjs []runtime.Object
	for _, n := range daemons {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": "chaos-daemon-" + n, "namespace": "chaos-mesh", "labels": map[string]any{"app.kubernetes.io/component": "chaos-daemon"}},
			"spec":     map[string]any{"nodeName": n},
			"status":   map[string]any{"phase": "Running", "conditions": []any{map[string]any{"type": "Ready", "status": "True"}}},
		}}
		dobjs = append(dobjs, u)
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), kinds, dobjs...)
	cm, err := chaosmesh.New(dyn, chaosmesh.WithPollInterval(5*time.Millisecond), chaosmesh.WithDeleteTimeout(5*time.Second), chaosmesh.WithControllerNamespaces("chaos-mesh"))
	if err != nil {
		t.Fatal(err)
	}
	return &Target{
		Env:      &framework.Environment{Name: "staging", Regions: []framework.Region{{Name: "us-east1", Context: "east", Zones: []string{"us-east1-a", "us-east1-b"}}}},
		Topology: topo, Provider: foreignProvider{}, Timeouts: framework.Timeouts{Revert: time.Minute},
		Clients:   map[string]kubernetes.Interface{"us-east1": fake.NewClientset(objs...)},
		Workload:  Selector{Namespace: "ml-serving", Labels: map[string]string{"app": "inference"}},
		Guard:     Guard{AllowContexts: []string{"east"}},
		Journal:   Journal{Dir: t.TempDir()},
		ChaosMesh: func(string) (*chaosmesh.Client, error) { return cm, nil },
		Rand:      rand.New(rand.NewPCG(1, 2)),
	}, dyn
}

func TestForeignClusterRefusals(t *testing.T) {
	cases := []struct {
		spec     string
		labelled bool
		daemons  []string
		want     string
	}{
		{"node-loss node=us-east1-a-gpu-0 duration=1m", true, nil, "cloud node stop"},
		{"region-outage duration=1m", true, nil, "whole region cut off"},
		{"storage-outage duration=1m", true, nil, "never breaks the user's S3 endpoints"},
		{"partition peer=europe-west1 duration=1m", true, nil, "cannot select pods across clusters"},
		{"pod-kill duration=1m", false, nil, "namespace ml-serving is not labelled gameday.io/chaos=enabled"},
		{"zone-outage zone=us-east1-a duration=1m", false, []string{"us-east1-a-gpu-0"}, "not labelled gameday.io/chaos=enabled"},
		{"zone-outage zone=us-east1-a duration=1m", true, []string{"us-east1-a-gpu-0"}, "none runs on us-east1-a-gpu-1, us-east1-a-gpu-2"},
	}
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			tgt, dyn := foreignTarget(t, c.labelled, c.daemons...)
			s, err := Parse(c.spec + " region=us-east1")
			if err != nil {
				t.Fatal(err)
			}
			_, err = Prepare(context.Background(), tgt, s)
			if !errors.Is(err, framework.ErrRefused) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Prepare = %v, want ErrRefused saying %q", err, c.want)
			}
			for _, a := range dyn.Actions() {
				if a.GetVerb() == "create" {
					t.Fatalf("a refused fault created %v", a)
				}
			}
		})
	}
	t.Run("no allow-listed context", func(t *testing.T) {
		tgt, _ := foreignTarget(t, true)
		tgt.Guard = Guard{}
		s, _ := Parse("pod-kill region=us-east1 duration=1m")
		if _, err := Prepare(context.Background(), tgt, s); !errors.Is(err, framework.ErrRefused) || !strings.Contains(err.Error(), "--allow-context") {
			t.Fatalf("Prepare = %v, want the allow-list refusal", err)
		}
	})
}

// injectWhenCreated plays the Chaos Mesh controller's part for the test:
// each object created gets AllInjected=True, and (when finalize) the
// controller's finalizer goes once it is deleted.
func injectWhenCreated(t *testing.T, dyn *dynamicfake.FakeDynamicClient) {
	dyn.PrependReactor("create", "*", func(a clienttesting.Action) (bool, runtime.Object, error) {
		u := a.(clienttesting.CreateAction).GetObject().(*unstructured.Unstructured)
		if u.GetKind() == "Pod" {
			return false, nil, nil
		}
		_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"type": "AllInjected", "status": "True"}}, "status", "conditions")
		return false, nil, nil
	})
}

func TestPodKillThroughChaosMesh(t *testing.T) {
	tgt, dyn := foreignTarget(t, true)
	injectWhenCreated(t, dyn)
	s, _ := Parse("pod-kill region=us-east1 pod=inference-a duration=1m")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := Prepare(ctx, tgt, s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(p.Steps, "\n"), "apply Chaos Mesh PodChaos ml-serving/"+p.ID) {
		t.Fatalf("steps do not name the object: %v", p.Steps)
	}
	e, err := Inject(ctx, tgt, p)
	if err != nil {
		t.Fatal(err)
	}
	if e.Open() || len(e.Result.ChaosMesh) != 1 {
		t.Fatalf("entry %s with %d objects, want reverted with one", e.State, len(e.Result.ChaosMesh))
	}
	hist := e.Result.ChaosMesh[0]
	var seen []string
	for _, h := range hist.History {
		seen = append(seen, h.String())
	}
	if got := strings.Join(seen, ", "); !strings.Contains(got, "AllInjected=True") || !strings.Contains(got, "deleted") {
		t.Fatalf("history %q, want AllInjected=True then deleted", got)
	}
	gvr, _ := chaosmesh.PodChaos.Resource()
	list, err := dyn.Resource(gvr).Namespace("ml-serving").List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 0 {
		t.Fatalf("PodChaos left after the pod-kill: %v %v", list, err)
	}
	var created *unstructured.Unstructured
	for _, a := range dyn.Actions() {
		if c, ok := a.(clienttesting.CreateAction); ok && a.GetResource() == gvr {
			created = c.GetObject().(*unstructured.Unstructured)
		}
	}
	if created == nil || created.GetLabels()[chaosmesh.LabelRun] != "staging" {
		t.Fatalf("PodChaos created %v, want one labelled with the environment", created)
	}
	var pc chaosv1alpha1.PodChaos
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(created.Object, &pc); err != nil {
		t.Fatal(err)
	}
	if pc.Spec.Action != chaosv1alpha1.PodKillAction || pc.Spec.Selector.Pods["ml-serving"][0] != "inference-a" {
		t.Fatalf("PodChaos spec %+v", pc.Spec)
	}
}

func TestRecoverDeletesLabelledChaosObjects(t *testing.T) {
	tgt, dyn := foreignTarget(t, true)
	cm, _ := tgt.ChaosMesh("us-east1")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	mk := func(name, run string) {
		pc := &chaosv1alpha1.PodChaos{TypeMeta: chaosType("PodChaos"), ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ml-serving"},
			Spec: chaosv1alpha1.PodChaosSpec{Action: chaosv1alpha1.PodKillAction}}
		if _, err := cm.Apply(ctx, pc, run); err != nil {
			t.Fatal(err)
		}
	}
	mk("left-by-a-killed-run", "staging")
	mk("another-environments", "other")
	done, err := Recover(ctx, tgt)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 0 {
		t.Errorf("reverted journal entries %v, want none", done)
	}
	gvr, _ := chaosmesh.PodChaos.Resource()
	list, _ := dyn.Resource(gvr).Namespace("ml-serving").List(ctx, metav1.ListOptions{})
	if len(list.Items) != 1 || list.Items[0].GetName() != "another-environments" {
		var names []string
		for _, it := range list.Items {
			names = append(names, it.GetName())
		}
		t.Fatalf("left %v, want only another environment's object", names)
	}
}

func TestNeedsForForeignCluster(t *testing.T) {
	tgt, _ := foreignTarget(t, true)
	n := NeedsFor([]Kind{ZoneOutage, Drain, NodeLoss, PodKill}, "ml-serving", tgt)
	if len(n.ChaosKinds) != 2 || n.ChaosKinds[0] != chaosmesh.NetworkChaos || n.ChaosKinds[1] != chaosmesh.PodChaos || !n.ChaosDaemon {
		t.Errorf("chaos kinds %v daemon %v", n.ChaosKinds, n.ChaosDaemon)
	}
	if len(n.Refused) != 1 || !strings.HasPrefix(n.Refused[0], "node-loss: ") {
		t.Errorf("refused %v, want node-loss", n.Refused)
	}
	var have []string
	for _, a := range n.Access {
		have = append(have, a.Verb+" "+a.Resource+"/"+a.Subresource)
	}
	for _, want := range []string{"create networkchaos/", "delete podchaos/", "create pods/eviction", "patch nodes/"} {
		if !strings.Contains(strings.Join(have, ","), want) {
			t.Errorf("access %v lacks %q", have, want)
		}
	}
}
