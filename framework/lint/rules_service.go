package lint

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"gameday.io/gameday/fixtures"
)

func serviceRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "service-selector", Severity: SeverityError,
			Summary: "a Service selects no pod of the platform",
			Help: "A Service routes only to pods of its own namespace. A Service written without a namespace lands in the namespace of the kubectl " +
				"context (default), where the platform's pods are not, so it has no endpoints and everything addressing it (load balancer, DestinationRule host, failover patch) reaches nothing."},
			checkServiceSelector},
		ruleFunc{RuleMeta{ID: "namespace-missing", Severity: SeverityInfo,
			Summary: "a namespaced object names no namespace",
			Help:    "Without metadata.namespace the object lands wherever `kubectl apply` is pointed (default unless -n is given); objects that refer to each other by name may then miss."},
			checkNamespaceMissing},
		ruleFunc{RuleMeta{ID: "schema-unknown-field", Severity: SeverityWarning,
			Summary: "a field the API does not know",
			Help:    "The API server drops unknown fields (or rejects them under strict field validation): a misspelt field silently has no effect."},
			checkUnknownFields},
		ruleFunc{RuleMeta{ID: "invalid-value", Severity: SeverityError,
			Summary: "a value that does not parse",
			Help:    "Cron schedules, durations, PromQL expressions and typed fields of custom resources that cannot be read: the controller rejects or ignores them."},
			checkInvalidValues},
	}
}

type service struct {
	obj *fixtures.Object
	svc *corev1.Service
}

func (in *Input) services() []service {
	var out []service
	for _, o := range in.Platform.Objects {
		if s, ok := o.Object.(*corev1.Service); ok {
			out = append(out, service{obj: o, svc: s})
		}
	}
	return out
}

func selectsPods(sel map[string]string, w *workload) bool {
	return len(sel) > 0 && labels.SelectorFromSet(sel).Matches(labels.Set(w.dep.Spec.Template.Labels))
}

// selectedBy returns the workloads whose pods a Service routes to.
func (in *Input) selectedBy(s service) []*workload {
	var out []*workload
	for _, w := range in.workloads {
		if w.ns == effectiveNamespace(s.svc.Namespace) && selectsPods(s.svc.Spec.Selector, w) {
			out = append(out, w)
		}
	}
	return out
}

func checkServiceSelector(in *Input) []Finding {
	var out []Finding
	for _, s := range in.services() {
		if len(s.svc.Spec.Selector) == 0 || s.svc.Spec.Type == corev1.ServiceTypeExternalName || len(in.selectedBy(s)) > 0 {
			continue
		}
		var elsewhere []string
		for _, w := range in.workloads {
			if selectsPods(s.svc.Spec.Selector, w) {
				elsewhere = append(elsewhere, fmt.Sprintf("%s/%s", w.ns, w.dep.Name))
			}
		}
		if len(elsewhere) == 0 {
			continue // selects nothing these manifests define: other manifests may
		}
		ns := effectiveNamespace(s.svc.Namespace)
		where := "in namespace " + ns
		path := "metadata.namespace"
		if s.svc.Namespace == "" {
			where = "without a namespace it lands in the kubectl context's namespace (default)"
			path = "metadata"
		}
		out = append(out, Finding{Position: s.obj.At(path), Object: s.obj.Ref(),
			Message: fmt.Sprintf("Service %s selects %s, but %s, while the pods it selects run in %s: it has no endpoints, and the DestinationRule host and failover patch that name it reach nothing",
				s.svc.Name, labels.SelectorFromSet(s.svc.Spec.Selector), where, strings.Join(elsewhere, ", ")),
			Fix: fmt.Sprintf("set metadata.namespace: %s", strings.SplitN(elsewhere[0], "/", 2)[0])})
	}
	return out
}

func checkNamespaceMissing(in *Input) []Finding {
	var out []Finding
	for _, o := range in.Platform.Objects {
		if o.Namespace() != "" || clusterScoped[o.Kind()] {
			continue
		}
		if _, isSvc := o.Object.(*corev1.Service); isSvc {
			continue // service-selector says what it costs
		}
		out = append(out, Finding{Position: o.At("metadata"), Object: o.Ref(),
			Message: fmt.Sprintf("%s %s names no namespace: it lands wherever kubectl apply is pointed (default unless -n is given)", o.Kind(), o.Name()),
			Fix:     "set metadata.namespace"})
	}
	return out
}

func checkUnknownFields(in *Input) []Finding {
	var out []Finding
	for _, o := range in.Platform.Objects {
		for _, u := range o.Unknown {
			out = append(out, Finding{Position: u.Position, Object: o.Ref(), Message: u.Msg, Fix: "remove the field or fix its spelling"})
		}
	}
	return out
}
