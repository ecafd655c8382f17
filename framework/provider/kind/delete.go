package kind

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"sigs.k8s.io/kind/pkg/cluster/nodeutils"
)

// Delete removes a cluster: its containers and volumes (kind), this
// machine's routes into its pod subnet, its subnet allocation, its node
// deadlines and record, its kubeconfig entry, and the environment's docker
// network once no container uses it. Idempotent.
func (p *Provider) Delete(ctx context.Context, c Cluster) error {
	name := kindName(c.Name)
	rec, ok, err := p.loadRecord(name)
	if err != nil {
		return err
	}
	kubeconfig := c.Kubeconfig
	if kubeconfig == "" && ok {
		kubeconfig = rec.Kubeconfig
	}
	var errs []error
	// Paused nodes are resumed first: removing a paused container can fail.
	if cs, err := clusterContainers(ctx, name); err != nil {
		errs = append(errs, err)
	} else {
		for _, ct := range cs {
			errs = append(errs, unpause(ctx, ct))
		}
	}
	// kind deletes the node containers with their anonymous volumes (docker rm -v).
	if err := p.newKind().Delete(name, kubeconfig); err != nil {
		// A node whose containerd died while runc was creating a container
		// keeps that runc frozen in its freezer cgroup, and the node's init
		// waits for it forever: thaw what is frozen and try once more.
		if thawed := thawClusterCgroups(ctx, name); thawed > 0 {
			p.cfg.Logger.Warn("kind: thawed frozen cgroups left in node containers; deleting again", "cluster", name, "cgroups", thawed)
			err = p.newKind().Delete(name, kubeconfig)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("kind delete cluster %s: %w", name, err))
		}
	}
	if s, found, err := p.findSubnets(name); err != nil {
		errs = append(errs, err)
	} else if found {
		errs = append(errs, removeHostRoutes(ctx, s.Pods))
	}
	if ok {
		for _, n := range rec.Nodes {
			errs = append(errs, p.clearDeadline(n.Container))
		}
	}
	errs = append(errs, p.clearDeadline(name+"-control-plane"), p.releaseSubnets(name), p.removeNetworkIfUnused(ctx))
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return p.removeRecord(name)
}

// removeNetworkIfUnused removes the environment's docker network when no
// container is attached to it any more (another cluster of the environment
// may still use it).
func (p *Provider) removeNetworkIfUnused(ctx context.Context) error {
	p.netMu.Lock()
	defer p.netMu.Unlock()
	out, err := docker(ctx, "network", "inspect", "-f", "{{len .Containers}}", p.Network())
	if err != nil {
		var ce *CommandError
		if errors.As(err, &ce) && (strings.Contains(strings.ToLower(ce.Output), "no such network") ||
			strings.Contains(strings.ToLower(ce.Output), "not found")) {
			return nil
		}
		return fmt.Errorf("inspect docker network %s: %w", p.Network(), err)
	}
	if out != "0" {
		return nil
	}
	if _, err := docker(ctx, "network", "rm", p.Network()); err != nil {
		return fmt.Errorf("remove docker network %s: %w", p.Network(), err)
	}
	return nil
}

// loadImage loads an image from the docker engine into every node's
// containerd (kind's LoadImageArchive), from one `docker save` archive kept in
// dir while it loads, nodes in parallel.
func (p *Provider) loadImage(ctx context.Context, name, dir, image string) error {
	archive := filepath.Join(dir, "image-"+strings.NewReplacer("/", "_", ":", "_").Replace(image)+".tar")
	if _, err := docker(ctx, "save", "-o", archive, image); err != nil {
		return fmt.Errorf("save image %s: %w", image, err)
	}
	defer os.Remove(archive)
	nodes, err := p.newKind().ListNodes(name)
	if err != nil {
		return fmt.Errorf("list nodes of %s: %w", name, err)
	}
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() {
			f, err := os.Open(archive)
			if err != nil {
				errs[i] = err
				return
			}
			defer f.Close()
			if err := nodeutils.LoadImageArchive(n, f); err != nil {
				errs[i] = fmt.Errorf("load image %s into node %s: %w", image, n, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// thawClusterCgroups thaws every frozen cgroup (v1 freezer or v2
// cgroup.freeze) under the cluster's node containers and returns how many it
// thawed. Paused nodes were unpaused before; this only finds what runc left.
func thawClusterCgroups(ctx context.Context, kindName string) int {
	ids, err := docker(ctx, "ps", "-aq", "--no-trunc", "--filter", "label=io.x-k8s.kind.cluster="+kindName)
	if err != nil {
		return 0
	}
	thawed := 0
	for _, id := range strings.Fields(ids) {
		for _, root := range []string{"/sys/fs/cgroup/freezer/docker", "/sys/fs/cgroup/unified/docker", "/sys/fs/cgroup/docker", "/sys/fs/cgroup/system.slice/docker-" + id + ".scope"} {
			dir := root
			if !strings.Contains(root, id) {
				dir = filepath.Join(root, id)
			}
			_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return nil
				}
				switch d.Name() {
				case "freezer.state":
					if b, _ := os.ReadFile(path); strings.TrimSpace(string(b)) == "FROZEN" && os.WriteFile(path, []byte("THAWED"), 0) == nil {
						thawed++
					}
				case "cgroup.freeze":
					if b, _ := os.ReadFile(path); strings.TrimSpace(string(b)) == "1" && os.WriteFile(path, []byte("0"), 0) == nil {
						thawed++
					}
				}
				return nil
			})
		}
	}
	return thawed
}
