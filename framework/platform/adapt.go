package platform

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
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
	Namespaces  []*corev1.Namespace
	Deployments []*appsv1.Deployment
	PDBs        []*policyv1.PodDisruptionBudget
	Services    []*corev1.Service
	ConfigMaps  []*corev1.ConfigMap
}

// DeepCopy returns an independent copy (each region adapts its own).
func (m *Manifests) DeepCopy() *Manifests {
	out := &Manifests{}
	for _, o := range m.Namespaces {
		out.Namespaces = append(out.Namespaces, o.DeepCopy())
	}
	for _, o := range m.Deployments {
		out.Deployments = append(out.Deployments, o.DeepCopy())
	}
	for _, o := range m.PDBs {
		out.PDBs = append(out.PDBs, o.DeepCopy())
	}
	for _, o := range m.Services {
		out.Services = append(out.Services, o.DeepCopy())
	}
	for _, o := range m.ConfigMaps {
		out.ConfigMaps = append(out.ConfigMaps, o.DeepCopy())
	}
	return out
}

// Prepare picks the objects every provider applies out of a platform and
// makes the changes every environment needs: the workload's namespace is
// created and opted in to chaos, and an object without a namespace is put
// beside the workload. Provider-specific changes follow
// (provider.PlatformAdapter). The platform's objects are not modified.
func Prepare(p *fixtures.Platform) (*Manifests, []Adaptation, error) {
	if p.Deployment == nil {
		return nil, nil, fmt.Errorf("platform has no Deployment: %w", framework.ErrInvalid)
	}
	var adapts []Adaptation
	m := &Manifests{Deployments: []*appsv1.Deployment{p.Deployment.DeepCopy()}}
	d := m.Deployments[0]
	ns := d.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
		d.Namespace = ns
	}
	m.Namespaces = []*corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{ChaosLabel: ChaosLabelEnabled}}}}
	adapts = append(adapts, Adaptation{Object: "Namespace/" + ns, Change: "created with label " + ChaosLabel + "=" + ChaosLabelEnabled,
		Reason: "the manifests assume the namespace exists; the label opts it in to fault injection"})
	if p.PDB != nil {
		pdb := p.PDB.DeepCopy()
		if pdb.Namespace == "" {
			pdb.Namespace = ns
		}
		m.PDBs = append(m.PDBs, pdb)
	}
	if p.Service != nil {
		svc := p.Service.DeepCopy()
		if svc.Namespace == "" {
			svc.Namespace = ns
			adapts = append(adapts, Adaptation{Object: "Service/" + svc.Name, Change: "namespace set to " + ns,
				Reason: "the manifest names no namespace, so as written it lands in `default`, where its selector matches no pod"})
		}
		m.Services = append(m.Services, svc)
	}
	if p.Runbook != nil {
		cm := p.Runbook.DeepCopy()
		if cm.Namespace == "" {
			cm.Namespace = ns
		}
		m.ConfigMaps = append(m.ConfigMaps, cm)
	}
	return m, adapts, nil
}
