package dataplane

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/framework/monitoring"
)

func ruleObject(exprs ...string) *unstructured.Unstructured {
	rules := make([]any, 0, len(exprs))
	for i, e := range exprs {
		rules = append(rules, map[string]any{"alert": "A" + string(rune('0'+i)), "expr": e})
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"kind": "PrometheusRule",
		"spec": map[string]any{"groups": []any{map[string]any{"name": "g", "rules": rules}}},
	}}
}

// TestJobsForReadsTheRulesSelectors: the scrape jobs are named as the
// platform's rules select them, so a rule written for the platform's
// ServiceMonitor sees its series; without a selector the Service names the
// inference job.
func TestJobsForReadsTheRulesSelectors(t *testing.T) {
	cases := []struct {
		name  string
		rules []*unstructured.Unstructured
		want  monitoring.Jobs
	}{
		{"no rules", nil, monitoring.Jobs{Inference: "svc", StorageProbe: "model-storage"}},
		{"up selector", []*unstructured.Unstructured{ruleObject(`sum(up{job="ranker-metrics"}) == 0`)},
			monitoring.Jobs{Inference: "ranker-metrics", StorageProbe: "model-storage"}},
		{"both, spaced", []*unstructured.Unstructured{
			ruleObject(`avg by (region) (up { region="a", job = "srv" }) < 0.5`),
			ruleObject(`probe_success{job="s3-probe"} == 0`)},
			monitoring.Jobs{Inference: "srv", StorageProbe: "s3-probe"}},
		{"other metrics ignored", []*unstructured.Unstructured{ruleObject(`kube_node_status_condition{job="ksm"} == 1`, `rate(x{job="y"}[5m]) > 1`)},
			monitoring.Jobs{Inference: "svc", StorageProbe: "model-storage"}},
		{"a metric ending in up is not up", []*unstructured.Unstructured{ruleObject(`backup{job="b"} == 0`, `startup{job="c"} == 0`)},
			monitoring.Jobs{Inference: "svc", StorageProbe: "model-storage"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := jobsFor(c.rules, "svc"); got != c.want {
				t.Errorf("jobsFor = %+v, want %+v", got, c.want)
			}
		})
	}
}
