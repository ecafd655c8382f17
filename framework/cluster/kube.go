package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// Client returns a clientset for a kubeconfig, with QPS high enough to
// register hundreds of nodes without client-side throttling.
func Client(kubeconfig string) (*kubernetes.Clientset, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig %s: %w", kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	return kubernetes.NewForConfig(cfg)
}

// NodeSchedulable reports whether the scheduler can use a node: Ready, and
// without the not-ready or unreachable taints the node lifecycle controller
// removes some time after the node turns Ready.
func NodeSchedulable(n *corev1.Node) bool {
	if !NodeReady(n) {
		return false
	}
	for _, t := range n.Spec.Taints {
		if t.Key == corev1.TaintNodeNotReady || t.Key == corev1.TaintNodeUnreachable {
			return false
		}
	}
	return true
}

// unschedulableReason says why NodeSchedulable is false: the node is not
// Ready (its kubelet, or kwok, has not said so), or Ready but still tainted
// by the node lifecycle controller of kube-controller-manager.
func unschedulableReason(n *corev1.Node) string {
	if !NodeReady(n) {
		return "not Ready"
	}
	for _, t := range n.Spec.Taints {
		if t.Key == corev1.TaintNodeNotReady || t.Key == corev1.TaintNodeUnreachable {
			return "Ready but still tainted " + t.Key + " (kube-controller-manager removes it)"
		}
	}
	return "schedulable"
}

// NodeReady reports whether a node's Ready condition is True.
func NodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// WaitNodesReady polls until every named node is Ready and schedulable,
// logging progress, and fails at the deadline naming the nodes that are not.
func WaitNodesReady(ctx context.Context, c kubernetes.Interface, names []string, timeout, poll time.Duration, log *slog.Logger) error {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	var notReady []string
	last := time.Now()
	err := wait.PollUntilContextTimeout(ctx, poll, timeout, true, func(ctx context.Context) (bool, error) {
		list, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil // the API server may still be settling; retry until the deadline
		}
		seen := map[string]bool{}
		notReady = notReady[:0]
		for i := range list.Items {
			n := &list.Items[i]
			if !want[n.Name] {
				continue
			}
			seen[n.Name] = true
			if !NodeSchedulable(n) {
				notReady = append(notReady, n.Name+" ("+unschedulableReason(n)+")")
			}
		}
		for n := range want {
			if !seen[n] {
				notReady = append(notReady, n+" (not registered)")
			}
		}
		if time.Since(last) > 5*time.Second && log != nil {
			log.Info("waiting for nodes", "ready", len(want)-len(notReady), "total", len(want))
			last = time.Now()
		}
		return len(notReady) == 0, nil
	})
	if err != nil {
		sort.Strings(notReady)
		if len(notReady) > 10 {
			notReady = append(notReady[:10], fmt.Sprintf("and %d more", len(notReady)-10))
		}
		return fmt.Errorf("nodes not Ready after %s: %s: %w", timeout, strings.Join(notReady, ", "), err)
	}
	return nil
}
