package lint

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework/topology"
)

// workload is a Deployment with what placement needs to know about its pods.
type workload struct {
	obj      *fixtures.Object
	dep      *appsv1.Deployment
	ns       string // effective namespace ("default" when the manifest sets none)
	replicas int
	shape    podShape
	spread   []zoneSpread // zone-key spread constraints that count the pods themselves
}

// podShape is what one pod needs from a node.
type podShape struct {
	gpus, milliCPU, memory int64
	// oneHostPerPod: required pod anti-affinity on the hostname.
	oneHostPerPod bool
	nodeSelector  map[string]string
}

// zoneSpread is one topologySpreadConstraint on the zone label.
type zoneSpread struct {
	index       int // in the pod template's list, for positions
	maxSkew     int
	hard        bool // whenUnsatisfiable: DoNotSchedule
	honorTaints bool // nodeTaintsPolicy: Honor
	minDomains  int
}

func (s zoneSpread) path() string {
	return fmt.Sprintf("spec.template.spec.topologySpreadConstraints[%d]", s.index)
}

// effectiveNamespace is where a namespaced object without a namespace lands
// when applied with the default context.
func effectiveNamespace(ns string) string {
	if ns == "" {
		return metav1.NamespaceDefault
	}
	return ns
}

func workloadsOf(p *fixtures.Platform) []*workload {
	var out []*workload
	for _, o := range p.Objects {
		d, ok := o.Object.(*appsv1.Deployment)
		if !ok {
			continue
		}
		w := &workload{obj: o, dep: d, ns: effectiveNamespace(d.Namespace), replicas: 1}
		if d.Spec.Replicas != nil {
			w.replicas = int(*d.Spec.Replicas)
		}
		spec := &d.Spec.Template.Spec
		own := labels.Set(d.Spec.Template.Labels)
		w.shape = shapeOf(spec, own)
		for i, c := range spec.TopologySpreadConstraints {
			if c.TopologyKey != topology.LabelZone || !selects(c.LabelSelector, own) {
				continue
			}
			s := zoneSpread{index: i, maxSkew: int(c.MaxSkew), hard: c.WhenUnsatisfiable == corev1.DoNotSchedule}
			s.honorTaints = c.NodeTaintsPolicy != nil && *c.NodeTaintsPolicy == corev1.NodeInclusionPolicyHonor
			if c.MinDomains != nil {
				s.minDomains = int(*c.MinDomains)
			}
			w.spread = append(w.spread, s)
		}
		out = append(out, w)
	}
	return out
}

// shapeOf sums the containers' requests (limits stand in for missing
// requests, as the API server defaults them) and reads required anti-affinity.
func shapeOf(spec *corev1.PodSpec, own labels.Set) podShape {
	s := podShape{nodeSelector: spec.NodeSelector}
	for _, c := range spec.Containers {
		s.gpus += quantity(c.Resources, topology.ResourceGPU, (*resource.Quantity).Value)
		s.milliCPU += quantity(c.Resources, corev1.ResourceCPU, (*resource.Quantity).MilliValue)
		s.memory += quantity(c.Resources, corev1.ResourceMemory, (*resource.Quantity).Value)
	}
	if a := spec.Affinity; a != nil && a.PodAntiAffinity != nil {
		for _, t := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			if t.TopologyKey == topology.LabelHostname && selects(t.LabelSelector, own) {
				s.oneHostPerPod = true
			}
		}
	}
	return s
}

func quantity(r corev1.ResourceRequirements, name corev1.ResourceName, value func(*resource.Quantity) int64) int64 {
	if q, ok := r.Requests[name]; ok {
		return value(&q)
	}
	if q, ok := r.Limits[name]; ok {
		return value(&q)
	}
	return 0
}

// selects reports whether a label selector matches set; a nil or invalid
// selector matches nothing.
func selects(sel *metav1.LabelSelector, set labels.Set) bool {
	if sel == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && !s.Empty() && s.Matches(set)
}

// perNode is how many pods of this shape fit on node n.
func (s podShape) perNode(n topology.Node) int {
	for k, v := range s.nodeSelector {
		if n.Labels()[k] != v {
			return 0
		}
	}
	fit := int64(n.Pods)
	limit := func(have string, need int64, value func(*resource.Quantity) int64) {
		if need <= 0 {
			return
		}
		q, err := resource.ParseQuantity(have)
		if err != nil {
			fit = 0
			return
		}
		fit = min(fit, value(&q)/need)
	}
	if s.gpus > 0 {
		fit = min(fit, int64(n.GPUs)/s.gpus)
	}
	limit(n.CPU, s.milliCPU, (*resource.Quantity).MilliValue)
	limit(n.Memory, s.memory, (*resource.Quantity).Value)
	if s.oneHostPerPod {
		fit = min(fit, 1)
	}
	return int(max(fit, 0))
}

// describe names what bounds a pod's placement, for messages.
func (s podShape) describe() string {
	out := fmt.Sprintf("%d GPU", s.gpus)
	if s.oneHostPerPod {
		out += ", one pod per node (required anti-affinity)"
	}
	return out
}
