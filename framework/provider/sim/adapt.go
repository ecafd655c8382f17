package sim

import (
	corev1 "k8s.io/api/core/v1"

	"gameday.io/gameday/framework/platform"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/provider/sim/simapi"
)

// Adapt implements provider.PlatformAdapter: the workloads' pods tolerate
// the simulated nodes' taint and are left to gameday's data plane, which
// runs a real server per pod (kwok would mark them Ready at once).
func (p *Provider) Adapt(m *platform.Manifests, _ provider.AdaptInput) ([]platform.Adaptation, error) {
	var adapts []platform.Adaptation
	for _, d := range m.Deployments {
		tpl := &d.Spec.Template
		tpl.Spec.Tolerations = append(tpl.Spec.Tolerations, corev1.Toleration{Key: simapi.TaintKey, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule})
		if tpl.Labels == nil {
			tpl.Labels = map[string]string{}
		}
		tpl.Labels[simapi.LabelDataPlane] = "sim"
		adapts = append(adapts,
			platform.Adaptation{Object: "Deployment/" + d.Name, Change: "pod template tolerates " + simapi.TaintKey + ":NoSchedule",
				Reason: "every simulated node carries that taint"},
			platform.Adaptation{Object: "Deployment/" + d.Name, Change: "pod template labelled " + simapi.LabelDataPlane + "=sim",
				Reason: "kwok leaves these pods to gameday's data plane, which runs a real server per pod and reports readiness from real probes"})
	}
	return adapts, nil
}
