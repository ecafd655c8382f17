package kind

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/chaosmesh/local"
	"gameday.io/gameday/framework/envtest/cli"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/topology"
)

// adoptedNamespace is the reference platform's namespace (the fixture the
// kind environment deploys); the drills find everything else themselves.
const adoptedNamespace = "ml-serving"

// existingOnKind drills the kind environment src as clusters gameday did not
// create (provider existing), with the real Chaos Mesh: its CRDs, its
// controller-manager (a local process per region, without admission
// webhooks: the API server runs in a container and cannot call 127.0.0.1)
// and its chaos-daemon on every node (gameday/chaos-daemon, built by
// hack/kind/build-images.sh). The zone outage is then a NetworkChaos that
// chaos-daemon carries out with iptables in each pod's network namespace.
func existingOnKind(t *testing.T, ctx context.Context, c cli.CLI, src, url, topoFile string, kube map[string]kubernetes.Interface) {
	for _, b := range []string{"chaos-controller-manager", "chaos-mesh-crd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(c.Bin, b)); err != nil {
			t.Fatalf("bin/%s missing (make tools): %v", b, err)
		}
	}
	image := daemonImage(t, ctx, c.Bin)
	topo, err := topology.Load(topoFile)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Dir: t.TempDir(), Env: src})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	kcs, ctxs := map[string]string{}, map[string]string{}
	for _, r := range topo.Regions {
		kcs[r.Name] = strings.TrimSpace(c.Must(t, ctx, "kubeconfig", "--name", src, "--region", r.Name))
		raw, err := clientcmd.LoadFromFile(kcs[r.Name])
		if err != nil {
			t.Fatal(err)
		}
		ctxs[r.Name] = raw.CurrentContext
	}
	// Both regions at once: the image load dominates (~45 s a region).
	start := time.Now()
	ctls := make([]*local.Controller, len(topo.Regions))
	failed := make([]error, len(topo.Regions))
	var wg sync.WaitGroup
	for i, r := range topo.Regions {
		wg.Go(func() { ctls[i], failed[i] = installChaosMesh(ctx, p, c.Bin, image, kcs[r.Name], kube[r.Name], log) })
	}
	wg.Wait()
	for i, r := range topo.Regions {
		if ctl := ctls[i]; ctl != nil {
			t.Cleanup(func() {
				if err := ctl.Stop(context.Background()); err != nil {
					t.Errorf("stop the Chaos Mesh controller of %s: %v", r.Name, err)
				}
				if t.Failed() {
					b, _ := os.ReadFile(ctl.LogPath())
					lines := strings.Split(strings.TrimSpace(string(b)), "\n")
					t.Logf("the Chaos Mesh controller of %s, last lines of %s:\n%s", r.Name, ctl.LogPath(), strings.Join(lines[max(0, len(lines)-40):], "\n"))
				}
				_ = os.RemoveAll(filepath.Dir(ctl.LogPath()))
			})
		}
		if failed[i] != nil {
			t.Fatalf("Chaos Mesh in %s: %v", r.Name, failed[i])
		}
	}
	t.Logf("MEASURE Chaos Mesh (chaos-daemon image loaded, DaemonSet Ready on every node, CRDs, controller) in both regions: %s", time.Since(start).Round(time.Millisecond))

	// The adopted environment: the kind clusters through their own
	// kubeconfigs, the kind environment's data plane as the clients' URL.
	primary := topo.Regions[0].Name
	zone := topo.Regions[0].Zones[0].Name
	name := src + "x"
	c.Must(t, ctx, "up", "--name", name, "--topology", adoptedTopology(t, topo, url, kcs, ctxs, true))
	t.Cleanup(func() {
		if out, errs, code := c.Run(context.Background(), "down", "--name", name); code != 0 {
			t.Errorf("down %s: exit %d\n%s%s", name, code, out, errs)
		}
	})

	// The same clusters with no context allow-listed: every fault refused,
	// nothing created; then an unlabelled namespace refused.
	noallow := src + "n"
	c.Must(t, ctx, "up", "--name", noallow, "--topology", adoptedTopology(t, topo, url, kcs, ctxs, false))
	for _, args := range [][]string{
		{"zone-outage", "--region", primary, "--zone", zone, "--duration", "20s"},
		{"pod-kill", "--region", primary},
		{"drain", "--region", primary, "--zone", zone, "--duration", "20s"},
	} {
		out, errs, code := c.Run(ctx, append([]string{"inject", "--name", noallow}, args...)...)
		if code != 2 || !strings.Contains(errs, "not allow-listed (--allow-context)") {
			t.Errorf("inject %v without --allow-context: exit %d, want 2 naming the allow-list\n%s%s", args, code, out, errs)
		}
	}
	c.Must(t, ctx, "down", "--name", noallow)
	unlabel := []byte(`{"metadata":{"labels":{"gameday.io/chaos":null}}}`)
	if _, err := kube[primary].CoreV1().Namespaces().Patch(ctx, adoptedNamespace, types.MergePatchType, unlabel, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	_, errs, code := c.Run(ctx, "inject", "--name", name, "zone-outage", "--region", primary, "--zone", zone, "--duration", "20s")
	if code != 2 || !strings.Contains(errs, "namespace "+adoptedNamespace+" is not labelled gameday.io/chaos=enabled") {
		t.Errorf("zone outage in an unlabelled namespace: exit %d, want 2 naming the label\n%s", code, errs)
	}
	if _, err := kube[primary].CoreV1().Namespaces().Patch(ctx, adoptedNamespace, types.MergePatchType, optIn, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	noChaosLeft(t, ctx, c.Bin, kcs, "after the refused faults")

	out, errs, code := c.Run(ctx, "preflight", "--name", name, "--suite", "zone")
	t.Logf("preflight --suite zone:\n%s", out)
	if code != 0 {
		t.Fatalf("preflight: exit %d, want 0 (chaos-daemon on every node)\n%s", code, errs)
	}
	for _, r := range topo.Regions {
		if !regexp.MustCompile(`(?m)^\s*ok\s+` + regexp.QuoteMeta(r.Name) + `\s+chaos-daemon\b`).MatchString(out) {
			t.Errorf("preflight does not pass the chaos-daemon check of %s", r.Name)
		}
	}
	if out, errs, code := c.Run(ctx, "run", "--env", name, "--suite", "node", "--dry-run"); code != 2 || !strings.Contains(out+errs, "cloud node stop") {
		t.Errorf("run --suite node on existing clusters: exit %d, want 2 refusing node loss (no cloud node stop)\n%s%s", code, out, errs)
	}

	// The zone and PDB drills, with the NetworkChaos looked at while the
	// zone outage holds.
	dir := t.TempDir()
	run := exec.CommandContext(ctx, filepath.Join(c.Bin, "gameday"), "run", "--env", name, "--suite", "zone,pdb", "--report-dir", dir)
	run.Env = append(os.Environ(), "GAMEDAY_STATE_DIR="+c.State)
	var runOut, runErr strings.Builder
	run.Stdout, run.Stderr = &runOut, &runErr
	start = time.Now()
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()
	var during string
	err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 10*time.Minute, true, func(ctx context.Context) (bool, error) {
		select {
		case err := <-exited:
			exited <- err
			return false, fmt.Errorf("the run ended (%v) before a NetworkChaos was seen", err)
		default:
		}
		o, err := exec.CommandContext(ctx, filepath.Join(c.Bin, "kubectl"), "--kubeconfig", kcs[primary], "get", "podchaos,networkchaos", "-A").CombinedOutput()
		if err == nil && strings.Contains(string(o), "zone-outage-") {
			during = string(o)
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		t.Errorf("no NetworkChaos seen during the hold: %v", err)
	}
	t.Logf("kubectl get podchaos,networkchaos -A during the hold:\n%s", during)
	err = <-exited
	t.Logf("MEASURE run --suite zone,pdb on the adopted kind clusters: %s, %v\n%s", time.Since(start).Round(time.Second), err, runOut.String())
	if code := run.ProcessState.ExitCode(); code != 0 && code != 1 {
		t.Fatalf("run: exit %d, want a verdict (0 or 1)\n%s", code, runErr.String())
	}
	ev, err := evidence.ReadFile(filepath.Join(dir, "evidence.json"))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Environment.Provider != "existing" || len(ev.Drills) != 2 {
		t.Fatalf("evidence: provider %q, %d drills: want existing, two drills", ev.Environment.Provider, len(ev.Drills))
	}
	kinds := map[string]evidence.Fault{}
	var history []string // the report's chaos-mesh-object findings
	for _, d := range ev.Drills {
		for _, f := range d.Faults {
			kinds[f.Kind] = f
		}
		for _, f := range d.Findings {
			if f.ID == "chaos-mesh-object" {
				history = append(history, f.Message)
			}
		}
		for _, o := range d.Objectives {
			t.Logf("%s: objective %s: %s", d.Name, o.Name, o.Status)
		}
	}
	if f, ok := kinds["zone-outage"]; !ok || f.ChaosKind != "NetworkChaos" || f.RevertedAt == nil {
		t.Errorf("faults %+v, want a reverted zone-outage carried out as a NetworkChaos", kinds)
	}
	if len(history) != 1 || !strings.Contains(history[0], "NetworkChaos "+adoptedNamespace+"/zone-outage-") || !strings.Contains(history[0], "AllInjected=True") {
		t.Errorf("the report's chaos-mesh-object findings %q, want the NetworkChaos with its status history", history)
	}
	if f, ok := kinds["drain"]; !ok || f.RevertedAt == nil {
		t.Errorf("faults %+v, want the PDB drill's reverted drain", kinds)
	}
	for r, cs := range kube {
		nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes.Items {
			if n.Spec.Unschedulable {
				t.Errorf("node %s of %s still cordoned after the run", n.Name, r)
			}
		}
	}
	// The journal holds the object's status history: injected by
	// chaos-daemon on every target, then recovered and deleted.
	var entries []journalEntry
	if err := json.Unmarshal([]byte(c.Must(t, ctx, "faults", "--name", name, "-o", "json")), &entries); err != nil {
		t.Fatal(err)
	}
	entries = slices.DeleteFunc(entries, func(e journalEntry) bool { return len(e.Result.ChaosMesh) == 0 })
	if len(entries) != 1 || len(entries[0].Result.ChaosMesh) != 1 {
		t.Fatalf("journal %+v, want one fault with one Chaos Mesh object (the drain is an API call)", entries)
	}
	obj := entries[0].Result.ChaosMesh[0]
	h := fmt.Sprint(obj.History)
	t.Logf("%s: %s", obj.Object, h)
	if !strings.Contains(obj.Object, "NetworkChaos "+adoptedNamespace+"/zone-outage-") || !strings.Contains(h, "AllInjected True") ||
		!strings.Contains(h, "desiredPhase  Stop") || !strings.Contains(h, "Not Injected}") || !strings.HasSuffix(h, "{deleted  }]") {
		t.Errorf("journalled object %s with history %s, want AllInjected, then stopped, its targets recovered (Not Injected), then deleted", obj.Object, h)
	}
	noChaosLeft(t, ctx, c.Bin, kcs, "after the run")

	// A zone outage held by `gameday inject`, killed with SIGKILL once
	// chaos-daemon has applied it: `gameday recover` deletes the object and
	// Chaos Mesh recovers the pods.
	inject := exec.CommandContext(ctx, filepath.Join(c.Bin, "gameday"), "inject", "--name", name, "zone-outage", "--region", primary, "--zone", zone, "--duration", "10m")
	inject.Env = append(os.Environ(), "GAMEDAY_STATE_DIR="+c.State)
	if err := inject.Start(); err != nil {
		t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		o, err := exec.CommandContext(ctx, filepath.Join(c.Bin, "kubectl"), "--kubeconfig", kcs[primary], "get", "networkchaos", "-n", adoptedNamespace,
			"-o", `jsonpath={.items[*].status.conditions[?(@.type=="AllInjected")].status}`).Output()
		return err == nil && strings.TrimSpace(string(o)) == "True", nil
	})
	_ = inject.Process.Signal(syscall.SIGKILL)
	_ = inject.Wait()
	if err != nil {
		t.Fatalf("the held zone outage was never injected: %v", err)
	}
	// The kubelet's probes reach the isolated pods no more.
	if err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		return len(unreadyPods(t, ctx, kube[primary])) > 0, nil
	}); err != nil {
		t.Errorf("no pod of %s unready while the zone outage holds", adoptedNamespace)
	}
	start = time.Now()
	out = c.Must(t, ctx, "recover", "--name", name)
	t.Logf("MEASURE recover after SIGKILL: %s\n%s", time.Since(start).Round(time.Millisecond), out)
	noChaosLeft(t, ctx, c.Bin, kcs, "after recover")
	err = wait.PollUntilContextTimeout(ctx, time.Second, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		return len(unreadyPods(t, ctx, kube[primary])) == 0, nil
	})
	if err != nil {
		t.Errorf("pods still unready after recover: %v", unreadyPods(t, ctx, kube[primary]))
	}
}

// optIn labels the platform's namespace for gameday's faults.
var optIn = []byte(`{"metadata":{"labels":{"gameday.io/chaos":"enabled"}}}`)

// adoptedTopology writes an existing topology over the kind clusters (their
// kubeconfigs and contexts), allow-listing both contexts or none.
func adoptedTopology(t *testing.T, topo *topology.Topology, url string, kcs, ctxs map[string]string, allow bool) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: gameday.io/v1alpha1\nkind: Topology\nmetadata: {name: adopted}\nexisting:\n  url: %s\n", url)
	if allow {
		fmt.Fprintf(&b, "  allowContexts: [%s, %s]\n", ctxs[topo.Regions[0].Name], ctxs[topo.Regions[1].Name])
	}
	b.WriteString("regions:\n")
	for _, r := range topo.Regions {
		fmt.Fprintf(&b, "- name: %s\n  role: %s\n  cluster: {kubeconfig: %s, context: %s}\n  zones:\n", r.Name, r.Role, kcs[r.Name], ctxs[r.Name])
		for _, z := range r.Zones {
			fmt.Fprintf(&b, "  - {name: %s}\n", z.Name)
		}
	}
	f := filepath.Join(t.TempDir(), "adopted.yaml")
	if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// journalEntry is what the test reads of `gameday faults -o json`.
type journalEntry struct {
	Result struct {
		ChaosMesh []struct {
			Object  string                               `json:"object"`
			History []struct{ What, Name, Value string } `json:"history"`
		} `json:"chaosMesh"`
	} `json:"result"`
}

// noChaosLeft fails the test when a PodChaos or NetworkChaos is left in a
// region, or a PodNetworkChaos (Chaos Mesh's own per-pod bookkeeping, which
// it keeps) still holds a rule chaos-daemon applies.
func noChaosLeft(t *testing.T, ctx context.Context, bin string, kcs map[string]string, when string) {
	t.Helper()
	for r, kc := range kcs {
		o, err := exec.CommandContext(ctx, filepath.Join(bin, "kubectl"), "--kubeconfig", kc, "get", "podchaos,networkchaos", "-A", "-o", "name").CombinedOutput()
		if err != nil || strings.TrimSpace(string(o)) != "" {
			t.Errorf("Chaos Mesh objects left in %s %s (%v): %s", r, when, err, o)
		}
		o, err = exec.CommandContext(ctx, filepath.Join(bin, "kubectl"), "--kubeconfig", kc, "get", "podnetworkchaos", "-A",
			"-o", `jsonpath={range .items[*]}{.metadata.name} ipsets={.spec.ipsets} iptables={.spec.iptables} tcs={.spec.tcs}{"\n"}{end}`).CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl get podnetworkchaos in %s: %v\n%s", r, err, o)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(o)), "\n") {
			if l != "" && regexp.MustCompile(`=\S`).MatchString(l) {
				t.Errorf("a rule is still in effect in %s %s: %s", r, when, l)
			}
		}
	}
}

// unreadyPods names the platform's pods that are not Ready.
func unreadyPods(t *testing.T, ctx context.Context, kube kubernetes.Interface) []string {
	t.Helper()
	pods, err := kube.CoreV1().Pods(adoptedNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, p := range pods.Items {
		ready := false
		for _, c := range p.Status.Conditions {
			ready = ready || (c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue)
		}
		if !ready {
			out = append(out, p.Name)
		}
	}
	return out
}

// installChaosMesh makes one adopted kind cluster a cluster with Chaos
// Mesh: the daemon's image in every node's containerd, chaos-daemon Ready on
// every node, the CRDs, and the controller-manager running here (returned
// even with an error, for the caller to stop). It opts the platform's
// namespace in.
func installChaosMesh(ctx context.Context, p *Provider, bin, image, kubeconfig string, kube kubernetes.Interface, log *slog.Logger) (*local.Controller, error) {
	raw, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gameday-chaos-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := p.loadImage(ctx, strings.TrimPrefix(raw.CurrentContext, "kind-"), dir, image); err != nil {
		return nil, err
	}
	if err := local.InstallDaemon(ctx, kube, local.DaemonConfig{Image: image}); err != nil {
		return nil, err
	}
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cm, err := chaosmesh.NewForConfig(rc, chaosmesh.WithControllerNamespaces(local.DefaultNamespace))
	if err != nil {
		return nil, err
	}
	if _, err := cm.InstallCRDs(ctx, filepath.Join(bin, "chaos-mesh-crd")); err != nil {
		return nil, err
	}
	// The controller's own directory (its log) outlives this call.
	ctlDir, err := os.MkdirTemp("", "gameday-chaos-controller-*")
	if err != nil {
		return nil, err
	}
	ctl, err := local.Start(ctx, local.Config{Binary: filepath.Join(bin, "chaos-controller-manager"), Kubeconfig: kubeconfig, Dir: ctlDir, Logger: log,
		LeaseDuration: 45 * time.Second})
	if err != nil {
		_ = os.RemoveAll(ctlDir)
		return nil, err
	}
	if _, err := kube.CoreV1().Namespaces().Patch(ctx, adoptedNamespace, types.MergePatchType, optIn, metav1.PatchOptions{}); err != nil {
		return ctl, err
	}
	return ctl, nil
}

// daemonImage is the chaos-daemon image of the pinned Chaos Mesh version
// (the controller-manager's), which must be in the docker engine.
func daemonImage(t *testing.T, ctx context.Context, bin string) string {
	t.Helper()
	out, _ := exec.CommandContext(ctx, filepath.Join(bin, "chaos-controller-manager"), "--version").CombinedOutput()
	m := regexp.MustCompile(`GitVersion:"([^"]+)"`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("chaos-controller-manager --version reports no GitVersion: %s", out)
	}
	image := "gameday/chaos-daemon:" + string(m[1])
	if err := exec.CommandContext(ctx, "docker", "image", "inspect", "-f", "{{.Id}}", image).Run(); err != nil {
		t.Fatalf("image %s is missing (make kind-images): %v", image, err)
	}
	return image
}
