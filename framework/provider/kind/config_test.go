package kind

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

func testProvider(t *testing.T) *Provider {
	t.Helper()
	p, err := New(Config{Dir: t.TempDir(), Env: "unit", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	p.SubnetDir = t.TempDir()
	return p
}

func twoZoneSpec() ClusterSpec {
	return ClusterSpec{
		Name: "gd-unit-us-east1", Region: "us-east1", Dir: "/nonexistent",
		Nodes: []topology.Node{
			{Name: "us-east1-a-gpu-0", Region: "us-east1", Zone: "us-east1-a", GPUs: 8, GPUProduct: "H100"},
			{Name: "us-east1-b-gpu-0", Region: "us-east1", Zone: "us-east1-b", GPUs: 4},
		},
	}
}

func TestKindConfigNodesAndNetworking(t *testing.T) {
	p := testProvider(t)
	fast, err := framework.TimeoutsFor(framework.ProfileFast)
	if err != nil {
		t.Fatal(err)
	}
	spec := twoZoneSpec()
	spec.Timeouts = fast
	c, err := p.kindConfig(spec, subnetsFor(3), imageFacts{EtcdTag: "3.6.8-0"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "gdk-gd-unit-us-east1" {
		t.Errorf("name %q, want the gdk- prefix", c.Name)
	}
	n := c.Networking
	if !n.DisableDefaultCNI || n.PodSubnet != "10.103.0.0/16" || n.ServiceSubnet != "10.203.0.0/16" {
		t.Errorf("networking %+v: want no default CNI, pods 10.103.0.0/16, services 10.203.0.0/16", n)
	}
	if len(c.Nodes) != 3 || c.Nodes[0].Role != v1alpha4.ControlPlaneRole || c.Nodes[0].Image != DefaultNodeImage {
		t.Fatalf("nodes %+v: want a control plane (%s) and 2 workers", c.Nodes, DefaultNodeImage)
	}
	for i, w := range c.Nodes[1:] {
		tn := spec.Nodes[i]
		if w.Role != v1alpha4.WorkerRole || w.Image != DefaultWorkerImage {
			t.Errorf("worker %d: role %s image %s", i, w.Role, w.Image)
		}
		if w.Labels[topology.LabelZone] != tn.Zone || w.Labels[topology.LabelRegion] != "us-east1" || w.Labels[LabelTopologyNode] != tn.Name {
			t.Errorf("worker %d labels %v: want zone %s, region us-east1, node %s", i, w.Labels, tn.Zone, tn.Name)
		}
		if _, ok := w.Labels[topology.LabelHostname]; ok {
			t.Errorf("worker %d sets %s, which kubelet owns", i, topology.LabelHostname)
		}
	}
	if c.Nodes[1].Labels[topology.LabelGPUProduct] != "H100" {
		t.Errorf("worker 0 labels %v: want the GPU product", c.Nodes[1].Labels)
	}
	patches := strings.Join(c.KubeadmConfigPatches, "\n---\n")
	for _, want := range []string{"failCgroupV1: false", "resolvConf: /etc/gameday/pod-resolv.conf", "nodeLeaseDurationSeconds: 6", `imageTag: "3.6.8-0"`} {
		if !strings.Contains(patches, want) {
			t.Errorf("kubeadm patches lack %q:\n%s", want, patches)
		}
	}
	if len(c.ContainerdConfigPatches) != 1 || !strings.Contains(c.ContainerdConfigPatches[0], "restrict_oom_score_adj = true") {
		t.Errorf("containerd patches %q", c.ContainerdConfigPatches)
	}
	withOOM, err := p.kindConfig(spec, subnetsFor(3), imageFacts{RestrictOOMScore: true})
	if err != nil || len(withOOM.ContainerdConfigPatches) != 0 {
		t.Errorf("an image with restrict_oom_score_adj still gets containerd patches %q (%v)", withOOM.ContainerdConfigPatches, err)
	}
	if len(c.KubeadmConfigPatchesJSON6902) != 1 {
		t.Fatalf("JSON 6902 patches %+v: want one for the timings", c.KubeadmConfigPatchesJSON6902)
	}
}

func TestTimeoutArgs(t *testing.T) {
	got := timeoutArgs(framework.Timeouts{
		NodeMonitorGracePeriod: 8 * time.Second, NodeMonitorPeriod: time.Second, NodeEvictionRate: 2,
		NotReadyToleration: 10 * time.Second, UnreachableToleration: 1500 * time.Millisecond,
	})
	for _, want := range []string{
		`path: /controllerManager/extraArgs/-` + "\n" + `  value: {name: "node-monitor-grace-period", value: "8s"}`,
		`{name: "node-monitor-period", value: "1s"}`,
		`{name: "node-eviction-rate", value: "2"}`,
		`path: /apiServer/extraArgs/-` + "\n" + `  value: {name: "default-not-ready-toleration-seconds", value: "10"}`,
		`{name: "default-unreachable-toleration-seconds", value: "2"}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("timeout args lack %q:\n%s", want, got)
		}
	}
	if s := timeoutArgs(framework.Timeouts{}); s != "" {
		t.Errorf("zero timings give %q, want no patch (Kubernetes defaults)", s)
	}
}

func TestKindConfigRejectsBadSpecs(t *testing.T) {
	p := testProvider(t)
	for name, mutate := range map[string]func(*ClusterSpec){
		"no nodes":     func(s *ClusterSpec) { s.Nodes = nil },
		"other region": func(s *ClusterSpec) { s.Nodes[1].Region = "eu-west1" },
	} {
		t.Run(name, func(t *testing.T) {
			spec := twoZoneSpec()
			mutate(&spec)
			if _, err := p.kindConfig(spec, subnetsFor(0), imageFacts{}); !errors.Is(err, framework.ErrInvalid) {
				t.Errorf("err %v, want ErrInvalid", err)
			}
		})
	}
}

func TestWorkerContainersFollowKindNaming(t *testing.T) {
	got := workerContainers("gd-x", 3)
	want := []string{"gdk-gd-x-worker", "gdk-gd-x-worker2", "gdk-gd-x-worker3"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestCNIConfigCarriesThePodRange(t *testing.T) {
	s, err := cniConfig("10.100.2.0/24")
	if err != nil {
		t.Fatal(err)
	}
	var conf struct {
		Plugins []struct {
			Type string `json:"type"`
			IPAM struct {
				Ranges [][]struct{ Subnet string } `json:"ranges"`
			} `json:"ipam"`
		} `json:"plugins"`
	}
	if err := json.Unmarshal([]byte(s), &conf); err != nil {
		t.Fatalf("%v:\n%s", err, s)
	}
	if len(conf.Plugins) != 2 || conf.Plugins[0].Type != "bridge" || conf.Plugins[1].Type != "portmap" ||
		conf.Plugins[0].IPAM.Ranges[0][0].Subnet != "10.100.2.0/24" {
		t.Errorf("conf %+v: want bridge with 10.100.2.0/24, then portmap", conf)
	}
}
