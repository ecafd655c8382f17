package sim

import (
	"gameday.io/gameday/framework/provider/sim/simapi"

	"context"
	"fmt"
	"strconv"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework/topology"
)

// nodeObject builds the Node a simulated GPU machine registers.
func nodeObject(n topology.Node) (*corev1.Node, error) {
	cpu, err := resource.ParseQuantity(n.CPU)
	if err != nil {
		return nil, fmt.Errorf("node %s cpu %q: %w", n.Name, n.CPU, err)
	}
	mem, err := resource.ParseQuantity(n.Memory)
	if err != nil {
		return nil, fmt.Errorf("node %s memory %q: %w", n.Name, n.Memory, err)
	}
	res := corev1.ResourceList{
		corev1.ResourceCPU:                        cpu,
		corev1.ResourceMemory:                     mem,
		corev1.ResourcePods:                       *resource.NewQuantity(int64(n.Pods), resource.DecimalSI),
		corev1.ResourceName(topology.ResourceGPU): *resource.NewQuantity(int64(n.GPUs), resource.DecimalSI),
	}
	labels := n.Labels()
	labels["type"] = "kwok"
	labels["kubernetes.io/os"] = "linux"
	labels["kubernetes.io/arch"] = "amd64"
	labels["nvidia.com/gpu.count"] = strconv.Itoa(n.GPUs)
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        n.Name,
			Labels:      labels,
			Annotations: map[string]string{simapi.AnnotationNode: simapi.AnnotationAlive, "node.alpha.kubernetes.io/ttl": "0"},
		},
		Spec: corev1.NodeSpec{
			Taints: []corev1.Taint{{Key: simapi.TaintKey, Value: simapi.AnnotationAlive, Effect: corev1.TaintEffectNoSchedule}},
		},
		Status: corev1.NodeStatus{
			Capacity:    res,
			Allocatable: res.DeepCopy(),
			NodeInfo:    corev1.NodeSystemInfo{KubeletVersion: "fake", OperatingSystem: "linux", Architecture: "amd64"},
			Phase:       corev1.NodeRunning,
		},
	}, nil
}

// registerNodes creates the nodes concurrently; nodes that already exist
// (an `up` resumed after a failure) are kept.
func registerNodes(ctx context.Context, c kubernetes.Interface, nodes []topology.Node) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, n := range nodes {
		obj, err := nodeObject(n)
		if err != nil {
			return err
		}
		g.Go(func() error {
			_, err := c.CoreV1().Nodes().Create(ctx, obj, metav1.CreateOptions{})
			if apierrors.IsAlreadyExists(err) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("create node %s: %w", obj.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}
