package chaosmesh

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// DaemonSelector selects chaos-daemon pods (the Helm chart's DaemonSet).
const DaemonSelector = "app.kubernetes.io/component=chaos-daemon"

// DaemonNodes returns the nodes a Running, Ready chaos-daemon pod sits on,
// looked for in the controller namespaces. NetworkChaos, IOChaos and
// HTTPChaos are carried out by the daemon on the target's node: a target on
// a node without one is never injected.
func (c *Client) DaemonNodes(ctx context.Context) (map[string]bool, error) {
	nodes := map[string]bool{}
	for _, ns := range c.controllerNamespaces {
		pods, err := c.dyn.Resource(podResource).Namespace(ns).List(ctx, metav1.ListOptions{LabelSelector: DaemonSelector})
		if err != nil {
			return nil, fmt.Errorf("list chaos-daemon pods in %s (%s): %w", ns, DaemonSelector, err)
		}
		for i := range pods.Items {
			p := &pods.Items[i]
			node, _, _ := unstructured.NestedString(p.Object, "spec", "nodeName")
			phase, _, _ := unstructured.NestedString(p.Object, "status", "phase")
			if node != "" && phase == "Running" && p.GetDeletionTimestamp() == nil && conditionTrue(p, "Ready") {
				nodes[node] = true
			}
		}
	}
	return nodes, nil
}
