package kind

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework/topology"
)

// inferencePod is one inference server pinned to a zone, asking for a GPU,
// Ready through an httpGet probe. Its model storage endpoint is a closed port
// on this machine's docker-network address: the model never loads (so no
// traffic leaves the machine), and the probe uses /v2/health/live, which
// answers while the model loads.
func inferencePod(zone, host string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "inference-it"},
		Spec: corev1.PodSpec{
			NodeSelector: map[string]string{topology.LabelZone: zone},
			Containers: []corev1.Container{{
				Name: "inference", Image: DefaultInferenceImage, ImagePullPolicy: corev1.PullNever,
				Args: []string{"--s3-endpoint", "http://" + host + ":1", "--load-timeout", "0"},
				Env:  []corev1.EnvVar{{Name: "S3_ACCESS_KEY", Value: "it"}, {Name: "S3_SECRET_KEY", Value: "it"}},
				Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
					corev1.ResourceName(topology.ResourceGPU): resource.MustParse("1"),
				}},
				ReadinessProbe: &corev1.Probe{
					ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/v2/health/live", Port: intstr.FromInt32(8080)}},
					PeriodSeconds: 1,
				},
			}},
		},
	}
}

// waitPod waits until a pod is Ready and returns its IP.
func waitPod(t *testing.T, cs kubernetes.Interface, name string, timeout time.Duration) string {
	t.Helper()
	var pod *corev1.Pod
	var last error
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		pod, last = cs.CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
		if last != nil {
			return false, nil
		}
		for _, c := range pod.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("pod %s not Ready after %s: %v (last error: %v); status: %+v", name, timeout, err, last, pod.Status)
	}
	return pod.Status.PodIP
}

// waitNode waits until a node satisfies ok.
func waitNode(t *testing.T, cs kubernetes.Interface, name, what string, timeout time.Duration, ok func(corev1.Node) bool) {
	t.Helper()
	var node *corev1.Node
	err := wait.PollUntilContextTimeout(context.Background(), 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		var err error
		node, err = cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		return err == nil && ok(*node), nil
	})
	if err != nil {
		t.Fatalf("node %s not %s after %s: %v; taints %v, conditions %+v", name, what, timeout, err, node.Spec.Taints, node.Status.Conditions)
	}
}

func hasTaint(n corev1.Node, key string) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == key {
			return true
		}
	}
	return false
}

func dockerLines(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("docker", args...).Output()
	if err != nil {
		t.Fatalf("docker %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// logMemory logs each node container's memory use.
func logMemory(t *testing.T, kind string) {
	t.Helper()
	out := dockerLines(t, "ps", "-q", "--filter", "label=io.x-k8s.kind.cluster="+kind)
	stats, err := exec.Command("docker", append([]string{"stats", "--no-stream", "--format", "{{.Name}}={{.MemUsage}}"}, out...)...).Output()
	if err != nil {
		t.Errorf("docker stats: %v", err)
		return
	}
	t.Logf("MEASURE memory:\n%s", stats)
}

// checkNothingLeft fails when a deleted cluster left a container, volume,
// network or host route behind.
func checkNothingLeft(t *testing.T, p *Provider, kind, podSubnet string, volumesBefore []string) {
	t.Helper()
	if left := dockerLines(t, "ps", "-aq", "--filter", "label=io.x-k8s.kind.cluster="+kind); len(left) > 0 {
		t.Errorf("containers left: %v", left)
	}
	if left := dockerLines(t, "network", "ls", "-q", "--filter", "name=^"+p.Network()+"$"); len(left) > 0 {
		t.Errorf("network %s left", p.Network())
	}
	before := map[string]bool{}
	for _, v := range volumesBefore {
		before[v] = true
	}
	for _, v := range dockerLines(t, "volume", "ls", "-q") {
		if !before[v] {
			t.Errorf("volume left: %s", v)
		}
	}
	routes, err := exec.Command("ip", "-4", "route", "show", "root", podSubnet).Output()
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.TrimSpace(string(routes)); s != "" {
		t.Errorf("host routes into %s left:\n%s", podSubnet, s)
	}
	if _, found, _ := p.findSubnets(kind); found {
		t.Errorf("subnet allocation of %s left", kind)
	}
}

// repoRoot is the repository's root directory.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}
