package fault

import (
	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	"k8s.io/utils/ptr"

	"gameday.io/gameday/framework/topology"
)

func init() {
	Register(Definition{
		Kind: ZoneOutage, Help: "every node of a zone dies at once (mode black-hole, the default, or refuse)",
		Params: []string{"zone", "mode"}, Check: checkLossMode, Impl: nodeFault{}, DefaultHold: nodeHold,
		ChaosMesh: zoneNetworkChaos,
	})
}

// zoneNetworkChaos isolates the workload's pods in a zone: every packet they
// send or receive is dropped (a partition with no target: iptables DROP
// rules in each pod's network namespace, applied by chaos-daemon), so
// clients, probes and peers get no answer, as from machines that lost their
// network. A partition, not netem's 100% loss: it needs only iptables, which
// every node running kube-proxy has, where netem needs the kernel's sch_netem,
// which hardened and minimal kernels (this project's CI VM) lack. Chaos Mesh
// itself ends it after the fault's duration.
func zoneNetworkChaos(p *Plan, sel Selector) (any, error) {
	ps := podSelector(sel, "")
	ps.NodeSelectors = map[string]string{topology.LabelZone: p.Spec.Zone}
	return &chaosv1alpha1.NetworkChaos{TypeMeta: chaosType("NetworkChaos"), ObjectMeta: chaosMeta(p, sel), Spec: chaosv1alpha1.NetworkChaosSpec{
		PodSelector: chaosv1alpha1.PodSelector{Selector: ps, Mode: chaosv1alpha1.AllMode},
		Action:      chaosv1alpha1.PartitionAction, Direction: chaosv1alpha1.Both,
		Duration: ptr.To(p.Spec.Duration.String()),
	}}, nil
}
