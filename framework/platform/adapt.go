package platform

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster/sim"
)

// ChaosLabel marks namespaces that opted in to fault injection.
const (
	ChaosLabel        = "gameday.io/chaos"
	ChaosLabelEnabled = "enabled"
)

// Adaptation is one change made to a manifest for an environment.
type Adaptation struct {
	Object string `json:"object"`
	Change string `json:"change"`
	Reason string `json:"reason"`
}

// Manifests are the platform objects applied to each region's cluster.
type Manifests struct {
	Namespace  *corev1.Namespace
	Deployment *appsv1.Deployment
	PDB        *policyv1.PodDisruptionBudget
	Service    *corev1.Service
	Runbook    *corev1.ConfigMap
}

// ForSim adapts a platform for the sim provider: the namespace is created and
// opted in to chaos; pods tolerate the simulated nodes' taint and are left to
// gameday's data plane; a Service without a namespace is placed beside the
// Deployment. The platform's objects are not modified.
func ForSim(p *fixtures.Platform) (*Manifests, []Adaptation, error) {
	if p.Deployment == nil {
		return nil, nil, fmt.Errorf("platform has no Deployment: %w", framework.ErrInvalid)
	}
	var adapts []Adaptation
	m := &Manifests{Deployment: p.Deployment.DeepCopy()}
	d := m.Deployment
	ns := d.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	m.Namespace = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{ChaosLabel: ChaosLabelEnabled}}}
	adapts = append(adapts, Adaptation{Object: "Namespace/" + ns, Change: "created with label " + ChaosLabel + "=" + ChaosLabelEnabled,
		Reason: "the manifests assume the namespace exists; the label opts it in to fault injection"})

	tpl := &d.Spec.Template
	tpl.Spec.Tolerations = append(tpl.Spec.Tolerations, corev1.Toleration{Key: sim.TaintKey, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule})
	if tpl.Labels == nil {
		tpl.Labels = map[string]string{}
	}
	tpl.Labels[sim.LabelDataPlane] = "sim"
	adapts = append(adapts,
		Adaptation{Object: "Deployment/" + d.Name, Change: "pod template tolerates " + sim.TaintKey + ":NoSchedule",
			Reason: "every simulated node carries that taint"},
		Adaptation{Object: "Deployment/" + d.Name, Change: "pod template labelled " + sim.LabelDataPlane + "=sim",
			Reason: "kwok leaves these pods to gameday's data plane, which runs a real server per pod and reports readiness from real probes"})

	if p.PDB != nil {
		m.PDB = p.PDB.DeepCopy()
	}
	if p.Service != nil {
		m.Service = p.Service.DeepCopy()
		if m.Service.Namespace == "" {
			m.Service.Namespace = ns
			adapts = append(adapts, Adaptation{Object: "Service/" + m.Service.Name, Change: "namespace set to " + ns,
				Reason: "the manifest names no namespace, so as written it lands in `default`, where its selector matches no pod"})
		}
	}
	if p.Runbook != nil {
		m.Runbook = p.Runbook.DeepCopy()
		if m.Runbook.Namespace == "" {
			m.Runbook.Namespace = ns
		}
	}
	return m, adapts, nil
}
