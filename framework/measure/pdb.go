package measure

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
)

// ReadySample is the number of Ready replicas from an instant on.
type ReadySample struct {
	At    time.Time `json:"at"`
	Ready int       `json:"ready"`
}

// DisruptionWindow is one voluntary disruption (a drain, a rollout).
type DisruptionWindow struct {
	Name  string    `json:"name"`
	Begin time.Time `json:"begin"`
	// End is zero while the window is open.
	End          time.Time `json:"end"`
	ReadyAtBegin int       `json:"readyAtBegin"`
	ReadyAtEnd   int       `json:"readyAtEnd"`
	// MinReady is the fewest Ready replicas seen during the window, first at MinAt.
	MinReady int       `json:"minReady"`
	MinAt    time.Time `json:"minAt"`
	// Evictions asked during the window, and how many were refused (429).
	Evictions int `json:"evictions"`
	Refused   int `json:"refused"`
}

// Eviction is one eviction the disruption asked for.
type Eviction struct {
	Pod     string    `json:"pod"`
	At      time.Time `json:"at"`
	Refused bool      `json:"refused"`
	// Window is the disruption it belongs to ("" outside any).
	Window string `json:"window,omitempty"`
}

// PDBResult is what a PDBWatcher saw.
type PDBResult struct {
	Namespace string             `json:"namespace"`
	Selector  string             `json:"selector"`
	Windows   []DisruptionWindow `json:"windows"`
	Evictions []Eviction         `json:"evictions,omitempty"`
	// Samples are the Ready counts over the whole watch, one per change.
	Samples []ReadySample `json:"samples"`
}

// MinReady is the fewest Ready replicas over every window, or -1 without windows.
func (r PDBResult) MinReady() int {
	m := -1
	for _, w := range r.Windows {
		if m < 0 || w.MinReady < m {
			m = w.MinReady
		}
	}
	return m
}

// Refused is the number of evictions refused.
func (r PDBResult) Refused() int {
	n := 0
	for _, e := range r.Evictions {
		if e.Refused {
			n++
		}
	}
	return n
}

// PDBWatcher watches the pods a PodDisruptionBudget protects (a label
// selector in a namespace) and records the fewest Ready replicas during each
// voluntary-disruption window. A pod counts as Ready when its Ready condition
// is True and it is not being deleted. Counts follow watch events, which
// arrive a few milliseconds after the API server's change.
type PDBWatcher struct {
	client    kubernetes.Interface
	namespace string
	selector  labels.Selector

	stopper
	mu        sync.Mutex
	synced    bool
	pods      map[string]bool // ready by key
	seen      map[string]bool // every key ever selected, deleted or not
	ready     int
	samples   []ReadySample
	windows   []DisruptionWindow
	open      map[string]int // window index by name
	evictions []Eviction
}

// NewPDBWatcher returns a watcher of the pods matching selector in namespace.
// A malformed selector is an error wrapping framework.ErrInvalid.
func NewPDBWatcher(client kubernetes.Interface, namespace, selector string) (*PDBWatcher, error) {
	sel, err := labels.Parse(selector)
	if err != nil {
		return nil, fmt.Errorf("pdb watcher: selector %q: %v: %w", selector, err, framework.ErrInvalid)
	}
	if namespace == "" || sel.Empty() {
		return nil, fmt.Errorf("pdb watcher: want a namespace and a non-empty selector (got %q, %q): %w", namespace, selector, framework.ErrInvalid)
	}
	return &PDBWatcher{client: client, namespace: namespace, selector: sel, pods: map[string]bool{}, seen: map[string]bool{}, open: map[string]int{}}, nil
}

// Start begins watching and returns once the current pods are known. The
// watch ends with ctx or Stop.
func (w *PDBWatcher) Start(ctx context.Context) error {
	f := informers.NewSharedInformerFactoryWithOptions(w.client, 0, informers.WithNamespace(w.namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = w.selector.String() }))
	stop, err := runInformer(ctx, f.Core().V1().Pods().Informer(), "pods "+w.selector.String()+" in "+w.namespace, w.observe)
	if err != nil {
		return fmt.Errorf("pdb watcher: %w", err)
	}
	w.set(stop)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.synced = true
	w.samples = append(w.samples, ReadySample{At: now(), Ready: w.ready})
	return nil
}

func (w *PDBWatcher) observe(key string, obj any) {
	pod, _ := obj.(*corev1.Pod)
	if pod != nil && !w.selector.Matches(labels.Set(pod.Labels)) {
		pod = nil // relabelled out of the selection
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if pod == nil {
		delete(w.pods, key)
	} else {
		w.pods[key] = podReady(pod)
		w.seen[key] = true
	}
	ready := 0
	for _, r := range w.pods {
		if r {
			ready++
		}
	}
	if !w.synced || ready == w.ready {
		w.ready = ready // the initial list is one sample, taken by Start
		return
	}
	t := now()
	w.ready = ready
	w.samples = append(w.samples, ReadySample{At: t, Ready: ready})
	for _, i := range w.open {
		if win := &w.windows[i]; ready < win.MinReady {
			win.MinReady, win.MinAt = ready, t
		}
	}
}

func podReady(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// Ready is the current number of Ready replicas.
func (w *PDBWatcher) Ready() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ready
}

// Begin opens a disruption window named name (framework.ErrExists if one of
// that name is open).
func (w *PDBWatcher) Begin(name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.synced {
		return fmt.Errorf("pdb watcher: begin %q: the watcher is not started", name)
	}
	if _, ok := w.open[name]; ok {
		return fmt.Errorf("pdb watcher: disruption window %q is already open: %w", name, framework.ErrExists)
	}
	t := now()
	w.open[name] = len(w.windows)
	w.windows = append(w.windows, DisruptionWindow{Name: name, Begin: t, ReadyAtBegin: w.ready, MinReady: w.ready, MinAt: t})
	return nil
}

// End closes the window named name (framework.ErrNotFound if none is open).
func (w *PDBWatcher) End(name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	i, ok := w.open[name]
	if !ok {
		return fmt.Errorf("pdb watcher: no open disruption window %q: %w", name, framework.ErrNotFound)
	}
	delete(w.open, name)
	w.windows[i].End, w.windows[i].ReadyAtEnd = now(), w.ready
	return nil
}

// RecordEviction records an eviction of pod ("namespace/name", or a name
// in the watched namespace) that the disruption asked for; refused is true
// when the API server answered 429 (the budget held). It counts in every
// open window. An eviction of a pod the watcher never selected (another
// workload's, on the same node) is not this budget's and is ignored.
func (w *PDBWatcher) RecordEviction(pod string, refused bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !strings.Contains(pod, "/") {
		pod = w.namespace + "/" + pod
	}
	if !w.seen[pod] {
		return
	}
	e := Eviction{Pod: pod, At: now(), Refused: refused}
	for name, i := range w.open {
		w.windows[i].Evictions++
		if refused {
			w.windows[i].Refused++
		}
		if e.Window == "" || name < e.Window {
			e.Window = name
		}
	}
	w.evictions = append(w.evictions, e)
}

// Result returns what was seen so far; open windows have a zero End.
func (w *PDBWatcher) Result() PDBResult {
	w.mu.Lock()
	defer w.mu.Unlock()
	return PDBResult{
		Namespace: w.namespace,
		Selector:  w.selector.String(),
		Windows:   append([]DisruptionWindow(nil), w.windows...),
		Evictions: append([]Eviction(nil), w.evictions...),
		Samples:   append([]ReadySample(nil), w.samples...),
	}
}
