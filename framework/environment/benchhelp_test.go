package environment_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework/cluster"
)

// benchRegions name the regions of generated topologies; the first is primary.
var benchRegions = []string{"us-east1", "europe-west1", "asia-east1", "us-west1"}

// writeTopology writes a topology of regions regions with two zones of
// nodesPerZone nodes each (8 GPUs per node, as the default topology) and
// returns its path.
func writeTopology(tb testing.TB, dir string, regions, nodesPerZone int) string {
	tb.Helper()
	if regions < 1 || regions > len(benchRegions) {
		tb.Fatalf("writeTopology: %d regions, want 1-%d", regions, len(benchRegions))
	}
	var s strings.Builder
	fmt.Fprintf(&s, "apiVersion: gameday.io/v1alpha1\nkind: Topology\nmetadata:\n  name: bench-%dx%d\n", regions, nodesPerZone)
	s.WriteString("node:\n  gpus: 8\n  gpuProduct: NVIDIA-H100-80GB-HBM3\n  cpu: \"96\"\n  memory: 1Ti\n  pods: 110\nregions:\n")
	for i, r := range benchRegions[:regions] {
		role := "dr"
		if i == 0 {
			role = "primary"
		}
		fmt.Fprintf(&s, "- name: %s\n  role: %s\n  zones:\n", r, role)
		for _, z := range []string{"a", "b"} {
			fmt.Fprintf(&s, "  - name: %s-%s\n    nodes: %d\n", r, z, nodesPerZone)
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("topology-%dx%d.yaml", regions, nodesPerZone))
	if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// proc is a process a benchmark started (directly or through kwokctl or the
// data-plane agent), followed by its identity (PID and start time), so a
// reused PID is never measured or signalled, and named for per-process
// figures.
type proc struct {
	cluster.Proc
	name string
}

// kwokProcs lists the processes kwokctl started under a work directory
// (every cluster in it), named by their component.
func kwokProcs(tb testing.TB, workdir string) []proc {
	tb.Helper()
	dirs, err := filepath.Glob(filepath.Join(workdir, "clusters", "*"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []proc
	for _, dir := range dirs {
		// kwokctl keeps a pid file per component; a PID counts when its
		// command line names the cluster's directory.
		files, _ := filepath.Glob(filepath.Join(dir, "pids", "*.pid"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			ours := func(args []string) bool { return strings.Contains(strings.Join(args, " "), dir) }
			if p, ok := cluster.FindProcMatching(pid, ours); ok {
				out = append(out, proc{Proc: p, name: strings.TrimSuffix(filepath.Base(f), ".pid")})
			}
		}
	}
	return out
}

// descendants returns every live process below pid (children, their
// children, ...), named by their executable.
func descendants(pid int) []proc {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := readStat(p); ok {
			children[st.ppid] = append(children[st.ppid], p)
		}
	}
	var out []proc
	queue := []int{pid}
	for len(queue) > 0 {
		for _, c := range children[queue[0]] {
			if p, ok := cluster.FindProc(c); ok {
				out = append(out, proc{Proc: p, name: exeName(c)})
			}
			queue = append(queue, c)
		}
		queue = queue[1:]
	}
	return out
}

func exeName(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return filepath.Base(strings.SplitN(string(b), "\x00", 2)[0])
}

type procStat struct {
	ppid  int
	ticks int64 // user + system CPU time in clock ticks
}

// readStat parses /proc/<pid>/stat (fields after the command's closing parenthesis).
func readStat(pid int) (procStat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return procStat{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return procStat{ppid: ppid, ticks: utime + stime}, true
}

// clockTicks is USER_HZ, 100 on every Linux architecture Go supports.
const clockTicks = 100

// memKB returns a process's resident set (VmRSS) and its peak (VmHWM) in kB.
func memKB(pid int) (rss, hwm int64) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}

// usage is what a set of processes uses at one moment.
type usage struct {
	procs      int
	rssKB      int64
	hwmKB      int64
	ticks      int64
	rssByKey   map[string]int64 // kB per process name
	ticksByKey map[string]int64 // CPU ticks per process name
}

func measure(ps []proc) usage {
	u := usage{rssByKey: map[string]int64{}, ticksByKey: map[string]int64{}}
	for _, p := range ps {
		if !p.Running() {
			continue
		}
		st, ok := readStat(p.PID)
		if !ok {
			continue
		}
		rss, hwm := memKB(p.PID)
		u.procs++
		u.rssKB += rss
		u.hwmKB += hwm
		u.ticks += st.ticks
		u.rssByKey[p.name] += rss
		u.ticksByKey[p.name] += st.ticks
	}
	return u
}

// cpuOver returns the CPU the processes use over window, in cores, in total
// and per process name, and their usage at its end. It waits for the window
// (a measurement, not a synchronisation).
func cpuOver(ctx context.Context, ps []proc, window time.Duration) (float64, map[string]float64, usage) {
	before, start := measure(ps), time.Now()
	select {
	case <-time.After(window):
	case <-ctx.Done():
	}
	after := measure(ps)
	secs := time.Since(start).Seconds()
	by := map[string]float64{}
	for k, t := range after.ticksByKey {
		by[k] = float64(t-before.ticksByKey[k]) / clockTicks / secs
	}
	return float64(after.ticks-before.ticks) / clockTicks / secs, by, after
}

// selfCPU is the CPU time this process has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perKey formats per-process-name figures, largest first.
func perKey[V int64 | float64](m map[string]V, scale float64, unit string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.2f%s", k, float64(m[k])*scale, unit))
	}
	return strings.Join(parts, ", ")
}

// reap waits until none of ps runs; a process still running at the deadline
// is reported and killed (its identity says it is still the one started).
func reap(tb testing.TB, ps []proc, timeout time.Duration) {
	tb.Helper()
	var left []proc
	_ = wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, timeout, true, func(context.Context) (bool, error) {
		left = left[:0]
		for _, p := range ps {
			if p.Running() {
				left = append(left, p)
			}
		}
		return len(left) == 0, nil
	})
	for _, p := range left {
		tb.Errorf("process %d (%s) still running after teardown", p.PID, p.name)
		_ = syscall.Kill(p.PID, syscall.SIGKILL)
	}
}

// phaseLog is a slog handler keeping the longest "took" of each message
// (the sim provider logs "control plane ready" and "nodes ready" per region).
type phaseLog struct {
	mu   sync.Mutex
	took map[string]time.Duration
}

func newPhaseLog() *phaseLog { return &phaseLog{took: map[string]time.Duration{}} }

func (h *phaseLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *phaseLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *phaseLog) WithGroup(string) slog.Handler            { return h }

func (h *phaseLog) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "took" && a.Value.Kind() == slog.KindDuration {
			h.mu.Lock()
			h.took[r.Message] = max(h.took[r.Message], a.Value.Duration())
			h.mu.Unlock()
		}
		return true
	})
	return nil
}

func (h *phaseLog) get(msg string) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.took[msg]
}

// kwokctlCluster is one cluster created with plain kwokctl, for the baseline.
type kwokctlCluster struct {
	name, binDir, workdir, owner string
	ports                        []int
}

// kwokctlWait is how long the baseline's `kwokctl create cluster` waits for
// the cluster to be ready: the same --wait the sim provider passes, so both
// sides stop the clock at the same point.
const kwokctlWait = 2 * time.Minute

// baselineConfig is a minimal kwokctl configuration: the same binaries,
// loopback listeners and explicit ports (kwokctl's own port scan races with
// other clusters on the machine), every other option kwokctl's default.
func (k *kwokctlCluster) config() string {
	var s strings.Builder
	s.WriteString("apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokctlConfiguration\noptions:\n  runtime: binary\n  bindAddress: 127.0.0.1\n")
	for _, kv := range [][2]string{
		{"kubeApiserverBinary", "kube-apiserver"}, {"kubeControllerManagerBinary", "kube-controller-manager"},
		{"kubeSchedulerBinary", "kube-scheduler"}, {"kubectlBinary", "kubectl"},
		{"etcdBinary", "etcd"}, {"kwokControllerBinary", "kwok"},
	} {
		fmt.Fprintf(&s, "  %s: %s\n", kv[0], filepath.Join(k.binDir, kv[1]))
	}
	for i, opt := range []string{"kubeApiserverPort", "etcdPort", "etcdPeerPort", "kubeControllerManagerPort", "kubeSchedulerPort", "kwokControllerPort"} {
		fmt.Fprintf(&s, "  %s: %d\n", opt, k.ports[i])
	}
	return s.String()
}

// newKwokctlCluster allocates the cluster's ports and registers its deletion.
func newKwokctlCluster(tb testing.TB, binDir, workdir, name string) *kwokctlCluster {
	tb.Helper()
	k := &kwokctlCluster{name: name, binDir: binDir, workdir: workdir, owner: "bench-kwokctl-" + name}
	reg := cluster.DefaultPortRegistry()
	tb.Cleanup(func() {
		ps := kwokProcs(tb, workdir)
		if _, err := os.Stat(filepath.Join(workdir, "clusters", name)); err == nil {
			if err := k.run(context.Background(), "--name", name, "delete", "cluster"); err != nil {
				tb.Errorf("cleanup: %v", err)
			}
		}
		reap(tb, ps, 10*time.Second)
		_ = reg.Release(k.owner)
	})
	ports, err := reg.Allocate(k.owner, 6)
	if err != nil {
		tb.Fatal(err)
	}
	k.ports = ports
	return k
}

// create runs `kwokctl create cluster` and returns its wall time.
func (k *kwokctlCluster) create(ctx context.Context) (time.Duration, error) {
	dir := filepath.Join(k.workdir, "configs", k.name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	cfg := filepath.Join(dir, "kwokctl.yaml")
	if err := os.WriteFile(cfg, []byte(k.config()), 0o644); err != nil {
		return 0, err
	}
	start := time.Now()
	err := k.run(ctx, "--name", k.name, "create", "cluster", "--runtime", "binary", "--config", cfg,
		"--kubeconfig", filepath.Join(dir, "kubeconfig"), "--wait", kwokctlWait.String())
	return time.Since(start), err
}

func (k *kwokctlCluster) run(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(k.binDir, "kwokctl"), args...)
	cmd.Env = append(os.Environ(), "KWOK_WORKDIR="+k.workdir, "PATH="+k.binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("kwokctl %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// loadavg returns the machine's 1-minute load average as /proc/loadavg shows it.
func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
