package dataplane

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/storage"
)

// Data-plane fault kinds the agent carries out itself. Node and pod faults
// go through the Kubernetes API instead (see framework/fault).
const (
	// FaultStorage makes a region's model storage or cache fail (Mode is a
	// storage.CacheFault).
	FaultStorage = "storage"
	// FaultGateway takes a region's gateway down: connections hang
	// (BlackHole) or are refused.
	FaultGateway = "gateway"
	// FaultPartition cuts the network between two regions: cross-region
	// routing and replication between them fail.
	FaultPartition = "partition"
	// FaultControlPlane stops a region's control plane (API server,
	// controllers, etcd): the region's API is unreachable.
	FaultControlPlane = "control-plane"
	// OutOfRotation takes a region out of the global load balancer's
	// rotation, as the runbook's DNS switch does. Not a failure, but an
	// operator's change that must end too, so it goes through the same table.
	OutOfRotation = "out-of-rotation"
)

// FaultSpec is one data-plane fault.
type FaultSpec struct {
	Kind string `json:"kind"`
	// Regions: one for storage and gateway, two for a partition.
	Regions []string `json:"regions"`
	// Mode of a storage fault.
	Mode storage.CacheFault `json:"mode,omitempty"`
	// BlackHole makes a gateway fault silent: the gateway keeps its address
	// and connections and answers nothing. Without it, connections are refused.
	BlackHole bool `json:"blackHole,omitempty"`
	// Until is when the agent reverts the fault by itself.
	Until time.Time `json:"until"`
}

// ActiveFault is a fault the agent is carrying out.
type ActiveFault struct {
	ID string `json:"id"`
	FaultSpec
	Since time.Time `json:"since"`
}

type faultTable struct {
	mu     sync.Mutex
	active map[string]ActiveFault
}

func newFaultTable() *faultTable { return &faultTable{active: map[string]ActiveFault{}} }

// Inject carries out a fault and remembers it until Revert or its Until.
// Injecting an ID that is active again only moves its Until.
func (a *Agent) Inject(id string, f FaultSpec) error {
	if f.Until.IsZero() {
		return fmt.Errorf("fault %s: no end time; every fault must revert itself: %w", id, framework.ErrInvalid)
	}
	a.faults.mu.Lock()
	defer a.faults.mu.Unlock()
	if cur, ok := a.faults.active[id]; ok {
		cur.Until = f.Until
		a.faults.active[id] = cur
		return nil
	}
	if err := a.apply(f, true); err != nil {
		return fmt.Errorf("inject %s fault %s: %w", f.Kind, id, err)
	}
	a.faults.active[id] = ActiveFault{ID: id, FaultSpec: f, Since: time.Now()}
	a.log.Info("data-plane fault injected", "id", id, "kind", f.Kind, "regions", f.Regions, "mode", f.Mode, "blackHole", f.BlackHole, "until", f.Until.Format(time.RFC3339))
	return nil
}

// Revert undoes a fault. Reverting an unknown ID is ErrNotFound.
func (a *Agent) Revert(id string) error {
	a.faults.mu.Lock()
	defer a.faults.mu.Unlock()
	return a.revertLocked(id)
}

func (a *Agent) revertLocked(id string) error {
	f, ok := a.faults.active[id]
	if !ok {
		return fmt.Errorf("data-plane fault %q is not active: %w", id, framework.ErrNotFound)
	}
	if err := a.apply(f.FaultSpec, false); err != nil {
		return fmt.Errorf("revert %s fault %s: %w", f.Kind, id, err)
	}
	delete(a.faults.active, id)
	a.log.Info("data-plane fault reverted", "id", id, "kind", f.Kind, "regions", f.Regions)
	return nil
}

// Faults lists the active data-plane faults, oldest first.
func (a *Agent) Faults() []ActiveFault {
	a.faults.mu.Lock()
	defer a.faults.mu.Unlock()
	out := make([]ActiveFault, 0, len(a.faults.active))
	for _, f := range a.faults.active {
		out = append(out, f)
	}
	slices.SortFunc(out, func(x, y ActiveFault) int { return x.Since.Compare(y.Since) })
	return out
}

// apply injects (on) or reverts a fault.
func (a *Agent) apply(f FaultSpec, on bool) error {
	want := 1
	if f.Kind == FaultPartition {
		want = 2
	}
	if len(f.Regions) != want {
		return fmt.Errorf("%s fault names %d regions, want %d: %w", f.Kind, len(f.Regions), want, framework.ErrInvalid)
	}
	rp, err := a.region(f.Regions[0])
	if err != nil {
		return err
	}
	switch f.Kind {
	case FaultStorage:
		mode := f.Mode
		if !on {
			mode = storage.FaultNone
		}
		return rp.cache.SetFault(mode)
	case FaultGateway:
		if on && f.BlackHole {
			return rp.gw.BlackHole()
		}
		if on {
			return rp.gw.Stop()
		}
		return rp.gw.Start()
	case OutOfRotation:
		return a.lb.SetInRotation(rp.name, !on)
	case FaultControlPlane:
		cp, ok := a.cfg.Provider.(provider.ControlPlaneController)
		if !ok {
			return provider.Lacks(a.cfg.Provider, provider.AbilityControlPlane, "a control-plane fault")
		}
		if on {
			return cp.StopControlPlane(context.Background(), rp.cluster)
		}
		if err := cp.StartControlPlane(context.Background(), rp.cluster); err != nil {
			return err
		}
		if rp.pods != nil {
			rp.pods.RestartWatches()
		}
		rp.eps.restartWatch()
		return nil
	case FaultPartition:
		other, err := a.region(f.Regions[1])
		if err != nil {
			return err
		}
		if on {
			err = a.lb.Partition(rp.name, other.name)
		} else {
			err = a.lb.Heal(rp.name, other.name)
		}
		if err != nil {
			return err
		}
		// Replication runs from the primary to each other region.
		for _, pair := range [][2]*regionPlane{{rp, other}, {other, rp}} {
			if r := a.repl[pair[1].name]; r != nil && pair[0].role == framework.RolePrimary {
				r.SetPartitioned(on)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown data-plane fault kind %q: %w", f.Kind, framework.ErrInvalid)
}

// expire reverts faults whose time is up, until ctx ends.
func (t *faultTable) expire(ctx context.Context, a *Agent) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			for _, rp := range a.regions {
				if rp.pods != nil {
					rp.pods.Expire(ctx, now)
				}
			}
			if ex, ok := a.cfg.Provider.(provider.NodeExpirer); ok {
				if woke, err := ex.ExpireNodes(ctx, now); err != nil {
					a.log.Error("bring back nodes whose fault ran out", "err", err)
				} else if len(woke) > 0 {
					a.log.Info("nodes back after their fault ran out", "nodes", woke)
				}
			}
			t.mu.Lock()
			for id, f := range t.active {
				if now.After(f.Until) {
					if err := a.revertLocked(id); err != nil {
						a.log.Error("auto-revert of expired fault failed", "id", id, "err", err)
					}
				}
			}
			t.mu.Unlock()
		}
	}
}
