package sim

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework/cluster"
)

// clusterProcs lists the processes kwokctl started for a cluster, from the
// pid files it keeps, each with the marker that proves it is ours (its
// command line names the cluster's directory).
func (p *Provider) clusterProcs(name string) map[int]string {
	dir := filepath.Join(p.workdir, "clusters", name)
	files, _ := filepath.Glob(filepath.Join(dir, "pids", "*.pid"))
	out := map[int]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			out[pid] = dir
		}
	}
	return out
}

// ours reports whether pid is still a live process of the cluster in dir
// (not a zombie, not a recycled PID).
func ours(pid int, dir string) bool {
	return strings.Contains(strings.Join(cluster.ProcessCmdline(pid), " "), dir) && cluster.ProcessRunning(pid)
}

// awaitExit waits until none of procs is alive; after grace it kills the
// stragglers and waits again. kwokctl signals its processes but does not
// wait for them, and `down` promises that nothing is left running.
func awaitExit(ctx context.Context, procs map[int]string, grace time.Duration) error {
	gone := func(context.Context) (bool, error) {
		for pid, dir := range procs {
			if ours(pid, dir) {
				return false, nil
			}
		}
		return true, nil
	}
	if err := wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, grace, true, gone); err == nil {
		return nil
	}
	for pid, dir := range procs {
		if ours(pid, dir) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, grace, true, gone)
}
