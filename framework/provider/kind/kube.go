package kind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"gameday.io/gameday/framework/topology"
)

// client returns a clientset for a kubeconfig file.
func client(kubeconfig string) (kubernetes.Interface, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	cfg.Timeout = 15 * time.Second
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("client for %s: %w", kubeconfig, err)
	}
	return cs, nil
}

// waitNodes polls the cluster's nodes until done says so (or timeout), and
// logs progress (what done reports) when it changes. The last nodes are
// returned; a timeout error names the last state.
func waitNodes(ctx context.Context, cs kubernetes.Interface, log *slog.Logger, what string, timeout time.Duration,
	done func([]corev1.Node) (bool, string)) ([]corev1.Node, error) {
	var nodes []corev1.Node
	last := "no answer from the API server yet"
	err := wait.PollUntilContextTimeout(ctx, time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		list, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			last = err.Error()
			return false, nil // the API server may still be starting or be briefly unavailable
		}
		nodes = list.Items
		ok, state := done(nodes)
		if state != last {
			log.Info("kind: waiting for "+what, "state", state)
			last = state
		}
		return ok, nil
	})
	if err != nil {
		return nodes, fmt.Errorf("wait %s for %s: %w (last: %s)", timeout, what, err, last)
	}
	return nodes, nil
}

// allReady reports whether want nodes exist and are Ready, and a summary.
func allReady(want int) func([]corev1.Node) (bool, string) {
	return func(nodes []corev1.Node) (bool, string) {
		var notReady []string
		for _, n := range nodes {
			if !isReady(n) {
				notReady = append(notReady, n.Name)
			}
		}
		state := fmt.Sprintf("%d/%d nodes registered, not Ready: %s", len(nodes), want, strings.Join(notReady, ","))
		return len(nodes) >= want && len(notReady) == 0, state
	}
}

// allHaveCIDR reports whether want nodes exist with a podCIDR and an address.
func allHaveCIDR(want int) func([]corev1.Node) (bool, string) {
	return func(nodes []corev1.Node) (bool, string) {
		_, ok := nodeNets(nodes)
		return ok && len(nodes) >= want, fmt.Sprintf("%d/%d nodes registered, all with a podCIDR: %v", len(nodes), want, ok)
	}
}

func isReady(n corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// advertiseGPUs sets nvidia.com/gpu in a node's capacity and allocatable, with
// a patch of its status: there are no GPUs here for a device plugin to find,
// and kubelet keeps extended resources it did not set (it derives allocatable
// from capacity). A kubelet restart resets them to 0 (kubelet reconciles
// extended resources when it re-registers): call it again after one.
func advertiseGPUs(ctx context.Context, cs kubernetes.Interface, node string, gpus int) error {
	q := strconv.Itoa(gpus)
	patch := fmt.Sprintf(`{"status":{"capacity":{%q:%q},"allocatable":{%q:%q}}}`,
		topology.ResourceGPU, q, topology.ResourceGPU, q)
	err := retryTransient(ctx, apiRetryTimeout, func(ctx context.Context) error {
		_, err := cs.CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, []byte(patch), metav1.PatchOptions{}, "status")
		return err
	})
	if err != nil {
		return fmt.Errorf("advertise %d GPUs on node %s: %w", gpus, node, err)
	}
	return nil
}

// apiRetryTimeout bounds the retries of one API call during bring-up.
const apiRetryTimeout = time.Minute

// retryTransient calls fn until it succeeds, fails with an error a retry
// cannot cure (not found, forbidden, invalid, conflict...), or timeout
// passes; it returns fn's last error. A kind API server on a busy 2-core
// machine can miss the client's 15 s timeout once without being broken.
func retryTransient(ctx context.Context, timeout time.Duration, fn func(context.Context) error) error {
	var last error
	err := wait.PollUntilContextTimeout(ctx, time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		last = fn(ctx)
		switch {
		case last == nil:
			return true, nil
		case transient(last):
			return false, nil
		default:
			return false, last
		}
	})
	if err != nil && last != nil {
		return last
	}
	return err
}

// transient: a timeout, throttling, an unavailable or failing server, or a
// connection that broke; anything the API server decided about the request
// itself is not.
func transient(err error) bool {
	if apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err) || apierrors.IsTooManyRequests(err) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return false
	}
	return true // transport errors (connection refused or reset, EOF)
}

// pinSystemPods keeps the cluster's own Deployments (CoreDNS) on the control
// plane: the worker nodes stand for the topology's GPU nodes, which carry
// only the platform's pods and DaemonSets (as the sim's, and as GPU pools
// commonly are). A drill that drains a zone would otherwise find CoreDNS
// there, in a namespace that never opts in to faults, and be refused.
func pinSystemPods(ctx context.Context, cs kubernetes.Interface) error {
	patch := `{"spec":{"template":{"spec":{"nodeSelector":{"node-role.kubernetes.io/control-plane":""}}}}}`
	err := retryTransient(ctx, apiRetryTimeout, func(ctx context.Context) error {
		_, err := cs.AppsV1().Deployments(metav1.NamespaceSystem).Patch(ctx, "coredns", types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{})
		return err
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("keep CoreDNS on the control plane: %w", err)
	}
	return nil
}
