package monitoring

import (
	"fmt"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"gameday.io/gameday/framework"
)

// scaledRuleFields are the durations of a rule that RuleFile scales; a
// group's `interval` is scaled too so that a group evaluated less often than
// the global interval keeps its ratio to `for:`.
var scaledRuleFields = []string{"for", "keep_firing_for"}

// RuleFile renders a PrometheusRule (monitoring.coreos.com/v1, as decoded by
// the fixtures package) as a Prometheus rule file: its spec.groups as
// written, with every rule's `for:` and `keep_firing_for:` and every group's
// `interval:` multiplied by scale (1 keeps them; the fast profile's
// manifest scale is 0.1, so `for: 2m` becomes `for: 12s`). Expressions,
// labels and annotations are kept verbatim. The object is not modified.
//
// A group without a name or rules, a rule without `expr` or with neither or
// both of `alert` and `record`, or a malformed duration is an error wrapping
// framework.ErrInvalid that names the object, group and rule.
func RuleFile(rule *unstructured.Unstructured, scale float64) ([]byte, error) {
	if rule == nil {
		return nil, framework.Invalidf("prometheus rule", "no PrometheusRule given")
	}
	name := "PrometheusRule " + rule.GetName()
	if !(scale > 0) {
		return nil, framework.Invalidf(name, "scale %v: want a positive factor", scale)
	}
	groups, found, err := unstructured.NestedSlice(rule.Object, "spec", "groups")
	if err != nil {
		return nil, framework.Invalidf(name, "spec.groups: %v", err)
	}
	if !found || len(groups) == 0 {
		return nil, framework.Invalidf(name, "spec.groups: no rule groups")
	}
	out := make([]any, 0, len(groups))
	for i, g := range groups {
		group, err := scaleGroup(g, scale)
		if err != nil {
			return nil, fmt.Errorf("%s: spec.groups[%d]%w", name, i, err)
		}
		out = append(out, group)
	}
	data, err := yaml.Marshal(map[string]any{"groups": out})
	if err != nil {
		return nil, fmt.Errorf("%s: encode rule file: %w", name, err)
	}
	return data, nil
}

// scaleGroup returns a scaled deep copy of one spec.groups entry. Its
// errors start with the path below the group (": name ..." or
// ".rules[2] (alert X): ...") so the caller can prefix the group's index.
func scaleGroup(g any, scale float64) (map[string]any, error) {
	src, ok := g.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(": is a %T, want a mapping: %w", g, framework.ErrInvalid)
	}
	group := runtime.DeepCopyJSON(src)
	if s, _ := group["name"].(string); s == "" {
		return nil, fmt.Errorf(": name: missing: %w", framework.ErrInvalid)
	}
	if err := scaleField(group, "interval", scale); err != nil {
		return nil, fmt.Errorf(" (%s).interval: %w", group["name"], err)
	}
	rules, ok := group["rules"].([]any)
	if !ok || len(rules) == 0 {
		return nil, fmt.Errorf(" (%s).rules: no rules: %w", group["name"], framework.ErrInvalid)
	}
	for j, r := range rules {
		rule, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf(" (%s).rules[%d]: is a %T, want a mapping: %w", group["name"], j, r, framework.ErrInvalid)
		}
		if err := checkRule(rule); err != nil {
			return nil, fmt.Errorf(" (%s).rules[%d]%s: %w", group["name"], j, ruleName(rule), err)
		}
		for _, f := range scaledRuleFields {
			if err := scaleField(rule, f, scale); err != nil {
				return nil, fmt.Errorf(" (%s).rules[%d]%s.%s: %w", group["name"], j, ruleName(rule), f, err)
			}
		}
	}
	return group, nil
}

func checkRule(rule map[string]any) error {
	alert, _ := rule["alert"].(string)
	record, _ := rule["record"].(string)
	if (alert == "") == (record == "") {
		return fmt.Errorf("want exactly one of alert and record: %w", framework.ErrInvalid)
	}
	if expr, _ := rule["expr"].(string); expr == "" {
		return fmt.Errorf("expr: missing: %w", framework.ErrInvalid)
	}
	return nil
}

func ruleName(rule map[string]any) string {
	if a, _ := rule["alert"].(string); a != "" {
		return " (alert " + a + ")"
	}
	if r, _ := rule["record"].(string); r != "" {
		return " (record " + r + ")"
	}
	return ""
}

// scaleField scales m[key] in place when it is set.
func scaleField(m map[string]any, key string, scale float64) error {
	v, ok := m[key]
	if !ok {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%v is a %T, want a duration string: %w", v, v, framework.ErrInvalid)
	}
	scaled, err := scaleDuration(s, scale)
	if err != nil {
		return err
	}
	m[key] = scaled
	return nil
}
