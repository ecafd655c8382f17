package fault

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

// nodeRecorder is a provider whose NodeController records what it is asked.
type nodeRecorder struct {
	mu    sync.Mutex
	calls []string
}

func (*nodeRecorder) Name() string                                   { return "recorder" }
func (*nodeRecorder) Check(context.Context) error                    { return nil }
func (*nodeRecorder) Delete(context.Context, provider.Cluster) error { return nil }
func (*nodeRecorder) Create(context.Context, provider.ClusterSpec) (*provider.Cluster, error) {
	return nil, framework.ErrInvalid
}

func (r *nodeRecorder) StopNode(_ context.Context, _ provider.Cluster, node string, _ time.Time, mode provider.NodeFailMode) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf("stop %s %s", node, mode))
	return nil
}

func (r *nodeRecorder) StartNode(_ context.Context, _ provider.Cluster, node string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "start "+node)
	return nil
}

var _ provider.NodeController = (*nodeRecorder)(nil)

// A zone outage passes its mode (black-hole unless refuse is asked) to the
// provider for every node, says it in the plan's steps, and starts the
// nodes on revert.
func TestZoneOutageMode(t *testing.T) {
	topo := testTopology(t)
	var nodes []runtime.Object
	for _, n := range topo.Nodes("us-east1") {
		nodes = append(nodes, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: map[string]string{topology.LabelZone: n.Zone}}})
	}
	for _, c := range []struct {
		in, mode, says string
	}{
		{"zone-outage zone=us-east1-a duration=1m", "black-hole", "hang until the caller's timeout"},
		{"zone-outage zone=us-east1-a mode=refuse duration=1m", "refuse", "connections are refused"},
	} {
		t.Run(c.mode, func(t *testing.T) {
			rec := &nodeRecorder{}
			tgt := &Target{
				Env:      &framework.Environment{Name: "t", Regions: []framework.Region{{Name: "us-east1", Zones: []string{"us-east1-a", "us-east1-b"}}}},
				Topology: topo, Provider: rec,
				Clients:  map[string]kubernetes.Interface{"us-east1": fake.NewClientset(nodes...)},
				Workload: Selector{Namespace: "ml-serving", Labels: map[string]string{"app": "inference"}},
			}
			s, err := Parse(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(topo); err != nil {
				t.Fatal(err)
			}
			if s.Mode != c.mode || !strings.Contains(s.String(), "mode="+c.mode) {
				t.Fatalf("spec %s: mode %q, want %q in the spec and its text (journal, reports)", s, s.Mode, c.mode)
			}
			p := &Plan{ID: "z", Spec: s}
			if err := (nodeFault{}).Plan(context.Background(), tgt, p); err != nil {
				t.Fatal(err)
			}
			if steps := strings.Join(p.Steps, "\n"); !strings.Contains(steps, c.says) || !strings.Contains(steps, c.mode) {
				t.Fatalf("steps do not say the mode %s:\n%s", c.mode, steps)
			}
			if err := (nodeFault{}).Inject(context.Background(), tgt, p, time.Now().Add(time.Minute), &Result{}); err != nil {
				t.Fatal(err)
			}
			if err := (nodeFault{}).Revert(context.Background(), tgt, p); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, q := range p.Nodes {
				_, n := splitQualified(q)
				want = append(want, "stop "+n+" "+c.mode, "start "+n)
			}
			slices.Sort(want)
			slices.Sort(rec.calls)
			if len(p.Nodes) == 0 || !slices.Equal(rec.calls, want) {
				t.Fatalf("provider calls %v, want %v", rec.calls, want)
			}
		})
	}
}
