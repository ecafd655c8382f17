package kubelet

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/provider/sim/simapi"
)

// Kubelet plays the kubelet for one region's data-plane pods (those labelled
// simapi.LabelDataPlane): it runs one server per pod bound to a live node.
type Kubelet struct {
	cfg   provider.PodHostConfig
	log   *slog.Logger
	http  *http.Client
	nodes cache.Indexer

	mu      sync.Mutex
	pods    map[types.UID]*podRun
	nextIP  int
	ctx     context.Context
	restart context.CancelFunc // ends the current watches
}

// podRun is the kubelet's record of one pod it plays.
type podRun struct {
	pod      *corev1.Pod // latest seen
	ip       string
	cancel   context.CancelFunc // non-nil while its lifecycle goroutine runs
	done     chan struct{}
	proc     *serverProc
	addr     string    // last server address; kept after the server dies
	since    time.Time // when proc started
	restarts int32
	started  bool // a server was started at least once
	ready    bool
	deleting bool
	how      haltMode // how the lifecycle ends its server when its ctx ends
	frozen   bool     // proc is frozen and no lifecycle runs (its node is down)
	reason   string   // why the pod is not ready (last probe failure, start error)
}

// haltMode is how halt ends a pod's server.
type haltMode int

const (
	// haltGraceful: SIGTERM, then SIGKILL after the grace period (pod deleted).
	haltGraceful haltMode = iota
	// haltKill: SIGKILL at once (refuse-mode node loss, pod gone, teardown).
	haltKill
	// haltFreeze: SIGSTOP, keeping the process, its listener and connections
	// (black-hole node loss); a later halt of another mode, or the node's
	// return, ends or resumes it.
	haltFreeze
)

// New returns a kubelet; Run starts it.
func New(cfg provider.PodHostConfig) *Kubelet {
	if cfg.Logger == nil {
		cfg.Logger = framework.DiscardLogger()
	}
	return &Kubelet{
		cfg:  cfg,
		log:  cfg.Logger.With("region", cfg.Region),
		http: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
		pods: map[types.UID]*podRun{},
	}
}

// Run watches nodes and data-plane pods until ctx ends, then kills every
// server it started. RestartWatches makes it list and watch anew.
func (k *Kubelet) Run(ctx context.Context) error {
	k.mu.Lock()
	k.ctx = ctx
	k.mu.Unlock()
	for ctx.Err() == nil {
		wctx, cancel := context.WithCancel(ctx)
		k.mu.Lock()
		k.restart = cancel
		k.mu.Unlock()
		err := k.watch(wctx)
		cancel()
		if err != nil && ctx.Err() == nil {
			return err
		}
	}
	k.mu.Lock()
	runs := make([]*podRun, 0, len(k.pods))
	for _, r := range k.pods {
		runs = append(runs, r)
	}
	k.mu.Unlock()
	// The lifecycles end with ctx and stop their servers; wait for them and
	// kill the frozen ones.
	for _, r := range runs {
		k.halt(r, haltKill)
	}
	return nil
}

// RestartWatches drops the current watches and lists everything again at
// once. The agent calls it when the region's control plane is back: a
// reflector would otherwise wait out its back-off before it notices, while
// a real kubelet on a rebooted machine connects straight away.
func (k *Kubelet) RestartWatches() {
	k.mu.Lock()
	cancel := k.restart
	k.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// watch runs the node and pod informers until ctx ends.
func (k *Kubelet) watch(ctx context.Context) error {
	nodeInf := informers.NewSharedInformerFactory(k.cfg.Client, 0)
	podInf := informers.NewSharedInformerFactoryWithOptions(k.cfg.Client, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = simapi.LabelDataPlane }))
	nodes := nodeInf.Core().V1().Nodes().Informer()
	pods := podInf.Core().V1().Pods().Informer()
	k.mu.Lock()
	k.nodes = nodes.GetIndexer()
	k.mu.Unlock()
	_, _ = nodes.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { k.syncNode(obj.(*corev1.Node).Name) },
		UpdateFunc: func(_, obj any) { k.syncNode(obj.(*corev1.Node).Name) },
		DeleteFunc: func(obj any) {
			if n, ok := obj.(*corev1.Node); ok {
				k.syncNode(n.Name)
			}
		},
	})
	_, _ = pods.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { k.sync(obj.(*corev1.Pod)) },
		UpdateFunc: func(_, obj any) { k.sync(obj.(*corev1.Pod)) },
		DeleteFunc: func(obj any) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if p, ok := obj.(*corev1.Pod); ok {
				k.forget(p)
			}
		},
	})
	defer nodeInf.Shutdown()
	defer podInf.Shutdown()
	nodeInf.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), nodes.HasSynced) {
		if ctx.Err() != nil {
			return nil // restarted or stopping
		}
		return fmt.Errorf("region %s: node cache did not sync", k.cfg.Region)
	}
	podInf.Start(ctx.Done())
	<-ctx.Done()
	return nil
}

// nodeAlive reports whether kwok heartbeats the node (it has not been failed).
func (k *Kubelet) nodeAlive(name string) (*corev1.Node, bool) {
	obj, ok, _ := k.nodes.GetByKey(name)
	if !ok {
		return nil, false
	}
	n := obj.(*corev1.Node)
	return n, !simapi.NodeDown(n.Annotations)
}

// syncNode re-evaluates every pod bound to a node whose state changed.
func (k *Kubelet) syncNode(name string) {
	k.mu.Lock()
	var pods []*corev1.Pod
	for _, r := range k.pods {
		if r.pod.Spec.NodeName == name {
			pods = append(pods, r.pod)
		}
	}
	k.mu.Unlock()
	for _, p := range pods {
		k.sync(p)
	}
}

// sync brings one pod's server in line with the pod and its node.
func (k *Kubelet) sync(pod *corev1.Pod) {
	if pod.Spec.NodeName == "" {
		return
	}
	k.mu.Lock()
	r := k.pods[pod.UID]
	if r == nil {
		r = &podRun{pod: pod}
		k.pods[pod.UID] = r
	}
	r.pod = pod
	ctx := k.ctx
	k.mu.Unlock()
	if ctx == nil {
		return
	}
	node, alive := k.nodeAlive(pod.Spec.NodeName)
	switch {
	case !alive:
		// The machine is gone and its kubelet with it: nobody probes or
		// reports anything. Its servers freeze (black-hole) or, in refuse
		// mode, die at once.
		how := haltKill
		if node != nil && simapi.FailMode(node.Annotations) == simapi.ModeBlackHole {
			how = haltFreeze
		}
		k.halt(r, how)
	case pod.DeletionTimestamp != nil:
		k.terminate(ctx, r, pod)
	default:
		k.ensureRunning(ctx, r, pod, node)
	}
}

// forget drops a pod that no longer exists.
func (k *Kubelet) forget(pod *corev1.Pod) {
	k.mu.Lock()
	r := k.pods[pod.UID]
	delete(k.pods, pod.UID)
	k.mu.Unlock()
	if r != nil {
		k.halt(r, haltKill)
	}
}

// Address returns the loopback address of the pod's server (frozen or not),
// or its last one when the server has died (so traffic sent there is
// refused). ok is false for pods never started.
func (k *Kubelet) Address(uid types.UID) (addr string, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.pods[uid]
	if r == nil || r.addr == "" {
		return "", false
	}
	return r.addr, true
}

// States lists the pods the kubelet plays.
func (k *Kubelet) States() []provider.PodState {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]provider.PodState, 0, len(k.pods))
	for _, r := range k.pods {
		running := r.proc != nil && !r.proc.exited() && !r.frozen
		ps := provider.PodState{Name: r.pod.Name, Namespace: r.pod.Namespace, Labels: r.pod.Labels, Node: r.pod.Spec.NodeName,
			Address: r.addr, Running: running, Frozen: r.frozen, Ready: r.ready && running, Restarts: r.restarts}
		if !ps.Ready {
			ps.Reason = r.reason
			if !running && ps.Reason == "" {
				ps.Reason = "no server running (node down or not started)"
			}
		}
		out = append(out, ps)
	}
	return out
}

// Expire starts again the failed nodes whose fault has run out, so a
// fault ends even when the process that injected it died.
func (k *Kubelet) Expire(ctx context.Context, now time.Time) {
	k.mu.Lock()
	nodes := k.nodes
	k.mu.Unlock()
	if nodes == nil {
		return
	}
	for _, obj := range nodes.List() {
		n := obj.(*corev1.Node)
		if !simapi.NodeDown(n.Annotations) {
			continue
		}
		if until := simapi.StopUntil(n.Annotations); !until.IsZero() && now.After(until) {
			k.log.Info("node fault expired; starting the node again", "node", n.Name, "until", until.Format(time.RFC3339))
			if err := simapi.StartNode(ctx, k.cfg.Client, n.Name, k.cfg.Timeouts.NodeStatusUpdate); err != nil {
				k.log.Warn("start expired node", "node", n.Name, "err", err)
			}
		}
	}
}
