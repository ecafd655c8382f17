package sim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

func repoBin(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "bin")
}

// TestNodeLossIntegration creates one cluster with two nodes, stops one
// node's heartbeats and sees the real node lifecycle controller mark it
// NotReady, then brings it back.
func TestNodeLossIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs make tools")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	to, _ := framework.TimeoutsFor(framework.ProfileFast)
	// Longer than the fast profile's, so the wait for the next status
	// update is measurable below.
	to.NodeStatusUpdate = 3 * time.Second
	dir := t.TempDir()
	p, err := New(provider.Config{BinDir: repoBin(t), Dir: filepath.Join(dir, "kwok"), Timeouts: to})
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("gdtest-%d", os.Getpid())
	t.Cleanup(func() {
		if err := p.Delete(context.Background(), provider.Cluster{Name: name}); err != nil {
			t.Errorf("delete: %v", err)
		}
	})
	g := 2
	topo := &topology.Topology{Regions: []topology.Region{{Name: "r1", Zones: []topology.Zone{{Name: "r1-a", Nodes: 2}}}}, Node: topology.NodeSpec{GPUs: &g, GPUProduct: "A100", CPU: "8", Memory: "64Gi", Pods: &g}}
	c, err := p.Create(ctx, provider.ClusterSpec{Name: name, Region: "r1", Nodes: topo.Nodes("r1"), Timeouts: to, Dir: filepath.Join(dir, "r1")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Kubeconfig); err != nil {
		t.Fatal(err)
	}
	cs, err := cluster.Client(c.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	node := "r1-a-gpu-0"
	n, err := cs.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Status.Allocatable[corev1.ResourceName(topology.ResourceGPU)]; got.Value() != 2 {
		t.Errorf("allocatable gpus = %v", got.String())
	}
	// A healthy node must stay Ready for longer than a grace period (no
	// flapping from a lease renewed too rarely).
	other := "r1-a-gpu-1"
	start := time.Now()
	if err := p.StopNode(ctx, *c, node, time.Time{}, provider.BlackHole); err != nil {
		t.Fatal(err)
	}
	waitReady(ctx, t, p, c.Kubeconfig, node, false, to.NodeMonitorGracePeriod+30*time.Second)
	took := time.Since(start)
	t.Logf("NotReady after %s (grace %s)", took, to.NodeMonitorGracePeriod)
	// The controller may notice up to one monitor period and one lease
	// renewal interval after the grace period; never before it.
	if upper := to.NodeMonitorGracePeriod + to.NodeMonitorPeriod + to.NodeLeaseDuration/4 + 2*time.Second; took < to.NodeMonitorGracePeriod || took > upper {
		t.Errorf("NotReady after %s, want within [%s, %s]", took, to.NodeMonitorGracePeriod, upper)
	}
	if n, err := cs.CoreV1().Nodes().Get(ctx, other, metav1.GetOptions{}); err != nil || !cluster.NodeReady(n) {
		t.Errorf("healthy node %s is not Ready (%v)", other, err)
	}
	start = time.Now()
	if err := p.StartNode(ctx, *c, node); err != nil {
		t.Fatal(err)
	}
	waitReady(ctx, t, p, c.Kubeconfig, node, true, 30*time.Second)
	took = time.Since(start)
	t.Logf("Ready again after %s (status update every %s)", took, to.NodeStatusUpdate)
	// As a real kubelet: Ready on its next status update after it is back
	// (kind measured it), not at once.
	if upper := to.NodeStatusUpdate + to.NodeLeaseDuration/4 + 3*time.Second; took < to.NodeStatusUpdate-100*time.Millisecond || took > upper {
		t.Errorf("Ready again after %s, want within [%s, %s]", took, to.NodeStatusUpdate, upper)
	}
}

func waitReady(ctx context.Context, t *testing.T, p *Provider, kubeconfig, node string, want bool, timeout time.Duration) {
	t.Helper()
	cs, err := cluster.Client(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		n, err := cs.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
		if err == nil && cluster.NodeReady(n) == want {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatalf("node %s Ready != %v after %s", node, want, timeout)
}
