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

// clusterProcs lists the running processes kwokctl started for a cluster,
// from the pid files it keeps. A PID counts only when its command line names
// the cluster's directory (a stale pid file may point at a recycled PID); it
// is then followed by its start time, since an exiting process loses its
// command line before it is gone.
func (p *Provider) clusterProcs(name string) []cluster.Proc {
	dir := filepath.Join(p.workdir, "clusters", name)
	files, _ := filepath.Glob(filepath.Join(dir, "pids", "*.pid"))
	var out []cluster.Proc
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			continue
		}
		ours := func(args []string) bool { return strings.Contains(strings.Join(args, " "), dir) }
		if proc, ok := cluster.FindProcMatching(pid, ours); ok {
			out = append(out, proc)
		}
	}
	return out
}

// awaitExit waits until none of procs is alive; after grace it kills the
// stragglers and waits again. kwokctl signals its processes but does not
// wait for them, and `down` promises that nothing is left running.
func awaitExit(ctx context.Context, procs []cluster.Proc, grace time.Duration) error {
	gone := func(context.Context) (bool, error) {
		for _, proc := range procs {
			if proc.Running() {
				return false, nil
			}
		}
		return true, nil
	}
	if err := wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, grace, true, gone); err == nil {
		return nil
	}
	for _, proc := range procs {
		if proc.Running() {
			_ = syscall.Kill(proc.PID, syscall.SIGKILL)
		}
	}
	return wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, grace, true, gone)
}
