package platform

import (
	"fmt"
	"slices"

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
	// Secrets are added by providers (kind: the model storage credentials).
	Secrets []*corev1.Secret
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
	for _, o := range m.Secrets {
		out.Secrets = append(out.Secrets, o.DeepCopy())
	}
	return out
}

// Prepare picks the objects every provider applies out of a platform and
// makes the changes every environment needs: every workload under test
// (each Deployment a Service routes to, fixtures.Platform.Workloads; the
// platform's chosen one first) with its Services and PodDisruptionBudget,
// each workload's namespace created and opted in to chaos, and an object
// without a namespace put beside the workload it relates to.
// Provider-specific changes follow (provider.PlatformAdapter). The
// platform's objects are not modified.
func Prepare(p *fixtures.Platform) (*Manifests, []Adaptation, error) {
	if p.Deployment == nil {
		return nil, nil, fmt.Errorf("platform has no Deployment: %w", framework.ErrInvalid)
	}
	ws, err := p.Workloads()
	if err != nil {
		return nil, nil, err
	}
	// The chosen workload first: it is the one the data plane routes to.
	slices.SortStableFunc(ws, func(a, b fixtures.Workload) int {
		return boolRank(b.Deployment.Name == p.Deployment.Name && b.Namespace == nsOr(p.Deployment.Namespace)) -
			boolRank(a.Deployment.Name == p.Deployment.Name && a.Namespace == nsOr(p.Deployment.Namespace))
	})
	var adapts []Adaptation
	m := &Manifests{}
	seen := map[string]bool{}
	for _, w := range ws {
		d := w.Deployment.DeepCopy()
		d.Namespace = w.Namespace
		m.Deployments = append(m.Deployments, d)
		if !seen["Namespace/"+w.Namespace] {
			seen["Namespace/"+w.Namespace] = true
			m.Namespaces = append(m.Namespaces, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: w.Namespace, Labels: map[string]string{ChaosLabel: ChaosLabelEnabled}}})
			adapts = append(adapts, Adaptation{Object: "Namespace/" + w.Namespace, Change: "created with label " + ChaosLabel + "=" + ChaosLabelEnabled,
				Reason: "the manifests assume the namespace exists; the label opts it in to fault injection"})
		}
		if w.PDB != nil && !seen["PDB/"+w.Namespace+"/"+w.PDB.Name] {
			seen["PDB/"+w.Namespace+"/"+w.PDB.Name] = true
			pdb := w.PDB.DeepCopy()
			pdb.Namespace = w.Namespace
			m.PDBs = append(m.PDBs, pdb)
		}
		for _, svc := range w.Services {
			if seen["Service/"+w.Namespace+"/"+svc.Name] {
				continue
			}
			seen["Service/"+w.Namespace+"/"+svc.Name] = true
			svc := svc.DeepCopy()
			if svc.Namespace == "" {
				adapts = append(adapts, Adaptation{Object: "Service/" + svc.Name, Change: "namespace set to " + w.Namespace,
					Reason: "the manifest names no namespace, so as written it lands in `default`, where its selector matches no pod"})
			}
			svc.Namespace = w.Namespace
			m.Services = append(m.Services, svc)
		}
	}
	if p.Runbook != nil {
		cm := p.Runbook.DeepCopy()
		if cm.Namespace == "" {
			cm.Namespace = m.Deployments[0].Namespace
		}
		m.ConfigMaps = append(m.ConfigMaps, cm)
	}
	return m, adapts, nil
}

func nsOr(ns string) string {
	if ns == "" {
		return metav1.NamespaceDefault
	}
	return ns
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
