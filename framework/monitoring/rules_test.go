package monitoring

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
)

// ruleFileDoc is the part of a Prometheus rule file the tests read.
type ruleFileDoc struct {
	Groups []struct {
		Name     string `yaml:"name"`
		Interval string `yaml:"interval"`
		Rules    []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func referenceRule(t testing.TB) *unstructured.Unstructured {
	t.Helper()
	p, err := fixtures.Reference()
	if err != nil {
		t.Fatal(err)
	}
	if p.PrometheusRule == nil {
		t.Fatal("the reference platform has no PrometheusRule")
	}
	return p.PrometheusRule
}

func remediatedRule(t testing.TB) *unstructured.Unstructured {
	t.Helper()
	p, err := fixtures.Remediated()
	if err != nil {
		t.Fatal(err)
	}
	if p.PrometheusRule == nil {
		t.Fatal("the remediated platform has no PrometheusRule")
	}
	return p.PrometheusRule
}

func TestRuleFileScalesReferenceRules(t *testing.T) {
	rule := referenceRule(t)
	before := rule.DeepCopy()
	for _, tc := range []struct {
		scale float64
		want  map[string]string // alert -> for
	}{
		{1, map[string]string{"InferenceServiceDown": "2m", "ZoneFailure": "5m", "ModelStorageUnavailable": "3m"}},
		{0.1, map[string]string{"InferenceServiceDown": "12s", "ZoneFailure": "30s", "ModelStorageUnavailable": "18s"}},
		{0.01, map[string]string{"InferenceServiceDown": "1s200ms", "ZoneFailure": "3s", "ModelStorageUnavailable": "1s800ms"}},
	} {
		data, err := RuleFile(rule, tc.scale)
		if err != nil {
			t.Fatalf("scale %v: %v", tc.scale, err)
		}
		var doc ruleFileDoc
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("scale %v: rendered file does not parse: %v\n%s", tc.scale, err, data)
		}
		if len(doc.Groups) != 1 || doc.Groups[0].Name != "high-availability" {
			t.Fatalf("scale %v: groups %+v, want the one group high-availability", tc.scale, doc.Groups)
		}
		got := map[string]string{}
		for _, r := range doc.Groups[0].Rules {
			got[r.Alert] = r.For
		}
		if len(got) != len(tc.want) {
			t.Errorf("scale %v: rules %v, want %v", tc.scale, got, tc.want)
		}
		for a, f := range tc.want {
			if got[a] != f {
				t.Errorf("scale %v: %s for %q, want %q", tc.scale, a, got[a], f)
			}
		}
		down := doc.Groups[0].Rules[0]
		if down.Expr != "sum(up{job=\"inference-service\"}) < 2\n" || down.Labels["severity"] != "critical" ||
			down.Labels["runbook"] != "dr-runbook" || down.Annotations["summary"] == "" {
			t.Errorf("scale %v: InferenceServiceDown not kept as written: %+v", tc.scale, down)
		}
	}
	if !equalObjects(rule, before) {
		t.Error("RuleFile modified the PrometheusRule it rendered")
	}
}

func equalObjects(a, b *unstructured.Unstructured) bool {
	ja, _ := a.MarshalJSON()
	jb, _ := b.MarshalJSON()
	return string(ja) == string(jb)
}

func TestRuleFileScalesGroupIntervalAndKeepFiring(t *testing.T) {
	rule := promRule(map[string]any{"name": "g", "interval": "1m", "rules": []any{
		map[string]any{"alert": "A", "expr": "x > 1", "for": "10m", "keep_firing_for": "5m"},
		map[string]any{"record": "r:x", "expr": "sum(x)"},
	}})
	data, err := RuleFile(rule, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"interval: 30s", "for: 5m", "keep_firing_for: 2m30s", "record: r:x"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("rendered file lacks %q:\n%s", want, data)
		}
	}
}

func promRule(groups ...any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
		"metadata": map[string]any{"name": "test"},
	}}
	if groups != nil {
		u.Object["spec"] = map[string]any{"groups": groups}
	}
	return u
}

func TestRuleFileRejects(t *testing.T) {
	ok := map[string]any{"alert": "A", "expr": "x"}
	group := func(rules ...any) map[string]any { return map[string]any{"name": "g", "rules": rules} }
	for _, tc := range []struct {
		name  string
		rule  *unstructured.Unstructured
		scale float64
		want  string
	}{
		{"nil", nil, 1, "no PrometheusRule"},
		{"zero scale", promRule(group(ok)), 0, "scale 0"},
		{"no groups", promRule(), 1, "spec.groups: no rule groups"},
		{"unnamed group", promRule(map[string]any{"rules": []any{ok}}), 1, "spec.groups[0]: name: missing"},
		{"no rules", promRule(map[string]any{"name": "g"}), 1, "spec.groups[0] (g).rules: no rules"},
		{"no expr", promRule(group(ok, map[string]any{"alert": "B"})), 1, "spec.groups[0] (g).rules[1] (alert B): expr: missing"},
		{"alert and record", promRule(group(map[string]any{"alert": "A", "record": "r", "expr": "x"})), 1, "rules[0] (alert A): want exactly one of alert and record"},
		{"bad for", promRule(group(map[string]any{"alert": "A", "expr": "x", "for": "2 minutes"})), 1, `rules[0] (alert A).for: duration "2 minutes"`},
		{"bad interval", promRule(map[string]any{"name": "g", "interval": "soon", "rules": []any{ok}}), 1, `(g).interval: duration "soon"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := RuleFile(tc.rule, tc.scale)
			if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("RuleFile = %q, %v; want an ErrInvalid error containing %q", data, err, tc.want)
			}
		})
	}
}
