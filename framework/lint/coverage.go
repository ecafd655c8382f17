package lint

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"gameday.io/gameday/fixtures"
)

// clusterScoped kinds have no namespace; backup-coverage skips them.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "StorageClass": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "CustomResourceDefinition": true, "PriorityClass": true, "IngressClass": true,
	"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true, "APIService": true,
}

// shortNames maps kubectl short names to resources, for includedResources.
var shortNames = map[string]string{
	"cm": "configmaps", "svc": "services", "deploy": "deployments", "pvc": "persistentvolumeclaims", "pdb": "poddisruptionbudgets",
	"cj": "cronjobs", "dr": "destinationrules", "sts": "statefulsets", "ds": "daemonsets", "rs": "replicasets", "sa": "serviceaccounts",
	"po": "pods", "ing": "ingresses", "hpa": "horizontalpodautoscalers", "ep": "endpoints",
}

func checkBackupCoverage(in *Input) []Finding {
	schedules := in.veleroSchedules()
	if len(schedules) == 0 {
		return nil
	}
	platformNS := map[string]bool{}
	for _, w := range in.workloads {
		platformNS[w.ns] = true
	}
	var out []Finding
	for _, o := range in.Platform.Objects {
		ns := effectiveNamespace(o.Namespace())
		if clusterScoped[o.Kind()] || !platformNS[ns] {
			continue
		}
		var why []string
		covered := false
		for _, v := range schedules {
			reason := v.excludes(o, ns)
			if reason == "" {
				covered = true
				break
			}
			why = append(why, fmt.Sprintf("%s %s", v.obj.Name(), reason))
		}
		if covered {
			continue
		}
		out = append(out, Finding{Position: o.At("metadata"), Object: o.Ref(),
			Message: fmt.Sprintf("%s %s is in no Velero backup (%s): `velero restore` cannot bring it back", o.Kind(), o.Name(), strings.Join(why, "; ")),
			Fix:     "include its namespace and resource in a Velero Schedule and make its labels match the schedule's selector (or keep it in Git and re-apply it in the DR region)"})
	}
	return out
}

// excludes says why the schedule does not back up o ("" when it does).
func (v veleroSchedule) excludes(o *fixtures.Object, ns string) string {
	if len(v.namespaces) > 0 && !slices.Contains(v.namespaces, ns) && !slices.Contains(v.namespaces, "*") {
		return fmt.Sprintf("does not include namespace %s", ns)
	}
	if slices.Contains(v.excludeN, ns) {
		return fmt.Sprintf("excludes namespace %s", ns)
	}
	res, _ := meta.UnsafeGuessKindToResource(o.GVK)
	names := []string{res.Resource, res.Resource + "." + res.Group, strings.ToLower(o.Kind())}
	matches := func(list []string) bool {
		for _, e := range list {
			e = strings.ToLower(e)
			if full, ok := shortNames[e]; ok {
				e = full
			}
			if e == "*" || slices.Contains(names, e) {
				return true
			}
		}
		return false
	}
	if len(v.resources) > 0 && !matches(v.resources) {
		return fmt.Sprintf("includes only %s", strings.Join(v.resources, ", "))
	}
	if matches(v.excludeR) {
		return fmt.Sprintf("excludes %s", res.Resource)
	}
	set := labels.Set(o.Labels())
	if v.labelSelector == nil && len(v.orLabelSelectors) == 0 {
		return ""
	}
	if v.labelSelector != nil && selectorMatches(v.labelSelector, set) {
		return ""
	}
	for _, s := range v.orLabelSelectors {
		if m, ok := s.(map[string]any); ok && selectorMatches(m, set) {
			return ""
		}
	}
	return fmt.Sprintf("selects labels %s, which the object lacks", selectorString(v.labelSelector, v.orLabelSelectors))
}

func selectorMatches(raw map[string]any, set labels.Set) bool {
	var sel metav1.LabelSelector
	if err := fromUnstructured(raw, &sel); err != nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(&sel)
	return err == nil && s.Matches(set)
}

func selectorString(one map[string]any, or []any) string {
	var parts []string
	for _, raw := range append([]any{one}, or...) {
		m, ok := raw.(map[string]any)
		if !ok || m == nil {
			continue
		}
		var sel metav1.LabelSelector
		if fromUnstructured(m, &sel) == nil {
			if s, err := metav1.LabelSelectorAsSelector(&sel); err == nil {
				parts = append(parts, s.String())
			}
		}
	}
	return strings.Join(parts, " or ")
}

func fromUnstructured(raw map[string]any, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(raw, into)
}
