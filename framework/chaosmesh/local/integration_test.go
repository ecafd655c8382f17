package local_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/chaosmesh/local"
)

const ns = "chaos-it"

// TestRealController runs the real chaos-controller-manager against a real
// kube-apiserver (a sim cluster) and checks what it does with gameday's objects.
func TestRealController(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: needs bin/ and brings up a sim cluster")
	}
	bin := filepath.Join(repoRoot(t), "bin")
	needBins(t, bin, "gameday", "kube-apiserver", "kwokctl", "chaos-controller-manager", "chaos-mesh-crd")
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	log := slog.New(slog.NewTextHandler(t.Output(), nil))

	kubeconfig := simCluster(t, ctx, bin)
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	kube := kubernetes.NewForConfigOrDie(rc)
	cm, err := chaosmesh.NewForConfig(rc, chaosmesh.WithLogger(log), chaosmesh.WithControllerNamespaces(local.DefaultNamespace),
		chaosmesh.WithDeleteTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := cm.Installed(ctx, chaosmesh.PodChaos); !errors.Is(err, chaosmesh.ErrNotInstalled) || !strings.Contains(err.Error(), "podchaos.chaos-mesh.org is missing") {
		t.Fatalf("Installed before installing = %v, want the missing CRD named", err)
	}
	crds, err := cm.InstallCRDs(ctx, filepath.Join(bin, "chaos-mesh-crd"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("installed %d CRDs from the pinned module", len(crds))
	if err := cm.Installed(ctx); err == nil || strings.Contains(err.Error(), "CRD") {
		t.Fatalf("Installed with CRDs and no controller = %v, want only the controller missing", err)
	}

	t0 := time.Now()
	ctl, err := local.Start(ctx, local.Config{Binary: filepath.Join(bin, "chaos-controller-manager"), Kubeconfig: kubeconfig,
		Dir: t.TempDir(), Webhooks: true, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	pid := ctl.PID()
	t.Cleanup(func() {
		if t.Failed() {
			if b, err := os.ReadFile(ctl.LogPath()); err == nil {
				t.Logf("controller log (last 8 KiB):\n%s", b[max(0, len(b)-8192):])
			}
		}
		if err := ctl.Stop(context.Background()); err != nil {
			t.Errorf("stop controller: %v", err)
		}
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("controller pid %d still exists after Stop (kill -0: %v)", pid, err)
		}
	})
	t.Logf("controller pid %d ready (lease held, webhooks called) in %s; log %s", pid, time.Since(t0).Round(time.Millisecond), ctl.LogPath())
	if err := cm.Installed(ctx); err != nil {
		t.Fatalf("Installed with the controller running: %v", err)
	}
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	run := fmt.Sprintf("it-%d", time.Now().Unix())

	t.Run("pod-kill", func(t *testing.T) { podKill(t, ctx, cm, kube, run) })
	t.Run("pod-failure injects then recovers", func(t *testing.T) { podFailure(t, ctx, cm, kube, run) })
	t.Run("network partition without chaos-daemon", func(t *testing.T) { networkWithoutDaemon(t, ctx, cm, kube, run) })
	t.Run("every kind passes schema and webhooks", func(t *testing.T) { dryRunEveryKind(t, ctx, cm, run) })
	t.Run("webhook rejects what the schema accepts", func(t *testing.T) {
		bad := podChaos("bad-mode", "app", "none", chaosv1alpha1.PodKillAction)
		bad.Spec.Mode = chaosv1alpha1.FixedMode // fixed needs a value
		err := cm.DryRun(ctx, bad, run)
		if err == nil || !strings.Contains(err.Error(), "admission webhook") {
			t.Fatalf("DryRun of mode fixed without value = %v, want refused by the admission webhook", err)
		}
		t.Logf("refused: %v", err)
	})
	t.Run("recover deletes every object of the run", func(t *testing.T) {
		for _, name := range []string{"left-1", "left-2"} {
			if _, err := cm.Apply(ctx, podChaos(name, "app", "none", chaosv1alpha1.PodKillAction), run); err != nil {
				t.Fatal(err)
			}
		}
		refs, err := cm.DeleteByLabel(ctx, chaosmesh.Selector{Run: run, Namespaces: []string{ns}})
		if err != nil || len(refs) != 2 {
			t.Fatalf("DeleteByLabel = %v, %v; want the 2 objects left", refs, err)
		}
		for _, r := range refs {
			if _, err := cm.Status(ctx, r); !apierrors.IsNotFound(err) {
				t.Errorf("%s after recover: %v, want NotFound", r, err)
			}
		}
	})
}

// waitPods creates n Pods labelled app=<app> on the simulated nodes and waits until kwok runs them.
func waitPods(t *testing.T, ctx context.Context, kube kubernetes.Interface, app string, n int) []string {
	t.Helper()
	var names []string
	for i := range n {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", app, i), Namespace: ns, Labels: map[string]string{"app": app}},
			Spec: corev1.PodSpec{
				Containers:  []corev1.Container{{Name: "server", Image: "gameday/inference-sim:dev"}},
				Tolerations: []corev1.Toleration{{Key: "kwok.x-k8s.io/node", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
			},
		}
		if _, err := kube.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
	}
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		l, err := kube.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
		if err != nil {
			return false, err
		}
		running := 0
		for _, p := range l.Items {
			if p.Status.Phase == corev1.PodRunning {
				running++
			}
		}
		return running == n, nil
	})
	if err != nil {
		t.Fatalf("pods app=%s not Running: %v", app, err)
	}
	return names
}

func podChaos(name, key, value string, action chaosv1alpha1.PodChaosAction) *chaosv1alpha1.PodChaos {
	return &chaosv1alpha1.PodChaos{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: chaosv1alpha1.PodChaosSpec{Action: action, ContainerSelector: chaosv1alpha1.ContainerSelector{PodSelector: chaosv1alpha1.PodSelector{
			Mode:     chaosv1alpha1.OneMode,
			Selector: chaosv1alpha1.PodSelectorSpec{GenericSelectorSpec: chaosv1alpha1.GenericSelectorSpec{Namespaces: []string{ns}, LabelSelectors: map[string]string{key: value}}},
		}}},
	}
}

// watchApply starts a history, then applies obj.
func watchApply(t *testing.T, ctx context.Context, cm *chaosmesh.Client, kind chaosmesh.Kind, obj interface {
	GetName() string
}, apply func() (chaosmesh.Ref, error)) (*chaosmesh.History, chaosmesh.Ref) {
	t.Helper()
	wctx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	h, err := cm.Watch(wctx, chaosmesh.Ref{Kind: kind, Namespace: ns, Name: obj.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := apply()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cm.Delete(context.WithoutCancel(ctx), ref); err != nil {
			t.Errorf("cleanup: %v", err)
		}
		for _, e := range h.Entries() {
			t.Logf("history %s: %s %s", ref, e.At.Format("15:04:05.000"), e)
		}
	})
	return h, ref
}
