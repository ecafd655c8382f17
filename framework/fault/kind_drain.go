package fault

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/timer"
	"gameday.io/gameday/framework/topology"
)

func init() {
	Register(Definition{
		Kind: Drain, Help: "cordon --node or --zone and evict its pods through the Eviction API (PDBs apply; 429s counted)",
		Params: []string{"zone", "node"}, Impl: drain{}, Foreground: true,
		DefaultHold: func(t framework.Timeouts) time.Duration { return max(t.Scale(120*time.Second), 5*time.Second) },
	})
}

// drain is a voluntary disruption: cordon, then evict through the Eviction
// API, which honours PodDisruptionBudgets. Refusals (HTTP 429) are retried
// until the fault's duration ends, and every one is counted.
type drain struct{}

// DrainRetry is how long a drain waits before retrying refused evictions
// (kubectl drain waits 5 s), scaled by the profile.
const DrainRetry = 5 * time.Second

func (drain) Validate(s *Spec, _ *topology.Topology) error {
	return Need(s, s.Node != "" || s.Zone != "", "--node or --zone")
}

func (drain) Plan(ctx context.Context, t *Target, p *Plan) error {
	c, err := t.client(p.Spec.Region)
	if err != nil {
		return err
	}
	nodes, err := nodesOf(ctx, c, p.Spec)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, n := range nodes {
		names[n.Name] = true
		p.Nodes = append(p.Nodes, qualify(p.Spec.Region, n.Name))
	}
	pods, err := c.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	checked := map[string]error{}
	for _, pod := range pods.Items {
		if !names[pod.Spec.NodeName] || pod.DeletionTimestamp != nil || isDaemonPod(&pod) {
			continue
		}
		if _, ok := checked[pod.Namespace]; !ok {
			checked[pod.Namespace] = t.Guard.CheckNamespace(ctx, c, pod.Namespace)
		}
		if checked[pod.Namespace] != nil {
			return fmt.Errorf("drain %v would evict pod %s/%s: %w", p.Nodes, pod.Namespace, pod.Name, checked[pod.Namespace])
		}
		p.Pods = append(p.Pods, qualify(p.Spec.Region, pod.Namespace+"/"+pod.Name))
	}
	p.Steps = []string{
		fmt.Sprintf("cordon %d node(s)", len(p.Nodes)),
		fmt.Sprintf("evict their %d pod(s) through the Eviction API, retrying refusals (HTTP 429 from the PodDisruptionBudget) every %s until the duration ends; every refusal is counted",
			len(p.Pods), retryEvery(t)),
	}
	p.Revert = "uncordon the nodes (evicted pods are not brought back: their replacements run elsewhere)"
	return nil
}

func retryEvery(t *Target) time.Duration {
	return max(t.Timeouts.Scale(DrainRetry), 200*time.Millisecond)
}

func isDaemonPod(p *corev1.Pod) bool {
	for _, o := range p.OwnerReferences {
		if o.Kind == "DaemonSet" {
			return true
		}
	}
	return false
}

func (drain) Inject(ctx context.Context, t *Target, p *Plan, until time.Time, res *Result) error {
	if err := setUnschedulable(ctx, t, p.Nodes, true); err != nil {
		return err
	}
	c, err := t.client(p.Spec.Region)
	if err != nil {
		return err
	}
	remaining := slices.Clone(p.Pods)
	dctx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	for len(remaining) > 0 {
		var next []string
		for _, q := range remaining {
			_, nsName := splitQualified(q)
			refused, err := evict(dctx, c, nsName)
			if err == nil && t.OnEviction != nil {
				t.OnEviction(nsName, refused)
			}
			switch {
			case err != nil && dctx.Err() != nil:
				next = append(next, q)
			case err != nil:
				return fmt.Errorf("evict %s: %w", q, err)
			case refused:
				res.Refused++
				next = append(next, q)
				t.log().Debug("eviction refused by the PodDisruptionBudget (429)", "pod", nsName, "refusals", res.Refused)
			default:
				res.Evicted++
				t.log().Info("pod evicted", "pod", nsName)
			}
		}
		remaining = next
		if len(remaining) == 0 || !timer.Pause(dctx, retryEvery(t)) {
			break
		}
	}
	res.Remaining = remaining
	if len(remaining) > 0 {
		t.log().Warn("drain did not finish before its duration ended", "remaining", len(remaining), "refused", res.Refused)
	}
	return nil
}

// evict asks for one eviction; refused is true on HTTP 429.
func evict(ctx context.Context, c kubernetes.Interface, nsName string) (refused bool, err error) {
	ns, name, _ := strings.Cut(nsName, "/")
	err = c.PolicyV1().Evictions(ns).Evict(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}})
	switch {
	case err == nil, apierrors.IsNotFound(err):
		return false, nil
	case apierrors.IsTooManyRequests(err):
		return true, nil
	}
	return false, err
}

func (drain) Revert(ctx context.Context, t *Target, p *Plan) error {
	return setUnschedulable(ctx, t, p.Nodes, false)
}

func setUnschedulable(ctx context.Context, t *Target, nodes []string, on bool) error {
	return forNodes(nodes, func(region, node string) error {
		c, err := t.client(region)
		if err != nil {
			return err
		}
		patch := fmt.Sprintf(`{"spec":{"unschedulable":%t}}`, on)
		_, err = c.CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("set node %s unschedulable=%t: %w", node, on, err)
		}
		return nil
	})
}
