package fault

import (
	"encoding/json"
	"fmt"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/topology"
)

// ChaosMesh returns the Chaos Mesh object describing a plan, or nil when
// Chaos Mesh has no kind for the fault (node, zone and region loss, drain).
func ChaosMesh(p *Plan, namespace, app string) (any, error) {
	meta := metav1.ObjectMeta{Name: p.ID, Namespace: namespace, Labels: map[string]string{"app.kubernetes.io/managed-by": "gameday"}}
	dur := ptr.To(p.Spec.Duration.String())
	selector := func(region string) chaosv1alpha1.PodSelectorSpec {
		s := chaosv1alpha1.PodSelectorSpec{GenericSelectorSpec: chaosv1alpha1.GenericSelectorSpec{
			Namespaces: []string{namespace}, LabelSelectors: map[string]string{"app": app},
		}}
		if region != "" {
			s.NodeSelectors = map[string]string{topology.LabelRegion: region}
		}
		return s
	}
	switch p.Spec.Kind {
	case PodKill:
		sel := chaosv1alpha1.PodSelector{Selector: selector(""), Mode: chaosv1alpha1.OneMode}
		if len(p.Pods) > 0 {
			sel.Selector = chaosv1alpha1.PodSelectorSpec{Pods: map[string][]string{namespace: podNames(p.Pods)}}
			sel.Mode = chaosv1alpha1.AllMode
		}
		return &chaosv1alpha1.PodChaos{
			TypeMeta:   metav1.TypeMeta{APIVersion: chaosv1alpha1.SchemeGroupVersion.String(), Kind: "PodChaos"},
			ObjectMeta: meta,
			Spec: chaosv1alpha1.PodChaosSpec{
				ContainerSelector: chaosv1alpha1.ContainerSelector{PodSelector: sel},
				Action:            chaosv1alpha1.PodKillAction,
				GracePeriod:       0,
			},
		}, nil
	case Partition:
		return &chaosv1alpha1.NetworkChaos{
			TypeMeta:   metav1.TypeMeta{APIVersion: chaosv1alpha1.SchemeGroupVersion.String(), Kind: "NetworkChaos"},
			ObjectMeta: meta,
			Spec: chaosv1alpha1.NetworkChaosSpec{
				PodSelector: chaosv1alpha1.PodSelector{Selector: selector(p.Spec.Region), Mode: chaosv1alpha1.AllMode},
				Action:      chaosv1alpha1.PartitionAction,
				Direction:   chaosv1alpha1.Both,
				Target:      &chaosv1alpha1.PodSelector{Selector: selector(p.Spec.Peer), Mode: chaosv1alpha1.AllMode},
				Duration:    dur,
			},
		}, nil
	case StorageOutage:
		// The inference pods' requests to model storage fail (error modes)
		// or hang (timeout modes).
		actions := chaosv1alpha1.PodHttpChaosActions{}
		switch storage.CacheFault(p.Spec.Mode) {
		case storage.FaultBackendTimeout, storage.FaultCacheTimeout:
			actions.Delay = ptr.To(p.Spec.Duration.String())
		default:
			actions.Abort = ptr.To(true)
		}
		return &chaosv1alpha1.HTTPChaos{
			TypeMeta:   metav1.TypeMeta{APIVersion: chaosv1alpha1.SchemeGroupVersion.String(), Kind: "HTTPChaos"},
			ObjectMeta: meta,
			Spec: chaosv1alpha1.HTTPChaosSpec{
				PodSelector:         chaosv1alpha1.PodSelector{Selector: selector(p.Spec.Region), Mode: chaosv1alpha1.AllMode},
				Target:              chaosv1alpha1.PodHttpRequest,
				PodHttpChaosActions: actions,
				Port:                443,
				Path:                ptr.To("/" + storage.RegistryBucket + "/*"),
				Duration:            dur,
			},
		}, nil
	}
	return nil, nil
}

// attachChaosMesh stores the plan's Chaos Mesh description in the plan.
func attachChaosMesh(p *Plan, namespace, app string) error {
	obj, err := ChaosMesh(p, namespace, app)
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
