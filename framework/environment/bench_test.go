package environment_test

// Benchmarks of bringing environments up and tearing them down, on real
// control planes. One iteration creates whole clusters (tens of seconds to
// minutes), so run each once:
//
//	go test -run '^$' -bench . -benchtime=1x -timeout 60m ./framework/environment/
//
// `make bench` must pass -benchtime=1x for this package. The benchmarks need
// `make tools` (and `make build` for the full bring-up with the platform and
// data plane) and skip without them, and under -short. Every figure is a
// custom metric (the built-in ns/op is suppressed): seconds, MB, cores.
// The machine's load average is logged, since other work on it skews them.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/environment"
)

// steadyWindow is how long CPU use is sampled after an environment is up:
// long enough for several node-lease renewals of the fast profile (every
// 1.5 s) and node-monitor periods.
const steadyWindow = 10 * time.Second

// benchBinDir returns bin/ when `make tools` has filled it; otherwise it
// skips the benchmark.
func benchBinDir(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("bring-up benchmark: needs make tools")
	}
	bin := filepath.Join(repoRoot(), "bin")
	if err := environment.RequireBinaries(bin, "kwokctl", "kwok", "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"); err != nil {
		b.Skipf("bring-up benchmark: %v", err)
	}
	b.Logf("load average at start: %s (%s)", loadavg(), b.Name())
	return bin
}

// BenchmarkUpVsKwokctl compares `gameday up` with what it is built on: two
// sequential plain `kwokctl create cluster` runs of the same binaries (one
// per region of the default topology). It reports both and their ratio, for
// the bare bring-up (clusters and 12 Ready nodes) and, when `make build` has
// run, the full one (platform deployed, data plane serving).
func BenchmarkUpVsKwokctl(b *testing.B) {
	bin := benchBinDir(b)
	topo := filepath.Join(repoRoot(), fixtures.DefaultTopologyFile)
	full := environment.RequireBinaries(bin, "gameday", "inference-sim", "versitygw")
	if full != nil {
		b.Logf("full bring-up not measured: %v (run `make build`)", full)
	}
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Minute)
	defer cancel()
	var kwCreate, kwDelete, bareUp, bareDown, fullUp, fullDown time.Duration
	var fullUse usage
	for range b.N {
		c, d := kwokctlPair(ctx, b, bin)
		kwCreate, kwDelete = kwCreate+c, kwDelete+d
		r := upDown(ctx, b, environment.Options{TopologyFile: topo, BinDir: bin, Bare: true}, 0)
		bareUp, bareDown = bareUp+r.up, bareDown+r.down
		if full == nil {
			r := upDown(ctx, b, environment.Options{TopologyFile: topo, BinDir: bin}, 0)
			fullUp, fullDown, fullUse = fullUp+r.up, fullDown+r.down, r.use
		}
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(kwCreate.Seconds()/n, "kwokctl-2x-s")
	b.ReportMetric(kwDelete.Seconds()/n, "kwokctl-delete-2x-s")
	b.ReportMetric(bareUp.Seconds()/n, "up-bare-s")
	b.ReportMetric(bareUp.Seconds()/kwCreate.Seconds(), "up-bare/kwokctl-2x")
	b.ReportMetric(bareDown.Seconds()/n, "down-bare-s")
	if full == nil {
		b.ReportMetric(fullUp.Seconds()/n, "up-full-s")
		b.ReportMetric(fullUp.Seconds()/kwCreate.Seconds(), "up-full/kwokctl-2x")
		b.ReportMetric(fullDown.Seconds()/n, "down-full-s")
		b.ReportMetric(float64(fullUse.procs), "procs-full")
		b.ReportMetric(float64(fullUse.rssKB)/1024, "rss-full-MB")
	}
}

// BenchmarkUpMonitoring measures what monitoring (up --monitoring) adds to
// a full bring-up of two regions of two zones, with 6 and 60 nodes per
// region: the bring-up time with and without it, and the steady CPU and the
// memory of its processes (Prometheus, Alertmanager and kube-state-metrics
// per region). Needs `make tools build`.
func BenchmarkUpMonitoring(b *testing.B) {
	bin := benchBinDir(b)
	if err := environment.RequireBinaries(bin, "gameday", "inference-sim", "versitygw", "prometheus", "alertmanager", "kube-state-metrics"); err != nil {
		b.Skipf("monitoring benchmark: %v (run `make tools build`)", err)
	}
	for _, perZone := range []int{3, 30} {
		b.Run(fmt.Sprintf("nodes-per-region=%d", 2*perZone), func(b *testing.B) {
			topo := writeTopology(b, b.TempDir(), 2, perZone)
			ctx, cancel := context.WithTimeout(b.Context(), 20*time.Minute)
			defer cancel()
			var plain, mon time.Duration
			var cores, rssMB float64
			for range b.N {
				plain += upDown(ctx, b, environment.Options{TopologyFile: topo, BinDir: bin}, 0).up
				r := upDown(ctx, b, environment.Options{TopologyFile: topo, BinDir: bin, Monitoring: true}, steadyWindow)
				mon += r.up
				for _, k := range []string{"prometheus", "alertmanager", "kube-state-metrics"} {
					cores += r.coresByKey[k]
					rssMB += float64(r.use.rssByKey[k]) / 1024
				}
			}
			n := float64(b.N)
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(plain.Seconds()/n, "up-s")
			b.ReportMetric(mon.Seconds()/n, "up-monitoring-s")
			b.ReportMetric((mon-plain).Seconds()/n, "added-s")
			b.ReportMetric(cores/n, "monitoring-steady-cores")
			b.ReportMetric(rssMB/n, "monitoring-rss-MB")
		})
	}
}

// BenchmarkUpNodes brings up two regions of two zones with 6, 60 and 600
// nodes per region (bare: clusters and Ready nodes), waits until the node
// lifecycle controller has lifted every not-ready taint, samples the
// processes for steadyWindow (node heartbeats), and tears down.
func BenchmarkUpNodes(b *testing.B) {
	bin := benchBinDir(b)
	for _, perZone := range []int{3, 30, 300} {
		b.Run(fmt.Sprintf("nodes-per-region=%d", 2*perZone), func(b *testing.B) {
			benchBareUp(b, bin, 2, perZone)
		})
	}
}

// BenchmarkUpRegions brings up 1, 2 and 3 regions of 6 nodes each.
func BenchmarkUpRegions(b *testing.B) {
	bin := benchBinDir(b)
	for _, regions := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("regions=%d", regions), func(b *testing.B) {
			benchBareUp(b, bin, regions, 3)
		})
	}
}

// benchBareUp measures a bare bring-up of a generated topology and reports
// its phases, teardown, processes, memory and steady CPU use.
func benchBareUp(b *testing.B, bin string, regions, perZone int) {
	topo := writeTopology(b, b.TempDir(), regions, perZone)
	ctx, cancel := context.WithTimeout(b.Context(), 20*time.Minute)
	defer cancel()
	var sum upResult
	for range b.N {
		r := upDown(ctx, b, environment.Options{TopologyFile: topo, BinDir: bin, Bare: true}, steadyWindow)
		sum.up += r.up
		sum.down += r.down
		sum.controlPlane += r.controlPlane
		sum.nodesReady += r.nodesReady
		sum.cores += r.cores
		sum.notReady += r.notReady
		sum.leaseAge += r.leaseAge
		sum.schedulable += r.schedulable
		sum.upCPU += r.upCPU
		sum.clientCPU += r.clientCPU
		sum.use = r.use
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(sum.up.Seconds()/n, "up-s")
	b.ReportMetric(sum.controlPlane.Seconds()/n, "up-controlplane-s")
	b.ReportMetric(sum.nodesReady.Seconds()/n, "up-nodes-s")
	b.ReportMetric(sum.schedulable.Seconds()/n, "schedulable-after-up-s")
	b.ReportMetric(sum.down.Seconds()/n, "down-s")
	b.ReportMetric(sum.cores/n, "steady-cores")
	b.ReportMetric(float64(sum.notReady)/n, "notready-nodes")
	b.ReportMetric(sum.leaseAge.Seconds()/n, "lease-age-max-s")
	b.ReportMetric(sum.upCPU.Seconds()/n, "up-cpu-s")
	b.ReportMetric(sum.clientCPU.Seconds()/n, "up-cpu-client-s")
	b.ReportMetric(float64(sum.use.procs), "procs")
	b.ReportMetric(float64(sum.use.rssKB)/1024, "rss-MB")
	b.ReportMetric(float64(sum.use.hwmKB)/1024, "peak-rss-MB")
	for _, c := range []string{"kube-apiserver", "etcd", "kwok-controller", "kube-controller-manager"} {
		b.ReportMetric(float64(sum.use.rssByKey[c])/1024, c+"-MB")
	}
}

// upResult is one bring-up and teardown.
type upResult struct {
	up, down, controlPlane, nodesReady time.Duration
	upCPU, clientCPU                   time.Duration      // CPU during Up: clusters' processes, this process
	cores                              float64            // CPU over the steady window
	coresByKey                         map[string]float64 // the same per process name
	notReady                           int                // nodes not Ready at the window's end
	leaseAge                           time.Duration      // oldest node-lease renewal at the window's end
	schedulable                        time.Duration      // from Up's return until no node is tainted not-ready
	use                                usage              // processes at the window's end
}

var envSeq atomic.Int32

// upDown brings an environment up with o in a fresh state directory, measures
// it (when window > 0: time until every node is schedulable, then CPU over
// window and node health; memory always), brings it down and checks that
// every process it started is gone. Teardown is registered before Up, so it
// runs on failure too.
func upDown(ctx context.Context, b *testing.B, o environment.Options, window time.Duration) upResult {
	b.Helper()
	store := environment.Store{Root: b.TempDir()}
	o.Name = fmt.Sprintf("bn%d-%d", os.Getpid()%100000, envSeq.Add(1))
	o.Profile = framework.ProfileFast
	phases := newPhaseLog()
	o.Logger = slog.New(phases)
	downed := false
	b.Cleanup(func() {
		if downed {
			return
		}
		rec, err := store.Load(o.Name)
		if err != nil {
			return
		}
		ps := envProcs(b, rec)
		if err := environment.Down(context.Background(), store, o.Name, nil); err != nil {
			b.Errorf("cleanup: %v", err)
		}
		reap(b, ps, 30*time.Second)
	})

	start, self := time.Now(), selfCPU()
	rec, err := environment.Up(ctx, store, o)
	var r upResult
	r.up, r.clientCPU = time.Since(start), selfCPU()-self
	if err != nil {
		b.Fatalf("up %s (bare=%v): %v", o.TopologyFile, o.Bare, err)
	}
	r.controlPlane, r.nodesReady = phases.get("control plane ready"), phases.get("nodes ready")
	ps := envProcs(b, rec)
	r.use = measure(ps) // every process started during Up: its CPU so far is bring-up's
	r.upCPU = time.Duration(r.use.ticks) * time.Second / clockTicks
	b.Logf("%s: up %.1fs (control plane %.1fs, nodes %.1fs); CPU during up %.1fs in the clusters (%s), %.1fs in this process; load %s",
		o.Name, r.up.Seconds(), r.controlPlane.Seconds(), r.nodesReady.Seconds(),
		r.upCPU.Seconds(), perKey(r.use.ticksByKey, 1.0/clockTicks, "s"), r.clientCPU.Seconds(), loadavg())
	if window > 0 {
		r.schedulable = waitSchedulable(ctx, b, rec)
		b.Logf("%s: every node schedulable (no not-ready taint) %.1fs after up returned", o.Name, r.schedulable.Seconds())
		var by map[string]float64
		r.cores, by, r.use = cpuOver(ctx, ps, window)
		r.coresByKey = by
		r.notReady, r.leaseAge = nodeHealth(ctx, b, rec)
		b.Logf("%s: steady over %s: %.2f cores (%s); %d nodes not Ready, oldest lease renewal %.1fs ago",
			o.Name, window, r.cores, perKey(by, 1, ""), r.notReady, r.leaseAge.Seconds())
	}
	b.Logf("%s: %d processes, RSS %.0f MB (%s), peak %.0f MB",
		o.Name, r.use.procs, float64(r.use.rssKB)/1024, perKey(r.use.rssByKey, 1.0/1024, "MB"), float64(r.use.hwmKB)/1024)

	start = time.Now()
	if err := environment.Down(ctx, store, o.Name, nil); err != nil {
		b.Fatalf("down %s: %v", o.Name, err)
	}
	r.down = time.Since(start)
	downed = true
	reap(b, ps, 30*time.Second)
	if _, err := os.Stat(rec.StateDir); !os.IsNotExist(err) {
		b.Errorf("state directory %s left behind after down", rec.StateDir)
	}
	return r
}

// envProcs lists an environment's processes: its control planes and, when a
// data plane runs, the agent and everything it started.
func envProcs(b *testing.B, rec *environment.Record) []proc {
	ps := kwokProcs(b, filepath.Join(rec.StateDir, "kwok"))
	if agent, ok := cluster.FindProc(rec.AgentPID); ok {
		ps = append(ps, proc{Proc: agent, name: "gameday-agent"})
		ps = append(ps, descendants(agent.PID)...)
	}
	return ps
}

// nodeHealth counts the nodes of every region that are not Ready now, and
// returns how long ago the least recently renewed node lease was renewed.
func nodeHealth(ctx context.Context, b *testing.B, rec *environment.Record) (notReady int, leaseAge time.Duration) {
	for _, r := range rec.Regions {
		c, err := cluster.Client(r.Kubeconfig)
		if err != nil {
			b.Fatal(err)
		}
		nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			b.Fatalf("list nodes of %s: %v", r.Name, err)
		}
		for i := range nodes.Items {
			if !cluster.NodeReady(&nodes.Items[i]) {
				notReady++
			}
		}
		leases, err := c.CoordinationV1().Leases(corev1.NamespaceNodeLease).List(ctx, metav1.ListOptions{})
		if err != nil {
			b.Fatalf("list node leases of %s: %v", r.Name, err)
		}
		for _, l := range leases.Items {
			if l.Spec.RenewTime != nil {
				leaseAge = max(leaseAge, time.Since(l.Spec.RenewTime.Time))
			}
		}
	}
	return notReady, leaseAge
}

// schedulableTimeout bounds waiting for the node lifecycle controller to
// lift the not-ready taints of nodes that are already Ready.
const schedulableTimeout = 5 * time.Minute

// waitSchedulable polls until no node of any region carries the
// node.kubernetes.io/not-ready or unreachable taint, which the node lifecycle
// controller puts on every new node and lifts once it sees the node Ready.
// Until then the scheduler places nothing there, though Up, which waits for
// the Ready condition, has returned. It returns how long that took.
func waitSchedulable(ctx context.Context, b *testing.B, rec *environment.Record) time.Duration {
	start := time.Now()
	var clients []*kubernetes.Clientset
	for _, r := range rec.Regions {
		c, err := cluster.Client(r.Kubeconfig)
		if err != nil {
			b.Fatal(err)
		}
		clients = append(clients, c)
	}
	tainted := -1
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, schedulableTimeout, true, func(ctx context.Context) (bool, error) {
		tainted = 0
		for _, c := range clients {
			nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{ResourceVersion: "0"})
			if err != nil {
				return false, nil
			}
			for _, n := range nodes.Items {
				for _, t := range n.Spec.Taints {
					if t.Key == corev1.TaintNodeNotReady || t.Key == corev1.TaintNodeUnreachable {
						tainted++
						break
					}
				}
			}
		}
		return tainted == 0, nil
	})
	if err != nil {
		b.Errorf("%d nodes still tainted not-ready %s after up: %v", tainted, schedulableTimeout, err)
	}
	return time.Since(start)
}

// kwokctlPair creates two clusters one after the other with plain kwokctl,
// returns the wall time of the two creates, then deletes both and returns
// the time that took.
func kwokctlPair(ctx context.Context, b *testing.B, bin string) (create, del time.Duration) {
	b.Helper()
	workdir := b.TempDir()
	var ks []*kwokctlCluster
	for i := range 2 {
		ks = append(ks, newKwokctlCluster(b, bin, workdir, fmt.Sprintf("kw%d-%d-%d", os.Getpid()%100000, envSeq.Add(1), i)))
	}
	for _, k := range ks {
		d, err := k.create(ctx)
		if err != nil {
			b.Fatal(err)
		}
		create += d
	}
	ps := kwokProcs(b, workdir)
	if len(ps) != 10 {
		b.Errorf("plain kwokctl started %d processes for two clusters, want 10", len(ps))
	}
	start := time.Now()
	for _, k := range ks {
		if err := k.run(ctx, "--name", k.name, "delete", "cluster"); err != nil {
			b.Fatal(err)
		}
	}
	del = time.Since(start)
	reap(b, ps, 30*time.Second)
	return create, del
}
