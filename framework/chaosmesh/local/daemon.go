package local

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/chaosmesh"
)

// Defaults of DaemonConfig.
const (
	// DaemonName names the DaemonSet and its headless Service: the
	// controller finds a node's daemon through the EndpointSlices whose
	// names start with "chaos-daemon-" in its namespace.
	DaemonName = "chaos-daemon"
	// DaemonGRPCPort is where the controller calls the daemon (the
	// controller's CHAOS_DAEMON_SERVICE_PORT default).
	DaemonGRPCPort = 31767
	// DaemonHTTPPort serves the daemon's metrics.
	DaemonHTTPPort = 31766
	// DefaultContainerdSocket is a kind node's containerd socket.
	DefaultContainerdSocket = "/run/containerd/containerd.sock"
	// DefaultDaemonReadyTimeout bounds InstallDaemon's wait for every node.
	DefaultDaemonReadyTimeout = 3 * time.Minute
)

// DaemonConfig says which chaos-daemon to run on a cluster's nodes.
type DaemonConfig struct {
	// Image is the daemon's image, already in every node's container
	// runtime (it is never pulled): hack/kind/build-images.sh builds
	// gameday/chaos-daemon:VERSION.
	Image string
	// Namespace is the controller's namespace (default DefaultNamespace).
	Namespace string
	// ContainerdSocket is the nodes' containerd socket (default DefaultContainerdSocket).
	ContainerdSocket string
	// ReadyTimeout bounds the wait for a Ready daemon on every node (default DefaultDaemonReadyTimeout).
	ReadyTimeout time.Duration
}

// InstallDaemon runs chaos-daemon on every node of the cluster, as the
// Chaos Mesh Helm chart does: a privileged DaemonSet in the host's PID and
// network namespaces, with the node's containerd socket, tolerating every
// taint (GPU nodes are usually tainted), and a headless Service the
// controller finds each node's daemon through. The daemon talks plain gRPC
// (no certificates), which the controller uses when it has no CA configured,
// as Start's does. InstallDaemon returns once a Running, Ready daemon pod
// sits on every node, or names the nodes without one. It is idempotent.
//
// waitDaemons applies the same rule as chaosmesh.Client.DaemonNodes (which
// gameday's preflight and fault plans use) through the typed client; the
// two must stay alike.
func InstallDaemon(ctx context.Context, kube kubernetes.Interface, cfg DaemonConfig) error {
	if cfg.Image == "" {
		return framework.Invalidf("chaos-daemon", "Image is required")
	}
	if cfg.Namespace == "" {
		cfg.Namespace = DefaultNamespace
	}
	if cfg.ContainerdSocket == "" {
		cfg.ContainerdSocket = DefaultContainerdSocket
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = DefaultDaemonReadyTimeout
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: cfg.Namespace}}
	if _, err := kube.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("chaos-daemon: create namespace %s: %w", cfg.Namespace, err)
	}
	svc, ds := daemonObjects(cfg)
	if _, err := kube.CoreV1().Services(cfg.Namespace).Create(ctx, svc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("chaos-daemon: create Service %s/%s: %w", cfg.Namespace, svc.Name, err)
	}
	if _, err := kube.AppsV1().DaemonSets(cfg.Namespace).Create(ctx, ds, metav1.CreateOptions{}); apierrors.IsAlreadyExists(err) {
		cur, gerr := kube.AppsV1().DaemonSets(cfg.Namespace).Get(ctx, ds.Name, metav1.GetOptions{})
		if gerr != nil {
			return fmt.Errorf("chaos-daemon: get DaemonSet %s/%s: %w", cfg.Namespace, ds.Name, gerr)
		}
		cur.Spec.Template = ds.Spec.Template
		if _, err = kube.AppsV1().DaemonSets(cfg.Namespace).Update(ctx, cur, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("chaos-daemon: update DaemonSet %s/%s: %w", cfg.Namespace, ds.Name, err)
		}
	} else if err != nil {
		return fmt.Errorf("chaos-daemon: create DaemonSet %s/%s: %w", cfg.Namespace, ds.Name, err)
	}
	return waitDaemons(ctx, kube, cfg)
}

// waitDaemons polls until every node has a Running, Ready daemon pod.
func waitDaemons(ctx context.Context, kube kubernetes.Interface, cfg DaemonConfig) error {
	var missing []string
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, cfg.ReadyTimeout, true, func(ctx context.Context) (bool, error) {
		nodes, err := kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		pods, err := kube.CoreV1().Pods(cfg.Namespace).List(ctx, metav1.ListOptions{LabelSelector: chaosmesh.DaemonSelector})
		if err != nil {
			return false, nil
		}
		ready := map[string]bool{}
		for _, p := range pods.Items {
			if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil && podReady(p) {
				ready[p.Spec.NodeName] = true
			}
		}
		missing = missing[:0]
		for _, n := range nodes.Items {
			if !ready[n.Name] {
				missing = append(missing, n.Name)
			}
		}
		return len(nodes.Items) > 0 && len(missing) == 0, nil
	})
	if err != nil {
		sort.Strings(missing)
		return fmt.Errorf("chaos-daemon (image %s) is not Ready on node(s) %s after %s: %w",
			cfg.Image, strings.Join(missing, ", "), cfg.ReadyTimeout, err)
	}
	return nil
}

func podReady(p corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// daemonObjects are the headless Service and the DaemonSet of cfg.
func daemonObjects(cfg DaemonConfig) (*corev1.Service, *appsv1.DaemonSet) {
	labels := map[string]string{"app.kubernetes.io/name": "chaos-mesh", "app.kubernetes.io/component": "chaos-daemon", "app.kubernetes.io/managed-by": "gameday"}
	sel, _ := metav1.ParseToLabelSelector(chaosmesh.DaemonSelector)
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: DaemonName, Namespace: cfg.Namespace, Labels: labels},
		Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone,
			Selector:  sel.MatchLabels,
			Ports: []corev1.ServicePort{
				{Name: "grpc", Port: DaemonGRPCPort, TargetPort: intstr.FromInt32(DaemonGRPCPort), Protocol: corev1.ProtocolTCP},
				{Name: "http", Port: DaemonHTTPPort, TargetPort: intstr.FromInt32(DaemonHTTPPort), Protocol: corev1.ProtocolTCP},
			},
		},
	}
	socket := corev1.HostPathSocket
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: DaemonName, Namespace: cfg.Namespace, Labels: labels},
		Spec: appsv1.DaemonSetSpec{
			Selector: sel,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					// The host's network: the controller dials the node's
					// address, which this machine reaches on the docker network.
					HostNetwork:       true,
					HostPID:           true,
					DNSPolicy:         corev1.DNSClusterFirstWithHostNet,
					Tolerations:       []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
					PriorityClassName: "system-node-critical",
					Containers: []corev1.Container{{
						Name:            "chaos-daemon",
						Image:           cfg.Image,
						ImagePullPolicy: corev1.PullNever,
						Args: []string{"--runtime", "containerd", "--runtime-socket-path", cfg.ContainerdSocket,
							"--grpc-port", fmt.Sprint(DaemonGRPCPort), "--http-port", fmt.Sprint(DaemonHTTPPort)},
						SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
						Ports: []corev1.ContainerPort{
							{Name: "grpc", ContainerPort: DaemonGRPCPort, Protocol: corev1.ProtocolTCP},
							{Name: "http", ContainerPort: DaemonHTTPPort, Protocol: corev1.ProtocolTCP},
						},
						ReadinessProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(DaemonGRPCPort)}},
							PeriodSeconds: 2,
						},
						VolumeMounts: []corev1.VolumeMount{{Name: "containerd", MountPath: cfg.ContainerdSocket}},
					}},
					Volumes: []corev1.Volume{{Name: "containerd", VolumeSource: corev1.VolumeSource{
						HostPath: &corev1.HostPathVolumeSource{Path: cfg.ContainerdSocket, Type: &socket}}}},
				},
			},
		},
	}
	return svc, ds
}
