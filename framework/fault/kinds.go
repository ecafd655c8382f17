package fault

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster/sim"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/topology"
)

// impl carries out one kind of fault.
type impl interface {
	// plan resolves targets into p without changing anything.
	plan(ctx context.Context, t *Target, p *Plan) error
	// inject applies p until `until`; the plan is journalled already.
	inject(ctx context.Context, t *Target, p *Plan, until time.Time, res *Result) error
	// revert undoes p; it must be safe after a partial inject and when run twice.
	revert(ctx context.Context, t *Target, p *Plan) error
}

var impls = map[Kind]impl{
	PodKill:       podKill{},
	NodeLoss:      nodeFault{},
	ZoneOutage:    nodeFault{},
	StorageOutage: storageOutage{},
	RegionOutage:  regionOutage{},
	Partition:     partition{},
	Drain:         drain{},
}

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
		case s.Node != "" && n.Name != s.Node:
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

// workloadPods lists the inference pods in a region, optionally only those on nodes.
func workloadPods(ctx context.Context, t *Target, c kubernetes.Interface, onNodes map[string]bool) ([]corev1.Pod, error) {
	list, err := c.CoreV1().Pods(t.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=" + t.App})
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

// --- pod-kill ---------------------------------------------------------------

type podKill struct{}

func (podKill) plan(ctx context.Context, t *Target, p *Plan) error {
	c, err := t.client(p.Spec.Region)
	if err != nil {
		return err
	}
	if err := t.Guard.CheckNamespace(ctx, c, t.Namespace); err != nil {
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
		return fmt.Errorf("pod-kill: no pod %q with app=%s in %s/%s: %w", p.Spec.Pod, t.App, p.Spec.Region, t.Namespace, framework.ErrInvalid)
	case pick == nil && len(running) == 0:
		return fmt.Errorf("pod-kill: no running pod with app=%s in %s/%s: %w", t.App, p.Spec.Region, t.Namespace, framework.ErrNotFound)
	case pick == nil:
		pick = &running[t.Rand.IntN(len(running))]
	}
	p.Pods = []string{qualify(p.Spec.Region, pick.Name)}
	p.Nodes = []string{qualify(p.Spec.Region, pick.Spec.NodeName)}
	p.Steps = []string{fmt.Sprintf("delete pod %s/%s with grace period 0 (Chaos Mesh pod-kill)", t.Namespace, pick.Name)}
	p.Revert = "nothing to undo: the Deployment's ReplicaSet replaces the pod"
	return nil
}

func (podKill) inject(ctx context.Context, t *Target, p *Plan, _ time.Time, res *Result) error {
	region, name := splitQualified(p.Pods[0])
	c, err := t.client(region)
	if err != nil {
		return err
	}
	zero := int64(0)
	if err := c.CoreV1().Pods(t.Namespace).Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		return fmt.Errorf("kill pod %s: %w", p.Pods[0], err)
	}
	res.Killed = append(res.Killed, p.Pods[0])
	return nil
}

func (podKill) revert(context.Context, *Target, *Plan) error { return nil }

// --- node-loss and zone-outage ------------------------------------------------

type nodeFault struct{}

func (nodeFault) plan(ctx context.Context, t *Target, p *Plan) error {
	if _, err := planNodes(ctx, t, p); err != nil {
		return err
	}
	p.Steps = []string{
		fmt.Sprintf("stop the heartbeats of %d node(s) at once (their leases are taken over): the node lifecycle controller marks them NotReady after %s and evicts their pods after %s",
			len(p.Nodes), t.Timeouts.NodeMonitorGracePeriod, t.Timeouts.UnreachableToleration),
		fmt.Sprintf("the %d inference server(s) on them die at once (connections refused)", len(p.Pods)),
	}
	p.Revert = "release the nodes' leases: kwok heartbeats them again and they turn Ready; evicted pods stuck Terminating are finalized"
	return nil
}

func (nodeFault) inject(ctx context.Context, t *Target, p *Plan, until time.Time, _ *Result) error {
	return forNodes(p.Nodes, func(region, node string) error {
		c, err := t.client(region)
		if err != nil {
			return err
		}
		return sim.StopNode(ctx, c, node, until)
	})
}

func (nodeFault) revert(ctx context.Context, t *Target, p *Plan) error {
	return forNodes(p.Nodes, func(region, node string) error {
		c, err := t.client(region)
		if err != nil {
			return err
		}
		return sim.StartNode(ctx, c, node)
	})
}

// forNodes runs f for every qualified node concurrently ("at once").
func forNodes(nodes []string, f func(region, node string) error) error {
	errs := make(chan error, len(nodes))
	for _, q := range nodes {
		go func() {
			region, node := splitQualified(q)
			errs <- f(region, node)
		}()
	}
	var all []error
	for range nodes {
		if err := <-errs; err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}

// --- storage-outage -----------------------------------------------------------

type storageOutage struct{}

func (storageOutage) plan(_ context.Context, t *Target, p *Plan) error {
	if t.Agent == nil {
		return fmt.Errorf("storage-outage needs the environment's data plane: %w", framework.ErrInvalid)
	}
	p.AgentFaults = []string{p.ID}
	what := map[storage.CacheFault]string{
		storage.FaultBackendError:   "model storage answers 503; the regional cache still serves what it holds",
		storage.FaultBackendTimeout: "model storage stops answering; the regional cache still serves what it holds",
		storage.FaultCacheError:     "the regional model cache answers 503 to everything",
		storage.FaultCacheTimeout:   "the regional model cache stops answering",
	}[storage.CacheFault(p.Spec.Mode)]
	p.Steps = []string{fmt.Sprintf("region %s: %s (%s); running servers keep their model in memory, new pods cannot load theirs", p.Spec.Region, what, p.Spec.Mode)}
	p.Revert = "storage and cache answer normally again"
	return nil
}

func (storageOutage) inject(ctx context.Context, t *Target, p *Plan, until time.Time, _ *Result) error {
	return t.Agent.Inject(ctx, p.AgentFaults[0], dataplane.FaultSpec{Kind: dataplane.FaultStorage, Regions: []string{p.Spec.Region}, Mode: storage.CacheFault(p.Spec.Mode), Until: until})
}

func (storageOutage) revert(ctx context.Context, t *Target, p *Plan) error {
	return revertAgent(ctx, t, p.AgentFaults...)
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

// --- partition ----------------------------------------------------------------

type partition struct{}

func (partition) plan(_ context.Context, t *Target, p *Plan) error {
	if t.Agent == nil {
		return fmt.Errorf("partition needs the environment's data plane: %w", framework.ErrInvalid)
	}
	p.AgentFaults = []string{p.ID}
	p.Steps = []string{fmt.Sprintf("cut the network between %s and %s: the global load balancer cannot route one region's clients to the other, and model replication between them fails", p.Spec.Region, p.Spec.Peer)}
	p.Revert = "heal the partition: cross-region routing and replication resume"
	return nil
}

func (partition) inject(ctx context.Context, t *Target, p *Plan, until time.Time, _ *Result) error {
	return t.Agent.Inject(ctx, p.AgentFaults[0], dataplane.FaultSpec{Kind: dataplane.FaultPartition, Regions: []string{p.Spec.Region, p.Spec.Peer}, Until: until})
}

func (partition) revert(ctx context.Context, t *Target, p *Plan) error {
	return revertAgent(ctx, t, p.AgentFaults...)
}
