package kind

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

// integrationProvider returns a provider for a fresh environment. It skips
// the test under -short or with GAMEDAY_KIND_TESTS=0, and fails it when
// Docker or the images are missing: `make test` prepares both
// (make kind-images).
func integrationProvider(t *testing.T) *Provider {
	t.Helper()
	if testing.Short() {
		t.Skip("creates kind clusters: skipped under -short")
	}
	if os.Getenv(KindTestsEnv) == "0" {
		t.Skipf("creates kind clusters: skipped with %s=0", KindTestsEnv)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Fatal("docker is not on PATH: run `make kind-images` (hack/kind/ensure-docker.sh installs and starts an engine)")
	}
	env := fmt.Sprintf("it%d", time.Now().UnixNano()%1e6)
	p, err := New(Config{Dir: t.TempDir(), Env: env, Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(context.Background()); err != nil {
		t.Fatalf("kind provider not usable here (run `make kind-images`): %v", err)
	}
	return p
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func regionSpec(t *testing.T, p *Provider, region string) ClusterSpec {
	t.Helper()
	fast, err := framework.TimeoutsFor(framework.ProfileFast)
	if err != nil {
		t.Fatal(err)
	}
	var nodes []topology.Node
	for _, z := range []string{"a", "b"} {
		nodes = append(nodes, topology.Node{Name: region + "-" + z + "-gpu-0", Region: region, Zone: region + "-" + z, GPUs: 2})
	}
	return ClusterSpec{Name: "gd-" + p.cfg.Env + "-" + region, Region: region, Nodes: nodes, Timeouts: fast, Dir: t.TempDir()}
}

// create creates a cluster and registers its deletion at once.
func create(t *testing.T, p *Provider, spec ClusterSpec) *Cluster {
	t.Helper()
	t.Cleanup(func() {
		if os.Getenv("GAMEDAY_KIND_RETAIN") != "" && t.Failed() {
			t.Logf("GAMEDAY_KIND_RETAIN: keeping %s (kubeconfig %s/kubeconfig)", spec.Name, spec.Dir)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := p.Delete(ctx, Cluster{Name: spec.Name, Region: spec.Region}); err != nil {
			t.Errorf("delete %s: %v", spec.Name, err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	c, err := p.Create(ctx, spec)
	if err != nil {
		t.Fatalf("create %s: %v", spec.Name, err)
	}
	t.Logf("MEASURE create %s (%d workers): %s", spec.Name, len(spec.Nodes), time.Since(start).Round(time.Millisecond))
	return c
}

func TestKindClusterLifecycle(t *testing.T) {
	p := integrationProvider(t)
	ctx := context.Background()
	volumesBefore := dockerLines(t, "volume", "ls", "-q")
	spec := regionSpec(t, p, "us-east1")
	c := create(t, p, spec)
	cs, err := client(c.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes.Items) != 3 {
		t.Fatalf("%d nodes, want a control plane and 2 workers", len(nodes.Items))
	}
	zones := map[string]string{}
	for _, n := range nodes.Items {
		if !isReady(n) || n.Status.NodeInfo.KubeletVersion != "v1.37.2" {
			t.Errorf("node %s: Ready %v, kubelet %s; want Ready, v1.37.2", n.Name, isReady(n), n.Status.NodeInfo.KubeletVersion)
		}
		if tn := n.Labels[LabelTopologyNode]; tn != "" {
			zones[tn] = n.Labels[topology.LabelZone]
			if gpu := n.Status.Allocatable[topology.ResourceGPU]; gpu.Value() != 2 {
				t.Errorf("node %s allocatable %s = %s, want 2", n.Name, topology.ResourceGPU, gpu.String())
			}
		}
	}
	for _, tn := range spec.Nodes {
		if zones[tn.Name] != tn.Zone {
			t.Errorf("topology node %s has zone %q, want %s (all: %v)", tn.Name, zones[tn.Name], tn.Zone, zones)
		}
	}
	logMemory(t, kindName(c.Name))

	host, err := p.HostAddress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pod := inferencePod(spec.Nodes[0].Zone, host)
	if _, err := cs.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ip := waitPod(t, cs, pod.Name, time.Minute)
	t.Logf("MEASURE inference pod Ready after %s at %s", time.Since(start).Round(time.Millisecond), ip)
	// The host routes reach pod IPs directly (how gameday's gateways will).
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get("http://" + ip + ":8080/v2/health/live")
	if err != nil {
		t.Fatalf("GET the pod from the host: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /v2/health/live from the host: %s", resp.Status)
	}

	victim := spec.Nodes[0].Name
	container, err := p.resolveNode(ctx, *c, victim)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if err := p.StopNode(ctx, *c, victim, time.Now().Add(10*time.Minute), provider.BlackHole); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.StartNode(context.Background(), *c, victim) })
	waitNode(t, cs, container, "NotReady with the unreachable taint", time.Minute, func(n corev1.Node) bool {
		return !isReady(n) && hasTaint(n, corev1.TaintNodeUnreachable)
	})
	t.Logf("MEASURE paused node NotReady+unreachable after %s", time.Since(start).Round(time.Millisecond))
	// The deadline lies in the future: the watchdog must leave the node alone.
	if woke, err := p.ExpireNodes(ctx, time.Now()); err != nil || len(woke) != 0 {
		t.Errorf("ExpireNodes before the deadline woke %v (%v), want none", woke, err)
	}
	start = time.Now()
	woke, err := p.ExpireNodes(ctx, time.Now().Add(11*time.Minute))
	if err != nil || len(woke) != 1 || woke[0] != container {
		t.Fatalf("ExpireNodes after the deadline woke %v (%v), want [%s]", woke, err, container)
	}
	waitNode(t, cs, container, "Ready without the unreachable taint", time.Minute, func(n corev1.Node) bool {
		return isReady(n) && !hasTaint(n, corev1.TaintNodeUnreachable)
	})
	t.Logf("MEASURE unpaused node Ready after %s", time.Since(start).Round(time.Millisecond))

	sub, found, err := p.findSubnets(kindName(c.Name))
	if err != nil || !found {
		t.Fatalf("subnets of %s: found %v, %v", c.Name, found, err)
	}
	start = time.Now()
	if err := p.Delete(ctx, *c); err != nil {
		t.Fatal(err)
	}
	t.Logf("MEASURE delete: %s", time.Since(start).Round(time.Millisecond))
	checkNothingLeft(t, p, kindName(c.Name), sub.Pods, volumesBefore)
}

// KindTestsEnv=0 skips the kind integration tests (a machine without Docker).
const KindTestsEnv = "GAMEDAY_KIND_TESTS"
