package environment_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/envtest"
	"gameday.io/gameday/framework/platform"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// TestUpDefaultEnvironment brings the default two-region environment up,
// checks nodes, zones and GPUs, lets the real scheduler place the seed's
// Deployment and the disruption controller evaluate its PDB, then tears down
// and checks that no process it started is still running.
func TestUpDefaultEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs make tools")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root := repoRoot()
	store := environment.Store{Root: t.TempDir()}
	name := "it" + strconv.Itoa(os.Getpid()%100000)
	rec, err := environment.Up(ctx, store, environment.Options{
		Name: name, Profile: framework.ProfileFast, BinDir: filepath.Join(root, "bin"),
		TopologyFile: filepath.Join(root, fixtures.DefaultTopologyFile), Bare: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	procs := envtest.Processes(rec.StateDir)
	downed := false
	t.Cleanup(func() {
		if !downed {
			_ = environment.Down(context.Background(), store, name, nil)
		}
	})
	if len(procs) < 10 {
		t.Errorf("found %d control-plane processes, want at least 10 (5 per region)", len(procs))
	}

	zones := map[string]int{}
	for _, r := range rec.Regions {
		c, err := cluster.Client(r.Kubeconfig)
		if err != nil {
			t.Fatal(err)
		}
		nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes.Items {
			if !cluster.NodeReady(&n) {
				t.Errorf("node %s is not Ready", n.Name)
			}
			if n.Labels[topology.LabelRegion] != r.Name || n.Labels[topology.LabelHostname] != n.Name || n.Labels[topology.LabelGPUProduct] == "" {
				t.Errorf("node %s labels: %v", n.Name, n.Labels)
			}
			gpus := n.Status.Allocatable[corev1.ResourceName(topology.ResourceGPU)]
			capGPUs := n.Status.Capacity[corev1.ResourceName(topology.ResourceGPU)]
			if gpus.Value() != 8 || capGPUs.Value() != 8 {
				t.Errorf("node %s: %s allocatable, %s capacity GPUs, want 8", n.Name, gpus.String(), capGPUs.String())
			}
			zones[n.Labels[topology.LabelZone]]++
		}
	}
	if len(zones) != 4 {
		t.Errorf("zones = %v, want 4 zones", zones)
	}
	total := 0
	for _, n := range zones {
		total += n
	}
	if total != 12 {
		t.Errorf("%d nodes, want 12", total)
	}

	// The seed's Deployment and PDB, in the primary region. kwok plays these
	// pods (the data-plane label is removed: this test is about the control plane).
	ref, err := fixtures.Reference()
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := platform.Prepare(ref)
	if err != nil {
		t.Fatal(err)
	}
	primary, _ := rec.Primary()
	prov, err := environment.ProviderOf(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prov.(provider.PlatformAdapter).Adapt(m, provider.AdaptInput{Region: primary.Name}); err != nil {
		t.Fatal(err)
	}
	delete(m.Deployments[0].Spec.Template.Labels, "gameday.io/dataplane")
	m.Services, m.ConfigMaps = nil, nil
	c, err := cluster.Client(primary.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := platform.Apply(ctx, c, m); err != nil {
		t.Fatal(err)
	}
	if err := platform.WaitReady(ctx, c, m.Deployments[0].Namespace, m.Deployments[0].Name, 6, time.Minute, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	pods, err := c.CoreV1().Pods(m.Deployments[0].Namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=inference"})
	if err != nil {
		t.Fatal(err)
	}
	perZone := map[string]int{}
	for _, p := range pods.Items {
		n, err := c.CoreV1().Nodes().Get(ctx, p.Spec.NodeName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		perZone[n.Labels[topology.LabelZone]]++
	}
	if len(perZone) != 2 || abs(perZone[primary.Zones[0]]-perZone[primary.Zones[1]]) > 1 {
		t.Errorf("replicas per zone %v: want both zones with skew <= 1", perZone)
	}
	var allowed int32
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		pdb, err := c.PolicyV1().PodDisruptionBudgets(m.PDBs[0].Namespace).Get(ctx, m.PDBs[0].Name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		allowed = pdb.Status.DisruptionsAllowed
		return pdb.Status.CurrentHealthy == 6 && allowed == 2, nil
	})
	if err != nil {
		t.Fatalf("PDB disruptionsAllowed = %d, want 2 (6 healthy, minAvailable 4): %v", allowed, err)
	}
	t.Logf("replicas per zone %v; PDB allows %d disruptions", perZone, allowed)

	if err := environment.Down(ctx, store, name, nil); err != nil {
		t.Fatal(err)
	}
	downed = true
	for _, p := range procs {
		if p.Running() {
			t.Errorf("process %d still running after down", p.PID)
		}
	}
	if _, err := os.Stat(rec.StateDir); !os.IsNotExist(err) {
		t.Errorf("state directory %s left behind", rec.StateDir)
	}
	reg := cluster.DefaultPortRegistry()
	entries, _ := os.ReadDir(reg.Dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(reg.Dir, e.Name()))
		if strings.HasPrefix(string(b), environment.ClusterName(name, "")) {
			t.Errorf("port %s still registered to %s after down", e.Name(), strings.TrimSpace(string(b)))
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
