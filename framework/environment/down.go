package environment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/provider"
)

// Down tears an environment down: every cluster and process it started, and
// its state directory. Bringing down an environment that does not exist is
// not an error.
func Down(ctx context.Context, store Store, name string, log *slog.Logger) error {
	if log == nil {
		log = framework.DiscardLogger()
	}
	rec, err := store.Load(name)
	if errors.Is(err, framework.ErrNotFound) {
		log.Info("environment does not exist; nothing to do", "env", name)
		return nil
	}
	if err != nil {
		return err
	}
	unlock, err := store.Lock(name)
	if err != nil {
		return err
	}
	defer unlock()
	// Bounded by the environment's profile (Teardown), whatever ctx allows.
	tctx, cancel := context.WithTimeout(ctx, teardownTimeout(rec))
	defer cancel()
	if rec.Provider == provider.Existing && rec.Phase == PhaseReady {
		// On clusters gameday does not own, what it created there is the
		// faults' objects and cordons: undo them before forgetting.
		done, err := RevertLeftovers(tctx, store, name, log)
		for _, f := range done {
			log.Warn("reverted a fault left in effect", "env", name, "fault", f.ID)
		}
		if err != nil {
			return fmt.Errorf("environment %s: undo what gameday left in the clusters before forgetting them (state kept): %w", name, err)
		}
	}
	return teardown(tctx, store, rec, log)
}

// RevertLeftovers reverts the faults the environment's journal says may
// still be in effect (fault.Recover: on clusters gameday does not own, also
// the Chaos Mesh objects labelled with the environment) and returns those it
// reverted.
func RevertLeftovers(ctx context.Context, store Store, name string, log *slog.Logger) ([]*fault.Entry, error) {
	e, err := Open(store, name, log)
	if err != nil {
		return nil, err
	}
	return fault.Recover(ctx, e.FaultTarget(FaultOptions{}))
}

// teardown deletes what rec records, concurrently, then the state directory.
// The state directory stays when anything fails, so `down` can be retried.
func teardown(ctx context.Context, store Store, rec *Record, log *slog.Logger) error {
	rec.Phase = PhaseDeleting
	if err := store.Save(rec); err != nil {
		return err
	}
	if err := stopAgent(rec); err != nil {
		return err
	}
	prov, err := ProviderOf(rec, log)
	if err != nil {
		return err
	}
	var fns []func() error
	for _, r := range rec.Regions {
		fns = append(fns, func() error {
			log.Info("deleting cluster", "region", r.Name, "cluster", r.Cluster)
			return prov.Delete(ctx, provider.ClusterOf(r))
		})
	}
	if err := joinErrors(fns...); err != nil {
		rec.Error = err.Error()
		_ = store.Save(rec)
		return fmt.Errorf("tear down environment %q (state kept in %s; retry `gameday down --name %s`): %w", rec.Name, rec.StateDir, rec.Name, err)
	}
	return store.Remove(rec.Name)
}

// ProviderOf returns the provider that created rec, with its files where
// Up put them. Records written before providers were recorded are sim's.
func ProviderOf(rec *Record, log *slog.Logger) (provider.Provider, error) {
	name := rec.Provider
	if name == "" {
		name = provider.Default
	}
	binDir := rec.BinDir
	if binDir == "" || !fileExists(binDir) {
		binDir = FindBinDir()
	}
	cfg := providerConfig(binDir, rec.StateDir, rec.Name, name, log)
	cfg.Timeouts, _ = rec.Timeouts() // zero for a record without a profile: providers fall back to defaults
	p, err := provider.New(name, cfg)
	if err != nil {
		return nil, fmt.Errorf("environment %q: %w", rec.Name, err)
	}
	return p, nil
}

// teardownTimeout bounds tearing rec down: its profile's Teardown.
func teardownTimeout(rec *Record) time.Duration {
	t, err := rec.Timeouts()
	if err != nil || t.Teardown <= 0 {
		t, _ = framework.TimeoutsFor(framework.DefaultProfile)
	}
	return t.Teardown
}

// joinErrors runs fns concurrently and joins their errors.
func joinErrors(fns ...func() error) error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, f := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
