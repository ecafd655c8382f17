package monitoring

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// series builds promtool input series: one up{} per instance, and Ready
// conditions plus zone labels per node, as kube-state-metrics exports them.
func upSeries(values map[string]string) []any {
	var out []any
	for inst, v := range values {
		out = append(out, map[string]any{"series": `up{job="inference-service",instance="` + inst + `"}`, "values": v})
	}
	return out
}

func nodeSeries(zone string, ready bool, nodes ...string) []any {
	t, f := "0x30", "1x30"
	if ready {
		t, f = f, t
	}
	var out []any
	for _, n := range nodes {
		out = append(out,
			map[string]any{"series": `kube_node_status_condition{node="` + n + `",condition="Ready",status="true"}`, "values": t},
			map[string]any{"series": `kube_node_status_condition{node="` + n + `",condition="Ready",status="false"}`, "values": f},
			map[string]any{"series": `kube_node_labels{node="` + n + `",label_topology_kubernetes_io_zone="` + zone + `"}`, "values": "1x30"})
	}
	return out
}

// expected returns promtool's exp_alerts entry for alert in rule: the
// rule's labels and annotations with the given template values filled in.
func expected(t *testing.T, rule *unstructured.Unstructured, alert string, extra, fill map[string]string) map[string]any {
	groups, _, _ := unstructured.NestedSlice(rule.Object, "spec", "groups")
	for _, r := range groups[0].(map[string]any)["rules"].([]any) {
		r := r.(map[string]any)
		if r["alert"] != alert {
			continue
		}
		render := func(m any) map[string]string {
			out := map[string]string{}
			for k, v := range m.(map[string]any) {
				s := v.(string)
				for from, to := range fill {
					s = strings.ReplaceAll(s, from, to)
				}
				out[k] = s
			}
			return out
		}
		labels := render(r["labels"])
		for k, v := range extra {
			labels[k] = v
		}
		return map[string]any{"exp_labels": labels, "exp_annotations": render(r["annotations"])}
	}
	t.Fatalf("%s has no alert %s", rule.GetName(), alert)
	return nil
}

// TestRulesWithPromtool evaluates the reference and remediated rules with
// Prometheus' own engine (promtool test rules) over series shaped like the
// drills': the reference's InferenceServiceDown cannot fire once every
// target is gone and its ZoneFailure cannot fire at all; the remediated
// rules fire in both cases.
func TestRulesWithPromtool(t *testing.T) {
	bin := requireStack(t, "promtool")
	ref, rem := referenceRule(t), remediatedRule(t)
	region := map[string]string{"{{ $externalLabels.region }}": "us-east1"}
	for _, tc := range []struct {
		name   string
		rule   *unstructured.Unstructured
		input  []any
		alert  string
		expect []any
	}{
		{"reference: one of two servers down", ref, upSeries(map[string]string{"a": "1x30", "b": "1 0x29"}),
			"InferenceServiceDown", []any{expected(t, ref, "InferenceServiceDown", nil, nil)}},
		{"reference: every server gone", ref, upSeries(map[string]string{"a": "1 1", "b": "1 1"}),
			"InferenceServiceDown", nil},
		{"reference: a zone's nodes NotReady", ref, append(nodeSeries("a", false, "n1", "n2"), nodeSeries("b", true, "n3")...),
			"ZoneFailure", nil},
		{"remediated: every server gone", rem, upSeries(map[string]string{"a": "1 1", "b": "1 1"}),
			"InferenceServiceDown", []any{expected(t, rem, "InferenceServiceDown", nil, region)}},
		{"remediated: a zone's nodes NotReady", rem, append(nodeSeries("a", false, "n1", "n2"), nodeSeries("b", true, "n3")...),
			"ZoneFailure", []any{expected(t, rem, "ZoneFailure", map[string]string{"zone": "a"}, map[string]string{"{{ $labels.zone }}": "a"})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rules, err := RuleFile(tc.rule, 1)
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "rules.yml"), rules)
			test, err := yaml.Marshal(map[string]any{
				"rule_files": []string{"rules.yml"}, "evaluation_interval": "1m",
				"tests": []any{map[string]any{
					"interval": "1m", "external_labels": map[string]string{"region": "us-east1"},
					"input_series": tc.input,
					// 20m: past every for: and past the 5m staleness of vanished series.
					"alert_rule_test": []any{map[string]any{"eval_time": "20m", "alertname": tc.alert, "exp_alerts": tc.expect}},
				}},
			})
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "test.yml"), test)
			cmd := exec.Command(filepath.Join(bin, "promtool"), "test", "rules", "test.yml")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("promtool test rules: %v\n%s\ntest file:\n%s", err, out, test)
			}
		})
	}
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
