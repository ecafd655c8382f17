package environment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster/sim"
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
	return teardown(ctx, store, rec, log)
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
	provider, err := providerFor(store, rec, log)
	if err != nil {
		return err
	}
	var fns []func() error
	for _, r := range rec.Regions {
		fns = append(fns, func() error {
			log.Info("deleting cluster", "region", r.Name, "cluster", r.Cluster)
			return provider.Delete(ctx, r.Cluster)
		})
	}
	if err := joinErrors(fns...); err != nil {
		rec.Error = err.Error()
		_ = store.Save(rec)
		return fmt.Errorf("tear down environment %q (state kept in %s; retry `gameday down --name %s`): %w", rec.Name, rec.StateDir, rec.Name, err)
	}
	return store.Remove(rec.Name)
}

// providerFor returns the provider that created rec.
func providerFor(store Store, rec *Record, log *slog.Logger) (*sim.Provider, error) {
	if rec.Provider != "" && rec.Provider != "sim" {
		return nil, fmt.Errorf("environment %q uses provider %q, which this build cannot tear down: %w", rec.Name, rec.Provider, framework.ErrInvalid)
	}
	binDir := rec.BinDir
	if binDir == "" || !fileExists(filepath.Join(binDir, "kwokctl")) {
		binDir = FindBinDir()
	}
	return sim.New(binDir, filepath.Join(rec.StateDir, "kwok"), sim.WithLogger(log))
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
