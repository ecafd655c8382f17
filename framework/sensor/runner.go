package sensor

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"gameday.io/gameday/fixtures"
)

// Action is one trigger the Sensor carried out, or tried to.
type Action struct {
	At     time.Time `json:"at"`
	Region string    `json:"region"`
	Sensor string    `json:"sensor"`
	// Trigger and Alert: which trigger ran, for which alert's notification.
	Trigger string `json:"trigger"`
	Alert   string `json:"alert"`
	// Object is "Kind namespace/name" of the object changed; Ref the same
	// for machines.
	Object string    `json:"object"`
	Ref    ObjectRef `json:"ref"`
	Values []Value   `json:"values,omitempty"`
	// Before are the values the patch replaced (a destination absent
	// before is not listed), to undo it.
	Before []Value `json:"before,omitempty"`
	// Err says why the trigger failed; empty when the object was changed.
	Err string `json:"error,omitempty"`
	// Rendered: the parameters were applied, so a failure came from the
	// API server (the patch was sent, or discovery failed).
	Rendered bool `json:"rendered"`
}

// String reads "patched Service ns/name: metadata.annotations.a=b".
func (a Action) String() string {
	var vs []string
	for _, v := range a.Values {
		vs = append(vs, v.Dest+"="+v.Value)
	}
	s := "patched " + a.Object
	if a.Err != "" {
		s = "failed to patch " + a.Object
	}
	if len(vs) > 0 {
		s += ": " + strings.Join(vs, ", ")
	}
	if a.Err != "" {
		s += ": " + a.Err
	}
	return s
}

// Runner carries out one region's Sensor against that region's cluster, as
// the Sensor deployed there would: the alerts of the region's Alertmanager
// reach it. Safe for concurrent use.
type Runner struct {
	Sensor *Sensor
	Region string
	// Namespace is the Sensor's: objects without one are changed there.
	Namespace string
	// Routes maps an alert to the dependency its notifications reach
	// (Routes).
	Routes map[string]string
	Client dynamic.Interface
	Mapper meta.RESTMapper
	// Timeout bounds one trigger (default 10 s).
	Timeout time.Duration

	mu      sync.Mutex
	actions []Action
}

// DependencyFor is the dependency an alert's notification reaches.
func (r *Runner) DependencyFor(alert string) (Dependency, bool) {
	name, ok := r.Routes[alert]
	if !ok {
		return Dependency{}, false
	}
	for _, d := range r.Sensor.Dependencies {
		if d.Name == name {
			return d, true
		}
	}
	return Dependency{}, false
}

// Routes maps the platform's alerts to the Sensor dependency each reaches,
// since Alertmanager's routes are not in the manifests: a dependency whose
// eventName is an alert's name however joined and cased (ranker-capacity-
// low, RankerCapacityLow) takes that alert; when no dependency is named
// after any alert, the alert that starts the runbook reaches the first.
func Routes(s *Sensor, alerts []string, runbookAlert string) map[string]string {
	out := map[string]string{}
	for _, d := range s.Dependencies {
		for _, a := range alerts {
			if fixtures.SameName(d.EventName, a) {
				out[a] = d.Name
			}
		}
	}
	if len(out) == 0 && runbookAlert != "" && len(s.Dependencies) > 0 {
		out[runbookAlert] = s.Dependencies[0].Name
	}
	return out
}

// Handle runs every trigger of the dependency a firing alert's
// notification (its webhook body) reaches; it returns what it did.
func (r *Runner) Handle(ctx context.Context, alert string, body []byte) []Action {
	dep, ok := r.DependencyFor(alert)
	if !ok {
		return nil
	}
	var out []Action
	for _, t := range r.Sensor.Triggers {
		if !slices.ContainsFunc(t.Params, func(p Param) bool { return p.Dependency == dep.Name }) && len(t.Params) > 0 {
			continue
		}
		a := r.run(ctx, t, dep.Name, alert, body)
		r.mu.Lock()
		r.actions = append(r.actions, a)
		r.mu.Unlock()
		out = append(out, a)
	}
	return out
}

func (r *Runner) run(ctx context.Context, t Trigger, dep, alert string, body []byte) Action {
	a := Action{At: time.Now(), Region: r.Region, Sensor: r.Sensor.Name, Trigger: t.Name, Alert: alert}
	ns := t.Resource.GetNamespace()
	if ns == "" {
		ns = r.Namespace
	}
	a.Object = fmt.Sprintf("%s %s/%s", t.Resource.GetKind(), ns, t.Resource.GetName())
	a.Ref = ObjectRef{APIVersion: t.Resource.GetAPIVersion(), Kind: t.Resource.GetKind(), Namespace: ns, Name: t.Resource.GetName()}
	obj, values, err := t.Render(dep, body)
	a.Values = values
	if err == nil && t.Operation != "patch" {
		err = fmt.Errorf("trigger %s: operation %q: gameday carries out patch triggers only", t.Name, t.Operation)
	}
	if err == nil {
		a.Rendered = true
		a.Before, err = r.patch(ctx, a.Ref, obj.Object, values)
	}
	if err != nil {
		a.Err = err.Error()
	}
	return a
}

// patch applies the rendered object as a JSON merge patch, as Argo Events'
// k8s trigger does by default, and returns the values it replaced.
func (r *Runner) patch(ctx context.Context, ref ObjectRef, obj map[string]any, values []Value) ([]Value, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := resource(r.Client, r.Mapper, ref)
	if err != nil {
		return nil, err
	}
	cur, err := res.Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	var before []Value
	for _, v := range values {
		if old, ok, _ := unstructured.NestedString(cur.Object, strings.Split(v.Dest, ".")...); ok {
			before = append(before, Value{Dest: v.Dest, Value: old})
		}
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	_, err = res.Patch(ctx, ref.Name, types.MergePatchType, body, metav1.PatchOptions{})
	return before, err
}

// ObjectRef names an object a trigger changed.
type ObjectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// resource is the dynamic client of ref's resource.
func resource(c dynamic.Interface, m meta.RESTMapper, ref ObjectRef) (dynamic.ResourceInterface, error) {
	gvk := schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind)
	mapping, err := m.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("find the API resource of %s: %w", gvk, err)
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		return c.Resource(mapping.Resource).Namespace(ref.Namespace), nil
	}
	return c.Resource(mapping.Resource), nil
}

// Undo puts back what a successful action changed: each destination its
// value before, or removed when it had none.
func Undo(ctx context.Context, c dynamic.Interface, m meta.RESTMapper, a Action) error {
	if a.Err != "" || len(a.Values) == 0 {
		return nil
	}
	patch := map[string]any{}
	for _, v := range a.Values {
		var old any // nil removes the field in a merge patch
		for _, b := range a.Before {
			if b.Dest == v.Dest {
				old = b.Value
			}
		}
		if err := unstructured.SetNestedField(patch, old, strings.Split(v.Dest, ".")...); err != nil {
			return fmt.Errorf("undo %s: %w", a.Object, err)
		}
	}
	res, err := resource(c, m, a.Ref)
	if err != nil {
		return err
	}
	body, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	if _, err := res.Patch(ctx, a.Ref.Name, types.MergePatchType, body, metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("undo the Sensor's patch of %s: %w", a.Object, err)
	}
	return nil
}

// Actions returns every action so far, in the order taken.
func (r *Runner) Actions() []Action {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.actions)
}
