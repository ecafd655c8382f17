package preflight

import (
	"context"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework/chaosmesh"
)

// daemonKinds are the kinds gameday applies that chaos-daemon carries out on
// the target's node.
var daemonKinds = []chaosmesh.Kind{chaosmesh.NetworkChaos, chaosmesh.IOChaos, chaosmesh.HTTPChaos}

// chaosDaemon checks that a Running, Ready chaos-daemon sits on every node
// running a pod of the workload.
func (rr *regionRun) chaosDaemon(ctx context.Context) []Check {
	const name = "chaos-daemon"
	if !rr.ChaosDaemon {
		return nil
	}
	ref := rr.Namespace + "/" + rr.Deployment
	if rr.dep == nil {
		return []Check{rr.fail(name, "cannot find the nodes of deployment %s (see the workload check)", ref)}
	}
	if rr.Dynamic == nil {
		return []Check{rr.fail(name, "no dynamic client to look for chaos-daemon pods")}
	}
	cm, err := chaosmesh.New(rr.Dynamic, chaosmesh.WithControllerNamespaces(rr.cfg.chaosNS...))
	if err != nil {
		return []Check{rr.fail(name, "%v", err)}
	}
	daemons, err := cm.DaemonNodes(ctx)
	if err != nil {
		return []Check{rr.fail(name, "%v", err)}
	}
	sel, err := metav1.LabelSelectorAsSelector(rr.dep.Spec.Selector)
	if err != nil {
		return []Check{rr.fail(name, "deployment %s has a bad selector: %v", ref, err)}
	}
	pods, err := rr.Client.CoreV1().Pods(rr.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return []Check{rr.fail(name, "list pods of deployment %s (%s): %v", ref, sel, err)}
	}
	var nodes, missing []string
	for _, p := range pods.Items {
		n := p.Spec.NodeName
		if n == "" || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed || slices.Contains(nodes, n) {
			continue
		}
		nodes = append(nodes, n)
		if !daemons[n] {
			missing = append(missing, n)
		}
	}
	slices.Sort(nodes)
	slices.Sort(missing)
	if len(nodes) == 0 {
		return []Check{rr.fail(name, "no pod of deployment %s (%s) is on a node, so chaos-daemon cannot be checked: wait for the workload to be scheduled", ref, sel)}
	}
	if len(missing) > 0 {
		return []Check{rr.fail(name, "%s chaos-daemon on every node it targets; none on nodes %s (no Running, Ready pod %s in %s): install chaos-daemon (the Chaos Mesh chart's DaemonSet) and let its tolerations and nodeSelector reach those nodes",
			rr.needing(), strings.Join(missing, ", "), chaosmesh.DaemonSelector, strings.Join(rr.cfg.chaosNS, ", "))}
	}
	return []Check{rr.pass(name, "chaos-daemon Running and Ready on the %d node(s) of deployment %s: %s", len(nodes), ref, strings.Join(nodes, ", "))}
}

// needing names what needs the daemon: "NetworkChaos needs", "NetworkChaos,
// IOChaos need", or "the planned faults need".
func (rr *regionRun) needing() string {
	var ks []chaosmesh.Kind
	for _, k := range rr.ChaosKinds {
		if slices.Contains(daemonKinds, k) && !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	switch len(ks) {
	case 0:
		return "the planned faults need"
	case 1:
		return string(ks[0]) + " needs"
	}
	return joinKinds(ks) + " need"
}
