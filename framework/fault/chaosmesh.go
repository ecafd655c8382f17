package fault

import (
	"encoding/json"
	"fmt"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework/topology"
)

// ChaosMesh returns the Chaos Mesh object describing a plan, or nil when
// Chaos Mesh has no kind for the fault (its Definition has no ChaosMesh).
func ChaosMesh(p *Plan, sel Selector) (any, error) {
	d, err := Lookup(p.Spec.Kind)
	if err != nil || d.ChaosMesh == nil {
		return nil, err
	}
	return d.ChaosMesh(p, sel)
}

// chaosMeta is the metadata of every Chaos Mesh object gameday describes.
func chaosMeta(p *Plan, sel Selector) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: p.ID, Namespace: sel.Namespace, Labels: map[string]string{"app.kubernetes.io/managed-by": "gameday"}}
}

// chaosType is the TypeMeta of a Chaos Mesh kind.
func chaosType(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: chaosv1alpha1.SchemeGroupVersion.String(), Kind: kind}
}

// podSelector selects the workload's pods, on the nodes of region when set.
func podSelector(sel Selector, region string) chaosv1alpha1.PodSelectorSpec {
	s := chaosv1alpha1.PodSelectorSpec{GenericSelectorSpec: chaosv1alpha1.GenericSelectorSpec{
		Namespaces: []string{sel.Namespace}, LabelSelectors: sel.Labels,
	}}
	if region != "" {
		s.NodeSelectors = map[string]string{topology.LabelRegion: region}
	}
	return s
}

// attachChaosMesh stores the plan's Chaos Mesh description in the plan.
func attachChaosMesh(p *Plan, sel Selector) error {
	obj, err := ChaosMesh(p, sel)
	if err != nil || obj == nil {
		return err
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("describe %s as a Chaos Mesh object: %w", p.Spec.Kind, err)
	}
	p.ChaosMesh = b
	return nil
}

// podNames strips "region/" prefixes from qualified pod names.
func podNames(qualified []string) []string {
	out := make([]string, len(qualified))
	for i, q := range qualified {
		_, name := splitQualified(q)
		out[i] = name
	}
	return out
}
