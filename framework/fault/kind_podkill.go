package fault

import (
	"context"
	"fmt"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
)

func init() {
	Register(Definition{
		Kind: PodKill, Help: "kill one pod of the workload (default: one chosen at random)", Params: []string{"pod"},
		Instant: true, Impl: podKill{},
		DefaultHold: func(t framework.Timeouts) time.Duration { return t.Scale(60 * time.Second) },
		ChaosMesh: func(p *Plan, sel Selector) (any, error) {
			ps := chaosv1alpha1.PodSelector{Selector: podSelector(sel, ""), Mode: chaosv1alpha1.OneMode}
			if len(p.Pods) > 0 {
				ps.Selector = chaosv1alpha1.PodSelectorSpec{Pods: map[string][]string{sel.Namespace: podNames(p.Pods)}}
				ps.Mode = chaosv1alpha1.AllMode
			}
			return &chaosv1alpha1.PodChaos{TypeMeta: chaosType("PodChaos"), ObjectMeta: chaosMeta(p, sel), Spec: chaosv1alpha1.PodChaosSpec{
				ContainerSelector: chaosv1alpha1.ContainerSelector{PodSelector: ps}, Action: chaosv1alpha1.PodKillAction, GracePeriod: 0,
			}}, nil
		},
	})
}

type podKill struct{}

func (podKill) Validate(*Spec, *topology.Topology) error { return nil }

func (podKill) Plan(ctx context.Context, t *Target, p *Plan) error {
	c, err := t.client(p.Spec.Region)
	if err != nil {
		return err
	}
	if err := t.Guard.CheckNamespace(ctx, c, t.Workload.Namespace); err != nil {
		return err
	}
	pods, err := workloadPods(ctx, t, c, nil)
	if err != nil {
		return err
	}
	var pick *corev1.Pod
	var running []corev1.Pod
	for i := range pods {
		if pods[i].DeletionTimestamp == nil && pods[i].Spec.NodeName != "" {
			running = append(running, pods[i])
		}
		if pods[i].Name == p.Spec.Pod {
			pick = &pods[i]
		}
	}
	switch {
	case p.Spec.Pod != "" && pick == nil:
		return fmt.Errorf("pod-kill: no pod %q with %s in %s/%s: %w", p.Spec.Pod, t.Workload, p.Spec.Region, t.Workload.Namespace, framework.ErrInvalid)
	case pick == nil && len(running) == 0:
		return fmt.Errorf("pod-kill: no running pod with %s in %s/%s: %w", t.Workload, p.Spec.Region, t.Workload.Namespace, framework.ErrNotFound)
	case pick == nil:
		pick = &running[t.Rand.IntN(len(running))]
	}
	p.Pods = []string{qualify(p.Spec.Region, pick.Name)}
	p.Nodes = []string{qualify(p.Spec.Region, pick.Spec.NodeName)}
	p.Steps = []string{fmt.Sprintf("delete pod %s/%s with grace period 0 (Chaos Mesh pod-kill)", t.Workload.Namespace, pick.Name)}
	p.Revert = "nothing to undo: the Deployment's ReplicaSet replaces the pod"
	return nil
}

func (podKill) Inject(ctx context.Context, t *Target, p *Plan, _ time.Time, res *Result) error {
	region, name := splitQualified(p.Pods[0])
	c, err := t.client(region)
	if err != nil {
		return err
	}
	zero := int64(0)
	if err := c.CoreV1().Pods(t.Workload.Namespace).Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		return fmt.Errorf("kill pod %s: %w", p.Pods[0], err)
	}
	res.Killed = append(res.Killed, p.Pods[0])
	return nil
}

func (podKill) Revert(context.Context, *Target, *Plan) error { return nil }
