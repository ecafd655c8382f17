package sensor

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/framework"
)

// Sensor is the part of an Argo Events Sensor gameday carries out.
type Sensor struct {
	Name         string
	Dependencies []Dependency
	Triggers     []Trigger
}

// Dependency is an event the Sensor waits for.
type Dependency struct {
	Name, EventSource, EventName string
}

// Trigger is a k8s trigger: an operation on one object.
type Trigger struct {
	Name string
	// Operation is create, update, patch or delete; gameday carries out patch.
	Operation string
	// Resource is the object as the template writes it, before parameters.
	Resource *unstructured.Unstructured
	Params   []Param
}

// Param copies a value of a dependency's event into the object.
type Param struct {
	Dependency string
	// DataKey is a gjson path into the event's data ({"body": …}).
	DataKey string
	// Default is src.value: used when DataKey is not in the event.
	Default    string
	HasDefault bool
	// Dest is the dotted path in the object the value goes to.
	Dest string
}

// Parse reads an Argo Events Sensor in its unstructured form. A trigger of
// another type than k8s is skipped (gameday cannot carry it out).
func Parse(u *unstructured.Unstructured) (*Sensor, error) {
	if u == nil {
		return nil, fmt.Errorf("no Sensor: %w", framework.ErrInvalid)
	}
	s := &Sensor{Name: u.GetName()}
	deps, _, _ := unstructured.NestedSlice(u.Object, "spec", "dependencies")
	for _, d := range deps {
		m, _ := d.(map[string]any)
		dep := Dependency{}
		dep.Name, _, _ = unstructured.NestedString(m, "name")
		dep.EventSource, _, _ = unstructured.NestedString(m, "eventSourceName")
		dep.EventName, _, _ = unstructured.NestedString(m, "eventName")
		s.Dependencies = append(s.Dependencies, dep)
	}
	triggers, _, _ := unstructured.NestedSlice(u.Object, "spec", "triggers")
	for i, t := range triggers {
		m, _ := t.(map[string]any)
		k8s, ok, _ := unstructured.NestedMap(m, "template", "k8s")
		if !ok {
			continue
		}
		tr := Trigger{}
		tr.Name, _, _ = unstructured.NestedString(m, "template", "name")
		tr.Operation, _, _ = unstructured.NestedString(k8s, "operation")
		res, ok, _ := unstructured.NestedMap(k8s, "source", "resource")
		if !ok {
			return nil, fmt.Errorf("Sensor %s: spec.triggers[%d].template.k8s.source.resource: missing: %w", s.Name, i, framework.ErrInvalid)
		}
		tr.Resource = &unstructured.Unstructured{Object: res}
		params, _, _ := unstructured.NestedSlice(k8s, "parameters")
		for _, p := range params {
			pm, _ := p.(map[string]any)
			var par Param
			par.Dependency, _, _ = unstructured.NestedString(pm, "src", "dependencyName")
			par.DataKey, _, _ = unstructured.NestedString(pm, "src", "dataKey")
			par.Default, par.HasDefault, _ = unstructured.NestedString(pm, "src", "value")
			par.Dest, _, _ = unstructured.NestedString(pm, "dest")
			tr.Params = append(tr.Params, par)
		}
		s.Triggers = append(s.Triggers, tr)
	}
	return s, nil
}

// Value is one parameter as applied: where it went and what it was.
type Value struct {
	Dest, Value string
}

// Render applies a trigger's parameters of dependency dep to a copy of its
// object, from the event data (the webhook's JSON body is its "body"). A
// data key the event lacks takes the parameter's default; without one the
// trigger fails, naming the key.
func (t Trigger) Render(dep string, body []byte) (*unstructured.Unstructured, []Value, error) {
	var data any
	if err := json.Unmarshal(body, &data); err != nil {
		return nil, nil, fmt.Errorf("trigger %s: the event is not JSON: %w", t.Name, err)
	}
	event := map[string]any{"body": data}
	obj := t.Resource.DeepCopy()
	var values []Value
	for _, p := range t.Params {
		if p.Dependency != dep {
			continue
		}
		v, ok := Lookup(event, p.DataKey)
		if !ok {
			if !p.HasDefault {
				return nil, values, fmt.Errorf("trigger %s: parameter %s: dataKey %s is not in the event and the parameter has no default (src.value)", t.Name, p.Dest, p.DataKey)
			}
			v = p.Default
		}
		if err := unstructured.SetNestedField(obj.Object, v, strings.Split(p.Dest, ".")...); err != nil {
			return nil, values, fmt.Errorf("trigger %s: parameter dest %s: %w", t.Name, p.Dest, err)
		}
		values = append(values, Value{Dest: p.Dest, Value: v})
	}
	return obj, values, nil
}

// Lookup reads a gjson path (keys joined by dots, array items by index:
// body.alerts.0.labels.region) from decoded JSON and renders the value as
// Argo Events does: a string as is, anything else as JSON. Brackets are not
// gjson: alerts[0] is a key of that name.
func Lookup(v any, path string) (string, bool) {
	cur := v
	for _, k := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[k]
			if !ok {
				return "", false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(c) {
				return "", false
			}
			cur = c[i]
		default:
			return "", false
		}
	}
	if s, ok := cur.(string); ok {
		return s, true
	}
	b, err := json.Marshal(cur)
	if err != nil {
		return "", false
	}
	return string(b), true
}
