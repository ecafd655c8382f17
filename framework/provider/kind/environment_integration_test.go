package kind

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/envtest/cli"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/topology"
)

// TestKindEnvironment is the kind provider end to end through the CLI:
// `gameday up --provider kind` on the small two-region topology with the
// reference platform, real kubelets and probes, a predict call through the
// data plane answered by a real pod, the zone-outage drill (every node
// container of a zone paused), the same clusters drilled again through the
// existing provider with the real Chaos Mesh (existingOnKind), and `down`
// leaving nothing of its own.
func TestKindEnvironment(t *testing.T) {
	integrationProvider(t) // skips under -short; fails when Docker or the images are missing
	c := cli.CLI{Bin: filepath.Join(repoRoot(), "bin"), State: t.TempDir()}
	for _, b := range []string{"gameday", "versitygw"} {
		if _, err := os.Stat(filepath.Join(c.Bin, b)); err != nil {
			t.Fatalf("bin/%s missing (make tools build): %v", b, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 35*time.Minute)
	defer cancel()
	name := fmt.Sprintf("k%d", os.Getpid()%100000)
	network := NamePrefix + name
	volumesBefore := dockerLines(t, "volume", "ls", "-q")
	var agentPID int
	t.Cleanup(func() {
		dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer dcancel()
		start := time.Now()
		if out, errs, code := c.Run(dctx, "down", "--name", name); code != 0 {
			t.Errorf("down: exit %d\n%s\n%s", code, out, errs)
		}
		t.Logf("MEASURE down: %s", time.Since(start).Round(time.Millisecond))
		if left := dockerLines(t, "ps", "-a", "--format", "{{.Names}}", "--filter", "name="+NamePrefix+"gd-"+name+"-"); len(left) > 0 {
			t.Errorf("containers left after down: %v", left)
		}
		if left := dockerLines(t, "network", "ls", "-q", "--filter", "name=^"+network+"$"); len(left) > 0 {
			t.Errorf("docker network %s left after down", network)
		}
		for _, v := range dockerLines(t, "volume", "ls", "-q") {
			if !slices.Contains(volumesBefore, v) {
				t.Errorf("volume %s left after down", v)
			}
		}
		if agentPID > 0 {
			if err := syscall.Kill(agentPID, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("data-plane agent pid %d still exists after down", agentPID)
			}
		}
	})
	topo := filepath.Join(repoRoot(), "fixtures", "topologies", "two-region-small.yaml")
	start := time.Now()
	c.Must(t, ctx, "up", "--name", name, "--provider", "kind", "--profile", "fast", "--topology", topo)
	t.Logf("MEASURE up --provider kind (2 regions x 4 workers, the reference platform): %s", time.Since(start).Round(time.Millisecond))

	var st struct {
		URL     string `json:"url"`
		Regions []struct {
			Name string `json:"name"`
		} `json:"regions"`
	}
	if err := json.Unmarshal([]byte(c.Must(t, ctx, "status", "--name", name, "-o", "json")), &st); err != nil {
		t.Fatal(err)
	}
	var state struct {
		AgentPID int `json:"agentPID"`
	}
	if b, err := os.ReadFile(filepath.Join(c.State, name, "state.json")); err == nil {
		_ = json.Unmarshal(b, &state)
		agentPID = state.AgentPID
	}
	kube := map[string]kubernetes.Interface{}
	for _, r := range st.Regions {
		cs, err := client(strings.TrimSpace(c.Must(t, ctx, "kubeconfig", "--name", name, "--region", r.Name)))
		if err != nil {
			t.Fatal(err)
		}
		kube[r.Name] = cs
	}
	if len(kube) != 2 {
		t.Fatalf("status lists regions %v, want 2", st.Regions)
	}
	wantZones, err := topology.Load(topo)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("real kubelet nodes in both zones advertise GPUs", func(t *testing.T) {
		for region, cs := range kube {
			nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			zones := map[string]int{}
			for _, n := range nodes.Items {
				if v := n.Status.NodeInfo.KubeletVersion; v != "v1.37.2" || !isReady(n) {
					t.Errorf("%s node %s: kubelet %s Ready %v, want v1.37.2 Ready", region, n.Name, v, isReady(n))
				}
				if z := n.Labels[topology.LabelZone]; z != "" {
					zones[z]++
					if gpu := n.Status.Allocatable[topology.ResourceGPU]; gpu.Value() != 8 {
						t.Errorf("%s node %s allocatable %s = %s, want 8 (the topology's)", region, n.Name, topology.ResourceGPU, gpu.String())
					}
				}
			}
			tr, err := wantZones.Region(region)
			if err != nil {
				t.Fatal(err)
			}
			for _, z := range tr.ZoneNames() {
				if zones[z] != 2 {
					t.Errorf("%s zone %s has %d nodes, want 2 (all: %v)", region, z, zones[z], zones)
				}
			}
		}
	})

	pods := map[string][]string{} // region -> Ready inference pods
	t.Run("the platform's pods are Ready through the kubelet's own probes", func(t *testing.T) {
		for region, cs := range kube {
			list, err := cs.CoreV1().Pods("ml-serving").List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range list.Items {
				ready := false
				for _, cond := range p.Status.Conditions {
					ready = ready || (cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue)
				}
				if len(p.Status.ContainerStatuses) == 0 || !strings.HasPrefix(p.Status.ContainerStatuses[0].ContainerID, "containerd://") ||
					p.Spec.Containers[0].Image != DefaultInferenceImage || p.Spec.Containers[0].ReadinessProbe == nil {
					t.Errorf("%s pod %s: not a probed container of %s run by containerd: %+v", region, p.Name, DefaultInferenceImage, p.Status.ContainerStatuses)
				}
				if ready {
					pods[region] = append(pods[region], p.Name)
				}
			}
			if len(pods[region]) == 0 {
				t.Errorf("%s: no Ready inference pod among %d", region, len(list.Items))
			}
		}
	})

	t.Run("a predict call through the data plane is served by a real pod", func(t *testing.T) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.URL+"/v1/models/default:predict", strings.NewReader(`{"instances": [[1,2,3,4]]}`))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		pod, region := resp.Header.Get(framework.HeaderPod), resp.Header.Get(framework.HeaderRegion)
		if resp.StatusCode != http.StatusOK || !slices.Contains(pods[region], pod) {
			t.Errorf("predict: %s, served by pod %q of region %q; want 200 from one of %v", resp.Status, pod, region, pods)
		}
		t.Logf("served by %s/%s node %s zone %s", region, pod, resp.Header.Get(framework.HeaderNode), resp.Header.Get(framework.HeaderZone))
	})

	t.Run("the zone-outage drill pauses a zone's node containers and measures", func(t *testing.T) {
		dir := t.TempDir()
		start := time.Now()
		out, errs, code := c.Run(ctx, "run", "--env", name, "--suite", "zone", "--report-dir", dir)
		t.Logf("MEASURE run --suite zone on kind: %s, exit %d\n%s", time.Since(start).Round(time.Second), code, out)
		if code != 0 && code != 1 {
			t.Fatalf("exit %d, want a verdict (0 or 1)\n%s", code, errs)
		}
		ev, err := evidence.ReadFile(filepath.Join(dir, "evidence.json"))
		if err != nil {
			t.Fatal(err)
		}
		if ev.Environment.Provider != Name || len(ev.Drills) != 1 || len(ev.Drills[0].Objectives) == 0 {
			t.Fatalf("evidence: provider %q, %d drills; want kind, one drill with objectives", ev.Environment.Provider, len(ev.Drills))
		}
		if ev.Verdict != evidence.VerdictPass && ev.Verdict != evidence.VerdictFail {
			t.Errorf("verdict %q, want pass or fail (the drill measured)", ev.Verdict)
		}
		for _, o := range ev.Drills[0].Objectives {
			t.Logf("objective %s: %s", o.Name, o.Status)
		}
		// The fault stopped the zone's node containers, and the real node
		// lifecycle controller saw each of them go NotReady.
		d := ev.Drills[0]
		if len(d.Faults) != 1 || d.Faults[0].Kind != "zone-outage" {
			t.Fatalf("faults %+v, want one zone-outage", d.Faults)
		}
		stopped := strings.Split(d.Faults[0].Parameters["nodes"], ",")
		if len(stopped) != 2 {
			t.Errorf("the zone outage stopped %v, want the zone's 2 node containers", stopped)
		}
		for _, n := range stopped {
			node := strings.TrimPrefix(n, st.Regions[0].Name+"/")
			notReady := slices.ContainsFunc(d.Events, func(e evidence.Event) bool {
				return e.Object == "node/"+node && strings.HasPrefix(e.Event, "NotReady")
			})
			if !strings.HasPrefix(node, NamePrefix+"gd-"+name+"-") || !notReady {
				t.Errorf("stopped node %s: a node container of this environment %v, went NotReady %v", n, strings.HasPrefix(node, NamePrefix), notReady)
			}
		}
		if paused := dockerLines(t, "ps", "--format", "{{.Names}}", "--filter", "status=paused", "--filter", "name="+NamePrefix+"gd-"+name+"-"); len(paused) > 0 {
			t.Errorf("node containers still paused after the drill: %v", paused)
		}
		for region, cs := range kube {
			nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range nodes.Items {
				if !isReady(n) || n.Spec.Unschedulable {
					t.Errorf("%s node %s after the drill: Ready %v, unschedulable %v", region, n.Name, isReady(n), n.Spec.Unschedulable)
				}
			}
		}
	})

	// The same clusters, adopted as clusters gameday did not create: the
	// zone outage is then Chaos Mesh's, carried out by chaos-daemon.
	t.Run("adopted by the existing provider, the zone outage is a NetworkChaos chaos-daemon carries out", func(t *testing.T) {
		existingOnKind(t, ctx, c, name, st.URL, topo, kube)
	})
}
