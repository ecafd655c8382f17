package lint

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/fixtures"
)

// sensor is an Argo Events Sensor in its unstructured form.
type sensor struct {
	obj *fixtures.Object
	u   map[string]any
}

func (in *Input) sensors() []sensor {
	var out []sensor
	for _, o := range in.Platform.ByGroupKind(fixtures.SensorGK) {
		if u, ok := o.Object.(*unstructured.Unstructured); ok {
			out = append(out, sensor{obj: o, u: u.Object})
		}
	}
	return out
}

// dependencyEvents maps each dependency name to its event name.
func (s sensor) dependencyEvents() map[string]string {
	out := map[string]string{}
	deps, _, _ := nestedSlice(s.u, "spec", "dependencies")
	for _, d := range deps {
		m := asMap(d)
		name, _ := m["name"].(string)
		event, _ := m["eventName"].(string)
		out[name] = event
	}
	return out
}

// nestedSlice is unstructured.NestedSlice without the deep copy.
func nestedSlice(u map[string]any, path ...string) ([]any, bool, error) {
	v, found, err := unstructured.NestedFieldNoCopy(u, path...)
	if !found || err != nil {
		return nil, found, err
	}
	s, ok := v.([]any)
	return s, ok, nil
}

// asMap returns v as a map, or an empty map.
func asMap(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{}
}
