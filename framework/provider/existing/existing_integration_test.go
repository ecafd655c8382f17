package existing_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/chaosmesh/local"
	"gameday.io/gameday/framework/envtest/cli"
	"gameday.io/gameday/framework/topology"
)

// foreign is two sim clusters running the reference platform, made by
// `gameday up` and then drilled as clusters gameday did not create, each
// with the real Chaos Mesh controller.
type foreign struct {
	bin     string
	state   string
	src     string                          // the sim environment's name
	regions []string                        // region names, primary first
	kc      map[string]string               // region -> kubeconfig file
	ctx     map[string]string               // region -> its context name
	kube    map[string]kubernetes.Interface // region -> client
	cm      map[string]*chaosmesh.Client    // region -> Chaos Mesh client
	dyn     map[string]dynamic.Interface    // region -> dynamic client
	url     string
	ns      string // the platform's namespace
}

// gameday runs bin/gameday with the test's state directory and returns its
// stdout, stderr and exit code (-1 when it could not run).
func (f *foreign) gameday(ctx context.Context, args ...string) (string, string, int) {
	return cli.CLI{Bin: f.bin, State: f.state}.Run(ctx, args...)
}

func (f *foreign) must(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	return cli.CLI{Bin: f.bin, State: f.state}.Must(t, ctx, args...)
}

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// topologyFile writes an existing topology over the foreign clusters; allow
// lists the contexts it allow-lists itself.
func (f *foreign) topologyFile(name string, kc map[string]string, allow ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: gameday.io/v1alpha1\nkind: Topology\nmetadata: {name: %s}\nexisting:\n  url: %s\n", name, f.url)
	if len(allow) > 0 {
		fmt.Fprintf(&b, "  allowContexts: [%s]\n", strings.Join(allow, ", "))
	}
	b.WriteString("regions:\n")
	for i, r := range f.regions {
		role := "dr"
		if i == 0 {
			role = "primary"
		}
		fmt.Fprintf(&b, "- name: %s\n  role: %s\n  cluster: {kubeconfig: %s, context: %s}\n  zones:\n  - {name: %s-a}\n  - {name: %s-b}\n", r, role, kc[r], f.ctx[r], r, r)
	}
	p := filepath.Join(f.state, name+".yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		panic(err) // the test's own temporary directory
	}
	return p
}

// upAs adopts the clusters as environment name through the kubeconfigs kcs
// (one per region, context "NAME-REGION"), allow-listing nothing.
func (f *foreign) upAs(t *testing.T, ctx context.Context, name string, kcs map[string]string) {
	t.Helper()
	saved := f.ctx
	f.ctx = map[string]string{}
	for _, r := range f.regions {
		f.ctx[r] = name + "-" + r
	}
	topo := f.topologyFile(name, kcs)
	f.ctx = saved
	f.must(t, ctx, "up", "--name", name, "--topology", topo)
}

// chaosObjects lists the Chaos Mesh objects of the kinds gameday applies in
// the platform's namespace of every region.
func (f *foreign) chaosObjects(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var out []string
	for _, r := range f.regions {
		for _, k := range []chaosmesh.Kind{chaosmesh.PodChaos, chaosmesh.NetworkChaos} {
			gvr, _ := k.Resource()
			list, err := f.dyn[r].Resource(gvr).Namespace(f.ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatalf("list %s in %s: %v", k, r, err)
			}
			for _, it := range list.Items {
				out = append(out, r+"/"+string(k)+"/"+it.GetName())
			}
		}
	}
	return out
}

func setUp(t *testing.T, ctx context.Context) *foreign {
	bin := filepath.Join(repoRoot(t), "bin")
	for _, n := range []string{"gameday", "inference-sim", "versitygw", "kube-apiserver", "kwokctl", "chaos-controller-manager", "chaos-mesh-crd"} {
		if _, err := os.Stat(filepath.Join(bin, n)); err != nil {
			t.Skipf("bin/%s missing (make tools build): %v", n, err)
		}
	}
	f := &foreign{bin: bin, state: t.TempDir(), src: fmt.Sprintf("src%d", os.Getpid()%100000),
		kc: map[string]string{}, ctx: map[string]string{}, kube: map[string]kubernetes.Interface{}, cm: map[string]*chaosmesh.Client{}, dyn: map[string]dynamic.Interface{}, ns: "ml-serving"}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if out, errs, code := f.gameday(ctx, "down", "--name", f.src); code != 0 {
			t.Errorf("down %s: exit %d %s %s", f.src, code, out, errs)
		}
	})
	t0 := time.Now()
	f.must(t, ctx, "up", "--name", f.src, "--profile", "fast")
	t.Logf("the clusters to drill: sim environment %s up in %s", f.src, time.Since(t0).Round(time.Millisecond))
	var st struct {
		URL     string `json:"url"`
		Regions []struct {
			Name string `json:"name"`
		} `json:"regions"`
	}
	if err := json.Unmarshal([]byte(f.must(t, ctx, "status", "--name", f.src, "-o", "json")), &st); err != nil {
		t.Fatal(err)
	}
	f.url = st.URL
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	for _, r := range st.Regions {
		f.regions = append(f.regions, r.Name)
		f.kc[r.Name] = strings.TrimSpace(f.must(t, ctx, "kubeconfig", "--name", f.src, "--region", r.Name))
		raw, err := clientcmd.LoadFromFile(f.kc[r.Name])
		if err != nil {
			t.Fatal(err)
		}
		f.ctx[r.Name] = raw.CurrentContext
		rc, err := clientcmd.BuildConfigFromFlags("", f.kc[r.Name])
		if err != nil {
			t.Fatal(err)
		}
		f.kube[r.Name] = kubernetes.NewForConfigOrDie(rc)
		f.dyn[r.Name] = dynamic.NewForConfigOrDie(rc)
		cm, err := chaosmesh.NewForConfig(rc, chaosmesh.WithControllerNamespaces(local.DefaultNamespace), chaosmesh.WithDeleteTimeout(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		f.cm[r.Name] = cm
		if _, err := cm.InstallCRDs(ctx, filepath.Join(bin, "chaos-mesh-crd")); err != nil {
			t.Fatal(err)
		}
		ctl, err := local.Start(ctx, local.Config{Binary: filepath.Join(bin, "chaos-controller-manager"), Kubeconfig: f.kc[r.Name],
			Dir: t.TempDir(), Webhooks: true, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		pid := ctl.PID()
		t.Cleanup(func() {
			if err := ctl.Stop(context.Background()); err != nil {
				t.Errorf("stop the Chaos Mesh controller of %s: %v", r.Name, err)
			}
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("controller pid %d still exists after Stop", pid)
			}
		})
	}
	return f
}

// TestExistingClusters drills two clusters gameday did not create (sim
// clusters, made by gameday and then adopted), with the real Chaos Mesh
// controller carrying out the faults.
func TestExistingClusters(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: needs bin/ and brings up two sim clusters")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	f := setUp(t, ctx)
	primary := f.regions[0]
	allow := f.ctx[f.regions[0]] + "," + f.ctx[f.regions[1]]

	// An environment that allow-lists nothing: every fault is refused.
	f.must(t, ctx, "up", "--name", "noallow", "--topology", f.topologyFile("noallow", f.kc))
	t.Run("without --allow-context every fault is refused", func(t *testing.T) {
		for _, args := range [][]string{
			{"pod-kill", "--region", primary},
			{"drain", "--region", primary, "--zone", primary + "-a", "--duration", "10s"},
			{"zone-outage", "--region", primary, "--zone", primary + "-a", "--duration", "10s"},
		} {
			out, errs, code := f.gameday(ctx, append([]string{"inject", "--name", "noallow"}, args...)...)
			if code != 2 || !strings.Contains(errs, "not allow-listed (--allow-context)") {
				t.Errorf("inject %v: exit %d, want 2 naming the allow-list\n%s%s", args, code, out, errs)
			}
		}
		if left := f.chaosObjects(t, ctx); len(left) > 0 {
			t.Errorf("objects created by refused faults: %v", left)
		}
		assertNoCordon(t, ctx, f)
	})

	f.must(t, ctx, "up", "--name", "staging", "--topology", f.topologyFile("staging", f.kc), "--allow-context", allow)
	t.Run("up adopted the clusters without creating any", func(t *testing.T) {
		kc := strings.TrimSpace(f.must(t, ctx, "kubeconfig", "--name", "staging", "--region", primary))
		out, err := exec.CommandContext(ctx, filepath.Join(f.bin, "kubectl"), "--kubeconfig", kc, "get", "nodes", "-L", topology.LabelZone).CombinedOutput()
		if err != nil || !strings.Contains(string(out), primary+"-a") {
			t.Fatalf("kubectl get nodes through the adopted kubeconfig: %v\n%s", err, out)
		}
		ls := f.must(t, ctx, "ls")
		if !strings.Contains(ls, "staging") || !strings.Contains(ls, "existing") {
			t.Errorf("gameday ls does not show the existing environment:\n%s", ls)
		}
	})

	t.Run("preflight lists each check", func(t *testing.T) {
		out, errs, code := f.gameday(ctx, "preflight", "--name", "staging", "--suite", "pdb")
		t.Logf("preflight --suite pdb:\n%s", out)
		if code != 0 {
			t.Fatalf("exit %d, want 0\n%s%s", code, out, errs)
		}
		for _, r := range f.regions {
			for _, check := range []string{"reachable", "namespace-label", "workload", "pdb", "service", "rbac", "clock-skew"} {
				if !passed(out, r, check) {
					t.Errorf("no passed %s check of %s in:\n%s", check, r, out)
				}
			}
		}
		out, _, code = f.gameday(ctx, "preflight", "--name", "staging", "--suite", "zone,node")
		t.Logf("preflight --suite zone,node:\n%s", out)
		if code != 2 {
			t.Errorf("exit %d, want 2: the sim's nodes run no chaos-daemon and node loss needs a cloud", code)
		}
		for _, want := range []string{"chaos-mesh", "FAIL", "chaos-daemon", "refused: node-loss: it needs a cloud node stop"} {
			if !strings.Contains(out, want) {
				t.Errorf("preflight --suite zone,node does not say %q:\n%s", want, out)
			}
		}
	})

	t.Run("dry runs show what would be applied and change nothing", func(t *testing.T) {
		out := f.must(t, ctx, "run", "--env", "staging", "--suite", "pdb", "--dry-run")
		for _, want := range []string{"preflight of staging (provider existing)", "suite pdb, drill zone-drain", "cordon 3 node(s)", "revert: uncordon"} {
			if !strings.Contains(out, want) {
				t.Errorf("run --dry-run does not say %q:\n%s", want, out)
			}
		}
		out = f.must(t, ctx, "inject", "--name", "staging", "pod-kill", "--region", primary, "--dry-run")
		if !strings.Contains(out, `chaos mesh: {"kind":"PodChaos"`) || !strings.Contains(out, "apply Chaos Mesh PodChaos "+f.ns+"/pod-kill-") {
			t.Errorf("inject --dry-run does not show the PodChaos it would apply:\n%s", out)
		}
		if _, _, code := f.gameday(ctx, "run", "--env", "staging", "--suite", "zone", "--dry-run"); code != 2 {
			t.Errorf("run --suite zone --dry-run: exit %d, want 2 (no chaos-daemon)", code)
		}
		if left := f.chaosObjects(t, ctx); len(left) > 0 {
			t.Errorf("objects created by dry runs: %v", left)
		}
		assertNoCordon(t, ctx, f)
	})

	t.Run("zone outage is refused without chaos-daemon, nothing applied", func(t *testing.T) {
		_, errs, code := f.gameday(ctx, "inject", "--name", "staging", "zone-outage", "--region", primary, "--zone", primary+"-a", "--duration", "20s")
		if code != 2 || !strings.Contains(errs, "needs chaos-daemon on the nodes it targets") {
			t.Errorf("exit %d, want 2 naming chaos-daemon:\n%s", code, errs)
		}
		if left := f.chaosObjects(t, ctx); len(left) > 0 {
			t.Errorf("objects left: %v", left)
		}
	})

	t.Run("pod-kill is a PodChaos the real controller carries out", func(t *testing.T) {
		pods, err := f.kube[primary].CoreV1().Pods(f.ns).List(ctx, metav1.ListOptions{})
		if err != nil || len(pods.Items) == 0 {
			t.Fatalf("pods: %v", err)
		}
		victim := pods.Items[0]
		out := f.must(t, ctx, "inject", "--name", "staging", "pod-kill", "--region", primary, "--pod", victim.Name)
		t.Logf("inject pod-kill:\n%s", out)
		err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			p, err := f.kube[primary].CoreV1().Pods(f.ns).Get(ctx, victim.Name, metav1.GetOptions{})
			return err != nil || p.UID != victim.UID, nil
		})
		if err != nil {
			t.Fatalf("pod %s (uid %s) still there after the PodChaos", victim.Name, victim.UID)
		}
		var entries []struct {
			State  string `json:"state"`
			Result struct {
				ChaosMesh []struct {
					Object  string `json:"object"`
					History []struct {
						What, Name, Value string
					} `json:"history"`
				} `json:"chaosMesh"`
			} `json:"result"`
		}
		if err := json.Unmarshal([]byte(f.must(t, ctx, "faults", "--name", "staging", "-o", "json")), &entries); err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || len(entries[0].Result.ChaosMesh) != 1 {
			t.Fatalf("journal %+v, want one fault with one Chaos Mesh object", entries)
		}
		h := fmt.Sprint(entries[0].Result.ChaosMesh[0].History)
		if !strings.Contains(entries[0].Result.ChaosMesh[0].Object, "PodChaos "+f.ns+"/pod-kill-") || !strings.Contains(h, "AllInjected True") || !strings.Contains(h, "deleted") {
			t.Errorf("journalled object %s with history %s, want AllInjected then deleted", entries[0].Result.ChaosMesh[0].Object, h)
		}
		if left := f.chaosObjects(t, ctx); len(left) > 0 {
			t.Errorf("objects left after the pod-kill: %v", left)
		}
	})

	t.Run("an unlabelled namespace is refused", func(t *testing.T) {
		patch := func(v any) {
			b, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{"gameday.io/chaos": v}}})
			if _, err := f.kube[primary].CoreV1().Namespaces().Patch(ctx, f.ns, types.MergePatchType, b, metav1.PatchOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		patch(nil)
		defer patch("enabled")
		_, errs, code := f.gameday(ctx, "inject", "--name", "staging", "pod-kill", "--region", primary)
		if code != 2 || !strings.Contains(errs, "namespace "+f.ns+" is not labelled gameday.io/chaos=enabled") {
			t.Errorf("exit %d, want 2 naming the namespace label:\n%s", code, errs)
		}
		out, _, code := f.gameday(ctx, "preflight", "--name", "staging", "--suite", "pdb")
		if code != 2 || !strings.Contains(out, "kubectl label namespace "+f.ns+" gameday.io/chaos=enabled") {
			t.Errorf("preflight: exit %d, want 2 with the fix:\n%s", code, out)
		}
		if left := f.chaosObjects(t, ctx); len(left) > 0 {
			t.Errorf("objects left: %v", left)
		}
	})

	t.Run("run drills the existing clusters", func(t *testing.T) {
		dir := filepath.Join(f.state, "report")
		out, errs, code := f.gameday(ctx, "run", "--env", "staging", "--suite", "pdb", "--report-dir", dir)
		t.Logf("gameday run --env staging --suite pdb: exit %d\n%s", code, out)
		if code != 0 && code != 1 {
			t.Fatalf("exit %d, want a verdict (0 or 1)\n%s", code, errs)
		}
		if !strings.Contains(errs, "preflight of staging (provider existing)") {
			t.Errorf("run did not run the preflight first:\n%s", errs)
		}
		b, err := os.ReadFile(filepath.Join(dir, "evidence.json"))
		if err != nil {
			t.Fatal(err)
		}
		var ev struct {
			Environment struct{ Provider string } `json:"environment"`
			Verdict     string                    `json:"verdict"`
			Drills      []struct {
				Name       string
				Objectives []struct{ Kind, Status string }
			} `json:"drills"`
		}
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Environment.Provider != "existing" || len(ev.Drills) != 1 || len(ev.Drills[0].Objectives) == 0 {
			t.Fatalf("evidence: provider %q, %d drills: want existing, one drill with objectives", ev.Environment.Provider, len(ev.Drills))
		}
		if ev.Verdict != "pass" && ev.Verdict != "fail" {
			t.Errorf("verdict %q, want pass or fail (the drill measured)", ev.Verdict)
		}
		t.Logf("verdict %s, objectives %+v", ev.Verdict, ev.Drills[0].Objectives)
		assertNoCordon(t, ctx, f)
	})

	t.Run("a killed run's leftovers are recovered by label", func(t *testing.T) {
		// A drain held in the foreground, killed with SIGKILL once it cordoned.
		cmd := exec.CommandContext(ctx, filepath.Join(f.bin, "gameday"), "inject", "--name", "staging", "drain", "--region", primary, "--zone", primary+"-a", "--duration", "5m")
		cmd.Env = append(os.Environ(), "GAMEDAY_STATE_DIR="+f.state)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			return len(cordoned(ctx, f)) > 0, nil
		})
		if err != nil {
			_ = cmd.Process.Kill()
			t.Fatalf("the drain never cordoned a node")
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		// And an object a killed run applied but never journalled the outcome of.
		pc := &chaosv1alpha1.PodChaos{
			TypeMeta:   metav1.TypeMeta{APIVersion: chaosv1alpha1.SchemeGroupVersion.String(), Kind: "PodChaos"},
			ObjectMeta: metav1.ObjectMeta{Name: "left-by-a-killed-run", Namespace: f.ns},
			Spec: chaosv1alpha1.PodChaosSpec{Action: chaosv1alpha1.PodFailureAction, Duration: ptr("10m"),
				ContainerSelector: chaosv1alpha1.ContainerSelector{PodSelector: chaosv1alpha1.PodSelector{Mode: chaosv1alpha1.OneMode,
					Selector: chaosv1alpha1.PodSelectorSpec{GenericSelectorSpec: chaosv1alpha1.GenericSelectorSpec{Namespaces: []string{f.ns}, LabelSelectors: map[string]string{"no-such": "pod"}}}}}},
		}
		if _, err := f.cm[primary].Apply(ctx, pc, "staging"); err != nil {
			t.Fatal(err)
		}
		out := f.must(t, ctx, "recover", "--name", "staging")
		t.Logf("recover:\n%s", out)
		if left := f.chaosObjects(t, ctx); len(left) > 0 {
			t.Errorf("Chaos Mesh objects left after recover: %v", left)
		}
		assertNoCordon(t, ctx, f)
	})

	t.Run("RBAC: preflight names the permission a user lacks", func(t *testing.T) {
		kcs := map[string]string{}
		for _, r := range f.regions {
			kcs[r] = limitedKubeconfig(t, ctx, f, r)
		}
		f.upAs(t, ctx, "limited", kcs)
		out, _, code := f.gameday(ctx, "preflight", "--name", "limited", "--fault", "pod-kill")
		t.Logf("preflight as a read-only ServiceAccount:\n%s", out)
		if code != 2 || !strings.Contains(out, "cannot create podchaos.chaos-mesh.org in "+f.ns) {
			t.Errorf("exit %d, want 2 naming create podchaos:\n%s", code, out)
		}
		if strings.Contains(out, "cannot list pods") {
			t.Errorf("the Role grants reading pods, yet preflight says otherwise:\n%s", out)
		}
	})

	t.Run("the README's ClusterRole is enough", func(t *testing.T) {
		manifest := filepath.Join(repoRoot(t), "docs", "existing", "rbac.yaml")
		kcs := map[string]string{}
		for _, r := range f.regions {
			if out, err := exec.CommandContext(ctx, filepath.Join(f.bin, "kubectl"), "--kubeconfig", f.kc[r], "apply", "-f", manifest).CombinedOutput(); err != nil {
				t.Fatalf("kubectl apply -f %s in %s: %v\n%s", manifest, r, err, out)
			}
			t.Cleanup(func() {
				_ = exec.Command(filepath.Join(f.bin, "kubectl"), "--kubeconfig", f.kc[r], "delete", "--wait=false", "-f", manifest).Run()
			})
			kcs[r] = saKubeconfig(t, ctx, f, r, "gameday", "gameday", "documented-"+r)
		}
		f.upAs(t, ctx, "documented", kcs)
		out, _, _ := f.gameday(ctx, "preflight", "--name", "documented", "--fault", "pod-kill,zone-outage,drain")
		t.Logf("preflight as the documented ServiceAccount:\n%s", out)
		for _, r := range f.regions {
			for _, check := range []string{"rbac", "chaos-mesh", "namespace-label", "workload"} {
				if !passed(out, r, check) {
					t.Errorf("%s: check %s did not pass with docs/existing/rbac.yaml:\n%s", r, check, out)
				}
			}
		}
	})

	t.Run("down forgets the clusters and leaves them running", func(t *testing.T) {
		for _, env := range []string{"staging", "noallow", "limited", "documented"} {
			f.must(t, ctx, "down", "--name", env)
		}
		if left := f.chaosObjects(t, ctx); len(left) > 0 {
			t.Errorf("objects left: %v", left)
		}
		nodes, err := f.kube[primary].CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil || len(nodes.Items) == 0 {
			t.Errorf("the adopted cluster is gone after down: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// passed reports whether preflight's text output has a passed check of region.
func passed(out, region, check string) bool {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= 3 && f[0] == "ok" && f[1] == region && f[2] == check {
			return true
		}
	}
	return false
}

func cordoned(ctx context.Context, f *foreign) []string {
	var out []string
	for _, r := range f.regions {
		nodes, err := f.kube[r].CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			continue
		}
		for _, n := range nodes.Items {
			if n.Spec.Unschedulable {
				out = append(out, r+"/"+n.Name)
			}
		}
	}
	return out
}

func assertNoCordon(t *testing.T, ctx context.Context, f *foreign) {
	t.Helper()
	if c := cordoned(ctx, f); len(c) > 0 {
		t.Errorf("nodes left cordoned: %v", c)
	}
}

// limitedKubeconfig makes a ServiceAccount that may read what measurements
// read but not apply Chaos Mesh objects, and returns a kubeconfig (context
// "limited-REGION") with a token of it.
func limitedKubeconfig(t *testing.T, ctx context.Context, f *foreign, region string) string {
	t.Helper()
	k := f.kube[region]
	const sa = "gameday-readonly"
	if _, err := k.CoreV1().ServiceAccounts(f.ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	read := []string{"get", "list", "watch"}
	if _, err := k.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: sa}, Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods", "events", "services", "nodes", "namespaces"}, Verbs: read},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets"}, Verbs: read},
		{APIGroups: []string{"policy"}, Resources: []string{"poddisruptionbudgets"}, Verbs: read},
		{APIGroups: []string{"chaos-mesh.org"}, Resources: []string{"podchaos"}, Verbs: read},
	}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: sa},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: sa},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa, Namespace: f.ns}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_ = k.RbacV1().ClusterRoleBindings().Delete(ctx, sa, metav1.DeleteOptions{})
		_ = k.RbacV1().ClusterRoles().Delete(ctx, sa, metav1.DeleteOptions{})
		_ = k.CoreV1().ServiceAccounts(f.ns).Delete(ctx, sa, metav1.DeleteOptions{})
	})
	return saKubeconfig(t, ctx, f, region, f.ns, sa, "limited-"+region)
}

// saKubeconfig returns a kubeconfig whose context ctxName authenticates as
// ServiceAccount ns/sa of region's cluster, with a token of an hour.
func saKubeconfig(t *testing.T, ctx context.Context, f *foreign, region, ns, sa, ctxName string) string {
	t.Helper()
	exp := int64(3600)
	tok, err := f.kube[region].CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa, &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &exp}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := clientcmd.LoadFromFile(f.kc[region])
	if err != nil {
		t.Fatal(err)
	}
	cl := admin.Clusters[admin.Contexts[admin.CurrentContext].Cluster]
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = cl
	cfg.AuthInfos["sa"] = &clientcmdapi.AuthInfo{Token: tok.Status.Token}
	cfg.Contexts[ctxName] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "sa"}
	cfg.CurrentContext = ctxName
	p := filepath.Join(f.state, ctxName+".kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, p); err != nil {
		t.Fatal(err)
	}
	return p
}
