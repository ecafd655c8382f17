package sensor

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"gameday.io/gameday/fixtures"
)

// notification is an Alertmanager webhook body (version 4) with one alert.
func notification(t *testing.T, labels map[string]string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"version": "4", "status": "firing",
		"alerts": []any{map[string]any{"status": "firing", "labels": labels}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLookup(t *testing.T) {
	var v any
	_ = json.Unmarshal([]byte(`{"body":{"alerts":[{"labels":{"region":"us-east1"},"n":3}]}}`), &v)
	for _, c := range []struct {
		path, want string
		ok         bool
	}{
		{"body.alerts.0.labels.region", "us-east1", true},
		{"body.alerts.0.n", "3", true},
		{"body.alerts.0.labels", `{"region":"us-east1"}`, true},
		{"body.alerts[0].labels.region", "", false}, // not gjson: a key "alerts[0]"
		{"body.alerts.1.labels.region", "", false},
		{"body.alerts.x", "", false},
		{"body.alerts.0.labels.zone", "", false},
	} {
		got, ok := Lookup(v, c.path)
		if got != c.want || ok != c.ok {
			t.Errorf("Lookup(%s) = %q, %v; want %q, %v", c.path, got, ok, c.want, c.ok)
		}
	}
}

func parsed(t *testing.T, platform func() (*fixtures.Platform, error)) *Sensor {
	t.Helper()
	p, err := platform()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(p.Sensor)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRenderTheFixturesSensors(t *testing.T) {
	labels := map[string]string{"alertname": "InferenceServiceDown", "severity": "critical", "region": "us-east1"}
	// The reference reads body.alerts[0].labels.region: no such key in
	// gjson, no default, so its trigger fails even when the label exists.
	ref := parsed(t, fixtures.Reference)
	if len(ref.Triggers) != 1 || ref.Triggers[0].Operation != "patch" || len(ref.Dependencies) != 1 {
		t.Fatalf("reference Sensor %+v", ref)
	}
	_, _, err := ref.Triggers[0].Render(ref.Dependencies[0].Name, notification(t, labels))
	if err == nil || !strings.Contains(err.Error(), "dataKey body.alerts[0].labels.region is not in the event") {
		t.Errorf("reference trigger: %v", err)
	}
	// The remediated reads body.alerts.0.labels.region.
	rem := parsed(t, fixtures.Remediated)
	obj, values, err := rem.Triggers[0].Render(rem.Dependencies[0].Name, notification(t, labels))
	if err != nil {
		t.Fatal(err)
	}
	if got := obj.GetAnnotations()["failover-region"]; got != "us-east1" || len(values) != 1 {
		t.Errorf("failover-region %q, values %+v", got, values)
	}
	if obj.GetNamespace() != "ml-serving" || rem.Triggers[0].Resource.GetAnnotations() != nil {
		t.Errorf("rendered %v; the template must stay unchanged", obj.Object)
	}
	// Without the label (the reference's sum() drops it), no default: fails.
	delete(labels, "region")
	if _, _, err := rem.Triggers[0].Render(rem.Dependencies[0].Name, notification(t, labels)); err == nil {
		t.Error("an alert without the region label must fail the trigger (no src.value)")
	}
	// A default takes the place of a missing key.
	tr := rem.Triggers[0]
	tr.Params = []Param{{Dependency: rem.Dependencies[0].Name, DataKey: "body.alerts.0.labels.region", Default: "unknown", HasDefault: true, Dest: "metadata.annotations.failover-region"}}
	if obj, _, err := tr.Render(rem.Dependencies[0].Name, notification(t, labels)); err != nil || obj.GetAnnotations()["failover-region"] != "unknown" {
		t.Errorf("default: %v %v", obj, err)
	}
}

func TestRoutes(t *testing.T) {
	rem := parsed(t, fixtures.Remediated)
	// inference-down is named after no alert: the runbook's alert reaches it.
	got := Routes(rem, []string{"InferenceServiceDown", "ZoneFailure"}, "InferenceServiceDown")
	if len(got) != 1 || got["InferenceServiceDown"] != "health-check-failure" {
		t.Errorf("routes %v", got)
	}
	second := parsed(t, fixtures.Second)
	got = Routes(second, []string{"RankerCapacityLow", "EmbedderCapacityLow"}, "EmbedderCapacityLow")
	if len(got) != 1 || got["RankerCapacityLow"] != "ranker-capacity" {
		t.Errorf("routes %v: the dependency named after an alert takes it, and only it", got)
	}
}

// TestRunnerPatches carries out the remediated Sensor against a fake
// cluster holding its Service: the annotation carries the alert's region.
func TestRunnerPatches(t *testing.T) {
	svc := &corev1.Service{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}, ObjectMeta: metav1.ObjectMeta{Name: "inference-service", Namespace: "ml-serving"}}
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(svc)
	if err != nil {
		t.Fatal(err)
	}
	scheme := runtime.NewScheme()
	_ = corev1.AddToScheme(scheme)
	client := dynamicfake.NewSimpleDynamicClient(scheme, &unstructured.Unstructured{Object: u})
	mapper := meta.NewDefaultRESTMapper(nil)
	mapper.Add(schema.GroupVersionKind{Version: "v1", Kind: "Service"}, meta.RESTScopeNamespace)
	rem := parsed(t, fixtures.Remediated)
	r := &Runner{Sensor: rem, Region: "us-east1", Client: client, Mapper: mapper,
		Routes: Routes(rem, []string{"InferenceServiceDown"}, "InferenceServiceDown")}

	if got := r.Handle(context.Background(), "ZoneFailure", notification(t, map[string]string{"alertname": "ZoneFailure"})); len(got) != 0 {
		t.Errorf("an alert routed to no dependency triggers nothing: %+v", got)
	}
	got := r.Handle(context.Background(), "InferenceServiceDown", notification(t, map[string]string{"alertname": "InferenceServiceDown", "region": "us-east1"}))
	if len(got) != 1 || got[0].Err != "" || !got[0].Rendered || got[0].Object != "Service ml-serving/inference-service" {
		t.Fatalf("actions %+v", got)
	}
	if s := got[0].String(); s != "patched Service ml-serving/inference-service: metadata.annotations.failover-region=us-east1" {
		t.Errorf("action reads %q", s)
	}
	obj, err := client.Resource(schema.GroupVersionResource{Version: "v1", Resource: "services"}).Namespace("ml-serving").Get(context.Background(), "inference-service", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a := obj.GetAnnotations()["failover-region"]; a != "us-east1" {
		t.Errorf("annotation %q after the patch", a)
	}
	// Undo removes an annotation the Service did not have.
	if err := Undo(context.Background(), client, mapper, got[0]); err != nil {
		t.Fatal(err)
	}
	obj, err = client.Resource(schema.GroupVersionResource{Version: "v1", Resource: "services"}).Namespace("ml-serving").Get(context.Background(), "inference-service", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := obj.GetAnnotations()["failover-region"]; ok {
		t.Errorf("annotation %q left after undo", a)
	}
	// ... and restores one it had.
	obj.SetAnnotations(map[string]string{"failover-region": "none", "keep": "me"})
	if _, err := client.Resource(schema.GroupVersionResource{Version: "v1", Resource: "services"}).Namespace("ml-serving").Update(context.Background(), obj, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	again := r.Handle(context.Background(), "InferenceServiceDown", notification(t, map[string]string{"alertname": "InferenceServiceDown", "region": "us-east1"}))
	if len(again) != 1 || len(again[0].Before) != 1 || again[0].Before[0].Value != "none" {
		t.Fatalf("before %+v", again)
	}
	if err := Undo(context.Background(), client, mapper, again[0]); err != nil {
		t.Fatal(err)
	}
	obj, _ = client.Resource(schema.GroupVersionResource{Version: "v1", Resource: "services"}).Namespace("ml-serving").Get(context.Background(), "inference-service", metav1.GetOptions{})
	if a := obj.GetAnnotations(); a["failover-region"] != "none" || a["keep"] != "me" {
		t.Errorf("annotations after undo %v", a)
	}
	// The reference's Sensor targets a Service in its own namespace
	// (neither names one): not found there, the action says so.
	ref := parsed(t, fixtures.Reference)
	rr := &Runner{Sensor: ref, Region: "us-east1", Namespace: "default", Client: client, Mapper: mapper,
		Routes: Routes(ref, []string{"InferenceServiceDown"}, "InferenceServiceDown")}
	got = rr.Handle(context.Background(), "InferenceServiceDown", notification(t, map[string]string{"alertname": "InferenceServiceDown"}))
	if len(got) != 1 || !strings.Contains(got[0].Err, "not in the event") || got[0].Rendered || got[0].Object != "Service default/inference-service" {
		t.Errorf("reference actions %+v", got)
	}
	if len(r.Actions())+len(rr.Actions()) != 3 {
		t.Errorf("recorded %d + %d actions", len(r.Actions()), len(rr.Actions()))
	}
}
