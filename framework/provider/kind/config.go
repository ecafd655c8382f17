package kind

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// containerdPatch is merged into every node's containerd config unless the
// node image declares it has the setting (label labelRestrictOOM): kind
// restarts containerd on every node for a patch, ~10-25 s of a create here.
// Without it pods fail on hosts where oom_score_adj cannot be lowered.
const containerdPatch = `[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
`

// labelRestrictOOM marks a node image whose containerd has restrict_oom_score_adj.
const labelRestrictOOM = "io.gameday.containerd-restrict-oom-score-adj"

// imageFacts is what kindConfig needs to know about the node image.
type imageFacts struct {
	EtcdTag          string // etcd image tag the image holds ("": kubeadm's default)
	RestrictOOMScore bool   // containerd already has restrict_oom_score_adj
}

// kindConfig returns the kind cluster for a spec: one control-plane node and
// one worker per topology node (labelled with its zone, region, GPU product and
// name), the cluster's own subnets, no default CNI, and the profile's
// control-plane timings, adapted to what the node image holds.
func (p *Provider) kindConfig(spec ClusterSpec, sub Subnets, img imageFacts) (*v1alpha4.Cluster, error) {
	if len(spec.Nodes) == 0 {
		return nil, fmt.Errorf("cluster %s: no nodes in the spec: %w", spec.Name, framework.ErrInvalid)
	}
	c := &v1alpha4.Cluster{
		TypeMeta: v1alpha4.TypeMeta{Kind: "Cluster", APIVersion: "kind.x-k8s.io/v1alpha4"},
		Name:     kindName(spec.Name),
		Networking: v1alpha4.Networking{
			IPFamily:          v1alpha4.IPv4Family,
			PodSubnet:         sub.Pods,
			ServiceSubnet:     sub.Service,
			DisableDefaultCNI: true,
			APIServerAddress:  "127.0.0.1",
		},
		KubeadmConfigPatches: kubeadmPatches(spec.Timeouts, img.EtcdTag),
	}
	if !img.RestrictOOMScore {
		c.ContainerdConfigPatches = []string{containerdPatch}
	}
	if ops := timeoutArgs(spec.Timeouts); ops != "" {
		c.KubeadmConfigPatchesJSON6902 = []v1alpha4.PatchJSON6902{{
			Group: "kubeadm.k8s.io", Version: "v1beta4", Kind: "ClusterConfiguration", Patch: ops,
		}}
	}
	c.Nodes = append(c.Nodes, v1alpha4.Node{
		Role: v1alpha4.ControlPlaneRole, Image: p.NodeImage,
		Labels: map[string]string{topology.LabelRegion: spec.Region},
	})
	for _, n := range spec.Nodes {
		if n.Region != "" && n.Region != spec.Region {
			return nil, fmt.Errorf("cluster %s: node %s is in region %s, not %s: %w", spec.Name, n.Name, n.Region, spec.Region, framework.ErrInvalid)
		}
		c.Nodes = append(c.Nodes, v1alpha4.Node{Role: v1alpha4.WorkerRole, Image: p.WorkerImage, Labels: nodeLabels(n, spec.Region)})
	}
	return c, nil
}

// nodeLabels are a worker's labels. kubelet sets kubernetes.io/hostname
// itself (the container name), so the topology name goes in LabelTopologyNode.
func nodeLabels(n topology.Node, region string) map[string]string {
	l := map[string]string{
		topology.LabelRegion: region,
		topology.LabelZone:   n.Zone,
		LabelTopologyNode:    n.Name,
	}
	if n.GPUProduct != "" {
		l[topology.LabelGPUProduct] = n.GPUProduct
	}
	return l
}

// workerContainers returns the container (and Kubernetes node) name of each
// topology node, in spec order: kind names workers <cluster>-worker,
// <cluster>-worker2, ... in the order of its config.
func workerContainers(name string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = kindName(name) + "-worker"
		if i > 0 {
			out[i] += strconv.Itoa(i + 1)
		}
	}
	return out
}

// podResolvConf is the resolv.conf the node image writes for pods (see
// hack/kind/images/node: the node's own address, no DNS leaves the machine).
const podResolvConf = "/etc/gameday/pod-resolv.conf"

// kubeadmPatches are strategic-merge patches of kind's kubeadm documents:
// kubelet >= 1.35 refuses cgroup v1 unless failCgroupV1 is false (hosts like
// this CI VM mount v1), pods get the node image's resolv.conf instead of
// docker's embedded DNS, the node lease and status updates follow the
// profile, and etcd uses the image the node holds.
func kubeadmPatches(t framework.Timeouts, etcdTag string) []string {
	kubelet := "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfailCgroupV1: false\nresolvConf: " + podResolvConf + "\n"
	if t.NodeLeaseDuration > 0 {
		kubelet += fmt.Sprintf("nodeLeaseDurationSeconds: %d\n", seconds(t.NodeLeaseDuration))
	}
	if t.NodeStatusUpdate > 0 {
		kubelet += fmt.Sprintf("nodeStatusUpdateFrequency: %s\n", t.NodeStatusUpdate)
	}
	out := []string{kubelet}
	if etcdTag != "" {
		out = append(out, fmt.Sprintf("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\netcd:\n  local:\n    imageTag: %q\n", etcdTag))
	}
	return out
}

// timeoutArgs returns a JSON 6902 patch (YAML) appending the profile's
// control-plane flags to kind's kubeadm ClusterConfiguration extraArgs lists
// (v1beta4 lists of name/value; a merge patch would replace kind's own).
// Zero timings are left at Kubernetes' defaults.
func timeoutArgs(t framework.Timeouts) string {
	var b strings.Builder
	add := func(component, name, value string) {
		fmt.Fprintf(&b, "- op: add\n  path: /%s/extraArgs/-\n  value: {name: %q, value: %q}\n", component, name, value)
	}
	if t.NodeMonitorGracePeriod > 0 {
		add("controllerManager", "node-monitor-grace-period", t.NodeMonitorGracePeriod.String())
	}
	if t.NodeMonitorPeriod > 0 {
		add("controllerManager", "node-monitor-period", t.NodeMonitorPeriod.String())
	}
	if t.NodeEvictionRate > 0 {
		add("controllerManager", "node-eviction-rate", strconv.FormatFloat(t.NodeEvictionRate, 'g', -1, 64))
	}
	if t.NotReadyToleration > 0 {
		add("apiServer", "default-not-ready-toleration-seconds", strconv.Itoa(seconds(t.NotReadyToleration)))
	}
	if t.UnreachableToleration > 0 {
		add("apiServer", "default-unreachable-toleration-seconds", strconv.Itoa(seconds(t.UnreachableToleration)))
	}
	return b.String()
}

// seconds rounds a duration up to whole seconds (at least 1).
func seconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
