package monitoring

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// clockTicks is Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times.
const clockTicks = 100

// procUsage reads a process' CPU time so far and its resident set size.
func procUsage(pid int) (cpu time.Duration, rssBytes int64, err error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// Fields after the command (in parentheses, which may hold spaces):
	// state is field 3, utime 14, stime 15, rss (pages) 24.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	if len(f) < 22 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	pages, _ := strconv.ParseInt(f[21], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks, pages * int64(os.Getpagesize()), nil
}

// BenchmarkStackFootprint starts the stack with the reference rules at the
// fast profile's scale (1s intervals), with a kube-state-metrics per region
// when KubeconfigsEnv names running clusters, then measures each process' CPU share
// and RSS over an idle window and over a window with 12 inference targets.
// Run: go test -run '^$' -bench StackFootprint -benchtime=1x ./framework/monitoring/
func BenchmarkStackFootprint(b *testing.B) {
	bin := binDir(b)
	for _, n := range []string{PrometheusBinary, AlertmanagerBinary} {
		if _, err := os.Stat(bin + "/" + n); err != nil {
			b.Skipf("%s not in %s: run `make tools` first", n, bin)
		}
	}
	const window = 20 * time.Second
	for range b.N {
		rule := referenceRule(b)
		start := time.Now()
		stack, err := Start(context.Background(), Options{
			Dir: b.TempDir(), BinDir: bin, Regions: regionsFromEnv(b), Jobs: referenceJobs, Rules: []*unstructured.Unstructured{rule}, RuleScale: 0.1,
			ScrapeInterval: time.Second, EvaluationInterval: time.Second,
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { stack.Stop() })
		b.ReportMetric(time.Since(start).Seconds(), "start-s")
		measure(b, stack, "idle", window)

		var targets []Target
		for i := range 12 {
			m := &metricsTarget{}
			m.start(b)
			targets = append(targets, Target{Region: []string{"us-east1", "us-west1"}[i%2], Address: m.addr})
		}
		if err := stack.SetInferenceTargets(targets); err != nil {
			b.Fatal(err)
		}
		measure(b, stack, "12targets", window)
	}
}

// measure reports each process' CPU share (percent of one core) and RSS at
// the end of a window.
func measure(b *testing.B, stack *Stack, label string, window time.Duration) {
	before := map[string]time.Duration{}
	for name, pid := range stack.PIDs() {
		cpu, _, err := procUsage(pid)
		if err != nil {
			b.Fatal(err)
		}
		before[name] = cpu
	}
	deadline := time.NewTimer(window) // the measurement window itself, not a synchronisation
	<-deadline.C
	for name, pid := range stack.PIDs() {
		cpu, rss, err := procUsage(pid)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(100*(cpu-before[name]).Seconds()/window.Seconds(), name+"-"+label+"-cpu%")
		b.ReportMetric(float64(rss)/(1<<20), name+"-"+label+"-rss-MiB")
	}
}
