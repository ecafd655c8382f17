package sim

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/provider"
)

// Component is a process kwokctl started for a cluster: its name (its pid
// file's, such as "kube-apiserver") and its identity.
type Component struct {
	Name string
	cluster.Proc
}

// Components lists the running processes kwokctl started for the cluster in
// clusterDir (KWOK_WORKDIR/clusters/NAME), from the pid files it keeps. A
// PID counts only when its command line names clusterDir (a stale pid file
// may point at a recycled PID); it is then followed by its start time, since
// an exiting process loses its command line before it is gone. Pid files
// that cannot be read or hold no PID are reported, after the rest are listed.
func Components(clusterDir string) ([]Component, error) {
	files, err := filepath.Glob(filepath.Join(clusterDir, "pids", "*.pid"))
	if err != nil {
		return nil, err
	}
	ours := func(args []string) bool { return strings.Contains(strings.Join(args, " "), clusterDir) }
	var out []Component
	var errs []error
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			errs = append(errs, fmt.Errorf("pid file %s: %q is not a PID", f, b))
			continue
		}
		if proc, ok := cluster.FindProcMatching(pid, ours); ok {
			out = append(out, Component{Name: strings.TrimSuffix(filepath.Base(f), ".pid"), Proc: proc})
		}
	}
	return out, errors.Join(errs...)
}

// clusterProcs lists the running processes kwokctl started for a cluster.
// Teardown does its best with the pid files it can read.
func (p *Provider) clusterProcs(name string) []cluster.Proc {
	comps, _ := Components(filepath.Join(p.workdir, "clusters", name))
	out := make([]cluster.Proc, 0, len(comps))
	for _, c := range comps {
		out = append(out, c.Proc)
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

// Processes implements provider.ProcessLister: the running control-plane
// processes of a cluster (kube-apiserver, etcd, kube-controller-manager,
// kube-scheduler, kwok-controller).
func (p *Provider) Processes(c provider.Cluster) ([]provider.Process, error) {
	comps, err := Components(filepath.Join(p.workdir, "clusters", c.Name))
	out := make([]provider.Process, 0, len(comps))
	for _, comp := range comps {
		out = append(out, provider.Process{Component: comp.Name, Proc: comp.Proc})
	}
	return out, err
}
