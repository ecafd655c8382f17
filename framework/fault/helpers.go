package fault

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
)

// qualify names an object of a region: "region/name".
func qualify(region, name string) string { return region + "/" + name }

func splitQualified(q string) (region, name string) {
	region, name, ok := strings.Cut(q, "/")
	if !ok {
		return "", q
	}
	return region, name
}

// nodesOf lists the nodes a spec names in its region: one node, a zone's, or all.
func nodesOf(ctx context.Context, c kubernetes.Interface, s Spec) ([]corev1.Node, error) {
	list, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list nodes of region %s: %w", s.Region, err)
	}
	var out []corev1.Node
	for _, n := range list.Items {
		switch {
		case s.Node != "" && n.Name != s.Node && topology.NodeName(n.Labels, n.Name) != s.Node:
		case s.Node == "" && s.Zone != "" && n.Labels[topology.LabelZone] != s.Zone:
		default:
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no node matches (region %s zone %q node %q): %w", s.Kind, s.Region, s.Zone, s.Node, framework.ErrNotFound)
	}
	return out, nil
}

// workloadPods lists the workload's pods in a region, optionally only those on nodes.
func workloadPods(ctx context.Context, t *Target, c kubernetes.Interface, onNodes map[string]bool) ([]corev1.Pod, error) {
	list, err := c.CoreV1().Pods(t.Workload.Namespace).List(ctx, metav1.ListOptions{LabelSelector: t.Workload.String()})
	if err != nil {
		return nil, err
	}
	var out []corev1.Pod
	for _, p := range list.Items {
		if onNodes == nil || onNodes[p.Spec.NodeName] {
			out = append(out, p)
		}
	}
	return out, nil
}

// planNodes fills a plan's nodes, the pods on them and their endpoints.
func planNodes(ctx context.Context, t *Target, p *Plan) ([]corev1.Node, error) {
	c, err := t.client(p.Spec.Region)
	if err != nil {
		return nil, err
	}
	nodes, err := nodesOf(ctx, c, p.Spec)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, n := range nodes {
		names[n.Name] = true
		p.Nodes = append(p.Nodes, qualify(p.Spec.Region, n.Name))
	}
	pods, err := workloadPods(ctx, t, c, names)
	if err != nil {
		return nil, err
	}
	for _, pod := range pods {
		p.Pods = append(p.Pods, qualify(p.Spec.Region, pod.Name))
		if pod.Status.PodIP != "" {
			p.Endpoints = append(p.Endpoints, fmt.Sprintf("%s (%s, served on loopback by the data plane)", pod.Status.PodIP, pod.Name))
		}
	}
	return nodes, nil
}

// revertAgent reverts agent faults, in order; faults the agent no longer has are done.
func revertAgent(ctx context.Context, t *Target, ids ...string) error {
	if t.Agent == nil {
		return fmt.Errorf("the environment's data-plane agent is not reachable: %w", framework.ErrNotFound)
	}
	var errs []error
	for _, id := range ids {
		if err := t.Agent.Revert(ctx, id); err != nil && !errors.Is(err, framework.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
