package measure

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
)

// ClusterEvent is one change the control plane made while a drill ran: a
// node turning NotReady or gaining a NoExecute taint, a pod being evicted,
// created, scheduled or turning Ready. Together they say where the time to
// recover went (lost node → taint → eviction → replacement → Ready).
type ClusterEvent struct {
	At     time.Time `json:"at"`
	Region string    `json:"region"`
	// Object is "node/NAME", "pod/NAME" or, with monitoring, "alert/NAME"
	// (a Prometheus alert of the platform's rules, its state as Event).
	Object string `json:"object"`
	// Event says what changed ("NotReady (NodeStatusUnknown)", "scheduled to
	// NODE", "Ready", "deleting (DeletionByTaintManager)", ...).
	Event string `json:"event"`
}

// Event texts the recorder writes; the diagnosis below counts by them.
const (
	EventNodeNotReady = "NotReady"
	EventNodeReady    = "Ready"
	EventCreated      = "created"
	EventPodReady     = "Ready"
	EventPodNotReady  = "not Ready"
	EventPodDeleting  = "deleting"
	EventDeleted      = "deleted"
	eventScheduled    = "scheduled to "
	eventTaintAdded   = "taint added "
	eventTaintRemoved = "taint removed "
)

// MaxClusterEvents bounds the events one recorder keeps (a 600-node region
// flapping would otherwise grow without bound); later ones are counted in
// Dropped.
const MaxClusterEvents = 2000

// EventRecorder records, for one region, node readiness and NoExecute taint
// changes and the lifecycle of the pods a selector picks. Only changes after
// Start are recorded: the state at Start is the baseline.
type EventRecorder struct {
	client kubernetes.Interface
	region string
	pods   []PodSelection

	stopper
	mu      sync.Mutex
	started bool
	state   map[string]objectState // by Object
	events  []ClusterEvent
	dropped int
}

// objectState is what the recorder compares between two versions of an object.
type objectState struct {
	ready    string   // node Ready condition status, or pod "true"/"false"
	taints   []string // node NoExecute taints, "key:Effect"
	node     string   // pod's node
	deleting bool
}

// PodSelection picks pods: those in Namespace that match Selector (a label
// selector; "" matches every pod of the namespace).
type PodSelection struct {
	Namespace, Selector string
}

// NewEventRecorder returns a recorder of region's nodes and of the pods each
// selection picks (one workload's pods each, say).
func NewEventRecorder(client kubernetes.Interface, region string, pods ...PodSelection) *EventRecorder {
	return &EventRecorder{client: client, region: region, pods: pods, state: map[string]objectState{}}
}

// Start begins recording and returns once the current state is known.
func (r *EventRecorder) Start(ctx context.Context) error {
	nodes := informers.NewSharedInformerFactory(r.client, 0)
	stopNodes, err := runInformer(ctx, nodes.Core().V1().Nodes().Informer(), "nodes in "+r.region, r.observeNode)
	if err != nil {
		return fmt.Errorf("event recorder: %w", err)
	}
	stops := []func(){stopNodes}
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	for _, sel := range r.pods {
		pods := informers.NewSharedInformerFactoryWithOptions(r.client, 0, informers.WithNamespace(sel.Namespace),
			informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = sel.Selector }))
		stopPods, err := runInformer(ctx, pods.Core().V1().Pods().Informer(), "pods in "+r.region, r.observePod)
		if err != nil {
			stopAll()
			return fmt.Errorf("event recorder: %w", err)
		}
		stops = append(stops, stopPods)
	}
	r.set(stopAll)
	r.mu.Lock()
	r.started = true
	r.mu.Unlock()
	return nil
}

// Events returns the events so far, in order.
func (r *EventRecorder) Events() []ClusterEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// Dropped is how many events were not kept (over MaxClusterEvents).
func (r *EventRecorder) Dropped() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

func (r *EventRecorder) observeNode(key string, obj any) {
	object := "node/" + key
	if obj == nil {
		r.deleted(object)
		return
	}
	n, ok := obj.(*corev1.Node)
	if !ok {
		return
	}
	s := objectState{ready: string(corev1.ConditionUnknown)}
	reason := ""
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			s.ready, reason = string(c.Status), c.Reason
		}
	}
	for _, t := range n.Spec.Taints {
		if t.Effect == corev1.TaintEffectNoExecute {
			s.taints = append(s.taints, t.Key+":"+string(t.Effect))
		}
	}
	slices.Sort(s.taints)
	r.mu.Lock()
	defer r.mu.Unlock()
	prev, fresh, recording := r.replace(object, s)
	if !recording || fresh {
		return
	}
	if prev.ready != s.ready {
		if s.ready == string(corev1.ConditionTrue) {
			r.add(object, EventNodeReady)
		} else {
			r.add(object, fmt.Sprintf("%s (%s: %s)", EventNodeNotReady, s.ready, reason))
		}
	}
	for _, t := range s.taints {
		if !slices.Contains(prev.taints, t) {
			r.add(object, eventTaintAdded+t)
		}
	}
	for _, t := range prev.taints {
		if !slices.Contains(s.taints, t) {
			r.add(object, eventTaintRemoved+t)
		}
	}
}

func (r *EventRecorder) observePod(key string, obj any) {
	object := "pod/" + key[strings.LastIndexByte(key, '/')+1:]
	if obj == nil {
		r.deleted(object)
		return
	}
	p, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	s := objectState{ready: "false", node: p.Spec.NodeName, deleting: p.DeletionTimestamp != nil}
	disruption := ""
	for _, c := range p.Status.Conditions {
		switch c.Type {
		case corev1.PodReady:
			if c.Status == corev1.ConditionTrue {
				s.ready = "true"
			}
		case corev1.DisruptionTarget:
			if c.Status == corev1.ConditionTrue {
				disruption = c.Reason
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	prev, fresh, recording := r.replace(object, s)
	if !recording {
		return
	}
	if fresh {
		prev = objectState{ready: "false"}
	}
	if s.node != prev.node && s.node != "" {
		r.add(object, eventScheduled+s.node)
	}
	if s.ready != prev.ready {
		if s.ready == "true" {
			r.add(object, EventPodReady)
		} else {
			r.add(object, EventPodNotReady)
		}
	}
	if s.deleting && !prev.deleting {
		if disruption != "" {
			r.add(object, EventPodDeleting+" ("+disruption+")")
		} else {
			r.add(object, EventPodDeleting)
		}
	}
}

// replace stores s as object's state and returns the one it had. Before
// Start nothing is recorded (the state then is the baseline); after it, an
// object not seen before is fresh and recorded as created. r.mu must be held.
func (r *EventRecorder) replace(object string, s objectState) (prev objectState, fresh, recording bool) {
	prev, seen := r.state[object]
	r.state[object] = s
	if !r.started {
		return prev, false, false
	}
	if !seen {
		r.add(object, EventCreated)
	}
	return prev, !seen, true
}

// deleted records a deletion and forgets the object.
func (r *EventRecorder) deleted(object string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.state, object)
	if r.started {
		r.add(object, EventDeleted)
	}
}

// add appends an event; r.mu must be held.
func (r *EventRecorder) add(object, event string) {
	if len(r.events) >= MaxClusterEvents {
		r.dropped++
		return
	}
	r.events = append(r.events, ClusterEvent{At: now(), Region: r.region, Object: object, Event: event})
}

// RecoveryChain summarises the events of pods in [from, to): how many were
// evicted or deleted, how many replacements were created, scheduled and
// became Ready, and the last event seen. It answers "why did capacity not
// come back": no eviction, no scheduling, or replacements never Ready.
type RecoveryChain struct {
	Deleting, Created, Scheduled, Ready int
	Last                                *ClusterEvent
}

// Chain returns the RecoveryChain of events (of any region) in [from, to).
func Chain(events []ClusterEvent, region string, from, to time.Time) RecoveryChain {
	var c RecoveryChain
	for i, e := range events {
		if e.Region != region || !strings.HasPrefix(e.Object, "pod/") || e.At.Before(from) || !e.At.Before(to) {
			continue
		}
		switch {
		case strings.HasPrefix(e.Event, EventPodDeleting):
			c.Deleting++
		case e.Event == EventCreated:
			c.Created++
		case strings.HasPrefix(e.Event, eventScheduled):
			c.Scheduled++
		case e.Event == EventPodReady:
			c.Ready++
		}
		c.Last = &events[i]
	}
	return c
}

// String renders the chain for an objective's detail, offsets from from.
func (c RecoveryChain) String(from time.Time) string {
	s := fmt.Sprintf("pods deleting %d, replacements created %d, scheduled %d, Ready %d", c.Deleting, c.Created, c.Scheduled, c.Ready)
	if c.Last != nil {
		s += fmt.Sprintf("; last: %s %s at +%.1f s", c.Last.Object, c.Last.Event, c.Last.At.Sub(from).Seconds())
	}
	return s
}

// NodesNotReady returns the nodes of events that turned NotReady in
// [from, to), in order of first occurrence, as "region/node".
func NodesNotReady(events []ClusterEvent, from, to time.Time) []string {
	var out []string
	for _, e := range events {
		if !strings.HasPrefix(e.Object, "node/") || !strings.HasPrefix(e.Event, EventNodeNotReady) || e.At.Before(from) || !e.At.Before(to) {
			continue
		}
		n := e.Region + "/" + strings.TrimPrefix(e.Object, "node/")
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// UntaintedNotReady returns the nodes ("region/node") that turned NotReady
// in [from, to), stayed NotReady for at least minDown, and got no NoExecute
// taint in that time: the node lifecycle controller did not start evicting
// their pods (it stops in a zone it considers disrupted).
func UntaintedNotReady(events []ClusterEvent, from, to time.Time, minDown time.Duration) []string {
	type down struct {
		since   time.Time
		tainted bool
	}
	open := map[string]*down{}
	var out []string
	judge := func(n string, d *down, until time.Time) {
		if !d.tainted && until.Sub(d.since) >= minDown && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, e := range events {
		if !strings.HasPrefix(e.Object, "node/") || e.At.Before(from) || !e.At.Before(to) {
			continue
		}
		n := e.Region + "/" + strings.TrimPrefix(e.Object, "node/")
		switch {
		case strings.HasPrefix(e.Event, EventNodeNotReady):
			if open[n] == nil {
				open[n] = &down{since: e.At}
			}
		case strings.HasPrefix(e.Event, eventTaintAdded) && strings.HasSuffix(e.Event, ":NoExecute"):
			if d := open[n]; d != nil {
				d.tainted = true
			}
		case e.Event == EventNodeReady || e.Event == EventDeleted:
			if d := open[n]; d != nil {
				judge(n, d, e.At)
				delete(open, n)
			}
		}
	}
	for n, d := range open {
		judge(n, d, to)
	}
	slices.Sort(out)
	return out
}
