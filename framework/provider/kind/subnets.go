package kind

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gameday.io/gameday/framework"
)

// maxClusters bounds the kind clusters of all environments on one machine.
const maxClusters = 50

// staleAfter is how old an allocation without containers must be before
// another cluster may take it (longer than any Create).
const staleAfter = 15 * time.Minute

// Subnets are a cluster's pod and service ranges. Every cluster on the
// machine gets its own (the host routes to all of them at once).
type Subnets struct {
	Index   int
	Pods    string // e.g. 10.100.0.0/16; each node gets a /24 of it
	Service string // e.g. 10.200.0.0/16
}

// subnetsFor returns the ranges of allocation index i.
func subnetsFor(i int) Subnets {
	return Subnets{Index: i, Pods: fmt.Sprintf("10.%d.0.0/16", 100+i), Service: fmt.Sprintf("10.%d.0.0/16", 200+i)}
}

// allocateSubnets gives a kind cluster the lowest free index, recorded as a
// file <SubnetDir>/<index> holding the cluster's name (O_EXCL, so two
// processes cannot take the same one). An index whose cluster has no
// container left and was allocated more than staleAfter ago is stale (its
// cluster was removed without Delete) and taken over; a younger one may
// belong to a Create still starting. A cluster that already holds one keeps it.
func (p *Provider) allocateSubnets(ctx context.Context, name string) (Subnets, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := os.MkdirAll(p.SubnetDir, 0o755); err != nil {
		return Subnets{}, fmt.Errorf("subnet allocations: %w", err)
	}
	if s, ok, err := p.findSubnets(name); err != nil || ok {
		return s, err
	}
	for i := range maxClusters {
		path := filepath.Join(p.SubnetDir, strconv.Itoa(i))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			owner, rerr := os.ReadFile(path)
			info, serr := os.Stat(path)
			if rerr != nil || serr != nil {
				return Subnets{}, fmt.Errorf("subnet allocation %s: %w", path, errors.Join(rerr, serr))
			}
			if time.Since(info.ModTime()) < staleAfter {
				continue
			}
			cs, cerr := clusterContainers(ctx, strings.TrimSpace(string(owner)))
			if cerr != nil || len(cs) > 0 {
				continue // in use (or cannot tell: leave it alone)
			}
			p.cfg.Logger.Info("kind: taking over a stale subnet allocation", "index", i, "was", strings.TrimSpace(string(owner)))
			if err := os.WriteFile(path, []byte(name+"\n"), 0o644); err != nil {
				return Subnets{}, fmt.Errorf("subnet allocation %s: %w", path, err)
			}
			return subnetsFor(i), nil
		}
		if err != nil {
			return Subnets{}, fmt.Errorf("subnet allocation %s: %w", path, err)
		}
		_, werr := f.WriteString(name + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return Subnets{}, fmt.Errorf("subnet allocation %s: %w", path, werr)
		}
		return subnetsFor(i), nil
	}
	return Subnets{}, fmt.Errorf("no free subnet for kind cluster %s: %d clusters exist (see %s): %w",
		name, maxClusters, p.SubnetDir, framework.ErrRefused)
}

// findSubnets returns the allocation a kind cluster holds, if any.
func (p *Provider) findSubnets(name string) (Subnets, bool, error) {
	entries, err := os.ReadDir(p.SubnetDir)
	if errors.Is(err, fs.ErrNotExist) {
		return Subnets{}, false, nil
	}
	if err != nil {
		return Subnets{}, false, fmt.Errorf("subnet allocations: %w", err)
	}
	for _, e := range entries {
		i, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		owner, err := os.ReadFile(filepath.Join(p.SubnetDir, e.Name()))
		if err == nil && strings.TrimSpace(string(owner)) == name {
			return subnetsFor(i), true, nil
		}
	}
	return Subnets{}, false, nil
}

// releaseSubnets frees a kind cluster's allocation (none is not an error).
func (p *Provider) releaseSubnets(name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok, err := p.findSubnets(name)
	if err != nil || !ok {
		return err
	}
	if err := os.Remove(filepath.Join(p.SubnetDir, strconv.Itoa(s.Index))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("release subnets of %s: %w", name, err)
	}
	return nil
}
