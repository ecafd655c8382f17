package kind

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
)

// StopNode pauses a node's container (docker pause): the node stops
// heartbeating and its pods stop answering, connections hang (a black hole,
// like a machine that lost power). node is a topology node name or the
// Kubernetes node (container) name. until, when set, is persisted first so
// ExpireNodes unpauses the node then even if gameday died. Only the
// black-hole mode exists here: a paused container cannot refuse connections,
// and a stopped one loses its volumes' state and its address.
func (p *Provider) StopNode(ctx context.Context, c Cluster, node string, until time.Time, mode provider.NodeFailMode) error {
	if mode != "" && mode != provider.BlackHole {
		return fmt.Errorf("kind stops a node by pausing its container, whose connections hang (mode %s); mode %s cannot be carried out: %w",
			provider.BlackHole, mode, framework.ErrInvalid)
	}
	container, err := p.resolveNode(ctx, c, node)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		if err := p.writeDeadline(container, until); err != nil {
			return err
		}
	}
	return pause(ctx, container)
}

// StartNode unpauses a node's container and forgets its deadline.
func (p *Provider) StartNode(ctx context.Context, c Cluster, node string) error {
	container, err := p.resolveNode(ctx, c, node)
	if err != nil {
		return err
	}
	if err := unpause(ctx, container); err != nil {
		return err
	}
	return p.clearDeadline(container)
}

// StopControlPlane pauses every container of the cluster (a region outage:
// control plane and nodes alike).
func (p *Provider) StopControlPlane(ctx context.Context, c Cluster) error {
	cs, err := clusterContainers(ctx, kindName(c.Name))
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return fmt.Errorf("kind cluster %s has no containers: %w", kindName(c.Name), framework.ErrNotFound)
	}
	var errs []error
	for _, ct := range cs {
		errs = append(errs, pause(ctx, ct))
	}
	return errors.Join(errs...)
}

// StartControlPlane unpauses every container of the cluster and returns once
// the API server answers /readyz.
func (p *Provider) StartControlPlane(ctx context.Context, c Cluster) error {
	name := kindName(c.Name)
	cs, err := clusterContainers(ctx, name)
	if err != nil {
		return err
	}
	var errs []error
	for _, ct := range cs {
		errs = append(errs, unpause(ctx, ct), p.clearDeadline(ct))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	kc, err := client(c.Kubeconfig)
	if err != nil {
		return err
	}
	var last error
	err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, DefaultWait, true, func(ctx context.Context) (bool, error) {
		_, last = kc.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return last == nil, nil
	})
	if err != nil {
		return fmt.Errorf("API server of %s after unpausing: %w (last: %v)", name, err, last)
	}
	return nil
}

// ExpireNodes unpauses every node whose StopNode deadline is at or before
// now and returns their container names. The data-plane agent calls it
// periodically; it needs no cluster handle, only the deadlines under
// Config.Dir.
func (p *Provider) ExpireNodes(ctx context.Context, now time.Time) ([]string, error) {
	dir := p.deadlineDir()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("node deadlines: %w", err)
	}
	var woke []string
	var errs []error
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, fmt.Errorf("node deadline %s: %w", e.Name(), err))
			continue
		}
		until, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(data)))
		if err != nil {
			errs = append(errs, fmt.Errorf("node deadline %s: %q: %w", e.Name(), data, framework.ErrInvalid))
			continue
		}
		if until.After(now) {
			continue
		}
		if err := unpause(ctx, e.Name()); err != nil {
			errs = append(errs, err)
			continue
		}
		p.cfg.Logger.Info("kind: node deadline passed: unpaused", "container", e.Name(), "until", until)
		woke = append(woke, e.Name())
		errs = append(errs, p.clearDeadline(e.Name()))
	}
	return woke, errors.Join(errs...)
}

// resolveNode maps a topology node name or a node container name to the
// container, which must belong to the cluster.
func (p *Provider) resolveNode(ctx context.Context, c Cluster, node string) (string, error) {
	name := kindName(c.Name)
	if rec, ok, err := p.loadRecord(name); err != nil {
		return "", err
	} else if ok {
		for _, n := range rec.Nodes {
			if n.Topology == node {
				return n.Container, nil
			}
		}
	}
	cs, err := clusterContainers(ctx, name)
	if err != nil {
		return "", err
	}
	if !slices.Contains(cs, node) {
		return "", fmt.Errorf("node %s is not in kind cluster %s (containers: %v): %w", node, name, cs, framework.ErrNotFound)
	}
	return node, nil
}

// pauseTimeout bounds pause's retries.
const pauseTimeout = 30 * time.Second

// pause pauses a running container; a paused one is left as it is. The
// cgroup v1 freezer gives up ("unable to freeze") when a process inside is
// in a transition it cannot freeze, such as a runc of the node's own
// containerd that is creating a container: pause tries again until it holds
// or pauseTimeout passes.
func pause(ctx context.Context, container string) error {
	var last error
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, pauseTimeout, true, func(ctx context.Context) (bool, error) {
		st, err := containerState(ctx, container)
		if err != nil || st == "paused" {
			return err == nil, err
		}
		if _, last = docker(ctx, "pause", container); last == nil {
			return true, nil
		}
		if !strings.Contains(last.Error(), "unable to freeze") {
			return false, last
		}
		return false, nil // the freezer gave up this time: try again
	})
	if err != nil {
		if last != nil && !errors.Is(err, last) {
			err = fmt.Errorf("%w (last: %w)", err, last)
		}
		return fmt.Errorf("pause node %s: %w", container, err)
	}
	return nil
}

// unpause resumes a paused container; any other state (or none) is left.
func unpause(ctx context.Context, container string) error {
	st, err := containerState(ctx, container)
	if err != nil || st != "paused" {
		return err
	}
	if _, err := docker(ctx, "unpause", container); err != nil {
		// The agent's deadline and a drill's revert may unpause the same
		// node at the same moment: the loser finds it running.
		if st, serr := containerState(ctx, container); serr == nil && st != "paused" {
			return nil
		}
		return fmt.Errorf("unpause node %s: %w", container, err)
	}
	return nil
}

func (p *Provider) deadlineDir() string { return filepath.Join(p.cfg.Dir, "paused") }

func (p *Provider) writeDeadline(container string, until time.Time) error {
	if err := os.MkdirAll(p.deadlineDir(), 0o755); err != nil {
		return fmt.Errorf("node deadline: %w", err)
	}
	path := filepath.Join(p.deadlineDir(), container)
	if err := os.WriteFile(path+".tmp", []byte(until.UTC().Format(time.RFC3339Nano)+"\n"), 0o644); err != nil {
		return fmt.Errorf("node deadline: %w", err)
	}
	return os.Rename(path+".tmp", path)
}

func (p *Provider) clearDeadline(container string) error {
	err := os.Remove(filepath.Join(p.deadlineDir(), container))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("clear node deadline %s: %w", container, err)
	}
	return nil
}
